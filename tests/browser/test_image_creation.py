"""Image creation in a real browser against the fake OpenAI server."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.apprunner import ARTIFACTS, AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.openai_server import FakeOpenAI

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}
THUMBS = '[data-testid="image-thumbnail"][data-status="ready"]'


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("images")


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(
        provider, ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"], IMAGECHAT_PARTIAL_IMAGES="2"
    )
    with running_app(data_dir, "images", **env) as running:
        yield running


def login(page: Page, app: AppProcess) -> ChatPage:
    return ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])


def test_gear_toast_three_thumbnails_and_mapped_requests_then_resume_from_the_database(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = login(page, app)
    chat.set_image_creation(True, image_model="GPT Image 2.5 Sunburst")
    provider.queue_tool_call(
        "generate_image",
        {
            "prompt": "a lighthouse on a cliff at dusk",
            "n": 3,
            "size": "16:9 wallpaper",
            "quality": "high",
            "style": "watercolor",
        },
    )
    provider.queue_text("Here are three lighthouses.")
    chat.send("Generate 3 images of a lighthouse on a cliff at dusk, watercolor, high quality")
    expect(page.locator(THUMBS)).to_have_count(3, timeout=30_000)
    expect(chat.assistant_messages().filter(has_text="Here are three lighthouses.")).to_be_visible()
    chat.wait_idle()
    # the tool offered, then fitted to GPT Image 2.5 Sunburst: "16:9 wallpaper" as 1536x864, high
    # quality, the style in the prompt (GPT Image takes no style, no response_format), and one
    # streamed request per tile so each tile shows its partial images
    assert provider.requests_to("chat")[0].json["tools"][0]["function"]["name"] == "generate_image"
    sent = [r.json for r in provider.requests_to("/v1/images/generations")]
    assert len(sent) == 3
    for body in sent:
        assert body["model"] == "gpt-image-2.5-sunburst" and body["n"] == 1
        assert body["quality"] == "high" and body["size"] == "1536x864"
        assert body["stream"] is True and body["partial_images"] == 2
        assert "watercolor" in body["prompt"]
        assert "style" not in body and "response_format" not in body
    expect(page.get_by_text("conversation total")).to_be_visible()
    chat.screenshot("image-creation-three-thumbnails")
    before = [page.locator(THUMBS).nth(i).get_attribute("data-image-id") for i in range(3)]

    # Reload and resume: the same thumbnails, from the database
    with sqlite3.connect(data_dir / "imagechat.db") as db:
        (thread_id,) = db.execute("SELECT DISTINCT thread_id FROM images").fetchone()
    page.reload()
    chat.wait_ready()
    chat.open(f"/thread/{thread_id}")
    expect(page.locator(THUMBS)).to_have_count(3, timeout=20_000)
    after = [page.locator(THUMBS).nth(i).get_attribute("data-image-id") for i in range(3)]
    assert sorted(after) == sorted(before)

    # The message element carries thumbnails and ids only, never the full-size base64.
    with sqlite3.connect(data_dir / "imagechat.db") as db:
        full = [row[0] for row in db.execute("SELECT data_b64 FROM images")]
        props = [
            row[0] for row in db.execute("SELECT props FROM elements WHERE name = 'ImageGallery'")
        ]
    assert len(full) == 3 and props
    for raw in props:
        blob = raw if isinstance(raw, str) else json.dumps(raw)
        assert all(image[:2000] not in blob for image in full)
        assert len(blob) < sum(len(image) for image in full) * 0.1
        ids = {i["id"] for i in json.loads(blob)["images"]}
        assert ids == set(before)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_viewer_and_downloads_in_the_real_app(
    browser: Browser, app: AppProcess, provider: FakeOpenAI, theme: str, tmp_path: Path
) -> None:
    provider.reset()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, color_scheme=theme
    )
    context.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
    page = context.new_page()
    try:
        chat = login(page, app)
        chat.set_image_creation(True, image_model="GPT Image 2")
        provider.queue_tool_call(
            "generate_image",
            {"prompt": "Sunset over mountains", "n": 2, "size": "1536x1024"},
        )
        provider.queue_text("Two sunsets, as asked.")
        chat.send("two sunsets over mountains, landscape")
        thumbs = page.locator(THUMBS)
        expect(thumbs).to_have_count(2, timeout=30_000)
        chat.wait_idle()
        gallery = page.get_by_test_id("image-gallery").last
        gallery.scroll_into_view_if_needed()
        gallery.screenshot(path=str(ARTIFACTS / f"app-gallery-{theme}.png"))

        # hover: the toolbar, and a PNG download of the original pixels named after the prompt
        thumbs.first.hover()
        toolbar = gallery.get_by_test_id("image-toolbar").first
        expect(toolbar).to_be_visible()
        gallery.screenshot(path=str(ARTIFACTS / f"app-gallery-toolbar-{theme}.png"))
        with page.expect_download() as info:
            toolbar.get_by_test_id("image-download-png").click()
        png = info.value
        assert png.suggested_filename == "sunset-over-mountains-1.png"
        png_path = tmp_path / f"{theme}.png"
        png.save_as(png_path)
        with Image.open(png_path) as image:
            assert image.format == "PNG" and image.size == (1536, 1024)

        # click: the viewer at full resolution, JPG download there, Escape closes
        thumbs.nth(1).click()
        viewer = page.get_by_test_id("image-fullscreen")
        expect(viewer).to_be_visible()
        full = viewer.get_by_test_id("image-full")
        page.wait_for_function(
            "el => el.complete && el.naturalWidth === 1536", arg=full.element_handle()
        )
        # let the overlay and the full image finish fading in before the screenshot
        page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running')"
        )
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"app-viewer-{theme}.png"))
        with page.expect_download() as info:
            viewer.get_by_test_id("image-download-jpg").click()
        jpg = info.value
        assert jpg.suggested_filename == "sunset-over-mountains-2.jpg"
        jpg_path = tmp_path / f"{theme}.jpg"
        jpg.save_as(jpg_path)
        with Image.open(jpg_path) as image:
            assert image.format == "JPEG" and image.size == (1536, 1024)
        page.keyboard.press("Escape")
        expect(viewer).to_have_count(0)
    finally:
        context.close()


def test_stop_keeps_the_made_images_and_shows_the_others_as_stopped(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    """Stop during a generation of 10: the 3 images already made stay, the 7 others say
    "Stopped" (no failure, no red), their requests are cancelled, and the conversation carries
    one "Stopped." note — not Chainlit's "Task manually stopped." as well."""
    provider.reset()
    chat = login(page, app)
    chat.set_image_creation(True, image_model="GPT Image 2")
    provider.hang("images", times=7)  # 7 requests never answer on their own; 3 do
    provider.queue_tool_call("generate_image", {"prompt": "a slow painting", "n": 10})
    chat.send("ten slow paintings")
    tiles = page.locator('[data-testid="image-thumbnail"]')
    expect(page.locator(THUMBS)).to_have_count(3, timeout=30_000)
    expect(tiles.and_(page.locator('[data-status="pending"]'))).to_have_count(7)
    in_flight = provider.requests_to("/v1/images/generations")
    assert len(in_flight) == 10 and sum(r.status is None for r in in_flight) == 7
    page.locator("#stop-button").click()
    stopped = page.locator('[data-testid="image-thumbnail"][data-status="stopped"]')
    expect(stopped).to_have_count(7, timeout=15_000)
    expect(page.locator(THUMBS)).to_have_count(3)
    expect(page.locator('[data-status="failed"]')).to_have_count(0)
    expect(page.get_by_text("Couldn’t create this image")).to_have_count(0)
    expect(stopped.first).to_contain_text("Stopped")
    expect(page.get_by_text("Stopped.", exact=True)).to_have_count(1)
    expect(page.get_by_text("3 of 10 images made")).to_be_visible()
    chat.wait_idle()
    page.wait_for_timeout(1000)  # Chainlit's own note would have arrived by now
    expect(page.get_by_text("Task manually stopped.")).to_have_count(0)
    chat.screenshot("stop-keeps-made-images")
    # the provider saw the 7 requests go away (its hang ends only on a disconnect or a release)
    assert all(r.status is not None for r in provider.requests_to("/v1/images/generations"))
    provider.clear_faults()
    chat.ask("still with me?", "Fake reply to: still with me?")
    expect(page.get_by_text("Task manually stopped.")).to_have_count(0)


# Models come and go: a conversation stored on retired models opens on their successors with a
# note, and a model near its shutdown carries a badge in the picker.


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
