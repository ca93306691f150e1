"""GPT Image partial-image streaming through the official `openai` SDK (litellm's Images
streaming is broken in current releases: BerriAI/litellm #19569, #16059)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import openai

from imagechat.providers.reply_cap import cap_for_images, capped_sdk_http_client
from imagechat.providers.streaming import (
    FinalImage,
    PartialImage,
    StreamEvent,
    StreamRequest,
    register_streamer,
)


def _client(request: StreamRequest) -> openai.AsyncOpenAI:
    # no SDK retries: rate limits are retried by the generator with backoff and Retry-After;
    # the stream's bytes are capped at its previews' and image's worth (reply_cap)
    return openai.AsyncOpenAI(
        api_key=request.api_key or "not-needed",
        base_url=request.api_base,
        max_retries=0,
        timeout=request.timeout,
        http_client=capped_sdk_http_client(
            cap_for_images(request.partial_images + 1, request.kwargs.get("size"))
        ),
    )


async def stream_openai_image(request: StreamRequest) -> AsyncIterator[StreamEvent]:
    """One image, its partial images first (`image_generation.*` or `image_edit.*` events)."""
    kwargs: dict[str, Any] = dict(request.kwargs)
    async with _client(request) as client:
        if request.sources:
            files = [
                (f"image-{i}.png", io.BytesIO(data), "image/png")
                for i, data in enumerate(request.sources)
            ]
            if request.mask is not None:
                kwargs["mask"] = ("mask.png", io.BytesIO(request.mask), "image/png")
            stream = await client.images.edit(
                model=request.model,
                image=files,
                stream=True,
                partial_images=request.partial_images,
                **kwargs,
            )
        else:
            stream = await client.images.generate(
                model=request.model,
                stream=True,
                partial_images=request.partial_images,
                **kwargs,
            )
        # The SDK's own event generator, iterated and closed here, in this task: left to the
        # garbage collector (after a break, a Stop or an error) it is closed from another task,
        # and its httpx response's cancel scope then breaks unrelated requests of the app
        # ("Attempted to exit a cancel scope that isn't the current task's").
        events = getattr(stream, "_iterator", None) or stream.__aiter__()
        final: FinalImage | None = None
        try:
            async for event in events:
                if event.type.endswith(".partial_image"):
                    yield PartialImage(event.b64_json, event.partial_image_index)
                elif event.type.endswith(".completed"):
                    usage = event.usage.model_dump() if getattr(event, "usage", None) else None
                    final = FinalImage(event.b64_json, usage=usage)
        finally:
            await events.aclose()
        if final is not None:
            yield final


register_streamer("openai")(stream_openai_image)
register_streamer("custom")(stream_openai_image)
