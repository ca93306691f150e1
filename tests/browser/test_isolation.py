"""One user's conversations are invisible and untouchable for another: sidebar, direct link,
Chainlit's HTTP thread routes, and the websocket (resuming someone else's thread)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from tests.apprunner import AppProcess, add_user, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ALICE = ("alice", "correct horse battery staple")
BOB = ("bob", "bob's own password")
ALICE_TEXT = "Alice's secret walrus plan"
BOB_TEXT = "Bob's note about pelicans"
THREAD_REFUSED = "Authorization for the thread failed."  # chainlit.socket.connect logs this


@dataclass(frozen=True)
class Thread:
    id: str
    name: str


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("isolation")
    # Bob is an ordinary user, added with the CLI (password on stdin) before the app starts.
    add_user(path, *BOB)
    return path


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(provider, *ALICE)
    with running_app(data_dir, "isolation", **env) as running:
        yield running


def query(data_dir: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        return db.execute(sql, args).fetchall()


def snapshot(data_dir: Path, thread_id: str) -> tuple[list[tuple], list[tuple]]:
    """Alice's thread as the database holds it: (thread row, its steps)."""
    thread = query(
        data_dir, "SELECT id, name, user_id, metadata FROM threads WHERE id = ?", thread_id
    )
    steps = query(
        data_dir, "SELECT id, type, output FROM steps WHERE thread_id = ? ORDER BY id", thread_id
    )
    return thread, steps


