"""Image pipeline benchmark: ``python -m bench.generation``.

Prints one JSON object per line per figure:

* ``streamed_n10_over_single_latency``: wall time of the whole pipeline (plan, 10 parallel
  streamed requests with 2 partial images each, through the openai SDK to the fake OpenAI
  server, previews decoded and shown, final images decoded, thumbnailed, stored) for n=10 on
  GPT Image 2, divided by the wall time of one single-image run, the fake server answering each
  request after a fixed latency (target at most 1.3: the ten streams overlap);
* the thumbnail figures of ``bench.thumbnails`` (median ms from provider bytes to thumbnail for
  a 1024x1024 PNG; thumbnail bytes as a fraction of the full image).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import imagechat.llm  # noqa: F401  (configures litellm before use)
from bench import thumbnails
from imagechat.catalog import build_catalog
from imagechat.generation import Generator, ImageResult
from imagechat.image_params import GenerateImageArgs, plan_generation
from imagechat.imaging import DecodedImage, Thumbnail
from imagechat.llm import Endpoint
from tests.fakes.openai_server import DEFAULT_KEY

TARGET_RATIO = 1.3


class _Store:
    async def __call__(
        self, image: DecodedImage, thumb: Thumbnail, data_b64: str, meta: dict[str, Any]
    ) -> str:
        return f"{len(data_b64)}"


class _Sink:
    async def image_done(self, result: ImageResult) -> None:
        return None

    async def image_partial(self, index: int, preview: Thumbnail, partial_index: int) -> None:
        return None


async def _timed(gen: Generator, n: int) -> float:
    model = gen.model
    plan = plan_generation(GenerateImageArgs(prompt="a lighthouse at dusk", n=n), model)
    start = time.perf_counter()
    result = await gen.run(plan, "a lighthouse at dusk")
    elapsed = time.perf_counter() - start
    if len(result.made) != n:
        raise RuntimeError(f"expected {n} images, got {len(result.made)}: {result.failed}")
    return elapsed


@contextmanager
def fake_server(latency: float) -> Iterator[str]:
    """The fake OpenAI server in its own process (its image drawing must not share our CPU)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(10)


async def ratio(latency: float, repeats: int) -> dict[str, object]:
    catalog = build_catalog(openai_key=True, environ={})
    with fake_server(latency) as base_url:
        gen = Generator(
            model=catalog.image_model("gpt-image-2"),
            endpoint=Endpoint(base_url, DEFAULT_KEY, "OPENAI_API_KEY"),
            store=_Store(),
            sink=_Sink(),
        )
        await _timed(gen, 1)  # warm-up: client, connections, imports
        single = statistics.median([await _timed(gen, 1) for _ in range(repeats)])
        ten = statistics.median([await _timed(gen, 10) for _ in range(repeats)])
    return {
        "figure": "streamed_n10_over_single_latency",
        "value": round(ten / single, 3),
        "unit": "ratio",
        "target": TARGET_RATIO,
        "single_s": round(single, 3),
        "n10_s": round(ten, 3),
        "latency_s": latency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(ratio(args.latency, args.repeats))))
    for figure in thumbnails.run():
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
