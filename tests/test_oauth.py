"""Sign-in through Chainlit's OAuth providers: accounts keyed by the provider's immutable id,
e-mail addresses trusted only when verified, no network."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import chainlit as cl
import pytest
from chainlit.config import config
from sqlalchemy import select

from imagechat.oauth_identity import OAuthIdentity, SignupPolicy, identity_from
from imagechat.settings import Settings
from imagechat.storage.db import Database, utcnow
from imagechat.storage.migrate import upgrade_database
from imagechat.storage.schema import users as users_table
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRepository
from imagechat.ui import oauth
from imagechat.ui.auth import SESSION_KEY
from imagechat.ui.oauth import oauth_user

ANYONE = SignupPolicy(users=frozenset({"*"}))
OCTOCAT_ID = 583231
AVATAR = f"https://avatars.githubusercontent.com/u/{OCTOCAT_ID}?v=4"


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[UserRepository]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'oauth.db'}")
    await upgrade_database(db)
    try:
        yield UserRepository(db)
    finally:
        await db.dispose()


async def _row(repo: UserRepository, identifier: str) -> dict[str, Any] | None:
    async with repo.db.read() as conn:
        row = (
            (await conn.execute(select(users_table).where(users_table.c.identifier == identifier)))
            .mappings()
            .first()
        )
    return dict(row) if row is not None else None


def github_raw(
    login: str = "octocat", user_id: int = OCTOCAT_ID, emails: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """GitHub's /user answer plus the /user/emails list Chainlit's provider adds to it."""
    return {"login": login, "id": user_id, "avatar_url": AVATAR, "emails": emails or []}


def github(login: str = "octocat", user_id: int = OCTOCAT_ID, **kwargs: Any) -> OAuthIdentity:
    identity = identity_from("github", github_raw(login, user_id, **kwargs), name=login)
    assert identity is not None
    return identity


def email(address: str, *, primary: bool = True, verified: bool = True) -> dict[str, Any]:
    return {"email": address, "primary": primary, "verified": verified, "visibility": None}


async def test_first_sign_in_creates_an_account_keyed_by_the_immutable_id(
    repo: UserRepository,
) -> None:
    user = await oauth_user(repo, github(), policy=ANYONE)
    assert user is not None
    assert user.identifier == f"github:{OCTOCAT_ID}"
    assert user.display_name == "octocat"  # the login name is only the name shown
    assert user.metadata["provider"] == "github" and user.metadata["is_admin"] is False
    row = await _row(repo, f"github:{OCTOCAT_ID}")
    assert row is not None
    assert (row["password_hash"], row["is_admin"], row["display_name"]) == (None, False, "octocat")
    assert row["metadata"] == {"provider": "github"}
    assert await _row(repo, "octocat") is None
    # No password works for an account made through a provider, not even an empty one.
    for password in ("", "anything at all"):
        assert await repo.verify(f"github:{OCTOCAT_ID}", password) is None


async def test_a_renamed_login_keeps_its_account_and_the_old_name_gets_nothing(
    repo: UserRepository,
) -> None:
    first = await oauth_user(repo, github("octocat"), policy=ANYONE)
    await repo.set_admin(f"github:{OCTOCAT_ID}", True)
    renamed = await oauth_user(repo, github("octo-renamed"), policy=ANYONE)
    assert first is not None and renamed is not None
    assert renamed.identifier == first.identifier
    assert renamed.display_name == "octo-renamed"
    assert renamed.metadata["is_admin"] is True  # what the users table says
    # Someone else registers the released name: a different person, not admitted here.
    closed = SignupPolicy(users=frozenset({"octo-renamed"}))
    assert await oauth_user(repo, github("octocat", user_id=999), policy=closed) is None
    assert [u.identifier for u in await repo.list()] == [f"github:{OCTOCAT_ID}"]


async def test_sign_in_starts_a_server_side_session(repo: UserRepository) -> None:
    sessions = SessionRepository(repo.db)
    user = await oauth_user(repo, github(), policy=ANYONE, sessions=sessions)
    assert user is not None
    live = await sessions.live(user.metadata[SESSION_KEY])
    assert live is not None and live.identifier == f"github:{OCTOCAT_ID}"


async def test_a_disabled_account_cannot_sign_in(repo: UserRepository) -> None:
    assert await oauth_user(repo, github(), policy=ANYONE) is not None
    await repo.set_disabled(f"github:{OCTOCAT_ID}", True)
    assert await oauth_user(repo, github(), policy=ANYONE) is None


async def test_a_password_account_of_the_same_name_is_untouched(repo: UserRepository) -> None:
    await repo.add("alice", "correct horse battery", is_admin=True)
    user = await oauth_user(repo, github("alice", user_id=7), policy=ANYONE)
    assert user is not None and user.identifier == "github:7"
    assert user.metadata["is_admin"] is False
    row = await _row(repo, "alice")
    assert row is not None and row["password_hash"] is not None and row["metadata"] == {}
    assert await repo.verify("alice", "correct horse battery") is not None


async def test_the_same_id_at_another_provider_is_another_account(repo: UserRepository) -> None:
    gitlab = identity_from("gitlab", {"sub": "7", "email": "sam@example.org"}, name="sam")
    assert gitlab is not None
    a = await oauth_user(repo, github("sam", user_id=7), policy=ANYONE)
    b = await oauth_user(repo, gitlab, policy=ANYONE)
    assert a is not None and b is not None and a.identifier != b.identifier
    assert {u.identifier for u in await repo.list()} == {"github:7", "gitlab:7"}


@pytest.mark.parametrize(
    "raw",
    [{}, {"id": ""}, {"id": "   "}, {"id": "x" * 201}, {"id": "a b"}, {"id": True}, {"id": None}],
)
def test_no_usable_immutable_id_no_identity(raw: dict[str, Any]) -> None:
    assert identity_from("github", {"login": "octocat", **raw}, name="octocat") is None


async def test_concurrent_first_sign_ins_make_one_account(repo: UserRepository) -> None:
    results = await asyncio.gather(*(oauth_user(repo, github(), policy=ANYONE) for _ in range(5)))
    assert all(r is not None and r.identifier == f"github:{OCTOCAT_ID}" for r in results)
    assert await repo.count() == 1


# ---- verified e-mail addresses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("emails", "expected"),
    [
        ([email("Octo@Example.org")], "octo@example.org"),
        ([email("octo@example.org", verified=False)], None),  # primary but not verified
        ([email("me@gmail.test"), email("octo@example.org", primary=False)], "me@gmail.test"),
        ([], None),
    ],
)
def test_github_uses_the_primary_verified_address(
    emails: list[dict[str, Any]], expected: str | None
) -> None:
    raw = {**github_raw(emails=emails), "email": "octo@example.org"}  # public profile address
    identity = identity_from("github", raw, name="octocat")
    assert identity is not None and identity.verified_email == expected


@pytest.mark.parametrize(
    ("provider", "raw", "expected"),
    [
        ("google", {"id": "1", "email": "a@example.org", "verified_email": True}, "a@example.org"),
        ("google", {"id": "1", "email": "a@example.org", "verified_email": False}, None),
        ("google", {"sub": "1", "email": "a@example.org", "email_verified": True}, "a@example.org"),
        ("keycloak", {"sub": "k", "email": "a@example.org"}, None),  # no claim: not verified
        (
            "aws-cognito",
            {"sub": "c", "email": "a@example.org", "email_verified": "true"},
            "a@example.org",
        ),
        (
            "azure-ad",
            {"id": "g", "mail": "a@example.org", "userPrincipalName": "a@example.org"},
            None,
        ),
    ],
)
def test_oidc_addresses_count_only_with_the_verified_claim(
    provider: str, raw: dict[str, Any], expected: str | None
) -> None:
    identity = identity_from(provider, raw, name="a@example.org")
    assert identity is not None and identity.verified_email == expected
    assert identity.identifier == f"{provider}:{raw.get('sub') or raw.get('id')}"


@pytest.mark.parametrize(
    ("users", "domains", "identity", "admitted"),
    [
        ("octocat, hubot", None, github("Octocat"), True),  # names compare without case
        ("octocat", None, github("mallory", user_id=9), False),
        (f"github:{OCTOCAT_ID}", None, github("any-name-at-all"), True),  # by immutable id
        ("sam@example.org", None, github("sam", emails=[email("Sam@Example.org")]), True),
        (
            "sam@example.org",
            None,
            github("sam", emails=[email("sam@example.org", verified=False)]),
            False,
        ),
        (None, "example.org", github("sam", emails=[email("sam@example.org")]), True),
        (None, "@example.org", github("sam", emails=[email("sam@example.org")]), True),
        (
            None,
            "example.org",
            github("sam", emails=[email("sam@example.org", verified=False)]),
            False,
        ),
        (None, "example.org", github("sam", emails=[email("sam@example.org.evil.test")]), False),
        (None, "example.org", github("sam"), False),  # no address, no domain match
        ("*", None, github("anyone"), True),
    ],
)
async def test_allowed_users_and_domains(
    repo: UserRepository,
    users: str | None,
    domains: str | None,
    identity: OAuthIdentity,
    admitted: bool,
) -> None:
    settings = Settings(oauth_allowed_users=users, oauth_allowed_domains=domains)
    policy = SignupPolicy.from_settings(settings)
    user = await oauth_user(repo, identity, policy=policy)
    assert (user is not None) is admitted
    assert (await _row(repo, identity.identifier) is not None) is admitted


@pytest.mark.parametrize("verified", [True, False])
def test_an_unverified_google_address_is_not_a_name_on_the_list(verified: bool) -> None:
    """Google's default user is named by its address: that name must not stand in for a
    verified address on OAUTH_ALLOWED_USERS or OAUTH_ALLOWED_DOMAINS."""
    raw = {"id": "1", "email": "boss@example.org", "verified_email": verified}
    identity = identity_from("google", raw, name="boss@example.org")
    assert identity is not None
    assert SignupPolicy(users=frozenset({"boss@example.org"})).admits(identity) is verified
    assert SignupPolicy(domains=frozenset({"example.org"})).admits(identity) is verified


async def test_nobody_new_gets_in_unless_the_operator_allows_it(repo: UserRepository) -> None:
    closed = SignupPolicy.from_settings(
        Settings(oauth_allowed_users=None, oauth_allowed_domains=None)
    )
    assert await oauth_user(repo, github("mallory", user_id=9), policy=closed) is None
    assert await repo.count() == 0
    # An account that exists already keeps signing in, whatever the policy.
    assert await oauth_user(repo, github(), policy=ANYONE) is not None
    assert await oauth_user(repo, github(), policy=closed) is not None


# ---- accounts made before immutable ids --------------------------------------------------------


async def _legacy(repo: UserRepository, identifier: str, metadata: dict[str, Any]) -> str:
    """An account as the old code made it: keyed by the login name or address."""
    async with repo.db.write() as conn:
        await conn.execute(
            users_table.insert().values(
                id=f"legacy-{identifier}"[:36],
                identifier=identifier,
                display_name=None,
                password_hash=None,
                is_admin=False,
                metadata=metadata,
                created_at=utcnow(),
            )
        )
    return f"legacy-{identifier}"[:36]


async def test_an_old_github_account_moves_when_its_avatar_proves_the_id(
    repo: UserRepository,
) -> None:
    row_id = await _legacy(repo, "octocat", {"provider": "github", "image": AVATAR})
    closed = SignupPolicy()  # nobody new: the old account is found, not created
    user = await oauth_user(repo, github("octocat"), policy=closed)
    assert user is not None and user.identifier == f"github:{OCTOCAT_ID}"
    moved = await _row(repo, f"github:{OCTOCAT_ID}")
    assert moved is not None and moved["id"] == row_id and moved["display_name"] == "octocat"
    assert await _row(repo, "octocat") is None


async def test_an_old_github_account_is_not_given_to_whoever_holds_the_name_now(
    repo: UserRepository, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="imagechat.oauth")
    row_id = await _legacy(repo, "octocat", {"provider": "github", "image": AVATAR})
    newcomer = github("octocat", user_id=424242)
    assert await oauth_user(repo, newcomer, policy=SignupPolicy()) is None
    user = await oauth_user(repo, newcomer, policy=ANYONE)  # admitted: an account of their own
    assert user is not None and user.identifier == "github:424242"
    kept = await _row(repo, "octocat")
    assert kept is not None and kept["id"] == row_id
    assert "cannot be proven to be its owner" in caplog.text


@pytest.mark.parametrize("verified", [True, False])
async def test_an_old_address_keyed_account_moves_only_for_a_verified_address(
    repo: UserRepository, verified: bool
) -> None:
    row_id = await _legacy(repo, "jdoe@example.com", {"provider": "google"})
    raw = {"id": "10", "email": "JDoe@example.com", "verified_email": verified}
    identity = identity_from("google", raw, name="jdoe@example.com")
    assert identity is not None
    user = await oauth_user(repo, identity, policy=SignupPolicy())
    if verified:
        assert user is not None and user.identifier == "google:10"
        moved = await _row(repo, "google:10")
        assert moved is not None and moved["id"] == row_id
    else:
        assert user is None
        assert await _row(repo, "jdoe@example.com") is not None


# ---- Chainlit registration ----------------------------------------------------------------------


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


async def test_registered_callback_uses_the_apps_users_and_sessions(
    repo: UserRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagechat.ui import auth, runtime

    sessions = SessionRepository(repo.db)

    class FakeRuntime:
        users = repo

    monkeypatch.setattr(runtime, "get", lambda: FakeRuntime)
    monkeypatch.setattr(auth, "services", lambda: auth.AuthServices(sessions, None))  # type: ignore[arg-type]
    monkeypatch.setattr(
        oauth, "get_settings", lambda: Settings(oauth_allowed_domains="example.org")
    )

    def default_user(login: str) -> cl.User:
        # what Chainlit's GitHub provider hands the callback next to the raw data
        return cl.User(identifier=login, metadata={"image": AVATAR, "provider": "github"})

    # Admitted by the verified primary address in the provider's user data.
    raw = github_raw(emails=[email("octo@example.org")])
    user = await oauth._chainlit_oauth_callback("github", "token", raw, default_user("octocat"))
    assert user is not None and user.identifier == f"github:{OCTOCAT_ID}"
    assert user.metadata["image"] == AVATAR
    assert await sessions.live(user.metadata[SESSION_KEY]) is not None
    # The public profile address is not verified: no account.
    unverified = {**github_raw("mallory", 9), "email": "mallory@example.org"}
    stranger = await oauth._chainlit_oauth_callback(
        "github", "token", unverified, default_user("mallory")
    )
    assert stranger is None and await _row(repo, "github:9") is None
    # No immutable id at all: refused.
    assert (
        await oauth._chainlit_oauth_callback("github", "token", {"login": "x"}, default_user("x"))
        is None
    )
