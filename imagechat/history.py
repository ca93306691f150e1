"""Rebuild the model's message history from stored chat steps."""

from __future__ import annotations

from typing import Any

UI_ONLY = "ui_only"


def messages_from_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-format messages for the user and assistant messages of a thread, in order.

    Error messages, empty messages, commands (like `/agents`) and the app's own notices
    (metadata `ui_only`) are left out: they were never part of the conversation with the model.
    """
    out: list[dict[str, Any]] = []
    for step in steps:
        kind = step.get("type")
        if step.get("isError") or kind not in ("user_message", "assistant_message"):
            continue
        if step.get("command") or (step.get("metadata") or {}).get(UI_ONLY):
            continue
        text = step.get("output") or ""
        if not text.strip():
            continue
        out.append({"role": "user" if kind == "user_message" else "assistant", "content": text})
    return out
