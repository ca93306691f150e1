"""Reads image requests written in plain words: what to draw, how many, size, quality, style.

Everything here is deterministic string work; the chat model (chat.py) decides what to do with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import lexicon as lx
from .constants import DEFAULT_PROMPT, MAX_PROMPT_CHARS


@dataclass
class ImageRequest:
    """What a message asks for; `prompt` is '' when it names no subject of its own."""

    prompt: str = ""
    n: int | None = None
    size: str | None = None
    quality: str | None = None
    styles: list[str] = field(default_factory=list)
    background: str | None = None

    @property
    def style(self) -> str | None:
        return ", ".join(self.styles) if self.styles else None

    @property
    def has_subject(self) -> bool:
        core = re.sub(r"^(?:an?|the|some|my|new)\s+", "", self.prompt.lower()).strip(" .!?")
        return bool(core) and core not in lx.EMPTY_SUBJECTS

    @property
    def sets_options(self) -> bool:
        """Does it name a size, style or background (a sure sign of an image request)?"""
        return any(v is not None for v in (self.size, self.style, self.background))

    def tool_args(self, default_prompt: str = DEFAULT_PROMPT) -> dict[str, Any]:
        """Arguments for a `generate_image` call (only the ones the message set, plus prompt)."""
        args: dict[str, Any] = {"prompt": (self.prompt if self.has_subject else default_prompt)}
        args["prompt"] = args["prompt"][:MAX_PROMPT_CHARS]
        for key, value in (
            ("n", self.n),
            ("size", self.size),
            ("quality", self.quality),
            ("style", self.style),
            ("background", self.background),
        ):
            if value is not None:
                args[key] = value
        return args


def _cut(text: str, match: re.Match[str], replacement: str = " ") -> str:
    return text[: match.start()] + replacement + text[match.end() :]


def _number(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else lx.NUMBER_WORDS[word]


def _take_background(text: str, req: ImageRequest) -> str:
    for pattern, value in lx.BACKGROUND_PATTERNS:
        match = pattern.search(text)
        if match:
            req.background = value
            text = _cut(text, match)
    return text


def _take_size(text: str, req: ImageRequest) -> str:
    match = lx.SIZE_RE.search(text)
    if match:
        req.size = f"{int(match['w'])}x{int(match['h'])}"
        return _cut(text, match)
    match = lx.ASPECT_RE.search(text)
    if match:
        req.size = lx.ASPECT_RATIOS[match["r"]]
        return _cut(text, match)
    for pattern in (lx.ORIENT_FORMAT_RE, lx.ORIENT_IN_RE, lx.ORIENT_CLAUSE_RE, lx.WIDESCREEN_RE):
        match = pattern.search(text)
        if match:
            req.size = lx.ORIENTATIONS[match["o"].lower()]
            return _cut(text, match)
    return text


def _take_quality(text: str, req: ImageRequest) -> str:
    for pattern, quality, remove in lx.QUALITY_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        if req.quality is None:
            req.quality = quality or match["q"].lower()
        if remove:
            text = _cut(text, match)
    return text


def _take_styles(text: str, req: ImageRequest) -> str:
    def found(style: str) -> None:
        if style and style not in req.styles:
            req.styles.append(style)

    lead = r"(?:,\s*)?(?:\b(?:in|as|with|using)\s+(?:an?\s+|the\s+)?)?\b"
    for pattern, style in lx.STYLES:
        # "an oil painting of a harbour" -> "a harbour"; "watercolor style" -> ""
        whole = re.compile(rf"\b(?:an?|the)\s+(?:{pattern}){lx.STYLE_SUFFIX}\s+of\b", re.I)
        bare = re.compile(rf"{lead}(?:{pattern}){lx.STYLE_SUFFIX}\b", re.I)
        for regex in (whole, bare):
            match = regex.search(text)
            if match:
                found(style)
                text = _cut(text, match)
    for pattern, style in lx.AMBIGUOUS_STYLES:
        match = re.search(rf"{lead}(?:{pattern}){lx.STYLE_SUFFIX_REQUIRED}", text, re.I)
        if match:
            found(style)
            text = _cut(text, match)
    for match in list(lx.OTHER_STYLE_RE.finditer(text))[::-1]:
        name = (match["s"] or match["of"] or "").strip()
        if name.lower() in lx.NOT_STYLE_WORDS:
            continue
        found(name if match["s"] else f"in the style of {name}")
        text = _cut(text, match)
    return text


def _take_count(text: str, req: ImageRequest) -> str:
    match = lx.COUNT_RE.search(text)
    if match:
        req.n = _number(match["num"])
        noun = match["noun"].lower()
        singular = lx.SUBJECT_NOUNS.get(noun)
        if singular:
            article = "an" if singular[0] in "aeiou" else "a"
            replacement = f" {article} {singular}{' of' if match['of'] else ''} "
        else:
            replacement = " "
        return _cut(text, match, replacement)
    match = lx.OF_THEM_RE.search(text)
    if match:
        req.n = _number(match["num"])
        return _cut(text, match)
    match = lx.ONE_MORE_RE.search(text)
    if match:
        req.n = 1
        return _cut(text, match)
    match = lx.SOME_VARIATIONS_RE.search(text)
    if match:
        req.n = 3
        return _cut(text, match)
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:.!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return text.strip()


def _strip_instructions(text: str) -> str:
    text = _tidy(text)
    while True:
        before = text
        text = lx.LEADING_INSTRUCTION.sub("", text, count=1)
        text = lx.LEADING_IMAGE_NOUN.sub("", text, count=1)
        text = re.sub(r"^[\s,;:.!?-]+", "", text)
        if text == before:
            break
    text = lx.TRAILING_NOISE.sub("", text)
    return _tidy(text)


def _take_options(text: str, req: ImageRequest) -> str:
    """Fill req's options from the text; returns the text with those phrases cut out."""
    rest = text.replace("\u2019", "'")
    for step in (_take_background, _take_size, _take_quality, _take_styles, _take_count):
        rest = step(rest, req)
    return rest


