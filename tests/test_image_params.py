"""The generate_image tool's arguments (one pydantic model: schema and validation) and how
`plan_generation` fits them to each image model's rules (catalog/families.yaml).

Models come from the catalog (`build_catalog`), never from a hard-coded list; a test about one
family's rule picks its models by `m.rules.family`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

import pytest

from imagechat.catalog import ImageModel, ImageRules, build_catalog
from imagechat.catalog.families import family_named
from imagechat.errors import ModelRetry
from imagechat.image_params import (
    EDIT_IMAGE_SCHEMA,
    GENERATE_IMAGE_DESCRIPTION,
    GENERATE_IMAGE_SCHEMA,
    MAX_IMAGES,
    MAX_PROMPT_CHARS,
    GenerateImageArgs,
    closest_size,
    describe_plan,
    parse_args,
    parse_edit_args,
    plan_generation,
    prompt_limit,
)
from imagechat.image_params.edit import EditImageArgs
from imagechat.llm import Endpoint

# The catalog as of the litellm map this project pins (gpt-image-1.5 and friends retire today).
TODAY = dt.date(2026, 12, 1)
CATALOG = build_catalog(openai_key=True, environ={}, today=TODAY)
IMAGE_MODELS = CATALOG.image_models
OPENAI = [m for m in IMAGE_MODELS if m.provider == "openai"]
DEMO = next(m for m in IMAGE_MODELS if m.provider == "demo")
PROMPT = "a red fox in the snow"


def family(*names: str) -> list[ImageModel]:
    """The catalog's OpenAI models of these families (never empty: the test would be void)."""
    found = [m for m in OPENAI if m.rules.family in names]
    assert found, f"the catalog has no model of the families {names}"
    return found


CUSTOM_SIZE_MODELS = family("gpt-image-2", "gpt-image-2.5")
XHIGH_MODELS = family("gpt-image-2.5")
NO_XHIGH_MODELS = [*family("gpt-image-2", "gpt-image"), DEMO]
STANDARD_ONLY = [m for m in OPENAI if m.id.startswith("gpt-image-2.6")]


def ids(models: list[ImageModel]) -> list[str]:
    return [m.id for m in models]


def args(**raw: Any) -> GenerateImageArgs:
    raw.setdefault("prompt", PROMPT)
    return parse_args(raw)[0]


def plan(model: ImageModel, **raw: Any):  # type: ignore[no-untyped-def]
    parsed, notes = parse_args({"prompt": PROMPT, **raw})
    return plan_generation(parsed, model, notes=notes)


def retry_message(raw: Any) -> str:
    with pytest.raises(ModelRetry) as caught:
        parse_args(raw)
    return caught.value.message


def custom_model(**rules: Any) -> ImageModel:
    """An operator's OpenAI-compatible model with the `default` family's rules, overridden."""
    base = family_named("default")
    assert base is not None
    return ImageModel(
        id="local-sdxl",
        label="SDXL (local)",
        litellm_model="openai/sdxl",
        provider="custom",
        rules=ImageRules.model_validate({**base.rules().model_dump(), **rules}),
    )


def wh(size: str) -> tuple[int, int]:
    width, height = size.split("x")
    return int(width), int(height)


def test_the_catalog_has_the_models_these_tests_need() -> None:
    assert STANDARD_ONLY, "no gpt-image-2.6 model in the catalog"
    assert all(m.rules.custom_sizes is not None for m in CUSTOM_SIZE_MODELS)
    assert all(m.rules.custom_sizes is None for m in STANDARD_ONLY)
    offered = {m.id for m in IMAGE_MODELS}
    # retired models are never offered, so never planned for
    assert not offered & {"dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1.5"}


# Schema: one source, the pydantic model


def _without_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_titles(v) for k, v in node.items() if k != "title"}
    if isinstance(node, list):
        return [_without_titles(v) for v in node]
    return node


def test_the_schema_sent_to_the_llm_is_the_models_schema_without_titles() -> None:
    from tools.image_generation import ImageToolConfig, image_generation_tool

    expected = _without_titles(GenerateImageArgs.model_json_schema())
    expected.pop("description")  # the tool's own description says it
    assert GENERATE_IMAGE_SCHEMA == expected
    config = ImageToolConfig(model=DEMO, endpoint=Endpoint(None, None, None))
    tool = image_generation_tool(config, ui=object())  # type: ignore[arg-type]
    sent = tool.schema()
    assert sent["function"]["name"] == "generate_image"
    assert sent["function"]["parameters"] == expected
    assert sent["function"]["description"] == GENERATE_IMAGE_DESCRIPTION
    assert "title" not in json.dumps(sent["function"]["parameters"])


