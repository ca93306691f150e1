"""The demo image model's live previews: a streamer (imagechat.providers.streaming) for the
catalog provider "demo".

It makes the same picture the demo's `aimage_generation` / `aimage_edit` make for those
arguments (size, style, quality, background, output format and compression; for an edit the
sources and mask), then shows it sharpening: partial k of K is the final picture scaled down
and blurred, less for each k, in the requested format. A short pause before each event
(`IMAGECHAT_DEMO_PARTIAL_DELAY` seconds, default `PARTIAL_DELAY`) lets a person, or a browser
test, see the previews. The Pillow work runs in worker threads.

n is 1 per stream: the generator streams each image of a request on its own, at the same time.
So that those come out as different variations (as n=3 through litellm would), a stream takes
the lowest variation index not already taken by a stream of the very same request still
running; a request on its own gets variation 0, the picture litellm's path makes first.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Final

from PIL import Image, ImageFilter

from imagechat.providers.streaming import (
    FinalImage,
    PartialImage,
    StreamEvent,
    StreamRequest,
    register_streamer,
)

from .constants import MAX_PROMPT_CHARS
from .images import ImageParams, edit_revised_prompt, resolve_image_params, revised_prompt
from .render import edit_picture, encode_picture, has_transparency, render_picture

STREAM_PROVIDER: Final = "demo"  # the catalog's provider name of the demo models
PARTIAL_DELAY_ENV: Final = "IMAGECHAT_DEMO_PARTIAL_DELAY"
PARTIAL_DELAY: float = 0.25  # seconds before each partial image and before the final one
MAX_PARTIAL_IMAGES: Final = 3
MAX_PARTIAL_DELAY: Final = 30.0

_IN_FLIGHT: dict[str, set[int]] = {}  # request fingerprint -> variation indexes being streamed


def partial_delay() -> float:
    """Seconds between events: $IMAGECHAT_DEMO_PARTIAL_DELAY when set to a number, else
    PARTIAL_DELAY."""
    raw = os.environ.get(PARTIAL_DELAY_ENV, "").strip()
    if raw:
        try:
            return max(0.0, min(MAX_PARTIAL_DELAY, float(raw)))
        except ValueError:
            pass
    return max(0.0, PARTIAL_DELAY)


def preview_of(picture: Image.Image, k: int, total: int) -> Image.Image:
    """Partial image k (0-based) of `total`: the picture at a fraction of its resolution,
    blurred and scaled back up; each later one keeps twice the detail of the one before
    (the last at 1/8 of the resolution)."""
    w, h = picture.size
    scale = 1 / (8 * 2 ** (total - 1 - k))
    small_size = (max(2, round(w * scale)), max(2, round(h * scale)))
    alpha = picture.mode == "RGBA"
    img = picture.convert("RGBa") if alpha else picture.convert("RGB")  # premultiplied: no halos
    small = img.resize(small_size, Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(0.8))
    big = small.resize((w, h), Image.Resampling.BICUBIC)
    return big.convert("RGBA") if alpha else big


def _fingerprint(request: StreamRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.model.encode())
    digest.update(json.dumps(request.kwargs, sort_keys=True, default=str).encode())
    for source in request.sources:
        digest.update(hashlib.sha256(source).digest())
    digest.update(hashlib.sha256(request.mask or b"").digest())
    return digest.hexdigest()


@contextmanager
def _variation(request: StreamRequest) -> Iterator[tuple[int, Callable[[], None]]]:
    """The variation index this stream draws; given back when the stream ends."""
    key = _fingerprint(request)
    taken = _IN_FLIGHT.setdefault(key, set())
    index = next(i for i in range(len(taken) + 1) if i not in taken)
    taken.add(index)

    def release() -> None:
        taken.discard(index)
        if not taken and _IN_FLIGHT.get(key) is taken:
            del _IN_FLIGHT[key]

    try:
        yield index, release
    finally:
        release()


def _picture(request: StreamRequest, prompt: str, params: ImageParams, index: int) -> Image.Image:
    if request.sources:
        return edit_picture(
            request.sources,
            prompt,
            size=params.size,
            style=params.style,
            index=index,
            mask=request.mask,
            background=params.background,
        )
    return render_picture(
        prompt,
        size=params.size,
        style=params.style,
        quality=params.quality,
        background=params.background,
        index=index,
    )


def _encode(img: Image.Image, params: ImageParams, transparent: bool, *, fast: bool) -> str:
    data = encode_picture(
        img,
        output_format=params.output_format,
        output_compression=params.output_compression,
        transparent=transparent,
        fast=fast,
    )
    return base64.b64encode(data).decode("ascii")


def _preview(
    picture: Image.Image, k: int, total: int, params: ImageParams, transparent: bool
) -> str:
    return _encode(preview_of(picture, k, total), params, transparent, fast=True)


async def stream_demo(request: StreamRequest) -> AsyncIterator[StreamEvent]:
    """Partial images 0..K-1 (K = request.partial_images, at most 3), then the final image."""
    params = resolve_image_params(request.kwargs)
    prompt = str(request.kwargs.get("prompt") or "")[:MAX_PROMPT_CHARS]
    total = max(0, min(MAX_PARTIAL_IMAGES, int(request.partial_images or 0)))
    delay = partial_delay()
    if request.sources:
        revised = edit_revised_prompt(prompt, 0, 1, len(request.sources))
    else:
        revised = revised_prompt(prompt, params.style, 0, 1)
    with _variation(request) as (index, release):
        picture = await asyncio.to_thread(_picture, request, prompt, params, index)
        if request.sources:
            transparent = has_transparency(picture)
        else:
            transparent = params.background == "transparent"
        for k in range(total):
            preview = await asyncio.to_thread(_preview, picture, k, total, params, transparent)
            await asyncio.sleep(delay)
            yield PartialImage(b64_json=preview, index=k)
        final = await asyncio.to_thread(
            _encode, picture, params, transparent, fast=params.quality == "low"
        )
        await asyncio.sleep(delay)
        release()  # done: the consumer may stop reading after the final image
        yield FinalImage(b64_json=final, usage=None, revised_prompt=revised)


def register_demo_streamer() -> None:
    """Make `streamer_for("demo")` the demo's streamer (idempotent)."""
    register_streamer(STREAM_PROVIDER)(stream_demo)


register_demo_streamer()
