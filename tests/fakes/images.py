"""Real pictures for the fake Images API, its response bodies and its stream events.

Shapes follow the official ``openai`` SDK **3.57.0**: ``types/images_response.py``
(``ImagesResponse``: ``created``, ``data[].b64_json``, ``background``, ``output_format``,
``quality``, ``size``, ``usage`` with ``input_tokens_details`` and ``output_tokens_details``,
``safety_identifier``) and ``types/image_gen_*_event.py`` / ``types/image_edit_*_event.py``
(``image_generation.partial_image`` / ``image_generation.completed`` and ``image_edit.*``).
GPT image models never return ``url`` or ``revised_prompt``.

Pictures are cheap to make even at 3840x2160: a solid colour, the prompt written on it, maybe a
thumbnail of the first input image, encoded with fast settings. Partial images are pixelated
versions of the final picture (coarser for earlier partials), so they decode to the requested
size and format but visibly differ from the final one.
"""

from __future__ import annotations

import base64
import colorsys
import hashlib
import io
import textwrap
import time
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tests.fakes.rules import STANDARD_SIZES, ImageJob

# Output tokens per image by quality and shape at the standard sizes (low/medium/high: OpenAI's
# published table for GPT image models; xhigh/max extrapolated). Other sizes scale the square
# figure by their pixel count.
OUTPUT_TOKENS = {
    "low": {"square": 272, "portrait": 408, "landscape": 400},
    "medium": {"square": 1056, "portrait": 1584, "landscape": 1568},
    "high": {"square": 4160, "portrait": 6240, "landscape": 6208},
    "xhigh": {"square": 6240, "portrait": 9360, "landscape": 9312},
    "max": {"square": 8320, "portrait": 12480, "landscape": 12416},
}
IMAGE_INPUT_TOKENS = 323
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
SQUARE_PIXELS = 1024 * 1024


def colour_for(prompt: str, index: int = 0) -> tuple[int, int, int]:
    """A stable, fairly saturated colour derived from a hash of the prompt."""
    digest = hashlib.sha256(prompt.encode()).digest()
    hue = (digest[0] / 255 + index * 0.13) % 1.0
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.45 + digest[1] / 1020, 0.55 + digest[2] / 1020)
    return int(red * 255), int(green * 255), int(blue * 255)


@lru_cache(maxsize=4)
def _canvas(
    prompt: str,
    width: int,
    height: int,
    index: int,
    transparent: bool,
    thumbnail: bytes | None,
) -> Image.Image:
    """The final picture, unencoded (treat as read-only: it is cached)."""
    colour = colour_for(prompt, index)
    img = Image.new("RGBA", (width, height), (*colour, 255))
    if transparent:
        margin = min(width, height) // 16
        img.paste((0, 0, 0, 0), (0, 0, width, margin))
    if thumbnail:
        _paste_thumbnail(img, thumbnail)
    _draw_text(img, prompt, colour)
    return img


def _encode(img: Image.Image, fmt: str, compression: int) -> bytes:
    out = io.BytesIO()
    pil_format = PIL_FORMATS[fmt]
    if pil_format == "PNG":
        img.save(out, "PNG", compress_level=1)
    elif pil_format == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=max(1, min(95, compression)))
    else:
        img.save(out, "WEBP", quality=max(1, compression), method=0)
    return out.getvalue()


@lru_cache(maxsize=64)
def render(
    prompt: str,
    width: int,
    height: int,
    index: int = 0,
    fmt: str = "png",
    transparent: bool = False,
    thumbnail: bytes | None = None,
    compression: int = 100,
) -> bytes:
    """Encode a picture: a solid colour, the prompt written on it, maybe a thumbnail."""
    canvas = _canvas(prompt, width, height, index, transparent, thumbnail)
    return _encode(canvas, fmt, compression)


