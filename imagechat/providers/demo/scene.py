"""Turns a prompt into a picture: keywords pick motifs, named colours pick the palette."""

from __future__ import annotations

import random
import re
from typing import Final

from PIL import Image, ImageDraw, ImageOps

from . import motifs, things
from .palette import RGB, Palette, build_palette, colour_near, darken, lighten, mix, shift_hue

KEYWORDS: Final[dict[str, re.Pattern[str]]] = {
    name: re.compile(rf"\b(?:{pattern})\b", re.I)
    for name, pattern in {
        "logo": r"logos?|icons?|emblems?|badges?|brand(?:ing)?|monogram|favicon",
        "night": r"night|stars|starry|space|galaxy|cosmos|midnight|universe|astronaut|nebula",
        "moon": r"moon|lunar|moonlight",
        "sunset": r"sunset|sunrise|dusk|dawn",
        "sun": r"sun|sunny|sunshine|summer|sunset|sunrise|sunlight",
        "cloud": r"clouds?|cloudy|sky|skies|rain|rainy|storm|weather",
        "mountain": r"mountains?|hills?|peaks?|alps|volcano|valley|cliffs?",
        "water": r"sea|ocean|water|lake|river|beach|waves?|coast|harbou?r|pond|boats?|ships?"
        r"|sail\w*|island|seaside",
        "tree": r"trees?|forest|woods|jungle|park|garden|palms?|pines?|orchard",
        "forest": r"forest|woods|jungle|orchard",
        "city": r"city|skyline|downtown|streets?|town|village|skyscrapers?|buildings",
        "house": r"house|home|cottage|cabin|building|barn|hut|farmhouse",
        "interior": r"kitchen|room|interior|office|bedroom|living\s+room|cafe|café|restaurant"
        r"|library|bakery|shop|classroom",
        "cat": r"cats?|kittens?|kitty",
        "dog": r"dogs?|pupp(?:y|ies)|puppy",
        "robot": r"robots?|android|cyborg|bots?|ai|mech",
        "flower": r"flowers?|roses?|tulips?|daisy|daisies|blossoms?|bloom|sunflowers?",
        "heart": r"hearts?|love|valentine",
        "shape": r"square|rectangle|circle|triangle|star|diamond|hexagon|sphere|cube|pyramid"
        r"|ball|ring",
        "desert": r"desert|sand|dunes?",
        "snow": r"snow|snowy|winter|ice|icy|frozen",
    }.items()
}
_FILLER: Final = frozenset(
    "a an the logo logos icon icons emblem badge for of my our with and in "
    "style new simple modern".split()
)
_SUBJECT_AFTER_FOR: Final = re.compile(r"\bfor\s+(?:an?\s+|the\s+|my\s+)?([A-Za-z][\w-]*)", re.I)


def _has(text: str, key: str) -> bool:
    return bool(KEYWORDS[key].search(text))


def _night(text: str) -> bool:
    """A night sky: asked for, or a rocket with no daylight named (it flies among the stars)."""
    return _has(text, "night") or (
        things.has(text, "rocket") and not _has(text, "sun") and not _has(text, "cloud")
    )


def _watery(text: str) -> bool:
    return _has(text, "water") or things.wants_water(text)


def _underwater(text: str) -> bool:
    """Under the sea, or a fish with no other water named: the sea fills most of the picture."""
    if things.has(text, "underwater"):
        return True
    return (
        things.has(text, "fish") and not _has(text, "water") and not things.has(text, "lighthouse")
    )


def _in_space(text: str) -> bool:
    """A rocket among the stars with nothing on the ground: no ground is drawn (unless it is
    being launched)."""
    grounded = ("tree", "house", "city", "cat", "dog", "flower", "desert", "snow", "mountain")
    return (
        things.has(text, "rocket")
        and _night(text)
        and not _watery(text)
        and not things.wants_land(text)
        and not any(_has(text, k) for k in grounded)
        and not re.search(r"\blaunch|\blift[\s-]?off|\btake[\s-]?off|\bpad\b", text, re.I)
    )


def _gradient(w: int, h: int, top: RGB, bottom: RGB) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((w, h))
    return ImageOps.colorize(ramp, top, bottom).convert("RGBA")


def _varied(palette: Palette, index: int) -> Palette:
    """Variation n of a palette: a small hue turn, so the colours named stay recognisable."""
    if index == 0:
        return palette
    turn = ((index * 7) % 25 - 12) if palette.named else (index * 23) % 90 - 45
    return Palette(
        *(
            shift_hue(c, turn)
            for c in (
                palette.sky_top,
                palette.sky_bottom,
                palette.primary,
                palette.secondary,
                palette.accent,
            )
        ),
        named=palette.named,
    )


