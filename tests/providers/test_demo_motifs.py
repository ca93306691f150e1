"""The demo pictures show the everyday things a prompt names (lighthouses, boats, birds, cars…):
each is really drawn, where it belongs, in the colour the prompt gives it.

Most tests draw a prompt twice with the same seed, with and without the thing, and look at the
pixels that differ: they must be many, gathered in one place (not spread over the picture), in
the right part of it, and in the named colour."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from imagechat.providers.demo import things
from imagechat.providers.demo.render import render_png
from imagechat.providers.demo.scene import draw_scene

SIDE = 256
SEEDS = (1, 2, 3)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def scene(prompt: str, seed: int) -> Image.Image:
    return draw_scene(prompt, SIDE, SIDE, seed=seed, index=0).convert("RGB")


def strongly_red(image: Image.Image) -> Image.Image:
    """An L mask (255 = yes) of the pixels that are plainly red."""
    r, g, b = image.split()
    red = r.point(lambda v: 255 if v > 150 else 0)
    not_green = g.point(lambda v: 255 if v < 90 else 0)
    not_blue = b.point(lambda v: 255 if v < 90 else 0)
    return ImageChops.multiply(ImageChops.multiply(red, not_green), not_blue)


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


@dataclass
class Change:
    """Where two pictures differ (coordinates as fractions of the side)."""

    fraction: float  # of all pixels
    box: tuple[float, float, float, float]  # around the changed pixels
    density: float  # changed pixels / the box's area
    centre_y: float  # mean height of the changed pixels
    mask: Image.Image

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0)


def change(a: Image.Image, b: Image.Image, *, skip_bands: bool = False) -> Change:
    """The pixels that differ clearly between a and b. With `skip_bands`, rows changed nearly
    all the way across (a road running through the picture) are left out."""
    r, g, bl = ImageChops.difference(a, b).split()
    mask = ImageChops.lighter(ImageChops.lighter(r, g), bl).point(lambda v: 255 if v > 40 else 0)
    if skip_bands:
        draw = ImageDraw.Draw(mask)
        for y in range(SIDE):
            row = mask.crop((0, y, SIDE, y + 1))
            if count(row) > SIDE * 0.9:
                draw.line([(0, y), (SIDE, y)], fill=0)
    box = mask.getbbox()
    assert box is not None, "the two pictures are the same"
    changed = count(mask)
    rows = [count(mask.crop((0, y, SIDE, y + 1))) for y in range(SIDE)]
    centre_y = sum(y * n for y, n in enumerate(rows)) / changed / SIDE
    x0, y0, x1, y1 = box
    return Change(
        fraction=changed / SIDE**2,
        box=(x0 / SIDE, y0 / SIDE, x1 / SIDE, y1 / SIDE),
        density=changed / ((x1 - x0) * (y1 - y0)),
        centre_y=centre_y,
        mask=mask,
    )


def red_share(image: Image.Image, where: Image.Image) -> float:
    """Which part of the `where` pixels of the image is strongly red."""
    return count(ImageChops.multiply(strongly_red(image), where)) / max(1, count(where))


# (thing, prompt, the same prompt without it, where it belongs, least share of red in it)
CASES = [
    ("lighthouse", "a red lighthouse by the sea", "red, by the sea", "shore", 0.3),
    ("sailboat", "a red sailboat on the sea", "red, on the sea", "water", 0.15),
    ("ship", "a red ship on the ocean", "red, on the ocean", "water", 0.3),
    ("bird", "a red bird in the sky", "red, in the sky", "sky", 0.3),
    ("car", "a red car in the desert", "red, in the desert", "ground", 0.3),
    (
        "rocket",
        "a red rocket in the desert at night",
        "red, in the desert at night",
        "ground",
        0.15,
    ),
    ("fish", "a red fish underwater", "red, underwater", "under water", 0.5),
    ("castle", "a red castle in the snow", "red, in the snow", "ground", 0.5),
    ("bicycle", "a red bicycle in a park", "red, in a park", "ground", 0.2),
    (
        "hot-air balloon",
        "a red hot air balloon in a cloudy sky over the desert",
        "red, in a cloudy sky over the desert",
        "sky",
        0.3,
    ),
    ("butterfly", "a red butterfly in a garden", "red, in a garden", "sky", 0.4),
    ("coffee mug", "a red coffee mug in a kitchen", "red, in a kitchen", "counter", 0.4),
    ("book", "a red book in an office", "red, in an office", "counter", 0.1),
    ("airplane", "a red airplane in the sky", "red, in the sky", "sky", 0.5),
    ("rainbow", "a rainbow over green hills", "green hills", "sky", 0.0),
]


@pytest.mark.parametrize(("thing", "prompt", "without", "where", "red"), CASES, ids=lambda v: v)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_thing_is_drawn_in_one_place_where_it_belongs_in_its_colour(
    thing: str, prompt: str, without: str, where: str, red: float, seed: int
) -> None:
    with_it, without_it = scene(prompt, seed), scene(without, seed)
    diff = change(with_it, without_it, skip_bands=thing == "car")
    # substantial: a visible object, not a few stray pixels
    assert diff.fraction > 0.02, f"{thing}: only {diff.fraction:.1%} of the picture changed"
    # concentrated: one object, not a picture redrawn all over
    if thing != "rainbow":
        assert diff.area < 0.45, f"{thing}: changes spread over {diff.box}"
        assert diff.density > 0.2, f"{thing}: changes scattered ({diff.density:.2f})"
    _, y0, _, y1 = diff.box
    if where == "sky":  # up in the air, above the ground line (0.56-0.66 of the height)
        assert diff.centre_y < 0.5 and y1 < 0.75, (thing, diff.box)
    elif where in ("ground", "shore"):  # standing on the ground line, reaching up from it
        assert 0.5 < y1 < 0.9 and y1 - y0 > 0.12, (thing, diff.box)
    elif where == "water":  # floating: the hull at the waterline, the rest above it
        assert 0.55 < y1 < 0.9 and diff.centre_y < y1, (thing, diff.box)
    elif where == "under water":  # below the surface, which is high up under the sea
        assert diff.centre_y > 0.35 and y0 > 0.25, (thing, diff.box)
    elif where == "counter":  # on the worktop of the room (0.52-0.58 of the height)
        assert 0.5 < y1 < 0.62, (thing, diff.box)
    # the colour the prompt names is the thing's, and it was not there before
    assert red_share(with_it, diff.mask) >= red, f"{thing}: {red_share(with_it, diff.mask):.2f}"
    if red:
        assert red_share(without_it, diff.mask) < 0.05


def test_a_red_lighthouse_is_a_tall_striped_tower() -> None:
    for seed in SEEDS:
        image = scene("a red lighthouse by the sea", seed)
        reds = strongly_red(image)
        x0, y0, x1, y1 = reds.getbbox() or (0, 0, 0, 0)
        assert (y1 - y0) > 2.5 * (x1 - x0), "a tower is much taller than it is wide"
        # it stands to one side of the picture, leaving the sea to look at
        assert abs((x0 + x1) / 2 - SIDE / 2) > SIDE * 0.12
        # red and white bands, one above the other, down the middle of the tower
        column = image.crop(((x0 + x1) // 2 - 2, y0, (x0 + x1) // 2 - 1, y1)).convert("L")
        levels = [v > 200 for v in column.tobytes()]
        bands = 1 + sum(a != b for a, b in itertools.pairwise(levels))
        assert bands >= 4


def test_a_castle_has_towers_not_a_house_roof() -> None:
    """Castles used to be drawn as houses: one roof peaking in the middle. A castle's towers
    rise at both ends, higher than the middle."""
    for seed in SEEDS:
        diff = change(scene("a red castle in the snow", seed), scene("red, in the snow", seed))
        left, middle, right = (
            top(diff.mask, f0, f1) for f0, f1 in ((0, 0.25), (0.4, 0.6), (0.75, 1))
        )
        assert left < middle and right < middle, (left, middle, right)


def top(mask: Image.Image, f0: float, f1: float) -> int:
    """The highest marked pixel over a stretch of the marked width (f0..f1 of it)."""
    x0, _, x1, _ = mask.getbbox() or (0, 0, 0, 0)
    part = mask.crop((x0 + int((x1 - x0) * f0), 0, x0 + int((x1 - x0) * f1), SIDE))
    return (part.getbbox() or (0, SIDE, 0, SIDE))[1]


def test_a_red_lighthouse_at_night_is_no_longer_just_a_night_sky() -> None:
    """The example that used to render a moon and nothing else."""

    def open_rgb(prompt: str) -> Image.Image:
        image = Image.open(io.BytesIO(render_png(prompt, size="512x512")))
        return image.convert("RGB").crop((0, 0, 512, 440))  # above the caption

    lighthouse, night = open_rgb("a red lighthouse at night"), open_rgb("night sky")
    reds = strongly_red(lighthouse)
    assert count(reds) > 0.01 * 512 * 440
    assert count(strongly_red(night)) == 0
    x0, y0, x1, y1 = reds.getbbox() or (0, 0, 0, 0)
    assert y1 - y0 > 2 * (x1 - x0)  # a tower
    diff = change(lighthouse.resize((SIDE, SIDE)), night.resize((SIDE, SIDE)))
    assert diff.fraction > 0.2  # the sea and the lighthouse; the night sky stays
    # its light shines: yellow beams cross the (blue) night sky either side of the lantern
    for bx in (max(0, x0 - 50), min(511, x1 + 50)):
        column = [lighthouse.getpixel((bx, y)) for y in range(max(0, y0 - 120), y0)]
        beam = [p for p in column if p[0] > p[2] + 40]  # warm light: not the white stars, moon
        assert len(beam) >= 3, f"no beam at x={bx}"


def test_a_lighthouse_by_the_sea_at_sunset_has_the_sea_the_sun_and_the_lighthouse() -> None:
    image = scene("a lighthouse by the sea at sunset", 7)
    r, g, b = image.split()
    # the sun, in its default yellow, up in the sky
    sun = ImageChops.multiply(
        ImageChops.multiply(
            r.point(lambda v: 255 if v > 240 else 0), g.point(lambda v: 255 if v > 180 else 0)
        ),
        b.point(lambda v: 255 if v < 110 else 0),
    )
    assert count(sun.crop((0, 0, SIDE, SIDE // 2))) > 200
    # the sea below the horizon: waves, bluish
    sea = image.crop((0, int(SIDE * 0.8), SIDE, int(SIDE * 0.95))).resize((1, 1)).getpixel((0, 0))
    assert sea[2] > sea[0]
    # the lighthouse (red and white by default)
    diff = change(image, scene("the sea at sunset", 7))
    assert diff.fraction > 0.03 and diff.area < 0.4
    assert red_share(image, diff.mask) > 0.2


def test_a_cat_on_a_boat_sits_on_its_deck() -> None:
    for seed in SEEDS:
        boat = change(scene("a boat", seed), scene("the sea", seed))
        cat = change(scene("a cat on a boat", seed), scene("a boat", seed))
        assert cat.fraction > 0.01
        bx0, by0, bx1, by1 = boat.box
        cx0, _, cx1, cy1 = cat.box
        assert bx0 <= cx0 and cx1 <= bx1, "the cat is over the boat, not beside it"
        assert by0 < cy1 < by1, "the cat's feet are on board, not on the water"


def test_a_dog_riding_a_bicycle_sits_on_it() -> None:
    bike = change(scene("a bicycle", 4), scene("grass", 4), skip_bands=True)
    dog = change(scene("a dog riding a bicycle", 4), scene("a bicycle", 4))
    bx0, by0, bx1, by1 = bike.box
    dx0, _, dx1, dy1 = dog.box
    assert bx0 <= (dx0 + dx1) / 2 <= bx1
    assert dy1 < by1 - (by1 - by0) * 0.3, "above the wheels"


@pytest.mark.parametrize(
    "prompt",
    [
        "a red mug",
        "a red book",
        "a red butterfly",
        "a red bird",
        "a red balloon",
        "a red rocket",
        "a red fish",
        "a red sailboat",
    ],
)
def test_a_thing_alone_is_the_picture(prompt: str) -> None:
    """With nothing else named, the thing is drawn large in the middle (not abstract shapes)."""
    assert not one_thing_in_the_middle(scene("a red squiggle", 5))  # what abstract art gives
    assert one_thing_in_the_middle(scene(prompt, 5)), prompt


def one_thing_in_the_middle(image: Image.Image) -> bool:
    """Are the red pixels many, clear of the edges, and centred (one big red thing)?"""
    reds = strongly_red(image)
    x0, y0, x1, y1 = reds.getbbox() or (0, 0, 0, 0)
    return (
        count(reds) > 0.015 * SIDE**2
        and x0 > 0.08 * SIDE
        and x1 < 0.92 * SIDE
        and y0 > 0.04 * SIDE
        and 0.3 * SIDE < (x0 + x1) / 2 < 0.7 * SIDE
        and max(x1 - x0, y1 - y0) > 0.3 * SIDE
    )


def test_several_birds_are_several() -> None:
    one = change(scene("a bird over the sea", 3), scene("the sea", 3))
    many = change(scene("seagulls over the sea", 3), scene("the sea", 3))
    assert blobs(one.mask) == 1
    assert blobs(many.mask) >= 3  # separate birds, spread over the sky
    assert many.centre_y < 0.5


def blobs(mask: Image.Image) -> int:
    """How many separate patches the mask has (touching pixels make one; specks ignored)."""
    small = mask.resize((64, 64), Image.Resampling.BOX).point(lambda v: 255 if v > 60 else 0)
    seen: set[tuple[int, int]] = set()
    patches = 0
    for start in ((x, y) for y in range(64) for x in range(64)):
        if start in seen or not small.getpixel(start):
            continue
        stack, size = [start], 0
        seen.add(start)
        while stack:
            x, y = stack.pop()
            size += 1
            for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if (
                    0 <= nx < 64
                    and 0 <= ny < 64
                    and (nx, ny) not in seen
                    and small.getpixel((nx, ny))
                ):
                    seen.add((nx, ny))
                    stack.append((nx, ny))
        patches += size >= 3
    return patches


@pytest.mark.parametrize(
    ("word", "thing"),
    [
        ("a yacht", "boat"),
        ("a ship", "boat"),
        ("a cruise ship", "boat"),
        ("a canoe", "boat"),
        ("a seagull", "bird"),
        ("an eagle", "bird"),
        ("a flock of birds", "bird"),
        ("a vehicle", "car"),
        ("a taxi", "car"),
        ("a truck", "car"),
        ("a school bus", "car"),
        ("a spaceship", "rocket"),
        ("a goldfish", "fish"),
        ("koi", "fish"),
        ("a palace", "castle"),
        ("a fortress", "castle"),
        ("a bike", "bicycle"),
        ("a hot-air balloon", "balloon"),
        ("a moth", "butterfly"),
        ("a teacup", "cup"),
        ("an espresso", "cup"),
        ("a cup of tea", "cup"),
        ("a novel", "book"),
        ("a library", "book"),
        ("a plane", "airplane"),
        ("a jet", "airplane"),
        ("an aeroplane", "airplane"),
        ("a beacon", "lighthouse"),
    ],
)
def test_synonyms(word: str, thing: str) -> None:
    assert things.has(word, thing)


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("a sunflower field in the style of Van Gogh", "car"),
        ("a woman with jet black hair", "airplane"),
        ("a cupcake", "cup"),
        ("a motorbike", "bicycle"),
    ],
)
def test_words_that_only_look_like_things(text: str, thing: str) -> None:
    assert not things.has(text, thing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a bird", 1),
        ("birds", 3),
        ("three birds", 3),
        ("a flock of seagulls", 5),
        ("two red sailboats", 2),
        ("a fish", 1),
        ("a school of fish", 5),
        ("a bus", 1),
    ],
)
def test_how_many(text: str, expected: int) -> None:
    key = next(k for k in ("bird", "boat", "fish", "car") if things.has(text, k))
    assert things.count(text, key) == expected


def test_words_that_are_not_about_a_thing_draw_the_same_picture() -> None:
    """A prompt with no thing in it comes out as before the things existed: the things draw
    from their own random stream and only when named."""
    for prompt in ("a house by a lake with mountains", "a cat", "sunset over the sea"):
        assert not things.any_thing(prompt)
    a = scene("a house by a lake with mountains", 9)
    b = scene("a house by a lake with mountains and a car", 9)
    top = (0, 0, SIDE, SIDE // 3)  # the sky and mountain tops are untouched by the car
    assert ImageChops.difference(a.crop(top), b.crop(top)).getbbox() is None


CONTACT_SHEET = (
    "a red lighthouse at night",
    "a lighthouse by the sea at sunset",
    "a cat on a boat",
    "seagulls over a cruise ship",
    "a yellow taxi in the city",
    "a rocket in space",
    "a goldfish underwater",
    "a castle on a hill",
    "a dog riding a bicycle",
    "hot air balloons over the mountains",
    "a blue butterfly in a garden",
    "a cup of coffee and a book",
)


def test_contact_sheet_of_twelve_different_pictures() -> None:
    """Twelve prompts side by side in test-artifacts/demo-motifs.png, to look at; no two of
    them may come out alike."""
    tile, cols = 256, 4
    rows = -(-len(CONTACT_SHEET) // cols)
    sheet = Image.new("RGB", (cols * tile, rows * tile), (255, 255, 255))
    font = ImageFont.load_default(size=11)
    pictures: list[Image.Image] = []
    for i, prompt in enumerate(CONTACT_SHEET):
        png = render_png(prompt, size=f"{tile}x{tile}")
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (tile, tile)
            pictures.append(image.convert("RGB").crop((0, 0, tile, tile - 32)))  # no caption
            sheet.paste(image.convert("RGB"), ((i % cols) * tile, (i // cols) * tile))
    for i, a in enumerate(pictures):
        for j in range(i + 1, len(pictures)):
            difference = ImageStat.Stat(ImageChops.difference(a, pictures[j])).mean
            assert max(difference) > 15, (CONTACT_SHEET[i], CONTACT_SHEET[j])
        ImageDraw.Draw(sheet).text(
            ((i % cols) * tile + 4, (i // cols) * tile + 4), str(i + 1), fill="white", font=font
        )
    ARTIFACTS.mkdir(exist_ok=True)
    sheet.save(ARTIFACTS / "demo-motifs.png")
