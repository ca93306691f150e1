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


# ---------------------------------------------------------------------------------------------
# Everyday things people ask for (placed by things.py). Each is drawn facing right unless
# `facing` is -1, from flat shapes with one darker tone for depth, like the motifs above.

Point = tuple[float, float]
WHITE: RGB = (246, 246, 242)
INK: RGB = (38, 36, 44)
GLASS: RGB = (185, 222, 245)
RAINBOW: tuple[RGB, ...] = (
    (228, 58, 58),
    (245, 140, 40),
    (246, 210, 50),
    (80, 180, 80),
    (60, 130, 220),
    (115, 80, 190),
)


def _px(size: float, k: float) -> int:
    """A line width in proportion to the motif, never thinner than a pixel."""
    return max(1, round(size * k))


def _oval(cx: float, cy: float, rx: float, ry: float, degrees: float, n: int = 28) -> list[Point]:
    """An ellipse turned by `degrees`, as a polygon (Pillow's ellipse cannot turn)."""
    a = math.radians(degrees)
    pts = []
    for i in range(n):
        t = i * math.tau / n
        x, y = math.cos(t) * rx, math.sin(t) * ry
        pts.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return pts


def _bulge(p0: Point, p1: Point, amount: float, n: int = 10) -> list[Point]:
    """Points from p0 to p1 bowed sideways by `amount` (a sail's curved edge)."""
    (x0, y0), (x1, y1) = p0, p1
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = (y1 - y0) / length, -(x1 - x0) / length
    return [
        (
            x0 + (x1 - x0) * t + nx * amount * math.sin(math.pi * t),
            y0 + (y1 - y0) * t + ny * amount * math.sin(math.pi * t),
        )
        for t in (i / n for i in range(n + 1))
    ]


def _clamp_box(x0: float, y0: float, x1: float, y1: float) -> Box:
    """A box with its corners in order, whichever way the motif faces."""
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def lighthouse(
    d: ImageDraw.ImageDraw,
    cx: float,
    base: float,
    height: float,
    colour: RGB,
    stripe: RGB,
    *,
    lit: bool,
    rock: RGB | None,
) -> None:
    """A tapering tower in bands of two colours, a gallery, a glowing lantern and a dome; beams
    of light at night, and a rocky islet under it when it stands in the sea."""
    top = base - height * 0.7
    bottom_w, top_w = height * 0.26, height * 0.15

    def half(y: float) -> float:  # half the tower's width at height y
        return (bottom_w + (top_w - bottom_w) * (base - y) / (base - top)) / 2

    lantern_top = top - height * 0.15
    if rock is not None:
        d.polygon(
            [
                (cx - bottom_w * 1.7, base + height * 0.16),
                (cx - bottom_w * 1.25, base + height * 0.02),
                (cx - bottom_w * 0.6, base - height * 0.025),
                (cx + bottom_w * 0.4, base - height * 0.03),
                (cx + bottom_w * 1.2, base + height * 0.04),
                (cx + bottom_w * 1.9, base + height * 0.16),
            ],
            fill=rock,
        )
        d.polygon(
            [
                (cx - bottom_w * 1.1, base + height * 0.03),
                (cx - bottom_w * 0.5, base),
                (cx + bottom_w * 0.2, base + height * 0.01),
                (cx - bottom_w * 0.4, base + height * 0.06),
            ],
            fill=lighten(rock, 0.2),
        )
    bands = 5
    for i in range(bands):
        y0 = base - (base - top) * i / bands
        y1 = base - (base - top) * (i + 1) / bands
        band = colour if i % 2 == 0 else stripe
        d.polygon(
            [(cx - half(y0), y0), (cx - half(y1), y1), (cx + half(y1), y1), (cx + half(y0), y0)],
            fill=band,
        )
        d.polygon(  # the shaded side, so the tower reads as round
            [
                (cx + half(y0) * 0.4, y0),
                (cx + half(y1) * 0.4, y1),
                (cx + half(y1), y1),
                (cx + half(y0), y0),
            ],
            fill=darken(band, 0.18),
        )
    door_w = bottom_w * 0.24
    d.rounded_rectangle(
        [cx - door_w / 2, base - height * 0.11, cx + door_w / 2, base],
        radius=door_w * 0.45,
        fill=INK,
    )
    win = top_w * 0.14
    wy = top + (base - top) * 0.3
    d.rounded_rectangle([cx - win, wy - win * 1.6, cx + win, wy + win * 1.6], radius=win, fill=INK)
    # gallery, railing, lantern and dome
    d.rectangle([cx - top_w * 0.78, top - height * 0.025, cx + top_w * 0.78, top], fill=INK)
    rail_y = top - height * 0.06
    d.line(
        [(cx - top_w * 0.7, rail_y), (cx + top_w * 0.7, rail_y)],
        fill=INK,
        width=_px(height, 0.008),
    )
    for k in (-0.7, -0.35, 0.35, 0.7):
        d.line(
            [(cx + top_w * k, rail_y), (cx + top_w * k, top - height * 0.02)],
            fill=INK,
            width=_px(height, 0.006),
        )
    lw = top_w * 0.62
    glass = (255, 226, 110) if lit else (255, 240, 185)
    d.rectangle([cx - lw / 2, lantern_top, cx + lw / 2, top - height * 0.025], fill=glass)
    d.line([(cx, lantern_top), (cx, top - height * 0.025)], fill=INK, width=_px(height, 0.008))
    dome = darken(colour, 0.35) if colour != WHITE else INK
    d.pieslice(
        [cx - lw * 0.62, lantern_top - lw * 0.55, cx + lw * 0.62, lantern_top + lw * 0.55],
        180,
        360,
        fill=dome,
    )
    d.line(
        [(cx, lantern_top - lw * 0.5), (cx, lantern_top - lw * 0.85)],
        fill=dome,
        width=_px(height, 0.01),
    )


