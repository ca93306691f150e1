"""The demo chat model's text answers (Markdown): chat, the gear hint, tool-result summaries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .constants import EDIT_SUGGESTION, SUGGESTION
from .conversation import ToolOutcome, attachment_count, message_text, role

DEMO_BADGE = "🧪 **Offline demo**"
GEAR_HINT = (
    "To let me create it, switch on **Image creation** in the ⚙️ gear menu next to the "
    "attachment button, then send your request again."
)
EXAMPLE_REQUEST = "Generate 3 variations of a logo for a cloud storage company, watercolor style"

_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening)"
    r"|greetings|yo)\b",
    re.I,
)
_THANKS = re.compile(r"\b(?:thanks|thank\s+you|thx|cheers|great\s+job|awesome|love\s+it)\b", re.I)
_QUESTION = re.compile(r"\?\s*$|^\s*(?:what|why|how|who|when|where|which|explain)\b", re.I)


def _quote(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "> " + (text or "(an empty message)")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def chat_reply(messages: Sequence[Any], *, wants_image: bool, tool_offered: bool) -> str:
    """A friendly reply that shows it is the demo and uses the conversation."""
    user_messages = [m for m in messages if role(m) == "user"]
    last = user_messages[-1] if user_messages else None
    text = message_text(last) if last is not None else ""
    attachments = attachment_count(last) if last is not None else 0
    turn = len(user_messages)
    total = sum(1 for m in messages if role(m) in ("user", "assistant"))

    paragraphs = [
        f"{DEMO_BADGE} · no API key is set up, so you're chatting with ImageChat's built-in "
        "demo model. It runs entirely on this machine.",
        f"You wrote:\n\n{_quote(text)}",
    ]
    if wants_image and not tool_offered:
        paragraphs.append(f"That sounds like a request for a picture. {GEAR_HINT}")
    elif _GREETING.match(text):
        paragraphs.append(
            "Hello! 👋 I'm a small scripted assistant, but I'm good at one thing: pictures. "
            f"Try something like *“{EXAMPLE_REQUEST}”*."
        )
    elif _THANKS.search(text):
        paragraphs.append("You're welcome! Ask for another picture whenever you like.")
    elif _QUESTION.search(text):
        paragraphs.append(
            "Good question — but as the offline demo I can't look things up or reason about it. "
            "Add an API key for a real model to get a proper answer. What I *can* do is draw: "
            f"try *“{EXAMPLE_REQUEST}”*."
        )
    else:
        paragraphs.append(
            "I can't hold a real conversation, but I can show how image creation works. Try "
            f"*“{EXAMPLE_REQUEST}”*, then ask me to make it brighter or to make variations."
        )
    if attachments:
        paragraphs.append(
            f"I can see {_plural(attachments, 'attachment')} on your message — the demo "
            "can't look inside files or images, sorry."
        )
    if not tool_offered and not wants_image:
        paragraphs.append(
            "*(Image creation is switched off right now — turn on **Image creation** in the ⚙️ "
            "gear menu next to the attachment button and I'll draw whatever you ask for.)*"
        )
    paragraphs.append(
        f"*This is your {_ordinal(turn)} message — {_plural(total, 'message')} in this "
        "conversation so far.*"
    )
    return "\n\n".join(paragraphs)


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _details(args: dict[str, Any]) -> str:
    bits: list[str] = []
    if args.get("style"):
        bits.append(f"{args['style']} style")
    if args.get("size") and args["size"] != "auto":
        bits.append(str(args["size"]))
    if args.get("quality") and args["quality"] != "auto":
        bits.append(f"{args['quality']} quality")
    if args.get("background") == "transparent":
        bits.append("transparent background")
    return f" ({', '.join(bits)})" if bits else ""


def tool_result_reply(outcomes: Sequence[ToolOutcome], args: dict[str, Any] | None) -> str:
    """A short summary after `generate_image` ran, ending with a suggestion."""
    args = args or {}
    prompt = str(args.get("prompt") or "your picture")
    failed = [o for o in outcomes if not o.ok]
    made = sum(o.count for o in outcomes if o.ok)
    if failed and not made:
        reason = failed[0].error or "the image tool reported a failure"
        return (
            f"Sorry — I couldn't create **{prompt}**: {reason.rstrip('.')}. "
            "No image was made. You can try again, or rephrase the request."
        )
    if not made:
        return (
            "The image tool finished but sent back no pictures. "
            "You can try again, or rephrase the request."
        )
    noun = "image" if made == 1 else "images"
    lines = [f"Done! I created {made} {noun} of **{prompt}**{_details(args)}."]
    revised = next((p for o in outcomes for p in o.revised_prompts), None)
    if revised and revised != prompt:
        lines.append(f"The image model read it as *{revised}*.")
    # no image ids or references: they are for tool calls, the person sees the pictures
    notes = [n for o in outcomes for n in o.notes]
    if notes:
        lines.append("Note: " + "; ".join(n.rstrip(".") for n in notes) + ".")
    if failed:
        lines.append(f"Some of the pictures failed: {failed[0].error}.")
    lines.append(SUGGESTION)
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------------------------
# After `edit_image`.

_PAST: dict[str, str] = {
    "add": "added",
    "adjust": "adjusted",
    "age": "aged",
    "apply": "applied",
    "blend": "blended",
    "blur": "blurred",
    "brighten": "brightened",
    "change": "changed",
    "clean": "cleaned",
    "colour": "coloured",
    "color": "colored",
    "combine": "combined",
    "convert": "converted",
    "crop": "cropped",
    "cut": "cut",
    "darken": "darkened",
    "delete": "deleted",
    "desaturate": "desaturated",
    "draw": "drew",
    "edit": "edited",
    "enhance": "enhanced",
    "erase": "erased",
    "extend": "extended",
    "fill": "filled",
    "fix": "fixed",
    "flip": "flipped",
    "give": "gave",
    "improve": "improved",
    "include": "included",
    "insert": "inserted",
    "invert": "inverted",
    "lighten": "lightened",
    "make": "made",
    "merge": "merged",
    "mirror": "mirrored",
    "mix": "mixed",
    "move": "moved",
    "paint": "painted",
    "place": "placed",
    "put": "put",
    "recolor": "recolored",
    "recolour": "recoloured",
    "redo": "redid",
    "remove": "removed",
    "render": "rendered",
    "replace": "replaced",
    "resize": "resized",
    "restyle": "restyled",
    "rotate": "rotated",
    "saturate": "saturated",
    "set": "set",
    "sharpen": "sharpened",
    "sketch": "sketched",
    "stylise": "stylised",
    "stylize": "stylized",
    "swap": "swapped",
    "tint": "tinted",
    "transform": "transformed",
    "turn": "turned",
    "tweak": "tweaked",
    "update": "updated",
    "upscale": "upscaled",
    "use": "used",
    "warm": "warmed",
    "zoom": "zoomed",
}
_VARIATIONS = re.compile(r"\s*an?\s+variations?\s+of\s+this\s+(?:image|picture)\b", re.I)
_REGENERATED = re.compile(
    r"\b(?:can(?:not|'t)\s+edit|does(?:n't|\s+not)\s+(?:support\s+)?edit|regenerat\w*"
    r"|refined\s+prompt|new\s+images?\s+from)\b",
    re.I,
)


def describe_edit(prompt: str) -> str:
    """'turn it into a watercolor' -> 'turned it into a watercolor'; other wordings quoted."""
    prompt = " ".join(prompt.split()).rstrip(" .!")
    first, _, rest = prompt.partition(" ")
    past = _PAST.get(first.lower())
    if past is None:
        return f"applied *“{prompt}”*"
    return f"{past} {rest}".strip()


def edit_result_reply(outcomes: Sequence[ToolOutcome], args: dict[str, Any] | None) -> str:
    """A short summary after `edit_image` ran: what changed, the new ids, the notes."""
    args = args or {}
    prompt = str(args.get("prompt") or "the change you asked for")
    raw_ids = args.get("image_ids")
    sources = [str(i) for i in raw_ids] if isinstance(raw_ids, list) else []
    target = "the images" if len(sources) > 1 else "the image"
    failed = [o for o in outcomes if not o.ok]
    made = sum(o.count for o in outcomes if o.ok)
    if failed and not made:
        reason = failed[0].error or "the image tool reported a failure"
        return (
            f"Sorry — I couldn't edit {target}: {reason.rstrip('.')}. Nothing was changed. "
            "You can try again, or describe the change differently."
        )
    if not made:
        return (
            "The edit finished but sent back no pictures. "
            "You can try again, or describe the change differently."
        )
    notes = [n for o in outcomes for n in o.notes]
    change = describe_edit(prompt)
    if any(_REGENERATED.search(n) for n in notes):
        lead = (
            "This image model cannot edit pictures, so I regenerated "
            f"{'them' if made > 1 else 'it'} from a refined prompt: {change}."
        )
    elif _VARIATIONS.match(prompt):
        lead = f"Here {'are' if made > 1 else 'is'} {made} variation{'s' if made > 1 else ''}"
        lead += f" of {target}: the same subject, with other details, colours and framing."
    elif made > 1:
        lead = f"I made {made} edited versions of {target}: {change}."
    else:
        lead = f"I edited {target}: {change}."
    lines = [lead]  # no image ids or references: the person sees the pictures
    if notes:
        lines.append("Note: " + "; ".join(n.rstrip(".") for n in notes) + ".")
    if failed:
        lines.append(f"Some of the edits failed: {failed[0].error}.")
    lines.append(EDIT_SUGGESTION)
    return "\n\n".join(lines)
