"""The `generate_image` tool's arguments: their JSON schema for the LLM and lenient parsing.

Lenient where an LLM commonly slips (a number sent as a string, "1024 x 1024", "landscape",
too many images), strict where it matters (unknown arguments, sizes that do not exist, an empty
or overlong prompt). Mistakes raise `ModelRetry` with a message that tells the model what to fix.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from imagechat.errors import ModelRetry

TOOL_NAME: Final = "generate_image"
MAX_IMAGES: Final = 10
MAX_PROMPT_CHARS: Final = 4000
MAX_STYLE_CHARS: Final = 200

Size = Literal[
    "auto",
    "256x256",
    "512x512",
    "1024x1024",
    "1536x1024",
    "1024x1536",
    "1792x1024",
    "1024x1792",
]
Quality = Literal["auto", "low", "medium", "high"]
Background = Literal["auto", "transparent", "opaque"]

SIZES: Final[tuple[str, ...]] = get_args(Size)
QUALITIES: Final[tuple[str, ...]] = get_args(Quality)
BACKGROUNDS: Final[tuple[str, ...]] = get_args(Background)
ARGUMENT_NAMES: Final = ("prompt", "n", "size", "quality", "style", "background")

# Words an LLM uses for a shape instead of a size; the plan maps them onto each model.
SIZE_WORDS: Final[dict[str, str]] = {
    "square": "1024x1024",
    "landscape": "1536x1024",
    "wide": "1536x1024",
    "horizontal": "1536x1024",
    "portrait": "1024x1536",
    "tall": "1024x1536",
    "vertical": "1024x1536",
    "default": "auto",
}
# DALL·E's quality words, which an LLM may remember.
QUALITY_WORDS: Final[dict[str, str]] = {"hd": "high", "standard": "medium"}
# Style values that mean "no particular style".
NO_STYLE: Final = frozenset({"", "none", "auto", "default", "null"})

_SIZE_FORM = re.compile(r"(\d+)\s*(?:px)?\s*(?:x|×|\*|by|,)\s*(\d+)\s*(?:px)?")


class GenerateImageArgs(BaseModel):
    """The validated arguments of one `generate_image` call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PROMPT_CHARS)
    ]
    n: Annotated[int, Field(ge=1, le=MAX_IMAGES)] = 1
    size: Size = "auto"
    quality: Quality = "auto"
    style: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=MAX_STYLE_CHARS)
    ] = None
    background: Background = "auto"


GENERATE_IMAGE_DESCRIPTION: Final = (
    "Create one or more images from a text description. The images are shown to the person in "
    "the chat. Write a complete, self-contained prompt (subject, setting, composition, colours, "
    "mood); when refining an earlier image, repeat everything that should stay the same. Leave "
    "size, quality and background at 'auto' unless the person asks for something specific."
)

GENERATE_IMAGE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "prompt": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_PROMPT_CHARS,
            "description": (
                "A detailed description of the image to create, in plain language: subject, "
                "setting, composition, lighting, colours and mood. Self-contained: the image "
                f"model does not see the chat. At most {MAX_PROMPT_CHARS} characters."
            ),
        },
        "n": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_IMAGES,
            "default": 1,
            "description": (
                "How many images to create (variations of the same prompt), "
                f"1 to {MAX_IMAGES}. Use 1 unless the person asks for several."
            ),
        },
        "size": {
            "type": "string",
            "enum": list(SIZES),
            "default": "auto",
            "description": (
                "Width x height in pixels. 'auto' lets the image model choose. For a square "
                "image use 1024x1024, for landscape 1536x1024 (or 1792x1024), for portrait "
                "1024x1536 (or 1024x1792). If the image model lacks the size, the closest "
                "supported shape is used."
            ),
        },
        "quality": {
            "type": "string",
            "enum": list(QUALITIES),
            "default": "auto",
            "description": (
                "Rendering quality. Higher quality is slower and costs more. "
                "Use 'auto' unless the person asks for draft (low) or best (high) quality."
            ),
        },
        "style": {
            "type": "string",
            "maxLength": MAX_STYLE_CHARS,
            "description": (
                "Optional visual style in a few words, e.g. 'watercolor', 'pixel art', "
                "'35mm photo'. 'vivid' (dramatic) or 'natural' (realistic) select DALL·E 3's "
                "own style setting. Omit it when the prompt already says the style."
            ),
        },
        "background": {
            "type": "string",
            "enum": list(BACKGROUNDS),
            "default": "auto",
            "description": (
                "'transparent' for a cut-out with no background (logos, stickers, icons); "
                "only some image models can do it. Otherwise leave 'auto'."
            ),
        },
    },
    "required": ["prompt"],
    "additionalProperties": False,
}