def light_beams(
    d: ImageDraw.ImageDraw, cx: float, base: float, height: float, colour: RGB = (255, 215, 90)
) -> None:
    """The two beams of a lit lighthouse of that `height`, to be drawn translucent behind it
    (on a layer of their own: Pillow replaces pixels rather than blending into them)."""
    lamp_y = base - height * 0.785
    for side in (-1, 1):
        for spread, alpha in ((1.0, 65), (0.45, 125)):  # the core replaces the halo: not summed
            d.polygon(
                [
                    (cx, lamp_y - height * 0.02),
                    (cx + side * height * 1.5, lamp_y - height * 0.2 * spread),
                    (cx + side * height * 1.5, lamp_y + height * 0.14 * spread),
                    (cx, lamp_y + height * 0.02),
                ],
                fill=(*colour, alpha),
            )


def sailboat(
    d: ImageDraw.ImageDraw,
    cx: float,
    waterline: float,
    size: float,
    hull: RGB,
    sail: RGB,
    *,
    facing: int = 1,
) -> Box:
    """A sailing boat `size` long: hull, mast, a curved mainsail and a jib, a pennant. Returns
    the deck (a box a passenger can sit on)."""

    def x(k: float) -> float:
        return cx + facing * k * size

    deck = waterline - size * 0.1
    mast_x, mast_top = x(-0.02), deck - size * 0.95
    d.polygon(  # mainsail, aft of the mast, its free edge bowed out by the wind
        [
            (mast_x, mast_top),
            (mast_x, deck - size * 0.08),
            *_bulge((x(-0.44), deck - size * 0.08), (mast_x, mast_top), size * 0.06 * facing),
        ],
        fill=sail,
    )
    d.polygon(  # jib, from the masthead to the bow
        [
            (x(0.03), mast_top + size * 0.1),
            (x(0.03), deck - size * 0.06),
            *_bulge((x(0.46), deck - size * 0.06), (x(0.03), mast_top + size * 0.1), size * 0.05),
        ],
        fill=darken(sail, 0.08),
    )
    d.line([(mast_x, deck), (mast_x, mast_top)], fill=INK, width=_px(size, 0.022))
    d.line(
        [(mast_x, deck - size * 0.08), (x(-0.46), deck - size * 0.08)],
        fill=INK,
        width=_px(size, 0.016),
    )
    d.polygon(
        [(mast_x, mast_top), (x(-0.16), mast_top + size * 0.04), (mast_x, mast_top + size * 0.08)],
        fill=hull,
    )
    d.polygon(
        [
            (x(-0.5), deck),
            (x(0.55), deck - size * 0.04),
            (x(0.38), waterline + size * 0.05),
            (x(-0.4), waterline + size * 0.05),
        ],
        fill=hull,
    )
    d.line(
        [(x(-0.47), deck + size * 0.03), (x(0.5), deck - size * 0.005)],
        fill=lighten(hull, 0.45),
        width=_px(size, 0.018),
    )
    return _clamp_box(x(-0.4), deck - size * 0.02, x(0.4), deck)


def rowboat(
    d: ImageDraw.ImageDraw, cx: float, waterline: float, size: float, hull: RGB, *, facing: int = 1
) -> Box:
    """A small open boat with a pair of oars (canoes, kayaks, dinghies). Returns the deck."""

    def x(k: float) -> float:
        return cx + facing * k * size

    top = waterline - size * 0.12
    d.polygon(
        [
            (x(-0.52), top - size * 0.04),
            (x(0.54), top - size * 0.06),
            (x(0.36), waterline + size * 0.05),
            (x(-0.38), waterline + size * 0.05),
        ],
        fill=hull,
    )
    d.line(
        [(x(-0.5), top), (x(0.5), top - size * 0.02)],
        fill=lighten(hull, 0.4),
        width=_px(size, 0.025),
    )
    wood = (205, 160, 100)
    handle, blade = (x(0.16), top - size * 0.2), (x(-0.34), waterline + size * 0.06)
    d.line([handle, blade], fill=wood, width=_px(size, 0.028) + 1)  # an oar dipping in
    d.polygon(_oval(blade[0], blade[1], size * 0.08, size * 0.03, 30 * facing), fill=wood)
    return _clamp_box(x(-0.3), top - size * 0.04, x(0.3), top)


