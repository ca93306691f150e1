"""Users: the repository (argon2), ensure_admin, and the data layer's user methods."""

from __future__ import annotations

import logging

import pytest
from chainlit.user import User

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.schema import threads, users
from imagechat.storage.users import UserRepository

from .conftest import count
from .helpers import make_thread


async def test_add_list_verify_passwd_remove(
    repo: UserRepository, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = await repo.add("alice", "correct horse", display_name="Alice")
    await repo.add("bob", "bob-password", is_admin=True)
    assert alice.has_password and not alice.is_admin and alice.display_name == "Alice"
    assert [(u.identifier, u.is_admin) for u in await repo.list()] == [
        ("alice", False),
        ("bob", True),
    ]
    assert await repo.verify("alice", "correct horse") is not None
    assert await repo.verify("alice", "wrong horse!") is None
    assert await repo.verify("nobody", "correct horse") is None
    assert await repo.verify("bad name!", "x") is None
    with pytest.raises(ValueError):
        await repo.add("alice", "another one")
    with pytest.raises(ValueError):
        await repo.add("carol", "short")
    with pytest.raises(ValueError):
        await repo.add("no spaces", "long enough")
    assert await repo.set_password("alice", "new password") is True
    assert await repo.verify("alice", "correct horse") is None
    assert await repo.verify("alice", "new password") is not None
    assert await repo.set_password("nobody", "whatever1") is False
    # Removing a user removes their conversations.
    dl = ImageChatDataLayer(db)
    persisted = await dl.get_user("alice")
    assert persisted is not None
    await make_thread(dl, persisted)
    assert await repo.remove("alice") is True
    assert await repo.remove("alice") is False
    assert await count(db, threads) == 0
    # Neither passwords nor hashes were logged.
    for secret in ("correct horse", "new password", "bob-password", "$argon2"):
        assert secret not in caplog.text


async def test_ensure_admin_generates_once(repo: UserRepository) -> None:
    generated = await repo.ensure_admin(None, None)
    assert generated and len(generated) >= 16
    assert await repo.verify("admin", generated) is not None
    admin = await repo.get("admin")
    assert admin is not None and admin.is_admin
    assert await repo.ensure_admin(None, None) is None  # users exist: nothing to do
    assert await repo.verify("admin", generated) is not None


async def test_ensure_admin_from_environment(repo: UserRepository) -> None:
    await repo.add("root", "old password", is_admin=False)
    assert await repo.ensure_admin("root", "given password") is None
    root = await repo.get("root")
    assert root is not None and root.is_admin
    assert await repo.verify("root", "given password") is not None
    assert await repo.ensure_admin("root", "given password") is None  # no change, no error
    assert await repo.ensure_admin("ops", "ops password") is None
    assert await repo.verify("ops", "ops password") is not None
    generated = await repo.ensure_admin("fresh", None)
    assert generated and await repo.verify("fresh", generated) is not None
    assert await repo.ensure_admin(None, "admin password") is None
    assert await repo.verify("admin", "admin password") is not None


async def test_datalayer_users(db: Database, repo: UserRepository) -> None:
    dl = ImageChatDataLayer(db)
    created = await dl.create_user(User(identifier="alice", metadata={"provider": "x"}))
    assert created is not None and created.identifier == "alice"
    assert created.metadata == {"provider": "x", "is_admin": False}
    again = await dl.create_user(
        User(identifier="alice", display_name="Alice", metadata={"is_admin": True, "k": 1})
    )
    assert again is not None and again.id == created.id
    assert again.display_name == "Alice"
    assert again.metadata == {"provider": "x", "k": 1, "is_admin": False}  # cannot self-promote
    assert await dl.get_user("nobody") is None
    # Password users only: Chainlit must not re-create a removed user from an old token.
    strict = ImageChatDataLayer(db, auto_create_users=False)
    assert await strict.create_user(User(identifier="ghost")) is None
    assert await count(db, users, identifier="ghost") == 0
    await repo.add("bob", "bob password", is_admin=True)
    bob = await strict.create_user(User(identifier="bob"))
    assert bob is not None and bob.metadata["is_admin"] is True
