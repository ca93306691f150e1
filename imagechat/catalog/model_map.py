"""What a model is, from litellm's model map: chat or image, tools, vision, prices, lifecycle.

The map is litellm's bundled copy (`LITELLM_LOCAL_MODEL_COST_MAP=True`, set in imagechat/__init__),
so upgrading litellm brings new models, prices and deprecation dates without a code change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import imagechat  # noqa: F401  (sets litellm's environment before it is imported)
from imagechat.catalog.records import Lifecycle

_PER_IMAGE_KEY = re.compile(r"^(?:(?P<quality>[a-z]+)/)?(?P<w>\d+)-x-(?P<h>\d+)/(?P<model>.+)$")


@dataclass(frozen=True)
class MapEntry:
    """One model's entry in litellm's map, typed."""

    name: str
    mode: str | None
    function_calling: bool
    vision: bool
    endpoints: tuple[str, ...]
    modalities: tuple[str, ...]
    lifecycle: Lifecycle
    input_per_token: float | None
    output_per_token: float | None

    @property
    def image_generation(self) -> bool:
        return self.mode == "image_generation"

    @property
    def chat(self) -> bool:
        return self.mode == "chat"

    @property
    def edits(self) -> bool | None:
        """Whether the map lists the edits endpoint (None: the map does not say)."""
        if not self.endpoints:
            return None
        return "/v1/images/edits" in self.endpoints

    @property
    def chat_completions(self) -> bool:
        return not self.endpoints or "/v1/chat/completions" in self.endpoints


def _cost_map() -> dict[str, dict[str, Any]]:
    import litellm

    return litellm.model_cost


def entry(name: str, provider: str = "openai") -> MapEntry | None:
    """The map's entry for `name` served by `provider`, or None when the map does not know it."""
    raw = _cost_map().get(name) or _cost_map().get(f"{provider}/{name}")
    if not raw or raw.get("litellm_provider") != provider:
        return None
    return MapEntry(
        name=name,
        mode=raw.get("mode"),
        function_calling=bool(raw.get("supports_function_calling")),
        vision=bool(raw.get("supports_vision")),
        endpoints=tuple(raw.get("supported_endpoints") or ()),
        modalities=tuple(raw.get("supported_modalities") or ()),
        lifecycle=Lifecycle(
            shutdown=_date(raw.get("deprecation_date")), successor=raw.get("successor_model")
        ),
        input_per_token=_number(raw.get("input_cost_per_token")),
        output_per_token=_number(raw.get("output_cost_per_token")),
    )


def per_image_prices(name: str, provider: str = "openai") -> dict[str, float]:
    """Flat per-image prices the map lists as "quality/WxH/model" entries ("quality@WxH")."""
    prices: dict[str, float] = {}
    for key, raw in _cost_map().items():
        match = _PER_IMAGE_KEY.match(key)
        if not match or match["model"] != name or raw.get("litellm_provider") != provider:
            continue
        price = _number(raw.get("input_cost_per_image"))
        if price is not None:
            prices[f"{match['quality'] or '*'}@{match['w']}x{match['h']}"] = price
    return prices


def successor_counts(provider: str = "openai") -> dict[str, int]:
    """How many of the provider's models name each model as their successor."""
    counts: dict[str, int] = {}
    for raw in _cost_map().values():
        successor = raw.get("successor_model")
        if successor and raw.get("litellm_provider") == provider:
            counts[successor] = counts.get(successor, 0) + 1
    return counts


def known_models(provider: str = "openai") -> list[str]:
    """Every chat or image model the map knows for `provider` (used when no listing exists)."""
    return [
        name
        for name, raw in _cost_map().items()
        if raw.get("litellm_provider") == provider
        and raw.get("mode") in ("chat", "image_generation")
        and "/" not in name
    ]


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
