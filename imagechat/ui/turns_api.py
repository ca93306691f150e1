"""HTTP routes behind the 🗑 of an answer (public/imagechat.js), for its owner only:

`GET /api/turns/{message_id}` — what deleting it removes (`images`: how many) and how long Undo
is offered afterwards (`undo_seconds`), for the confirmation.
`POST /api/turns/{message_id}/restore` — Undo, within the window; 404 when there is nothing to
restore (never deleted, someone else's, or too late).

The delete itself is the `delete_message` action (it needs the live session: the page must drop
the messages and the model's history must forget them).
"""

from __future__ import annotations

from typing import Annotated, Any

from chainlit.auth import get_current_user
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.ui.deletion import UNDO_GRACE


def _not_found() -> JSONResponse:
    return JSONResponse({"detail": "Not found"}, status_code=404)


def turn_router(layer: ImageChatDataLayer, undo_seconds: float) -> APIRouter:
    router = APIRouter()

    @router.get("/api/turns/{message_id}")
    async def describe(
        message_id: str, user: Annotated[Any, Depends(get_current_user)]
    ) -> Response:
        identifier = getattr(user, "identifier", None)
        if not identifier:
            return JSONResponse({"detail": "Unauthorized"}, status_code=401)
        summary = await layer.describe_turn_for_user(message_id, identifier)
        if summary is None:
            return _not_found()
        return JSONResponse({"images": summary.image_count, "undo_seconds": undo_seconds})

    @router.post("/api/turns/{message_id}/restore")
    async def restore(message_id: str, user: Annotated[Any, Depends(get_current_user)]) -> Response:
        identifier = getattr(user, "identifier", None)
        if not identifier:
            return JSONResponse({"detail": "Unauthorized"}, status_code=401)
        restored = await layer.restore_turn_for_user(
            message_id, identifier, window=undo_seconds + UNDO_GRACE
        )
        if restored is None:
            return _not_found()
        return JSONResponse({"restored": True, "images": restored.image_count})

    return router
