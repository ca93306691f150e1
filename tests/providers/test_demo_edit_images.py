"""The demo image model's edits through litellm.aimage_edit: derived from the source, the change
applied, several sources, n and size honoured (named or in extra_body)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import litellm
import pytest
from PIL import Image, ImageChops, ImageStat

from imagechat.providers import demo

pytestmark = pytest.mark.filterwarnings(
    "ignore:Item .* is using the `ReadOnly` qualifier:UserWarning"
)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    demo.register()
    monkeypatch.setattr(demo.get_handler(), "chunk_delay", 0.0)
    yield


@pytest.fixture(scope="module")
def source() -> bytes:
    return demo.render_png("a house with trees", size="512x512")


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def means(image: Image.Image | bytes) -> list[float]:
    image = open_png(image) if isinstance(image, bytes) else image
    return ImageStat.Stat(image.convert("RGB")).mean


def luma(image: Image.Image | bytes) -> float:
    image = open_png(image) if isinstance(image, bytes) else image
    return ImageStat.Stat(image.convert("L")).mean[0]


async def edit(image: Any, prompt: str, **kwargs: Any) -> tuple[litellm.ImageResponse, list[bytes]]:
    response = await litellm.aimage_edit(
        model=demo.DEMO_IMAGE_MODEL, image=image, prompt=prompt, **kwargs
    )
    return response, [base64.b64decode(item.b64_json) for item in response.data]


async def test_adding_a_small_red_door_keeps_the_picture(source: bytes) -> None:
    response, [png] = await edit(source, "add a small red door")
    edited = open_png(png)
    assert edited.size == (512, 512) and png != source
    before, after = means(source), means(edited)
    assert all(abs(a - b) < 8 for a, b in zip(before, after, strict=True))

    # and there is a red door now: some strongly red pixels the source did not have
    def red(image: Image.Image) -> int:
        r, g, b = image.convert("RGB").split()
        strong = ImageChops.multiply(
            r.point(lambda v: 255 if v > 150 else 0),
            ImageChops.multiply(
                g.point(lambda v: 255 if v < 80 else 0), b.point(lambda v: 255 if v < 80 else 0)
            ),
        )
        return strong.histogram()[255]

    assert red(edited) > red(open_png(source)) + 500
    assert response.data[0].revised_prompt == (
        "add a small red door, applied to the source image, edited by the offline demo"
    )


async def test_brighter_is_brighter_and_darker_is_darker(source: bytes) -> None:
    _, [brighter] = await edit(source, "make it brighter")
    _, [darker] = await edit(source, "make it darker")
    assert luma(brighter) > luma(source) + 10
    assert luma(darker) < luma(source) - 10


@pytest.mark.parametrize("prompt", ["apply a sketch style", "make it black and white"])
async def test_sketch_and_black_and_white_are_greyscale(source: bytes, prompt: str) -> None:
    _, [png] = await edit(source, prompt)
    r, g, b = means(png)
    assert max(r, g, b) - min(r, g, b) < 12
    assert max(means(source)) - min(means(source)) > 30  # the source is colourful


async def test_styles_change_the_source_differently(source: bytes) -> None:
    outputs = {}
    for prompt in (
        "turn it into a watercolor",
        "turn it into pixel art",
        "apply a sketch style",
        "make it black and white",
        "something the demo does not know",
    ):
        _, [png] = await edit(source, prompt)
        outputs[prompt] = open_png(png).convert("RGB").resize((64, 64)).tobytes()
    assert len(set(outputs.values())) == len(outputs)


async def test_a_blue_background_leaves_the_ground_alone(source: bytes) -> None:
    _, [png] = await edit(source, "change the background to blue")
    edited, original = open_png(png).convert("RGB"), open_png(source).convert("RGB")
    sky_before, sky_after = (
        means(original.crop((0, 0, 512, 120))),
        means(edited.crop((0, 0, 512, 120))),
    )
    assert sky_after[2] - sky_after[1] > sky_before[2] - sky_before[1] + 20  # bluer sky
    ground = (0, 360, 140, 420)  # grass at the left, under the sky, above the caption
    assert all(
        abs(a - b) < 10
        for a, b in zip(means(original.crop(ground)), means(edited.crop(ground)), strict=True)
    )


async def test_removing_the_background_makes_it_transparent(source: bytes) -> None:
    _, [png] = await edit(source, "remove the background")
    image = open_png(png)
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0


async def test_n_and_size_reach_the_demo_as_named_arguments(source: bytes) -> None:
    response, pngs = await edit(source, "turn it into a watercolor", n=3, size="256x256")
    assert [open_png(p).size for p in pngs] == [(256, 256)] * 3
    assert len(set(pngs)) == 3
    assert response.data[2].revised_prompt == (
        "turn it into a watercolor, applied to the source image, variation 3 of 3, edited by "
        "the offline demo"
    )
    assert response.size == "256x256" and response._hidden_params["response_cost"] == 0.0


async def test_n_and_size_in_extra_body(source: bytes) -> None:
    _, pngs = await edit(source, "make it blue", extra_body={"n": 2, "size": "1024x1536"})
    assert [open_png(p).size for p in pngs] == [(1024, 1536)] * 2


async def test_auto_size_keeps_the_source_size() -> None:
    wide = demo.render_png("a beach", size="1536x1024")
    _, [png] = await edit(wide, "make it brighter", size="auto")
    assert open_png(png).size == (1536, 1024)


async def test_several_sources_as_the_app_sends_them(source: bytes) -> None:
    red = demo.render_png("a red square", size="256x256")
    app_style = [("kitchen.png", source, "image/png"), ("red.png", red, "image/png")]
    response, [both] = await edit(app_style, "make it brighter")
    _, [alone] = await edit(source, "make it brighter")
    assert open_png(both).size == (512, 512)  # the first source sets the size
    assert both != alone
    assert means(both)[0] - means(both)[2] > means(alone)[0] - means(alone)[2]  # redder
    assert "first of 2 source images" in response.data[0].revised_prompt
    _, [blended] = await edit(app_style, "blend them together")
    assert means(blended)[0] > means(both)[0]  # "blend" mixes more of the second in


def test_the_sync_path_honours_n_and_size(source: bytes) -> None:
    response = litellm.image_edit(
        model=demo.DEMO_IMAGE_MODEL, image=source, prompt="pixel art", n=2, size="256x256"
    )
    assert [open_png(base64.b64decode(i.b64_json)).size for i in response.data] == [(256, 256)] * 2


async def test_the_chat_models_edit_arguments_drive_the_image_model(source: bytes) -> None:
    """The whole demo round: the chat model's edit_image arguments -> aimage_edit."""
    image_id = "3f2c9e61-6a0b-4d8e-9f3c-1b2a3c4d5e6f"
    messages = [
        {
            "role": "system",
            "content": "Images in this conversation (oldest first; refer to them "
            f"by id):\n- id={image_id} · attached by the person in "
            "their latest message · file: house.png",
        },
        {"role": "user", "content": "make 2 versions of this photo in black and white, 256x256"},
    ]
    tool = {"type": "function", "function": {"name": "edit_image", "parameters": {}}}
    response = await litellm.acompletion(
        model=demo.DEMO_CHAT_MODEL, messages=messages, tools=[tool]
    )
    args = json.loads(response.choices[0].message.tool_calls[0].function.arguments)
    assert args == {
        "image_ids": [image_id],
        "prompt": "make it in black and white",
        "n": 2,
        "size": "256x256",
    }
    sources = {image_id: source}
    _, pngs = await edit([sources[i] for i in args.pop("image_ids")], **args)
    assert [open_png(p).size for p in pngs] == [(256, 256)] * 2
    assert all(max(means(p)) - min(means(p)) < 12 for p in pngs)


def half_mask(size: tuple[int, int]) -> bytes:
    """Transparent (edit) on the left half, opaque (keep) on the right half."""
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    mask.save(out, "PNG")
    return out.getvalue()


async def test_a_mask_limits_the_change_to_its_transparent_area(source: bytes) -> None:
    _, [whole] = await edit(source, "make it much darker")
    _, [masked] = await edit(source, "make it much darker", mask=half_mask((512, 512)))
    original = open_png(source).convert("RGB")
    # Compare above the "DEMO EDIT" caption band at the bottom.
    top = (0, 0, 512, 400)

    def diff(png: bytes, box: tuple[int, int, int, int]) -> float:
        region = open_png(png).convert("RGB").crop(box)
        return max(ImageStat.Stat(ImageChops.difference(region, original.crop(box))).mean)

    left, right = (0, 0, 240, 400), (272, 0, 512, 400)
    assert diff(whole, left) > 20 and diff(whole, right) > 20  # without a mask: all of it
    assert diff(masked, left) > 20  # the selected half changed ...
    assert diff(masked, right) < 2  # ... and the rest is the source's pixels
    assert diff(masked, top) < diff(whole, top)


@pytest.mark.parametrize("thing", ["boat", "car"])
def test_adding_a_thing_the_scenes_know_draws_it_not_a_sticker(thing: str) -> None:
    from imagechat.providers.demo.render import edit_png

    source = demo.render_png("a quiet meadow", size="512x512")

    def red_pixels(png: bytes) -> int:
        picture = open_png(png).convert("RGB").crop((0, 0, 512, 440))  # above the caption
        red = picture.point(lambda v: 255 if v > 180 else 0).getchannel("R")
        not_red = ImageChops.lighter(*picture.point(lambda v: 255 if v >= 90 else 0).split()[1:])
        return ImageChops.subtract(red, not_red).histogram()[255]

    drawn = red_pixels(edit_png(source, f"add a red {thing}"))
    sticker = red_pixels(edit_png(source, "add a red qux"))  # unknown: a lettered sticker
    assert drawn > 2 * sticker > 0


def test_variations_of_an_image_keep_it_recognisable_and_differ_from_each_other() -> None:
    """What the gallery's Variations ask an editing model for: the same picture, reframed and
    recoloured, not three copies of one tint."""
    from PIL import ImageFilter

    from imagechat.providers.demo.render import edit_png

    source = demo.render_png("a red lighthouse at night", size="512x512")
    other = demo.render_png("a yellow taxi in the city", size="512x512")
    ask = (
        "A variation of this image: a red lighthouse at night. Keep its subject, style and "
        "composition recognisable; vary the details, colours and framing."
    )
    variations = [edit_png(source, ask, index=i) for i in range(3)]

    def outlines(png: bytes) -> Image.Image:  # where the shapes are, whatever their colours
        grey = open_png(png).convert("L").crop((0, 0, 512, 440))  # above the captions
        return grey.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 40 else 0)

    def moved(a: bytes, b: bytes) -> float:
        return ImageStat.Stat(ImageChops.difference(outlines(a), outlines(b))).mean[0]

    def recoloured(a: bytes, b: bytes) -> float:
        pa, pb = (open_png(x).convert("RGB").crop((0, 0, 512, 440)) for x in (a, b))
        return max(ImageStat.Stat(ImageChops.difference(pa, pb)).mean)

    for i, variation in enumerate(variations):
        assert moved(variation, source) > 8  # reframed (a tint moves no outline)
        assert recoloured(variation, source) < recoloured(other, source)  # still this picture
        for later in variations[i + 1 :]:
            assert moved(variation, later) > 8  # three different framings
