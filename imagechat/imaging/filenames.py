"""Portable file names for downloaded images."""

from __future__ import annotations

import re
import unicodedata

_MAX_SLUG = 60
# Latin letters that NFKD does not decompose into an ASCII base letter.
_NO_DECOMPOSITION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
    }
)
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)]
)


def safe_filename(prompt: str, index: int | None, ext: str) -> str:
    """A portable file name from a prompt: ``sunset-over-mountains-2.jpg``.

    ASCII only (accents transliterated, everything else dropped), lowercase, words joined
    by ``-``, the prompt part at most 60 characters cut at a word boundary, never empty
    (falls back to ``image``), never a Windows reserved device name, no leading dot and no
    path separators.
    """
    ascii_text = (
        unicodedata.normalize("NFKD", prompt.translate(_NO_DECOMPOSITION))
        .encode("ascii", "ignore")
        .decode()
    )
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _MAX_SLUG:
            slug = slug or word[:_MAX_SLUG]
            break
        slug = candidate
    slug = slug or "image"
    if index is not None:
        if index < 0:
            raise ValueError("index must be >= 0")
        slug = f"{slug}-{index}"
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-image"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return f"{slug}.{ext}" if ext else slug
