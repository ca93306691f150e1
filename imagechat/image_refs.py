"""Short references for a conversation's images ("image-3"), so the model never sees raw ids.

A model repeats what it is given: with image UUIDs in its image list and tool results, answers
showed them to the person. The model is given "image-N" instead, N the image's place among the
conversation's images (oldest first, attachments included, as the image list shows them); the
tools resolve a reference back to the image's id, and the system prompt tells the model to use
references in tool calls only. References are read afresh each turn from the stored images, so
the image list and the tool results of a turn agree (deleting an answer renumbers later images
on the next turn, when the model gets a fresh list).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from imagechat.conversation import ToolSpec
from imagechat.errors import ModelRetry

PREFIX = "image-"
_REF = re.compile(r"image[-_ ]?#?(\d{1,5})", re.I)


def is_reference(text: str) -> bool:
    """Whether `text` is a reference like "image-3" ("image 3", "Image #3" are read too)."""
    return _REF.fullmatch(text.strip()) is not None


@dataclass(frozen=True)
class ImageRefs:
    """The conversation's image ids in order; reference N is `ids[N-1]`."""

    ids: tuple[str, ...] = ()

    @classmethod
    def of(cls, ids: Sequence[str]) -> ImageRefs:
        return cls(tuple(ids))

    def ref(self, image_id: str) -> str:
        """The reference of an image of this conversation ("image" when it is not one)."""
        try:
            return f"{PREFIX}{self.ids.index(image_id) + 1}"
        except ValueError:
            return "image"

    def resolve(self, text: str) -> str | None:
        """The id a reference stands for (None when there is no such image)."""
        match = _REF.fullmatch(text.strip())
        if match is None:
            return None
        index = int(match[1]) - 1
        return self.ids[index] if 0 <= index < len(self.ids) else None


RefsSource = Callable[[], Awaitable[ImageRefs]]
_ID_KEYS = ("id", "parent_id")


def _refer_result(text: str, refs: ImageRefs) -> str:
    """The tool result with image ids replaced by references (it is JSON written by tools/)."""
    try:
        payload = json.loads(text)
    except ValueError:
        return text
    images = payload.get("images") if isinstance(payload, dict) else None
    for image in images if isinstance(images, list) else []:
        for key in _ID_KEYS:
            if isinstance(image, dict) and isinstance(image.get(key), str):
                image[key] = refs.ref(image[key])
    return json.dumps(payload, ensure_ascii=False)


def _resolve_args(raw: dict[str, Any], refs: ImageRefs) -> dict[str, Any]:
    """`image_ids` given as references, as ids (what the tools take)."""
    given = raw.get("image_ids")
    if not isinstance(given, list | str):
        return raw
    resolved = []
    for item in [given] if isinstance(given, str) else given:
        text = str(item)
        if is_reference(text):
            image_id = refs.resolve(text)
            if image_id is None:
                listed = f"image-1 … image-{len(refs.ids)}" if refs.ids else "none yet"
                raise ModelRetry(
                    f"{text.strip()} is not in this conversation's image list (it has {listed}); "
                    "use a reference from the list."
                )
            resolved.append(image_id)
        else:
            resolved.append(text)
    return {**raw, "image_ids": resolved}


def with_references(spec: ToolSpec, current: RefsSource) -> ToolSpec:
    """`spec` speaking references to the model: `image_ids` it sends are resolved to ids, and
    the ids in what the tool answers become references (read after the tool ran, so the images
    it made have theirs)."""

    async def handler(raw: dict[str, Any]) -> str:
        if "image_ids" in raw:
            raw = _resolve_args(raw, await current())
        text = await spec.handler(raw)
        return _refer_result(text, await current())

    return ToolSpec(spec.name, spec.description, spec.parameters, handler)
