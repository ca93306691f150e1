"""The `edit_image` tool: edit images of this conversation (made earlier or attached) by id.

Ids from the LLM are checked: only images of this conversation and this user are used. A model
without edits regenerates from a refined prompt, and the person is told.
"""

from __future__ import annotations

import asyncio
import base64
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
from imagechat.imaging import decode_image_bytes, to_square_png
from imagechat.storage.images import ImageRecord
from tools.image_generation import GalleryUI, ImageToolConfig, produce, tool_result

# Returns the image when it belongs to this conversation and user, else None.
ImageLookup = Callable[[str], Awaitable[ImageRecord | None]]

EDITED_FROM = "Edited from"


def not_in_conversation(image_id: str) -> UserFacingError:
    return UserFacingError(
        f"Image `{image_id[:8]}…` is not part of this conversation, so it cannot be edited. "
        "Edit an image shown in this conversation, or attach the picture to your message.",
        kind="foreign_image",
    )


def source_image(record: ImageRecord, *, square_png: bool) -> SourceImage:
    data = base64.b64decode(record.data_b64 or "")
    if square_png:
        return SourceImage(record.id, to_square_png(decode_image_bytes(data)), "image/png")
    ext = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(record.mime, "png")
    return SourceImage(record.id, data, record.mime, f"image.{ext}")


async def run_edit(
    config: ImageToolConfig,
    ui: GalleryUI,
    records: list[ImageRecord],
    raw: dict[str, Any],
    *,
    lineage_label: str = EDITED_FROM,
) -> str:
    """Edit `records` as `raw` (edit_image arguments) asks; returns the tool result text."""
    edit, notes = parse_edit_args(raw)
    planned = plan_edit(edit, config.model, records[0].prompt)
    sources = None
    if planned.edits:
        square = config.model.id == "dall-e-2"
        sources = await asyncio.to_thread(
            lambda: [source_image(r, square_png=square) for r in records]
        )
    lineage = Lineage(records[0].id, lineage_label)
    notes = [*notes, *planned.plan.notes]
    result = await produce(
        config, ui, planned.plan, edit.args.prompt, notes, sources=sources, lineage=lineage
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
