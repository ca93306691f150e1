"""Chainlit glue for images: the tools offered per turn, attachments, the image context, and
the gallery's Variations and Edit actions."""

from __future__ import annotations

import asyncio
import base64
from collections import OrderedDict
from pathlib import Path
from typing import Any

import chainlit as cl

from imagechat.catalog import ChatModel
from imagechat.chat_session import ChatSession
from imagechat.conversation import ToolSpec
from imagechat.errors import ModelRetry, UserFacingError
from imagechat.image_budget import ImageBudget
from imagechat.image_context import TurnContext, context_note, images_to_show
from imagechat.image_refs import ImageRefs, with_references
from imagechat.imaging import (
    ImageRejected,
    decode_and_thumbnail,
    decode_budget,
    decode_image_bytes,
    downscale_for_llm,
    pixel_count,
)
from imagechat.llm import endpoint_for
from imagechat.storage.images import ImageRecord
from imagechat.ui import runtime
from imagechat.ui.gallery import ChainlitGallery
from imagechat.ui.limits import max_upload_bytes
from tools.image_edit import image_edit_tool, run_edit
from tools.image_generation import ImageToolConfig, image_generation_tool
from tools.image_variations import run_variations


def _user() -> str:
    user = cl.user_session.get("user")
    return getattr(user, "identifier", "") or ""


def _thread() -> str:
    return cl.context.session.thread_id


async def lookup(image_id: str) -> ImageRecord | None:
    """An image of THIS conversation and user, with its data; None for anything else."""
    record = await runtime.get().data_layer.get_image_for_user(image_id, _user())
    return record if record is not None and record.thread_id == _thread() else None


async def current_refs() -> ImageRefs:
    """The references ("image-3") of this conversation's images, as the image list gives them."""
    records = await runtime.get().data_layer.list_images(_thread(), _user())
    return ImageRefs.of([record.id for record in records])


def gallery_for(session: ChatSession, actions: Any) -> ChainlitGallery:
    def add_cost(cost: float) -> float:
        session.image_cost += cost
        return session.image_cost

    return ChainlitGallery(
        layer=runtime.get().data_layer,
        user=_user(),
        thread_id=_thread(),
        actions=actions,
        on_cost=add_cost,
    )


def tool_config(session: ChatSession, chat_model: ChatModel) -> ImageToolConfig:
    image_model = session.image_model(chat_model)
    return ImageToolConfig(
        model=image_model,
        endpoint=endpoint_for(image_model, session.settings, session.environ),
        timeout=session.settings.imagechat_llm_timeout,
        secrets=session.settings.secrets(),
        defaults=session.image_defaults,
        moderation=session.settings.imagechat_image_moderation,
        partial_images=session.settings.imagechat_partial_images,
        # one budget per answer (this config serves every tool call of it) or per action
        budget=ImageBudget(limit=session.settings.imagechat_max_images_per_answer),
    )


def tools_factory(session: ChatSession, actions: Any):  # type: ignore[no-untyped-def]
    """The internal tools switched on for this conversation, for the chosen chat model."""

    def build(chat_model: ChatModel) -> list[ToolSpec]:
        if session.tools.image_tool == "off":
            return []
        config = tool_config(session, chat_model)
        gallery = gallery_for(session, actions)
        tools = [image_generation_tool(config, gallery), image_edit_tool(config, gallery, lookup)]
        return [with_references(tool, current_refs) for tool in tools]  # no raw ids to the model

    return build


async def store_attachments(message: cl.Message) -> list[str]:
    """Store the message's images as references (ids); a non-image is a clear error."""
    ids: list[str] = []
    for element in message.elements or []:
        name = element.name or "attachment"
        data = await asyncio.to_thread(_read_element, element)
        try:
            if data is None:
                raise ImageRejected("The file is empty or too large.", reason="too_large")
            decoded, thumb = await decode_and_thumbnail(base64.b64encode(data))
        except ImageRejected as exc:
            raise UserFacingError(
                f"“{name}” cannot be used as a reference image: {exc.message} "
                "Attach a PNG, JPEG or WebP picture instead.",
                kind="bad_attachment",
            ) from exc
        ids.append(
            await runtime.get().data_layer.save_image(
                user_identifier=_user(),
                thread_id=_thread(),
                step_id=message.id,
                data_b64=base64.b64encode(decoded.data).decode("ascii"),
                mime=decoded.mime,
                width=decoded.width,
                height=decoded.height,
                thumb_b64=base64.b64encode(thumb.data).decode("ascii"),
                thumb_mime=thumb.mime,
                prompt=message.content or None,
                model="attachment",
                params={"source": "attachment", "filename": name},
            )
        )
    return ids


