"""The gallery's Variations: more images like one of this conversation.

A model that edits (rules.edits: the GPT Image family, the demo) starts from the image itself,
so the new pictures keep its subject and composition; the others (no edits endpoint, or edits of
square cut-outs only) make new images from the image's prompt.
"""

from __future__ import annotations

from typing import Final

from imagechat.generation import Lineage
from imagechat.image_params import (
    QUALITIES,
    GenerateImageArgs,
    plan_generation,
    size_from_words,
)
from imagechat.image_params.sizes import SizeWordsError
from imagechat.storage.images import ImageRecord
from tools.image_edit import run_edit
from tools.image_generation import GalleryUI, ImageToolConfig, produce, refused, tool_result

VARIATIONS: Final = 3
VARIATION_OF: Final = "Variation of"
_FROM_IMAGE: Final = (
    "A variation of this image: {prompt}. Keep its subject, style and composition "
    "recognisable; vary the details, colours and framing."
)


def _variations_from_the_image(config: ImageToolConfig) -> bool:
    """Models whose edits take the image as it is (not only a square cut-out) vary it."""
    edits = config.model.rules.edits
    return edits is not None and not edits.square_only


def _stored_size(value: object) -> str:
    """The size the original was asked in, when it still means a size."""
    if not isinstance(value, str):
        return "auto"
    try:
        return size_from_words(value)
    except SizeWordsError:
        return "auto"


async def run_variations(config: ImageToolConfig, ui: GalleryUI, record: ImageRecord) -> str:
    """Make `VARIATIONS` images like `record` in a new gallery; returns the tool result text."""
    params = record.params or {}
    prompt = (params.get("prompt") or record.prompt or "").strip() or "an image"
    size = _stored_size(params.get("size_asked"))
    quality = params.get("quality_asked") if params.get("quality_asked") in QUALITIES else "auto"
    if _variations_from_the_image(config):
        instruction = _FROM_IMAGE.format(prompt=prompt[:3800])
        raw = {"image_ids": [record.id], "prompt": instruction, "n": VARIATIONS, "size": size}
        if quality != "auto":
            raw["quality"] = quality
        return await run_edit(config, ui, [record], raw, lineage_label=VARIATION_OF)
    args = GenerateImageArgs(prompt=prompt[:4000], n=VARIATIONS, size=size, quality=quality)
    args, allowance = config.budget.cap(args)
    if allowance.n == 0:
        return await refused(config, ui, allowance)
    plan = plan_generation(args, config.model, moderation=config.moderation)
    lineage = Lineage(record.id, VARIATION_OF)
    notes = [*plan.notes, *allowance.notes]
    result = await produce(config, ui, plan, args.prompt, notes, lineage=lineage)
    return tool_result(plan, result, parent_id=record.id)
