"""Map `generate_image` arguments onto what an image model really accepts.

The result is a `GenerationPlan`: the exact keyword arguments of each provider call, what was
actually used, notes for the person about every adjustment, and an estimated cost. Every
difference between models is a field of the model's `ImageRules` (catalog/families.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from imagechat.catalog import ImageModel
from imagechat.image_params.args import GenerateImageArgs
from imagechat.image_params.sizes import closest_size, dims, fit_custom

QUALITY_LADDER: Final = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True)
class ProviderRequest:
    """One call: `litellm.aimage_generation(model=..., api_base=..., api_key=..., **kwargs)`."""

    kwargs: dict[str, Any]
    n: int


@dataclass(frozen=True)
class UsedParams:
    """What was actually asked of the model, next to what the LLM asked for."""

    model_id: str
    model_label: str
    n: int
    size: str
    size_asked: str
    quality: str | None  # as sent to the model (None: not sent)
    quality_asked: str
    style: str | None  # the style parameter as sent (None: not sent)
    style_asked: str | None
    style_in_prompt: bool  # the asked style is carried by the prompt text instead
    background: str | None  # as sent (None: not sent)
    background_asked: str
    response_format: str | None
    prompt: str  # the prompt as sent
    prompt_truncated: bool
    output_format: str | None = None
    output_compression: int | None = None
    experimental_size: bool = False


@dataclass(frozen=True)
class GenerationPlan:
    """Everything needed to make the images, and to tell the person how."""

    requests: list[ProviderRequest]
    used: UsedParams
    notes: list[str]
    estimated_cost: float | None

    @property
    def n(self) -> int:
        return sum(request.n for request in self.requests)


def plan_generation(
    args: GenerateImageArgs,
    model: ImageModel,
    *,
    notes: Iterable[str] = (),
    moderation: str | None = None,
) -> GenerationPlan:
    """Fit `args` to `model`'s real capabilities, noting every change.

    `notes` (those from `parse_args`) come first; `moderation` is the operator's setting.
    """
    notes = list(notes)
    rules = model.rules
    size, experimental = _plan_size(args.size, model, notes)
    quality = _plan_quality(args.quality, model, notes)
    style, folded = _plan_style(args.style, args.prompt, model, notes)
    prompt, truncated = _plan_prompt(args.prompt, folded, model, notes)
    output_format = _plan_format(args, model, notes)
    background = _plan_background(args.background, output_format, model, notes)
    if background == "transparent" and output_format not in (None, *rules.transparent_formats):
        output_format = rules.transparent_formats[0]
        notes.append(
            f"Transparent backgrounds need {' or '.join(rules.transparent_formats)}, so the "
            f"image is made as {output_format.upper()}."
        )
    compression = _plan_compression(args.output_compression, output_format, model, notes)
    response_format = "b64_json" if rules.response_format else None
    counts = _split(args.n, rules.max_n)
    if len(counts) > 1:
        per = (
            "one image per request"
            if rules.max_n <= 1
            else f"at most {rules.max_n} images per request"
        )
        notes.append(f"{model.label} makes {per}, so {len(counts)} requests were sent in parallel.")

    optional = {
        "quality": quality,
        "style": style,
        "background": background,
        "output_format": output_format,
        "output_compression": compression,
        "moderation": moderation if rules.moderation and moderation else None,
        "response_format": response_format,
    }
    sent = {key: value for key, value in optional.items() if value is not None}
    requests = [
        ProviderRequest({"prompt": prompt, "n": count, "size": size, **sent}, count)
        for count in counts
    ]
    used = UsedParams(
        model_id=model.id,
        model_label=model.label,
        n=args.n,
        size=size,
        size_asked=args.size,
        quality=quality,
        quality_asked=args.quality,
        style=style,
        style_asked=args.style,
        style_in_prompt=bool(args.style) and style is None,
        background=background,
        background_asked=args.background,
        response_format=response_format,
        prompt=prompt,
        prompt_truncated=truncated,
        output_format=output_format,
        output_compression=compression,
        experimental_size=experimental,
    )
    price = model.price_per_image(quality, size)
    cost = None if price is None else round(price * args.n, 6)
    return GenerationPlan(requests, used, notes, cost)


def describe_plan(plan: GenerationPlan) -> str:
    """One line for a progress step: "3 images · GPT Image 2 · 1536x864 · high quality"."""
    used = plan.used
    parts = [
        f"{used.n} image{'s' if used.n != 1 else ''}",
        used.model_label,
        "auto size" if used.size == "auto" else used.size,
    ]
    if used.quality and used.quality != "auto":
        parts.append(f"{used.quality} quality")
    style = used.style or (used.style_asked if used.style_in_prompt else None)
    if style:
        parts.append(style if _mentions_style(style) else f"{style} style")
    if used.background == "transparent":
        parts.append("transparent background")
    if used.output_format and used.output_format != "png":
        parts.append(used.output_format.upper())
    return " · ".join(parts)


def prompt_limit(model: ImageModel) -> int:
    return model.rules.prompt_limit


# Size


def _plan_size(asked: str, model: ImageModel, notes: list[str]) -> tuple[str, bool]:
    """(size to send, whether it is above the provider's experimental line)."""
    if asked == "auto":
        return model.default_size, False
    if asked in model.sizes:
        return asked, False
    wanted = dims(asked)
    custom = model.rules.custom_sizes
    if wanted is not None and custom is not None:
        width, height = fit_custom(*wanted, custom)
        size = f"{width}x{height}"
        if size != asked:
            notes.append(f"Size {asked} is not available on {model.label}; used {size}.")
        experimental = custom.experimental(width, height)
        if experimental:
            notes.append(
                f"{size} is above {model.label}'s tested sizes (experimental): results may vary."
            )
        return size, experimental
    standard = tuple(s for s in model.sizes if s != "auto")
    size = closest_size(asked, standard) or model.default_size
    notes.append(f"Size {asked} is not available on {model.label}; used {size}.")
    return size, False


# Quality


def _plan_quality(asked: str, model: ImageModel, notes: list[str]) -> str | None:
    qualities = model.rules.qualities
    if asked in qualities:
        return asked
    if asked == "auto":
        return None
    if not qualities:
        notes.append(f"{model.label} has no quality setting, so {asked} quality does not apply.")
        return None
    lower = [q for q in QUALITY_LADDER[: QUALITY_LADDER.index(asked)] if q in qualities]
    sent = lower[-1] if lower else next(q for q in QUALITY_LADDER if q in qualities)
    notes.append(f"{model.label} has no {asked} quality; used {sent}.")
    return sent


# Style and prompt


def _plan_style(
    asked: str | None, prompt: str, model: ImageModel, notes: list[str]
) -> tuple[str | None, str | None]:
    """(style parameter to send, style to write into the prompt)."""
    if not asked:
        return None, None
    for style in model.styles:
        if style.lower() == asked.lower():
            return style, None
    if model.styles:
        where = f"{model.label}'s style setting takes only {' or '.join(model.styles)}"
    else:
        where = f"{model.label} has no style setting"
    if re.search(rf"(?<!\w){re.escape(asked)}(?!\w)", prompt, re.IGNORECASE):
        notes.append(f"{where}; the prompt already asks for {asked}.")
        return None, None
    notes.append(f"{where}; '{asked}' was added to the prompt instead.")
    return None, asked


def _style_suffix(style: str) -> str:
    if not _mentions_style(style):
        return f", in {style} style"
    return f", {style}" if style.lower().startswith("in ") else f", in {style}"


def _mentions_style(style: str) -> bool:
    return re.search(r"\bstyle\b", style, re.IGNORECASE) is not None


def _plan_prompt(
    prompt: str, style: str | None, model: ImageModel, notes: list[str]
) -> tuple[str, bool]:
    """The prompt as sent: with the style folded in, cut to the model's limit."""
    base = prompt.strip()
    suffix = ""
    if style:
        base = base.rstrip(" .!;:,") or base
        suffix = _style_suffix(style)
    limit = prompt_limit(model)
    full = base + suffix
    if len(full) <= limit:
        return full, False
    if len(suffix) > limit // 4:
        suffix = ""
    shortened = _cut(base, limit - len(suffix)) + suffix
    notes.append(
        f"{model.label} accepts prompts of at most {limit} characters, so the prompt was "
        f"shortened from {len(full)} to {len(shortened)} characters."
    )
    return shortened, True


def _cut(text: str, room: int) -> str:
    """`text` cut to at most `room` characters, at a word boundary when one is near."""
    if len(text) <= room:
        return text
    cut = text[:room]
    if not text[room].isspace():
        space = cut.rfind(" ")
        if space >= room * 0.8:
            cut = cut[:space]
    return cut.rstrip(" ,;:") or text[:room]


# Format, compression, background, n


def _plan_format(args: GenerateImageArgs, model: ImageModel, notes: list[str]) -> str | None:
    asked = args.output_format
    if asked is None:
        return None
    formats = model.rules.output_formats
    if asked in formats:
        return asked
    if formats:
        used = formats[0].upper()
        notes.append(f"{model.label} cannot make {asked.upper()} images; used {used}.")
        return formats[0]
    notes.append(f"{model.label} has no format setting; the image comes in its own format.")
    return None


def _plan_compression(
    asked: int | None, output_format: str | None, model: ImageModel, notes: list[str]
) -> int | None:
    if asked is None:
        return None
    if not model.rules.compression:
        notes.append(f"{model.label} has no compression setting.")
        return None
    if output_format not in ("jpeg", "webp"):
        notes.append("Compression applies to JPEG and WebP images only, so it was not used.")
        return None
    return asked


def _plan_background(
    asked: str, output_format: str | None, model: ImageModel, notes: list[str]
) -> str | None:
    if asked == "auto":
        return None
    if asked in model.rules.backgrounds:
        return asked
    if asked == "transparent":
        notes.append(
            f"{model.label} cannot make transparent backgrounds; the background will be opaque."
        )
    return None


def _split(n: int, per_request: int) -> list[int]:
    per = max(1, per_request)
    full, rest = divmod(n, per)
    return [per] * full + ([rest] if rest else [])
