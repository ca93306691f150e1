"""Colours for the demo pictures: the ones a prompt names, or a fitting default."""

from __future__ import annotations

import colorsys
import random
import re
from dataclasses import dataclass
from typing import Final

RGB = tuple[int, int, int]

COLOURS: Final[dict[str, RGB]] = {
    "red": (214, 40, 40),
    "crimson": (190, 20, 50),
    "scarlet": (230, 36, 20),
    "maroon": (128, 20, 30),
    "orange": (245, 130, 30),
    "amber": (255, 176, 20),
    "yellow": (246, 210, 40),
    "gold": (222, 170, 40),
    "golden": (226, 176, 48),
    "green": (46, 160, 67),
    "emerald": (20, 150, 100),
    "lime": (150, 220, 50),
    "olive": (120, 130, 40),
    "mint": (150, 230, 190),
    "teal": (20, 140, 140),
    "cyan": (40, 200, 220),
    "turquoise": (50, 210, 200),
    "aqua": (60, 220, 230),
    "blue": (40, 90, 210),
    "navy": (20, 35, 100),
    "azure": (60, 150, 240),
    "sky blue": (110, 180, 240),
    "cobalt": (20, 70, 170),
    "indigo": (70, 40, 150),
    "purple": (130, 50, 180),
    "violet": (150, 80, 210),
    "lavender": (190, 160, 230),
    "lilac": (200, 160, 220),
    "magenta": (210, 40, 160),
    "pink": (240, 120, 170),
    "rose": (230, 90, 120),
    "coral": (250, 120, 90),
    "peach": (250, 180, 140),
    "brown": (130, 80, 40),
    "chocolate": (100, 55, 25),
    "beige": (225, 205, 170),
    "tan": (200, 160, 110),
    "cream": (245, 235, 210),
    "black": (25, 25, 30),
    "white": (245, 245, 245),
    "grey": (130, 130, 135),
    "gray": (130, 130, 135),
    "silver": (190, 195, 200),
    "charcoal": (55, 58, 64),
    "bronze": (170, 110, 50),
    "copper": (185, 100, 55),
}
_COLOUR_RE: Final = re.compile(
    r"\b(?:(?P<mod>light|dark|pale|deep|bright|soft|neon)[\s-]+)?(?P<name>"
    + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True))
    + r")\b",
    re.I,
)
_BACKGROUND_COLOUR_RE: Final = re.compile(
    r"\b(?P<name>"
    + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True))
    + r")\s+(?:background|backdrop|sky|wall|walls)\b|\bon\s+(?:an?\s+)?(?P<on>"
    + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True))
    + r")\b",
    re.I,
)

