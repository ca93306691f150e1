"""Shared state and helpers of the data layer: owner checks, thread creation, cascading deletes."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import Database, utcnow
from .guard import (
    BoundedDict,
    BoundedSet,
    KeyedLocks,
    current_session,
    current_thread_id,
    current_user_id,
    current_user_identifier,
)
from .records import NAME_MAX, merge_metadata
from .schema import elements, feedbacks, images, steps, threads, users
from .titles import plain_title

log = logging.getLogger("imagechat.storage")

SHARING_KEYS = ("is_shared", "shared_at")


class ThreadOwnershipError(PermissionError):
    """A write or delete aimed at a thread (or its content) that the caller does not own."""


class StorageCore:
    """State shared by the Chainlit-facing and the owner-checked halves of the data layer."""

    def __init__(
        self,
        db: Database | str,
        *,
        allow_sharing: bool = False,
        auto_create_users: bool = True,
    ) -> None:
        self.db = db if isinstance(db, Database) else Database(db)
        self.allow_sharing = allow_sharing
        self.auto_create_users = auto_create_users
        self._locks = KeyedLocks()
        # Writes that arrive after a delete (a message still streaming, Chainlit's metadata
        # write at disconnect) must not resurrect the row as an empty, possibly ownerless one.
        self._deleted_threads = BoundedSet()
        self._deleted_steps = BoundedSet()
        # Settings saved before the thread's first message: applied when the thread is created.
        self._pending_settings: BoundedDict = BoundedDict(1_000)
        # Threads whose start was undone (a command alone, e.g. /agents): only the person's next
        # message creates them again. Chainlit's own writes (the session metadata it saves at
        # disconnect, late step updates, an action's "first interaction") would otherwise bring
        # back an empty "Untitled conversation" after every reload.
        self._unstarted = BoundedSet()

    # ---- dialect helpers -------------------------------------------------------------------

    def _insert(self, table: Any) -> Any:
        return sqlite_insert(table) if self.db.is_sqlite else pg_insert(table)

    # ---- ownership -------------------------------------------------------------------------

    async def _thread_owner(
        self, conn: AsyncConnection, thread_id: str, *, lock: bool = False
    ) -> tuple[bool, str | None, str | None]:
        """(exists, owner user id, owner identifier) of a thread."""
        query = (
            select(threads.c.user_id, users.c.identifier)
            .select_from(threads.outerjoin(users, users.c.id == threads.c.user_id))
            .where(threads.c.id == thread_id)
        )
        if lock and not self.db.is_sqlite:
            query = query.with_for_update(of=threads)
        row = (await conn.execute(query)).first()
        if row is None:
            return False, None, None
        return True, row.user_id, row.identifier

    @staticmethod
    def _check_caller_owns(thread_id: str, owner_identifier: str | None) -> None:
        """Inside a Chainlit session, refuse to touch another user's thread."""
        caller = current_user_identifier()
        if caller is not None and owner_identifier is not None and caller != owner_identifier:
            log.warning("refused access to thread %s by another user", thread_id)
            raise ThreadOwnershipError(f"thread {thread_id} belongs to another user")

    async def _ensure_thread_writable(
        self, conn: AsyncConnection, thread_id: str, *, first_message: bool = False
    ) -> bool:
        """Check the caller may write into ``thread_id``; create it when missing.

        Returns False when the thread was deleted by this process, or is waiting for the
        person's next message (see ``_unstarted``) and this write is not that message: the write
        is dropped. A Chainlit session may only create its own thread (``session.thread_id``).
        """
        exists, _owner_id, owner_identifier = await self._thread_owner(conn, thread_id)
        if exists:
            self._check_caller_owns(thread_id, owner_identifier)
            return True
        if thread_id in self._deleted_threads:
            log.info("dropped a write to deleted thread %s", thread_id)
            return False
        if thread_id in self._unstarted:
            if not first_message:
                log.info("dropped a write to thread %s before its first message", thread_id)
                return False
            self._unstarted.discard(thread_id)
        if current_session() is not None and thread_id != current_thread_id():
            raise ThreadOwnershipError(f"thread {thread_id} is not this session's thread")
        await self._create_thread(conn, thread_id, user_id=current_user_id())
        return True

    async def _existing_user_id(self, conn: AsyncConnection, user_id: str | None) -> str | None:
        if not user_id:
            return None
        found = await conn.scalar(select(users.c.id).where(users.c.id == user_id))
        return found

    async def _create_thread(
        self,
        conn: AsyncConnection,
        thread_id: str,
        *,
        user_id: str | None,
        name: str | None = None,
        metadata: dict[str, Any] | None = None,
        tags: list[str] | None = None,
    ) -> None:
        owner = await self._existing_user_id(conn, user_id)
        meta = dict(metadata or {})
        pending = self._pending_settings.pop(thread_id, None)
        if pending is not None:
            pending_owner, settings = pending
            owner_identifier = await conn.scalar(
                select(users.c.identifier).where(users.c.id == owner)
            )
            if owner_identifier == pending_owner:
                meta = merge_metadata(meta, {"chat_settings": settings})
        now = utcnow()
        stmt = (
            self._insert(threads)
            .values(
                id=thread_id,
                name=plain_title(name, NAME_MAX) if name else None,
                user_id=owner,
                metadata=self._filter_sharing(meta) or None,
                tags=tags,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        await conn.execute(stmt)

    def _filter_sharing(self, metadata: dict[str, Any]) -> dict[str, Any]:
        if self.allow_sharing:
            return metadata
        return {k: v for k, v in metadata.items() if k not in SHARING_KEYS}

    # ---- cascading deletes -------------------------------------------------------------------

    async def _step_tree(self, conn: AsyncConnection, step_id: str, thread_id: str) -> list[str]:
        """``step_id`` and all its descendants (by parent_id) within the thread."""
        found = [step_id]
        frontier = [step_id]
        while frontier:
            children = (
                await conn.scalars(
                    select(steps.c.id).where(
                        steps.c.thread_id == thread_id, steps.c.parent_id.in_(frontier)
                    )
                )
            ).all()
            frontier = [c for c in children if c not in found]
            found.extend(frontier)
        return found

    async def _delete_step_tree(self, conn: AsyncConnection, step_id: str, thread_id: str) -> int:
        """Delete a step, its child steps, and their elements, images and feedback."""
        ids = await self._step_tree(conn, step_id, thread_id)
        for sid in ids:
            self._deleted_steps.add(sid)
        await conn.execute(delete(feedbacks).where(feedbacks.c.for_id.in_(ids)))
        await conn.execute(
            delete(elements).where(elements.c.thread_id == thread_id, elements.c.for_id.in_(ids))
        )
        await conn.execute(
            delete(images).where(images.c.thread_id == thread_id, images.c.step_id.in_(ids))
        )
        result = await conn.execute(
            delete(steps).where(steps.c.thread_id == thread_id, steps.c.id.in_(ids))
        )
        return result.rowcount or 0

    async def _delete_thread_rows(self, conn: AsyncConnection, thread_id: str) -> bool:
        """Delete a thread and everything in it (explicitly, not only through FK cascades)."""
        self._deleted_threads.add(thread_id)
        for table in (images, feedbacks, elements, steps):
            await conn.execute(delete(table).where(table.c.thread_id == thread_id))
        result = await conn.execute(delete(threads).where(threads.c.id == thread_id))
        return bool(result.rowcount)

    async def _name_if_unnamed(self, conn: AsyncConnection, thread_id: str, text: str) -> None:
        """Name a thread that has no name after its first user message, as Chainlit does when
        it creates the thread (a thread restarted after a command is created by the message).
        The name is plain text: the sidebar would show Markdown marks as they are."""
        await conn.execute(
            update(threads)
            .where(threads.c.id == thread_id, or_(threads.c.name.is_(None), threads.c.name == ""))
            .values(name=plain_title(text, NAME_MAX))
        )

    async def _touch_thread(self, conn: AsyncConnection, thread_id: str) -> None:
        await conn.execute(
            update(threads).where(threads.c.id == thread_id).values(updated_at=utcnow())
        )
