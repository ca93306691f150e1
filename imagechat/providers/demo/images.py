"""The demo image model as litellm sees it: parameters in, an ImageResponse out."""

from __future__ import annotations

import asyncio
import base64
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from litellm.types.utils import (
    ImageObject,
    ImageResponse,
    ImageUsage,
    ImageUsageInputTokensDetails,
)

from .constants import MAX_EDIT_SOURCES, MAX_IMAGES, MAX_PROMPT_CHARS
from .render import (
    edit_encoded,
    edit_png,
    output_format_of,
    parse_size,
    render_encoded,
    render_png,
)

IMAGE_PARAMS: Final = (
    "n",
    "size",
    "quality",
    "style",
    "background",
    "output_format",
    "output_compression",
)
_TEXT_PARAMS: Final = ("size", "quality", "style", "background")
_LITELLM_IMAGE_CALLERS: Final = frozenset({"image_generation", "image_edit"})


@dataclass(frozen=True)
class ImageParams:
    n: int = 1
    size: str | None = None  # "WxH" (any, sides kept within MIN_SIDE..MAX_SIDE) or "auto"
    quality: str | None = None
    style: str | None = None
    background: str | None = None  # "transparent": only the subject is opaque
    output_format: str = "png"  # "png" | "webp" | "jpeg"
    output_compression: int | None = None  # WebP/JPEG quality 0-100


def litellm_call_arguments(max_depth: int = 8) -> dict[str, Any]:
    """The image parameters as the caller passed them to litellm, read from its frame.

    litellm 1.110.2 hands a custom provider n/size/quality and the extras (background,
    output_format, output_compression, …) in `optional_params`, for `aimage_generation` and for
    `aimage_edit` (there with the mask); `style` of a generation and `extra_body` of an edit
    (named parameters of litellm's `image_generation` / `image_edit`) may not get there. Those
    functions call us synchronously, so their locals (and their **kwargs) are still readable:
    this is the fallback, and what older litellm versions (1.105.3 forwarded no OpenAI
    parameters) needed. Must be called directly from the handler method litellm calls.
    `extra_body` comes along under its own key.
    """
    frame = sys._getframe(1)
    try:
        for _ in range(max_depth):
            if frame is None:
                break
            if (
                frame.f_globals.get("__name__") == "litellm.images.main"
                and frame.f_code.co_name in _LITELLM_IMAGE_CALLERS
            ):
                found = frame.f_locals
                extras = found.get("kwargs")
                extras = extras if isinstance(extras, Mapping) else {}
                out = {
                    k: found[k] if found.get(k) is not None else extras[k]
                    for k in IMAGE_PARAMS
                    if found.get(k) is not None or extras.get(k) is not None
                }
                mask = found.get("mask")  # image_edit's named mask (bytes, as ImageChat sends)
                if isinstance(mask, bytes | bytearray):
                    out["mask"] = bytes(mask)
                extra = found.get("extra_body")  # a named parameter of image_edit, too
                if isinstance(extra, Mapping) and extra:
                    out["extra_body"] = dict(extra)
                return out
            frame = frame.f_back
        return {}
    finally:
        del frame


def resolve_image_params(
    optional_params: Mapping[str, Any] | None, caller: Mapping[str, Any] | None = None
) -> ImageParams:
    """Merge, most explicit first: optional_params, its extra_body, then litellm's caller frame
    (its named arguments, then its extra_body)."""
    optional_params = optional_params or {}
    caller = caller or {}
    extra = optional_params.get("extra_body")
    caller_extra = caller.get("extra_body")
    sources = [
        optional_params,
        extra if isinstance(extra, Mapping) else {},
        caller,
        caller_extra if isinstance(caller_extra, Mapping) else {},
    ]

    def pick(key: str) -> Any:
        return next((s[key] for s in sources if s.get(key) is not None), None)

    try:
        n = int(pick("n") or 1)
    except (TypeError, ValueError):
        n = 1
    text = {k: (str(pick(k)) if pick(k) is not None else None) for k in _TEXT_PARAMS}
    try:
        compression = pick("output_compression")
        compression = None if compression is None else max(0, min(100, int(compression)))
    except (TypeError, ValueError):
        compression = None
    return ImageParams(
        n=max(1, min(MAX_IMAGES, n)),
        **text,
        output_format=output_format_of(pick("output_format")),
        output_compression=compression,
    )


def read_mask(optional_params: Mapping[str, Any] | None, caller: Mapping[str, Any]) -> bytes | None:
    """An edit's mask: litellm 1.110.2 puts it in optional_params, older ones only in its frame."""
    mask = (optional_params or {}).get("mask")
    if isinstance(mask, bytes | bytearray):
        return bytes(mask)
    found = caller.get("mask")
    return bytes(found) if isinstance(found, bytes | bytearray) else None


def edit_revised_prompt(prompt: str, index: int, n: int, sources: int = 1) -> str:
    """How the demo read an edit: the instruction, what it was applied to, which variation."""
    parts = [prompt.strip().rstrip(".") or "an edit"]
    parts.append(
        "applied to the source image"
        if sources <= 1
        else f"applied to the first of {sources} source images, blended with the second"
    )
    if n > 1:
        parts.append(f"variation {index + 1} of {n}")
    parts.append("edited by the offline demo")
    return ", ".join(parts)


def revised_prompt(prompt: str, style: str | None, index: int, n: int) -> str:
    parts = [prompt.strip().rstrip(".") or "an abstract picture"]
    if style and style != "auto":
        parts.append(f"in {style} style")
    if n > 1:
        parts.append(f"variation {index + 1} of {n}")
    parts.append("rendered by the offline demo")
    return ", ".join(parts)


