"""One registry of the secrets this process knows, and the redaction that keeps them out of logs,
errors, stored messages and pages.

Every configured key lands here: ``OPENAI_API_KEY``, the admin password, the auth secret, OAuth
client secrets, the password in ``DATABASE_URL``, and the variable each custom provider names in
``api_key_env`` (a provider that echoes its key in an error must not get it shown or logged). A
pattern for key-shaped strings (``sk-…``, ``gsk_…``, ``AIza…``, ``Bearer …``) catches keys nobody
configured, e.g. one a user pasted into a custom provider's error.

The log record factory installed by ``install_log_redaction`` redacts every record when it is
made — before any handler, whoever configured the handlers (uvicorn, Chainlit, litellm).
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

MASK = "********"
# Values shorter than this are not treated as secrets (redacting "test" would mangle every text).
MIN_SECRET_LENGTH = 8
# Variable names whose values are secrets whether or not anything else names them.
_SECRET_NAME = re.compile(r"(API_?KEY|_KEY|_SECRET|_TOKEN|_PASSWORD|PASSWD)$", re.IGNORECASE)
_KEYLIKE = re.compile(
    r"\b(?:sk|rk|pk|key|gsk|xai|sk-ant|sk-or|sk-proj|hf|glpat|ghp|gho|r8)[-_][A-Za-z0-9_\-*.]{6,}"
    r"|\bAIza[0-9A-Za-z_\-]{20,}"
    r"|(?i:\bbearer\s+)[A-Za-z0-9_\-.=:+/]{8,}"
)


class SecretRegistry:
    """The secret values of this process; thread-safe, only grows."""

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._ordered: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        fresh = {v for v in values if v and len(v.strip()) >= MIN_SECRET_LENGTH}
        if fresh <= self._values:
            return
        with self._lock:
            merged = self._values | fresh
            # longest first: a secret that contains another is masked whole
            self._ordered = tuple(sorted(merged, key=len, reverse=True))
            self._values = frozenset(merged)

    def add_environ(self, environ: Mapping[str, str], names: Iterable[str] = ()) -> None:
        """The values of `names` and of every variable whose name says it holds a secret."""
        wanted = {name for name in names if name}
        values = [value for name, value in environ.items() if name in wanted]
        values += [value for name, value in environ.items() if _SECRET_NAME.search(name)]
        url = environ.get("DATABASE_URL")
        if url:
            values.append(_url_password(url))
        self.add(*values)

    def redact(self, text: str, extra: Iterable[str] = (), *, shapes: bool = True) -> str:
        """`text` without any known secret (nor `extra` ones) and, with `shapes`, without
        key-shaped strings."""
        for secret in (*self._ordered, *extra):
            if secret and secret in text:
                text = text.replace(secret, MASK)
        return _KEYLIKE.sub(MASK, text) if shapes else text

    def redact_value(self, value: Any) -> Any:
        """`value` with every string in it redacted (dicts and lists walked)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.redact_value(v) for v in value)
        return value


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


#: The process's registry.
registry = SecretRegistry()


def redact(text: str, extra: Iterable[str] = ()) -> str:
    return registry.redact(text, extra)


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what is there, redacted
        message = f"{record.msg} {record.args!r}"
    redacted = registry.redact(message)
    if redacted != message:
        if isinstance(record.args, tuple) and record.name.startswith("uvicorn"):
            # uvicorn's formatters unpack args: keep their shape
            record.args = tuple(registry.redact_value(a) for a in record.args)
        else:
            record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        record.exc_text = registry.redact("".join(traceback.format_exception(*record.exc_info)))
        record.exc_text = record.exc_text.rstrip("\n")
    if record.stack_info:
        record.stack_info = registry.redact(record.stack_info)
    return record


def install_log_redaction() -> None:
    """Redact every log record of this process as it is made (once; later calls do nothing)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redact_record(current(*args, **kwargs))

    factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
