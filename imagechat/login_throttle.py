"""Sign-in throttling: failed attempts counted per account and per client address.

Without it, 60 wrong passwords in 14 s cost nothing and the right one still worked. The counts
live in a `limits` storage (``memory://`` by default, one process; ``redis://host:6379`` when
several replicas must share them) with a moving window, so "10 per 15 minutes" means any 15
minutes. Only failures are counted; a check that finds a window full refuses the attempt before
any password hashing happens.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

ACCOUNT_KEY_MAX = 255


def _async_uri(uri: str) -> str:
    """`limits` names its asyncio storages ``async+<scheme>``; accept the plain names too."""
    return uri if uri.startswith("async+") else f"async+{uri}"


def _limit(value: str, setting: str) -> RateLimitItem:
    try:
        return parse(value)
    except ValueError as exc:
        raise ValueError(
            f"{setting}={value!r} is not a rate limit: write e.g. '10 per 15 minutes'"
        ) from exc


@dataclass(frozen=True)
class Throttled:
    """Why an attempt is refused, and how long until one more attempt is allowed."""

    scope: str  # "account" or "address"
    retry_after: int  # seconds


class LoginThrottle:
    """Counts failed sign-ins; ``check`` says whether a new attempt may be tried."""

    def __init__(
        self,
        per_account: str = "10 per 15 minutes",
        per_address: str = "30 per 15 minutes",
        storage_uri: str = "memory://",
    ) -> None:
        self.per_account = _limit(per_account, "IMAGECHAT_LOGIN_LIMIT_ACCOUNT")
        self.per_address = _limit(per_address, "IMAGECHAT_LOGIN_LIMIT_ADDRESS")
        self._limiter = MovingWindowRateLimiter(storage_from_string(_async_uri(storage_uri)))

    @classmethod
    def from_settings(cls, settings: object) -> LoginThrottle:
        return cls(
            settings.imagechat_login_limit_account,  # type: ignore[attr-defined]
            settings.imagechat_login_limit_address,  # type: ignore[attr-defined]
            settings.imagechat_rate_limit_storage,  # type: ignore[attr-defined]
        )

    def _keys(self, account: str, address: str | None) -> list[tuple[RateLimitItem, str, str]]:
        # Names compare without case or surrounding blanks, so "Carol " shares carol's count.
        name = account.strip().lower()[:ACCOUNT_KEY_MAX]
        return [
            (self.per_account, "login-account", name),
            (self.per_address, "login-address", address or "unknown"),
        ]

    async def check(self, account: str, address: str | None) -> Throttled | None:
        """None when an attempt may go ahead; else which window is full and for how long."""
        for item, namespace, key in self._keys(account, address):
            if not await self._limiter.test(item, namespace, key):
                stats = await self._limiter.get_window_stats(item, namespace, key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                return Throttled(namespace.removeprefix("login-"), wait)
        return None

    async def failed(self, account: str, address: str | None) -> None:
        """Count one failed attempt against the account and the address."""
        for item, namespace, key in self._keys(account, address):
            await self._limiter.hit(item, namespace, key)
