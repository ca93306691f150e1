"""Backoff for rate limits (429), shared by chat and images: how long to wait, and what the
provider said about it (``Retry-After``)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import litellm
import openai
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

RATE_LIMITED = (litellm.RateLimitError, openai.RateLimitError)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for 429s: attempts in all, first delay, cap; a Retry-After header wins."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        jitter = random.uniform(0.8, 1.2)
        return min(self.base_delay * (2**attempt) * jitter, self.max_delay)

    def retrying(self, sleep: Sleep) -> AsyncRetrying:
        """tenacity's loop for this policy: retry rate limits only, re-raise the last one."""

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return self.delay(state.attempt_number - 1, retry_after(exc) if exc else None)

        return AsyncRetrying(
            retry=retry_if_exception_type(RATE_LIMITED),
            stop=stop_after_attempt(self.attempts),
            wait=wait,
            sleep=sleep,
            reraise=True,
        )


def retry_after(exc: BaseException) -> float | None:
    """Seconds the provider asked us to wait, from its headers (None when it did not say)."""
    # litellm 1.110 keeps the provider's headers on the exception, its `response` has none
    headers: Any = getattr(exc, "litellm_response_headers", None) or getattr(
        getattr(exc, "response", None), "headers", None
    )
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value:
            try:
                return float(value) * scale
            except ValueError:
                continue
    return None
