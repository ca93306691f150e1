"""A provider that answers image requests with an endless (or very large) JSON body.

``POST /v1/images/generations`` (and ``/edits``) stream ``{"created": 0, "data": [{"b64_json":
"AAAA...`` until ``size`` bytes were sent or the client hangs up; ``sent`` counts what the
server managed to write (the kernel's socket buffers hold a few MB more than a client read).
Used by the provider reply cap tests and ``bench/abuse.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024


class HugeReplyServer:
    def __init__(self, size: int, *, declare_length: bool = True) -> None:
        self.size = size
        self.declare_length = declare_length
        self.sent = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self.send_response(200)
                self.send_header("content-type", "application/json")
                if owner.declare_length:
                    self.send_header("content-length", str(owner.size))
                self.send_header("connection", "close")
                self.end_headers()
                head = b'{"created": 0, "data": [{"b64_json": "'
                written = 0
                try:
                    self.wfile.write(head)
                    written += len(head)
                    filler = b"A" * CHUNK
                    while written < owner.size:
                        part = filler[: owner.size - written]
                        self.wfile.write(part)
                        written += len(part)
                        owner.sent = written
                except OSError:
                    return  # the client hung up, as it should

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def huge_reply_server(size: int, *, declare_length: bool = True) -> Iterator[HugeReplyServer]:
    server = HugeReplyServer(size, declare_length=declare_length)
    server.start()
    try:
        yield server
    finally:
        server.stop()
