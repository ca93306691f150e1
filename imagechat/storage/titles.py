"""Conversation titles as plain text.

A conversation is named after its first message, which is Markdown; the sidebar shows names as
text, so `**bold**`, `# heading` or `[a link](https://…)` would appear with their marks. The
message is parsed with markdown-it (CommonMark) and only its text is kept.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_BREAKS = {"softbreak", "hardbreak"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def _inline_text(children: list[Token]) -> list[str]:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in _BREAKS:
            out.append(" ")
        elif child.type == "image":  # its alt text (the children) stands for it
            out.extend(_inline_text(child.children or []))
    return out


def plain_title(text: str, limit: int | None = None) -> str:
    """The text of a Markdown message on one line (marks, link targets and HTML left out);
    the stripped text itself when nothing but marks is left."""
    parts: list[str] = []
    for token in _parser().parse(text or ""):
        if token.type == "inline":
            parts.extend(_inline_text(token.children or []))
            parts.append(" ")
        elif token.type in ("fence", "code_block"):
            parts.extend((token.content, " "))
    title = " ".join("".join(parts).split()) or " ".join((text or "").split())
    return title[:limit] if limit is not None else title
