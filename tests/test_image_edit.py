"""edit_image: argument checks, per-model plans, and real edit requests to the fake server."""

from __future__ import annotations

import base64
import io
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import imagechat.llm  # noqa: F401
from imagechat.catalog import Catalog, build_catalog
from imagechat.errors import ModelRetry, UserFacingError
from imagechat.image_params import parse_edit_args, plan_edit
from imagechat.llm import Endpoint
from imagechat.storage.images import ImageRecord
from tests.fakes.openai_server import FakeOpenAI
from tests.test_image_tool import GalleryRecorder
from tools.image_edit import image_edit_tool, run_edit
from tools.image_generation import ImageToolConfig

# Operator models with the request rules the built-in GPT image models lack (the DALL·E models
# that had them are retired); the fake server serves them as gpt-image-2.
MODELS_FILE = """\
image_models:
  - id: plain-images
    label: Plain images
    litellm_model: openai/gpt-image-2
    family: default  # no edits, one image per request, no style or quality setting
  - id: batch-images
    label: Batch images
    litellm_model: openai/gpt-image-2
    family: gpt-image-2
    rules: {edits: null}  # no edits, up to 10 images per request
  - id: square-edits
    label: Square edits
    litellm_model: openai/gpt-image-2
    family: default
    rules: {max_n: 10, edits: {max_images: 1, mask: true, square_only: true}}
"""
NO_EDITS = "plain-images"
SQUARE_EDITS = "square-edits"


def _catalog() -> Catalog:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "models.yaml"
        path.write_text(MODELS_FILE, encoding="utf-8")
        return build_catalog(openai_key=True, models_file=path, environ={})


CATALOG = _catalog()
ID = str(uuid.uuid4())


def record(size: tuple[int, int] = (640, 480)) -> ImageRecord:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, "PNG")
    return ImageRecord(
        id=ID,
        user_id="u",
        thread_id="t",
        step_id="s",
        mime="image/png",
        width=size[0],
        height=size[1],
        thumb_b64=None,
        thumb_mime=None,
        prompt="a harbour at noon",
        revised_prompt=None,
        model="gpt-image-2",
        params={},
        cost=None,
        created_at=None,
        data_b64=base64.b64encode(out.getvalue()).decode(),
    )


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ({"prompt": "x"}, "image_ids"),
        ({"image_ids": [], "prompt": "x"}, "image_ids"),
        ({"image_ids": ["img-1"], "prompt": "x"}, "'img-1' is not an image id"),
        ({"image_ids": [ID], "prompt": ""}, "prompt: String should have at least 1 character"),
        ({"image_ids": [ID], "prompt": "x", "seed": 7}, "into the prompt"),
        ({"image_ids": [str(uuid.uuid4()) for _ in range(17)], "prompt": "x"}, "at most 16"),
    ],
)
def test_bad_edit_arguments_go_back_to_the_model(raw: dict[str, Any], needle: str) -> None:
    with pytest.raises(ModelRetry) as info:
        parse_edit_args(raw)
    assert needle in info.value.message
    assert "generate_image" not in info.value.message


def test_models_that_edit_get_edit_requests_others_regenerate_and_say_so() -> None:
    edit, _ = parse_edit_args({"image_ids": [ID], "prompt": "add a red door", "n": 2})
    gpt = plan_edit(edit, CATALOG.image_model("gpt-image-2"), "a harbour")
    assert gpt.edits and gpt.plan.requests[0].kwargs == {
        "prompt": "add a red door",
        "n": 2,
        "quality": "auto",
    }
    plain = plan_edit(edit, CATALOG.image_model(NO_EDITS), "a harbour")
    assert not plain.edits
    assert "cannot edit images" in plain.plan.notes[0]
    assert plain.plan.requests[0].kwargs["prompt"] == "a harbour. Change: add a red door"
    assert len(plain.plan.requests) == 2  # one image per request


@pytest.mark.parametrize(
    "model_id",
    ["gpt-image-2", "gpt-image-2.5-sunburst", SQUARE_EDITS],
)
async def test_edits_reach_the_fake_server_with_the_stored_image(
    fake_openai: FakeOpenAI, model_id: str
) -> None:
    model = CATALOG.image_model(model_id)
    config = ImageToolConfig(
        model=model, endpoint=Endpoint(fake_openai.base_url, fake_openai.api_key, "OPENAI_API_KEY")
    )
    source = record()

    async def lookup(image_id: str) -> ImageRecord | None:
        return source if image_id == source.id else None

    gallery = GalleryRecorder()
    tool = image_edit_tool(config, gallery, lookup)
    result = await tool.handler({"image_ids": [ID], "prompt": "add a red door"})
    assert '"status": "ok"' in result and ID in result
    (sent,) = fake_openai.requests_to("/v1/images/edits")
    (image,) = [f for f in sent.files if f.field in ("image", "image[]")]
    if model_id == SQUARE_EDITS:
        with Image.open(io.BytesIO(image.data)) as im:
            assert im.size == (480, 480) and im.format == "PNG"  # square, as the model needs
    else:
        assert image.data == base64.b64decode(source.data_b64 or "")
    assert gallery.stored[0]["parent_id"] == ID
    assert gallery.stored[0]["lineage"] == "Edited from"


