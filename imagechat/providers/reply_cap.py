"""A cap on the bytes read from a provider's image reply.

Image replies are base64 JSON (or server-sent events of it) that the SDK reads whole before it
parses them: a provider that sends 300 MB made the app hold 1.1 GB. :class:`CappedTransport` is
an httpx transport that stops reading a reply as soon as it passes the cap and raises
:class:`ProviderReplyTooLarge` (a :class:`UserFacingError`), so at most the cap (plus one network
chunk) is ever held. The openai SDK client and litellm's HTTP handler both take it.

The cap for one call is set with :func:`reply_cap` from the number and size of the images
asked for: each image may be at most the base64 of its pixels stored raw (no encoding of them
is larger), and never more than ``MAX_BASE64_CHARS`` (a larger one would be refused when
decoded anyway); no reply may pass ``IMAGECHAT_MAX_PROVIDER_REPLY_MB`` in total (200 MB by
default: ten 4K images as base64 PNG are about 100-170 MB). So a 1024x1024 reply is cut at
about 7 MB, and one of unknown size ("auto") at about 41 MB, long before it can cost hundreds.
Compressed replies are counted after decompression, so a small gzip body cannot unfold past the
cap.
"""

from __future__ import annotations

import contextvars
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import httpx

from imagechat.errors import UserFacingError
from imagechat.image_params.sizes import dims
from imagechat.imaging import MAX_BASE64_CHARS

MB = 1024 * 1024
_JSON_SLACK = 1 * MB  # field names, usage, revised prompts around the base64

_cap: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "provider_reply_cap", default=None
)


class ProviderReplyTooLarge(UserFacingError):
    def __init__(self, cap: int) -> None:
        super().__init__(
            f"The provider sent an image reply larger than {cap / MB:.0f} MB; ImageChat refused "
            "it. Ask for fewer or smaller images, or try again.",
            kind="reply_too_large",
        )
        self.cap = cap


def max_reply_bytes() -> int:
    """``IMAGECHAT_MAX_PROVIDER_REPLY_MB`` in bytes: no reply is read past this."""
    from imagechat.settings import get_settings

    return int(get_settings().imagechat_max_provider_reply_mb * MB)


