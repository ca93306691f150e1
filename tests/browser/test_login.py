"""What a person sees when sign-in is throttled, and when their session ends under an open page
(issue 11, points 1 and 3)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.apprunner import AppProcess, add_user, cli, running_app
from tests.browser.chatpage import ChatPage

ADMIN = {"ADMIN_USERNAME": "root", "ADMIN_PASSWORD": "root password 1"}
PASSWORD = "a good password"
THROTTLED = "Too many sign-in attempts. Wait 15 minutes and try again."
SESSION_ENDED = "Your session has ended. Log in again."
WRONG_PASSWORD = "Sign in failed. Check your user name and password."  # not "Unable to sign in"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("login")


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[AppProcess]:
    # two failures per account fill the window: quick to reach in a browser
    env = {**ADMIN, "IMAGECHAT_LOGIN_LIMIT_ACCOUNT": "2 per 15 minutes"}
    with running_app(data_dir, "login", **env) as running:
        yield running


def submit_login(page: Page, app: AppProcess, username: str, password: str) -> None:
    page.goto(app.url + "/login")
    page.locator("input[type=password]").wait_for()
    page.locator("#email, input[name=email], input[autocomplete=username]").first.fill(username)
    page.locator("input[type=password]").first.fill(password)
    page.locator("button[type=submit]").first.click()


def test_the_login_page_says_when_sign_in_is_throttled(
    page: Page, app: AppProcess, data_dir: Path
) -> None:
    add_user(data_dir, "carol", PASSWORD)
    for attempt in range(2):
        submit_login(page, app, "carol", f"wrong password {attempt}")
        expect(page.get_by_role("alert")).to_contain_text(WRONG_PASSWORD)
        expect(page.get_by_text(THROTTLED)).to_have_count(0)
    # The third try is refused before the password is even checked: the right one too.
    submit_login(page, app, "carol", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(THROTTLED)
    expect(page.locator("#chat-input")).to_have_count(0)
    ChatPage(page, app.url).screenshot("login-throttled")
    # Someone else signs in as usual.
    ChatPage(page, app.url).login("root", ADMIN["ADMIN_PASSWORD"])


def steps_mentioning(data_dir: Path, text: str) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(data_dir / "imagechat.db")) as db:
        rows = db.execute(
            "SELECT type, output FROM steps WHERE output LIKE ? OR output = ? ORDER BY rowid",
            (f"%{text}%", SESSION_ENDED),
        ).fetchall()
    return [(str(t), str(o)) for t, o in rows]


def test_an_open_page_is_told_when_its_session_ended(
    page: Page, app: AppProcess, data_dir: Path
) -> None:
    add_user(data_dir, "dave", PASSWORD)
    chat = ChatPage(page, app.url).login("dave", PASSWORD)
    chat.ask("Say hello", "Offline demo")
    # The administrator sets a new password (another process, as on a server).
    cli(data_dir, "users", "passwd", "dave", stdin="another password\n")
    # The open page does not know yet; its next message is refused with a notice. (When the web
    # app makes its next HTTP request, which is refused, it goes to the login page by itself; a
    # second message in an existing conversation makes none, so that is not asserted here.)
    page.locator("#chat-input").fill("Say hello again")
    page.keyboard.press("Enter")
    login_form = page.locator("input[type=password]")
    expect(page.get_by_text(SESSION_ENDED).or_(login_form).first).to_be_visible()
    # Nothing answered that message: the notice is all the assistant said.
    deadline = time.monotonic() + 10
    while len(steps_mentioning(data_dir, "Say hello again")) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert steps_mentioning(data_dir, "Say hello again") == [
        ("user_message", "Say hello again"),
        ("assistant_message", SESSION_ENDED),
    ]
    # The old cookie signs nobody in when the page is opened again (goto, not reload: the web
    # app may be on its way to the login page by itself just now).
    page.goto(app.url + "/")
    expect(page.locator("input[type=password]")).to_be_visible(timeout=30_000)
    expect(page.locator("#chat-input")).to_have_count(0)
