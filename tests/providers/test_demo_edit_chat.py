"""The demo chat model and the `edit_image` tool, called through litellm as the app calls it:
the image list in a system note, phrasings -> tool and arguments, replies after an edit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import litellm
import pytest

from imagechat.providers import demo
from imagechat.providers.demo.constants import DEFAULT_EDIT_PROMPT, NO_IMAGE_TO_EDIT
from imagechat.providers.demo.conversation import image_context
from imagechat.providers.demo.edits import edit_instruction, is_explicit_edit

pytestmark = pytest.mark.filterwarnings(
    "ignore:Item .* is using the `ReadOnly` qualifier:UserWarning"
)

SIZES = [
    "auto",
    "256x256",
    "512x512",
    "1024x1024",
    "1536x1024",
    "1024x1536",
    "1792x1024",
    "1024x1792",
]
GENERATE: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "generate_image",
        "description": "Create images from a text prompt.",
        "parameters": {
            "type": "object",
            "properties": {
                "prompt": {"type": "string", "maxLength": 4000},
                "n": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                "size": {"type": "string", "enum": SIZES},
                "quality": {"type": "string", "enum": ["auto", "low", "medium", "high"]},
                "style": {"type": "string"},
                "background": {"type": "string", "enum": ["auto", "transparent", "opaque"]},
            },
            "required": ["prompt"],
        },
    },
}
EDIT: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "edit_image",
        "description": "Edit one or more images of this conversation.",
        "parameters": {
            "type": "object",
            "properties": {
                "image_ids": {
                    "type": "array",
                    "items": {"type": "string"},
                    "minItems": 1,
                    "maxItems": 16,
                    "description": "ids of images of this conversation (made earlier "
                    "or attached by the person)",
                },
                "prompt": {
                    "type": "string",
                    "description": "the change to make, as a full instruction",
                },
                "n": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                "size": {"type": "string", "enum": SIZES},
                "quality": {"type": "string", "enum": ["auto", "low", "medium", "high"]},
            },
            "required": ["image_ids", "prompt"],
            "additionalProperties": False,
        },
    },
}
TOOLS = [GENERATE, EDIT]
FORCE_EDIT = {"type": "function", "function": {"name": "edit_image"}}

KITCHEN = "3f2c9e61-6a0b-4d8e-9f3c-1b2a3c4d5e6f"
PHOTO = "9a1b7c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
PHOTO_2 = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
EDITED = "77de0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b"
HEADER = "Images in this conversation (oldest first; refer to them by id):"
KITCHEN_LINE = (
    f'- id={KITCHEN} · made by generate_image · prompt: "a modern kitchen" · '
    'revised: "a modern kitchen, digital art"'
)


def attached_line(
    image_id: str, name: str = "photo.png", when: str = "in their latest message"
) -> str:
    return f"- id={image_id} · attached by the person {when} · file: {name}"


def note(*lines: str) -> dict[str, Any]:
    return {"role": "system", "content": "\n".join([HEADER, *lines])}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


SYSTEM = {"role": "system", "content": "You are ImageChat, a helpful assistant."}
GENERATE_CALL_ID = "call_gen_kitchen"
# The first turn as the app keeps it: the request, the generate_image call and its result.
KITCHEN_HISTORY: list[dict[str, Any]] = [
    user("Draw a modern kitchen"),
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": GENERATE_CALL_ID,
                "type": "function",
                "function": {
                    "name": "generate_image",
                    "arguments": '{"prompt": "a modern kitchen"}',
                },
            }
        ],
    },
    {
        "role": "tool",
        "tool_call_id": GENERATE_CALL_ID,
        "content": json.dumps({"status": "ok", "images": [{"id": KITCHEN}]}),
    },
    {"role": "assistant", "content": "Done! I created 1 image of **a modern kitchen**."},
]


def conversation(text: str, *lines: str, history: bool = True) -> list[dict[str, Any]]:
    """System prompt, the image note (when there are lines), the history, the new message."""
    messages = [SYSTEM]
    if lines:
        messages.append(note(*lines))
    return [*messages, *(KITCHEN_HISTORY if history else []), user(text)]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    demo.register()
    monkeypatch.setattr(demo.get_handler(), "chunk_delay", 0.0)
    monkeypatch.setattr(litellm, "suppress_debug_info", True)
    yield


async def ask(messages: list[dict[str, Any]], *, stream: bool = True, **kwargs: Any) -> Any:
    """The assistant's message, streamed and rebuilt with stream_chunk_builder, or not."""
    kwargs.setdefault("tools", TOOLS)
    if not stream:
        response = await litellm.acompletion(
            model=demo.DEMO_CHAT_MODEL, messages=messages, **kwargs
        )
        return response.choices[0]
    response = await litellm.acompletion(
        model=demo.DEMO_CHAT_MODEL, messages=messages, stream=True, **kwargs
    )
    chunks = [chunk async for chunk in response]
    return litellm.stream_chunk_builder(chunks, messages=messages).choices[0]


