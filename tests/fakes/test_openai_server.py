"""The fake OpenAI server over real HTTP: chat, auth, faults, latency, records, control."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import litellm
import openai
import pytest

from tests.fakes.openai_server import FakeOpenAI, TextReply, ToolCall

# litellm + pydantic warn once when some TypedDicts are first built; not our bug.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Items? .* (is|are) using the `ReadOnly` qualifier:UserWarning"
)
REPO = Path(__file__).resolve().parents[2]
USER = [{"role": "user", "content": "Draw me a cat"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "generate_image",
            "description": "Create an image",
            "parameters": {
                "type": "object",
                "properties": {"prompt": {"type": "string"}, "size": {"type": "string"}},
                "required": ["prompt"],
            },
        },
    }
]


def client(server: FakeOpenAI, **kwargs: Any) -> openai.AsyncOpenAI:
    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("api_key", server.api_key)
    return openai.AsyncOpenAI(base_url=server.base_url, **kwargs)


def llm(server: FakeOpenAI) -> dict[str, Any]:
    """Keyword arguments pointing litellm at the fake."""
    return {"api_base": server.base_url, "api_key": server.api_key, "num_retries": 0}


# Chat completions


async def test_default_reply_echoes_last_user_message(fake_openai: FakeOpenAI) -> None:
    messages = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "Fake reply to: first"},
        {"role": "user", "content": [{"type": "text", "text": "second turn"}]},
    ]
    async with client(fake_openai) as api:
        reply = await api.chat.completions.create(model="gpt-4o-mini", messages=messages)
    assert reply.choices[0].message.content == "Fake reply to: second turn"
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens > 0
    assert fake_openai.last_chat_request()["messages"] == messages


async def test_streamed_text_comes_in_chunks_with_usage(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_text("The quick brown fox jumps")
    async with client(fake_openai) as api:
        stream = await api.chat.completions.create(
            model="gpt-4o-mini",
            messages=USER,
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [chunk async for chunk in stream]
    pieces = [c.choices[0].delta.content for c in chunks if c.choices]
    pieces = [p for p in pieces if p]
    assert "".join(pieces) == "The quick brown fox jumps"
    assert len(pieces) == 5
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None


async def test_litellm_streamed_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_text("Hello from the fake")
    stream = await litellm.acompletion(
        model="openai/gpt-4o-mini", messages=USER, stream=True, **llm(fake_openai)
    )
    pieces = [chunk.choices[0].delta.content or "" async for chunk in stream]
    assert "".join(pieces) == "Hello from the fake"
    assert fake_openai.last_chat_request()["model"] == "gpt-4o-mini"


async def test_litellm_streamed_tool_calls_are_rebuilt(fake_openai: FakeOpenAI) -> None:
    calls = [
        ToolCall("generate_image", {"prompt": "a cat on a sofa", "size": "1024x1024"}),
        ToolCall("generate_image", {"prompt": "a dog in the rain"}),
    ]
    fake_openai.queue_tool_calls(calls, content="Making two images.")
    stream = await litellm.acompletion(
        model="openai/gpt-4o-mini",
        messages=USER,
        tools=TOOLS,
        stream=True,
        **llm(fake_openai),
    )
    chunks = [chunk async for chunk in stream]
    argument_chunks = [c for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert len(argument_chunks) > 4
    message = litellm.stream_chunk_builder(chunks, messages=USER).choices[0].message
    assert message.content == "Making two images."
    rebuilt = [
        (c.id, c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls
    ]
    assert rebuilt == [(c.id, c.name, c.arguments) for c in calls]


async def test_litellm_non_streamed_tool_call(fake_openai: FakeOpenAI) -> None:
    """Guards the litellm pin: tools= must work without importing a newer mcp."""
    call = fake_openai.queue_tool_call("generate_image", {"prompt": "a red fox"})
    reply = await litellm.acompletion(
        model="openai/gpt-4o-mini", messages=USER, tools=TOOLS, **llm(fake_openai)
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    (tool_call,) = choice.message.tool_calls
    assert tool_call.id == call.id and tool_call.function.name == "generate_image"
    assert json.loads(tool_call.function.arguments) == {"prompt": "a red fox"}
    assert fake_openai.last_chat_request()["tools"] == TOOLS


async def test_callable_reply_sees_the_request(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_function(lambda req: f"{req['model']} got {len(req['messages'])}")
    fake_openai.queue(lambda req: TextReply("second"))
    async with client(fake_openai) as api:
        first = await api.chat.completions.create(model="gpt-4o", messages=USER)
        second = await api.chat.completions.create(model="gpt-4o", messages=USER)
    assert first.choices[0].message.content == "gpt-4o got 1"
    assert second.choices[0].message.content == "second"
    assert fake_openai.pending_replies() == 0


async def test_model_without_tool_support_rejects_tools(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_no_tools_models("gpt-5.4-nano")
    async with client(fake_openai) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.chat.completions.create(model="gpt-5.4-nano", messages=USER, tools=TOOLS)
        plain = await api.chat.completions.create(model="gpt-5.4-nano", messages=USER)
    assert caught.value.code == "unsupported_parameter" and caught.value.param == "tools"
    assert "does not support tools" in caught.value.message
    assert plain.choices[0].message.content == "Fake reply to: Draw me a cat"


# Authentication


async def test_wrong_or_missing_key_is_401(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai, api_key="sk-wrong-key-1234567") as api:
        with pytest.raises(openai.AuthenticationError) as caught:
            await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert caught.value.code == "invalid_api_key"
    assert "sk-wr" in caught.value.message and "4567" in caught.value.message
    assert "sk-wrong-key" not in caught.value.message
    async with httpx.AsyncClient() as http:
        bare = await http.post(f"{fake_openai.base_url}/images/generations", json={})
    assert bare.status_code == 401 and bare.json()["error"]["code"] == "invalid_api_key"
    with pytest.raises(litellm.AuthenticationError):
        await litellm.acompletion(
            model="openai/gpt-4o-mini", messages=USER, **{**llm(fake_openai), "api_key": "sk-nope"}
        )


# Fault injection


async def test_injected_429_has_retry_after_and_sdk_retries(fake_openai: FakeOpenAI) -> None:
    fake_openai.inject("chat", 429, times=1, retry_after=0.01)
    async with client(fake_openai, max_retries=1) as api:
        reply = await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert reply.choices[0].message.content.startswith("Fake reply to:")
    assert [r.status for r in fake_openai.requests_to("chat")] == [429, 200]
    fake_openai.inject("chat", 429, times=1, retry_after=2)
    async with client(fake_openai) as api:
        with pytest.raises(openai.RateLimitError) as caught:
            await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.response.headers["retry-after"] == "2"


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("chat", 500, openai.InternalServerError),
        ("chat", 401, openai.AuthenticationError),
        ("chat", 400, openai.BadRequestError),
        ("images", 500, openai.InternalServerError),
    ],
)
async def test_injected_errors(
    fake_openai: FakeOpenAI, kind: str, status: int, error: type[Exception]
) -> None:
    fake_openai.inject(kind, status, times=2)
    async with client(fake_openai) as api:
        for _ in range(2):
            with pytest.raises(error):
                if kind == "chat":
                    await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
                else:
                    await api.images.generate(model="gpt-image-2", prompt="a cat")
        assert (await api.images.generate(model="gpt-image-2", prompt="a cat")).data


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-2.5-flare"])
async def test_injected_moderation_block(fake_openai: FakeOpenAI, model: str) -> None:
    fake_openai.inject("images", 400)
    async with client(fake_openai) as api:
        with pytest.raises(openai.BadRequestError) as caught:
            await api.images.generate(model=model, prompt="something forbidden")
    assert caught.value.code == "moderation_blocked"
    assert caught.value.type == "image_generation_user_error"
    assert "safety system" in caught.value.message


async def test_fault_can_target_one_model_and_custom_body(fake_openai: FakeOpenAI) -> None:
    body = {"error": {"message": "custom", "type": "server_error", "param": None, "code": "x"}}
    fake_openai.inject("any", 503, times=None, body=body, model="gpt-image-2.5-sunburst")
    async with client(fake_openai) as api:
        ok = await api.images.generate(model="gpt-image-1-mini", prompt="fine")
        with pytest.raises(openai.InternalServerError) as caught:
            await api.images.generate(model="gpt-image-2.5-sunburst", prompt="not fine")
    assert ok.data and caught.value.status_code == 503
    assert caught.value.body == body["error"]


async def test_hang_times_out_the_client_and_others_still_work(fake_openai: FakeOpenAI) -> None:
    fake_openai.hang("chat")
    async with client(fake_openai, timeout=0.3) as api:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
        assert time.monotonic() - started < 5
        assert (await api.chat.completions.create(model="gpt-4o-mini", messages=USER)).choices


async def test_latency_does_not_serialise_requests(fake_openai: FakeOpenAI) -> None:
    delay, count = 1.0, 10  # serialised, this would take 10 s
    fake_openai.set_latency(delay, kind="images")
    async with client(fake_openai) as api:
        started = time.monotonic()
        results = await asyncio.gather(
            *(api.images.generate(model="gpt-image-2", prompt=f"cat {i}") for i in range(count))
        )
        elapsed = time.monotonic() - started
    assert len(results) == count
    assert delay <= elapsed < 0.5 * delay * count


async def test_stream_delay_spaces_chunks(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_stream_delay(0.05)
    fake_openai.queue_text("one two three four")
    async with client(fake_openai) as api:
        started = time.monotonic()
        stream = await api.chat.completions.create(model="m", messages=USER, stream=True)
        _ = [c async for c in stream]
    assert time.monotonic() - started >= 0.05 * 5


# Records, reset, fixtures


async def test_records_and_reset(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
        await api.images.generate(model="gpt-image-2", prompt="a tree", size="1536x864")
    (image_request,) = fake_openai.requests_to("/v1/images/generations")
    assert image_request.method == "POST" and image_request.status == 200
    assert image_request.json == {"model": "gpt-image-2", "prompt": "a tree", "size": "1536x864"}
    assert image_request.headers["authorization"] == f"Bearer {fake_openai.api_key}"
    assert [r.kind for r in fake_openai.requests] == ["chat", "images"]
    fake_openai.queue_text("left over")
    fake_openai.reset()
    assert fake_openai.requests == [] and fake_openai.pending_replies() == 0
    with pytest.raises(LookupError):
        fake_openai.last_chat_request()


async def test_shared_fixture_is_reset(fake_openai_shared: FakeOpenAI) -> None:
    assert fake_openai_shared.requests == []
    fake_openai_shared.queue_text("stays only for this test")


def test_env_fixture_points_the_sdk_at_the_fake(fake_openai_env: FakeOpenAI) -> None:
    with openai.OpenAI(max_retries=0) as api:
        reply = api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert reply.choices[0].message.content == "Fake reply to: Draw me a cat"
    assert os.environ["OPENAI_BASE_URL"] == fake_openai_env.base_url


# Control routes and standalone mode


async def test_control_routes(fake_openai: FakeOpenAI) -> None:
    base = fake_openai.root_url
    async with httpx.AsyncClient(base_url=base) as http:
        script = {
            "replies": [
                {"text": "scripted"},
                {"tool_calls": [{"name": "generate_image", "arguments": {"prompt": "x"}}]},
            ]
        }
        assert (await http.post("/_fake/script", json=script)).json()["queued"] == 2
        fault = {"kind": "images", "status": 429, "times": 1, "retry_after": 0.01}
        assert (await http.post("/_fake/inject", json=fault)).status_code == 200
        await http.post("/_fake/latency", json={"seconds": 0.0, "kind": "chat"})
        await http.post("/_fake/no_tools", json={"models": ["tiny"]})
        async with client(fake_openai) as api:
            text = await api.chat.completions.create(model="m", messages=USER)
            tools = await api.chat.completions.create(model="m", messages=USER)
            with pytest.raises(openai.RateLimitError):
                await api.images.generate(model="gpt-image-2", prompt="x")
            with pytest.raises(openai.BadRequestError):
                await api.chat.completions.create(model="tiny", messages=USER, tools=TOOLS)
        assert text.choices[0].message.content == "scripted"
        assert tools.choices[0].message.tool_calls[0].function.name == "generate_image"
        recorded = (await http.get("/_fake/requests", params={"kind": "chat"})).json()
        assert [r["status"] for r in recorded] == [200, 200, 400]
        await http.post("/_fake/reset")
        assert (await http.get("/_fake/requests")).json() == []


async def test_control_hang_and_release(fake_openai: FakeOpenAI) -> None:
    async with httpx.AsyncClient(base_url=fake_openai.root_url) as http:
        await http.post("/_fake/inject", json={"kind": "images", "hang": True})
        async with client(fake_openai) as api:
            pending = asyncio.ensure_future(api.images.generate(model="gpt-image-2", prompt="x"))
            await asyncio.sleep(0.3)
            assert fake_openai.requests_to("images") and not pending.done()
            await http.post("/_fake/release")
            with pytest.raises(openai.APIStatusError) as caught:
                await asyncio.wait_for(pending, 5)
        assert caught.value.status_code == 504


def test_standalone_cli_serves_until_interrupted() -> None:
    cmd = [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0", "--key", "sk-cli"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with openai.OpenAI(base_url=base_url, api_key="sk-cli", max_retries=0) as api:
            reply = api.chat.completions.create(model="gpt-4o-mini", messages=USER)
        assert reply.choices[0].message.content == "Fake reply to: Draw me a cat"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


# Models: GET /v1/models, retired chat models, the SDK 3.57.0 tables


async def test_models_list_is_todays_served_models_newest_first(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        listed = [m async for m in api.models.list()]
        one = await api.models.retrieve("gpt-image-2.5-sunburst")
    ids = [m.id for m in listed]
    assert ids == [*FakeOpenAI.served_chat_models, *FakeOpenAI.served_image_models]
    assert {"gpt-6-astra", "gpt-4o-mini", "gpt-5.4-nano"} <= set(ids)
    assert set(ids) >= set(SERVED_IMAGES) and len(FakeOpenAI.served_image_models) == 11
    gone = {"o4-mini", "gpt-4.1-nano", "gpt-4-turbo", "dall-e-2", "dall-e-3", "gpt-image-1"}
    assert not gone & set(ids) and gone <= FakeOpenAI.retired_models
    assert all(m.object == "model" and m.owned_by == "system" for m in listed)
    chat = [m.created for m in listed if m.id in FakeOpenAI.served_chat_models]
    images = [m.created for m in listed if m.id in FakeOpenAI.served_image_models]
    assert chat == sorted(chat, reverse=True) and len(set(chat)) == len(chat)
    assert images == sorted(images, reverse=True) and len(set(images)) == len(images)
    assert one.id == "gpt-image-2.5-sunburst" and one.created == images[3]
    gpt4o = next(m for m in listed if m.id == "gpt-4o")
    assert gpt4o.model_dump().get("shutdown_date") == "2027-01-14"


SERVED_IMAGES = [
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-sunburst-2026-09-08",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.6-flare",
    "gpt-image-1.5",
    "gpt-image-1-mini",
    "chatgpt-image-latest",
]


@pytest.mark.retired_model_ok
@pytest.mark.parametrize(
    ("model", "when"),
    [("dall-e-3", "May 12, 2026"), ("gpt-image-1", "October 23, 2026"), ("nope-1", None)],
)
async def test_retrieving_a_retired_or_unknown_model_is_404(
    fake_openai: FakeOpenAI, model: str, when: str | None
) -> None:
    async with client(fake_openai) as api:
        with pytest.raises(openai.NotFoundError) as caught:
            await api.models.retrieve(model)
    assert caught.value.code == "model_not_found"
    assert (when or "does not exist") in caught.value.message


@pytest.mark.retired_model_ok
@pytest.mark.parametrize("model", ["gpt-4.1-nano", "o4-mini", "gpt-4-turbo", "gpt-3.5-turbo"])
async def test_shut_down_chat_model_is_404_and_registered(
    fake_openai: FakeOpenAI, model: str, request: pytest.FixtureRequest
) -> None:
    before = len(FakeOpenAI.retired_model_requests())
    fake_openai.queue_text("never sent")
    async with client(fake_openai) as api:
        with pytest.raises(openai.NotFoundError) as caught:
            await api.chat.completions.create(model=model, messages=USER)
        ok = await api.chat.completions.create(model="gpt-5.4-mini", messages=USER)
    assert caught.value.code == "model_not_found" and caught.value.param == "model"
    assert "shut down on October 23, 2026" in caught.value.message
    assert ok.choices[0].message.content == "never sent"
    (entry,) = FakeOpenAI.retired_model_requests()[before:]
    assert (entry.model, entry.path) == (model, "/v1/chat/completions")
    assert entry.test == request.node.nodeid
    assert [r.model for r in fake_openai.requests_naming_retired_models()] == [model]
    async with httpx.AsyncClient(base_url=fake_openai.root_url) as http:
        listed = (await http.get("/_fake/retired")).json()
    assert {"model": model, "path": "/v1/chat/completions", "test": entry.test} in [
        {k: v for k, v in item.items() if k != "at"} for item in listed
    ]


def test_tables_match_the_installed_sdk_when_it_is_3_57() -> None:
    """models.py copies openai 3.57.0's literals; with that SDK installed, compare them."""
    from typing import get_args

    from tests.fakes import models

    if openai.__version__ != models.SDK_VERSION:
        pytest.skip(f"installed openai {openai.__version__}, tables are from {models.SDK_VERSION}")
    assert get_args(openai.types.ImageModel) == models.IMAGE_MODEL_LITERAL
    assert get_args(openai.types.ChatModel) == models.CHAT_MODEL_LITERAL
    assert set(models.SHUTDOWN_DATE) | set(models.CHAT_NOT_SUPPORTED) <= set(
        models.CHAT_MODEL_LITERAL
    )


