"""Models come and go: a conversation stored on retired models opens on their successors with a
note, and a model near its shutdown carries a badge in the picker and the gear."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lifecycle")


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(provider, ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])
    with running_app(data_dir, "lifecycle", **env) as running:
        yield running


def login(page: Page, app: AppProcess) -> ChatPage:
    return ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])


def store_settings(data_dir: Path, thread_id: str, settings: dict[str, object]) -> None:
    """What an older ImageChat saved for the conversation, written straight into its row."""
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        (raw,) = db.execute("SELECT metadata FROM threads WHERE id = ?", (thread_id,)).fetchone()
        metadata = json.loads(raw) if isinstance(raw, str) and raw else {}
        metadata.setdefault("chat_settings", {}).update(settings)
        db.execute(
            "UPDATE threads SET metadata = ? WHERE id = ?", (json.dumps(metadata), thread_id)
        )
        db.commit()


def test_a_conversation_on_retired_models_moves_to_their_successors_with_a_note(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    chat.ask("hello", "Fake reply to: hello")
    thread_id = chat.thread_id()
    # leave the conversation (Chainlit writes its settings when the socket goes), then store
    # what an older ImageChat could have: gpt-4.1-nano and gpt-image-1, shut down on 2026-10-23
    page.goto("about:blank")
    page.wait_for_timeout(1500)
    store_settings(
        data_dir,
        thread_id,
        {"model": "gpt-4.1-nano", "image_model": "gpt-image-1", "image_creation": True},
    )
    page.goto(f"{app.url}/thread/{thread_id}")
    chat.wait_ready()
    # one toast names both replacements (stacked toasts would hide all but the newest)
    toast = page.get_by_text("GPT-4.1 Nano was retired by its provider on 2026-10-23").first
    expect(toast).to_contain_text("this now uses its successor, GPT-5.6 Luna")
    expect(toast).to_contain_text(
        "GPT Image 1 was retired by its provider on 2026-10-23; this now uses its successor, "
        "GPT Image 2.5 Sunburst"
    )
    chat.screenshot("retired-models-moved")
    expect(page.locator("#mode-picker-trigger-model")).to_contain_text("GPT-5.6 Luna")

    provider.queue_tool_call("generate_image", {"prompt": "a quiet harbour"})
    provider.queue_text("Here it is.")
    chat.send("draw a quiet harbour")
    expect(page.locator('[data-testid="image-thumbnail"][data-status="ready"]')).to_have_count(
        1, timeout=30_000
    )
    chat.wait_idle()
    assert provider.last_chat_request()["model"] == "gpt-5.6-luna"
    (image,) = [r.json for r in provider.requests_to("/v1/images/generations")]
    assert image["model"] == "gpt-image-2.5-sunburst"  # gpt-image-1's successor in the map


def test_a_model_near_its_shutdown_has_a_badge_in_the_picker_and_the_gear(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = login(page, app)
    page.locator("#mode-picker-trigger-model").click()
    badge = page.get_by_role("option").filter(has_text="GPT-4o · ⚠ retires 2027-01-14 → GPT-6 Luna")
    badge.first.scroll_into_view_if_needed()
    expect(badge.first).to_be_visible()
    chat.screenshot("model-picker-deprecation-badge")
    page.keyboard.press("Escape")
    # the current ones carry none
    page.locator("#mode-picker-trigger-model").click()
    expect(page.get_by_role("option").filter(has_text="GPT-5.5").first).not_to_contain_text("⚠")
    page.keyboard.press("Escape")
    chat.open_internal_tools()
    page.locator("#image_model").click()
    options = page.get_by_role("option")
    expect(options.filter(has_text="GPT Image 2.5 Sunburst").first).to_be_visible()
    expect(options.filter(has_text="GPT Image 1")).to_have_count(0)  # retired: never offered
