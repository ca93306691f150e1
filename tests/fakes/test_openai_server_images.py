"""The fake Images API over real HTTP, driven by the official SDK: today's (openai 3.57.0) rules.

Valid requests give real pictures of the resolved size and format; what the real API refuses
answers 400 (403 for the gif/svg previews, 404 for retired models); streaming yields partial
images then the completed one, parsed by the SDK into its event types.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
from typing import Any

import httpx
import litellm
import openai
import pytest
from PIL import Image, ImageChops

from tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.filterwarnings(
    "ignore:Items? .* (is|are) using the `ReadOnly` qualifier:UserWarning"
)
PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def client(server: FakeOpenAI) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)


def picture(b64: str | None) -> Image.Image:
    assert b64
    return Image.open(io.BytesIO(base64.b64decode(b64)))


def png_bytes(width: int, height: int, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 200, 30)).save(out, fmt)
    return out.getvalue()


def mask_png(width: int, height: int) -> bytes:
    """Opaque black with a transparent square in the middle: edit only there."""
    mask = Image.new("RGBA", (width, height), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (width // 4, height // 4, width * 3 // 4, height * 3 // 4))
    out = io.BytesIO()
    mask.save(out, "PNG")
    return out.getvalue()


def markup_png(width: int, height: int, *, transparent: bool = True) -> bytes:
    """A red scribble on a transparent layer (or on an opaque one)."""
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0 if transparent else 255))
    layer.paste((255, 0, 0, 255), (width // 3, height // 3, width // 2, height // 2))
    out = io.BytesIO()
    layer.save(out, "PNG")
    return out.getvalue()


async def post_edit(
    server: FakeOpenAI, fields: dict[str, str], files: list[tuple[str, bytes]]
) -> httpx.Response:
    """A raw multipart edit (for fields an older SDK lacks, e.g. ``markup``)."""
    headers = {"authorization": f"Bearer {server.api_key}"}
    parts = [(name, (f"{name}.png", data, "image/png")) for name, data in files]
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        return await http.post(f"{server.base_url}/images/edits", data=fields, files=parts)


# Valid generations


@pytest.mark.parametrize(
    ("model", "params", "size", "quality"),
    [
        ("gpt-image-2", {"size": "1536x864", "quality": "low"}, (1536, 864), "low"),
        ("gpt-image-2-2026-04-21", {"size": "1024x3072"}, (1024, 3072), "medium"),
        (
            "gpt-image-2.5-sunburst",
            {"size": "3840x2160", "quality": "xhigh"},
            (3840, 2160),
            "xhigh",
        ),
        ("gpt-image-2.5-flare-2026-09-08", {"quality": "max", "n": 2}, (1024, 1024), "max"),
        ("gpt-image-2.6-flare", {"size": "1024x1536", "quality": "high"}, (1024, 1536), "high"),
        ("gpt-image-1.5", {"quality": "high", "moderation": "low"}, (1024, 1024), "high"),
        (
            "gpt-image-1-mini",
            {"size": "auto", "n": 2, "background": "opaque"},
            (1024, 1024),
            "medium",
        ),
        (
            "chatgpt-image-latest",
            {"size": "1536x1024", "complexity": "low"},
            (1536, 1024),
            "medium",
        ),
    ],
)
async def test_generation_returns_pngs_at_the_asked_size(
    fake_openai_shared: FakeOpenAI,
    model: str,
    params: dict[str, Any],
    size: tuple[int, int],
    quality: str,
) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(model=model, prompt="a lighthouse at dusk", **params)
    assert result.created > 0 and result.data and len(result.data) == params.get("n", 1)
    for item in result.data:
        image = picture(item.b64_json)
        assert image.format == "PNG" and image.size == size
        assert item.url is None and item.revised_prompt is None
    assert result.size == f"{size[0]}x{size[1]}" and result.quality == quality
    assert result.background == "opaque" and result.output_format == "png"
    usage = result.usage
    assert usage is not None and usage.output_tokens > 0
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.input_tokens_details.text_tokens > 0
    assert usage.input_tokens_details.image_tokens == 0
    assert usage.output_tokens_details is not None
    assert usage.output_tokens_details.image_tokens == usage.output_tokens


async def test_response_body_has_exactly_the_gpt_image_fields(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        raw = await api.images.with_raw_response.generate(
            model="gpt-image-2", prompt="a boat", safety_identifier="user-hash-1", user="u"
        )
    body = raw.http_response.json()
    assert set(body) == {
        "created",
        "data",
        "background",
        "output_format",
        "quality",
        "size",
        "usage",
        "safety_identifier",
    }
    assert [set(item) for item in body["data"]] == [{"b64_json"}]
    assert body["safety_identifier"] == "user-hash-1"
    assert set(body["usage"]) == {
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "input_tokens_details",
        "output_tokens_details",
    }


@pytest.mark.parametrize(
    ("model", "params", "tokens"),
    [
        ("gpt-image-2", {"quality": "low"}, 272),
        ("gpt-image-2", {"quality": "low", "size": "1536x1024"}, 400),
        ("gpt-image-2", {"quality": "low", "size": "2048x2048"}, 272 * 4),
        ("gpt-image-2", {"quality": "high", "size": "1536x864"}, round(4160 * 1536 * 864 / 2**20)),
        ("gpt-image-2.5-sunburst", {"quality": "xhigh"}, 6240),
        ("gpt-image-2.5-flare", {"quality": "max", "size": "1024x1536"}, 12480),
        ("gpt-image-1.5", {"n": 3}, 1056 * 3),
    ],
)
async def test_output_tokens_follow_quality_and_pixels(
    fake_openai_shared: FakeOpenAI, model: str, params: dict[str, Any], tokens: int
) -> None:
    async with client(fake_openai_shared) as api:
        first = await api.images.generate(model=model, prompt="a field of poppies", **params)
        again = await api.images.generate(model=model, prompt="a field of poppies", **params)
    assert first.usage is not None and again.usage is not None
    assert first.usage.output_tokens == again.usage.output_tokens == tokens


@pytest.mark.parametrize("model", FakeOpenAI.served_image_models)
async def test_every_served_model_takes_the_standard_sizes(
    fake_openai_shared: FakeOpenAI, model: str
) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(model=model, prompt="a kite", size="1536x1024")
    assert result.data and picture(result.data[0].b64_json).size == (1536, 1024)


@pytest.mark.parametrize(
    ("fmt", "params"),
    [
        ("jpeg", {"output_compression": 40}),
        ("webp", {"output_compression": 0, "background": "transparent"}),
        ("png", {"background": "transparent"}),
    ],
)
async def test_output_format_compression_and_transparency(
    fake_openai_shared: FakeOpenAI, fmt: str, params: dict[str, Any]
) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(
            model="gpt-image-2.5-flare", prompt="x", output_format=fmt, **params
        )
    assert result.data
    image = picture(result.data[0].b64_json)
    assert image.format == PIL_FORMAT[fmt] and result.output_format == fmt
    transparent = params.get("background") == "transparent"
    assert result.background == ("transparent" if transparent else "opaque")
    if transparent:
        assert image.convert("RGBA").getchannel("A").getextrema()[0] == 0


async def test_litellm_image_generation_params_are_accepted(fake_openai: FakeOpenAI) -> None:
    result = await litellm.aimage_generation(
        model="openai/gpt-image-2",
        prompt="a fox",
        size="1536x864",
        quality="medium",
        n=2,
        api_base=fake_openai.base_url,
        api_key=fake_openai.api_key,
    )
    assert [picture(d.b64_json).size for d in result.data] == [(1536, 864)] * 2
    (sent,) = [r.json for r in fake_openai.requests_to("images")]
    assert sent == {
        "model": "gpt-image-2",
        "prompt": "a fox",
        "size": "1536x864",
        "quality": "medium",
        "n": 2,
    }


# Rejections

CUSTOM = "gpt-image-2"
REJECTED = [
    # sizes: divisible by 16, aspect between 1:3 and 3:1, at most 3840x2160; the legacy DALL·E
    # sizes only where arbitrary sizes are taken
    (CUSTOM, {"size": "1000x1000"}, "size"),
    (CUSTOM, {"size": "1024x1000"}, "size"),
    (CUSTOM, {"size": "3200x1024"}, "size"),
    (CUSTOM, {"size": "1024x3200"}, "size"),
    (CUSTOM, {"size": "4096x2160"}, "size"),
    (CUSTOM, {"size": "2176x2176"}, "size"),
    (CUSTOM, {"size": "3840x2176"}, "size"),
    (CUSTOM, {"size": "big"}, "size"),
    ("gpt-image-2.6-sunburst", {"size": "1792x1024"}, "size"),
    ("gpt-image-1-mini", {"size": "1024x1792"}, "size"),
    ("gpt-image-2.6-flare", {"size": "512x512"}, "size"),
    ("gpt-image-1.5", {"size": "256x256"}, "size"),
    ("gpt-image-1.5", {"size": "1536x864"}, "size"),
    ("gpt-image-2.6-sunburst", {"size": "1536x864"}, "size"),
    ("chatgpt-image-latest", {"size": "2048x2048"}, "size"),
    # quality: xhigh/max only on 2.5; DALL·E qualities gone
    (CUSTOM, {"quality": "xhigh"}, "quality"),
    ("gpt-image-2.6-flare", {"quality": "max"}, "quality"),
    ("gpt-image-1-mini", {"quality": "xhigh"}, "quality"),
    ("gpt-image-2.5-sunburst", {"quality": "hd"}, "quality"),
    ("gpt-image-1.5", {"quality": "standard"}, "quality"),
    # formats, background, compression
    (CUSTOM, {"background": "transparent", "output_format": "jpeg"}, "background"),
    (CUSTOM, {"background": "green"}, "background"),
    (CUSTOM, {"output_compression": 50}, "output_compression"),
    (CUSTOM, {"output_compression": 50, "output_format": "png"}, "output_compression"),
    (CUSTOM, {"output_compression": 101, "output_format": "jpeg"}, "output_compression"),
    (CUSTOM, {"output_format": "bmp"}, "output_format"),
    (CUSTOM, {"extra_body": {"frame_count": 4}}, "frame_count"),
    (CUSTOM, {"moderation": "high"}, "moderation"),
    # legacy DALL·E parameters
    (CUSTOM, {"style": "vivid"}, "style"),
    ("gpt-image-2.5-flare", {"response_format": "b64_json"}, "response_format"),
    ("gpt-image-1.5", {"response_format": "url"}, "response_format"),
    # n, prompt, streaming, unknown parameters, model
    (CUSTOM, {"n": 11}, "n"),
    (CUSTOM, {"n": 0}, "n"),
    ("gpt-image-1-mini", {"prompt": "x" * 32001}, "prompt"),
    (CUSTOM, {"prompt": "   "}, "prompt"),
    (CUSTOM, {"stream": True, "partial_images": 4}, "partial_images"),
    (CUSTOM, {"extra_body": {"seed": 3}}, "seed"),
    (None, {}, "model"),
]


@pytest.mark.parametrize(("model", "params", "param"), REJECTED)
async def test_invalid_generation_is_400(
    fake_openai_shared: FakeOpenAI, model: str | None, params: dict[str, Any], param: str
) -> None:
    params = {"prompt": "a cat", **params}
    if model is not None:
        params["model"] = model
    async with client(fake_openai_shared) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.generate(**params)
    assert caught.value.status_code == 400 and caught.value.param == param
    assert caught.value.body["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("model", "size"),
    [
        ("gpt-image-2", "1536x864"),
        ("gpt-image-2", "3840x2160"),
        ("gpt-image-2-2026-04-21", "2160x3840"),
        ("gpt-image-2.5-sunburst", "3072x1024"),
        ("gpt-image-2.5-sunburst-2026-09-08", "2048x2048"),
        ("gpt-image-2.5-flare", "2048x1152"),
        ("gpt-image-2.5-flare-2026-09-08", "2560x1440"),
    ],
)
async def test_custom_sizes_are_accepted_where_documented(
    fake_openai_shared: FakeOpenAI, model: str, size: str
) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(model=model, prompt="a", size=size, quality="low")
    assert result.data and result.size == size
    width, height = map(int, size.split("x"))
    assert picture(result.data[0].b64_json).size == (width, height)


async def test_a_32000_character_prompt_is_accepted(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        result = await api.images.generate(model="gpt-image-2.6-sunburst", prompt="y" * 32000)
    assert result.data and result.usage is not None and result.usage.input_tokens == 8000


@pytest.mark.parametrize("fmt", ["gif", "svg"])
async def test_gif_and_svg_previews_need_access(fake_openai: FakeOpenAI, fmt: str) -> None:
    async with client(fake_openai) as api:
        with pytest.raises(openai.PermissionDeniedError) as caught:
            await api.images.generate(
                model="gpt-image-2.5-sunburst", prompt="x", extra_body={"output_format": fmt}
            )
    assert caught.value.status_code == 403 and caught.value.param == "output_format"
    assert "preview" in caught.value.message


@pytest.mark.retired_model_ok
@pytest.mark.parametrize(
    ("model", "when"),
    [
        ("dall-e-2", "retired on May 12, 2026"),
        ("dall-e-3", "retired on May 12, 2026"),
        ("gpt-image-1", "shut down on October 23, 2026"),
    ],
)
async def test_retired_image_models_are_404(
    fake_openai: FakeOpenAI, model: str, when: str, request: pytest.FixtureRequest
) -> None:
    before = len(FakeOpenAI.retired_model_requests())
    async with client(fake_openai) as api:
        with pytest.raises(openai.NotFoundError) as generating:
            await api.images.generate(model=model, prompt="a cat")
        with pytest.raises(openai.NotFoundError) as editing:
            await api.images.edit(
                model=model, prompt="a hat", image=("a.png", png_bytes(64, 64), "image/png")
            )
    for caught in (generating, editing):
        assert caught.value.code == "model_not_found" and caught.value.param == "model"
        assert when in caught.value.message and "gpt-image-2.5-sunburst" in caught.value.message
        assert "GPT image model" in caught.value.message
    entries = FakeOpenAI.retired_model_requests()[before:]
    assert [(e.model, e.path, e.test) for e in entries] == [
        (model, "/v1/images/generations", request.node.nodeid),
        (model, "/v1/images/edits", request.node.nodeid),
    ]
    assert len(fake_openai.requests_naming_retired_models()) == 2


async def test_unknown_model_is_404_and_not_a_retirement(fake_openai: FakeOpenAI) -> None:
    before = len(FakeOpenAI.retired_model_requests())
    async with client(fake_openai) as api:
        with pytest.raises(openai.NotFoundError) as caught:
            await api.images.generate(model="gpt-image-9", prompt="a cat")
    assert caught.value.code == "model_not_found" and "does not exist" in caught.value.message
    assert len(FakeOpenAI.retired_model_requests()) == before
    headers = {"authorization": f"Bearer {fake_openai.api_key}"}
    async with httpx.AsyncClient(headers=headers) as http:
        missing = await http.post(
            f"{fake_openai.base_url}/images/generations", json={"model": "gpt-image-2"}
        )
        broken = await http.post(f"{fake_openai.base_url}/images/generations", content=b"{")
        variation = await http.post(
            f"{fake_openai.base_url}/images/variations", files={"image": png_bytes(64, 64)}
        )
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "missing_required_parameter"
    assert broken.status_code == 400
    assert variation.status_code == 404 and "retired" in variation.json()["error"]["message"]


# Streaming


def assert_decodes(b64: str, fmt: str, size: str) -> Image.Image:
    image = picture(b64)
    assert image.format == PIL_FORMAT[fmt] and "x".join(map(str, image.size)) == size
    return image.convert("RGB")


def differs(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is not None


async def test_streamed_generation_sends_partials_then_the_final_image(
    fake_openai: FakeOpenAI,
) -> None:
    async with client(fake_openai) as api:
        stream = await api.images.generate(
            model="gpt-image-2.5-sunburst",
            prompt="a harbour at night",
            size="1536x864",
            quality="high",
            stream=True,
            partial_images=2,
        )
        events = [event async for event in stream]
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["ImageGenPartialImageEvent"] * 2 + ["ImageGenCompletedEvent"]
    partials, final = events[:2], events[2]
    assert isinstance(final, openai.types.ImageGenCompletedEvent)
    assert [p.partial_image_index for p in partials] == [0, 1]
    assert [e.type for e in events] == [
        "image_generation.partial_image",
        "image_generation.partial_image",
        "image_generation.completed",
    ]
    for e in events:
        assert (e.size, e.quality, e.output_format, e.background) == (
            "1536x864",
            "high",
            "png",
            "opaque",
        )
        assert e.created_at > 0
    images = [assert_decodes(e.b64_json, "png", "1536x864") for e in events]
    assert differs(images[0], images[2]) and differs(images[1], images[2])
    assert differs(images[0], images[1])
    assert final.usage.output_tokens == round(4160 * 1536 * 864 / 2**20)
    assert final.usage.total_tokens == final.usage.input_tokens + final.usage.output_tokens
    sent = fake_openai.last_request("images")
    assert sent.status == 200 and sent.json["stream"] is True


async def test_stream_is_framed_as_the_sdk_parses_it(fake_openai: FakeOpenAI) -> None:
    headers = {"authorization": f"Bearer {fake_openai.api_key}"}
    body = {
        "model": "gpt-image-2",
        "prompt": "x",
        "stream": True,
        "partial_images": 1,
        "output_format": "jpeg",
        "size": "1024x3072",
    }
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        reply = await http.post(f"{fake_openai.base_url}/images/generations", json=body)
    assert reply.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in reply.text.split("\n\n") if b]
    assert len(blocks) == 2
    for block, kind in zip(
        blocks, ["image_generation.partial_image", "image_generation.completed"], strict=True
    ):
        event_line, data_line = block.split("\n")
        assert event_line == f"event: {kind}"
        data = json.loads(data_line.removeprefix("data: "))
        assert data["type"] == kind
        assert_decodes(data["b64_json"], "jpeg", "1024x3072")


async def test_zero_partial_images_streams_one_completed_event(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        stream = await api.images.generate(
            model="gpt-image-1.5", prompt="x", stream=True, partial_images=0, output_format="webp"
        )
        events = [event async for event in stream]
    (only,) = events
    assert isinstance(only, openai.types.ImageGenCompletedEvent)
    assert_decodes(only.b64_json, "webp", "1024x1024")


async def test_streamed_n_2_sends_each_image_in_turn(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        stream = await api.images.generate(
            model="gpt-image-2", prompt="x", n=2, stream=True, partial_images=1, quality="low"
        )
        events = [event async for event in stream]
    assert [e.type for e in events] == [
        "image_generation.partial_image",
        "image_generation.completed",
    ] * 2
    finals = [assert_decodes(e.b64_json, "png", "1024x1024") for e in events[1::2]]
    assert differs(finals[0], finals[1])
    assert [e.usage.output_tokens for e in events[1::2]] == [272, 272]


async def test_stream_delay_spaces_image_events(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_stream_delay(0.2, kind="images")
    async with client(fake_openai) as api:
        started = time.monotonic()
        stream = await api.images.generate(
            model="gpt-image-2", prompt="x", stream=True, partial_images=2, quality="low"
        )
        events = [event async for event in stream]
        chat = await api.chat.completions.create(
            model="gpt-5.4-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        chunks = [c async for c in chat]
    assert len(events) == 3 and chunks
    assert time.monotonic() - started >= 0.4


async def test_streamed_edit_sends_image_edit_events(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        stream = await api.images.edit(
            model="gpt-image-2.5-flare",
            image=("in.png", png_bytes(300, 200), "image/png"),
            prompt="add a red door",
            size="1536x1024",
            output_format="jpeg",
            output_compression=60,
            stream=True,
            partial_images=3,
        )
        events = [event async for event in stream]
    assert [type(e).__name__ for e in events] == ["ImageEditPartialImageEvent"] * 3 + [
        "ImageEditCompletedEvent"
    ]
    assert [e.type for e in events][-1] == "image_edit.completed"
    assert [e.partial_image_index for e in events[:3]] == [0, 1, 2]
    images = [assert_decodes(e.b64_json, "jpeg", "1536x1024") for e in events]
    assert all(differs(p, images[-1]) for p in images[:3])
    final = events[-1]
    assert isinstance(final, openai.types.ImageEditCompletedEvent)
    assert final.usage.input_tokens_details.image_tokens > 0
    sent = fake_openai.last_request("edits")
    assert sent.form is not None and sent.form["stream"] == "true"


# Edits


async def test_edit_with_several_images(fake_openai: FakeOpenAI) -> None:
    images = [
        ("a.png", png_bytes(300, 200), "image/png"),
        ("b.jpg", png_bytes(64, 64, "JPEG"), "image/jpeg"),
        ("c.webp", png_bytes(64, 64, "WEBP"), "image/webp"),
    ]
    async with client(fake_openai) as api:
        result = await api.images.edit(
            model="gpt-image-1.5",
            image=images,
            prompt="put them together",
            size="1024x1536",
            input_fidelity="high",
        )
    assert result.data and picture(result.data[0].b64_json).size == (1024, 1536)
    assert result.usage is not None and result.usage.input_tokens_details.image_tokens == 3 * 323
    sent = fake_openai.last_request("edits")
    assert sent.form == {
        "model": "gpt-image-1.5",
        "prompt": "put them together",
        "size": "1024x1536",
        "input_fidelity": "high",
    }
    assert [(f.field, f.data) for f in sent.files] == [("image[]", i[1]) for i in images]


async def test_edit_with_mask_and_custom_size(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        result = await api.images.edit(
            model="gpt-image-2",
            image=("in.png", png_bytes(256, 256), "image/png"),
            mask=("mask.png", mask_png(256, 256), "image/png"),
            prompt="add a hat",
            size="1536x864",
        )
    assert result.data and picture(result.data[0].b64_json).size == (1536, 864)
    assert {f.field for f in fake_openai.last_request("edits").files} == {"image", "mask"}


@pytest.mark.parametrize(
    ("model", "fidelity", "ok"),
    [
        ("gpt-image-1.5", "high", True),
        ("gpt-image-1.5", "low", True),
        ("gpt-image-1-mini", "low", True),
        ("gpt-image-1-mini", "high", False),
        ("gpt-image-2", "low", False),
        ("gpt-image-2-2026-04-21", "high", False),
        ("gpt-image-2.5-sunburst", "low", False),
        ("gpt-image-2.6-flare", "high", False),
        ("gpt-image-1.5", "medium", False),
    ],
)
async def test_input_fidelity_only_where_the_sdk_allows_it(
    fake_openai_shared: FakeOpenAI, model: str, fidelity: str, ok: bool
) -> None:
    async with client(fake_openai_shared) as api:
        call = api.images.edit(
            model=model,
            image=("in.png", png_bytes(64, 64), "image/png"),
            prompt="sharper",
            input_fidelity=fidelity,  # type: ignore[arg-type]
        )
        if ok:
            assert (await call).data
            return
        with pytest.raises(openai.BadRequestError) as caught:
            await call
    assert caught.value.param == "input_fidelity"


async def test_markup_on_gpt_image_2_5(fake_openai: FakeOpenAI) -> None:
    image = [("image", png_bytes(320, 240))]
    fields = {"model": "gpt-image-2.5-sunburst", "prompt": "a window where I drew"}
    good = await post_edit(fake_openai, fields, [*image, ("markup", markup_png(320, 240))])
    assert good.status_code == 200, good.text
    assert picture(good.json()["data"][0]["b64_json"]).size == (1024, 1024)
    cases = [
        ({**fields, "model": "gpt-image-2"}, [("markup", markup_png(320, 240))]),
        ({**fields, "model": "gpt-image-2.6-sunburst"}, [("markup", markup_png(320, 240))]),
        (fields, [("markup", markup_png(320, 240)), ("mask", mask_png(320, 240))]),
        (fields, [("markup", markup_png(240, 320))]),
        (fields, [("markup", markup_png(320, 240, transparent=False))]),
    ]
    for case_fields, extra in cases:
        bad = await post_edit(fake_openai, case_fields, [*image, *extra])
        assert bad.status_code == 400, (case_fields, bad.text)
        assert bad.json()["error"]["param"] == "markup"


@pytest.mark.parametrize(
    ("mask", "message"),
    [
        (png_bytes(256, 256), "alpha channel"),  # no transparency: nothing says where to edit
        (mask_png(128, 128), "same dimensions"),
        (png_bytes(256, 256, "JPEG"), "unsupported image format"),
    ],
)
async def test_edit_mask_without_alpha_or_of_another_size_is_refused(
    fake_openai: FakeOpenAI, mask: bytes, message: str
) -> None:
    async with client(fake_openai) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.edit(
                model="gpt-image-2",
                image=("in.png", png_bytes(256, 256), "image/png"),
                mask=("mask.png", mask, "image/png"),
                prompt="add a hat",
            )
    assert message in str(caught.value) and caught.value.body["param"] == "mask"


async def test_a_mask_of_4_mb_or_more_is_refused(fake_openai: FakeOpenAI) -> None:
    noise = Image.frombytes("RGBA", (1100, 1100), bytes(range(256)) * (1100 * 1100 * 4 // 256 + 1))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert len(out.getvalue()) >= 4 * 1024 * 1024
    async with client(fake_openai) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.edit(
                model="gpt-image-2",
                image=("in.png", png_bytes(1100, 1100), "image/png"),
                mask=("mask.png", out.getvalue(), "image/png"),
                prompt="add a hat",
            )
    assert caught.value.param == "mask" and "4 MB" in caught.value.message


async def test_litellm_image_edit(fake_openai: FakeOpenAI) -> None:
    result = await litellm.aimage_edit(
        model="openai/gpt-image-1.5",
        prompt="make it blue",
        image=io.BytesIO(png_bytes(64, 64)),
        size="1024x1024",
        api_base=fake_openai.base_url,
        api_key=fake_openai.api_key,
    )
    assert picture(result.data[0].b64_json).size == (1024, 1024)
    form = fake_openai.last_request("edits").form
    assert form is not None and form["model"] == "gpt-image-1.5"
    assert form["prompt"] == "make it blue" and form["size"] == "1024x1024"


def gif_bytes() -> bytes:
    return png_bytes(64, 64, "GIF", mode="P")


EDIT_REJECTED = [
    ("gpt-image-2", [png_bytes(8, 8)] * 17, {}, "image"),
    ("gpt-image-2", [b"not an image"], {}, "image"),
    ("gpt-image-2", [gif_bytes()], {}, "image"),
    ("gpt-image-2", [png_bytes(64, 64)], {"quality": "standard"}, "quality"),
    ("gpt-image-2.6-flare", [png_bytes(64, 64)], {"quality": "xhigh"}, "quality"),
    ("gpt-image-2.6-flare", [png_bytes(64, 64)], {"size": "512x512"}, "size"),
    ("gpt-image-2", [png_bytes(64, 64)], {"size": "1000x1000"}, "size"),
    ("gpt-image-2", [png_bytes(64, 64)], {"extra_body": {"style": "vivid"}}, "style"),
    ("gpt-image-2", [png_bytes(64, 64)], {"response_format": "b64_json"}, "response_format"),
    ("gpt-image-2", [png_bytes(64, 64)], {"extra_body": {"moderation": "low"}}, "moderation"),
    ("gpt-image-2", [png_bytes(64, 64)], {"output_compression": 10}, "output_compression"),
    (
        "gpt-image-2",
        [png_bytes(64, 64)],
        {"background": "transparent", "output_format": "jpeg"},
        "background",
    ),
    ("gpt-image-2", [png_bytes(64, 64)], {"stream": True, "partial_images": 5}, "partial_images"),
]


@pytest.mark.parametrize(("model", "images", "params", "param"), EDIT_REJECTED)
async def test_invalid_edit_is_400(
    fake_openai_shared: FakeOpenAI,
    model: str,
    images: list[bytes],
    params: dict[str, Any],
    param: str,
) -> None:
    files = [(f"{i}.png", data, "image/png") for i, data in enumerate(images)]
    async with client(fake_openai_shared) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.edit(model=model, image=files, prompt="edit", **params)
    assert caught.value.param == param


async def test_sixteen_images_are_accepted(fake_openai: FakeOpenAI) -> None:
    files = [(f"{i}.png", png_bytes(8 + i, 8), "image/png") for i in range(16)]
    async with client(fake_openai) as api:
        result = await api.images.edit(model="gpt-image-2.6-sunburst", image=files, prompt="all")
    assert result.data and len(fake_openai.last_request("edits").files) == 16


async def test_large_custom_size_is_quick(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        started = time.monotonic()
        results = await asyncio.gather(
            *(
                api.images.generate(
                    model="gpt-image-2.5-flare", prompt=f"city {i}", size="3840x2160", n=2
                )
                for i in range(2)
            )
        )
    assert all(r.data and len(r.data) == 2 for r in results)
    assert time.monotonic() - started < 10


async def test_a_legacy_size_that_meets_the_custom_rules_is_taken_on_gpt_image_2(
    fake_openai: FakeOpenAI,
) -> None:
    async with client(fake_openai) as api:
        response = await api.images.generate(model="gpt-image-2", prompt="a fox", size="1792x1024")
    assert response.size == "1792x1024"