def ship(
    d: ImageDraw.ImageDraw,
    cx: float,
    waterline: float,
    size: float,
    hull: RGB,
    funnel: RGB,
    *,
    facing: int = 1,
) -> Box:
    """A steamship `size` long: hull with portholes, white decks with windows, a funnel with a
    trail of smoke. Returns the open deck at the stern."""

    def x(k: float) -> float:
        return cx + facing * k * size

    deck = waterline - size * 0.11
    for i in range(4):  # smoke drifting back from the funnel
        r = size * (0.035 + i * 0.012)
        sx, sy = x(-0.04 - i * 0.09), deck - size * (0.42 + i * 0.05)
        d.ellipse([sx - r, sy - r, sx + r, sy + r], fill=lighten((205, 205, 212), i * 0.15))
    d.rectangle(_clamp_box(x(-0.3), deck - size * 0.13, x(0.22), deck), fill=WHITE)
    d.rectangle(_clamp_box(x(-0.18), deck - size * 0.23, x(0.12), deck - size * 0.13), fill=WHITE)
    for row, (k0, k1, y) in enumerate(((-0.27, 0.2, 0.085), (-0.15, 0.1, 0.19))):
        count = 7 if row == 0 else 4
        for i in range(count):
            wx = k0 + (k1 - k0) * (i + 0.5) / count
            d.rectangle(
                _clamp_box(x(wx - 0.018), deck - size * y, x(wx + 0.018), deck - size * (y - 0.04)),
                fill=(60, 90, 130),
            )
    d.rectangle(_clamp_box(x(-0.06), deck - size * 0.38, x(0.04), deck - size * 0.23), fill=funnel)
    d.rectangle(_clamp_box(x(-0.06), deck - size * 0.38, x(0.04), deck - size * 0.34), fill=INK)
    d.polygon(
        [
            (x(-0.5), deck),
            (x(0.56), deck - size * 0.06),
            (x(0.44), waterline + size * 0.05),
            (x(-0.46), waterline + size * 0.05),
        ],
        fill=hull,
    )
    d.polygon(  # the boot stripe along the waterline
        [
            (x(-0.475), waterline - size * 0.005),
            (x(0.47), waterline - size * 0.005),
            (x(0.44), waterline + size * 0.05),
            (x(-0.46), waterline + size * 0.05),
        ],
        fill=(190, 50, 45) if hull[0] < 150 else INK,
    )
    r = size * 0.014
    for i in range(9):
        px = x(-0.4 + i * 0.1)
        py = deck + size * 0.045
        d.ellipse([px - r, py - r, px + r, py + r], fill=(250, 240, 200))
    return _clamp_box(x(-0.48), deck - size * 0.02, x(-0.31), deck)


def bird(
    d: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    size: float,
    body: RGB,
    wing: RGB,
    *,
    facing: int = 1,
    wings_up: bool = True,
) -> None:
    """A bird in flight, side on, `size` from tail to beak: body, head, beak, fanned tail and a
    raised (or lowered) wing."""

    def x(k: float) -> float:
        return cx + facing * k * size

    s = size
    d.polygon(
        [
            (x(-0.2), cy - s * 0.02),
            (x(-0.58), cy - s * 0.12),
            (x(-0.6), cy + s * 0.08),
            (x(-0.2), cy + s * 0.06),
        ],
        fill=wing,
    )
    d.polygon(_oval(cx, cy, s * 0.36, s * 0.13, -8 * facing), fill=body)
    hx, hy, hr = x(0.33), cy - s * 0.07, s * 0.12
    d.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fill=body)
    d.polygon(
        [(x(0.42), hy - s * 0.045), (x(0.58), hy + s * 0.01), (x(0.42), hy + s * 0.045)],
        fill=(245, 170, 40),
    )
    er = s * 0.028
    ex = x(0.37)
    d.ellipse([ex - er, hy - s * 0.03 - er, ex + er, hy - s * 0.03 + er], fill=INK)
    lift = -1 if wings_up else 1
    d.polygon(
        [
            (x(0.14), cy - s * 0.04),
            (x(0.02), cy + lift * s * 0.34),
            (x(-0.3), cy + lift * s * 0.62),
            (x(-0.18), cy + lift * s * 0.28),
            (x(-0.22), cy - s * 0.02),
        ],
        fill=wing,
    )


def distant_bird(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, colour: RGB) -> None:
    """A far-off bird: the two arcs of an 'm', `size` wide."""
    r = size / 2
    width = _px(size, 0.12) + 1
    d.arc([cx - 2 * r, cy - r * 0.7, cx, cy + r * 0.7], 200, 340, fill=colour, width=width)
    d.arc([cx, cy - r * 0.7, cx + 2 * r, cy + r * 0.7], 200, 340, fill=colour, width=width)


