"""Other origins' pages reach neither the websocket (cross-site websocket hijacking) nor the
state-changing routes (CSRF, including a page on another port of the same host)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from imagechat.ui.origin import SameOriginGuard


async def ok_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def client(allowed: tuple[str, ...] = ()) -> httpx.AsyncClient:
    app = SameOriginGuard(ok_app, allowed=allowed)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://chat.local")


@pytest.mark.parametrize(
    ("origin", "path", "status"),
    [
        ("http://evil.example", "/ws/socket.io/?EIO=4&transport=polling", 403),
        ("http://chat.local.evil.example", "/ws/socket.io/", 403),
        ("http://chat.local", "/ws/socket.io/?EIO=4&transport=polling", 200),
        (None, "/ws/socket.io/", 200),  # not a browser: no Origin
        ("http://evil.example", "/login", 200),  # reading is not guarded
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


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        # a page on another port of the same host (same site, other origin)
        ({"Origin": "http://chat.local:9999", "Content-Type": "text/plain"}, 403),
        ({"Origin": "http://chat.local:9999", "Content-Type": "application/json"}, 403),
        (
            {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"},
            403,
        ),
        ({"Origin": "null", "Content-Type": "application/json"}, 403),
        ({"Sec-Fetch-Site": "same-site", "Content-Type": "application/json"}, 403),
        # the app's own page
        ({"Origin": "http://chat.local", "Content-Type": "application/json"}, 200),
        ({"Origin": "http://chat.local", "Content-Type": "application/json; charset=utf-8"}, 200),
        # not a browser page: no Origin, no Sec-Fetch-Site
        ({"Content-Type": "application/json"}, 200),
        # our JSON routes refuse other bodies, even from our own page
        ({"Origin": "http://chat.local", "Content-Type": "text/plain"}, 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ({}, 415),
    ],
)
async def test_state_changing_requests_come_from_our_pages_with_json(
    headers: dict[str, str], status: int
) -> None:
    async with client() as c:
        response = await c.post("/api/threads/t1/model", content=b'{"label": "x"}', headers=headers)
    assert response.status_code == status


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_every_unsafe_method_of_every_route_checks_the_origin(method: str) -> None:
    async with client() as c:
        other = await c.request(method, "/project/thread", headers={"Origin": "http://x.test"})
        own = await c.request(method, "/project/thread", headers={"Origin": "http://chat.local"})
    assert (other.status_code, own.status_code) == (403, 200)


async def test_a_form_login_from_our_page_still_works() -> None:
    headers = {"Origin": "http://chat.local", "Content-Type": "application/x-www-form-urlencoded"}
    async with client() as c:
        assert (
            await c.post("/login", content=b"username=a&password=b", headers=headers)
        ).status_code == 200
