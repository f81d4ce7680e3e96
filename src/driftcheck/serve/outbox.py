"""The webhook's queue: events go out from a thread of their own, so that a slow or
absent receiver never holds up a check cycle.

The queue is bounded (`QUEUE_SIZE`): when the receiver cannot keep up (a release makes
every database of a large fleet `pending` at once), the events beyond it are dropped,
logged and counted as failures, and the cycle carries on.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from driftcheck.config import NotifyConfig

log = logging.getLogger("driftcheck.serve")

QUEUE_SIZE = 1000


class Outbox:
    def __init__(self, cfg: NotifyConfig, failed: Callable[[], None]) -> None:
        self.cfg = cfg
        self._failed = failed
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(QUEUE_SIZE)
        self._thread = threading.Thread(target=self._run, name="driftcheck-webhook", daemon=True)
        self._thread.start()

    def put(self, event: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            log.error(
                "webhook: %d events are waiting to be sent; event for %s dropped",
                QUEUE_SIZE,
                event.get("database"),
            )
            self._failed()

    def close(self, timeout: float) -> None:
        """Stop after the event being sent (the ones still queued are not sent)."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        from driftcheck.serve.notify import send

        while (event := self._queue.get()) is not None:
            ok = send(
                self.cfg.url,
                event,
                secret=self.cfg.secret,
                timeout=self.cfg.timeout,
                retries=self.cfg.retries,
            )
            if not ok:
                self._failed()
