"""A small, bounded thread pool for argon2 password hashing.

argon2 is slow and memory-hard on purpose (about 0.1 s and 64 MiB per verification). Run in the
event loop's default thread pool, a flood of sign-in attempts fills that pool and every other
``asyncio.to_thread`` caller (database helpers, image work) waits behind it: measured, 40 clients
posting wrong passwords pushed other people's answers from 0.04 s to 10-14 s. Here hashing gets
its own pool (one worker is right on two cores) and a bounded queue: when ``max_waiting`` jobs
are already waiting, :meth:`HashingPool.run` refuses at once with :class:`HashingBusy` instead of
queueing for ever — after a pause (``refusal_delay``), so that a client posting in a loop gets at
most one refusal a second instead of turning refusals into a storm of requests that keeps the
event loop busy. Nothing here holds a lock across an ``await``, so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
# seconds a refused caller waits for its answer
REFUSAL_DELAY = 1.0


class HashingBusy(Exception):
    """More password hashings are waiting than the pool accepts; try again in a moment."""


class HashingPool:
    """``workers`` threads for hashing; at most ``max_waiting`` jobs queued behind them; a
    refusal answers after ``refusal_delay`` seconds."""

    def __init__(
        self,
        workers: int = 1,
        max_waiting: int = 8,
        *,
        refusal_delay: float = 0.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if workers < 1 or max_waiting < 0:
            raise ValueError("a hashing pool needs at least one worker and a queue of 0 or more")
        self.workers = workers
        self.max_waiting = max_waiting
        self.refusal_delay = refusal_delay
        self._sleep = sleep
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="imagechat-hash"
        )
        self._lock = threading.Lock()
        self._pending = 0  # queued + running; changed under _lock from any thread

    @property
    def pending(self) -> int:
        """Jobs accepted and not finished (running or waiting)."""
        with self._lock:
            return self._pending

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on a hashing thread; :class:`HashingBusy` when the queue is full."""
        with self._lock:
            full = self._pending >= self.workers + self.max_waiting
            if not full:
                self._pending += 1
        if full:
            if self.refusal_delay:
                await self._sleep(self.refusal_delay)
            raise HashingBusy
        try:
            future: Future[T] = self._executor.submit(fn, *args)
        except BaseException:
            self._release(None)
            raise
        # Released when the job ends or is cancelled before it starts (a caller that went away),
        # so the count is the work really queued on the threads.
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _release(self, _future: object) -> None:
        with self._lock:
            self._pending -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


_default: HashingPool | None = None
_default_lock = threading.Lock()


def default_pool() -> HashingPool:
    """The process-wide pool, sized by IMAGECHAT_HASH_WORKERS and IMAGECHAT_HASH_QUEUE."""
    global _default
    with _default_lock:
        if _default is None:
            from imagechat.settings import get_settings

            settings = get_settings()
            _default = HashingPool(
                settings.imagechat_hash_workers,
                settings.imagechat_hash_queue,
                refusal_delay=REFUSAL_DELAY,
            )
        return _default