def take_options(
    text: str, *, styles: bool = True, background: bool = True
) -> tuple[str, ImageRequest]:
    """The options a text sets (count, size, quality; styles and background if asked) and the
    text without those phrases."""
    req = ImageRequest()
    rest = text.replace("\u2019", "'")
    steps = [_take_size, _take_quality, _take_count]
    if styles:
        steps.insert(2, _take_styles)
    if background:
        steps.insert(0, _take_background)
    for step in steps:
        rest = step(rest, req)
    return rest, req


def parse_image_request(text: str) -> ImageRequest:
    """Split a request into tool arguments; "Generate 3 variations of a logo, watercolor style,
    1024x1024, high quality" -> prompt "a logo", n 3, style watercolor, size, quality high."""
    req = ImageRequest()
    req.prompt = _strip_instructions(_take_options(text, req))[:MAX_PROMPT_CHARS]
    return req


# ---------------------------------------------------------------------------------------------
# Is it a request at all, and is it a change to the previous picture?

_MAKE_IT = re.compile(
    r"\bmake\s+(?:it|them|this|that|these|those|the|her|him|everything|all)\b", re.I
)
_NEUTRAL_START = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|now|and|also|great|nice|cool|good|perfect|thanks|thank\s+you|please"
    r"|hmm|so|then|well|wow|lovely|yes|yeah|can\s+you|could\s+you|would\s+you|will\s+you"
    r"|let'?s|just)\b[\s,!.:;-]*)+",
    re.I,
)
_FOLLOW_UP_START = re.compile(
    r"^(?:make\s+(?:it|them|this|that|these|those|the|her|him|everything|all)|same|again|add|put"
    r"|remove|change|replace|turn|swap|try|redo|retry|re-?do|re-?generate|regenerate|refine"
    r"|tweak|more|less|but|with|without|in|as|what\s+about|how\s+about|give\s+(?:it|them)"
    r"|brighter|darker|lighter|bigger|smaller|warmer|cooler|another|one\s+more|do\s+(?:it|that)"
    r"|this\s+time|no\s+)",
    re.I,
)
_FOLLOW_UP_ANYWHERE = re.compile(
    r"\b(?:instead|again|same\s+(?:one|image|picture|thing|prompt|but)|this\s+time|one\s+more"
    r"|another\s+one)\b",
    re.I,
)
_MODIFIER_WORDS = frozenset(
    "brighter darker lighter bigger smaller warmer cooler happier sadder softer sharper bolder "
    "more less very much bit a little slightly even colorful colourful vibrant moody calmer "
    "simpler busier cleaner red blue green yellow orange purple pink black white grey gray gold "
    "golden silver brown teal cyan violet pastel neon dark light pale deep bright and".split()
)
_BARE_ORIENTATION = re.compile(
    r"^(?:an?\s+)?(square|landscape|portrait|wide|tall|vertical|horizontal|widescreen)$", re.I
)


def _creation_verb(text: str) -> bool:
    if lx.STRONG_VERBS.search(text):
        return True
    return any(not _MAKE_IT.match(text, m.start()) for m in lx.WEAK_VERBS.finditer(text))


_NOT_AN_OBJECT = frozenset("sure sense it them that this up out do".split())


def _weak_verb_object_is_visual(text: str) -> bool:
    for match in lx.WEAK_VERBS.finditer(text):
        if _MAKE_IT.match(text, match.start()):
            continue
        following = re.findall(r"[a-z'-]+", text[match.end() :].lower())[:5]
        if not following or following[0] in _NOT_AN_OBJECT:
            continue
        if not any(word in lx.TEXT_OBJECTS for word in following):
            return True
    return False


