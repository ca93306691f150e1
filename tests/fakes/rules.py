"""What today's Images API accepts, per model, and validation of requests.

Written from the official ``openai`` SDK **3.57.0** (``types/image_generate_params.py``,
``types/image_edit_params.py``, ``types/image_model.py``, ``resources/images.py``), never from the
app's own catalog:

* models: the GPT image models in :mod:`tests.fakes.models` (``dall-e-2``/``dall-e-3`` retired,
  ``gpt-image-1`` shut down: 404 ``model_not_found``); ``model`` must be given explicitly;
* ``prompt`` at most 32000 characters; ``n`` 1-10;
* ``size``: ``1024x1024``, ``1536x1024``, ``1024x1536`` and ``auto`` everywhere; on
  ``gpt-image-2`` and the ``gpt-image-2.5-*`` models (and their snapshots) also any
  ``WIDTHxHEIGHT`` with both sides divisible by 16, an aspect ratio between 1:3 and 3:1, and at
  most 3840x2160 (long edge <= 3840, short edge <= 2160); the legacy DALL·E sizes only there;
* ``quality``: low/medium/high/auto, plus xhigh/max on the 2.5 models; standard/hd refused;
* ``background`` transparent needs ``png`` or ``webp``; ``output_compression`` (0-100) only with
  ``webp``/``jpeg``; ``gif``/``svg`` output are previews needing access: 403 here;
  ``frame_count``/``frame_duration_ms`` only with gif and ``svg`` only with svg;
* ``style`` and ``response_format`` are legacy (retired models only): 400;
* ``stream`` with ``partial_images`` 0-3;
* edits: up to 16 png/webp/jpeg images under 50 MB; ``mask`` a PNG with alpha under 4 MB, the
  first image's size; ``input_fidelity`` high|low on gpt-image-1.5, low on gpt-image-1-mini,
  refused elsewhere; ``markup`` (a PNG with transparent pixels, the first image's size) only on
  the 2.5 models and never with ``mask``; no ``moderation``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageOps

from tests.fakes.errors import (
    APIError,
    bad_request,
    invalid_value,
    model_not_found,
    unknown_parameter,
)
from tests.fakes.models import SERVED_IMAGE_MODELS, retirement

SDK_VERSION = "3.57.0"
STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
GPT_SIZES = (*STANDARD_SIZES, "auto")
LEGACY_SIZES = ("256x256", "512x512", "1792x1024", "1024x1792")
GPT_QUALITIES = ("low", "medium", "high", "auto")
EXTRA_QUALITIES = ("xhigh", "max")
DALLE_QUALITIES = ("standard", "hd")
OUTPUT_FORMATS = ("png", "webp", "jpeg")
PREVIEW_FORMATS = ("gif", "svg")
SIZE_STEP = 16
MAX_ASPECT = 3
MAX_LONG_EDGE, MAX_SHORT_EDGE = 3840, 2160
MAX_PIXELS = MAX_LONG_EDGE * MAX_SHORT_EDGE
COMMON_PARAMS = frozenset(
    {
        "model",
        "prompt",
        "background",
        "complexity",
        "frame_count",
        "frame_duration_ms",
        "n",
        "output_compression",
        "output_format",
        "partial_images",
        "quality",
        "response_format",
        "safety_identifier",
        "size",
        "stream",
        "svg",
        "user",
    }
)
GENERATION_PARAMS = COMMON_PARAMS | {"moderation", "style"}
EDIT_PARAMS = COMMON_PARAMS | {"image", "image[]", "mask", "markup", "input_fidelity"}
INT_FIELDS = ("n", "output_compression", "partial_images", "frame_count", "frame_duration_ms")
MB = 1024 * 1024
MAX_IMAGE_BYTES = 50 * MB
MAX_MASK_BYTES = 4 * MB


@dataclass(frozen=True)
class ModelSpec:
    """Limits of one served GPT image model (from the SDK 3.57.0 docstrings)."""

    name: str
    custom_sizes: bool = False
    qualities: tuple[str, ...] = GPT_QUALITIES
    input_fidelity: tuple[str, ...] = ()
    markup: bool = False
    max_n: int = 10
    max_prompt: int = 32000
    max_edit_images: int = 16

    @property
    def sizes(self) -> tuple[str, ...]:
        return GPT_SIZES

    @property
    def gpt_image(self) -> bool:
        return True


def _spec(name: str) -> ModelSpec:
    if name.startswith("gpt-image-2.5-"):
        return ModelSpec(name, True, GPT_QUALITIES + EXTRA_QUALITIES, markup=True)
    if name.startswith("gpt-image-2-") or name == "gpt-image-2":
        return ModelSpec(name, custom_sizes=True)
    if name == "gpt-image-1.5":
        return ModelSpec(name, input_fidelity=("high", "low"))
    if name == "gpt-image-1-mini":
        return ModelSpec(name, input_fidelity=("low",))
    return ModelSpec(name)  # gpt-image-2.6-*, chatgpt-image-latest


MODELS: dict[str, ModelSpec] = {name: _spec(name) for name in SERVED_IMAGE_MODELS}


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ImageJob:
    """A validated image request."""

    spec: ModelSpec
    prompt: str
    n: int
    size: str
    quality: str
    output_format: str = "png"
    background: str = "auto"
    output_compression: int = 100
    stream: bool = False
    partial_images: int = 0
    safety_identifier: str | None = None
    images: list[UploadedFile] = field(default_factory=list)
    mask: UploadedFile | None = None
    markup: UploadedFile | None = None

    @property
    def edit(self) -> bool:
        return bool(self.images)

    @property
    def width_height(self) -> tuple[int, int]:
        size = "1024x1024" if self.size == "auto" else self.size
        width, height = size.split("x")
        return int(width), int(height)

    @property
    def resolved_size(self) -> str:
        width, height = self.width_height
        return f"{width}x{height}"

    @property
    def resolved_quality(self) -> str:
        return "medium" if self.quality == "auto" else self.quality

    @property
    def resolved_background(self) -> str:
        return "transparent" if self.background == "transparent" else "opaque"


def validate_generation(params: dict[str, Any]) -> ImageJob:
    """Check a JSON body for /v1/images/generations like the real API does."""
    _reject_unknown(params, GENERATION_PARAMS)
    job = _validate_common(params)
    _check_enum(params, "moderation", ("low", "auto"), "auto")
    return job


def validate_edit(params: dict[str, Any], files: list[UploadedFile]) -> ImageJob:
    """Check a multipart body for /v1/images/edits like the real API does."""
    _reject_unknown({**params, **{f.field: True for f in files}}, EDIT_PARAMS)
    params = _coerce_form(params)
    job = _validate_common(params)
    _check_input_fidelity(params, job.spec)
    images = [f for f in files if f.field in ("image", "image[]")]
    masks = [f for f in files if f.field == "mask"]
    markups = [f for f in files if f.field == "markup"]
    job.images = images
    job.mask = masks[0] if masks else None
    job.markup = markups[0] if markups else None
    _check_edit_images(job)
    return job


def model_of(params: dict[str, Any]) -> str | None:
    """The model a request names (None if it names none)."""
    model = params.get("model")
    return model if isinstance(model, str) and model else None


def _reject_unknown(params: dict[str, Any], allowed: frozenset[str]) -> None:
    for name in params:
        if name.startswith("svg[") and "svg" in allowed:
            continue  # multipart spelling of the svg object: svg[model], svg[reasoning][effort]
        if name not in allowed:
            raise unknown_parameter(name)


def _coerce_form(params: dict[str, Any]) -> dict[str, Any]:
    """Multipart values are strings; turn numeric/boolean ones into JSON types."""
    out = dict(params)
    for name in INT_FIELDS:
        if name in out:
            try:
                out[name] = int(out[name])
            except ValueError:
                raise bad_request(
                    f"Invalid type for '{name}': expected an integer, but got a string instead.",
                    name,
                    "invalid_type",
                ) from None
    if "stream" in out:
        out["stream"] = str(out["stream"]).lower() == "true"
    if any(name.startswith("svg[") for name in out):
        out["svg"] = {k: v for k, v in out.items() if k.startswith("svg[")}
    return out


def _validate_common(params: dict[str, Any]) -> ImageJob:
    spec = spec_for(model_of(params))
    prompt = _check_prompt(params, spec)
    _check_legacy(params)
    n = _check_int(params, "n", 1, 1, spec.max_n)
    size = _check_size(params, spec)
    quality = _check_quality(params, spec)
    output_format = _check_output_format(params)
    background = _check_enum(params, "background", ("transparent", "opaque", "auto"), "auto")
    if background == "transparent" and output_format not in ("png", "webp"):
        raise bad_request(
            f"Invalid value for 'background': a transparent background needs output_format "
            f"'png' or 'webp', not '{output_format}'.",
            "background",
            "invalid_value",
        )
    compression = _check_int(params, "output_compression", 100, 0, 100)
    if params.get("output_compression") is not None and output_format == "png":
        raise bad_request(
            "Invalid value for 'output_compression': it is only supported with the 'webp' or "
            "'jpeg' output formats, not 'png'.",
            "output_compression",
            "unsupported_parameter",
        )
    _check_enum(params, "complexity", ("low", "medium", "high"), "")
    stream = params.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise bad_request(
            "Invalid type for 'stream': expected a boolean.", "stream", "invalid_type"
        )
    partial_images = _check_int(params, "partial_images", 0, 0, 3)
    return ImageJob(
        spec,
        prompt,
        n,
        size,
        quality,
        output_format,
        background,
        compression,
        bool(stream),
        partial_images,
        _safety_identifier(params),
    )


def spec_for(model: str | None) -> ModelSpec:
    """The served model's limits; 400 if no model is named, 404 if retired or unknown."""
    if model is None:
        raise bad_request(
            "Missing required parameter: 'model'. Specify a GPT image model explicitly.",
            "model",
            "missing_required_parameter",
        )
    spec = MODELS.get(model)
    if spec is None:
        raise retired_model_error(model) or model_not_found(model)
    return spec


