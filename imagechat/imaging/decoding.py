"""Safe decoding and validation of provider images.

Every image a provider returns goes through :func:`decode_base64_image` or
:func:`decode_image_bytes` before it is stored or shown. Both refuse, with an
:class:`ImageRejected` whose ``message`` can be shown to the user as is:

* payloads over a size cap (a base64 string is measured *before* it is decoded);
* anything that is not PNG, JPEG or WebP, judged by magic bytes and Pillow's own
  format detection (never by a claimed MIME type), so SVG, GIF, BMP, TIFF... are refused;
* images over ``MAX_PIXELS``, judged from the header before any pixel is decoded
  (``Image.open`` is lazy), so a 20000×20000 PNG never allocates its pixel buffer;
* truncated or corrupt files: PNG chunk CRCs are verified and the pixels are loaded
  with ``ImageFile.LOAD_TRUNCATED_IMAGES`` off.
"""

from __future__ import annotations

import binascii
import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PIL import Image, ImageFile

MAX_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_BASE64_CHARS = (MAX_IMAGE_BYTES + 2) // 3 * 4  # 40 MiB of base64 text
_DATA_URL_HEAD = 256  # a data URL's "data:<mime>;base64," prefix must fit in this

# Truncated images must fail, not be silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

_MIME_BY_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Everything Pillow raises for data it cannot parse.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


class ImageRejected(Exception):
    """An image was refused; ``message`` is plain English, safe to show to the user.

    ``reason`` is a stable machine-readable code: ``not_image``, ``too_many_pixels``,
    ``corrupt``, ``too_large`` or ``bad_base64``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class DecodedImage:
    """A validated image. ``data`` is the provider's bytes, untouched."""

    data: bytes = field(repr=False)
    mime: str  # "image/png" | "image/jpeg" | "image/webp"
    width: int
    height: int
    format: str  # "PNG" | "JPEG" | "WEBP"
    has_alpha: bool  # carries an alpha channel or a transparent colour


def _not_image() -> ImageRejected:
    return ImageRejected(
        "The provider returned something that is not a PNG, JPEG or WebP image.",
        reason="not_image",
    )


def _corrupt() -> ImageRejected:
    return ImageRejected("The image data is truncated or corrupt.", reason="corrupt")


def _bad_base64() -> ImageRejected:
    return ImageRejected("The image data is not valid base64.", reason="bad_base64")


def _too_large(limit_bytes: int) -> ImageRejected:
    return ImageRejected(
        f"The image data is larger than the {_round(limit_bytes / 2**20)} MB limit.",
        reason="too_large",
    )


def _too_many_pixels(width: int, height: int, limit: int) -> ImageRejected:
    return ImageRejected(
        f"The image is too large ({width}×{height} pixels; "
        f"the limit is {_round(limit / 1e6)} megapixels).",
        reason="too_many_pixels",
    )


def _round(x: float) -> str:
    return f"{x:.3g}"  # 30, 1.5, 0.001


# --- decoding and validation --------------------------------------------------------------


def decode_base64_image(
    b64: str | bytes, *, max_b64_chars: int = MAX_BASE64_CHARS, max_pixels: int = MAX_PIXELS
) -> DecodedImage:
    """Decode and validate base64 image data (a bare string or a ``data:...;base64,`` URL)."""
    data = b64decode_bounded(b64, max_b64_chars)
    return decode_checked(data, max_bytes=len(data), max_pixels=max_pixels, draft_side=1)[0]


