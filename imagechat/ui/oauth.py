"""Sign-in through Chainlit's OAuth providers (GitHub, Google, Azure AD, GitLab, ...).

Chainlit offers a provider on the login page when that provider's environment variables are set
(for GitHub ``OAUTH_GITHUB_CLIENT_ID`` and ``OAUTH_GITHUB_CLIENT_SECRET``) *and* an
``@cl.oauth_callback`` is registered. Importing this module registers one when at least one
provider is configured; ``cl.oauth_callback`` itself refuses to register when none is, which is
why ``app.py`` does not use the decorator directly.

A user who signs in through a provider gets a row in our users table (no password: they cannot
use the password form) keyed by the provider's immutable id, ``github:583231`` (see
:mod:`imagechat.oauth_identity`), with the login name or address as display name; a renamed
login keeps its account, and whoever takes over the old name gets none of it. Accounts made
before this (keyed by login name or address) move to the new key on their next sign-in when
the provider proves it is the same person: GitHub's avatar URL stored with the account carries
the numeric id; an account named by an e-mail address moves when the provider vouches for that
address. Otherwise the old account is left alone (an administrator can remove it) and a
warning is logged.

Who may *create* an account this way is the operator's choice (``SignupPolicy``):
``OAUTH_ALLOWED_USERS`` (names, provider ids such as ``github:583231``, verified e-mail
addresses, or ``*`` for anyone the provider knows) and ``OAUTH_ALLOWED_DOMAINS`` (domains of
verified e-mail addresses). With neither set nobody new gets in: otherwise every GitHub user in
the world could sign up and spend the operator's API credits. Accounts that exist already keep
signing in, unless an administrator disabled them. Each sign-in starts a server-side session
(:mod:`imagechat.storage.sessions`) whose id the login token carries.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import chainlit as cl
from chainlit.oauth_providers import get_configured_oauth_providers
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from imagechat.oauth_identity import OAuthIdentity, SignupPolicy, github_avatar_id, identity_from
from imagechat.settings import get_settings
from imagechat.storage.db import utcnow
from imagechat.storage.schema import users as users_table
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRepository
from imagechat.ui.auth import SESSION_KEY

__all__ = ["SignupPolicy", "oauth_user", "register"]

log = logging.getLogger("imagechat.oauth")


@dataclass(frozen=True)
class _Account:
    user_id: str
    is_admin: bool
    display_name: str | None


async def oauth_user(
    users: UserRepository,
    identity: OAuthIdentity,
    *,
    policy: SignupPolicy,
    sessions: SessionRepository | None = None,
    session_lifetime: timedelta | None = None,
) -> cl.User | None:
    """The Chainlit user for someone the provider authenticated, or None.

    Creates the account on first sign-in (no password, ``metadata["provider"]`` = provider id)
    when ``policy`` admits the identity. Refuses (None) one that is not admitted, an account
    that is disabled, or a key that belongs to a password account or another provider. With
    ``sessions``, starts the session the token will carry.
    """
    for attempt in range(2):
        try:
            found = await _get_or_create(users, identity, may_create=policy.admits(identity))
            break
        except IntegrityError:  # created concurrently by another sign-in: read it back
            if attempt:
                raise
    if found is None:
        return None
    metadata: dict[str, Any] = {"is_admin": found.is_admin, "provider": identity.provider}
    if identity.image:
        metadata["image"] = identity.image
    if sessions is not None:
        lifetime = session_lifetime or timedelta(days=15)
        metadata[SESSION_KEY] = await sessions.create(found.user_id, lifetime)
    return cl.User(
        identifier=identity.identifier, display_name=found.display_name, metadata=metadata
    )


_COLUMNS = (
    users_table.c.id,
    users_table.c.identifier,
    users_table.c.password_hash,
    users_table.c.is_admin,
    users_table.c.display_name,
    users_table.c.metadata,
    users_table.c.disabled,
)


async def _get_or_create(
    users: UserRepository, identity: OAuthIdentity, *, may_create: bool
) -> _Account | None:
    """The provider's account, moved from its old key or created if allowed; None if there is
    none and it may not be created, it is disabled, or the key belongs to another account."""
    async with users.db.write() as conn:
        row = (
            await conn.execute(
                select(*_COLUMNS).where(users_table.c.identifier == identity.identifier)
            )
        ).first()
        if row is None:
            row = await _adopt_legacy(conn, identity)
        if row is not None:
            return _usable(row, identity)
        if not may_create:
            log.warning(
                "refused %s sign-in as %s (%s): not in OAUTH_ALLOWED_USERS or "
                "OAUTH_ALLOWED_DOMAINS",
                identity.provider,
                identity.identifier,
                identity.name,
            )
            return None
        user_id = str(uuid.uuid4())
        await conn.execute(
            users_table.insert().values(
                id=user_id,
                identifier=identity.identifier,
                display_name=identity.display_name,
                password_hash=None,
                is_admin=False,
                metadata={"provider": identity.provider},
                created_at=utcnow(),
            )
        )
        log.info(
            "added user %s (%s, signed in with %s)",
            identity.identifier,
            identity.name,
            identity.provider,
        )
        return _Account(user_id, False, identity.display_name)


def _usable(row: Any, identity: OAuthIdentity) -> _Account | None:
    stored = row.metadata if isinstance(row.metadata, dict) else {}
    if row.password_hash is not None or stored.get("provider") != identity.provider:
        log.warning(
            "refused %s sign-in as %s: that key belongs to another account",
            identity.provider,
            identity.identifier,
        )
        return None
    if row.disabled:
        log.info("refused %s sign-in as %s: account disabled", identity.provider, row.identifier)
        return None
    return _Account(row.id, bool(row.is_admin), identity.display_name or row.display_name)


async def _adopt_legacy(conn: AsyncConnection, identity: OAuthIdentity) -> Any:
    """Move an account made under the old key (login name or address) to the immutable id,
    when the provider proves it is the same person; the moved row, or None."""
    names = {n for n in (identity.name, identity.verified_email) if n}
    if not names:
        return None
    rows = (
        await conn.execute(select(*_COLUMNS).where(users_table.c.identifier.in_(sorted(names))))
    ).all()
    for row in rows:
        stored = row.metadata if isinstance(row.metadata, dict) else {}
        if row.password_hash is not None or stored.get("provider") != identity.provider:
            continue
        if not _same_person(row, stored, identity):
            log.warning(
                "%s account %s was made before accounts were keyed by the provider's id, and "
                "this sign-in (%s) cannot be proven to be its owner: left alone",
                identity.provider,
                row.identifier,
                identity.identifier,
            )
            continue
        await conn.execute(
            update(users_table)
            .where(users_table.c.id == row.id)
            .values(identifier=identity.identifier, display_name=identity.display_name)
        )
        log.info("account %s is now keyed %s", row.identifier, identity.identifier)
        return (await conn.execute(select(*_COLUMNS).where(users_table.c.id == row.id))).first()
    return None


def _same_person(row: Any, stored: dict[str, Any], identity: OAuthIdentity) -> bool:
    if identity.provider == "github" and github_avatar_id(stored.get("image")) == identity.subject:
        return True
    email = identity.verified_email
    return bool(email) and "@" in row.identifier and row.identifier.lower() == email


async def _chainlit_oauth_callback(
    provider_id: str,
    token: str,
    raw_user_data: dict[str, str],
    default_user: cl.User,
    id_token: str | None = None,
) -> cl.User | None:
    from imagechat.ui import auth, runtime

    metadata = default_user.metadata or {}
    identity = identity_from(
        provider_id,
        raw_user_data,
        name=default_user.identifier,
        display_name=default_user.display_name,
        image=metadata.get("image"),
    )
    if identity is None:
        log.warning("refused %s sign-in: the provider gave no user id", provider_id)
        return None
    return await oauth_user(
        runtime.get().users,
        identity,
        policy=SignupPolicy.from_settings(get_settings()),
        sessions=auth.services().sessions,
        session_lifetime=auth.session_lifetime(),
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
