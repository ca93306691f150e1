"""The demo's reading of image requests: phrasing -> generate_image arguments."""

from __future__ import annotations

from typing import Any

import pytest

from imagechat.providers.demo.parser import (
    apply_follow_up,
    is_follow_up,
    is_image_request,
    parse_image_request,
)

SAMPLE = (
    "Generate 3 variations of a logo for a cloud storage company, watercolor style, "
    "1024x1024, high quality"
)


def test_the_sample_request() -> None:
    assert parse_image_request(SAMPLE).tool_args() == {
        "prompt": "a logo for a cloud storage company",
        "n": 3,
        "size": "1024x1024",
        "quality": "high",
        "style": "watercolor",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Draw me three images of a red car in pixel art style",
            {"prompt": "a red car", "n": 3, "style": "pixel art"},
        ),
        (
            "Can you paint an oil painting of a harbour at sunset?",
            {"prompt": "a harbour at sunset", "style": "oil painting"},
        ),
        ("10 logos for a bakery", {"prompt": "a logo for a bakery", "n": 10}),
        ("Make 15 images of a cat", {"prompt": "a cat", "n": 15}),  # the app caps, not the parser
        ("Create a couple of pictures of a lighthouse", {"prompt": "a lighthouse", "n": 2}),
        (
            "a pair of icons for a music app, flat design",
            {"prompt": "an icon for a music app", "n": 2, "style": "flat design"},
        ),
        (
            "Create a portrait of a woman in portrait orientation",
            {"prompt": "a portrait of a woman", "size": "1024x1536"},
        ),
        ("Draw a red square", {"prompt": "a red square"}),
        ("a mountain lake, landscape format", {"prompt": "a mountain lake", "size": "1536x1024"}),
        (
            "a tall tower in a wide valley, square format",
            {"prompt": "a tall tower in a wide valley", "size": "1024x1024"},
        ),
        ("a desert road, 1792x1024", {"prompt": "a desert road", "size": "1792x1024"}),
        ("a beach at 16:9", {"prompt": "a beach", "size": "1792x1024"}),
        (
            "A photorealistic tiger with a transparent background, hd",
            {
                "prompt": "A tiger",
                "quality": "high",
                "style": "photorealistic",
                "background": "transparent",
            },
        ),
        ("a quick sketch of a cat", {"prompt": "a cat", "quality": "low", "style": "sketch"}),
        ("draw a fox, draft quality", {"prompt": "a fox", "quality": "low"}),
        ("paint a vase in medium quality", {"prompt": "a vase", "quality": "medium"}),
        (
            "I'd like a picture of a dog in the style of Van Gogh",
            {"prompt": "a dog", "style": "in the style of Van Gogh"},
        ),
        (
            "render a robot in a Ghibli style, square",
            {"prompt": "a robot", "size": "1024x1024", "style": "Ghibli"},
        ),
        (
            "Please generate an image of a mountain lake, 16:9, minimalist style",
            {"prompt": "a mountain lake", "size": "1792x1024", "style": "minimalist"},
        ),
        (
            "make a poster for a jazz night, vivid colours, 1024x1792",
            {"prompt": "a poster for a jazz night", "size": "1024x1792", "style": "vivid"},
        ),
        ("a pencil sketch of an old bridge", {"prompt": "an old bridge", "style": "pencil sketch"}),
        (
            "a 3d render of a donut on a plate",
            {"prompt": "a donut on a plate", "style": "3d render"},
        ),
        ("draw a kitchen with more natural light", {"prompt": "a kitchen with more natural light"}),
        ("sketch a cat", {"prompt": "a cat", "style": "sketch"}),
        ("Generate an image", {"prompt": "a colourful abstract composition"}),
    ],
)
def test_phrasings(text: str, expected: dict[str, Any]) -> None:
    assert parse_image_request(text).tool_args() == expected


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE,
        "Draw a cat",
        "Can you draw a cat?",
        "Create a sunset over mountains",
        "paint me something happy",
        "I need a logo for my bakery",
        "a photo of a red bus, 512x512",
        "three variations of a lighthouse",
        "show me a picture of a lighthouse",
        "render a robot",
    ],
)
def test_image_requests(text: str) -> None:
    assert is_image_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "hello there",
        "write a poem",
        "make sure it works",
        "how do I draw a cat?",
        "create a python function",
        "What is an image?",
        "make it brighter",
        "thanks!",
        "I love this picture",
        "show me the code",
        "give me a list of ideas",
        "",
    ],
)
def test_not_image_requests(text: str) -> None:
    assert not is_image_request(text)


PREVIOUS = {"prompt": "a modern kitchen", "n": 1, "size": "1024x1024", "style": "natural"}


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("make it brighter", {"prompt": "a modern kitchen, brighter"}),
        ("add more natural light", {"prompt": "a modern kitchen, with more natural light"}),
        (
            "make it brighter and add more natural light",
            {"prompt": "a modern kitchen, brighter, with more natural light"},
        ),
        ("now three variations", {"n": 3}),
        ("same but blue", {"prompt": "a modern kitchen, blue"}),
        ("again in portrait", {"size": "1024x1536"}),
        ("make it square", {"size": "1024x1024"}),
        ("in watercolor", {"style": "watercolor"}),
        ("now 4 of them in pixel art", {"n": 4, "style": "pixel art"}),
        ("remove the table", {"prompt": "a modern kitchen, without the table"}),
        ("a dog instead", {"prompt": "a dog"}),
        ("one more", {"n": 1}),
        ("Ok, make it darker please", {"prompt": "a modern kitchen, darker"}),
    ],
)
def test_follow_ups(text: str, changes: dict[str, Any]) -> None:
    assert is_follow_up(text)
    assert apply_follow_up(PREVIOUS, text) == {**PREVIOUS, **changes}


@pytest.mark.parametrize(
    "text", ["now draw a dog", "thanks!", "what a great picture", "hello", "write a poem about it"]
)
def test_not_follow_ups(text: str) -> None:
    assert not is_follow_up(text)


def test_prompt_is_capped_at_4000_characters() -> None:
    args = parse_image_request("draw " + "a very long description " * 300).tool_args()
    assert len(args["prompt"]) <= 4000
    long_previous = {"prompt": "x" * 3995}
    assert len(apply_follow_up(long_previous, "make it brighter")["prompt"]) <= 4000