@lru_cache(maxsize=64)
def render_partial(
    prompt: str,
    width: int,
    height: int,
    index: int,
    fmt: str,
    transparent: bool,
    thumbnail: bytes | None,
    compression: int,
    step: int,
    steps: int,
) -> bytes:
    """Partial ``step`` of ``steps`` (0-based): the final picture pixelated, coarser when early."""
    canvas = _canvas(prompt, width, height, index, transparent, thumbnail)
    block = 2 ** (steps - step + 2)  # 3 partials: 32, 16, 8 pixel blocks; 1 partial: 8
    small = canvas.resize((max(1, width // block), max(1, height // block)), Image.Resampling.BOX)
    return _encode(small.resize((width, height), Image.Resampling.NEAREST), fmt, compression)


def _paste_thumbnail(img: Image.Image, data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as source:
            thumb = source.convert("RGBA")
    except Exception:
        return
    thumb.thumbnail((img.width // 4, img.height // 4))
    img.paste(thumb, (8, 8), thumb)


def _draw_text(img: Image.Image, prompt: str, colour: tuple[int, int, int]) -> None:
    draw = ImageDraw.Draw(img)
    font_size = max(12, min(img.width, img.height) // 20)
    font = ImageFont.load_default(size=font_size)
    chars_per_line = max(8, int(img.width / (font_size * 0.6)) - 2)
    lines = textwrap.wrap(prompt[:2000], chars_per_line)[: max(1, img.height // (font_size * 2))]
    ink = (0, 0, 0, 255) if sum(colour) > 380 else (255, 255, 255, 255)
    y = img.height // 3
    for line in lines:
        draw.text((font_size, y), line, fill=ink, font=font)
        y += int(font_size * 1.3)


def _render_args(job: ImageJob, index: int) -> tuple[Any, ...]:
    width, height = job.width_height
    thumb = job.images[0].data if job.images else None
    text = f"EDIT: {job.prompt}" if job.images else job.prompt
    transparent = job.background == "transparent"
    return (text, width, height, index, job.output_format, transparent, thumb)


def job_images(job: ImageJob) -> list[bytes]:
    """Encode the n final pictures a job asks for."""
    return [render(*_render_args(job, i), job.output_compression) for i in range(job.n)]


def partial_images(job: ImageJob, index: int) -> list[bytes]:
    """Encode the ``partial_images`` partial pictures of image ``index`` of a streamed job."""
    steps = job.partial_images
    args = _render_args(job, index)
    return [render_partial(*args, job.output_compression, step, steps) for step in range(steps)]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def image_response(job: ImageJob, pictures: list[bytes]) -> dict[str, Any]:
    """The ImagesResponse JSON body for a finished (non-streamed) job."""
    body: dict[str, Any] = {
        "created": int(time.time()),
        "data": [{"b64_json": b64(pic)} for pic in pictures],
        "background": job.resolved_background,
        "output_format": job.output_format,
        "quality": job.resolved_quality,
        "size": job.resolved_size,
        "usage": usage_for(job),
    }
    if job.safety_identifier:
        body["safety_identifier"] = job.safety_identifier
    return body


def event_prefix(job: ImageJob) -> str:
    return "image_edit" if job.edit else "image_generation"


def _event_common(job: ImageJob, picture: bytes) -> dict[str, Any]:
    return {
        "b64_json": b64(picture),
        "background": job.resolved_background,
        "created_at": int(time.time()),
        "output_format": job.output_format,
        "quality": job.resolved_quality,
        "size": job.resolved_size,
    }


def partial_event(job: ImageJob, picture: bytes, partial_index: int) -> dict[str, Any]:
    """An ``image_generation.partial_image`` / ``image_edit.partial_image`` event."""
    return {
        "type": f"{event_prefix(job)}.partial_image",
        **_event_common(job, picture),
        "partial_image_index": partial_index,
    }


def completed_event(job: ImageJob, picture: bytes) -> dict[str, Any]:
    """An ``image_generation.completed`` / ``image_edit.completed`` event for one image."""
    event = {
        "type": f"{event_prefix(job)}.completed",
        **_event_common(job, picture),
        "usage": usage_for(job, images=1, details=False),
    }
    if job.safety_identifier:
        event["safety_identifier"] = job.safety_identifier
    return event


def output_tokens(quality: str, width: int, height: int) -> int:
    """Output tokens of one image: the table at standard sizes, scaled by pixels otherwise."""
    table = OUTPUT_TOKENS["medium" if quality == "auto" else quality]
    if f"{width}x{height}" in STANDARD_SIZES:
        shape = "square" if width == height else ("portrait" if height > width else "landscape")
        return table[shape]
    return max(1, round(table["square"] * width * height / SQUARE_PIXELS))


def usage_for(job: ImageJob, images: int | None = None, *, details: bool = True) -> dict[str, Any]:
    """Token usage as GPT image models report it (for ``images`` outputs, default ``job.n``)."""
    width, height = job.width_height
    out_tokens = output_tokens(job.quality, width, height) * (job.n if images is None else images)
    text_tokens = max(1, len(job.prompt) // 4)
    image_tokens = IMAGE_INPUT_TOKENS * len(job.images)
    input_tokens = text_tokens + image_tokens
    usage: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": out_tokens,
        "total_tokens": input_tokens + out_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
    }
    if details:
        usage["output_tokens_details"] = {"image_tokens": out_tokens, "text_tokens": 0}
    return usage
