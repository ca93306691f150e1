"""Uploads over the attachment limit are refused before their body is read; long messages and
the Socket.IO packet limit (imagechat.ui.limits)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI, UploadFile

from imagechat.ui import limits
from imagechat.ui.limits import UploadSizeLimit, max_upload_bytes, too_long_message

MB = 1024 * 1024
CHUNK = 256 * 1024


def upload_app() -> FastAPI:
    """Chainlit's `upload_file` in miniature: FastAPI parses the multipart form (spooling the
    file), then the route reads it whole."""
    app = FastAPI()

    @app.post("/project/file")
    async def upload_file(file: UploadFile) -> dict[str, int]:
        return {"size": len(await file.read())}

    return app


class Body:
    """An ASGI `receive` that streams a multipart body of a `size`-byte file, counting what
    the app pulled."""

    def __init__(self, size: int) -> None:
        self.boundary = b"xyzboundary"
        self.head = (
            b'--xyzboundary\r\nContent-Disposition: form-data; name="file"; '
            b'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
        )
        self.tail = b"\r\n--xyzboundary--\r\n"
        self.size = size
        self.total = len(self.head) + size + len(self.tail)
        self.pulled = 0
        self._parts = self._chunks()

    def _chunks(self) -> AsyncIterator[bytes]:
        async def gen() -> AsyncIterator[bytes]:
            yield self.head
            left = self.size
            while left > 0:
                n = min(CHUNK, left)
                left -= n
                yield b"\x89" * n
            yield self.tail

        return gen()

    async def receive(self) -> dict[str, Any]:
        try:
            chunk = await self._parts.__anext__()
        except StopAsyncIteration:
            return {"type": "http.disconnect"}
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.pulled < self.total}


async def call(app: Any, body: Body, *, declare: bool) -> tuple[int, dict[str, Any]]:
    headers = [(b"content-type", b"multipart/form-data; boundary=" + body.boundary)]
    if declare:
        headers.append((b"content-length", str(body.total).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/project/file",
        "raw_path": b"/project/file",
        "query_string": b"session_id=s",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, body.receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(payload)


def test_the_limit_is_chainlits_attachment_setting() -> None:
    assert max_upload_bytes() == 20 * MB  # .chainlit/config.toml max_size_mb = 20


async def test_a_declared_200_mb_upload_is_refused_without_reading_its_body() -> None:
    body = Body(200 * MB)
    status, payload = await call(UploadSizeLimit(upload_app(), 20 * MB), body, declare=True)
    assert status == 413
    assert body.pulled == 0
    assert payload["detail"].startswith("The file is larger than the 20 MB limit")


async def test_an_undeclared_200_mb_upload_stops_being_read_past_the_limit() -> None:
    body = Body(200 * MB)
    status, payload = await call(UploadSizeLimit(upload_app(), 20 * MB), body, declare=False)
    assert status == 413, payload
    assert body.pulled <= 20 * MB + 64 * 1024 + CHUNK
    assert "Attach a smaller picture" in payload["detail"]


@pytest.mark.parametrize("declare", [True, False])
async def test_an_upload_under_the_limit_goes_through(declare: bool) -> None:
    body = Body(3 * MB)
    status, payload = await call(UploadSizeLimit(upload_app(), 20 * MB), body, declare=declare)
    assert (status, payload) == (200, {"size": 3 * MB})


async def test_other_paths_are_not_limited() -> None:
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])

    await UploadSizeLimit(app, 1)({"type": "http", "path": "/login", "headers": []}, None, None)
    assert seen == ["/login"]


def test_too_long_message_says_how_long_and_what_to_do() -> None:
    assert too_long_message("x" * 200_000, 200_000) is None
    notice = too_long_message("x" * 2_000_000, 200_000)
    assert notice == (
        "Your message is too long (2,000,000 characters); the limit is 200,000. "
        "Shorten it or attach it as a file."
    )


def test_the_socket_limit_is_set_on_chainlits_engine() -> None:
    import chainlit.server

    before = chainlit.server.sio.eio.max_http_buffer_size
    try:
        limits.configure_socket_limit(chainlit.server.sio, 4 * MB)
        assert chainlit.server.sio.eio.max_http_buffer_size == 4 * MB
    finally:
        chainlit.server.sio.eio.max_http_buffer_size = before