def car(
    d: ImageDraw.ImageDraw,
    cx: float,
    ground: float,
    length: float,
    body: RGB,
    *,
    kind: str = "car",
    facing: int = 1,
) -> None:
    """A car (or a `kind` of "truck" or "bus") `length` long, side on, wheels on the ground."""

    def x(k: float) -> float:
        return cx + facing * k * length

    L = length
    trim = darken(body, 0.3)
    wheels: tuple[float, ...] = (-0.3, 0.3)
    if kind == "bus":
        d.rounded_rectangle(
            _clamp_box(x(-0.5), ground - L * 0.5, x(0.5), ground - L * 0.08),
            radius=L * 0.05,
            fill=body,
        )
        for i in range(5):
            k = -0.44 + i * 0.16
            d.rectangle(
                _clamp_box(x(k), ground - L * 0.44, x(k + 0.12), ground - L * 0.3), fill=GLASS
            )
        d.rectangle(
            _clamp_box(x(0.38), ground - L * 0.44, x(0.47), ground - L * 0.1),
            fill=GLASS,
            outline=trim,
            width=_px(L, 0.008),
        )
        d.rectangle(
            _clamp_box(x(-0.5), ground - L * 0.24, x(0.5), ground - L * 0.2),
            fill=lighten(body, 0.5),
        )
        wheels = (-0.32, 0.28)
    elif kind == "truck":
        d.rectangle(
            _clamp_box(x(-0.5), ground - L * 0.56, x(0.14), ground - L * 0.12),
            fill=(236, 236, 240),
            outline=trim,
            width=_px(L, 0.008),
        )
        d.rounded_rectangle(
            _clamp_box(x(0.17), ground - L * 0.44, x(0.5), ground - L * 0.1),
            radius=L * 0.05,
            fill=body,
        )
        d.polygon(
            [
                (x(0.3), ground - L * 0.41),
                (x(0.42), ground - L * 0.41),
                (x(0.47), ground - L * 0.28),
                (x(0.3), ground - L * 0.28),
            ],
            fill=GLASS,
        )
        wheels = (-0.34, -0.16, 0.32)
    else:
        d.polygon(  # the cabin, and its two windows
            [
                (x(-0.33), ground - L * 0.3),
                (x(-0.2), ground - L * 0.48),
                (x(0.13), ground - L * 0.48),
                (x(0.3), ground - L * 0.3),
            ],
            fill=body,
        )
        for k0, k1, slope0, slope1 in ((-0.27, -0.04, 0.07, 0.0), (0.0, 0.24, 0.0, 0.11)):
            d.polygon(
                [
                    (x(k0), ground - L * 0.31),
                    (x(k0 + slope0), ground - L * 0.45),
                    (x(k1 - slope1), ground - L * 0.45),
                    (x(k1), ground - L * 0.31),
                ],
                fill=GLASS,
            )
        d.rounded_rectangle(
            _clamp_box(x(-0.5), ground - L * 0.33, x(0.5), ground - L * 0.09),
            radius=L * 0.06,
            fill=body,
        )
        d.line(
            [(x(-0.02), ground - L * 0.32), (x(-0.02), ground - L * 0.12)],
            fill=trim,
            width=_px(L, 0.008),
        )
        d.rectangle(_clamp_box(x(0.05), ground - L * 0.27, x(0.11), ground - L * 0.255), fill=trim)
        lx, ly = x(0.46), ground - L * 0.25
        d.ellipse(
            [lx - L * 0.035, ly - L * 0.025, lx + L * 0.035, ly + L * 0.025], fill=(255, 225, 110)
        )
        tx = x(-0.48)
        d.rectangle(_clamp_box(tx, ly - L * 0.02, x(-0.455), ly + L * 0.025), fill=(200, 30, 30))
    r = L * 0.1
    for k in wheels:
        wx = x(k)
        d.ellipse([wx - r * 1.15, ground - r * 2.15, wx + r * 1.15, ground + r * 0.15], fill=trim)
        d.ellipse([wx - r, ground - 2 * r, wx + r, ground], fill=INK)
        d.ellipse(
            [wx - r * 0.45, ground - r * 1.45, wx + r * 0.45, ground - r * 0.55],
            fill=(195, 195, 200),
        )


def rocket(
    d: ImageDraw.ImageDraw,
    cx: float,
    top: float,
    length: float,
    body: RGB,
    trim: RGB,
    *,
    flame: bool = True,
) -> float:
    """An upright rocket `length` tall from nose to nozzle: pointed nose, porthole, three fins,
    a flame below. Returns the y of the nozzle."""
    L, half = length, length * 0.13
    nose_end, body_end = top + L * 0.32, top + L * 0.86
    if flame:  # an outer orange and an inner yellow tongue
        for k, colour in ((1.0, (250, 130, 40)), (0.6, (255, 215, 80))):
            y0 = body_end + L * 0.03
            d.polygon(
                [
                    (cx - half * 0.75 * k, y0),
                    (cx + half * 0.75 * k, y0),
                    (cx + half * 0.3 * k, y0 + L * (0.1 + 0.2 * k)),
                    (cx, y0 + L * (0.14 + 0.3 * k)),
                    (cx - half * 0.3 * k, y0 + L * (0.1 + 0.2 * k)),
                ],
                fill=colour,
            )
    for side in (-1, 1):  # the fins either side
        d.polygon(
            [
                (cx + side * half, body_end - L * 0.26),
                (cx + side * (half + L * 0.15), body_end),
                (cx + side * (half + L * 0.15), body_end + L * 0.08),
                (cx + side * half, body_end - L * 0.02),
            ],
            fill=trim,
        )
    d.polygon(
        [
            (cx - half * 0.55, body_end),
            (cx + half * 0.55, body_end),
            (cx + half * 0.7, body_end + L * 0.05),
            (cx - half * 0.7, body_end + L * 0.05),
        ],
        fill=INK,
    )
    d.rectangle([cx - half, nose_end - 1, cx + half, body_end], fill=body)
    steps = 12
    d.polygon(
        [
            (cx - half * math.sqrt(i / steps), top + (nose_end - top) * i / steps)
            for i in range(steps + 1)
        ]
        + [
            (cx + half * math.sqrt(i / steps), top + (nose_end - top) * i / steps)
            for i in range(steps, -1, -1)
        ],
        fill=trim,
    )
    d.rectangle(
        [cx - half * 0.14, body_end - L * 0.22, cx + half * 0.14, body_end + L * 0.08],
        fill=darken(trim, 0.15),
    )
    d.rectangle([cx + half * 0.45, nose_end, cx + half, body_end], fill=darken(body, 0.12))
    pr, py = half * 0.55, top + L * 0.46
    d.ellipse(
        [cx - pr, py - pr, cx + pr, py + pr],
        fill=GLASS,
        outline=lighten(trim, 0.2) if trim != body else darken(body, 0.3),
        width=_px(L, 0.018),
    )
    d.ellipse([cx - pr * 0.5, py - pr * 0.55, cx - pr * 0.1, py - pr * 0.15], fill=WHITE)
    return body_end + L * 0.05


