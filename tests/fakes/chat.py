"""Scripted replies for the fake chat completions endpoint, plain and streamed."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ARGUMENT_PIECE = 7


@dataclass
class ToolCall:
    """One function call the fake assistant makes."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str = field(default_factory=lambda: "call_" + secrets.token_hex(12))

    @property
    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)

    def as_message_part(self, index: int | None = None) -> dict[str, Any]:
        part: dict[str, Any] = {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments_json},
        }
        return part if index is None else {"index": index, **part}


@dataclass
class TextReply:
    """The assistant answers with text."""

    text: str


@dataclass
class ToolCallsReply:
    """The assistant calls one or more tools (optionally after some text)."""

    calls: list[ToolCall]
    content: str | None = None


Reply = TextReply | ToolCallsReply
ReplyFunc = Callable[[dict[str, Any]], "Reply | str"]
Scripted = Reply | ReplyFunc


def reply_from_json(data: dict[str, Any]) -> Reply:
    """Build a reply from the control route's JSON: ``{"text"}`` or ``{"tool_calls"}``."""
    if "tool_calls" in data:
        calls = [
            ToolCall(**{k: v for k, v in c.items() if v is not None}) for c in data["tool_calls"]
        ]
        return ToolCallsReply(calls, data.get("content"))
    return TextReply(str(data["text"]))


def resolve(item: Scripted | None, request: dict[str, Any]) -> Reply:
    """Turn a queued item (or nothing) into the reply for this request."""
    if item is None:
        return TextReply(f"Fake reply to: {last_user_text(request.get('messages', []))}")
    if isinstance(item, TextReply | ToolCallsReply):
        return item
    result = item(request)
    return TextReply(result) if isinstance(result, str) else result


def last_user_text(messages: list[dict[str, Any]]) -> str:
    """Text of the last user message (text parts joined when content is a list)."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
        return str(content or "")
    return ""


def usage(request: dict[str, Any], reply: Reply) -> dict[str, int]:
    """Rough token counts: words in, words out."""
    prompt = sum(len(json.dumps(m).split()) for m in request.get("messages", []))
    if isinstance(reply, TextReply):
        completion = len(reply.text.split())
    else:
        completion = sum(len(c.arguments_json) // 4 + 5 for c in reply.calls)
    completion = max(completion, 1)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A non-streamed chat.completion body."""
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    if isinstance(reply, TextReply):
        message["content"] = reply.text
        finish = "stop"
    else:
        message["content"] = reply.content
        message["tool_calls"] = [c.as_message_part() for c in reply.calls]
        finish = "tool_calls"
    return {
        **_envelope(request, "chat.completion"),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage(request, reply),
    }


def stream_chunks(request: dict[str, Any], reply: Reply) -> Iterator[dict[str, Any]]:
    """chat.completion.chunk bodies for a streamed reply, usage chunk included if asked."""
    envelope = _envelope(request, "chat.completion.chunk")
    include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
    extra: dict[str, Any] = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**envelope, "choices": [choice], **extra}

    if isinstance(reply, TextReply):
        yield chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in split_words(reply.text):
            yield chunk({"content": piece})
        yield chunk({}, "stop")
    else:
        yield from _tool_call_chunks(reply, chunk)
        yield chunk({}, "tool_calls")
    if include_usage:
        yield {**envelope, "choices": [], "usage": usage(request, reply)}


def _tool_call_chunks(
    reply: ToolCallsReply, chunk: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    first: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    if reply.content:
        yield chunk({**first, "content": ""})
        for piece in split_words(reply.content):
            yield chunk({"content": piece})
        first = {}
    for index, call in enumerate(reply.calls):
        header = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        yield chunk({**first, "tool_calls": [header]})
        first = {}
        args = call.arguments_json
        for start in range(0, len(args), ARGUMENT_PIECE):
            piece = args[start : start + ARGUMENT_PIECE]
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})


def split_words(text: str) -> list[str]:
    """Split text into word-sized pieces that join back to the original."""
    return re.findall(r"\s*\S+|\s+$", text) or [text]


def _envelope(request: dict[str, Any], obj: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-" + secrets.token_hex(12),
        "object": obj,
        "created": int(time.time()),
        "model": request.get("model", "unknown"),
        "system_fingerprint": "fp_fake",
    }
