"""One budget per process for decoded pixels, so concurrent image work cannot exhaust memory.

A decoded image costs about 4 bytes per pixel in Pillow (RGB is stored as RGBX), so a
40-megapixel image holds 160 MB while it is converted. Downloads, masks, edits' sources,
attachments, provider replies and thumbnails all decode untrusted or stored images; twelve at
once used to take 2 GB. Every such decode first reserves its pixels here (an async weighted
semaphore, counted in pixels) and at most ``slots`` decodes run at once (the work is CPU-bound:
more than the cores in flight only holds memory). Waiting is fine; unbounded concurrency is not.

The reservation is taken in the event loop *before* the work goes to a worker thread, so a
waiting request holds neither a thread nor the image's bytes.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class _Waiter:
    pixels: int
    future: asyncio.Future[None] = field(repr=False)


class PixelBudget:
    """A FIFO weighted semaphore in pixels, plus a cap on how many reservations run at once.

    A reservation larger than the whole budget is granted the whole budget (it then runs
    alone): the per-image pixel limit, not this budget, decides what may be decoded at all.
    Waiters are served in arrival order, so a large image is never starved by small ones.
    """

    def __init__(self, megapixels: float, slots: int) -> None:
        if megapixels <= 0 or slots < 1:
            raise ValueError("the decode budget needs a positive size and at least one slot")
        self.capacity = int(megapixels * 1_000_000)
        self.slots = slots
        self.in_use = 0  # pixels reserved now
        self.running = 0  # reservations held now
        self.peak = 0  # most pixels ever reserved at once (for tests and benchmarks)
        self._waiters: deque[_Waiter] = deque()

    def _fits(self, pixels: int) -> bool:
        return self.running < self.slots and self.in_use + pixels <= self.capacity

    def _take(self, pixels: int) -> None:
        self.in_use += pixels
        self.running += 1
        self.peak = max(self.peak, self.in_use)

    def _wake(self) -> None:
        while self._waiters:
            head = self._waiters[0]
            if head.future.done():  # cancelled while waiting
                self._waiters.popleft()
                continue
            if not self._fits(head.pixels):
                return
            self._waiters.popleft()
            self._take(head.pixels)
            head.future.set_result(None)

    @asynccontextmanager
    async def reserve(self, pixels: int) -> AsyncIterator[None]:
        """Hold ``pixels`` of the budget (and one slot) for the body of the ``async with``."""
        pixels = min(max(int(pixels), 1), self.capacity)
        if not self._waiters and self._fits(pixels):
            self._take(pixels)
        else:
            waiter = _Waiter(pixels, asyncio.get_running_loop().create_future())
            self._waiters.append(waiter)
            try:
                await waiter.future
            except asyncio.CancelledError:
                if waiter.future.done() and not waiter.future.cancelled():
                    self._release(pixels)  # granted just as we were cancelled
                else:
                    self._wake()  # a smaller waiter behind us may fit now
                raise
        try:
            yield
        finally:
            self._release(pixels)

    def _release(self, pixels: int) -> None:
        self.in_use -= pixels
        self.running -= 1
        self._wake()

    async def run(self, pixels: int, func: Callable[..., T], /, *args: object) -> T:
        """``func(*args)`` in a worker thread while ``pixels`` are reserved."""
        async with self.reserve(pixels):
            return await asyncio.to_thread(func, *args)


_budget: PixelBudget | None = None


def default_slots() -> int:
    return max(2, os.cpu_count() or 2)


def decode_budget() -> PixelBudget:
    """The process-wide budget, sized by ``IMAGECHAT_DECODE_BUDGET_MPX`` on first use."""
    global _budget
    if _budget is None:
        from imagechat.settings import get_settings

        _budget = PixelBudget(get_settings().imagechat_decode_budget_mpx, default_slots())
    return _budget


def set_decode_budget(budget: PixelBudget | None) -> None:
    """Replace the process-wide budget (tests); None goes back to the configured one."""
    global _budget
    _budget = budget


# glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8
_MALLOC_TUNING = {
    # Pillow allocates pixels in 16 MB blocks and image bytes are tens of MB: glibc's *dynamic*
    # mmap threshold rises to those sizes after the first free, so later ones land in per-thread
    # arenas (up to 8 per core) that are never given back. A fixed 1 MB threshold keeps big
    # buffers in mmap (returned on free); two arenas and a 1 MB trim threshold bound the rest.
    # Measured (bench/abuse.py, 12 JPG downloads of 40 MPx): retained RSS after 763 -> 389 MB.
    "MALLOC_ARENA_MAX": (_M_ARENA_MAX, 2),
    "MALLOC_MMAP_THRESHOLD_": (_M_MMAP_THRESHOLD, 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": (_M_TRIM_THRESHOLD, 1024 * 1024),
}


def tune_malloc() -> list[str]:
    """Make glibc give freed image memory back to the system (in-process, so it holds however
    the app is started); a variable the operator set in the environment wins. Returns the
    settings applied; nothing on a libc without ``mallopt`` (musl, macOS)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return []
    applied = []
    for name, (param, value) in _MALLOC_TUNING.items():
        if name not in os.environ and mallopt(param, value) == 1:
            applied.append(name)
    return applied
