"""Prometheus metrics: a private registry per service, read from its state at scrape time.

Cardinality is bounded whatever the fleet's size (docs/serve.md, "Metrics"):

- per target: databases by status, the last pass's timestamp, how many databases
  are not clean but have no series of their own, check durations (a histogram) and
  check errors (a counter);
- per database, only for databases that are not clean, the worst first (error,
  drift, pending, then by path), at most `metrics_databases` per target (`[serve]
  metrics_databases`, 100 by default): status (one series per status value), changes
  by severity, pending versions, effective and latest version (for a database whose
  check failed, the latest version of its target's migrations when they loaded), last
  check time.

A clean database has no series of its own: 20,000 clean databases are 4 status series
of their target. Counters and histograms never carry a database label, because a
series, once exposed, would have to stay for as long as the process runs.

Versions are numbers where they are numbers ("0013" is 13, a timestamp version
20240101120000 is that number); every version, numeric or not, is also a label of
`driftcheck_database_version_info`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from driftcheck.serve.service import Service

STATUSES = ("clean", "pending", "drift", "error")
SEVERITIES = ("error", "warning", "info")
_WORST = {"error": 0, "drift": 1, "pending": 2, "clean": 3}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Seconds for one database's check: from a small database (milliseconds) to a large
# one behind a busy writer (busy_timeout).
CHECK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
CYCLE_BUCKETS = (0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def version_number(version: str | None) -> float | None:
    """A version as a gauge value, when it is a number."""
    if version is None or _NUMBER.fullmatch(version) is None:
        return None
    return float(version)


class Metrics:
    """The service's registry: the counters and histograms it updates as it checks, and
    a collector that reads the latest reports when scraped."""

    def __init__(self, service: Service, per_target: int) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.check_duration = Histogram(
            "driftcheck_check_duration_seconds",
            "Time to check one database (per target).",
            ["target"],
            buckets=CHECK_BUCKETS,
            registry=self.registry,
        )
        self.check_errors = Counter(
            "driftcheck_check_errors",
            "Database checks that ended in an error report (per target).",
            ["target"],
            registry=self.registry,
        )
        self.cycles = Counter(
            "driftcheck_cycles",
            "Check cycles run to the end.",
            registry=self.registry,
        )
        self.cycle_failures = Counter(
            "driftcheck_cycle_failures",
            "Check cycles ended by an unexpected error (a bug; the service log has the "
            "traceback). The schedule goes on.",
            registry=self.registry,
        )
        self.cycle_duration = Histogram(
            "driftcheck_cycle_duration_seconds",
            "Time of a whole check cycle (every target).",
            buckets=CYCLE_BUCKETS,
            registry=self.registry,
        )
        self.webhook_failures = Counter(
            "driftcheck_webhook_failures",
            "Events the webhook could not deliver (after its retries, or dropped from a "
            "full queue).",
            registry=self.registry,
        )
        for t in service.targets:  # every target's series exist from the start, at 0
            self.check_duration.labels(t.name)
            self.check_errors.labels(t.name)
        self.registry.register(_StateCollector(service, per_target))

    def checked(self, target: str, seconds: float, status: str) -> None:
        self.check_duration.labels(target).observe(seconds)
        if status == "error":
            self.check_errors.labels(target).inc()

    def cycle_done(self, seconds: float, complete: bool) -> None:
        if complete:
            self.cycles.inc()
            self.cycle_duration.observe(seconds)

    def cycle_failed(self) -> None:
        self.cycle_failures.inc()

    def webhook_failed(self) -> None:
        self.webhook_failures.inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _StateCollector(Collector):
    def __init__(self, service: Service, per_target: int) -> None:
        self.service = service
        self.per_target = per_target

    def describe(self) -> Iterable[Metric]:
        return []  # read at scrape time: nothing to describe up front

    def collect(self) -> Iterable[Metric]:
        service = self.service
        cycle = service.cycle()
        ready = GaugeMetricFamily(
            "driftcheck_ready", "1 once the first check cycle has finished, else 0."
        )
        ready.add_metric([], 1.0 if service.ready else 0.0)
        running = GaugeMetricFamily("driftcheck_cycle_running", "1 while a cycle runs, else 0.")
        running.add_metric([], 1.0 if cycle.running else 0.0)
        databases = GaugeMetricFamily(
            "driftcheck_databases",
            "Databases of a target by the status of their latest report.",
            labels=["target", "status"],
        )
        last_pass = GaugeMetricFamily(
            "driftcheck_target_last_check_timestamp_seconds",
            "When the last complete pass over a target's databases finished (Unix time).",
            labels=["target"],
        )
        unlisted = GaugeMetricFamily(
            "driftcheck_target_unlisted_databases",
            "Databases of a target that are not clean but have no series of their own "
            "(beyond [serve] metrics_databases).",
            labels=["target"],
        )
        db = ["target", "database"]
        status = GaugeMetricFamily(
            "driftcheck_database_status",
            "1 for the status of the database's latest report, 0 for the others "
            "(databases that are not clean only).",
            labels=[*db, "status"],
        )
        changes = GaugeMetricFamily(
            "driftcheck_database_changes",
            "Differences from the effective version's schema, by severity.",
            labels=[*db, "severity"],
        )
        pending = GaugeMetricFamily(
            "driftcheck_database_pending_versions",
            "Versions to apply.",
            labels=db,
        )
        effective = GaugeMetricFamily(
            "driftcheck_database_effective_version",
            "The effective version, where versions are numbers.",
            labels=db,
        )
        latest = GaugeMetricFamily(
            "driftcheck_database_latest_version",
            "The latest version of the migrations, where versions are numbers.",
            labels=db,
        )
        info = GaugeMetricFamily(
            "driftcheck_database_version_info",
            "Always 1: the effective and latest versions as labels (empty: none).",
            labels=[*db, "effective_version", "latest_version"],
        )
        checked = GaugeMetricFamily(
            "driftcheck_database_last_check_timestamp_seconds",
            "When the database's latest report was made (Unix time).",
            labels=db,
        )
        for target in service.targets:
            name = target.name
            items = service.latest(name)
            counts = dict.fromkeys(STATUSES, 0)
            for c in items:
                counts[c.report.status] += 1
            for s in STATUSES:
                databases.add_metric([name, s], counts[s])
            st = service.state[name]
            if st.checked_at is not None:
                last_pass.add_metric([name], st.checked_at)
            flagged = sorted(
                (c for c in items if c.report.status != "clean"),
                key=lambda c: (_WORST[c.report.status], c.report.target.database or ""),
            )
            shown = flagged[: self.per_target]
            unlisted.add_metric([name], len(flagged) - len(shown))
            for c in shown:
                r = c.report
                labels = [name, r.target.database or ""]
                for s in STATUSES:
                    status.add_metric([*labels, s], 1.0 if r.status == s else 0.0)
                by = {
                    "error": r.summary.errors,
                    "warning": r.summary.warnings,
                    "info": r.summary.info,
                }
                for severity in SEVERITIES:
                    changes.add_metric([*labels, severity], by[severity])
                pending.add_metric(labels, r.summary.pending)
                # A database whose check failed: its target's migrations, when they loaded.
                latest_version = r.migrations.latest_version if r.migrations else st.latest_version
                for family, version in ((effective, r.effective_version), (latest, latest_version)):
                    number = version_number(version)
                    if number is not None:
                        family.add_metric(labels, number)
                info.add_metric([*labels, r.effective_version or "", latest_version or ""], 1.0)
                checked.add_metric(labels, c.at)
        return [
            ready,
            running,
            databases,
            last_pass,
            unlisted,
            status,
            changes,
            pending,
            effective,
            latest,
            info,
            checked,
        ]
