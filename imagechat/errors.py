"""Errors, by who sees them.

- `UserFacingError`: its `message` is shown in the chat as it is; it never holds a secret.
- `ModelRetry`: the LLM made a mistake in its tool arguments; the message goes back to it as the
  tool result so it can try again.
Anything else is a developer mistake and is logged, not shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from imagechat.redaction import redact


class UserFacingError(Exception):
    """An error whose message is written for the person in the chat."""

    def __init__(self, message: str, *, kind: str = "error") -> None:
        message = redact(message)  # whatever built it, no known secret reaches the person
        super().__init__(message)
        self.message = message
        self.kind = kind


class ModelRetry(Exception):
    """The model's tool call was invalid; tell the model what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove every registered secret, `secrets`, and anything shaped like an API key."""
    return redact(text, secrets)
