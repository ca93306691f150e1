"""Map `generate_image` arguments onto what an image model really accepts.

The result is a `GenerationPlan`: the exact keyword arguments of each provider call, what was
actually used, notes for the person about every adjustment, and an estimated cost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from imagechat.catalog import ImageModel
from imagechat.image_params.args import GenerateImageArgs

DEFAULT_PROMPT_LIMIT: Final = 4000
# Longest prompt each model accepts, by model id prefix (the first match wins).
PROMPT_LIMITS: Final[tuple[tuple[str, int], ...]] = (
    ("dall-e-2", 1000),
    ("dall-e-3", 4000),
    ("gpt-image", 32000),
)


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
    args: GenerateImageArgs, model: ImageModel, *, notes: Iterable[str] = ()
) -> GenerationPlan:
    """Fit `args` to `model`'s real capabilities, noting every change.

    `notes` (those from `parse_args`) come first in the plan's notes.
    """
    notes = list(notes)
    label = model.label
    size = _plan_size(args.size, model, notes)
    quality = _plan_quality(args.quality, model, notes)
    style, folded = _plan_style(args.style, args.prompt, model, notes)
    prompt, truncated = _plan_prompt(args.prompt, folded, model, notes)
    background = _plan_background(args.background, model, notes)
    response_format = "b64_json" if _wants_b64_request(model) else None
    counts = _split(args.n, model.max_n_per_request)
    if len(counts) > 1:
        per = (
            "one image per request"
            if model.max_n_per_request <= 1
            else f"at most {model.max_n_per_request} images per request"
        )
        notes.append(f"{label} makes {per}, so {len(counts)} requests were sent in parallel.")

    optional = {
        "quality": quality,
        "style": style,
        "background": background,
        "response_format": response_format,
    }
    sent = {key: value for key, value in optional.items() if value is not None}
    requests = [
        ProviderRequest({"prompt": prompt, "n": count, "size": size, **sent}, count)
        for count in counts
    ]
    used = UsedParams(
        model_id=model.id,
        model_label=label,
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
    )
    price = model.price_per_image(quality, size)
    cost = None if price is None else round(price * args.n, 6)
    return GenerationPlan(requests, used, notes, cost)


def describe_plan(plan: GenerationPlan) -> str:
    """One line for a progress step: "3 images · GPT Image 1 · 1024x1024 · high quality"."""
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
    return " · ".join(parts)


def prompt_limit(model: ImageModel) -> int:
    """The longest prompt `model` accepts, from PROMPT_LIMITS (default 4000)."""
    names = (model.id, _bare_name(model.litellm_model))
    for prefix, limit in PROMPT_LIMITS:
        if any(name.startswith(prefix) for name in names):
            return limit
    return DEFAULT_PROMPT_LIMIT


# Size


def _dims(size: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)x(\d+)", size)
    if not match or int(match[1]) <= 0 or int(match[2]) <= 0:
        return None
    return int(match[1]), int(match[2])


def closest_size(asked: str, sizes: tuple[str, ...]) -> str | None:
    """The size in `sizes` with the closest aspect ratio to `asked`, then the closest area."""
    wanted = _dims(asked)
    candidates = [(s, d) for s in sizes if (d := _dims(s)) is not None]
    if wanted is None or not candidates:
        return None
    ratio, area = math.log(wanted[0] / wanted[1]), math.log(wanted[0] * wanted[1])

    def distance(item: tuple[str, tuple[int, int]]) -> tuple[float, float]:
        w, h = item[1]
        return round(abs(math.log(w / h) - ratio), 9), round(abs(math.log(w * h) - area), 9)

    return min(candidates, key=distance)[0]


def _plan_size(asked: str, model: ImageModel, notes: list[str]) -> str:
    if asked == "auto":
        return model.default_size
    if asked in model.sizes:
        return asked
    size = closest_size(asked, model.sizes) or model.default_size
    notes.append(f"Size {asked} is not available on {model.label}; used {size}.")
    return size


# Quality


def _plan_quality(asked: str, model: ImageModel, notes: list[str]) -> str | None:
    sent = model.qualities.get(asked)
    if asked == "auto":
        return sent
    if sent is None:
        notes.append(f"{model.label} has no quality setting, so {asked} quality does not apply.")
    elif sent != asked:
        notes.append(f"{asked.capitalize()} quality on {model.label} means {sent}.")
    return sent


# Style and prompt


def _plan_style(
    asked: str | None, prompt: str, model: ImageModel, notes: list[str]
) -> tuple[str | None, str | None]:
    """(style parameter to send, style to write into the prompt)."""
    if not asked:
        return None, None
    if _accepts_openai_style(model):
        for style in model.styles:
            if style.lower() == asked.lower():
                return style, None
    if model.styles and _accepts_openai_style(model):
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


# Background, response format, n


def _plan_background(asked: str, model: ImageModel, notes: list[str]) -> str | None:
    if asked == "auto":
        return None
    if model.supports_background:
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


def _bare_name(litellm_model: str) -> str:
    return litellm_model.rsplit("/", 1)[-1]


def _litellm_treats_as_gpt_image(model: ImageModel) -> bool:
    """litellm sends `openai/<name>` through its gpt-image config unless <name> is dall-e-2/3;
    that config refuses `style` and `response_format` (we never set drop_params)."""
    provider, _, name = model.litellm_model.rpartition("/")
    return provider == "openai" and not name.startswith(("dall-e-2", "dall-e-3"))


def _accepts_openai_style(model: ImageModel) -> bool:
    return bool(model.styles) and not _litellm_treats_as_gpt_image(model)


def _wants_b64_request(model: ImageModel) -> bool:
    """Ask for base64 instead of a URL where the model would otherwise answer with a URL."""
    if model.always_b64 or model.provider == "demo":
        return False
    return not _litellm_treats_as_gpt_image(model)
