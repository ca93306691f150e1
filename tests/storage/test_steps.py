"""Steps and elements: upserts while streaming, modes, JSON columns, ordering, props."""

from __future__ import annotations

import asyncio

import pytest
from chainlit.element import CustomElement, Image, Text
from chainlit.types import Feedback
from sqlalchemy import select

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import elements, steps, threads

from .helpers import enter_session, leave_session, make_thread, make_user, new_id, step


async def test_streaming_upserts_keep_last_write(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    # Like Chainlit: create_step, then update_step calls, each fired as a task, never awaited.
    tasks = [asyncio.create_task(dl.create_step(step(thread_id, step_id=sid, streaming=True)))]
    text = ""
    for word in ["a", "quick", "brown", "fox", "jumps"] * 4:
        text += word + " "
        tasks.append(asyncio.create_task(dl.update_step(step(thread_id, step_id=sid, output=text))))
    await asyncio.gather(*tasks)
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert [s["output"] for s in thread["steps"]] == [text]


async def test_partial_update_keeps_other_fields(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid, output="draft", language="python"))
    await dl.update_step({"id": sid, "threadId": thread_id, "output": "final"})
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    (saved,) = thread["steps"]
    assert saved["output"] == "final"
    assert saved["type"] == "assistant_message"
    assert saved["language"] == "python"
    assert saved["name"] == "Assistant"


async def test_user_message_with_modes_is_stored(dl: ImageChatDataLayer) -> None:
    """Chainlit's SQLAlchemyDataLayer fails to bind ``modes`` and loses the user message."""
    from chainlit.message import Message

    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    session = enter_session(user, thread_id)
    try:
        message = Message(
            content="draw a cat", type="user_message", author="alice", modes={"model": "dall-e-3"}
        )
        message.created_at = "2025-01-01T00:00:00Z"
        await dl.create_step(message.to_dict())
        thread = await dl.get_thread(thread_id)
        assert thread is not None
        (saved,) = thread["steps"]
        assert saved["output"] == "draw a cat"
        assert saved["modes"] == {"model": "dall-e-3"}
        assert saved["type"] == "user_message"
        # What Chainlit does with it on resume:
        assert Message.from_dict(saved).modes == {"model": "dall-e-3"}
    finally:
        leave_session(session)


async def test_json_columns_come_back_as_objects(dl: ImageChatDataLayer, db: Database) -> None:
    user = await make_user(dl, "alice")
    thread_id = new_id()
    await dl.update_thread(
        thread_id, name="n", user_id=user.id, metadata={"k": {"n": 1}}, tags=["a", "b"]
    )
    sid = new_id()
    await dl.create_step(
        step(
            thread_id,
            step_id=sid,
            metadata={"x": [1, 2]},
            generation={"model": "m"},
            modes={"m": "v"},
            tags=["t"],
        )
    )
    await dl.create_element(
        CustomElement(name="G", props={"images": [{"id": "i1"}]}, thread_id=thread_id, for_id=sid)
    )
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert thread["metadata"] == {"k": {"n": 1}}
    assert thread["tags"] == ["a", "b"]
    saved = thread["steps"][0]
    assert saved["metadata"] == {"x": [1, 2]}
    assert saved["generation"] == {"model": "m"}
    assert saved["modes"] == {"m": "v"}
    assert saved["tags"] == ["t"]
    assert thread["elements"] is not None
    assert thread["elements"][0]["props"] == {"images": [{"id": "i1"}]}
    # Straight from the tables, too (no string JSON on SQLite).
    async with db.read() as conn:
        meta = await conn.scalar(select(threads.c.metadata).where(threads.c.id == thread_id))
        step_meta = await conn.scalar(select(steps.c.metadata).where(steps.c.id == sid))
        props = await conn.scalar(select(elements.c.props))
    assert isinstance(meta, dict) and isinstance(step_meta, dict) and isinstance(props, dict)


