"""The images table: full images as base64, with thumbnails and generation details."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from .core import StorageCore, ThreadOwnershipError
from .db import iso_z, utcnow
from .schema import images, steps, users

_META_COLUMNS = [c for c in images.c if c.name != "data_b64"]


@dataclass(frozen=True)
class ImageRecord:
    id: str
    user_id: str
    thread_id: str
    step_id: str | None
    mime: str
    width: int | None
    height: int | None
    thumb_b64: str | None
    thumb_mime: str | None
    prompt: str | None
    revised_prompt: str | None
    model: str | None
    params: dict[str, Any] | None
    cost: float | None
    created_at: str | None
    #: The full image; None when listed without data.
    data_b64: str | None = None

    @classmethod
    def from_row(cls, row: RowMapping) -> ImageRecord:
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            thread_id=row["thread_id"],
            step_id=row["step_id"],
            mime=row["mime"],
            width=row["width"],
            height=row["height"],
            thumb_b64=row["thumb_b64"],
            thumb_mime=row["thumb_mime"],
            prompt=row["prompt"],
            revised_prompt=row["revised_prompt"],
            model=row["model"],
            params=row["params"],
            cost=row["cost"],
            created_at=iso_z(row["created_at"]),
            data_b64=row.get("data_b64"),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImagesMixin(StorageCore):
    async def save_image(
        self,
        *,
        user_identifier: str,
        thread_id: str,
        step_id: str | None,
        data_b64: str,
        mime: str,
        width: int | None = None,
        height: int | None = None,
        thumb_b64: str | None = None,
        thumb_mime: str | None = None,
        prompt: str | None = None,
        revised_prompt: str | None = None,
        model: str | None = None,
        params: dict[str, Any] | None = None,
        cost: float | None = None,
        image_id: str | None = None,
    ) -> str:
        """Store an image for ``user_identifier`` in ``thread_id`` (created when missing) and
        return its id. Raises ``ThreadOwnershipError`` for another user's thread or step and
        ``LookupError`` for an unknown user."""
        new_id = image_id or str(uuid.uuid4())
        async with self.db.write() as conn:
            user_id = await conn.scalar(
                select(users.c.id).where(users.c.identifier == user_identifier)
            )
            if user_id is None:
                raise LookupError("unknown user")
            exists, owner_id, _ = await self._thread_owner(conn, thread_id)
            if exists and owner_id != user_id:
                raise ThreadOwnershipError(f"thread {thread_id} belongs to another user")
            if not exists:
                if thread_id in self._deleted_threads:
                    raise ThreadOwnershipError(f"thread {thread_id} was deleted")
                await self._create_thread(conn, thread_id, user_id=user_id)
            if step_id is not None:
                step_thread = await conn.scalar(
                    select(steps.c.thread_id).where(steps.c.id == step_id)
                )
                if step_thread is not None and step_thread != thread_id:
                    raise ThreadOwnershipError(f"step {step_id} is in another thread")
            await conn.execute(
                images.insert().values(
                    id=new_id,
                    user_id=user_id,
                    thread_id=thread_id,
                    step_id=step_id,
                    mime=mime,
                    width=width,
                    height=height,
                    data_b64=data_b64,
                    thumb_b64=thumb_b64,
                    thumb_mime=thumb_mime,
                    prompt=prompt,
                    revised_prompt=revised_prompt,
                    model=model,
                    params=params,
                    cost=cost,
                    created_at=utcnow(),
                )
            )
        return new_id

    async def get_image_for_user(
        self, image_id: str, user_identifier: str, *, include_data: bool = True
    ) -> ImageRecord | None:
        """The full image, or None when it does not exist or belongs to someone else.

        Without ``include_data`` only its details are read (a download checks the owner, the
        cache and the memory budget before it loads tens of megabytes of base64)."""
        query = (
            select(*(images.c if include_data else _META_COLUMNS))
            .join(users, users.c.id == images.c.user_id)
            .where(images.c.id == image_id, users.c.identifier == user_identifier)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return ImageRecord.from_row(row) if row is not None else None

    async def list_images(
        self,
        thread_id: str,
        user_identifier: str | None = None,
        *,
        step_id: str | None = None,
        include_data: bool = False,
    ) -> list[ImageRecord]:
        """Images of a thread (optionally of one message), oldest first.

        With ``user_identifier``, only that user's images are listed (empty for another user's
        thread). The full image data is left out unless ``include_data``.
        """
        columns = list(images.c) if include_data else _META_COLUMNS
        query = select(*columns).where(images.c.thread_id == thread_id)
        if user_identifier is not None:
            query = query.join(users, users.c.id == images.c.user_id).where(
                users.c.identifier == user_identifier
            )
        if step_id is not None:
            query = query.where(images.c.step_id == step_id)
        query = query.order_by(images.c.created_at, images.c.id)
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [ImageRecord.from_row(r) for r in rows]
