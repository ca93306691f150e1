"""Agents in a real browser: create one in the editor, chat with it (images without the gear),
save version 2 with Image creation off, and check that the earlier conversation keeps version 1
while a new one gets version 2; another user sees none of it.

The tests of this module run in order and share Alice's page (one story, told in steps).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.apprunner import ARTIFACTS, AppProcess, add_user, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ALICE = ("alice", "correct horse battery staple")
BOB = ("bob", "bob's own password")
THUMBS = '[data-testid="image-thumbnail"][data-status="ready"]'
AGENT = "Poster studio"
V1 = "You design bold event posters. [instructions v1]"
V2 = "You only talk about posters, no pictures. [instructions v2]"
FIRST = "a poster for a jazz night"
TOOLTIP = "Enable AI-powered image generation capabilities"

STATE: dict[str, Any] = {}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("agents")
    add_user(path, *BOB)
    return path


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(provider, *ALICE)
    with running_app(data_dir, "agents", **env) as running:
        yield running


def new_page(browser: Browser, theme: str = "light", height: int = 900) -> tuple[Any, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": height}, color_scheme=theme)
    context.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture(scope="module")
def alice(browser: Browser, app: AppProcess) -> Iterator[ChatPage]:
    context, page = new_page(browser)
    try:
        yield ChatPage(page, app.url).login(*ALICE)
    finally:
        context.close()


def query(data_dir: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        return db.execute(sql, args).fetchall()


# ---- what a person does --------------------------------------------------------------------


def test_agents_in_a_new_conversation_leave_no_untitled_conversation(
    browser: Browser, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    carol = ("carol", "carol's own password")
    add_user(data_dir, *carol)

    def carols_threads() -> list[str]:
        sql = "SELECT t.name FROM threads t JOIN users u ON u.id = t.user_id WHERE u.identifier = ?"
        return [name for (name,) in query(data_dir, sql, carol[0])]

    context, page = new_page(browser)
    try:
        chat = ChatPage(page, app.url).login(*carol)
        open_agents(chat)
        # the command alone is not a conversation (its thread is removed as the editor opens)
        for _ in range(50):
            if carols_threads() == []:
                break
            page.wait_for_timeout(200)
        assert carols_threads() == []
        question = "What can agents do?"
        chat.ask(question, f"Fake reply to: {question}")
        assert carols_threads() == [question]  # the next message starts it, named after itself
        expect(chat.sidebar_thread(question)).to_have_count(1)  # listed at once
        expect(page).to_have_url(re.compile(r"/thread/[0-9a-f-]{36}$"))
        page.reload()
        chat.wait_ready()
        expect(chat.sidebar_threads()).to_have_count(1)
        chat.open_thread(question)
        expect(chat.messages()).to_have_text([question, f"Fake reply to: {question}"])
    finally:
        context.close()


def test_start_a_conversation_in_the_editor_leaves_no_untitled_conversation(
    browser: Browser, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    """Each "Start a conversation" reloads the page: nothing may be saved into the conversation
    the editor was opened in (Chainlit saves a session's metadata at disconnect)."""
    provider.reset()
    dave = ("dave", "dave's own password")
    add_user(data_dir, *dave)

    def daves_threads() -> list[str | None]:
        sql = "SELECT t.name FROM threads t JOIN users u ON u.id = t.user_id WHERE u.identifier = ?"
        return [name for (name,) in query(data_dir, sql, dave[0])]

    context, page = new_page(browser)
    try:
        chat = ChatPage(page, app.url).login(*dave)
        for _ in range(3):
            open_agents(chat)
            page.get_by_test_id("agent-row").filter(has_text="Visual designer").click()
            with page.expect_navigation():
                page.get_by_test_id("agent-start").click()
            chat.wait_ready()
            expect(current_agent(chat)).to_contain_text("Visual designer")
        page.reload()  # the last session ends too (its disconnect is what wrote the thread)
        chat.wait_ready()
        for _ in range(10):  # and stays so while the server handles the disconnects
            assert daves_threads() == []
            page.wait_for_timeout(200)
        expect(chat.sidebar_threads()).to_have_count(0)
        question = "Which colours suit a poster?"
        chat.ask(question, f"Fake reply to: {question}")
        assert daves_threads() == [question]
        expect(chat.sidebar_thread(question)).to_have_count(1)
        expect(chat.sidebar_threads()).to_have_count(1)
    finally:
        context.close()


def open_agents(chat: ChatPage) -> Locator:
    """Type /agents, pick the command from the suggestions, send it."""
    box = chat.page.locator("#chat-input")
    box.fill("/agents")
    suggestion = chat.page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    suggestion.filter(has_text="Create or edit your agents").click()
    expect(box).to_have_value("")
    box.press("Enter")
    editor = chat.page.get_by_test_id("agent-editor")
    expect(editor).to_be_visible()
    chat.wait_idle()
    return editor


def choose(page: Page, test_id: str, option: str) -> None:
    page.get_by_test_id(test_id).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_test_id(test_id)).to_contain_text(option)