def called(choice: Any) -> tuple[str, dict[str, Any]]:
    assert choice.finish_reason == "tool_calls", choice.message.content
    [call] = choice.message.tool_calls
    return call.function.name, json.loads(call.function.arguments)


STREAMING = pytest.mark.parametrize("stream", [True, False], ids=["streamed", "not-streamed"])


# ---------------------------------------------------------------------------------------------
# Phrasings -> edit_image


@STREAMING
@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("turn this into a watercolor", "turn it into a watercolor"),
        ("edit the last image: add a red door", "add a red door"),
        ("make this photo black and white", "make it black and white"),
        ("change the background to blue", "change the background to blue"),
        ("edit it", DEFAULT_EDIT_PROMPT),
        ("apply a sketch style to the attached image", "apply a sketch style"),
        ("Please edit the image so that the sky is pink.", "make the sky pink"),
        ("Can you turn this picture into pixel art?", "turn it into pixel art"),
    ],
)
async def test_edit_phrasings_call_edit_image_on_the_latest_image(
    text: str, prompt: str, stream: bool
) -> None:
    choice = await ask(conversation(text, KITCHEN_LINE), stream=stream)
    assert called(choice) == ("edit_image", {"image_ids": [KITCHEN], "prompt": prompt})


async def test_the_most_recent_image_is_edited() -> None:
    lines = (
        KITCHEN_LINE,
        attached_line(PHOTO, when="earlier"),
        f'- id={EDITED} · made by edit_image from {PHOTO} · prompt: "make it brighter"',
    )
    _, args = called(await ask(conversation("turn this into a watercolor", *lines)))
    assert args["image_ids"] == [EDITED]


async def test_count_size_and_quality_in_the_message_become_arguments() -> None:
    text = "Could you make 3 versions of this photo in pixel art, 512x512, high quality?"
    _, args = called(await ask(conversation(text, KITCHEN_LINE)))
    assert args == {
        "image_ids": [KITCHEN],
        "prompt": "make it in pixel art",
        "n": 3,
        "size": "512x512",
        "quality": "high",
    }


async def test_an_id_named_in_the_message_wins() -> None:
    lines = (KITCHEN_LINE, f'- id={EDITED} · made by edit_image from {KITCHEN} · prompt: "x"')
    _, args = called(await ask(conversation(f"edit {KITCHEN}: add a red door", *lines)))
    assert args == {"image_ids": [KITCHEN], "prompt": "add a red door"}


async def test_the_original_and_the_first_image() -> None:
    lines = (KITCHEN_LINE, f'- id={EDITED} · made by edit_image from {KITCHEN} · prompt: "x"')
    _, args = called(await ask(conversation("edit the original: make it blue", *lines)))
    assert args["image_ids"] == [KITCHEN]
    _, args = called(await ask(conversation("edit the first image: make it blue", *lines)))
    assert args["image_ids"] == [KITCHEN]


# ---------------------------------------------------------------------------------------------
# Attachments


