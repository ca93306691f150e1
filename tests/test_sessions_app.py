"""Against the real app (`chainlit run app.py`): a login token stops working when its session
ends (logout, new password, account removed or disabled), over HTTP and over the socket; an
open socket's next message is refused; and sign-in is throttled (issue 11, points 1 and 3).

Accounts are changed with the `imagechat` command line in another process, as an operator
would, while the app runs.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from imagechat.auth import AccountDisabled, TooManyAttempts
from imagechat.ui.auth import SESSION_ENDED
from tests.apprunner import AppProcess, add_user, cli, running_app

ADMIN = {"ADMIN_USERNAME": "root", "ADMIN_PASSWORD": "root password 1"}
PASSWORD = "a good password"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[AppProcess]:
    # the offline demo model answers (no OpenAI key); the default limits: 10 failures per
    # account, 30 per address, per 15 minutes
    with running_app(data_dir, "sessions", **ADMIN) as running:
        yield running


def new_user(data_dir: Path) -> str:
    name = f"u{uuid.uuid4().hex[:10]}"
    add_user(data_dir, name, PASSWORD)
    return name


def login(
    app: AppProcess, name: str, password: str = PASSWORD, address: str | None = None
) -> httpx.Response:
    # uvicorn takes the client address from X-Forwarded-For when the peer is 127.0.0.1 (its
    # FORWARDED_ALLOW_IPS default), which lets one machine play several clients.
    headers = {"X-Forwarded-For": address} if address else {}
    return httpx.post(
        app.url + "/login",
        data={"username": name, "password": password},
        headers=headers,
        timeout=30,
    )


def token_of(app: AppProcess, name: str, password: str = PASSWORD) -> str:
    response = login(app, name, password)
    assert response.status_code == 200, response.text
    return response.cookies["access_token"]


def http_statuses(app: AppProcess, token: str) -> dict[str, int]:
    """What three kinds of HTTP route answer to the token (as cookie and as Bearer header)."""
    statuses: dict[str, int] = {}
    for how, kwargs in (
        ("cookie", {"cookies": {"access_token": token}}),
        ("bearer", {"headers": {"Authorization": f"Bearer {token}"}}),
    ):
        with httpx.Client(base_url=app.url, timeout=30, **kwargs) as client:  # type: ignore[arg-type]
            statuses[f"{how} GET /user"] = client.get("/user").status_code
            statuses[f"{how} GET /api/images"] = client.get(
                f"/api/images/{uuid.uuid4()}"
            ).status_code
            listing = {"pagination": {"first": 20}, "filter": {}}
            statuses[f"{how} POST /project/threads"] = client.post(
                "/project/threads", json=listing
            ).status_code
    return statuses


LIVE = {
    **{f"{how} GET /user": 200 for how in ("cookie", "bearer")},
    **{f"{how} GET /api/images": 404 for how in ("cookie", "bearer")},  # no such image: asked
    **{f"{how} POST /project/threads": 200 for how in ("cookie", "bearer")},
}
REFUSED = dict.fromkeys(LIVE, 401)


class Socket:
    """A Chainlit socket opened the way the web app opens it; records what the server says."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, Any]] = []

        @self.client.on("*")
        async def record(event: str, data: Any = None) -> None:
            self.events.append((event, data))

    async def connect(self) -> str:
        auth = {
            "clientType": "webapp",
            "sessionId": str(uuid.uuid4()),
            "threadId": "",
            "userEnv": "{}",
            "chatProfile": "",
        }
        try:
            await self.client.connect(
                self.url,
                socketio_path="/ws/socket.io",
                headers={"Cookie": f"access_token={self.token}"},
                auth=auth,
                transports=["websocket"],
                wait_timeout=15,
            )
        except socketio.exceptions.ConnectionError:
            return "refused"
        await self.client.emit("connection_successful")
        return "connected"

    async def say(self, text: str) -> None:
        message = {
            "id": str(uuid.uuid4()),
            "threadId": "",
            "name": "User",
            "type": "user_message",
            "output": text,
            "createdAt": "2026-12-01T00:00:00Z",
        }
        await self.client.emit("client_message", {"message": message, "fileReferences": []})

    def assistant_messages(self) -> dict[str, str]:
        """The assistant's messages so far: id -> latest text."""
        out: dict[str, str] = {}
        for event, data in self.events:
            if event in ("new_message", "update_message", "stream_start") and isinstance(
                data, dict
            ):
                if data.get("type") == "assistant_message":
                    out[str(data.get("id"))] = str(data.get("output") or "")
        return out

    async def answer_to(self, text: str, seconds: float = 60) -> list[str]:
        """Send ``text``; the assistant messages that appear until the task ends."""
        before = set(self.assistant_messages())
        start = len(self.events)
        await self.say(text)
        for _ in range(int(seconds * 10)):
            # done: a new assistant message, and the task that wrote it has ended
            new = [
                i
                for i, (event, data) in enumerate(self.events[start:])
                if isinstance(data, dict)
                and data.get("type") == "assistant_message"
                and str(data.get("id")) not in before
            ]
            if new and "task_end" in [event for event, _ in self.events[start + new[0] :]]:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # late updates of the same messages
        return [v for k, v in self.assistant_messages().items() if k not in before]

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()


