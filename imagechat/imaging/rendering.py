"""Thumbnails, PNG/JPEG conversion and the small copy sent to vision models.

All of these take a validated :class:`DecodedImage`; their pixels are decoded again from
``DecodedImage.data`` with the same checks. The work is CPU-bound: async callers use
:func:`decode_and_thumbnail`, which runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field

from PIL import Image

from imagechat.imaging.budget import decode_budget
from imagechat.imaging.decoding import (
    MAX_BASE64_CHARS,
    MAX_PIXELS,
    DecodedImage,
    b64decode_bounded,
    decode_checked,
    fit,
    pixel_count,
    reopen,
)

# The gallery shows a single image at most 512 CSS pixels wide or high (layout() in
# public/elements/ImageGallery.jsx); its thumbnail has twice that, so it stays sharp on HiDPI
# screens (384 looked soft). About 55 KB of WebP for a 1024x1024 picture (bench/thumbnails.py).
GALLERY_MAX_CSS_PX = 512
THUMBNAIL_MAX_SIDE = 2 * GALLERY_MAX_CSS_PX
# Galleries of several images show smaller tiles (at most about 400, 300 and 220 CSS pixels for
# 2, 3-4 and 5+ images): their thumbnails are twice that, so a gallery of ten stays small.
_TILE_CSS_PX = ((1, GALLERY_MAX_CSS_PX), (2, 400), (4, 300))
_SMALL_TILE_CSS_PX = 220


def thumbnail_side(count: int) -> int:
    """The thumbnail size for one image of a gallery of `count`: sharp at 2x where it is shown."""
    css = next((px for most, px in _TILE_CSS_PX if count <= most), _SMALL_TILE_CSS_PX)
    return 2 * css


THUMBNAIL_QUALITY = 75
_WEBP_METHOD = 2  # 0 (fast) .. 6 (small); 2 is ~2x faster than the default 4 at ~+3 % size
_LLM_JPEG_QUALITY = 85

_ORIENTATION = 0x0112
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Thumbnail:
    data: bytes = field(repr=False)
    mime: str  # always "image/webp"
    width: int
    height: int


def _normalise_mode(im: Image.Image, has_alpha: bool) -> Image.Image:
    """RGB, or RGBA when the image carries transparency."""
    if im.mode.startswith("I"):  # 16-bit grey PNG: scale down rather than clip
        im = im.convert("I").point(lambda v: v / 256).convert("L")
    target = "RGBA" if has_alpha else "RGB"
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    return im if im.mode == target else im.convert(target)


def _shrink(im: Image.Image, has_alpha: bool, max_side: int) -> Image.Image:
    """RGB(A), fitted to ``max_side`` (box-reduce by an integer factor, then bilinear),
    EXIF orientation applied (after resizing, which is cheaper; the target box is square)."""
    orientation = im.getexif().get(_ORIENTATION, 1)
    im = _normalise_mode(im, has_alpha)  # before resizing: P and 1 would resize as NEAREST
    size = fit(im.width, im.height, max_side)
    if size != im.size:
        im = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0)
    if orientation in _TRANSPOSE_FOR_ORIENTATION:
        im = im.transpose(_TRANSPOSE_FOR_ORIENTATION[orientation])
    return im


def _flatten_on_white(im: Image.Image) -> Image.Image:
    if im.mode != "RGBA":
        return im
    background = Image.new("RGB", im.size, (255, 255, 255))
    background.paste(im, mask=im)  # its own alpha band: no copy of the channel
    return background


def _thumbnail_of(im: Image.Image, has_alpha: bool, max_side: int) -> Thumbnail:
    small = _shrink(im, has_alpha, max_side)
    if small.mode == "RGBA" and small.getchannel("A").getextrema() == (255, 255):
        small = small.convert("RGB")  # alpha channel present but fully opaque
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=THUMBNAIL_QUALITY, method=_WEBP_METHOD)
    return Thumbnail(data=buf.getvalue(), mime="image/webp", width=small.width, height=small.height)


def make_thumbnail(img: DecodedImage, max_side: int = THUMBNAIL_MAX_SIDE) -> Thumbnail:
    """A WebP whose longest side is ``max_side`` (never upscaled), transparency kept."""
    return _thumbnail_of(reopen(img, draft_side=max_side), img.has_alpha, max_side)


def decode_and_thumbnail_sync(
    b64: str | bytes,
    *,
    max_side: int = THUMBNAIL_MAX_SIDE,
    max_b64_chars: int = MAX_BASE64_CHARS,
    max_pixels: int = MAX_PIXELS,
) -> tuple[DecodedImage, Thumbnail]:
    """:func:`decode_base64_image` plus :func:`make_thumbnail` in one pass (the pixels are
    decoded once, a JPEG at reduced scale)."""
    data = b64decode_bounded(b64, max_b64_chars)
    decoded, im = decode_checked(
        data, max_bytes=len(data), max_pixels=max_pixels, draft_side=max_side
    )
    return decoded, _thumbnail_of(im, decoded.has_alpha, max_side)


def _bytes_and_pixels(b64: str | bytes, max_b64_chars: int, max_pixels: int) -> tuple[bytes, int]:
    data = b64decode_bounded(b64, max_b64_chars)
    return data, pixel_count(data, max_pixels=max_pixels)


def _thumbnail_of_bytes(
    data: bytes, max_side: int, max_pixels: int
) -> tuple[DecodedImage, Thumbnail]:
    decoded, im = decode_checked(
        data, max_bytes=len(data), max_pixels=max_pixels, draft_side=max_side
    )
    return decoded, _thumbnail_of(im, decoded.has_alpha, max_side)


async def decode_and_thumbnail(
    b64: str | bytes,
    *,
    max_side: int = THUMBNAIL_MAX_SIDE,
    max_b64_chars: int = MAX_BASE64_CHARS,
    max_pixels: int = MAX_PIXELS,
) -> tuple[DecodedImage, Thumbnail]:
    """:func:`decode_and_thumbnail_sync` in worker threads, so the event loop keeps running,
    the pixels reserved from the process's decode budget first (bounding memory however many
    images land at once); raises :class:`ImageRejected`."""
    data, pixels = await asyncio.to_thread(_bytes_and_pixels, b64, max_b64_chars, max_pixels)
    return await decode_budget().run(pixels, _thumbnail_of_bytes, data, max_side, max_pixels)


def _metadata(im: Image.Image) -> dict[str, bytes]:
    """ICC profile and EXIF to carry over (a CMYK profile would not fit the RGB output)."""
    keys = ("exif",) if im.mode == "CMYK" else ("icc_profile", "exif")
    return {key: im.info[key] for key in keys if im.info.get(key)}


def to_png(img: DecodedImage) -> bytes:
    """The original bytes when already PNG, otherwise a lossless PNG of the decoded pixels."""
    if img.mime == "image/png":
        return img.data
    im = reopen(img)
    if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        im = _normalise_mode(im, img.has_alpha)  # e.g. CMYK JPEG
    buf = io.BytesIO()
    im.save(buf, "PNG", **_metadata(im))
    return buf.getvalue()


def to_jpeg(img: DecodedImage, quality: int = 92) -> bytes:
    """An RGB JPEG of the same pixel size, transparency flattened onto white.

    An RGB JPEG is returned unchanged (re-encoding would only lose quality)."""
    return _jpeg_of(img, reopen(img), quality)


def _jpeg_of(img: DecodedImage, im: Image.Image, quality: int) -> bytes:
    if img.mime == "image/jpeg" and im.mode == "RGB":
        return img.data
    flat = _flatten_on_white(_normalise_mode(im, img.has_alpha))
    buf = io.BytesIO()
    flat.save(buf, "JPEG", quality=quality, **_metadata(im))
    return buf.getvalue()


_PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")


def stored_as(data: bytes, fmt: str, quality: int = 92) -> bytes:
    """A stored image (validated when it was stored) as ``fmt`` ("png" or "jpg"), as
    :func:`to_png` and :func:`to_jpeg` make it: its own bytes when they already are that format
    (a PNG, an RGB JPEG), so no pixel is decoded; otherwise decoded ONCE and converted, the
    source pixels freed before encoding. Callers reserve its pixels from the decode budget."""
    if fmt == "png" and data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data
    if fmt == "jpg" and data.startswith(b"\xff\xd8\xff"):
        with Image.open(io.BytesIO(data)) as lazy:  # reads the header only
            if lazy.mode == "RGB":
                return data
    img, im = decode_checked(data, max_bytes=len(data), max_pixels=MAX_PIXELS)
    metadata = _metadata(im)
    if fmt == "png":
        out = im if im.mode in _PNG_MODES else _normalise_mode(im, img.has_alpha)
    else:
        out = _flatten_on_white(_normalise_mode(im, img.has_alpha))
    del im, img  # an RGBA source is freed before its flattened copy is encoded
    buf = io.BytesIO()
    out.save(
        buf,
        "PNG" if fmt == "png" else "JPEG",
        **metadata,
        **({} if fmt == "png" else {"quality": quality}),
    )
    return buf.getvalue()


def downscale_for_llm(img: DecodedImage, max_side: int = 512) -> bytes:
    """A small JPEG (longest side ``max_side``, flattened on white) for a vision model."""
    small = _shrink(reopen(img, draft_side=max_side), img.has_alpha, max_side)
    buf = io.BytesIO()
    _flatten_on_white(small).save(buf, "JPEG", quality=_LLM_JPEG_QUALITY)
    return buf.getvalue()


def to_square_png(img: DecodedImage, max_side: int = 1024) -> bytes:
    """A square RGBA PNG (centre crop, at most `max_side`): what DALL·E 2's edits accept."""
    im = _normalise_mode(reopen(img), True).convert("RGBA")
    side = min(im.size)
    left, top = (im.width - side) // 2, (im.height - side) // 2
    im = im.crop((left, top, left + side, top + side))
    if side > max_side:
        im = im.resize((max_side, max_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