@STREAMING
@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("make it brighter", "make it brighter"),  # a refinement without the attachment
        ("turn this into a watercolor", "turn it into a watercolor"),
        ("watercolor please", "apply a watercolor style"),
        ("apply a sketch style to the attached image", "apply a sketch style"),
        ("add a cat", "add a cat"),
    ],
)
async def test_attachments_are_preferred_over_the_last_image(
    text: str, prompt: str, stream: bool
) -> None:
    lines = (KITCHEN_LINE, attached_line(PHOTO), attached_line(PHOTO_2, "second.jpg"))
    choice = await ask(conversation(text, *lines), stream=stream)
    assert called(choice) == ("edit_image", {"image_ids": [PHOTO, PHOTO_2], "prompt": prompt})


async def test_an_attachment_with_small_talk_is_a_chat_reply() -> None:
    for text in ("hello", "what is in this photo?", "thanks!"):
        choice = await ask(conversation(text, KITCHEN_LINE, attached_line(PHOTO)))
        assert choice.finish_reason == "stop" and not choice.message.tool_calls
        assert "Offline demo" in choice.message.content


async def test_an_older_attachment_is_not_taken_for_a_new_one() -> None:
    lines = (attached_line(PHOTO, when="earlier"), KITCHEN_LINE)
    choice = await ask(conversation("make it brighter", *lines))
    name, args = called(choice)
    assert name == "generate_image"  # the latest image is the generated kitchen: refine it
    assert args == {"prompt": "a modern kitchen, brighter"}


# ---------------------------------------------------------------------------------------------
# Follow-ups still refine generate_image


@STREAMING
@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("make it brighter", "a modern kitchen, brighter"),
        ("add more natural light", "a modern kitchen, with more natural light"),
    ],
)
async def test_follow_ups_refine_the_last_generate_image_call(
    text: str, prompt: str, stream: bool
) -> None:
    choice = await ask(conversation(text, KITCHEN_LINE), stream=stream)
    assert called(choice) == ("generate_image", {"prompt": prompt})


async def test_turn_it_into_a_watercolor_as_a_refinement_has_no_dangling_word() -> None:
    name, args = called(await ask(conversation("turn it into a watercolor", KITCHEN_LINE)))
    assert (name, args) == ("generate_image", {"prompt": "a modern kitchen", "style": "watercolor"})


async def test_a_follow_up_edits_when_the_latest_image_came_from_an_edit() -> None:
    lines = (
        KITCHEN_LINE,
        f'- id={EDITED} · made by edit_image from {KITCHEN} · prompt: "add a red door"',
    )
    choice = await ask(conversation("make it brighter", *lines))
    assert called(choice) == ("edit_image", {"image_ids": [EDITED], "prompt": "make it brighter"})


async def test_a_new_picture_is_still_generated() -> None:
    choice = await ask(
        conversation("draw a dog on a beach", KITCHEN_LINE, attached_line(PHOTO, when="earlier"))
    )
    assert called(choice) == ("generate_image", {"prompt": "a dog on a beach"})


# ---------------------------------------------------------------------------------------------
# Nothing to edit


@STREAMING
@pytest.mark.parametrize(
    "text",
    [
        "edit it",
        "make this photo black and white",
        "turn this into a watercolor",
        "apply a sketch style to the attached image",
        "make it brighter",
    ],
)
async def test_no_image_to_edit_is_said_briefly(text: str, stream: bool) -> None:
    choice = await ask(conversation(text, history=False), stream=stream)
    assert choice.finish_reason == "stop" and not choice.message.tool_calls
    assert choice.message.content == NO_IMAGE_TO_EDIT


async def test_a_change_to_an_attachment_the_app_did_not_list() -> None:
    parts = [
        {"type": "text", "text": "make it brighter"},
        {"type": "file", "file": {"filename": "notes.pdf"}},
    ]
    choice = await ask([SYSTEM, {"role": "user", "content": parts}])
    assert choice.message.content == NO_IMAGE_TO_EDIT


async def test_without_the_tools_an_edit_request_points_to_the_gear_menu() -> None:
    choice = await ask(conversation("edit this photo: add a red door", KITCHEN_LINE), tools=None)
    assert not choice.message.tool_calls and "gear menu" in choice.message.content


