"""Keys of custom providers stay secret: a provider that echoes its key in errors gets it shown
nowhere — not in the chat, the socket frames, the page, the stored messages or the app log.

The planted keys are not shaped like API keys (no `sk-` prefix), so only ImageChat's registry of
configured secrets can catch them; one is a `gsk_` key, the shape the old pattern missed.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.apprunner import AppProcess, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

USER, PASSWORD = "alice", "correct horse battery staple"
CHAT_KEY = "Planted" + secrets.token_hex(16)
IMAGE_KEY = "gsk_" + secrets.token_hex(20)
OTHER_KEY = "VaultValue" + secrets.token_hex(12)  # configured for a model never called


@pytest.fixture(scope="module")
def chat_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=CHAT_KEY) as server:
        yield server


@pytest.fixture(scope="module")
def image_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=IMAGE_KEY) as server:
        yield server


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, chat_server: FakeOpenAI, image_server: FakeOpenAI
) -> Iterator[AppProcess]:
    data = tmp_path_factory.mktemp("secrets")
    models = data / "models.yaml"
    models.write_text(
        "chat_models:\n"
        "  - {id: house-llm, label: House LLM, description: x, litellm_model: openai/gpt-5.5,"
        f" api_base: '{chat_server.base_url}', api_key_env: CUSTOM_LLM_KEY,"
        " supports_tools: true}\n"
        "  - {id: spare-llm, label: Spare LLM, description: x, litellm_model: openai/gpt-5.4,"
        f" api_base: '{chat_server.base_url}', api_key_env: SPARE_LLM_CREDENTIAL}}\n"
        "image_models:\n"
        "  - {id: house-images, label: House images, description: x,"
        f" litellm_model: openai/gpt-image-2, api_base: '{image_server.base_url}',"
        " api_key_env: CUSTOM_IMAGE_KEY, family: gpt-image-2}\n"
    )
    env = {
        "ADMIN_USERNAME": USER,
        "ADMIN_PASSWORD": PASSWORD,
        "IMAGECHAT_MODELS_FILE": str(models),
        "CUSTOM_LLM_KEY": CHAT_KEY,
        "CUSTOM_IMAGE_KEY": IMAGE_KEY,
        "SPARE_LLM_CREDENTIAL": OTHER_KEY,
        "DEFAULT_CHAT_MODEL": "house-llm",
        "DEFAULT_IMAGE_MODEL": "house-images",
        "IMAGECHAT_LLM_TIMEOUT": "5",
    }
    with running_app(data, "secrets", **env) as running:
        running.data_dir = data  # type: ignore[attr-defined]
        yield running


def _echo(key: str, words: str) -> dict[str, object]:
    return {"error": {"message": f"{words} (credential {key})", "type": "invalid_request_error"}}


def test_keys_echoed_by_providers_appear_nowhere(
    page: Page, app: AppProcess, chat_server: FakeOpenAI, image_server: FakeOpenAI
) -> None:
    frames: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(str(payload)))
        ws.on("framesent", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    chat = ChatPage(page, app.url).login(USER, PASSWORD)
    pages: list[str] = []

    # the chat provider echoes its key: in a 400, a 401, a 429 (after the retries) and a 500
    faults = [  # status, what the provider says, what the person is told
        (400, "Your request was malformed", "Your request was malformed"),
        (401, "Incorrect API key provided", "rejected the API key in"),
        (429, "Slow down", "is rate limited right now"),
        (500, "Upstream exploded", "had an internal error"),
    ]
    for number, (status, words, told) in enumerate(faults, start=1):
        chat_server.inject("chat", status=status, times=10, body=_echo(CHAT_KEY, words))
        chat.send(f"message {number}")
        expect(page.get_by_text(told).last).to_be_visible(timeout=30_000)
        chat.wait_idle(60_000)
        chat_server.clear_faults()
        pages.append(page.content())

    # the image provider echoes its key in a 400 and a 500
    chat.set_image_creation(True)
    for status in (400, 500):
        image_server.inject("images", status=status, times=10, body=_echo(IMAGE_KEY, "No"))
        chat_server.queue_tool_call("generate_image", {"prompt": "a lighthouse", "n": 1})
        chat_server.queue_text(f"Image attempt {status} is over.")
        chat.ask(f"draw a lighthouse ({status})", f"Image attempt {status} is over.", 60_000)
        image_server.clear_faults()
        pages.append(page.content())
    assert image_server.requests_to("images"), "the image provider was never called"

    seen = {
        "socket frames": "\n".join(frames),
        "pages": "\n".join(pages),
        "app log": Path(app.log_path).read_text(errors="replace"),
        "stored messages": _stored_text(app.data_dir),  # type: ignore[attr-defined]
    }
    assert frames and "Your request was malformed" in seen["socket frames"]
    assert "Your request was malformed" in seen["stored messages"]
    for where, text in seen.items():
        for key in (CHAT_KEY, IMAGE_KEY, OTHER_KEY):
            assert key not in text, f"a configured key reached the {where}"


def _stored_text(data_dir: Path) -> str:
    """Everything stored about messages: steps (text and metadata), elements, images' params."""
    path = next(data_dir.glob("*.db"))
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM steps").fetchall()
        rows += db.execute("SELECT * FROM elements").fetchall()
        rows += db.execute("SELECT id, prompt, params FROM images").fetchall()
    return "\n".join(repr(row) for row in rows)
