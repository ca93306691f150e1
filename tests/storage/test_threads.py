"""Threads: listing (pagination, search, feedback filter, per user), rename, upsert, metadata
merge and settings persistence, deletion of everything in a thread."""

from __future__ import annotations

import pytest
from chainlit.element import CustomElement
from chainlit.types import Feedback, Pagination, ThreadFilter

from imagechat.storage.core import ThreadOwnershipError
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import elements, feedbacks, images, steps, threads

from .conftest import count
from .helpers import enter_session, leave_session, make_thread, make_user, new_id, step


async def _ids(dl: ImageChatDataLayer, user_id: str, **filters: object) -> list[str]:
    page = await dl.list_threads(Pagination(first=100), ThreadFilter(userId=user_id, **filters))
    return [t["id"] for t in page.data]


async def test_pagination_walks_every_thread_once(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    made = []
    for i in range(7):
        thread_id = await make_thread(dl, user, name=f"chat {i}")
        await dl.create_step(step(thread_id, output=f"m{i}", at=i))
        made.append(thread_id)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await dl.list_threads(
            Pagination(first=3, cursor=cursor), ThreadFilter(userId=user.id)
        )
        pages += 1
        seen += [t["id"] for t in page.data]
        assert page.pageInfo.endCursor == (page.data[-1]["id"] if page.data else None)
        if not page.pageInfo.hasNextPage:
            break
        cursor = page.pageInfo.endCursor
    assert pages == 3
    assert seen == list(reversed(made))  # most recently active first
    assert all(t["steps"] == [] for t in page.data)


async def test_activity_moves_a_thread_up(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    old = await make_thread(dl, user, name="old")
    new = await make_thread(dl, user, name="new")
    assert await _ids(dl, user.id) == [new, old]
    await dl.create_step(step(old, output="bump"))
    assert await _ids(dl, user.id) == [old, new]


async def test_list_is_per_user_and_needs_a_user(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    bob = await make_user(dl, "bob")
    a = await make_thread(dl, alice)
    b = await make_thread(dl, bob)
    assert await _ids(dl, alice.id) == [a]
    assert await _ids(dl, bob.id) == [b]
    with pytest.raises(ValueError):
        await dl.list_threads(Pagination(first=10), ThreadFilter())


async def test_search_matches_name_input_and_output(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    bob = await make_user(dl, "bob")
    by_name = await make_thread(dl, alice, name="Sunset over Paris")
    by_output = await make_thread(dl, alice, name="untitled")
    await dl.create_step(step(by_output, output="Here is your SUNSET image"))
    by_input = await make_thread(dl, alice, name="tool")
    await dl.create_step(step(by_input, type="tool", input='{"prompt": "a sunset"}'))
    other = await make_thread(dl, alice, name="cats")
    await dl.create_step(step(other, output="meow"))
    bobs = await make_thread(dl, bob, name="sunset too")
    found = await _ids(dl, alice.id, search="sunset")
    assert set(found) == {by_name, by_output, by_input}
    assert bobs not in found
    assert await _ids(dl, alice.id, search="100%_") == []  # LIKE wildcards are escaped


async def test_feedback_filter(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    liked = await make_thread(dl, user)
    disliked = await make_thread(dl, user)
    await make_thread(dl, user)
    for thread_id, value in ((liked, 1), (disliked, 0)):
        sid = new_id()
        await dl.create_step(step(thread_id, step_id=sid))
        await dl.upsert_feedback(Feedback(forId=sid, value=value))  # type: ignore[arg-type]
    assert await _ids(dl, user.id, feedback=1) == [liked]
    assert await _ids(dl, user.id, feedback=0) == [disliked]


async def test_rename_and_upsert(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    bob = await make_user(dl, "bob")
    thread_id = new_id()
    await dl.update_thread(thread_id, name="first words", user_id=alice.id, tags=["p"])
    await dl.update_thread(thread_id, name="Renamed")
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert (thread["name"], thread["userIdentifier"], thread["tags"]) == ("Renamed", "alice", ["p"])
    assert await dl.get_thread_author(thread_id) == "alice"
    assert await dl.get_thread_author(new_id()) == ""
    with pytest.raises(ThreadOwnershipError):  # the owner is never changed
        await dl.update_thread(thread_id, user_id=bob.id)
    assert await dl.get_thread_author(thread_id) == "alice"


async def test_settings_survive_chainlit_metadata_write(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    assert await dl.save_thread_settings(thread_id, "alice", {"model": "gpt-4o", "n": 2})
    assert await dl.save_thread_settings(thread_id, "alice", {"n": 3})
    # At disconnect Chainlit writes session.to_persistable() as the metadata.
    await dl.update_thread(
        thread_id,
        metadata={"chat_profile": None, "client_type": "webapp", "env": {}, "chat_settings": {}},
    )
    await dl.update_thread(thread_id, metadata={"custom": 1})
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert thread["metadata"] == {
        "chat_settings": {"model": "gpt-4o", "n": 3},
        "client_type": "webapp",
        "env": {},
        "custom": 1,
    }
    assert await dl.get_thread_settings(thread_id, "alice") == {"model": "gpt-4o", "n": 3}
    assert await dl.get_thread_settings(thread_id, "bob") is None


async def test_settings_saved_before_the_first_message(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = new_id()
    assert await dl.save_thread_settings(thread_id, "alice", {"model": "m1"})
    assert await dl.get_thread(thread_id) is None  # no empty thread in the sidebar
    assert await dl.get_thread_settings(thread_id, "alice") == {"model": "m1"}
    await dl.update_thread(thread_id, name="hi", user_id=user.id)  # Chainlit's first interaction
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert thread["metadata"] == {"chat_settings": {"model": "m1"}}


async def test_a_thread_holding_only_a_command_can_start_again(dl: ImageChatDataLayer) -> None:
    """`/agents` as the first message: the thread goes, its settings wait for the next start,
    and the next message creates it afresh (a deleted thread would drop that write)."""
    user = await make_user(dl, "alice")
    thread_id = new_id()
    assert await dl.save_thread_settings(thread_id, "alice", {"model": "m1", "agent": "a1"})
    await dl.update_thread(thread_id, name="", user_id=user.id)  # the command's interaction
    command, notice, run = new_id(), new_id(), new_id()
    await dl.create_step(step(thread_id, type="run", name="on_chat_start"))  # Chainlit's own
    await dl.create_step(step(thread_id, step_id=command, output="/agents"))
    await dl.create_step(step(thread_id, step_id=run, type="run", name="on_message"))
    await dl.create_step(step(thread_id, step_id=notice, type="assistant_message"))

    assert not await dl.restart_thread_for_user(thread_id, "bob", {command, notice})  # not his
    assert not await dl.restart_thread_for_user(thread_id, "alice", {command})  # more in it
    assert await dl.get_thread(thread_id) is not None
    assert await dl.restart_thread_for_user(thread_id, "alice", {command, notice})
    assert await dl.get_thread(thread_id) is None  # no "Untitled Conversation"
    assert not await dl.restart_thread_for_user(thread_id, "alice", {command, notice})  # gone
    # Chainlit closes its on_message run step after the handler: that must not bring it back.
    await dl.update_step(step(thread_id, step_id=run, type="run", name="on_message"))
    assert await dl.get_thread(thread_id) is None

    # The next message: Chainlit does not call update_thread again (its first interaction was
    # the command); the message's step, written in Alice's session, creates the thread, named
    # after it.
    session = enter_session(user, thread_id)
    try:
        await dl.create_step(step(thread_id, output="draw a lighthouse", type="user_message"))
    finally:
        leave_session(session)
    thread = await dl.get_thread(thread_id)
    assert thread is not None and thread["name"] == "draw a lighthouse"
    assert thread["userIdentifier"] == "alice"
    assert [s["output"] for s in thread["steps"]] == ["draw a lighthouse"]
    assert thread["metadata"] == {"chat_settings": {"model": "m1", "agent": "a1"}}


async def test_delete_thread_removes_everything(dl: ImageChatDataLayer, db: Database) -> None:
    user = await make_user(dl, "alice")
    keep = await make_thread(dl, user)
    await dl.create_step(step(keep, output="stay"))
    thread_id = await make_thread(dl, user)
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid))
    await dl.create_step(step(thread_id, parentId=sid, type="tool"))
    await dl.create_element(CustomElement(name="G", props={}, thread_id=thread_id, for_id=sid))
    await dl.upsert_feedback(Feedback(forId=sid, value=1))
    await dl.save_image(
        user_identifier="alice", thread_id=thread_id, step_id=sid, data_b64="AAAA", mime="image/png"
    )
    for table in (steps, elements, feedbacks, images):
        assert await count(db, table, thread_id=thread_id) > 0
    await dl.delete_thread(thread_id)
    assert await count(db, threads, id=thread_id) == 0
    for table in (steps, elements, feedbacks, images):
        assert await count(db, table, thread_id=thread_id) == 0
    assert await count(db, steps, thread_id=keep) == 1
    # A late write (a stream still running, Chainlit's metadata write at disconnect) does not
    # bring the thread back.
    session = enter_session(user, thread_id)
    try:
        await dl.create_step(step(thread_id, output="late"))
        await dl.update_thread(thread_id, metadata={"client_type": "webapp"})
    finally:
        leave_session(session)
    assert await count(db, threads, id=thread_id) == 0


async def test_sharing_is_off_unless_enabled(db: Database) -> None:
    dl = ImageChatDataLayer(db)
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    await dl.update_thread(thread_id, metadata={"is_shared": True, "shared_at": "x", "k": 1})
    thread = await dl.get_thread(thread_id)
    assert thread is not None and thread["metadata"] == {"k": 1}
    sharing = ImageChatDataLayer(db, allow_sharing=True)
    await sharing.update_thread(thread_id, metadata={"is_shared": True})
    thread = await sharing.get_thread(thread_id)
    assert thread is not None and thread["metadata"]["is_shared"] is True


async def test_unknown_cursor_ends_the_listing(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    await make_thread(dl, user)
    page = await dl.list_threads(
        Pagination(first=10, cursor=new_id()), ThreadFilter(userId=user.id)
    )
    assert page.data == [] and page.pageInfo.hasNextPage is False
