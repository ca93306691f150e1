"""Conversation titles are plain text; the search finds prompts typed in the viewer's Edit form;
a conversation whose start was undone (a command alone) is created only by the next message."""

from __future__ import annotations

import pytest
from chainlit.types import Pagination, ThreadFilter

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.titles import plain_title

from .helpers import enter_session, leave_session, make_thread, make_user, new_id, step


@pytest.mark.parametrize(
    ("markdown", "title"),
    [
        ("**Bold** idea for a _poster_", "Bold idea for a poster"),
        ("# A lighthouse\n\nat **night**, please", "A lighthouse at night, please"),
        ("like [this one](https://example.org/x.png) but blue", "like this one but blue"),
        ("- red\n- `green`\n- ![blue](b.png)", "red green blue"),
        ("> make it *brighter*", "make it brighter"),
        ("***", "***"),  # nothing but marks: kept as typed, never an empty name
    ],
)
def test_titles_keep_the_text_of_the_markdown(markdown: str, title: str) -> None:
    assert plain_title(markdown) == title


async def test_threads_are_named_in_plain_text(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    # Chainlit names a thread after its first message (update_thread(name=...))
    named = await make_thread(dl, alice, name="# **Three** watercolor [logos](https://x.org)")
    # a thread restarted after a command is named by its first user message
    unnamed = await make_thread(dl, alice, name="")
    await dl.create_step(step(unnamed, type="user_message", output="*a* `red` **door**"))
    # a rename (Chainlit's rename route calls update_thread too)
    renamed = await make_thread(dl, alice, name="x")
    await dl.update_thread(renamed, name="__Holiday__ cards")
    assert await dl.rename_thread_for_user(named, "alice", "## Logos") is True
    names = {t: (await dl.get_thread(t) or {}).get("name") for t in (named, unnamed, renamed)}
    assert names == {named: "Logos", unnamed: "a red door", renamed: "Holiday cards"}


async def _search(dl: ImageChatDataLayer, user_id: str, term: str) -> list[str]:
    page = await dl.list_threads(Pagination(first=50), ThreadFilter(userId=user_id, search=term))
    return [t["id"] for t in page.data]


async def test_search_finds_prompts_typed_in_the_edit_form(dl: ImageChatDataLayer) -> None:
    alice = await make_user(dl, "alice")
    bob = await make_user(dl, "bob")
    edited = await make_thread(dl, alice, name="a harbour at noon")
    other = await make_thread(dl, alice, name="a forest")
    bobs = await make_thread(dl, bob, name="boats")
    for thread_id, user, prompt in (
        (edited, "alice", "add a RED lighthouse on the pier"),
        (other, "alice", "a forest in autumn"),
        (bobs, "bob", "a red lighthouse"),
    ):
        await dl.save_image(
            user_identifier=user,
            thread_id=thread_id,
            step_id=None,
            data_b64="eA==",
            mime="image/png",
            prompt=prompt,
        )
    assert await _search(dl, alice.id, "red lighthouse") == [edited]
    assert await _search(dl, bob.id, "red lighthouse") == [bobs]  # each person's own only


async def test_a_restarted_conversation_is_created_only_by_the_next_message(
    dl: ImageChatDataLayer,
) -> None:
    alice = await make_user(dl, "alice")
    thread_id = new_id()
    session = enter_session(alice, thread_id)
    try:
        command = new_id()
        await dl.update_thread(thread_id, name="", user_id=alice.id)
        await dl.create_step(step(thread_id, step_id=command, type="user_message", command="x"))
        late = new_id()  # the command's notice: its first write lands after the restart
        assert await dl.restart_thread_for_user(thread_id, "alice", {command, late}) is True
        # what Chainlit writes next must not bring the thread back: the session metadata it
        # saves at disconnect, an action's "first interaction", late step writes
        await dl.update_thread(thread_id, metadata={"chat_profile": "x"})
        await dl.update_thread(thread_id, name="agent_start", user_id=alice.id)
        await dl.create_step(step(thread_id, step_id=late, output="Agents are open"))
        await dl.create_step(step(thread_id, output="a run step", type="run"))
        assert await dl.get_thread(thread_id) is None
        # an editor action in a conversation that never started: the same
        other = new_id()
        dl.keep_unstarted(other)
        await dl.update_thread(other, metadata={"chat_profile": "x"}, user_id=alice.id)
        assert await dl.get_thread(other) is None
        # the person's next message starts it, named after that message
        await dl.create_step(step(thread_id, type="user_message", output="**Hello** there"))
        thread = await dl.get_thread(thread_id)
        assert thread is not None
        assert (thread["name"], thread["userIdentifier"]) == ("Hello there", "alice")
        await dl.update_thread(thread_id, metadata={"chat_profile": "x"})  # now a normal thread
        assert ((await dl.get_thread(thread_id)) or {}).get("metadata", {}).get("chat_profile")
    finally:
        leave_session(session)
