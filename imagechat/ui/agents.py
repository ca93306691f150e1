"""Chainlit glue for agents: the agent picker (chat profiles) and applying an agent to a new or
resumed conversation. The editor is `imagechat.ui.agent_editor`.

Presets are YAML files (`agents/presets`), shared by everyone and read-only; a person's own
agents live in the database with their versions. A conversation records which agent and version
it started with (`chat_settings.agent` in the thread metadata) and is rebuilt from exactly that
version when resumed; new conversations use the latest version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import chainlit as cl
from chainlit.types import CommandDict

from agents.icons import icon_data_url
from agents.loader import Preset, load_presets
from agents.spec import AgentSpec
from imagechat.chat_session import ChatSession
from imagechat.internal_tools import InternalTools
from imagechat.storage.agents import (
    AgentRepository,
    AgentVersionRecord,
)
from imagechat.ui import runtime

log = logging.getLogger("imagechat.ui.agents")

NO_AGENT = "no-agent"
PRESET = "preset:"
OWN = "agent:"
COMMAND = "agents"

# A user who pressed "Start a conversation" in the editor: the profile to select on reload.
_start_next: dict[str, str] = {}


def select_on_reload(user: str, ref: str) -> None:
    """Make `ref` the agent picked at the top when this user's page loads next (once)."""
    _start_next[user] = ref


@lru_cache(maxsize=1)
def presets() -> dict[str, Preset]:
    """The shipped presets, validated against the model catalog. Called at app import: an
    invalid preset file stops the start with `AgentFileError` naming the file and field."""
    return load_presets(catalog=runtime.catalog())


def repository() -> AgentRepository:
    return AgentRepository(runtime.get().db)


def current_user() -> str:
    user = cl.user_session.get("user")
    return getattr(user, "identifier", "") or ""


@dataclass(frozen=True)
class ActiveAgent:
    """The agent a conversation runs with: `ref` is `preset:<key>` or `agent:<id>`."""

    ref: str
    spec: AgentSpec
    version: int | None = None

    def record(self) -> dict[str, Any]:
        """What the conversation's settings keep; presets keep their spec as well, so a
        conversation does not change when a preset file is edited."""
        data: dict[str, Any] = {"ref": self.ref, "name": self.spec.name, "version": self.version}
        if self.ref.startswith(PRESET):
            data["spec"] = self.spec.to_data()
        return data


def from_record(record: AgentVersionRecord) -> ActiveAgent:
    return ActiveAgent(OWN + record.agent_id, AgentSpec.model_validate(record.spec), record.version)


async def resolve(ref: str | None, user: str) -> ActiveAgent | None:
    """The latest version of a picker entry, for this user only; None for "No agent", an unknown
    ref or another user's agent."""
    if not ref or not user:
        return None
    if ref.startswith(PRESET):
        preset = presets().get(ref.removeprefix(PRESET))
        return ActiveAgent(ref, preset.spec) if preset else None
    if ref.startswith(OWN):
        record = await repository().get_latest(ref.removeprefix(OWN), user)
        return from_record(record) if record else None
    return None


async def resolve_recorded(recorded: Any, user: str) -> ActiveAgent | None:
    """The exact agent version a conversation recorded when it started."""
    if not isinstance(recorded, dict) or not user:
        return None
    ref = str(recorded.get("ref") or "")
    if ref.startswith(PRESET):
        snapshot = recorded.get("spec")
        if isinstance(snapshot, dict):
            try:
                return ActiveAgent(ref, AgentSpec.model_validate(snapshot))
            except ValueError:
                log.warning("conversation has an unreadable preset snapshot for %s", ref)
        return await resolve(ref, user)
    version = recorded.get("version")
    if ref.startswith(OWN) and isinstance(version, int):
        record = await repository().get_version(ref.removeprefix(OWN), version, user)
        return from_record(record) if record else None
    return None


