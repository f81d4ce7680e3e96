"""`--format markdown`: a compact report for a pull-request comment or a job summary.

A status line, a table of changes, then the plan (a run of plain `ok` versions folded
into one row). A fleet opens with counts by status and a table of its databases, the
ones that need a look first, then the details of each drifted or failed one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from driftcheck.report.findings import since
from driftcheck.report.model import FleetReport, PlanEntry, Report
from driftcheck.report.text import counts, why

# GitHub's (and GitLab's) emoji shortcodes: the output stays ASCII, whatever the encoding
# of the file it is redirected to.
_ICON = {
    "clean": ":white_check_mark:",
    "pending": ":hourglass:",
    "drift": ":x:",
    "error": ":no_entry:",
}
_ORDER = {"error": 0, "drift": 1, "pending": 2, "clean": 3}
# A comment on GitHub holds 65,536 characters: a fleet's tables stop well before that.
DATABASES_LISTED = 100
DATABASES_DETAILED = 20
_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def cell(text: object) -> str:
    """Text safe in a table cell: Markdown specials and `|` escaped, HTML's `<`, `>`, `&`
    as entities, newlines as <br>."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _why(report: Report) -> str:
    """The status in a few words: the error, what makes it drift, what is pending."""
    s = report.summary
    if report.error is not None:
        return report.error.message
    if report.status == "drift":
        return why(report)
    text = "up to date" if report.status == "clean" else f"{s.pending} pending"
    return text + (f"; {s.info} info" if s.info else "")


def _status_line(report: Report) -> str:
    icon = _ICON[report.status]
    status = report.status.upper()
    if report.error is not None:
        return f"{icon} **{status}**: {cell(report.error.message)}"
    parts = [f"{icon} **{status}**: {cell(_why(report))}"]
    latest = report.migrations.latest_version if report.migrations else None
    effective = report.effective_version or "none"
    if report.effective_name:
        effective += f" {report.effective_name}"
    parts.append(f"effective {cell(effective)}")
    parts.append(f"latest {cell(latest or 'none')}")
    if report.status == "drift" and report.summary.pending:
        parts.append(f"{report.summary.pending} pending")
    return " &middot; ".join(parts)


def _error_lines(report: Report) -> list[str]:
    e = report.error
    if e is None:
        return []
    rows = []
    if e.file:
        where = e.file + (f":{e.line}" if e.line is not None else "")
        rows.append(("where", cell(where)))
    if e.reason:
        rows.append(("why", cell(e.reason)))
    if e.hint:
        rows.append(("hint", cell(e.hint)))
    return ["", *_table(("code", cell(e.code)), rows)]


def _changes(report: Report) -> list[str]:
    if not report.changes:
        return []
    rows = [
        (
            cell(c.severity),
            cell(f"{c.object_type.replace('_', ' ')} {c.path}"),
            cell(c.change),
            cell(c.message),
            cell(since(c) or ""),
        )
        for c in report.changes
    ]
    head = ("severity", "object", "change", "message", "expected since")
    return ["", f"**Changes** ({cell(counts(report.summary))})", "", *_table(head, rows)]


def plan_rows(entries: list[PlanEntry]) -> list[tuple[str, str, str]]:
    """(version, action, reason) rows; consecutive plain `ok` versions are one row."""
    rows: list[tuple[str, str, str]] = []
    run: list[PlanEntry] = []

    def flush() -> None:
        if len(run) == 1:
            rows.append(_plan_row(run[0]))
        elif run:
            span = f"{run[0].version}..{run[-1].version}"
            rows.append((span, "ok", f"{len(run)} versions recorded and present"))
        run.clear()

    for e in entries:
        if e.action == "ok" and e.code == "ok":
            run.append(e)
            continue
        flush()
        rows.append(_plan_row(e))
    flush()
    return rows


def _plan_row(e: PlanEntry) -> tuple[str, str, str]:
    version = " ".join(x for x in (e.version, e.name) if x) or "-"
    reason = e.reason if e.code in (e.action, "ok", "pending") else f"[{e.code}] {e.reason}"
    return (version, e.action, reason)


def _plan(report: Report) -> list[str]:
    if not report.plan:
        return []
    rows = [(cell(v), cell(a), cell(r)) for v, a, r in plan_rows(report.plan)]
    return ["", "**Plan**", "", *_table(("version", "action", "reason"), rows)]


def _body(report: Report) -> list[str]:
    return [_status_line(report), *_error_lines(report), *_changes(report), *_plan(report)]


def render_markdown(report: Report | FleetReport) -> str:
    if isinstance(report, FleetReport):
        return _fleet(report)
    db = report.target.database
    lines = [f"### driftcheck: {cell(db)}" if db else "### driftcheck", "", *_body(report)]
    return "\n".join(lines) + "\n"


def _fleet(fleet: FleetReport) -> str:
    s = fleet.summary
    worst = next(
        (status for status in ("error", "drift", "pending") if getattr(s, status)), "clean"
    )
    title = f"### driftcheck: {s.databases:,} database{'' if s.databases == 1 else 's'}"
    if fleet.shard is not None:
        title += f" (shard {fleet.shard.index}/{fleet.shard.count})"
    lines = [title, "", f"{_ICON[worst]} **{worst.upper()}**", ""]
    lines += _table(
        ("status", "databases"),
        [(f"{_ICON[k]} {k}", f"{getattr(s, k):,}") for k in ("clean", "pending", "drift", "error")],
    )
    ranked = sorted(fleet.reports, key=lambda r: _ORDER[r.status])  # stable: database order
    rows = [
        (
            cell(r.target.database or "?"),
            f"{_ICON[r.status]} {r.status}",
            cell(
                f"{r.effective_version or '-'}/"
                f"{(r.migrations.latest_version if r.migrations else None) or '-'}"
            ),
            cell(_why(r)),
        )
        for r in ranked[:DATABASES_LISTED]
    ]
    if rows:
        lines += ["", *_table(("database", "status", "effective/latest", "why"), rows)]
    if len(ranked) > DATABASES_LISTED:
        lines += ["", f"... and {len(ranked) - DATABASES_LISTED:,} more databases"]
    needs_look = [r for r in ranked if r.status in ("error", "drift")]
    for r in needs_look[:DATABASES_DETAILED]:
        lines += ["", f"#### {cell(r.target.database or '?')}", "", _status_line(r)]
        lines += _error_lines(r) + _changes(r)
        attention = [e for e in r.plan if e.action == "flag" or e.action == "record"]
        if attention:
            rows3 = [(cell(v), cell(a), cell(x)) for v, a, x in plan_rows(attention)]
            lines += [
                "",
                "**Needs attention**",
                "",
                *_table(("version", "action", "reason"), rows3),
            ]
    if len(needs_look) > DATABASES_DETAILED:
        lines += [
            "",
            f"... and {len(needs_look) - DATABASES_DETAILED:,} more drifted or failed "
            "databases (the JSON report has them all)",
        ]
    return "\n".join(lines) + "\n"
