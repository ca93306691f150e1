"""This process's side of the running-generation rows (``imagechat.storage.runs``): its boot
id, the galleries it is filling, and the heartbeat that tells other processes it still is."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid

from imagechat.storage.runs import RunsMixin

log = logging.getLogger("imagechat.ui")

#: Picked once per process: rows naming it belong to this process.
BOOT_ID = str(uuid.uuid4())
_running: set[str] = set()


def running_here(gallery_id: str) -> bool:
    return gallery_id in _running


def stale_after(heartbeat: float) -> float:
    """Seconds of silence after which another process's generation counts as interrupted."""
    return 3 * heartbeat


class RunTracker:
    """Records one gallery's generation as running, beats while it runs, forgets it at the end.

    A failing database write is logged and never stops the generation: at worst a resumed
    conversation elsewhere shows the gallery as interrupted a little early.
    """

    def __init__(self, layer: RunsMixin, gallery_id: str, thread_id: str, heartbeat: float):
        self.layer = layer
        self.gallery_id = gallery_id
        self.thread_id = thread_id
        self.heartbeat = heartbeat
        self._last = time.monotonic()

    async def start(self) -> None:
        _running.add(self.gallery_id)
        self._last = time.monotonic()
        try:
            await self.layer.start_generation_run(self.gallery_id, self.thread_id, BOOT_ID)
        except Exception:
            log.exception("could not record a running generation")

    async def beat(self) -> None:
        """Refresh the heartbeat when it is due (call as often as you like)."""
        if time.monotonic() - self._last < self.heartbeat:
            return
        self._last = time.monotonic()
        try:
            await self.layer.beat_generation_run(self.gallery_id)
        except Exception:
            log.exception("could not refresh a running generation")

    async def end(self) -> None:
        _running.discard(self.gallery_id)
        with contextlib.suppress(Exception):
            await self.layer.end_generation_run(self.gallery_id)
