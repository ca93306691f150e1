"""The `edit_image` tool's arguments and how an edit is fitted to the image model.

Models that edit (the GPT Image family, DALL·E 2, the demo) get `litellm.aimage_edit` requests
with the source images; for a model without edits the plan regenerates from a refined prompt,
and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Final

from imagechat.catalog import ImageModel
from imagechat.errors import ModelRetry
from imagechat.image_params.args import (
    GENERATE_IMAGE_SCHEMA,
    MAX_IMAGES,
    GenerateImageArgs,
    parse_args,
)
from imagechat.image_params.args import (
    TOOL_NAME as GENERATE_TOOL_NAME,
)
from imagechat.image_params.plan import GenerationPlan, ProviderRequest, plan_generation

EDIT_TOOL_NAME: Final = "edit_image"
MAX_SOURCE_IMAGES: Final = 16
_UUID = re.compile(r"^[0-9a-fA-F-]{32,36}$")

EDIT_IMAGE_DESCRIPTION: Final = (
    "Edit one or more images of this conversation (made earlier, or attached by the person) "
    "following an instruction, e.g. 'turn it into a watercolor', 'add a red door'. Refer to "
    "images by the ids listed in the conversation's image list. The result is shown in the chat."
)

EDIT_IMAGE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "image_ids": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "maxItems": MAX_SOURCE_IMAGES,
            "description": "ids of the images to edit (the first is the main one).",
        },
        "prompt": {
            **GENERATE_IMAGE_SCHEMA["properties"]["prompt"],
            "description": "The change to make, as a full instruction; say what must stay.",
        },
        "n": GENERATE_IMAGE_SCHEMA["properties"]["n"],
        "size": GENERATE_IMAGE_SCHEMA["properties"]["size"],
        "quality": GENERATE_IMAGE_SCHEMA["properties"]["quality"],
    },
    "required": ["image_ids", "prompt"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class EditArgs:
    image_ids: list[str]
    args: GenerateImageArgs  # prompt, n, size, quality of the edit


def parse_edit_args(raw: dict[str, Any]) -> tuple[EditArgs, list[str]]:
    """Validate the LLM's edit_image arguments; `ModelRetry` says what to fix."""
    if not isinstance(raw, dict):
        raise ModelRetry(f"The {EDIT_TOOL_NAME} arguments must be a JSON object.")
    rest = dict(raw)
    ids = rest.pop("image_ids", None)
    if isinstance(ids, str):
        ids = [ids]
    if not isinstance(ids, list) or not ids:
        raise ModelRetry(
            f"{EDIT_TOOL_NAME} needs image_ids: a list with the id of at least one image from "
            "the conversation's image list."
        )
    if len(ids) > MAX_SOURCE_IMAGES:
        raise ModelRetry(f"{EDIT_TOOL_NAME} takes at most {MAX_SOURCE_IMAGES} image ids.")
    cleaned = [str(i).strip() for i in ids]
    bad = [i for i in cleaned if not _UUID.match(i)]
    if bad:
        raise ModelRetry(
            f"{bad[0]!r} is not an image id. Use the ids from the conversation's image list."
        )
    for key in ("style", "background"):
        if key in rest:
            raise ModelRetry(
                f"{EDIT_TOOL_NAME} takes image_ids, prompt, n, size and quality; put the "
                f"{key} into the prompt."
            )
    try:
        args, notes = parse_args(rest)
    except ModelRetry as exc:
        raise ModelRetry(exc.message.replace(GENERATE_TOOL_NAME, EDIT_TOOL_NAME)) from exc
    return EditArgs(list(dict.fromkeys(cleaned)), args), notes


@dataclass(frozen=True)
class EditPlan:
    """Either real edit requests (`edits` True) or a regeneration plan with a note."""

    plan: GenerationPlan
    edits: bool


def plan_edit(edit: EditArgs, model: ImageModel, source_prompt: str | None) -> EditPlan:
    """Fit an edit to `model`: edit requests where it can edit, else regenerate with a note."""
    if model.supports_edits:
        plan = plan_generation(edit.args, model)
        requests = [
            ProviderRequest(_edit_kwargs(request.kwargs, model), request.n)
            for request in plan.requests
        ]
        return EditPlan(replace(plan, requests=requests), edits=True)
    base = (source_prompt or "").strip()
    prompt = f"{base}. Change: {edit.args.prompt}" if base else edit.args.prompt
    regen = edit.args.model_copy(update={"prompt": prompt[:4000]})
    plan = plan_generation(regen, model)
    note = (
        f"{model.label} cannot edit images, so ImageChat made new images from a refined prompt "
        "instead."
    )
    return EditPlan(replace(plan, notes=[note, *plan.notes]), edits=False)


def _edit_kwargs(kwargs: dict[str, Any], model: ImageModel) -> dict[str, Any]:
    """Keyword arguments for litellm.aimage_edit: no response_format, style or background
    (the edits endpoint takes prompt, n, size and, for GPT Image, quality)."""
    out = {k: v for k, v in kwargs.items() if k in ("prompt", "n", "size", "quality")}
    if model.id.startswith("dall-e"):
        out.pop("quality", None)
    if out.get("size") == "auto":
        out.pop("size")
    return out


__all__ = [
    "EDIT_IMAGE_DESCRIPTION",
    "EDIT_IMAGE_SCHEMA",
    "EDIT_TOOL_NAME",
    "MAX_IMAGES",
    "EditArgs",
    "EditPlan",
    "parse_edit_args",
    "plan_edit",
]