# ---------------------------------------------------------------------------------------------
# Forced tool choice


@STREAMING
async def test_forced_edit_image_is_always_called(stream: bool) -> None:
    choice = await ask(conversation("hello", KITCHEN_LINE), tool_choice=FORCE_EDIT, stream=stream)
    assert called(choice) == ("edit_image", {"image_ids": [KITCHEN], "prompt": DEFAULT_EDIT_PROMPT})
    choice = await ask(
        conversation("make it brighter", KITCHEN_LINE), tool_choice=FORCE_EDIT, stream=stream
    )
    assert called(choice) == ("edit_image", {"image_ids": [KITCHEN], "prompt": "make it brighter"})


async def test_forced_edit_image_without_any_image_still_calls_it() -> None:
    choice = await ask(conversation("edit it", history=False), tool_choice=FORCE_EDIT)
    assert called(choice) == ("edit_image", {"image_ids": [], "prompt": DEFAULT_EDIT_PROMPT})


async def test_required_picks_the_fitting_tool() -> None:
    name, _ = called(await ask(conversation("edit it", KITCHEN_LINE), tool_choice="required"))
    assert name == "edit_image"
    name, _ = called(await ask(conversation("a lighthouse", KITCHEN_LINE), tool_choice="required"))
    assert name == "generate_image"


async def test_forced_generate_image_is_still_honoured() -> None:
    forced = {"type": "function", "function": {"name": "generate_image"}}
    choice = await ask(
        conversation("turn this into a watercolor", KITCHEN_LINE), tool_choice=forced
    )
    assert called(choice)[0] == "generate_image"


# ---------------------------------------------------------------------------------------------
# After the edit_image result


async def edit_round(text: str, result: dict[str, Any], *lines: str) -> str:
    messages = conversation(text, *(lines or (KITCHEN_LINE,)))
    choice = await ask(messages)
    call = choice.message.tool_calls[0]
    messages += [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
    ]
    reply = await ask(messages)
    assert reply.finish_reason == "stop" and not reply.message.tool_calls
    return reply.message.content


@STREAMING
async def test_reply_after_an_edit_describes_it(stream: bool) -> None:
    result = {"status": "ok", "images": [{"id": EDITED, "parent_id": KITCHEN}], "notes": []}
    messages = conversation("turn this into a watercolor", KITCHEN_LINE)
    call = (await ask(messages, stream=stream)).message.tool_calls[0]
    messages += [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": "edit_image", "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
    ]
    text = (await ask(messages, stream=stream)).message.content
    assert text.startswith("I edited the image: turned it into a watercolor.")
    assert EDITED not in text and KITCHEN not in text  # no ids for the person
    assert "Done!" not in text


async def test_reply_after_an_edit_mentions_the_notes() -> None:
    note_text = (
        "DALL·E 3 cannot edit images, so ImageChat made new images from a refined prompt instead."
    )
    text = await edit_round(
        "make this photo black and white",
        {
            "status": "ok",
            "images": [{"id": EDITED, "parent_id": KITCHEN}],
            "notes": [note_text, "size mapped to 1024x1024"],
        },
    )
    assert "cannot edit" in text and "regenerated it from a refined prompt" in text
    assert "made it black and white" in text
    assert "size mapped to 1024x1024" in text and note_text.rstrip(".") in text


async def test_reply_after_several_edited_versions_and_attachments() -> None:
    lines = (KITCHEN_LINE, attached_line(PHOTO), attached_line(PHOTO_2))
    result = {"status": "ok", "images": [{"id": EDITED}, {"id": "img-2"}, {"id": "img-3"}]}
    text = await edit_round("3 versions of this with a sketch style", result, *lines)
    assert text.startswith("I made 3 edited versions of the images:")


async def test_a_failed_edit_is_reported() -> None:
    text = await edit_round(
        "add a red door to this photo", {"status": "error", "error": "the image is too large"}
    )
    assert text.startswith("Sorry — I couldn't edit the image: the image is too large.")
    assert "edited" not in text.lower().replace("couldn't edit", "")


