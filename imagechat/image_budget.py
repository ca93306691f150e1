"""How many images one answer may make, whatever the LLM asks.

The 1-10 limit of `generate_image` is per call; a model that returns 25 parallel calls (or a
prompt injection in an attachment that asks it to) would otherwise make, bill and store 250
images in one answer. One `ImageBudget` is shared by every image tool call of an answer (and by
one Variations or Edit action); the operator sets its size (`IMAGECHAT_MAX_IMAGES_PER_ANSWER`).
"""

from __future__ import annotations

from dataclasses import dataclass

from imagechat.image_params import GenerateImageArgs


@dataclass(frozen=True)
class Allowance:
    """What a call may make: `n` images (0: none) and, when that is fewer than asked, why."""

    n: int
    note: str | None = None

    @property
    def notes(self) -> list[str]:
        return [self.note] if self.note else []


@dataclass
class ImageBudget:
    limit: int
    used: int = 0
    announced: bool = False  # the person has been told that it ran out

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def take(self, asked: int) -> Allowance:
        """Reserve up to `asked` images (images that then fail still count: they were paid)."""
        granted = min(asked, self.remaining)
        self.used += granted
        if granted == asked:
            return Allowance(granted)
        return Allowance(granted, self.refusal(asked, granted))

    def refusal(self, asked: int, granted: int) -> str:
        if granted == 0:
            return (
                f"One answer can make at most {self.limit} images, and this one already has, "
                f"so the {asked} more asked for were not made. Ask again in a new message."
            )
        return (
            f"One answer can make at most {self.limit} images, so {granted} of the {asked} "
            "asked for were made."
        )

    def cap(self, args: GenerateImageArgs) -> tuple[GenerateImageArgs, Allowance]:
        """`args` with `n` cut to what is left, and the allowance."""
        allowance = self.take(args.n)
        if allowance.n in (0, args.n):
            return args, allowance
        return args.model_copy(update={"n": allowance.n}), allowance
