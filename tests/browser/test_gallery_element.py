"""The ImageGallery custom element (public/elements/ImageGallery.jsx) in a real browser.

It runs in a tiny Chainlit app of its own (tests/browser/gallery_harness), which sends one message
with 3 ready images, 1 pending and 1 failed, serves full images at /api/images/{id}, answers the
gallery's image actions (image_variations, image_edit) with a message and lists the calls it got at
/api/harness/actions.
"""

import base64
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.apprunner import ARTIFACTS, ROOT, AppProcess, app_env

HARNESS = Path(__file__).resolve().parent / "gallery_harness"

SUNSET = "11111111-1111-4111-8111-111111111111"  # 1024x1024, revised prompt, style, cost
LAKE = "22222222-2222-4222-8222-222222222222"  # 1536x1024, edited from SUNSET
TOWER = "33333333-3333-4333-8333-333333333333"  # 1024x1536, 61.3 s, a variation of SUNSET
PENDING = "44444444-4444-4444-8444-444444444444"  # 1024x1792; no id in the props until ready
FAILED = "55555555-5555-4555-8555-555555555555"
READY = [SUNSET, LAKE, TOWER]
FULL_SIZE = {SUNSET: (1024, 1024), LAKE: (1536, 1024), TOWER: (1024, 1536)}


def harness_app(data_dir: Path) -> AppProcess:
    """The harness app, with an app root of its own.

    Chainlit keeps uploads in APP_ROOT/.files and deletes that folder when it stops, so each run
    gets an app root of its own (links to the harness' config and chainlit.md, and to the app's
    own translations and public/): runs side by side cannot pull the folder from under each other.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    root = data_dir / "app-root"
    root.mkdir()
    (root / ".chainlit").mkdir()
    (root / ".chainlit" / "config.toml").symlink_to(HARNESS / ".chainlit" / "config.toml")
    (root / ".chainlit" / "translations").symlink_to(ROOT / ".chainlit" / "translations")
    (root / "public").symlink_to(ROOT / "public")
    (root / "chainlit.md").symlink_to(HARNESS / "chainlit.md")
    env = {**app_env(data_dir), "CHAINLIT_APP_ROOT": str(root)}
    return AppProcess(env, ARTIFACTS / "app-gallery-harness.log", cwd=HARNESS)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    h = harness_app(tmp_path_factory.mktemp("gallery"))
    h.start()
    try:
        yield h
    finally:
        h.stop()


# ------------------------------------------------------------------ helpers


def open_gallery(page: Page, harness: AppProcess) -> Locator:
    page.goto(harness.url)
    gallery = page.get_by_test_id("image-gallery").first
    expect(gallery).to_be_visible(timeout=30_000)
    expect(gallery.get_by_test_id("image-thumbnail")).to_have_count(5)
    return gallery


def thumb(gallery: Locator, image_id: str) -> Locator:
    return gallery.locator(f'[data-testid="image-thumbnail"][data-image-id="{image_id}"]')


def tile(gallery: Locator, image_id: str) -> Locator:
    return gallery.locator(f'.icg-tile[data-image-id="{image_id}"]')


def fourth(gallery: Locator) -> Locator:
    """The pending image's tile button: it has no id until it is ready."""
    return gallery.get_by_test_id("image-thumbnail").nth(3)


def viewer(page: Page) -> Locator:
    return page.get_by_test_id("image-fullscreen")


def wait_full_image(page: Page, image_id: str) -> None:
    expect(viewer(page)).to_have_attribute("data-image-id", image_id)
    full = viewer(page).get_by_test_id("image-full")
    expect(full).to_have_attribute("src", f"/api/images/{image_id}?format=png")
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=full.element_handle(), timeout=10_000
    )
    w, h = full.evaluate("el => [el.naturalWidth, el.naturalHeight]")
    assert (w, h) == FULL_SIZE[image_id]
    expect(full).to_have_class("icg-frame-full is-loaded")


