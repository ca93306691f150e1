"""ImageChat's Chainlit data layer on SQLAlchemy 2 async (SQLite or PostgreSQL).

Chainlit checks ``get_thread_author`` before its HTTP thread routes; this layer adds its own
checks wherever a Chainlit session is in context (websocket handlers, element routes): a session
can only write into, or delete from, threads its user owns. ``get_thread`` itself is NOT filtered
by owner on purpose: Chainlit's websocket ``connect`` refuses a foreign ``threadId`` only when
``get_thread`` returns that thread, so hiding it would let another user's session adopt the id.
Our own code should use the ``*_for_user`` methods (see ``owned.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainlit.data.base import BaseDataLayer
from chainlit.types import PageInfo, PaginatedResponse, Pagination, ThreadFilter
from sqlalchemy import and_, exists, or_, select, update

from imagechat.redaction import registry

from .core import ThreadOwnershipError, log
from .db import iso_z, utcnow
from .guard import (
    current_thread_id,
    current_user_id,
    current_user_identifier,
    queue_until_user_message,
)
from .items import ItemsMixin
from .owned import OwnedMixin
from .records import (
    NAME_MAX,
    element_dict_from_row,
    feedback_dict_from_row,
    merge_metadata,
    step_dict_from_row,
    step_values,
    thread_dict_from_row,
)
from .runs import RunsMixin
from .schema import elements, feedbacks, images, steps, threads, users
from .titles import plain_title
from .trash import TrashMixin

if TYPE_CHECKING:
    from chainlit.step import StepDict
    from chainlit.types import ThreadDict

MAX_PAGE = 200


def _thread_query() -> Any:
    return select(threads, users.c.identifier.label("user_identifier")).select_from(
        threads.outerjoin(users, users.c.id == threads.c.user_id)
    )


class ImageChatDataLayer(OwnedMixin, TrashMixin, RunsMixin, ItemsMixin, BaseDataLayer):
    """Chainlit ``BaseDataLayer`` on our schema. Construct with a URL or a ``Database``.

    ``allow_sharing=False`` drops Chainlit's ``is_shared`` flag (its share routes are not gated
    by the config switch server-side). ``auto_create_users=False`` makes ``create_user`` refuse
    identifiers that are not in the users table (Chainlit calls it for any valid JWT, so a
    removed user with an old token would otherwise come back).
    """

    # ---- steps ------------------------------------------------------------------------------

    @queue_until_user_message()
    async def create_step(self, step_dict: StepDict) -> None:
        await self._upsert_step(step_dict)

    @queue_until_user_message()
    async def update_step(self, step_dict: StepDict) -> None:
        await self._upsert_step(step_dict)

    async def _upsert_step(self, step_dict: StepDict) -> None:
        step_id = step_dict.get("id")
        thread_id = step_dict.get("threadId")
        if not step_id or not thread_id:
            raise ValueError("a step needs an id and a threadId")
        values = step_values(step_dict)
        values.pop("thread_id", None)
        # Last line of defence: no configured key is ever stored (a person's own words keep
        # key-shaped strings; what ImageChat or a provider wrote loses them too).
        shapes = values.get("type") != "user_message"
        for column in ("output", "input"):
            if isinstance(values.get(column), str):
                values[column] = registry.redact(values[column], shapes=shapes)
        # Lock first, before any await: keeps Chainlit's create/update tasks in issue order.
        async with self._locks.hold(f"step:{step_id}"):
            if step_id in self._deleted_steps:
                return
            async with self.db.write() as conn:
                first_message = values.get("type") == "user_message" and not values.get("command")
                if not await self._ensure_thread_writable(
                    conn, thread_id, first_message=first_message
                ):
                    return
                current = await conn.scalar(select(steps.c.thread_id).where(steps.c.id == step_id))
                if current is not None and current != thread_id:
                    raise ThreadOwnershipError(f"step {step_id} is in another thread")
                if current is None:
                    values.setdefault("created_at", iso_z(utcnow()))
                    stmt = self._insert(steps).values(id=step_id, thread_id=thread_id, **values)
                    await conn.execute(
                        stmt.on_conflict_do_update(index_elements=["id"], set_=values)
                    )
                    await self._touch_thread(conn, thread_id)
                    if values.get("type") == "user_message" and values.get("output"):
                        await self._name_if_unnamed(conn, thread_id, str(values["output"]))
                elif values:
                    await conn.execute(update(steps).where(steps.c.id == step_id).values(**values))

    @queue_until_user_message()
    async def delete_step(self, step_id: str) -> None:
        """Delete a message with its child steps, elements, images and feedback."""
        async with self._locks.hold(f"step:{step_id}"), self.db.write() as conn:
            thread_id = await conn.scalar(select(steps.c.thread_id).where(steps.c.id == step_id))
            if thread_id is None:
                self._deleted_steps.add(step_id)
                return
            _, _, owner = await self._thread_owner(conn, thread_id)
            self._check_caller_owns(thread_id, owner)
            await self._delete_step_tree(conn, step_id, thread_id)

    # ---- threads ----------------------------------------------------------------------------

    async def get_thread_author(self, thread_id: str) -> str:
        """The owner's identifier, or "" (Chainlit then answers 404) when missing, ownerless,
        or owned by someone other than the caller (so a foreign id is indistinguishable)."""
        async with self.db.read() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id)
        caller = current_user_identifier()
        if owner and caller is not None and caller != owner:
            return ""  # another user's thread looks exactly like a missing one: 404
        return owner or ""

    async def get_thread(self, thread_id: str) -> ThreadDict | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(_thread_query().where(threads.c.id == thread_id)))
                .mappings()
                .first()
            )
            if row is None:
                return None
            step_rows = (
                (
                    await conn.execute(
                        select(steps)
                        .where(steps.c.thread_id == thread_id)
                        .order_by(steps.c.created_at, steps.c.start, steps.c.id)
                    )
                )
                .mappings()
                .all()
            )
            feedback_rows = (
                (await conn.execute(select(feedbacks).where(feedbacks.c.thread_id == thread_id)))
                .mappings()
                .all()
            )
            element_rows = (
                (
                    await conn.execute(
                        select(elements)
                        .where(elements.c.thread_id == thread_id)
                        .order_by(elements.c.created_at, elements.c.id)
                    )
                )
                .mappings()
                .all()
            )
        by_step = {f["for_id"]: feedback_dict_from_row(f) for f in feedback_rows}
        thread = thread_dict_from_row(
            row,
            steps=[step_dict_from_row(s, by_step.get(s["id"])) for s in step_rows],
            elements=[element_dict_from_row(e) for e in element_rows],
        )
        if not self.allow_sharing and thread["metadata"]:
            thread["metadata"] = self._filter_sharing(thread["metadata"])
        return thread

    async def update_thread(
        self,
        thread_id: str,
        name: str | None = None,
        user_id: str | None = None,
        metadata: dict | None = None,
        tags: list[str] | None = None,
    ) -> None:
        """Upsert a thread. Metadata is merged (see ``merge_metadata``), never replaced; the
        owner is set once and never changed."""
        async with self.db.write() as conn:
            exists_, owner_id, owner_identifier = await self._thread_owner(
                conn, thread_id, lock=True
            )
            if not exists_:
                if thread_id in self._deleted_threads:
                    log.info("not re-creating deleted thread %s", thread_id)
                    return
                if thread_id in self._unstarted:  # only the person's next message starts it
                    log.info("not creating thread %s before its first message", thread_id)
                    return
                if user_id is None and thread_id == current_thread_id():
                    user_id = current_user_id()
                await self._create_thread(
                    conn,
                    thread_id,
                    user_id=user_id,
                    name=name,
                    metadata=merge_metadata(None, metadata or {}),
                    tags=tags,
                )
                return
            self._check_caller_owns(thread_id, owner_identifier)
            values: dict[str, Any] = {}
            if user_id is not None and user_id != owner_id:
                if owner_id is not None:
                    raise ThreadOwnershipError(f"thread {thread_id} already has an owner")
                values["user_id"] = await self._existing_user_id(conn, user_id)
            if name is not None:
                values["name"] = plain_title(name, NAME_MAX)
            if tags is not None:
                values["tags"] = tags
            if metadata is not None:
                current = await conn.scalar(
                    select(threads.c.metadata).where(threads.c.id == thread_id)
                )
                merged = merge_metadata(current, self._filter_sharing(metadata))
                values["metadata"] = merged or None
            if values:
                await conn.execute(
                    update(threads).where(threads.c.id == thread_id).values(**values)
                )

    async def delete_thread(self, thread_id: str) -> None:
        async with self.db.write() as conn:
            _, _, owner = await self._thread_owner(conn, thread_id)
            self._check_caller_owns(thread_id, owner)
            await self._delete_thread_rows(conn, thread_id)

    async def list_threads(
        self, pagination: Pagination, filters: ThreadFilter
    ) -> PaginatedResponse[ThreadDict]:
        """A user's threads, most recently active first; cursor = last thread id of a page."""
        if not filters.userId:
            raise ValueError("list_threads needs filters.userId")
        first = max(1, min(pagination.first, MAX_PAGE))
        query = _thread_query().where(threads.c.user_id == filters.userId)
        if filters.search:
            term = filters.search.strip()
            in_steps = exists().where(
                steps.c.thread_id == threads.c.id,
                or_(
                    steps.c.output.icontains(term, autoescape=True),
                    steps.c.input.icontains(term, autoescape=True),
                ),
            )
            # what the person typed in the viewer's Edit form is no message: it is the prompt of
            # the image it made
            in_images = exists().where(
                images.c.thread_id == threads.c.id,
                images.c.prompt.icontains(term, autoescape=True),
            )
            query = query.where(
                or_(threads.c.name.icontains(term, autoescape=True), in_steps, in_images)
            )
        if filters.feedback is not None:
            query = query.where(
                exists().where(
                    feedbacks.c.thread_id == threads.c.id,
                    feedbacks.c.value == int(filters.feedback),
                )
            )
        async with self.db.read() as conn:
            if pagination.cursor:
                cursor_at = await conn.scalar(
                    select(threads.c.updated_at).where(
                        threads.c.id == pagination.cursor, threads.c.user_id == filters.userId
                    )
                )
                if cursor_at is None:  # the cursor thread is gone: end, rather than restart
                    return PaginatedResponse(
                        pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None),
                        data=[],
                    )
                query = query.where(
                    or_(
                        threads.c.updated_at < cursor_at,
                        and_(
                            threads.c.updated_at == cursor_at,
                            threads.c.id < pagination.cursor,
                        ),
                    )
                )
            query = query.order_by(threads.c.updated_at.desc(), threads.c.id.desc())
            rows = (await conn.execute(query.limit(first + 1))).mappings().all()
        page = rows[:first]
        data = [thread_dict_from_row(r, created_at=r["updated_at"]) for r in page]
        if not self.allow_sharing:
            for thread in data:
                thread["metadata"] = self._filter_sharing(thread["metadata"] or {})
        return PaginatedResponse(
            pageInfo=PageInfo(
                hasNextPage=len(rows) > first,
                startCursor=data[0]["id"] if data else None,
                endCursor=data[-1]["id"] if data else None,
            ),
            data=data,
        )

    async def get_favorite_steps(self, user_id: str) -> list[StepDict]:
        query = (
            select(steps)
            .join(threads, threads.c.id == steps.c.thread_id)
            .where(threads.c.user_id == user_id, steps.c.metadata["favorite"].as_boolean())
            .order_by(steps.c.created_at.desc())
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [step_dict_from_row(r) for r in rows]

    # ---- misc -------------------------------------------------------------------------------

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        await self.db.dispose()
