"""The model names images by short references ("image-2"), never by their ids: the image list
and tool results give references, the tools resolve them, so a model that repeats what it was
told shows the person no raw ids."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from typing import Any

import pytest

from imagechat.conversation import ToolSpec
from imagechat.errors import ModelRetry
from imagechat.image_context import context_note
from imagechat.image_refs import ImageRefs, with_references
from imagechat.llm import endpoint_for
from imagechat.prompts import system_prompt
from tests.fakes.openai_server import FakeOpenAI
from tests.test_chat_session import Recorder
from tests.test_image_edit import record
from tests.test_image_tool import ON, GalleryRecorder, session_for
from tools.image_generation import ImageToolConfig, image_generation_tool

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def test_the_image_list_names_images_by_reference() -> None:
    first, second, photo = (str(uuid.uuid4()) for _ in range(3))
    records = [
        dataclasses.replace(record(), id=first, prompt="a red lighthouse"),
        dataclasses.replace(
            record(), id=second, params={"parent_id": first, "lineage": "Variation of"}
        ),
        dataclasses.replace(record(), id=photo, params={"source": "attachment", "filename": "a"}),
    ]
    note = context_note(records, {photo}) or ""
    assert "- id=image-1 · made by generate_image" in note
    assert "- id=image-2 · variation of image-1" in note
    assert "- id=image-3 · attached by the person in their latest message" in note
    assert "never show them" in note
    assert not UUID.search(note)
    assert "never the references" in system_prompt(instructions=None, image_tool="auto")


async def test_tools_take_references_and_answer_with_references() -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    seen: list[dict[str, Any]] = []

    async def edit(raw: dict[str, Any]) -> str:
        seen.append(raw)
        made = {"id": ids[2], "parent_id": raw["image_ids"][0], "revised_prompt": None}
        return json.dumps({"status": "ok", "images": [made]})

    async def refs() -> ImageRefs:
        return ImageRefs.of(ids)

    tool = with_references(ToolSpec("edit_image", "", {}, edit), refs)
    answer = json.loads(await tool.handler({"image_ids": ["image-2"], "prompt": "x"}))
    assert seen[-1]["image_ids"] == [ids[1]]  # the tool gets the id
    assert answer["images"] == [{"id": "image-3", "parent_id": "image-2", "revised_prompt": None}]
    await tool.handler({"image_ids": ["Image 1", ids[0]], "prompt": "x"})
    assert seen[-1]["image_ids"] == [ids[0], ids[0]]  # "Image 1" reads too; an id passes through
    with pytest.raises(ModelRetry, match=r"image-7 is not in this conversation's image list"):
        await tool.handler({"image_ids": ["image-7"], "prompt": "x"})


class IdGallery(GalleryRecorder):
    """Stores images under real ids (UUIDs), as the app does."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    async def __call__(self, *args: Any) -> str:
        await super().__call__(*args)
        self.ids.append(str(uuid.uuid4()))
        return self.ids[-1]


async def test_a_model_that_repeats_what_it_is_told_shows_no_ids(fake_openai: FakeOpenAI) -> None:
    session = session_for(fake_openai, tools=ON)
    gallery = IdGallery()

    async def refs() -> ImageRefs:
        return ImageRefs.of(gallery.ids)

    def tools(chat_model: Any) -> list[ToolSpec]:
        model = session.image_model(chat_model)
        config = ImageToolConfig(model=model, endpoint=endpoint_for(model, session.settings, {}))
        return [with_references(image_generation_tool(config, gallery), refs)]

    fake_openai.queue_tool_call("generate_image", {"prompt": "two lighthouses", "n": 2})
    # the scripted model repeats every message it got back, word for word
    fake_openai.queue_function(lambda request: json.dumps(request["messages"][-1]["content"]))
    ui = Recorder()
    await session.answer("two lighthouses", ui, tools=tools)
    assert len(gallery.ids) == 2 and ui.errors == []
    (answer,) = ui.finished
    assert "image-1" in answer and "image-2" in answer  # it repeated what it was told…
    assert not UUID.search(answer)  # …and that had no ids in it
    sent = json.dumps([r.json for r in fake_openai.requests_to("chat")])
    assert not any(image_id in sent for image_id in gallery.ids)
