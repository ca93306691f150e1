"""Password sign-in (throttled, bounded hashing, server-side sessions), the auth secret, and
the request middleware that honours a token only while its session is live."""

from __future__ import annotations

import asyncio
import os
import stat
import threading
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from imagechat import auth
from imagechat.auth import (
    AccountDisabled,
    PasswordLogin,
    SignInBusy,
    TooManyAttempts,
    ensure_auth_secret,
)
from imagechat.hashing import HashingPool
from imagechat.login_throttle import LoginThrottle
from imagechat.storage import users as users_module
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade_database
from imagechat.storage.sessions import SessionRepository
from imagechat.storage.users import UserRepository
from imagechat.ui.auth import SESSION_KEY, RequestUserMiddleware, check_password

DAY = timedelta(days=1)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    await upgrade_database(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def repo(db: Database) -> UserRepository:
    return UserRepository(db)


@pytest.fixture
def sessions(db: Database) -> SessionRepository:
    return SessionRepository(db)


def login_with(
    repo: UserRepository,
    sessions: SessionRepository,
    account: str = "100 per 1 minute",
    address: str = "100 per 1 minute",
) -> PasswordLogin:
    return PasswordLogin(repo, sessions, LoginThrottle(account, address), DAY)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per argon2 verification (True: against the dummy hash of an unknown user)."""
    calls: list[bool] = []
    real = users_module._verify_hash

    def spy(stored: str | None, password: str) -> bool:
        calls.append(stored is None)
        return real(stored, password)

    monkeypatch.setattr(users_module, "_verify_hash", spy)
    return calls


async def test_check_password_starts_a_session(
    repo: UserRepository, sessions: SessionRepository, verifications: list[bool]
) -> None:
    await repo.add("alice", "correct horse", display_name="Alice")
    await repo.add("root", "root password", is_admin=True)
    login = login_with(repo, sessions)
    user = await check_password(login, "alice", "correct horse")
    assert user is not None
    assert (user.identifier, user.display_name) == ("alice", "Alice")
    assert user.metadata["is_admin"] is False and user.metadata["provider"] == "credentials"
    live = await sessions.live(user.metadata[SESSION_KEY])
    assert live is not None and live.identifier == "alice"
    root = await check_password(login, "root", "root password")
    assert root is not None and root.metadata["is_admin"] is True
    assert root.metadata[SESSION_KEY] != user.metadata[SESSION_KEY]
    assert await check_password(login, "alice", "wrong") is None
    assert await check_password(login, "alice", "") is None
    # Unknown users cost an argon2 verification too (against a dummy hash).
    verifications.clear()
    assert await check_password(login, "nobody", "correct horse") is None
    assert verifications == [True]
    assert users_module._dummy_hash is not None and users_module._dummy_hash.startswith("$argon2")


async def test_the_eleventh_failure_is_refused_without_hashing_even_with_the_right_password(
    repo: UserRepository, sessions: SessionRepository, verifications: list[bool]
) -> None:
    await repo.add("carol", "carol password")
    await repo.add("dave", "dave password")
    login = login_with(repo, sessions, account="10 per 15 minutes", address="30 per 15 minutes")
    for _ in range(10):
        assert await login.attempt("carol", "guess", "10.0.0.1") is None
    verifications.clear()
    with pytest.raises(TooManyAttempts) as refused:
        await login.attempt("carol", "guess", "10.0.0.1")
    assert refused.value.status == 429 and refused.value.detail == TooManyAttempts.detail
    assert 0 < (refused.value.retry_after or 0) <= 900
    with pytest.raises(TooManyAttempts):  # the right password too, from anywhere
        await login.attempt("carol", "carol password", "10.0.0.9")
    assert verifications == []  # refused before any hashing
    # Another account from another address is not affected.
    assert await login.attempt("dave", "dave password", "10.0.0.2") is not None


async def test_successful_sign_ins_are_not_counted(
    repo: UserRepository, sessions: SessionRepository
) -> None:
    await repo.add("carol", "carol password")
    login = login_with(repo, sessions, account="2 per 15 minutes")
    for _ in range(5):
        assert await login.attempt("carol", "carol password", "10.0.0.1") is not None


async def test_a_disabled_account_is_told_only_with_the_right_password(
    repo: UserRepository, sessions: SessionRepository
) -> None:
    await repo.add("carol", "carol password")
    await repo.set_disabled("carol", True)
    login = login_with(repo, sessions)
    assert await login.attempt("carol", "wrong password", None) is None
    with pytest.raises(AccountDisabled) as refused:
        await login.attempt("carol", "carol password", None)
    assert refused.value.status == 403
    record = await repo.get("carol")
    assert record is not None and await sessions.count(record.id) == 0


async def test_a_full_hashing_queue_refuses_sign_in_at_once(
    db: Database, sessions: SessionRepository
) -> None:
    pool = HashingPool(workers=1, max_waiting=0)
    repo = UserRepository(db, hashing=pool)
    await repo.add("carol", "carol password")
    gate = threading.Event()
    try:
        busy = asyncio.ensure_future(pool.run(gate.wait, 10))
        await asyncio.sleep(0.05)
        with pytest.raises(SignInBusy) as refused:
            await login_with(repo, sessions).attempt("carol", "carol password", None)
        assert refused.value.status == 503 and refused.value.detail == SignInBusy.detail
        gate.set()
        await busy
        assert await login_with(repo, sessions).attempt("carol", "carol password", None)
    finally:
        gate.set()
        pool.shutdown()


@pytest.fixture
def no_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.AUTH_SECRET_ENV, "placeholder")  # so that teardown restores
    monkeypatch.delenv(auth.AUTH_SECRET_ENV)


def test_auth_secret_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.AUTH_SECRET_ENV, "from-env")
    assert ensure_auth_secret(tmp_path / "d") == "from-env"
    assert not (tmp_path / "d" / "auth_secret").exists()


@pytest.mark.usefixtures("no_secret_env")
def test_auth_secret_generated_saved_and_reused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    secret = ensure_auth_secret(data)
    path = data / "auth_secret"
    assert len(secret) >= 60
    assert os.environ[auth.AUTH_SECRET_ENV] == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == secret
    assert [p.name for p in data.iterdir()] == ["auth_secret"]  # no temp file left behind
    del os.environ[auth.AUTH_SECRET_ENV]
    assert ensure_auth_secret(data) == secret  # survives a restart


@pytest.mark.usefixtures("no_secret_env")
def test_auth_secret_empty_file_and_loose_permissions(tmp_path: Path) -> None:
    path = tmp_path / "auth_secret"
    path.write_text("\n")
    secret = ensure_auth_secret(tmp_path)
    assert secret and path.read_text().strip() == secret
    del os.environ[auth.AUTH_SECRET_ENV]
    path.chmod(0o644)
    assert ensure_auth_secret(tmp_path) == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_request_user_middleware(
    repo: UserRepository, sessions: SessionRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token counts only while its session is live; a dead one is taken off the request, so
    the app behind sees an anonymous request (Chainlit then answers 401 where it must)."""
    from chainlit.auth import create_jwt
    from chainlit.user import User
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from imagechat.storage.guard import current_user_identifier

    monkeypatch.setenv(auth.AUTH_SECRET_ENV, "test-secret-" + "x" * 40)

    async def whoami(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "user": current_user_identifier() or "-",
                "cookies": sorted(request.cookies),
                "authorization": request.headers.get("authorization"),
            }
        )

    await repo.add("alice", "alice password")
    login = login_with(repo, sessions)
    user = await check_password(login, "alice", "alice password")
    assert user is not None
    live = create_jwt(user)
    ended_user = await check_password(login, "alice", "alice password")
    assert ended_user is not None
    ended = create_jwt(ended_user)
    await sessions.end(ended_user.metadata[SESSION_KEY])
    sessionless = create_jwt(User(identifier="alice"))
    app = RequestUserMiddleware(Starlette(routes=[Route("/who", whoami)]), sessions=sessions)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:

        async def who(**headers: str) -> dict[str, object]:
            return (await client.get("/who", headers=headers)).json()

        assert (await who(Authorization=f"Bearer {live}"))["user"] == "alice"
        assert (await who(Cookie=f"access_token={live}; theme=dark"))["user"] == "alice"
        for token in (ended, sessionless, "not-a-jwt"):
            seen = await who(Authorization=f"Bearer {token}")
            assert seen == {"user": "-", "cookies": [], "authorization": None}
            seen = await who(Cookie=f"theme=dark; access_token={token}")
            assert seen == {"user": "-", "cookies": ["theme"], "authorization": None}
        # A dead cookie next to a live Bearer token: Chainlit will read the header.
        seen = await who(Cookie=f"access_token={ended}", Authorization=f"Bearer {live}")
        assert seen["user"] == "alice" and seen["cookies"] == []
        assert (await who())["user"] == "-"
    assert current_user_identifier() is None
