"""When the demo chat model edits an image (`edit_image`) instead of drawing a new one, which
images it edits, and how it words the instruction.

    "turn this into a watercolor"              -> "turn it into a watercolor"
    "edit the last image: add a red door"      -> "add a red door"
    "make this photo black and white"          -> "make it black and white"
    "apply a sketch style to the attached image" -> "apply a sketch style"

Deterministic string work, like parser.py; chat.py decides what to do with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from . import lexicon as lx
from .constants import DEFAULT_EDIT_PROMPT, MAX_EDIT_SOURCES, MAX_PROMPT_CHARS
from .conversation import ContextImage
from .palette import named_colours
from .parser import ImageRequest, is_follow_up, is_image_request, parse_image_request, take_options
from .render import brightness_factor

_IMAGE_NOUN: Final = (
    r"(?:image|picture|pic|photo|photograph|drawing|painting|illustration|artwork|selfie"
    r"|screenshot|attachment|upload|render|one|version)"
)
_QUALIFIER: Final = (
    r"(?:(?:last|latest|previous|attached|uploaded|original|current|same|new|edited|first"
    r"|second|recent|most\s+recent|above|generated)\s+)*"
)
_SINGULAR_REF: Final = (
    rf"(?:(?:this|that|the|my|our|your)\s+{_QUALIFIER}{_IMAGE_NOUN}|the\s+attach(?:ed|ment))\b"
)
_PLURAL_REF: Final = rf"(?:(?:these|those|the|my|our|your)\s+{_QUALIFIER}{_IMAGE_NOUN}s)\b"

# "this photo", "the attached image", "my last picture", "the attachment"…
_EXPLICIT_REF: Final = re.compile(
    rf"\b(?:this|that|these|those|my|our)\s+{_QUALIFIER}{_IMAGE_NOUN}s?\b"
    rf"|\bthe\s+(?:(?:last|latest|previous|attached|uploaded|original|edited|first|second"
    rf"|recent|most\s+recent|above|current|generated)\s+)+{_IMAGE_NOUN}s?\b"
    r"|\b(?:attached|attachments?|uploaded|uploads?)\b",
    re.I,
)
_CHANGE_VERB: Final = re.compile(
    r"\b(?:turn|make|change|convert|transform|add|remove|delete|erase|replace|swap|put|apply"
    r"|give|recolou?r|colou?r|paint|crop|flip|rotate|mirror|blur|sharpen|invert|brighten"
    r"|darken|lighten|fix|clean|enhance|restyle|redo|styli[sz]e|use|place|insert|move|adjust"
    r"|tint|desaturate|saturate|upscale|extend|retouch|edit|modify|alter|update|tweak|improve"
    r"|draw|sketch|render|set|fill|include|combine|merge|blend|mix|cut|zoom|resize|age|warm"
    r"|cool|recreate|reimagine|re-?imagine)\b",
    re.I,
)
# "edit" as a verb ("edit it", "can you edit"), not a noun ("nice edit", "the edit").
_EDIT_VERB: Final = re.compile(
    r"\b(?:edit|edits|edited|editing|retouch|photoshop|modify|alter)\b", re.I
)
_NOT_BEFORE_A_VERB: Final = frozenset(
    "the a an this that nice great good your my our last previous first its his her their cool "
    "lovely perfect quick small little latest".split()
)
# "turn this into …", "apply a style to this", "use that as …": this/that as the object.
_THIS_AS_OBJECT: Final = re.compile(
    r"\b(?:turn|make|convert|transform|change|restyle|recolou?r|colou?r|edit|fix|use|give"
    r"|redo|styli[sz]e|paint|crop|flip|rotate|mirror|blur|sharpen|invert|brighten|darken"
    r"|to|on|onto|into|from)\s+(?P<this>this|that|these|those)\b"
    r"(?!\s+(?:time|way|style|kind|sort|colou?r|is|was|looks?|should|would|will|one\s+more)\b)"
    r"(?!-)",
    re.I,
)
_BACKGROUND_CHANGE: Final = re.compile(
    r"\b(?:change|replace|swap|make|turn|set|recolou?r|colou?r|paint|remove|blur|erase|delete"
    r"|darken|brighten|lighten|fill)\s+(?:the\s+|its\s+|a\s+)?(?:\w+\s+)?(?:background|backdrop)"
    r"\b",
    re.I,
)
_QUESTION: Final = lx.QUESTION_START
_NEUTRAL_LEAD: Final = re.compile(
    r"^\s*(?:(?:please|pls|kindly|ok(?:ay)?|so|now|then|and|also|great|nice|cool|hey|hi|hello"
    r"|thanks|thank\s+you|alright|right|hmm|well|yes|yeah|wow|lovely|perfect|can\s+you"
    r"|could\s+you|would\s+you(?:\s+mind)?|will\s+you|you\s+could"
    r"|i(?:'d|\s+would)\s+like(?:\s+you)?\s+to|i\s+(?:want|need)(?:\s+you)?\s+to|let'?s|just"
    r"|go\s+ahead\s+and|try\s+to|quickly)\b[\s,:;!.-]*)+",
    re.I,
)
_ANY_REF: Final = rf"(?:{_PLURAL_REF}|{_SINGULAR_REF}|it|them|this|that|these|those)"
_EDIT_LEAD: Final = re.compile(
    rf"^(?:edit|retouch|modify|alter|photoshop|update|tweak)(?:\s+{_ANY_REF})?"
    r"(?:\s*(?:[:;,.–—-]+|$)|\s+(?:to|and|by)\b|(?=\s+so\b))\s*",
    re.I,
)
_TRAILING_NOISE: Final = re.compile(
    r"(?:[\s,;:.!?-]+|\b(?:please|thanks|thank\s+you|for\s+me|for\s+us)\b)+$", re.I
)
_DANGLING_TARGET: Final = re.compile(r"\s+(?:to|on|onto)\s+(?:it|them)$", re.I)
_EMPTY_INSTRUCTION: Final = re.compile(
    r"^(?:(?:edit|retouch|modify|alter|change|update|tweak|fix|improve|redo|do)\s*)?"
    r"(?:it|them|this|that|these|those|something|anything)?$",
    re.I,
)
_FIRST: Final = re.compile(rf"\b(?:the\s+)?(?:very\s+)?first\s+{_IMAGE_NOUN}\b", re.I)
_ORIGINAL: Final = re.compile(rf"\b(?:the\s+)?original(?:\s+{_IMAGE_NOUN})?\b", re.I)


def _is_question(text: str) -> bool:
    return bool(_QUESTION.match(text)) and not lx.REQUEST_PHRASES.search(text)


def _edit_verb(text: str) -> bool:
    for match in _EDIT_VERB.finditer(text):
        before = re.findall(r"[a-z']+", text[: match.start()].lower())
        if not before or before[-1] not in _NOT_BEFORE_A_VERB:
            return True
    return False


def _visual_change(text: str) -> bool:
    """Does it name a look: a colour, a style, brighter/darker, a size or background?"""
    return (
        bool(named_colours(text))
        or brightness_factor(text) != 1.0
        or parse_image_request(text).sets_options
    )


def is_explicit_edit(text: str) -> bool:
    """Does the message explicitly ask to change an existing image ("edit …", "this photo",
    "the attached image", "turn this into …", "change the background …")?"""
    if not text.strip() or _is_question(text):
        return False
    if _edit_verb(text) or _THIS_AS_OBJECT.search(text) or _BACKGROUND_CHANGE.search(text):
        return True
    return bool(_EXPLICIT_REF.search(text)) and bool(
        _CHANGE_VERB.search(text) or _visual_change(text)
    )


def is_visual_request(text: str) -> bool:
    """Does the message ask for anything visual (a picture, a change, a look)?"""
    if not text.strip() or _is_question(text):
        return False
    stripped = _NEUTRAL_LEAD.sub("", text)
    return (
        is_explicit_edit(text)
        or is_image_request(text)
        or is_follow_up(text)
        or _visual_change(text)
        or bool(_CHANGE_VERB.match(stripped))
    )


def _to_it(text: str) -> str:
    """References to the picture become "it" / "them"."""
    text = re.sub(_PLURAL_REF, "them", text, flags=re.I)
    text = re.sub(_SINGULAR_REF, "it", text, flags=re.I)

    def pronoun(match: re.Match[str]) -> str:
        word = "them" if match["this"].lower() in ("these", "those") else "it"
        return match.group(0)[: match.start("this") - match.start()] + word

    return _THIS_AS_OBJECT.sub(pronoun, text)


_SO_THAT: Final = re.compile(
    r"^so\s+(?:that\s+)?(?P<what>.+?)\s+(?:is|are|looks?|becomes?)\s+(?P<how>[^,;.]+)$", re.I
)


def _with_verb(text: str) -> str:
    """A bare look becomes an instruction: 'watercolor' -> 'apply a watercolor style',
    'brighter' -> 'make it brighter'; anything else is left as written."""
    rest, req = take_options(text)
    if req.styles and not rest.strip(" ,.;:-"):
        style = req.styles[0]
        style = style if re.search(r"\bstyle\b", style, re.I) else f"{style} style"
        article = "an" if style[0].lower() in "aeiou" else "a"
        return f"apply {article} {style}"
    short = len(text.split()) <= 4 and not re.search(r"\b(?:is|are|was|were)\b", text, re.I)
    if short and (named_colours(text) or brightness_factor(text) != 1.0):
        return f"make it {text}"
    return text


def edit_instruction(text: str) -> tuple[str, ImageRequest]:
    """The change asked for, as a clean instruction, and the n/size/quality the text sets."""
    text = " ".join(text.replace("\u2019", "'").split())
    text, req = take_options(text, styles=False, background=False)
    text = " ".join(text.split())
    text = re.sub(r"\s+([,;:.!?])", r"\1", text)
    text = _TRAILING_NOISE.sub("", text)
    while True:
        before = text
        text = _SO_THAT.sub(r"make \g<what> \g<how>", text)
        text = _NEUTRAL_LEAD.sub("", text)
        text = _EDIT_LEAD.sub("", text, count=1)
        if text == before:
            break
    text = _to_it(text)
    text = _TRAILING_NOISE.sub("", text).strip(" ,;:-")
    if re.match(r"(?:apply|add|use)\b", text, re.I):
        text = _DANGLING_TARGET.sub("", text)
    if _EMPTY_INSTRUCTION.match(text):
        text = DEFAULT_EDIT_PROMPT
    elif not _CHANGE_VERB.match(text):
        text = _with_verb(text)
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text[:MAX_PROMPT_CHARS], req


def edit_targets(text: str, images: Sequence[ContextImage]) -> list[str]:
    """The ids to edit: ids the message names, else this message's attachments, else "the first
    image" / "the original" when asked, else the most recent image."""
    if not images:
        return []
    lowered = text.lower()
    named = [image.id for image in images if len(image.id) >= 8 and image.id.lower() in lowered]
    attached = [image.id for image in images if image.attached_now]
    if named:
        ids = named
    elif attached:
        ids = attached
    elif _FIRST.search(text):
        ids = [images[0].id]
    elif _ORIGINAL.search(text):
        by_id = {image.id: image for image in images}
        current = images[-1]
        while current.parent_id in by_id and current.parent_id != current.id:
            current = by_id[current.parent_id]  # type: ignore[index]
        ids = [current.id]
    else:
        ids = [images[-1].id]
    return ids[:MAX_EDIT_SOURCES]


