"""The generation pipeline against the fake OpenAI server: fan-out, retries, failures, decoding."""

from __future__ import annotations

import asyncio
from typing import Any

import litellm
import openai
import pytest
from litellm.types.utils import ImageObject, ImageResponse, ImageUsage

import imagechat.llm  # noqa: F401  (configures litellm)
from imagechat.catalog import ImageModel, build_catalog
from imagechat.catalog.families import rules_for
from imagechat.generation import Generator, ImageResult, RetryPolicy
from imagechat.image_params import GenerateImageArgs, plan_generation
from imagechat.imaging import DecodedImage, Thumbnail, thumbnail_side
from imagechat.llm import Endpoint
from tests.fakes.openai_server import FakeOpenAI

CATALOG = build_catalog(openai_key=True, environ={})
# a model that makes one image per request (as some OpenAI-compatible servers do), served by the
# fake's gpt-image-2, without streaming: n=4 must fan out into four requests
ONE = "one-per-request"
MODELS = {
    ONE: CATALOG.image_model("gpt-image-2").model_copy(
        update={
            "id": ONE,
            "label": "One per request",
            "rules": rules_for("gpt-image-2").model_copy(update={"max_n": 1}),
        }
    )
}


def model(model_id: str) -> ImageModel:
    found = MODELS.get(model_id) or CATALOG.image_model(model_id)
    assert found is not None, model_id
    return found


class Store:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    async def __call__(
        self, image: DecodedImage, thumb: Thumbnail, data_b64: str, meta: dict[str, Any]
    ) -> str:
        self.saved.append({"image": image, "thumb": thumb, "b64": data_b64, "meta": meta})
        return f"img-{len(self.saved)}"


class Sink:
    def __init__(self) -> None:
        self.done: list[ImageResult] = []

    async def image_done(self, result: ImageResult) -> None:
        self.done.append(result)


async def no_sleep(_: float) -> None:
    return None


def generator(server: FakeOpenAI, model_id: str, **kw: Any) -> tuple[Generator, Store, Sink]:
    store, sink = Store(), Sink()
    gen = Generator(
        model=model(model_id),
        endpoint=Endpoint(server.base_url, server.api_key, "OPENAI_API_KEY"),
        store=store,
        sink=sink,
        sleep=no_sleep,
        **kw,
    )
    return gen, store, sink


async def usage_from_fake(server: FakeOpenAI, body: dict[str, Any]) -> dict[str, Any]:
    """The usage the fake returns for this request body (it answers the same body the same)."""
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key=server.api_key) as client:
        if body.get("stream"):
            stream = await client.images.generate(**body)
            events = [event async for event in stream]
            return events[-1].usage.model_dump()
        response = await client.images.generate(**body)
        return response.usage.model_dump()


def litellm_cost(model_name: str, usage: dict[str, Any], n: int) -> float:
    """litellm's own cost for an Images API answer with this usage."""
    response = ImageResponse(
        created=0, data=[ImageObject(b64_json="") for _ in range(n)], usage=ImageUsage(**usage)
    )
    return litellm.completion_cost(
        completion_response=response,
        model=model_name,
        custom_llm_provider="openai",
        call_type="image_generation",
    )


class PreviewSink(Sink):
    def __init__(self) -> None:
        super().__init__()
        self.partials: list[tuple[int, int, Thumbnail]] = []

    async def image_partial(self, index: int, preview: Thumbnail, partial_index: int) -> None:
        self.partials.append((index, partial_index, preview))


def plan(model_id: str, **args: Any):  # type: ignore[no-untyped-def]
    return plan_generation(GenerateImageArgs(**args), model(model_id))


async def test_one_per_request_n4_fans_out_into_four_requests(fake_openai: FakeOpenAI) -> None:
    gen, store, sink = generator(fake_openai, ONE)
    p = plan(ONE, prompt="a red fox in snow", n=4, size="1792x1024", quality="high")
    result = await gen.run(p, "a red fox in snow")
    sent = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert len(sent) == 4
    assert all(b["n"] == 1 and b["quality"] == "high" and b["size"] == "1792x1024" for b in sent)
    assert all("response_format" not in b for b in sent)  # GPT Image models refuse it
    assert len(result.made) == 4 and not result.failed
    assert {i.revised_prompt for i in result.made} == {None}  # GPT Image models return none
    assert len(store.saved) == 4 and len(sink.done) == 4
    usage = await usage_from_fake(fake_openai, sent[0])
    assert result.cost == pytest.approx(4 * litellm_cost("gpt-image-2", usage, 1))


