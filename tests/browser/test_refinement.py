"""Multi-step refinement and editing in the real app, against the fake OpenAI server.

The fake LLM here reads what the app tells it (the "Images in this conversation" note) to write
its tool calls, so these tests show the context reaches the model.
"""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Page, expect

from tests.apprunner import AppProcess, provider_env, running_app
from tests.browser.chatpage import ChatPage
from tests.fakes.chat import ToolCall, ToolCallsReply
from tests.fakes.openai_server import FakeOpenAI

ADMIN = {"ADMIN_USERNAME": "alice", "ADMIN_PASSWORD": "correct horse battery staple"}
THUMBS = '[data-testid="image-thumbnail"][data-status="ready"]'
ID_LINE = re.compile(r"^- id=(image-\d+) · (.*)$", re.M)  # references, never raw ids


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("refine")


@pytest.fixture(scope="module")
def app(data_dir: Path, provider: FakeOpenAI) -> Iterator[AppProcess]:
    env = provider_env(provider, ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])
    with running_app(data_dir, "refine", **env) as running:
        yield running


def image_note(request: dict[str, Any]) -> list[tuple[str, str]]:
    notes = [m["content"] for m in request["messages"] if m["role"] == "system"]
    found: list[tuple[str, str]] = []
    for note in notes:
        found += ID_LINE.findall(note)
    return found


def db_rows(data_dir: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "imagechat.db") as db:
        return list(db.execute(sql, args))


def start(page: Page, app: AppProcess, image_model: str) -> ChatPage:
    chat = ChatPage(page, app.url).login(ADMIN["ADMIN_USERNAME"], ADMIN["ADMIN_PASSWORD"])
    chat.set_image_creation(True, image_model=image_model)
    return chat


