"""The shipped presets load and say what the product promises; the JSON Schema is up to date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agents.icons import icon_data_url, is_icon
from agents.loader import PRESETS_DIR, SCHEMA_FILE, dump_agent, load_presets, read_agent_file
from agents.schema import agent_json_schema, main, render
from agents.spec import AgentSpec
from imagechat.catalog import build_catalog

CATALOG = build_catalog(openai_key=False, environ={})
# the models offered today with an OpenAI key (retired models are never offered)
OFFERED = build_catalog(openai_key=True, environ={})
PRESET_FILES = sorted(PRESETS_DIR.glob("*.yaml"))


def test_there_are_at_least_three_presets() -> None:
    assert len(PRESET_FILES) >= 3
    assert list(load_presets(catalog=CATALOG))[:3] == [
        "general",
        "visual-designer",
        "diagram-maker",
    ]


@pytest.mark.parametrize("path", PRESET_FILES, ids=lambda p: p.stem)
def test_every_preset_is_valid_and_complete(path: Path) -> None:
    spec = read_agent_file(path, catalog=CATALOG)
    assert spec.name and spec.description and spec.instructions
    assert is_icon(spec.icon) and icon_data_url(spec.icon).startswith("data:image/svg+xml")
    assert spec.starters, "presets come with conversation starters"
    if spec.model is not None:
        assert OFFERED.chat_model(spec.model) is not None
    if spec.image_defaults.model is not None:
        assert OFFERED.image_model(spec.image_defaults.model) is not None
    # the export format reads back to the same spec
    assert AgentSpec.model_validate(yaml.safe_load(dump_agent(spec))) == spec


def test_the_three_product_presets() -> None:
    presets = load_presets(catalog=CATALOG)
    general = presets["general"].spec
    designer = presets["visual-designer"].spec
    diagrams = presets["diagram-maker"].spec
    assert not general.image_creation.enabled
    assert designer.image_creation.enabled and designer.image_defaults.quality == "high"
    assert diagrams.image_creation.enabled
    assert "label" in diagrams.instructions.lower() and "diagram" in diagrams.instructions.lower()
    assert diagrams.image_defaults.tool_defaults()["size"] == "1536x1024"
    assert designer.version_metadata() == {
        "internal_tools": {"image_creation": {"enabled": True, "mode": "auto"}}
    }


def test_the_published_schema_is_up_to_date() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == render(), "run: python -m agents.schema"
    assert main(["--check"]) == 0
    schema = json.loads(committed)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "name",
        "description",
        "icon",
        "instructions",
        "model",
        "internal_tools",
        "image_defaults",
        "starters",
    }
    assert schema == agent_json_schema()


def test_preset_files_point_editors_at_the_schema() -> None:
    for path in PRESET_FILES:
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../agent.schema.json"
        )
