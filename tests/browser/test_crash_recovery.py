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
    env = provider_env(provider, *ADMIN)
    with running_app(data_dir, "crash", **env) as running:
        yield running


def db_check(data_dir: Path) -> tuple[str, list[tuple]]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        broken_keys = db.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, broken_keys


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
