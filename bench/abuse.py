"""Abuse benchmark: ``python -m bench.abuse``.

Prints one JSON object per line per figure, each measured against the real app started as a
subprocess (``chainlit run app.py``, as tests/apprunner.py starts it), its RSS sampled with
psutil every 20 ms:

* ``jpg_x12_40mpx_peak_rss_mb``: peak RSS of the app while 12 clients download, at once, 12
  different 40-megapixel PNGs (stored in its database through the storage layer) as JPG
  (target: under 600 MB);
* ``provider_reply_300mb_rss_increase_mb`` (and ``..._no_length_...``, without a
  Content-Length): RSS increase while a provider answers an image request with a 300 MB body
  (a local server streaming JSON as the OpenAI images endpoint).
  Measured in a subprocess that runs the app's exact provider call (``Generator.run`` for
  gpt-image-2: litellm -> the openai SDK -> the same capped httpx2 client), since making the
  demo chat model call an OpenAI image model through the socket adds nothing to what is
  measured (target: +50 MB at most);
* ``upload_200mb_rss_increase_mb`` and ``upload_200mb_chunked_rss_increase_mb``: RSS increase
  of the app while a 200 MB file is posted to ``/project/file`` with and without a
  Content-Length (target: +50 MB at most);
* ``chat_p95_under_login_flood_ratio``: p95 latency (message sent -> Chainlit's task_end) of a
  logged-in user chatting with the offline demo over Socket.IO while 40 clients post wrong
  passwords to ``POST /login`` in a loop, divided by the p95 without the flood (target: under
  2). The flood runs in its own process; each of its clients connects from its own loopback
  address (127.0.1.N) and each request uses a new user name, so neither a per-address nor a
  per-name throttle can turn it away without hashing; the status codes the flood got are
  printed with the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.apprunner import AppProcess, running_app

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "bench", "bench password 1234"
SIDE = 6300  # 39.7 megapixels
TARGETS = {"jpg": 600, "reply": 50, "upload": 50, "ratio": 2.0}


class RssSampler:
    """Peak RSS of one process, sampled every 20 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __enter__(self) -> RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def figure(name: str, value: float, unit: str, target: float, **extra: Any) -> dict[str, Any]:
    return {"figure": name, "value": round(value, 3), "unit": unit, "target": target, **extra}


@contextmanager
def app_running(name: str) -> Iterator[tuple[AppProcess, Path]]:
    with tempfile.TemporaryDirectory(prefix="bench-abuse-") as tmp:
        data = Path(tmp)
        env = {"ADMIN_USERNAME": USER, "ADMIN_PASSWORD": PASSWORD}
        # what the operator set for this run (e.g. IMAGECHAT_DECODE_BUDGET_MPX, MALLOC_*)
        env.update({k: v for k, v in os.environ.items() if k.startswith(("IMAGECHAT_", "MALLOC_"))})
        with running_app(data, f"bench-{name}", **env) as app:
            yield app, data


async def login(client: httpx.AsyncClient) -> str:
    response = await client.post("/login", data={"username": USER, "password": PASSWORD})
    response.raise_for_status()
    token = client.cookies.get("access_token")
    if not token:
        raise RuntimeError(f"no access_token cookie after login: {response.status_code}")
    return token


# --- 1: concurrent JPG conversions ------------------------------------------------------------


