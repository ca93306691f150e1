"""Playwright driving Debian's Chromium (playwright install cannot download browsers here)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.apprunner import ARTIFACTS
from tests.fakes.openai_server import FakeOpenAI

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Debian's chromium is not installed: run scripts/test.sh, which installs it")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    if rep.failed:
        # What the app servers printed is often the whole story (CI shows only the report).
        for name, text in _recent_app_logs(since=call.start - 5):
            rep.sections.append((f"tail of {name}", text))


def _recent_app_logs(since: float, lines: int = 40) -> list[tuple[str, str]]:
    """The last lines of each app log written to since `since` (a time.time() value)."""
    if not ARTIFACTS.is_dir():
        return []
    logs = [p for p in ARTIFACTS.glob("app-*.log") if p.stat().st_mtime >= since]
    return [
        (p.name, "\n".join(p.read_text(errors="replace").splitlines()[-lines:]))
        for p in sorted(logs, key=lambda p: p.stat().st_mtime)
    ]


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeOpenAI]:
    """A fake OpenAI server shared by the tests of one module (reset it in each test)."""
    with FakeOpenAI() as server:
        yield server