async def test_a_later_follow_up_after_an_edit_still_works() -> None:
    """The generate_image history stays usable: 'now three variations' after an edit round."""
    messages = conversation("add a red door to this photo", KITCHEN_LINE)
    call = (await ask(messages)).message.tool_calls[0]
    messages += [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": "edit_image", "arguments": call.function.arguments},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": call.id,
            "content": json.dumps({"status": "ok", "images": [{"id": EDITED}]}),
        },
        {"role": "assistant", "content": "I edited the image."},
        note(KITCHEN_LINE, f'- id={EDITED} · made by edit_image from {KITCHEN} · prompt: "x"'),
        user("draw a lighthouse"),
    ]
    assert called(await ask(messages)) == ("generate_image", {"prompt": "a lighthouse"})


# ---------------------------------------------------------------------------------------------
# Reading the image note and the instruction


def test_the_image_note_is_read_tolerantly() -> None:
    older = note(KITCHEN_LINE)  # an earlier turn's note: the latest one wins
    latest = note(
        "(2 older images not listed)",
        f"- id={KITCHEN} · made by generate_image · prompt: “a “quoted” kitchen · with a dot”",
        f'- id={EDITED} · made by edit_image from {KITCHEN} · prompt: "make it brighter"',
        f"- id={PHOTO} · attached by the person in their latest message · file: photo 1.png",
        f"- id={PHOTO_2} · attached by the person earlier · file: None",
        f'- id=6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f · variation of {KITCHEN} · prompt: "v" · '
        'revised: "v, rendered"',
    )
    images = image_context([older, user("hi"), latest, user("edit it")])
    assert [i.origin for i in images] == [
        "generate_image",
        "edit_image",
        "attachment",
        "attachment",
        "variation",
    ]
    kitchen, edited, photo, photo_2, variation = images
    assert kitchen.prompt == "a “quoted” kitchen · with a dot" and kitchen.revised_prompt is None
    assert edited.parent_id == KITCHEN and edited.prompt == "make it brighter"
    assert photo.attached_now and photo.filename == "photo 1.png" and photo.prompt is None
    assert not photo_2.attached_now and photo_2.filename is None
    assert variation.parent_id == KITCHEN and variation.revised_prompt == "v, rendered"
    assert variation.generated and kitchen.generated and not edited.generated


def test_a_prompt_that_mentions_attachments_is_not_an_attachment() -> None:
    line = f'- id={KITCHEN} · made by generate_image · prompt: "a note attached by the person"'
    [image] = image_context([note(line)])
    assert image.origin == "generate_image" and not image.attached_now


def test_no_note_means_no_images() -> None:
    assert image_context([SYSTEM, user("- id=not-in-a-system-message")]) == []


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("turn this into a watercolor", "turn it into a watercolor"),
        ("Edit this photo: make it pop!", "make it pop"),
        ("edit it to add a hat", "add a hat"),
        ("please edit the attached image to remove the car", "remove the car"),
        ("Could you edit these images and make them blue?", "make them blue"),
        ("make these pictures black and white", "make them black and white"),
        ("edit it so it looks older", "make it older"),
        ("blue", "make it blue"),
        ("in a sketch style, thanks", "apply a sketch style"),
    ],
)
def test_edit_instructions(text: str, prompt: str) -> None:
    assert edit_instruction(text)[0] == prompt


@pytest.mark.parametrize(
    ("text", "explicit"),
    [
        ("turn this into a watercolor", True),
        ("edit it", True),
        ("nice edit!", False),
        ("I love this picture", False),
        ("how do I edit an image?", False),
        ("make it brighter", False),
        ("change the background to blue", True),
        ("make this photo black and white", True),
        ("use the attachment as a reference", True),
        ("do that again", False),
        ("make it brighter this time", False),
    ],
)
def test_explicit_edits(text: str, explicit: bool) -> None:
    assert is_explicit_edit(text) is explicit
