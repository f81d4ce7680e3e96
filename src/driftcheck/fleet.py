"""Fleet mode: one check over many databases, with the expected schemas loaded once.

`databases(specs)` expands paths and glob patterns into a sorted, de-duplicated
list; `check_all` yields one report per database as each finishes. A database
that cannot be read is an `error` report in the stream, never a stop.
"""

from __future__ import annotations

import dataclasses
import glob
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from driftcheck.dburl import is_url, redact
from driftcheck.errors import ConfigError, DriftcheckError
from driftcheck.report.model import Report
from driftcheck.settings import Settings

_GLOB = frozenset("*?[")


def is_pattern(spec: str) -> bool:
    """A glob to expand; a URL (`sqlite:`, `file:`, with its `?query`) never is one."""
    return not is_url(spec) and not _GLOB.isdisjoint(spec)


def databases(specs: Iterable[str]) -> list[str]:
    """The databases `specs` name: paths as given, patterns expanded, sorted, each once."""
    out: dict[str, None] = {}
    for spec in specs:
        if is_pattern(spec):
            found = sorted(glob.glob(spec, recursive=True))
            if not found:
                raise ConfigError(
                    f"--db {redact(spec)}: the pattern matches no file",
                    hint="check the pattern (quote it so the shell does not expand it)",
                    code="usage",
                )
            out.update(dict.fromkeys(found))
        else:
            out[spec] = None
    return sorted(out)


def check_all(s: Settings, paths: Iterable[str]) -> Iterator[Report]:
    """One report per database, in order; the expected schemas are loaded once."""
    from driftcheck.check import validate
    from driftcheck.expected import expected_schemas
    from driftcheck.reporting import error_report

    expected = expected_schemas(s)
    for path in paths:
        one = dataclasses.replace(s, database=path)
        try:
            yield validate(one, expected).report
        except DriftcheckError as exc:
            yield error_report(exc, path)


def exit_code(status: str, fail_on_pending: bool) -> int:
    if status == "error":
        return 2
    if status == "drift" or (status == "pending" and fail_on_pending):
        return 1
    return 0


@dataclass
class Tally:
    """Counts by status and the databases that need a look, for the closing summary."""

    counts: Counter[str] = field(default_factory=Counter)
    drifted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    code: int = 0

    def add(self, report: Report, fail_on_pending: bool) -> None:
        self.counts[report.status] += 1
        name = report.target.database or "?"
        if report.status == "drift":
            self.drifted.append(name)
        elif report.status == "error" and report.error is not None:
            self.failed.append((name, report.error.message))
        self.code = max(self.code, exit_code(report.status, fail_on_pending))

    def summary(self) -> dict[str, int]:
        statuses = ("clean", "pending", "drift", "error")
        return {"databases": sum(self.counts.values()), **{k: self.counts[k] for k in statuses}}
