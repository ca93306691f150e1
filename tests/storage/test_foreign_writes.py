"""Writing feedback or an element on someone else's message through Chainlit's own routes is a
plain 404 — the same answer an unknown id gets, no stack trace, no thread id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from chainlit.element import CustomElement
from chainlit.user import User

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.guard import acting_as
from imagechat.storage.users import UserRepository
from imagechat.ui.ownership import ElementWriteGuard, install_not_found

from .helpers import enter_session, leave_session, make_thread, new_id, step


@pytest.fixture
async def world(
    dl: ImageChatDataLayer, repo: UserRepository, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, Any]]:
    import chainlit.data as cl_data
    from chainlit.auth import create_jwt
    from chainlit.server import app

    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "foreign-writes-" + "s" * 48)
    monkeypatch.setattr(cl_data, "_data_layer", dl)
    monkeypatch.setattr(cl_data, "_data_layer_initialized", True)
    install_not_found(app)  # as app.py does
    monkeypatch.setattr(app, "middleware_stack", None)  # rebuilt with the handler
    await repo.add("alice", "alice password")
    await repo.add("bob", "bob password")
    alice = await dl.get_user("alice")
    assert alice is not None
    thread_id = await make_thread(dl, alice, name="alice's chat")
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid, output="private"))
    element = CustomElement(name="G", props={"x": 1}, thread_id=thread_id, for_id=sid)
    await dl.create_element(element)

    async def as_caller(scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Tells the data layer who asks, as the app's request-user middleware does."""
        caller = dict(scope["headers"]).get(b"x-test-user", b"").decode() or None
        with acting_as(caller):
            await guarded(scope, receive, send)

    guarded = ElementWriteGuard(app, dl)

    def headers(name: str) -> dict[str, str]:
        token = create_jwt(User(identifier=name))
        return {"Authorization": f"Bearer {token}", "X-Test-User": name}

    yield {
        "client": httpx.AsyncClient(
            transport=httpx.ASGITransport(app=as_caller), base_url="http://t"
        ),
        "thread": thread_id,
        "step": sid,
        "element": element.id,
        "alice": headers("alice"),
        "bob": headers("bob"),
    }


async def test_feedback_on_someone_elses_message_is_not_found(world: dict[str, Any]) -> None:
    theirs = {"sessionId": "none", "feedback": {"forId": world["step"], "value": 0}}
    unknown = {"sessionId": "none", "feedback": {"forId": new_id(), "value": 0}}
    async with world["client"] as client:
        foreign = await client.put("/feedback", json=theirs, headers=world["bob"])
        missing = await client.put("/feedback", json=unknown, headers=world["bob"])
        own = await client.put("/feedback", json=theirs, headers=world["alice"])
    assert (foreign.status_code, missing.status_code, own.status_code) == (404, 404, 200)
    assert foreign.json() == missing.json() == {"detail": "Not found"}
    assert world["thread"] not in foreign.text


async def test_an_element_on_someone_elses_message_is_not_found(
    world: dict[str, Any], dl: ImageChatDataLayer
) -> None:
    bob = await dl.get_user("bob")
    session = enter_session(bob, new_id())
    element = {
        "id": world["element"],
        "type": "custom",
        "name": "G",
        "props": {"x": "overwritten"},
        "forId": world["step"],
        "threadId": world["thread"],
        "display": "inline",
    }
    try:
        async with world["client"] as client:
            response = await client.put(
                "/project/element",
                json={"sessionId": session.id, "element": element},
                headers=world["bob"],
            )
    finally:
        leave_session(session)
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    stored = await dl.get_element(world["thread"], world["element"])
    assert stored is not None and stored["props"] == {"x": 1}


async def test_the_owner_still_writes_and_others_cannot_delete(
    world: dict[str, Any], dl: ImageChatDataLayer
) -> None:
    alice, bob = await dl.get_user("alice"), await dl.get_user("bob")
    element = {
        "id": world["element"],
        "type": "custom",
        "name": "G",
        "props": {"x": 2},
        "forId": world["step"],
        "threadId": world["thread"],
        "display": "inline",
    }
    theirs = enter_session(bob, new_id())
    try:
        async with world["client"] as client:
            body = {"sessionId": theirs.id, "element": element}
            refused = await client.request(
                "DELETE", "/project/element", json=body, headers=world["bob"]
            )
    finally:
        leave_session(theirs)
    assert refused.status_code == 404
    assert await dl.get_element(world["thread"], world["element"]) is not None
    own = enter_session(alice, world["thread"])
    try:
        async with httpx.AsyncClient(
            transport=world["client"]._transport, base_url="http://t"
        ) as client:
            body = {"sessionId": own.id, "element": element}
            allowed = await client.put("/project/element", json=body, headers=world["alice"])
    finally:
        leave_session(own)
    assert allowed.status_code == 200 and allowed.json() == {"success": True}
