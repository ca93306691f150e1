"""Provider image replies are read up to a cap, never whole: a 300 MB reply is cut off early."""

from __future__ import annotations

import base64
import gzip
import io
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import httpx2
import openai
import pytest
from PIL import Image

import imagechat.llm  # noqa: F401  (configures litellm before use)
from imagechat.catalog import build_catalog
from imagechat.generation import Generator, ImageResult
from imagechat.image_params import GenerateImageArgs, plan_generation
from imagechat.imaging import MAX_BASE64_CHARS
from imagechat.llm import Endpoint
from imagechat.providers import reply_cap
from imagechat.providers.reply_cap import (
    CappedTransport,
    ProviderReplyTooLarge,
    cap_for_images,
    find_reply_too_large,
    image_b64_ceiling,
)
from tests.fakes.huge_reply import huge_reply_server

MB = 1024 * 1024
CHUNK = 64 * 1024
HUGE = 300 * MB


class Counter:
    def __init__(self) -> None:
        self.produced = 0

    async def body(self, total: int) -> AsyncIterator[bytes]:
        yield b'{"created": 0, "data": [{"b64_json": "'
        while self.produced < total:
            self.produced += CHUNK
            yield b"A" * CHUNK


def test_the_cap_follows_the_images_asked_for() -> None:
    assert cap_for_images(1) == MAX_BASE64_CHARS + MB
    assert cap_for_images(1) < 50 * MB  # one image never costs hundreds of MB
    assert cap_for_images(10) == 200 * MB  # IMAGECHAT_MAX_PROVIDER_REPLY_MB bounds the total


def test_the_cap_follows_the_size_asked_for() -> None:
    small = cap_for_images(1, "1024x1024")
    assert 4 * 1024 * 1024 * 4 // 3 < small < 8 * MB  # the raw RGBA pixels, as base64
    assert cap_for_images(2, "1024x1024") == 2 * (small - MB) + MB
    assert cap_for_images(1, "auto") == cap_for_images(1) == MAX_BASE64_CHARS + MB
    assert cap_for_images(1, "3840x2160") == MAX_BASE64_CHARS + MB  # never past the decode limit


@pytest.mark.parametrize("mode", ["RGBA", "RGB"])
def test_no_real_image_of_the_size_passes_its_ceiling(mode: str) -> None:
    """Noise does not compress: its PNG is the largest encoding of those pixels there is."""
    side = 300
    noise = Image.frombytes(mode, (side, side), os.urandom(side * side * len(mode)))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    assert len(base64.b64encode(buffer.getvalue())) <= image_b64_ceiling(f"{side}x{side}")


async def test_the_sdk_client_stops_reading_a_huge_reply_at_the_cap() -> None:
    counter = Counter()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, headers={"content-type": "application/json"}, content=counter.body(HUGE)
        )

    cap = 5 * MB
    transport = reply_cap._sdk_transport_class()(httpx2.MockTransport(handler), cap=cap)
    client = openai.AsyncOpenAI(
        api_key="k",
        base_url="http://provider.test/v1",
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(transport=transport),
    )
    with pytest.raises(Exception) as caught:
        await client.images.generate(model="gpt-image-2", prompt="a cat")
    too_large = find_reply_too_large(caught.value)
    assert too_large is not None, caught.value
    assert "larger than 5 MB" in too_large.message
    assert counter.produced <= cap + CHUNK


async def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    counter = Counter()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-length": str(HUGE)}, content=counter.body(HUGE)
        )

    async with httpx.AsyncClient(transport=CappedTransport(httpx.MockTransport(handler))) as c:
        with reply_cap.reply_cap(1), pytest.raises(ProviderReplyTooLarge):
            await c.get("http://provider.test/")
    assert counter.produced == 0


async def test_a_gzip_bomb_is_counted_decompressed() -> None:
    bomb = gzip.compress(b"A" * (64 * MB))  # 64 KB on the wire

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(200, headers={"content-encoding": "gzip"}, content=bomb)

    transport = CappedTransport(httpx.MockTransport(handler), cap=8 * MB)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(ProviderReplyTooLarge):
            await client.get("http://provider.test/")
        small = gzip.compress(b'{"ok": true}')
        transport._inner = httpx.MockTransport(
            lambda r: httpx.Response(200, headers={"content-encoding": "gzip"}, content=small)
        )
        assert (await client.get("http://provider.test/")).json() == {"ok": True}


class _Sink:
    def __init__(self) -> None:
        self.done: list[ImageResult] = []

    async def image_done(self, result: ImageResult) -> None:
        self.done.append(result)


async def _store(*_args: Any) -> str:
    raise AssertionError("nothing may be stored")


@pytest.mark.parametrize("declare_length", [True, False])
async def test_a_300_mb_reply_through_the_generator_is_refused_early(
    declare_length: bool,
) -> None:
    """The real path (litellm -> openai SDK -> httpx2 -> a real socket): the person is told
    what happened, and the app stopped reading long before 300 MB."""
    catalog = build_catalog(openai_key=True, environ={})
    model = catalog.image_model("gpt-image-2")
    with huge_reply_server(HUGE, declare_length=declare_length) as server:
        gen = Generator(
            model=model,
            endpoint=Endpoint(server.base_url, "sk-test", "OPENAI_API_KEY"),
            store=_store,
            sink=_Sink(),
            partial_images=0,
        )
        plan = plan_generation(GenerateImageArgs(prompt="a cat", n=1), model)
        result = await gen.run(plan, "a cat")
    [image] = result.images
    assert image.error is not None
    cap = cap_for_images(1, "1536x1024")  # "auto": the largest standard size
    assert image.error.startswith(f"The provider sent an image reply larger than {cap / MB:.0f} MB")
    # what the server could write: the cap, plus what loopback socket buffers hold
    assert server.sent < cap + 32 * MB


@pytest.mark.parametrize(("size", "largest"), [("auto", "1536x1024"), ("1024x1024", "1024x1024")])
def test_a_generation_is_capped_at_the_largest_image_it_can_bring(size: str, largest: str) -> None:
    """ "auto" picks among the model's standard sizes (families.yaml): the largest one bounds it."""
    model = build_catalog(openai_key=True, environ={}).image_model("gpt-image-2")
    assert model is not None
    plan = plan_generation(GenerateImageArgs(prompt="a cat", n=1, size=size), model)

    async def store(*_args: Any) -> str:
        raise AssertionError("nothing is stored")

    gen = Generator(
        model=model, endpoint=Endpoint(None, "sk-test", "OPENAI_API_KEY"), store=store, sink=None
    )
    assert gen._largest_output(plan.requests[0]) == largest
