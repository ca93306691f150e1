"""Turns through litellm against the fake OpenAI server: replies, context, model choice, faults."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from imagechat.catalog import build_catalog
from imagechat.chat_session import ChatSession
from imagechat.settings import Settings
from tests.fakes.openai_server import FakeOpenAI


class Recorder:
    """A ChatUI that keeps what the person would see."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.finished: list[str] = []
        self.errors: list[str] = []

    async def stream(self, token: str) -> None:
        self.tokens.append(token)

    async def finish(self, text: str) -> None:
        self.finished.append(text)

    async def error(self, message: str) -> None:
        self.errors.append(message)


def make_session(
    server: FakeOpenAI | None,
    *,
    key: str | None = None,
    base_url: str | None = None,
    timeout: float = 30,
    models_file: Path | None = None,
    model_id: str = "gpt-5.4-mini",
) -> ChatSession:
    api_key = key if key is not None else (server.api_key if server else None)
    settings = Settings(
        openai_api_key=SecretStr(api_key) if api_key else None,
        openai_base_url=base_url or (server.base_url if server else None),
        imagechat_llm_timeout=timeout,
    )
    catalog = build_catalog(openai_key=bool(api_key), models_file=models_file, environ={})
    return ChatSession(catalog=catalog, settings=settings, model_id=model_id, environ={})