async def test_each_image_is_decoded_stored_and_thumbnailed(fake_openai: FakeOpenAI) -> None:
    gen, store, _ = generator(fake_openai, "gpt-image-2")
    result = await gen.run(plan("gpt-image-2", prompt="a blue whale", n=2), "a blue whale")
    assert sorted(i.id for i in result.made) == ["img-1", "img-2"]  # stored as each landed
    for saved in store.saved:
        assert saved["image"].mime == "image/png"
        assert (saved["image"].width, saved["image"].height) == (1024, 1024)
        assert max(saved["thumb"].width, saved["thumb"].height) == thumbnail_side(2)  # shown x2
        assert saved["meta"]["prompt"] == "a blue whale"
        assert saved["meta"]["model"] == "gpt-image-2"


async def test_429_is_retried_with_backoff_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.inject("images", status=429, times=2, retry_after=0.01)
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    gen, _, _ = generator(fake_openai, "gpt-image-2")
    gen.sleep = sleep
    result = await gen.run(plan("gpt-image-2", prompt="a cat"), "a cat")
    assert len(result.made) == 1
    assert len(fake_openai.requests_to("/v1/images/generations")) == 3
    assert delays == [pytest.approx(0.01), pytest.approx(0.01)], "Retry-After was honoured"


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=5.0)
    delays = [policy.delay(a, None) for a in range(5)]
    assert delays[0] < delays[1] < delays[2]
    assert max(delays) <= 5.0


async def test_429_that_persists_ends_in_a_clear_message(fake_openai: FakeOpenAI) -> None:
    fake_openai.inject("images", status=429, times=None, retry_after=0.01)
    gen, store, _ = generator(fake_openai, "gpt-image-2", retry=RetryPolicy(attempts=3))
    result = await gen.run(plan("gpt-image-2", prompt="a cat"), "a cat")
    assert not result.made and store.saved == []
    assert len(fake_openai.requests_to("/v1/images/generations")) == 3
    assert "rate limited" in result.failed[0].error and "3 tries" in result.failed[0].error


@pytest.mark.parametrize("model_id", ["gpt-image-2", ONE])
async def test_safety_rejection_says_the_prompt_was_rejected(
    fake_openai: FakeOpenAI, model_id: str
) -> None:
    fake_openai.inject("images", status=400, times=1)
    gen, store, _ = generator(fake_openai, model_id)
    result = await gen.run(plan(model_id, prompt="something bad"), "something bad")
    assert store.saved == []
    error = result.failed[0].error
    assert "rejected the prompt" in error and "Rephrase" in error


async def test_three_of_five_failing_keeps_the_two_that_worked(fake_openai: FakeOpenAI) -> None:
    fake_openai.inject("images", status=500, times=3)
    gen, store, sink = generator(fake_openai, ONE)
    result = await gen.run(plan(ONE, prompt="five foxes", n=5), "five foxes")
    assert len(result.made) == 2 and len(result.failed) == 3
    assert len(store.saved) == 2
    assert all("internal error" in i.error for i in result.failed)
    assert sorted(r.index for r in sink.done) == [0, 1, 2, 3, 4]
    made = [saved["meta"]["cost"] for saved in store.saved]
    assert result.cost == pytest.approx(sum(made)) and all(c > 0 for c in made)