def _without_ids(text: str, images: Sequence[ContextImage]) -> str:
    """Ids written in the message ("edit image 3f2c…: add a door") become "it"."""
    for image in images:
        if len(image.id) >= 8:
            text = re.sub(
                rf"(?:\b(?:the\s+)?{_IMAGE_NOUN}\s+)?(?:\bid\s*[=:]?\s*)?[`'\"]?"
                rf"{re.escape(image.id)}[`'\"]?",
                "it",
                text,
                flags=re.I,
            )
    return text


def edit_args(text: str, images: Sequence[ContextImage]) -> dict[str, Any]:
    """`edit_image` arguments for the message (image_ids may be empty: nothing to edit)."""
    prompt, req = edit_instruction(_without_ids(text, images))
    args: dict[str, Any] = {"image_ids": edit_targets(text, images), "prompt": prompt}
    for key, value in (("n", req.n), ("size", req.size), ("quality", req.quality)):
        if value is not None:
            args[key] = value
    return args


@dataclass(frozen=True)
class EditDecision:
    """The message asks for an edit: these `edit_image` arguments, or (args None) there is no
    image to edit."""

    args: dict[str, Any] | None


def decide_edit(
    text: str, images: Sequence[ContextImage], *, can_refine: bool, attachments: int = 0
) -> EditDecision | None:
    """Should this turn call `edit_image`? None: no, the usual generate/chat logic applies.

    * an attachment in the latest message and anything visual asked -> edit the attachment(s);
    * an explicit edit ("edit …", "this photo", "turn this into …") -> edit the latest image;
    * a follow-up ("make it brighter") refines the last `generate_image` call when the latest
      image came from one (`can_refine`), else edits the latest image;
    * an edit asked for with no image in the list -> EditDecision(None).
    """
    if not text.strip() or _is_question(text):
        return None
    explicit = is_explicit_edit(text)
    attached_now = any(image.attached_now for image in images)
    if attached_now and (explicit or is_visual_request(text)):
        return EditDecision(edit_args(text, images))
    if explicit:
        return EditDecision(edit_args(text, images) if images else None)
    if attachments and not images and not is_image_request(text) and is_visual_request(text):
        return EditDecision(None)  # a change to an attachment the app did not take as an image
    if not is_follow_up(text):
        return None
    if images:
        if can_refine and images[-1].generated:
            return None  # refine the last generate_image call, as before edits existed
        return EditDecision(edit_args(text, images))
    if not can_refine and not is_image_request(text):
        return EditDecision(None)  # "make it brighter" with no picture at all
    return None
