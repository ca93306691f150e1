"""The gear menu's widgets and the composer's model picker."""

from __future__ import annotations

import chainlit as cl
from chainlit.input_widget import InputWidget, Select, Switch

from imagechat.catalog import Catalog, ChatModel, ImageModel
from imagechat.internal_tools import InternalTools

MODEL_MODE_ID = "model"
# Radix's Select refuses an empty value, so "use the default" needs a name of its own.
DEFAULT_IMAGE_MODEL = "default"

_MODES = {"Auto: the model decides (recommended)": "auto", "Always: every message": "always"}


def internal_tools_widgets(catalog: Catalog, tools: InternalTools) -> list[InputWidget]:
    """Widgets for the Internal tools gear, with `initial` set from the conversation's values."""
    widgets: list[InputWidget] = [
        Switch(
            id="image_creation",
            label="Image creation",
            initial=tools.image_creation,
            tooltip="Enable AI-powered image generation capabilities",
            description="Let the assistant create images with the image model below.",
        ),
        Select(
            id="image_creation_mode",
            label="When to create images",
            items=_MODES,
            initial_value=tools.image_creation_mode,
        ),
    ]
    image_models = catalog.available_image_models()
    if image_models:
        items = {picker_name(catalog, m): m.id for m in image_models}
        initial = tools.image_model if tools.image_model in items.values() else None
        widgets.append(
            Select(
                id="image_model",
                label="Image model",
                items={"Default for the chat model": DEFAULT_IMAGE_MODEL, **items},
                initial_value=initial or DEFAULT_IMAGE_MODEL,
                description="; ".join(f"{m.label}: {m.description}" for m in image_models),
            )
        )
    return widgets


def picker_name(catalog: Catalog, model: ChatModel | ImageModel) -> str:
    """The model's name, with "⚠ retires DATE → SUCCESSOR" within 60 days of its shutdown."""
    badge = catalog.badge(model)
    return f"{model.label} · ⚠ {badge}" if badge else model.label


def model_picker(catalog: Catalog, selected: ChatModel) -> cl.Mode:
    """The chat-model picker shown in the composer."""
    options = [
        cl.ModeOption(
            id=m.id,
            name=picker_name(catalog, m),
            description=m.description,
            icon="flask-conical" if m.provider == "demo" else "sparkles",
            default=m.id == selected.id,
        )
        for m in catalog.available_chat_models()
    ]
    return cl.Mode(id=MODEL_MODE_ID, name="Model", options=options)
