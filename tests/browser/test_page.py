"""The page itself in a real browser: nothing is loaded from other sites (fonts are the app's
own, KaTeX only with LaTeX on), the theme follows the system, the gear is "Internal tools"
everywhere, and the sidebar speaks of conversations whose titles are plain text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ALICE = ("alice", "correct horse battery staple")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(provider, *ALICE)
    with running_app(tmp_path_factory.mktemp("page"), "page", **env) as running:
        yield running


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_loads_nothing_from_elsewhere_and_follows_the_system_theme(
    browser: Browser, app: AppProcess, scheme: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(15_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        chat = ChatPage(page, app.url).login(*ALICE)
        page.reload()
        chat.wait_ready()
        page.evaluate("document.fonts.ready.then(() => true)")
        hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
        assert hosts == {"127.0.0.1"}, sorted(u for u in requested if "127.0.0.1" not in u)
        # Inter comes from the app itself, and the page uses it
        assert any("/public/fonts/files/inter-latin-400-normal.woff2" in u for u in requested)
        assert page.evaluate("document.fonts.check('16px Inter')")
        html = page.locator("html")
        expect(html).to_have_class(re.compile(rf"(^|\s){scheme}(\s|$)"))
        other = "dark" if scheme == "light" else "light"
        expect(html).not_to_have_class(re.compile(rf"(^|\s){other}(\s|$)"))
    finally:
        context.close()


def test_the_gear_is_internal_tools_and_titles_are_plain_conversations(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = ChatPage(page, app.url).login(*ALICE)
    gear = page.locator("#chat-settings-open-modal")
    expect(gear).to_have_attribute("aria-label", "Internal tools")
    expect(page.get_by_role("button", name="Internal tools")).to_have_count(1)
    gear.hover()
    expect(page.get_by_role("tooltip")).to_have_text("Internal tools")
    gear.click()
    dialog = page.locator("#chat-settings")
    expect(dialog.locator("h2").first).to_have_text("Internal tools")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    markdown = "# **Bold** ideas for a [poster](https://example.org/poster)"
    chat.ask(markdown, "Fake reply to:")
    title = "Bold ideas for a poster"
    expect(chat.sidebar_thread(title)).to_have_count(1)
    page.reload()
    chat.wait_ready()
    expect(chat.sidebar_thread(title)).to_have_count(1)
    expect(page.locator("#thread-history")).not_to_contain_text("**")

    chat.thread_menu(title, "Rename")
    rename = page.get_by_role("dialog")
    expect(rename).to_contain_text("Rename conversation")
    expect(rename).to_contain_text("Enter a new name for this conversation")
    expect(rename).not_to_contain_text(re.compile("thread", re.I))
    rename.locator("input#name").fill("Poster ideas")
    rename.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("Conversation renamed", exact=True)).to_be_visible()
    expect(chat.sidebar_thread("Poster ideas")).to_have_count(1)
    page.locator("#search-chats-button").click()
    page.get_by_placeholder("Search conversations...").fill("no such words anywhere")
    search = page.get_by_role("dialog")
    expect(search).to_contain_text("No conversations found")
    expect(search).not_to_contain_text(re.compile("thread", re.I))
