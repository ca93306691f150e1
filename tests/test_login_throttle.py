"""Failed sign-ins counted per account and per address with `limits` (memory storage)."""

from __future__ import annotations

import asyncio

import pytest

from imagechat.login_throttle import LoginThrottle
from imagechat.settings import Settings


async def test_failures_fill_the_account_window_and_checks_do_not_count() -> None:
    throttle = LoginThrottle("3 per 1 minute", "100 per 1 minute")
    for _ in range(10):
        assert await throttle.check("carol", "10.0.0.1") is None  # checking costs nothing
    for _ in range(3):
        await throttle.failed("carol", "10.0.0.1")
    refused = await throttle.check("carol", "10.0.0.1")
    assert refused is not None and refused.scope == "account"
    assert 0 < refused.retry_after <= 60
    # The account is refused from any address, under any spelling of its name...
    assert await throttle.check(" Carol", "10.9.9.9") is not None
    # ...and nobody else is.
    assert await throttle.check("dave", "10.0.0.1") is None


async def test_failures_fill_the_address_window() -> None:
    throttle = LoginThrottle("100 per 1 minute", "4 per 1 minute")
    for name in ("a", "b", "c", "d"):
        await throttle.failed(name, "10.0.0.2")
    refused = await throttle.check("someone-else", "10.0.0.2")
    assert refused is not None and refused.scope == "address"
    assert await throttle.check("someone-else", "10.0.0.3") is None


async def test_the_window_passes() -> None:
    throttle = LoginThrottle("2 per 2 seconds", "100 per 1 minute")
    await throttle.failed("erin", "10.0.0.4")
    await throttle.failed("erin", "10.0.0.4")
    assert await throttle.check("erin", "10.0.0.4") is not None
    await asyncio.sleep(2.5)
    assert await throttle.check("erin", "10.0.0.4") is None


def test_limits_come_from_settings_and_bad_ones_are_named() -> None:
    throttle = LoginThrottle.from_settings(
        Settings(imagechat_login_limit_account="5 per 10 minutes")
    )
    assert (throttle.per_account.amount, throttle.per_account.get_expiry()) == (5, 600)
    assert (throttle.per_address.amount, throttle.per_address.get_expiry()) == (30, 900)
    with pytest.raises(ValueError, match="IMAGECHAT_LOGIN_LIMIT_ADDRESS"):
        LoginThrottle(per_address="lots")
