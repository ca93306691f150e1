"""Refuse cross-site connections to Chainlit's websocket.

Chainlit's socket.io server runs with CORS handling disabled, so any web page a logged-in person
visits could open a socket with their cookie (cross-site websocket hijacking). This middleware lets
a socket request through only when it has no Origin header (not a browser) or its Origin is the
app's own host (or one listed in `.chainlit/config.toml` `allow_origins`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

SOCKET_PREFIX = "/ws/socket.io"


class SameOriginSocket:
    """ASGI middleware: 403 (HTTP polling) or close 1008 (websocket) for a foreign Origin."""

    def __init__(self, app: Any, allowed: Iterable[str] = (), prefix: str = SOCKET_PREFIX) -> None:
        self.app = app
        self.allowed = {urlparse(o).netloc or o for o in allowed if o and o != "*"}
        self.prefix = prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") in ("http", "websocket") and scope.get("path", "").startswith(
            self.prefix
        ):
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            origin = headers.get("origin")
            if origin and not self._same_site(origin, headers):
                await self._refuse(scope, send)
                return
        await self.app(scope, receive, send)

    def _same_site(self, origin: str, headers: dict[str, str]) -> bool:
        origin_host = urlparse(origin).netloc
        hosts = {headers.get("host"), headers.get("x-forwarded-host"), *self.allowed}
        return origin_host in hosts

    @staticmethod
    async def _refuse(scope: dict[str, Any], send: Any) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b'{"detail":"Cross-origin connection refused"}'
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