async def test_get_thread_orders_steps_and_returns_elements(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    ids = [new_id() for _ in range(5)]
    # Written out of order; one timestamp without microseconds (isoformat drops ".000000").
    for i in [3, 0, 4, 1, 2]:
        created = f"2025-01-01T00:00:0{i}Z" if i == 1 else f"2025-01-01T00:00:0{i}.000500Z"
        await dl.create_step(step(thread_id, step_id=ids[i], output=str(i), createdAt=created))
    element = CustomElement(
        name="ImageGallery",
        props={"images": [{"id": "x", "thumb": "data:..."}], "n": 1},
        thread_id=thread_id,
        for_id=ids[2],
        display="inline",
    )
    await dl.create_element(element)
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert [s["id"] for s in thread["steps"]] == ids
    assert [s["output"] for s in thread["steps"]] == ["0", "1", "2", "3", "4"]
    (saved,) = thread["elements"] or []
    assert saved["type"] == "custom"
    assert saved["name"] == "ImageGallery"
    assert saved["forId"] == ids[2]
    assert saved["props"] == {"images": [{"id": "x", "thumb": "data:..."}], "n": 1}
    assert await dl.get_element(thread_id, element.id) == saved
    assert await dl.get_element(new_id(), element.id) is None


async def test_element_updates_and_elements_without_storage(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid))
    gallery = CustomElement(name="G", props={"n": 1}, thread_id=thread_id, for_id=sid)
    await dl.create_element(gallery)
    gallery.props = {"n": 2, "images": ["a", "b"]}
    await asyncio.gather(dl.create_element(gallery), dl.create_element(gallery))
    # No storage client: elements are kept (metadata and url), content bytes are not stored.
    image = Image(
        name="pic.png",
        content=b"\x89PNG" + b"0" * 5000,
        thread_id=thread_id,
        for_id=sid,
        mime="image/png",
    )
    linked = Text(name="note", url="https://example.invalid/n.txt", thread_id=thread_id, for_id=sid)
    await dl.create_element(image)
    await dl.create_element(linked)
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    by_name = {e["name"]: e for e in thread["elements"] or []}
    assert by_name["G"]["props"] == {"n": 2, "images": ["a", "b"]}
    assert by_name["pic.png"]["mime"] == "image/png"
    assert by_name["note"]["url"] == "https://example.invalid/n.txt"
    await dl.delete_element(gallery.id, thread_id)
    assert await dl.get_element(thread_id, gallery.id) is None


async def test_feedback_one_per_message(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid))
    first = await dl.upsert_feedback(Feedback(forId=sid, value=1, threadId="bogus"))
    again = await dl.upsert_feedback(Feedback(forId=sid, value=0, comment="meh"))
    assert again == first
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert thread["steps"][0]["feedback"] == {
        "id": first,
        "forId": sid,
        "value": 0,
        "comment": "meh",
    }
    assert await dl.delete_feedback(first) is True
    assert await dl.delete_feedback(first) is False


async def test_favorites(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    bob = await make_user(dl, "bob")
    a_thread = await make_thread(dl, alice)
    b_thread = await make_thread(dl, bob)
    fav = step(a_thread, output="keep")
    await dl.create_step(fav)
    await dl.create_step(step(a_thread, output="plain"))
    await dl.create_step(step(b_thread, output="bob's", metadata={"favorite": True}))
    await dl.set_step_favorite(dict(fav), True)  # type: ignore[arg-type]
    favorites = await dl.get_favorite_steps(alice.id)
    assert [f["output"] for f in favorites] == ["keep"]


async def test_writes_wait_for_the_first_user_message(dl: ImageChatDataLayer) -> None:
    """Inside a session that has not had its first interaction, writes are queued (like
    Chainlit's decorator) and replayed by flush_method_queue; outside Chainlit they run."""
    user = await make_user(dl, "alice")
    thread_id = new_id()
    session = enter_session(user, thread_id, first_interaction=False)
    try:
        welcome = step(thread_id, output="welcome")
        await dl.create_step(welcome)
        assert await dl.get_thread(thread_id) is None
        assert "create_step" in session.thread_queues
        session.has_first_interaction = True
        await dl.update_thread(thread_id, name="hello", user_id=user.id)
        await session.flush_method_queue()
    finally:
        leave_session(session)
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert [s["output"] for s in thread["steps"]] == ["welcome"]
    assert thread["userIdentifier"] == "alice"


async def test_no_configured_secret_is_stored(
    dl: ImageChatDataLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagechat import redaction

    registry = redaction.SecretRegistry()
    registry.add("Planted-operator-key-42")
    monkeypatch.setattr("imagechat.storage.datalayer.registry", registry)
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    said = "provider said Planted-operator-key-42 and sk-proj-abcdefghijkl"
    await dl.create_step(step(thread_id, step_id="a", output=said, input=said))
    own = "my own sk-proj-abcdefghijkl and Planted-operator-key-42"
    await dl.create_step(step(thread_id, step_id="u", output=own, type="user_message", at=1))
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    stored = {s["id"]: s for s in thread["steps"]}
    assert stored["a"]["output"] == stored["a"]["input"] == "provider said ******** and ********"
    # a person's own words keep key-shaped text; a configured secret goes even there
    assert stored["u"]["output"] == "my own sk-proj-abcdefghijkl and ********"
