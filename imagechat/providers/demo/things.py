"""Everyday things in the demo pictures: which ones a prompt names, where they go (lighthouses and
castles on the shore, boats on the water, birds and balloons in the sky, cups on a table), how
many, how big and in which colours. The drawing itself is in motifs.py."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw

from . import lexicon as lx
from . import motifs
from .palette import RGB, Palette, colour_near, darken, lighten, mix

THINGS: Final[dict[str, re.Pattern[str]]] = {
    name: re.compile(rf"\b(?:{pattern})\b", re.I) for name, pattern in lx.THING_WORDS.items()
}
# Drawing order: landmarks first, so that smaller things in front of them stay visible.
_ORDER: Final = (
    "castle",
    "lighthouse",
    "boat",
    "car",
    "bicycle",
    "rocket",
    "cup",
    "book",
    "fish",
    "airplane",
    "balloon",
    "bird",
    "butterfly",
)
_ON_LAND: Final = ("castle", "car", "bicycle")  # these need ground under them
_ON_TABLE: Final = ("cup", "book")
_TABLE_TOP: Final = 0.62  # of the height
_MAX_COUNT: Final[dict[str, int]] = {
    "boat": 3,
    "car": 3,
    "bicycle": 2,
    "bird": 7,
    "fish": 6,
    "balloon": 5,
    "butterfly": 5,
    "cup": 2,
    "book": 4,
    "airplane": 2,
    "rocket": 1,
    "castle": 1,
    "lighthouse": 1,
}
_QUANTITY: Final = re.compile(
    r"\b(?P<n>\d{1,2}|"
    + "|".join(sorted((re.escape(w) for w in lx.NUMBER_WORDS), key=len, reverse=True))
    + r"|some|many|lots\s+of|a\s+lot\s+of|a\s+(?:flock|school|shoal|fleet|swarm|bunch|group)"
    r"\s+of)\s+(?:[a-z-]+\s+){0,2}$",
    re.I,
)
_PLURAL_WORDS: Final = frozenset(
    "geese flock fishes butterflies dinghies ferries lorries diaries libraries guppies "
    "bookshelves buses".split()
)
_SINGULAR_S: Final = frozenset(
    "bus cyclists cycling reading sailing sails airlines aviation".split()
)

# Variants of a motif, chosen by the word used.
_SHIP: Final = re.compile(
    r"\b(?:ships?|steamships?|steamers?|ferry|ferries|freighters?|tankers?|cruise|vessels?)\b", re.I
)
_SAILING_SHIP: Final = re.compile(
    r"\b(?:sail\w*|pirate|galleons?|schooners?|tall\s+ships?|clippers?|viking)\b", re.I
)
_ROWING: Final = re.compile(r"\b(?:canoes?|kayaks?|dinghy|dinghies|row\s?boats?)\b", re.I)
_BUS: Final = re.compile(r"\b(?:bus|buses)\b", re.I)
_TRUCK: Final = re.compile(
    r"\b(?:trucks?|lorry|lorries|pick-?ups?|vans?|minivans?|campervans?|fire\s+engines?"
    r"|ambulances?)\b",
    re.I,
)
_RIDING: Final = re.compile(
    r"\b(?:rid(?:e|es|ing)|on|atop|cycling|pedal(?:s|ling|ing)?)\s+(?:(?:a|an|the|his|her|its"
    r"|their)\s+)?(?:[a-z-]+\s+)?(?:bicycles?|bikes?|tandems?|bmx)\b",
    re.I,
)
_HOT_AIR: Final = re.compile(r"\b(?:hot[\s-]?air|air\s?balloons?)\b", re.I)
_PARTY: Final = re.compile(
    r"\b(?:party|parties|birthday|celebrat\w*|festive|toy|helium|bunch|balloon\s+animals?)\b", re.I
)
_DRINKS: Final[tuple[tuple[re.Pattern[str], RGB], ...]] = (
    (re.compile(r"\b(?:hot\s+chocolate|cocoa)\b", re.I), (95, 55, 30)),
    (re.compile(r"\b(?:lattes?|cappuccinos?|flat\s+white)\b", re.I), (205, 165, 120)),
    (re.compile(r"\btea\b", re.I), (190, 115, 45)),
)
_COFFEE: Final[RGB] = (105, 62, 35)
_VEHICLE_COLOURS: Final[tuple[tuple[re.Pattern[str], RGB], ...]] = (
    (re.compile(r"\b(?:taxis?|taxicabs?|school\s+bus)\b", re.I), (246, 200, 30)),
    (re.compile(r"\bfire\s+(?:trucks?|engines?)\b", re.I), (210, 35, 35)),
    (re.compile(r"\bambulances?\b", re.I), (246, 246, 242)),
)
_BIRD_COLOURS: Final[tuple[tuple[re.Pattern[str], RGB, RGB], ...]] = (
    # (words, body, wing)
    (
        re.compile(r"\b(?:sea)?gulls?|doves?|pigeons?|geese\b", re.I),
        (246, 246, 244),
        (170, 176, 188),
    ),
    (re.compile(r"\b(?:crows?|ravens?)\b", re.I), (45, 45, 52), (28, 28, 34)),
    (re.compile(r"\bparrots?\b", re.I), (215, 45, 40), (40, 150, 75)),
    (re.compile(r"\b(?:eagles?|hawks?|falcons?)\b", re.I), (125, 85, 50), (90, 60, 35)),
    (re.compile(r"\brobins?\b", re.I), (225, 110, 50), (120, 85, 60)),
    (re.compile(r"\b(?:bluebirds?|swallows?)\b", re.I), (60, 110, 210), (35, 70, 150)),
    (re.compile(r"\b(?:finch(?:es)?|canar(?:y|ies))\b", re.I), (246, 205, 50), (200, 150, 30)),
)
_DEFAULT_BIRD: Final[tuple[RGB, RGB]] = ((70, 95, 160), (45, 62, 115))
_DEFAULTS: Final[dict[str, RGB]] = {
    "lighthouse": (214, 40, 40),
    "castle": (182, 176, 168),
    "boat": (40, 65, 120),
    "car": (220, 60, 50),
    "bicycle": (30, 150, 190),
    "rocket": (236, 238, 242),
    "fish": (245, 130, 30),
    "balloon": (230, 80, 60),
    "butterfly": (245, 140, 30),
    "cup": (246, 244, 238),
    "book": (40, 90, 160),
    "airplane": (240, 242, 246),
}


def has(text: str, key: str) -> bool:
    return bool(THINGS[key].search(text))


def wants_water(text: str) -> bool:
    """Things that belong in the sea: the picture gets water even if the prompt names none."""
    return any(has(text, k) for k in ("boat", "lighthouse", "fish", "underwater"))


def wants_land(text: str) -> bool:
    return any(has(text, k) for k in _ON_LAND)


def wants_clouds(text: str) -> bool:
    """Aeroplanes and hot-air balloons are pictured among clouds."""
    return has(text, "airplane") or bool(_HOT_AIR.search(text))


def any_thing(text: str) -> bool:
    return any(has(text, k) for k in _ORDER)


def count(text: str, key: str) -> int:
    """How many of the thing: 'three birds' 3, 'birds' 3, 'a flock of birds' 5, 'a bird' 1
    (the most any mention asks for: 'a fish tank with three goldfish' 3)."""
    numbers = [_number(text, match) for match in THINGS[key].finditer(text)]
    return max(1, min(max(numbers, default=0), _MAX_COUNT.get(key, 3)))


def _number(text: str, match: re.Match[str]) -> int:
    word = match.group(0).lower()
    quantity = _QUANTITY.search(text[: match.start()])
    if quantity:
        n = quantity["n"].lower()
        if n.isdigit():
            return int(n)
        if n in lx.NUMBER_WORDS:
            return lx.NUMBER_WORDS[n]
        return 5 if re.match(r"many|lots|a\s+lot|a\s+(?:flock|school|swarm)", n) else 3
    if word in _PLURAL_WORDS or (
        word.endswith("s") and not word.endswith("ss") and word not in _SINGULAR_S
    ):
        return 5 if word in ("geese", "flock") else 3
    return 1


def _colour(text: str, key: str, pal: Palette, i: int) -> RGB:
    """The colour written before the thing's name, else the prompt's colours, else its own."""
    near = colour_near(text, lx.THING_WORDS[key])
    if near:
        return near
    return pal.cycle(i) if pal.named else _DEFAULTS[key]


def _light(colour: RGB) -> bool:
    return sum(colour) > 600


@dataclass
class Stage:
    """What the things leave for the cats, robots and flowers drawn after them."""

    ground: float | None  # where they stand (a table top, once one is drawn)
    slots: list[float] | None = None  # x (0..1) kept free for them; None: place as before
    perch: motifs.Box | None = None  # a boat's deck or a saddle: "a cat on a boat"
    drew: bool = False


@dataclass
class _Canvas:
    layer: Image.Image
    d: ImageDraw.ImageDraw
    text: str
    w: int
    h: int
    pal: Palette
    rng: random.Random
    main: bool  # the only subject: drawn large
    road: bool = False  # drawn already?
    road_y: float = 0.0  # where wheels touch it
    table: bool = False  # a still life on a table, rather than a landscape?

    @property
    def side(self) -> float:
        return min(self.w, self.h)

    def colour(self, key: str, i: int) -> RGB:
        return _colour(self.text, key, self.pal, i)

    def glaze(self, draw: Callable[[ImageDraw.ImageDraw], None]) -> None:
        """Draw something translucent: on a layer of its own, then blended in (Pillow's drawing
        replaces pixels, so a translucent fill would punch a hole instead)."""
        overlay = Image.new("RGBA", self.layer.size, (0, 0, 0, 0))
        draw(ImageDraw.Draw(overlay, "RGBA"))
        self.layer.alpha_composite(overlay)


def draw_things(
    layer: Image.Image,
    text: str,
    pal: Palette,
    rng: random.Random,
    ground: float | None,
    *,
    water: bool,
    night: bool,
    subjects: int,
    riders: int = 0,
    counter: float | None = None,
) -> Stage:
    """Draw every thing the prompt names. `ground` is the horizon (None: no landscape), `water`
    whether the sea fills the picture below it, `subjects` how many cats/robots/… follow (of
    which `riders` could sit in a boat or on a bike), `counter` the worktop of a room, where
    cups and books go."""
    keys = [k for k in _ORDER if has(text, k)]
    stage = Stage(ground)
    if not keys:
        return stage
    (w, h), d = layer.size, ImageDraw.Draw(layer, "RGBA")
    # a cat on a boat takes no place of its own, and the boat is the picture
    rides = ground is not None and bool(riders) and _has_perch(text, keys)
    if rides:
        subjects -= 1
    c = _Canvas(layer, d, text, w, h, pal, rng, main=len(keys) + subjects == 1)
    stage.drew = True
    table = ground is None and counter is None and any(k in keys for k in _ON_TABLE)
    if table:  # a still life: the cup or book on a wooden table
        top = h * _TABLE_TOP
        d.rectangle([0, top, w, h * 0.76], fill=(196, 150, 105))
        d.rectangle([0, h * 0.76, w, h], fill=(150, 105, 70))
        d.line([(0, h * 0.76), (w, h * 0.76)], fill=(120, 80, 50), width=max(2, h // 120))
        ground = stage.ground = top
        c.table = True
    space = ground is None  # nothing to stand on: a rocket flies, the rest floats in the middle

    row = [k for k in ("lighthouse", "castle", "boat", "car", "bicycle") if k in keys]
    row = [k for k in row for _ in range(count(text, k) if k in ("car", "bicycle") else 1)]
    if "rocket" in keys and not space:
        row.append("rocket")
    row += [k for k in _ON_TABLE if k in keys and counter is None]
    people = subjects if ground is not None else 0
    xs = _row_positions(row, people, rng)
    if row and people:
        stage.slots = xs[len(row) :]
    slot_w = w / max(1, len(row) + people)
    for i, key in enumerate(row):
        perch = _draw_on_row(c, key, xs[i] * w, slot_w, ground, water, night, keys.index(key))
        if perch is not None and stage.perch is None:
            stage.perch = perch
    if counter is not None:
        on_counter = [k for k in _ON_TABLE if k in keys]
        for i, key in enumerate(on_counter):
            x = w * (0.3 + 0.4 * i) if len(on_counter) > 1 else w * rng.uniform(0.25, 0.75)
            _draw_table_thing(c, key, x, counter, c.side * 0.22, keys.index(key))
    if "fish" in keys:
        _draw_fish(c, ground if water else None, keys.index("fish"))
    flying = [k for k in ("airplane", "balloon", "bird", "butterfly") if k in keys]
    if "rocket" in keys and space:
        flying.insert(0, "rocket")
    for i, key in enumerate(flying):
        x = (i + 0.5) / len(flying) + rng.uniform(-0.05, 0.05)
        _draw_flying(c, key, x * w, ground, keys.index(key))
    return stage


def _has_perch(text: str, keys: list[str]) -> bool:
    return "boat" in keys or ("bicycle" in keys and bool(_RIDING.search(text)))


def _row_positions(row: list[str], people: int, rng: random.Random) -> list[float]:
    """Where along the ground each thing (then each cat or robot) stands, as fractions of the
    width; a lone lighthouse stands to one side, leaving the sea to look at."""
    n = len(row) + people
    if n == 0:
        return []
    if n == 1:
        if row and row[0] == "lighthouse":
            return [rng.choice((0.27, 0.73)) + rng.uniform(-0.04, 0.04)]
        return [rng.uniform(0.38, 0.62)]
    xs = [(i + 0.5) / n + rng.uniform(-0.03, 0.03) for i in range(n)]
    if rng.random() < 0.5:  # mirror: the lighthouse is not always on the left
        xs = [1 - x for x in xs]
    return xs


def _mound(c: _Canvas, x: float, base: float, width: float, colour: RGB) -> None:
    """A spit of land in the sea for something that cannot float."""
    d, h = c.d, c.h
    d.polygon(
        [
            (x - width * 0.75, base + h * 0.12),
            (x - width * 0.55, base - h * 0.005),
            (x + width * 0.55, base - h * 0.01),
            (x + width * 0.8, base + h * 0.12),
        ],
        fill=colour,
    )


def _draw_on_row(
    c: _Canvas,
    key: str,
    x: float,
    slot_w: float,
    ground: float | None,
    water: bool,
    night: bool,
    i: int,
) -> motifs.Box | None:
    """One thing standing on the ground line (or floating on the sea); returns where a cat or
    dog would sit on it: a boat's deck, or a bicycle's saddle if the prompt has it ridden."""
    d, w, h, rng = c.d, c.w, c.h, c.rng
    horizon = ground if ground is not None else h * 0.62
    base = horizon + h * (0.03 if water else 0.07)
    facing = rng.choice((-1, 1))
    if key == "lighthouse":
        colour = c.colour(key, i)
        stripe = motifs.WHITE if not _light(colour) else (214, 40, 40)
        height = min(h * (0.5 if c.main else 0.44), (base - h * 0.04) / 0.95)
        rock = (112, 104, 98) if water else None
        x = _inside(c, x, height * (0.45 if water else 0.15))
        if night:
            c.glaze(lambda od: motifs.light_beams(od, x, base, height))
        motifs.lighthouse(d, x, base, height, colour, stripe, lit=night, rock=rock)
    elif key == "castle":
        wall = c.colour(key, i)
        roof = (
            darken(c.pal.secondary, 0.1)
            if c.pal.named and c.pal.secondary != wall
            else (70, 90, 165)
            if not _light(wall) or wall == _DEFAULTS["castle"]
            else darken(wall, 0.45)
        )
        width = min(w * (0.6 if c.main else 0.44), slot_w * 1.05, (base - h * 0.05) / 0.86)
        x = _inside(c, x, width * 0.5)
        if water:
            _mound(c, x, base, width * 0.62, (95, 140, 80))
        motifs.castle(d, x, base, width, wall, roof)
    elif key == "boat":
        return _draw_boats(c, x, slot_w, horizon, i, facing)
    elif key == "car":
        body = c.colour(key, i)
        if not colour_near(c.text, lx.THING_WORDS[key]) and not c.pal.named:
            body = next((col for pat, col in _VEHICLE_COLOURS if pat.search(c.text)), body)
        kind = "bus" if _BUS.search(c.text) else "truck" if _TRUCK.search(c.text) else "car"
        length = min(w * (0.52 if c.main else 0.34), slot_w * 0.92)
        x = _inside(c, x, length * 0.5)
        _road(c, horizon, water)
        motifs.car(d, x, c.road_y, length, body, kind=kind, facing=facing)
    elif key == "bicycle":
        size = min(w * (0.46 if c.main else 0.3), slot_w * 0.9)
        x = _inside(c, x, size * 0.52)
        wheels = c.road_y if c.road else base + h * 0.02  # on the road, if a car made one
        saddle = motifs.bicycle(d, x, wheels, size, c.colour(key, i))
        if _RIDING.search(c.text):
            return saddle
    elif key == "rocket":  # on the launch pad, lifting off in a cloud of smoke
        length = min(h * 0.46, (base - h * 0.06) / 1.2)
        x = _inside(c, x, length * 0.36)
        body, trim = _rocket_colours(c, i)
        motifs.rocket(d, x, base - length * 1.2, length, body, trim)
        for k in (-0.3, -0.12, 0.12, 0.3):
            motifs.cloud(d, x + k * length, base - h * 0.01, length * 0.12, (236, 236, 240, 235))
    else:
        size = c.side * ((0.42 if key == "cup" else 0.6) if c.main else 0.26)
        if not c.table:
            size *= 0.6  # out of doors a cup is small next to the trees
        x = _inside(c, x, size * 0.6)
        _draw_table_thing(c, key, x, horizon + h * 0.08, size, i)
    return None


def _inside(c: _Canvas, x: float, half: float) -> float:
    """x moved, if need be, so that something `half` wide either side stays in the picture."""
    margin = c.w * 0.02
    return min(max(x, half + margin), c.w - half - margin) if 2 * (half + margin) < c.w else c.w / 2


def _road(c: _Canvas, horizon: float, water: bool) -> None:
    """A grey road along the front of the scene for cars (drawn once); by the sea,
    a coast road on a strip of beach in front of the water."""
    if c.road:
        return
    c.road = True
    d, w, h = c.d, c.w, c.h
    if water:
        horizon += h * 0.12
        d.rectangle([0, horizon, w, h], fill=(228, 204, 150))
    y0, y1 = horizon + h * 0.035, horizon + h * 0.13
    c.road_y = horizon + h * 0.09
    d.rectangle([0, y0, w, y1], fill=(95, 98, 106))
    dash = max(4.0, w / 18)
    y = (y0 + y1) / 2
    for k in range(0, int(w / dash) + 1, 2):
        d.line([(k * dash, y), ((k + 1) * dash, y)], fill=(240, 235, 200), width=max(1, h // 150))


def _draw_boats(
    c: _Canvas, x: float, slot_w: float, horizon: float, i: int, facing: int
) -> motifs.Box:
    """The boat the prompt names, and smaller ones further out if it names several."""
    d, w, h, rng = c.d, c.w, c.h, c.rng
    hull = c.colour("boat", i)
    sail = motifs.WHITE if hull != motifs.WHITE else (250, 240, 215)
    ship = bool(_SHIP.search(c.text)) and not _SAILING_SHIP.search(c.text)
    rowing = bool(_ROWING.search(c.text)) and not ship
    if ship and not colour_near(c.text, lx.THING_WORDS["boat"]) and not c.pal.named:
        hull = (38, 48, 78)

    def one(bx: float, waterline: float, size: float, face: int) -> motifs.Box:
        if ship:
            return motifs.ship(d, bx, waterline, size, hull, (214, 70, 40), facing=face)
        if rowing:
            return motifs.rowboat(d, bx, waterline, size, hull, facing=face)
        return motifs.sailboat(d, bx, waterline, size, hull, sail, facing=face)

    for k in range(1, count(c.text, "boat")):  # the far ones first, small, near the horizon
        one(w * rng.uniform(0.1, 0.9), horizon + h * 0.03 * k, w * 0.12, rng.choice((-1, 1)))
    size = min(w * ((0.5 if ship else 0.44) if c.main else 0.32), slot_w * 0.95)
    return one(_inside(c, x, size * 0.56), horizon + h * 0.12, size, facing)


def _draw_table_thing(c: _Canvas, key: str, x: float, base: float, size: float, i: int) -> None:
    colour = c.colour(key, i)
    if key == "cup":
        drink = next((col for pat, col in _DRINKS if pat.search(c.text)), _COFFEE)
        mug = bool(re.search(r"\bmugs?\b", c.text, re.I))
        if mug and colour == _DEFAULTS["cup"] and not c.pal.named:
            colour = (60, 110, 180)
        for k in range(count(c.text, "cup")):
            motifs.cup(c.d, x + k * size * 1.3, base, size, colour, drink, mug=mug)
    elif count(c.text, "book") > 1:
        colours = [colour, (200, 70, 60), (60, 140, 90), (230, 180, 60)]
        if c.pal.named:
            colours = [colour, c.pal.secondary, c.pal.accent, darken(colour, 0.3)]
        motifs.book_stack(c.d, x, base, size * 0.75, colours[: count(c.text, "book")])
    else:
        motifs.open_book(c.d, x, base, size, colour)


def _rocket_colours(c: _Canvas, i: int) -> tuple[RGB, RGB]:
    body = c.colour("rocket", i)
    if body == _DEFAULTS["rocket"]:
        return body, (214, 40, 40)
    return body, (lighten(body, 0.75) if not _light(body) else darken(body, 0.45))


def _draw_fish(c: _Canvas, horizon: float | None, i: int) -> None:
    """Fish swimming under the surface; with the sea filling the picture, one big fish
    blowing bubbles."""
    d, w, h, rng = c.d, c.w, c.h, c.rng
    colour = c.colour("fish", i)
    n = count(c.text, "fish")
    if horizon is None:  # no sea to swim in: the fish alone, in the middle
        motifs.fish(d, w / 2, h * 0.45, c.side * 0.5, colour, facing=rng.choice((-1, 1)))
        return
    floor = h * 0.9
    deep = horizon < h * 0.4
    top = horizon + (floor - horizon) * 0.18
    for k in range(n):
        big = n == 1 and c.main and deep
        length = c.side * (0.5 if big else rng.uniform(0.13, 0.2) if n > 1 else 0.24)
        if n == 1:
            fx, fy = w * rng.uniform(0.4, 0.6), (top + floor) / 2
        else:
            fx = w * (k + 0.5) / n + rng.uniform(-0.04, 0.04) * w
            fy = rng.uniform(top + length * 0.3, floor - length * 0.3)
        facing = rng.choice((-1, 1))
        tint = colour if k % 2 == 0 or not c.pal.named else c.pal.cycle(k)
        motifs.fish(d, fx, fy, length, tint, facing=facing)
        if deep:
            motifs.bubbles(d, fx + facing * length * 0.5, fy - length * 0.1, length * 0.05, 4)


def _draw_flying(c: _Canvas, key: str, x: float, ground: float | None, i: int) -> None:
    """Something in the air: big in the middle when it is the whole picture, otherwise up in
    the sky above whatever stands on the ground."""
    d, w, h, rng, s = c.d, c.w, c.h, c.rng, c.side
    sky_bottom = ground if ground is not None else h * 0.85
    centre = c.main and ground is None
    facing = rng.choice((-1, 1))
    if key == "rocket":
        length = h * (0.62 if c.main else 0.42)
        body, trim = _rocket_colours(c, i)
        motifs.rocket(d, x, h * 0.1, length, body, trim)
    elif key == "airplane":
        length = w * (0.64 if c.main else 0.36)
        body = c.colour(key, i)
        accent = darken(body, 0.4) if body != _DEFAULTS[key] else (40, 90, 210)
        cy = h * 0.42 if centre else h * rng.uniform(0.16, 0.24)
        for k in range(count(c.text, key)):
            motifs.airplane(
                d,
                x + k * length * 0.3,
                cy + k * h * 0.18,
                length / (1 + k * 0.6),
                body,
                accent,
                facing=facing,
            )
    elif key == "balloon":
        colour = c.colour(key, i)
        n = count(c.text, key)
        party = not _HOT_AIR.search(c.text) and (ground is None or bool(_PARTY.search(c.text)))
        if party:
            r = s * (0.13 if n == 1 else 0.08)
            palette = [colour, (60, 130, 220), (246, 200, 40), (60, 170, 90), (200, 80, 190)]
            for k in range(n):
                bx = x + (k - (n - 1) / 2) * r * 1.9
                by = h * 0.32 + (k % 2) * r * 0.6
                motifs.party_balloon(
                    d, bx, by, r, palette[k % 5], min(sky_bottom + h * 0.05, h * 0.8)
                )
            return
        stripe = (
            (250, 210, 60)
            if colour == _DEFAULTS[key]
            else (motifs.WHITE if not _light(colour) else (214, 40, 40))
        )
        size = s * (0.36 if c.main else 0.2)
        if n > 1:  # side by side across the sky, one big and the others further off
            size = min(size, w / n * 0.95)
            spots = [(k + 0.5) / n for k in range(n)]
            rng.shuffle(spots)
        for k in range(n):
            bs = size * (1 if k == 0 else rng.uniform(0.55, 0.75))
            bx = x if n == 1 else _inside(c, w * spots[k], bs * 0.52)
            by = (
                h * 0.46 - size * 0.2
                if centre and n == 1
                else h * 0.08 + bs * 0.55 + rng.uniform(0, h * 0.08)
            )
            tint = (
                colour
                if k == 0
                else c.pal.cycle(k)
                if c.pal.named
                else mix(colour, (60, 130, 220), 0.3 * k)
            )
            motifs.hot_air_balloon(d, bx, by, bs, tint, stripe)
    elif key == "bird":
        near = colour_near(c.text, lx.THING_WORDS[key])
        body, wing = next(
            ((b, wg) for pat, b, wg in _BIRD_COLOURS if pat.search(c.text)), _DEFAULT_BIRD
        )
        if near or c.pal.named:
            body = near or c.pal.cycle(i)
            wing = darken(body, 0.3)
        n = count(c.text, key)
        if n == 1:
            size = s * (0.4 if c.main else 0.16)
            cy = h * 0.42 if centre else h * rng.uniform(0.2, 0.28)
            cy = max(cy, size * 0.62 + h * 0.03)  # the raised wing stays in the picture
            x = _inside(c, x, size * 0.6)
            motifs.bird(d, x, cy, size, body, wing, facing=facing, wings_up=rng.random() < 0.7)
            return
        low = max(h * 0.2, min(h * 0.42, sky_bottom - h * 0.14))
        for k in range(n):  # spread over the sky; the nearest few drawn whole, the rest far off
            bx = w * ((k + 0.5) / n + rng.uniform(-0.3, 0.3) / n)
            by = rng.uniform(h * 0.08, low)
            if k < 4:
                size = s * (0.15 - 0.02 * k)
                by = max(by, size * 0.62 + h * 0.02)
                bx = _inside(c, bx, size * 0.6)
                motifs.bird(d, bx, by, size, body, wing, facing=facing, wings_up=k % 2 == 0)
            else:
                motifs.distant_bird(d, bx, by, s * rng.uniform(0.05, 0.07), darken(wing, 0.4))
    elif key == "butterfly":
        colour = c.colour(key, i)
        n = count(c.text, key)
        for k in range(n):
            size = s * (0.5 if c.main and n == 1 else 0.16 if n == 1 else rng.uniform(0.1, 0.15))
            if centre and n == 1:
                bx, by = w / 2, h * 0.44
            else:
                bx = x if k == 0 else w * rng.uniform(0.1, 0.9)
                by = rng.uniform(h * 0.18, max(h * 0.22, sky_bottom - h * 0.12))
            tint = colour if k % 2 == 0 else (c.pal.cycle(k) if c.pal.named else (90, 140, 230))
            motifs.butterfly(d, bx, by, size, tint, tilt=rng.uniform(-12, 12))


def draw_icon(d: ImageDraw.ImageDraw, text: str, box: motifs.Box, ink: RGB, accent: RGB) -> bool:
    """The thing, small and in one ink, inside a logo's badge; False if the text names none."""
    key = next((k for k in _ORDER if has(text, k)), None)
    if key is None:
        return False
    x0, y0, x1, y1 = box
    cx, cy, s = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0
    if key == "lighthouse":
        motifs.lighthouse(d, cx, y1, s * 0.95, ink, accent, lit=False, rock=None)
    elif key == "castle":
        motifs.castle(d, cx, y1 - s * 0.1, s * 0.9, ink, accent)
    elif key == "boat":
        motifs.sailboat(d, cx, cy + s * 0.3, s * 0.8, ink, ink)
    elif key == "car":
        motifs.car(d, cx, cy + s * 0.2, s, ink)
    elif key == "bicycle":
        motifs.bicycle(d, cx, cy + s * 0.25, s, ink)
    elif key == "rocket":
        motifs.rocket(d, cx, y0, s * 0.8, ink, accent, flame=True)
    elif key == "cup":
        motifs.cup(d, cx, cy + s * 0.35, s * 0.7, ink, accent, steam=True)
    elif key == "book":
        motifs.open_book(d, cx, cy + s * 0.2, s, ink)
    elif key == "fish":
        motifs.fish(d, cx, cy, s, ink)
    elif key == "airplane":
        motifs.airplane(d, cx, cy, s * 1.1, ink, accent)
    elif key == "balloon":
        motifs.hot_air_balloon(d, cx, cy - s * 0.15, s * 0.55, ink, accent)
    elif key == "bird":
        motifs.bird(d, cx, cy + s * 0.1, s * 0.85, ink, accent)
    else:
        motifs.butterfly(d, cx, cy, s * 0.9, ink)
    return True
