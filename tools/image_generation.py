"""The `generate_image` tool: validate the LLM's arguments, fit them to the image model, make
the images, and tell the model what was made (ids and revised prompts)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from imagechat.catalog import ImageModel
from imagechat.conversation import ToolSpec
from imagechat.generation import (
    GenerationResult,
    Generator,
    ImageSink,
    ImageStore,
    Lineage,
    RetryPolicy,
    SourceImage,
)
from imagechat.image_budget import Allowance, ImageBudget
from imagechat.image_params import (
    GENERATE_IMAGE_DESCRIPTION,
    GENERATE_IMAGE_SCHEMA,
    TOOL_NAME,
    GenerationPlan,
    describe_plan,
    parse_args,
    plan_generation,
)
from imagechat.llm import Endpoint


class GalleryRun(ImageSink, ImageStore, Protocol):
    """The page side of one generation: placeholders, images as they land, the end."""

    async def finish(self, result: GenerationResult) -> None: ...

    async def cancelled(self) -> None: ...


class GalleryUI(Protocol):
    async def begin(
        self,
        plan: GenerationPlan,
        summary: str,
        notes: list[str],
        lineage: Lineage | None = None,
    ) -> GalleryRun: ...

    async def notice(self, text: str) -> None:
        """Tell the person something about their images that no gallery shows."""


@dataclass
class ImageToolConfig:
    model: ImageModel
    endpoint: Endpoint
    timeout: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: list[str] = field(default_factory=list)
    # An agent's image defaults (size, quality, style, n): used for arguments the LLM left out
    # or left at "auto".
    defaults: dict[str, Any] = field(default_factory=dict)
    moderation: str | None = None  # the operator's moderation level for GPT Image models
    partial_images: int = 2  # previews per streamed image (0: no live previews)
    # images this answer may still make: shared by every tool call of one answer
    budget: ImageBudget = field(default_factory=lambda: ImageBudget(limit=10))

    def generator(self, run: GalleryRun) -> Generator:
        """A generator for this model that shows and stores its images through `run`."""
        return Generator(
            model=self.model,
            endpoint=self.endpoint,
            store=run,
            sink=run,
            timeout=self.timeout,
            retry=self.retry,
            secrets=self.secrets,
            partial_images=self.partial_images,
        )


def with_defaults(raw: Any, defaults: dict[str, Any]) -> Any:
    """The LLM's arguments, with `defaults` filling those it did not give (or gave as "auto")."""
    if not defaults or not isinstance(raw, dict):
        return raw
    filled = dict(raw)
    for key, value in defaults.items():
        if filled.get(key) is None or filled.get(key) == "auto":
            filled[key] = value
    return filled


async def produce(
    config: ImageToolConfig,
    ui: GalleryUI,
    plan: GenerationPlan,
    prompt: str,
    notes: list[str],
    *,
    sources: list[SourceImage] | None = None,
    mask: bytes | None = None,
    lineage: Lineage | None = None,
) -> GenerationResult:
    """Show a gallery for `plan`, make its images into it, and finish it; on Stop, mark the
    pending images stopped and let the cancellation go on."""
    run = await ui.begin(plan, describe_plan(plan), notes, lineage)
    try:
        result = await config.generator(run).run(
            plan, prompt, sources=sources, mask=mask, lineage=lineage
        )
    except asyncio.CancelledError:
        await asyncio.shield(run.cancelled())
        raise
    result.notes = notes
    await run.finish(result)
    return result


def image_generation_tool(config: ImageToolConfig, ui: GalleryUI) -> ToolSpec:
    """The tool offered to the LLM when Image creation is on."""

    async def handler(raw: dict[str, Any]) -> str:
        args, arg_notes = parse_args(with_defaults(raw, config.defaults))
        args, allowance = config.budget.cap(args)
        if allowance.n == 0:
            return await refused(config, ui, allowance)
        plan = plan_generation(args, config.model, moderation=config.moderation)
        notes = [*arg_notes, *plan.notes, *allowance.notes]
        result = await produce(config, ui, plan, args.prompt, notes)
        return tool_result(plan, result)

    return ToolSpec(
        name=TOOL_NAME,
        description=GENERATE_IMAGE_DESCRIPTION,
        parameters=GENERATE_IMAGE_SCHEMA,
        handler=handler,
    )


async def refused(config: ImageToolConfig, ui: GalleryUI, allowance: Allowance) -> str:
    """The answer's image budget is spent: tell the person (once) and the model (each time)."""
    reason = allowance.note or "No more images can be made in this answer."
    if not config.budget.announced:
        config.budget.announced = True
        await ui.notice(reason)
    payload = {
        "status": "refused",
        "reason": reason,
        "instruction": "Do not call image tools again in this answer; tell the person briefly.",
    }
    return json.dumps(payload, ensure_ascii=False)


def tool_result(
    plan: GenerationPlan, result: GenerationResult, parent_id: str | None = None
) -> str:
    """What the LLM is told: ids and revised prompts of what was made, what failed and why."""
    used = plan.used
    payload: dict[str, Any] = {
        "status": "ok" if not result.failed else ("partial" if result.made else "failed"),
        "model": used.model_label,
        "size": used.size,
        "quality": used.quality or "default",
        "images": [
            {"id": image.id, "revised_prompt": image.revised_prompt}
            | ({"parent_id": parent_id} if parent_id else {})
            for image in result.made
        ],
        "shown_to_user": True,
    }
    if result.failed:
        payload["failed"] = [
            {"index": image.index + 1, "reason": image.error} for image in result.failed
        ]
        payload["instruction"] = (
            "Tell the person briefly which images failed and why; do not retry on your own."
        )
    if result.notes:
        payload["notes"] = result.notes
    return json.dumps(payload, ensure_ascii=False)
