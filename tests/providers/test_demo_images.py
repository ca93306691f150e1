"""The demo image model through litellm.aimage_generation / aimage_edit."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Iterator

import litellm
import pytest
from PIL import Image, ImageStat

from imagechat.providers import demo
from imagechat.providers.demo.render import render_png

pytestmark = pytest.mark.filterwarnings(
    "ignore:Item .* is using the `ReadOnly` qualifier:UserWarning"
)


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    demo.register()
    yield


async def generate(prompt: str, **kwargs: object) -> tuple[litellm.ImageResponse, list[bytes]]:
    response = await litellm.aimage_generation(model=demo.DEMO_IMAGE_MODEL, prompt=prompt, **kwargs)
    return response, [base64.b64decode(item.b64_json) for item in response.data]


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def means(image: Image.Image) -> list[float]:
    return ImageStat.Stat(image.convert("RGB")).mean


async def test_n_pngs_of_the_asked_size_each_a_different_variation() -> None:
    response, pngs = await generate(
        "a logo for a cloud storage company",
        n=3,
        size="1536x1024",
        quality="high",
        style="watercolor",
    )
    assert len(pngs) == 3
    assert all(open_png(p).size == (1536, 1024) for p in pngs)
    assert len(set(pngs)) == 3
    revised = [item.revised_prompt for item in response.data]
    assert revised[0] == (
        "a logo for a cloud storage company, in watercolor style, "
        "variation 1 of 3, rendered by the offline demo"
    )
    assert response._hidden_params["response_cost"] == 0.0
    assert response.usage is not None and response.usage.input_tokens > 0


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("auto", (1024, 1024)),
        (None, (1024, 1024)),
        ("256x256", (256, 256)),
        ("1024x1792", (1024, 1792)),
        ("4000x2000", (1792, 896)),
    ],
)
async def test_sizes(size: str | None, expected: tuple[int, int]) -> None:
    kwargs = {"size": size} if size else {}
    _, [png] = await generate("a tree", **kwargs)
    assert open_png(png).size == expected


async def test_more_than_ten_is_capped_at_ten() -> None:
    _, pngs = await generate("a star", n=12, size="256x256", quality="low")
    assert len(pngs) == 10


async def test_named_colours_dominate() -> None:
    _, [red] = await generate("a red square", size="512x512")
    r, g, b = means(open_png(red))
    assert r > 170 and r > g + 60 and r > b + 60
    _, [blue] = await generate("a blue circle", size="512x512")
    r, g, b = means(open_png(blue))
    assert b > r + 40 and b > g + 20


async def test_brighter_is_brighter_and_darker_is_darker() -> None:
    _, [plain] = await generate("a modern kitchen", size="512x512")
    _, [brighter] = await generate("a modern kitchen, brighter", size="512x512")
    _, [darker] = await generate("a modern kitchen, darker", size="512x512")

    def luma(png: bytes) -> float:
        return ImageStat.Stat(open_png(png).convert("L")).mean[0]

    assert luma(brighter) > luma(plain) + 10
    assert luma(darker) < luma(plain) - 10


async def test_styles_change_the_rendering() -> None:
    pictures = {}
    for style in (
        None,
        "watercolor",
        "pixel art",
        "pencil sketch",
        "oil painting",
        "cartoon",
        "3d render",
        "black and white",
    ):
        kwargs = {"style": style} if style else {}
        _, [png] = await generate("a house by a lake with mountains", size="512x512", **kwargs)
        pictures[style] = open_png(png).convert("RGB")
    assert len({p.tobytes() for p in pictures.values()}) == len(pictures)
    sketch = ImageStat.Stat(pictures["pencil sketch"]).mean
    assert max(sketch) - min(sketch) < 12  # greyscale lines on paper


async def test_transparent_background() -> None:
    _, [png] = await generate("a golden star", size="512x512", background="transparent")
    image = open_png(png)
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0  # a corner is see-through
    assert image.getpixel((256, 256))[3] == 255


async def test_parameters_in_extra_body_also_work() -> None:
    _, pngs = await generate("a sun", extra_body={"n": 2, "size": "256x256"})
    assert [open_png(p).size for p in pngs] == [(256, 256), (256, 256)]


def test_the_sync_path_works_too() -> None:
    response = litellm.image_generation(
        model=demo.DEMO_IMAGE_MODEL, prompt="a cat", n=2, size="256x256"
    )
    assert [open_png(base64.b64decode(i.b64_json)).size for i in response.data] == [(256, 256)] * 2


def test_a_1024_picture_is_fast() -> None:
    render_png("warm-up", size="256x256")
    best = min(
        _timed(
            lambda: render_png(
                "sunset over mountains and the sea with trees", size="1024x1024", style="watercolor"
            )
        )
        for _ in range(3)
    )
    assert best < 0.5, f"{best:.3f}s"


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


async def test_edit_derives_from_the_source() -> None:
    _, [source] = await generate("a house with trees", size="512x512")
    response = await litellm.aimage_edit(
        model=demo.DEMO_IMAGE_MODEL, image=source, prompt="make it blue and brighter", n=2
    )
    edits = [open_png(base64.b64decode(item.b64_json)) for item in response.data]
    assert [e.size for e in edits] == [(512, 512), (512, 512)]
    assert edits[0].tobytes() != edits[1].tobytes()
    before, after = means(open_png(source)), means(edits[0])
    assert after[2] - after[0] > before[2] - before[0]  # bluer
    assert sum(after) > sum(before)  # brighter
    # the top of the picture (sky) still looks like the source's, only changed
    src_top = open_png(source).convert("RGB").crop((0, 0, 512, 200)).resize((8, 4))
    edit_top = edits[0].convert("RGB").crop((0, 0, 512, 200)).resize((8, 4))
    diffs = [
        abs(a - b)
        for p, q in zip(src_top.getdata(), edit_top.getdata(), strict=True)
        for a, b in zip(p, q, strict=True)
    ]
    assert sum(diffs) / len(diffs) < 80


async def test_edit_with_a_size_and_a_file_tuple() -> None:
    _, [source] = await generate("a cat", size="256x256")
    response = await litellm.aimage_edit(
        model=demo.DEMO_IMAGE_MODEL,
        prompt="pixel art",
        image=("cat.png", io.BytesIO(source), "image/png"),
        size="512x512",
    )
    assert open_png(base64.b64decode(response.data[0].b64_json)).size == (512, 512)


async def test_demo_edit_image_function() -> None:
    _, [source] = await generate("a cat", size="256x256")
    edited = await demo.demo_edit_image(source, "something I don't understand", None)
    assert open_png(edited).size == (256, 256)
    assert edited != source
