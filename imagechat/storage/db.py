"""Async engine and connection helpers for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, event, make_url
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 10_000

#: JSON that comes back as Python objects on both databases (JSONB on PostgreSQL).
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

_WRITE_OPTION = "imagechat_write"


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL (timestamp without tz)."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso_z(value: datetime | None) -> str | None:
    """Chainlit's timestamp format: ISO 8601 in UTC with a trailing Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def default_sqlite_url(data_dir: Path) -> str:
    """URL of the default database file, ``<data_dir>/imagechat.db``."""
    return f"sqlite+aiosqlite:///{(Path(data_dir) / 'imagechat.db').resolve()}"


def normalize_url(url: str | URL) -> URL:
    """Map user-facing database URLs onto the async drivers we ship.

    ``postgres://``, ``postgresql://``, ``postgresql+<driver>://`` -> ``postgresql+asyncpg``;
    ``sqlite://`` -> ``sqlite+aiosqlite``. libpq's ``sslmode`` becomes asyncpg's ``ssl``.
    """
    text = str(url) if isinstance(url, URL) else url
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    parsed = make_url(text)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
        query = dict(parsed.query)
        if "sslmode" in query:
            query["ssl"] = query.pop("sslmode")
            parsed = parsed.set(query=query)
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"unsupported database backend: {backend!r} (use sqlite or postgresql)")
    return parsed


def _is_memory_sqlite(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or str(url.database).startswith("file::memory:")


def make_engine(url: str | URL, *, schema: str | None = None, echo: bool = False) -> AsyncEngine:
    """Create the async engine.

    SQLite: WAL, ``busy_timeout``, ``foreign_keys=ON`` on every connection, and write transactions
    that start with ``BEGIN IMMEDIATE`` (see :meth:`Database.write`), so concurrent writers wait for
    the lock instead of failing with "database is locked". ``schema`` (PostgreSQL only) sets the
    connection's ``search_path``; tests and benchmarks use it to isolate themselves.
    """
    parsed = normalize_url(url)
    # Statement parameters carry password hashes and images: keep them out of logs and out of
    # exception messages.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if _is_memory_sqlite(parsed):
            kwargs["poolclass"] = StaticPool
        else:
            _create_private_file(Path(str(parsed.database)).expanduser())
            kwargs.update(pool_size=5, max_overflow=10, pool_timeout=30)
        _quiet_aiosqlite()
        engine = create_async_engine(parsed, **kwargs)
        _install_sqlite_listeners(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        parsed,
        pool_size=10,
        max_overflow=20,
        pool_timeout=30,
        pool_pre_ping=True,
        connect_args=connect_args,
        **kwargs,
    )


def _quiet_aiosqlite() -> None:
    """aiosqlite logs every statement with its parameters at DEBUG; an app running with DEBUG
    logging would write password hashes and whole images to its log. Unless someone chose a
    level for that logger explicitly, keep it at INFO."""
    logger = logging.getLogger("aiosqlite")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def _create_private_file(path: Path) -> None:
    """Create the SQLite file owner-only (it holds password hashes and images); SQLite gives
    its -wal and -shm files the same permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _install_sqlite_listeners(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module so that we can emit
        # BEGIN IMMEDIATE ourselves (and so DDL in migrations is transactional).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An engine plus the two ways we touch it: read transactions and write transactions."""

    def __init__(self, url: str | URL, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.schema = schema
        self.engine = make_engine(self.url, schema=schema, echo=echo)
        self.dialect = self.engine.dialect.name
        # In one process, SQLite writers queue here (FIFO, no busy-wait); other processes
        # (the CLI next to the app) are handled by BEGIN IMMEDIATE + busy_timeout.
        self._sqlite_write_lock = asyncio.Lock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction, committed on exit and rolled back on error."""
        if self._sqlite_write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._sqlite_write_lock, self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()
