"""The offline demo as a litellm custom provider ("imagechat-demo/chat", "imagechat-demo/image").

litellm 1.110.2 calls these methods with keyword arguments only:

* `acompletion(stream=False)` -> `acompletion(...)`, awaited, must return a ModelResponse;
* `acompletion(stream=True)` -> `astreaming(...)`, an async iterator of GenericStreamingChunk
  dicts that litellm wraps in a CustomStreamWrapper;
* `aimage_generation` -> `aimage_generation(...)` called from a worker thread; if it returns a
  coroutine litellm awaits it on the event loop; optional_params carries n, size, quality and
  the extras (background, output_format, output_compression);
* `aimage_edit` -> `aimage_edit(image=[...], prompt=..., optional_params=<its **kwargs with
  mask, n, size, quality>)`: every image passed comes as the list; extra_body (a named
  parameter of litellm's `image_edit`) is not there, so it is read from its frame (images.py).

The demo's live previews (partial images) come from its streamer, registered with the
generator's streaming interface by `register()` (see streaming.py).

`messages` and `optional_params` (tools, tool_choice, stream, …) arrive as keywords.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, Final

import litellm
from litellm import CustomLLM
from litellm.types.utils import GenericStreamingChunk, ImageResponse, ModelResponse
from litellm.utils import custom_llm_setup

from .chat import DemoTurn, decide_turn, fill_model_response, stream_chunks
from .constants import DEMO_CHAT_MODEL, DEMO_IMAGE_MODEL, PROVIDER
from .images import (
    ImageParams,
    aedit_pngs,
    agenerate_pngs,
    edit_pngs,
    edit_revised_prompts,
    fill_image_response,
    generate_pngs,
    litellm_call_arguments,
    read_images_bytes,
    read_mask,
    resolve_image_params,
)

DEFAULT_CHUNK_DELAY: Final = 0.015


class DemoLLM(CustomLLM):
    """Chat and image models that run locally; deterministic, free, no network."""

    def __init__(self, chunk_delay: float = DEFAULT_CHUNK_DELAY) -> None:
        super().__init__()
        self.chunk_delay = chunk_delay  # seconds between streamed chunks

    # -- chat --------------------------------------------------------------------------------

    @staticmethod
    def _turn(kwargs: dict[str, Any]) -> DemoTurn:
        optional: dict[str, Any] = kwargs.get("optional_params") or {}
        return decide_turn(
            kwargs.get("messages") or [], optional.get("tools"), optional.get("tool_choice")
        )

    def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:  # type: ignore[override]
        return fill_model_response(self._turn(kwargs), kwargs["model_response"])

    async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:  # type: ignore[override]
        turn = self._turn(kwargs)
        await asyncio.sleep(self.chunk_delay)
        return fill_model_response(turn, kwargs["model_response"])

    def streaming(self, *args: Any, **kwargs: Any) -> Iterator[GenericStreamingChunk]:  # type: ignore[override]
        for chunk in stream_chunks(self._turn(kwargs)):
            if self.chunk_delay:
                time.sleep(self.chunk_delay)
            yield chunk

    async def astreaming(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> AsyncIterator[GenericStreamingChunk]:
        for chunk in stream_chunks(self._turn(kwargs)):
            await asyncio.sleep(self.chunk_delay)  # also where a cancel lands
            yield chunk

    # -- images ------------------------------------------------------------------------------
    # The a* image methods are deliberately plain functions that return a coroutine: the size,
    # n, quality and style must be read from litellm's frame while it is still running (see
    # images.litellm_call_arguments); litellm awaits the coroutine we hand back.

    def image_generation(self, *args: Any, **kwargs: Any) -> ImageResponse:  # type: ignore[override]
        params = resolve_image_params(kwargs.get("optional_params"), litellm_call_arguments())
        prompt = str(kwargs.get("prompt") or "")
        return fill_image_response(
            kwargs["model_response"], prompt, params, generate_pngs(prompt, params)
        )

    def aimage_generation(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, ImageResponse]:
        params = resolve_image_params(kwargs.get("optional_params"), litellm_call_arguments())
        return self._agenerate(str(kwargs.get("prompt") or ""), params, kwargs["model_response"])

    @staticmethod
    async def _agenerate(
        prompt: str, params: ImageParams, model_response: ImageResponse
    ) -> ImageResponse:
        pngs = await agenerate_pngs(prompt, params)
        return fill_image_response(model_response, prompt, params, pngs)

    def image_edit(self, *args: Any, **kwargs: Any) -> ImageResponse:  # type: ignore[override]
        caller = litellm_call_arguments()
        params = resolve_image_params(kwargs.get("optional_params"), caller)
        prompt = str(kwargs.get("prompt") or "")
        sources = read_images_bytes(kwargs.get("image"))
        pngs = edit_pngs(sources, prompt, params, read_mask(kwargs.get("optional_params"), caller))
        revised = edit_revised_prompts(prompt, len(pngs), len(sources))
        return fill_image_response(kwargs["model_response"], prompt, params, pngs, revised=revised)

    def aimage_edit(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, ImageResponse]:
        caller = litellm_call_arguments()
        params = resolve_image_params(kwargs.get("optional_params"), caller)
        sources = read_images_bytes(kwargs.get("image"))
        return self._aedit(
            sources,
            str(kwargs.get("prompt") or ""),
            params,
            kwargs["model_response"],
            read_mask(kwargs.get("optional_params"), caller),
        )

    @staticmethod
    async def _aedit(
        sources: list[bytes],
        prompt: str,
        params: ImageParams,
        model_response: ImageResponse,
        mask: bytes | None,
    ) -> ImageResponse:
        pngs = await aedit_pngs(sources, prompt, params, mask)
        revised = edit_revised_prompts(prompt, len(pngs), len(sources))
        return fill_image_response(model_response, prompt, params, pngs, revised=revised)


_HANDLER: Final = DemoLLM()

_PRICES: Final[dict[str, dict[str, Any]]] = {
    DEMO_CHAT_MODEL: {
        "litellm_provider": PROVIDER,
        "mode": "chat",
        "max_tokens": 4096,
        "max_input_tokens": 128000,
        "max_output_tokens": 4096,
        "input_cost_per_token": 0.0,
        "output_cost_per_token": 0.0,
        "cache_creation_input_token_cost": 0.0,
        "cache_read_input_token_cost": 0.0,
        "supports_function_calling": True,
        "supports_tool_choice": True,
        "supports_parallel_function_calling": False,
        "supports_vision": False,
    },
    DEMO_IMAGE_MODEL: {
        "litellm_provider": PROVIDER,
        "mode": "image_generation",
        "input_cost_per_image": 0.0,
        "output_cost_per_image": 0.0,
        "input_cost_per_pixel": 0.0,
        "output_cost_per_pixel": 0.0,
    },
}


def get_handler() -> DemoLLM:
    """The handler `register()` installs (tests may set its `chunk_delay`)."""
    return _HANDLER


def register() -> None:
    """Make "imagechat-demo/…" models callable through litellm, and register the demo's
    streamer (live previews) for the catalog provider "demo". Idempotent; other providers'
    entries in `litellm.custom_provider_map` are left alone."""
    from .streaming import register_demo_streamer

    register_demo_streamer()
    entries = litellm.custom_provider_map
    mine = [i for i, e in enumerate(entries) if e.get("provider") == PROVIDER]
    entry: Any = {"provider": PROVIDER, "custom_handler": _HANDLER}
    if not mine:
        entries.append(entry)
    else:
        entries[mine[0]] = entry
        for i in reversed(mine[1:]):
            del entries[i]
    custom_llm_setup()  # adds the provider to litellm.provider_list / _custom_providers now
    if any(litellm.model_cost.get(k, {}).get("litellm_provider") != PROVIDER for k in _PRICES):
        litellm.register_model({k: dict(v) for k, v in _PRICES.items()})  # free; has tools
