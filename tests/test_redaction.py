"""The secret registry and the log redaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from imagechat import redaction
from imagechat.errors import UserFacingError
from imagechat.redaction import MASK, SecretRegistry


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretRegistry]:
    registry = SecretRegistry()
    monkeypatch.setattr(redaction, "registry", registry)
    yield registry


def test_configured_values_are_masked_wherever_they_appear() -> None:
    registry = SecretRegistry()
    registry.add("Planted-value-1234", None, "", "short")
    text = "a Planted-value-1234 and again Planted-value-1234, short stays"
    assert registry.redact(text) == f"a {MASK} and again {MASK}, short stays"


def test_a_secret_containing_another_is_masked_whole() -> None:
    registry = SecretRegistry()
    registry.add("abcdefgh", "abcdefgh-and-more")
    assert registry.redact("x abcdefgh-and-more y") == f"x {MASK} y"


def test_environment_names_what_is_secret() -> None:
    registry = SecretRegistry()
    environ = {
        "CUSTOM_LLM_CREDENTIAL": "named-by-the-models-file",
        "GROQ_API_KEY": "groq-looks-like-this-1",
        "OAUTH_GITHUB_CLIENT_SECRET": "oauth-secret-value",
        "DATABASE_URL": "postgresql://app:db-password-9@host/db",
        "HOME": "/home/someone-long-path",
    }
    registry.add_environ(environ, names={"CUSTOM_LLM_CREDENTIAL"})
    for name in ("CUSTOM_LLM_CREDENTIAL", "GROQ_API_KEY", "OAUTH_GITHUB_CLIENT_SECRET"):
        assert registry.redact(environ[name]) == MASK
    assert "db-password-9" not in registry.redact(environ["DATABASE_URL"])
    assert registry.redact("/home/someone-long-path") == "/home/someone-long-path"


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-abcdefghijkl",
        "gsk_abcdefghijklmnop",
        "xai-abcdefghijklmnop",
        "AIzaSyA-abcdefghijklmnopqrstuv",
        "Bearer abcdefghijklmnop",
    ],
)
def test_key_shapes_nobody_configured_are_masked(key: str) -> None:
    out = SecretRegistry().redact(f"the provider said: {key} is wrong")
    assert key.split()[-1] not in out and MASK in out


def test_shapes_can_be_kept_for_a_persons_own_words() -> None:
    registry = SecretRegistry()
    registry.add("configured-secret-1")
    text = "my sk-proj-abcdefghijkl and configured-secret-1"
    assert registry.redact(text, shapes=False) == f"my sk-proj-abcdefghijkl and {MASK}"


def test_user_facing_errors_never_carry_a_registered_secret(
    fresh_registry: SecretRegistry,
) -> None:
    fresh_registry.add("Planted-in-an-error")
    assert UserFacingError("bad key Planted-in-an-error").message == f"bad key {MASK}"


def test_log_records_are_redacted_before_any_handler(
    fresh_registry: SecretRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    fresh_registry.add("Planted-in-a-log-line")
    before = logging.getLogRecordFactory()
    redaction.install_log_redaction()
    try:
        redaction.install_log_redaction()  # twice is once
        log = logging.getLogger("some.library")
        with caplog.at_level(logging.INFO):
            log.info("calling with %s", "Planted-in-a-log-line")
            try:
                raise RuntimeError("key Planted-in-a-log-line refused")
            except RuntimeError:
                log.exception("failed")
        text = caplog.text
        assert "Planted-in-a-log-line" not in text
        assert "calling with ********" in text and "RuntimeError: key ********" in text
        access = logging.getLogger("uvicorn.access").makeRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1", "GET", "/x?key=Planted-in-a-log-line", "1.1", 200),
            None,
        )
        assert isinstance(access.args, tuple) and len(access.args) == 5  # uvicorn unpacks these
        assert "Planted" not in access.getMessage() and "/x?key=********" in access.getMessage()
    finally:
        logging.setLogRecordFactory(before)
