"""Display names and one-line descriptions derived from a model's id and its map entry."""

from __future__ import annotations

import re

from imagechat.catalog.model_map import MapEntry

_UPPER = {"gpt": "GPT", "chatgpt": "ChatGPT"}
_VERSION = re.compile(r"^\d+(\.\d+)*[a-z]?$")


def label_for(model_id: str) -> str:
    """ "gpt-image-2.5-sunburst" -> "GPT Image 2.5 Sunburst", "gpt-5.4-mini" -> "GPT-5.4 Mini",
    "o3" -> "o3": the provider's id, spelled for people."""
    words = model_id.rsplit("/", 1)[-1].split("-")
    out: list[str] = []
    for i, word in enumerate(words):
        if i == 1 and out == ["GPT"] and _VERSION.match(word):
            out[0] = f"GPT-{word}"
        elif word in _UPPER:
            out.append(_UPPER[word])
        elif _VERSION.match(word) or (i == 0 and len(words) == 1):
            out.append(word)
        elif i == 0 and re.fullmatch(r"[a-z]\d+", word):
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def describe_chat(info: MapEntry) -> str:
    parts = ["calls tools" if info.function_calling else "no tool calling"]
    if info.vision:
        parts.append("sees images")
    if info.input_per_token is not None and info.output_per_token is not None:
        parts.append(
            f"${info.input_per_token * 1e6:g} / ${info.output_per_token * 1e6:g} "
            "per million tokens in / out"
        )
    return _sentence(parts)


def describe_image(*, edits: bool, custom_sizes: bool, streams: bool) -> str:
    parts = ["makes and edits images" if edits else "makes images"]
    if custom_sizes:
        parts.append("any size up to 4K")
    if streams:
        parts.append("live previews")
    return _sentence(parts)


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
