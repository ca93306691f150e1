"""Run a generation plan: provider calls fanned out in parallel, each image checked, stored, shown.

No UI here: progress goes to an `ImageSink`, storage to an `ImageStore`, both passed in.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import litellm
import openai

from imagechat.catalog import ImageModel
from imagechat.errors import UserFacingError
from imagechat.fetch import fetch_provider_image
from imagechat.image_params import GenerationPlan, ProviderRequest
from imagechat.image_params.sizes import dims
from imagechat.imaging import (
    DecodedImage,
    ImageRejected,
    Thumbnail,
    decode_and_thumbnail,
    thumbnail_side,
)
from imagechat.llm import Endpoint
from imagechat.pricing import image_cost_from_usage
from imagechat.provider_errors import describe_provider_error
from imagechat.providers.reply_cap import (
    capped_litellm_client,
    capped_sdk_http_client,
    find_reply_too_large,
    reply_cap,
)
from imagechat.providers.streaming import FinalImage, Streamer, StreamRequest, streamer_for
from imagechat.retry import RetryPolicy, Sleep, retry_after


@dataclass
class ImageResult:
    """One image slot of a generation: made (with its id) or failed (with a reason)."""

    index: int
    id: str | None = None
    width: int | None = None
    height: int | None = None
    thumb: Thumbnail | None = None
    revised_prompt: str | None = None
    cost: float | None = None
    elapsed_ms: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.id is not None


@dataclass
class GenerationResult:
    images: list[ImageResult]
    cost: float | None
    elapsed_ms: int
    notes: list[str] = field(default_factory=list)

    @property
    def made(self) -> list[ImageResult]:
        return [i for i in self.images if i.ok]

    @property
    def failed(self) -> list[ImageResult]:
        return [i for i in self.images if not i.ok]


class ImageSink(Protocol):
    """Told as each image lands or fails, so the page can show it at once."""

    async def image_done(self, result: ImageResult) -> None: ...


class PreviewSink(ImageSink, Protocol):
    """A sink that also shows partial images while a streamed image sharpens."""

    async def image_partial(self, index: int, preview: Thumbnail, partial_index: int) -> None: ...


class ImageStore(Protocol):
    async def __call__(
        self, image: DecodedImage, thumb: Thumbnail, data_b64: str, meta: dict[str, Any]
    ) -> str: ...


@dataclass(frozen=True)
class SourceImage:
    """An image an edit starts from: its id in the images table and its bytes."""

    id: str
    data: bytes
    mime: str
    filename: str = "image.png"


@dataclass(frozen=True)
class Lineage:
    """Where new images come from: shown in the viewer as '<label> <parent>'."""

    parent_id: str
    label: str  # "Edited from" | "Variation of"


@dataclass
class Generator:
    """Makes the images of a plan with one image model."""

    model: ImageModel
    endpoint: Endpoint
    store: ImageStore
    sink: ImageSink
    timeout: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: list[str] = field(default_factory=list)
    sleep: Sleep = asyncio.sleep
    # partial images per streamed image, where the model and the sink can show them (0: never)
    partial_images: int = 2
    _sdk_client: openai.AsyncOpenAI | None = field(default=None, init=False, repr=False)

    async def run(
        self,
        plan: GenerationPlan,
        prompt: str,
        *,
        sources: list[SourceImage] | None = None,
        mask: bytes | None = None,
        lineage: Lineage | None = None,
    ) -> GenerationResult:
        """Make the plan's images; with `sources`, as edits of those images (only where `mask`,
        a PNG of the first source's size, is transparent, when given)."""
        started = time.perf_counter()
        slots: list[tuple[ProviderRequest, list[int]]] = []
        index = 0
        for request in plan.requests:
            slots.append((request, list(range(index, index + request.n))))
            index += request.n
        results = [ImageResult(index=i) for i in range(index)]
        outcomes = await asyncio.gather(
            *(
                self._one_request(req, idxs, results, plan, prompt, sources or [], mask, lineage)
                for req, idxs in slots
            ),
            return_exceptions=True,
        )
        for (_, idxs), outcome in zip(slots, outcomes, strict=True):
            if isinstance(outcome, asyncio.CancelledError):
                raise outcome
            if isinstance(outcome, BaseException):
                message = self._message_for(outcome)
                for i in idxs:
                    if results[i].error is None and not results[i].ok:
                        results[i].error = message
                        await self.sink.image_done(results[i])
        made_costs = [r.cost for r in results if r.ok]
        total = None if None in made_costs else sum(c for c in made_costs if c is not None)
        return GenerationResult(
            images=results,
            cost=total,
            elapsed_ms=int((time.perf_counter() - started) * 1000),
            notes=list(plan.notes),
        )

    async def _one_request(
        self,
        request: ProviderRequest,
        indexes: list[int],
        results: list[ImageResult],
        plan: GenerationPlan,
        prompt: str,
        sources: list[SourceImage],
        mask: bytes | None,
        lineage: Lineage | None,
    ) -> None:
        streamer = self._streamer()
        if streamer is not None:
            await asyncio.gather(
                *(
                    self._stream_one(
                        streamer, request, slot, results, plan, prompt, sources, mask, lineage
                    )
                    for slot in indexes
                )
            )
            return
        started = time.perf_counter()
        response = await self._call_with_retry(request, sources, mask)
        items = list(getattr(response, "data", None) or [])
        hidden = getattr(response, "_hidden_params", None) or {}
        per_image_cost = self._per_image_cost(
            hidden.get("response_cost"), request, len(items) or request.n
        )
        elapsed = int((time.perf_counter() - started) * 1000)

        async def land(slot: int, item: Any) -> None:
            try:
                raw = await self._image_payload(item)
            except UserFacingError as exc:
                results[slot].error = exc.message
                await self.sink.image_done(results[slot])
                return
            await self._land(
                results[slot],
                raw,
                _field(item, "revised_prompt"),
                per_image_cost,
                elapsed,
                request,
                plan,
                prompt,
                lineage,
            )

        landed = zip(indexes, items, strict=False)
        await asyncio.gather(*(land(slot, item) for slot, item in landed))
        for slot in indexes[len(items) :]:
            results[slot].error = "The provider returned fewer images than asked for."
            await self.sink.image_done(results[slot])

    def _streamer(self) -> Streamer | None:
        """The provider's streamer when the model streams and the sink shows previews."""
        if self.partial_images <= 0 or not self.model.streams_partial_images:
            return None
        if getattr(self.sink, "image_partial", None) is None:
            return None
        return streamer_for(self.model.provider)

    async def _stream_one(
        self,
        streamer: Streamer,
        request: ProviderRequest,
        slot: int,
        results: list[ImageResult],
        plan: GenerationPlan,
        prompt: str,
        sources: list[SourceImage],
        mask: bytes | None,
        lineage: Lineage | None,
    ) -> None:
        """One image through the provider's streamer: previews as they come, then the image."""
        started = time.perf_counter()
        stream_request = StreamRequest(
            model=self.model.litellm_model.split("/", 1)[-1],
            kwargs={**request.kwargs, "n": 1},
            partial_images=min(self.partial_images, self.model.rules.partial_images),
            api_base=self.endpoint.api_base,
            api_key=self.endpoint.api_key,
            timeout=self.timeout,
            sources=[s.data for s in sources],
            mask=mask,
        )
        final = await self._stream_with_retry(streamer, stream_request, slot)
        cost = image_cost_from_usage(self.model.litellm_model, final.usage, 1)
        if cost is None:
            cost = self.model.price_per_image(request.kwargs.get("quality"), request.kwargs["size"])
        elapsed = int((time.perf_counter() - started) * 1000)
        await self._land(
            results[slot],
            final.b64_json,
            final.revised_prompt,
            cost,
            elapsed,
            request,
            plan,
            prompt,
            lineage,
        )

    async def _stream_with_retry(
        self, streamer: Streamer, request: StreamRequest, slot: int
    ) -> FinalImage:
        sink: PreviewSink = self.sink  # type: ignore[assignment]
        for attempt in range(self.retry.attempts):
            try:
                async with contextlib.aclosing(streamer(request)) as events:
                    async for event in events:
                        if isinstance(event, FinalImage):
                            return event
                        try:
                            _, preview = await decode_and_thumbnail(event.b64_json)
                        except (ImageRejected, UserFacingError):
                            continue  # a broken preview is skipped; the final image decides
                        await sink.image_partial(slot, preview, event.index)
                raise UserFacingError("The provider's stream ended without an image.")
            except (litellm.RateLimitError, openai.RateLimitError) as exc:
                if attempt == self.retry.attempts - 1:
                    raise
                await self.sleep(self.retry.delay(attempt, retry_after(exc)))
        raise AssertionError("unreachable")

    async def _land(
        self,
        result: ImageResult,
        raw_b64: str,
        revised: str | None,
        cost: float | None,
        elapsed: int,
        request: ProviderRequest,
        plan: GenerationPlan,
        prompt: str,
        lineage: Lineage | None,
    ) -> None:
        """Decode, check, store and show one image (or its failure)."""
        try:
            decoded, thumb = await decode_and_thumbnail(raw_b64, max_side=thumbnail_side(plan.n))
            data_b64 = base64.b64encode(decoded.data).decode("ascii")
            meta = {
                "prompt": prompt,
                "parent_id": lineage.parent_id if lineage else None,
                "lineage": lineage.label if lineage else None,
                "revised_prompt": revised,
                "model": self.model.id,
                "params": {
                    **asdict(plan.used),
                    "request": _public_kwargs(request.kwargs),
                    "index": result.index + 1,
                    "count": plan.n,
                },
                "cost": cost,
                "elapsed_ms": elapsed,
            }
            result.id = await self.store(decoded, thumb, data_b64, meta)
            result.width, result.height = decoded.width, decoded.height
            result.thumb = thumb
            result.revised_prompt = revised
            result.cost = cost
            result.elapsed_ms = elapsed
        except ImageRejected as exc:
            result.error = exc.message
        except UserFacingError as exc:
            result.error = exc.message
        await self.sink.image_done(result)

    async def _call_with_retry(
        self, request: ProviderRequest, sources: list[SourceImage], mask: bytes | None = None
    ) -> Any:
        """One provider request (an edit when there are `sources`), 429s retried with backoff;
        its reply is read up to `request.n` images' worth of bytes (reply_cap)."""
        for attempt in range(self.retry.attempts):
            try:
                with reply_cap(request.n, self._largest_output(request)):
                    return await self._call(request, sources, mask)
            except (litellm.RateLimitError, openai.RateLimitError) as exc:
                if attempt == self.retry.attempts - 1:
                    raise
                await self.sleep(self.retry.delay(attempt, retry_after(exc)))
        raise AssertionError("unreachable")

    async def _call(
        self, request: ProviderRequest, sources: list[SourceImage], mask: bytes | None
    ) -> Any:
        if sources:
            masked = {"mask": mask} if mask is not None else {}
            capped = (
                {"client": capped_litellm_client(self.timeout)}
                if self.model.provider in ("openai", "custom")
                else {}
            )
            return await litellm.aimage_edit(
                model=self.model.litellm_model,
                # plain bytes: litellm 1.105's aiohttp transport fails on tuples
                image=[source.data for source in sources],
                **masked,
                timeout=self.timeout,
                num_retries=0,
                **request.kwargs,
                **self.endpoint.kwargs(),
                **capped,
            )
        return await litellm.aimage_generation(
            model=self.model.litellm_model,
            timeout=self.timeout,
            num_retries=0,
            **request.kwargs,
            **self._client_kwargs(),
        )

    def _client_kwargs(self) -> dict[str, Any]:
        """Endpoint arguments; OpenAI-compatible providers get a client without SDK retries
        (litellm does not pass max_retries on for images, and 429s are retried here)."""
        kwargs = self.endpoint.kwargs()
        if self.model.provider in ("openai", "custom"):
            if self._sdk_client is None:
                self._sdk_client = _NoRetryOpenAI(
                    api_key=self.endpoint.api_key or "not-needed",
                    base_url=self.endpoint.api_base,
                    max_retries=0,
                    timeout=self.timeout,
                    http_client=capped_sdk_http_client(),  # replies capped (reply_cap)
                )
            kwargs["client"] = self._sdk_client
        return kwargs

    def _largest_output(self, request: ProviderRequest) -> str | None:
        """The largest image `request` can bring: its size, or for "auto" the largest of the
        model's standard sizes (which "auto" picks among); None when unknown."""
        size = request.kwargs.get("size")
        if isinstance(size, str) and dims(size) is not None:
            return size
        standard = [d for s in self.model.rules.sizes if (d := dims(s)) is not None]
        if size not in (None, "auto") or not standard:
            return None
        width, height = max(standard, key=lambda d: d[0] * d[1])
        return f"{width}x{height}"

    def _per_image_cost(
        self, response_cost: Any, request: ProviderRequest, count: int
    ) -> float | None:
        """litellm's response_cost when it has one, else the catalog's price per image."""
        if isinstance(response_cost, int | float) and response_cost > 0 and count:
            return float(response_cost) / count
        return self.model.price_per_image(request.kwargs.get("quality"), request.kwargs["size"])

    async def _image_payload(self, item: Any) -> str:
        """The image as base64, from the response or (when it holds a link) fetched."""
        b64 = _field(item, "b64_json")
        if b64:
            return str(b64)
        url = _field(item, "url")
        if url:
            data = await fetch_provider_image(url, self.endpoint.api_base)
            return base64.b64encode(data).decode("ascii")
        raise UserFacingError("The provider answered without an image.")

    def _message_for(self, exc: BaseException) -> str:
        if isinstance(exc, UserFacingError):
            return exc.message
        too_large = find_reply_too_large(exc)  # wrapped by the SDK and litellm
        if too_large is not None:
            return too_large.message
        if _is_safety_rejection(exc):
            return (
                f"{self.model.label} rejected the prompt under its safety policy. "
                "Rephrase it: describe the scene without violence, real people's names, "
                "brands or explicit content, and try again."
            )
        err = describe_provider_error(
            exc,
            label=self.model.label,
            key_env=self.endpoint.key_env,
            api_base=self.endpoint.api_base,
            timeout=self.timeout,
            secrets=self.secrets,
        )
        if err.kind == "rate_limit":
            return (
                f"{self.model.label} is rate limited: it still refused after "
                f"{self.retry.attempts} tries. Wait a minute and ask again, or ask for fewer "
                "images."
            )
        return err.message


class _NoRetryOpenAI(openai.AsyncOpenAI):
    """An OpenAI client that never retries by itself.

    litellm 1.105 sets `client.max_retries = 2` on any client it is given for image requests
    (max_retries is not passed through), so the attribute is pinned to 0 here; rate limits are
    retried by `Generator` with backoff and Retry-After instead.
    """

    @property  # type: ignore[override]
    def max_retries(self) -> int:
        return 0

    @max_retries.setter
    def max_retries(self, _value: int) -> None:
        return None


def _field(item: Any, name: str) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def _public_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k != "prompt"}


def _is_safety_rejection(exc: BaseException) -> bool:
    if isinstance(exc, litellm.ContentPolicyViolationError):
        return True
    text = str(exc).lower()
    code = getattr(exc, "code", None)
    return code in ("moderation_blocked", "content_policy_violation") or any(
        marker in text
        for marker in ("moderation_blocked", "content_policy_violation", "safety system")
    )