async def test_requests_run_in_parallel_and_stop_cancels_them(fake_openai: FakeOpenAI) -> None:
    """All three requests reach the server while none has been answered (they hang): they are in
    flight at once. Cancelling the run (Stop) ends them and stores nothing."""
    fake_openai.hang("images", times=None)
    gen, store, _ = generator(fake_openai, ONE)
    task = asyncio.create_task(gen.run(plan(ONE, prompt="slow", n=3), "slow"))
    for _ in range(200):
        if len(fake_openai.requests_to("/v1/images/generations")) == 3:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert store.saved == []


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("bm90IGFuIGltYWdl", "not a PNG, JPEG or WebP"),  # "not an image"
        ("PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=", "not a PNG"),  # SVG
        ("@@@not base64@@@", "base64"),
    ],
)
async def test_a_bad_provider_payload_is_refused_and_nothing_is_stored(
    monkeypatch: pytest.MonkeyPatch, payload: str, needle: str
) -> None:
    async def fake_generation(**_: Any) -> Any:
        return litellm.ImageResponse(data=[{"b64_json": payload}])

    monkeypatch.setattr(litellm, "aimage_generation", fake_generation)
    store, sink = Store(), Sink()
    gen = Generator(
        model=model("gpt-image-2"),
        endpoint=Endpoint(None, "sk-x", "OPENAI_API_KEY"),
        store=store,
        sink=sink,
    )
    result = await gen.run(plan("gpt-image-2", prompt="x"), "x")
    assert store.saved == [] and not result.made
    assert needle in result.failed[0].error


async def test_a_streamed_image_shows_its_partial_images_then_lands(
    fake_openai: FakeOpenAI,
) -> None:
    """Where the model streams and the page shows previews, each image is one streamed request
    through the openai SDK: its partial images reach the sink in order, then the final image is
    stored; the cost is litellm's cost of the usage in the completed event."""
    store, sink = Store(), PreviewSink()
    gen = Generator(
        model=model("gpt-image-2.5-sunburst"),
        endpoint=Endpoint(fake_openai.base_url, fake_openai.api_key, "OPENAI_API_KEY"),
        store=store,
        sink=sink,
        sleep=no_sleep,
        partial_images=2,
    )
    p = plan("gpt-image-2.5-sunburst", prompt="a kite over dunes", n=2, size="16:9")
    result = await gen.run(p, "a kite over dunes")
    sent = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert len(sent) == 2
    assert all(b["stream"] is True and b["partial_images"] == 2 and b["n"] == 1 for b in sent)
    assert all(b["size"] == "1536x864" for b in sent)
    assert len(result.made) == 2 and len(store.saved) == 2
    for slot in (0, 1):
        seen = [partial for index, partial, _ in sink.partials if index == slot]
        assert seen == [0, 1]
    previews = {preview.data for _, _, preview in sink.partials}
    assert not previews & {saved["thumb"].data for saved in store.saved}  # not the final image
    usage = await usage_from_fake(fake_openai, sent[0])
    expected = litellm_cost("gpt-image-2.5-sunburst", usage, 1)
    assert [i.cost for i in result.made] == [pytest.approx(expected)] * 2
    assert result.cost == pytest.approx(2 * expected)


async def test_a_sink_without_previews_gets_plain_requests(fake_openai: FakeOpenAI) -> None:
    gen, store, _ = generator(fake_openai, "gpt-image-2.5-sunburst")
    await gen.run(plan("gpt-image-2.5-sunburst", prompt="a kite", n=3), "a kite")
    (body,) = [r.json for r in fake_openai.requests_to("/v1/images/generations")]
    assert body["n"] == 3 and "stream" not in body and len(store.saved) == 3


async def test_stop_cancels_the_streams(fake_openai: FakeOpenAI) -> None:
    fake_openai.hang("images", times=None)
    store, sink = Store(), PreviewSink()
    gen = Generator(
        model=model("gpt-image-2"),
        endpoint=Endpoint(fake_openai.base_url, fake_openai.api_key, "OPENAI_API_KEY"),
        store=store,
        sink=sink,
    )
    task = asyncio.create_task(gen.run(plan("gpt-image-2", prompt="slow", n=2), "slow"))
    for _ in range(200):
        if len(fake_openai.requests_to("/v1/images/generations")) == 2:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert store.saved == []
    for _ in range(100):  # the fake sees both connections go away
        if all(r.status is not None for r in fake_openai.requests_to("/v1/images/generations")):
            break
        await asyncio.sleep(0.05)
    assert all(r.status is not None for r in fake_openai.requests_to("/v1/images/generations"))
