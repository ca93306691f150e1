"""Sign-in through Chainlit's OAuth providers (GitHub, Google, Azure AD, GitLab, ...).

Chainlit offers a provider on the login page when that provider's environment variables are set
(for GitHub ``OAUTH_GITHUB_CLIENT_ID`` and ``OAUTH_GITHUB_CLIENT_SECRET``) *and* an
``@cl.oauth_callback`` is registered. Importing this module registers one when at least one
provider is configured; ``cl.oauth_callback`` itself refuses to register when none is, which is
why ``app.py`` does not use the decorator directly.

A user who signs in through a provider gets a row in our users table (no password: they cannot
use the password form) with ``metadata["provider"]`` set. A name that already belongs to a
password account, or to an account of another provider, is refused: otherwise anyone could take
over ``alice`` by registering ``alice`` at GitHub.

Who may *create* an account this way is the operator's choice (``SignupPolicy``):
``OAUTH_ALLOWED_USERS`` (names or e-mail addresses, or ``*`` for anyone the provider knows) and
``OAUTH_ALLOWED_DOMAINS`` (e-mail domains). With neither set nobody new gets in: otherwise every
GitHub user in the world could sign up and spend the operator's API credits. Accounts that exist
already keep signing in.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

import chainlit as cl
from chainlit.oauth_providers import get_configured_oauth_providers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imagechat.settings import Settings, get_settings
from imagechat.storage.db import utcnow
from imagechat.storage.schema import users as users_table
from imagechat.storage.users import UserRepository

log = logging.getLogger("imagechat.oauth")

IDENTIFIER_MAX = 255  # users.identifier is VARCHAR(255)


def _names(value: str | None) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class SignupPolicy:
    """Who may create an account by signing in through a provider."""

    users: frozenset[str] = frozenset()  # lower-case names or e-mail addresses; "*" = anyone
    domains: frozenset[str] = frozenset()  # lower-case e-mail domains

    @classmethod
    def from_settings(cls, settings: Settings) -> SignupPolicy:
        domains = _names(settings.oauth_allowed_domains)
        return cls(_names(settings.oauth_allowed_users), frozenset(d.lstrip("@") for d in domains))

    def admits(self, identifier: str, email: str | None) -> bool:
        if "*" in self.users or identifier.lower() in self.users:
            return True
        addresses = {a.lower() for a in (identifier, email or "") if "@" in a}
        if addresses & self.users:
            return True
        return any(a.rsplit("@", 1)[1] in self.domains for a in addresses)


def _usable_identifier(identifier: str | None) -> str | None:
    value = (identifier or "").strip()
    if not value or len(value) > IDENTIFIER_MAX or not value.isprintable():
        return None
    return value


async def oauth_user(
    users: UserRepository,
    provider_id: str,
    default_user: cl.User,
    *,
    policy: SignupPolicy,
    email: str | None = None,
) -> cl.User | None:
    """The Chainlit user for someone the provider ``provider_id`` authenticated, or None.

    Creates the account on first sign-in (no password, ``metadata["provider"]`` = provider id)
    when ``policy`` admits the name or ``email``. Refuses (None) an identifier that is unusable,
    not admitted, or that names a password account or an account created through another
    provider.
    """
    identifier = _usable_identifier(default_user.identifier)
    if identifier is None:
        log.warning("refused %s sign-in without a usable identifier", provider_id)
        return None
    for attempt in range(2):
        try:
            found = await _get_or_create(
                users,
                identifier,
                provider_id,
                default_user.display_name,
                may_create=policy.admits(identifier, email),
            )
            break
        except IntegrityError:  # created concurrently by another sign-in: read it back
            if attempt:
                raise
    if found is None:
        return None
    is_admin, display_name = found
    metadata: dict[str, Any] = dict(default_user.metadata or {})
    metadata.update({"is_admin": is_admin, "provider": provider_id})
    return cl.User(identifier=identifier, display_name=display_name, metadata=metadata)


async def _get_or_create(
    users: UserRepository,
    identifier: str,
    provider_id: str,
    display_name: str | None,
    *,
    may_create: bool,
) -> tuple[bool, str | None] | None:
    """(is_admin, display name) of the provider's account, created if missing and allowed; None
    if there is none and it may not be created, or the identifier belongs to another kind of
    account."""
    async with users.db.write() as conn:
        row = (
            await conn.execute(
                select(
                    users_table.c.password_hash,
                    users_table.c.is_admin,
                    users_table.c.display_name,
                    users_table.c.metadata,
                ).where(users_table.c.identifier == identifier)
            )
        ).first()
        if row is None and not may_create:
            log.warning(
                "refused %s sign-in as %s: not in OAUTH_ALLOWED_USERS or OAUTH_ALLOWED_DOMAINS",
                provider_id,
                identifier,
            )
            return None
        if row is None:
            await conn.execute(
                users_table.insert().values(
                    id=str(uuid.uuid4()),
                    identifier=identifier,
                    display_name=display_name,
                    password_hash=None,
                    is_admin=False,
                    metadata={"provider": provider_id},
                    created_at=utcnow(),
                )
            )
            log.info("added user %s (signed in with %s)", identifier, provider_id)
            return False, display_name
        stored = row.metadata if isinstance(row.metadata, dict) else {}
        if row.password_hash is not None or stored.get("provider") != provider_id:
            log.warning(
                "refused %s sign-in as %s: that name belongs to another account",
                provider_id,
                identifier,
            )
            return None
        return bool(row.is_admin), display_name or row.display_name


async def _chainlit_oauth_callback(
    provider_id: str,
    token: str,
    raw_user_data: dict[str, str],
    default_user: cl.User,
    id_token: str | None = None,
) -> cl.User | None:
    from imagechat.ui import runtime

    email = raw_user_data.get("email") if isinstance(raw_user_data, dict) else None
    return await oauth_user(
        runtime.get().users,
        provider_id,
        default_user,
        policy=SignupPolicy.from_settings(get_settings()),
        email=email if isinstance(email, str) else None,
    )


def register() -> bool:
    """Register the OAuth callback with Chainlit when a provider is configured; True if so."""
    if not get_configured_oauth_providers():
        return False
    cl.oauth_callback(_chainlit_oauth_callback)
    policy = SignupPolicy.from_settings(get_settings())
    if not (policy.users or policy.domains):
        log.warning(
            "OAuth sign-in is on, but neither OAUTH_ALLOWED_USERS nor OAUTH_ALLOWED_DOMAINS is "
            "set: only accounts that exist already can sign in through a provider"
        )
    return True


REGISTERED = register()
