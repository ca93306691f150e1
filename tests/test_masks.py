"""Edit masks: a painted area from the viewer becomes the PNG image edits expect."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from imagechat.imaging import ImageRejected, prepare_mask, selected_fraction


def painted(
    size: tuple[int, int], box: tuple[int, int, int, int] | None, mode: str = "RGBA"
) -> str:
    """What the viewer sends: opaque black, transparent where the person painted."""
    im = Image.new("RGBA", size, (0, 0, 0, 255))
    if box:
        im.paste((0, 0, 0, 0), box)
    out = io.BytesIO()
    im.convert(mode).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def alpha_of(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG"
        return im.convert("RGBA").getchannel("A")


def test_the_painted_area_becomes_transparent_and_the_rest_stays_opaque() -> None:
    mask = prepare_mask(painted((1024, 1024), (100, 200, 300, 400)), 1024, 1024)
    alpha = alpha_of(mask)
    assert alpha.size == (1024, 1024)
    assert alpha.getpixel((200, 300)) == 0
    assert alpha.getpixel((10, 10)) == 255 and alpha.getpixel((1000, 1000)) == 255
    assert set(alpha.getdata()) == {0, 255}  # no half-transparent edge
    assert selected_fraction(mask) == pytest.approx(200 * 200 / 1024**2)


def test_a_mask_painted_at_screen_size_is_scaled_to_the_image() -> None:
    # The viewer may send a smaller mask with the image's aspect ratio.
    mask = prepare_mask(painted((768, 512), (0, 0, 384, 512)), 1536, 1024)
    alpha = alpha_of(mask)
    assert alpha.size == (1536, 1024)
    assert alpha.getpixel((100, 500)) == 0 and alpha.getpixel((1400, 500)) == 255
    assert selected_fraction(mask) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (painted((1024, 1024), None), "Nothing was selected"),
        (painted((1024, 1024), (0, 0, 10, 10), mode="RGB"), "PNG with transparency"),
        (painted((1024, 512), (0, 0, 10, 10)), "shape"),
        ("data:image/png;base64,AAAA", "could not be read"),
        ("not base64 at all!", "could not be read"),
    ],
)
def test_unusable_masks_are_refused_with_a_message(data: str, needle: str) -> None:
    with pytest.raises(ImageRejected) as caught:
        prepare_mask(data, 1024, 1024)
    assert needle in caught.value.message


def test_an_oversized_mask_is_refused_before_decoding() -> None:
    with pytest.raises(ImageRejected) as caught:
        prepare_mask("data:image/png;base64," + "A" * (9 * 2**20), 1024, 1024)
    assert caught.value.reason == "too_large"
