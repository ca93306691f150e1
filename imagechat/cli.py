"""``imagechat`` command line: user accounts and database migrations.

    imagechat users add NAME [--admin] [--display-name TEXT]
    imagechat users list
    imagechat users remove NAME
    imagechat users passwd NAME
    imagechat users disable NAME | enable NAME
    imagechat db upgrade
    imagechat agents list|show NAME|export NAME [-o FILE]|import FILE [--user NAME]
    imagechat models list [--json] | refresh

Passwords are never taken from the command line (it shows in ``ps`` and shell history): they are
read with ``getpass`` on a terminal, or as one line from standard input otherwise.

The database is ``DATABASE_URL``, else SQLite at ``$IMAGECHAT_DATA_DIR/imagechat.db`` (default
``./data``). Other command groups register themselves through :data:`COMMAND_GROUPS`: a function
that receives the top-level subparsers and adds a parser whose defaults set ``func`` (a callable
taking the parsed args and returning an exit code).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
Registrar = Callable[[Any], None]

DATA_DIR_ENV = "IMAGECHAT_DATA_DIR"
DEFAULT_DATA_DIR = "./data"


class CliError(Exception):
    """A problem to report to the operator in one line (exit status 1)."""


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def database_url() -> str:
    from imagechat.storage.db import default_sqlite_url

    return os.environ.get("DATABASE_URL") or default_sqlite_url(data_dir())


def read_password(*, confirm: bool) -> str:
    """From the terminal (hidden, asked twice) or one line of stdin when it is not a TTY."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Repeat password: ") != password:
            raise CliError("passwords do not match")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password given")
    return password


async def _with_repo(action: Callable[[Any], Any]) -> Any:
    from imagechat.storage.db import Database
    from imagechat.storage.migrate import upgrade_database
    from imagechat.storage.users import UserRepository

    db = Database(database_url())
    try:
        await upgrade_database(db)
        return await action(UserRepository(db))
    finally:
        await db.dispose()


def _users_add(args: argparse.Namespace) -> int:
    from imagechat.storage.users import validate_username

    try:
        validate_username(args.name)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    password = read_password(confirm=True)

    async def action(repo: Any) -> None:
        await repo.add(args.name, password, is_admin=args.admin, display_name=args.display_name)

    _run(action)
    print(f"added user {args.name}" + (" (admin)" if args.admin else ""))
    return 0


def _users_list(args: argparse.Namespace) -> int:
    async def action(repo: Any) -> list[Any]:
        return await repo.list()

    for user in _run(action):
        role = "admin" if user.is_admin else "user"
        state = "disabled" if user.disabled else "active"
        print(f"{user.identifier}\t{role}\t{user.created_at}\t{state}\t{user.display_name or ''}")
    return 0


def _users_remove(args: argparse.Namespace) -> int:
    async def action(repo: Any) -> bool:
        return await repo.remove(args.name)

    if not _run(action):
        raise CliError(f"no user {args.name!r}")
    print(f"removed user {args.name} and their conversations")
    return 0


def _users_passwd(args: argparse.Namespace) -> int:
    async def exists(repo: Any) -> bool:
        return await repo.get(args.name) is not None

    if not _run(exists):
        raise CliError(f"no user {args.name!r}")
    password = read_password(confirm=True)

    async def action(repo: Any) -> bool:
        return await repo.set_password(args.name, password)

    if not _run(action):
        raise CliError(f"no user {args.name!r}")
    print(f"password changed for {args.name}; their sessions have ended")
    return 0


def _users_set_disabled(disabled: bool) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        async def action(repo: Any) -> bool:
            return await repo.set_disabled(args.name, disabled)

        if not _run(action):
            raise CliError(f"no user {args.name!r}")
        if disabled:
            print(f"disabled {args.name}: they are signed out and cannot sign in")
        else:
            print(f"enabled {args.name}")
        return 0

    return handler


def _db_upgrade(args: argparse.Namespace) -> int:
    from imagechat.storage.migrate import upgrade

    revision = asyncio.run(upgrade(database_url()))
    print(f"database at revision {revision}")
    return 0


def _run(action: Callable[[Any], Any]) -> Any:
    try:
        return asyncio.run(_with_repo(action))
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def register_users(subparsers: Any) -> None:
    users = subparsers.add_parser("users", help="manage user accounts")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = sub.add_parser("add", help="add a user (password from the terminal or stdin)")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="make the user an administrator")
    add.add_argument("--display-name", default=None)
    add.set_defaults(func=_users_add)
    sub.add_parser("list", help="list users").set_defaults(func=_users_list)
    remove = sub.add_parser("remove", help="remove a user and their conversations")
    remove.add_argument("name")
    remove.set_defaults(func=_users_remove)
    passwd = sub.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    passwd.set_defaults(func=_users_passwd)
    disable = sub.add_parser("disable", help="sign a user out everywhere and stop their sign-in")
    disable.add_argument("name")
    disable.set_defaults(func=_users_set_disabled(True))
    enable = sub.add_parser("enable", help="let a disabled user sign in again")
    enable.add_argument("name")
    enable.set_defaults(func=_users_set_disabled(False))


def register_db(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database maintenance")
    sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    sub.add_parser("upgrade", help="apply migrations up to the latest").set_defaults(
        func=_db_upgrade
    )


def register_agents(subparsers: Any) -> None:
    """``imagechat agents list|show|export|import`` (in ``agents/cli.py``)."""
    from agents.cli import register

    register(subparsers)


#: Top-level command groups; append a registrar to add one (e.g. ``agents``).
def register_models(subparsers: Any) -> None:
    from imagechat.catalog.cli import register_models as register

    register(subparsers)


COMMAND_GROUPS: list[Registrar] = [register_users, register_db, register_agents, register_models]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imagechat", description="ImageChat administration")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMAND_GROUPS:
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except CliError as exc:
        print(f"imagechat: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
