"""Every request the generate_image mapping can produce is accepted by the fake OpenAI server.

The catalog is built from the fake's own `GET /v1/models` listing. For every image model in it
and every combination of n, size, quality, output format, background and compression the tool
can receive, `parse_args` + `plan_generation` give the provider requests, and each distinct one
goes through the official `openai` SDK to the fake, which rejects what today's API rejects. Negative
controls show the fake does reject the unplanned arguments, so the matrix would fail without the
mapping.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from PIL import Image

import imagechat.llm  # noqa: F401  (configures litellm: quiet, drop_params off)
from imagechat.catalog import Catalog, ImageModel, build_catalog
from imagechat.catalog.listing import fetch_listing
from imagechat.generation import Generator, ImageResult
from imagechat.image_params import (
    BACKGROUNDS,
    OUTPUT_FORMATS,
    QUALITIES,
    SIZES,
    GenerationPlan,
    parse_args,
    plan_generation,
    prompt_limit,
)
from imagechat.image_params.sizes import dims
from imagechat.llm import Endpoint
from tests.fakes import app as fake_app
from tests.fakes.models import TODAY
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.rules import ImageJob

PROMPT = "a red fox curled up in fresh snow at dawn"
NS = (1, 2)
SIZE_CHOICES = (*SIZES, "1536x864", "16:9", "portrait", "banner", "4K")
FORMAT_CHOICES = (None, *OUTPUT_FORMATS)
COMPRESSION_CHOICES = (None, 50)
COMBINATIONS = (
    len(NS)
    * len(SIZE_CHOICES)
    * len(QUALITIES)
    * len(FORMAT_CHOICES)
    * len(BACKGROUNDS)
    * len(COMPRESSION_CHOICES)
)
CONCURRENCY = 8
REQUEST_KEYS = {
    "prompt",
    "n",
    "size",
    "quality",
    "style",
    "background",
    "output_format",
    "output_compression",
    "moderation",
    "response_format",
}


def test_the_matrix_covers_every_argument_value() -> None:
    assert SIZES == ("auto", "1024x1024", "1536x1024", "1024x1536")
    assert len(QUALITIES) == 6 and len(OUTPUT_FORMATS) == 3 and len(BACKGROUNDS) == 3
    assert COMBINATIONS == 2 * 9 * 6 * 4 * 3 * 2 == 2592


def combinations(prompt: str = PROMPT) -> Iterator[dict[str, Any]]:
    """The raw tool arguments of every combination (as an LLM would send them)."""
    for n, size, quality, fmt, background, compression in itertools.product(
        NS, SIZE_CHOICES, QUALITIES, FORMAT_CHOICES, BACKGROUNDS, COMPRESSION_CHOICES
    ):
        raw: dict[str, Any] = {
            "prompt": prompt,
            "n": n,
            "size": size,
            "quality": quality,
            "background": background,
        }
        if fmt is not None:
            raw["output_format"] = fmt
        if compression is not None:
            raw["output_compression"] = compression
        yield raw


def key_of(kwargs: dict[str, Any]) -> str:
    return json.dumps(kwargs, sort_keys=True)


def check_plan_against_rules(plan: GenerationPlan, model: ImageModel, n: int) -> None:
    """The plan only uses values the model's rules allow."""
    rules = model.rules
    assert plan.n == n
    for request in plan.requests:
        kwargs = request.kwargs
        assert set(kwargs) <= REQUEST_KEYS, kwargs
        assert kwargs["n"] == request.n <= rules.max_n
        assert len(kwargs["prompt"]) <= rules.prompt_limit
        size = kwargs["size"]
        if size not in rules.sizes:
            wh = dims(size)
            assert wh is not None and rules.custom_sizes is not None, size
            assert rules.custom_sizes.allows(*wh), size
        if "quality" in kwargs:
            assert kwargs["quality"] in rules.qualities
        fmt = kwargs.get("output_format")
        if fmt is not None:
            assert fmt in rules.output_formats
        background = kwargs.get("background")
        if background is not None:
            assert background in rules.backgrounds
        if background == "transparent":
            assert fmt is None or fmt in rules.transparent_formats
        if "output_compression" in kwargs:
            assert rules.compression and fmt in ("jpeg", "webp")
        if "style" in kwargs:
            assert kwargs["style"] in rules.styles
        if "moderation" in kwargs:
            assert rules.moderation
        if "response_format" in kwargs:
            assert rules.response_format


