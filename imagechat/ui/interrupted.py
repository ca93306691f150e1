"""Galleries whose generation stopped with ImageChat (a crash, a restart): shown as
interrupted when the conversation resumes, with Retry (issue 11 point 12).

Whether a generation still runs is decided by ``imagechat.storage.runs.run_is_alive``: this
process knows its own; another process's generation lives while its heartbeat does. Nothing is
written at resume: the thread sent to the page gets the interrupted tiles, each time, until
Retry (or a later update of the gallery) settles them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import chainlit as cl
from chainlit.types import ThreadDict

from imagechat.chat_session import ChatSession
from imagechat.errors import UserFacingError
from imagechat.image_params import GenerationPlan, ProviderRequest
from imagechat.image_params.plan import UsedParams
from imagechat.llm import endpoint_for
from imagechat.settings import get_settings
from imagechat.storage.db import utcnow
from imagechat.storage.runs import run_is_alive
from imagechat.ui import image_tools, runtime
from imagechat.ui.gallery import GALLERY_ELEMENT
from imagechat.ui.generation_runs import BOOT_ID, running_here, stale_after
from tools.image_generation import produce

RETRY_ACTION = "image_retry"
_UNFINISHED = ("pending", "interrupted")
NOTHING_TO_RETRY = {"error": "There is nothing left to retry in this gallery."}


def _unfinished(props: dict[str, Any]) -> list[dict[str, Any]]:
    images = props.get("images") if isinstance(props, dict) else None
    return [
        img for img in images or [] if isinstance(img, dict) and img.get("status") in _UNFINISHED
    ]


async def _alive(thread_id: str, gallery_ids: list[str]) -> set[str]:
    runs = await runtime.get().data_layer.generation_runs_of(thread_id)
    stale = stale_after(get_settings().imagechat_generation_heartbeat)
    now = utcnow()
    return {
        gid
        for gid in gallery_ids
        if run_is_alive(
            runs.get(gid),
            boot_id=BOOT_ID,
            running_here=running_here(gid),
            now=now,
            stale_after=stale,
        )
    }


def _interrupted(props: dict[str, Any], retryable: bool) -> dict[str, Any]:
    images = [
        {**img, "status": "interrupted", "partial": None, "partial_index": None}
        if isinstance(img, dict) and img.get("status") == "pending"
        else img
        for img in props.get("images") or []
    ]
    return {**props, "images": images, "retryable": retryable}


async def mark(thread: ThreadDict) -> None:
    """Mark, in the thread about to be sent to the page, the pending tiles of galleries whose
    generation no process runs any more; their message says what was made."""
    galleries = [
        e
        for e in thread.get("elements") or []
        if e.get("name") == GALLERY_ELEMENT and _unfinished(e.get("props") or {})
    ]
    if not galleries:
        return
    alive = await _alive(thread["id"], [e["id"] for e in galleries])
    steps = {s["id"]: s for s in thread.get("steps") or []}
    for element in galleries:
        if element["id"] in alive:
            continue
        props = element.get("props") or {}
        element["props"] = _interrupted(props, retryable=bool(props.get("request")))  # type: ignore[typeddict-unknown-key]
        message = steps.get(element.get("forId") or "")
        if message is not None:
            images = props.get("images") or []
            made = sum(
                1 for img in images if isinstance(img, dict) and img.get("status") == "ready"
            )
            message["output"] = (
                f"{made} of {len(images)} images made before ImageChat stopped. "
                "Retry makes the others."
            )


def _plan(request: dict[str, Any], n: int, max_n: int) -> GenerationPlan:
    """The interrupted request again, for its `n` unfinished images."""
    per = max(1, max_n)
    counts = [per] * (n // per) + ([n % per] if n % per else [])
    kwargs = {k: v for k, v in (request.get("kwargs") or {}).items() if k != "n"}
    used = UsedParams(**{**request["used"], "n": n})
    return GenerationPlan(
        requests=[ProviderRequest({**kwargs, "n": c}, c) for c in counts],
        used=used,
        notes=[],
        estimated_cost=None,
    )


async def retry(
    session: ChatSession, gallery_id: str, actions: Callable[[], list[cl.Action]]
) -> dict[str, str] | None:
    """Make the unfinished images of an interrupted gallery, in a new message (its own answer,
    with its own 🗑); the old gallery keeps what it made and no longer offers Retry."""
    layer = runtime.get().data_layer
    thread_id = cl.context.session.thread_id
    element = await layer.get_element(thread_id, gallery_id) if gallery_id else None
    user = getattr(cl.user_session.get("user"), "identifier", None)
    if (
        element is None
        or element.get("name") != GALLERY_ELEMENT
        or not user
        or await layer.get_step_author(element.get("forId") or "") != user
    ):
        return image_tools.NOT_HERE
    props = element.get("props") or {}
    request = props.get("request")
    unfinished = _unfinished(props)
    if not isinstance(request, dict) or not unfinished:
        return NOTHING_TO_RETRY
    if await _alive(thread_id, [gallery_id]):
        return {"error": "These images are still being made. Wait for them."}
    try:
        config = image_tools.tool_config(session, session.select_model(None))
        model = session.catalog.image_model(str(request.get("model")))
        if model is None or not session.catalog.has_key(model):
            raise UserFacingError(
                "The image model of these images is not available any more. Ask for the "
                "images again in a message."
            )
        config = replace(
            config, model=model, endpoint=endpoint_for(model, session.settings, session.environ)
        )
        plan = _plan(request, len(unfinished), model.rules.max_n)
    except (UserFacingError, TypeError, KeyError) as exc:
        message = exc.message if isinstance(exc, UserFacingError) else None
        return {"error": message or "This gallery cannot be retried. Ask for the images again."}
    old = cl.CustomElement(
        id=gallery_id,
        name=GALLERY_ELEMENT,
        display="inline",
        for_id=element.get("forId"),
        props=_interrupted(props, retryable=False),
    )
    await old.update()
    try:
        await produce(config, image_tools.gallery_for(session, actions), plan, plan.used.prompt, [])
    except UserFacingError as exc:
        await cl.ErrorMessage(content=exc.message).send()
    return None
