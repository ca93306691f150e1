"""The one door to providers: litellm, configured once (quiet, no telemetry, demo registered)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import litellm

import imagechat  # noqa: F401  (sets litellm's environment before it is imported)
from imagechat.catalog import ChatModel, ImageModel
from imagechat.providers import demo, openai_images  # noqa: F401  (registers its streamer)
from imagechat.settings import Settings

litellm.suppress_debug_info = True
litellm.telemetry = False
litellm.drop_params = False
for _name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm"):
    logging.getLogger(_name).setLevel(logging.ERROR)
demo.register()


@dataclass(frozen=True)
class Endpoint:
    """Where and how to call a model; `api_key` is never logged or shown."""

    api_base: str | None
    api_key: str | None
    key_env: str | None

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.api_base:
            out["api_base"] = self.api_base
        if self.api_key:
            out["api_key"] = self.api_key
        return out


def endpoint_for(
    model: ChatModel | ImageModel, settings: Settings, environ: dict[str, str]
) -> Endpoint:
    """The base URL and key for a model's provider."""
    if model.provider == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return Endpoint(settings.openai_base_url, key, "OPENAI_API_KEY")
    if model.provider == "custom":
        key = environ.get(model.api_key_env) if model.api_key_env else None
        # OpenAI-compatible servers without auth still need a non-empty key for the SDK.
        return Endpoint(model.api_base, key or "not-needed", model.api_key_env)
    return Endpoint(None, None, None)
