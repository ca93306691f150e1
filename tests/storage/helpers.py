"""Small builders shared by the storage tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from chainlit.user import PersistedUser, User

from imagechat.storage.datalayer import ImageChatDataLayer

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def ts(seconds: float) -> str:
    """Chainlit-style timestamp, ``seconds`` after T0."""
    return (T0 + timedelta(seconds=seconds)).replace(tzinfo=None).isoformat() + "Z"


def new_id() -> str:
    return str(uuid.uuid4())


async def make_user(dl: ImageChatDataLayer, identifier: str) -> PersistedUser:
    user = await dl.create_user(User(identifier=identifier))
    assert user is not None
    return user


async def make_thread(
    dl: ImageChatDataLayer, user: PersistedUser, name: str = "chat", thread_id: str | None = None
) -> str:
    thread_id = thread_id or new_id()
    await dl.update_thread(thread_id, name=name, user_id=user.id)
    return thread_id


def step(
    thread_id: str,
    *,
    step_id: str | None = None,
    output: str = "",
    type: str = "assistant_message",
    at: float = 0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": step_id or new_id(),
        "threadId": thread_id,
        "type": type,
        "name": "Assistant" if type == "assistant_message" else "User",
        "output": output,
        "createdAt": ts(at),
        "start": ts(at),
        "end": ts(at),
        "streaming": False,
        "metadata": {},
        **extra,
    }


def _emit(*_args: Any, **_kwargs: Any) -> Any:
    async def done() -> None:
        return None

    return done()


def enter_session(
    user: PersistedUser | User | None, thread_id: str, *, first_interaction: bool = True
) -> Any:
    """Make the running task look like a Chainlit websocket handler for ``user``."""
    from chainlit.context import ChainlitContext, context_var
    from chainlit.session import WebsocketSession

    session = WebsocketSession(
        id=new_id(),
        socket_id=new_id(),
        emit=_emit,
        emit_call=_emit,
        user_env={},
        client_type="webapp",
        thread_id=thread_id,
        user=user,
    )
    session.has_first_interaction = first_interaction
    session.test_context_token = context_var.set(ChainlitContext(session))
    return session


def leave_session(session: Any) -> None:
    from chainlit.context import context_var
    from chainlit.session import ws_sessions_id, ws_sessions_sid

    ws_sessions_id.pop(session.id, None)
    ws_sessions_sid.pop(session.socket_id, None)
    context_var.reset(session.test_context_token)
