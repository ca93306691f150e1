"""A person's own agents and their versions (tables `agents` and `agent_versions`, migration 0003).

Every method that reads or changes an agent takes the caller's user identifier and only ever
touches that user's agents: another user's agent id behaves exactly like an id that does not
exist. Specs arrive already validated (`agents.loader.validate_agent`); this module stores them.
Saving never changes an existing version: it adds the next one, so a conversation that recorded
(agent id, version) can always be rebuilt from what it started with.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import Database, iso_z, utcnow
from .schema import agent_versions, agents, users

COPY_SUFFIX = " (copy)"
MAX_NAME_CHARS = 64  # agents.spec.MAX_NAME_CHARS


class AgentNameTaken(ValueError):
    """The user already has an agent with this name (names are compared case-insensitively)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"you already have an agent called {name!r}; choose another name")


class AgentNotFound(LookupError):
    """No such agent (or version) for this user."""


@dataclass(frozen=True)
class AgentVersionRecord:
    """One version of one agent, with its owner."""

    agent_id: str
    owner: str
    name: str
    version: int
    spec: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> AgentVersionRecord:
        created: datetime | None = row.created_at
        updated: datetime | None = row.updated_at
        return cls(
            agent_id=row.agent_id,
            owner=row.owner,
            name=row.name,
            version=int(row.version),
            spec=dict(row.spec or {}),
            metadata=dict(row.metadata or {}),
            created_at=iso_z(created),
            updated_at=iso_z(updated),
        )


def _versions_query() -> Any:
    return (
        select(
            agents.c.id.label("agent_id"),
            users.c.identifier.label("owner"),
            agents.c.name,
            agents.c.updated_at,
            agent_versions.c.version,
            agent_versions.c.spec,
            agent_versions.c.metadata,
            agent_versions.c.created_at,
        )
        .select_from(agents)
        .join(users, users.c.id == agents.c.user_id)
        .join(agent_versions, agent_versions.c.agent_id == agents.c.id)
    )


def _latest_only(query: Any) -> Any:
    newer = agent_versions.alias("newer")
    latest = (
        select(func.max(newer.c.version))
        .where(newer.c.agent_id == agents.c.id)
        .correlate(agents)
        .scalar_subquery()
    )
    return query.where(agent_versions.c.version == latest)


def _name_of(spec: dict[str, Any]) -> str:
    name = str(spec.get("name") or "").strip()
    if not name:
        raise ValueError("an agent needs a name")
    return name


class AgentRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- reading ----------------------------------------------------------------------------

    async def list_for_user(self, user: str) -> list[AgentVersionRecord]:
        """The user's agents, each at its latest version, by name."""
        query = _latest_only(_versions_query()).where(users.c.identifier == user)
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        records = [AgentVersionRecord.from_row(r) for r in rows]
        return sorted(records, key=lambda r: (r.name.casefold(), r.agent_id))

    async def list_all(self) -> list[AgentVersionRecord]:
        """Every user's agents at their latest version (for the administrator's CLI)."""
        async with self.db.read() as conn:
            rows = (await conn.execute(_latest_only(_versions_query()))).all()
        records = [AgentVersionRecord.from_row(r) for r in rows]
        return sorted(records, key=lambda r: (r.owner, r.name.casefold()))

    async def get_latest(self, agent_id: str, user: str) -> AgentVersionRecord | None:
        query = _latest_only(_versions_query()).where(
            agents.c.id == agent_id, users.c.identifier == user
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        return AgentVersionRecord.from_row(row) if row is not None else None

    async def get_version(
        self, agent_id: str, version: int, user: str
    ) -> AgentVersionRecord | None:
        query = _versions_query().where(
            agents.c.id == agent_id,
            agent_versions.c.version == version,
            users.c.identifier == user,
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        return AgentVersionRecord.from_row(row) if row is not None else None

    async def list_versions(self, agent_id: str, user: str) -> list[AgentVersionRecord]:
        """Every version of the user's agent, oldest first."""
        query = (
            _versions_query()
            .where(agents.c.id == agent_id, users.c.identifier == user)
            .order_by(agent_versions.c.version)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [AgentVersionRecord.from_row(r) for r in rows]

    async def find_by_name(self, user: str, name: str) -> AgentVersionRecord | None:
        """The user's agent called `name` (case-insensitive), at its latest version."""
        query = _latest_only(_versions_query()).where(
            users.c.identifier == user, func.lower(agents.c.name) == name.strip().lower()
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        return AgentVersionRecord.from_row(row) if row is not None else None

    # ---- writing ----------------------------------------------------------------------------

    async def create(
        self, user: str, spec: dict[str, Any], metadata: dict[str, Any]
    ) -> AgentVersionRecord:
        """A new agent owned by `user`, at version 1. `AgentNameTaken`, or `AgentNotFound` when
        the user does not exist."""
        name = _name_of(spec)
        agent_id = str(uuid.uuid4())
        now = utcnow()
        try:
            async with self.db.write() as conn:
                user_id = await self._user_id(conn, user)
                await self._check_name_free(conn, user_id, name, None)
                await conn.execute(
                    agents.insert().values(
                        id=agent_id, user_id=user_id, name=name, created_at=now, updated_at=now
                    )
                )
                await self._insert_version(conn, agent_id, 1, spec, metadata, now)
        except IntegrityError as exc:  # a concurrent create with the same name
            raise AgentNameTaken(name) from exc
        record = await self.get_latest(agent_id, user)
        assert record is not None
        return record

    async def save_version(
        self, agent_id: str, user: str, spec: dict[str, Any], metadata: dict[str, Any]
    ) -> AgentVersionRecord:
        """Add the next version of the user's agent (renaming it when the spec's name changed).
        `AgentNotFound` for an agent that is not the user's; `AgentNameTaken`."""
        name = _name_of(spec)
        now = utcnow()
        try:
            async with self.db.write() as conn:
                user_id = await self._user_id(conn, user)
                owned = (
                    select(agents.c.id)
                    .where(agents.c.id == agent_id, agents.c.user_id == user_id)
                    .with_for_update()
                )
                if await conn.scalar(owned) is None:
                    raise AgentNotFound(agent_id)
                await self._check_name_free(conn, user_id, name, agent_id)
                latest = await conn.scalar(
                    select(func.max(agent_versions.c.version)).where(
                        agent_versions.c.agent_id == agent_id
                    )
                )
                version = int(latest or 0) + 1
                await self._insert_version(conn, agent_id, version, spec, metadata, now)
                await conn.execute(
                    update(agents).where(agents.c.id == agent_id).values(name=name, updated_at=now)
                )
        except IntegrityError as exc:
            raise AgentNameTaken(name) from exc
        record = await self.get_latest(agent_id, user)
        assert record is not None
        return record

    async def duplicate(
        self, user: str, spec: dict[str, Any], metadata: dict[str, Any]
    ) -> AgentVersionRecord:
        """A new agent for `user` from another spec (a preset, or one of the user's agents),
        named "<name> (copy)", "<name> (copy 2)", ... whichever is free."""
        base = _name_of(spec)
        taken = {r.name.casefold() for r in await self.list_for_user(user)}
        for n in range(1, 1000):
            suffix = COPY_SUFFIX if n == 1 else f" (copy {n})"
            candidate = base[: MAX_NAME_CHARS - len(suffix)].rstrip() + suffix
            if candidate.casefold() not in taken:
                return await self.create(user, {**spec, "name": candidate}, metadata)
        raise AgentNameTaken(base)

    async def delete(self, agent_id: str, user: str) -> bool:
        """Delete the user's agent with all its versions; False when it is not the user's."""
        async with self.db.write() as conn:
            user_id = await self._user_id(conn, user)
            result = await conn.execute(
                delete(agents).where(agents.c.id == agent_id, agents.c.user_id == user_id)
            )
        return bool(result.rowcount)

    # ---- helpers ----------------------------------------------------------------------------

    @staticmethod
    async def _user_id(conn: AsyncConnection, user: str) -> str:
        user_id = await conn.scalar(select(users.c.id).where(users.c.identifier == user))
        if user_id is None:
            raise AgentNotFound(f"no user {user!r}")
        return str(user_id)

    @staticmethod
    async def _check_name_free(
        conn: AsyncConnection, user_id: str, name: str, agent_id: str | None
    ) -> None:
        query = select(agents.c.id).where(
            agents.c.user_id == user_id, func.lower(agents.c.name) == name.lower()
        )
        if agent_id is not None:
            query = query.where(agents.c.id != agent_id)
        if await conn.scalar(query) is not None:
            raise AgentNameTaken(name)

    @staticmethod
    async def _insert_version(
        conn: AsyncConnection,
        agent_id: str,
        version: int,
        spec: dict[str, Any],
        metadata: dict[str, Any],
        now: datetime,
    ) -> None:
        await conn.execute(
            agent_versions.insert().values(
                id=str(uuid.uuid4()),
                agent_id=agent_id,
                version=version,
                spec=dict(spec),
                metadata=dict(metadata),
                created_at=now,
            )
        )
