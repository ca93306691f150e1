"""The gallery's Variations: from the image itself where the model edits, else from its prompt."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.test_image_edit import ID, NO_EDITS, SQUARE_EDITS, config_for, record
from tests.test_image_tool import GalleryRecorder
from tools.image_variations import VARIATIONS, run_variations


def source(model: str = "gpt-image-2"):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        record((1024, 1024)),
        model=model,
        params={"prompt": "a paper boat on a pond", "size_asked": "1024x1024"},
    )


@pytest.mark.parametrize("model_id", ["gpt-image-2", "gpt-image-2.5-sunburst"])
async def test_models_that_edit_start_from_the_image(
    fake_openai: FakeOpenAI, model_id: str
) -> None:
    gallery = GalleryRecorder()
    image = source(model_id)
    result = await run_variations(config_for(model_id, fake_openai), gallery, image)
    assert '"status": "ok"' in result
    assert fake_openai.requests_to("/v1/images/generations") == []
    (sent,) = fake_openai.requests_to("/v1/images/edits")
    (sent_image,) = [f for f in sent.files if f.field in ("image", "image[]")]
    assert sent_image.data == base64.b64decode(image.data_b64 or "")
    assert sent.form["n"] == str(VARIATIONS)
    assert "a paper boat on a pond" in sent.form["prompt"]
    assert "variation" in sent.form["prompt"].lower()
    assert len(gallery.stored) == VARIATIONS
    assert all(m["parent_id"] == ID and m["lineage"] == "Variation of" for m in gallery.stored)


@pytest.mark.parametrize(
    ("model_id", "requests"),
    [
        (NO_EDITS, 3),  # no edits, one image per request
        ("batch-images", 1),  # no edits, several images per request
        (SQUARE_EDITS, 1),  # edits square cut-outs only: not the image as it is
    ],
)
async def test_other_models_make_new_images_from_the_prompt(
    fake_openai: FakeOpenAI, model_id: str, requests: int
) -> None:
    gallery = GalleryRecorder()
    await run_variations(config_for(model_id, fake_openai), gallery, source(model_id))
    assert fake_openai.requests_to("/v1/images/edits") == []
    sent = fake_openai.requests_to("/v1/images/generations")
    assert len(sent) == requests  # split by the model's images per request
    assert all(r.json["prompt"] == "a paper boat on a pond" for r in sent)
    assert sum(r.json.get("n", 1) for r in sent) == VARIATIONS
    assert all(m["lineage"] == "Variation of" for m in gallery.stored)