def parse_args(raw: dict[str, Any]) -> tuple[GenerateImageArgs, list[str]]:
    """Validate the LLM's tool arguments; return them with notes about what was adjusted.

    Raises `ModelRetry` naming every argument that must be fixed.
    """
    if not isinstance(raw, dict):
        raise ModelRetry(
            f"The {TOOL_NAME} arguments must be a JSON object with at least a 'prompt'."
        )
    problems: list[str] = []
    notes: list[str] = []
    unknown = [key for key in raw if key not in ARGUMENT_NAMES]
    for key in unknown:
        problems.append(
            f"unknown argument {str(key)!r}: {TOOL_NAME} takes only "
            f"{', '.join(ARGUMENT_NAMES)} (put any other wishes into the prompt text)."
        )
    values: dict[str, Any] = {}
    for name, parse in _PARSERS.items():
        try:
            value = parse(raw.get(name), notes)
        except _Problem as problem:
            problems.append(str(problem))
            continue
        if value is not None:
            values[name] = value
    if problems:
        raise ModelRetry(_retry_message(problems))
    try:
        return GenerateImageArgs(**values), notes
    except ValidationError as exc:  # pragma: no cover - the parsers above check every field
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ModelRetry(_retry_message([details])) from exc


class _Problem(ValueError):
    """One argument is wrong; the text says which and how to fix it."""


def _retry_message(problems: list[str]) -> str:
    listed = " ".join(f"{p[0].upper()}{p[1:]}" for p in problems)
    return f"Invalid {TOOL_NAME} arguments. {listed} Fix this and call {TOOL_NAME} again."


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower()
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_prompt(value: Any, notes: list[str]) -> str:
    if value is None:
        raise _Problem("prompt is required: describe the image to create.")
    if not isinstance(value, str):
        raise _Problem(f"prompt must be a string describing the image; got {_shown(value)}.")
    text = value.strip()
    if not text:
        raise _Problem("prompt must not be empty: describe the image to create.")
    if len(text) > MAX_PROMPT_CHARS:
        raise _Problem(
            f"prompt is {len(text)} characters long; the limit is {MAX_PROMPT_CHARS}. "
            "Shorten it, keeping what matters most."
        )
    return text


def _parse_n(value: Any, notes: list[str]) -> int | None:
    if value is None:
        return None
    n = _as_int(value)
    if n is None:
        raise _Problem(f"n must be a whole number from 1 to {MAX_IMAGES}; got {_shown(value)}.")
    if n < 1:
        raise _Problem(f"n must be at least 1 (the number of images to create); got {n}.")
    if n > MAX_IMAGES:
        notes.append(
            f"You asked for {n} images; the limit is {MAX_IMAGES} per request, "
            f"so {MAX_IMAGES} will be made."
        )
        return MAX_IMAGES
    return n


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if re.fullmatch(r"[+-]?\d+\.0*", text):
            return int(float(text))
    return None


def _parse_size(value: Any, notes: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _size_problem(value)
    text = value.strip().lower()
    if text in SIZES:
        return text
    if text in SIZE_WORDS:
        return SIZE_WORDS[text]
    match = _SIZE_FORM.fullmatch(text)
    if match:
        text = f"{int(match[1])}x{int(match[2])}"
    elif text.isdigit():
        text = f"{int(text)}x{int(text)}"
    if text in SIZES:
        return text
    raise _size_problem(value)


def _size_problem(value: Any) -> _Problem:
    return _Problem(
        f"size must be one of {', '.join(SIZES)} (or square, landscape, portrait); "
        f"got {_shown(value)}."
    )


def _parse_quality(value: Any, notes: list[str]) -> str | None:
    if value is None:
        return None
    text = value.strip().lower() if isinstance(value, str) else None
    if text in QUALITIES:
        return text
    if text in QUALITY_WORDS:
        return QUALITY_WORDS[text]
    raise _Problem(f"quality must be one of {', '.join(QUALITIES)}; got {_shown(value)}.")


def _parse_style(value: Any, notes: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Problem(
            f"style must be a short text such as 'watercolor' (or omitted); got {_shown(value)}."
        )
    text = " ".join(value.split())
    if text.lower() in NO_STYLE:
        return None
    if len(text) > MAX_STYLE_CHARS:
        raise _Problem(
            f"style is {len(text)} characters long; the limit is {MAX_STYLE_CHARS}. "
            "Give the style in a few words and put the details into the prompt."
        )
    return text


def _parse_background(value: Any, notes: list[str]) -> str | None:
    if value is None:
        return None
    text = value.strip().lower() if isinstance(value, str) else None
    if text in BACKGROUNDS:
        return text
    raise _Problem(f"background must be one of {', '.join(BACKGROUNDS)}; got {_shown(value)}.")


_PARSERS: Final = {
    "prompt": _parse_prompt,
    "n": _parse_n,
    "size": _parse_size,
    "quality": _parse_quality,
    "style": _parse_style,
    "background": _parse_background,
}