def fish(
    d: ImageDraw.ImageDraw, cx: float, cy: float, length: float, colour: RGB, *, facing: int = 1
) -> None:
    """A fish `length` long from tail to nose: forked tail, fins, two pale stripes, an eye."""

    def x(k: float) -> float:
        return cx + facing * k * length

    L = length
    fin = darken(colour, 0.2)
    d.polygon(
        [(x(-0.26), cy), (x(-0.5), cy - L * 0.2), (x(-0.42), cy), (x(-0.5), cy + L * 0.2)],
        fill=fin,
    )
    d.polygon(
        [(x(-0.14), cy - L * 0.14), (x(-0.02), cy - L * 0.29), (x(0.16), cy - L * 0.15)], fill=fin
    )
    d.polygon(
        [(x(-0.06), cy + L * 0.15), (x(0.02), cy + L * 0.26), (x(0.1), cy + L * 0.15)], fill=fin
    )
    d.ellipse(_clamp_box(x(-0.32), cy - L * 0.2, x(0.42), cy + L * 0.2), fill=colour)
    for k, ry in ((0.14, 0.17), (-0.1, 0.16)):
        d.polygon(_oval(x(k), cy, L * 0.035, L * ry, 8 * facing), fill=lighten(colour, 0.6))
    d.arc(
        _clamp_box(x(0.12), cy - L * 0.12, x(0.28), cy + L * 0.12),
        -70 if facing > 0 else 110,
        70 if facing > 0 else 250,
        fill=fin,
        width=_px(L, 0.015),
    )
    ex, ey, er = x(0.3), cy - L * 0.05, L * 0.045
    d.ellipse([ex - er, ey - er, ex + er, ey + er], fill=WHITE)
    d.ellipse([ex - er * 0.5, ey - er * 0.5, ex + er * 0.5, ey + er * 0.5], fill=INK)


def bubbles(d: ImageDraw.ImageDraw, x: float, y: float, size: float, count: int) -> None:
    """A rising string of bubbles above (x, y)."""
    for i in range(count):
        r = size * (0.25 + 0.2 * (i % 2))
        by = y - size * (1.2 + i * 1.5)
        bx = x + size * 0.5 * math.sin(i * 1.7)
        d.ellipse(
            [bx - r, by - r, bx + r, by + r],
            outline=(215, 235, 252),
            width=max(1, round(r / 3)),
        )


def seaweed(d: ImageDraw.ImageDraw, x: float, bottom: float, height: float, colour: RGB) -> None:
    """A frond swaying up from the sea floor."""
    pts = [
        (x + math.sin(t * 5) * height * 0.06, bottom - height * t)
        for t in (i / 12 for i in range(13))
    ]
    d.line(pts, fill=colour, width=_px(height, 0.07), joint="curve")


def castle(
    d: ImageDraw.ImageDraw, cx: float, ground: float, width: float, wall: RGB, roof: RGB
) -> None:
    """A castle `width` wide: a crenellated curtain wall with an arched gate, a square keep, two
    round towers with pointed roofs and pennants."""
    W = width
    shade = darken(wall, 0.15)

    def merlons(x0: float, x1: float, y: float, colour: RGB) -> None:
        count = max(3, round((x1 - x0) / (W * 0.05)))
        step = (x1 - x0) / count
        for i in range(0, count, 2):
            d.rectangle([x0 + i * step, y - W * 0.04, x0 + (i + 1) * step, y], fill=colour)

    keep_top = ground - W * 0.58
    d.rectangle([cx - W * 0.14, keep_top, cx + W * 0.14, ground], fill=shade)
    merlons(cx - W * 0.14, cx + W * 0.14, keep_top, shade)
    wall_top = ground - W * 0.3
    d.rectangle([cx - W * 0.36, wall_top, cx + W * 0.36, ground], fill=wall)
    merlons(cx - W * 0.36, cx + W * 0.36, wall_top, wall)
    for side in (-1, 1):
        tx = cx + side * W * 0.4
        tower_top = ground - W * 0.5
        d.rectangle([tx - W * 0.085, tower_top, tx + W * 0.085, ground], fill=wall)
        d.rectangle([tx + W * 0.035, tower_top, tx + W * 0.085, ground], fill=darken(wall, 0.12))
        d.polygon(
            [(tx - W * 0.11, tower_top), (tx, tower_top - W * 0.24), (tx + W * 0.11, tower_top)],
            fill=roof,
        )
        pole_top = tower_top - W * 0.33
        d.line([(tx, tower_top - W * 0.22), (tx, pole_top)], fill=INK, width=_px(W, 0.008))
        d.polygon(
            [
                (tx, pole_top),
                (tx + side * W * 0.08, pole_top + W * 0.025),
                (tx, pole_top + W * 0.05),
            ],
            fill=lighten(roof, 0.25),
        )
        for wy in (0.36, 0.2):
            d.rounded_rectangle(
                [tx - W * 0.018, ground - W * wy - W * 0.05, tx + W * 0.018, ground - W * wy],
                radius=W * 0.018,
                fill=INK,
            )
    for k in (-0.06, 0.06):
        d.rounded_rectangle(
            [
                cx + k * W - W * 0.02,
                keep_top + W * 0.08,
                cx + k * W + W * 0.02,
                keep_top + W * 0.16,
            ],
            radius=W * 0.02,
            fill=INK,
        )
    gate_w, gate_h = W * 0.14, W * 0.2
    d.rectangle([cx - gate_w / 2, ground - gate_h + gate_w / 2, cx + gate_w / 2, ground], fill=INK)
    d.pieslice(
        [cx - gate_w / 2, ground - gate_h, cx + gate_w / 2, ground - gate_h + gate_w],
        180,
        360,
        fill=INK,
    )
    for k in (-0.25, 0.0, 0.25):  # the portcullis
        gx = cx + gate_w * k
        d.line(
            [(gx, ground - gate_h + gate_w * 0.2), (gx, ground)],
            fill=(120, 110, 100),
            width=_px(W, 0.006),
        )


