"""Deleting one answer (a "turn": its text, galleries, tool steps, elements, feedback and
images) as a unit, with Undo.

The rows are moved, whole, into ``deleted_turns`` in the same transaction: from that moment
nothing reads them (the images 404, the model's history and image list no longer carry them)
without a filter on every query. Undo moves them back; ``purge_deleted_turns`` drops them for
good once the undo window has passed. Which steps belong to an answer is decided by
``imagechat.turns``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from imagechat.turns import StepRef, unit_of

from .core import StorageCore
from .db import utcnow
from .schema import deleted_turns, elements, feedbacks, images, steps, users

# Restore order: steps before what refers to them.
_TABLES: dict[str, Table] = {
    "steps": steps,
    "elements": elements,
    "feedbacks": feedbacks,
    "images": images,
}


@dataclass(frozen=True)
class TurnSummary:
    """What deleting the answer ``head_id`` would remove (for the confirmation)."""

    head_id: str
    thread_id: str
    step_ids: list[str]
    image_count: int


@dataclass(frozen=True)
class DeletedTurnRecord:
    """An answer just deleted: ``id`` is what Undo names."""

    id: str
    head_id: str
    thread_id: str
    step_ids: list[str]
    image_count: int


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out = dict(row)
    for column in table.c:
        value = out.get(column.name)
        if isinstance(value, datetime):
            out[column.name] = value.isoformat()
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    known = {column.name: column for column in table.c}
    out: dict[str, Any] = {}
    for name, value in row.items():
        column = known.get(name)
        if column is None:
            continue  # a column dropped by a later migration
        if isinstance(column.type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        out[name] = value
    return out


class TrashMixin(StorageCore):
    async def _turn(
        self, conn: AsyncConnection, head_id: str, user_identifier: str, *, lock: bool = False
    ) -> tuple[str, list[str]] | None:
        """(thread id, step ids) of the answer ``head_id`` in the user's thread, else None."""
        thread_id = await conn.scalar(select(steps.c.thread_id).where(steps.c.id == head_id))
        if thread_id is None:
            return None
        _, _, owner = await self._thread_owner(conn, thread_id, lock=lock)
        if owner is None or owner != user_identifier:
            return None
        rows = (
            await conn.execute(
                select(steps.c.id, steps.c.parent_id, steps.c.type, steps.c.metadata)
                .where(steps.c.thread_id == thread_id)
                .order_by(steps.c.created_at, steps.c.start, steps.c.id)
            )
        ).all()
        refs = [StepRef(r.id, r.parent_id, r.type, r.metadata or {}) for r in rows]
        ids = unit_of(head_id, refs)
        return (thread_id, ids) if ids else None

    async def describe_turn_for_user(
        self, head_id: str, user_identifier: str
    ) -> TurnSummary | None:
        """What deleting the answer ``head_id`` would remove; None when it is not an answer
        in one of the user's conversations."""
        async with self.db.read() as conn:
            found = await self._turn(conn, head_id, user_identifier)
            if found is None:
                return None
            thread_id, ids = found
            count = await conn.scalar(
                select(func.count())
                .select_from(images)
                .where(images.c.thread_id == thread_id, images.c.step_id.in_(ids))
            )
        return TurnSummary(head_id, thread_id, ids, int(count or 0))

    async def delete_turn_for_user(
        self, head_id: str, user_identifier: str
    ) -> DeletedTurnRecord | None:
        """Delete the answer ``head_id`` with everything that belongs to it, keeping it for
        Undo (see ``restore_turn_for_user``). None when it is not an answer in one of the
        user's conversations."""
        async with self._locks.hold(f"step:{head_id}"), self.db.write() as conn:
            found = await self._turn(conn, head_id, user_identifier, lock=True)
            if found is None:
                return None
            thread_id, ids = found
            user_id = await conn.scalar(
                select(users.c.id).where(users.c.identifier == user_identifier)
            )
            where = {
                "steps": steps.c.id.in_(ids),
                "elements": elements.c.for_id.in_(ids),
                "feedbacks": feedbacks.c.for_id.in_(ids),
                "images": images.c.step_id.in_(ids),
            }
            payload: dict[str, list[dict[str, Any]]] = {}
            for name, table in _TABLES.items():
                query = select(table).where(where[name])
                if name != "feedbacks":  # feedback rows may lack a thread id
                    query = query.where(table.c.thread_id == thread_id)
                rows = (await conn.execute(query)).mappings().all()
                payload[name] = [_encode(table, row) for row in rows]
            for sid in ids:
                self._deleted_steps.add(sid)
            for name in ("feedbacks", "images", "elements", "steps"):
                await conn.execute(
                    delete(_TABLES[name]).where(
                        _TABLES[name].c.id.in_([row["id"] for row in payload[name]])
                    )
                )
            record_id = str(uuid.uuid4())
            await conn.execute(
                deleted_turns.insert().values(
                    id=record_id,
                    user_id=user_id,
                    thread_id=thread_id,
                    head_id=head_id,
                    payload=payload,
                    deleted_at=utcnow(),
                )
            )
        return DeletedTurnRecord(record_id, head_id, thread_id, ids, len(payload["images"]))

    async def restore_turn_for_user(
        self, head_id: str, user_identifier: str, *, window: float
    ) -> DeletedTurnRecord | None:
        """Undo: put back the answer ``head_id`` deleted less than ``window`` seconds ago by
        this user. None when there is none (never deleted, someone else's, or too late)."""
        since = utcnow() - timedelta(seconds=window)
        query = (
            select(deleted_turns)
            .join(users, users.c.id == deleted_turns.c.user_id)
            .where(
                deleted_turns.c.head_id == head_id,
                users.c.identifier == user_identifier,
                deleted_turns.c.deleted_at >= since,
            )
            .order_by(deleted_turns.c.deleted_at.desc())
        )
        async with self.db.write() as conn:
            row = (await conn.execute(query)).mappings().first()
            if row is None:
                return None
            _, _, owner = await self._thread_owner(conn, row["thread_id"], lock=True)
            if owner != user_identifier:
                return None
            payload = row["payload"] or {}
            for name, table in _TABLES.items():
                rows = [_decode(table, r) for r in payload.get(name) or []]
                if rows:
                    await conn.execute(table.insert(), rows)
            await conn.execute(delete(deleted_turns).where(deleted_turns.c.id == row["id"]))
        step_ids = [r["id"] for r in payload.get("steps") or []]
        for sid in step_ids:
            self._deleted_steps.discard(sid)
        return DeletedTurnRecord(
            row["id"], head_id, row["thread_id"], step_ids, len(payload.get("images") or [])
        )

    async def purge_deleted_turns(self, older_than: float) -> int:
        """Drop, for good, the answers deleted more than ``older_than`` seconds ago."""
        before = utcnow() - timedelta(seconds=older_than)
        async with self.db.write() as conn:
            result = await conn.execute(
                delete(deleted_turns).where(deleted_turns.c.deleted_at < before)
            )
        return result.rowcount or 0
