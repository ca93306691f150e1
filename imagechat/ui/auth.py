"""Chainlit's side of signing in: the password callback, the session check on every request,
logout, and the check an open socket's next message gets.

Chainlit 2.12 trusts any unexpired JWT it signed. Here a token is honoured only while the
server-side session it names is live (:mod:`imagechat.storage.sessions`):

* :class:`RequestUserMiddleware` checks the token of every HTTP request and of the socket.io
  handshake (``/ws/socket.io``, polling or websocket). A token whose session ended is removed
  from the request before Chainlit sees it, so Chainlit's own checks answer: 401 on routes that
  need a user (the web app then shows the login page), a refused socket connect, while the
  login page and its assets still load for the person who must sign in again.
* :func:`session_has_ended` is for a socket that was already open when the session ended: the
  next message is answered with "Your session has ended. Log in again." and goes no further.
* :func:`check_password` is the ``@cl.password_auth_callback``; Chainlit swallows exceptions
  raised there, so a refusal (too many attempts, busy, disabled) is noted on the request and
  the middleware turns Chainlit's 401 into the 429/503/403 whose message the login page shows.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import chainlit as cl
from chainlit.auth.cookie import _auth_cookie_name, get_token_from_cookies
from chainlit.auth.jwt import decode_jwt
from fastapi.security.utils import get_authorization_scheme_param
from starlette.requests import Request, cookie_parser

from imagechat.auth import LoginRefused, PasswordLogin
from imagechat.login_throttle import LoginThrottle
from imagechat.storage.guard import request_user_identifier
from imagechat.storage.sessions import SESSION_KEY, SessionRepository
from imagechat.storage.users import UserRecord

log = logging.getLogger("imagechat.auth")

#: Key of the session id in ``cl.User.metadata``, which Chainlit encodes into the JWT.
SESSION_ENDED = "Your session has ended. Log in again."


@dataclass
class RequestState:
    """What the middleware knows about the request the callback runs in."""

    client: str | None
    refusal: LoginRefused | None = None


_request: ContextVar[RequestState | None] = ContextVar("imagechat_request_state", default=None)


@dataclass(frozen=True)
class AuthServices:
    sessions: SessionRepository
    password: PasswordLogin


_services: AuthServices | None = None


def session_lifetime() -> timedelta:
    """Sessions live as long as Chainlit's tokens (``user_session_timeout``, 15 days)."""
    from chainlit.config import config

    return timedelta(seconds=config.project.user_session_timeout)


def services() -> AuthServices:
    """The app's sessions and password login, built once from the runtime."""
    global _services
    if _services is None:
        from imagechat.ui import runtime

        rt = runtime.get()
        sessions = SessionRepository(rt.db)
        throttle = LoginThrottle.from_settings(rt.settings)
        _services = AuthServices(
            sessions, PasswordLogin(rt.users, sessions, throttle, session_lifetime())
        )
    return _services


def chainlit_user(record: UserRecord, session_id: str) -> cl.User:
    return cl.User(
        identifier=record.identifier,
        display_name=record.display_name,
        metadata={"is_admin": record.is_admin, "provider": "credentials", SESSION_KEY: session_id},
    )


async def check_password(login: PasswordLogin, username: str, password: str) -> cl.User | None:
    """What ``@cl.password_auth_callback`` returns: the user, or None (Chainlit answers 401).

    A refusal is recorded on the request for :class:`RequestUserMiddleware` to answer.
    """
    state = _request.get()
    try:
        result = await login.attempt(username, password, state.client if state else None)
    except LoginRefused as refusal:
        if state is not None:
            state.refusal = refusal
        return None
    return chainlit_user(result.user, result.session_id) if result is not None else None


# ---- tokens and sessions --------------------------------------------------------------------


def token_session(token: str | None) -> tuple[str, str] | None:
    """(identifier, session id) from a token Chainlit signed and that has not expired."""
    if not token:
        return None
    try:
        user = decode_jwt(token)
    except Exception:
        return None
    session_id = (user.metadata or {}).get(SESSION_KEY)
    if not isinstance(session_id, str) or not isinstance(user.identifier, str):
        return None
    return user.identifier, session_id


async def live_identifier(sessions: SessionRepository, token: str | None) -> str | None:
    """The user a token speaks for, or None when it is invalid or its session has ended."""
    claims = token_session(token)
    if claims is None:
        return None
    identifier, session_id = claims
    try:
        live = await sessions.live(session_id)
    except Exception:  # the database is down: fail closed
        log.exception("could not check a session")
        return None
    return identifier if live is not None and live.identifier == identifier else None


