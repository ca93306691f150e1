"""Partial-image streaming behind one interface, whoever the provider is.

A streamer makes ONE image for a request and yields its partial images as they sharpen, then the
final image. The OpenAI SDK streams GPT Image models (litellm's Images streaming does not work:
BerriAI/litellm #19569); the offline demo streams its own drawings. Providers register a streamer
by their catalog provider name; the generator uses it where the model's rules allow partial
images and falls back to plain requests otherwise.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class PartialImage:
    """A preview: base64 image bytes and its 0-based index among the partial images."""

    b64_json: str
    index: int


@dataclass(frozen=True)
class FinalImage:
    """The finished image, with the usage the provider reported (for litellm's cost)."""

    b64_json: str
    usage: dict[str, Any] | None = None
    revised_prompt: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


StreamEvent = PartialImage | FinalImage


@dataclass(frozen=True)
class StreamRequest:
    """One image to stream: the planned request's keyword arguments (n is 1), where to send it,
    and, for an edit, the source images and mask."""

    model: str  # the provider's model name (litellm's name without its provider prefix)
    kwargs: dict[str, Any]
    partial_images: int
    api_base: str | None = None
    api_key: str | None = None
    timeout: float = 120.0
    sources: list[bytes] = field(default_factory=list)
    mask: bytes | None = None


class Streamer(Protocol):
    def __call__(self, request: StreamRequest) -> AsyncIterator[StreamEvent]: ...


_STREAMERS: dict[str, Streamer] = {}


def register_streamer(provider: str) -> Callable[[Streamer], Streamer]:
    def add(streamer: Streamer) -> Streamer:
        _STREAMERS[provider] = streamer
        return streamer

    return add


def streamer_for(provider: str) -> Streamer | None:
    return _STREAMERS.get(provider)
