"""Engine set-up: URL mapping, SQLite pragmas, file permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from imagechat.storage.db import Database, default_sqlite_url, normalize_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+asyncpg"),
        ("postgresql://u@h/d", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@h/d", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg"),
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite"),
    ],
)
def test_normalize_url(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_normalize_url_sslmode_and_unknown() -> None:
    url = normalize_url("postgres://u@h/d?sslmode=require")
    assert url.query == {"ssl": "require"}
    with pytest.raises(ValueError):
        normalize_url("mysql://u@h/d")


def test_default_sqlite_url(tmp_path: Path) -> None:
    url = default_sqlite_url(tmp_path / "data")
    assert url == f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'imagechat.db').resolve()}"


async def test_sqlite_pragmas_and_private_file(tmp_path: Path) -> None:
    db = Database(default_sqlite_url(tmp_path / "new-dir"))
    try:
        async with db.read() as conn:
            pragmas = {
                name: (await conn.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        await db.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000}
    mode = stat.S_IMODE((tmp_path / "new-dir" / "imagechat.db").stat().st_mode)
    assert mode == 0o600


async def test_memory_sqlite_works() -> None:
    from imagechat.storage.migrate import head_revision, upgrade_database

    db = Database("sqlite://")
    try:
        assert await upgrade_database(db) == head_revision()
    finally:
        await db.dispose()
