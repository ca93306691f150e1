"""Reading OpenAI-format messages, tools and tool results (dicts or litellm/pydantic objects)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .constants import EDIT_TOOL_NAME, TOOL_NAME

ToolMode = Literal["off", "auto", "forced"]
TOOL_NAMES = frozenset({TOOL_NAME, EDIT_TOOL_NAME})
ANY_TOOL = "*"  # tool_choice "required": some tool must be called


def as_dict(obj: Any) -> dict[str, Any]:
    """A message, tool call or function as a plain dict."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dict(dump())
    return dict(getattr(obj, "__dict__", {}))


def message_text(message: Any) -> str:
    """The text of a message; list contents ("text" parts) are joined."""
    content = as_dict(message).get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for part in content if isinstance(content, Sequence) else []:
        if isinstance(part, str):
            parts.append(part)
            continue
        part = as_dict(part)
        if part.get("type") in ("text", "input_text") and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "\n".join(parts)


def attachment_count(message: Any) -> int:
    """How many non-text parts (images, files) a message carries."""
    content = as_dict(message).get("content")
    if isinstance(content, str) or not isinstance(content, Sequence):
        return 0
    return sum(1 for part in content if as_dict(part).get("type") not in ("text", "input_text"))


def role(message: Any) -> str:
    return str(as_dict(message).get("role") or "")


def last_user_message(messages: Sequence[Any]) -> Any | None:
    for message in reversed(messages):
        if role(message) == "user":
            return message
    return None


def _tool_calls(message: Any) -> list[dict[str, Any]]:
    calls = as_dict(message).get("tool_calls") or []
    out: list[dict[str, Any]] = []
    for call in calls:
        call = as_dict(call)
        call["function"] = as_dict(call.get("function"))
        out.append(call)
    return out


def _arguments(call: dict[str, Any]) -> dict[str, Any] | None:
    raw = call["function"].get("arguments")
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        parsed = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


def previous_image_args(messages: Sequence[Any]) -> dict[str, Any] | None:
    """The arguments of the most recent `generate_image` call an assistant message made."""
    for message in reversed(messages):
        if role(message) != "assistant":
            continue
        for call in reversed(_tool_calls(message)):
            if call["function"].get("name") == TOOL_NAME:
                args = _arguments(call)
                if args is not None:
                    return args
    return None


def previous_tool_args(messages: Sequence[Any], name: str) -> dict[str, Any] | None:
    """The arguments of the most recent call to the tool `name` an assistant message made."""
    for message in reversed(messages):
        for call in reversed(_tool_calls(message)) if role(message) == "assistant" else []:
            if call["function"].get("name") == name:
                args = _arguments(call)
                if args is not None:
                    return args
    return None


def tool_call_for_id(
    messages: Sequence[Any], call_id: str | None
) -> tuple[str | None, dict[str, Any] | None]:
    """(tool name, arguments) of the assistant's call with this id; (None, None) if unknown."""
    for message in reversed(messages):
        for call in _tool_calls(message) if role(message) == "assistant" else []:
            if call_id is not None and call.get("id") == call_id:
                name = call["function"].get("name")
                return (str(name) if name else None), _arguments(call)
    return None, None


def image_args_for_call(messages: Sequence[Any], call_id: str | None) -> dict[str, Any] | None:
    """The `generate_image` arguments of the call with this id (else the latest call)."""
    for message in reversed(messages):
        for call in _tool_calls(message) if role(message) == "assistant" else []:
            if call.get("id") == call_id and call["function"].get("name") == TOOL_NAME:
                return _arguments(call)
    return previous_image_args(messages)


