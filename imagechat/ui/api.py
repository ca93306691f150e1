"""HTTP routes: the full image, as PNG or JPG, for its owner only.

`GET /api/images/{id}?format=png|jpg` — PNG is the original pixels, JPG is made with Pillow
(transparency flattened on white, quality 92). Thumbnails travel in the message; the full image
travels only when the viewer opens or a download starts.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections import OrderedDict
from typing import Annotated, Any

from chainlit.auth import get_current_user
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from imagechat.catalog import Catalog
from imagechat.imaging import MAX_PIXELS, decode_budget, safe_filename, stored_as
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.ui.widgets import picker_name

FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
_CACHE_BYTES = 64 * 1024 * 1024


class ConversionCache:
    """Converted images by (id, format), least recently used first out, bounded in bytes."""

    def __init__(self, max_bytes: int = _CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0

    def get(self, key: tuple[str, str]) -> bytes | None:
        data = self._items.get(key)
        if data is not None:
            self._items.move_to_end(key)
        return data

    def put(self, key: tuple[str, str], data: bytes) -> None:
        if key in self._items or len(data) > self.max_bytes:
            return
        self._items[key] = data
        self._size += len(data)
        while self._size > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self._size -= len(old)


def _not_found() -> JSONResponse:
    return JSONResponse({"detail": "Not found"}, status_code=404)


def _convert(holder: list[str], fmt: str) -> bytes:
    """The image in ``holder`` (its only reference, taken out here so the 40 MB of base64
    are freed as soon as they are decoded) as ``fmt``."""
    data = base64.b64decode(holder.pop())
    return stored_as(data, fmt, quality=92)


async def _load_and_convert(
    layer: ImageChatDataLayer, record: Any, identifier: str, fmt: str, cache: ConversionCache
) -> bytes | None:
    """Load and convert one image inside a reservation of its pixels from the process's decode
    budget: however many downloads arrive at once, only what the budget allows is in memory
    (a waiting request holds only the image's details, not its data)."""
    pixels = (record.width or 0) * (record.height or 0) or MAX_PIXELS
    async with decode_budget().reserve(pixels):
        done = cache.get((record.id, fmt))  # converted while this request waited
        if done is not None:
            return done
        full = await layer.get_image_for_user(record.id, identifier)
        if full is None or not full.data_b64:
            return None
        holder = [full.data_b64]
        del full
        return await asyncio.to_thread(_convert, holder, fmt)


def image_router(
    layer: ImageChatDataLayer, catalog: Catalog, cache: ConversionCache | None = None
) -> APIRouter:
    cache = cache or ConversionCache()
    router = APIRouter()

    @router.get("/api/images/{image_id}")
    async def get_image(
        image_id: str,
        request: Request,
        user: Annotated[Any, Depends(get_current_user)],
        format: str = "png",
    ) -> Response:
        fmt = format.lower()
        if fmt not in FORMATS:
            return JSONResponse({"detail": "format must be png or jpg"}, status_code=400)
        fmt = "jpg" if fmt == "jpeg" else fmt
        try:
            uuid.UUID(image_id)
        except ValueError:
            return _not_found()
        identifier = getattr(user, "identifier", None)
        if not identifier:
            return JSONResponse({"detail": "Unauthorized"}, status_code=401)
        etag = f'"{image_id}.{fmt}"'
        headers = {
            "ETag": etag,
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        }
        record = await layer.get_image_for_user(image_id, identifier, include_data=False)
        if record is None:
            return _not_found()
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        data = cache.get((image_id, fmt))
        if data is None:
            data = await _load_and_convert(layer, record, identifier, fmt, cache)
            if data is None:
                return _not_found()
            cache.put((image_id, fmt), data)
        name = safe_filename(record.prompt or "image", _index_in_message(record), fmt)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(content=data, media_type=FORMATS[fmt], headers=headers)

    @router.post("/api/threads/{thread_id}/model")
    async def set_thread_model(
        thread_id: str,
        request: Request,
        user: Annotated[Any, Depends(get_current_user)],
    ) -> Response:
        """Remember the model picked in the composer for this conversation (owner only)."""
        identifier = getattr(user, "identifier", None)
        if not identifier:
            return JSONResponse({"detail": "Unauthorized"}, status_code=401)
        try:
            label = str((await request.json()).get("label", ""))
        except ValueError:
            return JSONResponse({"detail": "expected JSON"}, status_code=400)
        names = {picker_name(catalog, m): m for m in catalog.available_chat_models()}
        model = names.get(label)
        if model is None:
            return JSONResponse({"detail": "unknown model"}, status_code=400)
        if await layer.get_thread_for_user(thread_id, identifier) is None:
            return _not_found()
        await layer.save_thread_settings(thread_id, identifier, {"model": model.id})
        return Response(status_code=204)

    return router


def _index_in_message(record: Any) -> int | None:
    """1-based position among the images of its generation, when it has siblings."""
    params = record.params or {}
    index, count = params.get("index"), params.get("count")
    if isinstance(index, int) and isinstance(count, int) and count > 1:
        return index
    return None


def mount_first(app: FastAPI, router: APIRouter) -> None:
    """Add the router's routes before Chainlit's catch-all page route, which would shadow them."""
    app.router.routes[0:0] = list(router.routes)
