"""A page object for the ImageChat UI, so browser tests read like what a person does."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.apprunner import ARTIFACTS

ASSISTANT = '[data-step-type="assistant_message"]'
USER = '[data-step-type="user_message"]'


class ChatPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def open(self, path: str = "/") -> ChatPage:
        self.page.goto(self.base_url + path)
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """The session is live once on_chat_start (or resume) has sent the model picker."""
        expect(self.page.locator("#chat-input")).to_be_visible(timeout=30_000)
        expect(self.page.locator("#mode-picker-trigger-model")).to_be_visible(timeout=30_000)

    def login(self, username: str, password: str) -> ChatPage:
        self.page.goto(self.base_url + "/login")
        self.page.locator("input[type=password]").wait_for()
        self.page.locator("#email, input[name=email], input[autocomplete=username]").first.fill(
            username
        )
        self.page.locator("input[type=password]").first.fill(password)
        self.page.locator("button[type=submit]").first.click()
        self.wait_ready()
        return self

    def assistant_messages(self) -> Locator:
        return self.page.locator(f"{ASSISTANT} .message-content")

    def user_messages(self) -> Locator:
        return self.page.locator(f"{USER} .message-content")

    def send(self, text: str) -> None:
        before = self.user_messages().count()
        self.page.locator("#chat-input").fill(text)
        self.page.keyboard.press("Enter")
        expect(self.user_messages()).to_have_count(before + 1, timeout=10_000)

    def wait_idle(self, timeout: float = 30_000) -> None:
        """Wait until the running answer has finished (the Stop button is gone)."""
        expect(self.page.locator("#stop-button")).to_have_count(0, timeout=timeout)

    def ask(self, text: str, expect_text: str, timeout: float = 30_000) -> Locator:
        """Send `text` and wait for an assistant message containing `expect_text`."""
        self.send(text)
        message = self.assistant_messages().filter(has_text=expect_text).last
        expect(message).to_be_visible(timeout=timeout)
        self.wait_idle(timeout)
        return message

    def pick_model(self, label: str) -> None:
        self.page.locator("#mode-picker-trigger-model").click()
        self.page.get_by_role("option", name=label).first.click()
        expect(self.page.locator("#mode-picker-trigger-model")).to_contain_text(label)

    def open_internal_tools(self) -> Locator:
        self.page.locator("#chat-settings-open-modal").click()
        dialog = self.page.locator("#chat-settings")
        expect(dialog).to_be_visible()
        return dialog

    def set_image_creation(
        self, on: bool, mode: str | None = None, image_model: str | None = None
    ) -> None:
        self.open_internal_tools()
        switch = self.page.locator("#image_creation")
        if (switch.get_attribute("aria-checked") == "true") != on:
            switch.click()
        if mode:
            self.page.locator("#image_creation_mode").click()
            self.page.get_by_role("option", name=mode).first.click()
        if image_model:
            self.page.locator("#image_model").click()
            self.page.get_by_role("option", name=image_model, exact=True).first.click()
        self.page.locator("#confirm").click()
        expect(self.page.get_by_text("Internal tools configuration updated").last).to_be_visible()

    def screenshot(self, name: str) -> str:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return str(path)

    # ---- conversations: the thread history sidebar, resume, per-message actions ------------

    def messages(self) -> Locator:
        """User and assistant messages together, in page order."""
        return self.page.locator(f"{USER} .message-content, {ASSISTANT} .message-content")

    def thread_id(self) -> str:
        """The id of the conversation in the address bar (`/thread/<id>`)."""
        expect(self.page).to_have_url(re.compile(r"/thread/[0-9a-f-]{36}$"))
        return self.page.url.rstrip("/").rsplit("/", 1)[1]

    def new_chat(self) -> None:
        """The New chat button, confirmed; waits until the new session is connected."""
        self.page.locator("#new-chat-button").click()
        self.page.get_by_role("dialog").locator("#confirm").click()
        expect(self.messages()).to_have_count(0)
        # the composer's buttons stay disabled until the new socket is connected
        expect(self.page.locator("#chat-settings-open-modal")).to_be_enabled()
        self.wait_ready()

    def sidebar_threads(self) -> Locator:
        return self.page.locator('#thread-history li[data-sidebar="menu-item"]')

    def sidebar_thread(self, name: str) -> Locator:
        """The sidebar row of the conversation called `name` (its first message by default)."""
        return self.sidebar_threads().filter(has=self.page.get_by_text(name, exact=True))

    def open_thread(self, name: str) -> str:
        """Click the conversation in the sidebar; returns its id once it is resumed."""
        row = self.sidebar_thread(name)
        expect(row).to_have_count(1)
        href = row.locator("a").first.get_attribute("href") or ""
        row.locator("a").first.click()
        expect(self.page).to_have_url(re.compile(re.escape(href) + "$"))
        self.wait_ready()
        return href.rsplit("/", 1)[1]

    def thread_menu(self, name: str, item: str) -> None:
        """Choose `item` (Rename, Delete) in the sidebar row's ... menu."""
        row = self.sidebar_thread(name)
        row.hover()
        row.locator("#thread-options").click()
        self.page.get_by_role("menuitem", name=item).click()

    def rename_thread(self, name: str, new_name: str) -> None:
        self.thread_menu(name, "Rename")
        dialog = self.page.get_by_role("dialog")
        dialog.locator("input#name").fill(new_name)
        dialog.get_by_role("button", name="Confirm", exact=True).click()
        expect(self.page.get_by_text("Conversation renamed", exact=True)).to_be_visible()
        expect(self.sidebar_thread(new_name)).to_have_count(1)

    def delete_thread(self, name: str) -> None:
        self.thread_menu(name, "Delete")
        dialog = self.page.locator('[role="alertdialog"], [role="dialog"]')
        dialog.get_by_role("button", name="Confirm", exact=True).click()
        expect(self.page.get_by_text("Chat deleted")).to_be_visible()
        expect(self.sidebar_thread(name)).to_have_count(0)

    def search_threads(self, term: str) -> Locator:
        """Open the sidebar search and type `term`; returns the result rows (options)."""
        self.page.locator("#search-chats-button").click()
        box = self.page.get_by_placeholder("Search conversations...")
        box.fill(term)
        return self.page.get_by_role("dialog").get_by_role("option")

    def image_creation_is_on(self) -> bool:
        """Read the gear's Image creation switch (opens the dialog and closes it again)."""
        self.open_internal_tools()
        checked = self.page.locator("#image_creation").get_attribute("aria-checked") == "true"
        self.page.keyboard.press("Escape")
        expect(self.page.locator("#chat-settings")).to_have_count(0)
        return checked

    def delete_message_button(self, text: str) -> Locator:
        """The trash action (`delete_message`) of the assistant message containing `text`."""
        step = self.page.locator(ASSISTANT).filter(has_text=text)
        return step.locator("button:has(svg.lucide-trash-2)")

    def delete_dialog(self) -> Locator:
        """The confirmation the 🗑 of an answer opens (public/imagechat.js)."""
        return self.page.get_by_test_id("delete-confirm")

    def undo_notice(self) -> Locator:
        return self.page.get_by_test_id("delete-undo")

    def delete_answer(self, text: str) -> None:
        """🗑 on the answer containing `text`, Delete in the confirmation; waits until it went."""
        self.delete_message_button(text).click()
        expect(self.delete_dialog()).to_be_visible()
        self.delete_dialog().get_by_role("button", name="Delete").click()
        expect(self.page.locator(ASSISTANT).filter(has_text=text)).to_have_count(0)
