"""The demo's live previews (its streamer for the catalog provider "demo") and the image
parameters the demo understands: any WxH size, transparent backgrounds, PNG/WebP/JPEG."""

from __future__ import annotations

import asyncio
import base64
import io
import time
from collections.abc import Iterator
from typing import Any

import litellm
import pytest
from PIL import Image, ImageChops, ImageStat

from imagechat.providers import demo
from imagechat.providers.demo import streaming as demo_streaming
from imagechat.providers.streaming import FinalImage, PartialImage, StreamRequest, streamer_for

pytestmark = pytest.mark.filterwarnings(
    "ignore:Items? .* using the `ReadOnly` qualifier:UserWarning"
)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(demo_streaming.PARTIAL_DELAY_ENV, "0")
    demo.register()
    yield


def decode(b64: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    image.load()
    return image


async def stream(
    kwargs: dict[str, Any],
    partial_images: int = 3,
    sources: list[bytes] | None = None,
    mask: bytes | None = None,
) -> list[PartialImage | FinalImage]:
    streamer = streamer_for("demo")
    assert streamer is not None, "demo.register() registers the demo streamer"
    request = StreamRequest(
        model="image",
        kwargs={"n": 1, **kwargs},
        partial_images=partial_images,
        sources=sources or [],
        mask=mask,
    )
    return [event async for event in streamer(request)]


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


async def test_partials_sharpen_into_the_picture_the_plain_request_makes() -> None:
    args = {"prompt": "a lighthouse by the sea at sunset", "size": "1024x1024", "quality": "high"}
    events = await stream(args, partial_images=3)

    assert [type(e) for e in events] == [PartialImage] * 3 + [FinalImage]
    assert [e.index for e in events[:3]] == [0, 1, 2]
    final = events[-1]
    assert final.revised_prompt == (
        "a lighthouse by the sea at sunset, rendered by the offline demo"
    )
    # the same picture litellm's path makes for those arguments
    response = await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, **args)
    assert base64.b64decode(final.b64_json) == base64.b64decode(response.data[0].b64_json)

    picture = decode(final.b64_json)
    partials = [decode(e.b64_json) for e in events[:3]]
    assert all(p.size == picture.size and p.format == "PNG" for p in partials)
    differences = [mean_difference(p, picture) for p in partials]
    assert differences[0] > differences[1] > differences[2] > 0.5, differences


async def test_an_edit_streams_the_edit_litellm_makes() -> None:
    source = demo.render_png("a house with trees", size="512x512")
    args = {"prompt": "make it blue", "size": "512x512", "output_format": "webp"}
    events = await stream(args, partial_images=2, sources=[source])

    assert [type(e) for e in events] == [PartialImage, PartialImage, FinalImage]
    assert events[-1].revised_prompt == (
        "make it blue, applied to the source image, edited by the offline demo"
    )
    response = await litellm.aimage_edit(model=demo.DEMO_IMAGE_MODEL, image=source, **args)
    assert base64.b64decode(events[-1].b64_json) == base64.b64decode(response.data[0].b64_json)
    assert decode(events[0].b64_json).format == "WEBP"


async def test_images_streamed_side_by_side_are_different_variations() -> None:
    args = {"prompt": "a cat on a sofa", "size": "256x256"}
    first, second = await asyncio.gather(stream(args, 0), stream(args, 0))
    assert first[-1].b64_json != second[-1].b64_json
    again = await stream(args, 0)  # on its own: the first variation again
    assert again[-1].b64_json == first[-1].b64_json


async def test_the_pause_between_events_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(demo_streaming.PARTIAL_DELAY_ENV, "0.1")
    started = time.perf_counter()
    arrivals: list[float] = []
    streamer = streamer_for("demo")
    assert streamer is not None
    request = StreamRequest(
        model="image", kwargs={"prompt": "a fish", "size": "256x256"}, partial_images=2
    )
    async for _ in streamer(request):
        arrivals.append(time.perf_counter() - started)
    assert len(arrivals) == 3
    assert arrivals[0] >= 0.1 and arrivals[2] - arrivals[0] >= 0.2 - 0.02


@pytest.mark.parametrize("path", ["litellm", "stream"])
async def test_any_size_is_made_exactly(path: str) -> None:
    args = {"prompt": "a castle on a hill", "size": "1536x864", "quality": "low"}
    if path == "litellm":
        response = await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, **args)
        assert response.size == "1536x864"
        images = [decode(response.data[0].b64_json)]
    else:
        images = [decode(e.b64_json) for e in await stream(args, partial_images=1)]
    assert [i.size for i in images] == [(1536, 864)] * len(images)


@pytest.mark.parametrize("path", ["litellm", "stream"])
async def test_a_transparent_background_is_see_through(path: str) -> None:
    args = {"prompt": "a golden star", "size": "512x512", "background": "transparent"}
    if path == "litellm":
        response = await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, **args)
        assert response.background == "transparent"
        image = decode(response.data[0].b64_json)
    else:
        image = decode((await stream(args, partial_images=1))[-1].b64_json)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # a corner
    assert image.getpixel((511, 0))[3] == 0
    assert image.getpixel((256, 256))[3] == 255  # the subject


@pytest.mark.parametrize(
    ("output_format", "pillow_format"), [("png", "PNG"), ("webp", "WEBP"), ("jpeg", "JPEG")]
)
async def test_output_formats(output_format: str, pillow_format: str) -> None:
    args = {
        "prompt": "a red balloon",
        "size": "256x256",
        "background": "transparent",
        "output_format": output_format,
    }
    response = await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, **args)
    assert response.output_format == output_format
    image = decode(response.data[0].b64_json)
    assert image.format == pillow_format
    # JPEG has no alpha: the cut-out comes on white; PNG and WebP keep it see-through
    if output_format == "jpeg":
        assert image.mode == "RGB" and min(image.getpixel((0, 0))) > 240
    else:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0
    events = await stream(args, partial_images=1)
    assert {decode(e.b64_json).format for e in events} == {pillow_format}


@pytest.mark.parametrize("output_format", ["jpeg", "webp"])
async def test_output_compression_is_the_quality(output_format: str) -> None:
    sizes = []
    for compression in (10, 95):
        response = await litellm.aimage_edit(
            model=demo.DEMO_IMAGE_MODEL,
            image=demo.render_png("a busy market street", size="512x512"),
            prompt="brighter",
            output_format=output_format,
            output_compression=compression,
        )
        sizes.append(len(base64.b64decode(response.data[0].b64_json)))
    assert sizes[0] < sizes[1] * 0.6, sizes
