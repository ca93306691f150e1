"""ImageChat: Chainlit handlers only. The work happens in `imagechat`."""

from __future__ import annotations

from typing import Any

import chainlit as cl
import chainlit.config
import chainlit.server
from fastapi import Request, Response

import imagechat.ui.oauth  # noqa: F401  (registers the OAuth callback when a provider is set)
from imagechat.imaging.budget import tune_malloc
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.ui import agent_editor as editor_ui
from imagechat.ui import agents as agents_ui
from imagechat.ui import auth as auth_ui
from imagechat.ui import chat, compat, deletion, page, runtime
from imagechat.ui.api import image_router, mount_first
from imagechat.ui.files_dir import use_private_files_dir
from imagechat.ui.limits import install_limits
from imagechat.ui.origin import SameOriginGuard
from imagechat.ui.ownership import ElementWriteGuard, install_not_found
from imagechat.ui.turns_api import turn_router

_runtime = runtime.boot()
use_private_files_dir(_runtime.settings.data_dir)
page.install()  # the page loads nothing from other sites; the theme follows the system
# (middleware added later wraps what was added before)
chainlit.server.app.add_middleware(ElementWriteGuard, layer=_runtime.data_layer)  # knows the caller
# every token is honoured only while its server-side session is live (logout, passwd, disable)
chainlit.server.app.add_middleware(
    auth_ui.RequestUserMiddleware, sessions=auth_ui.services().sessions
)
chainlit.server.app.add_middleware(  # the socket and state-changing requests: own pages only
    SameOriginGuard, allowed=chainlit.config.config.project.allow_origins
)
install_not_found(chainlit.server.app)  # someone else's message: 404, like an unknown one
mount_first(chainlit.server.app, image_router(_runtime.data_layer, runtime.catalog()))
mount_first(  # the 🗑's confirmation and Undo
    chainlit.server.app,
    turn_router(_runtime.data_layer, _runtime.settings.imagechat_undo_seconds),
)
compat.install_stop_handler()  # Stop without Chainlit's "Task manually stopped." message
install_limits(chainlit.server.app, chainlit.server.sio, _runtime.settings)  # upload/socket sizes
tune_malloc()  # freed image memory goes back to the system (imagechat.imaging.budget)
agents_ui.presets()  # an invalid preset file stops the start here, naming file and field


@cl.data_layer
def data_layer() -> ImageChatDataLayer:
    return _runtime.data_layer


@cl.password_auth_callback
async def password_login(username: str, password: str) -> cl.User | None:
    return await auth_ui.check_password(auth_ui.services().password, username, password)


@cl.on_logout
async def on_logout(request: Request, response: Response) -> dict[str, bool]:
    return await auth_ui.end_session(request)


@cl.on_chat_start
async def on_chat_start() -> None:
    await chat.start()


@cl.on_chat_resume
async def on_chat_resume(thread: Any) -> None:
    await chat.resume(thread)


@cl.on_message
async def on_message(message: cl.Message) -> None:
    if await auth_ui.session_has_ended():  # logged out, new password, disabled meanwhile
        return
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


@cl.action_callback(chat.RETRY_ACTION)
async def on_image_retry(action: cl.Action) -> dict[str, str] | None:
    return await chat.on_image_retry(action)


@cl.on_app_startup
async def on_app_startup() -> None:
    # what a stopped process left: deleted answers past their Undo, silent generations
    await deletion.purge(_runtime.data_layer, _runtime.settings)


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
