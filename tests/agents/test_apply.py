"""Applying an agent to a conversation: instructions, model, Internal tools, image defaults."""

from __future__ import annotations

from pydantic import SecretStr

from agents.loader import load_presets
from imagechat.catalog import build_catalog
from imagechat.chat_session import ChatSession
from imagechat.internal_tools import InternalTools
from imagechat.settings import Settings
from imagechat.ui.agents import ActiveAgent, apply
from imagechat.ui.image_tools import tool_config

PRESETS = load_presets()


def session(*, key: bool) -> ChatSession:
    settings = Settings(openai_api_key=SecretStr("sk-test") if key else None)
    catalog = build_catalog(openai_key=key, environ={})
    return ChatSession(
        catalog=catalog,
        settings=settings,
        model_id=catalog.default_chat_model().id,
        environ={},
    )


def test_a_new_conversation_takes_everything_from_the_agent() -> None:
    chat = session(key=True)
    apply(chat, ActiveAgent("preset:visual-designer", PRESETS["visual-designer"].spec))
    assert chat.instructions and chat.instructions.startswith("You are a senior visual designer")
    assert chat.model_id == "gpt-4o"
    assert chat.tools == InternalTools(
        image_creation=True, image_creation_mode="auto", image_model="gpt-image-1"
    )
    assert chat.image_defaults == {"quality": "high", "size": "1024x1024"}
    # the image tool gets the defaults
    assert tool_config(chat, chat.model).defaults == {"quality": "high", "size": "1024x1024"}


def test_models_without_a_key_fall_back_to_what_works() -> None:
    chat = session(key=False)
    before = chat.model_id
    apply(chat, ActiveAgent("preset:diagram-maker", PRESETS["diagram-maker"].spec))
    assert chat.model_id == before == "demo-chat"
    assert chat.tools.image_creation and chat.tools.image_model is None


def test_a_resumed_conversation_keeps_its_own_model_and_tools() -> None:
    chat = session(key=True)
    chat.tools = InternalTools(image_creation=False)
    apply(chat, ActiveAgent("agent:x", PRESETS["diagram-maker"].spec, 3), settings=False)
    assert chat.tools == InternalTools(image_creation=False) and chat.model_id == "gpt-4o-mini"
    assert chat.instructions and "diagram" in chat.instructions
    assert chat.image_defaults["size"] == "1536x1024"


def test_what_a_conversation_records() -> None:
    spec = PRESETS["general"].spec
    assert ActiveAgent("agent:abc", spec, 2).record() == {
        "ref": "agent:abc",
        "name": "General assistant",
        "version": 2,
    }
    preset = ActiveAgent("preset:general", spec).record()
    assert preset["version"] is None and preset["spec"] == spec.to_data()
