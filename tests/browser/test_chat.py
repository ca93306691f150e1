"""The chat in a real browser: the offline demo with no key, real providers via the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    # previews spaced so that a browser test sees them before the final image
    env = {**ADMIN, "IMAGECHAT_PARTIAL_IMAGES": "2", "IMAGECHAT_DEMO_PARTIAL_DELAY": "0.8"}
    with running_app(tmp_path_factory.mktemp("demo"), "demo", **env) as app:
        yield app


@pytest.fixture(scope="module")
def provider_app(
    tmp_path_factory: pytest.TempPathFactory, provider: FakeOpenAI
) -> Iterator[AppProcess]:
    env = provider_env(
        provider,
        ADMIN["ADMIN_USERNAME"],
        ADMIN["ADMIN_PASSWORD"],
        IMAGECHAT_LLM_TIMEOUT="3",
        IMAGECHAT_PARTIAL_IMAGES="2",
    )
    with running_app(tmp_path_factory.mktemp("provider"), "provider", **env) as app:
        yield app


def open_chat(page: Page, app: AppProcess) -> ChatPage:
    return ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])


def test_demo_streams_a_reply_without_any_key(page: Page, demo_app: AppProcess) -> None:
    chat = open_chat(page, demo_app)
    expect(page.locator("#mode-picker-trigger-model")).to_contain_text("Offline demo")
    chat.send("Hello! What can you do?")
    reply = chat.assistant_messages().last
    # streaming: the Stop button shows while tokens arrive, and the text grows
    expect(page.locator("#stop-button")).to_be_visible()
    expect(reply).to_contain_text("Offline demo")
    early = len(reply.inner_text())
    chat.wait_idle()
    assert len(reply.inner_text()) > early
    expect(reply).to_contain_text("Hello! What can you do?")
    assert Path(chat.screenshot("chat-offline-demo")).stat().st_size > 10_000


def test_reply_comes_from_the_provider_and_model_switch_applies(
    page: Page, provider_app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = open_chat(page, provider_app)
    expect(page.locator("#mode-picker-trigger-model")).to_contain_text("GPT-6 Astra")
    provider.queue_text("A **bold** answer from the fake provider")
    reply = chat.ask("first message", "from the fake provider")
    expect(reply).to_contain_text("A bold answer")  # Markdown rendered: no literal asterisks
    expect(reply).not_to_contain_text("**")
    body = provider.last_chat_request()
    assert body["model"] == "gpt-6-astra"
    assert body["messages"][-1] == {"role": "user", "content": "first message"}

    chat.pick_model("GPT-5.5")
    chat.ask("second message", "Fake reply to: second message")
    body = provider.last_chat_request()
    assert body["model"] == "gpt-5.5"
    assert [m["content"] for m in body["messages"] if m["role"] != "system"] == [
        "first message",
        "A **bold** answer from the fake provider",
        "second message",
    ]


def test_provider_fault_shows_a_message_and_the_chat_goes_on(
    page: Page, provider_app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = open_chat(page, provider_app)
    chat.ask("hello", "Fake reply to: hello")
    provider.inject("chat", status=429, times=5)
    chat.send("this will be rate limited")
    expect(page.get_by_text("is rate limited right now")).to_be_visible(timeout=20_000)
    chat.wait_idle()
    provider.clear_faults()
    chat.ask("are you back?", "Fake reply to: are you back?")
    expect(chat.user_messages()).to_have_count(3)
    sent = [m["content"] for m in provider.last_chat_request()["messages"] if m["role"] == "user"]
    assert sent == ["hello", "this will be rate limited", "are you back?"]
    chat.screenshot("chat-provider-fault")


def test_stop_cancels_a_running_answer(
    page: Page, provider_app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = open_chat(page, provider_app)
    provider.set_stream_delay(0.1)
    provider.queue_text(" ".join(f"word{i}" for i in range(300)))
    chat.send("write a lot")
    expect(chat.assistant_messages().last).to_contain_text("word3", timeout=10_000)
    page.locator("#stop-button").click()
    expect(page.locator("#stop-button")).to_have_count(0)
    partial = chat.assistant_messages().filter(has_text="word0")
    expect(partial).to_have_count(1)
    expect(partial).to_contain_text("Stopped.")
    expect(partial).not_to_contain_text("word299")
    provider.set_stream_delay(0)
    chat.ask("next", "Fake reply to: next")


def test_the_socket_refuses_other_sites(provider_app: AppProcess) -> None:
    import httpx

    path = "/ws/socket.io/?EIO=4&transport=polling"
    evil = httpx.get(provider_app.url + path, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    own = httpx.get(provider_app.url + path, headers={"Origin": provider_app.url})
    assert own.status_code == 200 and own.text.startswith("0{")  # engine.io's open packet


def test_a_page_on_another_port_cannot_change_a_conversation(
    page: Page, provider_app: AppProcess, provider: FakeOpenAI
) -> None:
    """Same-site CSRF: the login cookie goes along with a form posted by a page on another port
    of the same host; the app refuses it, and the conversation keeps its model."""
    import http.server
    import socketserver
    import threading

    provider.reset()
    chat = open_chat(page, provider_app)
    chat.ask("hello", "Fake reply to: hello")
    thread_id = chat.thread_id()
    target = f"{provider_app.url}/api/threads/{thread_id}/model"
    form = (
        f'<form id="f" method="POST" enctype="text/plain" action="{target}">'
        '<input name=\'{"label": "GPT-5.5", "x": "\' value=\'"}\'></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()

    class EvilPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args: object) -> None:
            return None

    with socketserver.TCPServer(("127.0.0.1", 0), EvilPage) as evil:
        threading.Thread(target=evil.serve_forever, daemon=True).start()
        try:
            with page.expect_response(target) as posted:
                page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
            assert posted.value.request.all_headers().get("cookie"), "the browser sent the cookie"
            assert posted.value.status == 403
        finally:
            evil.shutdown()
    chat.open(f"/thread/{thread_id}")
    expect(page.locator("#mode-picker-trigger-model")).to_contain_text("GPT-6 Astra")


PREVIEW = '[data-partial="true"] [data-testid="image-partial"]'
READY = '[data-testid="image-thumbnail"][data-status="ready"]'


def expect_preview_then_final(page: Page) -> None:
    """A tile shows a partial image (an <img> of a data URL), then its final thumbnail."""
    preview = page.locator(PREVIEW).first
    expect(preview).to_be_visible(timeout=30_000)
    src = preview.get_attribute("src") or ""
    assert src.startswith("data:image/"), src
    expect(page.locator(READY)).to_have_count(1, timeout=30_000)
    expect(page.locator(PREVIEW)).to_have_count(0)
    final = page.locator(READY).first.locator("img").first.get_attribute("src")
    assert final and final != src


def test_a_tile_shows_live_previews_from_the_provider(
    page: Page, provider_app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    provider.set_stream_delay(0.8, kind="images")
    chat = open_chat(page, provider_app)
    chat.set_image_creation(True, image_model="GPT Image 2.5 Sunburst")
    provider.queue_tool_call("generate_image", {"prompt": "a paper boat on a pond"})
    provider.queue_text("Here is your boat.")
    chat.send("a paper boat on a pond")
    expect_preview_then_final(page)
    chat.wait_idle()
    (body,) = [r.json for r in provider.requests_to("/v1/images/generations")]
    assert body["stream"] is True and body["partial_images"] == 2


def test_a_tile_shows_live_previews_from_the_demo(page: Page, demo_app: AppProcess) -> None:
    chat = open_chat(page, demo_app)
    chat.set_image_creation(True)
    chat.send("Draw a red lighthouse by the sea at sunset")
    expect_preview_then_final(page)
    chat.screenshot("demo-live-preview-done")
