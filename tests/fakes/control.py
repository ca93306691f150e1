"""HTTP control routes (/_fake/...) so another process can drive the fake server."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.chat import reply_from_json
from tests.fakes.state import FakeState, Fault, retired_model_requests

FAULT_FIELDS = ("kind", "status", "times", "body", "model", "retry_after", "hang_seconds")


def _state(request: Request) -> FakeState:
    return request.app.state.fake


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def _ok(**extra: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **extra})


def _error(message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, 400)


async def script(request: Request) -> Response:
    """Queue replies: ``{"replies": [{"text": ...} | {"tool_calls": [...]}]}`` or one reply."""
    try:
        data = await _json(request)
        items = data["replies"] if "replies" in data else [data]
        replies = [reply_from_json(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        return _error(f"bad script: {exc!r}")
    _state(request).enqueue(*replies)
    return _ok(queued=len(replies), pending=_state(request).pending_replies())


async def inject(request: Request) -> Response:
    """Add a fault: ``{"kind", "status", "times", "body", "model", "retry_after", ...}``."""
    try:
        data = await _json(request)
        fields = {k: data[k] for k in FAULT_FIELDS if k in data}
        if data.get("hang"):
            fields.setdefault("hang_seconds", 600.0)
            fields.setdefault("status", 504)
        fault = _state(request).add_fault(Fault(**fields))
    except (ValueError, TypeError) as exc:
        return _error(f"bad fault: {exc!r}")
    return _ok(kind=fault.kind, status=fault.status, times=fault.times)


async def latency(request: Request) -> Response:
    """Set latency: ``{"seconds": 0.3, "kind": "images"}``, optional ``stream_delay`` (the pause
    between streamed chat chunks / image events, for ``kind``)."""
    try:
        data = await _json(request)
        kind = data.get("kind", "any")
        if "seconds" in data:
            _state(request).set_latency(float(data["seconds"]), kind)
        if "stream_delay" in data:
            _state(request).set_stream_delay(float(data["stream_delay"]), kind)
    except (ValueError, TypeError) as exc:
        return _error(f"bad latency: {exc!r}")
    return _ok()


async def no_tools(request: Request) -> Response:
    """Set the models that refuse ``tools``: ``{"models": ["o1-mini"]}``."""
    try:
        data = await _json(request)
        _state(request).set_no_tools([str(m) for m in data.get("models", [])])
    except (ValueError, TypeError) as exc:
        return _error(f"bad models: {exc!r}")
    return _ok()


async def requests(request: Request) -> Response:
    """Recorded requests, optionally filtered by ``?path=`` or ``?kind=``."""
    path = request.query_params.get("path")
    kind = request.query_params.get("kind")
    records = [
        r.to_json()
        for r in _state(request).records()
        if (path is None or r.path == path) and (kind is None or r.kind == kind)
    ]
    return JSONResponse(records)


async def retired(request: Request) -> Response:
    """Requests naming a retired model that any fake in this process received."""
    return JSONResponse(
        [
            {"model": r.model, "path": r.path, "test": r.test, "at": r.at}
            for r in retired_model_requests()
        ]
    )


async def reset(request: Request) -> Response:
    """Forget everything scripted and recorded."""
    _state(request).reset()
    return _ok()


async def release(request: Request) -> Response:
    """Wake every hanging request."""
    _state(request).release_hangs()
    return _ok()


async def health(request: Request) -> Response:
    return _ok()


CONTROL_ROUTES = [
    Route("/_fake/script", script, methods=["POST"]),
    Route("/_fake/inject", inject, methods=["POST"]),
    Route("/_fake/latency", latency, methods=["POST"]),
    Route("/_fake/no_tools", no_tools, methods=["POST"]),
    Route("/_fake/requests", requests, methods=["GET"]),
    Route("/_fake/retired", retired, methods=["GET"]),
    Route("/_fake/reset", reset, methods=["POST"]),
    Route("/_fake/release", release, methods=["POST"]),
    Route("/_fake/health", health, methods=["GET"]),
]