# Default palettes by scene word, and a few pleasant ones picked by seed otherwise.
SCENE_PALETTES: Final[tuple[tuple[str, tuple[RGB, RGB, RGB]], ...]] = (
    (r"sunset|sunrise|dusk|dawn|autumn|fall", ((250, 140, 70), (200, 70, 110), (255, 210, 90))),
    (
        r"night|space|galaxy|star|cosmos|midnight|moon|rocket",
        ((25, 30, 80), (70, 50, 140), (240, 230, 160)),
    ),
    (
        r"sea|ocean|water|lake|beach|river|wave|harbou?r|lighthouse|boat|ship|yacht|sail|\w*fish"
        r"|seagull|canoe|kayak|ferry|underwater|aquarium",
        ((60, 150, 220), (20, 90, 160), (240, 220, 160)),
    ),
    (
        r"forest|tree|jungle|garden|park|grass|meadow|castle|palace|bicycle|bike|butterfl|cars?\b"
        r"|truck|bus\b|taxi",
        ((120, 190, 230), (40, 130, 60), (200, 160, 80)),
    ),
    (r"snow|winter|ice|frost", ((200, 225, 245), (120, 160, 210), (250, 250, 255))),
    (r"desert|sand|dune", ((250, 215, 150), (210, 150, 80), (120, 170, 220))),
    (
        r"kitchen|house|home|room|interior|cabin|cafe|bakery|coffee|cups?\b|mugs?\b|tea\b|book"
        r"|librar|latte|cappuccino",
        ((235, 225, 205), (170, 120, 80), (90, 140, 160)),
    ),
    (
        r"city|building|skyline|street|tower|office",
        ((150, 180, 215), (80, 90, 120), (250, 200, 90)),
    ),
    (
        r"cloud|sky|storage|weather|balloon|air\s?plane|aeroplane|plane\b|jet\b|bird|rainbow",
        ((150, 200, 245), (60, 120, 200), (250, 250, 255)),
    ),
    (r"robot|tech|ai|computer|cyber", ((40, 50, 70), (70, 170, 220), (240, 120, 60))),
)
DEFAULT_PALETTES: Final[tuple[tuple[RGB, RGB, RGB], ...]] = (
    ((72, 99, 222), (240, 120, 160), (250, 210, 90)),
    ((30, 140, 130), (240, 170, 60), (235, 90, 80)),
    ((110, 60, 170), (60, 180, 220), (250, 230, 120)),
    ((230, 100, 70), (50, 80, 140), (240, 220, 180)),
    ((40, 160, 100), (250, 200, 60), (80, 60, 140)),
)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """a blended towards b by t (0..1)."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def lighten(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def darken(c: RGB, t: float) -> RGB:
    return mix(c, (0, 0, 0), t)


def shift_hue(c: RGB, degrees: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(c[0] / 255, c[1] / 255, c[2] / 255)
    r, g, b = colorsys.hsv_to_rgb((h + degrees / 360) % 1.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


def saturate(c: RGB, factor: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(c[0] / 255, c[1] / 255, c[2] / 255)
    r, g, b = colorsys.hsv_to_rgb(h, min(1.0, s * factor), v)
    return (round(r * 255), round(g * 255), round(b * 255))


def named_colours(text: str) -> list[RGB]:
    """Colours the text names, in order ("dark green" is darker than "green")."""
    out: list[RGB] = []
    for match in _COLOUR_RE.finditer(text):
        colour = COLOURS[match["name"].lower()]
        mod = (match["mod"] or "").lower()
        if mod in ("light", "pale", "soft"):
            colour = lighten(colour, 0.45)
        elif mod in ("dark", "deep"):
            colour = darken(colour, 0.4)
        elif mod in ("bright", "neon"):
            colour = saturate(lighten(colour, 0.1), 1.4)
        if colour not in out:
            out.append(colour)
    return out


def colour_near(text: str, noun_pattern: str) -> RGB | None:
    """The colour written just before a noun ("a red tree", "a blue sports car"), if any."""
    for match in _COLOUR_RE.finditer(text):
        rest = text[match.end() :]
        if re.match(rf"\s+(?:[a-z-]+\s+)?(?:{noun_pattern})\b", rest, re.I):
            return named_colours(match.group(0))[0]
    return None


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    sky_bottom: RGB
    primary: RGB
    secondary: RGB
    accent: RGB
    named: bool  # did the prompt name its colours?

    def cycle(self, i: int) -> RGB:
        return (self.primary, self.secondary, self.accent)[i % 3]


def build_palette(text: str, rng: random.Random) -> Palette:
    """The palette for a prompt; named colours win, then scene words, then a seeded pick."""
    lower = text.lower()
    colours = named_colours(text)
    background = _BACKGROUND_COLOUR_RE.search(text)
    if colours:
        primary = colours[0]
        secondary = colours[1] if len(colours) > 1 else darken(primary, 0.35)
        accent = colours[2] if len(colours) > 2 else lighten(primary, 0.45)
        if background:
            bg = COLOURS[(background["name"] or background["on"]).lower()]
            if len(colours) > 1 and primary == bg:
                primary, secondary = secondary, darken(secondary, 0.35)
            top, bottom = lighten(bg, 0.2), darken(bg, 0.1)
        else:  # a light tint of the main colour, so shapes in the full colour stand out
            top, bottom = lighten(primary, 0.6), lighten(primary, 0.25)
        named = True
    else:
        choice = (
            next((p for pat, p in SCENE_PALETTES if re.search(rf"\b(?:{pat})", lower)), None)
            or DEFAULT_PALETTES[rng.randrange(len(DEFAULT_PALETTES))]
        )
        primary, secondary, accent = choice
        top, bottom = lighten(choice[0], 0.25), mix(choice[0], choice[1], 0.5)
        named = False
    if "pastel" in lower:
        primary, secondary, accent, top, bottom = (
            lighten(c, 0.45) for c in (primary, secondary, accent, top, bottom)
        )
    if re.search(r"\b(?:neon|vivid|vibrant|saturated)\b", lower):
        primary, secondary, accent = (saturate(c, 1.5) for c in (primary, secondary, accent))
    return Palette(top, bottom, primary, secondary, accent, named)