def test_generate_refine_edit_over_three_turns(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = start(page, app, "GPT Image 2")

    # 1. generate
    provider.queue_tool_call("generate_image", {"prompt": "a modern kitchen"})
    provider.queue_text("Here is your kitchen.")
    chat.send("Generate an image of a modern kitchen")
    expect(page.locator(THUMBS)).to_have_count(1, timeout=30_000)
    chat.wait_idle()

    # 2. refine: the model reads the earlier prompt from the note and builds on it
    def refine(request: dict[str, Any]) -> ToolCallsReply:
        ((_image_id, rest),) = image_note(request)
        earlier = re.search(r'prompt: "([^"]+)"', rest)
        assert earlier, rest
        change = "brighter, with more natural light"
        return ToolCallsReply([ToolCall("generate_image", {"prompt": f"{earlier[1]}, {change}"})])

    provider.queue_function(refine)
    provider.queue_text("Brighter now.")
    chat.send("Make it brighter and add more natural light")
    expect(page.locator(THUMBS)).to_have_count(2, timeout=30_000)
    chat.wait_idle()
    prompts = [r.json["prompt"] for r in provider.requests_to("/v1/images/generations")]
    assert prompts[1] == "a modern kitchen, brighter, with more natural light"
    # the default chat model has vision: the refine turn also showed it the first image, downscaled
    refine_turn = [r.json for r in provider.requests_to("chat")][2]
    parts = refine_turn["messages"][-1]["content"]
    images = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert len(images) == 1 and images[0].startswith("data:image/jpeg;base64,")

    # 3. edit the refined image by the reference the note gave
    def edit(request: dict[str, Any]) -> ToolCallsReply:
        listed = image_note(request)
        assert len(listed) == 2
        return ToolCallsReply(
            [ToolCall("edit_image", {"image_ids": [listed[-1][0]], "prompt": "add a red door"})]
        )

    provider.queue_function(edit)
    provider.queue_text("Added a red door.")
    chat.send("Edit that one: add a red door")
    expect(page.locator(THUMBS)).to_have_count(3, timeout=30_000)
    chat.wait_idle()
    (sent,) = provider.requests_to("/v1/images/edits")
    (uploaded,) = [f for f in sent.files if f.field in ("image", "image[]")]
    uploaded_bytes = uploaded.data
    assert image_note(provider.last_chat_request())[1][0] == "image-2"
    thread = chat.thread_id()
    in_order = "SELECT id FROM images WHERE thread_id = ? ORDER BY created_at"
    made = db_rows(data_dir, in_order, thread)
    refined_id = made[1][0]
    (stored,) = db_rows(data_dir, f"SELECT data_b64 FROM images WHERE id = '{refined_id}'")
    assert uploaded_bytes == base64.b64decode(stored[0]), "the edit sent the stored image as is"
    edited = db_rows(data_dir, "SELECT params FROM images ORDER BY created_at")[-1][0]
    assert refined_id in edited and "Edited from" in edited
    # the model never saw an image's id (it would repeat it to the person): only references
    told = json.dumps([r.json for r in provider.requests_to("chat")])
    assert len(made) == 3 and not any(image_id in told for (image_id,) in made)
    assert '"id": "image-3", "revised_prompt": null, "parent_id": "image-2"' in told.replace(
        '\\"', '"'
    )


def test_attach_a_png_and_edit_it_shows_lineage(
    page: Page, app: AppProcess, provider: FakeOpenAI, tmp_path: Path
) -> None:
    provider.reset()
    chat = start(page, app, "GPT Image 2")
    photo = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(photo)

    def edit_attachment(request: dict[str, Any]) -> ToolCallsReply:
        listed = image_note(request)
        attached = [i for i, rest in listed if "attached by the person in their latest" in rest]
        assert attached, listed
        return ToolCallsReply(
            [
                ToolCall(
                    "edit_image", {"image_ids": attached, "prompt": "turn this into a watercolor"}
                )
            ]
        )

    provider.queue_function(edit_attachment)
    provider.queue_text("Here is the watercolor version.")
    page.set_input_files("#upload-button-input", str(photo))
    chat.send("turn this into a watercolor")
    expect(page.locator(THUMBS)).to_have_count(1, timeout=30_000)
    chat.wait_idle()
    (sent,) = provider.requests_to("/v1/images/edits")
    assert sent.form.get("prompt") == "turn this into a watercolor"
    page.locator(THUMBS).first.click()
    viewer = page.get_by_test_id("image-fullscreen")
    expect(viewer).to_be_visible()
    if not viewer.get_by_test_id("image-info").is_visible():
        viewer.get_by_test_id("image-info-toggle").click()
    expect(viewer.get_by_test_id("image-info")).to_contain_text("Edited from")
    chat.screenshot("refine-attachment-lineage")


def test_foreign_and_unknown_ids_and_a_non_image_attachment_get_clear_messages(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path, tmp_path: Path
) -> None:
    provider.reset()
    chat = start(page, app, "GPT Image 2")
    # an image of another conversation (made by the first test or made here)
    provider.queue_tool_call("generate_image", {"prompt": "a blue bird"})
    provider.queue_text("A bird.")
    chat.send("draw a blue bird")
    expect(page.locator(THUMBS)).to_have_count(1, timeout=30_000)
    chat.wait_idle()
    page.locator("#new-chat-button").click()
    confirm = page.get_by_role("button", name=re.compile("confirm", re.I))
    if confirm.count():
        confirm.first.click()
    chat.wait_ready()
    other = db_rows(data_dir, "SELECT id FROM images ORDER BY created_at DESC LIMIT 1")[0][0]
    chat.set_image_creation(True, image_model="GPT Image 2")

    provider.queue_tool_call("edit_image", {"image_ids": [other], "prompt": "make it red"})
    chat.send("edit the bird from my other chat")
    expect(page.get_by_text("is not part of this conversation")).to_be_visible(timeout=20_000)
    chat.wait_idle()
    provider.queue_tool_call(
        "edit_image", {"image_ids": ["00000000-0000-4000-8000-000000000000"], "prompt": "x"}
    )
    chat.send("edit image 0000")
    expect(page.get_by_text("is not part of this conversation")).to_have_count(2, timeout=20_000)
    chat.wait_idle()
    assert provider.requests_to("/v1/images/edits") == []

    fake_png = tmp_path / "notes.png"
    fake_png.write_text("these are my notes, not a picture")
    page.set_input_files("#upload-button-input", str(fake_png))
    chat.send("use this as a reference")
    expect(page.get_by_text("cannot be used as a reference image")).to_be_visible(timeout=20_000)
    chat.wait_idle()
    chat.ask("still there?", "Fake reply to: still there?")
    expect(chat.user_messages()).to_have_count(4)


def test_variations_make_new_thumbnails_in_a_new_message(
    page: Page, app: AppProcess, provider: FakeOpenAI, data_dir: Path
) -> None:
    provider.reset()
    chat = start(page, app, "GPT Image 2")
    provider.queue_tool_call("generate_image", {"prompt": "a paper boat on a pond"})
    provider.queue_text("One boat.")
    chat.send("draw a paper boat on a pond")
    thumbs = page.locator(THUMBS)
    expect(thumbs).to_have_count(1, timeout=30_000)
    chat.wait_idle()
    galleries = page.get_by_test_id("image-gallery")
    expect(galleries).to_have_count(1)
    source_id = thumbs.first.get_attribute("data-image-id")
    thumbs.first.hover()
    page.get_by_test_id("image-variations").first.click()
    expect(galleries).to_have_count(2, timeout=30_000)
    expect(galleries.last.locator(THUMBS)).to_have_count(3, timeout=30_000)
    # GPT Image edits: the variations start from the image itself, with its prompt.
    (sent,) = provider.requests_to("/v1/images/edits")
    assert "a paper boat on a pond" in sent.form["prompt"] and sent.form["n"] == "3"
    (image,) = [f for f in sent.files if f.field in ("image", "image[]")]
    ((stored,),) = db_rows(data_dir, "SELECT data_b64 FROM images WHERE id = ?", source_id)
    assert image.data == base64.b64decode(stored)
    lineage = db_rows(data_dir, "SELECT params FROM images ORDER BY created_at DESC LIMIT 3")
    assert all(source_id in row[0] and "Variation of" in row[0] for row in lineage)
    chat.screenshot("refine-variations")


def test_the_offline_demo_refines_and_edits(
    page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = tmp_path_factory.mktemp("demo-refine")
    with running_app(data, "demo-refine", **ADMIN) as demo:
        chat = start(page, demo, "Offline demo images")
        chat.send("Generate an image of a modern kitchen")
        expect(page.locator(THUMBS)).to_have_count(1, timeout=30_000)
        chat.wait_idle()
        chat.send("Make it brighter and add more natural light")
        expect(page.locator(THUMBS)).to_have_count(2, timeout=30_000)
        chat.wait_idle()
        chat.send("Edit it: add a red door")
        expect(page.locator(THUMBS)).to_have_count(3, timeout=30_000)
        chat.wait_idle()
        rows = db_rows(data, "SELECT id, prompt, params, data_b64 FROM images ORDER BY created_at")
        (first_id, first, *_), (second_id, second, *_), (_, _, params, edited_b64) = rows
        assert first.startswith("a modern kitchen")
        assert second.startswith(first) and "brighter" in second  # the refinement builds on it
        assert second_id in params and "Edited from" in params  # the edit names its source
        source = Image.open(io.BytesIO(base64.b64decode(rows[1][3]))).convert("RGB")
        edited = Image.open(io.BytesIO(base64.b64decode(edited_b64))).convert("RGB")
        assert edited.size == source.size
        # visibly derived: most of the picture is the source's pixels
        diff = ImageChops.difference(source, edited).convert("L")
        same = sum(count for level, count in enumerate(diff.histogram()) if level < 24)
        assert same > 0.6 * source.width * source.height
        assert first_id != second_id
        chat.screenshot("demo-refine-edit")


def aligned_box(page: Page, canvas: Any) -> dict[str, float]:
    """The painting canvas' box once it lies exactly over the image (the viewer's layout
    settles after the edit form grows)."""
    image = page.get_by_test_id("image-full")
    for _ in range(100):
        c, i = canvas.bounding_box(), image.bounding_box()
        if c and i and all(abs(c[k] - i[k]) < 1 for k in ("x", "y", "width", "height")):
            return c
        page.wait_for_timeout(50)
    raise AssertionError(f"the canvas {c} never lay over the image {i}")


def test_select_an_area_in_the_viewer_and_edit_only_there(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    provider.reset()
    chat = start(page, app, "GPT Image 2")
    provider.queue_tool_call("generate_image", {"prompt": "a quiet harbour", "size": "1024x1024"})
    provider.queue_text("A harbour.")
    chat.send("draw a quiet harbour")
    thumbs = page.locator(THUMBS)
    expect(thumbs).to_have_count(1, timeout=30_000)
    chat.wait_idle()

    thumbs.first.click()
    viewer = page.get_by_test_id("image-fullscreen")
    expect(viewer).to_be_visible()
    viewer.get_by_test_id("image-edit").click()
    page.get_by_test_id("image-edit-prompt").fill("put a red boat here")
    page.get_by_test_id("image-mask-toggle").click()
    canvas = page.get_by_test_id("image-mask-canvas")
    expect(canvas).to_be_visible()
    box = aligned_box(page, canvas)
    # Paint a horizontal stroke across the left third, half way down.
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.1, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.1 + 0.02 * step), y)
    page.mouse.up()
    chat.screenshot("refine-select-area")
    page.get_by_test_id("image-edit-submit").click()

    expect(page.get_by_test_id("image-gallery")).to_have_count(2, timeout=30_000)
    expect(page.locator(THUMBS)).to_have_count(2, timeout=30_000)
    expect(
        page.get_by_text(re.compile(r"Only the selected area \(\d+% of the picture\)"))
    ).to_be_visible()
    chat.screenshot("refine-select-area-result")
    (sent,) = provider.requests_to("/v1/images/edits")
    assert sent.form["prompt"] == "put a red boat here"
    (mask,) = [f for f in sent.files if f.field == "mask"]
    with Image.open(io.BytesIO(mask.data)) as im:
        assert im.format == "PNG" and im.size == (1024, 1024)
        alpha = im.convert("RGBA").getchannel("A")
    assert alpha.getpixel((205, 512)) == 0 and alpha.getpixel((307, 512)) == 0  # painted
    assert alpha.getpixel((900, 100)) == 255 and alpha.getpixel((512, 900)) == 255  # kept


IN_VIEW = """el => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.top < window.innerHeight && r.bottom > 0;
}"""


def test_edit_and_variations_from_the_viewer_scroll_their_result_into_view(
    page: Page, app: AppProcess, provider: FakeOpenAI
) -> None:
    """The result lands at the end of a long chat: it comes into view, focused, with its tiles
    filling in, instead of the page staying on the image it started from."""
    provider.reset()
    chat = start(page, app, "GPT Image 2")
    provider.queue_tool_call("generate_image", {"prompt": "a lighthouse on a cliff"})
    provider.queue_text("A lighthouse.")
    chat.send("draw a lighthouse on a cliff")
    first = page.locator(THUMBS).first
    expect(first).to_be_visible(timeout=30_000)
    chat.wait_idle()
    # a single image's thumbnail has twice the pixels it is shown with (sharp on HiDPI screens)
    natural, shown = first.locator("img").evaluate("i => [i.naturalWidth, i.clientWidth]")
    assert natural >= 2 * shown > 0
    long = "\n\n".join(f"Paragraph {i}: " + "words that take room " * 12 for i in range(8))
    for turn in range(3):  # a conversation long enough to scroll
        provider.queue_text(f"Answer {turn}. {long}")
        chat.ask(f"tell me more, part {turn}", f"Answer {turn}.")
    galleries = page.get_by_test_id("image-gallery")

    for action in ("variations", "edit"):
        count = galleries.count()
        first.scroll_into_view_if_needed()
        first.click()
        viewer = page.get_by_test_id("image-fullscreen")
        expect(viewer).to_be_visible()
        if action == "variations":
            provider.set_latency(1.5, "edits")  # the tiles are pending when it comes into view
            viewer.get_by_test_id("image-variations").click()
        else:
            viewer.get_by_test_id("image-edit").click()
            page.get_by_test_id("image-edit-prompt").fill("add a red door")
            page.get_by_test_id("image-edit-submit").click()
        expect(galleries).to_have_count(count + 1, timeout=30_000)
        result = galleries.last
        if action == "variations":  # the viewer stays open (browse on); the result waits for it
            expect(result).not_to_be_focused()
            page.keyboard.press("Escape")
        expect(viewer).to_have_count(0, timeout=10_000)
        if action == "variations":  # its progress tiles show while they fill
            expect(result.locator('[data-status="pending"]').first).to_be_visible()
        expect(result).to_be_focused(timeout=10_000)
        page.wait_for_function(f"el => ({IN_VIEW})(el)", arg=result.element_handle())
        assert not first.evaluate(IN_VIEW)  # the page moved away from the source image
        expect(result.locator(THUMBS).first).to_be_visible(timeout=30_000)
        provider.set_latency(0, "edits")
        chat.wait_idle()
