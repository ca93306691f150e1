"""The bounded password-hashing pool: its own threads, and a queue that refuses when full."""

from __future__ import annotations

import asyncio
import threading

import pytest

from imagechat.hashing import HashingBusy, HashingPool


async def test_a_full_queue_refuses_at_once_and_frees_up_after() -> None:
    pool = HashingPool(workers=1, max_waiting=2)
    gate = threading.Event()
    started = threading.Event()

    def slow(value: int) -> int:
        started.set()
        gate.wait(10)
        return value

    try:
        running = [asyncio.ensure_future(pool.run(slow, i)) for i in range(3)]  # 1 runs, 2 wait
        await asyncio.to_thread(started.wait, 10)
        assert pool.pending == 3
        with pytest.raises(HashingBusy):
            await pool.run(slow, 99)  # refused without queueing (it would block on the gate)
        assert pool.pending == 3
        gate.set()
        assert await asyncio.gather(*running) == [0, 1, 2]
        assert pool.pending == 0
        assert await pool.run(lambda: "room again") == "room again"
    finally:
        gate.set()
        pool.shutdown()


async def test_hashing_runs_on_its_own_threads_not_the_default_pool() -> None:
    pool = HashingPool(workers=1, max_waiting=0)
    try:
        name = await pool.run(lambda: threading.current_thread().name)
        assert name.startswith("imagechat-hash")
    finally:
        pool.shutdown()


async def test_a_caller_that_goes_away_does_not_leak_a_place_in_the_queue() -> None:
    pool = HashingPool(workers=1, max_waiting=1)
    gate = threading.Event()
    started = threading.Event()

    def block() -> None:
        started.set()
        gate.wait(10)

    try:
        first = asyncio.ensure_future(pool.run(block))
        await asyncio.to_thread(started.wait, 10)
        waiting = asyncio.ensure_future(pool.run(lambda: None))
        await asyncio.sleep(0)
        assert pool.pending == 2
        waiting.cancel()  # cancelled before it started: its place is given back
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert pool.pending == 1
        gate.set()
        await first
        assert pool.pending == 0
    finally:
        gate.set()
        pool.shutdown()


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        HashingPool(workers=0)
    with pytest.raises(ValueError):
        HashingPool(workers=1, max_waiting=-1)


async def test_a_refusal_comes_after_a_pause_so_a_loop_cannot_storm() -> None:
    paused: list[float] = []

    async def sleep(seconds: float) -> None:
        paused.append(seconds)

    pool = HashingPool(workers=1, max_waiting=0, refusal_delay=1.0, sleep=sleep)
    gate = threading.Event()
    started = threading.Event()

    def block() -> None:
        started.set()
        gate.wait(10)

    try:
        running = asyncio.ensure_future(pool.run(block))
        await asyncio.to_thread(started.wait, 10)
        assert paused == []
        with pytest.raises(HashingBusy):
            await pool.run(lambda: None)
        assert paused == [1.0]
        gate.set()
        await running
    finally:
        gate.set()
        pool.shutdown()
