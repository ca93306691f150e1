"""A tiny Chainlit app that shows the real `public/elements/ImageGallery.jsx` with canned images.

It stands in for ImageChat's image pipeline and `/api/images/{id}` route in the gallery's browser
tests (tests/browser/test_gallery_element.py). Run it by hand to look at the gallery:

    cd tests/browser/gallery_harness && ../../../.venv/bin/chainlit run app.py --headless

Messages it understands:
  "update"          the pending image becomes ready (a live props update)
  "update later"    the same, 3 s from now (to update while the viewer is open)
  "layout N"        a new message with N ready images (1..10) of mixed sizes
  "fail actions"    from now on, this session's image actions answer {"error": ...}

The gallery's image actions arrive at `image_variations` / `image_edit`: each call is recorded
(GET /api/harness/actions lists them) and answered with a message, "variations of <id>" or
"edit <id>: <prompt>". Variations take a moment, so the button's pending state can be seen.
"""

import asyncio
import base64
import io
import math
from dataclasses import dataclass
from typing import Any

import chainlit as cl
from chainlit.server import app
from fastapi import HTTPException, Response
from fastapi.routing import APIRoute
from PIL import Image, ImageDraw, ImageFilter

THUMB_SIDE = 384


@dataclass
class Canned:
    id: str
    width: int
    height: int
    colors: tuple[tuple[int, int, int], tuple[int, int, int]]
    prompt: str
    filename: str
    revised_prompt: str | None = None
    model: str = "GPT Image 1"
    quality: str = "high"
    style: str | None = None
    cost: float | None = 0.167
    elapsed_ms: int | None = 5230
    parent_id: str | None = None
    lineage: str | None = None


SUNSET = Canned(
    "11111111-1111-4111-8111-111111111111",
    1024,
    1024,
    ((255, 120, 70), (120, 40, 110)),
    "A sunset over mountains",
    "sunset-over-mountains",
    revised_prompt="A vivid sunset over jagged mountains, warm orange sky fading to violet",
    style="watercolor",
)
LAKE = Canned(
    "22222222-2222-4222-8222-222222222222",
    1536,
    1024,
    ((40, 170, 170), (15, 60, 110)),
    "A calm teal lake at dawn",
    "calm-teal-lake",
    revised_prompt="A calm teal lake at dawn with mist over the water",
    cost=0.25,
    elapsed_ms=7410,
    parent_id=SUNSET.id,
)
TOWER = Canned(
    "33333333-3333-4333-8333-333333333333",
    1024,
    1536,
    ((150, 200, 255), (90, 60, 200)),
    "A lighthouse on a cliff at night",
    "lighthouse-on-a-cliff",
    revised_prompt=None,
    quality="medium",
    cost=0.04,
    elapsed_ms=61_300,
    parent_id=SUNSET.id,
    lineage="variation of",
)
PENDING = Canned(
    "44444444-4444-4444-8444-444444444444",
    1024,
    1792,
    ((250, 215, 90), (200, 90, 40)),
    "A tall golden wheat field under a summer sky",
    "golden-wheat-field",
    revised_prompt="A tall golden wheat field under a bright summer sky, painted in oils",
    cost=0.08,
    elapsed_ms=9100,
)
FAILED = Canned(
    "55555555-5555-4555-8555-555555555555",
    1024,
    1024,
    ((0, 0, 0), (0, 0, 0)),
    "A portrait of a famous actor",
    "portrait",
)
FAILED_ERROR = "The provider refused this prompt (content policy). Try rephrasing it."

CANNED = {c.id: c for c in (SUNSET, LAKE, TOWER, PENDING, FAILED)}
READY: set[str] = {SUNSET.id, LAKE.id, TOWER.id}
ALIASES: dict[str, str] = {}  # extra ids of "layout N" galleries -> the canned image they show
_PNG: dict[str, bytes] = {}
_JPG: dict[str, bytes] = {}
_THUMB: dict[str, str] = {}


def _draw(c: Canned) -> Image.Image:
    """A landscape-like picture: a vertical gradient, a sun and two mountain ranges."""
    w, h = c.width, c.height
    top, bottom = c.colors
    img = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(h - 1, 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (w, y)], fill=color)
    r = min(w, h) // 7
    cx, cy = int(w * 0.68), int(h * 0.36)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 240, 200))
    for depth, shade in ((0.62, 0.55), (0.75, 0.3)):
        pts = [(0, h)]
        for i in range(0, 13):
            x = w * i / 12
            y = h * depth + math.sin(i * 1.7 + depth * 9) * h * 0.07
            pts.append((x, y))
        pts.append((w, h))
        draw.polygon(pts, fill=tuple(round(v * shade) for v in bottom))
    return img.filter(ImageFilter.SMOOTH)


def _prepare(c: Canned) -> None:
    if c.id in _PNG:
        return
    img = _draw(c)
    png, jpg, thumb = io.BytesIO(), io.BytesIO(), io.BytesIO()
    img.save(png, "PNG")
    img.save(jpg, "JPEG", quality=88)
    small = img.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE))
    small.save(thumb, "WEBP", quality=80)
    _PNG[c.id], _JPG[c.id] = png.getvalue(), jpg.getvalue()
    _THUMB[c.id] = "data:image/webp;base64," + base64.b64encode(thumb.getvalue()).decode()


for _c in (SUNSET, LAKE, TOWER, PENDING):
    _prepare(_c)