def test_the_schema_has_exactly_the_models_arguments() -> None:
    props = GENERATE_IMAGE_SCHEMA["properties"]
    assert list(props) == list(GenerateImageArgs.model_fields)
    assert GENERATE_IMAGE_SCHEMA["required"] == ["prompt"]
    assert GENERATE_IMAGE_SCHEMA["additionalProperties"] is False
    assert all(len(p["description"]) > 30 for p in props.values())
    assert json.loads(json.dumps(GENERATE_IMAGE_SCHEMA)) == GENERATE_IMAGE_SCHEMA
    for name, field in GenerateImageArgs.model_fields.items():
        if not field.is_required():
            assert props[name]["default"] == field.default, name
    assert props["n"]["maximum"] == MAX_IMAGES == 10
    assert props["prompt"]["maxLength"] == MAX_PROMPT_CHARS


def _enums(prop: dict[str, Any]) -> list[Any]:
    values = list(prop.get("enum", []))
    for option in prop.get("anyOf", []):
        values += option.get("enum", [])
    return values


def test_every_value_the_schema_offers_is_accepted() -> None:
    props = GENERATE_IMAGE_SCHEMA["properties"]
    offered = {name: _enums(prop) for name, prop in props.items() if _enums(prop)}
    assert set(offered) == {"quality", "background", "output_format"}
    assert offered["quality"] == ["auto", "low", "medium", "high", "xhigh", "max"]
    for name, values in offered.items():
        for value in values:
            assert getattr(args(**{name: value}), name) == value


def test_the_edit_schema_is_the_generate_schema_plus_image_ids() -> None:
    props = EDIT_IMAGE_SCHEMA["properties"]
    assert list(props) == list(EditImageArgs.model_fields)
    assert {k: v for k, v in props.items() if k != "image_ids"} == (
        GENERATE_IMAGE_SCHEMA["properties"]
    )
    assert EDIT_IMAGE_SCHEMA["required"] == ["image_ids", "prompt"]
    edit, _ = parse_edit_args({"prompt": "make it blue", "image_ids": "0" * 32, "size": "16:9"})
    assert edit.image_ids == ["0" * 32] and edit.args.size == "1536x864"


# Parsing: valid and lenient forms


def test_minimal_arguments_take_the_defaults() -> None:
    parsed, notes = parse_args({"prompt": "  a red fox  "})
    assert parsed == GenerateImageArgs(prompt="a red fox")
    assert (parsed.n, parsed.size, parsed.quality, parsed.background) == (1, "auto", "auto", "auto")
    assert parsed.style is parsed.output_format is parsed.output_compression is None
    assert notes == []


def test_full_arguments() -> None:
    raw = {
        "prompt": "a logo",
        "n": 3,
        "size": "1024x1536",
        "quality": "xhigh",
        "style": "flat vector",
        "background": "transparent",
        "output_format": "webp",
        "output_compression": 80,
    }
    parsed, notes = parse_args(raw)
    assert parsed.model_dump() == raw
    assert notes == []


def test_nulls_for_optional_arguments_mean_the_defaults() -> None:
    optional = ("size", "quality", "style", "background", "output_format", "output_compression")
    raw = {"prompt": "x", **dict.fromkeys(optional)}
    assert parse_args(raw) == (GenerateImageArgs(prompt="x"), [])


def test_null_n_means_one_image() -> None:
    assert parse_args({"prompt": "x", "n": None})[0].n == 1


@pytest.mark.parametrize(("given", "n"), [("3", 3), (" 4 ", 4), (2.0, 2), ("5.0", 5), (10, 10)])
def test_n_in_lenient_forms(given: Any, n: int) -> None:
    parsed, notes = parse_args({"prompt": "x", "n": given})
    assert parsed.n == n
    assert notes == []


@pytest.mark.parametrize("given", [14, "14", 14.0])
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
        ("AUTO", "auto"),
        (" auto ", "auto"),
        ("default", "auto"),
    ],
)
def test_explicit_size_forms_are_normalised(given: str, size: str) -> None:
    assert args(size=given).size == size


