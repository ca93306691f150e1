"""ImageChat: Chainlit handlers only. The work happens in `imagechat`."""

from __future__ import annotations

from typing import Any

import chainlit as cl
import chainlit.config
import chainlit.server

import imagechat.ui.oauth  # noqa: F401  (registers the OAuth callback when a provider is set)
from imagechat.auth import RequestUserMiddleware, check_password
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.ui import agent_editor as editor_ui
from imagechat.ui import agents as agents_ui
from imagechat.ui import chat, runtime
from imagechat.ui.api import image_router, mount_first
from imagechat.ui.files_dir import use_private_files_dir
from imagechat.ui.origin import SameOriginSocket

_runtime = runtime.boot()
use_private_files_dir(_runtime.settings.data_dir)
chainlit.server.app.add_middleware(RequestUserMiddleware)
chainlit.server.app.add_middleware(
    SameOriginSocket, allowed=chainlit.config.config.project.allow_origins
)
mount_first(chainlit.server.app, image_router(_runtime.data_layer, runtime.catalog()))
agents_ui.presets()  # an invalid preset file stops the start here, naming file and field


@cl.data_layer
def data_layer() -> ImageChatDataLayer:
    return _runtime.data_layer


@cl.password_auth_callback
async def password_login(username: str, password: str) -> cl.User | None:
    return await check_password(_runtime.users, username, password)


@cl.on_chat_start
async def on_chat_start() -> None:
    await chat.start()


@cl.on_chat_resume
async def on_chat_resume(thread: Any) -> None:
    await chat.resume(thread)


@cl.on_message
async def on_message(message: cl.Message) -> None:
    await chat.on_message(message)


@cl.on_settings_update
async def on_settings_update(values: dict[str, Any]) -> None:
    await chat.on_settings_update(values)


@cl.action_callback(chat.DELETE_ACTION)
async def on_delete_message(action: cl.Action) -> None:
    await chat.on_delete_message(action)


@cl.action_callback(chat.VARIATIONS_ACTION)
async def on_image_variations(action: cl.Action) -> dict[str, str] | None:
    return await chat.on_image_variations(action)


@cl.action_callback(chat.EDIT_ACTION)
async def on_image_edit(action: cl.Action) -> dict[str, str] | None:
    return await chat.on_image_edit(action)


# ---- agents: the agent picker (chat profiles) and the agent editor's actions -----------------


@cl.set_chat_profiles
async def chat_profiles(user: cl.User | None) -> list[cl.ChatProfile]:
    return await agents_ui.chat_profiles(user)


@cl.action_callback(editor_ui.SAVE_ACTION)
async def on_agent_save(action: cl.Action) -> dict[str, Any]:
    return await editor_ui.on_save(action)


@cl.action_callback(editor_ui.DUPLICATE_ACTION)
async def on_agent_duplicate(action: cl.Action) -> dict[str, Any]:
    return await editor_ui.on_duplicate(action)


@cl.action_callback(editor_ui.DELETE_ACTION)
async def on_agent_delete(action: cl.Action) -> dict[str, Any]:
    return await editor_ui.on_delete(action)


@cl.action_callback(editor_ui.START_ACTION)
async def on_agent_start(action: cl.Action) -> dict[str, Any]:
    return await editor_ui.on_start_action(action)
