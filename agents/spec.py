"""The agent spec: what a preset YAML file, the agent editor and `imagechat agents import` hold.

Strict (`extra="forbid"`): an unknown or misspelt key is an error, never silently ignored. The
published JSON Schema (`agents/agent.schema.json`) is generated from these models
(`python -m agents.schema`), and a test checks that the committed file is up to date.

Chat and image model ids are checked against the model catalog when one is given as validation
context (`AgentSpec.model_validate(data, context={"catalog": catalog})`): the catalog depends on
the deployment (its models file), the JSON Schema cannot know it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from agents.icons import icon_names, is_icon
from imagechat.image_params import MAX_IMAGES, MAX_STYLE_CHARS
from imagechat.image_params.args import Quality, Size

MAX_NAME_CHARS = 64
MAX_DESCRIPTION_CHARS = 500
MAX_INSTRUCTIONS_CHARS = 20_000
MAX_STARTERS = 8
MAX_STARTER_LABEL_CHARS = 60
MAX_STARTER_MESSAGE_CHARS = 2_000

ImageMode = Literal["auto", "always"]


def _text(max_length: int, *, min_length: int = 0) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageCreation(_Strict):
    """The Image creation internal tool: whether the agent may create images, and when."""

    enabled: bool = Field(
        default=False, description="Enable AI-powered image generation capabilities."
    )
    mode: ImageMode = Field(
        default="auto",
        description="auto: the model decides when to create images; always: every message.",
    )


class InternalToolsSpec(_Strict):
    """TOOLKITS: the internal tools an agent's conversations start with."""

    image_creation: ImageCreation = Field(default_factory=ImageCreation)


class ImageDefaults(_Strict):
    """Values the generate_image tool uses when the model does not choose them itself."""

    model: str | None = Field(
        default=None, description="Image model id from the catalog (e.g. gpt-image-2.5-sunburst)."
    )
    size: Size | None = None
    quality: Quality | None = None
    style: Annotated[str | None, _text(MAX_STYLE_CHARS, min_length=1)] = None
    n: Annotated[int | None, Field(ge=1, le=MAX_IMAGES)] = None

    @field_validator("model")
    @classmethod
    def _known_image_model(cls, value: str | None, info: ValidationInfo) -> str | None:
        catalog = (info.context or {}).get("catalog")
        if value is not None and catalog is not None and not catalog.is_known_image(value):
            known = ", ".join(m.id for m in catalog.image_models)
            raise ValueError(f"unknown image model {value!r}; known image models: {known}")
        return value

    def tool_defaults(self) -> dict[str, Any]:
        """The generate_image arguments these defaults fill in."""
        values = {"size": self.size, "quality": self.quality, "style": self.style, "n": self.n}
        return {key: value for key, value in values.items() if value is not None}


class Starter(_Strict):
    """A suggestion shown on an empty conversation with the agent."""

    label: Annotated[str, _text(MAX_STARTER_LABEL_CHARS, min_length=1)]
    message: Annotated[str, _text(MAX_STARTER_MESSAGE_CHARS, min_length=1)]


class AgentSpec(_Strict):
    """One agent: who it is, how it talks, which model it uses and what it may do."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="ImageChat agent",
    )

    name: Annotated[str, _text(MAX_NAME_CHARS, min_length=1)] = Field(
        description="Shown in the agent picker; unique among one person's agents."
    )
    description: Annotated[str, _text(MAX_DESCRIPTION_CHARS)] = Field(
        default="", description="One or two sentences (Markdown) shown in the agent picker."
    )
    icon: str = Field(
        default="bot",
        description=f"A lucide icon name ({', '.join(icon_names())}) or one emoji.",
    )
    instructions: Annotated[str, _text(MAX_INSTRUCTIONS_CHARS)] = Field(
        default="", description="The system prompt. Empty: ImageChat's default assistant."
    )
    model: str | None = Field(
        default=None,
        description="Chat model id from the catalog (e.g. gpt-5.5). Empty: the default model.",
    )
    internal_tools: InternalToolsSpec = Field(default_factory=InternalToolsSpec)
    image_defaults: ImageDefaults = Field(default_factory=ImageDefaults)
    starters: list[Starter] = Field(default_factory=list, max_length=MAX_STARTERS)

    @field_validator("icon")
    @classmethod
    def _icon(cls, value: str) -> str:
        value = value.strip()
        if not is_icon(value):
            raise ValueError(
                f"{value!r} is neither one emoji nor a known icon name; "
                f"use one of {', '.join(icon_names())}"
            )
        return value

    @field_validator("model")
    @classmethod
    def _known_chat_model(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not value.strip():
            return None
        catalog = (info.context or {}).get("catalog")
        if value is not None and catalog is not None and not catalog.is_known_chat(value):
            known = ", ".join(m.id for m in catalog.chat_models)
            raise ValueError(f"unknown chat model {value!r}; known chat models: {known}")
        return value

    @property
    def image_creation(self) -> ImageCreation:
        return self.internal_tools.image_creation

    def version_metadata(self) -> dict[str, Any]:
        """What an agent version's metadata records: its internal tools configuration."""
        return {"internal_tools": self.internal_tools.model_dump(mode="json")}

    def to_data(self) -> dict[str, Any]:
        """The spec as plain data (for the database, YAML export and the editor)."""
        return self.model_dump(mode="json")
