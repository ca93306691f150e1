"""The demo chat model, called the way the app calls any model: through litellm."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import litellm
import pytest

from imagechat.providers import demo

# litellm 1.105.3 builds a pydantic schema lazily that warns about a ReadOnly TypedDict item.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Item .* is using the `ReadOnly` qualifier:UserWarning"
)

TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "generate_image",
        "description": "Create images from a text prompt.",
        "parameters": {
            "type": "object",
            "properties": {
                "prompt": {"type": "string", "maxLength": 4000},
                "n": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                "size": {
                    "type": "string",
                    "enum": [
                        "auto",
                        "256x256",
                        "512x512",
                        "1024x1024",
                        "1536x1024",
                        "1024x1536",
                        "1792x1024",
                        "1024x1792",
                    ],
                },
                "quality": {"type": "string", "enum": ["auto", "low", "medium", "high"]},
                "style": {"type": "string"},
                "background": {"type": "string", "enum": ["auto", "transparent", "opaque"]},
            },
            "required": ["prompt"],
        },
    },
}
FORCED = {"type": "function", "function": {"name": "generate_image"}}
SAMPLE = (
    "Generate 3 variations of a logo for a cloud storage company, watercolor style, "
    "1024x1024, high quality"
)
SAMPLE_ARGS = {
    "prompt": "a logo for a cloud storage company",
    "n": 3,
    "size": "1024x1024",
    "quality": "high",
    "style": "watercolor",
}


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    demo.register()
    monkeypatch.setattr(demo.get_handler(), "chunk_delay", 0.0)
    monkeypatch.setattr(litellm, "suppress_debug_info", True)  # stream_chunk_builder chatter
    yield


async def stream(messages: list[dict[str, Any]], **kwargs: Any) -> tuple[Any, list[Any]]:
    response = await litellm.acompletion(
        model=demo.DEMO_CHAT_MODEL, messages=messages, stream=True, **kwargs
    )
    chunks = [chunk async for chunk in response]
    return litellm.stream_chunk_builder(chunks, messages=messages), chunks


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def tool_round(call: Any, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The assistant's tool call and the tool's answer, as the app appends them."""
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
    ]


async def test_sample_request_streams_a_tool_call_that_stream_chunk_builder_rebuilds() -> None:
    built, chunks = await stream([user(SAMPLE)], tools=[TOOL], tool_choice="auto")
    assert len(chunks) > 3  # the arguments arrive in pieces
    choice = built.choices[0]
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls
    assert call.id.startswith("call_") and call.type == "function"
    assert call.function.name == "generate_image"
    assert json.loads(call.function.arguments) == SAMPLE_ARGS
    assert built.usage.prompt_tokens > 0 and built.usage.completion_tokens > 0


async def test_sample_request_without_streaming() -> None:
    response = await litellm.acompletion(
        model=demo.DEMO_CHAT_MODEL, messages=[user(SAMPLE)], tools=[TOOL]
    )
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == SAMPLE_ARGS
    assert response.usage.total_tokens == (
        response.usage.prompt_tokens + response.usage.completion_tokens
    )
    assert response._hidden_params["response_cost"] == 0.0


async def test_same_conversation_same_answer() -> None:
    first, _ = await stream([user(SAMPLE)], tools=[TOOL])
    second, _ = await stream([user(SAMPLE)], tools=[TOOL])
    assert first.choices[0].message.tool_calls[0].id == second.choices[0].message.tool_calls[0].id


async def test_reply_after_the_tool_result_then_a_follow_up_refines_the_prompt() -> None:
    messages = [user("Draw a modern kitchen in 1536x1024")]
    built, _ = await stream(messages, tools=[TOOL])
    call = built.choices[0].message.tool_calls[0]
    messages += tool_round(
        call,
        {
            "status": "ok",
            "notes": ["capped at 10"],
            "images": [{"id": "img_abc", "revised_prompt": "a modern kitchen, rendered"}],
        },
    )

    built, _ = await stream(messages, tools=[TOOL])
    text = built.choices[0].message.content
    assert built.choices[0].finish_reason == "stop" and not built.choices[0].message.tool_calls
    assert "a modern kitchen" in text and "capped at 10" in text
    assert "img_abc" not in text  # ids and references are for tool calls, not for the person
    assert text.endswith("Ask me to make it brighter, change the style, or make variations.")

    messages += [{"role": "assistant", "content": text}, user("make it brighter")]
    built, _ = await stream(messages, tools=[TOOL])
    args = json.loads(built.choices[0].message.tool_calls[0].function.arguments)
    assert args == {"prompt": "a modern kitchen, brighter", "size": "1536x1024"}

    call = built.choices[0].message.tool_calls[0]
    messages += tool_round(call, {"status": "ok", "images": [{"id": "img_def"}]})
    messages += [{"role": "assistant", "content": "Done."}, user("add more natural light")]
    built, _ = await stream(messages, tools=[TOOL])
    args = json.loads(built.choices[0].message.tool_calls[0].function.arguments)
    assert args["prompt"] == "a modern kitchen, brighter, with more natural light"

    messages += tool_round(built.choices[0].message.tool_calls[0], {"images": [{"id": "i"}]})
    messages += [user("now three variations")]
    built, _ = await stream(messages, tools=[TOOL])
    args = json.loads(built.choices[0].message.tool_calls[0].function.arguments)
    assert args == {  # a new take: the same prompt would draw the last picture again first
        "prompt": "a modern kitchen, brighter, with more natural light, another take",
        "n": 3,
        "size": "1536x1024",
    }


