"""Thread-safe scripting state of the fake server: replies, faults, latency, records.

Also the process-wide registry of requests that named a retired or shut-down model (every
FakeOpenAI instance in the process adds to it; ``tests/conftest.py`` fails the session when a test
not marked ``retired_model_ok`` appears in it).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.chat import Scripted
from tests.fakes.models import RETIRED_MODELS
from tests.fakes.rules import UploadedFile

KINDS = ("chat", "images", "edits", "any")
PATH_KINDS = {
    "/v1/chat/completions": "chat",
    "/v1/images/generations": "images",
    "/v1/images/edits": "edits",
}
DEFAULT_HANG_SECONDS = 600.0


def kind_of(path: str) -> str:
    """The fault/latency kind of a request path ("other" if none)."""
    return PATH_KINDS.get(path, "other")


@dataclass
class Fault:
    """An error (or a hang) the server answers with instead of the normal reply."""

    kind: str = "any"
    status: int = 500
    times: int | None = 1
    body: dict[str, Any] | None = None
    model: str | None = None
    retry_after: float = 1.0
    hang_seconds: float | None = None
    hits: int = 0

    def matches(self, kind: str, model: str | None) -> bool:
        if self.kind not in ("any", kind):
            return False
        return self.model is None or self.model == model


@dataclass
class RecordedRequest:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    json: Any = None
    form: dict[str, str] | None = None
    files: list[UploadedFile] = field(default_factory=list)
    raw: bytes = b""
    status: int | None = None
    at: float = field(default_factory=time.time)

    @property
    def kind(self) -> str:
        return kind_of(self.path)

    @property
    def body(self) -> Any:
        """The parsed JSON body, or the multipart text fields."""
        return self.json if self.form is None else self.form

    @property
    def model(self) -> str | None:
        body = self.body
        model = body.get("model") if isinstance(body, dict) else None
        return model if isinstance(model, str) else None

    @property
    def names_retired_model(self) -> bool:
        """True if the request named a retired, shut-down or unsupported model."""
        return self.model in RETIRED_MODELS

    def to_json(self) -> dict[str, Any]:
        files = [
            {
                "field": f.field,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": len(f.data),
                "sha256": hashlib.sha256(f.data).hexdigest(),
                "b64": base64.b64encode(f.data).decode(),
            }
            for f in self.files
        ]
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "query": self.query,
            "json": self.json,
            "form": self.form,
            "files": files,
            "status": self.status,
            "at": self.at,
        }


class FakeState:
    """Everything tests can script, guarded by one lock."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self._lock = threading.Lock()
        self._hang_generation = 0
        self._init_defaults()

    def _init_defaults(self) -> None:
        self._queue: deque[Scripted] = deque()
        self._faults: list[Fault] = []
        self._latency: dict[str, float] = {}
        self._stream_delay: dict[str, float] = {}
        self._no_tools: set[str] = set()
        self._records: list[RecordedRequest] = []
        self._files: dict[str, tuple[bytes, str]] = {}

    def reset(self) -> None:
        """Forget replies, faults, latency, records and files; wake hung requests."""
        with self._lock:
            self._init_defaults()
            self._hang_generation += 1

    # Script queue
    def enqueue(self, *items: Scripted) -> None:
        with self._lock:
            self._queue.extend(items)

    def pop_reply(self) -> Scripted | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def pending_replies(self) -> int:
        with self._lock:
            return len(self._queue)

    # Models without tool support
    def set_no_tools(self, models: set[str] | list[str] | tuple[str, ...]) -> None:
        with self._lock:
            self._no_tools = set(models)

    def refuses_tools(self, model: str) -> bool:
        with self._lock:
            return model in self._no_tools

    # Faults
    def add_fault(self, fault: Fault) -> Fault:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown kind {fault.kind!r}; use one of {KINDS}")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take_fault(self, kind: str, model: str | None) -> Fault | None:
        """The first matching fault, used up by one."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(kind, model):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # Hangs
    def hang_generation(self) -> int:
        with self._lock:
            return self._hang_generation

    def release_hangs(self) -> None:
        with self._lock:
            self._hang_generation += 1

    # Latency
    def set_latency(self, seconds: float, kind: str = "any") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
        with self._lock:
            self._latency[kind] = seconds

    def latency_for(self, kind: str) -> float:
        with self._lock:
            return self._latency.get(kind, self._latency.get("any", 0.0))

    def set_stream_delay(self, seconds: float, kind: str = "any") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}")
        with self._lock:
            self._stream_delay[kind] = seconds

    def stream_delay(self, kind: str = "chat") -> float:
        with self._lock:
            return self._stream_delay.get(kind, self._stream_delay.get("any", 0.0))

    # Records
    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._records.append(entry)

    def records(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    # Files served under /files/<name> (GPT image models answer with b64_json, never URLs)
    def store_file(self, data: bytes, fmt: str) -> str:
        name = f"{secrets.token_hex(8)}.{fmt}"
        with self._lock:
            self._files[name] = (data, f"image/{fmt}")
        return name

    def get_file(self, name: str) -> tuple[bytes, str] | None:
        with self._lock:
            return self._files.get(name)


@dataclass(frozen=True)
class RetiredModelRequest:
    """A request, to any FakeOpenAI in this process, that named a retired/shut-down model."""

    model: str
    path: str
    test: str | None  # pytest node id from PYTEST_CURRENT_TEST; None outside a test
    at: float = field(default_factory=time.time)


_retired_lock = threading.Lock()
_retired: list[RetiredModelRequest] = []


def current_test() -> str | None:
    """The node id of the running pytest test (``PYTEST_CURRENT_TEST`` minus its phase)."""
    value = os.environ.get("PYTEST_CURRENT_TEST")
    return value.rsplit(" (", 1)[0] if value else None


def note_retired_model_request(model: str, path: str) -> RetiredModelRequest:
    entry = RetiredModelRequest(model, path, current_test())
    with _retired_lock:
        _retired.append(entry)
    return entry


def retired_model_requests() -> list[RetiredModelRequest]:
    """Every request naming a retired model that any fake in this process has received."""
    with _retired_lock:
        return list(_retired)


def clear_retired_model_requests() -> None:
    with _retired_lock:
        _retired.clear()
