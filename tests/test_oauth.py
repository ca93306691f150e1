"""Sign-in through Chainlit's OAuth providers: accounts in our users table, no network."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import chainlit as cl
import pytest
from chainlit.config import config
from sqlalchemy import select

from imagechat.auth import check_password
from imagechat.settings import Settings
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade_database
from imagechat.storage.schema import users as users_table
from imagechat.storage.users import UserRepository
from imagechat.ui import oauth
from imagechat.ui.oauth import SignupPolicy, oauth_user

ANYONE = SignupPolicy(users=frozenset({"*"}))


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[UserRepository]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'oauth.db'}")
    await upgrade_database(db)
    try:
        yield UserRepository(db)
    finally:
        await db.dispose()


async def _row(repo: UserRepository, identifier: str) -> dict | None:
    async with repo.db.read() as conn:
        row = (
            (await conn.execute(select(users_table).where(users_table.c.identifier == identifier)))
            .mappings()
            .first()
        )
    return dict(row) if row is not None else None


def github_user(login: str = "octocat", **metadata: str) -> cl.User:
    """What Chainlit's GitHub provider hands the callback."""
    return cl.User(
        identifier=login,
        metadata={"image": "https://avatars.example/octocat.png", "provider": "github", **metadata},
    )


async def test_first_sign_in_creates_a_passwordless_account(repo: UserRepository) -> None:
    user = await oauth_user(repo, "github", github_user(), policy=ANYONE)
    assert user is not None
    assert user.identifier == "octocat"
    assert user.metadata["provider"] == "github"
    assert user.metadata["is_admin"] is False
    assert user.metadata["image"] == "https://avatars.example/octocat.png"
    row = await _row(repo, "octocat")
    assert row is not None
    assert row["password_hash"] is None
    assert row["is_admin"] is False
    assert row["metadata"] == {"provider": "github"}
    record = await repo.get("octocat")
    assert record is not None and record.has_password is False
    # No password works for an account made through a provider, not even an empty one.
    assert await check_password(repo, "octocat", "") is None
    assert await check_password(repo, "octocat", "anything at all") is None


async def test_next_sign_in_finds_the_same_account(repo: UserRepository) -> None:
    first = await oauth_user(repo, "github", github_user(), policy=ANYONE)
    await repo.set_admin("octocat", True)
    again = await oauth_user(repo, "github", github_user(), policy=ANYONE)
    assert first is not None and again is not None
    assert again.identifier == first.identifier
    assert again.metadata["is_admin"] is True  # what the users table says, not the provider
    assert [u.identifier for u in await repo.list()] == ["octocat"]


async def test_display_name_comes_from_the_provider_or_the_account(
    repo: UserRepository,
) -> None:
    named = cl.User(identifier="jdoe@example.com", display_name="J. Doe", metadata={})
    user = await oauth_user(repo, "google", named, policy=ANYONE)
    assert user is not None and user.display_name == "J. Doe"
    unnamed = cl.User(identifier="jdoe@example.com", metadata={})
    user = await oauth_user(repo, "google", unnamed, policy=ANYONE)
    assert user is not None and user.display_name == "J. Doe"
    row = await _row(repo, "jdoe@example.com")
    assert row is not None and row["metadata"] == {"provider": "google"}


async def test_a_password_account_cannot_be_taken_over(repo: UserRepository) -> None:
    await repo.add("alice", "correct horse battery", is_admin=True)
    assert await oauth_user(repo, "github", github_user("alice"), policy=ANYONE) is None
    row = await _row(repo, "alice")
    assert row is not None and row["password_hash"] is not None
    assert row["metadata"] == {}
    assert await check_password(repo, "alice", "correct horse battery") is not None


async def test_another_providers_account_is_refused(repo: UserRepository) -> None:
    assert await oauth_user(repo, "github", github_user("sam"), policy=ANYONE) is not None
    assert (
        await oauth_user(repo, "gitlab", cl.User(identifier="sam", metadata={}), policy=ANYONE)
        is None
    )
    row = await _row(repo, "sam")
    assert row is not None and row["metadata"] == {"provider": "github"}


