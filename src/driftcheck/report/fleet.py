"""Rendering a fleet: one outcome per database, the running tally, the text lines, the
closing summary table, the progress bar, and the JSON document written as reports arrive.

`validate` over many databases and `merge-reports` render through the same functions,
so merging the shards' outputs prints what one unsharded run prints.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from driftcheck.report.model import FleetReport, FleetSummary, Report, Shard, Tool
from driftcheck.report.text import Style

# How a report travels from the worker that checked it: not serialized (text output
# needs only the outcome's fields), as one line (jsonl), or nested in a FleetReport.
Form = Literal["none", "line", "nested"]
STATUSES = ("clean", "pending", "drift", "error")
# The worse of two reports of one database (merge-reports keeps it).
SEVERITY = {status: n for n, status in enumerate(STATUSES)}
_COLOUR = {"clean": "green", "pending": "yellow", "drift": "red", "error": "red"}
# Names kept for the closing summary: every one is on its own line above it, and in
# the JSON; the tally must not grow with the fleet.
NAMES_SHOWN = 10
# The indentation of a report inside FleetReport's `reports` array (indent=2, depth 2).
_NESTED = "    "


@dataclass(frozen=True, slots=True)
class Outcome:
    """One database's result, as the process that prints needs it: the fields of the
    text line and the tally, and the report already serialized (by the worker)."""

    database: str | None
    status: str
    effective: str | None = None
    latest: str | None = None
    reason: str = ""  # drift: why; error: the message
    json: str = ""  # the report, in the form asked for

    @classmethod
    def of(cls, report: Report, form: Form) -> Outcome:
        from driftcheck.report.text import why

        reason = ""
        if report.error is not None:
            reason = report.error.message
        elif report.status == "drift":
            reason = why(report)
        text = ""
        if form == "line":
            text = report.model_dump_json()
        elif form == "nested":
            text = nest(report.model_dump_json(indent=2))
        return cls(
            database=report.target.database,
            status=report.status,
            effective=report.effective_version,
            latest=report.migrations.latest_version if report.migrations else None,
            reason=reason,
            json=text,
        )


def nest(text: str) -> str:
    """A report's indent=2 JSON as it reads inside FleetReport's `reports` array."""
    return "\n".join(_NESTED + line for line in text.split("\n"))


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def exit_code(status: str, fail_on_pending: bool) -> int:
    """2 > 1 > 0, as for one database: error, then drift (or pending when asked)."""
    if status == "error":
        return 2
    if status == "drift" or (status == "pending" and fail_on_pending):
        return 1
    return 0


@dataclass
class Tally:
    """Counts by status, the first databases that need a look, and the worst exit code."""

    fail_on_pending: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    drifted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    code: int = 0

    def add(self, o: Outcome) -> None:
        self.counts[o.status] += 1
        name = o.database or "?"
        if o.status == "drift" and len(self.drifted) < NAMES_SHOWN:
            self.drifted.append(name)
        elif o.status == "error" and len(self.failed) < NAMES_SHOWN:
            self.failed.append((name, o.reason))
        self.code = max(self.code, exit_code(o.status, self.fail_on_pending))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> FleetSummary:
        return FleetSummary(databases=self.total, **{k: self.counts[k] for k in STATUSES})


# --------------------------------------------------------------------------
# Text


def line(o: Outcome, style: Style) -> str:
    """`DRIFT    tenants/c.db  0013/0013  1 unexpected index`: a database that needs a look."""
    status = style(f"{o.status.upper():<7}", _COLOUR.get(o.status), bold=True)
    where = f"{o.effective or '-'}/{o.latest or '-'}"
    text = f"{status}  {o.database}  {where}"
    return text + (f"  {o.reason}" if o.reason else "")


def summary_lines(tally: Tally, shard: Shard | None = None) -> list[str]:
    """The closing table: the shard, counts by status, then the drifted and failed
    databases by name (the first few; every one has its line above, and JSON lists all)."""
    rows: list[tuple[str, str]] = []
    if shard is not None:
        rows.append(("shard", shard_text(shard, tally.total)))
    rows.append(("databases", f"{tally.total:,}"))
    rows.extend((status, f"{tally.counts[status]:,}") for status in STATUSES)
    rows.extend(("drifted", name) for name in tally.drifted)
    if tally.counts["drift"] > len(tally.drifted):
        rows.append(("drifted", f"... and {tally.counts['drift'] - len(tally.drifted):,} more"))
    rows.extend(("failed", f"{name}: {message}") for name, message in tally.failed)
    if tally.counts["error"] > len(tally.failed):
        rows.append(("failed", f"... and {tally.counts['error'] - len(tally.failed):,} more"))
    return [f"{key:<10} {value}" for key, value in rows]


def shard_text(shard: Shard, checked: int) -> str:
    """`2/4 (4 of 16 databases)`, saying so when the shard is empty."""
    text = f"{shard.index}/{shard.count} ({checked:,} of {plural(shard.databases, 'database')}"
    if shard.databases < shard.count and checked == 0:
        text += ": more shards than databases"
    return text + ")"


def progress(tally: Tally, total: int, width: int) -> str:
    """`checked 1,234/20,000  clean 1,200  drift 30  error 4  [=====>    ]`, to fit `width`."""
    c = tally.counts
    text = f"checked {tally.total:,}/{total:,}  " + "  ".join(
        f"{s} {c[s]:,}" for s in STATUSES if c[s] or s == "clean"
    )
    room = min(30, width - len(text) - 5)
    if room >= 10 and total:
        done = min(room * tally.total // total, room)
        bar = "=" * room if done == room else "=" * done + ">" + " " * (room - done - 1)
        text += f"  [{bar}]"
    return text[: max(width - 1, 0)]


# --------------------------------------------------------------------------
# JSON: a FleetReport written as the reports arrive


class JsonDocument:
    """A FleetReport written piece by piece, byte for byte what `model_dump_json(indent=2)`
    of the whole would give: the head when the first report is ready, each report as it
    comes, the summary at the end. Nothing is held but the tally."""

    def __init__(
        self,
        write: Callable[[str], None],
        tool: Tool,
        generated_at: str,
        shard: Shard | None = None,
    ) -> None:
        self._write = write
        self._fields: dict[str, Any] = {"tool": tool, "generated_at": generated_at, "shard": shard}
        self._started = False

    def _split(self, summary: FleetSummary) -> tuple[str, str]:
        whole = FleetReport(reports=[], summary=summary, **self._fields).model_dump_json(indent=2)
        head, _, tail = whole.partition('"reports": []')
        return head, tail

    def add(self, nested: str) -> None:
        """One report, already in the nested form (`Outcome.of(report, "nested")`)."""
        if not self._started:
            self._started = True
            self._write(self._split(FleetSummary(databases=0))[0] + '"reports": [\n' + nested)
        else:
            self._write(",\n" + nested)

    def close(self, summary: FleetSummary) -> None:
        head, tail = self._split(summary)
        if not self._started:
            self._write(head + '"reports": []' + tail + "\n")
        else:
            self._write("\n  ]" + tail + "\n")


def nested_from_line(text: str) -> str:
    """A report read back from one JSON line, in the nested form (as pydantic writes it)."""
    return nest(json.dumps(json.loads(text), indent=2, ensure_ascii=False))