def logged_in(browser: Browser, app: AppProcess, user: tuple[str, str]) -> tuple[Any, ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, ChatPage(page, app.url).login(*user)


def access_token(context: Any) -> str:
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    return cookies["access_token"]


@pytest.fixture(scope="module")
def alice(browser: Browser, app: AppProcess) -> Iterator[tuple[Thread, str]]:
    """Alice's conversation, and Alice's auth token."""
    context, chat = logged_in(browser, app, ALICE)
    try:
        chat.ask(ALICE_TEXT, f"Fake reply to: {ALICE_TEXT}")
        thread = Thread(chat.thread_id(), ALICE_TEXT)
        expect(chat.sidebar_thread(ALICE_TEXT)).to_have_count(1)
        yield thread, access_token(context)
    finally:
        context.close()


@pytest.fixture(scope="module")
def bob(browser: Browser, app: AppProcess) -> Iterator[tuple[ChatPage, str]]:
    """Bob logged in, with a conversation of his own; and Bob's auth token."""
    context, chat = logged_in(browser, app, BOB)
    try:
        chat.ask(BOB_TEXT, f"Fake reply to: {BOB_TEXT}")
        expect(chat.sidebar_thread(BOB_TEXT)).to_have_count(1)
        yield chat, access_token(context)
    finally:
        context.close()


def test_sidebar_search_and_direct_link_show_nothing_of_alice(
    alice: tuple[Thread, str], bob: tuple[ChatPage, str], data_dir: Path
) -> None:
    thread, _ = alice
    chat, _ = bob
    page: Page = chat.page
    before = snapshot(data_dir, thread.id)
    assert before[1], "Alice's thread has messages"

    expect(chat.sidebar_threads()).to_have_count(1)  # his own only
    expect(chat.sidebar_thread(ALICE_TEXT)).to_have_count(0)
    expect(chat.search_threads("walrus")).to_have_count(0)
    page.keyboard.press("Escape")

    page.goto(f"{chat.base_url}/thread/{thread.id}")
    # Chainlit refuses the socket for someone else's thread: the page says it cannot reach the
    # server (or, when the client retries without the thread, it starts a new empty chat).
    refused = page.get_by_text("Could not reach the server")
    expect(refused.or_(page.locator("#mode-picker-trigger-model"))).to_be_visible()
    expect(page.get_by_text("walrus")).to_have_count(0)
    expect(chat.messages()).to_have_count(0)
    expect(chat.sidebar_thread(ALICE_TEXT)).to_have_count(0)

    # Bob cannot write into Alice's thread from there.
    if refused.is_visible():
        # No session: the composer takes text but cannot send it.
        page.locator("#chat-input").fill("Bob writing into Alice's thread")
        page.keyboard.press("Enter")
        expect(page.locator("#chat-submit")).to_be_disabled()
        expect(chat.user_messages()).to_have_count(0)
    else:
        chat.ask("Bob writing here", "Fake reply to: Bob writing here")
        assert chat.thread_id() != thread.id
    chat.screenshot("isolation-foreign-thread")
    assert snapshot(data_dir, thread.id) == before
    assert not query(
        data_dir, "SELECT id FROM steps WHERE output LIKE ? AND thread_id = ?", "%Bob%", thread.id
    )


def test_http_thread_routes_refuse_another_users_thread(
    app: AppProcess, alice: tuple[Thread, str], bob: tuple[ChatPage, str], data_dir: Path
) -> None:
    thread, alice_token = alice
    _, bob_token = bob
    before = snapshot(data_dir, thread.id)
    as_bob = httpx.Client(base_url=app.url, cookies={"access_token": bob_token}, timeout=10)
    as_alice = httpx.Client(base_url=app.url, cookies={"access_token": alice_token}, timeout=10)
    with as_bob, as_alice:
        # Control: the same routes work for the owner, so the cookie is what they go by.
        assert as_alice.get(f"/project/thread/{thread.id}").status_code == 200

        read = as_bob.get(f"/project/thread/{thread.id}")
        rename = as_bob.put("/project/thread", json={"threadId": thread.id, "name": "pwned"})
        delete = as_bob.request("DELETE", "/project/thread", json={"threadId": thread.id})
        missing = as_bob.get(f"/project/thread/{uuid.uuid4()}")
        statuses = {
            "GET": read.status_code,
            "PUT": rename.status_code,
            "DELETE": delete.status_code,
            "GET missing": missing.status_code,
        }
        print("statuses for Bob on Alice's thread:", statuses)
        # another user's thread answers exactly like one that does not exist
        for response in (read, rename, delete):
            assert response.status_code == 404, response.text
            assert response.text == missing.text
            assert "walrus" not in response.text
        assert missing.status_code == 404
    assert snapshot(data_dir, thread.id) == before


async def _connect(url: str, token: str, thread_id: str | None) -> str:
    """Open a Chainlit socket the way the web app does; "connected" or the refusal."""
    client = socketio.AsyncClient(reconnection=False)
    reasons: list[str] = []

    @client.on("connect_error")
    async def on_connect_error(data: Any) -> None:
        reasons.append(data.get("message", str(data)) if isinstance(data, dict) else str(data))

    auth = {
        "clientType": "webapp",
        "sessionId": str(uuid.uuid4()),
        "threadId": thread_id,
        "userEnv": "{}",
        "chatProfile": "",
    }
    try:
        await client.connect(
            url,
            socketio_path="/ws/socket.io",
            headers={"Cookie": f"access_token={token}"},
            auth=auth,
            transports=["websocket"],
            wait_timeout=10,
        )
    except socketio.exceptions.ConnectionError as exc:
        return f"refused: {', '.join(reasons) or exc}"
    await client.disconnect()
    return "connected"


def connect(url: str, token: str, thread_id: str | None) -> str:
    # Playwright's sync API owns this thread's event loop: run the client in another thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _connect(url, token, thread_id)).result(timeout=30)


def test_socket_cannot_resume_another_users_thread(
    app: AppProcess, alice: tuple[Thread, str], bob: tuple[ChatPage, str], data_dir: Path
) -> None:
    thread, alice_token = alice
    _, bob_token = bob
    before = snapshot(data_dir, thread.id)
    # Controls: Bob may open a new session; Alice may resume her own thread.
    assert connect(app.url, bob_token, None) == "connected"
    assert connect(app.url, alice_token, thread.id) == "connected"
    refusals = app.log.count(THREAD_REFUSED)
    outcome = connect(app.url, bob_token, thread.id)
    print("Bob resuming Alice's thread over the socket:", outcome)
    assert outcome.startswith("refused"), outcome
    # Chainlit raises the builtin ConnectionRefusedError, so the client only hears "Connection
    # refused by server"; the reason is in the server's log.
    assert app.log.count(THREAD_REFUSED) == refusals + 1
    assert snapshot(data_dir, thread.id) == before