@pytest.mark.parametrize(
    ("words", "size"),
    [
        ("16:9 wallpaper", "1536x864"),
        ("16:9", "1536x864"),
        ("9:16", "864x1536"),
        ("3:2", "1536x1024"),
        ("1:1", "1024x1024"),
        ("square", "1024x1024"),
        ("portrait", "1024x1536"),
        ("Landscape", "1536x1024"),
        ("banner", "1536x512"),
        ("phone wallpaper", "704x1536"),
        ("4K", "3840x2160"),
        ("4k wallpaper", "3840x2160"),
        ("1440p", "2560x1440"),
        ("4K portrait", "2560x3840"),
    ],
)
def test_size_words_become_sizes(words: str, size: str) -> None:
    parsed, notes = parse_args({"prompt": "x", "size": words})
    assert parsed.size == size
    assert notes == []


@pytest.mark.parametrize(
    ("words", "ratio"),
    [("16:9", 16 / 9), ("portrait", 2 / 3), ("banner", 3.0), ("phone wallpaper", 9 / 19.5)],
)
def test_size_words_keep_their_shape_in_multiples_of_16(words: str, ratio: float) -> None:
    width, height = wh(args(size=words).size)
    assert width % 16 == 0 and height % 16 == 0
    assert width / height == pytest.approx(ratio, rel=0.03)


@pytest.mark.parametrize(
    ("given", "quality"),
    [
        ("HIGH", "high"),
        (" low ", "low"),
        ("hd", "high"),
        ("standard", "medium"),
        ("draft", "low"),
        ("XHigh", "xhigh"),
        ("Max", "max"),
        (None, "auto"),
    ],
)
def test_quality_forms(given: str | None, quality: str) -> None:
    assert args(quality=given).quality == quality


@pytest.mark.parametrize(
    ("given", "fmt"), [("jpg", "jpeg"), ("JPEG", "jpeg"), (" PNG ", "png"), ("webp", "webp")]
)
def test_output_format_forms(given: str, fmt: str) -> None:
    assert args(output_format=given).output_format == fmt


@pytest.mark.parametrize(("given", "value"), [("75", 75), (75.0, 75), (0, 0), (100, 100)])
def test_output_compression_forms(given: Any, value: int) -> None:
    assert args(output_compression=given).output_compression == value


@pytest.mark.parametrize(
    ("given", "style"),
    [
        ("  watercolor ", "watercolor"),
        ("pixel   art", "pixel art"),
        ("", None),
        ("none", None),
        ("auto", None),
    ],
)
def test_style_forms(given: str, style: str | None) -> None:
    assert args(style=given).style == style


def test_background_is_case_insensitive() -> None:
    assert args(background=" Transparent").background == "transparent"


# Parsing: every error tells the model which argument to fix