def _read_element(element: Any) -> bytes | None:
    """The attachment's bytes, never reading more than the upload limit (plus one byte, to
    tell a file over it, which is refused, even if it grew after upload)."""
    limit = max_upload_bytes()
    content = getattr(element, "content", None)
    if isinstance(content, bytes | bytearray):
        data = bytes(content[: limit + 1])
    elif getattr(element, "path", None):
        path = Path(element.path)
        if not path.is_file() or path.stat().st_size > limit:
            return None
        with path.open("rb") as file:
            data = file.read(limit + 1)
    else:
        return None
    return data if 0 < len(data) <= limit else None


_VISION_COPIES: OrderedDict[str, str] = OrderedDict()
_VISION_CACHE_SIZE = 64


async def _vision_copy(image_id: str) -> str | None:
    """The image as a small JPEG data URL for a vision model; images never change, so each is
    read and downscaled once (per process), not on every turn."""
    if image_id in _VISION_COPIES:
        _VISION_COPIES.move_to_end(image_id)
        return _VISION_COPIES[image_id]
    full = await runtime.get().data_layer.get_image_for_user(image_id, _user())
    if not (full and full.data_b64):
        return None
    data = base64.b64decode(full.data_b64)
    jpeg = await decode_budget().run(  # the pixels are reserved like every decode's
        pixel_count(data), lambda: downscale_for_llm(decode_image_bytes(data))
    )
    url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
    _VISION_COPIES[image_id] = url
    if len(_VISION_COPIES) > _VISION_CACHE_SIZE:
        _VISION_COPIES.popitem(last=False)
    return url


async def turn_context(chat_model: ChatModel, attached: list[str]) -> TurnContext:
    """The image list for the model, and (vision models) the latest images, downscaled."""
    layer = runtime.get().data_layer
    records = await layer.list_images(_thread(), _user())
    attached_now = set(attached)
    context = TurnContext(note=context_note(records, attached_now))
    if chat_model.supports_vision:
        for record in images_to_show(records, attached_now):
            url = await _vision_copy(record.id)
            if url:
                context.images.append(url)
    return context


NOT_HERE = {"error": "That image is not in this conversation."}


async def variations(session: ChatSession, image_id: str, actions: Any) -> dict[str, str] | None:
    """The gallery's Variations action: more images like this one, in a new message."""
    record = await lookup(image_id)
    if record is None or not record.data_b64:
        return NOT_HERE
    try:
        config = tool_config(session, session.select_model(None))
        await run_variations(config, gallery_for(session, actions), record)
    except UserFacingError as exc:
        await cl.ErrorMessage(content=exc.message).send()
    return None


async def edit(
    session: ChatSession,
    image_id: str,
    prompt: str,
    actions: Any,
    painted: str | None = None,
) -> dict[str, str] | None:
    """The gallery's Edit action: edit this image as the person described, only in the
    `painted` area (a PNG data URL, transparent = change) when one was selected."""
    record = await lookup(image_id)
    if record is None:
        return NOT_HERE
    try:
        config = tool_config(session, session.select_model(None))
        await run_edit(
            config,
            gallery_for(session, actions),
            [record],
            {"image_ids": [image_id], "prompt": prompt},
            painted=painted,
        )
    except ModelRetry:
        return {"error": "Describe the change you want, e.g. 'make it brighter'."}
    except UserFacingError as exc:
        if exc.kind == "bad_mask":  # the viewer is still open: say it there, select again
            return {"error": exc.message}
        await cl.ErrorMessage(content=exc.message).send()
    return None
