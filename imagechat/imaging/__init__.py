"""Provider images: safe decoding and validation, thumbnails, PNG/JPEG conversion, file names.

``decoding`` refuses anything that is not a sane PNG, JPEG or WebP (raising
:class:`ImageRejected`, whose ``message`` is safe to show to users); ``rendering`` makes
thumbnails and conversions from a validated :class:`DecodedImage`; ``filenames`` makes
download names from prompts; ``masks`` turns a painted area into an edit mask.
"""

from imagechat.imaging.budget import PixelBudget, decode_budget
from imagechat.imaging.decoding import (
    MAX_BASE64_CHARS,
    MAX_IMAGE_BYTES,
    MAX_PIXELS,
    DecodedImage,
    ImageRejected,
    decode_base64_image,
    decode_image_bytes,
    pixel_count,
)
from imagechat.imaging.filenames import safe_filename
from imagechat.imaging.masks import mask_pixels, prepare_mask, selected_fraction
from imagechat.imaging.rendering import (
    THUMBNAIL_MAX_SIDE,
    Thumbnail,
    decode_and_thumbnail,
    decode_and_thumbnail_sync,
    downscale_for_llm,
    make_thumbnail,
    stored_as,
    thumbnail_side,
    to_jpeg,
    to_png,
    to_square_png,
)

__all__ = [
    "MAX_BASE64_CHARS",
    "MAX_IMAGE_BYTES",
    "MAX_PIXELS",
    "THUMBNAIL_MAX_SIDE",
    "DecodedImage",
    "ImageRejected",
    "PixelBudget",
    "Thumbnail",
    "decode_and_thumbnail",
    "decode_and_thumbnail_sync",
    "decode_base64_image",
    "decode_budget",
    "decode_image_bytes",
    "downscale_for_llm",
    "make_thumbnail",
    "mask_pixels",
    "pixel_count",
    "prepare_mask",
    "safe_filename",
    "selected_fraction",
    "stored_as",
    "thumbnail_side",
    "to_jpeg",
    "to_png",
    "to_square_png",
]