@pytest.mark.parametrize(
    ("raw", "needles"),
    [
        ({}, ["prompt is required"]),
        ({"prompt": None}, ["prompt:", "got none"]),
        ({"prompt": ""}, ["prompt:", "at least 1 character"]),
        ({"prompt": "   \n "}, ["prompt:", "at least 1 character"]),
        ({"prompt": 42}, ["prompt:", "got 42"]),
        ({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}, ["prompt:", f"at most {MAX_PROMPT_CHARS}"]),
        ({"prompt": "x", "n": 0}, ["n:", "greater than or equal to 1", "got 0"]),
        ({"prompt": "x", "n": -2}, ["n:", "got -2"]),
        ({"prompt": "x", "n": "three"}, ["n:", "'three'"]),
        ({"prompt": "x", "n": 2.5}, ["n:", "got 2.5"]),
        ({"prompt": "x", "size": "huge"}, ["size:", "16:9", "4k", "got 'huge'"]),
        ({"prompt": "x", "size": 1024}, ["size:", "must be text", "got 1024"]),
        ({"prompt": "x", "quality": "sublime"}, ["quality:", "'xhigh'", "got 'sublime'"]),
        ({"prompt": "x", "style": 5}, ["style:", "got 5"]),
        ({"prompt": "x", "style": "s" * 201}, ["style:", "at most 200"]),
        ({"prompt": "x", "background": "green"}, ["background:", "'transparent'", "'green'"]),
        ({"prompt": "x", "output_format": "gif"}, ["output_format:", "'webp'", "got 'gif'"]),
        ({"prompt": "x", "output_compression": 101}, ["output_compression:", "got 101"]),
        ({"prompt": "x", "output_compression": -1}, ["output_compression:", "got -1"]),
        (
            {"prompt": "x", "negative_prompt": "dogs"},
            [
                "unknown argument 'negative_prompt'",
                "takes only prompt, n, size, quality, style, background, output_format, "
                "output_compression",
            ],
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


@pytest.mark.parametrize("name", ["n", "output_compression"])
def test_booleans_are_not_numbers(name: str) -> None:
    message = retry_message({"prompt": "x", name: True})
    assert f"{name}:" in message and "got true" in message


def test_all_problems_are_reported_at_once() -> None:
    message = retry_message({"prompt": "", "n": 0, "size": "huge", "seed": 1})
    for part in ("prompt:", "n:", "size:", "Unknown argument 'seed'"):
        assert part in message


@pytest.mark.parametrize("raw", [["a fox"], "a fox", None])
def test_arguments_must_be_an_object(raw: Any) -> None:
    assert "must be a JSON object" in retry_message(raw)


# Planning: sizes


@pytest.mark.parametrize("model", CUSTOM_SIZE_MODELS, ids=ids(CUSTOM_SIZE_MODELS))
@pytest.mark.parametrize("asked", ["1536x864", "16:9", "banner", "phone wallpaper", "2560x1440"])
def test_custom_sizes_are_sent_as_asked(model: ImageModel, asked: str) -> None:
    made = plan(model, size=asked)
    assert made.used.size == made.used.size_asked == args(size=asked).size
    assert {r.kwargs["size"] for r in made.requests} == {made.used.size}
    assert made.notes == []
    assert not made.used.experimental_size


@pytest.mark.parametrize("model", CUSTOM_SIZE_MODELS, ids=ids(CUSTOM_SIZE_MODELS))
@pytest.mark.parametrize("asked", ["4K", "3840x2160", "2576x1440"])
def test_sizes_above_2560x1440_are_sent_with_an_experimental_note(
    model: ImageModel, asked: str
) -> None:
    made = plan(model, size=asked)
    size = args(size=asked).size
    assert made.used.size == size and made.used.experimental_size
    assert made.notes == [
        f"{size} is above {model.label}'s tested sizes (experimental): results may vary."
    ]


@pytest.mark.parametrize("model", CUSTOM_SIZE_MODELS, ids=ids(CUSTOM_SIZE_MODELS))
@pytest.mark.parametrize(
    ("asked", "ratio"),
    [
        ("1000x1000", 1.0),  # not multiples of 16
        ("1530x860", 1530 / 860),
        ("8000x100", 3.0),  # aspect clamped to 3:1
        ("600x3600", 1 / 3),  # and 1:3
        ("5000x5000", 1.0),  # above the caps
        ("4K portrait", 2 / 3),  # 2560x3840: short edge above 2160
        ("7680x4320", 16 / 9),  # 8K: above 3840x2160
    ],
)
def test_custom_sizes_are_fitted_to_the_rules(model: ImageModel, asked: str, ratio: float) -> None:
    rule = model.rules.custom_sizes
    assert rule is not None
    made = plan(model, size=asked)
    width, height = wh(made.used.size)
    assert width % 16 == 0 and height % 16 == 0
    assert max(width, height) / min(width, height) <= 3.0
    assert max(width, height) <= 3840 and min(width, height) <= 2160
    assert width * height <= 3840 * 2160
    assert rule.allows(width, height)
    assert width / height == pytest.approx(ratio, rel=0.03)
    asked_w, asked_h = wh(args(size=asked).size)
    assert width * height <= asked_w * asked_h * 1.05  # never blown up
    size_note = (
        f"Size {args(size=asked).size} is not available on {model.label}; used {width}x{height}."
    )
    assert made.notes[0] == size_note
    experimental = width * height > 2560 * 1440
    assert made.used.experimental_size == experimental
    assert len(made.notes) == 1 + experimental


@pytest.mark.parametrize("model", CUSTOM_SIZE_MODELS, ids=ids(CUSTOM_SIZE_MODELS))
def test_a_size_near_the_asked_one_keeps_its_area(model: ImageModel) -> None:
    width, height = wh(plan(model, size="1000x1000").used.size)
    assert abs(width - 1000) <= 16 and abs(height - 1000) <= 16


@pytest.mark.parametrize("model", STANDARD_ONLY, ids=ids(STANDARD_ONLY))
@pytest.mark.parametrize(
    ("asked", "used"),
    [
        ("16:9", "1536x1024"),
        ("1536x864", "1536x1024"),
        ("banner", "1536x1024"),
        ("4K", "1536x1024"),
        ("9:16", "1024x1536"),
        ("phone wallpaper", "1024x1536"),
        ("512x512", "1024x1024"),
    ],
)
def test_models_without_custom_sizes_get_the_closest_standard_size(
    model: ImageModel, asked: str, used: str
) -> None:
    made = plan(model, size=asked)
    assert made.used.size == used and not made.used.experimental_size
    assert [r.kwargs["size"] for r in made.requests] == [used]
    assert made.notes == [
        f"Size {args(size=asked).size} is not available on {model.label}; used {used}."
    ]


@pytest.mark.parametrize("model", OPENAI, ids=ids(OPENAI))
@pytest.mark.parametrize("asked", ["auto", "1024x1024", "1536x1024", "portrait"])
def test_standard_sizes_and_auto_go_through_unchanged(model: ImageModel, asked: str) -> None:
    made = plan(model, size=asked)
    assert made.requests[0].kwargs["size"] == args(size=asked).size
    assert made.notes == []


def test_the_demo_fits_sizes_to_its_own_caps() -> None:
    assert plan(DEMO, size="auto").used.size == "1024x1024"
    assert plan(DEMO, size="1536x864").used.size == "1536x864"
    made = plan(DEMO, size="4K")
    width, height = wh(made.used.size)
    assert DEMO.rules.custom_sizes is not None
    assert DEMO.rules.custom_sizes.allows(width, height)
    assert width / height == pytest.approx(16 / 9, rel=0.03)
    assert made.notes == [
        f"Size 3840x2160 is not available on {DEMO.label}; used {made.used.size}."
    ]


def test_closest_size_prefers_aspect_ratio_then_area() -> None:
    assert closest_size("1792x1024", ("1024x1024", "1536x1024", "auto")) == "1536x1024"
    assert closest_size("512x512", ("256x256", "1024x1024")) == "256x256"
    assert closest_size("1536x1024", ("1216x832", "1024x1024")) == "1216x832"
    assert closest_size("auto", ("1024x1024",)) is None
    assert closest_size("1024x1024", ("auto",)) is None


# Planning: quality


@pytest.mark.parametrize("model", XHIGH_MODELS, ids=ids(XHIGH_MODELS))
@pytest.mark.parametrize("quality", ["xhigh", "max"])
def test_xhigh_and_max_are_sent_to_the_2_5_models(model: ImageModel, quality: str) -> None:
    made = plan(model, quality=quality)
    assert made.requests[0].kwargs["quality"] == made.used.quality == quality
    assert made.notes == []


@pytest.mark.parametrize("model", NO_XHIGH_MODELS, ids=ids(NO_XHIGH_MODELS))
@pytest.mark.parametrize("quality", ["xhigh", "max"])
def test_xhigh_and_max_step_down_elsewhere_with_a_note(model: ImageModel, quality: str) -> None:
    made = plan(model, quality=quality)
    assert made.requests[0].kwargs["quality"] == made.used.quality == "high"
    assert made.used.quality_asked == quality
    assert made.notes == [f"{model.label} has no {quality} quality; used high."]


@pytest.mark.parametrize("model", [*OPENAI, DEMO], ids=[*ids(OPENAI), DEMO.id])
@pytest.mark.parametrize("quality", ["auto", "low", "medium", "high"])
def test_the_common_qualities_are_sent_everywhere(model: ImageModel, quality: str) -> None:
    made = plan(model, quality=quality)
    assert made.requests[0].kwargs["quality"] == quality
    assert made.notes == []


def test_a_model_without_qualities_gets_none_sent() -> None:
    model = custom_model()
    assert plan(model, quality="auto").requests[0].kwargs.get("quality", "-") == "-"
    made = plan(model, quality="high")
    assert "quality" not in made.requests[0].kwargs and made.used.quality is None
    assert made.notes == ["SDXL (local) has no quality setting, so high quality does not apply."]


def test_a_model_with_only_some_qualities_gets_the_next_lower_one() -> None:
    made = plan(custom_model(qualities=("low", "high")), quality="medium")
    assert made.requests[0].kwargs["quality"] == "low"
    assert made.notes == ["SDXL (local) has no medium quality; used low."]
    made = plan(custom_model(qualities=("medium", "high")), quality="low")
    assert made.requests[0].kwargs["quality"] == "medium"


# Planning: format, background, compression


@pytest.mark.parametrize("model", [*OPENAI, DEMO], ids=[*ids(OPENAI), DEMO.id])
@pytest.mark.parametrize("fmt", ["jpeg", "jpg"])
def test_transparent_jpeg_becomes_png_with_a_note(model: ImageModel, fmt: str) -> None:
    made = plan(model, background="transparent", output_format=fmt)
    kwargs = made.requests[0].kwargs
    assert (kwargs["background"], kwargs["output_format"]) == ("transparent", "png")
    assert made.used.output_format == "png"
    assert made.notes == ["Transparent backgrounds need png or webp, so the image is made as PNG."]


@pytest.mark.parametrize("model", OPENAI, ids=ids(OPENAI))
@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ({"background": "transparent", "output_format": "webp"}, ("transparent", "webp")),
        ({"background": "transparent"}, ("transparent", None)),
        ({"background": "opaque", "output_format": "jpeg"}, ("opaque", "jpeg")),
        ({"background": "auto", "output_format": "png"}, (None, "png")),
    ],
)
def test_backgrounds_and_formats_that_fit_are_sent_as_asked(
    model: ImageModel, raw: dict[str, Any], sent: tuple[str | None, str | None]
) -> None:
    made = plan(model, **raw)
    kwargs = made.requests[0].kwargs
    assert (kwargs.get("background"), kwargs.get("output_format")) == sent
    assert made.notes == []


@pytest.mark.parametrize("model", [*OPENAI, DEMO], ids=[*ids(OPENAI), DEMO.id])
@pytest.mark.parametrize("fmt", ["png", None])
def test_compression_without_a_lossy_format_is_dropped_with_a_note(
    model: ImageModel, fmt: str | None
) -> None:
    raw: dict[str, Any] = {"output_compression": 50}
    if fmt:
        raw["output_format"] = fmt
    made = plan(model, **raw)
    assert "output_compression" not in made.requests[0].kwargs
    assert made.used.output_compression is None
    assert made.notes == ["Compression applies to JPEG and WebP images only, so it was not used."]


@pytest.mark.parametrize("model", OPENAI, ids=ids(OPENAI))
@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_compression_with_a_lossy_format_is_sent(model: ImageModel, fmt: str) -> None:
    made = plan(model, output_format=fmt, output_compression=0)
    assert made.requests[0].kwargs["output_compression"] == 0
    assert made.requests[0].kwargs["output_format"] == fmt
    assert made.notes == []


def test_transparent_jpeg_with_compression_is_png_without_compression() -> None:
    made = plan(OPENAI[0], background="transparent", output_format="jpeg", output_compression=40)
    kwargs = made.requests[0].kwargs
    assert kwargs["output_format"] == "png" and "output_compression" not in kwargs
    assert made.notes == [
        "Transparent backgrounds need png or webp, so the image is made as PNG.",
        "Compression applies to JPEG and WebP images only, so it was not used.",
    ]


def test_a_model_without_formats_or_backgrounds_gets_neither_sent() -> None:
    model = custom_model()
    made = plan(model, background="transparent", output_format="webp", output_compression=30)
    kwargs = made.requests[0].kwargs
    assert not {"background", "output_format", "output_compression"} & set(kwargs)
    assert made.notes == [
        "SDXL (local) has no format setting; the image comes in its own format.",
        "SDXL (local) cannot make transparent backgrounds; the background will be opaque.",
        "SDXL (local) has no compression setting.",
    ]


@pytest.mark.parametrize("model", OPENAI, ids=ids(OPENAI))
def test_moderation_is_sent_where_the_model_takes_it(model: ImageModel) -> None:
    made = plan_generation(args(), model, moderation="low")
    assert made.requests[0].kwargs["moderation"] == "low"
    assert "moderation" not in plan_generation(args(), model).requests[0].kwargs


def test_moderation_is_not_sent_to_models_without_it() -> None:
    assert not DEMO.rules.moderation
    assert "moderation" not in plan_generation(args(), DEMO, moderation="low").requests[0].kwargs


# Planning: style


@pytest.mark.parametrize("model", [*OPENAI, DEMO], ids=[*ids(OPENAI), DEMO.id])
@pytest.mark.parametrize("style", ["vivid", "watercolor"])
def test_style_is_folded_into_the_prompt(model: ImageModel, style: str) -> None:
    made = plan_generation(args(prompt="A fox in the snow.", style=style), model)
    kwargs = made.requests[0].kwargs
    assert "style" not in kwargs
    assert kwargs["prompt"] == made.used.prompt == f"A fox in the snow, in {style} style"
    assert made.used.style is None and made.used.style_in_prompt
    assert made.notes == [
        f"{model.label} has no style setting; '{style}' was added to the prompt instead."
    ]


def test_style_wording_that_already_says_style() -> None:
    model = OPENAI[0]
    made = plan_generation(args(prompt="a fox", style="in the style of Monet"), model)
    assert made.requests[0].kwargs["prompt"] == "a fox, in the style of Monet"
    made = plan_generation(args(prompt="a fox", style="Art Deco style"), model)
    assert made.requests[0].kwargs["prompt"] == "a fox, in Art Deco style"


def test_style_already_in_the_prompt_is_not_repeated() -> None:
    model = OPENAI[0]
    made = plan_generation(args(prompt="a watercolor fox", style="Watercolor"), model)
    assert made.requests[0].kwargs["prompt"] == "a watercolor fox"
    assert made.used.style_in_prompt
    assert made.notes == [
        f"{model.label} has no style setting; the prompt already asks for Watercolor."
    ]


def test_style_inside_another_word_is_still_added() -> None:
    made = plan_generation(args(prompt="a party hat", style="art"), OPENAI[0])
    assert made.requests[0].kwargs["prompt"] == "a party hat, in art style"


def test_a_model_with_a_style_setting_gets_it_as_a_parameter() -> None:
    model = custom_model(styles=("vivid", "natural"))
    made = plan_generation(args(prompt="a fox", style="Vivid"), model)
    assert made.requests[0].kwargs["style"] == "vivid"
    assert made.requests[0].kwargs["prompt"] == "a fox"
    assert made.notes == []
    made = plan_generation(args(prompt="a fox", style="watercolor"), model)
    assert "style" not in made.requests[0].kwargs
    assert made.requests[0].kwargs["prompt"] == "a fox, in watercolor style"
    assert made.notes == [
        "SDXL (local)'s style setting takes only vivid or natural; 'watercolor' was added to "
        "the prompt instead."
    ]


def test_no_style_changes_nothing() -> None:
    for model in IMAGE_MODELS:
        made = plan_generation(args(prompt="a fox."), model)
        assert made.requests[0].kwargs["prompt"] == "a fox."
        assert "style" not in made.requests[0].kwargs
        assert not made.used.style_in_prompt


# Planning: n


@pytest.mark.parametrize("model", [*OPENAI, DEMO], ids=[*ids(OPENAI), DEMO.id])
def test_ten_images_in_one_request(model: ImageModel) -> None:
    made = plan(model, n=10)
    assert [r.n for r in made.requests] == [r.kwargs["n"] for r in made.requests] == [10]
    assert made.notes == []


def split_note(note: str, per: int, requests: int) -> bool:
    """ "SDXL (local) makes at most 4 [images] per request, so 3 requests were sent …"."""
    pattern = (
        rf"SDXL \(local\) makes at most {per} (images )?per request, so {requests} requests "
        r"were sent in parallel\."
    )
    return re.fullmatch(pattern, note) is not None


def test_requests_split_by_the_models_limit() -> None:
    made = plan(custom_model(max_n=4), n=10)
    assert [r.n for r in made.requests] == [r.kwargs["n"] for r in made.requests] == [4, 4, 2]
    assert made.n == made.used.n == 10
    assert len(made.notes) == 1
    assert split_note(made.notes[0], 4, 3)


def test_one_image_per_request_models() -> None:
    made = plan(custom_model(), n=3)
    assert [r.n for r in made.requests] == [1, 1, 1]
    assert made.notes == [
        "SDXL (local) makes one image per request, so 3 requests were sent in parallel."
    ]


def test_parse_notes_come_first_in_the_plan() -> None:
    made = plan(custom_model(max_n=4), n=14)
    assert made.notes[0] == (
        "You asked for 14 images; the limit is 10 per request, so 10 will be made."
    )
    assert len(made.notes) == 2 and split_note(made.notes[1], 4, 3)


def test_requests_do_not_share_their_kwargs() -> None:
    made = plan(custom_model(), n=2)
    made.requests[0].kwargs["prompt"] = "changed"
    assert made.requests[1].kwargs["prompt"] == PROMPT


# Planning: prompt length per model


def test_prompt_limits_come_from_the_rules() -> None:
    assert {prompt_limit(m) for m in OPENAI} == {32000}
    assert prompt_limit(custom_model()) == 4000
    assert prompt_limit(custom_model(prompt_limit=1000)) == 1000


def test_long_prompt_is_cut_at_a_word_to_the_models_limit() -> None:
    prompt = ("a lighthouse on a cliff above a stormy sea " * 100).strip()
    model = custom_model()
    made = plan_generation(args(prompt=prompt), model)
    sent = made.requests[0].kwargs["prompt"]
    assert len(sent) <= 4000 and len(sent) > 3900
    assert prompt.startswith(sent) and prompt[len(sent)] == " "
    assert made.used.prompt_truncated and made.used.prompt == sent
    assert made.notes == [
        f"SDXL (local) accepts prompts of at most 4000 characters, so the prompt was shortened "
        f"from {len(prompt)} to {len(sent)} characters."
    ]
    for big in OPENAI:  # 32000 characters there: nothing to cut
        made = plan_generation(args(prompt=prompt), big)
        assert made.requests[0].kwargs["prompt"] == prompt and not made.used.prompt_truncated


@pytest.mark.parametrize("model", OPENAI, ids=ids(OPENAI))
def test_folded_style_survives_the_cut(model: ImageModel) -> None:
    prompt = "x" * MAX_PROMPT_CHARS
    made = plan_generation(args(prompt=prompt, style="watercolor"), model)
    sent = made.requests[0].kwargs["prompt"]
    assert len(sent) == prompt_limit(model) and sent.endswith("x, in watercolor style")
    assert made.used.prompt_truncated
    assert made.notes[-1].startswith(f"{model.label} accepts prompts of at most 32000 characters")


def test_short_prompts_are_not_cut() -> None:
    made = plan_generation(args(prompt="y" * 4000), custom_model())
    assert made.requests[0].kwargs["prompt"] == "y" * 4000 and made.notes == []


# The exact kwargs, the summary, what was used


def test_exact_kwargs_for_every_argument() -> None:
    model = XHIGH_MODELS[0]
    asked, notes = parse_args(
        {
            "prompt": "a fox",
            "n": 2,
            "size": "16:9 wallpaper",
            "quality": "max",
            "style": "watercolor",
            "background": "opaque",
            "output_format": "jpg",
            "output_compression": 70,
        }
    )
    made = plan_generation(asked, model, notes=notes, moderation="low")
    assert [r.kwargs for r in made.requests] == [
        {
            "prompt": "a fox, in watercolor style",
            "n": 2,
            "size": "1536x864",
            "quality": "max",
            "background": "opaque",
            "output_format": "jpeg",
            "output_compression": 70,
            "moderation": "low",
        }
    ]


def test_describe_plan() -> None:
    model = XHIGH_MODELS[0]
    made = plan(
        model,
        n=3,
        size="16:9",
        quality="xhigh",
        style="watercolor",
        background="transparent",
        output_format="webp",
    )
    assert describe_plan(made) == (
        f"3 images · {model.label} · 1536x864 · xhigh quality · watercolor style · "
        "transparent background · WEBP"
    )
    assert describe_plan(plan(model)) == f"1 image · {model.label} · auto size"


def test_used_records_asked_and_sent() -> None:
    model = STANDARD_ONLY[0]
    used = plan(
        model, n=4, size="16:9", quality="max", style="watercolor", background="transparent"
    ).used
    assert used.model_id == model.id and used.model_label == model.label
    assert (used.n, used.size, used.size_asked) == (4, "1536x1024", "1536x864")
    assert (used.quality, used.quality_asked) == ("high", "max")
    assert (used.style, used.style_asked, used.style_in_prompt) == (None, "watercolor", True)
    assert (used.background, used.background_asked) == ("transparent", "transparent")
    assert used.prompt == f"{PROMPT}, in watercolor style"
    assert not used.prompt_truncated and used.response_format is None


def test_estimated_cost() -> None:
    assert plan(DEMO, n=5).estimated_cost == 0.0
    assert plan(custom_model(), n=3).estimated_cost is None
    priced = custom_model().model_copy(update={"prices": {"*@1024x1024": 0.02}})
    assert plan(priced, n=3, size="1024x1024").estimated_cost == pytest.approx(0.06)
    assert math.isclose(plan(priced, n=1, size="square").estimated_cost or 0, 0.02)
