"""Refuse requests that other sites' pages make with a person's cookie.

- The websocket: Chainlit's socket.io server runs with CORS handling disabled, so any web page a
  logged-in person visits could open a socket with their cookie (cross-site websocket hijacking).
- State-changing HTTP requests (POST, PUT, PATCH, DELETE): a page on another origin — another
  site, or the same host on another port — could post a form or `text/plain` body with the
  cookie (CSRF; the cookie is SameSite=Lax, which counts other ports of the host as the same
  site). Browsers send `Origin` (and `Sec-Fetch-Site`) on such requests: only the app's own origin
  (or one listed in `.chainlit/config.toml` `allow_origins`) gets through. Our own JSON routes
  (`/api/...`) also take JSON only, which a page cannot send cross-origin without CORS.

Requests without `Origin` and `Sec-Fetch-Site` are not from a browser page (scripts, the CLI,
API clients); they still need a valid token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

SOCKET_PREFIX = "/ws/socket.io"
JSON_ONLY_PREFIX = "/api/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SameOriginGuard:
    """ASGI middleware: 403 (HTTP) or close 1008 (websocket) for another origin's request;
    415 for a non-JSON body on our own API routes."""

    def __init__(
        self,
        app: Any,
        allowed: Iterable[str] = (),
        socket_prefix: str = SOCKET_PREFIX,
        json_prefix: str = JSON_ONLY_PREFIX,
    ) -> None:
        self.app = app
        self.allowed = {urlparse(o).netloc or o for o in allowed if o and o != "*"}
        self.socket_prefix = socket_prefix
        self.json_prefix = json_prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        socket = path.startswith(self.socket_prefix)
        unsafe = scope["type"] == "http" and scope.get("method", "GET") in UNSAFE_METHODS
        if socket or unsafe:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            if not self._same_origin(headers):
                await _refuse(scope, send, 403, "Cross-origin request refused")
                return
            if unsafe and path.startswith(self.json_prefix) and not _is_json(headers):
                await _refuse(scope, send, 415, "Send JSON (Content-Type: application/json)")
                return
        await self.app(scope, receive, send)

    def _same_origin(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is None:
            # no Origin: not a page, unless the browser says the request came from elsewhere
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
        hosts = {headers.get("host"), headers.get("x-forwarded-host"), *self.allowed}
        return urlparse(origin).netloc in hosts


def _is_json(headers: dict[str, str]) -> bool:
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and "+json" in media)


async def _refuse(scope: dict[str, Any], send: Any, status: int, detail: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
