"""Deterministic, realistic-looking sample images for the image tests and benchmarks.

A flat colour compresses to almost nothing and makes size ratios meaningless, so the
sample mixes smooth gradients (sky-like areas), soft shapes, sharp edges and a modest
amount of per-pixel noise (sensor/diffusion grain). A 1024x1024 sample saves to a PNG of
roughly 1.5 MB, about what image models return for a 1024x1024 picture.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter


def make_sample_image(size: int = 1024, *, alpha: bool = False, seed: int = 1) -> Image.Image:
    """Return a deterministic RGB (or RGBA, transparent outside a rounded card) image."""
    rng = random.Random(seed)
    w = h = size
    # Smooth background: three differently oriented gradients as R, G, B.
    horizontal = Image.linear_gradient("L").rotate(90).resize((w, h), Image.Resampling.BILINEAR)
    vertical = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    radial = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    img = Image.merge("RGB", (horizontal, radial, vertical))

    # Shapes: soft blurred blobs plus a few sharp-edged ones.
    layer = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(layer)
    for _ in range(14):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(size // 20, size // 4)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=colour)
    layer = layer.filter(ImageFilter.GaussianBlur(size / 64))
    img = Image.blend(img, layer, 0.45)
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = (
            x0 + rng.randrange(size // 16, size // 3),
            y0 + rng.randrange(size // 16, size // 3),
        )
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
    for _ in range(30):
        pts = [(rng.randrange(w), rng.randrange(h)) for _ in range(2)]
        draw.line(pts, fill=(rng.randrange(256),) * 3, width=rng.randrange(1, 5))

    # Grain: deterministic noise in [-8, 8) per channel (offset trick: add, then subtract).
    noise = [
        Image.frombytes("L", (w, h), bytes(b & 15 for b in rng.randbytes(w * h))) for _ in range(3)
    ]
    grain = Image.merge("RGB", noise)
    img = ImageChops.subtract(ImageChops.add(img, grain), Image.new("RGB", (w, h), (8, 8, 8)))

    if alpha:
        mask = Image.new("L", (w, h), 0)
        margin = size // 8
        ImageDraw.Draw(mask).rounded_rectangle(
            (margin, margin, w - margin, h - margin), radius=size // 10, fill=255
        )
        img = img.convert("RGBA")
        img.putalpha(mask)
    return img


def sample_png_bytes(size: int = 1024, *, alpha: bool = False, seed: int = 1) -> bytes:
    """The sample image saved as PNG with Pillow's default settings."""
    buf = io.BytesIO()
    make_sample_image(size, alpha=alpha, seed=seed).save(buf, "PNG")
    return buf.getvalue()
