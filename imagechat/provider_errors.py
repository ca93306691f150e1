"""Turn provider exceptions into clear chat messages that never carry a secret."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import litellm
import openai

from imagechat.errors import UserFacingError, scrub

log = logging.getLogger("imagechat.provider")


def _provider_name(label: str, key_env: str | None) -> str:
    return "OpenAI" if key_env == "OPENAI_API_KEY" else f"{label}'s provider"


def describe_provider_error(
    exc: BaseException,
    *,
    label: str,
    key_env: str | None,
    api_base: str | None,
    timeout: float,
    secrets: list[str],
) -> UserFacingError:
    """A message for the person in the chat: what happened and what to do next."""
    provider = _provider_name(label, key_env)
    status = getattr(exc, "status_code", None)
    # For the operator: what the provider said, keys scrubbed (the person gets the message below).
    log.warning(
        "%s failed: %s (status %s): %s",
        label,
        type(exc).__name__,
        status,
        scrub(str(exc), secrets)[:500],
    )
    if isinstance(exc, litellm.AuthenticationError | openai.AuthenticationError) or status == 401:
        env = key_env or "the provider's API key"
        return UserFacingError(
            f"{provider} rejected the API key in `{env}` for **{label}**. "
            f"Check that `{env}` holds a valid, active key and restart ImageChat, "
            "or pick the **Offline demo** model.",
            kind="auth",
        )
    if isinstance(exc, litellm.RateLimitError | openai.RateLimitError) or status == 429:
        return UserFacingError(
            f"**{label}** is rate limited right now (too many requests, or the account's quota is "
            "used up). Wait a minute and try again, or pick another model.",
            kind="rate_limit",
        )
    if isinstance(exc, litellm.Timeout | openai.APITimeoutError):
        return UserFacingError(
            f"**{label}** did not answer within {timeout:g} seconds. Try again, or pick a faster "
            "model.",
            kind="timeout",
        )
    # litellm reports a refused connection as InternalServerError("... Connection error.")
    if status in (None, 500) and _is_connection_failure(exc):
        host = urlparse(api_base).netloc if api_base else "the provider"
        return UserFacingError(
            f"Could not connect to {provider} at {host} for **{label}**. Check the network and "
            "`OPENAI_BASE_URL`, then try again.",
            kind="connection",
        )
    if isinstance(exc, litellm.ContentPolicyViolationError):
        return UserFacingError(
            f"{provider}'s safety system rejected this request. Rephrase it and try again.",
            kind="content_policy",
        )
    if isinstance(exc, litellm.NotFoundError) or status == 404:
        return UserFacingError(
            f"{provider} does not offer the model **{label}** at this endpoint. "
            "Pick another model.",
            kind="not_found",
        )
    if isinstance(exc, litellm.BadRequestError | openai.BadRequestError) or status == 400:
        detail = scrub(_provider_message(exc), secrets)
        return UserFacingError(
            f"{provider} refused the request for **{label}**: {detail}", kind="bad_request"
        )
    if (status is not None and status >= 500) or isinstance(
        exc, litellm.InternalServerError | litellm.ServiceUnavailableError
    ):
        return UserFacingError(
            f"{provider} had an internal error while answering with **{label}**. "
            "Try again in a moment.",
            kind="server_error",
        )
    return UserFacingError(
        f"Something went wrong while calling **{label}** ({type(exc).__name__}). Try again.",
        kind="unknown",
    )


def _is_connection_failure(exc: BaseException) -> bool:
    if isinstance(exc, litellm.APIConnectionError | openai.APIConnectionError):
        return True
    text = str(exc).lower()
    hints = ("connection error", "connection refused", "unreachable", "name or service", "no route")
    return any(h in text for h in hints)


def _provider_message(exc: BaseException) -> str:
    """The provider's own words, without litellm's prefixes; trimmed."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"][:400]
    text = getattr(exc, "message", None) or str(exc)
    for marker in ('"message": "', "'message': '"):
        if marker in text:
            text = text.split(marker, 1)[1].split('"' if marker[-1] == '"' else "'", 1)[0]
            break
    if " - " in text and text.startswith("litellm."):
        text = text.split(" - ", 1)[1]
    return text[:400]
