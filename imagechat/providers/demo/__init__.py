"""The offline demo: a chat model and an image model that run locally, reached through litellm
as the custom provider "imagechat-demo" (models "imagechat-demo/chat" and "imagechat-demo/image").

    from imagechat.providers import demo
    demo.register()
    await litellm.acompletion(model=demo.DEMO_CHAT_MODEL, messages=..., tools=..., stream=True)
    await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, prompt=..., n=2, size="512x512")
    await litellm.aimage_edit(model=demo.DEMO_IMAGE_MODEL, image=png_bytes, prompt="brighter")

`register()` also registers the demo's streamer for the catalog provider "demo" (streaming.py):
the same pictures, with live previews (partial images) that sharpen before each one lands.
The image model understands any WIDTHxHEIGHT up to 1792 a side, background "transparent", and
output_format png/webp/jpeg with output_compression.

The chat model calls `generate_image` for new pictures and refinements, and `edit_image` (when
offered) for changes to a picture of the conversation, which it finds in the app's system note
"Images in this conversation …" (see edits.py and conversation.image_context).

Importing this package is cheap; litellm is imported when a name below that needs it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .constants import DEMO_CHAT_MODEL, DEMO_IMAGE_MODEL, EDIT_TOOL_NAME, PROVIDER, TOOL_NAME

if TYPE_CHECKING:
    from .chat import DemoTurn, decide_turn
    from .handler import DemoLLM, get_handler, register
    from .images import demo_edit_image, demo_generate_image
    from .parser import ImageRequest, apply_follow_up, is_image_request, parse_image_request
    from .render import edit_png, render_png

_LAZY = {
    "register": "handler",
    "get_handler": "handler",
    "DemoLLM": "handler",
    "demo_edit_image": "images",
    "demo_generate_image": "images",
    "decide_turn": "chat",
    "DemoTurn": "chat",
    "parse_image_request": "parser",
    "is_image_request": "parser",
    "apply_follow_up": "parser",
    "ImageRequest": "parser",
    "render_png": "render",
    "edit_png": "render",
}

__all__ = [
    "DEMO_CHAT_MODEL",
    "DEMO_IMAGE_MODEL",
    "EDIT_TOOL_NAME",
    "PROVIDER",
    "TOOL_NAME",
    "DemoLLM",
    "DemoTurn",
    "ImageRequest",
    "apply_follow_up",
    "decide_turn",
    "demo_edit_image",
    "demo_generate_image",
    "edit_png",
    "get_handler",
    "is_image_request",
    "parse_image_request",
    "register",
    "render_png",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
