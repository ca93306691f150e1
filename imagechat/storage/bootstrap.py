"""Start-up: migrate the database and make sure an administrator exists.

``chainlit run app.py`` imports ``app.py`` before it starts its event loop, so the blocking
:func:`prepare_database` can be called at module level; it also works from inside a running
loop (Chainlit's reload) by running in a worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

from .db import Database
from .migrate import upgrade_database
from .users import UserRepository

T = TypeVar("T")


async def bootstrap(
    url: str, *, admin_username: str | None = None, admin_password: str | None = None
) -> str | None:
    """Apply migrations, then ``ensure_admin``; returns a generated admin password (or None)."""
    db = Database(url)
    try:
        await upgrade_database(db)
        return await UserRepository(db).ensure_admin(admin_username, admin_password)
    finally:
        await db.dispose()


def run_blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, with or without a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def prepare_database(
    url: str, *, admin_username: str | None = None, admin_password: str | None = None
) -> str | None:
    """Blocking :func:`bootstrap`, for ``app.py`` at import time."""
    return run_blocking(
        bootstrap(url, admin_username=admin_username, admin_password=admin_password)
    )