def retired_model_error(model: str) -> APIError | None:
    """The 404 for a retired or shut-down model (None if the model is not gone)."""
    gone = retirement(model)
    if gone is None:
        return None
    return APIError(404, gone.message, param="model", code="model_not_found")


def _check_prompt(params: dict[str, Any], spec: ModelSpec) -> str:
    prompt = params.get("prompt")
    if prompt is None:
        raise bad_request(
            "Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter"
        )
    if not isinstance(prompt, str):
        raise bad_request("Invalid type for 'prompt': expected a string.", "prompt", "invalid_type")
    if not prompt.strip():
        raise bad_request("Invalid 'prompt': empty string.", "prompt", "empty_string")
    if len(prompt) > spec.max_prompt:
        raise bad_request(
            f"Invalid 'prompt': string too long. Expected a string with maximum length "
            f"{spec.max_prompt}, but got a string with length {len(prompt)} instead.",
            "prompt",
            "string_above_max_length",
        )
    return prompt


def _check_legacy(params: dict[str, Any]) -> None:
    """``response_format`` and ``style`` were for the retired DALL·E models only."""
    if params.get("response_format") is not None:
        raise unknown_parameter("response_format")
    if params.get("style") is not None:
        raise bad_request(
            "Unsupported parameter: 'style' is not supported with GPT image models; describe the "
            "desired style in the prompt instead.",
            "style",
            "unsupported_parameter",
        )