async def test_reply_streams_from_the_fake_server_through_litellm(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue_text("Hello from the fake provider, streamed word by word")
    session = make_session(fake_openai)
    ui = Recorder()
    await session.answer("Hi there", ui)
    assert ui.errors == []
    assert len(ui.tokens) > 3, "the reply arrived in several streamed chunks"
    assert ui.finished == ["Hello from the fake provider, streamed word by word"]
    body = fake_openai.last_chat_request()
    assert body["model"] == "gpt-5.4-mini"
    assert body["stream"] is True
    assert body["messages"][0]["role"] == "system"
    assert body["messages"][-1] == {"role": "user", "content": "Hi there"}


async def test_multi_turn_context_is_sent(fake_openai: FakeOpenAI) -> None:
    session = make_session(fake_openai)
    await session.answer("first question", Recorder())
    ui = Recorder()
    await session.answer("second question", ui)
    messages = fake_openai.last_chat_request()["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == "first question"
    assert messages[2]["content"] == "Fake reply to: first question"
    assert ui.finished == ["Fake reply to: second question"]


async def test_switching_model_changes_the_next_request(fake_openai: FakeOpenAI) -> None:
    session = make_session(fake_openai)
    await session.answer("one", Recorder())
    assert fake_openai.last_chat_request()["model"] == "gpt-5.4-mini"
    await session.answer("two", Recorder(), model_id="gpt-4.1")
    assert fake_openai.last_chat_request()["model"] == "gpt-4.1"
    await session.answer("three", Recorder())
    assert fake_openai.last_chat_request()["model"] == "gpt-4.1", "the choice is remembered"


async def _fault_then_recovery(session: ChatSession, server: FakeOpenAI) -> list[str]:
    ui = Recorder()
    await session.answer("this one fails", ui)
    assert ui.finished == []
    assert len(ui.errors) == 1
    ok = Recorder()
    await session.answer("and this one works", ok)
    assert ok.errors == [] and ok.finished == ["Fake reply to: and this one works"]
    sent = [m["content"] for m in server.last_chat_request()["messages"] if m["role"] == "user"]
    assert sent == ["this one fails", "and this one works"], "nothing earlier was lost"
    return ui.errors


@pytest.mark.parametrize(
    ("status", "needles"),
    [
        (429, ["rate limited", "GPT-5.4 Mini", "try again"]),
        (500, ["internal error", "Try again"]),
    ],
)
async def test_provider_faults_end_in_a_clear_message(
    fake_openai: FakeOpenAI, status: int, needles: list[str]
) -> None:
    # a 429 is retried (four attempts in all); one that outlasts the retries ends in a message
    times = 4 if status == 429 else 1
    fake_openai.inject("chat", status=status, times=times, retry_after=0.05)
    errors = await _fault_then_recovery(make_session(fake_openai), fake_openai)
    for needle in needles:
        assert needle.lower() in errors[0].lower()
    assert len(fake_openai.requests_to("chat")) == times + 1


async def test_a_rate_limited_chat_is_retried_with_the_providers_delay(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.inject("chat", status=429, times=2, retry_after=0.05)
    fake_openai.queue_text("Answered after two rate limits")
    ui = Recorder()
    await make_session(fake_openai).answer("hello", ui)
    assert ui.errors == [] and ui.finished == ["Answered after two rate limits"]
    attempts = fake_openai.requests_to("chat")
    assert len(attempts) == 3
    assert all(r.json["messages"][-1]["content"] == "hello" for r in attempts)


async def test_wrong_key_names_the_variable_and_never_prints_the_key(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "sk-wrong-key-0123456789abcdef"
    session = make_session(fake_openai, key=wrong)
    ui = Recorder()
    with caplog.at_level("WARNING", logger="imagechat.provider"):
        await session.answer("hello", ui)
    assert len(ui.errors) == 1
    assert "OPENAI_API_KEY" in ui.errors[0]
    assert "rejected the API key" in ui.errors[0]
    assert wrong not in ui.errors[0] and "0123456789" not in ui.errors[0]
    assert "sk-wr" not in ui.errors[0]
    # The operator's log says what happened, without the key either.
    logged = [r.getMessage() for r in caplog.records if r.name == "imagechat.provider"]
    assert len(logged) == 1 and "AuthenticationError" in logged[0] and "401" in logged[0]
    assert wrong not in logged[0] and "0123456789" not in logged[0]


async def test_timeout_ends_in_a_clear_message(fake_openai: FakeOpenAI) -> None:
    fake_openai.hang("chat", times=1)
    session = make_session(fake_openai, timeout=1.5)
    errors = await _fault_then_recovery(session, fake_openai)
    assert "did not answer within 1.5 seconds" in errors[0]


async def test_connection_refused_ends_in_a_clear_message(fake_openai: FakeOpenAI) -> None:
    from tests.apprunner import free_port

    closed = f"http://127.0.0.1:{free_port()}/v1"
    session = make_session(fake_openai, base_url=closed)
    ui = Recorder()
    await session.answer("hello", ui)
    assert len(ui.errors) == 1
    assert "Could not connect" in ui.errors[0] and "OPENAI_BASE_URL" in ui.errors[0]
    session.settings = session.settings.model_copy(update={"openai_base_url": fake_openai.base_url})
    ok = Recorder()
    await session.answer("again", ok)
    assert ok.finished == ["Fake reply to: again"]


async def test_no_key_at_all_says_which_variable_to_set() -> None:
    session = make_session(None, key=None, model_id="gpt-5.5")
    ui = Recorder()
    await session.answer("hello", ui)
    assert ui.errors and "OPENAI_API_KEY" in ui.errors[0] and "Offline demo" in ui.errors[0]
    ok = Recorder()
    await session.answer("hello again", ok, model_id="demo-chat")
    assert ok.errors == [] and ok.finished and "demo" in ok.finished[0].lower()


async def test_stop_keeps_the_partial_answer(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_stream_delay(0.05)
    fake_openai.queue_text(" ".join(f"word{i}" for i in range(200)))
    session = make_session(fake_openai)
    ui = Recorder()
    five_tokens = asyncio.Event()
    stream = ui.stream

    async def counting(token: str) -> None:
        await stream(token)
        if len(ui.tokens) >= 5:
            five_tokens.set()

    ui.stream = counting  # type: ignore[method-assign]
    task = asyncio.create_task(session.answer("long please", ui))
    await asyncio.wait_for(five_tokens.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ui.finished and ui.finished[0].endswith("_Stopped._")
    assert "word0" in ui.finished[0]
    assert session.history[-1]["role"] == "assistant"
    fake_openai.set_stream_delay(0)
    ok = Recorder()
    await session.answer("next", ok)
    assert ok.finished == ["Fake reply to: next"]


async def test_an_unexpected_failure_inside_a_tool_is_reported_and_nothing_is_lost(
    fake_openai: FakeOpenAI,
) -> None:
    from imagechat.chat_session import UNEXPECTED
    from imagechat.conversation import ToolSpec

    async def broken(_: dict[str, object]) -> str:
        raise RuntimeError("disk on fire at /secret/path")

    tool = ToolSpec("generate_image", "x", {"type": "object", "properties": {}}, broken)
    session = make_session(fake_openai)
    await session.answer("first", Recorder())
    fake_openai.queue_tool_call("generate_image", {})
    ui = Recorder()
    await session.answer("second", ui, tools=lambda _model: [tool])
    assert ui.errors == [UNEXPECTED] and "/secret/path" not in ui.errors[0]
    ok = Recorder()
    await session.answer("third", ok)
    sent = [
        m["content"] for m in fake_openai.last_chat_request()["messages"] if m["role"] == "user"
    ]
    assert sent == ["first", "second", "third"]
