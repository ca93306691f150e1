"""Deleting one answer as a unit (its text, galleries, tool steps, elements, feedback and
images), Undo within the window, the purge after it; and the running-generation rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chainlit.element import CustomElement
from chainlit.types import Feedback
from sqlalchemy import update

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import deleted_turns, elements, feedbacks, images, steps
from imagechat.turns import TURN_KEY

from .conftest import count
from .helpers import make_thread, make_user, new_id, step


async def _image(dl: ImageChatDataLayer, thread_id: str, step_id: str | None) -> str:
    return await dl.save_image(
        user_identifier="alice",
        thread_id=thread_id,
        step_id=step_id,
        data_b64="iVBORw0KGgo=",
        mime="image/png",
        params={"index": 1},
    )


async def _turn(dl: ImageChatDataLayer, thread_id: str, at: float, n: int) -> dict[str, Any]:
    """What a chat turn writes: the question, Chainlit's run under it, our tool step (no
    parent, the turn key in its metadata), the gallery message and the answer under the run."""
    question, run, tool, gallery, answer = (new_id() for _ in range(5))
    await dl.create_step(step(thread_id, step_id=question, type="user_message", at=at))
    await dl.create_step(
        step(thread_id, step_id=run, type="run", name="on_message", parentId=question, at=at)
    )
    turn = {TURN_KEY: run}
    await dl.create_step(step(thread_id, step_id=tool, type="tool", metadata=turn, at=at + 0.1))
    await dl.create_step(
        step(
            thread_id, step_id=gallery, parentId=run, metadata=turn, output="3 images", at=at + 0.2
        )
    )
    await dl.create_step(step(thread_id, step_id=answer, parentId=run, output="Done!", at=at + 0.3))
    await dl.create_element(
        CustomElement(name="ImageGallery", props={}, thread_id=thread_id, for_id=gallery)
    )
    await dl.upsert_feedback(Feedback(forId=answer, value=1, threadId=thread_id))
    made = [await _image(dl, thread_id, gallery) for _ in range(n)]
    return {"question": question, "ids": [tool, gallery, answer], "answer": answer, "images": made}


async def test_deleting_an_answer_takes_its_galleries_steps_and_images_and_undo_restores(
    dl: ImageChatDataLayer, db: Database
) -> None:
    user = await make_user(dl, "alice")
    await make_user(dl, "mallory")
    thread_id = await make_thread(dl, user)
    kept = await _turn(dl, thread_id, 0, 2)
    doomed = await _turn(dl, thread_id, 10, 3)

    summary = await dl.describe_turn_for_user(doomed["answer"], "alice")
    assert summary is not None and summary.image_count == 3
    assert sorted(summary.step_ids) == sorted(doomed["ids"])
    # another user, a question, or an unknown id: not an answer that can be deleted
    assert await dl.describe_turn_for_user(doomed["answer"], "mallory") is None
    assert await dl.delete_turn_for_user(doomed["answer"], "mallory") is None
    assert await dl.delete_turn_for_user(doomed["question"], "alice") is None
    assert await dl.delete_turn_for_user(new_id(), "alice") is None

    deleted = await dl.delete_turn_for_user(doomed["answer"], "alice")
    assert deleted is not None and deleted.image_count == 3
    for sid in doomed["ids"]:
        assert await count(db, steps, id=sid) == 0
        assert await count(db, elements, for_id=sid) == 0
        assert await count(db, feedbacks, for_id=sid) == 0
        assert await count(db, images, step_id=sid) == 0
    for image_id in doomed["images"]:
        assert await dl.get_image_for_user(image_id, "alice") is None
    assert [i.id for i in await dl.list_images(thread_id, "alice")] == kept["images"]
    assert await count(db, steps, id=doomed["question"]) == 1  # the question stays
    for sid in kept["ids"]:
        assert await count(db, steps, id=sid) == 1
    # a late streaming write does not bring the answer back
    await dl.update_step(step(thread_id, step_id=doomed["answer"], output="late"))
    assert await count(db, steps, id=doomed["answer"]) == 0

    # Undo: only its owner, then everything is back as it was
    assert await dl.restore_turn_for_user(doomed["answer"], "mallory", window=60) is None
    restored = await dl.restore_turn_for_user(doomed["answer"], "alice", window=60)
    assert restored is not None and restored.image_count == 3
    for sid in doomed["ids"]:
        assert await count(db, steps, id=sid) == 1
    assert await count(db, elements, for_id=doomed["ids"][1]) == 1
    assert await count(db, feedbacks, for_id=doomed["answer"]) == 1
    again = await dl.get_image_for_user(doomed["images"][0], "alice")
    assert again is not None and again.data_b64 == "iVBORw0KGgo=" and again.params == {"index": 1}
    assert again.created_at and again.created_at.endswith("Z")
    assert await count(db, deleted_turns) == 0
    thread = await dl.get_thread(thread_id)
    assert thread is not None
    assert {s["id"] for s in thread["steps"]} >= set(doomed["ids"])


async def test_the_purge_after_the_undo_window_removes_the_rows_for_good(
    dl: ImageChatDataLayer, db: Database
) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    doomed = await _turn(dl, thread_id, 0, 2)
    assert await dl.delete_turn_for_user(doomed["answer"], "alice") is not None
    assert await dl.purge_deleted_turns(older_than=60) == 0  # still in its window
    assert await count(db, deleted_turns) == 1
    async with db.write() as conn:  # an hour later
        await conn.execute(
            update(deleted_turns).values(deleted_at=deleted_turns.c.deleted_at - timedelta(hours=1))
        )
    assert await dl.restore_turn_for_user(doomed["answer"], "alice", window=60) is None
    assert await dl.purge_deleted_turns(older_than=60) == 1
    assert await count(db, deleted_turns) == 0
    assert await count(db, images, thread_id=thread_id) == 0


async def test_an_action_gallery_is_its_own_unit_and_old_answers_group_by_their_run(
    dl: ImageChatDataLayer, db: Database
) -> None:
    """A Variations gallery (no run: keyed by itself) goes alone; an answer stored before turn
    keys existed still goes with the gallery message of its run."""
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    turn = await _turn(dl, thread_id, 0, 1)
    variation, tool = new_id(), new_id()
    await dl.create_step(step(thread_id, step_id=tool, type="tool", metadata={TURN_KEY: variation}))
    await dl.create_step(step(thread_id, step_id=variation, metadata={TURN_KEY: variation}, at=20))
    await _image(dl, thread_id, variation)
    deleted = await dl.delete_turn_for_user(variation, "alice")
    assert deleted is not None and sorted(deleted.step_ids) == sorted([tool, variation])
    assert deleted.image_count == 1
    for sid in turn["ids"]:
        assert await count(db, steps, id=sid) == 1

    question, run, gallery, answer = (new_id() for _ in range(4))
    await dl.create_step(step(thread_id, step_id=question, type="user_message", at=30))
    await dl.create_step(step(thread_id, step_id=run, type="run", parentId=question, at=30))
    await dl.create_step(step(thread_id, step_id=gallery, parentId=run, at=31))
    await dl.create_step(step(thread_id, step_id=answer, parentId=run, at=32))
    old = await dl.delete_turn_for_user(answer, "alice")
    assert old is not None and sorted(old.step_ids) == sorted([gallery, answer])


async def test_generation_runs(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    await dl.start_generation_run("g1", thread_id, "boot-a")
    await dl.start_generation_run("g2", thread_id, "boot-a")
    runs = await dl.generation_runs_of(thread_id)
    assert set(runs) == {"g1", "g2"} and runs["g1"].boot_id == "boot-a"
    before = runs["g1"].heartbeat_at
    await dl.beat_generation_run("g1")
    assert (await dl.generation_runs_of(thread_id))["g1"].heartbeat_at >= before
    await dl.end_generation_run("g2")
    assert set(await dl.generation_runs_of(thread_id)) == {"g1"}
    assert await dl.purge_stale_generation_runs(older_than=60) == 0
    assert await dl.purge_stale_generation_runs(older_than=-1) == 1
    assert await dl.generation_runs_of(thread_id) == {}