PROBE = """
import httpx
import pytest

from tests.fakes.openai_server import FakeOpenAI


def send(model):
    with FakeOpenAI() as fake:
        headers = {"authorization": f"Bearer {fake.api_key}"}
        body = {"model": model, "prompt": "x"}
        return httpx.post(f"{fake.base_url}/images/generations", headers=headers, json=body)


def test_sends_dall_e_3():
    assert send("dall-e-3").status_code == 404


@pytest.mark.retired_model_ok
def test_allowed_to():
    assert send("gpt-image-1").status_code == 404


def test_fine():
    assert send("gpt-image-2").status_code == 200
"""


@pytest.mark.parametrize("select", ["all", "allowed"])
def test_session_fails_when_an_unmarked_test_sends_a_retired_model(
    tmp_path: Path, select: str
) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers"]
    cmd += ["-p", "tests.conftest", "-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path)]
    cmd += [str(probe)] + (["-k", "not dall_e"] if select == "allowed" else [])
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    if select == "allowed":
        assert done.returncode == 0, done.stdout + done.stderr
        assert "requests naming retired" not in done.stdout
        return
    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 passed, 1 error" in done.stdout
    errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR ")]
    assert len(errors) == 1 and "test_probe.py::test_sends_dall_e_3" in errors[0]
    assert "requests naming retired OpenAI models: dall-e-3" in done.stdout
