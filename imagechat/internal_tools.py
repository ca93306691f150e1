"""A conversation's Internal tools configuration (the gear next to the attachment button)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

ImageMode = Literal["auto", "always"]

TOAST = "Internal tools configuration updated"


class InternalTools(BaseModel):
    """What the gear menu holds; saved with the conversation."""

    model_config = ConfigDict(extra="ignore")

    image_creation: bool = False
    image_creation_mode: ImageMode = "auto"
    image_model: str | None = None

    @classmethod
    def from_widgets(cls, values: dict[str, Any] | None) -> InternalTools:
        """Read the widget values Chainlit sends, ignoring anything unknown or malformed."""
        values = values or {}
        mode = values.get("image_creation_mode")
        image_model = values.get("image_model")
        return cls(
            image_creation=bool(values.get("image_creation", False)),
            image_creation_mode=mode if mode in ("auto", "always") else "auto",
            image_model=image_model if image_model and image_model != "default" else None,
        )

    @property
    def image_tool(self) -> str:
        """'off', 'auto' or 'always': how the image tool is offered to the model."""
        return self.image_creation_mode if self.image_creation else "off"