async def test_a_failed_tool_result_is_reported_without_inventing_images() -> None:
    messages = [user("draw a cat")]
    built, _ = await stream(messages, tools=[TOOL])
    messages += tool_round(
        built.choices[0].message.tool_calls[0],
        {"status": "error", "error": "the image service timed out"},
    )
    built, _ = await stream(messages, tools=[TOOL])
    text = built.choices[0].message.content
    assert "couldn't" in text and "timed out" in text
    assert "Done" not in text and "make variations" not in text


async def test_forced_tool_choice_calls_the_tool_even_for_small_talk() -> None:
    response = await litellm.acompletion(
        model=demo.DEMO_CHAT_MODEL,
        tools=[TOOL],
        messages=[user("a lighthouse at dusk")],
        tool_choice=FORCED,
    )
    args = json.loads(response.choices[0].message.tool_calls[0].function.arguments)
    assert args == {"prompt": "a lighthouse at dusk"}
    built, _ = await stream([user("hello")], tools=[TOOL], tool_choice=FORCED)
    assert built.choices[0].message.tool_calls[0].function.name == "generate_image"


async def test_image_request_without_the_tool_points_to_the_gear_menu() -> None:
    built, chunks = await stream([user("Draw a cat on the moon")])
    text = built.choices[0].message.content
    assert len(chunks) > 20  # word by word
    assert "**Image creation**" in text and "⚙️ gear menu" in text
    assert "> Draw a cat on the moon" in text and "Offline demo" in text
    built, _ = await stream([user("Draw a cat on the moon")], tools=[TOOL], tool_choice="none")
    assert not built.choices[0].message.tool_calls
    assert "gear menu" in built.choices[0].message.content


async def test_plain_chat_is_a_labelled_demo_reply_that_uses_the_conversation() -> None:
    parts = [
        {"type": "text", "text": "What is the capital of Peru?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}},
    ]
    messages = [
        user("hello"),
        {"role": "assistant", "content": "Hi!"},
        {"role": "user", "content": parts},
    ]
    built, _ = await stream(messages, tools=[TOOL])
    text = built.choices[0].message.content
    assert built.choices[0].finish_reason == "stop"
    assert "Offline demo" in text and "> What is the capital of Peru?" in text
    assert "2nd message" in text and "3 messages" in text and "1 attachment" in text


async def test_streaming_can_be_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.get_handler(), "chunk_delay", 0.02)
    seen: list[str] = []

    async def consume() -> None:
        response = await litellm.acompletion(
            model=demo.DEMO_CHAT_MODEL, stream=True, messages=[user("tell me a long story")]
        )
        async for chunk in response:
            seen.append(chunk.choices[0].delta.content or "")

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.15)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 0 < len(seen) < 40


async def test_register_is_idempotent_and_keeps_other_providers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = {"provider": "someone-else", "custom_handler": litellm.CustomLLM()}
    monkeypatch.setattr(litellm, "custom_provider_map", [other])
    demo.register()
    demo.register()
    providers = [e["provider"] for e in litellm.custom_provider_map]
    assert providers == ["someone-else", "imagechat-demo"]
    assert litellm.custom_provider_map[0] is other
    assert litellm.supports_function_calling(demo.DEMO_CHAT_MODEL)


async def test_litellm_message_objects_in_the_history_are_understood() -> None:
    messages: list[Any] = [user("draw a lighthouse, landscape format")]
    built, _ = await stream(messages, tools=[TOOL])
    message = built.choices[0].message  # the app may append litellm's own Message object
    call = message.tool_calls[0]
    messages += [
        message,
        {"role": "tool", "tool_call_id": call.id, "content": '{"images": [{"id": "img_9"}]}'},
    ]
    built, _ = await stream(messages, tools=[TOOL])
    assert "a lighthouse" in built.choices[0].message.content
    messages += [built.choices[0].message, user("same but at night")]
    built, _ = await stream(messages, tools=[TOOL], tool_choice="required")
    args = json.loads(built.choices[0].message.tool_calls[0].function.arguments)
    assert args == {"prompt": "a lighthouse, at night", "size": "1536x1024"}


def test_the_sync_path_works_too() -> None:
    response = litellm.completion(model=demo.DEMO_CHAT_MODEL, messages=[user(SAMPLE)], tools=[TOOL])
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == SAMPLE_ARGS
    chunks = list(
        litellm.completion(model=demo.DEMO_CHAT_MODEL, messages=[user("hi")], stream=True)
    )
    text = litellm.stream_chunk_builder(chunks).choices[0].message.content
    assert text.startswith("🧪 **Offline demo**")
