"""Shared fixtures: the fake OpenAI server, a guard against real network calls, and a
session-wide check that no test sent a retired or shut-down OpenAI model to the fake."""

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
_RETIRED_REPORT = pytest.StashKey[list[str]]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test not marked ``retired_model_ok`` made a fake see a retired model."""
    allowed = {item.nodeid for item in session.items if item.get_closest_marker(RETIRED_OK)}
    offenders: dict[str, set[str]] = {}
    for entry in retired_model_requests():
        if entry.test not in allowed:
            offenders.setdefault(entry.test or "<outside any test>", set()).add(entry.model)
    if not offenders:
        return
    session.config.stash[_RETIRED_REPORT] = [
        f"{test}: {', '.join(sorted(models))}" for test, models in sorted(offenders.items())
    ]
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(_RETIRED_REPORT, None)
    if not lines:
        return
    terminalreporter.write_sep("=", "requests naming retired OpenAI models", red=True)
    terminalreporter.write_line(
        "These tests made the fake OpenAI server see a retired or shut-down model (404 "
        f"model_not_found); use a served model, or mark the test @pytest.mark.{RETIRED_OK}:"
    )
    for line in lines:
        terminalreporter.write_line(f"  {line}")
