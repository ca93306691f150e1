"""Shared fixtures: the fake OpenAI server, a guard against real network calls, and a
check that no test sends a retired or shut-down OpenAI model to the fake."""

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
from tests.fakes.state import retired_model_requests

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


RETIRED_OK = "retired_model_ok"


@pytest.fixture(autouse=True)
def _no_retired_models(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test not marked ``retired_model_ok`` that makes a fake OpenAI server see a retired or
    shut-down model fails (an error in its teardown, so the check also holds per worker when
    the suite runs in several processes)."""
    before = len(retired_model_requests())
    yield
    if request.node.get_closest_marker(RETIRED_OK):
        return
    models = sorted({entry.model for entry in retired_model_requests()[before:]})
    if models:
        pytest.fail(
            f"requests naming retired OpenAI models: {', '.join(models)}. The fake OpenAI "
            "server answered 404 model_not_found; use a served model, or mark the test "
            f"@pytest.mark.{RETIRED_OK}.",
            pytrace=False,
        )
