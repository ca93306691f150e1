"""Login sessions (migration 0004), on SQLite and PostgreSQL: a session is live until it is
ended, expires, or its account is disabled or removed; a new password ends them all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from imagechat.storage.db import Database
from imagechat.storage.schema import sessions, users
from imagechat.storage.sessions import SessionRepository, session_key
from imagechat.storage.users import UserRepository

DAY = timedelta(days=1)


async def _user_id(repo: UserRepository, name: str) -> str:
    record = await repo.add(name, f"{name} password")
    return record.id


async def test_a_new_session_is_live_and_logging_out_ends_it(
    repo: UserRepository, db: Database
) -> None:
    store = SessionRepository(db)
    carol = await _user_id(repo, "carol")
    first = await store.create(carol, DAY)
    second = await store.create(carol, DAY)
    assert first != second and len(first) >= 40
    live = await store.live(first)
    assert live is not None and (live.user_id, live.identifier) == (carol, "carol")
    # The table holds digests, never the id a token carries.
    async with db.read() as conn:
        keys = set((await conn.execute(select(sessions.c.id))).scalars())
    assert keys == {session_key(first), session_key(second)} and first not in keys
    assert await store.end(first) is True
    assert await store.live(first) is None
    assert await store.end(first) is False
    assert await store.live(second) is not None  # the other device stays signed in


async def test_unknown_and_malformed_ids_are_not_live(repo: UserRepository, db: Database) -> None:
    store = SessionRepository(db)
    await store.create(await _user_id(repo, "carol"), DAY)
    for value in ("nope", "", "x" * 500, None, 42, {"id": 1}):
        assert await store.live(value) is None


async def test_expired_sessions_are_refused_and_dropped_at_the_next_login(
    repo: UserRepository, db: Database
) -> None:
    store = SessionRepository(db)
    carol = await _user_id(repo, "carol")
    old = await store.create(carol, DAY)
    async with db.write() as conn:
        await conn.execute(
            update(sessions)
            .where(sessions.c.id == session_key(old))
            .values(expires_at=sessions.c.created_at - timedelta(seconds=1))
        )
    assert await store.live(old) is None
    assert await store.count(carol) == 1
    await store.create(carol, DAY)
    assert await store.count(carol) == 1  # the expired row went


async def test_new_password_ends_every_session_of_that_user_only(
    repo: UserRepository, db: Database
) -> None:
    store = SessionRepository(db)
    carol, dave = await _user_id(repo, "carol"), await _user_id(repo, "dave")
    phone, laptop, daves = (
        await store.create(carol, DAY),
        await store.create(carol, DAY),
        await store.create(dave, DAY),
    )
    assert await repo.set_password("carol", "a brand new password") is True
    assert await store.live(phone) is None and await store.live(laptop) is None
    assert await store.live(daves) is not None


async def test_disabling_ends_sessions_and_enabling_does_not_revive_them(
    repo: UserRepository, db: Database
) -> None:
    store = SessionRepository(db)
    carol = await _user_id(repo, "carol")
    session = await store.create(carol, DAY)
    assert await repo.set_disabled("carol", True) is True
    record = await repo.get("carol")
    assert record is not None and record.disabled
    assert await store.live(session) is None and await store.count(carol) == 0
    # Even a session made while disabled (there is no way to, but the check holds) is not live.
    sneaky = await store.create(carol, DAY)
    assert await store.live(sneaky) is None
    assert await repo.set_disabled("carol", False) is True
    assert await store.live(session) is None
    assert await store.live(sneaky) is not None
    assert await repo.set_disabled("nobody", True) is False


async def test_removing_the_user_removes_their_sessions(repo: UserRepository, db: Database) -> None:
    store = SessionRepository(db)
    carol = await _user_id(repo, "carol")
    session = await store.create(carol, DAY)
    assert await repo.remove("carol") is True
    assert await store.live(session) is None
    async with db.read() as conn:
        assert (await conn.execute(select(sessions))).all() == []
        assert (await conn.execute(select(users.c.id))).all() == []
