"""Which models a key may use: the provider's `GET /models`, cached on disk.

The cache (`<data dir>/model-listing.json`) keeps the last good answer per endpoint, so a
listing that fails (network, outage, a rotated key) falls back to what was known, and the
operator is told in the log. Keys are never written to the cache: it is keyed by base URL.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

log = logging.getLogger("imagechat.catalog")

OPENAI_API_BASE = "https://api.openai.com/v1"
CACHE_FILE = "model-listing.json"


@dataclass(frozen=True)
class ListedModel:
    id: str
    created: int


@dataclass(frozen=True)
class Listing:
    """The models of one endpoint and when they were listed (`stale`: the fetch failed)."""

    models: tuple[ListedModel, ...]
    fetched_at: float
    stale: bool = False

    def ids(self) -> set[str]:
        return {m.id for m in self.models}

    def created(self, model_id: str) -> int:
        return next((m.created for m in self.models if m.id == model_id), 0)


class ListingError(Exception):
    """The provider did not answer the listing with models (the text is safe to log)."""


def fetch_listing(api_base: str | None, api_key: str, *, timeout: float = 10.0) -> Listing:
    """`GET {api_base}/models` now."""
    url = f"{(api_base or OPENAI_API_BASE).rstrip('/')}/models"
    try:
        response = httpx.get(url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ListingError(f"{url} could not be reached ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise ListingError(f"{url} answered HTTP {response.status_code}")
    try:
        data = response.json()["data"]
        models = tuple(ListedModel(str(item["id"]), int(item.get("created") or 0)) for item in data)
    except (ValueError, KeyError, TypeError):
        raise ListingError(f"{url} answered with something that is not a model list") from None
    return Listing(models, time.time())


class ListingCache:
    """Last good listings by endpoint, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, api_base: str | None) -> Listing | None:
        raw = self._read().get(api_base or OPENAI_API_BASE)
        if not isinstance(raw, dict):
            return None
        try:
            models = tuple(ListedModel(str(m["id"]), int(m["created"])) for m in raw["models"])
            return Listing(models, float(raw["fetched_at"]))
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, api_base: str | None, listing: Listing) -> None:
        data = self._read()
        data[api_base or OPENAI_API_BASE] = {
            "fetched_at": listing.fetched_at,
            "models": [{"id": m.id, "created": m.created} for m in listing.models],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("Could not write the model listing cache %s: %s", self.path, exc)


def current_listing(
    api_base: str | None,
    api_key: str,
    cache: ListingCache,
    *,
    max_age: float,
    force: bool = False,
) -> Listing | None:
    """A fresh listing (fetched when the cached one is older than `max_age` or `force`), else
    the last known one marked stale, else None. Failures are logged for the operator."""
    cached = cache.load(api_base)
    if cached is not None and not force and time.time() - cached.fetched_at < max_age:
        return cached
    try:
        listing = fetch_listing(api_base, api_key)
    except ListingError as exc:
        if cached is not None:
            log.warning(
                "Model listing failed: %s. Using the list from %s.",
                exc,
                time.strftime("%Y-%m-%d %H:%M", time.localtime(cached.fetched_at)),
            )
            return Listing(cached.models, cached.fetched_at, stale=True)
        log.warning(
            "Model listing failed: %s, and no earlier list is known. Offering the models "
            "litellm's model map knows for this provider until the listing works.",
            exc,
        )
        return None
    cache.save(api_base, listing)
    return listing
