"""The `edit_image` tool: edit images of this conversation (made earlier or attached) by id.

Ids from the LLM are checked: only images of this conversation and this user are used. A model
without edits regenerates from a refined prompt, and the person is told.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from imagechat.conversation import ToolSpec
from imagechat.errors import UserFacingError
from imagechat.generation import Lineage, SourceImage
from imagechat.image_params import (
    EDIT_IMAGE_DESCRIPTION,
    EDIT_IMAGE_SCHEMA,
    EDIT_TOOL_NAME,
    parse_edit_args,
    plan_edit,
)
from imagechat.imaging import (
    ImageRejected,
    decode_budget,
    decode_image_bytes,
    mask_pixels,
    prepare_mask,
    selected_fraction,
    to_square_png,
)
from imagechat.storage.images import ImageRecord
from tools.image_generation import GalleryUI, ImageToolConfig, produce, refused, tool_result

# Returns the image when it belongs to this conversation and user, else None.
ImageLookup = Callable[[str], Awaitable[ImageRecord | None]]

EDITED_FROM = "Edited from"


def not_in_conversation(image_id: str) -> UserFacingError:
    """The person is not shown the id (ids are internal; the model may have made it up)."""
    return UserFacingError(
        "That image is not part of this conversation, so it cannot be edited. "
        "Edit an image shown in this conversation, or attach the picture to your message.",
        kind="foreign_image",
    )


def source_image(record: ImageRecord, *, square_png: bool) -> SourceImage:
    data = base64.b64decode(record.data_b64 or "")
    if square_png:
        return SourceImage(record.id, to_square_png(decode_image_bytes(data)), "image/png")
    ext = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(record.mime, "png")
    return SourceImage(record.id, data, record.mime, f"image.{ext}")


def edit_mask(record: ImageRecord, painted: str, *, square_png: bool) -> bytes:
    """The painted area as a mask for `record` (its size; square when the model needs it).
    Refusals are UserFacingErrors."""
    width, height = record.width, record.height
    if not width or not height:
        decoded = decode_image_bytes(base64.b64decode(record.data_b64 or ""))
        width, height = decoded.width, decoded.height
    try:
        mask = prepare_mask(painted, width, height)
    except ImageRejected as exc:
        raise UserFacingError(exc.message, kind="bad_mask") from None
    return to_square_png(decode_image_bytes(mask)) if square_png else mask


def _masked_note(mask: bytes) -> str:
    share = selected_fraction(mask)
    percent = "less than 1" if share < 0.01 else f"{round(share * 100)}"
    return f"Only the selected area ({percent}% of the picture) was changed."


async def run_edit(
    config: ImageToolConfig,
    ui: GalleryUI,
    records: list[ImageRecord],
    raw: dict[str, Any],
    *,
    lineage_label: str = EDITED_FROM,
    painted: str | None = None,
) -> str:
    """Edit `records` as `raw` (edit_image arguments) asks; returns the tool result text.

    `painted` (a PNG data URL; transparent = change) limits the edit to an area of the first
    image, where the model can edit; a model that cannot regenerates the whole picture, and the
    person is told.
    """
    edit, notes = parse_edit_args(raw)
    capped, allowance = config.budget.cap(edit.args)
    if allowance.n == 0:
        return await refused(config, ui, allowance)
    edit = dataclasses.replace(edit, args=capped)
    planned = plan_edit(edit, config.model, records[0].prompt, moderation=config.moderation)
    sources, mask = None, None
    notes = [*notes, *planned.plan.notes, *allowance.notes]
    edits = config.model.rules.edits
    square = edits is not None and edits.square_only
    if painted is not None and edits is not None and not edits.mask:
        notes.append(
            f"{config.model.label} edits whole pictures only, so the selected area was not used."
        )
        painted = None
    if painted is not None and planned.edits:
        pixels = mask_pixels(painted, records[0].width or 0, records[0].height or 0)
        mask = await decode_budget().run(
            pixels, lambda: edit_mask(records[0], painted, square_png=square)
        )
        notes.append(_masked_note(mask))
    elif painted is not None:
        notes.append(
            f"{config.model.label} cannot change just a selected area, so the whole picture "
            "was made again with the change."
        )
    if planned.edits:
        pixels = sum((r.width or 0) * (r.height or 0) for r in records) if square else 1
        sources = await decode_budget().run(  # square cut-outs decode each source
            pixels, lambda: [source_image(r, square_png=square) for r in records]
        )
    lineage = Lineage(records[0].id, lineage_label)
    result = await produce(
        config,
        ui,
        planned.plan,
        edit.args.prompt,
        notes,
        sources=sources,
        mask=mask,
        lineage=lineage,
    )
    return tool_result(planned.plan, result, parent_id=records[0].id)


def image_edit_tool(config: ImageToolConfig, ui: GalleryUI, lookup: ImageLookup) -> ToolSpec:
    """The edit tool offered to the LLM next to generate_image."""

    async def handler(raw: dict[str, Any]) -> str:
        edit, _ = parse_edit_args(raw)  # validates before any lookup
        records = []
        for image_id in edit.image_ids:
            record = await lookup(image_id)
            if record is None or not record.data_b64:
                raise not_in_conversation(image_id)
            records.append(record)
        return await run_edit(config, ui, records, raw)

    return ToolSpec(
        name=EDIT_TOOL_NAME,
        description=EDIT_IMAGE_DESCRIPTION,
        parameters=EDIT_IMAGE_SCHEMA,
        handler=handler,
    )
