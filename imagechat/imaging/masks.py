"""Edit masks: the area a person painted in the viewer, as the PNG that image edits expect.

OpenAI's convention, which the demo follows too: the mask has the image's size; fully
transparent pixels are the area to change, opaque pixels are kept.
"""

from __future__ import annotations

import io

from PIL import Image

from imagechat.imaging.decoding import (
    ImageRejected,
    b64decode_bounded,
    decode_base64_image,
    pixel_count,
    reopen,
)

# A painted mask is mostly two flat colours, so even 4096×4096 compresses to far less.
MAX_MASK_BASE64_CHARS = 8 * 2**20
_ASPECT_TOLERANCE = 0.02


def _refused(message: str) -> ImageRejected:
    return ImageRejected(message, reason="bad_mask")


def prepare_mask(data: str, width: int, height: int) -> bytes:
    """The painted area (a PNG ``data:`` URL or base64) as a ``width``×``height`` RGBA PNG:
    black, opaque where the image stays, transparent where it changes.

    Refuses, with a message for the person, what is not a PNG with transparency, a mask of
    another shape than the image, and a mask with nothing selected.
    """
    try:
        decoded = decode_base64_image(data, max_b64_chars=MAX_MASK_BASE64_CHARS)
    except ImageRejected as exc:  # its wording speaks of providers
        raise ImageRejected(
            "The selected area could not be read. Select it again.", reason=exc.reason
        ) from None
    if decoded.format != "PNG" or not decoded.has_alpha:
        raise _refused("The selected area must be a PNG with transparency.")
    if abs(decoded.width / decoded.height - width / height) > _ASPECT_TOLERANCE * width / height:
        raise _refused("The selected area does not have the image's shape. Select it again.")
    with reopen(decoded) as im:
        alpha = im.convert("RGBA").getchannel("A")
    if alpha.size != (width, height):
        alpha = alpha.resize((width, height), Image.Resampling.BILINEAR)
    alpha = alpha.point(lambda v: 0 if v < 128 else 255)
    if alpha.getextrema() == (255, 255):
        raise _refused(
            "Nothing was selected. Paint over the part to change, or edit without selecting "
            "an area."
        )
    mask = Image.new("RGBA", (width, height), (0, 0, 0, 255))
    mask.putalpha(alpha)
    buf = io.BytesIO()
    mask.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def mask_pixels(data: str, width: int, height: int) -> int:
    """The pixels :func:`prepare_mask` will hold for a ``width``×``height`` image: the painted
    PNG's (read from its header; the limit when it has none) plus the mask's own, reserved from
    the decode budget before the painted area is decoded."""
    head = data[data.find(",") + 1 :][:44] if data[:5].lower() == "data:" else data[:44]
    try:
        painted = pixel_count(b64decode_bounded(head, 44))
    except ImageRejected:
        painted = 1  # not a PNG: refused before any pixel is decoded
    return painted + 2 * max(width, 1) * max(height, 1)


def selected_fraction(mask_png: bytes) -> float:
    """How much of the image a mask selects (its transparent share), 0..1."""
    with Image.open(io.BytesIO(mask_png)) as im:
        alpha = im.convert("RGBA").getchannel("A")
        histogram = alpha.histogram()
        return histogram[0] / (alpha.width * alpha.height)
