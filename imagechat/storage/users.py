"""User accounts: identifiers, argon2 password hashes, the admin bootstrap.

Passwords and hashes never leave this module except as the return value of ``ensure_admin``
(a generated password the caller prints once); nothing here logs them.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from imagechat.hashing import HashingPool, default_pool

from .db import Database, iso_z, utcnow
from .schema import sessions, users

log = logging.getLogger("imagechat.users")

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
DEFAULT_ADMIN = "admin"

# One lane: a verification then keeps to one core (with four, the default, one sign-in
# occupied both cores of a small server and a flood of them slowed everyone's answers). Hashes
# made with other parameters are re-made on the next successful sign-in.
_hasher = PasswordHasher(parallelism=1)
_dummy_hash: str | None = None


def validate_username(username: str) -> str:
    if not USERNAME_RE.fullmatch(username):
        raise ValueError(
            "user names are 1-64 characters: letters, digits and . _ @ + - "
            "(starting with a letter or digit)"
        )
    return username


def validate_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"passwords have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify_hash(password_hash: str | None, password: str) -> bool:
    """argon2 verification; a missing hash is checked against a dummy one (same cost)."""
    global _dummy_hash
    if password_hash is None:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
        password_hash = _dummy_hash
        password = password + "\x00never-matches"
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class UserRecord:
    id: str
    identifier: str
    display_name: str | None
    is_admin: bool
    has_password: bool
    created_at: str | None
    disabled: bool = False

    @classmethod
    def from_row(cls, row: object) -> UserRecord:
        created: datetime | None = getattr(row, "created_at", None)
        return cls(
            id=row.id,  # type: ignore[attr-defined]
            identifier=row.identifier,  # type: ignore[attr-defined]
            display_name=row.display_name,  # type: ignore[attr-defined]
            is_admin=bool(row.is_admin),  # type: ignore[attr-defined]
            has_password=row.password_hash is not None,  # type: ignore[attr-defined]
            created_at=iso_z(created),
            disabled=bool(getattr(row, "disabled", False)),
        )


class UserRepository:
    """Accounts. Password hashing runs on ``hashing`` (a small bounded pool, see
    :mod:`imagechat.hashing`), never on the event loop's default thread pool."""

    def __init__(self, db: Database, hashing: HashingPool | None = None) -> None:
        self.db = db
        self._hashing = hashing

    @property
    def hashing(self) -> HashingPool:
        return self._hashing or default_pool()

    async def get(self, identifier: str) -> UserRecord | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(users).where(users.c.identifier == identifier))
            ).first()
        return UserRecord.from_row(row) if row is not None else None

    async def list(self) -> list[UserRecord]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(users).order_by(users.c.identifier))).all()
        return [UserRecord.from_row(r) for r in rows]

    async def count(self) -> int:
        async with self.db.read() as conn:
            return int(await conn.scalar(select(func.count()).select_from(users)) or 0)

    async def add(
        self,
        identifier: str,
        password: str,
        *,
        is_admin: bool = False,
        display_name: str | None = None,
    ) -> UserRecord:
        """Create a user; ``ValueError`` when the name is taken or name/password are invalid."""
        validate_username(identifier)
        validate_password(password)
        password_hash = await self.hashing.run(hash_password, password)
        async with self.db.write() as conn:
            taken = await conn.scalar(select(users.c.id).where(users.c.identifier == identifier))
            if taken is not None:
                raise ValueError(f"user {identifier!r} already exists")
            await conn.execute(
                users.insert().values(
                    id=str(uuid.uuid4()),
                    identifier=identifier,
                    display_name=display_name,
                    password_hash=password_hash,
                    is_admin=is_admin,
                    metadata={},
                    created_at=utcnow(),
                )
            )
        log.info("added user %s%s", identifier, " (admin)" if is_admin else "")
        record = await self.get(identifier)
        assert record is not None
        return record

    async def remove(self, identifier: str) -> bool:
        """Delete a user with all their threads and images (FK cascades)."""
        async with self.db.write() as conn:
            result = await conn.execute(delete(users).where(users.c.identifier == identifier))
        if result.rowcount:
            log.info("removed user %s", identifier)
        return bool(result.rowcount)

    async def set_password(self, identifier: str, password: str) -> bool:
        """New password; every session of the user ends with the old one (a stolen token too)."""
        validate_password(password)
        password_hash = await self.hashing.run(hash_password, password)
        async with self.db.write() as conn:
            result = await conn.execute(
                update(users)
                .where(users.c.identifier == identifier)
                .values(password_hash=password_hash)
            )
            ended = await self._end_sessions(conn, identifier) if result.rowcount else 0
        if result.rowcount:
            log.info("password changed for user %s (%d sessions ended)", identifier, ended)
        return bool(result.rowcount)

    async def set_disabled(self, identifier: str, disabled: bool) -> bool:
        """Disable (no sign-in, every session ended) or enable an account; False if unknown."""
        async with self.db.write() as conn:
            result = await conn.execute(
                update(users).where(users.c.identifier == identifier).values(disabled=disabled)
            )
            ended = await self._end_sessions(conn, identifier) if disabled else 0
        if result.rowcount:
            state = f"disabled ({ended} sessions ended)" if disabled else "enabled"
            log.info("user %s %s", identifier, state)
        return bool(result.rowcount)

    @staticmethod
    async def _end_sessions(conn: AsyncConnection, identifier: str) -> int:
        owner = select(users.c.id).where(users.c.identifier == identifier).scalar_subquery()
        result = await conn.execute(delete(sessions).where(sessions.c.user_id == owner))
        return int(result.rowcount or 0)

    async def set_admin(self, identifier: str, is_admin: bool) -> bool:
        async with self.db.write() as conn:
            result = await conn.execute(
                update(users).where(users.c.identifier == identifier).values(is_admin=is_admin)
            )
        return bool(result.rowcount)

    async def verify(self, identifier: str, password: str) -> UserRecord | None:
        """The user when the password matches; None otherwise. Unknown users cost the same
        argon2 verification as known ones, so timing does not reveal which names exist."""
        row = None
        if USERNAME_RE.fullmatch(identifier) and len(password) <= MAX_PASSWORD_LENGTH:
            async with self.db.read() as conn:
                row = (
                    await conn.execute(select(users).where(users.c.identifier == identifier))
                ).first()
        stored = row.password_hash if row is not None else None
        ok = await self.hashing.run(_verify_hash, stored, password[:MAX_PASSWORD_LENGTH])
        if not ok or row is None:
            return None
        if _hasher.check_needs_rehash(stored):  # type: ignore[arg-type]
            new_hash = await self.hashing.run(hash_password, password)
            async with self.db.write() as conn:
                await conn.execute(
                    update(users).where(users.c.id == row.id).values(password_hash=new_hash)
                )
        return UserRecord.from_row(row)

    async def ensure_admin(self, username: str | None, password: str | None) -> str | None:
        """Bootstrap an administrator.

        * ``username``/``password`` given (ADMIN_USERNAME / ADMIN_PASSWORD): create that admin,
          or make the existing user an admin and reset its password to the given one.
        * only ``username``: make it an admin, creating it with a generated password if needed.
        * neither, and no users at all: create ``admin`` with a generated password.

        Returns the generated password (print it once), or None when none was generated.
        """
        username = (username or "").strip() or None
        password = password or None
        if password is not None and username is None:
            username = DEFAULT_ADMIN
        if username:
            existing = await self.get(username)
            if existing is None:
                generated = None if password else secrets.token_urlsafe(18)
                await self.add(username, password or generated or "", is_admin=True)
                return generated
            if not existing.is_admin:
                await self.set_admin(username, True)
            if password is not None and not await self.verify(username, password):
                await self.set_password(username, password)
            return None
        if await self.count() == 0:
            generated = secrets.token_urlsafe(18)
            await self.add(DEFAULT_ADMIN, generated, is_admin=True)
            return generated
        return None
