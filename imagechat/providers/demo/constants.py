"""Names shared by the offline demo's chat and image models."""

from __future__ import annotations

from typing import Final

PROVIDER: Final = "imagechat-demo"
DEMO_CHAT_MODEL: Final = f"{PROVIDER}/chat"
DEMO_IMAGE_MODEL: Final = f"{PROVIDER}/image"

TOOL_NAME: Final = "generate_image"
EDIT_TOOL_NAME: Final = "edit_image"
MAX_PROMPT_CHARS: Final = 4000
MAX_IMAGES: Final = 10
MAX_SIDE: Final = 1792
MIN_SIDE: Final = 64
DEFAULT_SIZE: Final = "1024x1024"
DEFAULT_PROMPT: Final = "a colourful abstract composition"
SUGGESTION: Final = "Ask me to make it brighter, change the style, or make variations."
DEFAULT_EDIT_PROMPT: Final = "give it a fresh look, keeping the subject and composition"
NO_IMAGE_TO_EDIT: Final = (
    "There is no image to edit yet — ask me to create one, or attach a PNG, JPEG or WebP."
)
EDIT_SUGGESTION: Final = (
    "Ask me for another change, or attach a PNG, JPEG or WebP to edit something else."
)
MAX_EDIT_SOURCES: Final = 16
# "More of the same" (variations, another one) of the latest image, as an edit_image prompt:
# the demo's edits vary the picture itself (render.edit_picture), as ImageChat's Variations do,
# so no variation repeats the picture it varies.
VARIATION_PROMPT: Final = (
    "A variation of this image: {prompt}. Keep its subject, style and composition recognisable; "
    "vary the details, colours and framing."
)
# Without edit_image, a new take of the same prompt (the same prompt would draw the same picture
# again as the first of the batch).
ANOTHER_TAKE: Final = "{prompt}, another take"