def trailing_tool_messages(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """The tool results at the end of the conversation (empty if the last message is not one)."""
    out: list[dict[str, Any]] = []
    for message in reversed(messages):
        if role(message) != "tool":
            break
        out.append(as_dict(message))
    return out[::-1]


def tool_mode(tools: Sequence[Any] | None, tool_choice: Any) -> ToolMode:
    """'off' (not offered, or tool_choice "none"), 'forced', or 'auto'."""
    names = {as_dict(as_dict(t).get("function")).get("name") for t in tools or ()}
    if TOOL_NAME not in names or tool_choice == "none":
        return "off"
    if tool_choice == "required":
        return "forced"
    choice = as_dict(tool_choice) if not isinstance(tool_choice, str) else {}
    if as_dict(choice.get("function")).get("name") == TOOL_NAME:
        return "forced"
    return "auto"


@dataclass(frozen=True)
class ToolChoice:
    """Which of the demo's tools are offered, and which one (if any) must be called."""

    offered: frozenset[str]
    forced: str | None = None  # a tool name, ANY_TOOL for "required", None for "auto"

    def offers(self, name: str) -> bool:
        return name in self.offered


def read_tool_choice(tools: Sequence[Any] | None, tool_choice: Any) -> ToolChoice:
    """The demo's tools among `tools`; tool_choice "none" offers none, "required" forces one,
    {"type": "function", "function": {"name": ...}} forces that one (if offered)."""
    names = {as_dict(as_dict(t).get("function")).get("name") for t in tools or ()}
    offered = frozenset(n for n in TOOL_NAMES if n in names)
    if not offered or tool_choice == "none":
        return ToolChoice(frozenset())
    if tool_choice == "required":
        return ToolChoice(offered, ANY_TOOL)
    choice = as_dict(tool_choice) if not isinstance(tool_choice, str) else {}
    named = as_dict(choice.get("function")).get("name") or choice.get("name")
    if named in offered:
        return ToolChoice(offered, str(named))
    return ToolChoice(offered)


# ---------------------------------------------------------------------------------------------
# The app's system note listing the conversation's images:
#
#   Images in this conversation (oldest first; refer to them by id):
#   - id=<uuid> · made by generate_image · prompt: "a modern kitchen" · revised: "…"
#   - id=<uuid> · attached by the person in their latest message · file: photo.png
#   - id=<uuid> · made by edit_image from <uuid> · prompt: "make it brighter"
#   - id=<uuid> · variation of <uuid> · prompt: "…"

_CONTEXT_LINE = re.compile(
    r"^[ \t]*[-*•][ \t]*id[ \t]*[=:][ \t]*[`'\"]?(?P<id>[^\s·|,;`'\"]+)[`'\"]?(?P<rest>[^\n]*)$",
    re.I | re.M,
)
_ID_TOKEN = r"[`'\"]?(?P<parent>[^\s·|,;`'\"]+)"
_ATTACHED = re.compile(r"\battached\b", re.I)
_ATTACHED_NOW = re.compile(
    r"\b(?:(?:latest|last|current|newest|this|new)\s+message|just\s+now|right\s+now)\b", re.I
)
_MADE_BY_EDIT = re.compile(rf"\bmade\s+by\s+{EDIT_TOOL_NAME}\b(?:\s+from\s+{_ID_TOKEN})?", re.I)
_VARIATION = re.compile(rf"\bvariation\s+of\s+{_ID_TOKEN}", re.I)
_MADE_BY = re.compile(r"\bmade\s+by\s+(?P<tool>[A-Za-z_][\w-]*)", re.I)
_FIELD_END = r"(?=\s*(?:·|\||$))"
_FIELDS = re.compile(r"\b(?:prompt|revised(?:[\s_]prompt)?|file(?:name)?)\s*[:=]", re.I)


def _quoted_field(rest: str, name: str) -> str | None:
    """`name: "…"` (straight or curly quotes; the text may itself hold quotes) or unquoted."""
    match = re.search(rf"\b{name}\s*[:=]\s*[\"“](?P<v>.*?)[\"”]{_FIELD_END}", rest, re.I)
    if match is None:
        match = re.search(rf"\b{name}\s*[:=]\s*(?P<v>[^·|]*?){_FIELD_END}", rest, re.I)
    if match is None:
        return None
    value = match["v"].strip()
    return value or None


@dataclass(frozen=True)
class ContextImage:
    """One line of the image list."""

    id: str
    origin: str  # "generate_image", "edit_image", "variation", "attachment", or another tool
    parent_id: str | None = None
    prompt: str | None = None
    revised_prompt: str | None = None
    filename: str | None = None
    attached_now: bool = False  # attached by the person in their latest message

    @property
    def generated(self) -> bool:
        """Made from a prompt alone (generate_image, or a variation of such an image)."""
        return self.origin in (TOOL_NAME, "variation")


def _context_image(image_id: str, rest: str) -> ContextImage:
    parent: str | None = None
    attached_now = False
    head = _FIELDS.split(rest, maxsplit=1)[0]  # the origin comes before prompt/file fields
    if _ATTACHED.search(head) and not _MADE_BY.search(head):
        origin = "attachment"
        attached_now = bool(_ATTACHED_NOW.search(head))
    elif match := _MADE_BY_EDIT.search(head):
        origin, parent = EDIT_TOOL_NAME, match["parent"]
    elif match := _VARIATION.search(head):
        origin, parent = "variation", match["parent"]
    elif match := _MADE_BY.search(head):
        origin = match["tool"]
    else:
        origin = "unknown"
    filename = _quoted_field(rest, "file(?:name)?")
    return ContextImage(
        id=image_id,
        origin=origin,
        parent_id=parent,
        prompt=_quoted_field(rest, "prompt"),
        revised_prompt=_quoted_field(rest, "revised(?:[\\s_]prompt)?"),
        filename=None if filename in ("None", "null") else filename,
        attached_now=attached_now,
    )


def image_context(messages: Sequence[Any]) -> list[ContextImage]:
    """The images the app's system note lists (oldest first), from the latest such note."""
    for message in reversed(messages):
        if role(message) not in ("system", "developer"):
            continue
        found = _CONTEXT_LINE.findall(message_text(message))
        if found:
            images = [_context_image(image_id, rest) for image_id, rest in found]
            return list({image.id: image for image in images}.values())
    return []


# ---------------------------------------------------------------------------------------------
# Tool results, which the app writes as JSON-ish text.

_FAIL_STATUS = {"error", "failed", "failure", "fail"}
_NOTE_KEYS = ("notes", "note", "warnings", "warning", "info", "adjustments")
_NOTE_PHRASES = re.compile(
    r"[^.;\n\"]*\b(?:capped at \d+|size mapped|mapped to|clamped|limited to)"
    r"[^.;\n\"]*",
    re.I,
)
_ID_KEYS = ("id", "image_id", "element_id", "file_id")


@dataclass
class ToolOutcome:
    """What a `generate_image` tool result says happened."""

    ok: bool = True
    count: int = 0
    ids: list[str] = field(default_factory=list)
    revised_prompts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    parent_ids: list[str] = field(default_factory=list)  # edit_image: the images edited


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Sequence):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _read_json(data: Any, outcome: ToolOutcome) -> None:
    if isinstance(data, list):
        data = {"images": data}
    if not isinstance(data, dict):
        return
    status = str(data.get("status") or "").lower()
    error = data.get("error") or data.get("errors")
    if error or status in _FAIL_STATUS or data.get("ok") is False or data.get("success") is False:
        outcome.ok = False
        detail = error if error and not isinstance(error, bool) else data.get("message")
        if isinstance(detail, Mapping):
            detail = detail.get("message") or json.dumps(detail)
        outcome.error = str(detail) if detail else "the image tool reported a failure"
    images = data.get("images") or data.get("data") or []
    for image in images if isinstance(images, list) else []:
        if isinstance(image, str):
            outcome.ids.append(image)
            continue
        if not isinstance(image, Mapping):
            continue
        image_id = next((image[k] for k in _ID_KEYS if image.get(k)), None)
        if image_id:
            outcome.ids.append(str(image_id))
        parent = image.get("parent_id")
        if isinstance(parent, str) and parent and parent not in outcome.parent_ids:
            outcome.parent_ids.append(parent)
        outcome.revised_prompts += _strings(image.get("revised_prompt"))
    outcome.ids += [i for i in _strings(data.get("image_ids")) if i not in outcome.ids]
    outcome.revised_prompts += _strings(data.get("revised_prompt"))
    for key in _NOTE_KEYS:
        outcome.notes += _strings(data.get(key))
    counted = data.get("count") or data.get("n_generated") or data.get("generated")
    images_len = len(images) if isinstance(images, list) else 0
    outcome.count = counted if isinstance(counted, int) else max(images_len, len(outcome.ids))


def read_tool_result(content: Any) -> ToolOutcome:
    """Parse a tool result: JSON when it is JSON, else look for ids, failures and notes."""
    text = content if isinstance(content, str) else message_text({"content": content})
    outcome = ToolOutcome()
    try:
        _read_json(json.loads(text), outcome)
        parsed = True
    except (TypeError, ValueError):
        parsed = False
    if not parsed:
        outcome.ids = re.findall(r"\b(?:img|image)[_-][A-Za-z0-9_-]+\b", text)
        outcome.count = len(outcome.ids)
        if re.search(r"\b(?:fail(?:ed|ure)?|error|could\s*n[o']t|unable)\b", text, re.I):
            outcome.ok = False
            outcome.error = text.strip()[:300] or "the image tool reported a failure"
    seen = {n.lower() for n in outcome.notes}
    for phrase in _NOTE_PHRASES.findall(text):
        phrase = phrase.strip(" ,:{}[]'")
        if phrase and not any(phrase.lower() in n or n in phrase.lower() for n in seen):
            outcome.notes.append(phrase)
            seen.add(phrase.lower())
    return outcome
