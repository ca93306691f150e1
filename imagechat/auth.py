"""Password login and the JWT secret for Chainlit.

``check_password`` is what ``@cl.password_auth_callback`` should call; ``ensure_auth_secret``
makes sure ``CHAINLIT_AUTH_SECRET`` exists before Chainlit starts signing tokens.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

import chainlit as cl

from imagechat.storage.guard import request_user_identifier
from imagechat.storage.users import UserRepository

log = logging.getLogger("imagechat.auth")

AUTH_SECRET_ENV = "CHAINLIT_AUTH_SECRET"
AUTH_SECRET_FILE = "auth_secret"


async def check_password(repo: UserRepository, username: str, password: str) -> cl.User | None:
    """The Chainlit user when the password is right, else None.

    Costs one argon2 verification whether or not the user exists (a dummy hash stands in for
    unknown users), so response time does not reveal which names exist.
    """
    record = await repo.verify((username or "").strip(), password or "")
    if record is None:
        log.info("failed login")
        return None
    return cl.User(
        identifier=record.identifier,
        display_name=record.display_name,
        metadata={"is_admin": record.is_admin, "provider": "credentials"},
    )


def ensure_auth_secret(data_dir: Path) -> str:
    """Return ``CHAINLIT_AUTH_SECRET``, creating it if needed.

    Unset in the environment: read ``<data_dir>/auth_secret``, or generate one and save it there
    with mode 0600 (so logins survive restarts), then export it to ``os.environ``.
    """
    existing = os.environ.get(AUTH_SECRET_ENV)
    if existing:
        return existing
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / AUTH_SECRET_FILE
    secret = ""
    if path.exists():
        secret = path.read_text(encoding="utf-8").strip()
        if secret and (path.stat().st_mode & 0o077):
            path.chmod(0o600)
    if not secret:
        secret = secrets.token_urlsafe(48)
        _write_private(path, secret)
        log.info("generated a new auth secret in %s", path)
    os.environ[AUTH_SECRET_ENV] = secret
    return secret


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by the owner only, atomically (never world-readable on disk)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class RequestUserMiddleware:
    """ASGI middleware: tells the data layer who is making each HTTP request.

    Chainlit's ``PUT/DELETE /feedback`` routes pass client-supplied ids straight to the data
    layer without an owner check; with this middleware the data layer refuses another user's
    message. Add it with ``chainlit.server.app.add_middleware(RequestUserMiddleware)``.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        token = request_user_identifier.set(await _identify(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            request_user_identifier.reset(token)


async def _identify(scope: dict[str, Any]) -> str | None:
    from chainlit.auth import reuseable_oauth
    from chainlit.auth.jwt import decode_jwt
    from starlette.requests import Request

    try:
        token = await reuseable_oauth(Request(scope))
        if not token:
            return None
        return decode_jwt(token).identifier
    except Exception:
        return None
