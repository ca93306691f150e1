"""The catalog of the running configuration: built from the settings and the provider's listing,
rebuilt when the listing is due (in a thread, so no request waits for it)."""

from __future__ import annotations

import threading
import time

from imagechat.catalog.build import build_catalog
from imagechat.catalog.catalog import Catalog
from imagechat.catalog.listing import CACHE_FILE, ListingCache, current_listing
from imagechat.settings import Settings


def catalog_for(settings: Settings, *, refresh: bool = False) -> Catalog:
    """Build the catalog now: with a key, from the provider's listing (cached, or fetched when
    due or when `refresh`)."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    listing = None
    if key:
        listing = current_listing(
            settings.openai_base_url,
            key,
            ListingCache(settings.data_dir / CACHE_FILE),
            max_age=settings.imagechat_models_refresh,
            force=refresh,
        )
    return build_catalog(
        openai_key=bool(key), models_file=settings.imagechat_models_file, listing=listing
    )


class CatalogHolder:
    """One process's catalog, refreshed on an interval."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._built = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    def get(self, settings: Settings) -> Catalog:
        with self._lock:
            if self._catalog is None:
                self._catalog, self._built = catalog_for(settings), time.monotonic()
            elif (
                not self._refreshing
                and time.monotonic() - self._built > settings.imagechat_models_refresh
            ):
                self._refreshing = True
                threading.Thread(target=self._rebuild, args=(settings,), daemon=True).start()
            return self._catalog

    def _rebuild(self, settings: Settings) -> None:
        try:
            fresh = catalog_for(settings)
            with self._lock:
                self._catalog, self._built = fresh, time.monotonic()
        finally:
            self._refreshing = False