def bicycle(d: ImageDraw.ImageDraw, cx: float, ground: float, size: float, frame: RGB) -> Box:
    """A bicycle `size` long, side on: spoked wheels, a diamond frame, saddle and handlebars.
    Returns the saddle (a box a rider can sit on)."""
    s = size
    r = s * 0.21
    rear, front = (cx - s * 0.3, ground - r), (cx + s * 0.3, ground - r)
    crank = (cx - s * 0.05, ground - r * 0.95)
    seat_joint = (cx - s * 0.12, ground - r - s * 0.27)
    seat = (cx - s * 0.14, ground - r - s * 0.34)
    head = (cx + s * 0.2, ground - r - s * 0.28)
    tyre = _px(s, 0.03) + 1
    spoke = _px(s, 0.006)
    for hx, hy in (rear, front):
        for i in range(8):
            a = i * math.pi / 8
            d.line(
                [
                    (hx - math.cos(a) * r, hy - math.sin(a) * r),
                    (hx + math.cos(a) * r, hy + math.sin(a) * r),
                ],
                fill=(150, 150, 158),
                width=spoke,
            )
        d.ellipse([hx - r, hy - r, hx + r, hy + r], outline=INK, width=tyre)
        hub = s * 0.02
        d.ellipse([hx - hub, hy - hub, hx + hub, hy + hub], fill=INK)
    width = _px(s, 0.035) + 1
    for a, b in (
        (rear, crank),
        (rear, seat_joint),
        (crank, seat_joint),
        (seat_joint, head),
        (crank, head),
        (head, front),
    ):
        d.line([a, b], fill=frame, width=width)
    d.line([seat_joint, seat], fill=INK, width=_px(s, 0.025))
    d.polygon(
        [
            (seat[0] - s * 0.08, seat[1] - s * 0.02),
            (seat[0] + s * 0.06, seat[1] - s * 0.015),
            (seat[0] + s * 0.03, seat[1] + s * 0.02),
            (seat[0] - s * 0.07, seat[1] + s * 0.015),
        ],
        fill=INK,
    )
    bar = (head[0] - s * 0.02, head[1] - s * 0.09)
    d.line(
        [head, bar, (bar[0] - s * 0.09, bar[1] + s * 0.01)],
        fill=INK,
        width=_px(s, 0.025),
        joint="curve",
    )
    cr = s * 0.045
    d.ellipse([crank[0] - cr, crank[1] - cr, crank[0] + cr, crank[1] + cr], fill=darken(frame, 0.3))
    d.line([crank, (crank[0] + s * 0.05, crank[1] + s * 0.05)], fill=INK, width=_px(s, 0.02))
    return (seat[0] - s * 0.4, seat[1] - s * 0.02, seat[0] + s * 0.4, seat[1])


def hot_air_balloon(
    d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, colour: RGB, stripe: RGB
) -> None:
    """A hot-air balloon `size` wide, its envelope's widest point at (cx, cy): striped gores
    narrowing to the mouth, ropes and a wicker basket below."""
    R, mouth_y, m = size * 0.5, cy + size * 0.7, size * 0.13
    ys = [cy - R + 2 * R * i / 30 for i in range(16)]
    ys += [cy + (mouth_y - cy) * i / 12 for i in range(1, 13)]

    def half(y: float) -> float:
        if y <= cy:
            return R * math.sqrt(max(0.0, 1 - ((cy - y) / R) ** 2))
        t = (y - cy) / (mouth_y - cy)
        return m + (R - m) * math.cos(t * math.pi / 2)

    def gore(k0: float, k1: float) -> list[Point]:
        return [(cx + half(y) * k0, y) for y in ys] + [(cx + half(y) * k1, y) for y in reversed(ys)]

    edges = [math.sin(a) for a in (-math.pi / 2 + i * math.pi / 6 for i in range(7))]
    for i in range(6):  # gores in turn; the right-hand one in shade, so the envelope looks round
        fill = colour if i % 2 == 0 else stripe
        d.polygon(gore(edges[i], edges[i + 1]), fill=darken(fill, 0.14) if i == 5 else fill)
    basket_top, basket_w = mouth_y + size * 0.14, size * 0.11
    rope = _px(size, 0.01)
    for side in (-1, 1):
        d.line(
            [(cx + side * m, mouth_y), (cx + side * basket_w * 0.9, basket_top)],
            fill=INK,
            width=rope,
        )
    d.rectangle([cx - m, mouth_y - size * 0.03, cx + m, mouth_y], fill=darken(colour, 0.3))
    d.rectangle(
        [cx - basket_w, basket_top, cx + basket_w, basket_top + size * 0.13], fill=(160, 110, 60)
    )
    d.line(
        [(cx - basket_w, basket_top + size * 0.04), (cx + basket_w, basket_top + size * 0.04)],
        fill=(120, 80, 40),
        width=_px(size, 0.015),
    )


def party_balloon(
    d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: RGB, string_to: float
) -> None:
    """A toy balloon of radius r on a wavy string that hangs down to `string_to`."""
    bottom = cy + r * 1.2
    pts = [
        (cx + math.sin(t * 9) * r * 0.12, bottom + (string_to - bottom) * t)
        for t in (i / 16 for i in range(17))
    ]
    d.line(pts, fill=(90, 90, 95), width=_px(r, 0.04) + 1)
    d.polygon(
        [
            (cx, bottom - r * 0.05),
            (cx - r * 0.14, bottom + r * 0.14),
            (cx + r * 0.14, bottom + r * 0.14),
        ],
        fill=darken(colour, 0.15),
    )
    d.ellipse([cx - r, cy - r * 1.2, cx + r, bottom], fill=colour)
    d.polygon(_oval(cx - r * 0.4, cy - r * 0.5, r * 0.14, r * 0.28, 25), fill=lighten(colour, 0.5))