def apply(session: ChatSession, agent: ActiveAgent, *, settings: bool = True) -> None:
    """Configure a conversation from an agent: its instructions and image defaults, and (for a
    new conversation, `settings=True`) its chat model and Internal tools."""
    spec = agent.spec
    catalog = session.catalog
    session.instructions = spec.instructions or None
    session.image_defaults = spec.image_defaults.tool_defaults()
    if not settings:
        return
    session.tools = InternalTools(
        image_creation=spec.image_creation.enabled,
        image_creation_mode=spec.image_creation.mode,
    )
    # a model unknown here, or one this operator has no key for, quietly gives way to the
    # default; a retired one moves to its successor with a note
    chat_model = spec.model if spec.model and catalog.is_known_chat(spec.model) else None
    session.model_notes.extend(
        session.settle_models(
            chat_model or session.model_id, spec.image_defaults.model, retired_only=True
        )
    )


def commands() -> list[CommandDict]:
    return [
        CommandDict(
            id=COMMAND,
            description="Create or edit your agents",
            icon="bot",
            button=False,
            persistent=False,
            selected=False,
        )
    ]


async def on_start(session: ChatSession) -> dict[str, Any]:
    """Apply the agent picked in the agent picker; returns what to add to the settings record."""
    user = current_user()
    _start_next.pop(user, None)
    await cl.context.emitter.set_commands(commands())
    agent = await resolve(cl.user_session.get("chat_profile"), user)
    if agent is None:
        return {}
    apply(session, agent)
    return {"agent": agent.record()}


async def on_resume(session: ChatSession, saved: dict[str, Any]) -> None:
    """Rebuild the conversation's agent from the version it recorded (not the latest)."""
    await cl.context.emitter.set_commands(commands())
    recorded = saved.get("agent")
    if not recorded:
        return
    agent = await resolve_recorded(recorded, current_user())
    if agent is None:
        await cl.context.emitter.send_toast(
            "This conversation's agent no longer exists; it continues without its instructions.",
            "warning",
        )
        return
    apply(session, agent, settings=False)


# ---- the agent picker (Chainlit chat profiles) ------------------------------------------------


def _describe(spec: AgentSpec) -> str:
    creation = spec.image_creation
    lines = [spec.description or "_No description._", ""]
    tools = f"Image creation **{'on' if creation.enabled else 'off'}**"
    if creation.enabled:
        tools += f" ({creation.mode})"
    model = runtime.catalog().chat_model(spec.model)
    lines.append(f"{tools} · {model.label if model else 'default model'}")
    return "\n".join(lines)


def _profile(ref: str, spec: AgentSpec, *, default: bool) -> cl.ChatProfile:
    return cl.ChatProfile(
        name=ref,
        display_name=spec.name,
        markdown_description=_describe(spec),
        icon=icon_data_url(spec.icon, seed=spec.name),
        default=default,
        starters=[cl.Starter(label=s.label, message=s.message) for s in spec.starters],
    )


async def chat_profiles(user: cl.User | None) -> list[cl.ChatProfile]:
    """No agent, the presets, then the user's own agents (theirs alone)."""
    identifier = getattr(user, "identifier", "") or ""
    wanted = _start_next.get(identifier)
    profiles = [
        cl.ChatProfile(
            name=NO_AGENT,
            display_name="No agent",
            markdown_description=(
                "Plain chat with ImageChat's assistant; switch Image creation on in the ⚙️ "
                "Internal tools menu.\n\nType **/agents** to create or edit your own agents."
            ),
            icon=icon_data_url("sparkles", seed="No agent"),
            default=wanted is None,
            starters=[cl.Starter(label="Create or edit an agent", message="/" + COMMAND)],
        )
    ]
    for key, preset in presets().items():
        ref = PRESET + key
        profiles.append(_profile(ref, preset.spec, default=wanted == ref))
    if identifier:
        for agent, _ in await own_agents(identifier):
            profiles.append(_profile(agent.ref, agent.spec, default=wanted == agent.ref))
    return profiles


async def own_agents(user: str) -> list[tuple[ActiveAgent, AgentVersionRecord]]:
    """The user's agents at their latest versions; one whose stored spec no longer validates
    is left out (and logged) rather than breaking the picker."""
    agents: list[tuple[ActiveAgent, AgentVersionRecord]] = []
    for record in await repository().list_for_user(user):
        try:
            agents.append((from_record(record), record))
        except ValueError:
            log.warning("agent %s has an invalid stored spec; not listed", record.agent_id)
    return agents
