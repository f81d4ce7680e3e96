"""The webhook: POST one event as JSON, retried, optionally signed; never fatal.

`send(url, event)` returns True when the receiver answered 2xx, False otherwise.
It never raises: every failure is logged on the "driftcheck.serve" logger, and the
caller counts it. Standard library only (urllib).

The request (docs/status-page-and-webhook.md has a receiver that verifies it):
- the body is the event as compact JSON with sorted keys, UTF-8;
- `Content-Type: application/json`, `User-Agent: driftcheck/<version>`;
- `X-Driftcheck-Event`: the event's type ("delta" unless the event says otherwise);
- `X-Driftcheck-Delivery`: an id of this event (a hash of the body), the same on every
  retry, so that a receiver can drop a duplicate;
- with a secret, `X-Driftcheck-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body
  bytes under the secret, as GitHub's X-Hub-Signature-256;
- with `user:password@` in the URL, `Authorization: Basic …` (HTTP Basic auth); the URL
  is requested without them, and the log never shows them.

Retries: connection errors, timeouts, 408, 429 and 5xx are tried again, up to `retries`
more times, after `backoff`, 2×`backoff`, 4×`backoff`… seconds; a Retry-After of at most
`MAX_RETRY_AFTER` seconds is waited instead when longer, a longer one ends the
delivery. Other answers (3xx, 4xx) are final: redirects are not followed, since
following one would turn the POST into a GET or send the event somewhere unreviewed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from driftcheck import __version__

log = logging.getLogger("driftcheck.serve")

SIGNATURE_HEADER = "X-Driftcheck-Signature"
EVENT_HEADER = "X-Driftcheck-Event"
DELIVERY_HEADER = "X-Driftcheck-Delivery"
# A receiver asking to be called back later than this is not waited for: the service
# sends from its check cycle.
MAX_RETRY_AFTER = 30.0
_RETRY_STATUS = frozenset({408, 429})

# Patched by the tests to record the waits instead of sleeping them.
_sleep = time.sleep


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches us as an HTTPError


def body_of(event: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for `event`."""
    return json.dumps(
        event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The X-Driftcheck-Signature value for `body`: `sha256=` and the hex HMAC-SHA256."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send(
    url: str,
    event: Mapping[str, Any],
    *,
    secret: str | None = None,
    timeout: float = 5.0,
    retries: int = 3,
    backoff: float = 0.5,
) -> bool:
    """POST `event` to `url`; True when it was delivered (2xx). Never raises."""
    where = _redacted(url)
    try:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            log.error("webhook %s: not an http(s) URL; the event is not sent", where)
            return False
        url, authorization = _credentials(url)
        body = body_of(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"driftcheck/{__version__}",
            EVENT_HEADER: _event_type(event),
            DELIVERY_HEADER: hashlib.sha256(body).hexdigest()[:32],
        }
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        if authorization:
            headers["Authorization"] = authorization
    except (ValueError, TypeError) as exc:  # not JSON, or a secret that is not text
        log.error("webhook %s: the event cannot be sent: %s", where, exc)
        return False

    attempts = 1 + max(retries, 0)
    for attempt in range(1, attempts + 1):
        try:
            outcome = _attempt(url, body, headers, timeout, where)
        except Exception:  # a bug must not stop the service: log it with its traceback
            log.exception("webhook %s: unexpected failure; the event is dropped", where)
            return False
        if outcome == "delivered":
            return True
        if outcome == "final":
            return False
        if attempt == attempts:
            break
        if outcome > MAX_RETRY_AFTER:
            log.error("webhook %s: asked to retry in %.0f s; giving up", where, outcome)
            return False
        delay = max(backoff * 2 ** (attempt - 1), outcome)
        log.warning(
            "webhook %s: retrying in %.2f s (attempt %d of %d)", where, delay, attempt + 1, attempts
        )
        _sleep(delay)
    log.error("webhook %s: gave up after %d attempts; the event is dropped", where, attempts)
    return False


def _attempt(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float, where: str
) -> Literal["delivered", "final"] | float:
    """One POST: "delivered", "final" (retrying cannot help), or worth retrying after
    the receiver's Retry-After in seconds (0 when it gave none)."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        # Built per call: the proxy settings are read from the environment then.
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)  # drain a little, so the connection closes cleanly
            status = response.status
    except urllib.error.HTTPError as exc:
        with exc:
            detail = _snippet(exc)
            status, retry_after = exc.code, _retry_after(exc.headers)
        if status in _RETRY_STATUS or 500 <= status <= 599:
            log.warning("webhook %s: HTTP %d%s", where, status, detail)
            return retry_after
        if 300 <= status <= 399:
            log.error(
                "webhook %s: HTTP %d, redirected to %s; redirects are not followed, "
                "point the URL at the receiver",
                where,
                status,
                _redacted(exc.headers.get("Location") or "?"),
            )
        else:
            log.error("webhook %s: HTTP %d%s; not retried", where, status, detail)
        return "final"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ssl.SSLCertVerificationError):
            log.error("webhook %s: %s; not retried", where, exc.reason)
            return "final"
        reason = exc.reason
        log.warning(
            "webhook %s: %s",
            where,
            _describe(reason, timeout) if isinstance(reason, BaseException) else reason,
        )
        return 0.0
    except (OSError, HTTPException) as exc:  # timeouts, resets, a garbled answer
        log.warning("webhook %s: %s", where, _describe(exc, timeout))
        return 0.0
    if 200 <= status <= 299:
        log.debug("webhook %s: delivered (HTTP %d)", where, status)
        return "delivered"
    log.error("webhook %s: HTTP %d; not retried", where, status)
    return "final"


def _credentials(url: str) -> tuple[str, str | None]:
    """The URL without its user:password@, and those as an HTTP Basic Authorization
    header (None without them). urllib would take them for part of the host."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{unquote(user)}:{unquote(password)}".encode()
    token = base64.b64encode(pair).decode("ascii")
    return urlunsplit(parts._replace(netloc=hostport)), f"Basic {token}"


def _event_type(event: Mapping[str, Any]) -> str:
    kind = event.get("type")
    # A header value: printable ASCII only, or the event's type is not used.
    if isinstance(kind, str) and kind and kind.isascii() and kind.isprintable():
        return kind
    return "delta"


def _retry_after(headers: Message | None) -> float:
    """Retry-After in seconds (delta-seconds or an HTTP date); 0 when absent or unreadable."""
    value = (headers.get("Retry-After") if headers is not None else None) or ""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        return 0.0
    return max(when.timestamp() - time.time(), 0.0)


def _snippet(exc: urllib.error.HTTPError) -> str:
    """The start of the receiver's answer, for the log (receivers say why they refused)."""
    try:
        text = exc.read(200).decode("utf-8", "replace")
    except (OSError, HTTPException):
        return ""
    text = " ".join(text.split())
    return f": {text!r}" if text else ""


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _redacted(url: str) -> str:
    """The URL as logged: scheme, host and port only. Webhook URLs often carry their
    credential in the path (Slack's do) or in user:password@."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable URL>"
    if ":" in host:
        host = f"[{host}]"
    return (
        f"{parts.scheme}://{host}{port}/…"
        if parts.path not in ("", "/")
        else (f"{parts.scheme}://{host}{port}/")
    )