def save(page: Page, version: int) -> None:
    page.get_by_test_id("agent-save").click()
    expect(page.get_by_text(f"Agent saved (version {version})")).to_be_visible()
    expect(page.get_by_test_id("agent-version")).to_contain_text(f"Version {version}")


def current_agent(chat: ChatPage) -> Locator:
    return chat.page.locator("#chat-profiles")


def chat_requests(provider: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in provider.requests_to("chat")]


def system_prompt(body: dict[str, Any]) -> str:
    return body["messages"][0]["content"]


# ---- the story ------------------------------------------------------------------------------


def test_create_an_agent_with_image_creation_and_get_an_image_without_the_gear(
    alice: ChatPage, provider: FakeOpenAI
) -> None:
    provider.reset()
    page = alice.page
    editor = open_agents(alice)
    editor.get_by_test_id("agent-new").click()
    page.get_by_test_id("agent-name").fill(AGENT)
    page.get_by_test_id("agent-description").fill("Bold posters for events and shows.")
    page.get_by_test_id("agent-instructions").fill(V1)
    choose(page, "agent-model", "GPT-5.5")

    # TOOLKITS ends with Image creation: a switch and an info icon with the tooltip
    toolkit = page.get_by_test_id("agent-toolkit-image-creation")
    expect(toolkit).to_contain_text("Image creation")
    switch = page.get_by_test_id("agent-image-creation")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    page.get_by_test_id("agent-image-creation-info").hover()
    expect(page.get_by_role("tooltip").filter(has_text=TOOLTIP)).to_be_visible()
    choose(page, "agent-image-model", "GPT Image 2")
    choose(page, "agent-size", "1536 × 1024")
    save(page, 1)

    # Start a conversation with it: the page reloads with the agent picked at the top
    with page.expect_navigation():
        page.get_by_test_id("agent-start").click()
    alice.wait_ready()
    expect(current_agent(alice)).to_contain_text(AGENT)
    expect(page.get_by_test_id("agent-editor")).to_have_count(0)

    provider.queue_tool_call("generate_image", {"prompt": "A jazz night poster, neon lights"})
    provider.queue_text("Here is your jazz poster.")
    alice.send(FIRST)
    expect(page.locator(THUMBS)).to_have_count(1, timeout=30_000)
    expect(alice.assistant_messages().filter(has_text="Here is your jazz poster.")).to_be_visible()
    alice.wait_idle()

    first = chat_requests(provider)[0]
    assert first["model"] == "gpt-5.5"
    assert "generate_image" in [t["function"]["name"] for t in first["tools"]]
    assert system_prompt(first).startswith(V1)
    (image,) = [r.json for r in provider.requests_to("/v1/images/generations")]
    assert image["model"] == "gpt-image-2"
    assert image["size"] == "1536x1024"  # the agent's default: the LLM gave no size
    STATE["thread_1"] = alice.thread_id()


def test_version_2_without_image_creation_leaves_the_earlier_conversation_as_it_was(
    alice: ChatPage, provider: FakeOpenAI
) -> None:
    assert "thread_1" in STATE, "needs the conversation of the previous test"
    page = alice.page
    alice.new_chat()
    open_agents(alice)
    page.get_by_test_id("agent-row").filter(has_text=AGENT).click()
    switch = page.get_by_test_id("agent-image-creation")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    page.get_by_test_id("agent-instructions").fill(V2)
    save(page, 2)

    # The earlier conversation, resumed, still runs version 1: images, v1 instructions
    provider.reset()
    assert alice.open_thread(FIRST) == STATE["thread_1"]
    expect(page.locator(THUMBS)).to_have_count(1, timeout=20_000)
    provider.queue_tool_call("generate_image", {"prompt": "The same poster, in blue"})
    provider.queue_text("A blue version.")
    alice.send("the same, in blue")
    expect(page.locator(THUMBS)).to_have_count(2, timeout=30_000)
    alice.wait_idle()
    resumed = chat_requests(provider)[0]
    assert resumed["tools"][0]["function"]["name"] == "generate_image"
    assert system_prompt(resumed).startswith(V1) and V2 not in system_prompt(resumed)

    # A new conversation with the agent gets version 2: no tool offered
    provider.reset()
    alice.new_chat()
    expect(current_agent(alice)).to_contain_text(AGENT)
    provider.queue_text("Posters are about hierarchy and contrast.")
    alice.ask("tell me about posters", "Posters are about hierarchy and contrast.")
    fresh = chat_requests(provider)[0]
    assert not fresh.get("tools")
    assert system_prompt(fresh).startswith(V2)
    assert not alice.image_creation_is_on()
    STATE["thread_2"] = alice.thread_id()


