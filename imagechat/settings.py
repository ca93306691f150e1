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
    # runaway cost (issue 11): images one answer may make, tool calls one answer may run
    imagechat_max_images_per_answer: int = Field(default=10, ge=1, le=100)
    imagechat_max_tool_calls: int = Field(default=10, ge=1, le=100)
    imagechat_models_refresh: float = Field(default=6 * 3600, gt=0)
    imagechat_image_moderation: Literal["low", "auto"] | None = None
    imagechat_partial_images: int = Field(default=2, ge=0, le=3)
    # memory bounds (issue 11): decoded pixels at once, provider replies, socket messages
    imagechat_decode_budget_mpx: float = Field(default=64.0, gt=0)
    imagechat_max_provider_reply_mb: float = Field(default=200.0, gt=0)
    imagechat_max_socket_message_mb: float = Field(default=4.0, ge=1, le=64)
    imagechat_max_message_chars: int = Field(default=200_000, ge=1000)
    # Undo after deleting an answer (seconds), and how often a running generation says it still
    # runs (seconds; silent for 3 times this long = interrupted)
    imagechat_undo_seconds: float = Field(default=10.0, gt=0, le=300)
    imagechat_generation_heartbeat: float = Field(default=5.0, gt=0, le=300)
    oauth_allowed_users: str | None = None
    oauth_allowed_domains: str | None = None
    # sign-in throttling (issue 11): failed attempts per account / per client address, in the
    # `limits` notation; the storage URI (memory:// now, redis://... to share between replicas)
    imagechat_login_limit_account: str = "10 per 15 minutes"
    imagechat_login_limit_address: str = "30 per 15 minutes"
    imagechat_rate_limit_storage: str = "memory://"
    # argon2 runs on its own pool: this many threads, at most this many jobs waiting
    imagechat_hash_workers: int = Field(default=1, ge=1, le=16)
    imagechat_hash_queue: int = Field(default=8, ge=0, le=1000)

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
