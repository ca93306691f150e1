"""The internal tools a conversation or an agent can switch on (the gear menu's list)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InternalTool:
    """One switchable internal tool: its settings id, label and tooltip."""

    id: str
    label: str
    tooltip: str


IMAGE_CREATION = InternalTool(
    id="image_creation",
    label="Image creation",
    tooltip="Enable AI-powered image generation capabilities",
)

INTERNAL_TOOLS: dict[str, InternalTool] = {IMAGE_CREATION.id: IMAGE_CREATION}
