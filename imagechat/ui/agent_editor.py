"""The agent editor: the `AgentEditor` element in the side panel (`/agents`) and its actions.

The element (public/elements/AgentEditor.jsx) calls the actions with `callAction`; each returns
`{ok, message, errors?, agent?, agents?}` and shows a toast. The form is validated by the same
pydantic spec as preset files (`agents.loader.validate_agent`); every change is scoped to the
signed-in user, and Save always adds a new version.
"""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl

from agents.icons import icon_data_url, icon_names
from agents.loader import AgentSpecError, Problem, validate_agent
from imagechat.history import UI_ONLY
from imagechat.image_params import MAX_IMAGES, QUALITIES, SIZES
from imagechat.storage.agents import AgentNameTaken, AgentNotFound, AgentVersionRecord
from imagechat.ui import agents, runtime
from imagechat.ui.agents import (
    COMMAND,
    OWN,
    PRESET,
    ActiveAgent,
    current_user,
    from_record,
    own_agents,
)
from tools.registry import IMAGE_CREATION

EDITOR_ELEMENT = "AgentEditor"
SAVE_ACTION = "agent_save"
DUPLICATE_ACTION = "agent_duplicate"
DELETE_ACTION = "agent_delete"
START_ACTION = "agent_start"


def _entry(agent: ActiveAgent, *, kind: str, updated_at: str | None = None) -> dict[str, Any]:
    return {
        "ref": agent.ref,
        "kind": kind,
        "name": agent.spec.name,
        "version": agent.version,
        "updatedAt": updated_at,
        "iconUrl": icon_data_url(agent.spec.icon, seed=agent.spec.name),
        "spec": agent.spec.to_data(),
    }


async def agent_entries(user: str) -> list[dict[str, Any]]:
    entries = [
        _entry(ActiveAgent(PRESET + key, preset.spec), kind="preset")
        for key, preset in agents.presets().items()
    ]
    for agent, record in await own_agents(user):
        entries.append(_entry(agent, kind="own", updated_at=record.updated_at))
    return entries


def _catalog_props() -> dict[str, Any]:
    catalog = runtime.catalog()
    return {
        "models": [
            {
                "id": m.id,
                "label": m.label,
                "description": m.description,
                "available": catalog.has_key(m),
                "tools": m.supports_tools,
            }
            for m in catalog.chat_models
        ],
        "imageModels": [
            {
                "id": m.id,
                "label": m.label,
                "description": m.description,
                "available": catalog.has_key(m),
                "sizes": list(m.sizes),
                "styles": list(m.styles),
                "maxN": m.max_n_per_request,
            }
            for m in catalog.image_models
        ],
        "sizes": list(SIZES),
        "qualities": list(QUALITIES),
        "maxImages": MAX_IMAGES,
        "icons": [{"name": n, "url": icon_data_url(n, seed=n)} for n in icon_names()],
        "imageCreation": {"label": IMAGE_CREATION.label, "tooltip": IMAGE_CREATION.tooltip},
    }


async def open_editor(selected: str | None = None) -> None:
    """Show the agent editor in the side panel."""
    props = {
        **_catalog_props(),
        "agents": await agent_entries(current_user()),
        "selected": selected,
    }
    element = cl.CustomElement(name=EDITOR_ELEMENT, props=props, display="inline")
    await cl.ElementSidebar.set_elements([element], key=element.id)
    await cl.ElementSidebar.set_title("Agents")


RESTARTED = "thread_restarted"  # user-session flag: the conversation awaits its first message
CHAT_SESSION_KEY = "chat_session"  # where imagechat.ui.chat keeps the conversation's ChatSession


def is_command(message: cl.Message) -> bool:
    text = (message.content or "").strip().lower()
    return message.command == COMMAND or text in ("/" + COMMAND, "/agent")


async def handle_message(message: cl.Message) -> bool:
    """Open the editor for `/agents`; True when the message was that command.

    When the command opened a new conversation, that conversation is not kept (no "Untitled
    Conversation" in the sidebar): the next message starts it afresh."""
    if not is_command(message):
        return False
    await open_editor()
    notice = cl.Message(
        content=(
            "**Agents** are open in the side panel: create an agent, or edit one of yours. "
            "Pick an agent in the menu at the top to start a conversation with it."
        ),
        metadata={UI_ONLY: True},  # not part of the conversation the model sees
    )
    await notice.send()
    await _forget_if_only_the_command({message.id, notice.id})
    return True


