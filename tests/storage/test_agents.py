"""Agents and their versions on SQLite and PostgreSQL: versions are kept with their metadata,
and every read or write is scoped to the agent's owner."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from agents.spec import AgentSpec
from imagechat.storage.agents import AgentNameTaken, AgentNotFound, AgentRepository
from imagechat.storage.db import Database
from imagechat.storage.migrate import current_revision, head_revision, upgrade
from imagechat.storage.schema import agent_versions, agents
from imagechat.storage.users import UserRepository

from .conftest import Target, count


def spec(name: str = "Poster studio", *, images: bool = True, text: str = "Design posters.") -> Any:
    return AgentSpec.model_validate(
        {
            "name": name,
            "instructions": text,
            "internal_tools": {"image_creation": {"enabled": images, "mode": "auto"}},
            "image_defaults": {"quality": "high"},
        }
    )


def saved(value: AgentSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    return value.to_data(), value.version_metadata()


@pytest.fixture
async def people(repo: UserRepository) -> tuple[str, str]:
    await repo.add("alice", "alice password")
    await repo.add("bob", "bob's password")
    return "alice", "bob"


@pytest.fixture
def agent_repo(db: Database) -> AgentRepository:
    return AgentRepository(db)


async def test_versions_are_kept_with_their_internal_tools_metadata(
    agent_repo: AgentRepository, db: Database, people: tuple[str, str]
) -> None:
    alice, _ = people
    first = await agent_repo.create(alice, *saved(spec(images=True)))
    assert first.version == 1 and first.owner == alice and first.name == "Poster studio"
    second = await agent_repo.save_version(
        first.agent_id, alice, *saved(spec(images=False, text="Only words now."))
    )
    assert second.version == 2 and second.agent_id == first.agent_id

    # Straight from the tables: both versions, each with its own spec and metadata.
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(agent_versions.c.version, agent_versions.c.spec, agent_versions.c.metadata)
                .where(agent_versions.c.agent_id == first.agent_id)
                .order_by(agent_versions.c.version)
            )
        ).all()
    assert [r.version for r in rows] == [1, 2]
    assert [r.metadata["internal_tools"]["image_creation"]["enabled"] for r in rows] == [
        True,
        False,
    ]
    assert rows[0].spec["instructions"] == "Design posters."
    assert rows[1].spec["instructions"] == "Only words now."
    assert AgentSpec.model_validate(rows[0].spec) == spec(images=True)

    # Old versions stay readable; "latest" is the newest.
    v1 = await agent_repo.get_version(first.agent_id, 1, alice)
    assert v1 is not None and v1.spec["internal_tools"]["image_creation"]["enabled"] is True
    latest = await agent_repo.get_latest(first.agent_id, alice)
    assert latest is not None and latest.version == 2
    assert [r.version for r in await agent_repo.list_versions(first.agent_id, alice)] == [1, 2]
    assert [(r.name, r.version) for r in await agent_repo.list_for_user(alice)] == [
        ("Poster studio", 2)
    ]


async def test_another_user_sees_and_changes_nothing(
    agent_repo: AgentRepository, db: Database, people: tuple[str, str]
) -> None:
    alice, bob = people
    record = await agent_repo.create(alice, *saved(spec()))
    await agent_repo.save_version(record.agent_id, alice, *saved(spec(images=False)))

    assert await agent_repo.list_for_user(bob) == []
    assert await agent_repo.get_latest(record.agent_id, bob) is None
    assert await agent_repo.get_version(record.agent_id, 1, bob) is None
    assert await agent_repo.get_version(record.agent_id, 2, bob) is None
    assert await agent_repo.list_versions(record.agent_id, bob) == []
    assert await agent_repo.find_by_name(bob, "Poster studio") is None
    with pytest.raises(AgentNotFound):
        await agent_repo.save_version(record.agent_id, bob, *saved(spec(text="mine now")))
    assert await agent_repo.delete(record.agent_id, bob) is False
    # nothing of Alice's changed
    assert await count(db, agent_versions, agent_id=record.agent_id) == 2
    latest = await agent_repo.get_latest(record.agent_id, alice)
    assert latest is not None and latest.version == 2
    assert latest.spec["instructions"] == "Design posters."


async def test_names_are_unique_per_owner_ignoring_case(
    agent_repo: AgentRepository, people: tuple[str, str]
) -> None:
    alice, bob = people
    first = await agent_repo.create(alice, *saved(spec("Poster studio")))
    with pytest.raises(AgentNameTaken):
        await agent_repo.create(alice, *saved(spec("poster STUDIO")))
    other = await agent_repo.create(alice, *saved(spec("Logo lab")))
    with pytest.raises(AgentNameTaken):  # renaming onto another agent's name
        await agent_repo.save_version(other.agent_id, alice, *saved(spec("Poster Studio")))
    # renaming itself (case change) is fine, and Bob may use the same name
    renamed = await agent_repo.save_version(first.agent_id, alice, *saved(spec("POSTER studio")))
    assert renamed.name == "POSTER studio" and renamed.version == 2
    assert (await agent_repo.create(bob, *saved(spec("Poster studio")))).owner == bob
    found = await agent_repo.find_by_name(alice, "poster studio")
    assert found is not None and found.agent_id == first.agent_id


async def test_duplicate_picks_a_free_copy_name(
    agent_repo: AgentRepository, people: tuple[str, str]
) -> None:
    alice, _ = people
    preset = spec("Visual designer")
    one = await agent_repo.duplicate(alice, *saved(preset))
    two = await agent_repo.duplicate(alice, *saved(preset))
    assert (one.name, two.name) == ("Visual designer (copy)", "Visual designer (copy 2)")
    assert one.spec["name"] == one.name and one.version == 1
    assert one.metadata == preset.version_metadata()


async def test_unknown_user_and_cascades(
    agent_repo: AgentRepository, repo: UserRepository, db: Database, people: tuple[str, str]
) -> None:
    alice, _ = people
    with pytest.raises(AgentNotFound):
        await agent_repo.create("nobody", *saved(spec()))
    record = await agent_repo.create(alice, *saved(spec()))
    await agent_repo.save_version(record.agent_id, alice, *saved(spec(images=False)))
    assert await agent_repo.delete(record.agent_id, alice) is True
    assert await count(db, agent_versions, agent_id=record.agent_id) == 0
    again = await agent_repo.create(alice, *saved(spec()))
    assert await repo.remove(alice)
    assert await count(db, agents, id=again.agent_id) == 0
    assert await count(db, agent_versions, agent_id=again.agent_id) == 0


async def test_upgrade_from_0002_adds_the_agent_tables(target: Target) -> None:
    await upgrade(target.url, revision="0002_images", schema=target.schema)
    assert await current_revision(target.url, schema=target.schema) == "0002_images"
    await upgrade(target.url, schema=target.schema)
    assert await current_revision(target.url, schema=target.schema) == head_revision()
    db = target.database()
    try:
        await UserRepository(db).add("carol", "carol password")
        record = await AgentRepository(db).create("carol", *saved(spec()))
        assert record.version == 1
    finally:
        await db.dispose()
