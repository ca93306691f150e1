"""Process-wide objects the Chainlit handlers share: settings, catalog, database, users."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass

from imagechat.auth import ensure_auth_secret
from imagechat.catalog import Catalog
from imagechat.catalog.current import CatalogHolder
from imagechat.redaction import install_log_redaction, registry
from imagechat.settings import Settings, get_settings
from imagechat.storage.bootstrap import prepare_database
from imagechat.storage.datalayer import ImageChatDataLayer
from imagechat.storage.db import Database, default_sqlite_url
from imagechat.storage.users import UserRepository

_catalog = CatalogHolder()
_redacted_catalog: Catalog | None = None


def catalog() -> Catalog:
    """The current catalog; rebuilt in the background once its provider listing is older than
    IMAGECHAT_MODELS_REFRESH seconds."""
    global _redacted_catalog
    settings = get_settings()
    current = _catalog.get(settings)
    if current is not _redacted_catalog:  # its providers' keys are secrets too
        registry.add_environ(os.environ, current.key_envs())
        registry.add(*settings.secrets())
        _redacted_catalog = current
    return current


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    users: UserRepository
    data_layer: ImageChatDataLayer


_runtime: Runtime | None = None


def boot() -> Runtime:
    """Run once when app.py is imported, before Chainlit checks its auth secret.

    Creates the data directory and the auth secret, migrates the database, makes sure an admin
    exists (printing a generated password once, to the console only) and builds the data layer.
    """
    global _runtime
    if _runtime is not None:
        return _runtime
    settings = get_settings()
    install_log_redaction()
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration is plenty
    catalog()  # an invalid models file stops the start here, with its message
    registry.add(ensure_auth_secret(settings.data_dir))
    url = settings.database_url or default_sqlite_url(settings.data_dir)
    admin_password = settings.admin_password.get_secret_value() if settings.admin_password else None
    generated = prepare_database(
        url, admin_username=settings.admin_username, admin_password=admin_password
    )
    if generated:
        print(
            "\n  ImageChat created the first account.\n"
            f"    user:     {settings.admin_username or 'admin'}\n    password: {generated}\n"
            "  Change it with `imagechat users passwd NAME`. This is shown only once.\n",
            file=sys.stderr,
            flush=True,
        )
    db = Database(url)
    _runtime = Runtime(
        settings=settings,
        db=db,
        users=UserRepository(db),
        data_layer=ImageChatDataLayer(db, auto_create_users=False),
    )
    return _runtime


def get() -> Runtime:
    if _runtime is None:
        raise RuntimeError("imagechat.ui.runtime.boot() has not run")
    return _runtime
