"""The process-wide decode budget: concurrent decodes never hold more pixels than it allows;
large ones wait (imagechat.imaging.budget), and the image paths take it before decoding."""

from __future__ import annotations

import asyncio
import base64
import io
import threading
from collections.abc import Iterator

import pytest
from PIL import Image

from imagechat.imaging import budget as budget_module
from imagechat.imaging import decode_and_thumbnail, rendering
from imagechat.imaging.budget import PixelBudget, set_decode_budget


@pytest.fixture
def small_budget() -> Iterator[PixelBudget]:
    budget = PixelBudget(megapixels=1.0, slots=8)
    set_decode_budget(budget)
    yield budget
    set_decode_budget(None)


async def test_reservations_never_exceed_the_budget_and_large_ones_wait() -> None:
    budget = PixelBudget(megapixels=1.0, slots=8)
    holding = 0
    most = 0
    order: list[str] = []

    async def work(name: str, pixels: int) -> None:
        nonlocal holding, most
        async with budget.reserve(pixels):
            holding += pixels
            most = max(most, holding)
            order.append(name)
            await asyncio.sleep(0.01)
            holding -= pixels

    await asyncio.gather(
        work("a", 600_000), work("big", 900_000), work("b", 300_000), work("c", 100_000)
    )
    assert most <= 1_000_000
    assert budget.peak <= 1_000_000
    # "big" came second and waited for "a"; the smaller ones queued behind it (no starvation)
    assert order == ["a", "big", "b", "c"]
    assert (budget.in_use, budget.running) == (0, 0)


async def test_a_reservation_larger_than_the_budget_runs_alone() -> None:
    budget = PixelBudget(megapixels=1.0, slots=8)
    async with budget.reserve(40_000_000):
        assert budget.in_use == budget.capacity
    assert budget.in_use == 0


async def test_slots_cap_concurrency_whatever_the_sizes() -> None:
    budget = PixelBudget(megapixels=100.0, slots=2)
    running = 0
    most = 0

    async def work() -> None:
        nonlocal running, most
        async with budget.reserve(10):
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(work() for _ in range(6)))
    assert most == 2


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    budget = PixelBudget(megapixels=1.0, slots=8)
    release = asyncio.Event()

    async def holder() -> None:
        async with budget.reserve(900_000):
            await release.wait()

    async def waiter(pixels: int) -> str:
        async with budget.reserve(pixels):
            return "ran"

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    big = asyncio.create_task(waiter(800_000))
    small = asyncio.create_task(waiter(50_000))
    await asyncio.sleep(0.01)
    assert not small.done()  # FIFO: behind the big one
    big.cancel()
    assert await small == "ran"  # fits next to the holder once the big one is gone
    release.set()
    await first
    assert (budget.in_use, budget.running) == (0, 0)


def _png(side: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (side, side), (10, 20, 30)).save(buf, "PNG")
    return buf.getvalue()


async def test_concurrent_thumbnails_hold_at_most_the_budget(
    small_budget: PixelBudget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight 800x800 images (0.64 MPx each) land at once: with a 1 MPx budget they decode one
    at a time, each after reserving its pixels."""
    lock = threading.Lock()
    decoding = 0
    most = 0
    reserved_while_decoding: list[int] = []
    real = rendering.decode_checked

    def spy(data: bytes, **kwargs: object) -> object:
        nonlocal decoding, most
        with lock:
            decoding += 1
            most = max(most, decoding)
            reserved_while_decoding.append(small_budget.in_use)
        try:
            return real(data, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                decoding -= 1

    monkeypatch.setattr(rendering, "decode_checked", spy)
    b64 = base64.b64encode(_png(800)).decode()
    results = await asyncio.gather(*(decode_and_thumbnail(b64) for _ in range(8)))
    assert all(decoded.width == 800 for decoded, _ in results)
    assert most == 1
    assert reserved_while_decoding == [640_000] * 8
    assert small_budget.peak == 640_000


def test_the_budget_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagechat.settings import get_settings

    monkeypatch.setenv("IMAGECHAT_DECODE_BUDGET_MPX", "12.5")
    get_settings.cache_clear()
    set_decode_budget(None)
    try:
        assert budget_module.decode_budget().capacity == 12_500_000
    finally:
        get_settings.cache_clear()
        set_decode_budget(None)
