"""Pytest fixtures for the fake OpenAI server (import them from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fresh fake server for one test."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def fake_openai_session() -> Iterator[FakeOpenAI]:
    """One fake server for the whole run (not reset between tests)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_openai_shared(fake_openai_session: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The session server, reset before and after this test."""
    fake_openai_session.reset()
    yield fake_openai_session
    fake_openai_session.reset()


@pytest.fixture
def fake_openai_env(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeOpenAI]:
    """``fake_openai`` with OPENAI_BASE_URL / OPENAI_API_KEY (and api_base) pointing at it."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_BASE", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", fake_openai.api_key)
    yield fake_openai
