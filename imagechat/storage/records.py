"""Conversions between Chainlit's dicts (StepDict, ElementDict, ThreadDict) and table rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import RowMapping

from .db import iso_z

if TYPE_CHECKING:
    from chainlit.element import Element, ElementDict
    from chainlit.step import StepDict
    from chainlit.types import FeedbackDict, ThreadDict

# StepDict key -> steps column. Only keys present (and not None) in an incoming dict are written,
# so create_step followed by partial update_step calls never blank earlier fields.
STEP_FIELDS: dict[str, str] = {
    "threadId": "thread_id",
    "parentId": "parent_id",
    "name": "name",
    "type": "type",
    "input": "input",
    "output": "output",
    "metadata": "metadata",
    "modes": "modes",
    "isError": "is_error",
    "streaming": "streaming",
    "waitForAnswer": "wait_for_answer",
    "showInput": "show_input",
    "language": "language",
    "defaultOpen": "default_open",
    "autoCollapse": "auto_collapse",
    "createdAt": "created_at",
    "start": "start",
    "end": "end",
    "generation": "generation",
    "tags": "tags",
    "command": "command",
}
_TIMESTAMP_KEYS = ("createdAt", "start", "end")
NAME_MAX = 500


def normalize_timestamp(value: str) -> str:
    """Fixed-width ISO-8601 UTC (``...:SS.ffffffZ``) so that text order is time order.

    ``datetime.isoformat()`` drops ``.000000`` when microseconds are 0, which would otherwise sort
    after a later timestamp of the same second. Unparseable values are kept as they are.
    """
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return iso_z(parsed) or value


def _show_input_to_db(value: bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)[:64]


def _show_input_from_db(value: str | None) -> bool | str | None:
    if value == "true":
        return True
    if value == "false":
        return False
    return value


def step_values(step_dict: StepDict) -> dict[str, Any]:
    """Column values for the keys the caller provided (None means "not provided")."""
    values: dict[str, Any] = {}
    for key, column in STEP_FIELDS.items():
        if key not in step_dict:
            continue
        value = step_dict[key]  # type: ignore[literal-required]
        if value is None:
            continue
        if key in _TIMESTAMP_KEYS and isinstance(value, str):
            value = normalize_timestamp(value)
        elif key == "showInput":
            value = _show_input_to_db(value)
        values[column] = value
    return values


def step_dict_from_row(row: RowMapping, feedback: FeedbackDict | None = None) -> StepDict:
    step: dict[str, Any] = {
        "id": row["id"],
        "threadId": row["thread_id"],
        "parentId": row["parent_id"],
        "name": row["name"] or "",
        "type": row["type"] or "undefined",
        "input": row["input"] or "",
        "output": row["output"] or "",
        "metadata": row["metadata"] or {},
        "modes": row["modes"],
        "isError": bool(row["is_error"]),
        "streaming": bool(row["streaming"]),
        "waitForAnswer": row["wait_for_answer"],
        "showInput": _show_input_from_db(row["show_input"]),
        "language": row["language"],
        "defaultOpen": row["default_open"],
        "autoCollapse": row["auto_collapse"],
        "createdAt": row["created_at"],
        "start": row["start"],
        "end": row["end"],
        "generation": row["generation"],
        "tags": row["tags"],
        "command": row["command"],
        "feedback": feedback,
    }
    return step  # type: ignore[return-value]


def feedback_dict_from_row(row: RowMapping) -> FeedbackDict:
    return {
        "id": row["id"],
        "forId": row["for_id"],
        "value": row["value"],
        "comment": row["comment"],
    }


def element_values(element: Element) -> dict[str, Any]:
    """Row values for an element. No binary content is stored: CustomElements keep their
    ``props`` (all the UI needs to re-render them); other elements keep url/keys/metadata."""
    d = element.to_dict()
    props = d.get("props")
    return {
        "id": d["id"],
        "thread_id": d.get("threadId"),
        "for_id": d.get("forId"),
        "type": d.get("type"),
        "name": d.get("name"),
        "display": d.get("display"),
        "size": d.get("size"),
        "language": d.get("language"),
        "page": d.get("page"),
        "mime": d.get("mime"),
        "url": d.get("url"),
        "object_key": d.get("objectKey"),
        "chainlit_key": d.get("chainlitKey"),
        "auto_play": d.get("autoPlay"),
        "player_config": d.get("playerConfig"),
        "props": dict(props) if isinstance(props, dict) else None,
    }


def element_dict_from_row(row: RowMapping) -> ElementDict:
    element: dict[str, Any] = {
        "id": row["id"],
        "threadId": row["thread_id"],
        "forId": row["for_id"],
        "type": row["type"] or "file",
        "name": row["name"] or "",
        "display": row["display"] or "inline",
        "size": row["size"],
        "language": row["language"],
        "page": row["page"],
        "mime": row["mime"],
        "url": row["url"],
        "objectKey": row["object_key"],
        "chainlitKey": row["chainlit_key"],
        "autoPlay": row["auto_play"],
        "playerConfig": row["player_config"],
        "props": row["props"] if row["props"] is not None else {},
    }
    return element  # type: ignore[return-value]


def thread_dict_from_row(
    row: RowMapping,
    *,
    steps: list[StepDict] | None = None,
    elements: list[ElementDict] | None = None,
    created_at: datetime | None = None,
) -> ThreadDict:
    thread: dict[str, Any] = {
        "id": row["id"],
        "createdAt": iso_z(created_at or row["created_at"]),
        "name": row["name"],
        "userId": row["user_id"],
        "userIdentifier": row["user_identifier"],
        "tags": row["tags"],
        "metadata": row["metadata"] or {},
        "steps": steps if steps is not None else [],
        "elements": elements if elements is not None else [],
    }
    return thread  # type: ignore[return-value]


def merge_metadata(existing: dict[str, Any] | None, incoming: dict[str, Any]) -> dict[str, Any]:
    """Merge thread metadata instead of replacing it.

    Top-level keys from ``incoming`` win; a None value deletes the key (Chainlit's convention).
    ``chat_settings`` is merged key by key, so Chainlit's write at disconnect cannot drop
    settings that the app saved while the session was live.
    """
    merged = dict(existing or {})
    for key, value in incoming.items():
        if value is None:
            merged.pop(key, None)
        elif key == "chat_settings" and isinstance(value, dict):
            current = merged.get(key)
            merged[key] = {**(current if isinstance(current, dict) else {}), **value}
        else:
            merged[key] = value
    return merged
