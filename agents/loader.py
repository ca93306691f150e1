"""Load and validate agent specs: preset YAML files, imported files and the editor's form.

Every way in goes through `validate_agent`, so a preset file, `imagechat agents import` and the
agent editor accept and refuse exactly the same things. Problems name the field and say what is
wrong; for files, the message starts with the file's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from agents.spec import AgentSpec, ImageCreation, ImageDefaults, InternalToolsSpec, Starter

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
SCHEMA_FILE = Path(__file__).resolve().parent / "agent.schema.json"
SUFFIXES = (".yaml", ".yml")
PRESET_ORDER = ("general", "visual-designer", "diagram-maker")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: the field (dotted path, "" for the whole spec) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class AgentSpecError(ValueError):
    """An agent spec is invalid; `problems` lists each field and what is wrong with it."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"{source}: {listed}" if source else listed)


class AgentFileError(AgentSpecError):
    """An agent file (a preset or an imported file) cannot be used; the message names the file,
    the field and the problem. Raised at start for presets, which stops the app."""


@dataclass(frozen=True)
class Preset:
    """A shipped agent: `key` is the file's stem (`general` for `presets/general.yaml`)."""

    key: str
    spec: AgentSpec
    path: Path


def _field(loc: tuple[Any, ...]) -> str:
    """("starters", 0, "label") -> "starters[0].label"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: Any, allowed: dict[str, list[str]]) -> str:
    kind = error.get("type")
    loc = tuple(error.get("loc") or ())
    if kind == "extra_forbidden":
        parent = _field(tuple(part for part in loc[:-1] if not isinstance(part, int)))
        keys = allowed.get(parent)
        hint = f"; allowed keys here: {', '.join(keys)}" if keys else ""
        return f"unknown key{hint}"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if kind not in ("missing", "extra_forbidden") and "input" in error:
        shown = repr(error["input"])
        if len(shown) <= 80 and not isinstance(error["input"], dict | list):
            message = f"{message} (got {shown})"
    return message


def _allowed_keys() -> dict[str, list[str]]:
    """The keys each nested mapping accepts, by dotted path ("" is the top level)."""
    return {
        "": list(AgentSpec.model_fields),
        "internal_tools": list(InternalToolsSpec.model_fields),
        "internal_tools.image_creation": list(ImageCreation.model_fields),
        "image_defaults": list(ImageDefaults.model_fields),
        "starters": list(Starter.model_fields),
    }


def validate_agent(data: Any, *, catalog: Any = None, source: str | None = None) -> AgentSpec:
    """A validated spec from plain data; `AgentSpecError` naming each bad field otherwise."""
    if not isinstance(data, dict):
        raise AgentSpecError(
            [Problem("", "an agent is a mapping of keys (name, instructions, ...)")], source
        )
    data = {key: value for key, value in data.items() if key != "$schema"}
    try:
        return AgentSpec.model_validate(data, context={"catalog": catalog})
    except ValidationError as exc:
        allowed = _allowed_keys()
        problems = [
            Problem(_field(tuple(error.get("loc") or ())), _message(error, allowed))
            for error in exc.errors()
        ]
        raise AgentSpecError(problems, source) from exc


def read_agent_file(path: Path, *, catalog: Any = None) -> AgentSpec:
    """Read one agent YAML (or JSON) file; `AgentFileError` naming the file and field."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AgentFileError([Problem("", f"cannot read the file: {exc}")], source) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise AgentFileError([Problem("", f"not valid YAML{where}: {problem}")], source) from exc
    try:
        return validate_agent(data, catalog=catalog, source=source)
    except AgentSpecError as exc:
        raise AgentFileError(exc.problems, source) from exc


def _order(path: Path) -> tuple[int, str]:
    return (
        PRESET_ORDER.index(path.stem) if path.stem in PRESET_ORDER else len(PRESET_ORDER),
        path.name,
    )


def load_presets(directory: Path = PRESETS_DIR, *, catalog: Any = None) -> dict[str, Preset]:
    """Every preset in `directory`, by key: the shipped ones in `PRESET_ORDER`, others by file
    name. Any invalid file, or two presets with one name, raises `AgentFileError`."""
    presets: dict[str, Preset] = {}
    names: dict[str, Path] = {}
    files = sorted(
        (p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file()), key=_order
    )
    for path in files:
        spec = read_agent_file(path, catalog=catalog)
        folded = spec.name.casefold()
        if folded in names:
            raise AgentFileError(
                [Problem("name", f"{spec.name!r} is already the name of {names[folded].name}")],
                str(path),
            )
        names[folded] = path
        presets[path.stem] = Preset(key=path.stem, spec=spec, path=path)
    return presets


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (instructions) as literal blocks, the way people write them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_agent(spec: AgentSpec) -> str:
    """The spec as YAML that `read_agent_file` reads back unchanged (None values left out)."""
    data = spec.model_dump(mode="json", exclude_none=True)
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "# An ImageChat agent (imagechat agents import FILE)\n" + body
