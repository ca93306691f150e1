"""Start the real app (`chainlit run app.py --headless`) as a subprocess for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

# The app under test sees only these variables of the shell that runs the tests (and what each
# test sets): whatever else a developer's shell or a CI runner exports (keys, proxies, Chainlit or
# litellm switches) cannot change what is tested.
_INHERITED = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppProcess:
    """A running ImageChat server; `url` is its address, `log` what it printed so far."""

    def __init__(self, env: dict[str, str], log_path: Path, cwd: Path = ROOT) -> None:
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until this process (not another one) answers on its port."""
        for _attempt in range(3):
            if self._start_once(timeout):
                return
            # Another process took the port between free_port() and our bind: take a new one.
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
        raise RuntimeError(f"app could not bind a free port:\n{self.log}")

    def _start_once(self, timeout: float) -> bool:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "chainlit",
                    "run",
                    "app.py",
                    "--headless",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "address already in use" in self.log:
                    return False
                raise RuntimeError(f"app exited early:\n{self.log}")
            if self._listening():
                try:
                    if httpx.get(self.url + "/project/settings", timeout=1).status_code < 500:
                        return True
                except httpx.HTTPError:
                    pass
            time.sleep(0.25)
        raise RuntimeError(f"app did not start in {timeout}s:\n{self.log}")

    def _listening(self) -> bool:
        """True once our own process listens on the port (so a stranger's answer never counts)."""
        assert self.proc is not None
        try:
            sockets = psutil.Process(self.proc.pid).net_connections(kind="tcp")
        except psutil.Error:
            return False
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == self.port
            for c in sockets
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def restart(self) -> None:
        self.stop()
        self.start()


def app_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _INHERITED}
    env.update(
        {
            "IMAGECHAT_DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
            "CHAINLIT_TELEMETRY_ENABLED": "false",
            # no live previews (they cost CPU on this 2-core machine) except in the modules that
            # test them, which set IMAGECHAT_PARTIAL_IMAGES (and slow the demo's down to watch)
            "IMAGECHAT_PARTIAL_IMAGES": "0",
            "IMAGECHAT_DEMO_PARTIAL_DELAY": "0",
        }
    )
    env.update(overrides)
    return env


@contextmanager
def running_app(data_dir: Path, name: str, **overrides: str) -> Iterator[AppProcess]:
    ARTIFACTS.mkdir(exist_ok=True)
    app = AppProcess(app_env(data_dir, **overrides), ARTIFACTS / f"app-{name}.log")
    app.log_path.write_text("")
    app.start()
    try:
        yield app
    finally:
        app.stop()


def cli(data_dir: Path, *args: str, stdin: str = "") -> None:
    """Run `imagechat ARGS` on the app's data, in another process, as an administrator would."""
    done = subprocess.run(
        [sys.executable, "-m", "imagechat.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=app_env(data_dir),
        check=False,
    )
    assert done.returncode == 0, done.stderr


def add_user(data_dir: Path, name: str, password: str) -> None:
    """Add an ordinary user with the CLI (password on stdin), as an admin would."""
    cli(data_dir, "users", "add", name, stdin=password + "\n")


def provider_env(server: Any, user: str, password: str, **extra: str) -> dict[str, str]:
    """Environment for an app with `user` as admin, talking to a fake OpenAI `server`."""
    return {
        "ADMIN_USERNAME": user,
        "ADMIN_PASSWORD": password,
        "OPENAI_API_KEY": server.api_key,
        "OPENAI_BASE_URL": server.base_url,
        **extra,
    }