def image_props(c: Canned) -> dict[str, Any]:
    status = "failed" if c is FAILED else "ready" if c.id in READY else "pending"
    ready = status == "ready"
    return {
        # Like ImageChat's gallery, an image gets its id once it is stored: none while pending.
        "id": None if status == "pending" else c.id,
        "status": status,
        "thumb": _THUMB[c.id] if ready else None,
        "width": c.width,
        "height": c.height,
        "prompt": c.prompt,
        "revised_prompt": c.revised_prompt if ready else None,
        "model": c.model,
        "size": f"{c.width}x{c.height}",
        "quality": c.quality,
        "style": c.style,
        "cost": c.cost if ready else None,
        "elapsed_ms": c.elapsed_ms if ready else None,
        "error": FAILED_ERROR if status == "failed" else None,
        "filename": c.filename,
        "parent_id": c.parent_id,
        "lineage": c.lineage,
    }


def gallery_props(images: list[Canned]) -> dict[str, Any]:
    done = sum(1 for c in images if c.id in READY)
    return {
        "images": [image_props(c) for c in images],
        "summary": f"{len(images)} images · GPT Image 1 · {done} ready · high quality",
        "notes": ["Size 1792x1024 is not available on GPT Image 1; used 1536x1024."],
    }


MAIN = [SUNSET, LAKE, TOWER, PENDING, FAILED]


async def full_image(image_id: str, format: str = "png") -> Response:
    image_id = ALIASES.get(image_id, image_id)
    c = CANNED.get(image_id)
    if c is None or image_id not in READY or format not in ("png", "jpg"):
        raise HTTPException(status_code=404, detail="no such image")
    body = _PNG[image_id] if format == "png" else _JPG[image_id]
    return Response(
        body,
        media_type="image/png" if format == "png" else "image/jpeg",
        headers={
            "Content-Disposition": f'attachment; filename="{c.filename}.{format}"',
            "Cache-Control": "private, max-age=3600",
        },
    )


ACTIONS: list[dict[str, Any]] = []  # every image action that arrived: {"name", "payload"}
VARIATIONS_DELAY = 1.2  # seconds: long enough to see the Variations button pending
ACTION_ERROR = "The image service is busy right now."


async def recorded_actions() -> list[dict[str, Any]]:
    return ACTIONS


# Before Chainlit's catch-all route, which would answer with the SPA's index.html.
app.router.routes[0:0] = [
    APIRoute("/api/images/{image_id}", full_image, methods=["GET"]),
    APIRoute("/api/harness/actions", recorded_actions, methods=["GET"]),
]


async def _record(action: cl.Action) -> dict[str, str] | None:
    """Record the call; the answer that reports a failure, if this session asked for failures."""
    ACTIONS.append({"name": action.name, "payload": action.payload})
    if cl.user_session.get("fail_actions"):
        return {"error": ACTION_ERROR}
    return None


@cl.action_callback("image_variations")
async def on_variations(action: cl.Action) -> dict[str, str] | None:
    if failure := await _record(action):
        return failure
    await asyncio.sleep(VARIATIONS_DELAY)
    await cl.Message(content=f"variations of {action.payload.get('image_id')}").send()
    return None


@cl.action_callback("image_edit")
async def on_edit(action: cl.Action) -> dict[str, str] | None:
    if failure := await _record(action):
        return failure
    payload = action.payload
    await cl.Message(content=f"edit {payload.get('image_id')}: {payload.get('prompt')}").send()
    return None


@cl.on_chat_start
async def start() -> None:
    READY.discard(PENDING.id)
    element = cl.CustomElement(name="ImageGallery", props=gallery_props(MAIN), display="inline")
    await cl.Message(content="Here are your images.", elements=[element]).send()
    cl.user_session.set("gallery", element)


async def _make_pending_ready(delay: float = 0) -> None:
    if delay:
        await asyncio.sleep(delay)
    element: cl.CustomElement = cl.user_session.get("gallery")
    READY.add(PENDING.id)
    element.props = gallery_props(MAIN)
    await element.update()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    text = message.content.strip().lower()
    if text == "update":
        await _make_pending_ready()
        await cl.Message(content="Updated.").send()
    elif text == "update later":
        asyncio.get_running_loop().create_task(_make_pending_ready(3))
        await cl.Message(content="Will update soon.").send()
    elif text == "fail actions":
        cl.user_session.set("fail_actions", True)
        await cl.Message(content="Actions will fail.").send()
    elif text.startswith("layout"):
        n = max(1, min(10, int(text.split()[1]) if len(text.split()) > 1 else 1))
        pool = [SUNSET, LAKE, TOWER]
        images = [pool[i % 3] for i in range(n)] if n > 1 else [SUNSET]
        props = gallery_props(images)
        # Ids must differ within one gallery.
        for i, img in enumerate(props["images"][3:], start=3):
            alias = f"{img['id'][:-2]}{i:02d}"
            ALIASES[alias] = img["id"]
            img["id"] = alias
        props["summary"] = f"{n} image{'s' if n > 1 else ''} · GPT Image 1"
        props.pop("notes")
        element = cl.CustomElement(name="ImageGallery", props=props, display="inline")
        await cl.Message(content=f"Layout with {n}.", elements=[element]).send()
    else:
        await cl.Message(
            content="Say 'update', 'update later', 'layout N' or 'fail actions'."
        ).send()
