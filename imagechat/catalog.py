"""Chat models and image models with their capabilities and prices.

The built-in catalog covers OpenAI's models and the offline demo. A YAML file named by
`IMAGECHAT_MODELS_FILE` adds models served by any OpenAI-compatible endpoint
(vLLM, LM Studio, Ollama).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from imagechat.providers.demo import DEMO_CHAT_MODEL, DEMO_IMAGE_MODEL

Provider = Literal["openai", "demo", "custom"]

DEMO_CHAT_ID = "demo-chat"
DEMO_IMAGE_ID = "demo-image"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatModel(_Spec):
    """A model the person can chat with."""

    id: str
    label: str
    description: str
    litellm_model: str
    provider: Provider
    supports_tools: bool = True
    supports_vision: bool = False
    api_base: str | None = None
    api_key_env: str | None = None
    default_image_model: str | None = None


class ImageModel(_Spec):
    """A model that makes images, with what it really accepts."""

    id: str
    label: str
    description: str
    litellm_model: str
    provider: Provider
    sizes: tuple[str, ...]
    default_size: str
    # our quality (auto/low/medium/high) -> the value the model takes (None: send nothing)
    qualities: dict[str, str | None]
    styles: tuple[str, ...] = ()
    max_n_per_request: int = 1
    supports_edits: bool = False
    supports_background: bool = False
    returns_revised_prompt: bool = False
    always_b64: bool = False
    # price per image in USD, keyed "quality@size" with "*" wildcards
    prices: dict[str, float] = Field(default_factory=dict)
    api_base: str | None = None
    api_key_env: str | None = None

    def price_per_image(self, quality: str | None, size: str) -> float | None:
        q = quality or "*"
        for key in (f"{q}@{size}", f"{q}@*", f"*@{size}", "*@*"):
            if key in self.prices:
                return self.prices[key]
        return None


_GPT_IMAGE_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
_GPT_IMAGE_QUALITIES: dict[str, str | None] = {
    "auto": "auto",
    "low": "low",
    "medium": "medium",
    "high": "high",
}

BUILTIN_CHAT_MODELS: tuple[ChatModel, ...] = (
    ChatModel(
        id="gpt-4o-mini",
        label="GPT-4o mini",
        provider="openai",
        litellm_model="openai/gpt-4o-mini",
        supports_vision=True,
        description="Fast and inexpensive; good for quick image iterations.",
    ),
    ChatModel(
        id="gpt-4o",
        label="GPT-4o",
        provider="openai",
        litellm_model="openai/gpt-4o",
        supports_vision=True,
        description="Strong all-round model with vision.",
    ),
    ChatModel(
        id="gpt-4.1",
        label="GPT-4.1",
        provider="openai",
        litellm_model="openai/gpt-4.1",
        supports_vision=True,
        description="Precise instruction following, long context.",
    ),
    ChatModel(
        id="gpt-5.1",
        label="GPT-5.1",
        provider="openai",
        litellm_model="openai/gpt-5.1",
        supports_vision=True,
        description="OpenAI's most capable model; slower and pricier.",
    ),
    ChatModel(
        id=DEMO_CHAT_ID,
        label="Offline demo",
        provider="demo",
        litellm_model=DEMO_CHAT_MODEL,
        default_image_model=DEMO_IMAGE_ID,
        description="Demo: runs locally with no API key; understands image requests.",
    ),
)

BUILTIN_IMAGE_MODELS: tuple[ImageModel, ...] = (
    ImageModel(
        id="gpt-image-1",
        label="GPT Image 1",
        provider="openai",
        litellm_model="openai/gpt-image-1",
        sizes=_GPT_IMAGE_SIZES,
        default_size="auto",
        qualities=_GPT_IMAGE_QUALITIES,
        max_n_per_request=10,
        supports_edits=True,
        supports_background=True,
        always_b64=True,
        description="OpenAI's best image model: follows prompts closely, edits images.",
        prices={
            "low@1024x1024": 0.011,
            "medium@1024x1024": 0.042,
            "high@1024x1024": 0.167,
            "low@*": 0.016,
            "medium@*": 0.063,
            "high@*": 0.25,
            "auto@*": 0.042,
            "*@*": 0.042,
        },
    ),
    ImageModel(
        id="gpt-image-1-mini",
        label="GPT Image 1 mini",
        provider="openai",
        litellm_model="openai/gpt-image-1-mini",
        sizes=_GPT_IMAGE_SIZES,
        default_size="auto",
        qualities=_GPT_IMAGE_QUALITIES,
        max_n_per_request=10,
        supports_edits=True,
        supports_background=True,
        always_b64=True,
        description="Cheaper, faster GPT Image.",
        prices={
            "low@1024x1024": 0.005,
            "medium@1024x1024": 0.011,
            "high@1024x1024": 0.036,
            "low@*": 0.006,
            "medium@*": 0.015,
            "high@*": 0.052,
            "*@*": 0.011,
        },
    ),
    ImageModel(
        id="dall-e-3",
        label="DALL·E 3",
        provider="openai",
        litellm_model="openai/dall-e-3",
        sizes=("1024x1024", "1792x1024", "1024x1792"),
        default_size="1024x1024",
        qualities={"auto": "standard", "low": "standard", "medium": "standard", "high": "hd"},
        styles=("vivid", "natural"),
        max_n_per_request=1,
        returns_revised_prompt=True,
        description="One image per request; rewrites prompts for detail.",
        prices={
            "standard@1024x1024": 0.04,
            "standard@*": 0.08,
            "hd@1024x1024": 0.08,
            "hd@*": 0.12,
        },
    ),
    ImageModel(
        id="dall-e-2",
        label="DALL·E 2",
        provider="openai",
        litellm_model="openai/dall-e-2",
        sizes=("256x256", "512x512", "1024x1024"),
        default_size="1024x1024",
        qualities={"auto": None, "low": None, "medium": None, "high": None},
        max_n_per_request=10,
        supports_edits=True,
        description="Older, cheap, square images only.",
        prices={"*@256x256": 0.016, "*@512x512": 0.018, "*@1024x1024": 0.02},
    ),
    ImageModel(
        id=DEMO_IMAGE_ID,
        label="Offline demo images",
        provider="demo",
        litellm_model=DEMO_IMAGE_MODEL,
        sizes=(
            "256x256",
            "512x512",
            "1024x1024",
            "1536x1024",
            "1024x1536",
            "1792x1024",
            "1024x1792",
        ),
        default_size="1024x1024",
        qualities=_GPT_IMAGE_QUALITIES,
        max_n_per_request=10,
        supports_edits=True,
        supports_background=True,
        returns_revised_prompt=True,
        description="Demo: draws pictures locally with Pillow, free.",
        prices={"*@*": 0.0},
    ),
)


class UserModels(_Spec):
    """The shape of the IMAGECHAT_MODELS_FILE YAML file."""

    chat_models: list[ChatModel] = Field(default_factory=list)
    image_models: list[ImageModel] = Field(default_factory=list)


class CatalogError(Exception):
    """The user's models file is invalid; the message names the file and the problem."""


