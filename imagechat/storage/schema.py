"""SQLAlchemy 2 declarative models. The migrations in ``migrations/versions`` are the source of
truth for the database; these models describe the same tables for queries (a test checks that
they agree)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .db import JSONType, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(255)  # Chainlit ids are uuid4 strings, but callers may choose their own.


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # migration 0004: a disabled account cannot sign in and its sessions are gone
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Session(Base):
    """A login session (migration 0004): the JWT carries its id, this table says it is live.

    ``id`` is the SHA-256 (hex) of the id in the token, not the id itself.
    """

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_user_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_user_id_updated_at", "user_id", "updated_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("users.id", ondelete="CASCADE")
    )
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType)
    tags: Mapped[list[str] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Step(Base):
    __tablename__ = "steps"
    __table_args__ = (Index("ix_steps_thread_id_created_at", "thread_id", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ID, ForeignKey("threads.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(String(64))
    input: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType)
    modes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    is_error: Mapped[bool | None] = mapped_column(Boolean)
    streaming: Mapped[bool | None] = mapped_column(Boolean)
    wait_for_answer: Mapped[bool | None] = mapped_column(Boolean)
    show_input: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(64))
    default_open: Mapped[bool | None] = mapped_column(Boolean)
    auto_collapse: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[str | None] = mapped_column(String(64))
    end: Mapped[str | None] = mapped_column(String(64))
    generation: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    tags: Mapped[list[str] | None] = mapped_column(JSONType)
    command: Mapped[str | None] = mapped_column(String(255))


class Element(Base):
    __tablename__ = "elements"
    __table_args__ = (
        Index("ix_elements_thread_id", "thread_id"),
        Index("ix_elements_for_id", "for_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ID, ForeignKey("threads.id", ondelete="CASCADE"))
    for_id: Mapped[str | None] = mapped_column(ID)
    type: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    display: Mapped[str | None] = mapped_column(String(32))
    size: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(64))
    page: Mapped[int | None] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    object_key: Mapped[str | None] = mapped_column(Text)
    chainlit_key: Mapped[str | None] = mapped_column(String(255))
    auto_play: Mapped[bool | None] = mapped_column(Boolean)
    player_config: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    props: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Feedback(Base):
    __tablename__ = "feedbacks"
    __table_args__ = (Index("ix_feedbacks_for_id", "for_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    for_id: Mapped[str] = mapped_column(ID)
    thread_id: Mapped[str | None] = mapped_column(ID, ForeignKey("threads.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class Image(Base):
    """A generated or uploaded image, stored whole as base64 (migration 0002).

    ``step_id`` has no foreign key on purpose: Chainlit persists steps in fire-and-forget tasks
    (and queues them until the first user message), so an image can be saved before its message
    row exists. The data layer deletes images with their step; the thread FK cascades.
    """

    __tablename__ = "images"
    __table_args__ = (
        Index("ix_images_thread_id", "thread_id"),
        Index("ix_images_step_id", "step_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[str] = mapped_column(ID, ForeignKey("threads.id", ondelete="CASCADE"))
    step_id: Mapped[str | None] = mapped_column(ID)
    mime: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    data_b64: Mapped[str] = mapped_column(Text)
    thumb_b64: Mapped[str | None] = mapped_column(Text)
    thumb_mime: Mapped[str | None] = mapped_column(String(64))
    prompt: Mapped[str | None] = mapped_column(Text)
    revised_prompt: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(String(255))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    cost: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


users = User.__table__
sessions = Session.__table__
threads = Thread.__table__
steps = Step.__table__
elements = Element.__table__
feedbacks = Feedback.__table__
images = Image.__table__


class Agent(Base):
    """A person's own agent (migration 0003); its content lives in its versions."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AgentVersion(Base):
    """One saved version of an agent: the whole spec, and metadata with its internal tools."""

    __tablename__ = "agent_versions"
    __table_args__ = (UniqueConstraint("agent_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(36), ForeignKey("agents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


agents = Agent.__table__
agent_versions = AgentVersion.__table__


class DeletedTurn(Base):
    """An answer deleted with Undo still possible (migration 0005): its rows, whole, in
    ``payload`` (``{"steps": [...], "elements": [...], "feedbacks": [...], "images": [...]}``),
    purged once the undo window has passed."""

    __tablename__ = "deleted_turns"
    __table_args__ = (
        Index("ix_deleted_turns_deleted_at", "deleted_at"),
        Index("ix_deleted_turns_head_id", "head_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[str] = mapped_column(ID, ForeignKey("threads.id", ondelete="CASCADE"))
    head_id: Mapped[str] = mapped_column(ID)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class GenerationRun(Base):
    """An image generation while it runs (migration 0005): the gallery element it fills, the
    process running it and that process's last sign of life."""

    __tablename__ = "generation_runs"
    __table_args__ = (Index("ix_generation_runs_thread_id", "thread_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ID)
    boot_id: Mapped[str] = mapped_column(String(36))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


deleted_turns = DeletedTurn.__table__
generation_runs = GenerationRun.__table__
