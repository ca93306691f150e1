"""Every request the generate_image mapping sends is accepted by the fake OpenAI server.

For each OpenAI model in the catalog and every combination of n, size, quality, style and
background the tool can receive, the plan's provider requests go through the real
`litellm.aimage_generation` to the fake server, which rejects what the real API rejects.
Identical requests are sent once; a negative control per model shows the fake does reject the
unmapped arguments, so these tests would fail without the mapping.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

import litellm
import pytest
from PIL import Image

import imagechat.llm  # noqa: F401  (configures litellm: quiet, drop_params off)
from imagechat.catalog import BUILTIN_IMAGE_MODELS, ImageModel
from imagechat.image_params import (
    BACKGROUNDS,
    QUALITIES,
    SIZES,
    GenerationPlan,
    parse_args,
    plan_generation,
    prompt_limit,
)
from tests.fakes import app as fake_app
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.rules import ImageJob

OPENAI_MODELS = [m for m in BUILTIN_IMAGE_MODELS if m.provider == "openai"]
MODEL_IDS = [m.id for m in OPENAI_MODELS]
NS = (1, 2, 4, 10, 14)
STYLES = (None, "vivid", "natural", "watercolor")
BACKGROUND_CHOICES = ("auto", "transparent")
PROMPT = "a red fox curled up in fresh snow at dawn"
LONG_PROMPT = ("a lighthouse on a cliff above a stormy sea, " * 100)[:4000]
BATCH = 20
LANDSCAPE = {
    "gpt-image-1": (1536, 1024),
    "gpt-image-1-mini": (1536, 1024),
    "dall-e-3": (1792, 1024),
    "dall-e-2": (1024, 1024),
}


def test_the_openai_models_are_all_covered() -> None:
    assert set(MODEL_IDS) == {"gpt-image-1", "gpt-image-1-mini", "dall-e-3", "dall-e-2"}
    assert len(SIZES) == 8 and len(QUALITIES) == 4 and set(BACKGROUND_CHOICES) <= set(BACKGROUNDS)


def combinations(prompt: str = PROMPT) -> Iterator[dict[str, Any]]:
    """The raw tool arguments of every combination (as an LLM would send them)."""
    for n, size, quality, style, background in itertools.product(
        NS, SIZES, QUALITIES, STYLES, BACKGROUND_CHOICES
    ):
        raw: dict[str, Any] = {
            "prompt": prompt,
            "n": n,
            "size": size,
            "quality": quality,
            "background": background,
        }
        if style is not None:
            raw["style"] = style
        yield raw


def key_of(kwargs: dict[str, Any]) -> str:
    return json.dumps(kwargs, sort_keys=True)


def plan_all(
    model: ImageModel, raws: Iterable[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[set[str]]]:
    """Plan every combination: the distinct provider requests by key, and each
    combination's request keys."""
    distinct: dict[str, dict[str, Any]] = {}
    per_combination: list[set[str]] = []
    for raw in raws:
        args, _ = parse_args(raw)
        plan = plan_generation(args, model)
        check_plan_shape(plan, model, min(raw["n"], 10))
        keys: set[str] = set()
        for request in plan.requests:
            keys.add(key_of(request.kwargs))
            distinct.setdefault(key_of(request.kwargs), request.kwargs)
        per_combination.append(keys)
    return distinct, per_combination


COMBINATIONS = len(NS) * len(SIZES) * len(QUALITIES) * len(STYLES) * len(BACKGROUND_CHOICES)


def check_plan_shape(plan: GenerationPlan, model: ImageModel, n: int) -> None:
    assert plan.n == n
    for request in plan.requests:
        assert request.kwargs["n"] == request.n <= model.max_n_per_request
        assert set(request.kwargs) <= {
            "prompt",
            "n",
            "size",
            "quality",
            "style",
            "background",
            "response_format",
        }


async def send(fake: FakeOpenAI, model: ImageModel, kwargs: dict[str, Any]) -> Any:
    return await litellm.aimage_generation(
        model=model.litellm_model, api_base=fake.base_url, api_key=fake.api_key, **kwargs
    )


async def send_all(
    fake: FakeOpenAI, model: ImageModel, requests: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], Any]]:
    results: list[tuple[dict[str, Any], Any]] = []
    for start in range(0, len(requests), BATCH):
        batch = requests[start : start + BATCH]
        responses = await asyncio.gather(
            *(send(fake, model, kwargs) for kwargs in batch), return_exceptions=True
        )
        results.extend(zip(batch, responses, strict=True))
    return results


def png_size(b64: str) -> tuple[int, int]:
    data = base64.b64decode(b64)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as img:
        return img.size


@pytest.fixture
def fake(fake_openai_shared: FakeOpenAI) -> FakeOpenAI:
    """The session's fake server, reset for this test (one server for the whole file)."""
    return fake_openai_shared


