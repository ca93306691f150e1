"""Password login, the auth secret, and the request-user middleware."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from imagechat import auth
from imagechat.auth import RequestUserMiddleware, check_password, ensure_auth_secret
from imagechat.storage import users as users_module
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade_database
from imagechat.storage.users import UserRepository


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[UserRepository]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    await upgrade_database(db)
    try:
        yield UserRepository(db)
    finally:
        await db.dispose()


async def test_check_password(repo: UserRepository, monkeypatch: pytest.MonkeyPatch) -> None:
    await repo.add("alice", "correct horse", display_name="Alice")
    await repo.add("root", "root password", is_admin=True)
    user = await check_password(repo, "alice", "correct horse")
    assert user is not None
    assert (user.identifier, user.display_name) == ("alice", "Alice")
    assert user.metadata == {"is_admin": False, "provider": "credentials"}
    root = await check_password(repo, "root", "root password")
    assert root is not None and root.metadata["is_admin"] is True
    assert await check_password(repo, "alice", "wrong") is None
    assert await check_password(repo, "alice", "") is None
    # Unknown users cost an argon2 verification too (against a dummy hash).
    calls: list[bool] = []
    real = users_module._verify_hash

    def spy(stored: str | None, password: str) -> bool:
        calls.append(stored is None)
        return real(stored, password)

    monkeypatch.setattr(users_module, "_verify_hash", spy)
    assert await check_password(repo, "nobody", "correct horse") is None
    assert calls == [True]
    assert users_module._dummy_hash is not None and users_module._dummy_hash.startswith("$argon2")


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


async def test_request_user_middleware(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainlit.auth import create_jwt
    from chainlit.user import User
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from imagechat.storage.guard import current_user_identifier

    monkeypatch.setenv(auth.AUTH_SECRET_ENV, "test-secret-" + "x" * 40)

    async def whoami(_request: Request) -> PlainTextResponse:
        return PlainTextResponse(current_user_identifier() or "-")

    app = RequestUserMiddleware(Starlette(routes=[Route("/who", whoami)]))
    token = create_jwt(User(identifier="alice"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.get("/who", headers={"Authorization": f"Bearer {token}"})
        forged = await client.get("/who", headers={"Authorization": "Bearer not-a-jwt"})
        anonymous = await client.get("/who")
    assert (ok.text, forged.text, anonymous.text) == ("alice", "-", "-")
    assert current_user_identifier() is None
