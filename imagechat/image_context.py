"""What the model is told about the conversation's images, so refinements build on them.

Every turn gets a system note listing the images (ids, prompts, revised prompts, lineage,
attachments); vision-capable chat models also see the most recent images, downscaled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imagechat.storage.images import ImageRecord

MAX_LISTED = 30
MAX_SEEN = 4
HEADER = "Images in this conversation (oldest first; refer to them by id):"


@dataclass
class TurnContext:
    """Extra context for one turn: a system note and images (data URLs) for vision models."""

    note: str | None = None
    images: list[str] = field(default_factory=list)

    def user_content(self, text: str) -> str | list[dict[str, Any]]:
        if not self.images:
            return text
        parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
        parts += [
            {"type": "image_url", "image_url": {"url": url, "detail": "low"}} for url in self.images
        ]
        return parts


def is_attachment(record: ImageRecord) -> bool:
    return (record.params or {}).get("source") == "attachment"


def _quote(text: str | None, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def describe(record: ImageRecord, attached_now: set[str]) -> str:
    params = record.params or {}
    if is_attachment(record):
        when = "in their latest message" if record.id in attached_now else "earlier"
        return f"- id={record.id} · attached by the person {when} · file: {params.get('filename')}"
    parent, lineage = params.get("parent_id"), params.get("lineage")
    if parent and lineage == "Variation of":
        origin = f"variation of {parent}"
    elif parent:
        origin = f"made by edit_image from {parent}"
    else:
        origin = "made by generate_image"
    line = f"- id={record.id} · {origin} · prompt: {_quote(record.prompt)}"
    if record.revised_prompt:
        line += f" · revised: {_quote(record.revised_prompt)}"
    return line


def context_note(records: list[ImageRecord], attached_now: set[str]) -> str | None:
    """The system note listing the conversation's images, or None when there are none."""
    if not records:
        return None
    listed = records[-MAX_LISTED:]
    lines = [HEADER, *(describe(r, attached_now) for r in listed)]
    if len(records) > len(listed):
        lines.insert(1, f"({len(records) - len(listed)} older images not listed)")
    return "\n".join(lines)


def images_to_show(records: list[ImageRecord], attached_now: set[str]) -> list[ImageRecord]:
    """Which images a vision model should see: this message's attachments, else the latest
    generation (the images of the most recent message), at most MAX_SEEN."""
    if attached_now:
        return [r for r in records if r.id in attached_now][:MAX_SEEN]
    made = [r for r in records if not is_attachment(r)]
    if not made:
        return []
    latest_step = made[-1].step_id
    return [r for r in made if r.step_id == latest_step][-MAX_SEEN:]
