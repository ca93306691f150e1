"""Agent icons: a lucide icon name or an emoji, drawn as a small SVG tile.

Chainlit's agent picker shows a profile's icon with `<img src=...>`, so a lucide *name* is not
enough: we draw the tile ourselves and hand Chainlit a `data:` URL. The icon shapes in
`icons.json` are lucide's (ISC licence, https://lucide.dev), copied from the lucide-react build
that ships inside Chainlit 2.12's frontend, for a curated set of names.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

_ICONS_FILE = Path(__file__).with_name("icons.json")

# Tile colours (background, foreground), picked by a hash of the agent's name.
_PALETTE: tuple[tuple[str, str], ...] = (
    ("#6366f1", "#ffffff"),  # indigo
    ("#0ea5e9", "#ffffff"),  # sky
    ("#10b981", "#ffffff"),  # emerald
    ("#f59e0b", "#ffffff"),  # amber
    ("#ef4444", "#ffffff"),  # red
    ("#8b5cf6", "#ffffff"),  # violet
    ("#ec4899", "#ffffff"),  # pink
    ("#14b8a6", "#ffffff"),  # teal
    ("#64748b", "#ffffff"),  # slate
)
_EMOJI_TILE = "#eef2f7"
_EMOJI_ONLY = {"Mn", "Me", "Sk", "Cf"}  # combining marks, skin tones, ZWJ / variation selectors
MAX_EMOJI_CODEPOINTS = 16


@lru_cache(maxsize=1)
def _shapes() -> dict[str, list[list[object]]]:
    data = json.loads(_ICONS_FILE.read_text(encoding="utf-8"))
    return {str(name): nodes for name, nodes in data.items()}


def icon_names() -> tuple[str, ...]:
    """The lucide icon names an agent may use."""
    return tuple(sorted(_shapes()))


def is_emoji(text: str) -> bool:
    """One emoji (ZWJ sequences, flags, skin tones and keycaps included), nothing else."""
    if not text or len(text) > MAX_EMOJI_CODEPOINTS or text != text.strip():
        return False
    symbols = 0
    for char in text:
        category = unicodedata.category(char)
        if category == "So":
            symbols += 1
        elif category not in _EMOJI_ONLY and not (char.isdigit() or char in "#*"):
            return False
    return symbols >= 1 or "\u20e3" in text


def is_icon(text: str) -> bool:
    return text in _shapes() or is_emoji(text)


def _colours(seed: str) -> tuple[str, str]:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def icon_svg(icon: str, *, seed: str = "") -> str:
    """A 32x32 rounded tile with the lucide glyph (white on a colour) or the emoji."""
    head = '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">'
    shapes = _shapes().get(icon)
    if shapes is None:
        glyph = escape(icon if is_emoji(icon) else "🤖")
        return (
            f'{head}<rect width="32" height="32" rx="8" fill="{_EMOJI_TILE}"/>'
            '<text x="16" y="17" text-anchor="middle" dominant-baseline="central" '
            'font-size="20" font-family="Apple Color Emoji,Segoe UI Emoji,Noto Color Emoji,'
            f'sans-serif">{glyph}</text></svg>'
        )
    background, foreground = _colours(seed or icon)
    parts = []
    for tag, attrs in shapes:
        attributes = " ".join(f"{k}={quoteattr(str(v))}" for k, v in dict(attrs).items())  # type: ignore[call-overload]
        parts.append(f"<{tag} {attributes}/>")
    return (
        f'{head}<rect width="32" height="32" rx="8" fill="{background}"/>'
        f'<g transform="translate(6 6) scale(0.8333)" fill="none" stroke="{foreground}" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{''.join(parts)}</g></svg>"
    )


def icon_data_url(icon: str, *, seed: str = "") -> str:
    """The tile as a `data:` URL, for `<img src>` (Chainlit's agent picker)."""
    return "data:image/svg+xml;charset=utf-8," + quote(icon_svg(icon, seed=seed), safe="")
