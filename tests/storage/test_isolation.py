"""User B never reads, changes or deletes user A's threads, messages, elements or images."""

from __future__ import annotations

import pytest
from chainlit.element import CustomElement
from chainlit.types import Feedback

from imagechat.storage.core import ThreadOwnershipError
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.guard import acting_as
from imagechat.storage.schema import elements, steps, threads

from .conftest import count
from .helpers import enter_session, leave_session, make_thread, make_user, new_id, step


async def _alice_thread(dl: ImageChatDataLayer) -> tuple[str, str, str]:
    alice = await make_user(dl, "alice")
    await make_user(dl, "bob")
    thread_id = await make_thread(dl, alice, name="alice's")
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid, output="secret"))
    image_id = await dl.save_image(
        user_identifier="alice", thread_id=thread_id, step_id=sid, data_b64="QUFB", mime="image/png"
    )
    return thread_id, sid, image_id


async def test_owner_checked_methods(dl: ImageChatDataLayer, db: Database) -> None:
    thread_id, sid, image_id = await _alice_thread(dl)
    assert await dl.get_thread_for_user(thread_id, "bob") is None
    assert await dl.delete_thread_for_user(thread_id, "bob") is False
    assert await dl.rename_thread_for_user(thread_id, "bob", "pwned") is False
    assert await dl.delete_message_for_user(sid, "bob") is False
    assert await dl.get_image_for_user(image_id, "bob") is None
    assert await dl.list_images(thread_id, "bob") == []
    assert await dl.save_thread_settings(thread_id, "bob", {"model": "x"}) is False
    with pytest.raises(ThreadOwnershipError):
        await dl.save_image(
            user_identifier="bob", thread_id=thread_id, step_id=None, data_b64="x", mime="image/png"
        )
    # Nothing changed for alice.
    thread = await dl.get_thread_for_user(thread_id, "alice")
    assert thread is not None
    assert thread["name"] == "alice's"
    assert [s["output"] for s in thread["steps"]] == ["secret"]
    assert "chat_settings" not in (thread["metadata"] or {})
    image = await dl.get_image_for_user(image_id, "alice")
    assert image is not None and image.data_b64 == "QUFB"
    assert await count(db, steps, id=sid) == 1
    # And the owner can do all of it.
    assert await dl.rename_thread_for_user(thread_id, "alice", "mine") is True
    assert await dl.delete_thread_for_user(thread_id, "alice") is True
    assert await dl.get_thread_for_user(thread_id, "alice") is None
    assert await dl.get_thread_for_user(new_id(), "alice") is None


async def test_session_of_another_user_cannot_write(dl: ImageChatDataLayer, db: Database) -> None:
    """Inside Bob's Chainlit session (websocket handlers, the element routes), writes aimed at
    Alice's thread ids are refused by the data layer itself."""
    thread_id, sid, _ = await _alice_thread(dl)
    bob = await dl.get_user("bob")
    element = CustomElement(name="G", props={"a": 1}, thread_id=thread_id, for_id=sid)
    await dl.create_element(element)
    session = enter_session(bob, new_id())
    try:
        with pytest.raises(ThreadOwnershipError):
            await dl.create_step(step(thread_id, output="injected"))
        with pytest.raises(ThreadOwnershipError):
            await dl.update_step(step(thread_id, step_id=sid, output="overwritten"))
        with pytest.raises(ThreadOwnershipError):
            await dl.delete_step(sid)
        # PUT /project/element with a forged threadId/id (Chainlit only checks the session).
        forged = CustomElement(id=element.id, name="G", props={"a": 666}, thread_id=thread_id)
        with pytest.raises(ThreadOwnershipError):
            await dl.create_element(forged)
        with pytest.raises(ThreadOwnershipError):
            await dl.delete_element(element.id, thread_id)
        with pytest.raises(ThreadOwnershipError):
            await dl.update_thread(thread_id, name="pwned")
        with pytest.raises(ThreadOwnershipError):
            await dl.delete_thread(thread_id)
        # A session may only create its own thread.
        with pytest.raises(ThreadOwnershipError):
            await dl.create_step(step(new_id(), output="elsewhere"))
    finally:
        leave_session(session)
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert thread["name"] == "alice's"
    assert [s["output"] for s in thread["steps"]] == ["secret"]
    assert (thread["elements"] or [])[0]["props"] == {"a": 1}
    assert await count(db, elements, thread_id=thread_id) == 1
    assert await count(db, threads) == 1


async def test_step_id_cannot_move_between_threads(dl: ImageChatDataLayer) -> None:
    _, sid, _ = await _alice_thread(dl)
    alice = await dl.get_user("alice")
    assert alice is not None
    other = await make_thread(dl, alice)
    with pytest.raises(ThreadOwnershipError):
        await dl.update_step(step(other, step_id=sid, output="moved"))


async def test_feedback_routes_with_request_user(dl: ImageChatDataLayer) -> None:
    """Chainlit's /feedback routes do not check ownership; with RequestUserMiddleware setting
    the request's user, the data layer does."""
    _thread_id, sid, _ = await _alice_thread(dl)
    with acting_as("bob"), pytest.raises(ThreadOwnershipError):
        await dl.upsert_feedback(Feedback(forId=sid, value=0))
    with acting_as("alice"):
        feedback_id = await dl.upsert_feedback(Feedback(forId=sid, value=1))
    with acting_as("bob"), pytest.raises(ThreadOwnershipError):
        await dl.delete_feedback(feedback_id)
    assert await dl.get_feedback_author(feedback_id) == "alice"
    assert await dl.get_step_author(sid) == "alice"
    # an unknown message is refused like someone else's: ids cannot be probed
    with pytest.raises(ThreadOwnershipError):
        await dl.upsert_feedback(Feedback(forId=new_id(), value=1))


async def test_get_thread_is_not_filtered(dl: ImageChatDataLayer) -> None:
    """Chainlit's socket connect refuses a foreign threadId only when get_thread returns the
    thread with its userIdentifier; hiding it would let the connection adopt the id."""
    thread_id, _, _ = await _alice_thread(dl)
    thread = await dl.get_thread(thread_id)
    assert thread is not None and thread["userIdentifier"] == "alice"
