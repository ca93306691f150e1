"""Build the catalog: the provider's listing x litellm's model map x families.yaml, the offline
demo, and the operator's models file (`IMAGECHAT_MODELS_FILE`), which adds and overrides."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from imagechat.catalog import model_map
from imagechat.catalog.catalog import DEMO_CHAT_ID, DEMO_IMAGE_ID, Catalog
from imagechat.catalog.families import family_named, rules_for
from imagechat.catalog.listing import Listing
from imagechat.catalog.naming import describe_chat, describe_image, label_for
from imagechat.catalog.records import ChatModel, ImageModel, ImageRules, Lifecycle
from imagechat.providers.demo.constants import DEMO_CHAT_MODEL, DEMO_IMAGE_MODEL

# A dated snapshot ("gpt-5.4-mini-2026-03-17") is the same model as its alias; the alias is
# offered and the snapshot only when the operator's file names it.
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class CatalogError(Exception):
    """The operator's models file is invalid; the message names the file and the problem."""


def demo_models() -> tuple[ChatModel, ImageModel]:
    """The offline demo's two models (our own provider, so nothing to derive)."""
    chat = ChatModel(
        id=DEMO_CHAT_ID,
        label="Offline demo",
        provider="demo",
        litellm_model=DEMO_CHAT_MODEL,
        default_image_model=DEMO_IMAGE_ID,
        description="Demo: runs locally with no API key; understands image requests.",
    )
    image = ImageModel(
        id=DEMO_IMAGE_ID,
        label="Offline demo images",
        provider="demo",
        litellm_model=DEMO_IMAGE_MODEL,
        rules=rules_for(DEMO_IMAGE_MODEL),
        description="Demo: draws pictures locally with Pillow, free; live previews.",
        prices={"*@*": 0.0},
    )
    return chat, image


def provider_models(
    listing: Listing | None, *, provider: str = "openai"
) -> tuple[list[ChatModel], list[ImageModel]]:
    """The provider's models that ImageChat can use, described from litellm's map and the
    families table. Without a listing, every model the map knows for the provider."""
    ids = sorted(listing.ids()) if listing is not None else model_map.known_models(provider)
    chats: list[ChatModel] = []
    images: list[ImageModel] = []
    for model_id in ids:
        info = model_map.entry(model_id, provider)
        if info is None or _SNAPSHOT.search(model_id):
            continue
        created = listing.created(model_id) if listing is not None else 0
        if info.chat and info.function_calling and info.chat_completions:
            if "audio" in info.modalities:
                continue
            chats.append(
                ChatModel(
                    id=model_id,
                    label=label_for(model_id),
                    description=describe_chat(info),
                    litellm_model=f"{provider}/{model_id}",
                    provider="openai",
                    supports_tools=True,
                    supports_vision=info.vision,
                    lifecycle=info.lifecycle,
                    created=created,
                    input_price=_per_million(info.input_per_token),
                    output_price=_per_million(info.output_per_token),
                )
            )
        elif info.image_generation:
            rules = rules_for(model_id)
            if info.edits is False and rules.edits is not None:
                rules = rules.model_copy(update={"edits": None})
            images.append(
                ImageModel(
                    id=model_id,
                    label=label_for(model_id),
                    description=describe_image(
                        edits=rules.edits is not None,
                        custom_sizes=rules.custom_sizes is not None,
                        streams=rules.partial_images > 0,
                    ),
                    litellm_model=f"{provider}/{model_id}",
                    provider="openai",
                    rules=rules,
                    lifecycle=info.lifecycle,
                    created=created,
                    prices=model_map.per_image_prices(model_id, provider),
                )
            )
    newest_first = lambda m: (-m.created, m.id)  # noqa: E731
    return sorted(chats, key=newest_first), sorted(images, key=newest_first)


class _UserModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    description: str = ""
    litellm_model: str
    provider: str = "custom"
    api_base: str | None = None
    api_key_env: str | None = None


class UserChatModel(_UserModel):
    """A chat model in the operator's file."""

    supports_tools: bool = True
    supports_vision: bool = False
    default_image_model: str | None = None


class UserImageModel(_UserModel):
    """An image model in the operator's file: a family's rules, with any field overridden."""

    family: str | None = None
    rules: dict[str, Any] = Field(default_factory=dict)
    prices: dict[str, float] = Field(default_factory=dict)


class UserModels(BaseModel):
    """The shape of the IMAGECHAT_MODELS_FILE YAML file."""

    model_config = ConfigDict(extra="forbid")

    chat_models: list[UserChatModel] = Field(default_factory=list)
    image_models: list[UserImageModel] = Field(default_factory=list)


def load_user_models(path: Path) -> tuple[list[ChatModel], list[ImageModel]]:
    """Read and validate the operator's models file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read models file: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping with chat_models and image_models")
    try:
        user = UserModels.model_validate(raw)
        chats = [ChatModel(**m.model_dump()) for m in user.chat_models]
        images = [_user_image(m, path) for m in user.image_models]
        ids = [m.id for m in [*user.chat_models, *user.image_models]]
        repeated = next((i for i in ids if ids.count(i) > 1), None)
        if repeated is not None:
            raise CatalogError(f"{path}: model id {repeated!r} is defined twice")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise CatalogError(f"{path}: {problems}") from exc
    return chats, images


def _user_image(entry: UserImageModel, path: Path) -> ImageModel:
    if entry.family is not None:
        family = family_named(entry.family)
        if family is None:
            raise CatalogError(f"{path}: image model {entry.id!r}: no family {entry.family!r}")
        base = family.rules()
    else:
        base = rules_for(entry.litellm_model.rsplit("/", 1)[-1])
    rules = ImageRules.model_validate({**base.model_dump(), **entry.rules})
    fields = entry.model_dump(exclude={"family", "rules"})
    return ImageModel(**fields, rules=rules)


def build_catalog(
    *,
    openai_key: bool,
    models_file: Path | None = None,
    environ: dict[str, str] | None = None,
    listing: Listing | None = None,
    today: dt.date | None = None,
) -> Catalog:
    """Every model: the provider's, the demo, then the operator's file,
    whose entries add models or replace those with the same id."""
    # without a key (or a listing) the models litellm's map knows, so that a conversation on one
    # of them can say which key is missing
    chats, images = provider_models(listing)
    demo_chat, demo_image = demo_models()
    chats.append(demo_chat)
    images.append(demo_image)
    if models_file is not None:
        user_chats, user_images = load_user_models(models_file)
        chats = _merged(chats, user_chats)
        images = _merged(images, user_images)
    return Catalog(chats, images, openai_key=openai_key, environ=environ, today=today)


def _merged(base: list, extra: list) -> list:
    ids = {m.id for m in extra}
    return [m for m in base if m.id not in ids] + list(extra)


def _per_million(value: float | None) -> float | None:
    return None if value is None else value * 1e6


__all__ = [
    "CatalogError",
    "Lifecycle",
    "build_catalog",
    "demo_models",
    "load_user_models",
    "provider_models",
]
