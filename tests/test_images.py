"""Tests for imagechat.imaging: safe decoding, thumbnails, conversions, file names."""

from __future__ import annotations

import base64
import functools
import io
import re
import struct
import threading
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFile, ImageStat

from bench._sample_images import make_sample_image, sample_png_bytes
from imagechat.imaging import (
    MAX_BASE64_CHARS,
    DecodedImage,
    ImageRejected,
    decode_and_thumbnail,
    decode_and_thumbnail_sync,
    decode_base64_image,
    decode_image_bytes,
    decoding,
    downscale_for_llm,
    make_thumbnail,
    rendering,
    safe_filename,
    to_jpeg,
    to_png,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

NOT_IMAGE = "The provider returned something that is not a PNG, JPEG or WebP image."
CORRUPT = "The image data is truncated or corrupt."


# --- helpers -------------------------------------------------------------------------------


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def png_chunk(tag: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + tag
        + payload
        + struct.pack(">I", zlib.crc32(tag + payload))
    )


@functools.cache
def bilevel_png(width: int, height: int) -> bytes:
    """A complete, valid 1-bit greyscale PNG of ``width``x``height`` black pixels.

    Tiny on disk (20000x20000 is ~50 kB) but Pillow decodes mode "1" at one byte per
    pixel: fully loading 20000x20000 would write 400 MB of pixels.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def crafted_webp_vp8x(width: int, height: int) -> bytes:
    vp8x = b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF0 header is patched to claim ``width``x``height``."""
    data = bytearray(encode(Image.new("RGB", (16, 16), "red"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def rejected(func: object, *args: object, **kwargs: object) -> ImageRejected:
    assert callable(func)
    with pytest.raises(ImageRejected) as info:
        func(*args, **kwargs)
    return info.value


def open_bytes(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.fixture(scope="module")
def sample_png() -> bytes:
    """Realistic 1024x1024 PNG (gradients, shapes, grain): about 1.9 MB."""
    return sample_png_bytes(1024)


@pytest.fixture(scope="module")
def sample_png_alpha() -> bytes:
    """Like sample_png, transparent outside a rounded card (corners fully transparent)."""
    return sample_png_bytes(1024, alpha=True)


# --- decoding valid images ------------------------------------------------------------------


def test_sample_image_is_realistically_large(sample_png: bytes) -> None:
    assert 1 * MB < len(sample_png) < 3 * MB


@pytest.mark.parametrize(
    ("fmt", "mode", "params", "mime", "alpha"),
    [
        ("PNG", "RGB", {}, "image/png", False),
        ("PNG", "RGBA", {}, "image/png", True),
        ("PNG", "L", {}, "image/png", False),
        ("PNG", "1", {}, "image/png", False),
        ("JPEG", "RGB", {"quality": 90}, "image/jpeg", False),
        ("JPEG", "L", {}, "image/jpeg", False),
        ("WEBP", "RGB", {"quality": 80}, "image/webp", False),  # VP8 (lossy)
        ("WEBP", "RGB", {"lossless": True}, "image/webp", False),  # VP8L
        ("WEBP", "RGBA", {"quality": 80}, "image/webp", True),  # VP8X + ALPH
        ("WEBP", "RGBA", {"lossless": True}, "image/webp", True),
    ],
)
def test_decodes_png_jpeg_webp(
    fmt: str, mode: str, params: dict[str, object], mime: str, alpha: bool
) -> None:
    im = make_sample_image(96, alpha=mode == "RGBA").convert(mode).resize((120, 80))
    data = encode(im, fmt, **params)
    for decoded in (decode_base64_image(b64(data)), decode_image_bytes(data)):
        assert decoded == DecodedImage(
            data=data, mime=mime, width=120, height=80, format=fmt, has_alpha=alpha
        )
        assert decoded.data is data or decoded.data == data


def test_png_with_transparent_colour_has_alpha() -> None:
    data = encode(Image.new("RGB", (8, 8), (1, 2, 3)), "PNG", transparency=(1, 2, 3))
    assert decode_image_bytes(data).has_alpha
    palette = Image.new("P", (8, 8), 0)
    assert decode_image_bytes(encode(palette, "PNG", transparency=0)).has_alpha


def test_data_url_is_accepted_and_claimed_mime_is_ignored() -> None:
    data = encode(Image.new("RGB", (10, 10), "blue"), "PNG")
    decoded = decode_base64_image(f"data:image/jpeg;base64,{b64(data)}")
    assert (decoded.mime, decoded.data) == ("image/png", data)
    assert decode_base64_image(f"  DATA:image/png;BASE64,{b64(data)}").data == data
    assert decode_image_bytes(f"data:image/png;base64,{b64(data)}".encode()).data == data


def test_data_url_without_base64_is_refused() -> None:
    err = rejected(decode_base64_image, "data:image/png,%89PNG%0D%0A")
    assert err.reason == "bad_base64"


def test_lenient_base64_variants() -> None:
    data = encode(make_sample_image(64), "PNG")
    wrapped = base64.encodebytes(data).decode()  # MIME style, newline every 76 chars
    assert "\n" in wrapped
    assert decode_base64_image(wrapped).data == data
    assert decode_base64_image(base64.urlsafe_b64encode(data).decode()).data == data
    assert decode_base64_image(b64(data).rstrip("=")).data == data
    assert decode_base64_image(b64(data).encode()).data == data  # bytes accepted too


# --- refusals -------------------------------------------------------------------------------


def test_refuses_text() -> None:
    err = rejected(decode_image_bytes, b"Sorry, I cannot generate that image.")
    assert (err.reason, err.message, str(err)) == ("not_image", NOT_IMAGE, NOT_IMAGE)
    assert rejected(decode_base64_image, b64(b"hello world")).reason == "not_image"
    assert rejected(decode_base64_image, "").reason == "not_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_refuses_other_raster_formats(fmt: str) -> None:
    data = encode(Image.new("RGB", (16, 16), "green"), fmt)
    err = rejected(decode_base64_image, b64(data))
    assert (err.reason, err.message) == ("not_image", NOT_IMAGE)


def test_refuses_svg_even_with_image_mime() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    assert rejected(decode_image_bytes, svg).reason == "not_image"
    assert rejected(decode_base64_image, f"data:image/svg+xml;base64,{b64(svg)}").message == (
        NOT_IMAGE
    )
    xml_svg = b'<?xml version="1.0"?>\n' + svg
    assert rejected(decode_base64_image, b64(xml_svg)).reason == "not_image"


def test_refuses_truncated_png(sample_png: bytes) -> None:
    for cut in (len(sample_png) // 2, len(sample_png) - 6, 40, 20):
        err = rejected(decode_base64_image, b64(sample_png[:cut]))
        assert (err.reason, err.message) == ("corrupt", CORRUPT), cut


def test_refuses_png_with_bad_crc(sample_png: bytes) -> None:
    data = bytearray(sample_png)
    data[len(data) // 2] ^= 0xFF
    assert rejected(decode_image_bytes, bytes(data)).reason == "corrupt"


def test_refuses_truncated_jpeg_and_webp() -> None:
    im = make_sample_image(256)
    for data in (encode(im, "JPEG", quality=90), encode(im, "WEBP", quality=80)):
        err = rejected(decode_image_bytes, data[: len(data) // 2])
        assert err.message == CORRUPT


def test_truncated_image_refused_even_if_pillow_was_told_to_load_truncated(
    monkeypatch: pytest.MonkeyPatch, sample_png: bytes
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert rejected(decode_image_bytes, sample_png[: len(sample_png) // 2]).reason == "corrupt"
    jpeg = encode(make_sample_image(256), "JPEG")
    assert rejected(decode_image_bytes, jpeg[: len(jpeg) // 2]).reason == "corrupt"


def test_refuses_20000x20000_png_from_the_header_with_bounded_memory() -> None:
    data = bilevel_png(20000, 20000)
    encoded = b64(data)
    tracemalloc.start()
    try:
        err = rejected(decode_base64_image, encoded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.reason == "too_many_pixels"
    assert err.message == (
        "The image is too large (20000×20000 pixels; the limit is 40 megapixels)."
    )
    assert peak < 1 * MB  # the RGB pixel buffer would be 1.2 GB


def test_refusing_a_huge_png_never_decodes_its_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    # tracemalloc does not see Pillow's C allocations, so show instead that the refusal happens
    # before Pillow is ever asked for pixels: any pixel decode during it fails the test. (An
    # RSS measurement in a subprocess proved flaky on a loaded 2-core machine.)
    def no_pixels(self: Image.Image) -> None:
        raise AssertionError(f"pixels were decoded for a {self.size} image")

    monkeypatch.setattr(Image.Image, "load", no_pixels)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_pixels)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # our own check must stand alone
    assert rejected(decode_image_bytes, bilevel_png(20000, 20000)).reason == "too_many_pixels"
    # the control: a small image does reach pixel decoding, so the spy would have seen it
    with pytest.raises(AssertionError, match="pixels were decoded"):
        decode_image_bytes(bilevel_png(64, 64))


def test_refuses_over_our_limit_but_under_pillows_default() -> None:
    # 7000x7000 = 49 MP: below Pillow's own ~89 MP bomb threshold, above our 40 MP.
    err = rejected(decode_image_bytes, bilevel_png(7000, 7000))
    assert err.reason == "too_many_pixels"
    assert "7000×7000" in err.message


def test_refuses_huge_jpeg_and_webp_headers() -> None:
    assert rejected(decode_image_bytes, jpeg_with_size(20000, 20000)).reason == "too_many_pixels"
    err = rejected(decode_image_bytes, crafted_webp_vp8x(16000, 16000))
    assert err.message == "The image is too large (16000×16000 pixels; the limit is 40 megapixels)."


def test_pixel_limit_does_not_rely_on_pillow_global(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert rejected(decode_image_bytes, bilevel_png(20000, 20000)).reason == "too_many_pixels"


def test_stricter_pillow_global_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    err = rejected(decode_image_bytes, data)
    assert err.message == "The image is too large (100×100 pixels; the limit is 0.001 megapixels)."


def test_custom_pixel_limit() -> None:
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    assert decode_image_bytes(data, max_pixels=10_000).width == 100
    err = rejected(decode_base64_image, b64(data), max_pixels=9_999)
    assert err.reason == "too_many_pixels"


@pytest.mark.parametrize("side", [40, 100])  # Pillow's warning zone, then its error zone
def test_pillow_decompression_bomb_is_caught(monkeypatch: pytest.MonkeyPatch, side: int) -> None:
    # Make our header check see a 1x1 image so that only Pillow's own check can fire.
    monkeypatch.setattr(decoding, "_sniff", lambda data: ("PNG", 1, 1))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    err = rejected(decode_image_bytes, encode(Image.new("RGB", (side, side)), "PNG"))
    assert err.reason == "too_many_pixels"
    assert isinstance(err.__cause__, Image.DecompressionBombError | Image.DecompressionBombWarning)


def test_refuses_oversize_base64_before_decoding() -> None:
    huge = "A" * (MAX_BASE64_CHARS + 4)
    data_url = "data:image/png;base64," + huge
    tracemalloc.start()
    try:
        err = rejected(decode_base64_image, huge)
        err_url = rejected(decode_base64_image, data_url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 * MB  # decoding would allocate ~30 MB
    assert (err.reason, err.message) == (
        "too_large",
        "The image data is larger than the 30 MB limit.",
    )
    assert err_url.reason == "too_large"
    del huge, data_url


def test_custom_base64_and_byte_caps(sample_png: bytes) -> None:
    assert rejected(decode_base64_image, b64(sample_png), max_b64_chars=1000).reason == "too_large"
    err = rejected(decode_image_bytes, sample_png, max_bytes=MB)
    assert err.message == "The image data is larger than the 1 MB limit."


@pytest.mark.parametrize("text", ["not base64!!", "Y", "QUJD\x00", "äöü", "YQ==YQ=="])
def test_refuses_invalid_base64(text: str) -> None:
    err = rejected(decode_base64_image, text)
    assert (err.reason, err.message) == ("bad_base64", "The image data is not valid base64.")


# --- thumbnails -------------------------------------------------------------------------------


def test_thumbnail_of_realistic_image(sample_png: bytes) -> None:
    decoded, thumb = decode_and_thumbnail_sync(b64(sample_png), max_side=384)
    assert decoded.data == sample_png
    assert (thumb.mime, thumb.width, thumb.height) == ("image/webp", 384, 384)
    assert thumb.data[:4] == b"RIFF" and thumb.data[8:12] == b"WEBP"
    im = open_bytes(thumb.data)
    assert (im.format, im.size, im.mode) == ("WEBP", (384, 384), "RGB")
    assert len(thumb.data) / len(sample_png) <= 0.05
    assert make_thumbnail(decoded, 384) == thumb


def test_thumbnails_are_sharp_on_hidpi_screens(sample_png: bytes) -> None:
    """A single image is shown at most N CSS px (the gallery's layout): its thumbnail has
    2N pixels, as a HiDPI screen shows N CSS px with 2N device pixels; the payload stays small."""
    jsx = (Path(__file__).parent.parent / "public/elements/ImageGallery.jsx").read_text()
    shown = re.search(r"Math\.min\(W, (\d+), (\d+) \* a\)", jsx)
    assert shown is not None and int(shown[1]) == int(shown[2]) == rendering.GALLERY_MAX_CSS_PX
    big = encode(make_sample_image(2048), "PNG")
    _, thumb = decode_and_thumbnail_sync(b64(big))
    assert (thumb.width, thumb.height) == (2 * int(shown[1]),) * 2
    _, thumb = decode_and_thumbnail_sync(b64(sample_png))  # a 1024x1024 picture
    assert thumb.width == 1024 and len(thumb.data) / len(sample_png) <= 0.05


def test_thumbnail_looks_like_the_image(sample_png: bytes) -> None:
    thumb = make_thumbnail(decode_image_bytes(sample_png), 384)
    reference = open_bytes(sample_png).resize((384, 384), Image.Resampling.LANCZOS)
    got = open_bytes(thumb.data).convert("RGB")
    error = ImageStat.Stat(ImageChops.difference(got, reference)).mean
    assert max(error) < 6  # mean absolute error per channel, 0..255


@pytest.mark.parametrize(
    ("size", "expected"),
    [((1536, 1024), (384, 256)), ((1024, 1536), (256, 384)), ((1792, 1024), (384, 219))],
)
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_thumbnail_keeps_aspect_ratio(
    size: tuple[int, int], expected: tuple[int, int], fmt: str
) -> None:
    w, h = size
    im = Image.new("RGB", size, "red")
    im.paste(Image.new("RGB", (w // 2, h), "blue"), (w // 2, 0))
    thumb = make_thumbnail(decode_image_bytes(encode(im, fmt)), 384)
    assert (thumb.width, thumb.height) == expected
    small = open_bytes(thumb.data).convert("RGB")
    assert small.size == expected
    left, right = small.getpixel((5, expected[1] // 2)), small.getpixel((expected[0] - 5, 5))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 200 and left[2] < 60  # red
    assert right[2] > 200 and right[0] < 60  # blue


def test_thumbnail_never_upscales() -> None:
    thumb = make_thumbnail(decode_image_bytes(encode(make_sample_image(100), "PNG")))
    assert (thumb.width, thumb.height) == (100, 100)


def test_thumbnail_custom_size(sample_png: bytes) -> None:
    _, thumb = decode_and_thumbnail_sync(b64(sample_png), max_side=128)
    assert (thumb.width, thumb.height) == (128, 128)


def test_thumbnail_keeps_transparency(sample_png_alpha: bytes) -> None:
    _, thumb = decode_and_thumbnail_sync(b64(sample_png_alpha), max_side=384)
    im = open_bytes(thumb.data)
    assert im.mode == "RGBA" and im.size == (384, 384)
    assert im.getpixel((3, 3))[3] == 0  # type: ignore[index]
    assert im.getpixel((192, 192))[3] == 255  # type: ignore[index]
    assert len(thumb.data) / len(sample_png_alpha) <= 0.05


def test_opaque_rgba_thumbnail_drops_alpha_channel() -> None:
    data = encode(make_sample_image(500).convert("RGBA"), "PNG")
    assert decode_image_bytes(data).has_alpha
    assert open_bytes(make_thumbnail(decode_image_bytes(data)).data).mode == "RGB"


def test_thumbnail_of_palette_png_with_transparency() -> None:
    im = Image.new("P", (600, 300), 1)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.paste(0, (0, 0, 300, 300))
    source = decode_image_bytes(encode(im, "PNG", transparency=0))
    thumb = open_bytes(make_thumbnail(source, 384).data)
    assert thumb.size == (384, 192) and thumb.mode == "RGBA"
    assert thumb.getpixel((10, 96))[3] == 0  # type: ignore[index]
    r, g, b, a = thumb.getpixel((370, 96))  # type: ignore[misc]
    assert (r > 245, g < 10, b < 10, a) == (True, True, True, 255)  # opaque red (lossy WebP)


def test_thumbnail_of_16_bit_grey_png_scales_values() -> None:
    im = Image.new("I;16", (400, 100), 32768)
    thumb = open_bytes(make_thumbnail(decode_image_bytes(encode(im, "PNG"))).data)
    r, g, b = thumb.getpixel((100, 20))  # type: ignore[misc]
    assert 120 < r < 136 and r == g == b  # mid grey, not clipped to white


def test_thumbnail_and_png_of_cmyk_jpeg() -> None:
    decoded = decode_image_bytes(encode(Image.new("CMYK", (800, 400), (0, 255, 255, 0)), "JPEG"))
    thumb = open_bytes(make_thumbnail(decoded, 384).data)
    assert thumb.size == (384, 192) and thumb.mode == "RGB"
    png = open_bytes(to_png(decoded))
    assert png.format == "PNG" and png.mode == "RGB" and png.size == (800, 400)


def test_thumbnail_applies_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    data = encode(Image.new("RGB", (800, 400), "red"), "JPEG", exif=exif)
    thumb = make_thumbnail(decode_image_bytes(data), 384)
    assert (thumb.width, thumb.height) == (192, 384)


async def test_decode_and_thumbnail_runs_in_a_worker_thread(
    monkeypatch: pytest.MonkeyPatch, sample_png: bytes
) -> None:
    threads: list[int] = []
    real = rendering._thumbnail_of_bytes

    def spy(data: bytes, *args: int) -> object:
        threads.append(threading.get_ident())
        return real(data, *args)

    monkeypatch.setattr(rendering, "_thumbnail_of_bytes", spy)
    decoded, thumb = await decode_and_thumbnail(b64(sample_png))
    assert decoded.width == 1024 and thumb.width == min(1024, rendering.THUMBNAIL_MAX_SIDE)
    assert threads and threads[0] != threading.get_ident()
    with pytest.raises(ImageRejected):
        await decode_and_thumbnail(b64(b"<svg/>"))
    with pytest.raises(ImageRejected):
        await decode_and_thumbnail(b64(sample_png), max_pixels=1000)


# --- conversions -------------------------------------------------------------------------


def test_to_png_of_png_returns_original_bytes(sample_png: bytes) -> None:
    decoded = decode_image_bytes(sample_png)
    assert to_png(decoded) is decoded.data


def test_to_png_is_lossless() -> None:
    for fmt, mode in (("JPEG", "RGB"), ("WEBP", "RGBA")):
        data = encode(make_sample_image(200, alpha=mode == "RGBA"), fmt, quality=80)
        png = to_png(decode_image_bytes(data))
        assert png.startswith(b"\x89PNG")
        got, original = open_bytes(png), open_bytes(data)
        assert got.mode == mode and got.size == (200, 200)
        assert got.tobytes() == original.tobytes()


def test_to_jpeg_flattens_transparency_on_white(sample_png_alpha: bytes) -> None:
    decoded = decode_image_bytes(sample_png_alpha)
    assert open_bytes(sample_png_alpha).getpixel((5, 5))[3] == 0  # type: ignore[index]
    jpeg = open_bytes(to_jpeg(decoded))
    assert (jpeg.format, jpeg.mode, jpeg.size) == ("JPEG", "RGB", (1024, 1024))
    r, g, b = jpeg.getpixel((5, 5))  # type: ignore[misc]
    assert min(r, g, b) >= 250


def test_to_jpeg_uses_quality_92(sample_png: bytes) -> None:
    jpeg = open_bytes(to_jpeg(decode_image_bytes(sample_png)))
    reference = open_bytes(encode(Image.new("RGB", (8, 8)), "JPEG", quality=92))
    assert jpeg.quantization == reference.quantization  # type: ignore[attr-defined]
    assert jpeg.size == (1024, 1024)


def test_to_jpeg_of_rgb_jpeg_returns_original_and_webp_is_converted() -> None:
    data = encode(make_sample_image(64), "JPEG")
    assert to_jpeg(decode_image_bytes(data)) == data
    webp = encode(make_sample_image(64, alpha=True), "WEBP")
    converted = open_bytes(to_jpeg(decode_image_bytes(webp)))
    assert (converted.format, converted.mode, converted.size) == ("JPEG", "RGB", (64, 64))


def test_downscale_for_llm(sample_png_alpha: bytes) -> None:
    small = open_bytes(downscale_for_llm(decode_image_bytes(sample_png_alpha)))
    assert (small.format, small.mode, small.size) == ("JPEG", "RGB", (512, 512))
    assert min(small.getpixel((2, 2))) >= 250  # type: ignore[type-var]
    wide = decode_image_bytes(encode(Image.new("RGB", (2000, 1000)), "JPEG"))
    assert open_bytes(downscale_for_llm(wide, max_side=256)).size == (256, 128)


# --- file names ---------------------------------------------------------------------------

SAFE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$")


@pytest.mark.parametrize(
    ("prompt", "index", "ext", "expected"),
    [
        ("Sunset over mountains!", 2, "jpg", "sunset-over-mountains-2.jpg"),
        ("Sunset over mountains!", None, "png", "sunset-over-mountains.png"),
        ("Sunset over mountains!", 0, ".JPG", "sunset-over-mountains-0.jpg"),
        (
            "Café crème, naïve façade — Ærø Straße",
            None,
            "png",
            "cafe-creme-naive-facade-aero-strasse.png",
        ),
        ("Don't panic", 1, "png", "dont-panic-1.png"),
        ("日本の風景", None, "png", "image.png"),
        ("", None, "png", "image.png"),
        ("   \t\n", 3, "webp", "image-3.webp"),
        ("🌅🏔️✨", 1, "png", "image-1.png"),
        ("🌅 over 🏔️", None, "png", "over.png"),
        ("CON", None, "png", "con-image.png"),
        ("nul", None, "jpg", "nul-image.jpg"),
        ("Com1", None, "png", "com1-image.png"),
        ("lpt9!", None, "png", "lpt9-image.png"),
        ("con", 2, "png", "con-2.png"),
        ("../../etc/passwd", None, "txt", "etc-passwd.txt"),
        ("..\\..\\Windows\\System32", None, "png", "windows-system32.png"),
        ("...hidden file", None, "png", "hidden-file.png"),
        ('a/b\\c:d*e?f"g<h>i|j', None, "png", "a-b-c-d-e-f-g-h-i-j.png"),
    ],
)
def test_safe_filename(prompt: str, index: int | None, ext: str, expected: str) -> None:
    assert safe_filename(prompt, index, ext) == expected


def test_safe_filename_cuts_long_prompts_at_a_word_boundary() -> None:
    prompt = "A very detailed painting of a lighthouse on a rocky coast at dusk with waves"
    name = safe_filename(prompt, 12, "png")
    slug = name.removesuffix("-12.png")
    full = "a-very-detailed-painting-of-a-lighthouse-on-a-rocky-coast-at-dusk-with-waves"
    assert len(slug) <= 60
    assert full.startswith(slug) and full[len(slug)] == "-"
    assert slug == "a-very-detailed-painting-of-a-lighthouse-on-a-rocky-coast-at"
    one_word = safe_filename("x" * 300, None, "png")
    assert one_word == "x" * 60 + ".png"


@pytest.mark.parametrize(
    "prompt",
    ["", ".", "..", "/", "\\", "~", "-", "---", "\x00", "\u202e", "a" * 1000, "CON.txt", "..."],
)
def test_safe_filename_is_always_safe(prompt: str) -> None:
    name = safe_filename(prompt, None, "png")
    assert SAFE_NAME.match(name), name
    assert not name.startswith(".") and len(name) <= 64
    assert name.split(".")[0] not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def test_safe_filename_refuses_negative_index() -> None:
    with pytest.raises(ValueError):
        safe_filename("x", -1, "png")


def test_thumbnails_are_twice_the_size_their_gallery_shows_them() -> None:
    # layout() in public/elements/ImageGallery.jsx: one image up to 512 CSS px, two up to about
    # 400, three or four up to 300, more up to 220
    assert [rendering.thumbnail_side(n) for n in (1, 2, 3, 4, 5, 10)] == [
        2 * rendering.GALLERY_MAX_CSS_PX,
        800,
        600,
        600,
        440,
        440,
    ]