async def _forget_if_only_the_command(step_ids: set[str]) -> None:
    session = cl.context.session
    user = current_user()
    if not (session.thread_id and user):
        return
    layer = runtime.get().data_layer
    # Chainlit creates the thread in a task of its own, started with the message: give it a
    # moment (it is queued before the notice's write, so it has almost always landed).
    for _ in range(20):
        if await layer.restart_thread_for_user(session.thread_id, user, step_ids):
            # The next message creates the thread again, named after it; Chainlit will not
            # announce that one (its first interaction was the command): chat.py does.
            cl.user_session.set(RESTARTED, True)
            return
        if await layer.get_thread_author(session.thread_id):  # exists, with more in it
            return
        await asyncio.sleep(0.1)


def _keep_the_conversation_unstarted() -> None:
    """An editor action is not a conversation: do not let it start one.

    Chainlit starts the thread (named after the action) when an action is a session's first
    interaction (`server.call_action`), and saves the session's metadata into it at disconnect,
    which "Start a conversation" causes by reloading the page. Both would leave an empty
    "Untitled Conversation" in the sidebar. Runs before the first await, so ahead of Chainlit's
    task; only while nothing was said in this conversation."""
    session = cl.user_session.get(CHAT_SESSION_KEY)
    thread_id = cl.context.session.thread_id
    if thread_id and (session is None or not session.history):
        runtime.get().data_layer.keep_unstarted(thread_id)
        cl.user_session.set(RESTARTED, True)  # the next message announces the conversation


def _problems(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"field": p.field, "message": p.message} for p in problems]


async def _refused(message: str, problems: list[Problem] | None = None) -> dict[str, Any]:
    await cl.context.emitter.send_toast(message, "error")
    return {"ok": False, "message": message, "errors": _problems(problems or [])}


async def _done(record: AgentVersionRecord, toast: str) -> dict[str, Any]:
    await cl.context.emitter.send_toast(toast, "success")
    agent = from_record(record)
    return {
        "ok": True,
        "message": toast,
        "agent": _entry(agent, kind="own", updated_at=record.updated_at),
        "agents": await agent_entries(record.owner),
    }


def _own_id(ref: Any) -> str | None:
    return ref.removeprefix(OWN) if isinstance(ref, str) and ref.startswith(OWN) else None


async def on_save(action: cl.Action) -> dict[str, Any]:
    """Save the form: a new agent, or the next version of one of the user's agents."""
    _keep_the_conversation_unstarted()
    user = current_user()
    payload = action.payload or {}
    try:
        spec = validate_agent(payload.get("spec"), catalog=runtime.catalog())
    except AgentSpecError as exc:
        return await _refused("Agent not saved: fix the highlighted fields.", exc.problems)
    ref = payload.get("ref")
    agent_id = _own_id(ref)
    try:
        if ref and agent_id is None:
            return await _refused("Presets cannot be changed: duplicate it to make it yours.")
        if agent_id is None:
            record = await agents.repository().create(user, spec.to_data(), spec.version_metadata())
        else:
            record = await agents.repository().save_version(
                agent_id, user, spec.to_data(), spec.version_metadata()
            )
    except AgentNameTaken as exc:
        return await _refused("Agent not saved: the name is taken.", [Problem("name", str(exc))])
    except AgentNotFound:
        return await _refused("That agent does not exist (or is not yours).")
    return await _done(record, f"Agent saved (version {record.version})")


async def on_duplicate(action: cl.Action) -> dict[str, Any]:
    """Copy a preset (or one of the user's agents) into a new agent of the user's."""
    _keep_the_conversation_unstarted()
    user = current_user()
    source = await agents.resolve(str((action.payload or {}).get("ref") or ""), user)
    if source is None:
        return await _refused("That agent does not exist (or is not yours).")
    record = await agents.repository().duplicate(
        user, source.spec.to_data(), source.spec.version_metadata()
    )
    return await _done(record, f"Duplicated as “{record.name}”")


async def on_delete(action: cl.Action) -> dict[str, Any]:
    _keep_the_conversation_unstarted()
    user = current_user()
    agent_id = _own_id((action.payload or {}).get("ref"))
    if agent_id is None or not await agents.repository().delete(agent_id, user):
        return await _refused("That agent does not exist (or is not yours).")
    await cl.context.emitter.send_toast("Agent deleted", "success")
    return {"ok": True, "message": "Agent deleted", "agents": await agent_entries(user)}


async def on_start_action(action: cl.Action) -> dict[str, Any]:
    """Remember the agent to select when the page reloads (the editor reloads it next)."""
    _keep_the_conversation_unstarted()
    user = current_user()
    ref = str((action.payload or {}).get("ref") or "")
    if await agents.resolve(ref, user) is None:
        return await _refused("That agent does not exist (or is not yours).")
    agents.select_on_reload(user, ref)
    return {"ok": True, "profile": ref}