def butterfly(
    d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, colour: RGB, *, tilt: float = 0
) -> None:
    """A butterfly `size` across its wings: four wings with dark edges and pale spots, a slim
    body and two antennae."""
    s = size
    edge = darken(colour, 0.55)
    for side in (-1, 1):
        for ox, oy, rx, ry, angle in ((0.25, -0.14, 0.27, 0.19, -35), (0.17, 0.17, 0.17, 0.13, 30)):
            wx, wy = cx + side * s * ox, cy + s * oy
            d.polygon(_oval(wx, wy, s * rx, s * ry, side * angle + tilt), fill=edge)
            d.polygon(_oval(wx, wy, s * rx * 0.8, s * ry * 0.76, side * angle + tilt), fill=colour)
        for ox, oy, rr in ((0.36, -0.2, 0.035), (0.27, -0.07, 0.028), (0.2, 0.2, 0.03)):
            px, py = cx + side * s * ox, cy + s * oy
            d.ellipse(
                [px - s * rr, py - s * rr, px + s * rr, py + s * rr], fill=lighten(colour, 0.7)
            )
        d.line(
            [
                (cx, cy - s * 0.2),
                (cx + side * s * 0.06, cy - s * 0.34),
                (cx + side * s * 0.11, cy - s * 0.4),
            ],
            fill=INK,
            width=_px(s, 0.012),
            joint="curve",
        )
        kx, ky, kr = cx + side * s * 0.11, cy - s * 0.4, s * 0.018
        d.ellipse([kx - kr, ky - kr, kx + kr, ky + kr], fill=INK)
    d.ellipse([cx - s * 0.035, cy - s * 0.22, cx + s * 0.035, cy + s * 0.24], fill=INK)


def cup(
    d: ImageDraw.ImageDraw,
    cx: float,
    base: float,
    size: float,
    colour: RGB,
    drink: RGB,
    *,
    mug: bool = False,
    steam: bool = True,
) -> None:
    """A cup on a saucer (or a mug) `size` tall, filled with `drink`, steam rising from it."""
    s = size
    outline = darken(colour, 0.35)
    line = _px(s, 0.012) + 1
    top = base - s * (0.72 if mug else 0.6)
    bottom = base - (0 if mug else s * 0.05)
    top_half = s * (0.3 if mug else 0.36)
    bottom_half = s * (0.3 if mug else 0.24)
    if steam:
        for k in (-0.35, 0.0, 0.35):
            sx = cx + top_half * k
            pts = [
                (sx + math.sin(t * 6.5 + k * 3) * s * 0.05, top - s * 0.1 - s * 0.4 * t)
                for t in (i / 12 for i in range(13))
            ]
            d.line(pts, fill=(178, 178, 188), width=_px(s, 0.03), joint="curve")
    if not mug:
        d.ellipse(
            [cx - s * 0.58, base - s * 0.1, cx + s * 0.58, base + s * 0.06],
            fill=darken(colour, 0.06),
            outline=outline,
            width=line,
        )
    hy0, hy1 = top + s * (0.1 if mug else 0.08), top + s * (0.5 if mug else 0.36)
    d.ellipse(
        [cx + top_half * 0.7, hy0, cx + top_half + s * 0.22, hy1],
        outline=outline,
        width=_px(s, 0.1) + 2,
    )
    d.ellipse(
        [cx + top_half * 0.7 + line, hy0 + line, cx + top_half + s * 0.22 - line, hy1 - line],
        outline=colour,
        width=_px(s, 0.1) + 2 - 2 * line,
    )
    corner = s * (0.06 if mug else 0.1)
    d.polygon(
        [(cx - top_half, top), (cx + top_half, top), (cx + bottom_half, bottom - corner)]
        + [
            (cx + bottom_half - corner * (1 - math.cos(a)), bottom - corner + corner * math.sin(a))
            for a in (0.5, 1.0, 1.5)
        ]
        + [
            (cx - bottom_half + corner * (1 - math.cos(a)), bottom - corner + corner * math.sin(a))
            for a in (1.5, 1.0, 0.5)
        ]
        + [(cx - bottom_half, bottom - corner)],
        fill=colour,
        outline=outline,
        width=line,
    )
    d.polygon(
        [
            (cx + top_half * 0.5, top),
            (cx + top_half, top),
            (cx + bottom_half, bottom - corner),
            (cx + bottom_half * 0.5, bottom - corner * 0.3),
        ],
        fill=darken(colour, 0.08),
    )
    rim = s * 0.08
    d.ellipse(
        [cx - top_half, top - rim, cx + top_half, top + rim],
        fill=lighten(colour, 0.3),
        outline=outline,
        width=line,
    )
    d.ellipse(
        [cx - top_half * 0.84, top - rim * 0.7, cx + top_half * 0.84, top + rim * 0.7], fill=drink
    )