def test_the_database_holds_both_versions_and_bob_sees_neither(
    browser: Browser, app: AppProcess, data_dir: Path
) -> None:
    assert "thread_2" in STATE, "needs the conversations of the previous tests"
    rows = query(
        data_dir,
        "SELECT a.id, u.identifier, v.version, v.spec, v.metadata FROM agents a "
        "JOIN users u ON u.id = a.user_id JOIN agent_versions v ON v.agent_id = a.id "
        "WHERE a.name = ? ORDER BY v.version",
        AGENT,
    )
    assert [(r[1], r[2]) for r in rows] == [("alice", 1), ("alice", 2)]
    metadata = [json.loads(r[4]) for r in rows]
    assert [m["internal_tools"]["image_creation"]["enabled"] for m in metadata] == [True, False]
    assert [json.loads(r[3])["instructions"] for r in rows] == [V1, V2]
    agent_id = rows[0][0]

    # each conversation recorded the agent version it started with
    for thread, version in ((STATE["thread_1"], 1), (STATE["thread_2"], 2)):
        (raw,) = query(data_dir, "SELECT metadata FROM threads WHERE id = ?", thread)[0]
        recorded = json.loads(raw)["chat_settings"]["agent"]
        assert recorded["ref"] == f"agent:{agent_id}" and recorded["version"] == version

    context, page = new_page(browser)
    try:
        bob = ChatPage(page, app.url).login(*BOB)
        # the agent picker lists the presets, not Alice's agent
        bob.page.locator("#chat-profiles").click()
        options = page.get_by_role("option")
        expect(options.filter(has_text="Visual designer")).to_have_count(1)
        expect(options.filter(has_text=AGENT)).to_have_count(0)
        options.filter(has_text="No agent").click()  # the current one: closes the menu
        expect(options).to_have_count(0)
        # nor does the editor
        open_agents(bob)
        expect(page.get_by_test_id("agent-row").filter(has_text="Diagram maker")).to_have_count(1)
        expect(page.get_by_test_id("agent-row").filter(has_text=AGENT)).to_have_count(0)
        # a preset cannot be changed, only duplicated: the copy is Bob's own
        page.get_by_test_id("agent-row").filter(has_text="Visual designer").click()
        expect(page.get_by_test_id("agent-save")).to_have_count(0)
        expect(page.get_by_test_id("agent-image-creation")).to_be_disabled()
        page.get_by_test_id("agent-duplicate").click()
        expect(page.get_by_text("Duplicated as “Visual designer (copy)”")).to_be_visible()
        expect(page.get_by_test_id("agent-version")).to_contain_text("Version 1")
        owners = query(
            data_dir,
            "SELECT u.identifier FROM agents a JOIN users u ON u.id = a.user_id WHERE a.name = ?",
            "Visual designer (copy)",
        )
        assert owners == [("bob",)]
        # nor the HTTP API behind the picker, even when asked for the agent by its id
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        with httpx.Client(base_url=app.url, cookies=cookies, timeout=10) as http:
            settings = http.get(
                "/project/settings", params={"chat_profile": f"agent:{agent_id}"}
            ).json()
        names = [(p["name"], p.get("display_name")) for p in settings["chatProfiles"]]
        assert names and all(AGENT not in (n or "") for pair in names for n in pair)
        assert all(agent_id not in n for n, _ in names)
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_editor_screenshots(browser: Browser, app: AppProcess, theme: str) -> None:
    context, page = new_page(browser, theme, height=1700)  # tall: the whole form in one shot
    settle = 400  # let fades and slides finish before a screenshot (no assertion on time)
    try:
        chat = ChatPage(page, app.url).login(*ALICE)
        open_agents(chat)
        page.get_by_test_id("agent-row").filter(has_text=AGENT).click()
        page.get_by_test_id("agent-image-creation").click()  # on again (not saved)
        page.get_by_test_id("agent-heading").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.wait_for_timeout(settle)
        page.screenshot(path=str(ARTIFACTS / f"agent-editor-{theme}.png"))
        page.get_by_test_id("agent-image-creation-info").hover()
        expect(page.get_by_role("tooltip").filter(has_text=TOOLTIP)).to_be_visible()
        page.wait_for_timeout(settle)
        page.get_by_test_id("agent-editor").screenshot(
            path=str(ARTIFACTS / f"agent-editor-toolkits-{theme}.png")
        )
        page.on("dialog", lambda dialog: dialog.accept())  # "Discard your unsaved changes?"
        page.get_by_test_id("agent-back").click()
        expect(page.get_by_test_id("agent-list")).to_be_visible()
        page.wait_for_timeout(settle)
        page.screenshot(path=str(ARTIFACTS / f"agent-list-{theme}.png"))
        page.locator("#chat-profiles").click()
        expect(page.get_by_role("option").filter(has_text=AGENT)).to_have_count(1)
        page.get_by_role("option").filter(has_text=AGENT).hover()
        page.wait_for_timeout(settle)
        page.screenshot(path=str(ARTIFACTS / f"agent-picker-{theme}.png"))
    finally:
        context.close()
