"""The generate_image tool's arguments: schema, parsing, and mapping onto each image model."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from imagechat.catalog import BUILTIN_IMAGE_MODELS, ImageModel
from imagechat.errors import ModelRetry
from imagechat.image_params import (
    BACKGROUNDS,
    GENERATE_IMAGE_DESCRIPTION,
    GENERATE_IMAGE_SCHEMA,
    MAX_IMAGES,
    MAX_PROMPT_CHARS,
    QUALITIES,
    SIZES,
    GenerateImageArgs,
    closest_size,
    describe_plan,
    parse_args,
    plan_generation,
    prompt_limit,
)
from imagechat.image_params.args import ARGUMENT_NAMES

MODELS = {m.id: m for m in BUILTIN_IMAGE_MODELS}
GPT = MODELS["gpt-image-1"]
MINI = MODELS["gpt-image-1-mini"]
DALLE3 = MODELS["dall-e-3"]
DALLE2 = MODELS["dall-e-2"]
DEMO = MODELS["demo-image"]


def args(**raw: Any) -> GenerateImageArgs:
    raw.setdefault("prompt", "a red fox in the snow")
    return parse_args(raw)[0]


def retry_message(raw: Any) -> str:
    with pytest.raises(ModelRetry) as caught:
        parse_args(raw)
    return caught.value.message


def custom_model(**overrides: Any) -> ImageModel:
    spec: dict[str, Any] = {
        "id": "local-sdxl",
        "label": "SDXL (local)",
        "description": "An OpenAI-compatible server",
        "litellm_model": "openai/sdxl",
        "provider": "custom",
        "sizes": ("512x512", "1024x1024", "1216x832"),
        "default_size": "1024x1024",
        "qualities": {},
        "max_n_per_request": 4,
    }
    return ImageModel(**{**spec, **overrides})


# Schema


def test_schema_lists_exactly_the_arguments_with_descriptions() -> None:
    props = GENERATE_IMAGE_SCHEMA["properties"]
    assert tuple(props) == ARGUMENT_NAMES
    assert GENERATE_IMAGE_SCHEMA["required"] == ["prompt"]
    assert GENERATE_IMAGE_SCHEMA["additionalProperties"] is False
    assert all(len(p["description"]) > 30 for p in props.values())
    assert json.loads(json.dumps(GENERATE_IMAGE_SCHEMA)) == GENERATE_IMAGE_SCHEMA
    assert "image" in GENERATE_IMAGE_DESCRIPTION


def test_schema_agrees_with_the_model() -> None:
    props = GENERATE_IMAGE_SCHEMA["properties"]
    fields = GenerateImageArgs.model_fields
    assert props["size"]["enum"] == list(SIZES) == list(get_args(fields["size"].annotation))
    assert props["quality"]["enum"] == list(QUALITIES)
    assert props["background"]["enum"] == list(BACKGROUNDS)
    for name in ("n", "size", "quality", "background"):
        assert props[name]["default"] == fields[name].default
    assert props["n"]["maximum"] == MAX_IMAGES == 10
    assert props["prompt"]["maxLength"] == MAX_PROMPT_CHARS == 4000
    assert props["style"]["maxLength"] == 200
    assert "watercolor" in props["style"]["description"]
    assert "vivid" in props["style"]["description"]


def test_args_model_forbids_extra_fields_and_is_frozen() -> None:
    with pytest.raises(ValidationError):
        GenerateImageArgs(prompt="x", seed=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        GenerateImageArgs(prompt="x", size="999x999")  # type: ignore[arg-type]
    made = GenerateImageArgs(prompt="  x  ")
    assert made.prompt == "x"
    with pytest.raises(ValidationError):
        made.n = 3  # type: ignore[misc]


# Parsing: valid and lenient forms


def test_minimal_arguments_take_the_defaults() -> None:
    parsed, notes = parse_args({"prompt": "  a red fox  "})
    assert parsed == GenerateImageArgs(
        prompt="a red fox", n=1, size="auto", quality="auto", style=None, background="auto"
    )
    assert notes == []


def test_full_arguments() -> None:
    raw = {
        "prompt": "a logo",
        "n": 3,
        "size": "1024x1536",
        "quality": "high",
        "style": "flat vector",
        "background": "transparent",
    }
    parsed, notes = parse_args(raw)
    assert parsed.model_dump() == raw
    assert notes == []


def test_nulls_for_optional_arguments_mean_the_defaults() -> None:
    raw = {"prompt": "x", "n": None, "size": None, "quality": None, "style": None}
    assert parse_args({**raw, "background": None})[0] == GenerateImageArgs(prompt="x")


@pytest.mark.parametrize(("given", "n"), [("3", 3), (" 4 ", 4), (2.0, 2), ("5.0", 5), (10, 10)])
def test_n_in_lenient_forms(given: Any, n: int) -> None:
    parsed, notes = parse_args({"prompt": "x", "n": given})
    assert parsed.n == n
    assert notes == []


@pytest.mark.parametrize("given", [14, "14"])
def test_too_many_images_are_capped_with_a_note(given: Any) -> None:
    parsed, notes = parse_args({"prompt": "x", "n": given})
    assert parsed.n == 10
    assert notes == ["You asked for 14 images; the limit is 10 per request, so 10 will be made."]


@pytest.mark.parametrize(
    ("given", "size"),
    [
        ("1024x1024", "1024x1024"),
        ("1024 x 1024", "1024x1024"),
        ("1024×1024", "1024x1024"),
        ("1792X1024", "1792x1024"),
        ("1024*1792", "1024x1792"),
        ("1536 by 1024", "1536x1024"),
        ("1024px x 1536px", "1024x1536"),
        ("512", "512x512"),
        ("square", "1024x1024"),
        ("Landscape", "1536x1024"),
        ("portrait", "1024x1536"),
        ("wide", "1536x1024"),
        ("AUTO", "auto"),
        (" auto ", "auto"),
    ],
)
def test_size_forms_are_normalised(given: str, size: str) -> None:
    assert args(size=given).size == size


@pytest.mark.parametrize(
    ("given", "quality"),
    [("HIGH", "high"), (" low ", "low"), ("hd", "high"), ("standard", "medium")],
)
def test_quality_forms(given: str, quality: str) -> None:
    assert args(quality=given).quality == quality


@pytest.mark.parametrize(
    ("given", "style"),
    [
        ("  watercolor ", "watercolor"),
        ("pixel   art", "pixel art"),
        ("vivid", "vivid"),
        ("", None),
        ("none", None),
        ("auto", None),
    ],
)
def test_style_forms(given: str, style: str | None) -> None:
    assert args(style=given).style == style


def test_background_is_case_insensitive() -> None:
    assert args(background=" Transparent").background == "transparent"


# Parsing: every error tells the model what to fix


@pytest.mark.parametrize(
    ("raw", "needles"),
    [
        ({}, ["prompt is required"]),
        ({"prompt": None}, ["prompt is required"]),
        ({"prompt": ""}, ["prompt must not be empty"]),
        ({"prompt": "   \n "}, ["prompt must not be empty"]),
        ({"prompt": 42}, ["prompt must be a string", "got 42"]),
        ({"prompt": "x" * 4001}, ["prompt is 4001 characters long; the limit is 4000"]),
        ({"prompt": "x", "n": 0}, ["n must be at least 1", "got 0"]),
        ({"prompt": "x", "n": -2}, ["n must be at least 1", "got -2"]),
        ({"prompt": "x", "n": "three"}, ["n must be a whole number from 1 to 10", "'three'"]),
        ({"prompt": "x", "n": 2.5}, ["n must be a whole number", "got 2.5"]),
        ({"prompt": "x", "n": True}, ["n must be a whole number", "got true"]),
        (
            {"prompt": "x", "size": "999x999"},
            ["size must be one of auto, 256x256, 512x512, 1024x1024", "got '999x999'"],
        ),
        ({"prompt": "x", "size": "huge"}, ["size must be one of", "got 'huge'"]),
        ({"prompt": "x", "size": 1024}, ["size must be one of", "got 1024"]),
        (
            {"prompt": "x", "quality": "ultra"},
            ["quality must be one of auto, low, medium, high", "got 'ultra'"],
        ),
        ({"prompt": "x", "style": 5}, ["style must be a short text", "got 5"]),
        ({"prompt": "x", "style": "s" * 201}, ["style is 201 characters long; the limit is 200"]),
        (
            {"prompt": "x", "background": "green"},
            ["background must be one of auto, transparent, opaque", "got 'green'"],
        ),
        (
            {"prompt": "x", "negative_prompt": "dogs"},
            ["unknown argument 'negative_prompt'", "takes only prompt, n, size"],
        ),
    ],
)
def test_errors_name_the_argument_and_the_fix(raw: dict[str, Any], needles: list[str]) -> None:
    message = retry_message(raw)
    assert message.startswith("Invalid generate_image arguments.")
    assert message.endswith("Fix this and call generate_image again.")
    lowered = message.lower()
    for needle in needles:
        assert needle.lower() in lowered, (needle, message)


def test_all_problems_are_reported_at_once() -> None:
    message = retry_message({"prompt": "", "n": 0, "size": "999x999", "seed": 1})
    for field in ("Prompt", "N must", "Size must", "Unknown argument 'seed'"):
        assert field in message


def test_arguments_must_be_an_object() -> None:
    assert "JSON object" in retry_message(["a fox"])


# Mapping: size


@pytest.mark.parametrize(
    ("model", "asked", "used"),
    [
        (GPT, "1792x1024", "1536x1024"),
        (GPT, "1024x1792", "1024x1536"),
        (GPT, "512x512", "1024x1024"),
        (GPT, "1536x1024", "1536x1024"),
        (GPT, "auto", "auto"),
        (MINI, "256x256", "1024x1024"),
        (DALLE3, "1536x1024", "1792x1024"),
        (DALLE3, "1024x1536", "1024x1792"),
        (DALLE3, "256x256", "1024x1024"),
        (DALLE3, "auto", "1024x1024"),
        (DALLE2, "1024x1536", "1024x1024"),
        (DALLE2, "1792x1024", "1024x1024"),
        (DALLE2, "256x256", "256x256"),
        (DALLE2, "auto", "1024x1024"),
        (DEMO, "1792x1024", "1792x1024"),
        (DEMO, "auto", "1024x1024"),
    ],
)
def test_size_mapping(model: ImageModel, asked: str, used: str) -> None:
    plan = plan_generation(args(size=asked), model)
    assert plan.used.size == used and plan.used.size_asked == asked
    assert all(r.kwargs["size"] == used for r in plan.requests)
    size_notes = [n for n in plan.notes if n.startswith("Size ")]
    if asked in (used, "auto"):
        assert size_notes == []
    else:
        assert size_notes == [f"Size {asked} is not available on {model.label}; used {used}."]


def test_closest_size_prefers_aspect_ratio_then_area() -> None:
    assert closest_size("1792x1024", ("1024x1024", "1536x1024", "auto")) == "1536x1024"
    assert closest_size("512x512", ("256x256", "1024x1024")) == "256x256"
    assert closest_size("1024x1024", ("256x256", "512x512", "1024x1024")) == "1024x1024"
    assert closest_size("1536x1024", ("1216x832", "1024x1024")) == "1216x832"
    assert closest_size("auto", ("1024x1024",)) is None
    assert closest_size("1024x1024", ("auto",)) is None


# Mapping: quality


@pytest.mark.parametrize(
    ("model", "asked", "sent", "note"),
    [
        (DALLE3, "high", "hd", "High quality on DALL·E 3 means hd."),
        (DALLE3, "auto", "standard", None),
        (DALLE3, "low", "standard", "Low quality on DALL·E 3 means standard."),
        (DALLE3, "medium", "standard", "Medium quality on DALL·E 3 means standard."),
        (DALLE2, "auto", None, None),
        (DALLE2, "high", None, "DALL·E 2 has no quality setting, so high quality does not apply."),
        (GPT, "high", "high", None),
        (GPT, "auto", "auto", None),
        (MINI, "low", "low", None),
    ],
)
def test_quality_mapping(model: ImageModel, asked: str, sent: str | None, note: str | None) -> None:
    plan = plan_generation(args(quality=asked), model)
    assert plan.used.quality == sent and plan.used.quality_asked == asked
    for request in plan.requests:
        assert request.kwargs.get("quality") == sent
        assert ("quality" in request.kwargs) == (sent is not None)
    assert [n for n in plan.notes if "quality" in n] == ([note] if note else [])


# Mapping: style


@pytest.mark.parametrize(("asked", "sent"), [("vivid", "vivid"), ("Natural", "natural")])
def test_dall_e_3_styles_are_sent_as_style(asked: str, sent: str) -> None:
    plan = plan_generation(args(prompt="a fox", style=asked), DALLE3)
    assert plan.requests[0].kwargs["style"] == sent
    assert plan.requests[0].kwargs["prompt"] == "a fox"
    assert plan.used.style == sent and not plan.used.style_in_prompt
    assert plan.notes == []


def test_free_text_style_on_dall_e_3_goes_into_the_prompt() -> None:
    plan = plan_generation(args(prompt="A fox in the snow.", style="watercolor"), DALLE3)
    kwargs = plan.requests[0].kwargs
    assert "style" not in kwargs
    assert kwargs["prompt"] == "A fox in the snow, in watercolor style"
    assert plan.used.style is None and plan.used.style_in_prompt
    assert plan.notes == [
        "DALL·E 3's style setting takes only vivid or natural; "
        "'watercolor' was added to the prompt instead."
    ]


@pytest.mark.parametrize("model", [GPT, MINI, DALLE2, DEMO])
@pytest.mark.parametrize("style", ["vivid", "watercolor"])
def test_models_without_styles_get_the_style_in_the_prompt(model: ImageModel, style: str) -> None:
    plan = plan_generation(args(prompt="a fox", style=style), model)
    assert plan.requests[0].kwargs["prompt"] == f"a fox, in {style} style"
    assert "style" not in plan.requests[0].kwargs
    assert f"{model.label} has no style setting; '{style}' was added to the prompt instead." in (
        plan.notes
    )


def test_style_wording_that_already_says_style() -> None:
    plan = plan_generation(args(prompt="a fox", style="in the style of Monet"), GPT)
    assert plan.requests[0].kwargs["prompt"] == "a fox, in the style of Monet"
    plan = plan_generation(args(prompt="a fox", style="Art Deco style"), GPT)
    assert plan.requests[0].kwargs["prompt"] == "a fox, in Art Deco style"


def test_style_already_in_the_prompt_is_not_repeated() -> None:
    plan = plan_generation(args(prompt="a watercolor fox", style="Watercolor"), GPT)
    assert plan.requests[0].kwargs["prompt"] == "a watercolor fox"
    assert plan.used.style_in_prompt
    assert plan.notes == [
        "GPT Image 1 has no style setting; the prompt already asks for Watercolor."
    ]


def test_style_inside_another_word_is_still_added() -> None:
    plan = plan_generation(args(prompt="a party hat", style="art"), GPT)
    assert plan.requests[0].kwargs["prompt"] == "a party hat, in art style"


def test_no_style_changes_nothing() -> None:
    for model in MODELS.values():
        plan = plan_generation(args(prompt="a fox."), model)
        assert plan.requests[0].kwargs["prompt"] == "a fox."
        assert "style" not in plan.requests[0].kwargs
        assert not plan.used.style_in_prompt


# Mapping: background


@pytest.mark.parametrize(
    ("model", "asked", "sent", "notes"),
    [
        (GPT, "transparent", "transparent", []),
        (MINI, "opaque", "opaque", []),
        (GPT, "auto", None, []),
        (DEMO, "transparent", "transparent", []),
        (
            DALLE3,
            "transparent",
            None,
            ["DALL·E 3 cannot make transparent backgrounds; the background will be opaque."],
        ),
        (
            DALLE2,
            "transparent",
            None,
            ["DALL·E 2 cannot make transparent backgrounds; the background will be opaque."],
        ),
        (DALLE3, "opaque", None, []),
    ],
)
def test_background_mapping(
    model: ImageModel, asked: str, sent: str | None, notes: list[str]
) -> None:
    plan = plan_generation(args(background=asked), model)
    assert plan.requests[0].kwargs.get("background") == sent
    assert plan.used.background == sent and plan.used.background_asked == asked
    assert plan.notes == notes


# Mapping: n


def test_dall_e_3_makes_one_image_per_request() -> None:
    plan = plan_generation(args(n=4), DALLE3)
    assert [r.n for r in plan.requests] == [1, 1, 1, 1]
    assert [r.kwargs["n"] for r in plan.requests] == [1, 1, 1, 1]
    assert plan.n == plan.used.n == 4
    assert plan.notes == [
        "DALL·E 3 makes one image per request, so 4 requests were sent in parallel."
    ]


@pytest.mark.parametrize("model", [DALLE2, GPT, MINI, DEMO])
def test_ten_images_in_one_request(model: ImageModel) -> None:
    plan = plan_generation(args(n=10), model)
    assert [r.n for r in plan.requests] == [10]
    assert plan.notes == []


def test_requests_split_by_the_models_limit() -> None:
    plan = plan_generation(args(n=10), custom_model())
    assert [r.n for r in plan.requests] == [4, 4, 2]
    assert (
        "SDXL (local) makes at most 4 images per request, so 3 requests were sent in parallel."
        in plan.notes
    )


def test_parse_notes_come_first_in_the_plan() -> None:
    parsed, notes = parse_args({"prompt": "a fox", "n": 14})
    plan = plan_generation(parsed, DALLE3, notes=notes)
    assert plan.notes == [
        "You asked for 14 images; the limit is 10 per request, so 10 will be made.",
        "DALL·E 3 makes one image per request, so 10 requests were sent in parallel.",
    ]
    assert len(plan.requests) == 10


def test_requests_do_not_share_their_kwargs() -> None:
    plan = plan_generation(args(n=2), DALLE3)
    plan.requests[0].kwargs["prompt"] = "changed"
    assert plan.requests[1].kwargs["prompt"] == "a red fox in the snow"


# Mapping: response format and the exact kwargs


def test_exact_kwargs_per_model() -> None:
    asked = args(prompt="a fox", n=2, size="1024x1024", quality="high", style="vivid")
    sent = {m.id: plan_generation(asked, m).requests[0].kwargs for m in MODELS.values()}
    assert sent["gpt-image-1"] == {
        "prompt": "a fox, in vivid style",
        "n": 2,
        "size": "1024x1024",
        "quality": "high",
    }
    assert sent["dall-e-3"] == {
        "prompt": "a fox",
        "n": 1,
        "size": "1024x1024",
        "quality": "hd",
        "style": "vivid",
        "response_format": "b64_json",
    }
    assert sent["dall-e-2"] == {
        "prompt": "a fox, in vivid style",
        "n": 2,
        "size": "1024x1024",
        "response_format": "b64_json",
    }
    assert sent["demo-image"] == {
        "prompt": "a fox, in vivid style",
        "n": 2,
        "size": "1024x1024",
        "quality": "high",
    }


@pytest.mark.parametrize(
    ("model", "response_format"),
    [
        (GPT, None),
        (MINI, None),
        (DALLE3, "b64_json"),
        (DALLE2, "b64_json"),
        (DEMO, None),
        (custom_model(), None),  # litellm would refuse response_format for openai/sdxl
        (custom_model(always_b64=True), None),
        (custom_model(litellm_model="openai/dall-e-3"), "b64_json"),
        (custom_model(litellm_model="hosted_vllm/flux"), "b64_json"),
    ],
)
def test_response_format(model: ImageModel, response_format: str | None) -> None:
    plan = plan_generation(args(), model)
    assert plan.requests[0].kwargs.get("response_format") == response_format
    assert plan.used.response_format == response_format


def test_custom_openai_model_with_styles_gets_them_in_the_prompt() -> None:
    # litellm sends openai/<not dall-e> through its gpt-image config, which refuses `style`.
    model = custom_model(styles=("vivid", "natural"))
    plan = plan_generation(args(prompt="a fox", style="vivid"), model)
    assert plan.requests[0].kwargs == {
        "prompt": "a fox, in vivid style",
        "n": 1,
        "size": "1024x1024",
    }
    assert plan.notes == [
        "SDXL (local) has no style setting; 'vivid' was added to the prompt instead."
    ]


# Mapping: prompt length


def test_prompt_limits() -> None:
    assert prompt_limit(DALLE2) == 1000
    assert prompt_limit(DALLE3) == 4000
    assert prompt_limit(GPT) == prompt_limit(MINI) == 32000
    assert prompt_limit(DEMO) == 4000
    assert prompt_limit(custom_model()) == 4000
    assert prompt_limit(custom_model(id="my-dalle", litellm_model="azure/dall-e-2")) == 1000


def test_long_prompt_is_cut_for_dall_e_2_at_a_word() -> None:
    prompt = ("a lighthouse on a cliff above a stormy sea " * 30).strip()
    plan = plan_generation(args(prompt=prompt), DALLE2)
    sent = plan.requests[0].kwargs["prompt"]
    assert len(sent) <= 1000 and prompt.startswith(sent) and prompt[len(sent)] == " "
    assert plan.used.prompt_truncated and plan.used.prompt == sent
    assert plan.notes == [
        f"DALL·E 2 accepts prompts of at most 1000 characters, so the prompt was shortened "
        f"from {len(prompt)} to {len(sent)} characters."
    ]


def test_folded_style_survives_the_cut() -> None:
    prompt = "x" * 4000
    plan = plan_generation(args(prompt=prompt, style="watercolor"), DALLE3)
    sent = plan.requests[0].kwargs["prompt"]
    assert len(sent) == 4000 and sent.endswith("x, in watercolor style")
    assert plan.used.prompt_truncated
    plan = plan_generation(args(prompt=prompt, style="watercolor"), GPT)
    assert plan.requests[0].kwargs["prompt"] == prompt + ", in watercolor style"
    assert not plan.used.prompt_truncated


def test_short_prompts_are_not_cut() -> None:
    plan = plan_generation(args(prompt="y" * 1000), DALLE2)
    assert plan.requests[0].kwargs["prompt"] == "y" * 1000 and plan.notes == []


# Cost, summary, used


@pytest.mark.parametrize(
    ("model", "raw", "cost"),
    [
        (GPT, {"n": 3, "size": "1024x1024", "quality": "high"}, 0.501),
        (GPT, {"n": 2, "size": "1536x1024", "quality": "low"}, 0.032),
        (MINI, {}, 0.011),
        (DALLE3, {"n": 2, "size": "1792x1024", "quality": "high"}, 0.24),
        (DALLE3, {"n": 4}, 0.16),
        (DALLE2, {"n": 10, "size": "512x512", "quality": "high"}, 0.18),
        (DEMO, {"n": 5}, 0.0),
    ],
)
def test_estimated_cost(model: ImageModel, raw: dict[str, Any], cost: float) -> None:
    assert plan_generation(args(**raw), model).estimated_cost == pytest.approx(cost)


def test_cost_is_unknown_without_prices() -> None:
    assert plan_generation(args(n=3), custom_model()).estimated_cost is None


@pytest.mark.parametrize(
    ("model", "raw", "line"),
    [
        (
            GPT,
            {"n": 3, "size": "1024x1024", "quality": "high"},
            "3 images · GPT Image 1 · 1024x1024 · high quality",
        ),
        (GPT, {}, "1 image · GPT Image 1 · auto size"),
        (
            DALLE3,
            {"size": "landscape", "quality": "high", "style": "vivid"},
            "1 image · DALL·E 3 · 1792x1024 · hd quality · vivid style",
        ),
        (DALLE3, {"n": 2}, "2 images · DALL·E 3 · 1024x1024 · standard quality"),
        (DALLE2, {"n": 4, "quality": "high"}, "4 images · DALL·E 2 · 1024x1024"),
        (
            MINI,
            {"style": "watercolor", "background": "transparent"},
            "1 image · GPT Image 1 mini · auto size · watercolor style · transparent background",
        ),
    ],
)
def test_describe_plan(model: ImageModel, raw: dict[str, Any], line: str) -> None:
    assert describe_plan(plan_generation(args(**raw), model)) == line


def test_used_records_asked_and_sent() -> None:
    asked = args(
        n=4, size="1536x1024", quality="high", style="watercolor", background="transparent"
    )
    used = plan_generation(asked, DALLE3).used
    assert used.model_id == "dall-e-3" and used.model_label == "DALL·E 3"
    assert (used.n, used.size, used.size_asked) == (4, "1792x1024", "1536x1024")
    assert (used.quality, used.quality_asked) == ("hd", "high")
    assert (used.style, used.style_asked, used.style_in_prompt) == (None, "watercolor", True)
    assert (used.background, used.background_asked) == (None, "transparent")
    assert used.prompt == "a red fox in the snow, in watercolor style"
    assert not used.prompt_truncated
