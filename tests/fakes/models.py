"""Which models the fake OpenAI API serves and which are gone, as of ``TODAY`` (2026-12-01).

Everything here is copied from the official ``openai`` Python SDK **3.57.0** (not from the app's
own catalog, and not from whatever ``openai`` version happens to be installed):

* ``types/image_model.py``: the ``ImageModel`` literal, in its order, and its "Deprecated values":
  ``gpt-image-1`` was shut down on October 23, 2026 (use ``gpt-image-2.5-sunburst`` or
  ``gpt-image-2.5-flare``); ``dall-e-2`` and ``dall-e-3`` were retired on May 12, 2026 (use a GPT
  image model).
* ``types/shared/chat_model.py``: the ``ChatModel`` literal (newest first) and the "Announced
  shutdown date" of each deprecated entry. A chat model whose announced shutdown date is on or
  before ``TODAY`` is shut down; ``gpt-5.1-mini`` is "Not a supported model ID".
* ``types/model.py``: the ``Model`` object (``id``, ``created``, ``object``, ``owned_by``,
  ``shutdown_date``) that ``GET /v1/models`` lists.

``TODAY`` is fixed so the fake answers the same way whatever the machine's clock says.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

SDK_VERSION = "3.57.0"
TODAY = date(2026, 12, 1)
DEPRECATIONS_URL = "https://developers.openai.com/api/docs/deprecations"

# openai 3.57.0 types/image_model.py, in the literal's order.
IMAGE_MODEL_LITERAL: tuple[str, ...] = (
    "gpt-image-1.5",
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-sunburst-2026-09-08",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.6-flare",
    "gpt-image-1",
    "gpt-image-1-mini",
    "chatgpt-image-latest",
    "dall-e-2",
    "dall-e-3",
)

# openai 3.57.0 types/shared/chat_model.py, in the literal's order (newest first).
CHAT_MODEL_LITERAL: tuple[str, ...] = (
    "gpt-6-astra",
    "gpt-6.2-astra",
    "gpt-6.1-sol",
    "gpt-6.2-sol",
    "gpt-6.1-terra",
    "gpt-6-sol",
    "gpt-6-luna",
    "gpt-5.6-sol",
    "gpt-5.6-terra",
    "gpt-5.6-luna",
    "gpt-5.5",
    "gpt-5.5-2026-04-23",
    "gpt-5.4",
    "gpt-5.4-mini",
    "gpt-5.4-nano",
    "gpt-5.4-mini-2026-03-17",
    "gpt-5.4-nano-2026-03-17",
    "gpt-5.3-chat-latest",
    "gpt-5.2",
    "gpt-5.2-2025-12-11",
    "gpt-5.2-chat-latest",
    "gpt-5.2-pro",
    "gpt-5.2-pro-2025-12-11",
    "gpt-5.1",
    "gpt-5.1-2025-11-13",
    "gpt-5.1-codex",
    "gpt-5.1-mini",
    "gpt-5.1-chat-latest",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-2025-08-07",
    "gpt-5-mini-2025-08-07",
    "gpt-5-nano-2025-08-07",
    "gpt-5-chat-latest",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano-2025-04-14",
    "o4-mini",
    "o4-mini-2025-04-16",
    "o3",
    "o3-2025-04-16",
    "o3-mini",
    "o3-mini-2025-01-31",
    "o1",
    "o1-2024-12-17",
    "o1-preview",
    "o1-preview-2024-09-12",
    "o1-mini",
    "o1-mini-2024-09-12",
    "gpt-4o",
    "gpt-4o-2024-11-20",
    "gpt-4o-2024-08-06",
    "gpt-4o-2024-05-13",
    "gpt-audio-mini",
    "gpt-audio-mini-2025-12-15",
    "gpt-4o-audio-preview",
    "gpt-4o-audio-preview-2024-10-01",
    "gpt-4o-audio-preview-2024-12-17",
    "gpt-4o-audio-preview-2025-06-03",
    "gpt-4o-mini-audio-preview",
    "gpt-4o-mini-audio-preview-2024-12-17",
    "gpt-4o-search-preview",
    "gpt-4o-mini-search-preview",
    "gpt-4o-search-preview-2025-03-11",
    "gpt-4o-mini-search-preview-2025-03-11",
    "chatgpt-4o-latest",
    "codex-mini-latest",
    "gpt-4o-mini",
    "gpt-4o-mini-2024-07-18",
    "gpt-4-turbo",
    "gpt-4-turbo-2024-04-09",
    "gpt-4-0125-preview",
    "gpt-4-turbo-preview",
    "gpt-4-1106-preview",
    "gpt-4-vision-preview",
    "gpt-4",
    "gpt-4-0314",
    "gpt-4-0613",
    "gpt-4-32k",
    "gpt-4-32k-0314",
    "gpt-4-32k-0613",
    "gpt-3.5-turbo",
    "gpt-3.5-turbo-16k",
    "gpt-3.5-turbo-0301",
    "gpt-3.5-turbo-0613",
    "gpt-3.5-turbo-1106",
    "gpt-3.5-turbo-0125",
    "gpt-3.5-turbo-16k-0613",
)

# openai 3.57.0 ChatModel "Deprecated values": announced shutdown date -> models.
CHAT_SHUTDOWN_DATES: dict[date, tuple[str, ...]] = {
    date(2027, 4, 1): ("gpt-5.4-nano", "gpt-5.4-nano-2026-03-17", "gpt-5.1", "gpt-5.1-2025-11-13"),
    date(2026, 8, 10): ("gpt-5.3-chat-latest", "gpt-5.2-chat-latest"),
    date(2026, 7, 23): (
        "gpt-5.1-codex",
        "gpt-5.1-chat-latest",
        "gpt-5-chat-latest",
        "gpt-4o-search-preview",
        "gpt-4o-mini-search-preview",
        "gpt-4o-search-preview-2025-03-11",
        "gpt-4o-mini-search-preview-2025-03-11",
    ),
    date(2026, 12, 11): (
        "gpt-5",
        "gpt-5-mini",
        "gpt-5-nano",
        "gpt-5-2025-08-07",
        "gpt-5-mini-2025-08-07",
        "gpt-5-nano-2025-08-07",
        "o3",
        "o3-2025-04-16",
    ),
    date(2027, 1, 14): (
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-2025-04-14",
        "gpt-4.1-mini-2025-04-14",
        "gpt-4o",
        "gpt-4o-2024-11-20",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini",
        "gpt-4o-mini-2024-07-18",
    ),
    date(2026, 10, 23): (
        "gpt-4.1-nano",
        "gpt-4.1-nano-2025-04-14",
        "o4-mini",
        "o4-mini-2025-04-16",
        "o3-mini",
        "o3-mini-2025-01-31",
        "o1",
        "o1-2024-12-17",
        "gpt-4o-2024-05-13",
        "gpt-4-turbo",
        "gpt-4-turbo-2024-04-09",
        "gpt-4-1106-preview",
        "gpt-4",
        "gpt-4-0613",
        "gpt-3.5-turbo",
        "gpt-3.5-turbo-0125",
    ),
    date(2025, 7, 28): ("o1-preview", "o1-preview-2024-09-12"),
    date(2025, 10, 27): ("o1-mini", "o1-mini-2024-09-12"),
    date(2027, 1, 20): ("gpt-audio-mini", "gpt-audio-mini-2025-12-15"),
    date(2026, 5, 7): (
        "gpt-4o-audio-preview",
        "gpt-4o-audio-preview-2024-12-17",
        "gpt-4o-audio-preview-2025-06-03",
        "gpt-4o-mini-audio-preview",
        "gpt-4o-mini-audio-preview-2024-12-17",
    ),
    date(2025, 10, 10): ("gpt-4o-audio-preview-2024-10-01",),
    date(2026, 2, 17): ("chatgpt-4o-latest",),
    date(2026, 2, 12): ("codex-mini-latest",),
    date(2026, 3, 26): ("gpt-4-0125-preview", "gpt-4-turbo-preview", "gpt-4-0314"),
    date(2024, 12, 6): ("gpt-4-vision-preview",),
    date(2025, 6, 6): ("gpt-4-32k", "gpt-4-32k-0314", "gpt-4-32k-0613"),
    date(2024, 9, 13): (
        "gpt-3.5-turbo-16k",
        "gpt-3.5-turbo-0301",
        "gpt-3.5-turbo-0613",
        "gpt-3.5-turbo-16k-0613",
    ),
    date(2026, 9, 28): ("gpt-3.5-turbo-1106",),
}
# "gpt-5.1-mini": Not a supported model ID. Retained for SDK compatibility.
CHAT_NOT_SUPPORTED = ("gpt-5.1-mini",)

SHUTDOWN_DATE: dict[str, date] = {
    model: day for day, models in CHAT_SHUTDOWN_DATES.items() for model in models
}


@dataclass(frozen=True)
class Retirement:
    """Why a model is gone, and the 404 message that says so."""

    model: str
    on: date | None
    message: str


def _long(day: date) -> str:
    return f"{calendar.month_name[day.month]} {day.day}, {day.year}"


def _image_retirements() -> dict[str, Retirement]:
    dalle, gpt1 = date(2026, 5, 12), date(2026, 10, 23)
    out = {
        name: Retirement(
            name,
            dalle,
            f"The model `{name}` was retired on {_long(dalle)} and is no longer available. "
            "Use a GPT image model instead, such as `gpt-image-2.5-sunburst`.",
        )
        for name in ("dall-e-2", "dall-e-3")
    }
    out["gpt-image-1"] = Retirement(
        "gpt-image-1",
        gpt1,
        f"The model `gpt-image-1` was shut down on {_long(gpt1)} and is no longer available. "
        "Use a GPT image model instead: `gpt-image-2.5-sunburst` or `gpt-image-2.5-flare`.",
    )
    return out


def _chat_retirements() -> dict[str, Retirement]:
    out = {
        model: Retirement(
            model,
            day,
            f"The model `{model}` was shut down on {_long(day)} and is no longer available. "
            f"See {DEPRECATIONS_URL} for recommended replacements.",
        )
        for model, day in SHUTDOWN_DATE.items()
        if day <= TODAY
    }
    for model in CHAT_NOT_SUPPORTED:
        out[model] = Retirement(
            model,
            None,
            f"The model `{model}` is not a supported model ID (see {DEPRECATIONS_URL}).",
        )
    return out


IMAGE_RETIREMENTS = _image_retirements()
CHAT_RETIREMENTS = _chat_retirements()
RETIREMENTS: dict[str, Retirement] = {**CHAT_RETIREMENTS, **IMAGE_RETIREMENTS}
# Every model a request must not name any more (retired, shut down, or not a model ID).
RETIRED_MODELS: frozenset[str] = frozenset(RETIREMENTS)
RETIRED_IMAGE_MODELS: frozenset[str] = frozenset(IMAGE_RETIREMENTS)
RETIRED_CHAT_MODELS: frozenset[str] = frozenset(CHAT_RETIREMENTS)

SERVED_IMAGE_MODELS: tuple[str, ...] = tuple(
    m for m in IMAGE_MODEL_LITERAL if m not in RETIRED_MODELS
)
SERVED_CHAT_MODELS: tuple[str, ...] = tuple(
    m for m in CHAT_MODEL_LITERAL if m not in RETIRED_MODELS
)

# Deterministic `created` timestamps: one day apart, newest first in each literal's order.
_EPOCH_TODAY = calendar.timegm(TODAY.timetuple())
_DAY = 86400


def is_retired(model: str | None) -> bool:
    return model in RETIRED_MODELS


def retirement(model: str) -> Retirement | None:
    return RETIREMENTS.get(model)


def model_object(model: str) -> dict[str, Any] | None:
    """``GET /v1/models/{model}``'s body for a served model (None if not served)."""
    if model in SERVED_CHAT_MODELS:
        position = CHAT_MODEL_LITERAL.index(model)
    elif model in SERVED_IMAGE_MODELS:
        position = IMAGE_MODEL_LITERAL.index(model)
    else:
        return None
    shutdown = SHUTDOWN_DATE.get(model)
    return {
        "id": model,
        "object": "model",
        "created": _EPOCH_TODAY - _DAY * (position + 1),
        "owned_by": "system",
        "shutdown_date": shutdown.isoformat() if shutdown else None,
    }


def model_list() -> dict[str, Any]:
    """``GET /v1/models``: every served chat model, then every served image model."""
    data = [model_object(m) for m in (*SERVED_CHAT_MODELS, *SERVED_IMAGE_MODELS)]
    return {"object": "list", "data": data}
