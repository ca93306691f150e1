"""Chainlit side of image creation: a progress step, and a message whose ImageGallery element
shows a placeholder per pending image (with its latest live preview, while the model streams
partial images) and each thumbnail as soon as it lands."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import chainlit as cl

from imagechat.generation import GenerationResult, ImageResult, Lineage
from imagechat.image_params import GenerationPlan
from imagechat.imaging import DecodedImage, Thumbnail, safe_filename
from imagechat.settings import get_settings
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.turns import TURN_KEY
from imagechat.ui.generation_runs import RunTracker

GALLERY_ELEMENT = "ImageGallery"
# Live previews update the element at most this often (seconds) per run; the latest one is
# always shown, a moment later at most.
PARTIAL_REFRESH_INTERVAL = 0.15


def _dims(size: str, fallback: int = 1024) -> tuple[int, int]:
    if "x" in size:
        w, h = size.split("x", 1)
        if w.isdigit() and h.isdigit():
            return int(w), int(h)
    return fallback, fallback


def thumb_data_url(thumb: Thumbnail) -> str:
    """The thumbnail as the data URL the gallery element shows."""
    return f"data:{thumb.mime};base64,{base64.b64encode(thumb.data).decode('ascii')}"


def format_cost(cost: float | None) -> str:
    if cost is None:
        return "cost unknown"
    return f"${cost:.3f}" if cost < 0.1 else f"${cost:.2f}"


class ChainlitGallery:
    """Starts one `GalleryRun` per generate_image call of a conversation."""

    def __init__(
        self,
        *,
        layer: ImageChatDataLayer,
        user: str,
        thread_id: str,
        actions: Callable[[], list[cl.Action]],
        on_cost: Callable[[float], float],
    ) -> None:
        self.layer = layer
        self.user = user
        self.thread_id = thread_id
        self.actions = actions
        self.on_cost = on_cost

    async def begin(
        self,
        plan: GenerationPlan,
        summary: str,
        notes: list[str],
        lineage: Lineage | None = None,
    ) -> GalleryRun:
        run = GalleryRun(self, plan, summary, notes, lineage)
        await run.start()
        return run

    async def notice(self, text: str) -> None:
        """A warning toast: nothing is added to the conversation."""
        await cl.context.emitter.send_toast(text, "warning")


class GalleryRun:
    def __init__(
        self,
        owner: ChainlitGallery,
        plan: GenerationPlan,
        summary: str,
        notes: list[str],
        lineage: Lineage | None = None,
    ) -> None:
        self.owner = owner
        self.lineage = lineage
        self.plan = plan
        self.summary = summary
        self.notes = notes
        self.started = time.monotonic()
        width, height = _dims(plan.used.size)
        self.images: list[dict[str, Any]] = [
            {
                "id": None,
                "status": "pending",
                "thumb": None,
                "width": width,
                "height": height,
                "prompt": plan.used.prompt,
                "revised_prompt": None,
                "model": plan.used.model_label,
                "size": plan.used.size,
                "quality": plan.used.quality or plan.used.quality_asked,
                "style": plan.used.style or plan.used.style_asked,
                "cost": None,
                "elapsed_ms": None,
                "error": None,
                "filename": safe_filename(plan.used.prompt, i + 1 if plan.n > 1 else None, "png")[
                    : -len(".png")
                ],
                "parent_id": lineage.parent_id if lineage else None,
                "lineage": lineage.label if lineage else None,
                "partial": None,  # while pending: the latest live preview (a data URL)
                "partial_index": None,  # and its 0-based index among the partial images
            }
            for i in range(plan.n)
        ]
        self.element = cl.CustomElement(name=GALLERY_ELEMENT, props={}, display="inline")
        self.element.props = self._props()
        verb = "Editing" if lineage and lineage.label.startswith("Edited") else "Creating"
        self.message = cl.Message(
            content=f"{verb} {summary}…", elements=[self.element], actions=owner.actions()
        )
        # One answer is deleted as a unit (imagechat.turns): the steps of a chat turn share its
        # run's id, an action's gallery (Variations, Edit, Retry) is a unit of its own.
        run = cl.context.current_run
        turn = {TURN_KEY: run.id if run is not None else self.message.id}
        self.message.metadata = {**(self.message.metadata or {}), **turn}
        self.step = cl.Step(name="Image creation", type="tool", show_input=False, metadata=turn)
        self.tracker = RunTracker(
            owner.layer,
            self.element.id,
            owner.thread_id,
            get_settings().imagechat_generation_heartbeat,
        )
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._last_refresh = float("-inf")  # time.monotonic() of the last element update
        self._previews_dirty = False  # a preview arrived that the element does not show yet
        self._preview_flush: asyncio.Task[None] | None = None

    def _props(self) -> dict[str, Any]:
        # the message text already carries the summary line (with cost and time)
        return {
            "images": self.images,
            "summary": None,
            "notes": self.notes,
            "gallery_id": self.element.id,
            "request": self._retry_request(),
        }

    def _retry_request(self) -> dict[str, Any] | None:
        """What Retry needs to make the same images again after an interruption (plain
        generations only: an edit's source images and mask are not kept with the gallery)."""
        if self.lineage is not None or not self.plan.requests:
            return None
        kwargs = {k: v for k, v in self.plan.requests[0].kwargs.items() if k != "n"}
        return {"model": self.plan.used.model_id, "used": asdict(self.plan.used), "kwargs": kwargs}

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def _progress(self) -> str:
        done = sum(1 for i in self.images if i["status"] != "pending")
        return f"Creating {self.summary} — {done}/{len(self.images)} ready · {self._elapsed()}"

    async def start(self) -> None:
        await self.tracker.start()
        self.step.output = self._progress()
        await self.step.send()
        await self.message.send()
        self._ticker = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self.step.output = self._progress()
            await self.step.update()
            await self.tracker.beat()

    async def _refresh(self) -> None:
        async with self._lock:
            self._previews_dirty = False  # these props carry every preview so far
            self.element.props = self._props()
            self._last_refresh = time.monotonic()
            await self.element.update()

    async def _flush_previews(self) -> None:
        """Show the latest previews as soon as the interval since the last update has passed,
        until none is waiting (one may arrive while an update is on its way)."""
        try:
            while True:
                wait = self._last_refresh + PARTIAL_REFRESH_INTERVAL - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                elif self._previews_dirty:
                    await self._refresh()
                else:
                    return
        finally:
            if self._preview_flush is asyncio.current_task():
                self._preview_flush = None

    # ImageStore
    async def __call__(
        self, image: DecodedImage, thumb: Thumbnail, data_b64: str, meta: dict[str, Any]
    ) -> str:
        return await self.owner.layer.save_image(
            user_identifier=self.owner.user,
            thread_id=self.owner.thread_id,
            step_id=self.message.id,
            data_b64=data_b64,
            mime=image.mime,
            width=image.width,
            height=image.height,
            thumb_b64=base64.b64encode(thumb.data).decode("ascii"),
            thumb_mime=thumb.mime,
            prompt=meta.get("prompt"),
            revised_prompt=meta.get("revised_prompt"),
            model=meta.get("model"),
            params={
                **(meta.get("params") or {}),
                "parent_id": meta.get("parent_id"),
                "lineage": meta.get("lineage"),
            },
            cost=meta.get("cost"),
        )

    # ImageSink
    async def image_partial(self, index: int, preview: Thumbnail, partial_index: int) -> None:
        """A live preview of a pending image (partial image `partial_index`, 0-based). The
        element is updated at most every PARTIAL_REFRESH_INTERVAL; the latest preview always
        gets shown (unless the image lands first)."""
        entry = self.images[index]
        if entry["status"] != "pending":
            return  # landed (or failed) already: a late preview must not come back
        entry.update(partial=thumb_data_url(preview), partial_index=partial_index)
        self._previews_dirty = True
        if self._preview_flush is not None:
            return  # the scheduled update will carry this preview
        if time.monotonic() - self._last_refresh >= PARTIAL_REFRESH_INTERVAL:
            await self._refresh()
        else:
            self._preview_flush = asyncio.create_task(self._flush_previews())

    async def _stop_preview_flush(self) -> None:
        task, self._preview_flush = self._preview_flush, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def image_done(self, result: ImageResult) -> None:
        entry = self.images[result.index]
        entry.update(partial=None, partial_index=None)
        if result.ok and result.thumb is not None:
            entry.update(
                id=result.id,
                status="ready",
                thumb=thumb_data_url(result.thumb),
                width=result.width,
                height=result.height,
                revised_prompt=result.revised_prompt,
                cost=result.cost,
                elapsed_ms=result.elapsed_ms,
            )
        else:
            entry.update(status="failed", error=(result.error or "Failed.").replace("**", ""))
        await self._refresh()

    async def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

    async def finish(self, result: GenerationResult) -> None:
        await self._stop_ticker()
        await self._stop_preview_flush()
        await self.tracker.end()
        total = self.owner.on_cost(result.cost or 0.0)
        made, failed = len(result.made), len(result.failed)
        head = f"**{made} of {len(result.images)} images** · " if failed else ""
        if made == 0:
            reasons = dict.fromkeys(image.error or "Failed." for image in result.failed)
            lines = ["**No image could be created.**", *reasons]
        else:
            lines = [
                f"{head}{self.summary} · {format_cost(result.cost)} · "
                f"{result.elapsed_ms / 1000:.1f} s · conversation total {format_cost(total)}"
            ]
            for image in result.failed:
                lines.append(f"- Image {image.index + 1} failed: {image.error}")
        self.message.content = "\n".join(lines)
        await self.message.update()
        self.step.output = f"Made {made} of {len(result.images)} images in {self._elapsed()}"
        if failed:
            self.step.is_error = made == 0
        await self.step.update()

    async def cancelled(self) -> None:
        """Stop: the images already made stay; the others show as stopped (not failed). The
        answer below carries the one "Stopped." note, so this message only counts."""
        await self._stop_ticker()
        await self._stop_preview_flush()
        await self.tracker.end()
        for entry in self.images:
            if entry["status"] == "pending":
                entry.update(status="stopped", error=None, partial=None, partial_index=None)
        await self._refresh()
        made = [entry for entry in self.images if entry["status"] == "ready"]
        total = self.owner.on_cost(sum(entry["cost"] or 0.0 for entry in made))
        count = f"{len(made)} of {len(self.images)} images made"
        self.message.content = (
            f"**{count}** · {self.summary} · conversation total {format_cost(total)}"
            if made
            else f"{count} · {self.summary}"
        )
        await self.message.update()
        self.step.output = f"Made {len(made)} of {len(self.images)} images in {self._elapsed()}"
        await self.step.update()
