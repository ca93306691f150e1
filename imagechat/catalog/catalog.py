"""The models that exist, which of them can be used right now, and what replaces a retired one."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from imagechat.catalog import model_map
from imagechat.catalog.naming import label_for
from imagechat.catalog.records import ChatModel, ImageModel, badge

DEMO_CHAT_ID = "demo-chat"
DEMO_IMAGE_ID = "demo-image"


@dataclass(frozen=True)
class Resolution:
    """The model to use for a stored id, and the note to show when it is not that id's model."""

    model: ChatModel | ImageModel | None
    note: str | None = None
    retired: bool = False  # the stored model was retired by its provider (not just keyless)
    successor: bool = False  # `model` is the stored model's successor (not just the default)


class Catalog:
    """The offered models (never a retired one) and the rules for picking among them."""

    def __init__(
        self,
        chat_models: list[ChatModel],
        image_models: list[ImageModel],
        *,
        openai_key: bool,
        environ: dict[str, str] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.today = today or dt.date.today()
        self.chat_models = [m for m in chat_models if m.lifecycle.stage(self.today) != "retired"]
        self.image_models = [m for m in image_models if m.lifecycle.stage(self.today) != "retired"]
        self._openai_key = openai_key
        self._environ = environ if environ is not None else dict(os.environ)
        self._labels = {m.id: m.label for m in [*chat_models, *image_models]}

    # What can be used
    def has_key(self, model: ChatModel | ImageModel) -> bool:
        """Whether the model's provider has what it needs (a key) to be called."""
        if model.provider == "demo":
            return True
        if model.provider == "openai":
            return self._openai_key
        return model.api_key_env is None or bool(self._environ.get(model.api_key_env))

    def key_envs(self) -> set[str]:
        """The environment variables that hold this catalog's provider keys."""
        models: list[ChatModel | ImageModel] = [*self.chat_models, *self.image_models]
        return {m.api_key_env for m in models if m.api_key_env}

    def available_chat_models(self) -> list[ChatModel]:
        return [m for m in self.chat_models if self.has_key(m)]

    def available_image_models(self) -> list[ImageModel]:
        return [m for m in self.image_models if self.has_key(m)]

    def chat_model(self, model_id: str | None) -> ChatModel | None:
        return next((m for m in self.chat_models if m.id == model_id), None)

    def image_model(self, model_id: str | None) -> ImageModel | None:
        return next((m for m in self.image_models if m.id == model_id), None)

    def is_known_chat(self, model_id: str) -> bool:
        """Offered here, or a chat model litellm's map knows (retired or keyless included)."""
        info = model_map.entry(model_id)
        return self.chat_model(model_id) is not None or (info is not None and info.chat)

    def is_known_image(self, model_id: str) -> bool:
        info = model_map.entry(model_id)
        return self.image_model(model_id) is not None or (
            info is not None and info.image_generation
        )

    def label(self, model_id: str) -> str:
        return self._labels.get(model_id) or label_for(model_id)

    def badge(self, model: ChatModel | ImageModel) -> str | None:
        """ "retires DATE → SUCCESSOR" for a model within 60 days of its shutdown."""
        return badge(model, self.today, self.label)

    # Defaults, chosen by rule
    def default_chat_model(self, preferred: str | None = None) -> ChatModel:
        """`preferred` when usable, else the newest current chat model with tool calling,
        else any usable model, else the demo."""
        available = self.available_chat_models()
        by_id = {m.id: m for m in available}
        if preferred and preferred in by_id:
            return by_id[preferred]
        real = [m for m in available if m.provider != "demo"]
        current = [
            m for m in real if m.supports_tools and m.lifecycle.stage(self.today) == "current"
        ]
        for group in (current, real):
            if group:
                return _newest(group)
        return by_id[DEMO_CHAT_ID]

    def default_image_model(
        self, chat: ChatModel, preferred: str | None = None
    ) -> ImageModel | None:
        """`preferred`, else the chat model's own, else the newest current image model of the
        chat model's provider, else any of its models."""
        available = {m.id: m for m in self.available_image_models()}
        for candidate in (preferred, chat.default_image_model):
            if candidate and candidate in available:
                return available[candidate]
        same = [m for m in available.values() if m.provider == chat.provider]
        current = [m for m in same if m.lifecycle.stage(self.today) == "current"]
        for group in (current, same):
            if group:
                return _newest(group)
        return None

    # Retired and unavailable models
    def resolve_chat(self, model_id: str | None, preferred: str | None = None) -> Resolution:
        """The chat model for a stored id: itself when offered and usable, else its successor
        (following litellm's successor chain), else the default, with a note saying so."""
        model = self.chat_model(model_id)
        if model_id is None or (model is not None and self.has_key(model)):
            return Resolution(model)
        usable = {m.id: m for m in self.available_chat_models()}
        successor = self._successor(model_id, usable)
        target = successor or self.default_chat_model(preferred)
        note = self._moved_note(model_id, target, successor is not None)
        return Resolution(target, note, self._retired(model_id), successor is not None)

    def resolve_image(self, model_id: str | None, chat: ChatModel) -> Resolution:
        model = self.image_model(model_id)
        if model_id is None or (model is not None and self.has_key(model)):
            return Resolution(model)
        usable = {m.id: m for m in self.available_image_models()}
        successor = self._successor(model_id, usable)
        target = successor or self.default_image_model(chat)
        if target is None:
            return Resolution(None)
        note = self._moved_note(model_id, target, successor is not None)
        return Resolution(target, note, self._retired(model_id), successor is not None)

    def _retired(self, model_id: str) -> bool:
        info = model_map.entry(model_id)
        return info is not None and info.lifecycle.stage(self.today) == "retired"

    def _successor(
        self, model_id: str, usable: dict[str, ChatModel] | dict[str, ImageModel]
    ) -> ChatModel | ImageModel | None:
        seen: set[str] = set()
        current: str | None = model_id
        while current and current not in seen:
            seen.add(current)
            if current != model_id and current in usable:
                return usable[current]
            info = model_map.entry(current)
            current = info.lifecycle.successor if info else None
        return None

    def _moved_note(self, old_id: str, target: ChatModel | ImageModel, is_successor: bool) -> str:
        info = model_map.entry(old_id)
        shutdown = info.lifecycle.shutdown if info else None
        old = self.label(old_id)
        if shutdown is not None and self._retired(old_id):
            why = f"{old} was retired by its provider on {shutdown.isoformat()}"
        else:
            why = f"{old} is not available here"
        role = "its successor" if is_successor else "the default"
        return f"{why}; this now uses {role}, {target.label}."


def _newest(models: list[ChatModel] | list[ImageModel]) -> ChatModel | ImageModel:
    """The newest by the provider's listing (`created`); without a listing, the model litellm's
    map names most often as a successor (the provider's own recommendation)."""
    if any(m.created for m in models):
        return max(models, key=lambda m: m.created)
    named = model_map.successor_counts()
    return max(models, key=lambda m: (named.get(m.id, 0), m.id))