def _check_int(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"Invalid type for '{name}': expected an integer.", name, "invalid_type")
    if value < low:
        raise bad_request(
            f"Invalid '{name}': integer below minimum value. Expected a value >= {low}, "
            f"but got {value} instead.",
            name,
            "integer_below_min_value",
        )
    if value > high:
        raise bad_request(
            f"Invalid '{name}': integer above maximum value. Expected a value <= {high}, "
            f"but got {value} instead.",
            name,
            "integer_above_max_value",
        )
    return value


def _check_enum(params: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(name)
    if value is None:
        return default
    if value not in allowed:
        raise invalid_value(name, value, allowed)
    return str(value)


def _size_error(message: str) -> APIError:
    return bad_request(f"Invalid value for 'size': {message}", "size", "invalid_value")


def _check_size(params: dict[str, Any], spec: ModelSpec) -> str:
    value = params.get("size")
    if value is None:
        return "auto"
    if not isinstance(value, str):
        raise bad_request("Invalid type for 'size': expected a string.", "size", "invalid_type")
    if value in GPT_SIZES:
        return value
    # the legacy DALL·E sizes are "suggestions retained for SDK compatibility": a model with
    # arbitrary sizes takes them when they meet its rules, the others refuse them
    if not spec.custom_sizes:
        raise invalid_value("size", value, GPT_SIZES)
    match = re.fullmatch(r"([1-9][0-9]*)x([1-9][0-9]*)", value)
    if match is None:
        raise _size_error(f"'{value}' is not 'auto' or a WIDTHxHEIGHT size such as '1536x864'.")
    width, height = int(match[1]), int(match[2])
    if width % SIZE_STEP or height % SIZE_STEP:
        raise _size_error(f"width and height must both be divisible by {SIZE_STEP}, got {value}.")
    long_edge, short_edge = max(width, height), min(width, height)
    if long_edge > MAX_ASPECT * short_edge:
        raise _size_error(f"the aspect ratio must be between 1:3 and 3:1, got {value}.")
    if long_edge > MAX_LONG_EDGE or short_edge > MAX_SHORT_EDGE or width * height > MAX_PIXELS:
        raise _size_error(f"the maximum supported resolution is 3840x2160, got {value}.")
    return value


def _check_quality(params: dict[str, Any], spec: ModelSpec) -> str:
    value = params.get("quality")
    if value is None:
        return "auto"
    if value in DALLE_QUALITIES:
        raise bad_request(
            f"Invalid value: '{value}'. This quality was only supported by retired DALL·E "
            f"models; use one of: {', '.join(spec.qualities)}.",
            "quality",
            "invalid_value",
        )
    return _check_enum(params, "quality", spec.qualities, "auto")


def _check_output_format(params: dict[str, Any]) -> str:
    output_format = _check_enum(params, "output_format", OUTPUT_FORMATS + PREVIEW_FORMATS, "png")
    for name in ("frame_count", "frame_duration_ms"):
        if params.get(name) is not None and output_format != "gif":
            raise bad_request(
                f"Invalid parameter: '{name}' is only supported with output_format=gif.",
                name,
                "unsupported_parameter",
            )
    if params.get("svg") is not None and output_format != "svg":
        raise bad_request(
            "Invalid parameter: 'svg' requires output_format=svg.", "svg", "unsupported_parameter"
        )
    if output_format in PREVIEW_FORMATS:
        raise APIError(
            403,
            f"output_format '{output_format}' is a preview that requires access for the selected "
            "model; this project does not have access to it.",
            param="output_format",
            code="preview_access_required",
            type_="permission_error",
        )
    return output_format


def _safety_identifier(params: dict[str, Any]) -> str | None:
    """The effective identifier: a non-empty ``safety_identifier``, else ``user``."""
    for name in ("safety_identifier", "user"):
        value = params.get(name)
        if value is not None and not isinstance(value, str):
            raise bad_request(
                f"Invalid type for '{name}': expected a string.", name, "invalid_type"
            )
    return params.get("safety_identifier") or params.get("user") or None


def _check_input_fidelity(params: dict[str, Any], spec: ModelSpec) -> None:
    if params.get("input_fidelity") is None:
        return
    if not spec.input_fidelity:
        raise bad_request(
            f"Unsupported parameter: 'input_fidelity' is not supported with model "
            f"'{spec.name}'; omit it.",
            "input_fidelity",
            "unsupported_parameter",
        )
    _check_enum(params, "input_fidelity", spec.input_fidelity, spec.input_fidelity[-1])


def _check_edit_images(job: ImageJob) -> None:
    spec, images = job.spec, job.images
    if not images:
        raise bad_request(
            "Missing required parameter: 'image'.", "image", "missing_required_parameter"
        )
    if len(images) > spec.max_edit_images:
        raise bad_request(
            f"Invalid 'image': too many images. Expected at most {spec.max_edit_images}, "
            f"but got {len(images)}.",
            "image",
            "array_above_max_length",
        )
    sizes = [_check_one_image(f, ("PNG", "JPEG", "WEBP"), MAX_IMAGE_BYTES) for f in images]
    if job.markup is not None:
        _check_markup(job)
    if job.mask is not None:
        _check_mask(job.mask, sizes[0])


def _check_mask(mask: UploadedFile, first: tuple[int, int]) -> None:
    if _check_one_image(mask, ("PNG",), MAX_MASK_BYTES) != first:
        raise bad_request(
            "Invalid 'mask': mask and image must have the same dimensions.",
            "mask",
            "invalid_image",
        )
    if not _has_transparency(mask.data, fully=True):
        raise bad_request(
            "Invalid 'mask': the mask must have an alpha channel; its fully transparent "
            "areas are where the image is edited.",
            "mask",
            "invalid_image",
        )


def _check_markup(job: ImageJob) -> None:
    if not job.spec.markup:
        raise bad_request(
            f"Unsupported parameter: 'markup' is not supported with model '{job.spec.name}' "
            "(it supports GPT Image 2.5).",
            "markup",
            "unsupported_parameter",
        )
    if job.mask is not None:
        raise bad_request(
            "Invalid parameter: 'markup' cannot be combined with 'mask'.",
            "markup",
            "invalid_parameter_combination",
        )
    markup = job.markup
    assert markup is not None
    size = _check_one_image(markup, ("PNG",), MAX_IMAGE_BYTES)
    with Image.open(io.BytesIO(job.images[0].data)) as img:
        oriented = ImageOps.exif_transpose(img).size
    if size != oriented:
        raise bad_request(
            "Invalid 'markup': it must match the first image's dimensions after orientation.",
            "markup",
            "invalid_image",
        )
    if not _has_transparency(markup.data, fully=False):
        raise bad_request(
            "Invalid 'markup': it must be a PNG with transparent pixels.",
            "markup",
            "invalid_image",
        )


def _has_transparency(data: bytes, *, fully: bool) -> bool:
    """An alpha channel (a mask) or some transparent pixels (a markup)."""
    with Image.open(io.BytesIO(data)) as img:
        if img.mode not in ("RGBA", "LA") and "transparency" not in img.info:
            return False
        if fully:
            return True
        low, _high = img.convert("RGBA").getchannel("A").getextrema()
        return low < 255


def _check_one_image(upload: UploadedFile, formats: tuple[str, ...], limit: int) -> tuple[int, int]:
    name = upload.field.removesuffix("[]")
    if len(upload.data) >= limit:
        raise bad_request(
            f"Invalid '{name}': file must be less than {limit // MB} MB.", name, "image_too_large"
        )
    try:
        with Image.open(io.BytesIO(upload.data)) as img:
            fmt, size = img.format, img.size
    except Exception:
        raise bad_request(
            f"Invalid '{name}': could not read the image file.", name, "invalid_image"
        ) from None
    if fmt not in formats:
        allowed = ", ".join(f.lower() for f in formats)
        raise bad_request(
            f"Invalid '{name}': unsupported image format {fmt}; use {allowed}.",
            name,
            "invalid_image_format",
        )
    return size
