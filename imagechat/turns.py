"""Which stored steps make up one answer ("turn"), so it is deleted as one unit.

A person asks; ImageChat answers with its text, one or more galleries (each a message with its
ImageGallery element) and an "Image creation" tool step per gallery. Deleting the answer must
delete all of them, and its images, at once (issue 11 point 11), and only one of them carries
the 🗑.

Chainlit nests the messages of an answer under its ``on_message`` run step (``parentId``), but
our tool steps are sent without a parent, and the galleries of the gallery's Variations and
Edit actions have no run at all. So the glue writes the unit's key into each step's metadata
(``TURN_KEY``): the run's id in a chat turn, the gallery message's own id for an action's
gallery. Steps stored before that (no key) fall back to the parent chain: the run they hang
under, else their topmost ancestor — which groups an old answer with its gallery messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Step metadata key holding the id that groups the steps of one answer.
TURN_KEY = "turn"
_NOT_IN_A_UNIT = ("user_message", "run")


@dataclass(frozen=True)
class StepRef:
    """What grouping needs to know of a stored step (a database row or a Chainlit StepDict)."""

    id: str
    parent_id: str | None
    type: str | None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    is_error: bool = False

    @classmethod
    def from_step_dict(cls, step: Mapping[str, Any]) -> StepRef:
        """From Chainlit's StepDict (camelCase keys), as in a resumed thread."""
        return cls(
            id=str(step["id"]),
            parent_id=step.get("parentId"),
            type=step.get("type"),
            metadata=step.get("metadata") or {},
            is_error=bool(step.get("isError")),
        )

    @property
    def turn(self) -> str | None:
        key = self.metadata.get(TURN_KEY) if isinstance(self.metadata, Mapping) else None
        return key if isinstance(key, str) and key else None


def turn_key(step: StepRef, by_id: Mapping[str, StepRef]) -> str:
    """The id shared by every step of ``step``'s answer (see the module docstring)."""
    current = step
    seen = {current.id}
    while True:
        if current.turn:
            return current.turn
        parent_id = current.parent_id
        if not parent_id:
            return current.id
        parent = by_id.get(parent_id)
        if parent is None or parent.type == "run":
            return parent_id
        if parent.id in seen:  # a cycle in broken data: stop where it closes
            return parent.id
        seen.add(parent.id)
        current = parent


def unit_of(head_id: str, steps: Iterable[StepRef]) -> list[str]:
    """Ids of the steps deleted with the assistant message ``head_id``, in the given order
    (empty when ``head_id`` is not an assistant message: a question is never deleted this way,
    and neither is a run, which would take the whole exchange with it)."""
    ordered = list(steps)
    by_id = {s.id: s for s in ordered}
    head = by_id.get(head_id)
    if head is None or head.type != "assistant_message":
        return []
    key = turn_key(head, by_id)
    return [s.id for s in ordered if s.type not in _NOT_IN_A_UNIT and turn_key(s, by_id) == key]


def delete_heads(steps: Iterable[StepRef], galleries: Iterable[str]) -> list[str]:
    """The one message per answer that carries the 🗑: its text answer (the last one, when a
    unit has several), else its first gallery message (``galleries``: ids of messages that
    show an ImageGallery). Error messages never carry it (they go with their answer)."""
    ordered = list(steps)
    by_id = {s.id: s for s in ordered}
    gallery_ids = set(galleries)
    units: dict[str, list[StepRef]] = {}
    for step in ordered:
        if step.type == "assistant_message" and not step.is_error:
            units.setdefault(turn_key(step, by_id), []).append(step)
    heads: list[str] = []
    for members in units.values():
        answers = [s for s in members if s.id not in gallery_ids]
        heads.append(answers[-1].id if answers else members[0].id)
    return heads
