"""Chainlit context helpers for the data layer: who is calling, write queuing, per-key locks."""

from __future__ import annotations

import asyncio
import functools
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, Concatenate, ParamSpec, TypeVar

from chainlit.context import ChainlitContextException, get_context
from chainlit.session import BaseSession, WebsocketSession

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


def current_session() -> BaseSession | None:
    """The Chainlit session of the running task, or None outside Chainlit (tests, CLI, jobs)."""
    try:
        ctx = get_context()
    except ChainlitContextException:
        return None
    return getattr(ctx, "session", None)


#: The authenticated user of the current HTTP request, for routes that run outside a Chainlit
#: session (set by ``imagechat.ui.auth.RequestUserMiddleware``). Chainlit's own ``/feedback``
#: routes do not check who owns the message; with this set, the data layer does.
request_user_identifier: ContextVar[str | None] = ContextVar("imagechat_request_user", default=None)


@contextmanager
def acting_as(identifier: str | None) -> Iterator[None]:
    """Run data-layer calls as ``identifier`` (what the middleware does per request)."""
    token = request_user_identifier.set(identifier)
    try:
        yield
    finally:
        request_user_identifier.reset(token)


def current_user_identifier() -> str | None:
    """Who is calling: the Chainlit session's user, else the HTTP request's user, else None."""
    session = current_session()
    user = getattr(session, "user", None) if session is not None else None
    identifier = getattr(user, "identifier", None)
    return identifier if identifier is not None else request_user_identifier.get()


def current_user_id() -> str | None:
    """The persisted user id of the session's user (None for ephemeral users / no context)."""
    session = current_session()
    user = getattr(session, "user", None) if session is not None else None
    return getattr(user, "id", None)


def current_thread_id() -> str | None:
    session = current_session()
    return session.thread_id if session is not None else None


def queue_until_user_message() -> Callable[
    [Callable[Concatenate[S, P], Awaitable[R]]],
    Callable[Concatenate[S, P], Awaitable[R | None]],
]:
    """Chainlit's ``queue_until_user_message`` that also works outside a Chainlit context.

    In a websocket session before the first user message, the call is queued on the session and
    replayed by Chainlit when the thread starts (same queue format as Chainlit's decorator, so
    ``WebsocketSession.flush_method_queue`` runs it). Otherwise the call runs at once; Chainlit's
    own decorator raises ``ChainlitContextException`` there, which made tests and scripts awkward.
    """

    def decorator(
        method: Callable[Concatenate[S, P], Awaitable[R]],
    ) -> Callable[Concatenate[S, P], Awaitable[R | None]]:
        @functools.wraps(method)
        async def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R | None:
            session = current_session()
            if isinstance(session, WebsocketSession) and not session.has_first_interaction:
                queue = session.thread_queues.setdefault(method.__name__, deque())
                queue.append((method, self, args, kwargs))
                return None
            return await method(self, *args, **kwargs)

        return wrapper

    return decorator


class KeyedLocks:
    """One FIFO asyncio lock per key, dropped when nobody holds or waits for it.

    Chainlit persists a message with ``asyncio.create_task(create_step(...))`` and then
    ``create_task(update_step(...))``: two tasks that would otherwise race on separate pool
    connections, letting the older content commit last. Taking the step's lock before the first
    ``await`` keeps writes to one step in the order Chainlit issued them.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]


class BoundedSet:
    """Remembers the most recent ``size`` keys (e.g. threads deleted by this process)."""

    def __init__(self, size: int = 10_000) -> None:
        self._items: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def add(self, key: str) -> None:
        self._items[key] = None
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items


class BoundedDict(OrderedDict[str, Any]):
    """An LRU-ish dict capped at ``size`` entries."""

    def __init__(self, size: int = 10_000) -> None:
        super().__init__()
        self._size = size

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self._size:
            self.popitem(last=False)
