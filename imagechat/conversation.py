"""One turn of the conversation: litellm streaming plus the tool-call loop.

Tools are passed in, not imported, so a turn runs (and is tested) without any UI.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import litellm

from imagechat.errors import ModelRetry, UserFacingError
from imagechat.llm import Endpoint
from imagechat.provider_errors import describe_provider_error
from imagechat.retry import RetryPolicy

ToolChoice = Literal["auto", "required", "none"]
TokenSink = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class ToolSpec:
    """A function the model may call: name, description, JSON schema and an async handler.

    The handler returns the text given back to the model. It raises `ModelRetry` when the model's
    arguments were wrong (the message goes back to the model) and `UserFacingError` when the person
    must be told something and the turn cannot go on.
    """

    name: str
    description: str
    parameters: dict[str, Any]
    handler: Callable[[dict[str, Any]], Awaitable[str]]

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass(frozen=True)
class ChatTarget:
    """The model a turn talks to and how to reach it."""

    litellm_model: str
    label: str
    endpoint: Endpoint
    timeout: float
    secrets: list[str] = field(default_factory=list)
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # rate limits, before any token


@dataclass
class TurnResult:
    text: str
    new_messages: list[dict[str, Any]]
    usage: dict[str, int] = field(default_factory=dict)
    tool_calls: int = 0


async def run_turn(
    target: ChatTarget,
    messages: list[dict[str, Any]],
    *,
    on_token: TokenSink,
    tools: list[ToolSpec] | None = None,
    tool_choice: ToolChoice = "auto",
    max_rounds: int = 4,
    max_tool_calls: int = 10,
    tools_unsupported_message: str | None = None,
) -> TurnResult:
    """Stream the model's answer, running its tool calls until it answers in text.

    At most `max_tool_calls` calls run in one turn, however many the model makes at once; the
    others get an error result, and tools are no longer offered.
    """
    tools = tools or []
    by_name = {t.name: t for t in tools}
    history = list(messages)
    result = TurnResult(text="", new_messages=[])
    for round_no in range(max_rounds):
        offer_tools = (
            bool(tools)
            and tool_choice != "none"
            and round_no < max_rounds - 1
            and result.tool_calls < max_tool_calls
        )
        choice: ToolChoice = tool_choice if round_no == 0 else "auto"
        message, usage = await _stream_once(
            target,
            history,
            on_token=on_token,
            tools=tools if offer_tools else [],
            tool_choice=choice,
            tools_unsupported_message=tools_unsupported_message,
        )
        for key, value in usage.items():
            result.usage[key] = result.usage.get(key, 0) + value
        calls = message.get("tool_calls") or []
        history.append(message)
        result.new_messages.append(message)
        if not calls:
            result.text = message.get("content") or ""
            return result
        for call in calls:
            if result.tool_calls >= max_tool_calls:
                reply = _too_many_calls(max_tool_calls)
            else:
                result.tool_calls += 1
                reply = await _run_tool(by_name, call)
            tool_message = {"role": "tool", "tool_call_id": call["id"], "content": reply}
            history.append(tool_message)
            result.new_messages.append(tool_message)
    result.text = result.new_messages[-1].get("content") or ""
    return result


async def _stream_once(
    target: ChatTarget,
    messages: list[dict[str, Any]],
    *,
    on_token: TokenSink,
    tools: list[ToolSpec],
    tool_choice: ToolChoice,
    tools_unsupported_message: str | None,
) -> tuple[dict[str, Any], dict[str, int]]:
    kwargs: dict[str, Any] = {
        "model": target.litellm_model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        "timeout": target.timeout,
        "num_retries": 0,
        **target.endpoint.kwargs(),
    }
    if tools:
        kwargs["tools"] = [t.schema() for t in tools]
        kwargs["tool_choice"] = (
            {"type": "function", "function": {"name": tools[0].name}}
            if tool_choice == "required" and len(tools) == 1
            else tool_choice
        )
    chunks: list[Any] = []
    try:
        # a 429 comes when the stream opens, before any token: retried with backoff
        async for attempt in target.retry.retrying(asyncio.sleep):
            with attempt:
                stream = await litellm.acompletion(**kwargs)
        async for chunk in stream:
            chunks.append(chunk)
            text = _delta_text(chunk)
            if text:
                await on_token(text)
    except UserFacingError:
        raise
    except Exception as exc:
        if tools and tools_unsupported_message and _is_tools_unsupported(exc):
            raise UserFacingError(tools_unsupported_message, kind="tools_unsupported") from exc
        raise describe_provider_error(
            exc,
            label=target.label,
            key_env=target.endpoint.key_env,
            api_base=target.endpoint.api_base,
            timeout=target.timeout,
            secrets=target.secrets,
        ) from exc
    if not chunks:
        return {"role": "assistant", "content": ""}, {}
    built = litellm.stream_chunk_builder(chunks, messages=messages)
    return _as_message(built), _usage(built)


def _delta_text(chunk: Any) -> str | None:
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return None
    delta = getattr(choices[0], "delta", None)
    return getattr(delta, "content", None) if delta is not None else None


def _as_message(built: Any) -> dict[str, Any]:
    msg = built.choices[0].message
    out: dict[str, Any] = {"role": "assistant", "content": msg.content or ""}
    calls = getattr(msg, "tool_calls", None) or []
    if calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments or "{}"},
            }
            for c in calls
        ]
    return out


def _usage(built: Any) -> dict[str, int]:
    usage = getattr(built, "usage", None)
    if not usage:
        return {}
    return {
        "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
        "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
    }


def _too_many_calls(limit: int) -> str:
    return (
        f"Error: one answer may make at most {limit} tool calls and this one has; this call "
        "was not run. Do not call tools again; answer the person with what was done."
    )


async def _run_tool(by_name: dict[str, ToolSpec], call: dict[str, Any]) -> str:
    name = call["function"]["name"]
    tool = by_name.get(name)
    if tool is None:
        return f"Error: there is no tool named {name!r}. Available: {', '.join(by_name) or 'none'}."
    try:
        arguments = json.loads(call["function"].get("arguments") or "{}")
    except json.JSONDecodeError:
        return "Error: the tool arguments were not valid JSON. Call the tool again with valid JSON."
    if not isinstance(arguments, dict):
        return "Error: the tool arguments must be a JSON object."
    try:
        return await tool.handler(arguments)
    except ModelRetry as exc:
        return f"Error: {exc.message}"


def _is_tools_unsupported(exc: BaseException) -> bool:
    status = getattr(exc, "status_code", None)
    text = str(exc).lower()
    return status == 400 and "tool" in text and ("support" in text or "unknown" in text)
