"""Every workaround for a Chainlit behaviour, in one place, each with the version it is for.

Check each one when Chainlit is upgraded (tests/ui/test_compat.py fails when the code it
replaces changes):

1. Stop (Chainlit 2.12.0, ``chainlit/socket.py`` ``stop``): the socket handler sends an
   assistant message "Task manually stopped." before it cancels the task. That message is stored
   with the conversation, becomes part of the model's history, and sits next to our own
   "Stopped." note. ``install_stop_handler`` registers the same handler without that message:
   cancel the running task, then call ``@cl.on_stop``.
"""

from __future__ import annotations

import chainlit.socket
from chainlit.config import config
from chainlit.context import init_ws_context
from chainlit.server import sio
from chainlit.session import WebsocketSession

#: The Chainlit version these workarounds were written against.
CHAINLIT_VERSION = "2.12.0"
#: The source line of Chainlit's own stop handler that ``install_stop_handler`` leaves out.
CHAINLIT_STOP_MESSAGE = 'await Message(content="Task manually stopped.").send()'


async def stop(sid: str) -> None:
    """Chainlit's ``stop`` handler minus its "Task manually stopped." message."""
    if session := WebsocketSession.get(sid):
        init_ws_context(session)
        if session.current_task:
            session.current_task.cancel()
        if config.code.on_stop:
            await config.code.on_stop()


def install_stop_handler() -> None:
    """Replace Chainlit's socket ``stop`` handler (python-socketio keeps one per event)."""
    assert chainlit.socket.stop is not None  # Chainlit's handler is registered at import
    sio.on("stop")(stop)
