"""Starlette routes of the fake OpenAI API (/v1/...) and the files it serves.

The Images API and the model list speak what the official ``openai`` SDK **3.57.0** describes
(see tests/fakes/rules.py, images.py and models.py). Streamed image requests answer
``text/event-stream`` framed as the SDK's ``_streaming.py`` parses it: one ``event: <type>`` line
and one ``data: <json>`` line per event, a blank line after each. With ``n`` > 1 the SDK documents
no per-image index, so the fake streams the images one after another: image 0's partials
(``partial_image_index`` 0..partial_images-1) then its ``completed`` event, then image 1's, and
so on; each ``completed`` event's ``usage`` covers that one image.

A request naming a retired or shut-down model (chat or images) is answered 404
``model_not_found`` and noted in the process-wide registry in tests/fakes/state.py.
"""

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
from tests.fakes.errors import (
    APIError,
    auth_error,
    bad_request,
    error_body,
    fault_body,
    model_not_found,
)
from tests.fakes.images import (
    completed_event,
    image_response,
    job_images,
    partial_event,
    partial_images,
)
from tests.fakes.models import RETIRED_MODELS, model_list, model_object
from tests.fakes.rules import (
    ImageJob,
    UploadedFile,
    retired_model_error,
    validate_edit,
    validate_generation,
)
from tests.fakes.state import (
    DEFAULT_HANG_SECONDS,
    FakeState,
    Fault,
    RecordedRequest,
    kind_of,
    note_retired_model_request,
)

Handler = Callable[[Request, FakeState, RecordedRequest], Awaitable[Response]]
HANG_POLL = 0.05


def build_app(state: FakeState) -> Starlette:
    """The ASGI app serving the fake API, driven by ``state``."""
    routes = [
        Route("/v1/chat/completions", openai_route(chat_completions), methods=["POST"]),
        Route("/v1/images/generations", openai_route(generations), methods=["POST"]),
        Route("/v1/images/edits", openai_route(edits), methods=["POST"]),
        Route("/v1/images/variations", openai_route(variations), methods=["POST"]),
        Route("/v1/models", openai_route(list_models), methods=["GET"]),
        Route("/v1/models/{model:path}", openai_route(retrieve_model), methods=["GET"]),
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
        retired = request.method == "POST" and record.names_retired_model
        if retired:
            note_retired_model_request(str(record.model), record.path)
        try:
            check_auth(request, state)
            kind = kind_of(request.url.path)
            latency = state.latency_for(kind)
            if latency > 0:
                await asyncio.sleep(latency)
            if retired:
                raise retired_model_error(str(record.model)) or model_not_found(str(record.model))
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
    form = await request.form(max_files=64, max_part_size=1024 * 1024)
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
            _sse(body, reply, state.stream_delay("chat")), media_type="text/event-stream"
        )
    return JSONResponse(chat.completion(body, reply))


async def _sse(body: dict[str, Any], reply: chat.Reply, delay: float) -> AsyncIterator[str]:
    for chunk in chat.stream_chunks(body, reply):
        yield f"data: {json.dumps(chunk)}\n\n"
        await asyncio.sleep(delay)
    yield "data: [DONE]\n\n"


async def generations(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    return await _image_reply(validate_generation(json_body(record)), state, "images")


async def edits(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    if record.form is None:
        raise bad_request("The images/edits endpoint expects multipart/form-data.")
    return await _image_reply(validate_edit(record.form, record.files), state, "edits")


async def _image_reply(job: ImageJob, state: FakeState, kind: str) -> Response:
    if job.stream:
        events = _image_events(job, state.stream_delay(kind))
        return StreamingResponse(events, media_type="text/event-stream")
    pictures = await asyncio.to_thread(job_images, job)
    return JSONResponse(image_response(job, pictures))


async def _image_events(job: ImageJob, delay: float) -> AsyncIterator[str]:
    """Per image: its partial images, then its completed event (see the module docstring)."""
    finals = await asyncio.to_thread(job_images, job)
    for index, final in enumerate(finals):
        partials = await asyncio.to_thread(partial_images, job, index)
        for step, partial in enumerate(partials):
            yield _event(partial_event(job, partial, step))
            await asyncio.sleep(delay)
        yield _event(completed_event(job, final))
        if index < len(finals) - 1:
            await asyncio.sleep(delay)


def _event(data: dict[str, Any]) -> str:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n"


async def variations(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    """The variations endpoint is retired (SDK 3.57.0 ``images.create_variation``)."""
    message = (
        "The images/variations endpoint has been retired and is no longer available. Use "
        "/v1/images/edits with a GPT image model and a prompt to create a variation of an image."
    )
    return JSONResponse(error_body(message, code="endpoint_retired"), 404)


async def list_models(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    return JSONResponse(model_list())


async def retrieve_model(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    model = request.path_params["model"]
    found = model_object(model)
    if found is not None:
        return JSONResponse(found)
    if model in RETIRED_MODELS:
        raise retired_model_error(model) or model_not_found(model)
    raise model_not_found(model)


async def not_found(request: Request, state: FakeState, record: RecordedRequest) -> Response:
    message = f"Invalid URL ({request.method} {request.url.path})"
    return JSONResponse(error_body(message), 404)


async def serve_file(request: Request) -> Response:
    found = request.app.state.fake.get_file(request.path_params["name"])
    if found is None:
        return JSONResponse(error_body("File not found."), 404)
    data, media_type = found
    return Response(data, media_type=media_type)
