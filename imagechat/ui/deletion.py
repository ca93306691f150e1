"""Deleting an answer from the live conversation, and the purge that makes it final.

The 🗑 action moves the answer's rows aside (``imagechat.storage.trash``), drops its messages
from the page and the model's history; Undo (``turns_api``) can bring them back for
IMAGECHAT_UNDO_SECONDS (plus ``UNDO_GRACE`` for a click on its way). After that a purge removes
the rows and images for good: scheduled after each delete, and run at start for whatever a
stopped process left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import chainlit as cl

from imagechat.history import messages_from_steps
from imagechat.settings import Settings
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.trash import DeletedTurnRecord
from imagechat.ui.generation_runs import stale_after

log = logging.getLogger("imagechat.ui")

#: Seconds Undo is still accepted after the page stopped offering it (a click on its way).
UNDO_GRACE = 5.0
_purges: set[asyncio.Task[None]] = set()


def undo_window(settings: Settings) -> float:
    return settings.imagechat_undo_seconds + UNDO_GRACE


async def purge(layer: ImageChatDataLayer, settings: Settings) -> None:
    """Remove, for good, the answers whose undo window has passed, and forget generations
    whose process went silent."""
    try:
        gone = await layer.purge_deleted_turns(older_than=undo_window(settings))
        runs = await layer.purge_stale_generation_runs(
            older_than=stale_after(settings.imagechat_generation_heartbeat)
        )
    except Exception:
        log.exception("could not purge deleted answers")
        return
    if gone or runs:
        log.info("purged %d deleted answers and %d stale generations", gone, runs)


def schedule_purge(layer: ImageChatDataLayer, settings: Settings) -> None:
    """Purge once this delete's undo window has passed."""

    def start() -> None:
        task = asyncio.ensure_future(purge(layer, settings))
        _purges.add(task)
        task.add_done_callback(_purges.discard)

    asyncio.get_running_loop().call_later(undo_window(settings) + 1.0, start)


async def delete_answer(
    layer: ImageChatDataLayer, settings: Settings, head_id: str, user: str
) -> tuple[DeletedTurnRecord, list[dict]] | None:
    """Delete the answer ``head_id`` (with its galleries, tool steps and images) from the live
    page; returns what went and the model's history rebuilt without it (None: not deletable)."""
    deleted = await layer.delete_turn_for_user(head_id, user)
    if deleted is None:
        return None
    for step_id in deleted.step_ids:  # the page drops each (Chainlit has no bulk event)
        with contextlib.suppress(Exception):
            await cl.context.emitter.emit("delete_message", {"id": step_id})
    schedule_purge(layer, settings)
    thread = await layer.get_thread_for_user(deleted.thread_id, user)
    return deleted, messages_from_steps(list((thread or {}).get("steps") or []))
