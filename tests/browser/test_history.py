"""Conversation history in a real browser: resume after reload and restart (messages, model,
Internal tools, LLM context), sidebar search / rename / delete, deleting one message, and the
login page with an OAuth provider configured."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ASSISTANT, ChatPage
from tests.fakes.openai_server import FakeOpenAI

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}
DEFAULT_MODEL = "GPT-6 Astra"
SWITCHED_MODEL = "GPT-5.5"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history")


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(
        provider,
        ADMIN["ADMIN_USERNAME"],
        ADMIN["ADMIN_PASSWORD"],
        IMAGECHAT_LLM_TIMEOUT="5",
        IMAGECHAT_UNDO_SECONDS="6",  # short: the purge after the window is tested too
    )
    with running_app(data_dir, "history", **env) as running:
        yield running


def login(page: Page, app: AppProcess) -> ChatPage:
    return ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])


def query(data_dir: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        return db.execute(sql, args).fetchall()


def stored_messages(data_dir: Path, thread_id: str) -> list[str]:
    rows = query(
        data_dir,
        "SELECT output FROM steps WHERE thread_id = ? AND type IN "
        "('user_message', 'assistant_message') ORDER BY created_at, start, id",
        thread_id,
    )
    return [r[0] for r in rows]


def conversation(body: dict) -> list[str]:
    """The user/assistant turns an LLM request carried (system prompt and tools left out)."""
    return [m["content"] for m in body["messages"] if m["role"] in ("user", "assistant")]


def offered_tools(body: dict) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools") or []]


def hold(chat: ChatPage, *questions: str) -> list[str]:
    """Ask each question (the fake provider echoes it); returns the expected transcript."""
    transcript: list[str] = []
    for question in questions:
        chat.ask(question, f"Fake reply to: {question}")
        transcript += [question, f"Fake reply to: {question}"]
    return transcript


def expect_resumed(chat: ChatPage, transcript: list[str]) -> None:
    """Every message in order, the switched model in the picker, Image creation on."""
    expect(chat.messages()).to_have_text(transcript)
    expect(chat.page.locator("#mode-picker-trigger-model")).to_contain_text(SWITCHED_MODEL)
    assert chat.image_creation_is_on()


def expect_defaults(chat: ChatPage) -> None:
    expect(chat.messages()).to_have_count(0)
    expect(chat.page.locator("#mode-picker-trigger-model")).to_contain_text(DEFAULT_MODEL)
    assert not chat.image_creation_is_on()


def test_conversation_resumes_after_reload_and_restart(
    page: Page, browser: Browser, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    name = "Plan a weekend in Lisbon"
    transcript = hold(chat, name, "What should we eat there?")
    thread_id = chat.thread_id()
    chat.pick_model(SWITCHED_MODEL)
    transcript += hold(chat, "And the weather in May?")
    assert provider.last_chat_request()["model"] == "gpt-5.5"
    chat.set_image_creation(True)

    # Reload: the page comes back on the conversation, as it was.
    page.reload()
    chat.wait_ready()
    expect_resumed(chat, transcript)
    # A new conversation has the defaults; opening ours from the sidebar restores it again.
    chat.new_chat()
    expect_defaults(chat)
    expect(chat.sidebar_thread(name)).to_have_count(1)
    chat.screenshot("history-sidebar")
    assert chat.open_thread(name) == thread_id
    expect_resumed(chat, transcript)
    chat.messages().first.scroll_into_view_if_needed()
    chat.screenshot("history-resumed")

    # The next answer uses the restored model, tools and context.
    transcript += hold(chat, "Summarise the plan")
    body = provider.last_chat_request()
    assert body["model"] == "gpt-5.5"
    assert "generate_image" in offered_tools(body)
    assert conversation(body) == transcript[:-1]
    assert stored_messages(data_dir, thread_id) == transcript

    # Restart the server; log in again in a fresh browser.
    page.goto("about:blank")
    app.restart()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fresh = context.new_page()
        fresh.set_default_timeout(15_000)
        again = login(fresh, app)
        expect_defaults(again)
        assert again.open_thread(name) == thread_id
        expect_resumed(again, transcript)
        again.messages().first.scroll_into_view_if_needed()
        again.screenshot("history-resumed-after-restart")
        transcript += hold(again, "Anything else?")
        body = provider.last_chat_request()
        assert body["model"] == "gpt-5.5"
        assert "generate_image" in offered_tools(body)
        assert conversation(body) == transcript[:-1]
    finally:
        context.close()


def test_model_switch_alone_survives_reload(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = login(page, app)
    hold(chat, "Just one question")
    chat.pick_model(SWITCHED_MODEL)
    page.reload()
    chat.wait_ready()
    expect(chat.messages()).to_have_count(2)
    expect(page.locator("#mode-picker-trigger-model")).to_contain_text(SWITCHED_MODEL)


def test_sidebar_search_rename_and_delete(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    name = "Notes on the northern lights"
    hold(chat, name, "Did you ever see a quokka at night?")
    thread_id = chat.thread_id()
    chat.new_chat()
    other = "Something unrelated entirely"
    hold(chat, other)

    # Search finds the conversation by a word of a later message, and only that one.
    results = chat.search_threads("quokka")
    expect(results).to_have_text([name])
    results.first.click()
    expect(page).to_have_url(re.compile(f"/thread/{thread_id}$"))
    chat.wait_ready()
    expect(chat.messages()).to_have_count(4)

    # Rename from the sidebar menu; the name survives a reload and is what the database holds.
    renamed = "Aurora trip (renamed)"
    chat.rename_thread(name, renamed)
    page.reload()
    chat.wait_ready()
    expect(chat.sidebar_thread(renamed)).to_have_count(1)
    expect(chat.sidebar_thread(name)).to_have_count(0)
    assert query(data_dir, "SELECT name FROM threads WHERE id = ?", thread_id) == [(renamed,)]

    # Delete it from the sidebar (while another conversation is open).
    chat.open_thread(other)
    chat.delete_thread(renamed)
    assert query(data_dir, "SELECT id FROM threads WHERE id = ?", thread_id) == []
    assert query(data_dir, "SELECT id FROM steps WHERE thread_id = ?", thread_id) == []
    page.reload()
    chat.wait_ready()
    expect(chat.sidebar_thread(other)).to_have_count(1)
    expect(chat.sidebar_thread(renamed)).to_have_count(0)
    expect(chat.search_threads("quokka")).to_have_count(0)


def test_deleting_one_message(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    questions = ["Name a colour", "Name a fruit", "Name a city"]
    transcript = hold(chat, *questions)
    thread_id = chat.thread_id()
    doomed = "Fake reply to: Name a fruit"
    step = page.locator(ASSISTANT).filter(has_text=doomed).locator("[id^=step-]").first
    step_id = (step.get_attribute("id") or "").removeprefix("step-")
    assert query(data_dir, "SELECT type, output FROM steps WHERE id = ?", step_id) == [
        ("assistant_message", doomed)
    ]

    chat.delete_answer(doomed)
    expect(chat.undo_notice()).to_contain_text("Answer deleted.")
    transcript.remove(doomed)
    expect(chat.messages()).to_have_text(transcript)
    assert query(data_dir, "SELECT id FROM steps WHERE id = ?", step_id) == []
    assert stored_messages(data_dir, thread_id) == transcript

    # The live session forgot it...
    transcript += hold(chat, "Name an animal")
    assert conversation(provider.last_chat_request()) == transcript[:-1]
    # ...and so does a resumed one.
    page.reload()
    chat.wait_ready()
    expect(chat.messages()).to_have_text(transcript)
    transcript += hold(chat, "Name a river")
    assert conversation(provider.last_chat_request()) == transcript[:-1]
    assert doomed not in json.dumps(provider.last_chat_request())


# ---- deleting an answer as one unit: its text, gallery, tool step and images ------------------

THUMBS = '[data-testid="image-thumbnail"][data-status="ready"]'
GALLERY_MESSAGE = f'{ASSISTANT}:has([data-testid="image-gallery"])'


def make_images(chat: ChatPage, provider: FakeOpenAI, n: int, answer: str) -> list[str]:
    """One answer with a gallery of `n` images (GPT Image 2 on the fake server); their ids."""
    provider.queue_tool_call("generate_image", {"prompt": "a red fox in the snow", "n": n})
    provider.queue_text(answer)
    chat.send(f"draw {n} red foxes in the snow")
    thumbs = chat.page.locator(THUMBS)
    expect(thumbs).to_have_count(n, timeout=30_000)
    expect(chat.assistant_messages().filter(has_text=answer)).to_be_visible()
    chat.wait_idle()
    return [thumbs.nth(i).get_attribute("data-image-id") or "" for i in range(n)]


def download_status(page: Page, app: AppProcess, image_id: str) -> int:
    return page.request.get(f"{app.url}/api/images/{image_id}?format=png").status


def test_deleting_an_answer_takes_its_gallery_and_images_after_a_confirmation(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    chat.set_image_creation(True, image_model="GPT Image 2")
    transcript = hold(chat, "Name a colour")
    answer = "Done! I created 3 images of foxes."
    ids = make_images(chat, provider, 3, answer)
    assert all(download_status(page, app, i) == 200 for i in ids)
    # one 🗑 for the whole answer: on its text, none on its gallery message
    expect(chat.delete_message_button(answer)).to_have_count(1)
    expect(page.locator(GALLERY_MESSAGE).locator("button:has(svg.lucide-trash-2)")).to_have_count(0)
    expect(page.locator('[data-step-type="tool"]')).to_have_count(1)

    chat.delete_message_button(answer).click()
    dialog = chat.delete_dialog()
    expect(dialog).to_contain_text("Delete this answer and its 3 images?")
    chat.screenshot("delete-answer-confirm")
    dialog.get_by_role("button", name="Delete").click()
    expect(chat.assistant_messages().filter(has_text=answer)).to_have_count(0)
    expect(page.get_by_test_id("image-gallery")).to_have_count(0)
    expect(page.locator('[data-step-type="tool"]')).to_have_count(0)
    expect(chat.undo_notice()).to_contain_text("Answer and 3 images deleted.")
    chat.screenshot("delete-answer-undo")
    assert all(download_status(page, app, i) == 404 for i in ids)
    marks = ",".join("?" * len(ids))
    assert query(data_dir, f"SELECT id FROM images WHERE id IN ({marks})", *ids) == []
    # the model forgets the answer: no text, no image ids
    transcript += hold(chat, "Name a fruit")
    sent = json.dumps(provider.last_chat_request())
    assert answer not in sent and not any(i in sent for i in ids)
    assert conversation(provider.last_chat_request())[:2] == transcript[:2]
    # after the undo window the rows kept for Undo are purged too
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=delete-undo]')", timeout=20_000
    )
    for _ in range(60):
        if query(data_dir, "SELECT count(*) FROM deleted_turns") == [(0,)]:
            break
        page.wait_for_timeout(500)
    assert query(data_dir, "SELECT count(*) FROM deleted_turns") == [(0,)]
    assert query(data_dir, f"SELECT id FROM images WHERE id IN ({marks})", *ids) == []


def test_cancel_keeps_the_answer_and_undo_brings_it_back(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    chat.set_image_creation(True, image_model="GPT Image 2")
    answer = "Here are two foxes."
    ids = make_images(chat, provider, 2, answer)
    button = chat.delete_message_button(answer)
    # Escape, and the Cancel button, leave everything as it was
    button.click()
    expect(chat.delete_dialog()).to_contain_text("Delete this answer and its 2 images?")
    page.keyboard.press("Escape")
    expect(chat.delete_dialog()).to_have_count(0)
    button.click()
    chat.delete_dialog().get_by_role("button", name="Cancel").click()
    expect(chat.delete_dialog()).to_have_count(0)
    expect(chat.assistant_messages().filter(has_text=answer)).to_have_count(1)
    expect(page.locator(THUMBS)).to_have_count(2)
    assert all(download_status(page, app, i) == 200 for i in ids)

    # Enter deletes; Undo puts the answer, its gallery and images back (the page reloads)
    button.click()
    expect(chat.delete_dialog()).to_be_visible()
    page.keyboard.press("Enter")
    expect(chat.assistant_messages().filter(has_text=answer)).to_have_count(0)
    assert all(download_status(page, app, i) == 404 for i in ids)
    with page.expect_navigation():
        chat.undo_notice().get_by_role("button", name="Undo").click()
    chat.wait_ready()
    expect(chat.assistant_messages().filter(has_text=answer)).to_have_count(1)
    expect(page.locator(THUMBS)).to_have_count(2, timeout=20_000)
    expect(chat.delete_message_button(answer)).to_have_count(1)
    assert all(download_status(page, app, i) == 200 for i in ids)
    assert query(data_dir, "SELECT count(*) FROM deleted_turns") == [(0,)]


# ---- OAuth: the login page with GitHub configured, and a sign-in against a fake GitHub -------


class FakeGitHub(BaseHTTPRequestHandler):
    """GitHub's three OAuth endpoints: authorize (redirects back at once), token, user."""

    login = "octo-cat"

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/login/oauth/authorize":
            params = dict(urllib.parse.parse_qsl(url.query))
            back = urllib.parse.urlencode({"code": "fake-code", "state": params["state"]})
            self.send_response(302)
            self.send_header("Location", f"{params['redirect_uri']}?{back}")
            self.end_headers()
        elif url.path == "/user":
            # GitHub's numeric id is what the account is keyed by (github:<id>)
            user_id = {"octo-cat": 583231}.get(self.login, 424242)
            self._json(
                {"login": self.login, "id": user_id, "avatar_url": "http://127.0.0.1/avatar.png"}
            )
        elif url.path == "/user/emails":
            self._json([])
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"access_token=gho_fake&token_type=bearer&scope=user%3Aemail"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-www-form-urlencoded")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, value: object) -> None:
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def github() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_github_sign_in_next_to_the_password_form(
    page: Page, github: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = tmp_path_factory.mktemp("oauth")
    env = {
        **ADMIN,
        "OAUTH_GITHUB_CLIENT_ID": "fake-client-id",
        "OAUTH_GITHUB_CLIENT_SECRET": "fake-client-secret",
        "OAUTH_GITHUB_AUTH_URL": f"{github}/login/oauth/authorize",
        "OAUTH_GITHUB_TOKEN_URL": f"{github}/login/oauth/access_token",
        "OAUTH_GITHUB_USER_INFO_URL": f"{github}/user",
        "OAUTH_ALLOWED_USERS": FakeGitHub.login,
    }
    with running_app(data_dir, "oauth", **env) as app:
        page.goto(app.url + "/login")
        github_button = page.get_by_role("button", name=re.compile("GitHub"))
        expect(github_button).to_be_visible()
        expect(page.locator("input[type=password]")).to_be_visible()
        # Accounts have usernames, not e-mail addresses: the form says so.
        expect(page.get_by_text("Username", exact=True)).to_be_visible()
        expect(page.get_by_text("Email address")).to_have_count(0)
        ChatPage(page, app.url).screenshot("login-with-github")

        # A GitHub account the operator did not allow gets no account, and is told so.
        FakeGitHub.login = "mallory"
        try:
            github_button.click()
            expect(page.get_by_text("this account may not use ImageChat")).to_be_visible()
            ChatPage(page, app.url).screenshot("login-oauth-refused")
        finally:
            FakeGitHub.login = "octo-cat"
        assert query(data_dir, "SELECT 1 FROM users WHERE identifier = 'github:424242'") == []

        page.get_by_role("button", name=re.compile("GitHub")).click()
        chat = ChatPage(page, app.url)
        chat.wait_ready()
        rows = query(
            data_dir,
            "SELECT password_hash, is_admin, metadata FROM users WHERE identifier = ?",
            "github:583231",
        )
        assert len(rows) == 1
        password_hash, is_admin, metadata = rows[0]
        assert password_hash is None and not is_admin
        assert json.loads(metadata)["provider"] == "github"
        chat.ask("hello from github", "hello from github")

        # The password form still works next to it.
        page.context.clear_cookies()
        login(page, app)
