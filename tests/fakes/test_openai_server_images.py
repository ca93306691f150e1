"""The fake Images API over real HTTP: valid requests give real pictures, bad ones 400."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import litellm
import openai
import pytest
from PIL import Image

from tests.fakes.openai_server import FakeOpenAI


def client(server: FakeOpenAI) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0)


def picture(b64: str | None) -> Image.Image:
    assert b64
    return Image.open(io.BytesIO(base64.b64decode(b64)))


def png_bytes(width: int, height: int, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, fmt)
    return out.getvalue()


# Valid generations


@pytest.mark.parametrize(
    ("model", "params", "size"),
    [
        ("dall-e-2", {"size": "512x512", "n": 2, "response_format": "b64_json"}, (512, 512)),
        (
            "dall-e-3",
            {
                "size": "1024x1792",
                "quality": "hd",
                "style": "natural",
                "response_format": "b64_json",
            },
            (1024, 1792),
        ),
        ("gpt-image-1", {"size": "1536x1024", "quality": "low"}, (1536, 1024)),
        ("gpt-image-1-mini", {"size": "auto", "background": "opaque", "n": 2}, (1024, 1024)),
        ("gpt-image-1.5", {"quality": "high", "moderation": "low"}, (1024, 1024)),
    ],
)
async def test_generation_returns_pngs_at_the_asked_size(
    fake_openai_shared: FakeOpenAI, model: str, params: dict[str, Any], size: tuple[int, int]
) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(model=model, prompt="a lighthouse at dusk", **params)
    assert result.created > 0 and len(result.data) == params.get("n", 1)
    for item in result.data:
        image = picture(item.b64_json)
        assert image.format == "PNG" and image.size == size
    if model == "dall-e-3":
        assert result.data[0].revised_prompt == "a lighthouse at dusk, digital art, highly detailed"
    if model.startswith("gpt-image"):
        assert result.usage is not None and result.usage.output_tokens > 0
        assert result.usage.input_tokens_details is not None
        assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    else:
        assert result.usage is None


async def test_dall_e_url_response_is_served(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        result = await api.images.generate(model="dall-e-2", prompt="a boat", size="256x256")
    url = result.data[0].url
    assert url and url.startswith(fake_openai.root_url + "/files/") and url.endswith(".png")
    async with httpx.AsyncClient() as http:
        fetched = await http.get(url)
    assert fetched.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(fetched.content)).size == (256, 256)


@pytest.mark.parametrize(("fmt", "pil"), [("jpeg", "JPEG"), ("webp", "WEBP")])
async def test_gpt_image_output_format(fake_openai_shared: FakeOpenAI, fmt: str, pil: str) -> None:
    async with client(fake_openai_shared) as api:
        result = await api.images.generate(model="gpt-image-1", prompt="x", output_format=fmt)
    assert picture(result.data[0].b64_json).format == pil
    assert result.output_format == fmt


async def test_litellm_image_generation_params_are_accepted(fake_openai: FakeOpenAI) -> None:
    kwargs = {"api_base": fake_openai.base_url, "api_key": fake_openai.api_key}
    dalle = await litellm.aimage_generation(
        model="openai/dall-e-3",
        prompt="a fox",
        size="1792x1024",
        quality="hd",
        style="vivid",
        response_format="b64_json",
        **kwargs,
    )
    gpt = await litellm.aimage_generation(
        model="openai/gpt-image-1",
        prompt="a fox",
        size="1024x1536",
        quality="medium",
        n=2,
        **kwargs,
    )
    assert picture(dalle.data[0].b64_json).size == (1792, 1024)
    assert [picture(d.b64_json).size for d in gpt.data] == [(1024, 1536)] * 2
    sent = [r.json for r in fake_openai.requests_to("images")]
    assert sent == [
        {
            "model": "dall-e-3",
            "prompt": "a fox",
            "size": "1792x1024",
            "quality": "hd",
            "style": "vivid",
            "response_format": "b64_json",
        },
        {
            "model": "gpt-image-1",
            "prompt": "a fox",
            "size": "1024x1536",
            "quality": "medium",
            "n": 2,
        },
    ]


# Rejections


REJECTED = [
    ("dall-e-3", {"n": 2}, "n"),
    ("dall-e-3", {"size": "512x512"}, "size"),
    ("dall-e-3", {"quality": "low"}, "quality"),
    ("dall-e-3", {"style": "anime"}, "style"),
    ("dall-e-3", {"background": "transparent"}, "background"),
    ("dall-e-2", {"size": "1792x1024"}, "size"),
    ("dall-e-2", {"n": 11}, "n"),
    ("dall-e-2", {"n": 0}, "n"),
    ("dall-e-2", {"quality": "hd"}, "quality"),
    ("dall-e-2", {"style": "vivid"}, "style"),
    ("dall-e-2", {"prompt": "x" * 1001}, "prompt"),
    ("gpt-image-1", {"size": "1792x1024"}, "size"),
    ("gpt-image-1", {"quality": "hd"}, "quality"),
    ("gpt-image-1", {"n": 11}, "n"),
    ("gpt-image-1", {"response_format": "b64_json"}, "response_format"),
    ("gpt-image-1", {"style": "vivid"}, "style"),
    ("gpt-image-1", {"background": "green"}, "background"),
    ("gpt-image-1", {"background": "transparent", "output_format": "jpeg"}, "background"),
    ("gpt-image-1-mini", {"output_format": "gif"}, "output_format"),
    ("gpt-image-1-mini", {"prompt": "x" * 32001}, "prompt"),
    ("dall-e-3", {"prompt": "x" * 4001}, "prompt"),
    ("dall-e-3", {"prompt": ""}, "prompt"),
    ("gpt-image-1", {"prompt": "   "}, "prompt"),
    ("gpt-image-1", {"extra_body": {"seed": 3}}, "seed"),
    ("dall-e-3", {"extra_body": {"negative_prompt": "dogs"}}, "negative_prompt"),
]


@pytest.mark.parametrize(("model", "params", "param"), REJECTED)
async def test_invalid_generation_is_400(
    fake_openai_shared: FakeOpenAI, model: str, params: dict[str, Any], param: str
) -> None:
    params = {"prompt": "a cat", **params}
    async with client(fake_openai_shared) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.generate(model=model, **params)
    assert caught.value.status_code == 400 and caught.value.param == param
    assert caught.value.body["type"] == "invalid_request_error"


async def test_unknown_model_is_404_and_missing_prompt_is_400(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        with pytest.raises(openai.NotFoundError) as caught:
            await api.images.generate(model="dall-e-4", prompt="a cat")
    assert caught.value.code == "model_not_found"
    headers = {"authorization": f"Bearer {fake_openai.api_key}"}
    async with httpx.AsyncClient(headers=headers) as http:
        missing = await http.post(
            f"{fake_openai.base_url}/images/generations", json={"model": "gpt-image-1"}
        )
        broken = await http.post(f"{fake_openai.base_url}/images/generations", content=b"{")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "missing_required_parameter"
    assert broken.status_code == 400


# Edits


async def test_gpt_image_edit_with_several_images(fake_openai: FakeOpenAI) -> None:
    images = [
        ("a.png", png_bytes(300, 200), "image/png"),
        ("b.jpg", png_bytes(64, 64, "JPEG"), "image/jpeg"),
    ]
    async with client(fake_openai) as api:
        result = await api.images.edit(
            model="gpt-image-1",
            image=images,
            prompt="put them together",
            size="1024x1536",
            input_fidelity="high",
        )
    assert picture(result.data[0].b64_json).size == (1024, 1536)
    assert result.usage is not None and result.usage.input_tokens_details.image_tokens > 0
    sent = fake_openai.last_request("edits")
    assert sent.form == {
        "model": "gpt-image-1",
        "prompt": "put them together",
        "size": "1024x1536",
        "input_fidelity": "high",
    }
    assert [(f.field, f.data) for f in sent.files] == [
        ("image[]", images[0][1]),
        ("image[]", images[1][1]),
    ]


def mask_png(width: int, height: int) -> bytes:
    """Opaque black with a transparent square in the middle: edit only there."""
    mask = Image.new("RGBA", (width, height), (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (width // 4, height // 4, width * 3 // 4, height * 3 // 4))
    out = io.BytesIO()
    mask.save(out, "PNG")
    return out.getvalue()


async def test_dall_e_2_edit_with_mask(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        result = await api.images.edit(
            model="dall-e-2",
            image=("in.png", png_bytes(256, 256), "image/png"),
            mask=("mask.png", mask_png(256, 256), "image/png"),
            prompt="add a hat",
            size="512x512",
            response_format="b64_json",
        )
    assert picture(result.data[0].b64_json).size == (512, 512)
    assert {f.field for f in fake_openai.last_request("edits").files} == {"image", "mask"}


@pytest.mark.parametrize(
    ("mask", "message"),
    [
        (png_bytes(256, 256), "alpha channel"),  # no transparency: nothing says where to edit
        (mask_png(128, 128), "same dimensions"),
    ],
)
async def test_edit_mask_without_alpha_or_of_another_size_is_refused(
    fake_openai: FakeOpenAI, mask: bytes, message: str
) -> None:
    async with client(fake_openai) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.edit(
                model="gpt-image-1",
                image=("in.png", png_bytes(256, 256), "image/png"),
                mask=("mask.png", mask, "image/png"),
                prompt="add a hat",
            )
    assert message in str(caught.value) and caught.value.body["param"] == "mask"


async def test_litellm_image_edit(fake_openai: FakeOpenAI) -> None:
    result = await litellm.aimage_edit(
        model="openai/gpt-image-1",
        prompt="make it blue",
        image=io.BytesIO(png_bytes(64, 64)),
        size="1024x1024",
        api_base=fake_openai.base_url,
        api_key=fake_openai.api_key,
    )
    assert picture(result.data[0].b64_json).size == (1024, 1024)
    assert fake_openai.last_request("edits").form == {
        "model": "gpt-image-1",
        "prompt": "make it blue",
        "size": "1024x1024",
    }


EDIT_REJECTED = [
    ("dall-e-3", [png_bytes(64, 64)], {}, "model"),
    ("dall-e-2", [png_bytes(64, 32)], {}, "image"),
    ("dall-e-2", [png_bytes(64, 64, "JPEG")], {}, "image"),
    ("dall-e-2", [png_bytes(64, 64)] * 2, {}, "image"),
    ("gpt-image-1", [png_bytes(8, 8)] * 17, {}, "image"),
    ("gpt-image-1", [b"not an image"], {}, "image"),
    ("gpt-image-1", [png_bytes(64, 64)], {"quality": "hd"}, "quality"),
    ("gpt-image-1", [png_bytes(64, 64)], {"extra_body": {"style": "vivid"}}, "style"),
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
