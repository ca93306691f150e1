"""Chainlit 2.12's own HTTP routes on top of our data layer, with two users.

Checks the ownership claims in the report: the thread routes ask ``get_thread_author``; the
feedback routes do not (our ``RequestUserMiddleware`` closes that); sharing stays off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from chainlit.element import CustomElement
from chainlit.user import User

from imagechat.auth import RequestUserMiddleware, check_password
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import feedbacks, steps, threads
from imagechat.storage.users import UserRepository

from .conftest import count
from .helpers import make_thread, new_id, step


@pytest.fixture
async def setup(
    dl: ImageChatDataLayer, repo: UserRepository, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, Any]]:
    import chainlit.data as cl_data
    from chainlit.auth import create_jwt
    from chainlit.config import config
    from chainlit.server import app

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "route-test-" + "s" * 48)
    monkeypatch.setattr(cl_data, "_data_layer", dl)
    monkeypatch.setattr(cl_data, "_data_layer_initialized", True)

    async def password_callback(username: str, password: str) -> User | None:
        return await check_password(repo, username, password)

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
    tokens = {name: create_jwt(User(identifier=name)) for name in ("alice", "bob")}
    yield {
        "app": app,
        "thread": thread_id,
        "step": sid,
        "element": element.id,
        "headers": {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()},
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


async def test_thread_routes_check_the_author(setup: dict[str, Any], db: Database) -> None:
    thread_id, bob, alice = setup["thread"], setup["headers"]["bob"], setup["headers"]["alice"]
    # As in the app, RequestUserMiddleware tells the data layer who asks: another user's
    # thread then answers 404, exactly like a missing one.
    async with _client(RequestUserMiddleware(setup["app"])) as client:
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
    async with _client(RequestUserMiddleware(setup["app"])) as client:
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
