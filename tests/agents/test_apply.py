"""Applying an agent to a conversation: instructions, model, Internal tools, image defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from agents.loader import load_presets, validate_agent
from imagechat.catalog import DEMO_IMAGE_ID, build_catalog, model_map
from imagechat.chat_session import ChatSession
from imagechat.internal_tools import InternalTools
from imagechat.settings import Settings
from imagechat.ui.agents import ActiveAgent, apply
from imagechat.ui.image_tools import tool_config

PRESETS = load_presets()


def session(*, key: bool, models_file: Path | None = None) -> ChatSession:
    settings = Settings(openai_api_key=SecretStr("sk-test") if key else None)
    catalog = build_catalog(openai_key=key, models_file=models_file, environ={})
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
    assert chat.model_id == "gpt-5.5"
    assert chat.tools == InternalTools(
        image_creation=True, image_creation_mode="auto", image_model="gpt-image-2"
    )
    assert chat.model_notes == []
    assert chat.image_defaults == {"quality": "high", "size": "1024x1024"}
    # the image tool gets the defaults
    assert tool_config(chat, chat.model).defaults == {"quality": "high", "size": "1024x1024"}


def test_models_without_a_key_fall_back_to_what_works() -> None:
    chat = session(key=False)
    before = chat.model_id
    apply(chat, ActiveAgent("preset:diagram-maker", PRESETS["diagram-maker"].spec))
    assert chat.model_id == before == "demo-chat"
    assert chat.tools.image_creation
    assert chat.image_model(chat.model).id == DEMO_IMAGE_ID
    assert chat.model_notes == []  # no key is not news: quietly the default


OPERATOR_MODELS = """\
chat_models:
  - id: team-llm
    label: Team LLM
    litellm_model: openai/team-llm
    api_base: http://127.0.0.1:9/v1
    api_key_env: TEAM_LLM_KEY
image_models:
  - id: team-images
    label: Team images
    litellm_model: openai/team-images
    api_base: http://127.0.0.1:9/v1
    api_key_env: TEAM_LLM_KEY
    family: default
"""


def test_models_whose_key_is_not_set_here_quietly_use_the_default(tmp_path: Path) -> None:
    models_file = tmp_path / "models.yaml"
    models_file.write_text(OPERATOR_MODELS, encoding="utf-8")
    chat = session(key=True, models_file=models_file)
    before = chat.model_id
    spec = validate_agent(
        {
            "name": "Team agent",
            "model": "team-llm",
            "internal_tools": {"image_creation": {"enabled": True}},
            "image_defaults": {"model": "team-images"},
        },
        catalog=chat.catalog,
    )
    apply(chat, ActiveAgent("agent:team", spec))
    assert chat.model_id == before != "team-llm"
    assert chat.image_model(chat.model).id != "team-images"
    assert chat.image_model(chat.model) == chat.catalog.default_image_model(chat.model)
    assert chat.model_notes == []


@pytest.mark.parametrize("old_chat", ["gpt-4.1-nano", "o4-mini"])
def test_an_agent_naming_retired_models_moves_to_their_successors(old_chat: str) -> None:
    chat = session(key=True)
    catalog = chat.catalog
    # an agent saved before the retirement still loads
    spec = validate_agent(
        {
            "name": "Made in 2025",
            "model": old_chat,
            "internal_tools": {"image_creation": {"enabled": True}},
            "image_defaults": {"model": "gpt-image-1"},
        },
        catalog=catalog,
    )
    assert catalog.chat_model(old_chat) is None and catalog.image_model("gpt-image-1") is None
    apply(chat, ActiveAgent("agent:old", spec))

    moves = {}
    for old in (old_chat, "gpt-image-1"):
        info = model_map.entry(old)
        assert info is not None and info.lifecycle.shutdown is not None
        assert info.lifecycle.stage(catalog.today) == "retired"
        moves[old] = (info.lifecycle.successor, info.lifecycle.shutdown.isoformat())
    chat_successor, chat_retired = moves[old_chat]
    image_successor, image_retired = moves["gpt-image-1"]
    assert chat.model_id == chat_successor and catalog.chat_model(chat_successor) is not None
    assert chat.tools.image_creation and chat.tools.image_model == image_successor
    assert catalog.image_model(image_successor) is not None

    chat_note, image_note = chat.model_notes
    assert catalog.label(old_chat) in chat_note and "retired" in chat_note
    assert chat_retired in chat_note and catalog.label(chat_successor) in chat_note
    assert catalog.label("gpt-image-1") in image_note and "retired" in image_note
    assert image_retired in image_note and catalog.label(image_successor) in image_note


def test_a_resumed_conversation_keeps_its_own_model_and_tools() -> None:
    chat = session(key=True)
    before = chat.model_id
    chat.tools = InternalTools(image_creation=False)
    apply(chat, ActiveAgent("agent:x", PRESETS["diagram-maker"].spec, 3), settings=False)
    assert chat.tools == InternalTools(image_creation=False) and chat.model_id == before
    assert before != PRESETS["diagram-maker"].spec.model and chat.model_notes == []
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
