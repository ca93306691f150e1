"""Finishing demo pictures: style filters, brightness, the caption band, encoding (PNG, WebP or
JPEG); edits."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from typing import Final

from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageEnhance,
    ImageFilter,
    ImageFont,
    ImageOps,
    ImageStat,
)

from . import motifs, things
from .constants import DEFAULT_SIZE, MAX_SIDE, MIN_SIDE
from .palette import COLOURS, darken, lighten, named_colours
from .scene import draw_scene

WORK_SIDE: Final = {"low": 320, "medium": 512, "high": 640}
_BRIGHTER: Final = re.compile(
    r"\b(?:brighter|brighten(?:ed)?|lighter|sunnier|well[\s-]lit|luminous"
    r"|more\s+(?:\w+\s+)?light)\b",
    re.I,
)
_DARKER: Final = re.compile(
    r"\b(?:darker|darken(?:ed)?|dimmer|moodier|gloomier|less\s+light"
    r"|more\s+shadows?)\b",
    re.I,
)
_COLOUR_WORDS: Final = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in COLOURS) + r")\b", re.I)


def parse_size(size: str | None, fallback: tuple[int, int] | None = None) -> tuple[int, int]:
    """'1536x1024' -> (1536, 1024); 'auto'/None -> fallback or 1024x1024; sides kept in range."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*[x×]\s*(\d{1,5})\s*", size or "")
    if match:
        w, h = int(match.group(1)), int(match.group(2))
    elif fallback is not None:
        w, h = fallback
    else:
        w, h = (int(v) for v in DEFAULT_SIZE.split("x"))
    scale = min(1.0, MAX_SIDE / max(w, h))
    return (max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale)))


def brightness_factor(text: str) -> float:
    """'brighter' twice -> 1.44; 'darker' -> 0.8."""
    factor = 1.2 ** len(_BRIGHTER.findall(text)) * 0.8 ** len(_DARKER.findall(text))
    return max(0.35, min(2.2, factor))


def seed_for(prompt: str) -> int:
    """The same subject keeps its layout when only brightness or colours change."""
    core = _COLOUR_WORDS.sub("", _DARKER.sub("", _BRIGHTER.sub("", prompt.lower())))
    core = re.sub(r"[^a-z0-9]+", " ", core).strip()
    return int.from_bytes(hashlib.sha256(core.encode()).digest()[:6], "big")


def _on_rgb(img: Image.Image, fn: Callable[[Image.Image], Image.Image]) -> Image.Image:
    """Apply an RGB-only filter to an RGBA picture, keeping its alpha."""
    alpha = img.getchannel("A")
    out = fn(img.convert("RGB")).convert("RGB")
    out.putalpha(alpha)
    return out


def _sketch(rgb: Image.Image, dark: bool) -> Image.Image:
    grey = ImageOps.grayscale(rgb)
    edges = ImageOps.autocontrast(ImageOps.invert(grey.filter(ImageFilter.FIND_EDGES)))
    shade = ImageEnhance.Contrast(grey).enhance(0.35).point(lambda v: 150 + v * 0.4)
    lines = ImageChops.multiply(edges, shade)
    paper = (50, 48, 46) if dark else (60, 55, 50)
    return ImageOps.colorize(lines, paper, (250, 247, 238))


def _vignette(rgb: Image.Image) -> Image.Image:
    w, h = rgb.size
    mask = Image.radial_gradient("L").resize((w, h)).point(lambda v: 255 - int(v * 0.45))
    return ImageChops.multiply(rgb, Image.merge("RGB", (mask, mask, mask)))


