"""Password sign-in and the JWT secret for Chainlit.

:class:`PasswordLogin` is the whole sign-in decision: throttle check (before any hashing), the
argon2 verification on the bounded hashing pool, the account's state, and a new server-side
session (:mod:`imagechat.storage.sessions`) whose id the login token carries.
``ensure_auth_secret`` makes sure ``CHAINLIT_AUTH_SECRET`` exists before Chainlit signs tokens.
The Chainlit side (the callback, the request middleware, logout) is :mod:`imagechat.ui.auth`.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from imagechat.hashing import HashingBusy
from imagechat.login_throttle import LoginThrottle
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRecord, UserRepository

log = logging.getLogger("imagechat.auth")

AUTH_SECRET_ENV = "CHAINLIT_AUTH_SECRET"
AUTH_SECRET_FILE = "auth_secret"
BUSY_RETRY_AFTER = 2  # seconds: a full hashing queue drains in about that


class LoginRefused(Exception):
    """A sign-in refused for a reason the person should be told (not a wrong password).

    ``detail`` is the response's message; ``status`` the HTTP status, ``retry_after`` seconds.
    Chainlit's login page picks the text it shows by the status (it looks up
    ``auth.login.errors.<status text>`` in ``.chainlit/translations/en-US.json``, e.g.
    "Too Many Requests") and toasts ``detail``: each refusal has a status of its own.
    """

    detail = "Unable to sign in."
    status = 401

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__(self.detail)
        self.retry_after = retry_after


class TooManyAttempts(LoginRefused):
    """Too many failures for this account or from this address in the window."""

    detail = "Too many sign-in attempts. Wait 15 minutes and try again."
    status = 429


class SignInBusy(LoginRefused):
    """The password-hashing queue is full: refused at once instead of waiting in line (503,
    not 429: the login page words its message by status, and this is not the person's doing)."""

    detail = "ImageChat is busy signing people in. Try again in a moment."
    status = 503


class AccountDisabled(LoginRefused):
    """The right password for an account an administrator disabled."""

    detail = "This account is disabled. Ask your ImageChat administrator to enable it."
    status = 403


@dataclass(frozen=True)
class Login:
    """A successful sign-in: the account and the id of its new session."""

    user: UserRecord
    session_id: str


class PasswordLogin:
    """Sign-in with a user name and a password."""

    def __init__(
        self,
        users: UserRepository,
        sessions: SessionRepository,
        throttle: LoginThrottle,
        session_lifetime: timedelta,
    ) -> None:
        self.users = users
        self.sessions = sessions
        self.throttle = throttle
        self.session_lifetime = session_lifetime

    async def attempt(self, username: str, password: str, client: str | None) -> Login | None:
        """The login, or None for a wrong name or password; :class:`LoginRefused` otherwise.

        Costs one argon2 verification whether or not the user exists (a dummy hash stands in
        for unknown users), so response time does not reveal which names exist; costs none
        when the attempt is throttled or the hashing queue is full.
        """
        name = (username or "").strip()
        throttled = await self.throttle.check(name, client)
        if throttled is not None:
            log.warning("sign-in refused: too many failures for this %s", throttled.scope)
            raise TooManyAttempts(throttled.retry_after)
        try:
            record = await self.users.verify(name, password or "")
        except HashingBusy:
            log.warning("sign-in refused: the password-hashing queue is full")
            raise SignInBusy(BUSY_RETRY_AFTER) from None
        if record is None:
            await self.throttle.failed(name, client)
            log.info("failed login")
            return None
        if record.disabled:
            log.info("sign-in refused: account %s is disabled", record.identifier)
            raise AccountDisabled
        session_id = await self.sessions.create(record.id, self.session_lifetime)
        return Login(record, session_id)


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
