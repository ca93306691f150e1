"""The Chainlit workarounds in imagechat.ui.compat: each still needed, and each doing its job."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from typing import Any

import chainlit
import chainlit.socket
from chainlit.context import ChainlitContext, context_var
from chainlit.server import sio
from chainlit.session import WebsocketSession, ws_sessions_id, ws_sessions_sid

from imagechat.ui import compat


def test_written_for_this_chainlit_and_its_stop_message_is_still_there() -> None:
    """When this fails, Chainlit changed: check whether the workaround is still needed."""
    assert chainlit.__version__ == compat.CHAINLIT_VERSION
    assert compat.CHAINLIT_STOP_MESSAGE in inspect.getsource(chainlit.socket.stop)


def _session(sent: list[tuple[str, Any]]) -> WebsocketSession:
    async def emit(event: str, data: Any) -> None:
        sent.append((event, data))

    async def emit_call(*_args: Any, **_kwargs: Any) -> None:
        return None

    session = WebsocketSession(
        id=str(uuid.uuid4()),
        socket_id=str(uuid.uuid4()),
        emit=emit,
        emit_call=emit_call,
        user_env={},
        client_type="webapp",
        thread_id=str(uuid.uuid4()),
        user=None,
    )
    context_var.set(ChainlitContext(session))
    return session


async def _stop_with(handler: Any) -> tuple[list[tuple[str, Any]], bool]:
    sent: list[tuple[str, Any]] = []
    session = _session(sent)
    task = asyncio.create_task(asyncio.sleep(30))
    session.current_task = task
    try:
        await handler(session.socket_id)
        await asyncio.sleep(0)
        return sent, task.cancelled()
    finally:
        task.cancel()
        ws_sessions_id.pop(session.id, None)
        ws_sessions_sid.pop(session.socket_id, None)


async def test_stop_cancels_the_task_without_chainlits_message() -> None:
    chainlit_sent, chainlit_cancelled = await _stop_with(chainlit.socket.stop)
    assert chainlit_cancelled
    assert any(event == "new_message" for event, _ in chainlit_sent)  # what we leave out

    ours_sent, ours_cancelled = await _stop_with(compat.stop)
    assert ours_cancelled
    assert ours_sent == []


def test_install_replaces_the_socket_handler() -> None:
    original = sio.handlers["/"]["stop"]
    try:
        compat.install_stop_handler()
        assert sio.handlers["/"]["stop"] is compat.stop
    finally:
        sio.handlers["/"]["stop"] = original
