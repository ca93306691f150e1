"""The server killed (SIGKILL) in the middle of a streamed answer: after a restart the
conversation's earlier turns are all there, in order, and the SQLite database is sound."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ADMIN = ("alice", "correct horse battery staple")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    # a running generation beats every second: one silent for 3 s counts as interrupted
    env = provider_env(provider, *ADMIN, IMAGECHAT_GENERATION_HEARTBEAT="1")
    with running_app(data_dir, "crash", **env) as running:
        yield running


def db_check(data_dir: Path) -> tuple[str, list[tuple]]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        broken_keys = db.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, broken_keys


def db_rows(data_dir: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        return db.execute(sql, args).fetchall()


def stored_messages(data_dir: Path, thread_id: str) -> list[str]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        rows = db.execute(
            "SELECT output FROM steps WHERE thread_id = ? AND type IN "
            "('user_message', 'assistant_message') ORDER BY created_at, start, id",
            (thread_id,),
        ).fetchall()
    return [r[0] for r in rows]


def test_sigkill_during_a_streamed_answer(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = ChatPage(page, app.url).login(*ADMIN)
    name = "Tell me about tides"
    transcript: list[str] = []
    for question in (name, "Why are there two a day?"):
        chat.ask(question, f"Fake reply to: {question}")
        transcript += [question, f"Fake reply to: {question}"]
    thread_id = chat.thread_id()

    # A long, slow answer; kill the server once some of it is on the page.
    killed_question = "Now write a very long essay"
    provider.set_stream_delay(0.2)
    provider.queue_text(" ".join(f"token{i}" for i in range(300)))
    chat.send(killed_question)
    expect(chat.assistant_messages().last).to_contain_text("token3", timeout=20_000)
    app.stop(signal.SIGKILL)
    assert app.proc is not None and app.proc.returncode == -signal.SIGKILL
    provider.set_stream_delay(0)

    assert db_check(data_dir) == ("ok", [])
    stored = stored_messages(data_dir, thread_id)
    assert stored[: len(transcript)] == transcript

    app.start()
    assert db_check(data_dir) == ("ok", [])
    page.context.clear_cookies()
    chat = ChatPage(page, app.url).login(*ADMIN)
    assert chat.open_thread(name) == thread_id
    shown = chat.messages()
    expect(shown.nth(len(transcript) - 1)).to_have_text(transcript[-1])
    texts = [t.strip() for t in shown.all_inner_texts()]
    assert texts[: len(transcript)] == transcript
    # Whatever survived of the killed turn comes after them, in order: the question, then at
    # most a partial answer.
    rest = texts[len(transcript) :]
    assert rest in ([], [killed_question]) or (
        len(rest) == 2 and rest[0] == killed_question and rest[1].startswith("token0")
    ), rest
    chat.messages().first.scroll_into_view_if_needed()
    chat.screenshot("crash-recovered")

    # The conversation goes on, with its earlier turns as context.
    chat.ask("Are you back?", "Fake reply to: Are you back?")
    sent = [
        m["content"]
        for m in provider.last_chat_request()["messages"]
        if m["role"] in ("user", "assistant")
    ]
    assert sent[: len(transcript)] == transcript
    assert sent[-1] == "Are you back?"
    assert db_check(data_dir) == ("ok", [])


def test_sigkill_during_an_image_generation_then_retry(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    """Killed while 2 images are being made: after the restart the gallery shows them as
    interrupted (no spinner forever) with Retry, and Retry makes them."""
    provider.reset()
    chat = ChatPage(page, app.url).login(*ADMIN)
    chat.set_image_creation(True, image_model="GPT Image 2")
    provider.hang("images", times=None)
    provider.queue_tool_call("generate_image", {"prompt": "a lighthouse in a storm", "n": 2})
    chat.send("two lighthouses in a storm")
    tiles = page.locator('[data-testid="image-thumbnail"]')
    expect(tiles.and_(page.locator('[data-status="pending"]'))).to_have_count(2, timeout=30_000)
    thread_id = chat.thread_id()
    for _ in range(60):  # the gallery is stored (Chainlit writes it in the background)
        if db_rows(data_dir, "SELECT id FROM elements WHERE thread_id = ?", thread_id):
            break
        page.wait_for_timeout(250)
    app.stop(signal.SIGKILL)
    provider.clear_faults()
    provider.release_hangs()

    app.start()
    assert db_check(data_dir) == ("ok", [])
    page.context.clear_cookies()
    chat = ChatPage(page, app.url).login(*ADMIN)
    chat.open(f"/thread/{thread_id}")
    interrupted = tiles.and_(page.locator('[data-status="interrupted"]'))
    expect(interrupted).to_have_count(2, timeout=20_000)
    expect(tiles.and_(page.locator('[data-status="pending"]'))).to_have_count(0)
    notice = page.get_by_test_id("image-interrupted")
    expect(notice).to_contain_text("Interrupted — ImageChat stopped before this image was made.")
    expect(page.get_by_text("0 of 2 images made before ImageChat stopped.")).to_be_visible()
    chat.screenshot("crash-interrupted-generation")

    notice.get_by_test_id("image-retry").click()
    ready = '[data-testid="image-thumbnail"][data-status="ready"]'
    expect(page.locator(ready)).to_have_count(2, timeout=30_000)
    expect(page.get_by_test_id("image-retry")).to_have_count(0)  # the old gallery is settled
    sent = [r.json for r in provider.requests_to("/v1/images/generations")]
    retried = sent[-2:]
    assert all(
        b["prompt"] == "a lighthouse in a storm" and b["model"] == "gpt-image-2" for b in retried
    )
    chat.screenshot("crash-interrupted-retried")
    # and after another reload nothing is pending or interrupted any more but the old tiles
    page.reload()
    chat.wait_ready()
    expect(page.locator(ready)).to_have_count(2, timeout=20_000)
    expect(tiles.and_(page.locator('[data-status="pending"]'))).to_have_count(0)