def is_image_request(text: str) -> bool:
    """Does this message ask for a new picture? ("draw a cat" yes; "write a poem" no)."""
    if not text.strip():
        return False
    if lx.QUESTION_START.match(text) and not lx.REQUEST_PHRASES.search(text):
        return False
    if lx.STRONG_VERBS.search(text) or parse_image_request(text).sets_options:
        return True
    if lx.IMAGE_NOUNS.search(text):
        starts_like_request = re.match(
            r"^\s*(?:an?|the|some|\d+|[a-z]+\s+(?:variations|images))\b", text, re.I
        )
        return bool(_creation_verb(text) or lx.REQUEST_PHRASES.search(text) or starts_like_request)
    return _weak_verb_object_is_visual(text)


def is_follow_up(text: str) -> bool:
    """Is this a change to an earlier picture ("make it brighter", "now three variations")?

    Only meaningful when an earlier `generate_image` call exists."""
    stripped = _NEUTRAL_START.sub("", text.strip())
    if not stripped:
        return False
    req = parse_image_request(stripped)
    if not req.has_subject:
        changes = req.n is not None or req.sets_options or req.quality is not None
        return changes or bool(_FOLLOW_UP_START.match(stripped))
    if _FOLLOW_UP_START.match(stripped) or _FOLLOW_UP_ANYWHERE.search(stripped):
        return True
    if _creation_verb(stripped):
        return False
    words = re.findall(r"[a-z]+", req.prompt.lower())
    return bool(words) and all(w in _MODIFIER_WORDS for w in words)


_CHANGE_CUES = re.compile(
    r"^\s*(?:(?:make\s+(?:it|them|this|that|these|those|everything|all|the\s+(?:image|picture|"
    r"images|pictures|one|ones))|same(?:\s+(?:one|image|picture|thing|prompt))?|again|but"
    r"|try|redo|retry|re-?do|regenerate|re-?generate|do\s+(?:it|that)|this\s+time|instead"
    r"|what\s+about|how\s+about|give\s+(?:it|them)|turn\s+(?:it|them)|can\s+you|could\s+you"
    r"|would\s+you|please|now|ok(?:ay)?|and|also|just|so|then|one)\b[\s,!.:;-]*)+",
    re.I,
)


_EMPTY_CHANGES = frozenset({"more", "less", "a", "an", "into", "to", "as", "into a", "into an"})


def _change_phrase(rest: str) -> str:
    """'make it brighter and add more natural light' -> 'brighter, with more natural light'."""
    pieces = re.split(r"\s*(?:,|;|\band\b|\bbut\b|\balso\b)\s*", rest)
    out: list[str] = []
    for piece in pieces:
        piece = _CHANGE_CUES.sub("", piece).strip()
        piece = re.sub(r"\b(?:again|instead|this\s+time|please)\b", "", piece, flags=re.I).strip()
        piece = re.sub(r"^(?:add|put|include|with)\s+(?:in\s+)?", "with ", piece, flags=re.I)
        piece = re.sub(r"^(?:remove|drop|without|no)\s+", "without ", piece, flags=re.I)
        piece = re.sub(
            r"^(?:change|turn|swap)\s+(.+?)\s+(?:to|into|for)\s+", r"\1 ", piece, flags=re.I
        )
        piece = lx.TRAILING_NOISE.sub("", piece).strip(" ,.;:!?-")
        if piece.lower() in lx.EMPTY_SUBJECTS or piece.lower() in _EMPTY_CHANGES:
            continue
        if piece:
            out.append(piece)
    return ", ".join(out)


def apply_follow_up(previous: dict[str, Any], text: str) -> dict[str, Any]:
    """The previous `generate_image` arguments changed as the follow-up asks."""
    args = dict(previous)
    args.setdefault("prompt", DEFAULT_PROMPT)
    req = ImageRequest()
    change = _change_phrase(_tidy(_take_options(text, req)))
    orientation = _BARE_ORIENTATION.match(change)
    if orientation and req.size is None:
        req.size = lx.ORIENTATIONS[orientation.group(1).lower()]
        change = ""
    if change and re.search(r"\binstead\b(?!\s+of)", text, re.I):
        args["prompt"] = change[:MAX_PROMPT_CHARS]  # "a dog instead": a new subject
    elif change:
        args["prompt"] = f"{str(args['prompt']).rstrip(' ,.')}, {change}"[:MAX_PROMPT_CHARS]
    for key, value in (
        ("n", req.n),
        ("size", req.size),
        ("quality", req.quality),
        ("style", req.style),
        ("background", req.background),
    ):
        if value is not None:
            args[key] = value
    return args
