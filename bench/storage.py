"""Storage benchmark: ``python -m bench.storage``.

Prints one JSON object per line and figure: ``{"figure", "value", "unit", "target"}``.

* ``get_thread_200_messages_ms_<db>``: median time to load a conversation of 200 messages
  (with a gallery element per assistant message), as Chainlit does on resume.
* ``concurrent_50x20_wall_s_<db>``: wall time of 50 sessions writing 20 messages each at once,
  each message persisted the way Chainlit does it (create_step task, then update_step task).
* ``concurrent_50x20_lost_writes_<db>``: messages missing or not holding their final text.

PostgreSQL is ``DATABASE_URL_TEST`` (default ``postgresql://postgres@127.0.0.1:5432/test``), in
a throw-away schema; when unreachable its figures are replaced by a line saying why.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG_URL = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")
MESSAGES = 200
LOAD_RUNS = 15
SESSIONS = 50
PER_SESSION = 20
TARGETS = {"load_ms": "< 100", "wall_s": "< 10", "lost": 0}


def emit(figure: str, value: Any, unit: str, target: Any, **extra: Any) -> None:
    print(json.dumps({"figure": figure, "value": value, "unit": unit, "target": target, **extra}))


def _ts(i: int) -> str:
    return f"2025-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000000Z"


def _step(thread_id: str, step_id: str, i: int, output: str, kind: str) -> dict[str, Any]:
    return {
        "id": step_id,
        "threadId": thread_id,
        "type": kind,
        "name": "Assistant" if kind == "assistant_message" else "alice",
        "output": output,
        "createdAt": _ts(i),
        "start": _ts(i),
        "end": _ts(i),
        "streaming": False,
        "metadata": {},
        "modes": {"model": "gpt-4o"} if kind == "user_message" else None,
    }


async def _load_figure(dl: Any, label: str) -> None:
    from chainlit.element import CustomElement
    from chainlit.user import User

    user = await dl.create_user(User(identifier="bench-load"))
    thread_id = str(uuid.uuid4())
    await dl.update_thread(thread_id, name="long conversation", user_id=user.id)
    text = "Here is the picture you asked for, with a few words of description. " * 8
    for i in range(MESSAGES):
        kind = "user_message" if i % 2 == 0 else "assistant_message"
        step_id = str(uuid.uuid4())
        await dl.create_step(_step(thread_id, step_id, i, text, kind))
        if kind == "assistant_message":
            props = {"images": [{"id": str(uuid.uuid4()), "thumb": "data:image/webp;base64,AAAA"}]}
            element = CustomElement(
                name="ImageGallery", props=props, thread_id=thread_id, for_id=step_id
            )
            await dl.create_element(element)
    timings = []
    for _ in range(LOAD_RUNS):
        started = time.perf_counter()
        thread = await dl.get_thread(thread_id)
        timings.append((time.perf_counter() - started) * 1000)
        assert thread is not None and len(thread["steps"]) == MESSAGES
    emit(
        f"get_thread_200_messages_ms_{label}",
        round(statistics.median(timings), 2),
        "ms",
        TARGETS["load_ms"],
    )


async def _session(dl: Any, user_id: str, index: int) -> list[tuple[str, str]]:
    thread_id = str(uuid.uuid4())
    await dl.update_thread(thread_id, name=f"session {index}", user_id=user_id)
    expected = []
    tasks: list[asyncio.Task[None]] = []
    for m in range(PER_SESSION):
        step_id = str(uuid.uuid4())
        final = f"session {index} message {m} " + "x" * 200
        tasks.append(
            asyncio.create_task(
                dl.create_step(_step(thread_id, step_id, m, "", "assistant_message"))
            )
        )
        await asyncio.sleep(0)
        tasks.append(
            asyncio.create_task(
                dl.update_step(_step(thread_id, step_id, m, final, "assistant_message"))
            )
        )
        expected.append((step_id, final))
        await asyncio.sleep(0.001)  # tokens streaming
    await asyncio.gather(*tasks)
    return expected


async def _concurrency_figures(dl: Any, label: str) -> None:
    from chainlit.user import User
    from sqlalchemy import select

    from imagechat.storage.schema import steps

    users = [await dl.create_user(User(identifier=f"bench-{i}")) for i in range(10)]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_session(dl, users[i % len(users)].id, i) for i in range(SESSIONS))
    )
    wall = time.perf_counter() - started
    async with dl.db.read() as conn:
        stored = dict((await conn.execute(select(steps.c.id, steps.c.output))).all())
    lost = sum(1 for expected in results for sid, text in expected if stored.get(sid) != text)
    emit(f"concurrent_50x20_wall_s_{label}", round(wall, 3), "s", TARGETS["wall_s"])
    emit(f"concurrent_50x20_lost_writes_{label}", lost, "writes", TARGETS["lost"])


async def _run_on(url: str, label: str, schema: str | None = None) -> None:
    from imagechat.storage.datalayer import ImageChatDataLayer
    from imagechat.storage.db import Database
    from imagechat.storage.migrate import upgrade_database

    db = Database(url, schema=schema)
    try:
        await upgrade_database(db)
        dl = ImageChatDataLayer(db)
        await _load_figure(dl, label)
        await _concurrency_figures(dl, label)
    finally:
        await db.dispose()


async def _postgres() -> None:
    import asyncpg

    dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://", 1)
    try:
        admin = await asyncpg.connect(dsn, timeout=5)
    except Exception as exc:
        emit(
            "postgres_figures",
            None,
            None,
            None,
            skipped=f"PostgreSQL unreachable at DATABASE_URL_TEST: {type(exc).__name__}: {exc}",
        )
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        await _run_on(PG_URL, "postgres", schema)
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await _run_on(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", "sqlite")
    await _postgres()


if __name__ == "__main__":
    asyncio.run(main())
