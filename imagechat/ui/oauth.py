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
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import chainlit as cl
from chainlit.oauth_providers import get_configured_oauth_providers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imagechat.storage.db import utcnow
from imagechat.storage.schema import users as users_table
from imagechat.storage.users import UserRepository

log = logging.getLogger("imagechat.oauth")

IDENTIFIER_MAX = 255  # users.identifier is VARCHAR(255)


def _usable_identifier(identifier: str | None) -> str | None:
    value = (identifier or "").strip()
    if not value or len(value) > IDENTIFIER_MAX or not value.isprintable():
        return None
    return value


async def oauth_user(
    users: UserRepository, provider_id: str, default_user: cl.User
) -> cl.User | None:
    """The Chainlit user for someone the provider ``provider_id`` authenticated, or None.

    Creates the account on first sign-in (no password, ``metadata["provider"]`` = provider id).
    Refuses (None) an identifier that is unusable, or that names a password account or an
    account created through another provider.
    """
    identifier = _usable_identifier(default_user.identifier)
    if identifier is None:
        log.warning("refused %s sign-in without a usable identifier", provider_id)
        return None
    for attempt in range(2):
        try:
            found = await _get_or_create(users, identifier, provider_id, default_user.display_name)
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
    users: UserRepository, identifier: str, provider_id: str, display_name: str | None
) -> tuple[bool, str | None] | None:
    """(is_admin, display name) of the provider's account, created if missing; None if the
    identifier belongs to another kind of account."""
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

    return await oauth_user(runtime.get().users, provider_id, default_user)


def register() -> bool:
    """Register the OAuth callback with Chainlit when a provider is configured; True if so."""
    if not get_configured_oauth_providers():
        return False
    cl.oauth_callback(_chainlit_oauth_callback)
    return True


REGISTERED = register()
