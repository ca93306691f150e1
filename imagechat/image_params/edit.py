"""The `edit_image` tool's arguments and how an edit is fitted to the image model.

Models with an edits endpoint (rules.edits) get `aimage_edit` requests with the source images;
for a model without edits the plan regenerates from a refined prompt, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Annotated, Any, Final

from pydantic import Field, field_validator

from imagechat.catalog import ImageModel
from imagechat.errors import ModelRetry
from imagechat.image_params.args import GenerateImageArgs, tool_schema, validate_tool_args
from imagechat.image_params.plan import GenerationPlan, ProviderRequest, plan_generation

EDIT_TOOL_NAME: Final = "edit_image"
MAX_SOURCE_IMAGES: Final = 16
_UUID = r"[0-9a-fA-F-]{32,36}"

EDIT_IMAGE_DESCRIPTION: Final = (
    "Edit one or more images of this conversation (made earlier, or attached by the person) "
    "following an instruction, e.g. 'turn it into a watercolor', 'add a red door'. Refer to "
    "images by their references in the conversation's image list (image-1, image-2, …). The "
    "result is shown in the chat."
)
# What the edits endpoint takes besides the images (style is folded into the prompt).
_EDIT_KWARGS: Final = (
    "prompt",
    "n",
    "size",
    "quality",
    "background",
    "output_format",
    "output_compression",
)


class EditImageArgs(GenerateImageArgs):
    """Edit images of this conversation."""

    image_ids: Annotated[
        list[str],
        Field(
            min_length=1,
            max_length=MAX_SOURCE_IMAGES,
            description="references of the images to edit, from the conversation's image list "
            "(image-1, image-2, …; the first is the main one).",
        ),
    ]

    @field_validator("image_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            ids = list(dict.fromkeys(str(v).strip() for v in value))
            bad = next((i for i in ids if not re.fullmatch(_UUID, i)), None)
            if bad is not None:
                raise ValueError(
                    f"{bad!r} is not an image id; use the references from the conversation's "
                    "image list (image-1, image-2, …)"
                )
            return ids
        return value


EDIT_IMAGE_SCHEMA: Final[dict[str, Any]] = tool_schema(EditImageArgs)
EDIT_IMAGE_SCHEMA["required"] = ["image_ids", "prompt"]


@dataclass(frozen=True)
class EditArgs:
    image_ids: list[str]
    args: GenerateImageArgs  # prompt, n, size, quality, … of the edit


def parse_edit_args(raw: Any) -> tuple[EditArgs, list[str]]:
    """Validate the LLM's edit_image arguments; `ModelRetry` says what to fix."""
    if isinstance(raw, dict) and not raw.get("image_ids"):
        raise ModelRetry(
            f"{EDIT_TOOL_NAME} needs image_ids: a list with the id of at least one image from "
            "the conversation's image list."
        )
    args, notes = validate_tool_args(EditImageArgs, raw, EDIT_TOOL_NAME)
    generate = GenerateImageArgs.model_validate(args.model_dump(exclude={"image_ids"}))
    return EditArgs(list(args.image_ids), generate), notes


@dataclass(frozen=True)
class EditPlan:
    """Either real edit requests (`edits` True) or a regeneration plan with a note."""

    plan: GenerationPlan
    edits: bool


def plan_edit(
    edit: EditArgs, model: ImageModel, source_prompt: str | None, *, moderation: str | None = None
) -> EditPlan:
    """Fit an edit to `model`: edit requests where it can edit, else regenerate with a note."""
    if model.supports_edits:
        plan = plan_generation(edit.args, model)
        requests = [
            ProviderRequest(_edit_kwargs(request.kwargs), request.n) for request in plan.requests
        ]
        return EditPlan(replace(plan, requests=requests), edits=True)
    base = (source_prompt or "").strip()
    prompt = f"{base}. Change: {edit.args.prompt}" if base else edit.args.prompt
    regen = edit.args.model_copy(update={"prompt": prompt})
    plan = plan_generation(regen, model, moderation=moderation)
    note = (
        f"{model.label} cannot edit images, so ImageChat made new images from a refined prompt "
        "instead."
    )
    return EditPlan(replace(plan, notes=[note, *plan.notes]), edits=False)


def _edit_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for an edit: the edits endpoint's own (no moderation, no style)."""
    out = {k: v for k, v in kwargs.items() if k in _EDIT_KWARGS}
    if out.get("size") == "auto":
        out.pop("size")
    return out
