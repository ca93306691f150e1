"""Shared fixtures: the fake OpenAI server and a guard against real network calls."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

import imagechat  # noqa: F401  (litellm environment before anything imports litellm)
from tests.fakes.fixtures import (  # noqa: F401  (fixtures)
    fake_openai,
    fake_openai_env,
    fake_openai_session,
    fake_openai_shared,
)

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        if not (host.startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"tests must not reach the network (tried {host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_internet() -> Iterator[None]:
    """No test reaches the internet: outbound connections other than loopback fail loudly."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running for the session,
    and async tests that run after it in the same process fail to start their own."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.fspath).replace("\\", "/"))
