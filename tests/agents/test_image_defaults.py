"""An agent's image defaults fill the generate_image arguments the LLM did not give."""

from __future__ import annotations

from typing import Any

from imagechat.chat_session import ChatSession
from imagechat.conversation import ToolSpec
from imagechat.internal_tools import InternalTools
from imagechat.llm import endpoint_for
from tests.fakes.openai_server import FakeOpenAI
from tests.test_chat_session import Recorder
from tests.test_image_tool import GalleryRecorder, session_for
from tools.image_generation import ImageToolConfig, image_generation_tool, with_defaults

DEFAULTS = {"size": "1536x1024", "quality": "high", "style": "flat vector"}


def test_defaults_fill_missing_and_auto_arguments_only() -> None:
    raw = {"prompt": "a cat", "size": "auto", "quality": "low"}
    assert with_defaults(raw, DEFAULTS) == {
        "prompt": "a cat",
        "size": "1536x1024",  # "auto" means "no preference": the agent's default
        "quality": "low",  # the LLM's explicit choice wins
        "style": "flat vector",
    }
    assert with_defaults(raw, {}) is raw
    assert with_defaults("not a dict", DEFAULTS) == "not a dict"


def factory(session: ChatSession, gallery: GalleryRecorder, defaults: dict[str, Any]) -> Any:
    def build(chat_model: Any) -> list[ToolSpec]:
        model = session.image_model(chat_model)
        config = ImageToolConfig(
            model=model, endpoint=endpoint_for(model, session.settings, {}), defaults=defaults
        )
        return [image_generation_tool(config, gallery)]

    return build


async def test_the_tool_uses_the_agent_defaults(fake_openai: FakeOpenAI) -> None:
    session = session_for(
        fake_openai, tools=InternalTools(image_creation=True, image_model="gpt-image-2")
    )
    gallery = GalleryRecorder()
    fake_openai.queue_tool_call("generate_image", {"prompt": "a banner of mountains"})
    fake_openai.queue_text("Done.")
    await session.answer("a banner", Recorder(), tools=factory(session, gallery, DEFAULTS))
    (sent,) = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert sent["size"] == "1536x1024" and sent["quality"] == "high"
    assert "flat vector" in sent["prompt"]


async def test_without_defaults_nothing_changes(fake_openai: FakeOpenAI) -> None:
    session = session_for(
        fake_openai, tools=InternalTools(image_creation=True, image_model="gpt-image-2")
    )
    fake_openai.queue_tool_call("generate_image", {"prompt": "a banner of mountains"})
    fake_openai.queue_text("Done.")
    await session.answer("a banner", Recorder(), tools=factory(session, GalleryRecorder(), {}))
    (sent,) = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert sent.get("size", "auto") == "auto" and sent.get("quality", "auto") == "auto"
