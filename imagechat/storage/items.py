"""Users, feedback and elements: the parts of Chainlit's data layer that are not threads/steps."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chainlit.types import Feedback
from chainlit.user import PersistedUser, User
from sqlalchemy import delete, select, update

from .core import StorageCore, ThreadOwnershipError, log
from .db import iso_z, utcnow
from .guard import queue_until_user_message
from .records import element_dict_from_row, element_values
from .schema import elements, feedbacks, steps, users
from .sessions import SESSION_KEY

if TYPE_CHECKING:
    from chainlit.element import Element, ElementDict


class ItemsMixin(StorageCore):
    # ---- users ------------------------------------------------------------------------------

    async def get_user(self, identifier: str) -> PersistedUser | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(select(users).where(users.c.identifier == identifier)))
                .mappings()
                .first()
            )
        if row is None:
            return None
        metadata = dict(row["metadata"] or {})
        metadata["is_admin"] = bool(row["is_admin"])
        return PersistedUser(
            id=row["id"],
            identifier=row["identifier"],
            display_name=row["display_name"],
            metadata=metadata,
            createdAt=iso_z(row["created_at"]) or "",
        )

    async def create_user(self, user: User) -> PersistedUser | None:
        """Create the user, or refresh display name and metadata of an existing one."""
        # the admin flag is ours to set; the login's session id belongs to its token only
        incoming = {
            k: v for k, v in (user.metadata or {}).items() if k not in ("is_admin", SESSION_KEY)
        }
        async with self.db.write() as conn:
            row = (
                await conn.execute(
                    select(users.c.id, users.c.metadata).where(
                        users.c.identifier == user.identifier
                    )
                )
            ).first()
            if row is None:
                if not self.auto_create_users:
                    log.info("create_user refused for an identifier not in the users table")
                    return None
                await conn.execute(
                    self._insert(users)
                    .values(
                        id=str(uuid.uuid4()),
                        identifier=user.identifier,
                        display_name=user.display_name,
                        metadata=incoming,
                        is_admin=False,
                        created_at=utcnow(),
                    )
                    .on_conflict_do_nothing(index_elements=["identifier"])
                )
            else:
                values: dict[str, Any] = {"metadata": {**(row.metadata or {}), **incoming}}
                if user.display_name:
                    values["display_name"] = user.display_name
                await conn.execute(update(users).where(users.c.id == row.id).values(**values))
        return await self.get_user(user.identifier)

    # ---- feedback ---------------------------------------------------------------------------

    async def upsert_feedback(self, feedback: Feedback) -> str:
        """One feedback per message. The thread comes from the step, not from the client."""
        async with self.db.write() as conn:
            thread_id = await conn.scalar(
                select(steps.c.thread_id).where(steps.c.id == feedback.forId)
            )
            if thread_id is None:
                # unknown and someone else's look the same: no way to probe for message ids
                raise ThreadOwnershipError("feedback for a message the caller cannot see")
            _, _, owner = await self._thread_owner(conn, thread_id)
            self._check_caller_owns(thread_id, owner)
            existing = None
            if feedback.id:
                existing = (
                    await conn.execute(
                        select(feedbacks.c.id, feedbacks.c.for_id).where(
                            feedbacks.c.id == feedback.id
                        )
                    )
                ).first()
                if existing is not None and existing.for_id != feedback.forId:
                    raise ThreadOwnershipError("feedback id belongs to another message")
            if existing is None:
                existing = (
                    await conn.execute(
                        select(feedbacks.c.id, feedbacks.c.for_id).where(
                            feedbacks.c.for_id == feedback.forId
                        )
                    )
                ).first()
            values = {"value": int(feedback.value), "comment": feedback.comment}
            if existing is not None:
                await conn.execute(
                    update(feedbacks).where(feedbacks.c.id == existing.id).values(**values)
                )
                feedback_id: str = existing.id
            else:
                feedback_id = feedback.id or str(uuid.uuid4())
                await conn.execute(
                    feedbacks.insert().values(
                        id=feedback_id, for_id=feedback.forId, thread_id=thread_id, **values
                    )
                )
        feedback.id = feedback_id
        return feedback_id

    async def delete_feedback(self, feedback_id: str) -> bool:
        async with self.db.write() as conn:
            thread_id = await conn.scalar(
                select(feedbacks.c.thread_id).where(feedbacks.c.id == feedback_id)
            )
            if thread_id is not None:
                _, _, owner = await self._thread_owner(conn, thread_id)
                self._check_caller_owns(thread_id, owner)
            result = await conn.execute(delete(feedbacks).where(feedbacks.c.id == feedback_id))
        return bool(result.rowcount)

    # ---- elements ---------------------------------------------------------------------------

    @queue_until_user_message()
    async def create_element(self, element: Element) -> None:
        values = element_values(element)
        thread_id = values["thread_id"]
        if not thread_id:
            log.warning("element %s has no thread; not persisted", element.id)
            return
        async with self._locks.hold(f"element:{element.id}"), self.db.write() as conn:
            if not await self._ensure_thread_writable(conn, thread_id):
                return
            current = await conn.scalar(
                select(elements.c.thread_id).where(elements.c.id == element.id)
            )
            if current is not None and current != thread_id:
                raise ThreadOwnershipError(f"element {element.id} is in another thread")
            changes = {k: v for k, v in values.items() if k != "id"}
            stmt = self._insert(elements).values(**values, created_at=utcnow())
            await conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=changes))

    async def get_element(self, thread_id: str, element_id: str) -> ElementDict | None:
        query = select(elements).where(
            elements.c.id == element_id, elements.c.thread_id == thread_id
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return element_dict_from_row(row) if row is not None else None

    @queue_until_user_message()
    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        async with self._locks.hold(f"element:{element_id}"), self.db.write() as conn:
            current = await conn.scalar(
                select(elements.c.thread_id).where(elements.c.id == element_id)
            )
            if current is None or (thread_id and current != thread_id):
                return
            _, _, owner = await self._thread_owner(conn, current)
            self._check_caller_owns(current, owner)
            await conn.execute(delete(elements).where(elements.c.id == element_id))
