"""The data table of image model families (families.yaml): request rules litellm's map lacks."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from imagechat.catalog.records import ImageRules

TABLE = Path(__file__).with_name("families.yaml")


class Family(ImageRules):
    """One entry of families.yaml: the rules, and the model ids they are for."""

    name: str
    match: tuple[str, ...]

    def matches(self, model_id: str) -> bool:
        return any(fnmatchcase(model_id, pattern) for pattern in self.match)

    def rules(self) -> ImageRules:
        fields = self.model_dump(exclude={"name", "match", "family"})
        return ImageRules(family=self.name, **fields)


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    raw: dict[str, Any] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return tuple(Family.model_validate(entry) for entry in raw["families"])


def rules_for(model_id: str) -> ImageRules:
    """The rules of the first family whose pattern fits `model_id` (the last one fits all)."""
    return next(f for f in families() if f.matches(model_id)).rules()


def family_named(name: str) -> Family | None:
    return next((f for f in families() if f.name == name), None)
