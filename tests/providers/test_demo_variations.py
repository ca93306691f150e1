"""The demo's variations differ from the picture they vary and from each other: asked in the chat
("now three variations", "another one") or with the gallery's Variations (an edit)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import litellm
import pytest

from imagechat.providers import demo
from tests.providers.test_demo_edit_chat import GENERATE, TOOLS, ask, called

pytestmark = pytest.mark.filterwarnings(
    "ignore:Item .* is using the `ReadOnly` qualifier:UserWarning"
)

PROMPT = "a red lighthouse at night"
SOURCE_ID = "3f2c9e61-6a0b-4d8e-9f3c-1b2a3c4d5e6f"


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    demo.register()
    monkeypatch.setattr(demo.get_handler(), "chunk_delay", 0.0)
    monkeypatch.setattr(litellm, "suppress_debug_info", True)
    yield


def digest(b64: str | None) -> str:
    return hashlib.sha256(base64.b64decode(b64 or "")).hexdigest()


async def generate(prompt: str, n: int = 1) -> list[str]:
    response = await litellm.aimage_generation(
        model=demo.DEMO_IMAGE_MODEL, prompt=prompt, n=n, size="512x512"
    )
    return [d.b64_json for d in response.data]


def history(text: str) -> list[dict[str, Any]]:
    """'Draw a red lighthouse' answered with one image, then `text`, as the app sends it."""
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "generate_image", "arguments": json.dumps({"prompt": PROMPT})},
    }
    note = (
        "Images in this conversation (oldest first):\n"
        f'- id={SOURCE_ID} · made by generate_image · prompt: "{PROMPT}"'
    )
    return [
        {"role": "system", "content": note},
        {"role": "user", "content": f"draw {PROMPT}"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"status": "ok"}'},
        {"role": "assistant", "content": "Done."},
        {"role": "user", "content": text},
    ]


@pytest.mark.parametrize(("text", "n"), [("now three variations", 3), ("another one", 1)])
async def test_variations_asked_in_the_chat_differ_from_the_source_and_each_other(
    text: str, n: int
) -> None:
    (source,) = await generate(PROMPT)
    name, args = called(await ask(history(text), tools=TOOLS))
    # the demo varies the picture itself (an edit), as the gallery's Variations do
    assert name == "edit_image" and args["image_ids"] == [SOURCE_ID] and args.get("n", 1) == n
    response = await litellm.aimage_edit(
        model=demo.DEMO_IMAGE_MODEL,
        image=base64.b64decode(source),
        prompt=args["prompt"],
        n=n,
        size="512x512",
    )
    made = [digest(d.b64_json) for d in response.data]
    assert len(made) == n
    assert digest(source) not in made
    assert len(set(made)) == n


async def test_without_the_edit_tool_another_take_still_differs() -> None:
    (source,) = await generate(PROMPT)
    name, args = called(await ask(history("now three variations"), tools=[GENERATE]))
    assert name == "generate_image" and args["n"] == 3
    made = [digest(b) for b in await generate(args["prompt"], n=3)]
    assert digest(source) not in made
    assert len(set(made)) == 3


async def test_the_reply_after_chat_variations_says_variations() -> None:
    messages = history("now three variations")
    name, args = called(await ask(messages, tools=TOOLS))
    call = {"id": "call_2", "type": "function", "function": {"name": name}}
    call["function"]["arguments"] = json.dumps(args)
    result = {"status": "ok", "images": [{"id": f"new-{i}"} for i in range(3)]}
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_2", "content": json.dumps(result)},
    ]
    reply = (await ask(messages, tools=TOOLS)).message.content
    assert reply.startswith("Here are 3 variations of the image")
