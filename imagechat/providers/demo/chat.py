"""The demo chat model: decides each turn (a `generate_image` call or a text reply) and shapes
it the way litellm wants it from a custom provider (GenericStreamingChunk dicts, ModelResponse)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from litellm.types.utils import (
    ChatCompletionMessageToolCall,
    Function,
    GenericStreamingChunk,
    Message,
    ModelResponse,
    Usage,
)

from .constants import (
    ANOTHER_TAKE,
    DEFAULT_PROMPT,
    DEMO_CHAT_MODEL,
    EDIT_TOOL_NAME,
    NO_IMAGE_TO_EDIT,
    TOOL_NAME,
    VARIATION_PROMPT,
)
from .conversation import (
    ANY_TOOL,
    ToolChoice,
    attachment_count,
    image_args_for_call,
    image_context,
    last_user_message,
    message_text,
    previous_image_args,
    previous_tool_args,
    read_tool_choice,
    read_tool_result,
    tool_call_for_id,
    trailing_tool_messages,
)
from .edits import EditDecision, decide_edit, edit_args, is_explicit_edit
from .parser import apply_follow_up, is_follow_up, is_image_request, parse_image_request
from .replies import chat_reply, edit_result_reply, tool_result_reply

ARGUMENT_PIECE = 24  # characters of tool-call JSON per streamed chunk


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, as OpenAI sends it

    @property
    def args(self) -> dict[str, Any]:
        return json.loads(self.arguments)


@dataclass(frozen=True)
class DemoTurn:
    """One assistant turn: text, or a single tool call."""

    text: str = ""
    tool_call: ToolCall | None = None
    prompt_tokens: int = 0

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool_call else "stop"

    @property
    def completion_tokens(self) -> int:
        body = self.tool_call.arguments if self.tool_call else self.text
        return max(1, math.ceil(len(body) / 4))

    def usage(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


def _estimate_prompt_tokens(messages: Sequence[Any], tools: Sequence[Any] | None) -> int:
    chars = sum(len(message_text(m)) + 8 for m in messages)
    if tools:
        chars += len(json.dumps(tools, default=str))
    return max(1, math.ceil(chars / 4))


def image_args_for(
    text: str, previous: dict[str, Any] | None, *, forced: bool
) -> dict[str, Any] | None:
    """The `generate_image` arguments this message calls for, or None if it asks for no image."""
    if previous is not None and is_follow_up(text):
        return apply_follow_up(previous, text)
    if is_image_request(text):
        return parse_image_request(text).tool_args()
    if forced:
        fallback = str(previous.get("prompt")) if previous else DEFAULT_PROMPT
        return parse_image_request(text).tool_args(default_prompt=fallback)
    return None


def _more_of_the_same(text: str, args: dict[str, Any], previous: dict[str, Any]) -> bool:
    """A follow-up that asks only for more pictures ("now three variations", "another one"):
    the same prompt again would draw the earlier picture again, byte for byte."""

    def same(a: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in a.items() if k != "n"}

    return is_follow_up(text) and same(args) == same(previous)


def _call_id(arguments: str, position: int) -> str:
    digest = hashlib.sha256(f"{position}:{arguments}".encode()).hexdigest()
    return f"call_demo_{digest[:20]}"


def _call(name: str, args: dict[str, Any], position: int, prompt_tokens: int) -> DemoTurn:
    arguments = json.dumps(args, ensure_ascii=False)
    call = ToolCall(_call_id(arguments, position), name, arguments)
    return DemoTurn(tool_call=call, prompt_tokens=prompt_tokens)


def _after_results(
    messages: Sequence[Any], results: list[dict[str, Any]], prompt_tokens: int
) -> DemoTurn:
    """The summary once the tool answered: of the edit, or of the new pictures."""
    outcomes = [read_tool_result(m.get("content")) for m in results]
    name, args = tool_call_for_id(messages, results[-1].get("tool_call_id"))
    if name == EDIT_TOOL_NAME:
        return DemoTurn(text=edit_result_reply(outcomes, args), prompt_tokens=prompt_tokens)
    args = image_args_for_call(messages, results[-1].get("tool_call_id"))
    return DemoTurn(text=tool_result_reply(outcomes, args), prompt_tokens=prompt_tokens)


def _forced_tool(choice: ToolChoice, edit: EditDecision | None, last_tool: str | None) -> str:
    """Which tool a forced turn calls: the named one; for "required", edit_image when the
    message asks for an edit (or repeats one), else generate_image when offered."""
    if choice.forced != ANY_TOOL:
        return str(choice.forced)
    if not choice.offers(EDIT_TOOL_NAME):
        return TOOL_NAME
    wants_edit = (edit is not None and edit.args is not None) or last_tool == EDIT_TOOL_NAME
    return EDIT_TOOL_NAME if wants_edit or not choice.offers(TOOL_NAME) else TOOL_NAME


def decide_turn(
    messages: Sequence[Any], tools: Sequence[Any] | None = None, tool_choice: Any = None
) -> DemoTurn:
    """What the demo assistant says next (deterministic for the same conversation)."""
    choice = read_tool_choice(tools, tool_choice)
    prompt_tokens = _estimate_prompt_tokens(messages, tools)
    results = trailing_tool_messages(messages)
    previous = previous_image_args(messages)
    last_user = last_user_message(messages)
    text = message_text(last_user) if last_user is not None else ""
    images = image_context(messages)
    position = len(messages)

    if results and choice.forced is None:
        return _after_results(messages, results, prompt_tokens)

    edit = (
        decide_edit(
            text,
            images,
            can_refine=previous is not None and choice.offers(TOOL_NAME),
            attachments=attachment_count(last_user) if last_user is not None else 0,
        )
        if choice.offers(EDIT_TOOL_NAME)
        else None
    )
    if choice.forced is not None:
        last_tool = (
            tool_call_for_id(messages, results[-1].get("tool_call_id"))[0] if results else None
        )
        name = _forced_tool(choice, edit, last_tool)
        if name == EDIT_TOOL_NAME:
            repeat = previous_tool_args(messages, EDIT_TOOL_NAME) if results else None
            if repeat is not None:  # forced again right after a result: the same edit
                args: dict[str, Any] | None = dict(repeat)
            elif edit is not None and edit.args is not None:
                args = edit.args
            else:
                args = edit_args(text, images)  # image_ids may be empty: the app says so
            return _call(EDIT_TOOL_NAME, args, position, prompt_tokens)
        if results and previous is not None:  # forced again right after a result: same picture
            args = dict(previous)
        else:
            args = image_args_for(text, previous, forced=True)
        return _call(TOOL_NAME, args or {"prompt": DEFAULT_PROMPT}, position, prompt_tokens)

    if edit is not None:
        if edit.args is None:
            return DemoTurn(text=NO_IMAGE_TO_EDIT, prompt_tokens=prompt_tokens)
        return _call(EDIT_TOOL_NAME, edit.args, position, prompt_tokens)

    args = image_args_for(text, previous, forced=False)
    if args is not None and previous is not None and _more_of_the_same(text, args, previous):
        prompt = str(args.get("prompt") or DEFAULT_PROMPT)
        if choice.offers(EDIT_TOOL_NAME) and images:
            varied: dict[str, Any] = {"image_ids": [images[-1].id]}
            varied["prompt"] = VARIATION_PROMPT.format(prompt=prompt)
            varied |= {k: args[k] for k in ("n", "size", "quality") if k in args}
            return _call(EDIT_TOOL_NAME, varied, position, prompt_tokens)
        args = {**args, "prompt": ANOTHER_TAKE.format(prompt=prompt)}
    if choice.offers(TOOL_NAME) and args is not None:
        return _call(TOOL_NAME, args, position, prompt_tokens)
    wants_image = args is not None or is_explicit_edit(text)
    reply = chat_reply(messages, wants_image=wants_image, tool_offered=choice.offers(TOOL_NAME))
    return DemoTurn(text=reply, prompt_tokens=prompt_tokens)


# ---------------------------------------------------------------------------------------------
# Shapes litellm wants.


def _chunk(
    text: str = "",
    *,
    tool_use: dict[str, Any] | None = None,
    finish: str = "",
    usage: dict[str, int] | None = None,
) -> GenericStreamingChunk:
    chunk: GenericStreamingChunk = {
        "text": text,
        "tool_use": tool_use,  # type: ignore[typeddict-item]
        "is_finished": bool(finish),
        "finish_reason": finish,
        "usage": usage,  # type: ignore[typeddict-item]
        "index": 0,
    }
    return chunk


def stream_chunks(turn: DemoTurn) -> Iterator[GenericStreamingChunk]:
    """The turn as GenericStreamingChunk dicts: word by word, or the tool call in pieces."""
    if turn.tool_call is None:
        for word in re.findall(r"\s*\S+", turn.text):
            yield _chunk(word)
    else:
        call = turn.tool_call
        yield _chunk(
            tool_use={
                "id": call.id,
                "type": "function",
                "index": 0,
                "function": {"name": call.name, "arguments": ""},
            }
        )
        for start in range(0, len(call.arguments), ARGUMENT_PIECE):
            piece = call.arguments[start : start + ARGUMENT_PIECE]
            yield _chunk(
                tool_use={
                    "id": None,
                    "type": "function",
                    "index": 0,
                    "function": {"name": None, "arguments": piece},
                }
            )
    yield _chunk(finish=turn.finish_reason, usage=turn.usage())


def fill_model_response(turn: DemoTurn, model_response: ModelResponse) -> ModelResponse:
    """The non-streaming answer, written into the ModelResponse litellm handed us."""
    if turn.tool_call is None:
        message = Message(content=turn.text, role="assistant")
    else:
        call = turn.tool_call
        message = Message(
            content=None,
            role="assistant",
            tool_calls=[
                ChatCompletionMessageToolCall(
                    id=call.id,
                    type="function",
                    function=Function(name=call.name, arguments=call.arguments),
                )
            ],
        )
    choice = model_response.choices[0]
    choice.message = message  # type: ignore[union-attr]
    choice.finish_reason = turn.finish_reason
    model_response.model = DEMO_CHAT_MODEL
    model_response.usage = Usage(**turn.usage())  # type: ignore[attr-defined]
    model_response._hidden_params["response_cost"] = 0.0
    return model_response