def decode_image_bytes(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_PIXELS
) -> DecodedImage:
    """Validate raw image bytes (a ``data:`` URL is accepted too)."""
    if data[:5].lower() == b"data:":
        data = b64decode_bounded(data, (max_bytes + 2) // 3 * 4)
    return decode_checked(data, max_bytes=max_bytes, max_pixels=max_pixels, draft_side=1)[0]


def b64decode_bounded(b64: str | bytes, max_chars: int) -> bytes:
    """Decode base64 (or a base64 ``data:`` URL), refusing more than ``max_chars`` of it
    before decoding anything."""
    start = 0
    head = b64[:_DATA_URL_HEAD]
    if isinstance(head, bytes):
        head = head.decode("latin-1")
    if head.lstrip()[:5].lower() == "data:":
        comma = head.find(",")
        if comma < 0 or not head[:comma].rstrip().lower().endswith(";base64"):
            raise _bad_base64()
        start = comma + 1
    # Measure before decoding (or even slicing): memory stays bounded by the caller's string.
    if len(b64) - start > max_chars:
        raise _too_large(max_chars // 4 * 3)
    payload = b64[start:] if start else b64
    try:
        return binascii.a2b_base64(payload, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    # Lenient second pass: line breaks/spaces, URL-safe alphabet, missing padding.
    try:
        text = payload if isinstance(payload, str) else payload.decode("ascii")
        text = "".join(text.split()).translate(_URLSAFE_TO_STD)
        text += "=" * (-len(text) % 4)
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        raise _bad_base64() from None


_URLSAFE_TO_STD = str.maketrans("-_", "+/")


def _sniff(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) from the magic bytes and header alone, decoding nothing."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise _corrupt()
        width, height = struct.unpack_from(">II", data, 16)
        return "PNG", width, height
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG", *_jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP", *_webp_size(data)
    raise _not_image()


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i, n = 2, len(data)
    while i + 1 < n:
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
        elif marker in (0xD9, 0xDA) or i + 9 > n:  # end of image / scan before any frame
            break
        elif marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, i + 5)
            return width, height
        else:
            i += 2 + struct.unpack_from(">H", data, i + 2)[0]
    raise _corrupt()


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    raise _corrupt()


@contextmanager
def _pillow_errors(width: int, height: int, limit: int) -> Iterator[None]:
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(width, height, limit) from exc
    except _DECODE_ERRORS as exc:
        raise _corrupt() from exc


def _header(data: bytes, max_pixels: int) -> tuple[str, int, int, int]:
    """(format, width, height, pixel limit) from the header, refusing what is over the limit."""
    fmt, width, height = _sniff(data)
    if width < 1 or height < 1:
        raise _corrupt()
    # Respect a stricter global Pillow limit, but never rely on it alone.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    if width * height > limit:
        raise _too_many_pixels(width, height, limit)
    return fmt, width, height, limit


def pixel_count(data: bytes, *, max_pixels: int = MAX_PIXELS) -> int:
    """How many pixels decoding ``data`` will hold, from its header alone (what a decode
    reserves of :mod:`imagechat.imaging.budget`); refuses what decoding would refuse by its
    header, so an image over the limit never waits for the budget."""
    _, width, height, _ = _header(data, max_pixels)
    return width * height


def decode_checked(
    data: bytes, *, max_bytes: int, max_pixels: int, draft_side: int | None = None
) -> tuple[DecodedImage, Image.Image]:
    """Validate ``data`` and return it with its loaded pixels.

    ``draft_side``: for JPEG, let libjpeg decode at a reduced scale (still reading the
    whole stream, so truncation is caught) as long as the image fits that box afterwards.
    """
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    fmt, width, height, limit = _header(data, max_pixels)
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone turned it on: this module needs it off
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    with _pillow_errors(width, height, limit):
        if fmt == "PNG":  # chunk structure and CRCs, up to IEND
            with Image.open(io.BytesIO(data), formats=["PNG"]) as probe:
                probe.verify()
        im = Image.open(io.BytesIO(data), formats=[fmt])
        pillow_format = "JPEG" if im.format == "MPO" else im.format
        if pillow_format != fmt:
            raise _not_image()
        if im.size != (width, height):
            raise _corrupt()
        has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info
        if draft_side and fmt == "JPEG":
            im.draft(None, fit(width, height, draft_side))
        im.load()
    decoded = DecodedImage(
        data=data,
        mime=_MIME_BY_FORMAT[fmt],
        width=width,
        height=height,
        format=fmt,
        has_alpha=has_alpha,
    )
    return decoded, im


def reopen(img: DecodedImage, draft_side: int | None = None) -> Image.Image:
    limit = max(MAX_PIXELS, img.width * img.height)
    return decode_checked(
        img.data, max_bytes=len(img.data), max_pixels=limit, draft_side=draft_side
    )[1]


def fit(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size that fits ``max_side`` keeping the aspect ratio; never upscales."""
    scale = max_side / max(width, height)
    if scale >= 1:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))
