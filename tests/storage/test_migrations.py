"""Migrations: 0001 -> head keeps data; idempotent; any working directory; models agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from imagechat.storage.db import Database
from imagechat.storage.migrate import current_revision, head_revision, upgrade
from imagechat.storage.schema import Base

from .conftest import Target


async def _tables(db: Database) -> set[str]:
    async with db.read() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_from_0001_keeps_data(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no alembic.ini around: the package finds its own scripts
    assert await upgrade(target.url, revision="0001_initial", schema=target.schema) == (
        "0001_initial"
    )
    db = target.database()
    try:
        assert "images" not in await _tables(db)
        async with db.write() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, identifier, is_admin, metadata, created_at) "
                    "VALUES ('u1', 'alice', false, '{\"a\": 1}', '2025-01-01 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO threads (id, name, user_id, created_at, updated_at) "
                    "VALUES ('t1', 'old chat', 'u1', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO steps (id, thread_id, type, output, created_at) "
                    "VALUES ('s1', 't1', 'user_message', 'hello', '2025-01-01T00:00:00.000000Z')"
                )
            )
        assert await upgrade(target.url, schema=target.schema) == head_revision()
        assert await upgrade(target.url, schema=target.schema) == head_revision()  # idempotent
        assert await current_revision(target.url, schema=target.schema) == head_revision()
        assert "images" in await _tables(db)
        from imagechat.storage.datalayer import ImageChatDataLayer

        dl = ImageChatDataLayer(db)
        thread = await dl.get_thread("t1")
        assert thread is not None
        assert thread["name"] == "old chat" and thread["userIdentifier"] == "alice"
        assert [s["output"] for s in thread["steps"]] == ["hello"]
        user = await dl.get_user("alice")
        assert user is not None and user.metadata["a"] == 1
        await dl.save_image(
            user_identifier="alice", thread_id="t1", step_id="s1", data_b64="x", mime="image/png"
        )
        assert len(await dl.list_images("t1", "alice")) == 1
    finally:
        await db.dispose()


def _describe(conn: Connection) -> dict[str, object]:
    insp = inspect(conn)
    out: dict[str, object] = {}
    for table in insp.get_table_names():
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": {c["name"]: bool(c["nullable"]) for c in insp.get_columns(table)},
            "indexes": sorted(tuple(i["column_names"]) for i in insp.get_indexes(table)),
            "fks": sorted(
                (
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    (f.get("options") or {}).get("ondelete"),
                )
                for f in insp.get_foreign_keys(table)
            ),
        }
    return out


async def test_models_match_migrations(db: Database, target: Target) -> None:
    """``schema.py`` and the migrations describe the same tables."""
    models_db_url = target.url
    async with db.read() as conn:
        migrated = await conn.run_sync(_describe)
    # Build the same tables from the models in a second, empty database (SQLite file / schema).
    if target.kind == "sqlite":
        models_db_url = target.url.replace("test.db", "models.db")
        other = Database(models_db_url)
    else:
        async with db.write() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{target.schema}_m"'))
        other = Database(target.url, schema=f"{target.schema}_m")
    try:
        async with other.write() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with other.read() as conn:
            modelled = await conn.run_sync(_describe)
    finally:
        await other.dispose()
        if target.kind == "postgres":
            async with db.write() as conn:
                await conn.execute(text(f'DROP SCHEMA "{target.schema}_m" CASCADE'))
    assert modelled == migrated


async def test_migrated_tables_are_usable(db: Database) -> None:
    async with db.read() as conn:
        assert (await conn.execute(select(text("1")))).scalar() == 1
    assert {"users", "threads", "steps", "elements", "feedbacks", "images"} <= await _tables(db)


def test_prepare_database_blocking(tmp_path: Path) -> None:
    from imagechat.storage.bootstrap import prepare_database

    url = f"sqlite+aiosqlite:///{tmp_path / 'boot.db'}"
    generated = prepare_database(url)
    assert generated
    assert prepare_database(url) is None  # a user exists now
    assert prepare_database(url, admin_username="ops", admin_password="ops password") is None


async def test_prepare_database_inside_a_running_loop(tmp_path: Path) -> None:
    from imagechat.storage.bootstrap import prepare_database

    url = f"sqlite+aiosqlite:///{tmp_path / 'boot.db'}"
    assert prepare_database(url, admin_username="root", admin_password="root password") is None
    assert await current_revision(url) == head_revision()
