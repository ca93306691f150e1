"""Real pictures for the fake Images API, and its response bodies."""

from __future__ import annotations

import base64
import colorsys
import hashlib
import io
import textwrap
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tests.fakes.rules import ImageJob

# Output tokens per image for gpt-image models, by quality and shape (OpenAI's published table).
OUTPUT_TOKENS = {
    "low": {"square": 272, "portrait": 408, "landscape": 400},
    "medium": {"square": 1056, "portrait": 1584, "landscape": 1568},
    "high": {"square": 4160, "portrait": 6240, "landscape": 6208},
}
IMAGE_INPUT_TOKENS = 323
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def colour_for(prompt: str, index: int = 0) -> tuple[int, int, int]:
    """A stable, fairly saturated colour derived from a hash of the prompt."""
    digest = hashlib.sha256(prompt.encode()).digest()
    hue = (digest[0] / 255 + index * 0.13) % 1.0
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.45 + digest[1] / 1020, 0.55 + digest[2] / 1020)
    return int(red * 255), int(green * 255), int(blue * 255)


@lru_cache(maxsize=64)
def render(
    prompt: str,
    width: int,
    height: int,
    index: int = 0,
    fmt: str = "png",
    transparent: bool = False,
    thumbnail: bytes | None = None,
) -> bytes:
    """Encode a picture: a solid colour, the prompt written on it, maybe a thumbnail."""
    colour = colour_for(prompt, index)
    img = Image.new("RGBA", (width, height), (*colour, 255))
    if transparent:
        margin = min(width, height) // 16
        img.paste((0, 0, 0, 0), (0, 0, width, margin))
    if thumbnail:
        _paste_thumbnail(img, thumbnail)
    _draw_text(img, prompt, colour)
    out = io.BytesIO()
    pil_format = PIL_FORMATS[fmt]
    img = img if pil_format != "JPEG" else img.convert("RGB")
    img.save(out, pil_format)
    return out.getvalue()


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
    lines = textwrap.wrap(prompt, chars_per_line)[: max(1, img.height // (font_size * 2))]
    ink = (0, 0, 0, 255) if sum(colour) > 380 else (255, 255, 255, 255)
    y = img.height // 3
    for line in lines:
        draw.text((font_size, y), line, fill=ink, font=font)
        y += int(font_size * 1.3)


def job_images(job: ImageJob) -> list[bytes]:
    """Encode the n pictures a job asks for."""
    width, height = job.width_height
    thumb = job.images[0].data if job.images else None
    text = f"EDIT: {job.prompt}" if job.images else job.prompt
    transparent = job.background == "transparent"
    return [
        render(text, width, height, i, job.output_format, transparent, thumb) for i in range(job.n)
    ]


def image_response(
    job: ImageJob, pictures: list[bytes], store: Callable[[bytes, str], str]
) -> dict[str, Any]:
    """The JSON body for a finished image job; ``store`` saves a file and returns its URL."""
    items = [_item(job, pic, store) for pic in pictures]
    body: dict[str, Any] = {"created": int(time.time()), "data": items}
    if job.spec.gpt_image:
        body.update(
            background="transparent" if job.background == "transparent" else "opaque",
            output_format=job.output_format,
            quality="medium" if job.quality == "auto" else job.quality,
            size="1024x1024" if job.size == "auto" else job.size,
            usage=usage_for(job),
        )
    return body


def _item(job: ImageJob, picture: bytes, store: Callable[[bytes, str], str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if job.response_format == "url":
        item["url"] = store(picture, job.output_format)
    else:
        item["b64_json"] = base64.b64encode(picture).decode()
    if job.spec.name == "dall-e-3":
        item["revised_prompt"] = f"{job.prompt}, digital art, highly detailed"
    return item


def usage_for(job: ImageJob) -> dict[str, Any]:
    """Token usage as gpt-image models report it."""
    width, height = job.width_height
    shape = "square" if width == height else ("portrait" if height > width else "landscape")
    quality = "medium" if job.quality == "auto" else job.quality
    output_tokens = OUTPUT_TOKENS[quality][shape] * job.n
    text_tokens = max(1, len(job.prompt) // 4)
    image_tokens = IMAGE_INPUT_TOKENS * len(job.images)
    input_tokens = text_tokens + image_tokens
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
    }
