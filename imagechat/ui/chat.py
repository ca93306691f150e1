"""Chainlit glue for the chat: session state, model picker, streaming, resume, persistence."""

from __future__ import annotations

import logging
from typing import Any

import chainlit as cl
from chainlit.types import ThreadDict

from imagechat.chat_session import ChatSession
from imagechat.errors import UserFacingError
from imagechat.history import messages_from_steps
from imagechat.internal_tools import TOAST, InternalTools
from imagechat.settings import get_settings
from imagechat.turns import StepRef, delete_heads
from imagechat.ui import agent_editor as editor_ui
from imagechat.ui import agents as agents_ui
from imagechat.ui import deletion, image_tools, interrupted, limits, runtime
from imagechat.ui.gallery import GALLERY_ELEMENT
from imagechat.ui.widgets import MODEL_MODE_ID, internal_tools_widgets, model_picker

log = logging.getLogger("imagechat.ui")

_SESSION_KEY = editor_ui.CHAT_SESSION_KEY
DELETE_ACTION = "delete_message"
RETRY_ACTION = interrupted.RETRY_ACTION
VARIATIONS_ACTION = "image_variations"
EDIT_ACTION = "image_edit"


def delete_action() -> cl.Action:
    return cl.Action(
        name=DELETE_ACTION,
        payload={},
        icon="trash-2",
        tooltip="Delete this answer with its images",
    )


class MessageUI:
    """Streams a turn into one Chainlit message; errors become error messages."""

    def __init__(self) -> None:
        self.message = cl.Message(content="", actions=[delete_action()])
        self._started = False

    async def stream(self, token: str) -> None:
        self._started = True
        await self.message.stream_token(token)

    async def finish(self, text: str) -> None:
        if not text and not self._started:
            return
        self.message.content = text
        await self.message.send()

    async def error(self, message: str) -> None:
        await cl.ErrorMessage(content=message).send()


def current() -> ChatSession:
    session = cl.user_session.get(_SESSION_KEY)
    return session if session is not None else new_session()


def new_session(
    *,
    model_id: str | None = None,
    tools: InternalTools | None = None,
    history: list[dict[str, Any]] | None = None,
) -> ChatSession:
    settings = get_settings()
    catalog = runtime.catalog()
    session = ChatSession(
        catalog=catalog,
        settings=settings,
        model_id=catalog.default_chat_model(settings.default_chat_model).id,
        tools=tools or InternalTools(),
        history=history or [],
    )
    session.model_notes = session.settle_models(model_id, session.tools.image_model)
    cl.user_session.set(_SESSION_KEY, session)
    return session


async def show_model_notes(session: ChatSession) -> None:
    """Say which retired or unavailable models this conversation no longer uses (a toast:
    messages sent while a conversation resumes vanish, Chainlit #2611)."""
    if session.model_notes:  # one toast: stacked toasts hide all but the newest
        await cl.context.emitter.send_toast(" ".join(session.model_notes), "warning")
    session.model_notes = []


def _user_identifier() -> str | None:
    user = cl.user_session.get("user")
    return getattr(user, "identifier", None)


async def persist(values: dict[str, Any]) -> None:
    """Save conversation settings now (Chainlit itself writes them only at disconnect)."""
    thread_id = cl.context.session.thread_id
    user = _user_identifier()
    if not (thread_id and user):
        return
    await runtime.get().data_layer.save_thread_settings(thread_id, user, values)


def _settings_record(session: ChatSession) -> dict[str, Any]:
    return {**session.tools.model_dump(), "model": session.model_id}


async def show_controls(session: ChatSession) -> None:
    """Send the gear menu (with this conversation's values) and the model picker."""
    await cl.ChatSettings(internal_tools_widgets(session.catalog, session.tools)).send()
    await cl.context.emitter.set_modes([model_picker(session.catalog, session.model)])


async def start() -> None:
    session = new_session()
    agent = await agents_ui.on_start(session)  # the agent picked at the top, if any
    await show_controls(session)
    await show_model_notes(session)
    await persist({**_settings_record(session), **agent})


