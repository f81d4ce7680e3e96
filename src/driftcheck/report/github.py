"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

    ::warning file=migrations/0002_create_books.sql,line=4,title=app.db%3A missing index::...

Changes land on the migration file and line that made the expected object (when the
report knows it); errors, flags and unrecorded versions are `::error`, warnings
`::warning`, info notes and pending versions `::notice`.
"""

from __future__ import annotations

from driftcheck.report.findings import Finding, findings, migration_path
from driftcheck.report.model import FleetReport, Report

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A command's message (GitHub's toolkit escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value (GitHub's toolkit escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    return f"{head}::{escape_data(message)}"


def _annotation(f: Finding) -> str:
    title = f"{f.database}: {f.rule.title}" if f.database else f.rule.title
    return command(_COMMAND[f.level], f.message, file=f.file, line=f.line, title=title)


def _report_lines(report: Report, root: str | None) -> list[str]:
    db = report.target.database
    if report.error is not None:
        e = report.error
        message = e.message + (f"\nhint: {e.hint}" if e.hint else "")
        file = migration_path(report, e.file, root) if e.file else None
        title = f"{db}: driftcheck could not check" if db else "driftcheck could not check"
        return [command("error", message, file=file, line=e.line, title=title)]
    return [_annotation(f) for f in findings(report, pending=True, root=root)]


def _pending_failure(report: Report) -> list[str]:
    """With --fail-on-pending, the annotation that says why a pending database fails."""
    if report.status != "pending":
        return []
    versions = [e.version for e in report.plan if e.action == "apply" and e.version]
    db = report.target.database
    shown = ", ".join(versions[:10]) + (
        f" and {len(versions) - 10} more" if len(versions) > 10 else ""
    )
    message = (
        f"{len(versions)} version{'s' if len(versions) != 1 else ''} not applied yet "
        f"({shown}); --fail-on-pending makes that a failure"
    )
    title = f"{db}: pending versions" if db else "pending versions"
    return [command("error", message, title=title)]


def render_github(
    report: Report | FleetReport, root: str | None = None, *, fail_on_pending: bool = False
) -> str:
    """The workflow commands for a report or a fleet (databases in report order), then a
    one-line summary. `fail_on_pending`: a pending database is an `::error` too (the
    check fails on it), not only its versions' notices."""

    def lines_of(r: Report) -> list[str]:
        return _report_lines(r, root) + (_pending_failure(r) if fail_on_pending else [])

    if isinstance(report, FleetReport):
        lines = [line for r in report.reports for line in lines_of(r)]
        s = report.summary
        counts = ", ".join(
            f"{n} {status}"
            for status, n in (
                ("drift", s.drift),
                ("error", s.error),
                ("pending", s.pending),
                ("clean", s.clean),
            )
            if n
        )
        lines.append(f"driftcheck: {s.databases} databases checked ({counts or 'none'})")
        return "\n".join(lines) + "\n"
    lines = lines_of(report)
    # A plain line (not a command), on one line whatever the path holds: a path with a
    # newline could otherwise start a workflow command of its own.
    db = escape_data(report.target.database or "database")
    lines.append(f"driftcheck: {db} is {report.status}")
    return "\n".join(lines) + "\n"