def _usage(prompt: str, n: int) -> ImageUsage:
    text_tokens = max(1, math.ceil(len(prompt) / 4))
    return ImageUsage(
        input_tokens=text_tokens,
        output_tokens=0,
        total_tokens=text_tokens,
        input_tokens_details=ImageUsageInputTokensDetails(image_tokens=0, text_tokens=text_tokens),
    )


def fill_image_response(
    model_response: ImageResponse,
    prompt: str,
    params: ImageParams,
    pngs: list[bytes],
    *,
    revised: bool | Sequence[str | None] = True,
) -> ImageResponse:
    """Write the pictures into the ImageResponse litellm handed us (free: cost 0). `revised`:
    True for generation's revised prompts, False for none, or one per picture."""
    model_response.created = int(time.time())
    if isinstance(revised, bool):
        texts = [
            revised_prompt(prompt, params.style, i, len(pngs)) if revised else None
            for i in range(len(pngs))
        ]
    else:
        texts = list(revised) + [None] * (len(pngs) - len(revised))
    model_response.data = [
        ImageObject(b64_json=base64.b64encode(png).decode("ascii"), revised_prompt=text)
        for png, text in zip(pngs, texts, strict=False)
    ]
    model_response.usage = _usage(prompt, len(pngs))
    w, h = parse_size(params.size)
    model_response.size = f"{w}x{h}"  # type: ignore[assignment]
    model_response.quality = params.quality or "auto"  # type: ignore[assignment]
    model_response.background = (  # type: ignore[assignment]
        "transparent" if params.background == "transparent" else "opaque"
    )
    model_response.output_format = params.output_format  # type: ignore[assignment]
    model_response._hidden_params["response_cost"] = 0.0
    return model_response


def generate_one(prompt: str, params: ImageParams, index: int = 0) -> bytes:
    """Picture number `index`, in the asked size, background and format."""
    return render_encoded(
        prompt[:MAX_PROMPT_CHARS],
        size=params.size,
        style=params.style,
        quality=params.quality,
        background=params.background,
        output_format=params.output_format,
        output_compression=params.output_compression,
        index=index,
    )


def generate_pngs(prompt: str, params: ImageParams) -> list[bytes]:
    """The n pictures (PNG unless params ask for WebP/JPEG)."""
    return [generate_one(prompt, params, i) for i in range(params.n)]


async def agenerate_pngs(prompt: str, params: ImageParams) -> list[bytes]:
    """One picture at a time in a worker thread, so the event loop stays free and a cancel
    takes effect between pictures."""
    out: list[bytes] = []
    for i in range(params.n):
        out.append(await asyncio.to_thread(generate_one, prompt, params, i))
    return out


def read_image_bytes(image: Any) -> bytes:
    """The bytes of the first image litellm passed (bytes, a file object, a path, or a
    (name, content, mime) tuple)."""
    if isinstance(image, list):
        if not image:
            raise ValueError("no image to edit")
        image = image[0]
    if isinstance(image, tuple):
        return read_image_bytes(image[1])
    if isinstance(image, bytes | bytearray | memoryview):
        return bytes(image)
    if isinstance(image, str | os.PathLike):
        return Path(image).read_bytes()
    read = getattr(image, "read", None)
    if callable(read):
        if callable(getattr(image, "seek", None)):
            image.seek(0)
        data = read()
        return data if isinstance(data, bytes) else bytes(data)
    raise ValueError(f"cannot read an image from {type(image).__name__}")


def read_images_bytes(image: Any) -> list[bytes]:
    """The bytes of every image litellm passed (it hands custom providers a list)."""
    images = image if isinstance(image, list) else [image]
    if not images or images == [None]:
        raise ValueError("no image to edit")
    return [read_image_bytes(item) for item in images[:MAX_EDIT_SOURCES]]


def edit_one(
    sources: bytes | list[bytes],
    prompt: str,
    params: ImageParams,
    mask: bytes | None = None,
    index: int = 0,
) -> bytes:
    """Edit number `index`, in the asked size, background and format."""
    return edit_encoded(
        sources,
        prompt[:MAX_PROMPT_CHARS],
        size=params.size,
        style=params.style,
        index=index,
        mask=mask,
        background=params.background,
        output_format=params.output_format,
        output_compression=params.output_compression,
    )


def edit_pngs(
    sources: list[bytes], prompt: str, params: ImageParams, mask: bytes | None = None
) -> list[bytes]:
    """The n edits (PNG unless params ask for WebP/JPEG)."""
    return [edit_one(sources, prompt, params, mask, i) for i in range(params.n)]


async def aedit_pngs(
    sources: bytes | list[bytes], prompt: str, params: ImageParams, mask: bytes | None = None
) -> list[bytes]:
    """One edit at a time in a worker thread (the event loop stays free)."""
    out: list[bytes] = []
    for i in range(params.n):
        out.append(await asyncio.to_thread(edit_one, sources, prompt, params, mask, i))
    return out


def edit_revised_prompts(prompt: str, n: int, sources: int) -> list[str]:
    return [edit_revised_prompt(prompt[:MAX_PROMPT_CHARS], i, n, sources) for i in range(n)]


async def demo_edit_image(
    image_bytes: bytes | list[bytes], prompt: str, size: str | None = None, index: int = 0
) -> bytes:
    """Edit a picture locally (PNG out): the change the prompt asks for, applied to the source
    (the first of several; the second is blended in)."""
    return await asyncio.to_thread(edit_png, image_bytes, prompt, size=size, index=index)


async def demo_generate_image(
    prompt: str,
    size: str | None = None,
    style: str | None = None,
    quality: str | None = None,
    index: int = 0,
) -> bytes:
    """One demo picture (PNG) without going through litellm."""
    return await asyncio.to_thread(
        render_png, prompt, size=size, style=style, quality=quality, index=index
    )
