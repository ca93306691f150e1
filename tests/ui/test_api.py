"""GET /api/images/{id}: the owner gets PNG or JPG with the right headers; everyone else 404."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chainlit.auth import get_current_user
from chainlit.user import User
from fastapi import FastAPI
from PIL import Image

from imagechat.catalog import build_catalog
from imagechat.imaging.budget import PixelBudget, set_decode_budget
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade
from imagechat.storage.users import UserRepository
from imagechat.ui.api import ConversionCache, image_router

PROMPT = "Sunset over mountains!"


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (320, 200), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 100, 100))  # a transparent corner
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class World:
    def __init__(
        self, client: httpx.AsyncClient, ids: list[str], original: bytes, thread: str = ""
    ) -> None:
        self.thread = thread
        self.client = client
        self.ids = ids
        self.original = original
        self.as_user = "alice"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"
    await upgrade(url)
    db = Database(url)
    users = UserRepository(db)
    await users.add("alice", "password-alice")
    await users.add("bob", "password-bob")
    layer = ImageChatDataLayer(db)
    original = png_with_alpha()
    thread, step = str(uuid.uuid4()), str(uuid.uuid4())
    ids = [
        await layer.save_image(
            user_identifier="alice",
            thread_id=thread,
            step_id=step,
            data_b64=base64.b64encode(original).decode(),
            mime="image/png",
            width=320,
            height=200,
            prompt=PROMPT,
            params={"index": index, "count": 2},
        )
        for index in (1, 2)
    ]
    app = FastAPI()
    app.include_router(
        image_router(layer, build_catalog(openai_key=False, environ={}), ConversionCache())
    )
    holder: dict[str, Any] = {}

    async def current_user() -> User | None:
        name = holder["world"].as_user
        return User(identifier=name) if name else None

    app.dependency_overrides[get_current_user] = current_user
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        holder["world"] = World(client, ids, original, thread)
        holder["layer"] = layer
        yield holder["world"]
    await db.dispose()


async def test_png_is_the_original_pixels_with_safe_headers(world: World) -> None:
    response = await world.client.get(f"/api/images/{world.ids[1]}?format=png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == (
        'attachment; filename="sunset-over-mountains-2.png"'
    )
    assert response.content == world.original


async def test_jpg_is_made_with_pillow_and_flattened_on_white(world: World) -> None:
    response = await world.client.get(f"/api/images/{world.ids[0]}?format=jpg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-disposition"].endswith('sunset-over-mountains-1.jpg"')
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and image.size == (320, 200)
    assert min(image.convert("RGB").getpixel((40, 40))) > 245  # transparent became white


async def test_etag_lets_the_browser_cache(world: World) -> None:
    first = await world.client.get(f"/api/images/{world.ids[0]}?format=png")
    etag = first.headers["etag"]
    again = await world.client.get(
        f"/api/images/{world.ids[0]}?format=png", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    assert "immutable" in first.headers["cache-control"]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("bob", "/api/images/{id}?format=png", 404),  # another user's image
        ("alice", f"/api/images/{uuid.uuid4()}?format=png", 404),  # missing id
        ("alice", "/api/images/not-a-uuid?format=png", 404),  # malformed id
        ("alice", "/api/images/..%2F..%2Fetc%2Fpasswd?format=png", 404),  # path tricks
        ("alice", "/api/images/{id}?format=gif", 400),  # unknown format
        (None, "/api/images/{id}?format=png", 401),  # not logged in
    ],
)
async def test_refusals_have_the_right_status_and_leak_nothing(
    world: World, who: str | None, path: str, status: int
) -> None:
    world.as_user = who  # type: ignore[assignment]
    response = await world.client.get(path.format(id=world.ids[0]))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.text
    assert world.ids[0] not in body and "alice" not in body and "Traceback" not in body
    assert len(body) < 80


async def test_the_picked_model_is_saved_for_the_owner_only(world: World) -> None:
    url = f"/api/threads/{world.thread}/model"
    assert (await world.client.post(url, json={"label": "Offline demo"})).status_code == 204
    assert (await world.client.post(url, json={"label": "No such"})).status_code == 400
    world.as_user = "bob"
    assert (await world.client.post(url, json={"label": "Offline demo"})).status_code == 404


async def test_concurrent_jpg_downloads_load_and_convert_within_the_decode_budget(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six downloads of two images at once: each image's data is loaded only inside a
    reservation of its pixels (one image at a time with this budget), and once: the others
    wait holding only its details, then get the cached conversion."""
    budget = PixelBudget(megapixels=0.07, slots=4)  # one 320x200 image at a time
    set_decode_budget(budget)
    loads: list[tuple[bool, int]] = []
    real = ImageChatDataLayer.get_image_for_user

    async def spy(self: Any, image_id: str, user: str, *, include_data: bool = True) -> Any:
        loads.append((include_data, budget.in_use))
        return await real(self, image_id, user, include_data=include_data)

    monkeypatch.setattr(ImageChatDataLayer, "get_image_for_user", spy)
    try:
        responses = await asyncio.gather(
            *(world.client.get(f"/api/images/{world.ids[i % 2]}?format=jpg") for i in range(6))
        )
    finally:
        set_decode_budget(None)
    assert all(r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff" for r in responses)
    data_loads = [in_use for with_data, in_use in loads if with_data]
    assert data_loads == [64_000, 64_000]  # each inside its reservation, each image once
    assert budget.peak == 64_000
