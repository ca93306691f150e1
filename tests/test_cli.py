"""The ``imagechat`` CLI, run as a subprocess (passwords on stdin, never in argv)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from imagechat import cli
from imagechat.storage.db import Database, default_sqlite_url
from imagechat.storage.migrate import head_revision
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRepository

REPO = Path(__file__).resolve().parents[1]


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["IMAGECHAT_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "imagechat.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir.parent,  # any working directory
        timeout=120,
        check=False,
    )


def verify(data_dir: Path, name: str, password: str) -> bool:
    async def check() -> bool:
        db = Database(default_sqlite_url(data_dir))
        try:
            return await UserRepository(db).verify(name, password) is not None
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_users_lifecycle(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = run(data, "users", "add", "alice", stdin="alice password 1\n")
    assert added.returncode == 0, added.stderr
    assert "added user alice" in added.stdout
    admin = run(data, "users", "add", "root", "--admin", stdin="root password 1\n")
    assert admin.returncode == 0, admin.stderr
    listed = run(data, "users", "list")
    assert listed.returncode == 0
    rows = [line.split("\t")[:2] for line in listed.stdout.splitlines()]
    assert rows == [["alice", "user"], ["root", "admin"]]
    assert verify(data, "alice", "alice password 1")

    changed = run(data, "users", "passwd", "alice", stdin="alice password 2\n")
    assert changed.returncode == 0, changed.stderr
    assert not verify(data, "alice", "alice password 1")
    assert verify(data, "alice", "alice password 2")

    removed = run(data, "users", "remove", "alice")
    assert removed.returncode == 0
    again = run(data, "users", "remove", "alice")
    assert again.returncode == 1 and "no user 'alice'" in again.stderr
    assert [line.split("\t")[0] for line in run(data, "users", "list").stdout.splitlines()] == [
        "root"
    ]
    for result in (added, admin, listed, changed, removed):
        for secret in ("alice password", "root password", "$argon2"):
            assert secret not in result.stdout + result.stderr


def sessions_of(data_dir: Path, name: str, *, start: bool = False) -> int:
    """Sessions of a user in the database (after starting one, with ``start``)."""

    async def check() -> int:
        db = Database(default_sqlite_url(data_dir))
        try:
            record = await UserRepository(db).get(name)
            assert record is not None
            store = SessionRepository(db)
            if start:
                await store.create(record.id, timedelta(days=1))
            return await store.count(record.id)
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_users_disable_enable_and_passwd_end_sessions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "users", "add", "carol", stdin="carol password 1\n").returncode == 0
    assert sessions_of(data, "carol", start=True) == 1
    changed = run(data, "users", "passwd", "carol", stdin="carol password 2\n")
    assert changed.returncode == 0 and "sessions have ended" in changed.stdout
    assert sessions_of(data, "carol") == 0

    assert sessions_of(data, "carol", start=True) == 1
    disabled = run(data, "users", "disable", "carol")
    assert disabled.returncode == 0, disabled.stderr
    assert "cannot sign in" in disabled.stdout
    assert sessions_of(data, "carol") == 0
    listed = run(data, "users", "list").stdout.splitlines()
    assert [line.split("\t")[3] for line in listed] == ["disabled"]
    assert not verify_enabled(data, "carol", "carol password 2")

    enabled = run(data, "users", "enable", "carol")
    assert enabled.returncode == 0 and "enabled carol" in enabled.stdout
    assert [line.split("\t")[3] for line in run(data, "users", "list").stdout.splitlines()] == [
        "active"
    ]
    assert verify_enabled(data, "carol", "carol password 2")
    missing = run(data, "users", "disable", "nobody")
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


def verify_enabled(data_dir: Path, name: str, password: str) -> bool:
    """Right password and an account that may sign in."""

    async def check() -> bool:
        db = Database(default_sqlite_url(data_dir))
        try:
            record = await UserRepository(db).verify(name, password)
            return record is not None and not record.disabled
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_errors_are_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    short = run(data, "users", "add", "bob", stdin="short\n")
    assert short.returncode == 1
    assert short.stderr.strip() == "imagechat: passwords need at least 8 characters"
    empty = run(data, "users", "add", "bob", stdin="")
    assert empty.returncode == 1 and "no password given" in empty.stderr
    bad_name = run(data, "users", "add", "bad name", stdin="long enough\n")
    assert bad_name.returncode == 1 and "Traceback" not in bad_name.stderr
    missing = run(data, "users", "passwd", "nobody", stdin="long enough\n")
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


def test_password_is_never_an_argument(tmp_path: Path) -> None:
    result = run(tmp_path / "data", "users", "add", "bob", "--password", "secret123")
    assert result.returncode == 2  # argparse: unrecognized arguments
    for action in cli.build_parser()._actions:
        assert "password" not in " ".join(getattr(action, "option_strings", []))


def test_db_upgrade(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run(data, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"database at revision {head_revision()}"
    assert (data / "imagechat.db").exists()


def test_password_from_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGECHAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter(["terminal password", "terminal password", "one", "two"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt="": next(answers))
    assert cli.main(["users", "add", "carol"]) == 0
    assert verify(tmp_path / "data", "carol", "terminal password")
    assert cli.main(["users", "passwd", "carol"]) == 1  # the two entries differ


def test_other_command_groups_can_register(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def register_extras(subparsers: object) -> None:
        parser = subparsers.add_parser("extras")  # type: ignore[attr-defined]
        parser.set_defaults(func=lambda args: seen.append(args.command) or 0)

    monkeypatch.setattr(cli, "COMMAND_GROUPS", [*cli.COMMAND_GROUPS, register_extras])
    assert cli.main(["extras"]) == 0
    assert seen == ["extras"]
