"""Owner-checked methods for our own code (routes, UI handlers): every call names the user, and
another user's thread, message or image reads as "not found"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from .core import log
from .images import ImagesMixin
from .records import NAME_MAX, merge_metadata
from .schema import elements, feedbacks, steps, threads, users
from .titles import plain_title

if TYPE_CHECKING:
    from chainlit.types import ThreadDict


class OwnedMixin(ImagesMixin):
    async def _author(self, thread_id: str) -> str | None:
        async with self.db.read() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id)
        return owner

    async def get_thread_for_user(self, thread_id: str, user_identifier: str) -> ThreadDict | None:
        """The thread, or None when it is missing or belongs to someone else."""
        if await self._author(thread_id) != user_identifier:
            return None
        thread = await self.get_thread(thread_id)  # type: ignore[attr-defined]
        if thread is None or thread.get("userIdentifier") != user_identifier:
            return None
        return thread

    async def delete_thread_for_user(self, thread_id: str, user_identifier: str) -> bool:
        async with self.db.write() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id, lock=True)
            if owner is None or owner != user_identifier:
                return False
            return await self._delete_thread_rows(conn, thread_id)

    async def restart_thread_for_user(
        self, thread_id: str, user_identifier: str, only_steps: set[str]
    ) -> bool:
        """Undo the start of a conversation whose only messages are ``only_steps`` (a command
        and its notice; Chainlit's own ``run`` steps do not count): the rows go, the saved
        settings wait for the thread's next start, and the next message may create it again
        (unlike after ``delete_thread``). Late writes to the steps that went are dropped, so
        nothing re-creates the thread behind the person's back.

        False (and nothing changes) when the thread is missing, someone else's, or holds any
        other message.
        """
        for step_id in only_steps:  # let writes already queued for them land first
            async with self._locks.hold(f"step:{step_id}"):
                pass
        async with self.db.write() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id, lock=True)
            if owner is None or owner != user_identifier:
                return False
            rows = (
                await conn.execute(
                    select(steps.c.id, steps.c.type).where(steps.c.thread_id == thread_id)
                )
            ).all()
            if any(row.id not in only_steps and row.type != "run" for row in rows):
                return False
            metadata = await conn.scalar(
                select(threads.c.metadata).where(threads.c.id == thread_id)
            )
            await self._delete_thread_rows(conn, thread_id)
        for step_id in {row.id for row in rows} | only_steps:  # also those not written yet
            self._deleted_steps.add(step_id)
        self._deleted_threads.discard(thread_id)
        self._unstarted.add(thread_id)
        settings = (metadata or {}).get("chat_settings")
        if isinstance(settings, dict) and settings:
            self._pending_settings[thread_id] = (user_identifier, dict(settings))
        return True

    def keep_unstarted(self, thread_id: str) -> None:
        """Let only the person's next message create ``thread_id`` (a thread that does not
        exist yet: an action in a conversation without messages must not start it)."""
        self._unstarted.add(thread_id)

    async def rename_thread_for_user(self, thread_id: str, user_identifier: str, name: str) -> bool:
        async with self.db.write() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id, lock=True)
            if owner is None or owner != user_identifier:
                return False
            await conn.execute(
                update(threads)
                .where(threads.c.id == thread_id)
                .values(name=plain_title(name, NAME_MAX))
            )
        return True

    async def delete_message_for_user(self, step_id: str, user_identifier: str) -> bool:
        """Delete a message (step), its child steps, elements, images and feedback.

        False when the message does not exist or is in another user's thread.
        """
        async with self._locks.hold(f"step:{step_id}"), self.db.write() as conn:
            thread_id = await conn.scalar(select(steps.c.thread_id).where(steps.c.id == step_id))
            if thread_id is None:
                return False
            _, _, owner = await self._thread_owner(conn, thread_id, lock=True)
            if owner is None or owner != user_identifier:
                return False
            await self._delete_step_tree(conn, step_id, thread_id)
        return True

    async def get_step_author(self, step_id: str) -> str | None:
        """Identifier of the user owning the message's thread (for guarding routes)."""
        async with self.db.read() as conn:
            thread_id = await conn.scalar(select(steps.c.thread_id).where(steps.c.id == step_id))
            if thread_id is None:
                return None
            _, _, owner = await self._thread_owner(conn, thread_id)
        return owner

    async def get_feedback_author(self, feedback_id: str) -> str | None:
        async with self.db.read() as conn:
            thread_id = await conn.scalar(
                select(feedbacks.c.thread_id).where(feedbacks.c.id == feedback_id)
            )
            if thread_id is None:
                return None
            _, _, owner = await self._thread_owner(conn, thread_id)
        return owner

    # ---- chat settings ----------------------------------------------------------------------

    async def save_thread_settings(
        self, thread_id: str, user_identifier: str, settings: dict[str, Any]
    ) -> bool:
        """Merge ``settings`` into ``metadata["chat_settings"]`` now, while the session is live.

        Before the thread's first message there is no row yet (Chainlit creates it on the first
        interaction): the settings are kept and applied when this user's thread is created.
        Returns False when the thread belongs to another user.
        """
        async with self.db.write() as conn:
            exists, _, owner = await self._thread_owner(conn, thread_id, lock=True)
            if not exists:
                if thread_id in self._deleted_threads:
                    return False
                pending = self._pending_settings.get(thread_id)
                previous = pending[1] if pending and pending[0] == user_identifier else {}
                self._pending_settings[thread_id] = (user_identifier, {**previous, **settings})
                return True
            if owner != user_identifier:
                log.warning("refused settings for thread %s by another user", thread_id)
                return False
            current = await conn.scalar(select(threads.c.metadata).where(threads.c.id == thread_id))
            merged = merge_metadata(current, {"chat_settings": dict(settings)})
            await conn.execute(
                update(threads).where(threads.c.id == thread_id).values(metadata=merged)
            )
        return True

    async def get_thread_settings(
        self, thread_id: str, user_identifier: str
    ) -> dict[str, Any] | None:
        """Saved chat settings of the user's thread (None when missing or not the owner)."""
        query = (
            select(threads.c.metadata)
            .join(users, users.c.id == threads.c.user_id)
            .where(threads.c.id == thread_id, users.c.identifier == user_identifier)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            pending = self._pending_settings.get(thread_id)
            if pending and pending[0] == user_identifier:
                return dict(pending[1])
            return None
        settings = (row.metadata or {}).get("chat_settings")
        return dict(settings) if isinstance(settings, dict) else {}

    async def may_write_element(
        self,
        user_identifier: str | None,
        *,
        element_id: str | None,
        thread_id: str | None,
        for_id: str | None,
    ) -> bool:
        """Whether the caller may write this element: every thread it touches that exists
        (its own, its message's, the one the element already lives in) is the caller's."""
        async with self.db.read() as conn:
            touched = {thread_id} if thread_id else set()
            if for_id:
                touched.add(
                    await conn.scalar(select(steps.c.thread_id).where(steps.c.id == for_id))
                )
            if element_id:
                touched.add(
                    await conn.scalar(
                        select(elements.c.thread_id).where(elements.c.id == element_id)
                    )
                )
            for thread in touched - {None}:
                exists, _, owner = await self._thread_owner(conn, thread)
                if exists and owner != user_identifier:
                    return False
        return True
