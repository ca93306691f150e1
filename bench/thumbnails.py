"""Thumbnail benchmark: ``python -m bench.thumbnails``.

Prints one JSON object per line per figure:

* ``thumbnail_median_ms_1024_png``: median wall time from the provider's base64 string
  of a realistic 1024x1024 PNG to the WebP thumbnail bytes being ready (base64 decode,
  validation, pixel decode, resize, WebP encode), over ``--runs`` runs after a warm-up;
* ``thumbnail_bytes_fraction``: thumbnail bytes / full PNG bytes for the same image.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import time

from bench._sample_images import sample_png_bytes
from imagechat.imaging import decode_and_thumbnail_sync

TARGET_MS = 40
TARGET_FRACTION = 0.05


def run(runs: int = 30, warmup: int = 3) -> list[dict[str, object]]:
    png = sample_png_bytes(1024)
    b64 = base64.b64encode(png).decode("ascii")
    for _ in range(warmup):
        decode_and_thumbnail_sync(b64)
    times_ms: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        _, thumb = decode_and_thumbnail_sync(b64)
        times_ms.append((time.perf_counter() - start) * 1000)
    return [
        {
            "figure": "thumbnail_median_ms_1024_png",
            "value": round(statistics.median(times_ms), 2),
            "unit": "ms",
            "target": TARGET_MS,
        },
        {
            "figure": "thumbnail_bytes_fraction",
            "value": round(len(thumb.data) / len(png), 4),
            "unit": "ratio",
            "target": TARGET_FRACTION,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for figure in run(args.runs):
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