async def end_session(
    request: Request, sessions: SessionRepository | None = None
) -> dict[str, bool]:
    """``@cl.on_logout``: end the session of the request's token (Chainlit drops the cookie)."""
    from chainlit.auth import reuseable_oauth

    claims = token_session(await reuseable_oauth(request))
    if claims is not None:
        await (sessions or services().sessions).end(claims[1])
    return {"success": True}


async def session_has_ended() -> bool:
    """For an open socket: True (and the person is told) when its session ended meanwhile.

    Call first thing in ``@cl.on_message``; one primary-key lookup.
    """
    from chainlit.context import context

    token = getattr(context.session, "token", None)
    if await live_identifier(services().sessions, token) is not None:
        return False
    await cl.ErrorMessage(content=SESSION_ENDED).send()
    return True


# ---- the middleware -------------------------------------------------------------------------


def _is_auth_cookie(name: str) -> bool:
    # Chainlit's token cookie, or the numbered chunks it splits a long token into.
    return name.startswith(_auth_cookie_name)


def _credentials(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """The token Chainlit would read from the cookies, and a Bearer token, if any."""
    cookies = [v.decode("latin-1") for k, v in headers if k == b"cookie"]
    authorization = next((v.decode("latin-1") for k, v in headers if k == b"authorization"), "")
    cookie_token = get_token_from_cookies(cookie_parser("; ".join(cookies))) if cookies else None
    scheme, bearer = get_authorization_scheme_param(authorization)
    return cookie_token, (bearer or None) if scheme.lower() == "bearer" else None


def _strip(
    headers: list[tuple[bytes, bytes]], *, cookie: bool, bearer: bool
) -> list[tuple[bytes, bytes]]:
    out: list[tuple[bytes, bytes]] = []
    for key, value in headers:
        if bearer and key == b"authorization":
            continue
        if cookie and key == b"cookie":
            kept = [
                part
                for part in value.decode("latin-1").split(";")
                if part.strip() and not _is_auth_cookie(part.split("=", 1)[0].strip())
            ]
            if not kept:
                continue
            value = ";".join(kept).strip().encode("latin-1")
        out.append((key, value))
    return out


class RequestUserMiddleware:
    """ASGI middleware: honours a token only while its session is live, and tells the data
    layer who is making each HTTP request.

    Chainlit's ``PUT/DELETE /feedback`` routes pass client-supplied ids straight to the data
    layer without an owner check; with the caller known here, the data layer refuses another
    user's message. Add it with
    ``chainlit.server.app.add_middleware(RequestUserMiddleware, sessions=...)``.
    """

    def __init__(self, app: Any, sessions: SessionRepository) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope, identifier = await self._authenticate(scope)
        client = scope.get("client")
        state = RequestState(client=client[0] if client else None)
        user_token = request_user_identifier.set(identifier)
        state_token = _request.set(state)
        try:
            if scope["type"] == "http":
                send = _answer_refusals(send, state)
            await self.app(scope, receive, send)
        finally:
            _request.reset(state_token)
            request_user_identifier.reset(user_token)

    async def _authenticate(self, scope: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The scope without credentials that are not live, and whom the rest speak for."""
        headers = list(scope.get("headers") or [])
        cookie_token, bearer = _credentials(headers)
        if cookie_token is None and bearer is None:
            return scope, None
        from_cookie = await live_identifier(self.sessions, cookie_token) if cookie_token else None
        from_bearer = await live_identifier(self.sessions, bearer) if bearer else None
        strip_cookie = cookie_token is not None and from_cookie is None
        strip_bearer = bearer is not None and from_bearer is None
        if strip_cookie or strip_bearer:
            headers = _strip(headers, cookie=strip_cookie, bearer=strip_bearer)
            scope = {**scope, "headers": headers}
        # Chainlit reads the cookie first, the Authorization header only without one (which is
        # what it sees once a dead cookie is gone).
        return scope, from_cookie or from_bearer


def _answer_refusals(send: Any, state: RequestState) -> Any:
    """Replace Chainlit's 401 for a refused sign-in by the refusal's own status and code."""
    replaced = False

    async def wrapped(message: dict[str, Any]) -> None:
        nonlocal replaced
        if replaced:
            return  # the body of the response we replaced
        refusal = state.refusal
        if message["type"] == "http.response.start" and refusal and message["status"] == 401:
            replaced = True
            body = json.dumps({"detail": refusal.detail}).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
            if refusal.retry_after:
                headers.append((b"retry-after", str(refusal.retry_after).encode()))
            await send(
                {"type": "http.response.start", "status": refusal.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped
