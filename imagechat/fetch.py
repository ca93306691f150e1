"""Fetch an image a provider returned as a URL, without becoming an SSRF tool.

Rules: https only (plain http only when the provider's own base URL is http, as for a self-hosted
server, and then only from that same host); the host must be the provider's own host or one of
its known image hosts; the address it resolves to must not be private unless the provider's own
base URL is that host; no redirects; a size cap enforced while reading.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlparse

import httpx

from imagechat.errors import UserFacingError
from imagechat.imaging import MAX_IMAGE_BYTES

# Where OpenAI serves DALL·E images when asked for URLs.
KNOWN_IMAGE_HOSTS = {
    "api.openai.com": ("oaidalleapiprodscus.blob.core.windows.net",),
}
_REFUSED = "The provider returned an image link that ImageChat will not fetch ({why})."


def _refuse(why: str) -> UserFacingError:
    return UserFacingError(_REFUSED.format(why=why), kind="url_refused")


async def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def allowed_hosts(api_base: str | None) -> tuple[str, set[str]]:
    """The provider's own host and every host its images may come from."""
    base_host = urlparse(api_base or "https://api.openai.com/v1").hostname or ""
    return base_host, {base_host, *KNOWN_IMAGE_HOSTS.get(base_host, ())}


async def fetch_provider_image(
    url: str,
    api_base: str | None,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    read_timeout: float = 30.0,
) -> bytes:
    """The image bytes at `url`, if the rules above allow fetching it."""
    parsed = urlparse(url)
    base = urlparse(api_base or "https://api.openai.com/v1")
    base_host, hosts = allowed_hosts(api_base)
    host = parsed.hostname or ""
    if parsed.scheme not in ("https", "http"):
        raise _refuse("not a web address")
    if host not in hosts:
        raise _refuse("it is not on the provider's host")
    if parsed.scheme == "http" and not (base.scheme == "http" and host == base_host):
        raise _refuse("it is not https")
    if parsed.username or parsed.password:
        raise _refuse("it carries credentials")
    try:
        addresses = await _addresses(host)
    except OSError as exc:
        raise _refuse("its host does not resolve") from exc
    if host != base_host and any(not a.is_global for a in addresses):
        raise _refuse("it points at a private address")
    try:
        async with (
            httpx.AsyncClient(follow_redirects=False, timeout=read_timeout) as client,
            client.stream("GET", url) as response,
        ):
            if response.is_redirect:
                raise _refuse("it redirects elsewhere")
            if response.status_code != 200:
                raise _refuse(f"it answered {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _refuse("it is too large")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _refuse("it is too large")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise UserFacingError("Could not download the image the provider made. Try again.") from exc
    return b"".join(chunks)
