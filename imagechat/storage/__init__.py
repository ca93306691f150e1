"""Persistence: SQLAlchemy 2 async on SQLite or PostgreSQL, Alembic migrations, Chainlit data layer.

Names are imported lazily so that the CLI does not pay for importing Chainlit.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bootstrap import bootstrap, prepare_database
    from .core import ThreadOwnershipError
    from .datalayer import ImageChatDataLayer
    from .db import Database, default_sqlite_url, make_engine, normalize_url
    from .images import ImageRecord
    from .migrate import current_revision, head_revision, upgrade
    from .users import UserRecord, UserRepository

_EXPORTS = {
    "Database": ".db",
    "default_sqlite_url": ".db",
    "make_engine": ".db",
    "normalize_url": ".db",
    "upgrade": ".migrate",
    "current_revision": ".migrate",
    "head_revision": ".migrate",
    "UserRepository": ".users",
    "UserRecord": ".users",
    "ImageChatDataLayer": ".datalayer",
    "ImageRecord": ".images",
    "ThreadOwnershipError": ".core",
    "bootstrap": ".bootstrap",
    "prepare_database": ".bootstrap",
}

__all__ = [
    "Database",
    "ImageChatDataLayer",
    "ImageRecord",
    "ThreadOwnershipError",
    "UserRecord",
    "UserRepository",
    "bootstrap",
    "current_revision",
    "default_sqlite_url",
    "head_revision",
    "make_engine",
    "normalize_url",
    "prepare_database",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
