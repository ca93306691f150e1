"""Simple shapes the demo pictures are made of (drawn with Pillow's ImageDraw)."""

from __future__ import annotations

import math
import random

from PIL import ImageDraw, ImageFont

from .palette import RGB, darken, lighten

Box = tuple[float, float, float, float]


def sun(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: RGB) -> None:
    for i in range(12):
        a = i * math.pi / 6
        d.line(
            [
                (cx + math.cos(a) * r * 1.25, cy + math.sin(a) * r * 1.25),
                (cx + math.cos(a) * r * 1.7, cy + math.sin(a) * r * 1.7),
            ],
            fill=colour,
            width=max(2, int(r / 6)),
        )
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)


def moon(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: RGB) -> None:
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    for dx, dy, k in ((-0.3, -0.2, 0.22), (0.25, 0.3, 0.15), (0.35, -0.35, 0.1)):
        d.ellipse(
            [cx + dx * r - k * r, cy + dy * r - k * r, cx + dx * r + k * r, cy + dy * r + k * r],
            fill=darken(colour, 0.12),
        )


def stars(d: ImageDraw.ImageDraw, w: int, h: float, count: int, rng: random.Random) -> None:
    for _ in range(count):
        x, y, s = rng.uniform(0, w), rng.uniform(0, h), rng.choice((1, 1, 1.5, 2, 3))
        d.ellipse([x - s, y - s, x + s, y + s], fill=(255, 250, 220))


def cloud(d: ImageDraw.ImageDraw, cx: float, cy: float, s: float, colour: RGB) -> None:
    for dx, dy, rx, ry in (
        (-0.6, 0.1, 0.5, 0.35),
        (0.0, -0.15, 0.6, 0.5),
        (0.6, 0.1, 0.5, 0.35),
        (0.0, 0.2, 0.9, 0.3),
    ):
        d.ellipse(
            [cx + (dx - rx) * s, cy + (dy - ry) * s, cx + (dx + rx) * s, cy + (dy + ry) * s],
            fill=colour,
        )


def mountains(
    d: ImageDraw.ImageDraw,
    w: int,
    base: float,
    height: float,
    colours: list[RGB],
    rng: random.Random,
) -> None:
    count = rng.randint(2, 4)
    for i in range(count):
        cx = w * (i + 0.5) / count + rng.uniform(-w * 0.08, w * 0.08)
        half = w * rng.uniform(0.28, 0.45)
        peak = base - height * rng.uniform(0.6, 1.0)
        colour = colours[i % len(colours)]
        d.polygon([(cx - half, base), (cx, peak), (cx + half, base)], fill=colour)
        cap = (base - peak) * 0.25
        d.polygon(
            [
                (cx - half * cap / (base - peak), peak + cap),
                (cx, peak),
                (cx + half * cap / (base - peak), peak + cap),
            ],
            fill=(248, 248, 252),
        )


