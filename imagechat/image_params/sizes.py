"""Sizes: what a person or an LLM says ("16:9 wallpaper", "portrait", "4K", "1024 x 1024")
turned into WIDTHxHEIGHT, and a size fitted to what an image model takes."""

from __future__ import annotations

import math
import re
from typing import Final

from imagechat.catalog import CustomSizes

STANDARD_SIZES: Final = ("1024x1024", "1536x1024", "1024x1536")
_LONG_EDGE: Final = 1536  # the standard sizes' long edge: what a shape word asks for

_EXPLICIT = re.compile(r"(\d{2,5})\s*(?:px)?\s*(?:x|×|\*|by|,)\s*(\d{2,5})\s*(?:px)?")
_RATIO = re.compile(r"(\d{1,2}(?:\.\d)?)\s*[:/]\s*(\d{1,2}(?:\.\d)?)")
# shape words -> (width, height) ratio; the first word found in the text wins
_SHAPES: Final[tuple[tuple[str, tuple[float, float]], ...]] = (
    ("phone", (9, 19.5)),
    ("mobile", (9, 19.5)),
    ("story", (9, 16)),
    ("banner", (3, 1)),
    ("panorama", (3, 1)),
    ("panoramic", (3, 1)),
    ("ultrawide", (21, 9)),
    ("widescreen", (16, 9)),
    ("cinematic", (21, 9)),
    ("wallpaper", (16, 9)),
    ("poster", (2, 3)),
    ("square", (1, 1)),
    ("portrait", (2, 3)),
    ("tall", (2, 3)),
    ("vertical", (2, 3)),
    ("landscape", (3, 2)),
    ("wide", (3, 2)),
    ("horizontal", (3, 2)),
)
# resolution words -> long edge (and 16:9 unless a shape says otherwise)
_RESOLUTIONS: Final[tuple[tuple[str, int], ...]] = (
    ("8k", 3840),
    ("4k", 3840),
    ("uhd", 3840),
    ("2160p", 3840),
    ("1440p", 2560),
    ("qhd", 2560),
    ("2k", 2560),
    ("1080p", 1920),
    ("full hd", 1920),
    ("fhd", 1920),
)


class SizeWordsError(ValueError):
    """The text names no size."""


def size_from_words(text: str) -> str:
    """ "auto" or WIDTHxHEIGHT for what `text` asks (no model is consulted here)."""
    lowered = " ".join(text.strip().lower().split())
    if lowered in ("", "auto", "default", "any"):
        return "auto"
    explicit = _EXPLICIT.search(lowered)
    if explicit:
        return f"{int(explicit[1])}x{int(explicit[2])}"
    if lowered.isdigit():
        return f"{int(lowered)}x{int(lowered)}"
    ratio: tuple[float, float] | None = None
    match = _RATIO.search(lowered)
    if match and float(match[1]) > 0 and float(match[2]) > 0:
        ratio = (float(match[1]), float(match[2]))
    if ratio is None:
        ratio = next((r for word, r in _SHAPES if _has_word(lowered, word)), None)
    long_edge = next((edge for word, edge in _RESOLUTIONS if _has_word(lowered, word)), None)
    if ratio is None and long_edge is None:
        raise SizeWordsError(
            "size must be 'auto', WIDTHxHEIGHT (e.g. 1536x864), an aspect ratio (e.g. 16:9) or "
            "a word such as square, portrait, landscape, banner, phone wallpaper or 4K"
        )
    width_ratio, height_ratio = ratio or (16, 9)
    edge = long_edge or (1024 if width_ratio == height_ratio else _LONG_EDGE)
    scale = edge / max(width_ratio, height_ratio)
    return f"{_to16(width_ratio * scale)}x{_to16(height_ratio * scale)}"


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


def _to16(value: float) -> int:
    return max(16, round(value / 16) * 16)


def dims(size: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)x(\d+)", size)
    if not match or int(match[1]) <= 0 or int(match[2]) <= 0:
        return None
    return int(match[1]), int(match[2])


def closest_size(asked: str, sizes: tuple[str, ...]) -> str | None:
    """The size in `sizes` with the closest aspect ratio to `asked`, then the closest area."""
    wanted = dims(asked)
    candidates = [(s, d) for s in sizes if (d := dims(s)) is not None]
    if wanted is None or not candidates:
        return None
    ratio, area = math.log(wanted[0] / wanted[1]), math.log(wanted[0] * wanted[1])

    def distance(item: tuple[str, tuple[int, int]]) -> tuple[float, float]:
        w, h = item[1]
        return round(abs(math.log(w / h) - ratio), 9), round(abs(math.log(w * h) - area), 9)

    return min(candidates, key=distance)[0]


def fit_custom(width: int, height: int, rule: CustomSizes) -> tuple[int, int]:
    """The size nearest `width`x`height` that `rule` allows: aspect clamped, scaled down under
    the edge and pixel caps, sides rounded to the multiple."""
    ratio = min(max(width / height, 1 / rule.max_aspect), rule.max_aspect)
    area = min(width * height, rule.max_pixels)
    w = math.sqrt(area * ratio)
    h = w / ratio
    shrink = min(
        1.0,
        rule.max_long_edge / max(w, h),
        rule.max_short_edge / min(w, h),
    )
    w, h = w * shrink, h * shrink
    m = rule.multiple_of
    for _ in range(64):
        fw, fh = max(m, int(w // m) * m), max(m, int(h // m) * m)
        if round(w / m) * m and rule.allows(round(w / m) * m, round(h / m) * m):
            return round(w / m) * m, round(h / m) * m
        if rule.allows(fw, fh):
            return fw, fh
        w, h = w * 0.98, h * 0.98
    return m * 64, m * 64
