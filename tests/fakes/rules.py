"""What the real Images API accepts, per model, and validation of requests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from tests.fakes.errors import (
    bad_request,
    invalid_value,
    model_not_found,
    unknown_parameter,
)

GPT_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
GPT_QUALITIES = ("low", "medium", "high", "auto")
GPT_ONLY = (
    "background",
    "moderation",
    "output_format",
    "output_compression",
    "partial_images",
    "input_fidelity",
)
COMMON_PARAMS = frozenset(
    {"model", "prompt", "n", "size", "quality", "response_format", "user", "stream"} | set(GPT_ONLY)
)
GENERATION_PARAMS = (COMMON_PARAMS | {"style"}) - {"input_fidelity"}
EDIT_PARAMS = (COMMON_PARAMS | {"image", "image[]", "mask"}) - {"moderation"}
MB = 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    """Limits of one image model."""

    name: str
    sizes: tuple[str, ...]
    qualities: tuple[str, ...]
    styles: tuple[str, ...] = ()
    max_n: int = 10
    max_prompt: int = 32000
    max_edit_images: int = 16

    @property
    def gpt_image(self) -> bool:
        return self.name.startswith("gpt-image")


def _gpt(name: str) -> ModelSpec:
    return ModelSpec(name, GPT_SIZES, GPT_QUALITIES)


MODELS: dict[str, ModelSpec] = {
    "dall-e-2": ModelSpec(
        "dall-e-2",
        ("256x256", "512x512", "1024x1024"),
        ("standard",),
        max_prompt=1000,
        max_edit_images=1,
    ),
    "dall-e-3": ModelSpec(
        "dall-e-3",
        ("1024x1024", "1792x1024", "1024x1792"),
        ("standard", "hd"),
        styles=("vivid", "natural"),
        max_n=1,
        max_prompt=4000,
        max_edit_images=0,
    ),
    **{name: _gpt(name) for name in ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5")},
}


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
    response_format: str
    output_format: str = "png"
    background: str = "auto"
    style: str | None = None
    images: list[UploadedFile] = field(default_factory=list)

    @property
    def width_height(self) -> tuple[int, int]:
        size = "1024x1024" if self.size == "auto" else self.size
        width, height = size.split("x")
        return int(width), int(height)


def validate_generation(params: dict[str, Any]) -> ImageJob:
    """Check a JSON body for /v1/images/generations like the real API does."""
    _reject_unknown(params, GENERATION_PARAMS)
    return _validate_common(params, edit=False)


def validate_edit(params: dict[str, Any], files: list[UploadedFile]) -> ImageJob:
    """Check a multipart body for /v1/images/edits like the real API does."""
    _reject_unknown({**params, **{f.field: True for f in files}}, EDIT_PARAMS)
    params = _coerce_form(params)
    job = _validate_common(params, edit=True)
    images = [f for f in files if f.field in ("image", "image[]")]
    masks = [f for f in files if f.field == "mask"]
    _check_edit_images(job.spec, images, masks[0] if masks else None)
    job.images = images
    return job


def model_of(params: dict[str, Any]) -> str:
    """The model a request names (the API's default is dall-e-2)."""
    model = params.get("model")
    return model if isinstance(model, str) and model else "dall-e-2"


def _reject_unknown(params: dict[str, Any], allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            raise unknown_parameter(name)


def _coerce_form(params: dict[str, Any]) -> dict[str, Any]:
    """Multipart values are strings; turn numeric/boolean ones into JSON types."""
    out = dict(params)
    for name in ("n", "output_compression", "partial_images"):
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
    return out


def _validate_common(params: dict[str, Any], *, edit: bool) -> ImageJob:
    spec = _spec_for(model_of(params), edit=edit)
    prompt = _check_prompt(params, spec)
    n = _check_int(params, "n", 1, 1, spec.max_n)
    size = _check_enum(params, "size", spec.sizes, "auto" if spec.gpt_image else "1024x1024")
    default_quality = "auto" if spec.gpt_image else "standard"
    quality = _check_enum(params, "quality", spec.qualities, default_quality)
    style = _check_style(params, spec)
    response_format = _check_response_format(params, spec)
    _check_gpt_only(params, spec)
    output_format = _check_enum(params, "output_format", ("png", "jpeg", "webp"), "png")
    background = _check_enum(params, "background", ("transparent", "opaque", "auto"), "auto")
    _check_enum(params, "moderation", ("low", "auto"), "auto")
    _check_enum(params, "input_fidelity", ("low", "high"), "low")
    _check_int(params, "output_compression", 100, 0, 100)
    _check_int(params, "partial_images", 0, 0, 3)
    if background == "transparent" and output_format == "jpeg":
        raise bad_request(
            "Transparent background is not supported for output_format 'jpeg'.",
            "background",
            "invalid_value",
        )
    if params.get("stream"):
        raise bad_request("Streaming image generation is not supported by the fake.", "stream")
    return ImageJob(
        spec, prompt, n, size, quality, response_format, output_format, background, style
    )


def _spec_for(model: str, *, edit: bool) -> ModelSpec:
    spec = MODELS.get(model)
    if spec is None:
        raise model_not_found(model)
    if edit and spec.max_edit_images == 0:
        raise bad_request(
            f"Invalid value: '{model}'. Image edits are not supported for this model.",
            "model",
            "invalid_value",
        )
    return spec


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


def _check_style(params: dict[str, Any], spec: ModelSpec) -> str | None:
    if params.get("style") is None:
        return None
    if not spec.styles:
        raise bad_request(
            f"The 'style' parameter is not supported for model '{spec.name}'.",
            "style",
            "unsupported_parameter",
        )
    return _check_enum(params, "style", spec.styles, spec.styles[0])


def _check_response_format(params: dict[str, Any], spec: ModelSpec) -> str:
    if spec.gpt_image:
        if params.get("response_format") is not None:
            raise unknown_parameter("response_format")
        return "b64_json"
    # DALL·E models answer with URLs unless b64_json is asked for, as the real API does.
    return _check_enum(params, "response_format", ("url", "b64_json"), "url")


def _check_gpt_only(params: dict[str, Any], spec: ModelSpec) -> None:
    if spec.gpt_image:
        return
    for name in GPT_ONLY:
        if params.get(name) is not None:
            raise bad_request(
                f"The '{name}' parameter is only supported for gpt-image models.",
                name,
                "unsupported_parameter",
            )


def _check_edit_images(
    spec: ModelSpec, images: list[UploadedFile], mask: UploadedFile | None
) -> None:
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
    formats = ("PNG",) if not spec.gpt_image else ("PNG", "JPEG", "WEBP")
    limit = 4 * MB if not spec.gpt_image else 50 * MB
    sizes = [_check_one_image(f, formats, limit, square=not spec.gpt_image) for f in images]
    if mask is not None:
        mask_size = _check_one_image(mask, ("PNG",), limit, square=False)
        if mask_size != sizes[0]:
            raise bad_request(
                "Invalid 'mask': mask and image must have the same dimensions.",
                "mask",
                "invalid_image",
            )
        with Image.open(io.BytesIO(mask.data)) as img:
            has_alpha = img.mode in ("RGBA", "LA") or "transparency" in img.info
        if not has_alpha:
            raise bad_request(
                "Invalid 'mask': the mask must have an alpha channel; its fully transparent "
                "areas are where the image is edited.",
                "mask",
                "invalid_image",
            )


def _check_one_image(
    upload: UploadedFile, formats: tuple[str, ...], limit: int, *, square: bool
) -> tuple[int, int]:
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
    if square and size[0] != size[1]:
        raise bad_request(
            f"Invalid '{name}': uploaded image must be square.", name, "invalid_image"
        )
    return size