def active_image_id(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.imageId")


def actions(harness: AppProcess) -> list[dict]:
    """The image actions the harness got so far, oldest first: [{"name", "payload"}]."""
    return httpx.get(f"{harness.url}/api/harness/actions", timeout=5).json()


def say(page: Page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.keyboard.press("Enter")


def active_testid(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.testid")


def toast(page: Page, title: str) -> Locator:
    return page.locator("[data-sonner-toast]").filter(has_text=title)


def new_context(browser: Browser, theme: str, width: int, height: int) -> BrowserContext:
    ctx = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, color_scheme=theme
    )
    ctx.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
    return ctx


# ------------------------------------------------------------------ the gallery


def test_tiles_show_thumbnails_with_right_aspect_ratios(page: Page, harness: AppProcess) -> None:
    image_requests: list[str] = []
    page.on("request", lambda r: image_requests.append(r.url) if "/api/images/" in r.url else None)
    gallery = open_gallery(page, harness)

    expect(gallery).to_contain_text("5 images · GPT Image 1")
    expect(gallery).to_contain_text("Size 1792x1024 is not available on GPT Image 1")
    statuses = gallery.get_by_test_id("image-thumbnail").evaluate_all(
        "els => els.map(e => [e.dataset.imageId, e.dataset.status])"
    )
    assert statuses == [
        [SUNSET, "ready"],
        [LAKE, "ready"],
        [TOWER, "ready"],
        [None, "pending"],
        [FAILED, "failed"],
    ]
    for image_id in READY:
        img = thumb(gallery, image_id).locator("img")
        assert img.get_attribute("src").startswith("data:image/webp;base64,")
    sunset = thumb(gallery, SUNSET).locator("img")
    expect(sunset).to_have_attribute("alt", "A sunset over mountains")

    # every tile, the placeholder included, has its image's aspect ratio
    sizes = {**FULL_SIZE, FAILED: (1024, 1024)}
    tiles = [*(thumb(gallery, image_id) for image_id in sizes), fourth(gallery)]
    for button, (w, h) in zip(tiles, [*sizes.values(), (1024, 1792)], strict=True):
        box = button.bounding_box()
        assert box is not None
        assert box["width"] / box["height"] == pytest.approx(w / h, rel=0.03)

    expect(fourth(gallery)).to_have_attribute("aria-label", re.compile("^Creating image"))
    expect(fourth(gallery)).to_contain_text("Creating")
    expect(thumb(gallery, FAILED)).to_contain_text("Couldn’t create this image")
    expect(thumb(gallery, FAILED)).to_contain_text("content policy")
    # no toolbar on tiles that have no image
    expect(gallery.locator(".icg-tile-pending").get_by_test_id("image-toolbar")).to_have_count(0)
    expect(tile(gallery, FAILED).get_by_test_id("image-toolbar")).to_have_count(0)
    # thumbnails come from the props: no full image was fetched
    page.wait_for_timeout(300)
    assert image_requests == []


def test_hover_shows_the_toolbar(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    toolbar = tile(gallery, SUNSET).get_by_test_id("image-toolbar")
    expect(toolbar).to_be_hidden()
    thumb(gallery, SUNSET).hover()
    expect(toolbar).to_be_visible()
    for testid in (
        "image-open-fullscreen",
        "image-download-png",
        "image-download-jpg",
        "image-copy-prompt",
        "image-info-toggle",
    ):
        expect(toolbar.get_by_test_id(testid)).to_be_visible()
    page.mouse.move(5, 5)
    expect(toolbar).to_be_hidden()


def test_keyboard_focus_shows_the_toolbar_and_enter_opens(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).focus()
    # Tab from the first thumbnail walks through its toolbar to the next thumbnail
    for _ in range(8):
        page.keyboard.press("Tab")
        if active_image_id(page) == LAKE:
            break
    assert active_image_id(page) == LAKE
    toolbar = tile(gallery, LAKE).get_by_test_id("image-toolbar")
    expect(toolbar).to_be_visible()
    expect(tile(gallery, SUNSET).get_by_test_id("image-toolbar")).to_be_hidden()
    # Tab walks into the toolbar
    page.keyboard.press("Tab")
    expect(toolbar.get_by_test_id("image-open-fullscreen")).to_be_focused()
    expect(toolbar).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    wait_full_image(page, LAKE)
    page.keyboard.press("Escape")
    expect(viewer(page)).to_have_count(0)
    assert active_image_id(page) == LAKE
    page.keyboard.press(" ")
    expect(viewer(page)).to_be_visible()


def test_click_opens_the_full_image_and_escape_or_outside_click_closes(
    page: Page, harness: AppProcess
) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).click()
    expect(viewer(page)).to_be_visible()
    # the blurred thumbnail sits under the full image
    expect(viewer(page).locator("img.icg-frame-thumb")).to_have_attribute(
        "src", thumb(gallery, SUNSET).locator("img").get_attribute("src")
    )
    wait_full_image(page, SUNSET)
    page.keyboard.press("Escape")
    expect(viewer(page)).to_have_count(0)
    assert active_image_id(page) == SUNSET

    # the toolbar's full-screen button, then a click beside the image
    thumb(gallery, SUNSET).hover()
    tile(gallery, SUNSET).get_by_test_id("image-open-fullscreen").click()
    wait_full_image(page, SUNSET)
    frame = viewer(page).locator(".icg-frame").bounding_box()
    assert frame is not None
    page.mouse.click(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    expect(viewer(page)).to_be_visible()  # a click on the image itself keeps it open
    page.mouse.click(frame["x"] / 2, frame["y"] + 30)
    expect(viewer(page)).to_have_count(0)
    assert active_image_id(page) == SUNSET

    # and the close button
    thumb(gallery, SUNSET).click()
    viewer(page).get_by_test_id("image-fullscreen-close").click()
    expect(viewer(page)).to_have_count(0)


def test_arrows_and_buttons_move_between_ready_images(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).click()
    wait_full_image(page, SUNSET)
    counter = viewer(page).locator(".icg-counter")
    expect(counter).to_have_text("1 / 3")

    page.keyboard.press("ArrowRight")
    wait_full_image(page, LAKE)
    expect(counter).to_have_text("2 / 3")
    page.keyboard.press("ArrowRight")
    wait_full_image(page, TOWER)
    page.keyboard.press("ArrowRight")  # wraps around; pending/failed images are skipped
    wait_full_image(page, SUNSET)
    page.keyboard.press("ArrowLeft")
    wait_full_image(page, TOWER)

    viewer(page).get_by_test_id("image-next").click()
    wait_full_image(page, SUNSET)
    viewer(page).get_by_test_id("image-next").click()
    wait_full_image(page, LAKE)
    viewer(page).get_by_test_id("image-prev").click()
    wait_full_image(page, SUNSET)
    viewer(page).get_by_test_id("image-prev").click()
    wait_full_image(page, TOWER)

    # closing gives focus back to the thumbnail of the image shown last
    page.keyboard.press("Escape")
    expect(viewer(page)).to_have_count(0)
    assert active_image_id(page) == TOWER


def test_focus_stays_in_the_viewer(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).click()
    expect(viewer(page)).to_be_visible()
    inside = "() => !!document.activeElement.closest('[data-testid=image-fullscreen]')"
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    expect(viewer(page)).to_have_attribute("aria-modal", "true")


def test_info_panel_shows_the_details(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).click()
    expect(viewer(page)).to_be_visible()
    info = viewer(page).get_by_test_id("image-info")
    if info.count():  # the panel remembers its last state; start closed
        viewer(page).get_by_test_id("image-info-toggle").click()
    expect(info).to_have_count(0)

    viewer(page).get_by_test_id("image-info-toggle").click()
    expect(info).to_be_visible()
    expect(info.get_by_test_id("image-prompt")).to_have_text("A sunset over mountains")
    expect(info.get_by_test_id("image-revised-prompt")).to_have_text(
        "A vivid sunset over jagged mountains, warm orange sky fading to violet"
    )
    for text in ("GPT Image 1", "1024 × 1024", "High", "Watercolor", "$0.167", "5.2 s"):
        expect(info).to_contain_text(text)
    expect(info.get_by_test_id("image-lineage")).to_have_count(0)

    page.keyboard.press("ArrowRight")  # the panel stays open and follows the image
    expect(info).to_contain_text("$0.250")
    expect(info).to_contain_text("7.4 s")
    lineage = info.get_by_test_id("image-lineage")
    expect(lineage).to_contain_text("Edited from")
    expect(lineage).to_contain_text("A sunset over mountains")
    lineage.get_by_role("button").click()
    expect(viewer(page)).to_have_attribute("data-image-id", SUNSET)

    page.keyboard.press("ArrowLeft")
    expect(info).to_contain_text("$0.040")
    expect(info).to_contain_text("1 min 1 s")
    expect(info.get_by_test_id("image-revised-prompt")).to_have_count(0)
    # an image's own `lineage` label replaces "Edited from"
    expect(lineage).to_contain_text("Variation of A sunset over mountains")
    expect(lineage).not_to_contain_text("Edited from")

    page.keyboard.press("i")
    expect(info).to_have_count(0)
    page.keyboard.press("i")
    expect(info).to_be_visible()
    page.keyboard.press("i")
    page.keyboard.press("Escape")

    # the toolbar's info button opens the viewer with the panel
    thumb(gallery, LAKE).hover()
    tile(gallery, LAKE).get_by_test_id("image-info-toggle").click()
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)
    expect(info).to_contain_text("A calm teal lake at dawn with mist over the water")


def _check_download(page: Page, link: Locator, filename: str, fmt: str, size: tuple) -> None:
    expect(link).to_have_attribute("download", filename)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == filename
    path = download.path()
    with Image.open(io.BytesIO(Path(path).read_bytes())) as img:
        assert img.format == fmt
        assert img.size == size


def test_downloads_from_toolbar_and_viewer(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    toolbar = tile(gallery, SUNSET).get_by_test_id("image-toolbar")
    thumb(gallery, SUNSET).hover()
    png = toolbar.get_by_test_id("image-download-png")
    expect(png).to_have_attribute("href", f"/api/images/{SUNSET}?format=png")
    _check_download(page, png, "sunset-over-mountains.png", "PNG", (1024, 1024))
    thumb(gallery, SUNSET).hover()
    jpg = toolbar.get_by_test_id("image-download-jpg")
    _check_download(page, jpg, "sunset-over-mountains.jpg", "JPEG", (1024, 1024))

    thumb(gallery, LAKE).click()
    wait_full_image(page, LAKE)
    _check_download(
        page,
        viewer(page).get_by_test_id("image-download-png"),
        "calm-teal-lake.png",
        "PNG",
        (1536, 1024),
    )
    _check_download(
        page,
        viewer(page).get_by_test_id("image-download-jpg"),
        "calm-teal-lake.jpg",
        "JPEG",
        (1536, 1024),
    )
    expect(viewer(page)).to_be_visible()  # downloading does not close the viewer


def test_copy_prompt_shows_copied(page: Page, harness: AppProcess) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=harness.url)
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).hover()
    toolbar = tile(gallery, SUNSET).get_by_test_id("image-toolbar")
    toolbar.get_by_test_id("image-copy-prompt").click()
    expect(toolbar.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "A sunset over mountains"
    expect(toolbar.get_by_role("status")).to_have_count(0, timeout=5_000)

    # and from the viewer's info panel
    thumb(gallery, TOWER).click()
    info = viewer(page).get_by_test_id("image-info")
    if not info.count():
        page.keyboard.press("i")
    info.get_by_test_id("image-copy-prompt").click()
    expect(info.get_by_test_id("image-copy-prompt")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "A lighthouse on a cliff at night"


def test_live_props_update_turns_the_pending_tile_ready(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    expect(fourth(gallery)).to_have_attribute("data-status", "pending")
    expect(fourth(gallery)).not_to_have_attribute("data-image-id", re.compile("."))
    page.locator("#chat-input").fill("update")
    page.keyboard.press("Enter")
    expect(fourth(gallery)).to_have_attribute("data-status", "ready", timeout=10_000)
    expect(fourth(gallery)).to_have_attribute("data-image-id", PENDING)
    img = thumb(gallery, PENDING).locator("img")
    expect(img).to_have_attribute("alt", "A tall golden wheat field under a summer sky")
    assert img.get_attribute("src").startswith("data:image/webp;base64,")
    box = thumb(gallery, PENDING).bounding_box()
    assert box is not None
    assert box["width"] / box["height"] == pytest.approx(1024 / 1792, rel=0.03)
    expect(gallery).to_contain_text("4 ready")
    thumb(gallery, PENDING).click()
    expect(viewer(page)).to_have_attribute("data-image-id", PENDING)
    expect(viewer(page).locator(".icg-counter")).to_have_text("4 / 4")


def test_viewer_stays_open_through_a_live_update(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    page.locator("#chat-input").fill("update later")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Will update soon.")).to_be_visible()
    thumb(gallery, LAKE).click()
    wait_full_image(page, LAKE)
    counter = viewer(page).locator(".icg-counter")
    expect(counter).to_have_text("2 / 3")
    expect(counter).to_have_text("2 / 4", timeout=10_000)  # the element was re-rendered
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)
    assert page.evaluate("() => !!document.activeElement.closest('[data-testid=image-fullscreen]')")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(viewer(page)).to_have_attribute("data-image-id", PENDING)


# ------------------------------------------------------------------ variations and edit


def test_variations_from_the_toolbar_calls_the_action_with_a_pending_state(
    page: Page, harness: AppProcess
) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).hover()
    toolbar = tile(gallery, SUNSET).get_by_test_id("image-toolbar")
    button = toolbar.get_by_test_id("image-variations")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Variations")
    expect(toolbar.get_by_test_id("image-edit")).to_be_visible()
    expect(button).to_have_text("")  # icon only in the toolbar, the name is in aria-label
    # not on tiles that have no image
    expect(gallery.locator(".icg-tile-pending").get_by_test_id("image-variations")).to_have_count(0)
    expect(tile(gallery, FAILED).get_by_test_id("image-edit")).to_have_count(0)

    before = len(actions(harness))
    button.click()
    # pending until the action callback returns: disabled, a spinner, and it stays on screen
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_be_disabled()
    expect(button.locator(".icg-spin")).to_have_count(1)
    button.click(force=True)  # a second click while pending sends nothing
    page.mouse.move(5, 5)
    expect(toolbar).to_be_hidden()
    expect(button).to_be_visible()
    expect(page.get_by_text(f"variations of {SUNSET}")).to_be_visible(timeout=10_000)
    expect(button).to_be_enabled()
    expect(button.locator(".icg-spin")).to_have_count(0)
    expect(button).to_be_hidden()  # the pill goes with the toolbar again
    assert actions(harness)[before:] == [
        {"name": "image_variations", "payload": {"image_id": SUNSET}}
    ]


def test_variations_from_the_viewer(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, LAKE).click()
    wait_full_image(page, LAKE)
    button = viewer(page).get_by_test_id("image-variations")
    expect(button).to_have_text("Variations")
    expect(viewer(page).get_by_test_id("image-edit")).to_have_text("Edit")

    before = len(actions(harness))
    button.click()
    expect(button).to_be_disabled()
    expect(button.locator(".icg-spin")).to_have_count(1)
    expect(page.get_by_text(f"variations of {LAKE}")).to_be_attached(timeout=10_000)
    expect(button).to_be_enabled()
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)  # the viewer stays open
    assert actions(harness)[before:] == [
        {"name": "image_variations", "payload": {"image_id": LAKE}}
    ]


def test_edit_from_the_viewer_sends_the_prompt_and_closes(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    thumb(gallery, SUNSET).click()
    wait_full_image(page, SUNSET)
    form = viewer(page).get_by_test_id("image-edit-form")
    expect(form).to_have_count(0)
    edit = viewer(page).get_by_test_id("image-edit")
    expect(edit).to_have_attribute("aria-expanded", "false")
    edit.click()
    prompt = form.get_by_test_id("image-edit-prompt")
    submit = form.get_by_test_id("image-edit-submit")
    expect(prompt).to_be_focused()
    expect(prompt).to_have_attribute("placeholder", "Describe the change, e.g. make it brighter")
    expect(edit).to_have_attribute("aria-expanded", "true")

    # an empty (or blank) prompt cannot be sent
    before = len(actions(harness))
    expect(submit).to_be_disabled()
    prompt.fill("   ")
    expect(submit).to_be_disabled()
    page.keyboard.press("Enter")
    expect(form).to_be_visible()
    prompt.fill("x")
    expect(submit).to_be_enabled()
    prompt.fill("")
    expect(submit).to_be_disabled()
    assert len(actions(harness)) == before

    # the bar sits below the image, which shrank to make room
    frame = viewer(page).locator(".icg-frame").bounding_box()
    bar = form.bounding_box()
    assert frame is not None and bar is not None
    assert frame["y"] + frame["height"] <= bar["y"]

    prompt.press_sequentially("make it brighter  ")
    page.keyboard.press("Enter")
    expect(viewer(page)).to_have_count(0)
    expect(page.get_by_text(f"edit {SUNSET}: make it brighter")).to_be_visible(timeout=10_000)
    assert actions(harness)[before:] == [
        {"name": "image_edit", "payload": {"image_id": SUNSET, "prompt": "make it brighter"}}
    ]
    assert active_image_id(page) == SUNSET  # focus went back to the thumbnail


def test_edit_from_the_toolbar_opens_the_form_and_escape_cancels_it_first(
    page: Page, harness: AppProcess
) -> None:
    gallery = open_gallery(page, harness)
    before = len(actions(harness))
    thumb(gallery, LAKE).hover()
    tile(gallery, LAKE).get_by_test_id("image-edit").click()
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)
    form = viewer(page).get_by_test_id("image-edit-form")
    expect(form.get_by_test_id("image-edit-prompt")).to_be_focused()
    page.keyboard.type("a red boat")
    page.keyboard.press("ArrowLeft")  # moves the caret, not the viewer
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)

    page.keyboard.press("Escape")  # the form first ...
    expect(form).to_have_count(0)
    expect(viewer(page)).to_be_visible()
    expect(viewer(page).get_by_test_id("image-edit")).to_be_focused()
    page.keyboard.press("Escape")  # ... then the viewer
    expect(viewer(page)).to_have_count(0)
    assert active_image_id(page) == LAKE

    # the Cancel button, and a click beside the image, close the form and keep the viewer
    thumb(gallery, LAKE).click()
    viewer(page).get_by_test_id("image-edit").click()
    form.get_by_test_id("image-edit-cancel").click()
    expect(form).to_have_count(0)
    viewer(page).get_by_test_id("image-edit").click()
    expect(form).to_be_visible()
    page.mouse.click(24, 160)
    expect(form).to_have_count(0)
    expect(viewer(page)).to_be_visible()
    page.mouse.click(24, 160)
    expect(viewer(page)).to_have_count(0)
    assert len(actions(harness)) == before


def test_keyboard_shortcuts_and_tab_reach_the_actions(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)

    # the gallery: Tab walks from a thumbnail through its toolbar to Variations and Edit
    thumb(gallery, SUNSET).focus()
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(active_testid(page))
        if seen[-1] == "image-variations":
            break
    assert seen[-1] == "image-variations"
    before = len(actions(harness))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"variations of {SUNSET}")).to_be_visible(timeout=10_000)
    assert active_testid(page) == "image-variations"  # the focus stayed through the pending state
    page.keyboard.press("Tab")
    assert active_testid(page) == "image-edit"
    page.keyboard.press("Enter")
    expect(viewer(page).get_by_test_id("image-edit-prompt")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(viewer(page)).to_have_count(0)

    # the viewer: both are in the Tab order ...
    thumb(gallery, TOWER).click()
    wait_full_image(page, TOWER)
    reached = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.add(active_testid(page))
    assert {"image-variations", "image-edit"} <= reached

    # ... and v / e are their keys
    page.mouse.move(640, 450)
    page.keyboard.press("v")
    expect(viewer(page).get_by_test_id("image-variations")).to_be_disabled()
    expect(page.get_by_text(f"variations of {TOWER}")).to_be_attached(timeout=10_000)
    page.keyboard.press("e")
    prompt = viewer(page).get_by_test_id("image-edit-prompt")
    expect(prompt).to_be_focused()
    expect(prompt).to_have_value("")  # the "e" did not land in the input
    info_state = viewer(page).get_attribute("data-info")
    page.keyboard.type("give it more blue, and a vivid glow")  # v, e and i are text here
    expect(prompt).to_have_value("give it more blue, and a vivid glow")
    expect(viewer(page)).to_have_attribute("data-info", info_state or "")
    expect(viewer(page).get_by_test_id("image-variations")).to_be_enabled()
    page.keyboard.press("Enter")
    expect(viewer(page)).to_have_count(0)
    expect(page.get_by_text(f"edit {TOWER}: give it more blue, and a vivid glow")).to_be_visible(
        timeout=10_000
    )
    assert actions(harness)[before:] == [
        {"name": "image_variations", "payload": {"image_id": SUNSET}},
        {"name": "image_variations", "payload": {"image_id": TOWER}},
        {
            "name": "image_edit",
            "payload": {"image_id": TOWER, "prompt": "give it more blue, and a vivid glow"},
        },
    ]


def test_failed_actions_show_a_toast(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    say(page, "fail actions")
    expect(page.get_by_text("Actions will fail.")).to_be_visible()

    # the callback answered {"error": ...}
    thumb(gallery, SUNSET).hover()
    button = tile(gallery, SUNSET).get_by_test_id("image-variations")
    button.click()
    failed = toast(page, "Couldn’t make variations")
    expect(failed).to_be_visible(timeout=10_000)
    expect(failed).to_contain_text("The image service is busy right now.")
    expect(failed.get_by_role("button", name="Try again")).to_be_visible()
    expect(button).to_be_enabled()

    thumb(gallery, LAKE).click()
    page.keyboard.press("e")
    page.keyboard.type("add a boat")
    page.keyboard.press("Enter")
    expect(viewer(page)).to_have_count(0)
    failed = toast(page, "Couldn’t edit the image")
    expect(failed).to_be_visible(timeout=10_000)
    expect(failed).to_contain_text("The image service is busy right now.")
    page.wait_for_timeout(400)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gallery-action-failed.png"))

    # the request did not get through at all
    page.route("**/project/action", lambda route: route.abort())
    thumb(gallery, TOWER).hover()
    tile(gallery, TOWER).get_by_test_id("image-variations").click()
    failed = toast(page, "Couldn’t make variations").filter(has_text="could not be reached")
    expect(failed).to_be_visible(timeout=10_000)
    expect(tile(gallery, TOWER).get_by_test_id("image-variations")).to_be_enabled()


# ------------------------------------------------------------------ edit: "Select area" (mask)


def open_edit_form(page: Page, gallery: Locator, image_id: str) -> Locator:
    """The viewer on `image_id` (details hidden) with its Edit form open; returns the form."""
    thumb(gallery, image_id).click()
    wait_full_image(page, image_id)
    if viewer(page).get_by_test_id("image-info").count():
        page.keyboard.press("i")
    viewer(page).get_by_test_id("image-edit").click()
    form = viewer(page).get_by_test_id("image-edit-form")
    expect(form.get_by_test_id("image-edit-prompt")).to_be_focused()
    return form


def settled_box(locator: Locator) -> dict:
    """The bounding box once it stopped moving (the frame eases to its new size)."""
    last = None
    for _ in range(40):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        locator.page.wait_for_timeout(80)
    raise AssertionError(f"{locator} kept moving: {last}")


def image_rect(page: Page) -> dict:
    """Where the full image is drawn: the img is scaled to fit its box (object-fit: contain)."""
    return (
        viewer(page)
        .get_by_test_id("image-full")
        .evaluate(
            """el => {
            const r = el.getBoundingClientRect();
            const s = Math.min(r.width / el.naturalWidth, r.height / el.naturalHeight);
            const w = el.naturalWidth * s, h = el.naturalHeight * s;
            return { x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h };
        }"""
        )
    )


def mask_mode(page: Page, form: Locator) -> Locator:
    """Turns "Select area" on; returns the canvas, once it lies over the image."""
    toggle = form.get_by_test_id("image-mask-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    canvas = viewer(page).get_by_test_id("image-mask-canvas")
    expect(canvas).to_be_visible()
    assert_over_image(page, canvas)
    return canvas


def assert_over_image(page: Page, canvas: Locator) -> dict:
    box = settled_box(canvas)
    rect = image_rect(page)
    for key in ("x", "y", "width", "height"):
        assert box[key] == pytest.approx(rect[key], abs=0.75), (key, box, rect)
    return box


def drag(page: Page, canvas: Locator, points: list[tuple[float, float]]) -> None:
    """A mouse stroke through `points`, given as fractions of the canvas' width and height."""
    box = canvas.bounding_box()
    assert box is not None
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def painted(canvas: Locator) -> int:
    """How many pixels of the overlay canvas are painted."""
    return canvas.evaluate(
        """c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }"""
    )


def submit_edit(page: Page, harness: AppProcess, form: Locator, image_id: str, text: str) -> dict:
    """Types the prompt, applies the edit and returns the payload the action callback got."""
    before = len(actions(harness))
    form.get_by_test_id("image-edit-prompt").fill(text)
    form.get_by_test_id("image-edit-submit").click()
    expect(viewer(page)).to_have_count(0)
    expect(page.get_by_text(f"edit {image_id}: {text}")).to_be_visible(timeout=10_000)
    got = actions(harness)[before:]
    assert [a["name"] for a in got] == ["image_edit"]
    return got[0]["payload"]


def decode_mask(data_url: str, size: tuple[int, int]) -> Image.Image:
    prefix = "data:image/png;base64,"
    assert data_url.startswith(prefix)
    mask = Image.open(io.BytesIO(base64.b64decode(data_url[len(prefix) :], validate=True)))
    assert mask.format == "PNG"
    assert mask.mode in ("RGBA", "LA")
    assert mask.size == size
    return mask


@pytest.mark.parametrize("image_id", [SUNSET, LAKE])
def test_select_area_sends_a_mask_at_the_image_size(
    page: Page, harness: AppProcess, image_id: str
) -> None:
    gallery = open_gallery(page, harness)
    form = open_edit_form(page, gallery, image_id)
    hint = form.get_by_test_id("image-mask-hint")
    expect(hint).to_have_count(0)
    canvas = mask_mode(page, form)
    expect(hint).to_have_text("Paint over the part to change")
    expect(canvas).to_have_css("touch-action", "none")
    assert painted(canvas) == 0
    drag(page, canvas, [(0.2, 0.5), (0.6, 0.5)])
    assert painted(canvas) > 0
    expect(viewer(page)).to_be_visible()  # painting is no click outside
    expect(form).to_be_visible()
    expect(viewer(page)).to_have_attribute("data-image-id", image_id)

    payload = submit_edit(page, harness, form, image_id, "turn it into a river")
    assert set(payload) == {"image_id", "prompt", "mask"}
    assert payload["image_id"] == image_id
    assert payload["prompt"] == "turn it into a river"
    w, h = FULL_SIZE[image_id]
    alpha = decode_mask(payload["mask"], (w, h)).getchannel("A")
    for fx in (0.2, 0.3, 0.4, 0.5, 0.6):  # along the drag path: the area to edit
        assert alpha.getpixel((round(fx * w), round(0.5 * h))) == 0, fx
    for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w // 2, h // 8)):
        assert alpha.getpixel((x, y)) == 255, (x, y)  # far from it: kept
    hist = alpha.histogram()
    assert hist[0] > 0 and hist[255] > 0.8 * w * h
    assert active_image_id(page) == image_id  # focus went back to the thumbnail

    # the viewer opens again with a fresh form: no mask mode, no strokes
    thumb(gallery, image_id).click()
    viewer(page).get_by_test_id("image-edit").click()
    toggle = viewer(page).get_by_test_id("image-mask-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    assert painted(viewer(page).get_by_test_id("image-mask-canvas")) == 0


def test_mask_overlay_follows_the_image_through_a_resize(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    form = open_edit_form(page, gallery, LAKE)
    canvas = mask_mode(page, form)
    drag(page, canvas, [(0.1, 0.2), (0.3, 0.2)])
    before = painted(canvas)
    # the details panel and a smaller window scale the image down: the overlay follows it
    page.keyboard.press("i")
    expect(viewer(page).get_by_test_id("image-info")).to_be_visible()
    assert_over_image(page, canvas)
    page.set_viewport_size({"width": 1000, "height": 700})
    small = assert_over_image(page, canvas)
    assert small["width"] < 700
    assert 0 < painted(canvas) < before  # the same stroke, scaled with the image
    page.keyboard.press("i")
    assert_over_image(page, canvas)
    drag(page, canvas, [(0.7, 0.8), (0.9, 0.8)])
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_over_image(page, canvas)

    payload = submit_edit(page, harness, form, LAKE, "add two boats")
    w, h = FULL_SIZE[LAKE]
    alpha = decode_mask(payload["mask"], (w, h)).getchannel("A")
    # both strokes sit where they were painted, in image coordinates
    for fx, fy in ((0.12, 0.2), (0.2, 0.2), (0.28, 0.2), (0.72, 0.8), (0.8, 0.8), (0.88, 0.8)):
        assert alpha.getpixel((round(fx * w), round(fy * h))) == 0, (fx, fy)
    for fx, fy in ((0.5, 0.5), (0.2, 0.8), (0.8, 0.2), (0.02, 0.98)):
        assert alpha.getpixel((round(fx * w), round(fy * h))) == 255, (fx, fy)


def test_clear_and_undo_send_no_mask(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    form = open_edit_form(page, gallery, SUNSET)
    canvas = mask_mode(page, form)
    undo = form.get_by_test_id("image-mask-undo")
    clear = form.get_by_test_id("image-mask-clear")
    expect(undo).to_have_attribute("aria-disabled", "true")
    expect(clear).to_have_attribute("aria-disabled", "true")

    drag(page, canvas, [(0.2, 0.3), (0.5, 0.3)])
    one = painted(canvas)
    drag(page, canvas, [(0.2, 0.7), (0.5, 0.7)])
    two = painted(canvas)
    assert 0 < one < two
    expect(undo).not_to_have_attribute("aria-disabled", "true")
    undo.click()
    assert painted(canvas) == one
    # Ctrl/Cmd+Z undoes a stroke, except in the prompt, where it is the field's own undo
    prompt = form.get_by_test_id("image-edit-prompt")
    prompt.click()
    page.keyboard.type("abc")
    page.keyboard.press("ControlOrMeta+z")
    assert painted(canvas) == one
    undo.focus()
    page.keyboard.press("ControlOrMeta+z")
    assert painted(canvas) == 0
    expect(undo).to_have_attribute("aria-disabled", "true")
    expect(undo).to_be_focused()  # it stays focusable when there is nothing to undo
    undo.click(force=True)  # nothing happens
    payload = submit_edit(page, harness, form, SUNSET, "only undone strokes")
    assert payload == {"image_id": SUNSET, "prompt": "only undone strokes"}

    # Clear
    form = open_edit_form(page, gallery, SUNSET)
    canvas = mask_mode(page, form)
    drag(page, canvas, [(0.3, 0.3), (0.7, 0.6)])
    drag(page, canvas, [(0.6, 0.2), (0.6, 0.8)])
    assert painted(canvas) > 0
    clear.click()
    assert painted(canvas) == 0
    expect(clear).to_have_attribute("aria-disabled", "true")
    payload = submit_edit(page, harness, form, SUNSET, "cleared strokes")
    assert payload == {"image_id": SUNSET, "prompt": "cleared strokes"}

    # strokes painted but "Select area" turned off again: the whole image
    form = open_edit_form(page, gallery, SUNSET)
    canvas = mask_mode(page, form)
    drag(page, canvas, [(0.3, 0.3), (0.7, 0.6)])
    toggle = form.get_by_test_id("image-mask-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(canvas).to_have_count(0)
    payload = submit_edit(page, harness, form, SUNSET, "the whole image")
    assert payload == {"image_id": SUNSET, "prompt": "the whole image"}


def _transparent_rows(alpha: Image.Image, x: int, y0: int, y1: int) -> int:
    return sum(1 for y in range(y0, y1) if alpha.getpixel((x, y)) == 0)


def test_brush_size_changes_the_painted_width(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    form = open_edit_form(page, gallery, SUNSET)
    canvas = mask_mode(page, form)
    brush = form.get_by_test_id("image-mask-brush")
    expect(brush).to_have_attribute("type", "range")
    start = int(brush.input_value())

    # [ and ] change it, except in a text field
    form.get_by_test_id("image-mask-toggle").focus()
    page.keyboard.press("]")
    expect(brush).to_have_value(str(start + 4))
    page.keyboard.press("[")
    page.keyboard.press("[")
    expect(brush).to_have_value(str(start - 4))
    prompt = form.get_by_test_id("image-edit-prompt")
    prompt.focus()
    page.keyboard.type("[x]")
    expect(prompt).to_have_value("[x]")
    expect(brush).to_have_value(str(start - 4))

    # the slider, with the keyboard: the smallest brush, then the largest
    brush.focus()
    page.keyboard.press("Home")
    expect(brush).to_have_value(brush.get_attribute("min") or "")
    drag(page, canvas, [(0.2, 0.25), (0.8, 0.25)])
    thin = painted(canvas)
    page.keyboard.press("End")  # the focus stayed on the slider while painting
    expect(brush).to_have_value(brush.get_attribute("max") or "")
    drag(page, canvas, [(0.2, 0.75), (0.8, 0.75)])
    assert painted(canvas) - thin > 8 * thin
    shown = settled_box(canvas)["width"]

    payload = submit_edit(page, harness, form, SUNSET, "wider and thinner")
    w, h = FULL_SIZE[SUNSET]
    alpha = decode_mask(payload["mask"], (w, h)).getchannel("A")
    thin_rows = _transparent_rows(alpha, w // 2, 0, h // 2)
    wide_rows = _transparent_rows(alpha, w // 2, h // 2, h)
    # each stroke is as wide as its brush was on screen, scaled to the image's pixels
    assert thin_rows == pytest.approx(8 * w / shown, abs=3)
    assert wide_rows == pytest.approx(120 * w / shown, rel=0.05)


def test_escape_leaves_mask_mode_then_cancels_the_form(page: Page, harness: AppProcess) -> None:
    gallery = open_gallery(page, harness)
    before = len(actions(harness))
    form = open_edit_form(page, gallery, LAKE)
    toggle = form.get_by_test_id("image-mask-toggle")
    prompt = form.get_by_test_id("image-edit-prompt")
    canvas = mask_mode(page, form)
    expect(viewer(page)).to_have_attribute("data-mask", "on")
    expect(viewer(page).get_by_test_id("image-next")).to_have_count(0)  # no way off by accident
    drag(page, canvas, [(0.3, 0.4), (0.6, 0.5)])
    expect(toggle).to_be_focused()  # painting took no focus

    # arrow keys and clicks, on the image or beside it, stay with this image and this form
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.mouse.click(24, 160)
    expect(viewer(page)).to_have_attribute("data-image-id", LAKE)
    expect(form).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    painted_here = painted(canvas)
    assert painted_here > 0

    # every control is in the Tab order
    reached = set()
    for _ in range(16):
        page.keyboard.press("Tab")
        reached.add(active_testid(page))
    assert {
        "image-mask-toggle",
        "image-mask-brush",
        "image-mask-undo",
        "image-mask-clear",
        "image-edit-prompt",
        "image-edit-cancel",
    } <= reached

    # Escape leaves mask mode first and discards the strokes; the form stays
    toggle.focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(canvas).to_have_count(0)
    expect(form.get_by_test_id("image-mask-hint")).to_have_count(0)
    expect(form).to_be_visible()
    expect(viewer(page)).not_to_have_attribute("data-mask", "on")
    expect(toggle).to_be_focused()
    toggle.click()
    assert painted(canvas) == 0
    # from the prompt too, where the focus stays
    drag(page, canvas, [(0.3, 0.4), (0.6, 0.5)])
    prompt.click()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(prompt).to_be_focused()
    # the focus was on a control that went away with mask mode: it goes to the toggle
    toggle.click()
    assert painted(canvas) == 0
    form.get_by_test_id("image-mask-clear").focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(toggle).to_be_focused()

    # another image (the lineage link in the details) gets a fresh area
    toggle.click()
    drag(page, canvas, [(0.3, 0.4), (0.6, 0.5)])
    page.keyboard.press("i")
    viewer(page).get_by_test_id("image-lineage").get_by_role("button").click()
    expect(viewer(page)).to_have_attribute("data-image-id", SUNSET)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(canvas).to_have_count(0)
    toggle.click()
    assert_over_image(page, canvas)
    assert painted(canvas) == 0
    page.keyboard.press("i")

    # then, as before: Escape cancels the form, and the next one closes the viewer
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(viewer(page)).to_be_visible()
    expect(viewer(page).get_by_test_id("image-edit")).to_be_focused()
    page.keyboard.press("Escape")
    expect(viewer(page)).to_have_count(0)
    assert len(actions(harness)) == before


def test_touch_paints_without_swiping_to_another_image(
    browser: Browser, harness: AppProcess
) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        gallery = open_gallery(page, harness)
        form = open_edit_form(page, gallery, SUNSET)
        canvas = mask_mode(page, form)
        box = canvas.bounding_box()
        assert box is not None
        cdp = ctx.new_cdp_session(page)
        y = box["y"] + box["height"] * 0.5
        xs = [box["x"] + box["width"] * f for f in (0.15, 0.3, 0.45, 0.6, 0.75, 0.85)]
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": xs[0], "y": y}]},
        )
        for x in xs[1:]:
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(300)
        assert painted(canvas) > 0
        expect(viewer(page)).to_have_attribute("data-image-id", SUNSET)  # no swipe to the next
        assert page.evaluate("() => window.scrollY") == 0
        payload = submit_edit(page, harness, form, SUNSET, "a touch of gold")
        w, h = FULL_SIZE[SUNSET]
        alpha = decode_mask(payload["mask"], (w, h)).getchannel("A")
        for fx in (0.2, 0.5, 0.8):
            assert alpha.getpixel((round(fx * w), h // 2)) == 0, fx
        assert alpha.getpixel((w // 2, h // 10)) == 255
    finally:
        ctx.close()


# ------------------------------------------------------------------ looks


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_desktop(browser: Browser, harness: AppProcess, theme: str) -> None:
    ctx = new_context(browser, theme, 1280, 900)
    try:
        page = ctx.new_page()
        gallery = open_gallery(page, harness)
        expect(page.locator("html")).to_have_class(theme)
        ARTIFACTS.mkdir(exist_ok=True)
        page.mouse.move(5, 5)
        page.wait_for_timeout(400)
        gallery.screenshot(path=str(ARTIFACTS / f"gallery-{theme}.png"))
        thumb(gallery, SUNSET).hover()
        page.wait_for_timeout(700)  # toolbar fade and its tooltip delay
        gallery.screenshot(path=str(ARTIFACTS / f"gallery-toolbar-{theme}.png"))
        thumb(gallery, LAKE).click()
        wait_full_image(page, LAKE)
        if viewer(page).get_by_test_id("image-info").count():
            page.keyboard.press("i")
        page.mouse.move(640, 880)
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"viewer-{theme}.png"))
        page.keyboard.press("i")
        expect(viewer(page).get_by_test_id("image-info")).to_be_visible()
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"viewer-info-{theme}.png"))
        # the viewer covers the whole window, above Chainlit's UI
        box = viewer(page).bounding_box()
        assert box == {"x": 0, "y": 0, "width": 1280, "height": 900}
        on_top = page.evaluate(
            "() => !!document.elementFromPoint(5, 5).closest('[data-testid=image-fullscreen]')"
        )
        assert on_top
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_edit_form(browser: Browser, harness: AppProcess, theme: str) -> None:
    ctx = new_context(browser, theme, 1280, 900)
    try:
        page = ctx.new_page()
        gallery = open_gallery(page, harness)
        ARTIFACTS.mkdir(exist_ok=True)
        thumb(gallery, LAKE).click()
        wait_full_image(page, LAKE)
        if viewer(page).get_by_test_id("image-info").count():
            page.keyboard.press("i")
        page.keyboard.press("e")
        form = viewer(page).get_by_test_id("image-edit-form")
        expect(form.get_by_test_id("image-edit-prompt")).to_be_focused()
        page.mouse.move(640, 400)
        page.wait_for_timeout(500)  # the bar's entrance and the image's resize
        page.screenshot(path=str(ARTIFACTS / f"viewer-edit-{theme}.png"))
        page.keyboard.type("Make the sky brighter and add a few stars")
        page.wait_for_timeout(200)
        page.screenshot(path=str(ARTIFACTS / f"viewer-edit-typed-{theme}.png"))
        frame = viewer(page).locator(".icg-frame").bounding_box()
        bar = form.bounding_box()
        assert frame is not None and bar is not None
        assert frame["y"] + frame["height"] <= bar["y"] and bar["y"] + bar["height"] <= 900

        # the toolbar's pill while variations are being made
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        thumb(gallery, SUNSET).hover()
        tile(gallery, SUNSET).get_by_test_id("image-variations").click()
        page.mouse.move(5, 5)
        page.wait_for_timeout(300)
        gallery.screenshot(path=str(ARTIFACTS / f"gallery-variations-pending-{theme}.png"))
        expect(page.get_by_text(f"variations of {SUNSET}")).to_be_visible(timeout=10_000)
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_mobile(browser: Browser, harness: AppProcess, theme: str) -> None:
    ctx = new_context(browser, theme, 390, 844)
    try:
        page = ctx.new_page()
        gallery = open_gallery(page, harness)
        box = gallery.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390  # no sideways scrolling
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"gallery-mobile-{theme}.png"))
        thumb(gallery, SUNSET).hover()
        page.wait_for_timeout(700)
        gallery.screenshot(path=str(ARTIFACTS / f"gallery-toolbar-mobile-{theme}.png"))
        thumb(gallery, SUNSET).click()
        wait_full_image(page, SUNSET)
        if viewer(page).get_by_test_id("image-info").count():
            page.keyboard.press("i")
        page.mouse.move(195, 200)  # over the image: no tooltip in the picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"viewer-mobile-{theme}.png"))
        frame = viewer(page).locator(".icg-frame").bounding_box()
        assert frame is not None and frame["x"] >= 0 and frame["x"] + frame["width"] <= 390
        viewer(page).get_by_test_id("image-info-toggle").click()
        info = viewer(page).get_by_test_id("image-info")
        expect(info).to_be_visible()
        page.mouse.move(195, 200)
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"viewer-info-mobile-{theme}.png"))
        # the panel goes below the image, which shrinks to stay whole
        frame = viewer(page).locator(".icg-frame").bounding_box()
        panel = info.bounding_box()
        assert frame is not None and panel is not None
        assert frame["y"] + frame["height"] <= panel["y"]
        assert panel["width"] == 390
        for testid in (
            "image-variations",
            "image-edit",
            "image-download-png",
            "image-download-jpg",
            "image-fullscreen-close",
        ):
            expect(viewer(page).get_by_test_id(testid)).to_be_in_viewport()
        # the edit form fits the phone, below the image
        viewer(page).get_by_test_id("image-info-toggle").click()
        viewer(page).get_by_test_id("image-edit").click()
        form = viewer(page).get_by_test_id("image-edit-form")
        expect(form.get_by_test_id("image-edit-prompt")).to_be_focused()
        page.mouse.move(195, 400)  # over the image: no tooltip in the picture
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"viewer-edit-mobile-{theme}.png"))
        frame = viewer(page).locator(".icg-frame").bounding_box()
        bar = form.bounding_box()
        assert frame is not None and bar is not None
        assert frame["y"] + frame["height"] <= bar["y"]
        assert bar["x"] >= 0 and bar["x"] + bar["width"] <= 390 and bar["y"] + bar["height"] <= 844
        expect(form.get_by_test_id("image-edit-submit")).to_be_in_viewport()
    finally:
        ctx.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_mask_mode(browser: Browser, harness: AppProcess, theme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, image_id, width, height in (
        (f"viewer-mask-{theme}.png", LAKE, 1280, 900),
        (f"viewer-mask-mobile-{theme}.png", SUNSET, 390, 844),
    ):
        ctx = new_context(browser, theme, width, height)
        try:
            page = ctx.new_page()
            gallery = open_gallery(page, harness)
            expect(page.locator("html")).to_have_class(theme)
            form = open_edit_form(page, gallery, image_id)
            form.get_by_test_id("image-edit-prompt").fill("Add a small red sailboat")
            canvas = mask_mode(page, form)
            drag(page, canvas, [(0.22, 0.62), (0.4, 0.7), (0.58, 0.64)])
            drag(page, canvas, [(0.3, 0.58), (0.5, 0.6)])
            box = canvas.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] * 0.72, box["y"] + box["height"] * 0.45)
            page.wait_for_timeout(400)
            page.screenshot(path=str(ARTIFACTS / name))
            assert_over_image(page, canvas)
            frame = viewer(page).locator(".icg-frame").bounding_box()
            bar = form.bounding_box()
            assert frame is not None and bar is not None
            assert frame["y"] + frame["height"] <= bar["y"]
            assert bar["x"] >= 0 and bar["x"] + bar["width"] <= width
            assert bar["y"] + bar["height"] <= height
            for testid in (
                "image-mask-toggle",
                "image-mask-brush",
                "image-mask-undo",
                "image-mask-clear",
                "image-edit-cancel",
                "image-edit-submit",
            ):
                expect(form.get_by_test_id(testid)).to_be_in_viewport()
        finally:
            ctx.close()
