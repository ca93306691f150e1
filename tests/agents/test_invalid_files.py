"""An invalid agent file is refused with a message that names the file, the field and the
problem; the same rules apply to presets, imported files and the editor's form."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.loader import (
    AgentFileError,
    AgentSpecError,
    load_presets,
    read_agent_file,
    validate_agent,
)
from imagechat.catalog import build_catalog

CATALOG = build_catalog(openai_key=False, environ={})

GOOD = """\
name: Poster studio
instructions: Design posters.
internal_tools:
  image_creation:
    enabled: true
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (GOOD + "instructionz: typo\n", "instructionz", "unknown key"),
        (
            GOOD.replace("enabled: true", "enabled: true\n    mode: sometimes"),
            "internal_tools.image_creation.mode",
            "'auto' or 'always'",
        ),
        (
            GOOD.replace("enabled: true", "enable: true"),
            "internal_tools.image_creation.enable",
            "allowed keys here: enabled, mode",
        ),
        (GOOD + "model: gpt-17\n", "model", "unknown chat model 'gpt-17'"),
        (GOOD + "image_defaults:\n  model: dall-e-9\n", "image_defaults.model", "dall-e-9"),
        (GOOD + "image_defaults:\n  size: huge\n", "image_defaults.size", "got 'huge'"),
        (GOOD + "image_defaults:\n  n: 11\n", "image_defaults.n", "less than or equal to 10"),
        (GOOD + "icon: not-an-icon\n", "icon", "neither one emoji nor a known icon"),
        (GOOD + "starters:\n  - label: Hi\n", "starters[0].message", "Field required"),
        (GOOD.replace("name: Poster studio", "name: '   '"), "name", "at least 1 character"),
        ("instructions: no name\n", "name", "Field required"),
    ],
)
def test_the_message_names_file_field_and_problem(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = write(tmp_path, "broken.yaml", text)
    with pytest.raises(AgentFileError) as caught:
        read_agent_file(path, catalog=CATALOG)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert f"{field}: " in message
    assert words in message
    assert [p.field for p in caught.value.problems] == [field]


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "syntax.yaml", "name: ok\ninstructions: [unclosed\n")
    with pytest.raises(AgentFileError, match=r"syntax\.yaml: not valid YAML at line \d+"):
        read_agent_file(path)


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "list.yaml", "- name: a\n")
    with pytest.raises(AgentFileError, match=r"list\.yaml: an agent is a mapping"):
        read_agent_file(path)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "two.yaml", "name: x\ncolour: red\nicon: nope\n")
    with pytest.raises(AgentFileError) as caught:
        read_agent_file(path)
    assert {p.field for p in caught.value.problems} == {"colour", "icon"}


def test_an_invalid_preset_stops_loading_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path, "a-good.yaml", GOOD)
    bad = write(tmp_path, "b-bad.yaml", GOOD + "internal_tools:\n  image_creation: yes\n")
    with pytest.raises(AgentFileError) as caught:
        load_presets(tmp_path, catalog=CATALOG)
    assert str(caught.value).startswith(str(bad))


def test_two_presets_with_one_name_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", GOOD)
    write(tmp_path, "two.yaml", GOOD.replace("Poster studio", "poster STUDIO"))
    with pytest.raises(AgentFileError, match=r"two\.yaml: name: .* already the name of one\.yaml"):
        load_presets(tmp_path)


def test_the_editor_form_gets_the_same_problems() -> None:
    with pytest.raises(AgentSpecError) as caught:
        validate_agent(
            {"name": "x", "internal_tools": {"image_creation": {"mode": "sometimes"}}},
            catalog=CATALOG,
        )
    assert caught.value.source is None
    assert [p.field for p in caught.value.problems] == ["internal_tools.image_creation.mode"]