async def resume(thread: ThreadDict) -> None:
    metadata = thread.get("metadata") or {}
    saved = metadata.get("chat_settings") if isinstance(metadata, dict) else None
    saved = saved if isinstance(saved, dict) else {}
    steps = thread.get("steps") or []
    session = new_session(
        model_id=saved.get("model"),
        tools=InternalTools.from_widgets(saved),
        history=messages_from_steps(list(steps)),
    )
    user = _user_identifier()
    if user:
        images = await runtime.get().data_layer.list_images(thread["id"], user)
        session.image_cost = sum(image.cost or 0.0 for image in images)
    await agents_ui.on_resume(session, saved)  # the agent version it started with
    await show_controls(session)
    await show_model_notes(session)
    # one 🗑 per answer (its text, else its gallery): it deletes the whole answer
    elements = thread.get("elements") or []
    galleries = [
        e["forId"] for e in elements if e.get("name") == GALLERY_ELEMENT and e.get("forId")
    ]
    for head in delete_heads([StepRef.from_step_dict(s) for s in steps], galleries):
        await delete_action().send(for_id=head)
    await interrupted.mark(thread)  # galleries whose generation no process runs any more


async def on_message(message: cl.Message) -> None:
    if await limits.refused_as_too_long(message):  # long pastes: say so, never lose them
        return
    if await editor_ui.handle_message(message):  # /agents opens the agent editor
        return
    session = current()
    chosen = (message.modes or {}).get(MODEL_MODE_ID)
    text = message.content or ""
    try:
        attached = await image_tools.store_attachments(message)
        context = await image_tools.turn_context(session.select_model(chosen), attached)
    except UserFacingError as exc:
        session.history.append({"role": "user", "content": text})
        await cl.ErrorMessage(content=exc.message).send()
        return
    await session.answer(
        text,
        MessageUI(),
        model_id=chosen,
        tools=image_tools.tools_factory(session, lambda: []),  # the answer carries the 🗑
        context=context,
    )
    await persist(_settings_record(session))
    if cl.user_session.get(editor_ui.RESTARTED):  # a conversation that began with /agents
        cl.user_session.set(editor_ui.RESTARTED, False)
        await cl.context.emitter.emit(
            "first_interaction",  # the sidebar lists it, the address becomes /thread/<id>
            {"interaction": text, "thread_id": cl.context.session.thread_id},
        )


async def on_image_variations(action: cl.Action) -> dict[str, str] | None:
    """Returns {"error": ...} for the gallery to show as a toast."""
    return await image_tools.variations(
        current(), str(action.payload.get("image_id", "")), lambda: [delete_action()]
    )


async def on_image_edit(action: cl.Action) -> dict[str, str] | None:
    payload = action.payload or {}
    painted = payload.get("mask")
    if painted is not None and not isinstance(painted, str):
        return {"error": "The selected area could not be read. Select it again."}
    return await image_tools.edit(
        current(),
        str(payload.get("image_id", "")),
        str(payload.get("prompt", "")),
        lambda: [delete_action()],
        painted=painted,
    )


async def on_settings_update(values: dict[str, Any]) -> None:
    session = current()
    session.tools = InternalTools.from_widgets(values)
    await persist(_settings_record(session))
    await cl.context.emitter.send_toast(TOAST, "success")


async def on_delete_message(action: cl.Action) -> None:
    """Delete an answer as one unit (its text, galleries, tool steps and images), after the
    page's confirmation (public/imagechat.js, which then offers Undo); the model forgets it."""
    user = _user_identifier()
    found = (
        await deletion.delete_answer(runtime.get().data_layer, get_settings(), action.forId, user)
        if user
        else None
    )
    if found is None:
        await cl.context.emitter.send_toast(
            "That answer could not be deleted: it is gone already. Reload the page.", "error"
        )
        return
    current().history = found[1]


async def on_image_retry(action: cl.Action) -> dict[str, str] | None:
    """The gallery's Retry, after an interruption: the same images, in a new message."""
    return await interrupted.retry(
        current(), str((action.payload or {}).get("gallery_id", "")), lambda: [delete_action()]
    )