def big_png() -> bytes:
    from PIL import Image

    from bench._sample_images import make_sample_image

    image = make_sample_image(1024).resize((SIDE, SIDE), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


async def store_images(data_dir: Path, png: bytes, count: int) -> list[str]:
    from imagechat.storage.datalayer import ImageChatDataLayer
    from imagechat.storage.db import Database, default_sqlite_url

    db = Database(default_sqlite_url(data_dir))
    layer = ImageChatDataLayer(db)
    b64 = base64.b64encode(png).decode("ascii")
    thread = str(uuid.uuid4())
    try:
        return [
            await layer.save_image(
                user_identifier=USER,
                thread_id=thread,
                step_id=None,
                data_b64=b64,
                mime="image/png",
                width=SIDE,
                height=SIDE,
                prompt="bench",
            )
            for _ in range(count)
        ]
    finally:
        await db.dispose()


async def jpg_downloads(count: int = 12) -> dict[str, Any]:
    png = big_png()
    with app_running("jpg") as (app, data_dir):
        ids = await store_images(data_dir, png, count)
        async with httpx.AsyncClient(base_url=app.url, timeout=600) as client:
            await login(client)
            before = RssSampler(app.proc.pid).rss()  # type: ignore[union-attr]
            started = time.perf_counter()
            with RssSampler(app.proc.pid) as rss:  # type: ignore[union-attr]
                responses = await asyncio.gather(
                    *(client.get(f"/api/images/{i}?format=jpg") for i in ids)
                )
            elapsed = time.perf_counter() - started
            after = RssSampler(app.proc.pid).rss()  # type: ignore[union-attr]
    statuses = Counter(r.status_code for r in responses)
    if statuses != Counter({200: count}):
        raise RuntimeError(f"downloads failed: {statuses}")
    return figure(
        "jpg_x12_40mpx_peak_rss_mb",
        rss.peak / MB,
        "MB",
        TARGETS["jpg"],
        rss_before_mb=round(before / MB, 1),
        rss_after_mb=round(after / MB, 1),
        png_mb=round(len(png) / MB, 1),
        seconds=round(elapsed, 1),
    )


# --- 2: a 300 MB provider reply, a 200 MB upload -------------------------------------------------


def provider_reply_child(declared: bool) -> None:
    """Runs in its own process: the app's provider call against a 300 MB reply."""
    import imagechat.llm  # noqa: F401  (configures litellm before use)
    from imagechat.catalog import build_catalog
    from imagechat.generation import Generator
    from imagechat.image_params import GenerateImageArgs, plan_generation
    from imagechat.imaging.budget import tune_malloc
    from imagechat.llm import Endpoint
    from tests.fakes.huge_reply import huge_reply_server

    tune_malloc()  # as app.py does at start

    class Sink:
        async def image_done(self, result: Any) -> None:
            return None

    async def store(*_args: Any) -> str:
        raise AssertionError("nothing is stored")

    model = build_catalog(openai_key=True, environ={}).image_model("gpt-image-2")
    plan = plan_generation(GenerateImageArgs(prompt="a cat", n=1), model)

    async def once(base_url: str) -> Any:
        gen = Generator(
            model=model,
            endpoint=Endpoint(base_url, "sk-bench", "OPENAI_API_KEY"),
            store=store,
            sink=Sink(),
            partial_images=0,
        )
        return await gen.run(plan, "a cat")

    with huge_reply_server(64 * 1024) as small:  # warm-up: imports, clients, first call
        asyncio.run(once(small.base_url))
    with huge_reply_server(300 * MB, declare_length=declared) as server:
        before = RssSampler(os.getpid()).rss()
        with RssSampler(os.getpid()) as rss:
            result = asyncio.run(once(server.base_url))
        sent = server.sent
    print(
        json.dumps(
            {
                "increase": rss.peak - before,
                "before": before,
                "sent": sent,
                "error": result.images[0].error,
            }
        )
    )


def provider_reply(declared: bool) -> dict[str, Any]:
    flag = "--provider-reply-child" if declared else "--provider-reply-child-undeclared"
    done = subprocess.run(
        [sys.executable, "-m", "bench.abuse", flag],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    child = json.loads(done.stdout.strip().splitlines()[-1])
    return figure(
        "provider_reply_300mb_rss_increase_mb"
        if declared
        else "provider_reply_300mb_no_length_rss_increase_mb",
        child["increase"] / MB,
        "MB",
        TARGETS["reply"],
        server_sent_mb=round(child["sent"] / MB, 1),
        told=child["error"],
    )


async def _upload_body(size: int) -> AsyncIterator[bytes]:
    head = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        b"Content-Type: image/png\r\n\r\n"
    )
    yield head
    chunk = b"\x89" * MB
    for _ in range(size // MB):
        yield chunk
    yield b"\r\n--b--\r\n"


async def uploads(size: int = 200 * MB) -> list[dict[str, Any]]:
    results = []
    with app_running("upload") as (app, _):
        for declared in (True, False):
            async with httpx.AsyncClient(base_url=app.url, timeout=120) as client:
                await login(client)
                await asyncio.sleep(1.0)
                headers = {"content-type": "multipart/form-data; boundary=b"}
                if declared:
                    headers["content-length"] = str(size + 160)
                before = RssSampler(app.proc.pid).rss()  # type: ignore[union-attr]
                status: int | str
                with RssSampler(app.proc.pid) as rss:  # type: ignore[union-attr]
                    try:
                        response = await client.post(
                            "/project/file?session_id=none",
                            content=_upload_body(size),
                            headers=headers,
                        )
                        status = response.status_code
                    except httpx.HTTPError as exc:  # the server hung up mid-upload
                        status = type(exc).__name__
                    await asyncio.sleep(0.5)
            name = (
                "upload_200mb_rss_increase_mb"
                if declared
                else ("upload_200mb_chunked_rss_increase_mb")
            )
            results.append(
                figure(name, (rss.peak - before) / MB, "MB", TARGETS["upload"], status=status)
            )
    return results


# --- 3: chat latency during a login flood --------------------------------------------------------


class ChatUser:
    """A logged-in person on the real socket, as Chainlit's page connects."""

    def __init__(self, url: str, token: str) -> None:
        import socketio

        self.url = url
        self.token = token
        self.sio = socketio.AsyncClient(reconnection=False)
        self._task_end = asyncio.Event()
        self.sio.on("task_end", self._on_task_end)

    async def _on_task_end(self, *_args: Any) -> None:
        self._task_end.set()

    async def connect(self) -> None:
        self._task_end.clear()
        await self.sio.connect(
            self.url,
            socketio_path="/ws/socket.io",
            transports=["websocket"],
            headers={"Cookie": f"access_token={self.token}"},
            auth={
                "clientType": "webapp",
                "sessionId": str(uuid.uuid4()),
                "threadId": None,
                "userEnv": "{}",
                "chatProfile": None,
            },
        )
        await self.sio.emit("connection_successful")
        await asyncio.wait_for(self._task_end.wait(), 60)
        await asyncio.sleep(1.0)  # on_chat_start's sends settle

    async def say(self, text: str) -> float:
        self._task_end.clear()
        message = {
            "id": str(uuid.uuid4()),
            "threadId": "",
            "name": USER,
            "type": "user_message",
            "output": text,
            "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        started = time.perf_counter()
        await self.sio.emit("client_message", {"message": message, "fileReferences": []})
        await asyncio.wait_for(self._task_end.wait(), 120)
        return time.perf_counter() - started

    async def close(self) -> None:
        await self.sio.disconnect()


async def _latencies(user: ChatUser, count: int) -> list[float]:
    return [await user.say(f"Tell me something nice, number {i}.") for i in range(count)]


async def _flood(url: str, stop: asyncio.Event, statuses: Counter[int | str], n: int) -> None:
    # each client from its own loopback address (127.0.1.n), so a per-address throttle sees 40
    # addresses, and with a new user name each time, so a per-name one cannot stop hashing
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.1.{n + 1}")
    async with httpx.AsyncClient(base_url=url, timeout=60, transport=transport) as client:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                response = await client.post(
                    "/login", data={"username": f"flood{n}-{i}", "password": "wrong password"}
                )
                statuses[response.status_code] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


async def login_flood(messages: int = 15, clients: int = 40) -> dict[str, Any]:
    with app_running("flood") as (app, _):
        async with httpx.AsyncClient(base_url=app.url, timeout=60) as client:
            token = await login(client)
        user = ChatUser(app.url, token)
        await user.connect()
        await _latencies(user, 2)  # warm-up
        quiet = await _latencies(user, messages)
        flood = await asyncio.create_subprocess_exec(  # its own process and event loop
            sys.executable,
            "-m",
            "bench.abuse",
            "--flood-child",
            app.url,
            str(clients),
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        await asyncio.sleep(3.0)  # the flood is under way
        loaded = await _latencies(user, messages)
        flood.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(flood.communicate(), 60)
        statuses = json.loads(out.decode().strip().splitlines()[-1])
        await user.close()
    quiet_p95, loaded_p95 = p95(quiet), p95(loaded)
    return figure(
        "chat_p95_under_login_flood_ratio",
        loaded_p95 / quiet_p95,
        "ratio",
        TARGETS["ratio"],
        p95_quiet_ms=round(quiet_p95 * 1000, 1),
        p95_flood_ms=round(loaded_p95 * 1000, 1),
        flood_clients=clients,
        flood_statuses=statuses,
    )


def flood_child(url: str, clients: int) -> None:
    """Runs in its own process until SIGINT; prints the status codes the flood got."""

    async def run() -> Counter[int | str]:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        statuses: Counter[int | str] = Counter()
        await asyncio.gather(*(_flood(url, stop, statuses, n) for n in range(clients)))
        return statuses

    statuses = asyncio.run(run())
    print(json.dumps({str(k): v for k, v in statuses.items()}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider-reply-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--provider-reply-child-undeclared", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--flood-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["jpg", "reply", "upload", "flood"], action="append")
    args = parser.parse_args()
    if args.flood_child:
        flood_child(args.flood_child[0], int(args.flood_child[1]))
        return
    if args.provider_reply_child or args.provider_reply_child_undeclared:
        provider_reply_child(declared=args.provider_reply_child)
        return
    only = set(args.only or ["jpg", "reply", "upload", "flood"])
    if "jpg" in only:
        print(json.dumps(asyncio.run(jpg_downloads())), flush=True)
    if "reply" in only:
        for declared in (True, False):
            print(json.dumps(provider_reply(declared)), flush=True)
    if "upload" in only:
        for result in asyncio.run(uploads()):
            print(json.dumps(result), flush=True)
    if "flood" in only:
        print(json.dumps(asyncio.run(login_flood())), flush=True)


if __name__ == "__main__":
    main()