def open_book(d: ImageDraw.ImageDraw, cx: float, base: float, size: float, cover: RGB) -> None:
    """An open book `size` wide lying on a surface: curved pages with lines of text over a
    coloured cover."""
    W, H = size, size * 0.46
    top = base - H
    paper = (250, 247, 236)

    def edge(side: int, y0: float, n: int = 12) -> list[Point]:
        """A page's top-like edge from the spine (t=0) to the outer side (t=1)."""
        return [
            (cx + side * W * 0.47 * t, y0 + H * 0.14 * (1 - t) - H * 0.12 * math.sin(math.pi * t))
            for t in (i / n for i in range(n + 1))
        ]

    for side in (-1, 1):
        cover_top = [(cx + (px - cx) * 1.08, py) for px, py in edge(side, top + H * 0.1)]
        cover_bottom = [(cx + (px - cx) * 1.08, py) for px, py in edge(side, base + H * 0.08)]
        d.polygon([*cover_top, *reversed(cover_bottom)], fill=cover)
    for side in (-1, 1):
        lower = [(px + side * W * 0.03, py) for px, py in edge(side, base - H * 0.02)]
        d.polygon(edge(side, top + H * 0.06) + list(reversed(lower)), fill=darken(paper, 0.12))
        d.polygon(edge(side, top) + list(reversed(edge(side, base - H * 0.08))), fill=paper)
        for row in range(6):
            y0 = top + H * (0.2 + row * 0.11)
            pts = [p for i, p in enumerate(edge(side, y0)) if 2 <= i <= 10]
            d.line(pts, fill=(170, 165, 155), width=_px(W, 0.008))
    d.line(
        [(cx, top + H * 0.1), (cx, base - H * 0.06)], fill=darken(paper, 0.3), width=_px(W, 0.008)
    )


def book_stack(
    d: ImageDraw.ImageDraw, cx: float, base: float, size: float, colours: list[RGB]
) -> None:
    """Closed books `size` wide lying in a pile, spines towards us, pages showing on one end."""
    y = base
    for i, colour in enumerate(colours):
        bw, bh = size * (1.0 - 0.08 * (i % 3)), size * 0.16
        bx = cx + size * (0.04 if i % 2 else -0.03)
        d.rounded_rectangle([bx - bw / 2, y - bh, bx + bw / 2, y], radius=bh * 0.15, fill=colour)
        d.rectangle(
            [bx + bw / 2 - bw * 0.06, y - bh * 0.85, bx + bw / 2 - bw * 0.015, y - bh * 0.15],
            fill=(250, 247, 236),
        )
        for k in (0.18, 0.3):
            d.line(
                [(bx - bw / 2 + bw * k, y - bh), (bx - bw / 2 + bw * k, y)],
                fill=lighten(colour, 0.45),
                width=_px(size, 0.012),
            )
        y -= bh


def airplane(
    d: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    length: float,
    body: RGB,
    accent: RGB,
    *,
    facing: int = 1,
) -> None:
    """An airliner `length` long seen from the side and a little below: fuselage with windows,
    swept wings, a tail fin in the accent colour."""

    def x(k: float) -> float:
        return cx + facing * k * length

    L = length
    under = darken(body, 0.15)
    d.polygon(  # the far wing, behind the fuselage
        [
            (x(0.06), cy - L * 0.02),
            (x(-0.14), cy - L * 0.22),
            (x(-0.21), cy - L * 0.22),
            (x(-0.1), cy - L * 0.02),
        ],
        fill=under,
    )
    d.polygon(
        [
            (x(-0.3), cy - L * 0.05),
            (x(-0.45), cy - L * 0.27),
            (x(-0.37), cy - L * 0.27),
            (x(-0.18), cy - L * 0.05),
        ],
        fill=accent,
    )
    d.rounded_rectangle(
        _clamp_box(x(-0.38), cy - L * 0.065, x(0.5), cy + L * 0.065), radius=L * 0.065, fill=body
    )
    d.polygon(
        [
            (x(-0.5), cy - L * 0.06),
            (x(-0.3), cy - L * 0.065),
            (x(-0.3), cy + L * 0.065),
            (x(-0.44), cy + L * 0.01),
        ],
        fill=body,
    )
    d.line([(x(-0.46), cy + L * 0.02), (x(0.44), cy + L * 0.02)], fill=accent, width=_px(L, 0.012))
    r = L * 0.011
    for i in range(14):
        wx = x(-0.26 + i * 0.045)
        d.ellipse([wx - r, cy - L * 0.025 - r, wx + r, cy - L * 0.025 + r], fill=(60, 90, 130))
    d.polygon(
        [
            (x(0.43), cy - L * 0.035),
            (x(0.48), cy - L * 0.03),
            (x(0.47), cy - L * 0.01),
            (x(0.42), cy - L * 0.01),
        ],
        fill=(60, 90, 130),
    )
    d.polygon(
        [
            (x(-0.4), cy + L * 0.0),
            (x(-0.5), cy + L * 0.09),
            (x(-0.45), cy + L * 0.09),
            (x(-0.33), cy + L * 0.0),
        ],
        fill=under,
    )
    d.polygon(  # the near wing, swept back and down
        [
            (x(0.1), cy + L * 0.03),
            (x(-0.16), cy + L * 0.3),
            (x(-0.25), cy + L * 0.3),
            (x(-0.1), cy + L * 0.03),
        ],
        fill=under,
    )
    d.rounded_rectangle(
        _clamp_box(x(-0.06), cy + L * 0.08, x(0.06), cy + L * 0.125),
        radius=L * 0.02,
        fill=darken(body, 0.3),
    )


def rainbow(d: ImageDraw.ImageDraw, cx: float, base: float, radius: float) -> None:
    """A rainbow's arc centred on (cx, base), its outer edge `radius` from the centre."""
    band = radius * 0.06
    for i, colour in enumerate(RAINBOW):
        r = radius - i * band
        d.arc(
            [cx - r, base - r, cx + r, base + r],
            180,
            360,
            fill=colour,
            width=math.ceil(band) + 1,
        )
