"""Image links from a provider: only its own origin (scheme, host AND port) or https on the
standard port of its hosts; every refusal and failure reads the same, whatever the port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from imagechat.errors import UserFacingError
from imagechat.fetch import NOT_FETCHED, fetch_provider_image

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _server(status: int = 200) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("content-length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def provider() -> Iterator[int]:
    server = _server()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_open_port() -> Iterator[int]:
    """Another service on the provider's host, answering 404 (what a scanner looks for)."""
    server = _server(status=404)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _message(url: str, api_base: str) -> str:
    with pytest.raises(UserFacingError) as caught:
        await fetch_provider_image(url, api_base)
    return caught.value.message


async def test_the_providers_own_origin_is_fetched(provider: int) -> None:
    base = f"http://127.0.0.1:{provider}/v1"
    assert await fetch_provider_image(f"http://127.0.0.1:{provider}/img/1.png", base) == PNG


async def test_other_ports_of_an_http_provider_are_never_contacted(
    provider: int, other_open_port: int
) -> None:
    base = f"http://127.0.0.1:{provider}/v1"
    open_other = await _message(f"http://127.0.0.1:{other_open_port}/x.png", base)
    closed = await _message(f"http://127.0.0.1:{_closed_port()}/x.png", base)
    https_other = await _message(f"https://127.0.0.1:{other_open_port}/x.png", base)
    bad_port = await _message("http://127.0.0.1:99999/x.png", base)
    # the same words whether the port is open, closed, malformed or spoken to in https
    assert open_other == closed == https_other == bad_port == NOT_FETCHED


async def test_failures_on_the_own_origin_read_the_same_as_refusals(
    other_open_port: int,
) -> None:
    base = f"http://127.0.0.1:{other_open_port}/v1"  # the provider itself answers 404
    failed = await _message(f"http://127.0.0.1:{other_open_port}/missing.png", base)
    refused = await _message("http://10.0.0.1/x.png", base)
    assert failed == refused == NOT_FETCHED


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com:8443/x.png",  # https, but not on the standard port
        "http://api.openai.com/x.png",  # not https
        "https://evil.example/x.png",  # not a provider host
        "https://user:pw@api.openai.com/x.png",  # credentials
        "ftp://api.openai.com/x.png",
    ],
)
async def test_https_providers_links_need_https_on_443_of_their_hosts(url: str) -> None:
    assert await _message(url, "https://api.openai.com/v1") == NOT_FETCHED
