"""The websocket refuses other sites' pages (cross-site websocket hijacking)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from imagechat.ui.origin import SameOriginSocket


async def ok_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def client(allowed: tuple[str, ...] = ()) -> httpx.AsyncClient:
    app = SameOriginSocket(ok_app, allowed=allowed)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chat.local")


@pytest.mark.parametrize(
    ("origin", "path", "status"),
    [
        ("http://evil.example", "/ws/socket.io/?EIO=4&transport=polling", 403),
        ("http://chat.local.evil.example", "/ws/socket.io/", 403),
        ("http://chat.local", "/ws/socket.io/?EIO=4&transport=polling", 200),
        (None, "/ws/socket.io/", 200),  # not a browser: no Origin
        ("http://evil.example", "/login", 200),  # only the socket is guarded
    ],
)
async def test_only_the_apps_own_pages_reach_the_socket(
    origin: str | None, path: str, status: int
) -> None:
    headers = {"Origin": origin} if origin else {}
    async with client() as c:
        assert (await c.get(path, headers=headers)).status_code == status


async def test_configured_origins_are_allowed() -> None:
    async with client(("https://embed.example",)) as c:
        headers = {"Origin": "https://embed.example"}
        assert (await c.get("/ws/socket.io/", headers=headers)).status_code == 200
