"""Size limits on what a browser sends: uploads, socket packets and chat messages.

Chainlit compat, in one place:

* ``POST /project/file`` (Chainlit's ``upload_file``) reads the whole file into memory and only
  then compares it with ``[features.spontaneous_file_upload] max_size_mb``, so a 200 MB body
  cost 200 MB before it was refused. :class:`UploadSizeLimit` refuses it first: at once when
  its Content-Length is over the limit, and as soon as the bytes streamed in pass it otherwise.
* Chainlit creates its Socket.IO server with python-engineio's default ``max_http_buffer_size``
  (1 MB): a bigger packet (a long pasted text) closed the socket and the message was lost
  without a word. :func:`configure_socket_limit` raises it to ``IMAGECHAT_MAX_SOCKET_MESSAGE_MB``;
  ``public/imagechat.js`` keeps anything larger in the composer and says why (it reads the
  figures from ``GET /api/limits``).
* Messages longer than ``IMAGECHAT_MAX_MESSAGE_CHARS`` are answered with
  :func:`too_long_message` instead of being sent to a model.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

UPLOAD_PATH = "/project/file"
# Multipart framing around the file: boundaries, headers, the file name.
_MULTIPART_SLACK = 64 * 1024
MB = 1024 * 1024


def max_upload_bytes() -> int:
    """The attachment limit Chainlit's config sets (``max_size_mb``, 20 by default here)."""
    from chainlit.config import config

    spec = config.features.spontaneous_file_upload
    max_mb = getattr(spec, "max_size_mb", None) or 20
    return int(max_mb * MB)


def _megabytes(limit: int) -> str:
    return f"{limit / MB:.3g}"


def upload_refusal(limit: int) -> str:
    return (
        f"The file is larger than the {_megabytes(limit)} MB limit for attachments, so it was "
        "not uploaded. Attach a smaller picture."
    )


class _TooLarge(Exception):
    pass


class UploadSizeLimit:
    """ASGI middleware: 413 with a JSON ``detail`` (which Chainlit's page shows) for an upload
    body over ``max_bytes`` of file (plus the multipart framing), never reading past it."""

    def __init__(self, app: Any, max_bytes: int | None = None, path: str = UPLOAD_PATH) -> None:
        self.app = app
        self._max_bytes = max_bytes
        self.path = path

    @property
    def max_bytes(self) -> int:
        return self._max_bytes if self._max_bytes is not None else max_upload_bytes()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not scope.get("path", "").endswith(self.path):
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        allowed = limit + _MULTIPART_SLACK
        declared = _content_length(scope)
        if declared is not None and declared > allowed:
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal received, exceeded
            if exceeded:
                raise _TooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to the cut-off body is replaced by ours
            started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass  # FastAPI usually swallows it into a 400 of its own: `exceeded` decides
        if exceeded and not started:
            await _refuse(send, limit)


def _content_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Any, limit: int) -> None:
    body = json.dumps({"detail": upload_refusal(limit)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def configure_socket_limit(sio: Any, max_bytes: int) -> None:
    """Accept Socket.IO packets up to ``max_bytes`` (python-engineio reads this attribute on
    every packet and announces it to clients as ``maxPayload`` at connect)."""
    sio.eio.max_http_buffer_size = max_bytes


def too_long_message(text: str, max_chars: int) -> str | None:
    """What to tell the person when ``text`` is over the limit; None when it is not."""
    if len(text) <= max_chars:
        return None
    return (
        f"Your message is too long ({len(text):,} characters); the limit is {max_chars:,}. "
        "Shorten it or attach it as a file."
    )


def limits_router(max_socket_bytes: int, max_message_chars: int) -> APIRouter:
    """``GET /api/limits``: the figures ``public/imagechat.js`` checks before sending."""
    router = APIRouter()

    @router.get("/api/limits")
    async def limits() -> JSONResponse:
        return JSONResponse(
            {
                "max_socket_message_bytes": max_socket_bytes,
                "max_message_chars": max_message_chars,
                "max_upload_bytes": max_upload_bytes(),
            }
        )

    return router


def install_limits(app: Any, sio: Any, settings: Any) -> None:
    """Wire all of the above into Chainlit's app and Socket.IO server (called by app.py)."""
    from imagechat.ui.api import mount_first

    socket_bytes = int(settings.imagechat_max_socket_message_mb * MB)
    app.add_middleware(UploadSizeLimit)
    configure_socket_limit(sio, socket_bytes)
    mount_first(app, limits_router(socket_bytes, settings.imagechat_max_message_chars))


async def refused_as_too_long(message: Any) -> bool:
    """Answer a message over ``IMAGECHAT_MAX_MESSAGE_CHARS`` with what to do and return True
    (the person's message stays in the conversation; it is not sent to a model)."""
    import chainlit as cl

    from imagechat.history import UI_ONLY
    from imagechat.settings import get_settings
    from imagechat.ui import runtime

    notice = too_long_message(message.content or "", get_settings().imagechat_max_message_chars)
    if notice is None:
        return False
    # kept on the page and in the conversation, but never part of what a model is sent (also
    # after a resume rebuilds the history from the stored steps)
    await runtime.get().data_layer.update_step(
        {  # type: ignore[typeddict-item]  # a partial update: only the metadata changes
            "id": message.id,
            "threadId": message.thread_id,
            "metadata": {**(message.metadata or {}), UI_ONLY: True},
        }
    )
    await cl.ErrorMessage(content=notice).send()
    return True