class Catalog:
    """The models that exist, and which of them can be used right now."""

    def __init__(
        self,
        chat_models: list[ChatModel],
        image_models: list[ImageModel],
        *,
        openai_key: bool,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.chat_models = chat_models
        self.image_models = image_models
        self._openai_key = openai_key
        self._environ = environ if environ is not None else dict(os.environ)

    def has_key(self, model: ChatModel | ImageModel) -> bool:
        """Whether the model's provider has what it needs (a key) to be called."""
        if model.provider == "demo":
            return True
        if model.provider == "openai":
            return self._openai_key
        return model.api_key_env is None or bool(self._environ.get(model.api_key_env))

    def available_chat_models(self) -> list[ChatModel]:
        return [m for m in self.chat_models if self.has_key(m)]

    def available_image_models(self) -> list[ImageModel]:
        return [m for m in self.image_models if self.has_key(m)]

    def chat_model(self, model_id: str | None) -> ChatModel | None:
        return next((m for m in self.chat_models if m.id == model_id), None)

    def image_model(self, model_id: str | None) -> ImageModel | None:
        return next((m for m in self.image_models if m.id == model_id), None)

    def default_chat_model(self, preferred: str | None = None) -> ChatModel:
        """The configured default when usable, else the first usable real model, else the demo."""
        available = self.available_chat_models()
        by_id = {m.id: m for m in available}
        if preferred and preferred in by_id:
            return by_id[preferred]
        real = [m for m in available if m.provider != "demo"]
        return real[0] if real else by_id[DEMO_CHAT_ID]

    def default_image_model(
        self, chat: ChatModel, preferred: str | None = None
    ) -> ImageModel | None:
        available = {m.id: m for m in self.available_image_models()}
        for candidate in (preferred, chat.default_image_model):
            if candidate and candidate in available:
                return available[candidate]
        same_provider = [m for m in available.values() if m.provider == chat.provider]
        if same_provider:
            return same_provider[0]
        return None


def load_user_models(path: Path) -> UserModels:
    """Read and validate the user's models file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read models file: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping with chat_models and image_models")
    for section in ("chat_models", "image_models"):
        for entry in raw.get(section) or []:
            if isinstance(entry, dict):
                entry.setdefault("provider", "custom")
                if isinstance(entry.get("sizes"), list):
                    entry["sizes"] = tuple(entry["sizes"])
    try:
        return UserModels.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise CatalogError(f"{path}: {problems}") from exc


def build_catalog(
    *, openai_key: bool, models_file: Path | None = None, environ: dict[str, str] | None = None
) -> Catalog:
    chat = list(BUILTIN_CHAT_MODELS)
    images = list(BUILTIN_IMAGE_MODELS)
    if models_file is not None:
        user = load_user_models(models_file)
        taken = {m.id for m in chat} | {m.id for m in images}
        for model in [*user.chat_models, *user.image_models]:
            if model.id in taken:
                raise CatalogError(f"{models_file}: model id {model.id!r} is already defined")
            taken.add(model.id)
        chat.extend(user.chat_models)
        images.extend(user.image_models)
    return Catalog(chat, images, openai_key=openai_key, environ=environ)