def image_b64_ceiling(size: str | None) -> int:
    """The most base64 one image of ``size`` (``WxH``) can take: its pixels stored raw as 8-bit
    RGBA, plus PNG's row filters and framing — no PNG, JPEG or WebP of it is larger — and never
    more than ``MAX_BASE64_CHARS``. An unknown size ("auto", an edit's) gets the latter."""
    wh = dims(size) if size else None
    if wh is None:
        return MAX_BASE64_CHARS
    width, height = wh
    raw = width * height * 4 + height  # a filter byte per row
    framed = raw + raw // 100 + 64 * 1024  # deflate's stored blocks, chunks, metadata
    return min(MAX_BASE64_CHARS, (framed + 2) // 3 * 4)


def cap_for_images(images: int, size: str | None = None) -> int:
    """The cap for a reply carrying ``images`` base64 images of ``size``."""
    return min(max_reply_bytes(), max(images, 1) * image_b64_ceiling(size) + _JSON_SLACK)


@contextmanager
def reply_cap(images: int, size: str | None = None) -> Iterator[int]:
    """Provider replies read in this context (this task and what it starts) carry at most
    ``images`` images of ``size`` worth of bytes."""
    cap = cap_for_images(images, size)
    token = _cap.set(cap)
    try:
        yield cap
    finally:
        _cap.reset(token)


def current_cap() -> int:
    return _cap.get() or max_reply_bytes()


def find_reply_too_large(exc: BaseException | None) -> ProviderReplyTooLarge | None:
    """The :class:`ProviderReplyTooLarge` behind ``exc`` (the SDK and litellm re-raise it as
    connection errors of their own)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ProviderReplyTooLarge):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _capped_stream_class(http: Any) -> type:
    class CappedStream(http.AsyncByteStream):  # type: ignore[misc, name-defined]
        """The reply's bytes (decompressed), refused past ``cap``."""

        def __init__(self, inner: Any, cap: int, encoding: str) -> None:
            self._inner = inner
            self._cap = cap
            # wbits 47: a zlib or a gzip header, whichever it is
            self._decoder = zlib.decompressobj(47) if encoding in ("gzip", "deflate") else None
            self.read = 0  # bytes handed on (decompressed)

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for chunk in self._inner:
                if self._decoder is not None:
                    try:
                        chunk = self._decoder.decompress(chunk, self._cap - self.read + 1)
                    except zlib.error as exc:
                        raise http.DecodingError("bad compressed provider reply") from exc
                self.read += len(chunk)
                if self.read > self._cap:
                    raise ProviderReplyTooLarge(self._cap)
                if chunk:
                    yield chunk
            if self._decoder is not None:
                tail = self._decoder.flush()
                self.read += len(tail)
                if self.read > self._cap:
                    raise ProviderReplyTooLarge(self._cap)
                if tail:
                    yield tail

        async def aclose(self) -> None:
            await self._inner.aclose()

    return CappedStream


def _capped_transport_class(http: Any) -> type:
    """The transport for one httpx flavour: litellm uses ``httpx``, the openai SDK 3.x its
    fork ``httpx2``; each checks streams against its own base classes."""
    stream_class = _capped_stream_class(http)

    class CappedTransport(http.AsyncBaseTransport):  # type: ignore[misc, name-defined]
        """Wraps a transport (httpx's own by default) so no reply is read past ``cap`` bytes
        (when None: the cap :func:`reply_cap` set for the calling task, else the setting)."""

        def __init__(self, inner: Any = None, *, cap: int | None = None) -> None:
            self._inner = inner or http.AsyncHTTPTransport()
            self._fixed_cap = cap

        async def handle_async_request(self, request: Any) -> Any:
            cap = self._fixed_cap or current_cap()
            request.headers["Accept-Encoding"] = "gzip, deflate"  # only what is counted here
            response = await self._inner.handle_async_request(request)
            declared = response.headers.get("content-length", "")
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("identity", "", "gzip", "deflate"):
                await response.aclose()
                raise UserFacingError(
                    f"The provider answered in an encoding ImageChat does not read ({encoding}).",
                    kind="provider_error",
                )
            if encoding in ("identity", "") and declared.isdigit() and int(declared) > cap:
                await response.aclose()
                raise ProviderReplyTooLarge(cap)
            decoded_here = encoding not in ("identity", "")
            headers = [
                (k, v)
                for k, v in response.headers.multi_items()
                if not (decoded_here and k.lower() in ("content-encoding", "content-length"))
            ]
            return http.Response(
                status_code=response.status_code,
                headers=headers,
                stream=stream_class(response.stream, cap, encoding),
                extensions=response.extensions,
                request=request,
            )

        async def aclose(self) -> None:
            await self._inner.aclose()

    return CappedTransport


CappedTransport = _capped_transport_class(httpx)  # for litellm (and plain httpx clients)


@lru_cache(maxsize=1)
def _sdk_transport_class() -> type:
    import httpx2

    return _capped_transport_class(httpx2)


def capped_sdk_http_client(cap: int | None = None) -> Any:
    """The openai SDK's default (httpx2) client, its timeouts, limits and redirects, with
    capped replies."""
    import openai

    return openai.DefaultAsyncHttpxClient(transport=_sdk_transport_class()(cap=cap))


def capped_litellm_client(timeout: float) -> object:
    """litellm's HTTP handler (what its image edits use) with capped replies."""
    from litellm.llms.custom_httpx.http_handler import AsyncHTTPHandler

    return AsyncHTTPHandler(timeout=timeout, transport=CappedTransport())
