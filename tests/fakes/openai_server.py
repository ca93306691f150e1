"""A fake OpenAI-compatible HTTP server for tests (chat completions + Images API + models).

It speaks today's (2026-12-01) API as the official ``openai`` SDK **3.57.0** describes it: GPT
image models only (``dall-e-2``/``dall-e-3`` retired, ``gpt-image-1`` shut down: 404
``model_not_found``), custom sizes, streamed partial images, ``GET /v1/models``. See
tests/fakes/models.py, rules.py and images.py.

In-process::

    with FakeOpenAI() as server:
        server.queue_text("Hello there")
        ...  # point openai/litellm at server.base_url with server.api_key

Standalone: ``python -m tests.fakes.openai_server --port 8765``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn

from tests.fakes.app import build_app
from tests.fakes.chat import Reply, Scripted, TextReply, ToolCall, ToolCallsReply
from tests.fakes.models import (
    RETIRED_MODELS,
    SDK_VERSION,
    SERVED_CHAT_MODELS,
    SERVED_IMAGE_MODELS,
)
from tests.fakes.state import (
    DEFAULT_HANG_SECONDS,
    KINDS,
    FakeState,
    Fault,
    RecordedRequest,
    RetiredModelRequest,
    retired_model_requests,
)

DEFAULT_KEY = "sk-test-imagechat"
__all__ = [
    "DEFAULT_KEY",
    "FakeOpenAI",
    "Fault",
    "RecordedRequest",
    "RetiredModelRequest",
    "TextReply",
    "ToolCall",
    "ToolCallsReply",
]


class FakeOpenAI:
    """The fake server: uvicorn in a background thread, scripted from any thread."""

    sdk_version = SDK_VERSION
    served_image_models: tuple[str, ...] = SERVED_IMAGE_MODELS
    served_chat_models: tuple[str, ...] = SERVED_CHAT_MODELS
    retired_models: frozenset[str] = RETIRED_MODELS

    def __init__(self, api_key: str = DEFAULT_KEY, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = FakeState(api_key)
        self.app = build_app(self.state)
        self.host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # Lifecycle
    @property
    def api_key(self) -> str:
        return self.state.api_key

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("server not started")
        return int(self._socket.getsockname()[1])

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL / api_base should be."""
        return f"{self.root_url}/v1"

    def start(self, timeout: float = 10.0) -> FakeOpenAI:
        """Bind, serve in a background thread, and wait until connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self._port))
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="fake-openai", daemon=True)
        self._thread.start()
        self._wait_until_ready(timeout)
        return self

    def _run(self) -> None:
        assert self._server is not None and self._socket is not None
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._server is not None and self._server.started and _accepts(self.port):
                return
            if self._thread is not None and not self._thread.is_alive():
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("fake OpenAI server did not start")

    def stop(self) -> None:
        """Wake hung requests, shut uvicorn down and join its thread."""
        self.state.release_hangs()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None

    def __enter__(self) -> FakeOpenAI:
        return self.start() if self._thread is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Chat script
    def queue(self, *items: Scripted) -> None:
        """Queue replies (TextReply, ToolCallsReply, or a callable(request) -> reply/str)."""
        self.state.enqueue(*items)

    def queue_text(self, *texts: str) -> None:
        """Queue one text reply per argument."""
        self.state.enqueue(*(TextReply(t) for t in texts))

    def queue_tool_call(
        self,
        name: str,
        arguments: dict[str, Any] | str | None = None,
        *,
        call_id: str | None = None,
        content: str | None = None,
    ) -> ToolCall:
        """Queue a reply that calls one tool; returns the call (for its id)."""
        call = ToolCall(name, arguments or {})
        if call_id:
            call.id = call_id
        self.state.enqueue(ToolCallsReply([call], content))
        return call

    def queue_tool_calls(self, calls: list[ToolCall], content: str | None = None) -> None:
        """Queue one reply with several parallel tool calls."""
        self.state.enqueue(ToolCallsReply(list(calls), content))

    def queue_function(self, func: Callable[[dict[str, Any]], Reply | str]) -> None:
        """Queue a callable that gets the request JSON and returns the reply."""
        self.state.enqueue(func)

    def pending_replies(self) -> int:
        return self.state.pending_replies()

    def set_no_tools_models(self, *models: str) -> None:
        """Models that answer 400 unsupported_parameter when ``tools`` is sent."""
        self.state.set_no_tools(models)

    # Faults and latency
    def inject(
        self,
        kind: str = "any",
        status: int = 500,
        times: int | None = 1,
        body: dict[str, Any] | None = None,
        *,
        model: str | None = None,
        retry_after: float = 1.0,
    ) -> Fault:
        """Answer the next ``times`` matching requests (None: all) with an error."""
        return self.state.add_fault(Fault(kind, status, times, body, model, retry_after))

    def hang(
        self,
        kind: str = "any",
        times: int | None = 1,
        seconds: float = DEFAULT_HANG_SECONDS,
        *,
        model: str | None = None,
    ) -> Fault:
        """Make matching requests hang (then 504) until released, reset or disconnected."""
        fault = Fault(kind, 504, times, None, model, hang_seconds=seconds)
        return self.state.add_fault(fault)

    def clear_faults(self) -> None:
        self.state.clear_faults()

    def release_hangs(self) -> None:
        self.state.release_hangs()

    def set_latency(self, seconds: float, kind: str = "any") -> None:
        """Delay each request of ``kind`` by ``seconds`` (without blocking others)."""
        self.state.set_latency(seconds, kind)

    def set_stream_delay(self, seconds: float, kind: str = "any") -> None:
        """Delay between streamed chat chunks / image events (``kind``: chat, images, edits)."""
        self.state.set_stream_delay(seconds, kind)

    # Records
    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (copy)."""
        return self.state.records()

    def requests_to(self, path_or_kind: str) -> list[RecordedRequest]:
        """Requests to a path (``/v1/images/edits``) or of a kind (``chat``, ``images``...)."""
        if path_or_kind in KINDS:
            return [r for r in self.requests if path_or_kind in ("any", r.kind)]
        return [r for r in self.requests if r.path == path_or_kind]

    def last_request(self, path_or_kind: str = "any") -> RecordedRequest:
        found = self.requests_to(path_or_kind)
        if not found:
            raise LookupError(f"no request matching {path_or_kind!r}")
        return found[-1]

    def requests_naming_retired_models(self) -> list[RecordedRequest]:
        """This server's recorded POSTs that named a retired or shut-down model."""
        return [r for r in self.requests if r.method == "POST" and r.names_retired_model]

    @staticmethod
    def retired_model_requests() -> list[RetiredModelRequest]:
        """Every such request any fake in this process received (model, path, test node id)."""
        return retired_model_requests()

    def last_chat_request(self) -> dict[str, Any]:
        """The JSON body of the last chat completion request."""
        return self.last_request("chat").json

    def reset(self) -> None:
        """Forget replies, faults, latency, tool rules, records; wake hung requests.

        (The process-wide retired-model registry is kept.)"""
        self.state.reset()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI-compatible server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default=DEFAULT_KEY)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--no-tools-model", action="append", default=[])
    args = parser.parse_args(argv)
    server = FakeOpenAI(args.key, args.host, args.port)
    server.set_latency(args.latency)
    server.set_no_tools_models(*args.no_tools_model)
    server.start()
    print(server.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
