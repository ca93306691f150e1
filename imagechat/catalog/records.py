"""Typed records of the catalog: chat models, image models, their request rules and lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Provider = Literal["openai", "demo", "custom"]
Stage = Literal["current", "deprecated", "retired"]

# How many days before its shutdown a model shows a badge with the date and its successor.
DEPRECATION_WARNING_DAYS = 60


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lifecycle(_Record):
    """Where a model is in its life: from litellm's map (`deprecation_date` is the shutdown)."""

    shutdown: dt.date | None = None
    successor: str | None = None

    def stage(self, today: dt.date) -> Stage:
        if self.shutdown is None:
            return "current"
        if self.shutdown <= today:
            return "retired"
        if (self.shutdown - today).days <= DEPRECATION_WARNING_DAYS:
            return "deprecated"
        return "current"


class CustomSizes(_Record):
    """Any WIDTHxHEIGHT within these rules."""

    multiple_of: int = 16
    max_aspect: float = 3.0
    max_long_edge: int
    max_short_edge: int
    max_pixels: int
    experimental_above: int | None = None

    def allows(self, width: int, height: int) -> bool:
        long, short = max(width, height), min(width, height)
        return (
            width > 0
            and height > 0
            and width % self.multiple_of == 0
            and height % self.multiple_of == 0
            and long / short <= self.max_aspect + 1e-9
            and long <= self.max_long_edge
            and short <= self.max_short_edge
            and width * height <= self.max_pixels
        )

    def experimental(self, width: int, height: int) -> bool:
        return self.experimental_above is not None and width * height > self.experimental_above


class EditRules(_Record):
    """What the edits endpoint takes for a model."""

    max_images: int = 1
    mask: bool = False
    input_fidelity: tuple[str, ...] = ()
    square_only: bool = False


class ImageRules(_Record):
    """How requests to an image model must look (one family of families.yaml)."""

    family: str = "default"
    source: str = ""
    sizes: tuple[str, ...] = ("1024x1024",)
    default_size: str | None = None
    custom_sizes: CustomSizes | None = None
    qualities: tuple[str, ...] = ()
    output_formats: tuple[str, ...] = ()
    transparent_formats: tuple[str, ...] = ()
    compression: bool = False
    backgrounds: tuple[str, ...] = ()
    moderation: bool = False
    styles: tuple[str, ...] = ()
    response_format: bool = False
    max_n: int = 1
    prompt_limit: int = 4000
    partial_images: int = 0
    edits: EditRules | None = None
    revised_prompt: bool = False


class ChatModel(_Record):
    """A model the person can chat with."""

    id: str
    label: str
    description: str = ""
    litellm_model: str
    provider: Provider
    supports_tools: bool = True
    supports_vision: bool = False
    api_base: str | None = None
    api_key_env: str | None = None
    default_image_model: str | None = None
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    created: int = 0  # the provider's listing timestamp: newer models have larger values
    input_price: float | None = None  # USD per million tokens
    output_price: float | None = None


class ImageModel(_Record):
    """A model that makes images, with what it really accepts."""

    id: str
    label: str
    description: str = ""
    litellm_model: str
    provider: Provider
    rules: ImageRules = Field(default_factory=ImageRules)
    api_base: str | None = None
    api_key_env: str | None = None
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    created: int = 0
    # USD per image where the provider prices per image, keyed "quality@WxH" ("*" wildcards);
    # token-priced models are costed from the usage they return (see imagechat.pricing)
    prices: dict[str, float] = Field(default_factory=dict)

    # Shorthands used across the app
    @property
    def sizes(self) -> tuple[str, ...]:
        return self.rules.sizes

    @property
    def default_size(self) -> str:
        if self.rules.default_size:
            return self.rules.default_size
        return "auto" if "auto" in self.rules.sizes else self.rules.sizes[0]

    @property
    def max_n_per_request(self) -> int:
        return self.rules.max_n

    @property
    def supports_edits(self) -> bool:
        return self.rules.edits is not None

    @property
    def styles(self) -> tuple[str, ...]:
        return self.rules.styles

    @property
    def streams_partial_images(self) -> bool:
        return self.rules.partial_images > 0

    def price_per_image(self, quality: str | None, size: str) -> float | None:
        q = quality or "*"
        for key in (f"{q}@{size}", f"{q}@*", f"*@{size}", "*@*"):
            if key in self.prices:
                return self.prices[key]
        return None


def badge(
    model: ChatModel | ImageModel, today: dt.date, label_of: Callable[[str], str]
) -> str | None:
    """ "retires 2027-01-14 → GPT-6 Luna" for a model near its shutdown, else None."""
    if model.lifecycle.stage(today) != "deprecated" or model.lifecycle.shutdown is None:
        return None
    text = f"retires {model.lifecycle.shutdown.isoformat()}"
    successor = model.lifecycle.successor
    if successor:
        text += f" → {label_of(successor)}"
    return text
