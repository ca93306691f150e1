"""Apply the Alembic migrations programmatically (no alembic.ini, any working directory)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD = "head"
# Any constant: serializes concurrent starts against one PostgreSQL database.
_PG_LOCK_KEY = 0x1A6EC4A7


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _upgrade_sync(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _current_sync(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_database(db: Database, revision: str = HEAD) -> str | None:
    """Upgrade an open :class:`Database` to ``revision``; return the revision it is at after."""
    async with db.write() as conn:
        await conn.run_sync(_upgrade_sync, revision)
    return await current_revision_of(db)


async def current_revision_of(db: Database) -> str | None:
    async with db.read() as conn:
        return await conn.run_sync(_current_sync)


async def upgrade(url: str, *, revision: str = HEAD, schema: str | None = None) -> str | None:
    """Apply migrations up to ``revision`` (default: head). Idempotent; call it on every start.

    Concurrent callers are safe: PostgreSQL takes an advisory lock, SQLite a write lock
    (``BEGIN IMMEDIATE``). Returns the revision the database is at afterwards.
    """
    db = Database(url, schema=schema)
    try:
        return await upgrade_database(db, revision)
    finally:
        await db.dispose()


async def current_revision(url: str, *, schema: str | None = None) -> str | None:
    db = Database(url, schema=schema)
    try:
        return await current_revision_of(db)
    finally:
        await db.dispose()
