"""The published JSON Schema of an agent file, generated from the pydantic spec.

    python -m agents.schema          # rewrite agents/agent.schema.json
    python -m agents.schema --check  # exit 1 when the committed file is out of date

Editors that understand `# yaml-language-server: $schema=...` (VS Code's YAML extension) then
complete and check preset files as they are typed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from agents.loader import SCHEMA_FILE
from agents.spec import AgentSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def agent_json_schema() -> dict[str, Any]:
    schema = AgentSpec.model_json_schema(mode="validation")
    return {"$schema": DIALECT, **schema}


def render() -> str:
    return json.dumps(agent_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run python -m agents.schema", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
