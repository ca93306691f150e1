"""The `generate_image` tool's parameters: schema and parsing of the LLM's arguments, and their
mapping onto what each image model really accepts."""

from imagechat.image_params.args import (
    BACKGROUNDS,
    GENERATE_IMAGE_DESCRIPTION,
    GENERATE_IMAGE_SCHEMA,
    MAX_IMAGES,
    MAX_PROMPT_CHARS,
    MAX_STYLE_CHARS,
    QUALITIES,
    SIZES,
    TOOL_NAME,
    GenerateImageArgs,
    parse_args,
)
from imagechat.image_params.plan import (
    DEFAULT_PROMPT_LIMIT,
    PROMPT_LIMITS,
    GenerationPlan,
    ProviderRequest,
    UsedParams,
    closest_size,
    describe_plan,
    plan_generation,
    prompt_limit,
)

__all__ = [
    "BACKGROUNDS",
    "DEFAULT_PROMPT_LIMIT",
    "GENERATE_IMAGE_DESCRIPTION",
    "GENERATE_IMAGE_SCHEMA",
    "MAX_IMAGES",
    "MAX_PROMPT_CHARS",
    "MAX_STYLE_CHARS",
    "PROMPT_LIMITS",
    "QUALITIES",
    "SIZES",
    "TOOL_NAME",
    "GenerateImageArgs",
    "GenerationPlan",
    "ProviderRequest",
    "UsedParams",
    "closest_size",
    "describe_plan",
    "parse_args",
    "plan_generation",
    "prompt_limit",
]

from imagechat.image_params.edit import (
    EDIT_IMAGE_DESCRIPTION,
    EDIT_IMAGE_SCHEMA,
    EDIT_TOOL_NAME,
    EditArgs,
    EditPlan,
    parse_edit_args,
    plan_edit,
)

__all__ += [
    "EDIT_IMAGE_DESCRIPTION",
    "EDIT_IMAGE_SCHEMA",
    "EDIT_TOOL_NAME",
    "EditArgs",
    "EditPlan",
    "parse_edit_args",
    "plan_edit",
]