def _pixelate(img: Image.Image) -> Image.Image:
    w, h = img.size
    block = max(4, max(w, h) // 64)
    small = img.resize((max(1, w // block), max(1, h // block)), Image.Resampling.BILINEAR)
    small = _on_rgb(small, lambda rgb: ImageOps.posterize(rgb, 3))
    return small.resize((w, h), Image.Resampling.NEAREST)


def _watercolor(rgb: Image.Image) -> Image.Image:
    soft = Image.blend(rgb, Image.new("RGB", rgb.size, (252, 250, 244)), 0.28)
    soft = soft.filter(ImageFilter.GaussianBlur(max(1.2, rgb.width / 320)))
    return soft.filter(ImageFilter.SMOOTH_MORE)


def _oil(rgb: Image.Image) -> Image.Image:
    daubs = ImageEnhance.Color(rgb.filter(ImageFilter.MedianFilter(5))).enhance(1.3)
    return daubs.filter(ImageFilter.EDGE_ENHANCE)


def _cartoon(rgb: Image.Image) -> Image.Image:
    flat = ImageOps.posterize(rgb, 3).filter(ImageFilter.EDGE_ENHANCE_MORE)
    return ImageEnhance.Color(flat).enhance(1.3)


def _minimal(rgb: Image.Image) -> Image.Image:
    return rgb.quantize(6).convert("RGB")


def _three_d(rgb: Image.Image) -> Image.Image:
    shaded = Image.blend(rgb, rgb.filter(ImageFilter.EMBOSS).convert("RGB"), 0.22)
    return ImageEnhance.Contrast(shaded).enhance(1.25)


def _photo(rgb: Image.Image) -> Image.Image:
    return _vignette(ImageEnhance.Contrast(rgb.filter(ImageFilter.GaussianBlur(1))).enhance(1.1))


def _vivid(rgb: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(ImageEnhance.Color(rgb).enhance(1.7)).enhance(1.15)


def _natural(rgb: Image.Image) -> Image.Image:
    muted = ImageEnhance.Color(rgb).enhance(0.8)
    return Image.blend(muted, Image.new("RGB", rgb.size, (235, 215, 180)), 0.08)


def _sepia(rgb: Image.Image) -> Image.Image:
    return ImageOps.colorize(ImageOps.grayscale(rgb), (45, 28, 12), (250, 236, 200))


def _mono(rgb: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(ImageOps.grayscale(rgb)).enhance(1.3).convert("RGB")


def _surreal(rgb: Image.Image) -> Image.Image:
    r, g, b = rgb.split()
    return Image.merge("RGB", (g, b, r))


_RGB_STYLES: Final[tuple[tuple[str, Callable[[Image.Image], Image.Image]], ...]] = (
    (r"water[\s-]?colou?r|aquarelle", _watercolor),
    (r"charcoal|ink\s+sketch", lambda rgb: _sketch(rgb, True)),
    (r"sketch|pencil|line\s+(?:art|drawing)", lambda rgb: _sketch(rgb, False)),
    (r"oil|acrylic|impressionis", _oil),
    (r"cartoon|anime|manga|comic|pop\s+art|flat|vector|cel[\s-]shad", _cartoon),
    (r"minimal", _minimal),
    (r"3d|isometric|low\s+poly|cgi|clay", _three_d),
    (r"photo|realistic|cinematic", _photo),
    (r"vivid|neon|cyberpunk|synthwave|vaporwave|vibrant|psychedelic", _vivid),
    (r"natural|muted|earthy", _natural),
    (r"sepia|vintage|retro|steampunk|old\s+photo", _sepia),
    (r"black\s+and\s+white|noir|monochrome|gr[ae]yscale|b&w", _mono),
    (r"surreal|dream", _surreal),
)
_PIXEL_STYLE: Final = re.compile(r"pixel|8[\s-]?bit|16[\s-]?bit|retro\s+game", re.I)


def apply_styles(img: Image.Image, style_text: str) -> tuple[Image.Image, bool]:
    """Every style the text names, in turn; also says whether the result wants NEAREST scaling."""
    for pattern, fn in _RGB_STYLES:
        if re.search(pattern, style_text, re.I):
            img = _on_rgb(img, fn)
    blocky = bool(_PIXEL_STYLE.search(style_text))
    if blocky:
        img = _pixelate(img)
    return img, blocky


def adjust_brightness(img: Image.Image, factor: float) -> Image.Image:
    if abs(factor - 1.0) < 1e-3:
        return img
    return _on_rgb(img, lambda rgb: ImageEnhance.Brightness(rgb).enhance(factor))


def _wrap(
    text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: float, max_lines: int
) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        while font.getlength(word) > width and len(word) > 1:  # a very long word: hard breaks
            cut = max(1, int(len(word) * width / font.getlength(word)) - 1)
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + " …") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines or [""]


def has_transparency(img: Image.Image) -> bool:
    return img.mode == "RGBA" and img.getchannel("A").getextrema()[0] < 255


def add_caption(
    img: Image.Image, text: str, label: str = "DEMO", opacity: int = 175
) -> Image.Image:
    """A translucent band along the bottom with the prompt, wrapped, after a small label. On a
    picture with a see-through background only the words (outlined), so it stays see-through."""
    w, h = img.size
    size = max(10, round(min(w, h) * 0.028))
    font = ImageFont.load_default(size=size)
    pad = max(6, size // 2)
    lines = _wrap(f"{label} · {' '.join(text.split())}", font, w - 2 * pad, 3)
    line_h = round(size * 1.3)
    band_h = min(h, len(lines) * line_h + 2 * pad)
    cut_out = has_transparency(img)
    band = img.crop((0, h - band_h, w, h))
    if not cut_out:
        band.alpha_composite(Image.new("RGBA", band.size, (12, 14, 22, opacity)))
    d = ImageDraw.Draw(band)
    stroke = max(1, size // 8) if cut_out else 0
    for i, line in enumerate(lines):
        d.text(
            (pad, pad + i * line_h),
            line,
            font=font,
            fill=(255, 255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(12, 14, 22, 255),
        )
    img.paste(band, (0, h - band_h))
    return img


OUTPUT_FORMATS: Final = ("png", "webp", "jpeg")
DEFAULT_COMPRESSION: Final = 90  # quality of WebP/JPEG when output_compression is not given


def output_format_of(output_format: str | None) -> str:
    """'png', 'webp' or 'jpeg' ('jpg' is JPEG; anything else, None or 'auto' is PNG)."""
    fmt = (output_format or "").strip().lower()
    fmt = "jpeg" if fmt == "jpg" else fmt
    return fmt if fmt in OUTPUT_FORMATS else "png"


def _flatten(img: Image.Image) -> Image.Image:
    """RGB: see-through parts on white (as a JPEG of a cut-out would show them)."""
    if not has_transparency(img):
        return img.convert("RGB")
    white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    white.alpha_composite(img.convert("RGBA"))
    return white.convert("RGB")


def encode_picture(
    img: Image.Image,
    *,
    output_format: str | None = None,
    output_compression: int | None = None,
    transparent: bool | None = None,
    fast: bool = False,
) -> bytes:
    """The picture as PNG, WebP or JPEG bytes. `transparent` (None: whether the picture has
    see-through pixels) keeps the alpha channel in PNG/WebP; JPEG has none, so a cut-out is
    flattened onto white. `output_compression` (0-100) is the WebP/JPEG quality."""
    fmt = output_format_of(output_format)
    if transparent is None:
        transparent = has_transparency(img)
    keep_alpha = transparent and fmt != "jpeg"
    pixels = img.convert("RGBA") if keep_alpha else _flatten(img)
    out = io.BytesIO()
    if fmt == "png":
        pixels.save(out, "PNG", compress_level=1 if fast else 3)
    else:
        quality = DEFAULT_COMPRESSION if output_compression is None else int(output_compression)
        quality = max(1, min(100, quality))
        if fmt == "webp":
            pixels.save(out, "WEBP", quality=quality, method=0 if fast else 3)
        else:
            pixels.save(out, "JPEG", quality=quality)
    return out.getvalue()


def to_png(img: Image.Image, *, transparent: bool, fast: bool = False) -> bytes:
    return encode_picture(img, transparent=transparent, fast=fast)


def _work_size(w: int, h: int, quality: str | None) -> tuple[int, int]:
    side = WORK_SIDE.get(quality or "medium", WORK_SIDE["medium"])
    scale = min(1.0, side / max(w, h))
    return max(32, round(w * scale)), max(32, round(h * scale))


def render_picture(
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    quality: str | None = None,
    background: str | None = None,
    index: int = 0,
) -> Image.Image:
    """Picture number `index` for the prompt (RGBA, exactly the asked size, caption included);
    with background "transparent" everything but the subject is see-through (alpha 0)."""
    w, h = parse_size(size)
    transparent = background == "transparent"
    cw, ch = _work_size(w, h, quality)
    img = draw_scene(prompt, cw, ch, seed=seed_for(prompt), index=index, transparent=transparent)
    img, blocky = apply_styles(img, f"{style or ''} {prompt}")
    img = adjust_brightness(img, brightness_factor(prompt))
    if img.size != (w, h):
        resample = Image.Resampling.NEAREST if blocky else Image.Resampling.BICUBIC
        img = img.resize((w, h), resample)
    return add_caption(img, prompt)


def render_encoded(
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    quality: str | None = None,
    background: str | None = None,
    output_format: str | None = None,
    output_compression: int | None = None,
    index: int = 0,
) -> bytes:
    """:func:`render_picture` as bytes in `output_format` (PNG, WebP or JPEG)."""
    img = render_picture(
        prompt, size=size, style=style, quality=quality, background=background, index=index
    )
    return encode_picture(
        img,
        output_format=output_format,
        output_compression=output_compression,
        transparent=background == "transparent",
        fast=quality == "low",
    )


def render_png(
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    quality: str | None = None,
    background: str | None = None,
    index: int = 0,
) -> bytes:
    """Picture number `index` for the prompt, as PNG bytes of exactly the asked size."""
    return render_encoded(
        prompt, size=size, style=style, quality=quality, background=background, index=index
    )


# ---------------------------------------------------------------------------------------------
# Edits: the source picture, changed as asked.

_EDIT_OPS: Final[tuple[tuple[re.Pattern[str], Callable[[Image.Image], Image.Image]], ...]] = (
    (re.compile(r"\b(?:mirror|flip(?:ped)?\s+horizontally|flip)\b", re.I), ImageOps.mirror),
    (re.compile(r"\bupside\s+down|flip(?:ped)?\s+vertically\b", re.I), ImageOps.flip),
    (
        re.compile(r"\brotate|turn\s+(?:it\s+)?sideways\b", re.I),
        lambda im: im.transpose(Image.Transpose.ROTATE_90),
    ),
    (
        re.compile(r"\bblur(?:ry|red)?|soft(?:er)?\s+focus\b", re.I),
        lambda im: im.filter(ImageFilter.GaussianBlur(3)),
    ),
    (
        re.compile(r"\bsharpen|sharper|crisper\b", re.I),
        lambda im: _on_rgb(im, lambda rgb: rgb.filter(ImageFilter.SHARPEN)),
    ),
    (re.compile(r"\binvert(?:ed)?|negative\b", re.I), lambda im: _on_rgb(im, ImageOps.invert)),
)


def _tint(img: Image.Image, colour: tuple[int, int, int], strength: float) -> Image.Image:
    return _on_rgb(img, lambda rgb: Image.blend(rgb, Image.new("RGB", rgb.size, colour), strength))


# -- additions ("add a small red door"): a small shape drawn onto the picture -----------------

_ADDITION: Final = re.compile(
    r"\b(?:add|adding|added|put|place|insert|include|draw|paint|give\s+(?:it|them))\s+(?:in\s+)?"
    r"(?P<what>(?:an?|the|some|one|two|three|four|five|\d+|a\s+few|a\s+couple\s+of)\s+"
    r"[^,.;!?]+?)(?=\s*(?:[,.;!?]|\band\b|\bthen\b|$))",
    re.I,
)
_OBJECTS: Final[tuple[tuple[str, str, tuple[int, int, int]], ...]] = (
    # (noun pattern, kind, default colour)
    (r"doors?|doorways?|gates?", "door", (150, 90, 50)),
    (r"windows?", "window", (170, 210, 240)),
    (r"suns?", "sun", (255, 200, 60)),
    (r"moons?", "moon", (245, 240, 210)),
    (r"clouds?", "cloud", (250, 250, 252)),
    (r"stars?", "star", (250, 215, 70)),
    (r"birds?|seagulls?|gulls?", "bird", (40, 40, 50)),
    (r"trees?|pines?|palms?", "tree", (50, 140, 70)),
    (r"flowers?|roses?|tulips?|daisy|daisies|sunflowers?", "flower", (235, 90, 130)),
    (r"hearts?", "heart", (220, 50, 80)),
    (r"hats?|caps?", "hat", (60, 60, 70)),
    (r"balloons?", "balloon", (220, 60, 70)),
    (r"cats?|kittens?", "cat", (230, 150, 70)),
    (r"dogs?|pupp(?:y|ies)", "dog", (170, 120, 70)),
    (r"robots?", "robot", (170, 180, 195)),
    (r"houses?|cottages?|cabins?", "house", (230, 210, 170)),
)


def _what_kind(what: str) -> tuple[str, tuple[int, int, int], bool]:
    """(kind, colour, plural) of the thing to add; an unknown thing is a small sticker."""
    for pattern, kind, default in _OBJECTS:
        match = re.search(rf"\b(?:{pattern})\b", what, re.I)
        if match:
            colours = named_colours(what)
            plural = match.group(0).lower().endswith("s") and kind not in ("house",)
            plural = plural or bool(re.match(r"(?:some|two|three|four|five|\d+|a\s+few)\b", what))
            return kind, colours[0] if colours else default, plural
    colours = named_colours(what)
    return "sticker", colours[0] if colours else (250, 200, 60), False


def _draw_addition(img: Image.Image, what: str, index: int) -> None:
    """Draw what the prompt adds, small and in a fitting place (doors low, suns high)."""
    w, h = img.size
    kind, colour, plural = _what_kind(what)
    scale = 0.7 if re.search(r"\b(?:small|little|tiny)\b", what, re.I) else 1.0
    scale *= 1.5 if re.search(r"\b(?:big|large|huge|giant)\b", what, re.I) else 1.0
    d = ImageDraw.Draw(img, "RGBA")
    side = min(w, h) * scale
    spots = [0.5, 0.25, 0.75] if plural else [0.5 + (0.0, -0.08, 0.08)[index % 3]]
    for fx in spots:
        cx = w * fx
        if kind == "door":
            dw, dh = side * 0.12, side * 0.24
            bottom = h * 0.86
            d.rounded_rectangle(
                [cx - dw / 2, bottom - dh, cx + dw / 2, bottom],
                radius=dw * 0.3,
                fill=colour,
                outline=darken(colour, 0.4),
                width=max(2, int(dw / 14)),
            )
            knob = max(2.0, dw * 0.08)
            kx, ky = cx + dw * 0.28, bottom - dh * 0.45
            d.ellipse([kx - knob, ky - knob, kx + knob, ky + knob], fill=(235, 200, 80))
        elif kind == "window":
            r = side * 0.07
            cy = h * 0.5
            d.rectangle(
                [cx - r, cy - r, cx + r, cy + r],
                fill=colour,
                outline=(90, 70, 50),
                width=max(2, int(r / 8)),
            )
            d.line([(cx, cy - r), (cx, cy + r)], fill=(90, 70, 50), width=max(2, int(r / 10)))
            d.line([(cx - r, cy), (cx + r, cy)], fill=(90, 70, 50), width=max(2, int(r / 10)))
        elif kind == "sun":
            motifs.sun(d, w * (fx + 0.25 if fx < 0.7 else fx), h * 0.16, side * 0.06, colour)
        elif kind == "moon":
            motifs.moon(d, w * (fx + 0.25 if fx < 0.7 else fx), h * 0.16, side * 0.06, colour)
        elif kind == "cloud":
            motifs.cloud(d, cx, h * 0.18, side * 0.08, colour)
        elif kind == "star":
            motifs.geometric(d, "star", cx, h * 0.15, side * 0.05, colour, darken(colour, 0.3))
        elif kind == "bird":
            r = side * 0.035
            y = h * 0.22
            d.arc([cx - 2 * r, y - r, cx, y + r], 200, 340, fill=colour, width=max(2, int(r / 3)))
            d.arc([cx, y - r, cx + 2 * r, y + r], 200, 340, fill=colour, width=max(2, int(r / 3)))
        elif kind == "tree":
            motifs.tree(d, cx, h * 0.84, side * 0.22, colour, pine=index % 2 == 1)
        elif kind == "flower":
            motifs.flower(d, cx, h * 0.74, side * 0.045, colour, (250, 210, 60), stem_to=h * 0.84)
        elif kind == "heart":
            motifs.heart(d, cx, h * 0.42, side * 0.07, colour)
        elif kind == "hat":
            r = side * 0.08
            cy = h * 0.3
            d.rectangle([cx - r * 1.3, cy, cx + r * 1.3, cy + r * 0.22], fill=colour)
            d.rounded_rectangle(
                [cx - r * 0.75, cy - r, cx + r * 0.75, cy + r * 0.05], radius=r * 0.2, fill=colour
            )
            d.rectangle(
                [cx - r * 0.75, cy - r * 0.3, cx + r * 0.75, cy - r * 0.12],
                fill=lighten(colour, 0.5),
            )
        elif kind == "balloon":
            r = side * 0.05
            cy = h * 0.3
            d.line([(cx, cy + r * 1.2), (cx + r * 0.3, cy + r * 3.5)], fill=(80, 80, 80), width=2)
            d.ellipse([cx - r, cy - r * 1.2, cx + r, cy + r * 1.2], fill=colour)
        elif kind in ("cat", "dog", "robot", "house"):
            size = side * (0.3 if kind == "house" else 0.2)
            box = (cx - size / 2, h * 0.84 - size, cx + size / 2, h * 0.84)
            if kind == "cat":
                motifs.cat(d, box, colour)
            elif kind == "dog":
                motifs.dog(d, box, colour)
            elif kind == "robot":
                motifs.robot(d, box, colour, (250, 200, 60))
            else:
                motifs.house(d, box, colour, darken(colour, 0.5))
        else:  # a thing the scenes know (a boat, a car…); else a sticker with its initial
            size = side * 0.3
            box = (cx - size / 2, h * 0.6 - size / 2, cx + size / 2, h * 0.6 + size / 2)
            if things.draw_icon(d, what, box, colour, lighten(colour, 0.5)):
                continue
            r = side * 0.06
            cy = h * 0.45
            d.ellipse(
                [cx - r, cy - r, cx + r, cy + r],
                fill=colour,
                outline=darken(colour, 0.4),
                width=max(2, int(r / 10)),
            )
            words = re.findall(r"[A-Za-z]+", re.sub(r"^(?:an?|the|some)\s+", "", what))
            noun = next((word for word in reversed(words) if word.lower() not in COLOURS), "")
            if noun:
                motifs.monogram(d, cx, cy, r * 1.2, noun[0].upper(), darken(colour, 0.6))


# -- the background: found by flood-filling from the edges -------------------------------------

_BACKGROUND_CLAUSE: Final = re.compile(r"[^,.;]*\b(?:background|backdrop)\b[^,.;]*", re.I)
_REMOVE_BACKGROUND: Final = re.compile(
    r"\b(?:remove|delete|erase|drop|cut\s+out|get\s+rid\s+of)\s+(?:the\s+|its\s+)?"
    r"(?:background|backdrop)\b|\btransparent\s+(?:background|backdrop)\b"
    r"|\b(?:background|backdrop)\s+(?:to\s+)?transparent\b",
    re.I,
)
_SENTINEL: Final = (255, 0, 254)


def background_mask(img: Image.Image) -> Image.Image:
    """An L mask of the picture's background: what is reached from the top and side edges by
    colours close to the edge's own (255 = background)."""
    w, h = img.size
    scale = min(1.0, 160 / max(w, h))
    small = img.convert("RGB").resize((max(8, round(w * scale)), max(8, round(h * scale))))
    sw, sh = small.size
    seeds = [(x, 0) for x in range(0, sw, max(1, sw // 10))]
    seeds += [(x, int(sh * f)) for f in (0.15, 0.35, 0.55) for x in (0, sw - 1)]
    for seed in seeds:
        if small.getpixel(seed) != _SENTINEL:
            ImageDraw.floodfill(small, seed, _SENTINEL, thresh=40)
    r, g, b = ImageChops.difference(small, Image.new("RGB", small.size, _SENTINEL)).split()
    mask = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v == 0 else 0)
    covered = ImageStat.Stat(mask).mean[0] / 255
    if not 0.04 < covered < 0.97:  # no clear background: the upper part stands in for it
        mask = Image.linear_gradient("L").resize(small.size).point(lambda v: 255 if v < 140 else 0)
    mask = mask.resize((w, h), Image.Resampling.BILINEAR)
    return mask.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) / 300)))


def _change_background(img: Image.Image, clause: str, index: int) -> bool:
    """Recolour the background the clause names, or make it transparent; False if neither."""
    if _REMOVE_BACKGROUND.search(clause):
        mask = background_mask(img)
        alpha = ImageChops.multiply(img.getchannel("A"), ImageOps.invert(mask))
        img.putalpha(alpha)
        return True
    colours = named_colours(clause)
    if not colours:
        return False
    mask = background_mask(img)
    strength = 0.6 + 0.05 * (index % 3)
    tinted = _tint(img, colours[0], strength)
    img.paste(Image.composite(tinted, img, mask))
    return True


# -- the edit ----------------------------------------------------------------------------------

_BLEND_WORDS: Final = re.compile(r"\b(?:blend|merge|combine|mix|together|both|collage)\b", re.I)


_NOT_A_THING: Final = (
    r"\b(?:background|backdrop|light|lighting|shadows?|contrast|look|feel|style|touch|vibe"
    r"|makeover|glow|finish|effect|filter|tint|tone|colou?rs?|mood|texture|warmth|sharpness"
    r"|blur|grain|noise|saturation|brightness)\b"
)


def _open_rgba(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        return ImageOps.exif_transpose(opened).convert("RGBA")


# ImageChat's Variations ask an editing model for "a variation of this image: …".
_VARIATION: Final = re.compile(r"\bvariations?\s+of\s+this\s+(?:image|picture)\b", re.I)
# Per variation: (hue shift in degrees, mirrored, zoom, horizontal focus 0..1, brightness)
_VARIANTS: Final = (
    (16, False, 0.9, 0.35, 1.0),
    (-16, True, 1.0, 0.5, 1.06),
    (32, False, 0.84, 0.65, 0.95),
)


def _vary(img: Image.Image, index: int) -> Image.Image:
    """The same picture, varied the way a variation would be: hue, mirrored, reframed."""
    shift, mirrored, zoom, focus, light = _VARIANTS[index % len(_VARIANTS)]
    alpha = img.getchannel("A")
    h, s, v = img.convert("RGB").convert("HSV").split()
    h = h.point(lambda x: (x + round(shift * 256 / 360)) % 256)
    out = Image.merge("HSV", (h, s, v)).convert("RGB")
    out.putalpha(alpha)
    if mirrored:
        out = ImageOps.mirror(out)
    if zoom < 1:
        w, hgt = out.size
        cw, ch = round(w * zoom), round(hgt * zoom)
        left = round((w - cw) * focus)
        top = 0  # from the top: the source's caption band at the bottom stays out
        out = out.crop((left, top, left + cw, top + ch)).resize((w, hgt), Image.Resampling.BICUBIC)
    return adjust_brightness(out, light)


def _only_where_masked(
    original: Image.Image, edited: Image.Image, mask: bytes, blocky: bool
) -> Image.Image:
    """`edited` where the mask is transparent, `original` elsewhere (same crop as the source)."""
    keep = _open_rgba(mask).getchannel("A")
    keep = ImageOps.fit(keep, original.size, Image.Resampling.BILINEAR)
    if edited.size != original.size:  # a blocky style works at a smaller size
        resample = Image.Resampling.NEAREST if blocky else Image.Resampling.BICUBIC
        edited = edited.resize(original.size, resample)
    return Image.composite(original.convert("RGBA"), edited.convert("RGBA"), keep)


def _set_background(img: Image.Image, background: str | None) -> Image.Image:
    """The edit's `background` parameter: "transparent" cuts the subject out (when the picture
    has no see-through background yet), "opaque" puts see-through parts on white."""
    if background == "transparent" and not has_transparency(img):
        mask = background_mask(img)
        img.putalpha(ImageChops.multiply(img.getchannel("A"), ImageOps.invert(mask)))
    elif background == "opaque" and has_transparency(img):
        img = _flatten(img).convert("RGBA")
    return img


def edit_picture(
    source: bytes | Sequence[bytes],
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    index: int = 0,
    mask: bytes | None = None,
    background: str | None = None,
) -> Image.Image:
    """The source picture with the change applied: brighter/darker, a colour tint, a style
    filter, a shape added, the background recoloured…, then a "DEMO EDIT" caption band (RGBA,
    see-through where the result is).

    Several sources: the first is the picture edited; the second is blended in (more strongly
    when the prompt says blend/merge/combine). With `mask` (a PNG of the source's size), only
    its transparent area changes, as with OpenAI's edits. `background`: "transparent" or
    "opaque" as asked, anything else leaves it as the edit made it."""
    sources = [source] if isinstance(source, bytes | bytearray | memoryview) else list(source)
    if not sources:
        raise ValueError("no image to edit")
    img = _open_rgba(bytes(sources[0]))
    target = parse_size(None if size == "auto" else size, fallback=img.size)
    work = _work_size(*target, "high")
    img = ImageOps.fit(img, work, Image.Resampling.BICUBIC)
    original = img.copy()
    if _VARIATION.search(prompt) and mask is None:
        img = _vary(img, index)
        img = ImageOps.fit(img, target, Image.Resampling.BICUBIC) if img.size != target else img
        img = _set_background(img, background)
        caption = _VARIATION.split(prompt, maxsplit=1)[-1].lstrip(" :").split(".")[0]
        return add_caption(img, caption, label="DEMO VARIATION", opacity=245)
    if len(sources) > 1:
        other = ImageOps.fit(_open_rgba(bytes(sources[1])), work, Image.Resampling.BICUBIC)
        img = Image.blend(img, other, 0.5 if _BLEND_WORDS.search(prompt) else 0.3)
    text = f"{style or ''} {prompt}"
    requested = False
    for pattern, fn in _EDIT_OPS:
        if pattern.search(text):
            img, requested = fn(img), True
    rest = prompt  # what is left for a whole-picture tint once additions/background are done
    for match in _BACKGROUND_CLAUSE.finditer(prompt):
        if _change_background(img, match.group(0), index):
            requested = True
            rest = rest.replace(match.group(0), " ")
    for match in _ADDITION.finditer(rest):
        if re.search(_NOT_A_THING, match["what"], re.I):
            continue
        _draw_addition(img, match["what"], index)
        requested = True
        rest = rest.replace(match.group(0), " ")
    colours = named_colours(rest)
    if colours:
        img, requested = _tint(img, colours[0], 0.3 + 0.05 * (index % 4)), True
    styled, blocky = apply_styles(img, text)
    requested = requested or styled is not img or brightness_factor(prompt) != 1.0
    img = styled
    if not requested:  # nothing we understood: still make the change visible
        img = _tint(img, (255, 190, 110), 0.2 + 0.05 * (index % 4))
    img = adjust_brightness(img, brightness_factor(prompt) * (1 + 0.05 * index))
    if mask is not None:
        img = _only_where_masked(original, img, mask, blocky)
    resample = Image.Resampling.NEAREST if blocky else Image.Resampling.BICUBIC
    img = ImageOps.fit(img, target, resample) if img.size != target else img
    img = _set_background(img, background)
    return add_caption(img, prompt, label="DEMO EDIT", opacity=245)


def edit_encoded(
    source: bytes | Sequence[bytes],
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    index: int = 0,
    mask: bytes | None = None,
    background: str | None = None,
    output_format: str | None = None,
    output_compression: int | None = None,
) -> bytes:
    """:func:`edit_picture` as bytes in `output_format` (PNG, WebP or JPEG)."""
    img = edit_picture(
        source, prompt, size=size, style=style, index=index, mask=mask, background=background
    )
    return encode_picture(img, output_format=output_format, output_compression=output_compression)


def edit_png(
    source: bytes | Sequence[bytes],
    prompt: str,
    *,
    size: str | None = None,
    style: str | None = None,
    index: int = 0,
    mask: bytes | None = None,
) -> bytes:
    """:func:`edit_picture` as PNG bytes (see-through where the edit left it so)."""
    return edit_encoded(source, prompt, size=size, style=style, index=index, mask=mask)
