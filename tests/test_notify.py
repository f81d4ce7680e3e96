"""The webhook sender against a real receiver on loopback: what it sends, how it retries,
when it gives up, and that it never raises."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from driftcheck import __version__
from driftcheck.serve import notify
from driftcheck.serve.notify import send

SECRET = "s3cret, shared"
EVENT = {
    "target": "tenants",
    "database": "/srv/app/tenants/café <1>.db",
    "at": "2026-12-03T06:00:00Z",
    "cycle": 7,
    "delta": {
        "database": "/srv/app/tenants/café <1>.db",
        "status": {"before": "clean", "after": "drift"},
        "effective_version": {"before": "0013", "after": "0013"},
        "latest_version": "0013",
        "appeared": [],
        "resolved": [],
        "empty": False,
        "worse": True,
    },
}


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """A receiver's check, as docs/status-page-and-webhook.md gives it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(expected, header)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False  # answer nothing until the test ends


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A webhook receiver on loopback that answers from a script (the last answer repeats)."""

    def __init__(self) -> None:
        self.script: list[Answer] = [Answer()]
        self.received: list[Received] = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                answer = receiver.script[min(len(receiver.received), len(receiver.script)) - 1]
                if answer.hang:
                    receiver.release.wait(10)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/driftcheck"

    def answers(self, *script: Answer) -> Receiver:
        self.script = list(script)
        return self


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield r
    finally:
        r.release.set()
        r.server.shutdown()
        r.server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The backoff waits, recorded instead of slept; no proxy stands between us and loopback."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    recorded: list[float] = []
    monkeypatch.setattr(notify, "_sleep", recorded.append)
    return recorded


def test_the_event_arrives_as_signed_compact_json(receiver: Receiver) -> None:
    assert send(receiver.url, EVENT, secret=SECRET) is True
    [got] = receiver.received
    assert got.path == "/hooks/driftcheck"
    assert json.loads(got.body.decode("utf-8")) == EVENT
    assert got.body == json.dumps(
        EVENT, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert "café <1>.db".encode() in got.body  # UTF-8, not \u escapes
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == f"driftcheck/{__version__}"
    assert got.headers["X-Driftcheck-Event"] == "delta"
    assert verify(SECRET, got.body, got.headers["X-Driftcheck-Signature"])
    assert not verify("another secret", got.body, got.headers["X-Driftcheck-Signature"])
    assert not verify(SECRET, got.body + b" ", got.headers["X-Driftcheck-Signature"])


def test_without_a_secret_nothing_is_signed(receiver: Receiver) -> None:
    assert send(receiver.url, {"type": "test", "n": 1}) is True
    [got] = receiver.received
    assert "X-Driftcheck-Signature" not in got.headers
    assert got.headers["X-Driftcheck-Event"] == "test"
    assert got.body == b'{"n":1,"type":"test"}'


@pytest.mark.parametrize("kind", ["two\nlines", "café", "", 7])
def test_an_event_type_unfit_for_a_header_is_not_used(receiver: Receiver, kind: Any) -> None:
    assert send(receiver.url, {"type": kind}) is True
    assert receiver.received[0].headers["X-Driftcheck-Event"] == "delta"


def test_userinfo_in_the_url_is_sent_as_basic_auth_and_never_logged(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    import base64

    url = receiver.url.replace("http://", "http://hook-user:p%40ss:word@")
    assert send(url, EVENT) is True
    [got] = receiver.received
    assert got.path == "/hooks/driftcheck"
    assert got.headers["Host"] == receiver.url.split("/")[2]  # no user:password@
    token = base64.b64encode(b"hook-user:p@ss:word").decode()
    assert got.headers["Authorization"] == f"Basic {token}"

    receiver.received.clear()
    receiver.answers(Answer(401, body=b"who are you"))
    with caplog.at_level(logging.DEBUG, logger="driftcheck.serve"):
        assert send(url, EVENT) is False
    assert "HTTP 401" in caplog.text and "127.0.0.1" in caplog.text
    for secret in ("hook-user", "p%40ss", "p@ss", "word", token):
        assert secret not in caplog.text


def test_a_server_error_is_retried_with_the_same_delivery(receiver, waits) -> None:
    receiver.answers(Answer(500), Answer(502), Answer(200))
    assert send(receiver.url, EVENT, secret=SECRET, backoff=0.25) is True
    assert len(receiver.received) == 3
    assert waits == [0.25, 0.5]  # exponential backoff
    first, *rest = receiver.received
    for again in rest:
        assert again.body == first.body
        assert again.headers["X-Driftcheck-Delivery"] == first.headers["X-Driftcheck-Delivery"]
        assert again.headers["X-Driftcheck-Signature"] == first.headers["X-Driftcheck-Signature"]


def test_it_gives_up_after_the_retries_and_says_so(receiver, waits, caplog) -> None:
    receiver.answers(Answer(503, body=b"down for maintenance"))
    with caplog.at_level(logging.WARNING, logger="driftcheck.serve"):
        assert send(receiver.url, EVENT, retries=2, backoff=0.1) is False
    assert len(receiver.received) == 3
    assert waits == [0.1, 0.2]
    assert "gave up after 3 attempts" in caplog.text
    assert "HTTP 503: 'down for maintenance'" in caplog.text
    # The URL's path (where webhook credentials live) stays out of the log.
    assert "/hooks/driftcheck" not in caplog.text and "127.0.0.1" in caplog.text


def test_a_short_retry_after_is_honoured_and_a_long_one_ends_the_delivery(
    receiver, waits, caplog
) -> None:
    receiver.answers(Answer(429, {"Retry-After": "3"}), Answer(200))
    assert send(receiver.url, EVENT, backoff=0.1) is True
    assert waits == [3.0]

    waits.clear()
    receiver.received.clear()
    receiver.answers(Answer(503, {"Retry-After": "3600"}))
    with caplog.at_level(logging.ERROR, logger="driftcheck.serve"):
        assert send(receiver.url, EVENT, backoff=0.1) is False
    assert len(receiver.received) == 1 and waits == []
    assert "asked to retry in 3600 s" in caplog.text


def test_the_timeout_is_honoured(receiver, waits) -> None:
    receiver.answers(Answer(hang=True), Answer(204, body=b""))
    started = time.monotonic()
    assert send(receiver.url, EVENT, timeout=0.2, retries=1, backoff=0.01) is True
    assert time.monotonic() - started < 2
    assert len(receiver.received) == 2

    receiver.received.clear()
    receiver.answers(Answer(hang=True))
    started = time.monotonic()
    assert send(receiver.url, EVENT, timeout=0.2, retries=1, backoff=0.01) is False
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_a_client_error_is_not_retried(receiver, waits, caplog, status: int) -> None:
    receiver.answers(Answer(status, body=b"bad signature"))
    with caplog.at_level(logging.ERROR, logger="driftcheck.serve"):
        assert send(receiver.url, EVENT, secret=SECRET) is False
    assert len(receiver.received) == 1 and waits == []
    assert f"HTTP {status}: 'bad signature'; not retried" in caplog.text


def test_a_redirect_is_not_followed(receiver, waits, caplog) -> None:
    receiver.answers(Answer(307, {"Location": "http://127.0.0.1:1/elsewhere"}))
    with caplog.at_level(logging.ERROR, logger="driftcheck.serve"):
        assert send(receiver.url, EVENT) is False
    assert len(receiver.received) == 1 and waits == []
    assert "redirects are not followed" in caplog.text


def test_a_refused_connection_is_false_not_an_exception(waits, caplog) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="driftcheck.serve"):
        assert send(f"http://127.0.0.1:{port}/", EVENT, retries=2, backoff=0.01) is False
    assert waits == [0.01, 0.02]
    assert "Connection refused" in caplog.text and "gave up after 3 attempts" in caplog.text


@pytest.mark.parametrize(
    ("url", "event"),
    [
        pytest.param("file:///etc/passwd", EVENT, id="not-http"),
        pytest.param("http://[::1", EVENT, id="unparsable-url"),
        pytest.param("", EVENT, id="empty-url"),
        pytest.param("http://127.0.0.1:9/", {"x": float("nan")}, id="nan-in-event"),
        pytest.param("http://127.0.0.1:9/", {"x": object()}, id="not-json"),
    ],
)
def test_what_cannot_be_sent_is_false_without_a_request(url, event, waits, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="driftcheck.serve"):
        assert send(url, event) is False
    assert waits == [] and "webhook" in caplog.text


def test_a_secret_that_is_not_text_is_false_without_a_request(receiver, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="driftcheck.serve"):
        assert send(receiver.url, EVENT, secret="\ud800") is False
    assert receiver.received == [] and "cannot be sent" in caplog.text