@pytest.fixture
def quick_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fake's pictures cheap: one blank PNG per size instead of a drawing per image.

    Only the pictures change; the fake validates every request exactly as before.
    """
    cache: dict[tuple[int, int], bytes] = {}

    def blank(job: ImageJob) -> list[bytes]:
        dims = job.width_height
        if dims not in cache:
            out = io.BytesIO()
            Image.new("1", dims, 1).save(out, "PNG", optimize=True)
            cache[dims] = out.getvalue()
        return [cache[dims]] * job.n

    monkeypatch.setattr(fake_app, "job_images", blank)


@pytest.mark.usefixtures("quick_pictures")
@pytest.mark.parametrize("model", OPENAI_MODELS, ids=MODEL_IDS)
async def test_every_combination_is_accepted(fake: FakeOpenAI, model: ImageModel) -> None:
    distinct, per_combination = plan_all(model, combinations())
    assert len(per_combination) == COMBINATIONS == 1280
    requests = sorted(distinct.values(), key=key_of)
    results = await send_all(fake, model, requests)

    failures = [(kwargs, err) for kwargs, err in results if isinstance(err, BaseException)]
    assert not failures, f"{len(failures)} rejected, first: {failures[0]}"
    accepted = {key_of(kwargs) for kwargs, _ in results}
    assert all(keys and keys <= accepted for keys in per_combination)
    for kwargs, response in results:
        assert len(response.data) == kwargs["n"]
        wanted = kwargs["size"]
        for image in response.data:
            assert image.b64_json, "expected base64 image data"
            if wanted != "auto":
                assert png_size(image.b64_json) == tuple(map(int, wanted.split("x")))

    sent = fake.requests_to("images")
    assert len(sent) == len(distinct)
    assert all(r.status == 200 for r in sent)
    bare = model.litellm_model.split("/", 1)[1]
    # litellm passes the mapped kwargs through unchanged.
    assert {key_of(r.json) for r in sent} == {key_of({"model": bare, **k}) for k in requests}


@pytest.mark.usefixtures("quick_pictures")
@pytest.mark.parametrize("model", OPENAI_MODELS, ids=MODEL_IDS)
async def test_longest_prompts_fit_every_model(fake: FakeOpenAI, model: ImageModel) -> None:
    raws = [
        {"prompt": LONG_PROMPT, "style": style, "size": size}
        for style in ("watercolor", "vivid", "in the style of Monet")
        for size in ("1024x1024", "1792x1024")
    ]
    distinct: dict[str, dict[str, Any]] = {}
    for raw in raws:
        plan = plan_generation(parse_args(raw)[0], model)
        for request in plan.requests:
            distinct[key_of(request.kwargs)] = request.kwargs
    assert all(len(k["prompt"]) <= prompt_limit(model) for k in distinct.values())
    results = await send_all(fake, model, list(distinct.values()))
    failures = [(k["prompt"][-40:], e) for k, e in results if isinstance(e, BaseException)]
    assert not failures
    assert all(len(response.data) == 1 for _, response in results)


def test_every_model_maps_to_a_small_set_of_requests() -> None:
    counts = {m.id: len(plan_all(m, combinations())[0]) for m in OPENAI_MODELS}
    # gpt-image: 4 prompts x 4 chunk sizes (1, 2, 4, 10) x 4 sizes x 4 qualities x 2 backgrounds
    assert counts["gpt-image-1"] == counts["gpt-image-1-mini"] == 4 * 4 * 4 * 4 * 2
    # dall-e-3: 3 sizes x 2 qualities x (plain, vivid, natural, watercolor prompt)
    assert counts["dall-e-3"] == 3 * 2 * 4
    # dall-e-2: 3 sizes x 4 chunk sizes (1, 2, 4, 10) x 4 prompts (plain + 3 styles folded)
    assert counts["dall-e-2"] == 3 * 4 * 4


# Negative controls: the unmapped arguments are rejected by the fake itself (a 400 it
# recorded), not by litellm, so the tests above prove the mapping, not a lenient fake.

UNMAPPED: dict[str, tuple[dict[str, Any], str]] = {
    "gpt-image-1": ({"n": 1, "size": "1792x1024", "quality": "high"}, "'1792x1024'"),
    "gpt-image-1-mini": ({"n": 2, "size": "512x512", "quality": "auto"}, "'512x512'"),
    "dall-e-3": ({"n": 4, "size": "1024x1024", "quality": "high"}, "Expected a value <= 1"),
    "dall-e-2": ({"n": 2, "size": "1024x1536", "quality": "auto"}, "'1024x1536'"),
}


@pytest.mark.parametrize("model", OPENAI_MODELS, ids=MODEL_IDS)
async def test_the_fake_rejects_unmapped_arguments(fake: FakeOpenAI, model: ImageModel) -> None:
    params, complaint = UNMAPPED[model.id]
    with pytest.raises(litellm.BadRequestError) as caught:
        await send(fake, model, {"prompt": PROMPT, **params})
    assert complaint in str(caught.value)
    assert fake.last_request("images").status == 400

    args, _ = parse_args({"prompt": PROMPT, **params})
    plan = plan_generation(args, model)
    responses = await asyncio.gather(*(send(fake, model, r.kwargs) for r in plan.requests))
    assert sum(len(r.data) for r in responses) == params["n"]
    assert fake.last_request("images").status == 200


async def test_real_pictures_come_back_for_each_model(fake: FakeOpenAI) -> None:
    """Without the quick pictures: the fake's own drawings arrive as PNGs of the mapped size."""
    args, _ = parse_args({"prompt": PROMPT, "n": 2, "size": "landscape", "style": "watercolor"})
    for model in OPENAI_MODELS:
        plan = plan_generation(args, model)
        responses = await asyncio.gather(*(send(fake, model, r.kwargs) for r in plan.requests))
        images = [image for response in responses for image in response.data]
        assert len(images) == 2
        assert {png_size(image.b64_json) for image in images} == {LANDSCAPE[model.id]}
