"""Real databases for the storage tests: every test runs on SQLite (a temp file) and on
PostgreSQL (``DATABASE_URL_TEST``), each in a fresh, migrated database (PostgreSQL: a fresh
schema, dropped afterwards, so parallel runs do not meet)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade
from imagechat.storage.users import UserRepository

PG_URL = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _probe(url: str) -> str | None:
    try:
        conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    except Exception as exc:  # any reason: say it in the skip
        return f"PostgreSQL at DATABASE_URL_TEST unreachable: {type(exc).__name__}: {exc}"
    await conn.close()
    return None


@pytest.fixture(scope="session")
def pg_unavailable() -> str | None:
    return asyncio.run(_probe(PG_URL))


@dataclass
class Target:
    kind: str
    url: str
    schema: str | None = None

    def database(self) -> Database:
        return Database(self.url, schema=self.schema)


async def _pg_exec(sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(PG_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def target(
    request: pytest.FixtureRequest, tmp_path: Path, pg_unavailable: str | None
) -> AsyncIterator[Target]:
    """An empty database (not migrated)."""
    if request.param == "sqlite":
        yield Target("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        return
    if pg_unavailable:
        pytest.skip(pg_unavailable)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    await _pg_exec(f'CREATE SCHEMA "{schema}"')
    try:
        yield Target("postgres", PG_URL, schema)
    finally:
        await _pg_exec(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
async def db(target: Target) -> AsyncIterator[Database]:
    """A migrated database."""
    await upgrade(target.url, schema=target.schema)
    database = target.database()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def dl(db: Database) -> ImageChatDataLayer:
    return ImageChatDataLayer(db)


@pytest.fixture
def repo(db: Database) -> UserRepository:
    return UserRepository(db)


async def count(db: Database, table: object, **where: object) -> int:
    """Rows of ``table`` matching column == value filters, read straight from the table."""
    query = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for column, value in where.items():
        query = query.where(getattr(table.c, column) == value)  # type: ignore[attr-defined]
    async with db.read() as conn:
        return int(await conn.scalar(query) or 0)
