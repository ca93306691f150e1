"""What images cost, from the usage the provider returned, through litellm's cost functions."""

from __future__ import annotations

import logging
from typing import Any

import imagechat  # noqa: F401  (sets litellm's environment before it is imported)

log = logging.getLogger("imagechat.pricing")


def image_cost_from_usage(litellm_model: str, usage: dict[str, Any] | None, n: int) -> float | None:
    """litellm's cost of an Images API answer with `usage` and `n` images (None: unknown)."""
    if not usage:
        return None
    import litellm
    from litellm.types.utils import ImageObject, ImageResponse, ImageUsage

    provider, _, name = litellm_model.rpartition("/")
    try:
        response = ImageResponse(
            created=0,
            data=[ImageObject(b64_json="") for _ in range(max(1, n))],
            usage=ImageUsage(**usage),
        )
        cost = litellm.completion_cost(
            completion_response=response,
            model=name,
            custom_llm_provider=provider or None,
            call_type="image_generation",
        )
    except Exception as exc:  # litellm knows no price for this model, or the usage is odd
        log.info("No cost for %s from its usage: %s", litellm_model, type(exc).__name__)
        return None
    return float(cost) if cost is not None else None
