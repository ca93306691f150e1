"""Take the README's screenshots of the real app on the offline demo (light and dark).

    .venv/bin/python scripts/readme_screenshots.py     # writes docs/screenshots/*.png

Uses the test harness (`tests/apprunner.py`, `tests/browser/chatpage.py`) and Debian's Chromium.
Look at every picture before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helpers

from tests.apprunner import ROOT, running_app
from tests.browser.chatpage import ChatPage
from tests.browser.conftest import CHROMIUM_ARGS

OUT = ROOT / "docs" / "screenshots"
ADMIN = {"ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "readme screenshots"}
THUMBS = '[data-testid="image-thumbnail"][data-status="ready"]'


def paint(page: Page, left: float, right: float, top: float) -> None:
    """A brush stroke across the image, in fractions of the canvas."""
    canvas = page.get_by_test_id("image-mask-canvas")
    expect(canvas).to_be_visible()
    page.wait_for_timeout(400)  # the viewer's layout settles after the form grows
    box = canvas.bounding_box()
    assert box is not None
    for row in (top, top + 0.05, top + 0.1):
        y = box["y"] + box["height"] * row
        page.mouse.move(box["x"] + box["width"] * left, y)
        page.mouse.down()
        for step in range(1, 21):
            x = left + (right - left) * step / 20
            page.mouse.move(box["x"] + box["width"] * x, y)
        page.mouse.up()


def session(page: Page, base: str, theme: str) -> None:
    chat = ChatPage(page, base)
    page.goto(base + "/login")
    page.screenshot(path=str(OUT / f"login-{theme}.png"))
    chat.login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])
    chat.set_image_creation(True)
    chat.send("Draw a red lighthouse at night")
    expect(page.locator(THUMBS)).to_have_count(1, timeout=60_000)
    chat.wait_idle(60_000)
    chat.send("Now three variations of a sailboat at sunset, watercolor style")
    expect(page.locator(THUMBS)).to_have_count(4, timeout=60_000)
    chat.wait_idle(60_000)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    page.get_by_test_id("image-gallery").last.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(OUT / f"chat-{theme}.png"))

    page.locator(THUMBS).first.click()
    expect(page.get_by_test_id("image-fullscreen")).to_be_visible()
    page.get_by_test_id("image-edit").last.click()
    page.get_by_test_id("image-edit-prompt").fill("make the sea golden")
    page.get_by_test_id("image-mask-toggle").click()
    paint(page, 0.05, 0.95, 0.72)
    page.screenshot(path=str(OUT / f"viewer-select-area-{theme}.png"))
    page.get_by_test_id("image-edit-submit").click()
    expect(page.locator(THUMBS)).to_have_count(5, timeout=60_000)
    page.keyboard.press("Escape")
    page.locator(THUMBS).last.click()
    expect(page.get_by_test_id("image-fullscreen")).to_be_visible()
    page.wait_for_timeout(800)
    page.screenshot(path=str(OUT / f"viewer-edited-area-{theme}.png"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for theme in ("light", "dark"):
            with running_app(Path(tmp) / theme, f"readme-{theme}", **ADMIN) as app:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, color_scheme=theme
                )
                context.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
                page = context.new_page()
                page.set_default_timeout(20_000)
                session(page, app.url, theme)
                context.close()
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
