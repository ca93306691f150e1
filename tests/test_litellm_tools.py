"""Guards the litellm/mcp pin: litellm 1.106+ fails every call that passes tools= (DESIGN.md)."""

from __future__ import annotations

import json

import litellm

from tests.fakes.openai_server import FakeOpenAI

TOOL = {
    "type": "function",
    "function": {
        "name": "generate_image",
        "description": "Create images",
        "parameters": {
            "type": "object",
            "properties": {"prompt": {"type": "string"}, "n": {"type": "integer"}},
            "required": ["prompt"],
        },
    },
}


async def test_acompletion_with_tools_returns_the_tool_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_tool_call("generate_image", {"prompt": "a red fox", "n": 2})
    response = await litellm.acompletion(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "draw two red foxes"}],
        tools=[TOOL],
        api_base=fake_openai.base_url,
        api_key=fake_openai.api_key,
    )
    call = response.choices[0].message.tool_calls[0]
    assert call.function.name == "generate_image"
    assert json.loads(call.function.arguments) == {"prompt": "a red fox", "n": 2}
    assert fake_openai.last_chat_request()["tools"][0]["function"]["name"] == "generate_image"


async def test_streamed_tool_call_is_rebuilt(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_tool_call("generate_image", {"prompt": "a blue whale"})
    messages = [{"role": "user", "content": "draw a whale"}]
    stream = await litellm.acompletion(
        model="openai/gpt-4o-mini",
        messages=messages,
        tools=[TOOL],
        stream=True,
        api_base=fake_openai.base_url,
        api_key=fake_openai.api_key,
    )
    chunks = [chunk async for chunk in stream]
    built = litellm.stream_chunk_builder(chunks, messages=messages)
    call = built.choices[0].message.tool_calls[0]
    assert json.loads(call.function.arguments) == {"prompt": "a blue whale"}