@pytest.mark.parametrize("identifier", ["", "   ", "x" * 256, "bad\nname"])
async def test_unusable_identifiers_are_refused(repo: UserRepository, identifier: str) -> None:
    assert (
        await oauth_user(repo, "github", cl.User(identifier=identifier, metadata={}), policy=ANYONE)
        is None
    )
    assert await repo.count() == 0


async def test_concurrent_first_sign_ins_make_one_account(repo: UserRepository) -> None:
    results = await asyncio.gather(
        *(oauth_user(repo, "github", github_user(), policy=ANYONE) for _ in range(5))
    )
    assert all(r is not None and r.identifier == "octocat" for r in results)
    assert await repo.count() == 1


def test_callback_is_registered_only_when_a_provider_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = oauth.get_configured_oauth_providers
    monkeypatch.setattr(config.code, "oauth_callback", None)
    monkeypatch.setattr(oauth, "get_configured_oauth_providers", lambda: [])
    assert oauth.register() is False
    assert config.code.oauth_callback is None

    monkeypatch.setattr(oauth, "get_configured_oauth_providers", real)
    monkeypatch.setenv("OAUTH_GITHUB_CLIENT_ID", "client-id")
    monkeypatch.setenv("OAUTH_GITHUB_CLIENT_SECRET", "client-secret")
    assert oauth.register() is True
    assert config.code.oauth_callback is not None


async def test_registered_callback_uses_the_apps_users(
    repo: UserRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagechat.ui import runtime

    class FakeRuntime:
        users = repo

    monkeypatch.setattr(runtime, "get", lambda: FakeRuntime)
    monkeypatch.setattr(
        oauth, "get_settings", lambda: Settings(oauth_allowed_domains="example.org")
    )
    # Admitted by the e-mail address in the provider's user data.
    raw = {"login": "octocat", "email": "octo@example.org"}
    user = await oauth._chainlit_oauth_callback("github", "token", raw, github_user())
    assert user is not None and user.identifier == "octocat"
    assert await repo.get("octocat") is not None
    stranger = await oauth._chainlit_oauth_callback("github", "token", {}, github_user("mallory"))
    assert stranger is None and await repo.get("mallory") is None


async def test_nobody_new_gets_in_unless_the_operator_allows_it(repo: UserRepository) -> None:
    closed = SignupPolicy.from_settings(
        Settings(oauth_allowed_users=None, oauth_allowed_domains=None)
    )
    assert await oauth_user(repo, "github", github_user("mallory"), policy=closed) is None
    assert await _row(repo, "mallory") is None
    # An account that exists already keeps signing in, whatever the policy.
    assert await oauth_user(repo, "github", github_user(), policy=ANYONE) is not None
    assert await oauth_user(repo, "github", github_user(), policy=closed) is not None


@pytest.mark.parametrize(
    ("users", "domains", "login", "email", "admitted"),
    [
        ("octocat, hubot", None, "Octocat", None, True),  # names compare without case
        ("octocat", None, "mallory", None, False),
        ("sam@example.org", None, "sam", "Sam@Example.org", True),  # by e-mail address
        (None, "example.org", "sam", "sam@example.org", True),  # by e-mail domain
        (None, "@example.org", "sam@example.org", None, True),  # Google: the name is the address
        (None, "example.org", "sam", "sam@example.org.evil.test", False),
        (None, "example.org", "sam", None, False),  # no address, no domain match
        ("*", None, "anyone", None, True),
    ],
)
async def test_allowed_users_and_domains(
    repo: UserRepository,
    users: str | None,
    domains: str | None,
    login: str,
    email: str | None,
    admitted: bool,
) -> None:
    settings = Settings(oauth_allowed_users=users, oauth_allowed_domains=domains)
    policy = SignupPolicy.from_settings(settings)
    user = await oauth_user(repo, "github", github_user(login), policy=policy, email=email)
    assert (user is not None) is admitted
    assert (await _row(repo, login) is not None) is admitted
