"""What the model is told about the conversation's images, so refinements build on them.

Every turn gets a system note listing the images (references, prompts, revised prompts,
lineage, attachments); vision-capable chat models also see the most recent images, downscaled.
Images are named by short references ("image-3", see `image_refs`), never by their ids: a model
repeats what it is given, and the person must not see raw ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imagechat.image_refs import ImageRefs
from imagechat.storage.images import ImageRecord

MAX_LISTED = 30
MAX_SEEN = 4
HEADER = (
    "Images in this conversation (oldest first). Use these references in tool calls only; "
    "never show them to the person (say 'the second picture', or describe it):"
)


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


def describe(record: ImageRecord, attached_now: set[str], refs: ImageRefs) -> str:
    params = record.params or {}
    ref = refs.ref(record.id)
    if is_attachment(record):
        when = "in their latest message" if record.id in attached_now else "earlier"
        return f"- id={ref} · attached by the person {when} · file: {params.get('filename')}"
    parent, lineage = params.get("parent_id"), params.get("lineage")
    source = refs.ref(parent) if parent in refs.ids else "an image no longer here"
    if parent and lineage == "Variation of":
        origin = f"variation of {source}"
    elif parent:
        origin = f"made by edit_image from {source}"
    else:
        origin = "made by generate_image"
    line = f"- id={ref} · {origin} · prompt: {_quote(record.prompt)}"
    if record.revised_prompt:
        line += f" · revised: {_quote(record.revised_prompt)}"
    return line


def context_note(records: list[ImageRecord], attached_now: set[str]) -> str | None:
    """The system note listing the conversation's images, or None when there are none."""
    if not records:
        return None
    listed = records[-MAX_LISTED:]
    refs = ImageRefs.of([r.id for r in records])
    lines = [HEADER, *(describe(r, attached_now, refs) for r in listed)]
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
