"""The service's state and its check cycle.

A `Service` holds the configured targets, each database's latest and previous report,
and per target a bounded ring of events (the deltas between consecutive reports). A
scheduler thread runs a cycle every `interval` seconds (counted from the end of the
last one), or at once when asked (`request_check`, POST /check):

- for each target, its pattern is expanded and every database checked through the
  public API (`driftcheck.api.validate_each`: read-only, the migrations loaded once
  per target and cycle), one database after another in this thread;
- a database that breaks, or whose file goes away, gets an `error` report: the check
  never raises for one database, and a target that fails as a whole (its migrations
  do not load) only marks its own databases. A database that no longer matches its
  target's pattern is checked once more (an `error` report: it is gone), then dropped;
- the stop event is looked at between two databases, so SIGTERM is answered within
  one database's check.

The first pass over a target is its baseline: first reports make no events (a fleet of
20,000 does not start with 20,000 events). After it, a database's delta that is not
empty is an event; one whose status changed is also sent to the webhook.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from driftcheck.config import Config
from driftcheck.errors import ConfigError, DriftcheckError
from driftcheck.report.delta import ReportDelta, gone_delta, report_delta
from driftcheck.report.model import FleetReport, FleetSummary, Report, now, tool

log = logging.getLogger("driftcheck.serve")

# Events kept per target (the newest; older ones are dropped), and on the status page.
EVENTS_KEPT = 200
PAGE_EVENTS = 50
# Test hook: seconds to wait after each database's check (a slow cycle on demand).
DELAY_ENV = "DRIFTCHECK_SERVE_TEST_DELAY"
STATUSES = ("clean", "pending", "drift", "error")
# The longest single wait of the scheduler, in seconds (it waits longer in slices).
MAX_WAIT = 3600.0


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(_Model):
    """What changed in one database between two consecutive checks."""

    type: Literal["delta"] = "delta"
    target: str = Field(description="the target's name")
    database: str | None = Field(description="target.database of the reports")
    cycle: int = Field(description="the cycle that saw the change")
    at: str = Field(description="when it was seen (ISO-8601 UTC)")
    delta: ReportDelta


class Cycle(_Model):
    """The check cycle: the last one started, and whether it still runs."""

    number: int = Field(description="the last cycle started; 0: none yet")
    started_at: str | None = Field(description="ISO-8601 UTC; null: none started yet")
    finished_at: str | None = Field(
        description="when the last complete cycle finished; null: none has finished yet"
    )
    interval_seconds: int
    running: bool = Field(description="a cycle is running, or one was asked for")


@dataclass(frozen=True)
class Target:
    """One `[[targets]]` table, as the service checks it."""

    name: str
    db: str  # a path, a URL or a glob pattern
    label: str  # where it was configured, for messages
    migrations: str | None = None
    migrations_format: str | None = None
    migrations_pattern: str | None = None
    expected: str | None = None
    history: str | None = None
    busy_timeout: float | None = None

    def databases(self) -> list[str]:
        """The databases the pattern matches now (none is not an error here: a fleet may
        be empty for a while)."""
        from driftcheck.fleet import Spec, databases

        try:
            return databases([Spec(self.db, self.label)])
        except ConfigError:  # the pattern matches no file
            return []


def targets_of(cfg: Config) -> list[Target]:
    """The targets of the config: its `[[targets]]` tables, or its `database` as one
    target named "default". Each needs a name: it is part of the URLs."""
    if not cfg.targets:
        if cfg.database:
            return [Target("default", cfg.database, f"{cfg.source}: database")]
        raise ConfigError(
            f"{cfg.source or 'no config file'}: no [[targets]] to check",
            hint='add one to driftcheck.toml:\n[[targets]]\nname = "tenants"\n'
            'database = "tenants/*.db"\nmigrations = "migrations"',
            code="usage",
        )
    out = []
    for n, t in enumerate(cfg.targets, 1):
        label = f"{cfg.source}: [[targets]] {n}"
        if t.name is None:
            raise ConfigError(
                f"{label} (db = {t.db!r}) has no name; driftcheck serve needs one",
                hint='add e.g. name = "tenants" (letters, digits, ".", "_", "-"): the '
                "target's reports are at /reports/{name}",
                code="config_value",
            )
        out.append(
            Target(
                name=t.name,
                db=t.db,
                label=f"{label}, db = {t.db!r}",
                migrations=t.migrations,
                migrations_format=t.migrations_format,
                migrations_pattern=t.migrations_pattern,
                expected=t.expected,
                history=t.history,
                busy_timeout=t.busy_timeout,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Checked:
    report: Report
    at: float  # when it was made (time.time())


@dataclass
class TargetState:
    latest: dict[str, Checked] = field(default_factory=dict)
    previous: dict[str, Report] = field(default_factory=dict)
    events: deque[Event] = field(default_factory=lambda: deque(maxlen=EVENTS_KEPT))
    passes: int = 0  # complete passes over the target
    # The latest version of the target's migrations, as last loaded (None: not known,
    # or they did not load): the `latest` of its databases whose check failed.
    latest_version: str | None = None
    checked_at: float | None = None  # when the last complete pass finished


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).replace(microsecond=0).isoformat()[:-6] + "Z"


class Service:
    """The targets, their latest reports and events, and the scheduler thread."""

    def __init__(
        self,
        config: Config,
        targets: list[Target],
        *,
        interval: int = 300,
        metrics_databases: int = 100,
    ) -> None:
        from driftcheck.serve.metrics import Metrics
        from driftcheck.serve.outbox import Outbox

        self.config = config
        self.targets = targets
        self.interval = interval
        self.state = {t.name: TargetState() for t in targets}
        self.metrics = Metrics(self, metrics_databases)
        self.outbox = Outbox(config.notify, self.metrics.webhook_failed) if config.notify else None
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._number = 0
        self._running = False
        self._requested = False
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self._ready = False
        self._delay = float(os.environ.get(DELAY_ENV) or 0)

    # ------------------------------------------------------------------
    # The scheduler

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="driftcheck-cycle", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop: the running cycle is abandoned after the database in progress."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self.outbox is not None:
            self.outbox.close(timeout=1.0)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_cycle()
            except Exception:  # a bug must not end the schedule
                log.exception("cycle %d failed; the next one runs as scheduled", self._number)
                self._failed()
            try:
                self._wait(self.interval)
            except Exception:  # nor may the wait: try again in a minute
                log.exception("the scheduler's wait failed; the next cycle runs in 60 s")
                self._failed()
                self._stop.wait(60.0)

    def _wait(self, seconds: float) -> None:
        """Until `seconds` have passed, a cycle is asked for, or the service stops."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set() and not self._requested:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            # In slices: Event.wait overflows on a timeout beyond the platform's time_t.
            self._wake.wait(min(left, MAX_WAIT))
            self._wake.clear()

    def _failed(self) -> None:
        """A cycle that ended in an unexpected exception: counted, and not running."""
        with self.lock:
            self._running = False
        self.metrics.cycle_failed()

    def request_check(self) -> int | None:
        """Ask for a cycle now: its number, or None when one is running already."""
        with self.lock:
            if self._running or self._requested:
                return None
            self._requested = True
            number = self._number + 1
        self._wake.set()
        return number

    @property
    def ready(self) -> bool:
        return self._ready

    def cycle(self) -> Cycle:
        with self.lock:
            return Cycle(
                number=self._number,
                started_at=_iso(self._started_at) if self._started_at else None,
                finished_at=_iso(self._finished_at) if self._finished_at else None,
                interval_seconds=self.interval,
                running=self._running or self._requested,
            )

    # ------------------------------------------------------------------
    # One cycle

    def run_cycle(self) -> bool:
        """Check every target once; False when it was stopped before the end."""
        with self.lock:
            self._number += 1
            self._running = True
            self._requested = False
            self._started_at = time.time()
            number = self._number
        started = time.monotonic()
        complete = False  # stays so when stopped, or when a bug raises
        counts: Counter[str] = Counter()
        try:
            for target in self.targets:
                if self._stop.is_set() or not self._check_target(target, number, counts):
                    break
            else:
                complete = True
        finally:
            seconds = time.monotonic() - started
            with self.lock:
                self._running = False
                if complete:
                    self._finished_at = time.time()
                    self._ready = True
            self.metrics.cycle_done(seconds, complete)
        shown = "  ".join(f"{s} {counts[s]:,}" for s in STATUSES if counts[s])
        total = sum(counts.values())
        log.info(
            "cycle %d%s: %s database%s in %.1f s%s",
            number,
            "" if complete else " (stopped)",
            f"{total:,}",
            "" if total == 1 else "s",
            seconds,
            f": {shown}" if shown else "",
        )
        return complete

    def _check_target(self, target: Target, number: int, counts: Counter[str]) -> bool:
        """One pass over a target's databases; False when stopped part-way."""
        st = self.state[target.name]
        found = target.databases()
        known = set(found)
        # A database that went away is checked once more (its `error` report says so).
        carried = [p for p, c in st.latest.items() if p not in known and c.report.status != "error"]
        paths = sorted(known | set(carried))
        with contextlib.closing(self._reports(target, st, paths)) as checks:
            for path, report, seconds in checks:
                self._record(target, st, path, report, number)
                counts[report.status] += 1
                self.metrics.checked(target.name, seconds, report.status)
                if self._delay:
                    self._stop.wait(self._delay)
                if self._stop.is_set():
                    return False
        wanted = set(paths)
        at = now()
        with self.lock:
            for path in [p for p in st.latest if p not in wanted]:
                old = st.latest.pop(path).report
                st.previous.pop(path, None)
                event = Event(
                    target=target.name, database=path, cycle=number, at=at, delta=gone_delta(old)
                )
                st.events.appendleft(event)
                self._notify(event)
            st.passes += 1
            st.checked_at = time.time()
        return True

    def _reports(
        self, target: Target, st: TargetState, paths: list[str]
    ) -> Generator[tuple[str, Report, float], None, None]:
        """(path, report, seconds) per database; errors of any kind become reports.
        Sets `st.latest_version` when the migrations are loaded (or fail to)."""
        from driftcheck import api
        from driftcheck.reporting import error_report

        def loaded(latest: str | None) -> None:
            st.latest_version = latest

        def each() -> Generator[Report, None, None]:
            yield from api.validate_each(
                paths,
                migrations=target.migrations,
                config=self.config,
                history=target.history,
                expected=target.expected,
                migrations_format=target.migrations_format,
                migrations_pattern=target.migrations_pattern,
                busy_timeout=target.busy_timeout,
                on_loaded=loaded,
            )

        reports = each()
        with contextlib.closing(reports):
            done = 0
            try:
                for path in paths:
                    t0 = time.monotonic()
                    report = next(reports)
                    done += 1
                    yield path, report, time.monotonic() - t0
            except DriftcheckError as exc:  # the target's settings: every database
                st.latest_version = None
                for path in paths[done:]:
                    yield path, error_report(exc, path), 0.0
            except Exception as exc:  # a bug: this target's remaining databases only
                log.exception("target %s: internal error", target.name)
                bug = DriftcheckError(
                    f"internal error: {type(exc).__name__}: {exc}",
                    hint="this is a bug in driftcheck; the service log has the traceback",
                    code="internal",
                )
                for path in paths[done:]:
                    yield path, error_report(bug, path), 0.0

    def _record(
        self, target: Target, st: TargetState, path: str, report: Report, number: int
    ) -> None:
        old = st.latest.get(path)
        event = None
        if old is not None or st.passes:
            before = old.report if old is not None else None
            # Most checks find what the last one found: skip DeepDiff for those.
            same = before is not None and before == report.model_copy(
                update={"generated_at": before.generated_at}
            )
            if not same:
                delta = report_delta(before, report)
                if not delta.empty:
                    event = Event(
                        target=target.name,
                        database=report.target.database,
                        cycle=number,
                        at=report.generated_at,
                        delta=delta,
                    )
        with self.lock:
            if old is not None:
                st.previous[path] = old.report
            st.latest[path] = Checked(report, time.time())
            if event is not None:
                st.events.appendleft(event)
        if event is not None:
            self._notify(event)

    def _notify(self, event: Event) -> None:
        if self.outbox is not None and event.delta.status is not None:
            self.outbox.put(event.model_dump(mode="json"))

    # ------------------------------------------------------------------
    # Reading the state (the endpoints)

    def target(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)

    def checked(self, name: str) -> bool:
        """Whether a pass over the target has finished (its reports are there to read)."""
        with self.lock:
            return self.state[name].passes > 0

    def latest(self, name: str) -> list[Checked]:
        """A target's latest reports, in database order."""
        st = self.state[name]
        with self.lock:
            items = list(st.latest.items())
        return [c for _, c in sorted(items)]

    def fleet_report(self, name: str) -> FleetReport:
        """A target's latest reports as one FleetReport, `validate --format json`'s document."""
        reports = [c.report for c in self.latest(name)]
        counts: Counter[str] = Counter(r.status for r in reports)
        return FleetReport(
            tool=tool(),
            generated_at=now(),
            reports=reports,
            summary=FleetSummary(databases=len(reports), **{s: counts[s] for s in STATUSES}),
        )

    def events(self, name: str | None = None, limit: int = EVENTS_KEPT) -> list[Event]:
        """Events, newest first: one target's, or every target's."""
        with self.lock:
            if name is not None:
                return list(self.state[name].events)[:limit]
            every = [e for st in self.state.values() for e in st.events]
        every.sort(key=lambda e: (e.cycle, e.at), reverse=True)
        return every[:limit]

    def page_view(self) -> dict[str, Any]:
        """The status page's input (driftcheck.serve.page.render_page), JSON-able:

            {"generated_at": str, "ready": bool,
             "cycle": {"number": int, "started_at": str | None, "finished_at": str | None,
                       "interval_seconds": int, "running": bool},
             "targets": [{"name": str, "reports": [Report.model_dump(mode="json"), ...]}],
             "events": [event, ...]}

        `reports` are in database order; `events` are as GET /reports/{target}/events
        returns them (type, target, database, cycle, at, delta), newest first across
        the targets, at most PAGE_EVENTS."""
        return {
            "generated_at": now(),
            "ready": self.ready,
            "cycle": self.cycle().model_dump(mode="json"),
            "targets": [
                {
                    "name": t.name,
                    "reports": [c.report.model_dump(mode="json") for c in self.latest(t.name)],
                }
                for t in self.targets
            ],
            "events": [e.model_dump(mode="json") for e in self.events(limit=PAGE_EVENTS)],
        }
