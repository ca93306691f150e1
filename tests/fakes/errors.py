"""OpenAI-shaped error bodies used by the fake server."""

from __future__ import annotations

from typing import Any

INVALID = "invalid_request_error"


class APIError(Exception):
    """An error the fake returns as OpenAI's JSON error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type_: str = INVALID,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = error_body(message, param=param, code=code, type_=type_)
        self.headers = headers or {}

    @classmethod
    def from_body(
        cls, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> APIError:
        """An error with a ready-made JSON body."""
        err = cls(status, "injected error", headers=headers)
        err.body = body
        return err


def error_body(
    message: str, *, param: str | None = None, code: str | None = None, type_: str = INVALID
) -> dict[str, Any]:
    """Return ``{"error": {...}}`` as the OpenAI API writes it."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def bad_request(message: str, param: str | None = None, code: str | None = None) -> APIError:
    """A 400 invalid_request_error."""
    return APIError(400, message, param=param, code=code)


def unknown_parameter(name: str) -> APIError:
    """The 400 OpenAI returns for a parameter it does not know."""
    return bad_request(f"Unknown parameter: '{name}'.", name, "unknown_parameter")


def invalid_value(param: str, value: Any, allowed: tuple[str, ...] | list[str]) -> APIError:
    """The 400 for a value outside an enum."""
    choices = ", ".join(f"'{a}'" for a in allowed)
    message = f"Invalid value: '{value}'. Supported values are: {choices}."
    return bad_request(message, param, "invalid_value")


def mask_key(key: str) -> str:
    """Mask an API key the way OpenAI's 401 message does."""
    if len(key) <= 8:
        return key[:2] + "*" * max(len(key) - 2, 4)
    return key[:5] + "*" * (len(key) - 9) + key[-4:]


def auth_error(key: str | None) -> APIError:
    """401 for a missing or wrong API key."""
    if not key:
        message = (
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        )
    else:
        message = (
            f"Incorrect API key provided: {mask_key(key)}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        )
    return APIError(401, message, code="invalid_api_key")


def model_not_found(model: str) -> APIError:
    """404 for a model the fake does not know."""
    message = f"The model `{model}` does not exist or you do not have access to it."
    return APIError(404, message, param="model", code="model_not_found")


def fault_body(status: int, kind: str, model: str | None) -> dict[str, Any]:
    """Default body for an injected fault."""
    if status == 429:
        message = (
            f"Rate limit reached for {model or 'model'} in organization org-fake on requests "
            "per min (RPM): Limit 5, Used 5, Requested 1. Please try again in 1s."
        )
        return error_body(message, code="rate_limit_exceeded", type_="requests")
    if status == 401:
        return auth_error("sk-injected-fault-key").body
    if status == 400 and kind in ("images", "edits"):
        return moderation_body(model)
    if status == 400:
        return error_body("Invalid request (injected fault).")
    if status >= 500:
        message = "The server had an error while processing your request. Sorry about that!"
        return error_body(message, type_="server_error")
    return error_body(f"Injected error with status {status}.")


def moderation_body(model: str | None) -> dict[str, Any]:
    """The safety-system rejection for an image model."""
    if model and model.startswith("dall-e"):
        message = (
            "Your request was rejected as a result of our safety system. Your prompt may "
            "contain text that is not allowed by our safety system."
        )
        return error_body(message, code="content_policy_violation")
    message = (
        "Your request was rejected by the safety system. If you believe this is an error, "
        "contact us at help.openai.com and include the request ID req_fake."
    )
    return error_body(message, code="moderation_blocked", type_="image_generation_user_error")
