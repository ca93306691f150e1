"""Chainlit 2.12's own HTTP routes on top of our data layer, with two users.

Checks the ownership claims in the report: the thread routes ask ``get_thread_author``; the
feedback routes do not (our ``RequestUserMiddleware`` closes that); sharing stays off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from chainlit.element import CustomElement
from chainlit.user import User

from imagechat.auth import PasswordLogin, TooManyAttempts
from imagechat.login_throttle import LoginThrottle
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import feedbacks, steps, threads
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRepository
from imagechat.ui import auth as auth_ui
from imagechat.ui.auth import SESSION_KEY, check_password, end_session

from .conftest import count
from .helpers import make_thread, new_id, step

DAY = timedelta(days=1)


@pytest.fixture
async def setup(
    dl: ImageChatDataLayer, repo: UserRepository, db: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, Any]]:
    import chainlit.data as cl_data
    from chainlit.auth import create_jwt
    from chainlit.config import config
    from chainlit.server import app

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "route-test-" + "s" * 48)
    monkeypatch.setattr(cl_data, "_data_layer", dl)
    monkeypatch.setattr(cl_data, "_data_layer_initialized", True)

    sessions = SessionRepository(db)
    login = PasswordLogin(repo, sessions, LoginThrottle("3 per 15 minutes"), DAY)

    async def password_callback(username: str, password: str) -> User | None:
        return await check_password(login, username, password)

    monkeypatch.setattr(config.code, "password_auth_callback", password_callback)
    await repo.add("alice", "alice password")
    await repo.add("bob", "bob password")
    alice = await dl.get_user("alice")
    assert alice is not None
    thread_id = await make_thread(dl, alice, name="alice's chat")
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid, output="private"))
    element = CustomElement(name="G", props={"x": 1}, thread_id=thread_id, for_id=sid)
    await dl.create_element(element)
    tokens = {}
    for name in ("alice", "bob"):
        record = await repo.get(name)
        assert record is not None
        session = await sessions.create(record.id, DAY)
        tokens[name] = create_jwt(User(identifier=name, metadata={SESSION_KEY: session}))
    yield {
        "app": app,
        "thread": thread_id,
        "step": sid,
        "element": element.id,
        "headers": {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()},
        # the app's middleware, on the sessions of the database under test
        "guarded": auth_ui.RequestUserMiddleware(app, sessions=sessions),
    }


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_login(setup: dict[str, Any]) -> None:
    async with _client(setup["app"]) as client:
        ok = await client.post("/login", data={"username": "alice", "password": "alice password"})
        bad = await client.post("/login", data={"username": "alice", "password": "nope"})
        ghost = await client.post("/login", data={"username": "ghost", "password": "whatever"})
    assert ok.status_code == 200 and "access_token" in ok.headers.get("set-cookie", "")
    assert bad.status_code == 401 and ghost.status_code == 401


async def test_login_refusals_reach_the_login_page(setup: dict[str, Any]) -> None:
    """Chainlit answers 401 for any callback that returns None; the middleware turns a
    throttled attempt into 429 with the code the login page translates."""
    form = {"username": "alice", "password": "nope"}
    async with _client(setup["guarded"]) as client:
        for _ in range(3):
            wrong = await client.post("/login", data=form)
            assert wrong.status_code == 401 and wrong.json()["detail"] == "credentialssignin"
        refused = await client.post("/login", data=form)
        right = await client.post("/login", data={**form, "password": "alice password"})
        bob = await client.post("/login", data={"username": "bob", "password": "bob password"})
    for response in (refused, right):
        assert response.status_code == 429
        assert response.json() == {"detail": TooManyAttempts.detail}
        assert 0 < int(response.headers["retry-after"]) <= 900
        assert "access_token" not in response.headers.get("set-cookie", "")
    assert bob.status_code == 200 and "access_token" in bob.headers["set-cookie"]


async def test_logout_ends_the_session(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainlit.config import config
    from chainlit.utils import wrap_user_function
    from starlette.requests import Request

    alice, sessions = setup["headers"]["alice"], setup["guarded"].sessions
    async with _client(setup["guarded"]) as client:
        assert (await client.get("/user", headers=alice)).status_code == 200
        # Chainlit's own logout only drops the cookie: a copy of the token still works...
        monkeypatch.setattr(config.code, "on_logout", None)
        assert (await client.post("/logout", headers=alice)).status_code == 200
        assert (await client.get("/user", headers=alice)).status_code == 200

        # ...the app's @cl.on_logout ends the session, and with it every copy of the token.
        async def on_logout(request: Request, response: Any) -> dict[str, bool]:
            return await end_session(request, sessions)

        monkeypatch.setattr(config.code, "on_logout", wrap_user_function(on_logout))
        logout = await client.post("/logout", headers=alice)
        assert logout.status_code == 200 and logout.json() == {"success": True}
        after = await client.get("/user", headers=alice)
        assert after.status_code == 401
        assert (await client.get("/user", headers=setup["headers"]["bob"])).status_code == 200


async def test_thread_routes_check_the_author(setup: dict[str, Any], db: Database) -> None:
    thread_id, bob, alice = setup["thread"], setup["headers"]["bob"], setup["headers"]["alice"]
    # As in the app, RequestUserMiddleware tells the data layer who asks: another user's
    # thread then answers 404, exactly like a missing one.
    async with _client(setup["guarded"]) as client:
        assert (await client.get(f"/project/thread/{thread_id}", headers=bob)).status_code == 404
        element_url = f"/project/thread/{thread_id}/element/{setup['element']}"
        assert (await client.get(element_url, headers=bob)).status_code == 404
        rename = {"threadId": thread_id, "name": "pwned"}
        assert (await client.put("/project/thread", json=rename, headers=bob)).status_code == 404
        gone = {"threadId": thread_id}
        response = await client.request("DELETE", "/project/thread", json=gone, headers=bob)
        assert response.status_code == 404
        listing = {"pagination": {"first": 20}, "filter": {}}
        bobs = await client.post("/project/threads", json=listing, headers=bob)
        assert bobs.status_code == 200 and bobs.json()["data"] == []
        missing = await client.get(f"/project/thread/{new_id()}", headers=bob)
        assert missing.status_code == 404
        # The owner gets everything, as objects.
        mine = await client.get(f"/project/thread/{thread_id}", headers=alice)
        assert mine.status_code == 200
        assert [s["output"] for s in mine.json()["steps"]] == ["private"]
        assert mine.json()["elements"][0]["props"] == {"x": 1}
        listed = await client.post("/project/threads", json=listing, headers=alice)
        assert [t["id"] for t in listed.json()["data"]] == [thread_id]
        assert (await client.get(element_url, headers=alice)).json()["props"] == {"x": 1}
        rename = {"threadId": thread_id, "name": "renamed"}
        assert (await client.put("/project/thread", json=rename, headers=alice)).status_code == 200
        assert (await setup_thread_name(db, thread_id)) == "renamed"
        response = await client.request("DELETE", "/project/thread", json=gone, headers=alice)
        assert response.status_code == 200
    assert await count(db, threads, id=thread_id) == 0
    assert await count(db, steps, thread_id=thread_id) == 0


async def setup_thread_name(db: Database, thread_id: str) -> str | None:
    from sqlalchemy import select

    async with db.read() as conn:
        return await conn.scalar(select(threads.c.name).where(threads.c.id == thread_id))


async def test_feedback_routes(setup: dict[str, Any], db: Database) -> None:
    bob = setup["headers"]["bob"]
    payload = {"sessionId": "none", "feedback": {"forId": setup["step"], "value": 0}}
    # Chainlit itself does not check who owns the message...
    async with _client(setup["app"]) as client:
        unguarded = await client.put("/feedback", json=payload, headers=bob)
    assert unguarded.status_code == 200
    assert await count(db, feedbacks, for_id=setup["step"]) == 1
    # ...with RequestUserMiddleware the data layer refuses it.
    async with _client(setup["guarded"]) as client:
        guarded = await client.put("/feedback", json=payload, headers=bob)
        assert guarded.status_code == 500
        own = await client.put("/feedback", json=payload, headers=setup["headers"]["alice"])
        assert own.status_code == 200


async def test_sharing_is_off(setup: dict[str, Any]) -> None:
    thread_id = setup["thread"]
    async with _client(setup["app"]) as client:
        share = {"threadId": thread_id, "isShared": True}
        response = await client.put(
            "/project/thread/share", json=share, headers=setup["headers"]["alice"]
        )
        assert response.status_code == 200  # Chainlit does not gate the route on the config
        shared = await client.get(f"/project/share/{thread_id}", headers=setup["headers"]["bob"])
    assert shared.status_code == 404
