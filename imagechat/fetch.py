"""Fetch an image a provider returned as a URL, without becoming an SSRF tool or a port scanner.

Rules: a link is fetched only from the provider's own origin (its base URL's scheme, host AND
port, exactly: a plain-http self-hosted server may only link to itself) or over https on the
standard port from the provider's host or one of its known image hosts; the address must not
be private unless it is the provider's own host; no redirects; a size cap enforced while
reading.

Every refusal and every failure (bad rule, no such host, connection refused, a non-200 answer,
a redirect, too large, a timeout) gives the person the SAME message, so the answers cannot be
used to tell which ports of a host are open. The reason is logged for the operator.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from urllib.parse import SplitResult, urlsplit

import httpx

from imagechat.errors import UserFacingError
from imagechat.imaging import MAX_IMAGE_BYTES

log = logging.getLogger("imagechat.fetch")

# Where OpenAI serves DALL·E images when asked for URLs.
KNOWN_IMAGE_HOSTS = {
    "api.openai.com": ("oaidalleapiprodscus.blob.core.windows.net",),
}
_DEFAULT_BASE = "https://api.openai.com/v1"
_DEFAULT_PORTS = {"http": 80, "https": 443}
NOT_FETCHED = (
    "The provider answered with a link to the image instead of the image, and ImageChat could "
    "not fetch it from there. Try again, or ask the provider's administrator to return images "
    "directly."
)


class _Refused(Exception):
    """Why a link was not fetched (for the log only)."""


def _failed() -> UserFacingError:
    return UserFacingError(NOT_FETCHED, kind="url_refused")


async def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def allowed_hosts(api_base: str | None) -> tuple[str, set[str]]:
    """The provider's own host and every host its images may come from."""
    base_host = urlsplit(api_base or _DEFAULT_BASE).hostname or ""
    return base_host, {base_host, *KNOWN_IMAGE_HOSTS.get(base_host, ())}


def _origin(url: SplitResult) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in; raises ValueError for a
    port that is not a number or out of range."""
    port = url.port  # ValueError when malformed
    return url.scheme, (url.hostname or "").lower(), port or _DEFAULT_PORTS.get(url.scheme)


def check_url(url: str, api_base: str | None) -> str:
    """The host to connect to, when the rules above allow ``url``; raises :class:`_Refused`."""
    try:
        parsed = urlsplit(url)
        origin = _origin(parsed)
        base_origin = _origin(urlsplit(api_base or _DEFAULT_BASE))
    except ValueError as exc:
        raise _Refused("malformed link or port") from exc
    scheme, host, port = origin
    _, hosts = allowed_hosts(api_base)
    if scheme not in _DEFAULT_PORTS:
        raise _Refused("not a web address")
    if parsed.username or parsed.password:
        raise _Refused("it carries credentials")
    if origin == base_origin:
        return host  # the provider's own origin, exactly
    if scheme != "https" or port != 443:
        raise _Refused("not https on the standard port, and not the provider's own origin")
    if host not in hosts:
        raise _Refused("not on the provider's host or its image hosts")
    return host


async def fetch_provider_image(
    url: str,
    api_base: str | None,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    read_timeout: float = 30.0,
) -> bytes:
    """The image bytes at `url`, if the rules above allow fetching it; otherwise, and on any
    failure, a :class:`UserFacingError` with the one message :data:`NOT_FETCHED`."""
    try:
        return await _fetch(url, api_base, max_bytes, read_timeout)
    except (_Refused, httpx.HTTPError, OSError) as exc:
        log.info("provider image link not fetched: %s", str(exc) or type(exc).__name__)
        raise _failed() from None


async def _fetch(url: str, api_base: str | None, max_bytes: int, read_timeout: float) -> bytes:
    host = check_url(url, api_base)
    base_host, _ = allowed_hosts(api_base)
    addresses = await _addresses(host)
    if host != base_host and any(not a.is_global for a in addresses):
        raise _Refused("it points at a private address")
    async with (
        httpx.AsyncClient(follow_redirects=False, timeout=read_timeout) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code != 200:
            raise _Refused(f"it answered {response.status_code}")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise _Refused("it is too large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise _Refused("it is too large")
            chunks.append(chunk)
    return b"".join(chunks)
