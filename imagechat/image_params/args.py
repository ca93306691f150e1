"""The `generate_image` tool's arguments: one pydantic model, from which both the JSON schema sent
to the LLM and the validation of what it sends come.

Lenient where an LLM commonly slips (a number sent as a string, "1024 x 1024", "16:9 wallpaper",
"4K", "hd", too many images), strict where it matters (unknown arguments, sizes that mean
nothing, an empty or overlong prompt). Mistakes raise `ModelRetry` with a message that tells the
model what to fix; adjustments are noted for the person.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from imagechat.errors import ModelRetry
from imagechat.image_params.sizes import STANDARD_SIZES, SizeWordsError, size_from_words

TOOL_NAME: Final = "generate_image"
MAX_IMAGES: Final = 10
MAX_PROMPT_CHARS: Final = 32000
MAX_STYLE_CHARS: Final = 200

Quality = Literal["auto", "low", "medium", "high", "xhigh", "max"]
Background = Literal["auto", "transparent", "opaque"]
OutputFormat = Literal["png", "webp", "jpeg"]

QUALITIES: Final[tuple[str, ...]] = get_args(Quality)
BACKGROUNDS: Final[tuple[str, ...]] = get_args(Background)
OUTPUT_FORMATS: Final[tuple[str, ...]] = get_args(OutputFormat)
SIZES: Final[tuple[str, ...]] = ("auto", *STANDARD_SIZES)

# Other words an LLM uses for these values.
QUALITY_WORDS: Final[dict[str, str]] = {
    "hd": "high",
    "standard": "medium",
    "draft": "low",
    "best": "high",
    "ultra": "max",
}
FORMAT_WORDS: Final[dict[str, str]] = {"jpg": "jpeg"}
# Style values that mean "no particular style".
NO_STYLE: Final = frozenset({"", "none", "auto", "default", "null"})

GENERATE_IMAGE_DESCRIPTION: Final = (
    "Create one or more images from a text description. The images are shown to the person in "
    "the chat. Write a complete, self-contained prompt (subject, setting, composition, colours, "
    "mood); when refining an earlier image, repeat everything that should stay the same. Leave "
    "size, quality, format and background out unless the person asks for something specific."
)


def _size_text(value: Any) -> Any:
    if value is None:
        return "auto"
    if not isinstance(value, str):
        raise ValueError("size must be text such as 'auto', '1536x864' or '16:9'")
    try:
        return size_from_words(value)
    except SizeWordsError as exc:
        raise ValueError(str(exc)) from None


# "auto" or WIDTHxHEIGHT, from whatever words named it
Size = Annotated[str, BeforeValidator(_size_text)]


class GenerateImageArgs(BaseModel):
    """Create images from a text prompt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_PROMPT_CHARS,
            description=(
                "A detailed description of the image to create, in plain language: subject, "
                "setting, composition, lighting, colours and mood. Self-contained: the image "
                "model does not see the chat."
            ),
        ),
    ]
    n: Annotated[
        int,
        Field(
            ge=1,
            le=MAX_IMAGES,
            description=(
                f"How many images to create (variations of the same prompt), 1 to {MAX_IMAGES}. "
                "Use 1 unless the person asks for several."
            ),
        ),
    ] = 1
    size: Annotated[
        Size,
        Field(
            description=(
                "'auto' (the image model chooses), WIDTHxHEIGHT in pixels such as 1536x864, an "
                "aspect ratio such as 16:9, or words such as square, portrait, landscape, "
                "banner, phone wallpaper, 4K. The closest size the image model supports is used."
            ),
        ),
    ] = "auto"
    quality: Annotated[
        Quality,
        Field(
            description=(
                "Rendering quality; higher is slower and costs more. 'auto' unless the person "
                "asks for draft (low) or best (high); xhigh and max exist on some models."
            )
        ),
    ] = "auto"
    style: Annotated[
        str | None,
        Field(
            max_length=MAX_STYLE_CHARS,
            description=(
                "Optional visual style in a few words, e.g. 'watercolor', 'pixel art', '35mm "
                "photo'. Omit it when the prompt already says the style."
            ),
        ),
    ] = None
    background: Annotated[
        Background,
        Field(
            description=(
                "'transparent' for a cut-out with no background (logos, stickers, icons); "
                "otherwise leave 'auto'."
            )
        ),
    ] = "auto"
    output_format: Annotated[
        OutputFormat | None,
        Field(description="File format of the result: png, webp or jpeg. Omit for the default."),
    ] = None
    output_compression: Annotated[
        int | None,
        Field(
            ge=0,
            le=100,
            description="Compression 0-100 for webp or jpeg results. Omit for the default.",
        ),
    ] = None

    # Lenient parsing of what LLMs commonly send
    @field_validator("prompt", mode="before")
    @classmethod
    def _prompt(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("n", "output_compression", mode="before")
    @classmethod
    def _whole_number(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name == "n":
            return 1
        if isinstance(value, bool):
            raise ValueError("must be a whole number, not true or false")
        number = _as_int(value)
        if number is None:
            return value
        if info.field_name == "n" and number > MAX_IMAGES:
            _note(
                info,
                f"You asked for {number} images; the limit is {MAX_IMAGES} per request, "
                f"so {MAX_IMAGES} will be made.",
            )
            return MAX_IMAGES
        return number

    @field_validator("quality", "background", "output_format", mode="before")
    @classmethod
    def _word(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return "auto" if info.field_name != "output_format" else None
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        words = {"quality": QUALITY_WORDS, "output_format": FORMAT_WORDS}.get(info.field_name, {})
        return words.get(text, text)

    @field_validator("style", mode="before")
    @classmethod
    def _style(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = " ".join(value.split())
        return None if text.lower() in NO_STYLE else text


def _note(info: ValidationInfo, text: str) -> None:
    if isinstance(info.context, dict):
        info.context.setdefault("notes", []).append(text)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            return int(float(text))
    return None


def tool_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema sent to the LLM for `model`: pydantic's, without titles."""
    schema = model.model_json_schema()

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: clean(v) for k, v in node.items() if k != "title"}
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    out = clean(schema)
    out.pop("description", None)
    return out


GENERATE_IMAGE_SCHEMA: Final[dict[str, Any]] = tool_schema(GenerateImageArgs)


def validate_tool_args(model: type[BaseModel], raw: Any, tool: str) -> tuple[Any, list[str]]:
    """`raw` validated as `model`, with the notes of every adjustment; `ModelRetry` naming every
    argument to fix otherwise."""
    if not isinstance(raw, dict):
        raise ModelRetry(f"The {tool} arguments must be a JSON object with at least a 'prompt'.")
    context: dict[str, list[str]] = {"notes": []}
    try:
        args = model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise ModelRetry(_retry_message(exc, model, tool)) from None
    return args, context["notes"]


def parse_args(raw: Any) -> tuple[GenerateImageArgs, list[str]]:
    """Validate the LLM's generate_image arguments."""
    return validate_tool_args(GenerateImageArgs, raw, TOOL_NAME)


def _retry_message(exc: ValidationError, model: type[BaseModel], tool: str) -> str:
    names = ", ".join(model.model_fields)
    problems: list[str] = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "arguments"
        if error["type"] == "extra_forbidden":
            problems.append(
                f"Unknown argument {field!r}: {tool} takes only {names} (put any other wishes "
                "into the prompt text)."
            )
        elif error["type"] == "missing":
            problems.append(f"{field} is required.")
        else:
            shown = _shown(error.get("input"))
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{field}: {message} (got {shown}).")
    return f"Invalid {tool} arguments. {' '.join(problems)} Fix this and call {tool} again."


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower()
    return text if len(text) <= 60 else text[:57] + "..."
