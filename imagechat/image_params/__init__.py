"""The image tools' parameters: their schema and parsing (one pydantic model each), and their
mapping onto what each image model really accepts."""

from imagechat.image_params.args import (
    BACKGROUNDS,
    GENERATE_IMAGE_DESCRIPTION,
    GENERATE_IMAGE_SCHEMA,
    MAX_IMAGES,
    MAX_PROMPT_CHARS,
    MAX_STYLE_CHARS,
    OUTPUT_FORMATS,
    QUALITIES,
    SIZES,
    TOOL_NAME,
    GenerateImageArgs,
    parse_args,
    tool_schema,
    validate_tool_args,
)
from imagechat.image_params.edit import (
    EDIT_IMAGE_DESCRIPTION,
    EDIT_IMAGE_SCHEMA,
    EDIT_TOOL_NAME,
    EditArgs,
    EditPlan,
    parse_edit_args,
    plan_edit,
)
from imagechat.image_params.plan import (
    GenerationPlan,
    ProviderRequest,
    UsedParams,
    describe_plan,
    plan_generation,
    prompt_limit,
)
from imagechat.image_params.sizes import closest_size, size_from_words

__all__ = [
    "BACKGROUNDS",
    "EDIT_IMAGE_DESCRIPTION",
    "EDIT_IMAGE_SCHEMA",
    "EDIT_TOOL_NAME",
    "GENERATE_IMAGE_DESCRIPTION",
    "GENERATE_IMAGE_SCHEMA",
    "MAX_IMAGES",
    "MAX_PROMPT_CHARS",
    "MAX_STYLE_CHARS",
    "OUTPUT_FORMATS",
    "QUALITIES",
    "SIZES",
    "TOOL_NAME",
    "EditArgs",
    "EditPlan",
    "GenerateImageArgs",
    "GenerationPlan",
    "ProviderRequest",
    "UsedParams",
    "closest_size",
    "describe_plan",
    "parse_args",
    "parse_edit_args",
    "plan_edit",
    "plan_generation",
    "prompt_limit",
    "size_from_words",
    "tool_schema",
    "validate_tool_args",
]