def socket_connects(app: AppProcess, token: str) -> str:
    async def attempt() -> str:
        socket = Socket(app.url, token)
        try:
            return await socket.connect()
        finally:
            await socket.close()

    return asyncio.run(attempt())


def test_a_fresh_token_of_an_active_user_works(app: AppProcess, data_dir: Path) -> None:
    token = token_of(app, new_user(data_dir))
    assert http_statuses(app, token) == LIVE
    assert socket_connects(app, token) == "connected"


def test_logout_ends_the_token(app: AppProcess, data_dir: Path) -> None:
    token = token_of(app, new_user(data_dir))
    other = token_of(app, new_user(data_dir))
    logout = httpx.post(app.url + "/logout", cookies={"access_token": token}, timeout=30)
    assert logout.status_code == 200
    assert http_statuses(app, token) == REFUSED
    assert socket_connects(app, token) == "refused"
    assert http_statuses(app, other) == LIVE  # only that session ended


def test_a_new_password_ends_the_token(app: AppProcess, data_dir: Path) -> None:
    name = new_user(data_dir)
    token = token_of(app, name)
    cli(data_dir, "users", "passwd", name, stdin="another password\n")
    assert http_statuses(app, token) == REFUSED
    assert socket_connects(app, token) == "refused"
    assert login(app, name).status_code == 401
    assert http_statuses(app, token_of(app, name, "another password")) == LIVE


def test_removing_the_user_ends_the_token(app: AppProcess, data_dir: Path) -> None:
    name = new_user(data_dir)
    token = token_of(app, name)
    cli(data_dir, "users", "remove", name)
    assert http_statuses(app, token) == REFUSED
    assert socket_connects(app, token) == "refused"


def test_disabling_the_user_ends_the_token(app: AppProcess, data_dir: Path) -> None:
    name = new_user(data_dir)
    token = token_of(app, name)
    cli(data_dir, "users", "disable", name)
    assert http_statuses(app, token) == REFUSED
    assert socket_connects(app, token) == "refused"
    refused = login(app, name)
    assert refused.status_code == 403 and refused.json() == {"detail": AccountDisabled.detail}
    cli(data_dir, "users", "enable", name)
    assert http_statuses(app, token) == REFUSED  # enabling starts no old session again
    assert http_statuses(app, token_of(app, name)) == LIVE


def test_an_open_socket_cannot_send_after_its_session_ended(
    app: AppProcess, data_dir: Path
) -> None:
    name = new_user(data_dir)
    token = token_of(app, name)

    async def scenario() -> tuple[list[str], list[str]]:
        socket = Socket(app.url, token)
        try:
            assert await socket.connect() == "connected"
            answered = await socket.answer_to("Say hello")
            await asyncio.to_thread(
                cli, data_dir, "users", "passwd", name, stdin="another password\n"
            )
            return answered, await socket.answer_to("Say hello again")
        finally:
            await socket.close()

    answered, refused = asyncio.run(scenario())
    assert answered and SESSION_ENDED not in answered  # the control: a live session is answered
    assert refused == [SESSION_ENDED]


def test_sign_in_is_throttled_per_account_without_blocking_others(
    app: AppProcess, data_dir: Path
) -> None:
    name, other = new_user(data_dir), new_user(data_dir)
    for attempt in range(10):
        wrong = login(app, name, f"wrong password {attempt}", address="192.0.2.10")
        assert wrong.status_code == 401, wrong.text
    eleventh = login(app, name, "wrong password 11", address="192.0.2.10")
    assert eleventh.status_code == 429
    assert eleventh.json() == {"detail": TooManyAttempts.detail}
    assert 0 < int(eleventh.headers["retry-after"]) <= 15 * 60
    # The right password is refused too, from any address, until the window passes...
    right = login(app, name, address="192.0.2.99")
    assert right.status_code == 429 and "access_token" not in right.cookies
    # ...while another account from another address signs in as usual.
    assert login(app, other, address="192.0.2.20").status_code == 200
