"""Starlette routes of the fake OpenAI API (/v1/...) and the files it serves."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes import chat
from tests.fakes.control import CONTROL_ROUTES
from tests.fakes.errors import APIError, auth_error, bad_request, error_body, fault_body
from tests.fakes.images import image_response, job_images
from tests.fakes.rules import MODELS, UploadedFile, validate_edit, validate_generation
from tests.fakes.state import DEFAULT_HANG_SECONDS, FakeState, Fault, RecordedRequest, kind_of

Handler = Callable[[Request, FakeState, RecordedRequest], Awaitable[Response]]
HANG_POLL = 0.05


def build_app(state: FakeState) -> Starlette:
    """The ASGI app serving the fake API, driven by ``state``."""
    routes = [
        Route("/v1/chat/completions", openai_route(chat_completions), methods=["POST"]),
        Route("/v1/images/generations", openai_route(generations), methods=["POST"]),
        Route("/v1/images/edits", openai_route(edits), methods=["POST"]),
        Route("/v1/models", openai_route(list_models), methods=["GET"]),
        Route("/files/{name}", serve_file, methods=["GET"]),
        *CONTROL_ROUTES,
        Route("/v1/{rest:path}", openai_route(not_found), methods=["GET", "POST", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.fake = state
    return app


def openai_route(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with recording, auth, latency, fault injection and error bodies."""

    async def endpoint(request: Request) -> Response:
        state: FakeState = request.app.state.fake
        record = await read_request(request)
        state.record(record)
        try:
            check_auth(request, state)
            kind = kind_of(request.url.path)
            latency = state.latency_for(kind)
            if latency > 0:
                await asyncio.sleep(latency)
            await apply_fault(request, state, kind, record.model)
            response = await handler(request, state, record)
        except APIError as err:
            response = JSONResponse(err.body, err.status, headers=err.headers)
        record.status = response.status_code
        return response

    return endpoint


async def read_request(request: Request) -> RecordedRequest:
    """Record the request, parsing a JSON or multipart body."""
    record = RecordedRequest(
        method=request.method,
        path=request.url.path,
        headers=dict(request.headers),
        query=dict(request.query_params),
    )
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        await _read_form(request, record)
        return record
    record.raw = await request.body()
    if record.raw:
        try:
            record.json = json.loads(record.raw)
        except ValueError:
            record.json = None
    return record


async def _read_form(request: Request, record: RecordedRequest) -> None:
    form = await request.form(max_part_size=1024 * 1024)
    record.form = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            record.files.append(UploadedFile(name, value.filename, value.content_type, data))
        else:
            record.form[name] = value
    await form.close()


def check_auth(request: Request, state: FakeState) -> None:
    """401 unless ``Authorization: Bearer <the accepted key>``."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    key = key.strip() if scheme.lower() == "bearer" else ""
    if key != state.api_key:
        raise auth_error(key or None)


async def apply_fault(request: Request, state: FakeState, kind: str, model: str | None) -> None:
    """Raise the next injected fault matching this request, hanging first if it says so."""
    fault = state.take_fault(kind, model)
    if fault is None:
        return
    if fault.hang_seconds is not None:
        await hang(request, state, fault.hang_seconds)
    body = fault.body or fault_body(fault.status, kind, model)
    headers = _retry_headers(fault) if fault.status == 429 else None
    raise APIError.from_body(fault.status, body, headers)


def _retry_headers(fault: Fault) -> dict[str, str]:
    return {
        "retry-after": str(max(0, math.ceil(fault.retry_after))),
        "retry-after-ms": str(int(fault.retry_after * 1000)),
        "x-ratelimit-remaining-requests": "0",
    }


async def hang(request: Request, state: FakeState, seconds: float | None) -> None:
    """Wait until ``seconds`` pass, the client goes away, or the hang is released."""
    deadline = time.monotonic() + (seconds or DEFAULT_HANG_SECONDS)
    generation = state.hang_generation()
    while time.monotonic() < deadline and state.hang_generation() == generation:
        if await request.is_disconnected():
            return
        await asyncio.sleep(HANG_POLL)


def json_body(record: RecordedRequest) -> dict[str, Any]:
    """The JSON object a handler needs, or OpenAI's 400 for a body it cannot parse."""
    if not isinstance(record.json, dict):
        raise bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly.)"
        )
    return record.json


async def chat_completions(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    body = json_body(record)
    for name in ("model", "messages"):
        if name not in body:
            raise bad_request(
                f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
            )
    model = str(body["model"])
    if body.get("tools") and state.refuses_tools(model):
        raise APIError(
            400,
            f"Model '{model}' does not support tools",
            param="tools",
            code="unsupported_parameter",
        )
    reply = chat.resolve(state.pop_reply(), body)
    if body.get("stream"):
        return StreamingResponse(
            _sse(body, reply, state.stream_delay()), media_type="text/event-stream"
        )
    return JSONResponse(chat.completion(body, reply))


async def _sse(body: dict[str, Any], reply: chat.Reply, delay: float) -> AsyncIterator[str]:
    for chunk in chat.stream_chunks(body, reply):
        yield f"data: {json.dumps(chunk)}\n\n"
        await asyncio.sleep(delay)
    yield "data: [DONE]\n\n"


async def generations(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    job = validate_generation(json_body(record))
    pictures = await asyncio.to_thread(job_images, job)
    return JSONResponse(image_response(job, pictures, _file_store(request, state)))


async def edits(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    if record.form is None:
        raise bad_request("The images/edits endpoint expects multipart/form-data.")
    job = validate_edit(record.form, record.files)
    pictures = await asyncio.to_thread(job_images, job)
    return JSONResponse(image_response(job, pictures, _file_store(request, state)))


def _file_store(request: Request, state: FakeState) -> Callable[[bytes, str], str]:
    base = str(request.base_url).rstrip("/")
    return lambda data, fmt: f"{base}/files/{state.store_file(data, fmt)}"


async def list_models(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    names = ["gpt-4o-mini", "gpt-4o", *MODELS]
    data = [{"id": n, "object": "model", "created": 0, "owned_by": "system"} for n in names]
    return JSONResponse({"object": "list", "data": data})


async def not_found(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    message = f"Invalid URL ({request.method} {request.url.path})"
    return JSONResponse(error_body(message), 404)


async def serve_file(request: Request) -> Response:
    found = request.app.state.fake.get_file(request.path_params["name"])
    if found is None:
        return JSONResponse(error_body("File not found."), 404)
    data, media_type = found
    return Response(data, media_type=media_type)
