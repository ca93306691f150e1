"""Which image generations are running, so a resumed conversation can tell a gallery that is
still being filled from one whose process died (issue 11 point 12).

A running generation has a row naming its process (``boot_id``, a random id each process picks
at start) and that process's last sign of life (``heartbeat_at``, refreshed while it runs). The
row goes when the generation ends, however it ends. So a gallery with pending tiles is
interrupted when its row is missing, or names this process although this process does not run
it, or names another process that has been silent for longer than the staleness limit. Nothing
here depends on a process's start time, so several processes can share one database (and, later,
a job queue can keep the same rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from .core import StorageCore
from .db import utcnow
from .schema import generation_runs


@dataclass(frozen=True)
class GenerationRunRecord:
    id: str
    thread_id: str
    boot_id: str
    heartbeat_at: datetime


class RunsMixin(StorageCore):
    async def start_generation_run(self, run_id: str, thread_id: str, boot_id: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(delete(generation_runs).where(generation_runs.c.id == run_id))
            await conn.execute(
                generation_runs.insert().values(
                    id=run_id, thread_id=thread_id, boot_id=boot_id, heartbeat_at=utcnow()
                )
            )

    async def beat_generation_run(self, run_id: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                update(generation_runs)
                .where(generation_runs.c.id == run_id)
                .values(heartbeat_at=utcnow())
            )

    async def end_generation_run(self, run_id: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(delete(generation_runs).where(generation_runs.c.id == run_id))

    async def generation_runs_of(self, thread_id: str) -> dict[str, GenerationRunRecord]:
        """The thread's running generations by id (the gallery element's id)."""
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(generation_runs).where(generation_runs.c.thread_id == thread_id)
                )
            ).all()
        return {
            r.id: GenerationRunRecord(r.id, r.thread_id, r.boot_id, r.heartbeat_at) for r in rows
        }

    async def purge_stale_generation_runs(self, older_than: float) -> int:
        """Forget runs whose process has been silent for ``older_than`` seconds."""
        before = utcnow() - timedelta(seconds=older_than)
        async with self.db.write() as conn:
            result = await conn.execute(
                delete(generation_runs).where(generation_runs.c.heartbeat_at < before)
            )
        return result.rowcount or 0


def run_is_alive(
    run: GenerationRunRecord | None,
    *,
    boot_id: str,
    running_here: bool,
    now: datetime,
    stale_after: float,
) -> bool:
    """Whether a gallery's generation may still be running (see the module docstring): this
    process knows for its own runs; another process's run lives while it keeps beating."""
    if running_here:
        return True
    if run is None or run.boot_id == boot_id:
        return False
    return (now - run.heartbeat_at).total_seconds() <= stale_after