def waves(
    d: ImageDraw.ImageDraw, w: int, top: float, bottom: float, colour: RGB, rng: random.Random
) -> None:
    d.rectangle([0, top, w, bottom], fill=colour)
    rows = 5
    for row in range(rows):
        y = top + (bottom - top) * (row + 0.5) / rows
        amp, phase = (bottom - top) / 30 + row, rng.uniform(0, math.tau)
        pts = [(x, y + math.sin(x / (w / 9) + phase) * amp) for x in range(0, w + 8, 8)]
        d.line(pts, fill=lighten(colour, 0.25 + row * 0.05), width=max(2, w // 200))


def tree(
    d: ImageDraw.ImageDraw, x: float, ground: float, size: float, leaf: RGB, pine: bool
) -> None:
    d.rectangle(
        [x - size * 0.08, ground - size * 0.35, x + size * 0.08, ground], fill=(110, 70, 40)
    )
    if pine:
        for k in range(3):
            y = ground - size * (0.3 + k * 0.25)
            d.polygon(
                [
                    (x - size * (0.4 - k * 0.08), y),
                    (x, y - size * 0.45),
                    (x + size * (0.4 - k * 0.08), y),
                ],
                fill=darken(leaf, k * 0.08),
            )
    else:
        r = size * 0.38
        d.ellipse(
            [x - r, ground - size * 0.35 - 2 * r, x + r, ground - size * 0.35 + r * 0.2], fill=leaf
        )


def house(d: ImageDraw.ImageDraw, box: Box, wall: RGB, roof: RGB) -> None:
    x0, y0, x1, y1 = box
    top = y0 + (y1 - y0) * 0.4
    d.rectangle([x0, top, x1, y1], fill=wall)
    d.polygon(
        [(x0 - (x1 - x0) * 0.08, top), ((x0 + x1) / 2, y0), (x1 + (x1 - x0) * 0.08, top)], fill=roof
    )
    ww = (x1 - x0) * 0.18
    for wx in (x0 + (x1 - x0) * 0.15, x1 - (x1 - x0) * 0.15 - ww):
        d.rectangle(
            [wx, top + (y1 - top) * 0.2, wx + ww, top + (y1 - top) * 0.2 + ww],
            fill=(255, 236, 150),
            outline=darken(wall, 0.4),
            width=2,
        )
    dx = (x0 + x1) / 2
    d.rectangle([dx - ww * 0.6, y1 - (y1 - top) * 0.5, dx + ww * 0.6, y1], fill=darken(roof, 0.2))


def building(d: ImageDraw.ImageDraw, box: Box, colour: RGB, rng: random.Random) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=colour)
    cols, rows = max(2, int((x1 - x0) / 18)), max(3, int((y1 - y0) / 22))
    cw, rh = (x1 - x0) / cols, (y1 - y0) / rows
    for c in range(cols):
        for r in range(rows - 1):
            lit = rng.random() < 0.6
            d.rectangle(
                [
                    x0 + c * cw + cw * 0.25,
                    y0 + r * rh + rh * 0.3,
                    x0 + c * cw + cw * 0.75,
                    y0 + r * rh + rh * 0.75,
                ],
                fill=(255, 225, 120) if lit else darken(colour, 0.3),
            )


def interior(d: ImageDraw.ImageDraw, w: int, h: int, wall: RGB, wood: RGB, accent: RGB) -> None:
    """A room: window with daylight, counter, cabinets, floor (a kitchen, an office, …)."""
    d.rectangle([0, h * 0.72, w, h], fill=darken(wood, 0.15))
    d.rectangle(
        [w * 0.34, h * 0.12, w * 0.66, h * 0.42],
        fill=(200, 230, 250),
        outline=(250, 250, 250),
        width=max(3, w // 90),
    )
    d.line([(w * 0.5, h * 0.12), (w * 0.5, h * 0.42)], fill=(250, 250, 250), width=max(2, w // 120))
    for i in range(4):
        x = w * (0.05 + i * 0.235)
        d.rectangle([x, h * 0.05, x + w * 0.2, h * 0.1], fill=lighten(wood, 0.2))
    d.rectangle([w * 0.04, h * 0.52, w * 0.96, h * 0.58], fill=lighten(accent, 0.4))
    for i in range(5):
        x = w * (0.05 + i * 0.185)
        d.rectangle(
            [x, h * 0.58, x + w * 0.17, h * 0.72], fill=wood, outline=darken(wood, 0.3), width=2
        )
        d.ellipse([x + w * 0.075, h * 0.63, x + w * 0.095, h * 0.65], fill=accent)


def cat(d: ImageDraw.ImageDraw, box: Box, fur: RGB) -> None:
    x0, y0, x1, y1 = box
    s, cx = x1 - x0, (x0 + x1) / 2
    cy = y0 + s * 0.55
    d.ellipse([cx - s * 0.32, cy - s * 0.05, cx + s * 0.32, y1], fill=darken(fur, 0.1))
    d.polygon(
        [(cx - s * 0.3, cy - s * 0.15), (cx - s * 0.26, y0), (cx - s * 0.06, cy - s * 0.3)],
        fill=fur,
    )
    d.polygon(
        [(cx + s * 0.3, cy - s * 0.15), (cx + s * 0.26, y0), (cx + s * 0.06, cy - s * 0.3)],
        fill=fur,
    )
    d.ellipse([cx - s * 0.3, cy - s * 0.38, cx + s * 0.3, cy + s * 0.12], fill=fur)
    for ex in (-0.12, 0.12):
        d.ellipse(
            [cx + (ex - 0.05) * s, cy - s * 0.2, cx + (ex + 0.05) * s, cy - s * 0.1],
            fill=(250, 230, 90),
        )
        d.ellipse(
            [cx + (ex - 0.015) * s, cy - s * 0.19, cx + (ex + 0.015) * s, cy - s * 0.11],
            fill=(20, 20, 20),
        )
    for side in (-1, 1):
        for dy in (-0.02, 0.02):
            d.line(
                [(cx + side * s * 0.05, cy - s * 0.02), (cx + side * s * 0.35, cy + dy * s * 2)],
                fill=(40, 40, 40),
                width=max(1, int(s / 150)),
            )


def dog(d: ImageDraw.ImageDraw, box: Box, fur: RGB) -> None:
    x0, y0, x1, y1 = box
    s, cx = x1 - x0, (x0 + x1) / 2
    cy = y0 + s * 0.45
    d.ellipse([cx - s * 0.3, cy + s * 0.05, cx + s * 0.3, y1], fill=darken(fur, 0.1))
    d.ellipse([cx - s * 0.28, cy - s * 0.3, cx + s * 0.28, cy + s * 0.22], fill=fur)
    for side in (-1, 1):
        d.ellipse(
            [
                cx + side * s * 0.22 - s * 0.1,
                cy - s * 0.3,
                cx + side * s * 0.22 + s * 0.1,
                cy + s * 0.05,
            ],
            fill=darken(fur, 0.35),
        )
        d.ellipse(
            [
                cx + side * s * 0.1 - s * 0.035,
                cy - s * 0.12,
                cx + side * s * 0.1 + s * 0.035,
                cy - s * 0.05,
            ],
            fill=(20, 20, 20),
        )
    d.ellipse([cx - s * 0.06, cy + s * 0.02, cx + s * 0.06, cy + s * 0.1], fill=(20, 20, 20))


def robot(d: ImageDraw.ImageDraw, box: Box, metal: RGB, glow: RGB) -> None:
    x0, y0, x1, y1 = box
    s, cx = x1 - x0, (x0 + x1) / 2
    d.line([(cx, y0), (cx, y0 + s * 0.12)], fill=darken(metal, 0.3), width=max(2, int(s / 40)))
    d.ellipse([cx - s * 0.04, y0 - s * 0.04, cx + s * 0.04, y0 + s * 0.04], fill=glow)
    d.rounded_rectangle(
        [cx - s * 0.28, y0 + s * 0.12, cx + s * 0.28, y0 + s * 0.5],
        radius=s * 0.06,
        fill=metal,
        outline=darken(metal, 0.4),
        width=3,
    )
    for ex in (-0.12, 0.12):
        d.ellipse(
            [cx + (ex - 0.06) * s, y0 + s * 0.22, cx + (ex + 0.06) * s, y0 + s * 0.34], fill=glow
        )
    d.rectangle(
        [cx - s * 0.12, y0 + s * 0.4, cx + s * 0.12, y0 + s * 0.44], fill=darken(metal, 0.5)
    )
    d.rounded_rectangle(
        [cx - s * 0.34, y0 + s * 0.54, cx + s * 0.34, y1], radius=s * 0.05, fill=darken(metal, 0.12)
    )
    d.ellipse([cx - s * 0.08, y0 + s * 0.66, cx + s * 0.08, y0 + s * 0.82], fill=glow)


def flower(
    d: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    r: float,
    petal: RGB,
    centre: RGB,
    stem_to: float | None = None,
) -> None:
    if stem_to is not None:
        d.line([(cx, cy), (cx, stem_to)], fill=(60, 140, 60), width=max(2, int(r / 5)))
    for i in range(6):
        a = i * math.pi / 3
        px, py = cx + math.cos(a) * r * 0.7, cy + math.sin(a) * r * 0.7
        d.ellipse([px - r * 0.45, py - r * 0.45, px + r * 0.45, py + r * 0.45], fill=petal)
    d.ellipse([cx - r * 0.35, cy - r * 0.35, cx + r * 0.35, cy + r * 0.35], fill=centre)


def heart(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: RGB) -> None:
    d.ellipse([cx - r, cy - r * 0.7, cx, cy + r * 0.3], fill=colour)
    d.ellipse([cx, cy - r * 0.7, cx + r, cy + r * 0.3], fill=colour)
    d.polygon(
        [(cx - r * 0.97, cy - r * 0.05), (cx + r * 0.97, cy - r * 0.05), (cx, cy + r * 1.1)],
        fill=colour,
    )


def geometric(
    d: ImageDraw.ImageDraw, kind: str, cx: float, cy: float, r: float, fill: RGB, outline: RGB
) -> None:
    width = max(2, int(r / 25))
    if kind in ("square", "rectangle", "cube", "box"):
        rw = r * (1.4 if kind == "rectangle" else 1.0)
        d.rectangle([cx - rw, cy - r, cx + rw, cy + r], fill=fill, outline=outline, width=width)
    elif kind in ("triangle", "pyramid"):
        d.polygon(
            [(cx - r, cy + r * 0.85), (cx, cy - r), (cx + r, cy + r * 0.85)],
            fill=fill,
            outline=outline,
            width=width,
        )
    elif kind in ("star",):
        pts = [
            (
                cx + math.cos(-math.pi / 2 + i * math.pi / 5) * (r if i % 2 == 0 else r * 0.45),
                cy + math.sin(-math.pi / 2 + i * math.pi / 5) * (r if i % 2 == 0 else r * 0.45),
            )
            for i in range(10)
        ]
        d.polygon(pts, fill=fill, outline=outline, width=width)
    elif kind in ("diamond",):
        d.polygon(
            [(cx, cy - r), (cx + r * 0.75, cy), (cx, cy + r), (cx - r * 0.75, cy)],
            fill=fill,
            outline=outline,
            width=width,
        )
    elif kind in ("hexagon",):
        d.regular_polygon((cx, cy, r), 6, fill=fill, outline=outline, width=width)
    else:  # circle, sphere, ball, ring, dot
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill, outline=outline, width=width)


def monogram(
    d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, letter: str, colour: RGB
) -> None:
    font = ImageFont.load_default(size=max(10, int(size)))
    d.text((cx, cy), letter, fill=colour, font=font, anchor="mm")


def abstract(
    d: ImageDraw.ImageDraw, w: int, h: int, colours: list[RGB], rng: random.Random
) -> None:
    for i in range(rng.randint(7, 12)):
        colour = (*colours[i % len(colours)], rng.randint(150, 235))
        x, y, r = (
            rng.uniform(0, w),
            rng.uniform(0, h),
            rng.uniform(min(w, h) * 0.06, min(w, h) * 0.25),
        )
        shape = rng.random()
        if shape < 0.45:
            d.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        elif shape < 0.8:
            d.rectangle([x - r, y - r * 0.6, x + r, y + r * 0.6], fill=colour)
        else:
            d.line(
                [(x - r * 2, y), (x + r * 2, y + rng.uniform(-r, r))],
                fill=colour,
                width=max(3, int(r / 5)),
            )