def plan_all(model: ImageModel) -> tuple[dict[str, dict[str, Any]], int]:
    """Plan every combination: the distinct provider requests by key, and how many plans."""
    distinct: dict[str, dict[str, Any]] = {}
    plans = 0
    for raw in combinations():
        args, notes = parse_args(raw)
        plan = plan_generation(args, model, notes=notes)
        check_plan_against_rules(plan, model, raw["n"])
        plans += 1
        for request in plan.requests:
            distinct.setdefault(key_of(request.kwargs), request.kwargs)
    return distinct, plans


@pytest.fixture
def fake(fake_openai_shared: FakeOpenAI) -> FakeOpenAI:
    """The session's fake server, reset for this test."""
    return fake_openai_shared


@pytest.fixture
def catalog(fake: FakeOpenAI) -> Catalog:
    """The catalog an account on the fake sees: built from the fake's own model listing."""
    listing = fetch_listing(fake.base_url, fake.api_key)
    return build_catalog(openai_key=True, environ={}, listing=listing, today=TODAY)


def openai_models(catalog: Catalog) -> list[ImageModel]:
    return [m for m in catalog.image_models if m.provider == "openai"]


@pytest.fixture
def quick_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap pictures: a tiny blank image in the requested format instead of a drawing at the
    requested size. Only the pictures change; the fake validates every request as before, and
    its response still reports the size, format, quality and background it resolved."""
    cache: dict[str, bytes] = {}
    formats = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}

    def blank(job: ImageJob) -> list[bytes]:
        if job.output_format not in cache:
            out = io.BytesIO()
            Image.new("RGB", (8, 8), (200, 80, 40)).save(out, formats[job.output_format])
            cache[job.output_format] = out.getvalue()
        return [cache[job.output_format]] * job.n

    monkeypatch.setattr(fake_app, "job_images", blank)


def client_for(fake: FakeOpenAI) -> openai.AsyncOpenAI:
    # generation.py hands litellm an SDK client without retries (its _NoRetryOpenAI)
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key=fake.api_key, max_retries=0)


async def send(
    fake: FakeOpenAI, model: ImageModel, kwargs: dict[str, Any], client: openai.AsyncOpenAI
) -> Any:
    """One request with the planned kwargs, through the official SDK (the client both of the
    product's paths end in; litellm's pass-through of the same kwargs is shown per model by
    test_the_products_generator_makes_the_planned_images, at a fraction of the cost)."""
    return await client.images.generate(model=model.litellm_model.split("/", 1)[-1], **kwargs)


async def send_all(fake: FakeOpenAI, jobs: list[tuple[ImageModel, dict[str, Any]]]) -> list[Any]:
    client = client_for(fake)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(model: ImageModel, kwargs: dict[str, Any]) -> Any:
        async with gate:
            return await send(fake, model, kwargs, client)

    try:
        return await asyncio.gather(*(one(m, k) for m, k in jobs), return_exceptions=True)
    finally:
        await client.close()


def test_the_catalog_comes_from_the_fakes_listing(catalog: Catalog, fake: FakeOpenAI) -> None:
    models = openai_models(catalog)
    assert models
    assert {m.id for m in models} <= set(fake.served_image_models)
    assert not {m.id for m in models} & fake.retired_models
    # the matrix meets every kind of rule
    assert any(m.rules.custom_sizes is not None for m in models)
    assert any(m.rules.custom_sizes is None for m in models)
    assert any("xhigh" in m.rules.qualities for m in models)
    assert any("xhigh" not in m.rules.qualities for m in models)
    assert len(fake.requests_to("/v1/models")) == 1


@pytest.mark.usefixtures("quick_pictures")
async def test_every_planned_request_is_accepted(catalog: Catalog, fake: FakeOpenAI) -> None:
    started = time.perf_counter()
    jobs: list[tuple[ImageModel, dict[str, Any]]] = []
    per_model: dict[str, int] = {}
    for model in openai_models(catalog):
        distinct, plans = plan_all(model)
        assert plans == COMBINATIONS
        assert len(distinct) < plans  # deduplicated
        per_model[model.id] = len(distinct)
        jobs += [(model, kwargs) for _, kwargs in sorted(distinct.items())]
    planned = time.perf_counter()

    responses = await send_all(fake, jobs)

    failures = [
        (model.id, kwargs, error)
        for (model, kwargs), error in zip(jobs, responses, strict=True)
        if isinstance(error, BaseException)
    ]
    assert not failures, f"{len(failures)} of {len(jobs)} rejected, first: {failures[0]}"
    for (model, kwargs), response in zip(jobs, responses, strict=True):
        where = (model.id, kwargs)
        assert len(response.data) == kwargs["n"], where
        assert all(item.b64_json for item in response.data), where
        # what the fake made is what was planned
        if kwargs["size"] != "auto":
            assert response.size == kwargs["size"], where
        assert response.output_format == kwargs.get("output_format", "png"), where
        if kwargs.get("quality") not in (None, "auto"):
            assert response.quality == kwargs["quality"], where
        if kwargs.get("background") == "transparent":
            assert response.background == "transparent", where

    sent = fake.requests_to("images")
    assert len(sent) == len(jobs)
    assert all(r.status == 200 for r in sent)
    # the fake saw exactly the planned requests
    expected = {key_of({"model": m.litellm_model.split("/", 1)[1], **k}) for m, k in jobs}
    assert {key_of(r.json) for r in sent} == expected
    print(
        f"\nmatrix: {len(jobs)} distinct requests from {COMBINATIONS} combinations x "
        f"{len(per_model)} models {per_model}; planned in {planned - started:.1f} s, sent in "
        f"{time.perf_counter() - planned:.1f} s"
    )


def test_the_demo_plans_only_what_its_rules_allow(catalog: Catalog) -> None:
    demo = next(m for m in catalog.image_models if m.provider == "demo")
    distinct, plans = plan_all(demo)
    assert plans == COMBINATIONS and distinct
    sizes = {k["size"] for k in distinct.values()}
    assert "auto" not in sizes and demo.default_size in sizes  # the demo has no "auto"
    assert "3840x2160" not in sizes  # 4K is fitted under its caps


# Negative controls: the fake itself rejects what the plan avoids (a 400 it recorded, not a
# refusal by litellm), and the planned request is accepted.


def pick(catalog: Catalog, test: Any) -> ImageModel:
    found = [m for m in openai_models(catalog) if test(m.rules)]
    assert found
    return found[0]


CONTROLS: dict[str, tuple[Any, dict[str, Any], str]] = {
    "custom size on a standard-only model": (
        lambda r: r.custom_sizes is None,
        {"size": "1536x864"},
        "'1536x864'",
    ),
    "size not a multiple of 16": (
        lambda r: r.custom_sizes is not None,
        {"size": "1000x1000"},
        "divisible by 16",
    ),
    "aspect beyond 3:1": (
        lambda r: r.custom_sizes is not None,
        {"size": "2048x512"},
        "aspect ratio",
    ),
    "size above 3840x2160": (
        lambda r: r.custom_sizes is not None,
        {"size": "2400x2400"},
        "3840x2160",
    ),
    "xhigh where only 2.5 has it": (
        lambda r: "xhigh" not in r.qualities,
        {"quality": "xhigh"},
        "'xhigh'",
    ),
    "transparent jpeg": (
        lambda r: True,
        {"background": "transparent", "output_format": "jpeg"},
        "transparent background needs",
    ),
    "compression with png": (
        lambda r: True,
        {"output_format": "png", "output_compression": 50},
        "output_compression",
    ),
    "a style parameter": (lambda r: True, {"style": "watercolor"}, "'style'"),
}


@pytest.mark.parametrize("name", list(CONTROLS))
async def test_the_fake_rejects_what_the_plan_avoids(
    catalog: Catalog, fake: FakeOpenAI, name: str
) -> None:
    rule, params, complaint = CONTROLS[name]
    model = pick(catalog, rule)
    client = client_for(fake)
    try:
        # straight through the SDK, so the refusal is the fake's and not litellm's
        with pytest.raises(openai.BadRequestError) as caught:
            await client.images.generate(model=model.id, prompt=PROMPT, n=1, **params)
        assert complaint in str(caught.value)
        assert fake.last_request("images").status == 400

        args, notes = parse_args({"prompt": PROMPT, **params})
        plan = plan_generation(args, model, notes=notes)
        assert plan.notes  # the person is told what changed
        responses = [await send(fake, model, r.kwargs, client) for r in plan.requests]
        assert sum(len(r.data) for r in responses) == 1
        assert fake.last_request("images").status == 200
    finally:
        await client.close()


async def test_the_longest_prompt_with_a_style_fits_every_model(
    catalog: Catalog, fake: FakeOpenAI
) -> None:
    prompt = ("a lighthouse on a cliff above a stormy sea, " * 1000)[:32000]
    jobs = []
    for model in openai_models(catalog):
        plan = plan_generation(parse_args({"prompt": prompt, "style": "watercolor"})[0], model)
        assert plan.used.prompt_truncated
        assert all(len(r.kwargs["prompt"]) <= prompt_limit(model) for r in plan.requests)
        jobs += [(model, r.kwargs) for r in plan.requests]
    responses = await send_all(fake, jobs)
    assert not [r for r in responses if isinstance(r, BaseException)]


def picture(b64: str) -> tuple[str, tuple[int, int]]:
    with Image.open(io.BytesIO(base64.b64decode(b64))) as img:
        return str(img.format), img.size


async def test_real_pictures_come_back_at_the_planned_size_and_format(
    catalog: Catalog, fake: FakeOpenAI
) -> None:
    """Without the quick pictures: the fake's drawings decode to what was planned."""
    args, notes = parse_args({"prompt": PROMPT, "n": 2, "size": "16:9", "output_format": "webp"})
    jobs = []
    for model in openai_models(catalog):
        plan = plan_generation(args, model, notes=notes)
        jobs += [(model, r.kwargs) for r in plan.requests]
    responses = await send_all(fake, jobs)
    for (model, kwargs), response in zip(jobs, responses, strict=True):
        assert not isinstance(response, BaseException), (model.id, response)
        expected = "1536x864" if model.rules.custom_sizes else "1536x1024"
        assert kwargs["size"] == expected
        width, height = dims(expected)  # type: ignore[misc]
        assert [picture(item.b64_json) for item in response.data] == [("WEBP", (width, height))] * 2