def _background(text: str, w: int, h: int, pal: Palette) -> Image.Image:
    if _night(text) or (_has(text, "moon") and not _has(text, "sun")):
        return _gradient(w, h, (10, 14, 40), (45, 40, 100))
    if _has(text, "sunset") and not pal.named:
        return _gradient(w, h, (255, 170, 90), (190, 70, 120))
    return _gradient(w, h, pal.sky_top, pal.sky_bottom)


def _logo(
    d: ImageDraw.ImageDraw, text: str, w: int, h: int, pal: Palette, rng: random.Random
) -> None:
    cx, cy, r = w / 2, h * 0.4, min(w, h) * rng.uniform(0.25, 0.3)
    if rng.random() < 0.5:
        d.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            fill=pal.primary,
            outline=pal.secondary,
            width=max(3, int(r / 12)),
        )
    else:
        d.rounded_rectangle(
            [cx - r, cy - r, cx + r, cy + r],
            radius=r * 0.3,
            fill=pal.primary,
            outline=pal.secondary,
            width=max(3, int(r / 12)),
        )
    ink = lighten(pal.accent, 0.6) if sum(pal.primary) < 500 else darken(pal.secondary, 0.3)
    inner = (cx - r * 0.6, cy - r * 0.6, cx + r * 0.6, cy + r * 0.6)
    if _has(text, "cloud"):
        motifs.cloud(d, cx, cy + r * 0.05, r * 0.5, ink)
    elif _has(text, "sun"):
        motifs.sun(d, cx, cy, r * 0.3, ink)
    elif _has(text, "mountain"):
        d.polygon(
            [
                (cx - r * 0.6, cy + r * 0.4),
                (cx - r * 0.1, cy - r * 0.45),
                (cx + r * 0.2, cy),
                (cx + r * 0.35, cy - r * 0.2),
                (cx + r * 0.6, cy + r * 0.4),
            ],
            fill=ink,
        )
    elif _has(text, "tree"):
        motifs.tree(d, cx, cy + r * 0.5, r * 1.0, ink, pine=True)
    elif _has(text, "cat"):
        motifs.cat(d, inner, ink)
    elif _has(text, "dog"):
        motifs.dog(d, inner, ink)
    elif _has(text, "robot"):
        motifs.robot(d, inner, ink, pal.accent)
    elif _has(text, "heart"):
        motifs.heart(d, cx, cy, r * 0.45, ink)
    elif _has(text, "flower"):
        motifs.flower(d, cx, cy, r * 0.45, ink, pal.accent)
    elif not things.draw_icon(d, text, inner, ink, pal.accent):
        named = _SUBJECT_AFTER_FOR.search(text)
        words = (
            [named.group(1)]
            if named
            else [word for word in re.findall(r"[A-Za-z]+", text) if word.lower() not in _FILLER]
        )
        motifs.monogram(d, cx, cy, r * 1.1, (words[0][0] if words else "A").upper(), ink)
    for i in range(3):  # a small tagline bar under the badge
        y = cy + r * 1.2 + i * r * 0.14
        half = r * (0.9 - i * 0.25)
        d.rounded_rectangle(
            [cx - half, y, cx + half, y + r * 0.07],
            radius=r * 0.03,
            fill=darken(pal.secondary, 0.1 * i),
        )


