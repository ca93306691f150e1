"""``imagechat agents``: list, show, export and import agents.

    imagechat agents list [--user NAME]
    imagechat agents show NAME [--user NAME] [--version N]
    imagechat agents export NAME [-o FILE] [--user NAME] [--version N]
    imagechat agents import FILE [--user NAME]

NAME is a preset (its file name such as ``visual-designer``, or its name) or a user's agent
(its name). ``import`` validates the file exactly as a preset file is validated, then adds it to
the user's agents (default: ``$ADMIN_USERNAME``, else ``admin``); importing a name the user
already has saves a new version of that agent.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from agents.loader import AgentFileError, dump_agent, load_presets, read_agent_file
from agents.spec import AgentSpec
from imagechat.cli import CliError, database_url

T = TypeVar("T")


def _catalog() -> Any:
    from imagechat.catalog import CatalogError, build_catalog

    models_file = os.environ.get("IMAGECHAT_MODELS_FILE")
    try:
        return build_catalog(
            openai_key=bool(os.environ.get("OPENAI_API_KEY")),
            models_file=Path(models_file) if models_file else None,
        )
    except CatalogError as exc:
        raise CliError(str(exc)) from exc


def _run(action: Callable[[Any], Awaitable[T]]) -> T:
    """Run `action(AgentRepository)` against the migrated database."""

    async def main() -> T:
        from imagechat.storage.agents import AgentRepository
        from imagechat.storage.db import Database
        from imagechat.storage.migrate import upgrade_database

        db = Database(database_url())
        try:
            await upgrade_database(db)
            return await action(AgentRepository(db))
        finally:
            await db.dispose()

    return asyncio.run(main())


@dataclass(frozen=True)
class Found:
    spec: AgentSpec
    label: str  # "preset visual-designer" or "alice's agent (version 3)"


def _find(name: str, user: str | None, version: int | None) -> Found:
    """A preset or a user's agent called `name`; a clear error when none or several match."""
    wanted = name.strip().casefold()
    if user is None:
        for key, preset in load_presets(catalog=_catalog()).items():
            if wanted in (key.casefold(), preset.spec.name.casefold()):
                if version is not None:
                    raise CliError("presets have no versions; leave out --version")
                return Found(preset.spec, f"preset {key}")

    async def lookup(repo: Any) -> list[Any]:
        if user is not None:
            found = await repo.find_by_name(user, name)
            return [found] if found else []
        return [r for r in await repo.list_all() if r.name.casefold() == wanted]

    matches = _run(lookup)
    if not matches:
        where = f"among {user}'s agents" if user else "among presets or users' agents"
        raise CliError(f"no agent called {name!r} {where}")
    if len(matches) > 1:
        owners = ", ".join(sorted(m.owner for m in matches))
        raise CliError(f"several users have an agent called {name!r} ({owners}): add --user")
    record = matches[0]
    if version is not None and version != record.version:

        async def fetch(repo: Any) -> Any:
            return await repo.get_version(record.agent_id, version, record.owner)

        record = _run(fetch)
        if record is None:
            raise CliError(f"{name!r} has no version {version}")
    label = f"{record.owner}'s agent (version {record.version})"
    return Found(AgentSpec.model_validate(record.spec), label)


def _list(args: argparse.Namespace) -> int:
    rows: list[tuple[str, str, str, str]] = []
    if args.user is None:
        for key, preset in load_presets(catalog=_catalog()).items():
            rows.append((preset.spec.name, "preset", key, _tools(preset.spec)))

    async def mine(repo: Any) -> list[Any]:
        return await (repo.list_for_user(args.user) if args.user else repo.list_all())

    for record in _run(mine):
        spec = AgentSpec.model_validate(record.spec)
        rows.append((record.name, record.owner, f"v{record.version}", _tools(spec)))
    for row in rows:
        print("\t".join(row))
    return 0


def _tools(spec: AgentSpec) -> str:
    creation = spec.image_creation
    return f"image creation {creation.mode}" if creation.enabled else "image creation off"


def _show(args: argparse.Namespace) -> int:
    found = _find(args.name, args.user, args.version)
    print(f"# {found.label}")
    print(dump_agent(found.spec), end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    found = _find(args.name, args.user, args.version)
    text = dump_agent(found.spec)
    if args.output in (None, "-"):
        print(text, end="")
        return 0
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"exported {found.label} to {args.output}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from imagechat.storage.agents import AgentNotFound

    try:
        spec = read_agent_file(Path(args.file), catalog=_catalog())
    except AgentFileError as exc:
        raise CliError(str(exc)) from exc
    user = args.user or os.environ.get("ADMIN_USERNAME") or "admin"

    async def action(repo: Any) -> Any:
        existing = await repo.find_by_name(user, spec.name)
        if existing is None:
            return await repo.create(user, spec.to_data(), spec.version_metadata())
        return await repo.save_version(
            existing.agent_id, user, spec.to_data(), spec.version_metadata()
        )

    try:
        record = _run(action)
    except AgentNotFound as exc:
        raise CliError(f"no user {user!r}") from exc
    print(f"imported {record.name!r} for {user} as version {record.version}")
    return 0


def _reported(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Print a `CliError` as one line and exit 1 (also under `python -m imagechat.cli`, where
    the caller's `except CliError` names another copy of the class)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CliError as exc:
            print(f"imagechat: {exc}", file=sys.stderr)
            return 1

    return run


def register(subparsers: Any) -> None:
    agents = subparsers.add_parser("agents", help="list, show, export and import agents")
    sub = agents.add_subparsers(dest="agents_command", required=True, metavar="COMMAND")
    listing = sub.add_parser("list", help="presets and users' agents (latest versions)")
    listing.add_argument("--user", help="only this user's agents")
    listing.set_defaults(func=_reported(_list))
    for name, handler, helptext in (
        ("show", _show, "print an agent as YAML, with where it comes from"),
        ("export", _export, "write an agent as a YAML file that `import` reads"),
    ):
        parser = sub.add_parser(name, help=helptext)
        parser.add_argument("name", help="a preset (file name or name) or an agent's name")
        parser.add_argument("--user", help="the owner of the agent")
        parser.add_argument("--version", type=int, help="a version other than the latest")
        if name == "export":
            parser.add_argument("-o", "--output", help="the file to write (default: stdout)")
        parser.set_defaults(func=_reported(handler))
    importing = sub.add_parser("import", help="validate an agent file and add it to a user")
    importing.add_argument("file")
    importing.add_argument("--user", help="the owner (default: $ADMIN_USERNAME, else admin)")
    importing.set_defaults(func=_reported(_import))
