"""Gallery benchmark: ``python -m bench.gallery``.

Prints one JSON object per line per figure:

* ``resume_bytes_fraction_10x4``: bytes of the conversation as Chainlit sends it to the browser
  on resume (the thread with its steps and elements, as JSON) for 10 messages of 4 realistic
  1024x1024 images each, divided by the bytes of those 40 full images as base64 (target 5%);
* ``jpg_conversion_median_ms_first`` / ``jpg_conversion_median_ms_cached``: median time for
  ``GET /api/images/{id}?format=jpg`` of a 1024x1024 PNG, cache miss and cache hit, through
  the real route and data layer (SQLite).
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from chainlit.auth import get_current_user
from chainlit.user import User
from fastapi import FastAPI

from bench._sample_images import sample_png_bytes
from imagechat.catalog import build_catalog
from imagechat.imaging import decode_and_thumbnail_sync
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database
from imagechat.storage.migrate import upgrade
from imagechat.storage.users import UserRepository
from imagechat.ui.api import ConversionCache, image_router
from imagechat.ui.gallery import thumb_data_url

USER = "bench"


async def _conversation(
    layer: ImageChatDataLayer, messages: int, per: int
) -> tuple[str, list[str], int]:
    thread_id = str(uuid.uuid4())
    full_bytes = 0
    ids: list[str] = []
    for m in range(messages):
        step_id = str(uuid.uuid4())
        entries = []
        for i in range(per):
            png = sample_png_bytes(1024, seed=m * per + i)
            b64 = base64.b64encode(png).decode("ascii")
            decoded, thumb = decode_and_thumbnail_sync(b64)
            image_id = await layer.save_image(
                user_identifier=USER,
                thread_id=thread_id,
                step_id=step_id,
                data_b64=b64,
                mime=decoded.mime,
                width=decoded.width,
                height=decoded.height,
                thumb_b64=base64.b64encode(thumb.data).decode("ascii"),
                thumb_mime=thumb.mime,
                prompt=f"bench image {m}-{i}",
            )
            ids.append(image_id)
            full_bytes += len(b64)
            entries.append(
                {
                    "id": image_id,
                    "status": "ready",
                    "thumb": thumb_data_url(thumb),
                    "width": decoded.width,
                    "height": decoded.height,
                    "prompt": f"bench image {m}-{i}",
                }
            )
        await layer.create_step(
            {
                "id": step_id,
                "threadId": thread_id,
                "type": "assistant_message",
                "name": "ImageChat",
                "output": "4 images",
                "createdAt": f"2026-01-01T00:00:{m:02d}.000Z",
            }
        )
        element = _Element(thread_id, step_id, {"images": entries})
        await layer.create_element(element)  # type: ignore[arg-type]
    return thread_id, ids, full_bytes


class _Element:
    """The fields of a chainlit CustomElement the data layer reads."""

    def __init__(self, thread_id: str, for_id: str, props: dict[str, object]) -> None:
        self.id = str(uuid.uuid4())
        self.thread_id = thread_id
        self.for_id = for_id
        self.props = props
        self.type = "custom"
        self.name = "ImageGallery"
        self.display = "inline"
        self.mime = "application/json"
        self.url = self.object_key = self.chainlit_key = None
        self.size = self.language = self.page = self.auto_play = self.player_config = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "threadId": self.thread_id,
            "forId": self.for_id,
            "type": self.type,
            "name": self.name,
            "display": self.display,
            "mime": self.mime,
            "props": self.props,
            "url": None,
            "objectKey": None,
            "chainlitKey": None,
            "size": None,
            "language": None,
            "page": None,
            "autoPlay": None,
            "playerConfig": None,
        }


async def run() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await upgrade(url)
        db = Database(url)
        await UserRepository(db).add(USER, "bench-password")
        layer = ImageChatDataLayer(db)
        user = await layer.get_user(USER)
        assert user is not None
        from imagechat.storage.guard import acting_as

        with acting_as(USER):
            thread_id, ids, full_bytes = await _conversation(layer, 10, 4)
        thread = await layer.get_thread_for_user(thread_id, USER)
        sent = len(json.dumps(thread).encode())

        app = FastAPI()
        app.include_router(
            image_router(layer, build_catalog(openai_key=False, environ={}), ConversionCache())
        )
        app.dependency_overrides[get_current_user] = lambda: User(identifier=USER)
        first, cached = [], []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
            for image_id in ids[:15]:
                start = time.perf_counter()
                r = await client.get(f"/api/images/{image_id}?format=jpg")
                first.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200
                start = time.perf_counter()
                await client.get(f"/api/images/{image_id}?format=jpg")
                cached.append((time.perf_counter() - start) * 1000)
        await db.dispose()
    return [
        {
            "figure": "resume_bytes_fraction_10x4",
            "value": round(sent / full_bytes, 4),
            "unit": "ratio",
            "target": 0.05,
            "sent_bytes": sent,
            "full_base64_bytes": full_bytes,
        },
        {
            "figure": "jpg_conversion_median_ms_first",
            "value": round(statistics.median(first), 1),
            "unit": "ms",
            "target": None,
        },
        {
            "figure": "jpg_conversion_median_ms_cached",
            "value": round(statistics.median(cached), 1),
            "unit": "ms",
            "target": None,
        },
    ]


def main() -> None:
    for figure in asyncio.run(run()):
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
