"""Many sessions writing at once: no lost writes, no "database is locked" (SQLite WAL too)."""

from __future__ import annotations

import asyncio

from chainlit.user import User
from sqlalchemy import select

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import steps

from .conftest import Target, count
from .helpers import new_id, step

SESSIONS = 50
MESSAGES = 20


async def _session(dl: ImageChatDataLayer, user_id: str, index: int) -> str:
    thread_id = new_id()
    await dl.update_thread(thread_id, name=f"session {index}", user_id=user_id)
    pending: list[asyncio.Task[None]] = []
    for m in range(MESSAGES):
        sid = f"{thread_id}-{m:02d}"
        # Chainlit: Message.send() -> create_task(create_step); stream; update() -> update_step.
        pending.append(asyncio.create_task(dl.create_step(step(thread_id, step_id=sid, at=m))))
        await asyncio.sleep(0)
        pending.append(
            asyncio.create_task(
                dl.update_step(step(thread_id, step_id=sid, output=f"{index}:{m}", at=m))
            )
        )
    await asyncio.gather(*pending)
    return thread_id


async def test_fifty_sessions_twenty_messages(dl: ImageChatDataLayer, db: Database) -> None:
    users = [await dl.create_user(User(identifier=f"user{i}")) for i in range(10)]
    thread_ids = await asyncio.gather(
        *(_session(dl, users[i % 10].id, i) for i in range(SESSIONS))  # type: ignore[union-attr]
    )
    assert await count(db, steps) == SESSIONS * MESSAGES
    async with db.read() as conn:
        outputs = {r.id: r.output for r in await conn.execute(select(steps.c.id, steps.c.output))}
    lost = [
        (t, m)
        for i, t in enumerate(thread_ids)
        for m in range(MESSAGES)
        if outputs.get(f"{t}-{m:02d}") != f"{i}:{m}"
    ]
    assert lost == []
    thread = await dl.get_thread(thread_ids[7])
    assert thread is not None
    assert [s["output"] for s in thread["steps"]] == [f"7:{m}" for m in range(MESSAGES)]


async def test_two_engines_on_one_database(db: Database, target: Target) -> None:
    """Like the CLI writing next to the running app: separate engines, no lock errors."""
    other = target.database()
    try:
        a, b = ImageChatDataLayer(db), ImageChatDataLayer(other)
        alice = await a.create_user(User(identifier="alice"))
        assert alice is not None
        thread_id = new_id()
        await a.update_thread(thread_id, name="t", user_id=alice.id)
        writes = [
            layer.create_step(step(thread_id, output=str(i), at=i))
            for i in range(100)
            for layer in ([a] if i % 2 else [b])
        ]
        await asyncio.gather(*writes)
        assert await count(db, steps, thread_id=thread_id) == 100
    finally:
        await other.dispose()