async def test_an_id_outside_the_conversation_is_refused(fake_openai: FakeOpenAI) -> None:
    config = ImageToolConfig(
        model=CATALOG.image_model("gpt-image-2"),
        endpoint=Endpoint(fake_openai.base_url, fake_openai.api_key, "OPENAI_API_KEY"),
    )

    async def lookup(_: str) -> ImageRecord | None:
        return None

    tool = image_edit_tool(config, GalleryRecorder(), lookup)
    with pytest.raises(UserFacingError) as info:
        await tool.handler({"image_ids": [ID], "prompt": "x"})
    assert "not part of this conversation" in info.value.message
    assert fake_openai.requests_to("/v1/images/edits") == []


def painted_area(size: tuple[int, int], box: tuple[int, int, int, int] | None) -> str:
    """What the viewer's "Select area" sends: opaque black, transparent where painted."""
    im = Image.new("RGBA", size, (0, 0, 0, 255))
    if box:
        im.paste((0, 0, 0, 0), box)
    out = io.BytesIO()
    im.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def config_for(model_id: str, server: FakeOpenAI) -> ImageToolConfig:
    return ImageToolConfig(
        model=CATALOG.image_model(model_id),
        endpoint=Endpoint(server.base_url, server.api_key, "OPENAI_API_KEY"),
    )


@pytest.mark.parametrize(
    ("model_id", "mask_size", "inside", "outside", "share"),
    [
        # the mask has the stored image's size; the painted box is x 0..240 of 640
        ("gpt-image-2", (640, 480), (80, 240), (600, 240), 38),
        # a square-only model gets the same centre square crop (x 80..560) of image and mask
        (SQUARE_EDITS, (480, 480), (10, 240), (440, 240), 33),
    ],
)
async def test_a_selected_area_goes_with_the_edit_as_the_mask(
    fake_openai: FakeOpenAI,
    model_id: str,
    mask_size: tuple[int, int],
    inside: tuple[int, int],
    outside: tuple[int, int],
    share: int,
) -> None:
    gallery = GalleryRecorder()
    result = await run_edit(
        config_for(model_id, fake_openai),
        gallery,
        [record()],
        {"image_ids": [ID], "prompt": "add a red door"},
        painted=painted_area((640, 480), (0, 0, 240, 480)),
    )
    assert '"status": "ok"' in result
    (sent,) = fake_openai.requests_to("/v1/images/edits")
    (mask,) = [f for f in sent.files if f.field == "mask"]
    with Image.open(io.BytesIO(mask.data)) as im:
        assert im.format == "PNG" and im.size == mask_size
        alpha = im.convert("RGBA").getchannel("A")
    assert alpha.getpixel(inside) == 0 and alpha.getpixel(outside) == 255
    assert f"Only the selected area ({share}% of the picture) was changed." in gallery.notes[0]


async def test_a_model_without_edits_says_the_whole_picture_was_made_again(
    fake_openai: FakeOpenAI,
) -> None:
    gallery = GalleryRecorder()
    await run_edit(
        config_for(NO_EDITS, fake_openai),
        gallery,
        [record()],
        {"image_ids": [ID], "prompt": "add a red door"},
        painted=painted_area((640, 480), (0, 0, 240, 480)),
    )
    assert fake_openai.requests_to("/v1/images/edits") == []
    assert len(fake_openai.requests_to("/v1/images/generations")) == 1
    assert any("cannot change just a selected area" in note for note in gallery.notes[0])


async def test_an_empty_selection_is_refused_before_any_request(fake_openai: FakeOpenAI) -> None:
    gallery = GalleryRecorder()
    with pytest.raises(UserFacingError) as caught:
        await run_edit(
            config_for("gpt-image-2", fake_openai),
            gallery,
            [record()],
            {"image_ids": [ID], "prompt": "add a red door"},
            painted=painted_area((640, 480), None),
        )
    assert caught.value.kind == "bad_mask" and "Nothing was selected" in caught.value.message
    assert fake_openai.requests_to("/v1/images/edits") == []
    assert gallery.summaries == []  # no gallery was opened for it