def _landscape(
    d: ImageDraw.ImageDraw, text: str, w: int, h: int, pal: Palette, rng: random.Random
) -> float | None:
    """Sky, land and water motifs; returns the ground line, or None if nothing was drawn."""
    drew = False
    horizon = h * rng.uniform(0.56, 0.66)
    if _underwater(text):
        horizon *= 0.38  # a strip of sky over a deep sea
    night = _night(text)
    if night:
        motifs.stars(d, w, h if _in_space(text) else horizon, 60 + rng.randint(0, 60), rng)
        drew = True
    if _has(text, "moon") or (night and not _has(text, "sun")):
        motifs.moon(
            d,
            w * rng.uniform(0.6, 0.85),
            h * rng.uniform(0.14, 0.26),
            min(w, h) * 0.08,
            (245, 240, 210),
        )
        drew = True
    elif _has(text, "sun"):
        low = _has(text, "sunset")
        motifs.sun(
            d,
            w * rng.uniform(0.2, 0.8),
            horizon - h * 0.25 if low else h * rng.uniform(0.14, 0.24),
            min(w, h) * (0.1 if low else 0.07),
            pal.primary if pal.named else (255, 200, 60),
        )
        drew = True
    if things.has(text, "rainbow"):  # from a stream of its own: the rest stays where it was
        arc = random.Random(round(horizon * 1000))
        centre = w * arc.uniform(0.42, 0.58)
        radius = min(w * arc.uniform(0.36, 0.46), centre - w * 0.02, w * 0.98 - centre)
        motifs.rainbow(d, centre, horizon + h * 0.04, radius)
        drew = True
    if _has(text, "cloud") or things.wants_clouds(text):
        for _ in range(rng.randint(2, 4)):
            motifs.cloud(
                d,
                rng.uniform(0.1, 0.9) * w,
                rng.uniform(0.1, 0.35) * h,
                min(w, h) * rng.uniform(0.07, 0.12),
                (250, 250, 252, 235),
            )
        drew = True
    if _has(text, "mountain"):
        cols = [
            darken(pal.secondary, 0.1),
            mix(pal.secondary, pal.primary, 0.4),
            darken(pal.primary, 0.25),
        ]
        motifs.mountains(d, w, horizon, h * 0.4, cols, rng)
        drew = True
    land = ("tree", "house", "city", "cat", "dog", "flower", "robot", "desert", "snow")
    if _watery(text):
        motifs.waves(d, w, horizon, h, darken(mix((40, 110, 200), pal.primary, 0.3), 0.1), rng)
        if horizon < h * 0.4:  # under the sea: seaweed on the floor (its own stream, as above)
            fronds = random.Random(round(horizon * 1000) + 1)
            for _ in range(fronds.randint(3, 5)):
                motifs.seaweed(
                    d,
                    fronds.uniform(0.05, 0.95) * w,
                    h,
                    h * fronds.uniform(0.2, 0.32),
                    (40, 130, 80),
                )
        drew = True
    elif _in_space(text):
        return None  # stars all the way down: nothing stands on the ground
    elif drew or any(_has(text, k) for k in land) or things.wants_land(text):
        ground: RGB = (
            (235, 200, 130)
            if _has(text, "desert")
            else (240, 244, 250)
            if _has(text, "snow")
            else (90, 160, 80)
        )
        if pal.named:
            ground = mix(ground, pal.secondary, 0.35)
        d.rectangle([0, horizon, w, h], fill=ground)
        drew = True
    if _has(text, "tree"):
        leaf = colour_near(text, KEYWORDS["tree"].pattern) or (50, 140, 70)
        count = rng.randint(7, 12) if _has(text, "forest") else rng.randint(1, 3)
        for _ in range(count):
            size = h * rng.uniform(0.18, 0.32)
            motifs.tree(
                d,
                rng.uniform(0.04, 0.96) * w,
                horizon + rng.uniform(0, h * 0.12),
                size,
                darken(leaf, rng.uniform(0, 0.2)),
                pine=rng.random() < 0.5,
            )
        drew = True
    if _has(text, "city"):
        x = -rng.uniform(0, w * 0.05)
        while x < w:
            bw = w * rng.uniform(0.1, 0.18)
            top = horizon - h * rng.uniform(0.15, 0.45)
            colour = darken(mix(pal.secondary, (90, 100, 130), 0.5), rng.uniform(0, 0.3))
            motifs.building(d, (x, top, x + bw, horizon), colour, rng)
            x += bw + w * rng.uniform(0.0, 0.03)
    elif _has(re.sub(r"light\s+house", "", text, flags=re.I), "house"):
        hw = w * rng.uniform(0.28, 0.36)
        x0 = w * rng.uniform(0.15, 0.55)
        wall = colour_near(text, KEYWORDS["house"].pattern) or lighten(pal.primary, 0.35)
        motifs.house(
            d,
            (x0, horizon - hw * 0.9, x0 + hw, horizon + h * 0.05),
            wall,
            darken(pal.secondary, 0.1),
        )
    return horizon if drew else None


_SUBJECT_KEYS: Final = ("cat", "dog", "robot", "flower", "heart", "shape")
_RIDERS: Final = ("cat", "dog", "robot")  # these can sit in a boat or on a bicycle
_SUBJECT_DEFAULTS: Final[dict[str, RGB]] = {
    "cat": (230, 150, 70),
    "dog": (170, 120, 70),
    "robot": (170, 180, 195),
    "flower": (235, 90, 130),
    "heart": (220, 50, 80),
    "shape": (72, 99, 222),
}


def _subject_keys(text: str) -> list[str]:
    keys = [k for k in _SUBJECT_KEYS if k != "shape" and _has(text, k)]
    shapes = dict.fromkeys(m.group(0).lower() for m in KEYWORDS["shape"].finditer(text))
    return (keys + [f"shape:{name}" for name in shapes])[:3]


