"""Login sessions the server can end (migration 0004).

Chainlit's login token is a JWT that stays valid until it expires (15 days by default): logging
out only dropped the browser's cookie, and a changed password, a removed or a disabled account
left every copied token working. Each login now creates a row here and puts the session id in
the token; a request is honoured only while its row exists, has not expired and belongs to an
enabled account. Ending a session is deleting its row (log out), all of a user's rows (new
password, account disabled) or the user (rows cascade).

The table stores the SHA-256 of the id, so reading the database gives nobody a usable session.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, false, select

from .db import Database, utcnow
from .schema import sessions, users

log = logging.getLogger("imagechat.sessions")

SESSION_ID_BYTES = 32
_MAX_ID_LENGTH = 128  # ids are 43 characters; anything much longer is not ours

#: Where a login token (Chainlit `User.metadata`) carries its session id.
SESSION_KEY = "sid"


def session_key(session_id: str) -> str:
    """The table's key for a session id (its SHA-256, hex)."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    """A session that may be used now, and whose account it is."""

    user_id: str
    identifier: str
    expires_at: datetime


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, user_id: str, lifetime: timedelta) -> str:
        """Start a session for ``user_id`` lasting ``lifetime``; returns its (secret) id.

        Also drops the user's expired sessions, so the table does not grow with every login.
        """
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        now = utcnow()
        async with self.db.write() as conn:
            await conn.execute(
                delete(sessions).where(sessions.c.user_id == user_id, sessions.c.expires_at <= now)
            )
            await conn.execute(
                sessions.insert().values(
                    id=session_key(session_id),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return session_id

    async def live(self, session_id: object) -> LiveSession | None:
        """The session if it exists, has not expired and its account is enabled; else None.

        One primary-key lookup joined to the user's row: cheap enough for every request.
        """
        if not isinstance(session_id, str) or not 0 < len(session_id) <= _MAX_ID_LENGTH:
            return None
        query = (
            select(users.c.id, users.c.identifier, sessions.c.expires_at)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(
                sessions.c.id == session_key(session_id),
                sessions.c.expires_at > utcnow(),
                users.c.disabled == false(),
            )
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return LiveSession(user_id=row.id, identifier=row.identifier, expires_at=row.expires_at)

    async def end(self, session_id: object) -> bool:
        """End one session (log out); True if it existed."""
        if not isinstance(session_id, str) or not 0 < len(session_id) <= _MAX_ID_LENGTH:
            return False
        async with self.db.write() as conn:
            result = await conn.execute(
                delete(sessions).where(sessions.c.id == session_key(session_id))
            )
        return bool(result.rowcount)

    async def count(self, user_id: str) -> int:
        """Sessions of a user, expired or not (for tests and the CLI)."""
        async with self.db.read() as conn:
            rows = await conn.execute(select(sessions.c.id).where(sessions.c.user_id == user_id))
            return len(rows.all())
