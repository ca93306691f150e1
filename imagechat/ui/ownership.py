"""Someone else's message, element or thread through Chainlit's own routes: a plain 404.

Chainlit's routes (`PUT /feedback`, `PUT|DELETE /project/element`, …) pass client-supplied ids
to the data layer, which refuses what the caller does not own with `ThreadOwnershipError`. Left
alone, that was a 500 whose detail (Chainlit wraps the error as `HTTPException(500,
detail=str(e))`) named the thread, with a stack trace in the log. Here it is the 404 an unknown
id gets, so nobody can tell "not yours" from "does not exist"; other 5xx details are replaced by a
generic sentence (the log keeps the cause).

`PUT /project/element` persists in a fire-and-forget task, so its refusal cannot reach the
response; `ElementWriteGuard` checks ownership before the route runs.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from imagechat.storage.core import ThreadOwnershipError
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.guard import request_user_identifier

log = logging.getLogger("imagechat.ui")

ELEMENT_ROUTE = "/project/element"
# an element request is a small JSON document; anything bigger is not one
MAX_ELEMENT_REQUEST = 256 * 1024
NOT_FOUND = {"detail": "Not found"}
SERVER_ERROR = {"detail": "Something went wrong on the server. Try again."}


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(NOT_FOUND, status_code=404)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    cause = exc.__cause__
    if isinstance(cause, ThreadOwnershipError):
        return await _not_found(request, exc)
    if exc.status_code >= 500 and cause is not None:
        log.error("%s %s failed", request.method, request.url.path, exc_info=cause)
        return JSONResponse(SERVER_ERROR, status_code=exc.status_code)
    return await http_exception_handler(request, exc)


def install_not_found(app: FastAPI) -> None:
    """Answer the data layer's ownership refusals with 404 on every route of `app`."""
    app.add_exception_handler(ThreadOwnershipError, _not_found)
    app.add_exception_handler(HTTPException, _http_error)


class ElementWriteGuard:
    """ASGI middleware: `PUT|DELETE /project/element` only for elements, messages and threads
    of the caller (who is in `request_user_identifier`: add this inside the request-user
    middleware)."""

    def __init__(self, app: Any, layer: ImageChatDataLayer) -> None:
        self.app = app
        self.layer = layer

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("path") != ELEMENT_ROUTE
            or scope.get("method") not in ("PUT", "DELETE")
        ):
            await self.app(scope, receive, send)
            return
        body, replay = await _read_body(receive, MAX_ELEMENT_REQUEST)
        if body is None or not await self._allowed(body):
            await JSONResponse(NOT_FOUND, status_code=404)(scope, receive, send)
            return
        await self.app(scope, replay, send)

    async def _allowed(self, body: bytes) -> bool:
        try:
            element = json.loads(body).get("element") or {}
        except (ValueError, AttributeError):
            return True  # not ours to judge: the route answers 422
        if not isinstance(element, dict):
            return True

        def text(key: str) -> str | None:
            value = element.get(key)
            return value if isinstance(value, str) and value else None

        return await self.layer.may_write_element(
            request_user_identifier.get(),
            element_id=text("id"),
            thread_id=text("threadId"),
            for_id=text("forId"),
        )


async def _read_body(receive: Any, limit: int) -> tuple[bytes | None, Any]:
    """The whole request body (None past `limit`), and a `receive` that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