def _subjects(
    d: ImageDraw.ImageDraw,
    text: str,
    w: int,
    h: int,
    pal: Palette,
    rng: random.Random,
    ground: float | None,
    stage: things.Stage | None = None,
) -> bool:
    """Cats, robots, flowers, shapes…: big in the middle, or standing on the ground (in the
    places the things left free; a cat or dog on a boat's deck or a bicycle's saddle)."""
    keys = _subject_keys(text)
    scale = 0.3 if ground is not None else (0.55 if len(keys) == 1 else 0.34)
    slots = iter(stage.slots or ()) if stage is not None else iter(())
    perch = stage.perch if stage is not None else None
    for i, key in enumerate(keys):
        size = min(w, h) * scale * rng.uniform(0.9, 1.1)
        slot = (i + 0.5) / len(keys)
        cx = w * (rng.uniform(0.3, 0.7) if len(keys) == 1 and ground is not None else slot)
        bottom = (ground + h * 0.08) if ground is not None else h * 0.5 + size / 2
        if perch is not None and key in _RIDERS:  # aboard, sized to the seat
            x0, _, x1, seat_y = perch
            size, cx, bottom = (x1 - x0) * 0.55, (x0 + x1) / 2, seat_y + (x1 - x0) * 0.04
            perch = None
        elif (free := next(slots, None)) is not None:
            cx = w * free
        box = (cx - size / 2, bottom - size, cx + size / 2, bottom)
        kind, _, shape = key.partition(":")
        near = (
            colour_near(text, re.escape(shape))
            if shape
            else colour_near(text, KEYWORDS[key].pattern)
        )
        colour = near or (pal.cycle(i) if pal.named else _SUBJECT_DEFAULTS[kind])
        if key == "cat":
            motifs.cat(d, box, colour)
        elif key == "dog":
            motifs.dog(d, box, colour)
        elif key == "robot":
            motifs.robot(d, box, colour, pal.accent)
        elif key == "flower":
            for j in range(rng.randint(1, 4) if ground is not None else 1):
                motifs.flower(
                    d,
                    cx + (j - 1) * size * 0.45,
                    bottom - size * 0.7,
                    size * 0.25,
                    colour if j % 2 == 0 else pal.accent,
                    (250, 210, 60),
                    stem_to=bottom,
                )
        elif key == "heart":
            motifs.heart(d, cx, bottom - size / 2, size / 2, colour)
        else:
            motifs.geometric(d, shape, cx, bottom - size / 2, size / 2, colour, darken(colour, 0.4))
    return bool(keys)


def draw_scene(
    prompt: str, width: int, height: int, *, seed: int, index: int, transparent: bool = False
) -> Image.Image:
    """An RGBA picture of the prompt at (width, height); variation `index` moves things about."""
    text = prompt
    palette = _varied(build_palette(text, random.Random(seed)), index)
    rng = random.Random(seed * 1009 + index * 7919)
    # things draw from a stream of their own, so naming one leaves the rest of the scene as it was
    thing_rng = random.Random(seed * 2027 + index * 104729 + 1)
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer, "RGBA")
    if _has(text, "logo"):
        _logo(d, text, width, height, palette, rng)
    elif _has(text, "interior") and not _has(text, "house"):
        motifs.interior(
            d, width, height, lighten(palette.sky_top, 0.2), (170, 120, 80), palette.primary
        )
        stage = things.draw_things(
            layer,
            text,
            palette,
            thing_rng,
            height * 0.72,
            water=False,
            night=False,
            subjects=len(_subject_keys(text)),
            counter=height * 0.545,
        )
        _subjects(d, text, width, height, palette, rng, height * 0.72, stage)
    else:
        ground = _landscape(d, text, width, height, palette, rng)
        stage = things.draw_things(
            layer,
            text,
            palette,
            thing_rng,
            ground,
            water=ground is not None and _watery(text),
            night=_night(text),
            subjects=len(_subject_keys(text)),
            riders=sum(k in _RIDERS for k in _subject_keys(text)),
        )
        drew = _subjects(d, text, width, height, palette, rng, stage.ground, stage)
        if not drew and stage.ground is None and not stage.drew:
            motifs.abstract(
                d, width, height, [palette.primary, palette.secondary, palette.accent], rng
            )
    if transparent:
        return layer
    backdrop = (
        _gradient(width, height, lighten(palette.sky_top, 0.5), palette.sky_top)
        if _has(text, "logo") or _has(text, "interior")
        else _background(text, width, height, palette)
    )
    if _has(text, "interior") and not _has(text, "logo"):
        backdrop = _gradient(
            width, height, lighten(palette.sky_top, 0.3), mix(palette.sky_top, (200, 170, 130), 0.4)
        )
    backdrop.alpha_composite(layer)
    return backdrop
