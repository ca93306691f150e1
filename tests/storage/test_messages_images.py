"""Images (save/get/list) and deleting a message with its children, elements and images."""

from __future__ import annotations

import pytest
from chainlit.element import CustomElement
from chainlit.types import Feedback

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import elements, feedbacks, images, steps

from .conftest import count
from .helpers import make_thread, make_user, new_id, step


async def test_save_get_list_images(dl: ImageChatDataLayer) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    await dl.create_step(step(thread_id, step_id=sid))
    big = "iVBORw0KGgo" + "A" * 400_000
    first = await dl.save_image(
        user_identifier="alice",
        thread_id=thread_id,
        step_id=sid,
        data_b64=big,
        mime="image/png",
        width=1024,
        height=1024,
        thumb_b64="dGh1bWI=",
        thumb_mime="image/webp",
        prompt="a cat",
        revised_prompt="a fluffy cat",
        model="dall-e-3",
        params={"size": "1024x1024", "quality": "hd"},
        cost=0.08,
    )
    second = await dl.save_image(
        user_identifier="alice",
        thread_id=thread_id,
        step_id=None,
        data_b64="eA==",
        mime="image/jpeg",
    )
    image = await dl.get_image_for_user(first, "alice")
    assert image is not None
    assert image.data_b64 == big
    assert (image.width, image.height, image.mime) == (1024, 1024, "image/png")
    assert image.params == {"size": "1024x1024", "quality": "hd"}
    assert image.cost == pytest.approx(0.08)
    assert image.revised_prompt == "a fluffy cat"
    assert image.created_at and image.created_at.endswith("Z")
    listed = await dl.list_images(thread_id)
    assert [i.id for i in listed] == [first, second]
    assert all(i.data_b64 is None for i in listed)
    assert listed[0].thumb_b64 == "dGh1bWI="
    with_data = await dl.list_images(thread_id, "alice", include_data=True)
    assert with_data[0].data_b64 == big
    assert [i.id for i in await dl.list_images(thread_id, step_id=sid)] == [first]
    assert await dl.get_image_for_user(new_id(), "alice") is None
    with pytest.raises(LookupError):
        await dl.save_image(
            user_identifier="nobody", thread_id=thread_id, step_id=None, data_b64="x", mime="x"
        )


async def test_image_before_its_message_row(dl: ImageChatDataLayer) -> None:
    """Chainlit writes steps in background tasks; an image may be saved first."""
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    sid = new_id()
    image_id = await dl.save_image(
        user_identifier="alice", thread_id=thread_id, step_id=sid, data_b64="x", mime="image/png"
    )
    await dl.create_step(step(thread_id, step_id=sid))
    assert await dl.delete_message_for_user(sid, "alice") is True
    assert await dl.get_image_for_user(image_id, "alice") is None


async def _message_tree(dl: ImageChatDataLayer, thread_id: str) -> tuple[str, list[str]]:
    root = new_id()
    tool = new_id()
    grandchild = new_id()
    await dl.create_step(step(thread_id, step_id=root, output="here are your images", at=1))
    await dl.create_step(step(thread_id, step_id=tool, parentId=root, type="tool", at=2))
    await dl.create_step(step(thread_id, step_id=grandchild, parentId=tool, type="llm", at=3))
    await dl.create_element(CustomElement(name="G", props={}, thread_id=thread_id, for_id=root))
    await dl.create_element(CustomElement(name="T", props={}, thread_id=thread_id, for_id=tool))
    await dl.upsert_feedback(Feedback(forId=root, value=1))
    for for_step in (root, tool):
        await dl.save_image(
            user_identifier="alice",
            thread_id=thread_id,
            step_id=for_step,
            data_b64="x",
            mime="image/png",
        )
    return root, [root, tool, grandchild]


@pytest.mark.parametrize("how", ["for_user", "chainlit_delete_step"])
async def test_delete_message_removes_children_elements_images(
    dl: ImageChatDataLayer, db: Database, how: str
) -> None:
    user = await make_user(dl, "alice")
    thread_id = await make_thread(dl, user)
    await dl.create_step(step(thread_id, output="draw two cats", type="user_message", at=0))
    root, tree = await _message_tree(dl, thread_id)
    kept_image = await dl.save_image(
        user_identifier="alice", thread_id=thread_id, step_id=None, data_b64="y", mime="image/png"
    )
    if how == "for_user":
        assert await dl.delete_message_for_user(root, "alice") is True
        assert await dl.delete_message_for_user(root, "alice") is False
    else:
        await dl.delete_step(root)
    for sid in tree:
        assert await count(db, steps, id=sid) == 0
        assert await count(db, elements, for_id=sid) == 0
        assert await count(db, images, step_id=sid) == 0
        assert await count(db, feedbacks, for_id=sid) == 0
    assert await count(db, steps, thread_id=thread_id) == 1
    assert [i.id for i in await dl.list_images(thread_id)] == [kept_image]
    # A streaming update that arrives after the delete does not bring the message back.
    await dl.update_step(step(thread_id, step_id=root, output="late token"))
    assert await count(db, steps, id=root) == 0
