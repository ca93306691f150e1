"""Typed settings from the environment, read once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every environment variable ImageChat reads (the README documents each one)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    default_chat_model: str | None = None
    default_image_model: str | None = None
    imagechat_models_file: Path | None = None
    imagechat_data_dir: Path = Path("data")
    database_url: str | None = None
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    imagechat_llm_timeout: float = Field(default=120.0, gt=0)
    imagechat_max_tool_rounds: int = Field(default=4, ge=1, le=10)
    imagechat_models_refresh: float = Field(default=6 * 3600, gt=0)
    imagechat_image_moderation: Literal["low", "auto"] | None = None
    imagechat_partial_images: int = Field(default=2, ge=0, le=3)
    oauth_allowed_users: str | None = None
    oauth_allowed_domains: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.imagechat_data_dir

    def secrets(self) -> list[str]:
        """Values that must never reach a page, a log or an error message."""
        values = [self.openai_api_key, self.admin_password]
        return [v.get_secret_value() for v in values if v and v.get_secret_value()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
