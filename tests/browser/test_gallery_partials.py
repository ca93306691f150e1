"""Live previews in the ImageGallery element (public/elements/ImageGallery.jsx): a pending tile
whose props carry a `partial` shows that preview, then the final thumbnail once the image lands.

It runs the gallery harness (tests/browser/gallery_harness/app.py: 3 ready images, 1 pending,
1 failed) with one more message, written next to it at run time:
  "preview K [of N]"  the pending image gets live preview K (1-based; of N when N is given)
The harness' own messages still work ("update" makes the pending image ready, with no preview).
GET /api/harness/previews lists the previews' data URLs, 1..3 in order.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.apprunner import ARTIFACTS, ROOT, AppProcess, app_env

HARNESS = Path(__file__).resolve().parent / "gallery_harness"
SCREENSHOT = Path("/tmp/partial.png")

APP = '''
"""The gallery harness plus live previews of its pending image (see {test})."""

import base64
import importlib.util
import io
import sys

import chainlit as cl
from chainlit.server import app
from fastapi.routing import APIRoute
from PIL import ImageFilter

_spec = importlib.util.spec_from_file_location("gallery_harness_app", {harness!r})
harness = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = harness
_spec.loader.exec_module(harness)


def _preview(k: int) -> str:
    """Preview k of 3: the pending image, small and blurred (less for each k)."""
    img = harness._draw(harness.PENDING)
    img.thumbnail((harness.THUMB_SIDE, harness.THUMB_SIDE))
    img = img.filter(ImageFilter.GaussianBlur(24 / k)).convert("RGB")
    out = io.BytesIO()
    img.save(out, "WEBP", quality=70)
    return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode()


PREVIEWS = [_preview(k) for k in (1, 2, 3)]


async def previews() -> list[str]:
    return PREVIEWS


app.router.routes[0:0] = [APIRoute("/api/harness/previews", previews, methods=["GET"])]
_harness_on_message = harness.on_message


@cl.on_message
async def on_message(message: cl.Message) -> None:
    words = message.content.strip().lower().split()
    if len(words) in (2, 4) and words[0] == "preview" and words[1].isdigit():
        k = int(words[1])
        element = cl.user_session.get("gallery")
        props = harness.gallery_props(harness.MAIN)
        pending = next(i for i in props["images"] if i["status"] == "pending")
        pending.update(partial=PREVIEWS[k - 1], partial_index=k - 1)
        if len(words) == 4:
            pending["partial_total"] = int(words[3])
        element.props = props
        await element.update()
        await cl.Message(content=f"Preview {{k}} sent.").send()
    else:
        await _harness_on_message(message)
'''


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    """The harness app with the "preview" message, in an app root of its own (as in
    test_gallery_element.py: Chainlit deletes APP_ROOT/.files when it stops)."""
    ARTIFACTS.mkdir(exist_ok=True)
    data_dir = tmp_path_factory.mktemp("gallery-partials")
    root = data_dir / "app-root"
    root.mkdir()
    (root / ".chainlit").mkdir()
    (root / ".chainlit" / "config.toml").symlink_to(HARNESS / ".chainlit" / "config.toml")
    (root / ".chainlit" / "translations").symlink_to(ROOT / ".chainlit" / "translations")
    (root / "public").symlink_to(ROOT / "public")
    (root / "chainlit.md").symlink_to(HARNESS / "chainlit.md")
    (root / "app.py").write_text(
        APP.format(harness=str(HARNESS / "app.py"), test=Path(__file__).name)
    )
    env = {**app_env(data_dir), "CHAINLIT_APP_ROOT": str(root)}
    h = AppProcess(env, ARTIFACTS / "app-gallery-partials.log", cwd=root)
    h.start()
    try:
        yield h
    finally:
        h.stop()


def say(page: Page, text: str, answer: str) -> None:
    page.locator("#chat-input").fill(text)
    page.keyboard.press("Enter")
    expect(page.get_by_text(answer, exact=True).last).to_be_visible()


def pending_tile(gallery: Locator) -> Locator:
    """The fourth tile: pending (with no id) until "update"."""
    return gallery.locator(".icg-tile").nth(3)


def test_a_pending_tile_shows_its_live_preview_then_the_final_thumbnail(
    page: Page, harness: AppProcess
) -> None:
    previews = httpx.get(f"{harness.url}/api/harness/previews", timeout=5).json()
    page.goto(harness.url)
    gallery = page.get_by_test_id("image-gallery").first
    expect(gallery).to_be_visible(timeout=30_000)
    expect(gallery.get_by_test_id("image-thumbnail")).to_have_count(5)
    tile = pending_tile(gallery)
    button = tile.get_by_test_id("image-thumbnail")
    expect(button).to_have_attribute("data-status", "pending")
    expect(gallery.locator('[data-partial="true"]')).to_have_count(0)
    expect(tile).to_contain_text("Creating")

    # the first preview: shown in the pending tile, filling it like a thumbnail
    say(page, "preview 1", "Preview 1 sent.")
    expect(tile).to_have_attribute("data-partial", "true")
    expect(gallery.locator('[data-partial="true"]')).to_have_count(1)
    preview = tile.get_by_test_id("image-partial")
    expect(preview).to_have_attribute("src", previews[0])
    expect(preview).to_have_attribute("alt", "Preview of image 4")
    expect(tile).to_contain_text("Preview 1")
    expect(tile).not_to_contain_text("Creating")
    expect(button).to_have_attribute("data-status", "pending")
    expect(button).to_have_attribute("aria-label", re.compile(r"^Creating image \(Preview 1\)"))
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=preview.element_handle(), timeout=10_000
    )
    img_box, tile_box = preview.bounding_box(), button.bounding_box()
    assert img_box is not None and tile_box is not None
    assert img_box["width"] == pytest.approx(tile_box["width"], abs=1)
    assert img_box["height"] == pytest.approx(tile_box["height"], abs=1)
    assert preview.evaluate("el => getComputedStyle(el).objectFit") == "cover"
    expect(tile.get_by_test_id("image-toolbar")).to_have_count(0)  # not an image yet

    # a sharper one replaces it, with the count when the props know it
    say(page, "preview 2 of 3", "Preview 2 sent.")
    expect(preview).to_have_attribute("src", previews[1])
    expect(tile).to_contain_text("Preview 2/3")
    expect(tile.get_by_test_id("image-partial")).to_have_count(1)
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=preview.element_handle(), timeout=10_000
    )
    tile.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # the fade-in
    page.screenshot(path=str(SCREENSHOT))
    tile.screenshot(path=str(SCREENSHOT.with_name("partial-tile.png")))

    # the image lands: the final thumbnail, and no preview left
    say(page, "update", "Updated.")
    expect(button).to_have_attribute("data-status", "ready")
    expect(gallery.locator('[data-partial="true"]')).to_have_count(0)
    expect(gallery.get_by_test_id("image-partial")).to_have_count(0)
    final = button.locator("img")
    expect(final).to_have_count(1)
    expect(final).to_have_attribute("src", re.compile(r"^data:image/webp;base64,"))
    assert final.get_attribute("src") not in previews
    expect(final).to_have_attribute("alt", "A tall golden wheat field under a summer sky")
    expect(tile).not_to_contain_text("Preview")
