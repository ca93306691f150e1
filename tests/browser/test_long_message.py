"""A 2 MB message (over the 1 MB Socket.IO default) is kept and answered with what to do; a
message too large even for the raised limit stays in the composer and the page says why."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from imagechat.history import messages_from_steps
from tests.apprunner import AppProcess, running_app
from tests.browser.chatpage import ChatPage

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("long")


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[AppProcess]:
    with running_app(data_dir, "long-message", **ADMIN) as app:
        yield app


def stored_user_messages(data_dir: Path) -> list[dict[str, Any]]:
    """The user messages as the data layer gives them back on resume."""
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        rows = db.execute(
            "SELECT output, metadata FROM steps WHERE type = 'user_message' ORDER BY rowid"
        ).fetchall()
    return [
        {"type": "user_message", "output": output, "metadata": json.loads(metadata or "{}")}
        for output, metadata in rows
    ]


def test_a_2_mb_message_is_kept_and_answered_with_the_limit(
    page: Page, app: AppProcess, data_dir: Path
) -> None:
    chat = ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])
    text = "pasted " * 300_000  # 2,100,000 characters, about 2 MB
    page.locator("#chat-input").fill(text)
    page.keyboard.press("Enter")
    mine = chat.user_messages().last
    expect(mine).to_contain_text("pasted pasted", timeout=30_000)
    expect(
        page.get_by_text(
            "Your message is too long (2,100,000 characters); the limit is 200,000. "
            "Shorten it or attach it as a file."
        )
    ).to_be_visible(timeout=30_000)
    # the socket lived on: the next message is answered as usual
    chat.wait_idle()
    answers = chat.assistant_messages().count()
    page.locator("#chat-input").fill("Hello!")
    page.keyboard.press("Enter")
    expect(chat.user_messages()).to_have_count(2, timeout=30_000)
    expect(chat.assistant_messages()).to_have_count(answers + 1, timeout=30_000)
    # stored, but never sent to a model: not even after a resume rebuilds the history
    stored = stored_user_messages(data_dir)
    assert [len(m["output"]) for m in stored] == [len(text), len("Hello!")]
    assert messages_from_steps(stored) == [{"role": "user", "content": "Hello!"}]

    # over the socket's 4 MB: not sent, still in the composer, and the page says so
    before = chat.user_messages().count()
    huge = "y" * (4_300_000)
    page.locator("#chat-input").fill(huge)
    page.keyboard.press("Enter")
    notice = page.locator("#imagechat-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("too large to send")
    expect(notice).to_contain_text("still in the message box")
    assert page.locator("#chat-input").input_value() == huge
    expect(chat.user_messages()).to_have_count(before)