class _Run:
    """A store and sink that keep what the generator made."""

    def __init__(self) -> None:
        self.results: list[ImageResult] = []
        self.stored: list[dict[str, Any]] = []

    async def __call__(self, image: Any, thumb: Any, data_b64: str, meta: dict[str, Any]) -> str:
        self.stored.append({"width": image.width, "height": image.height, **meta})
        return f"img-{len(self.stored)}"

    async def image_done(self, result: ImageResult) -> None:
        self.results.append(result)


async def test_the_products_generator_makes_the_planned_images(
    catalog: Catalog, fake: FakeOpenAI
) -> None:
    """The whole non-streamed path of imagechat/generation.py, once per model."""
    args, notes = parse_args(
        {"prompt": PROMPT, "n": 2, "size": "banner", "quality": "max", "output_format": "jpeg"}
    )
    for model in openai_models(catalog):
        plan = plan_generation(args, model, notes=notes)
        run = _Run()
        generator = Generator(
            model=model,
            endpoint=Endpoint(fake.base_url, fake.api_key, "OPENAI_API_KEY"),
            store=run,
            sink=run,
            partial_images=0,
        )
        result = await generator.run(plan, PROMPT)
        assert [r.error for r in result.images] == [None, None], model.id
        width, height = dims(plan.used.size)  # type: ignore[misc]
        assert {(r.width, r.height) for r in result.images} == {(width, height)}
        assert all(s["params"]["request"]["quality"] == plan.used.quality for s in run.stored)
        last = fake.last_request("images")
        assert last.status == 200 and last.json["model"] == model.id
