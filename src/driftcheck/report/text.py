"""Text output for people: a short header, then changes grouped by table.

Colour only when writing to a terminal (and never with NO_COLOR set).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from driftcheck.diff import Change
from driftcheck.normalize import fold
from driftcheck.report.model import DiffReport, Report, Summary

_SYMBOL = {"missing": "-", "unexpected": "+", "changed": "~"}
_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_STATUS_COLOUR = {"clean": "green", "pending": "yellow", "drift": "red", "error": "red"}


class Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, fg: str | None = None, bold: bool = False) -> str:
        if not self.colour:
            return text
        import typer

        return typer.style(text, fg=fg, bold=bold)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts(summary: Summary) -> str:
    return (
        f"{_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')}, "
        f"{summary.info} info"
    )


def changes_block(changes: Iterable[Change], style: Style) -> list[str]:
    """Changes grouped under their table (views last), one aligned line each."""
    groups: dict[str, list[Change]] = {}
    for c in changes:
        groups.setdefault(c.table or "", []).append(c)
    lines: list[str] = []
    for table in sorted(groups, key=lambda t: (t == "", fold(t))):
        lines.append(style(table if table else "(views)", bold=True))
        for c in groups[table]:
            sev = style(f"{c.severity:<7}", _SEVERITY_COLOUR[c.severity])
            lines.append(f"  {_SYMBOL[c.change]} {sev}  {c.message}")
    return lines


def _value(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v)


def render_report(
    report: Report, style: Style, *, title: str = "validate", effective_name: str = ""
) -> str:
    lines = [style(f"driftcheck {title}: {report.target.database}", bold=True)]
    if report.error is not None:
        lines.append(f"  {style('error', 'red', bold=True)}: {report.error.message}")
        if report.error.hint:
            lines.append(f"  hint: {report.error.hint}")
        return "\n".join(lines) + "\n"
    m = report.migrations
    s = report.summary
    rows: list[tuple[str, str]] = []
    if m is not None:
        origin = "snapshots" if m.expected_from == "snapshots" else "replay"
        rows.append(
            (
                "migrations",
                f"{m.source} ({m.format}, {_plural(m.count, 'version')}, "
                f"latest {m.latest_version or '-'}; expected schemas from "
                f"{origin})",
            )
        )
        for step in m.skipped:
            rows.append(("skipped", f"{step.file}: {step.reason}"))
    effective = report.effective_version or "none (no version applied)"
    if report.effective_version is not None and effective_name:
        effective += f" {effective_name}"
    if report.effective_version is not None and s.match == "closest":
        effective += f" (closest match, {_plural(s.changes, 'change')})"
    elif report.effective_version is not None:
        effective += " (exact match)"
    rows.append(("effective", effective))
    if s.pending:
        rows.append(("pending", _plural(s.pending, "version")))
    status = style(report.status.upper(), _STATUS_COLOUR[report.status], bold=True)
    rows.append(("status", f"{status}: {counts(s)}"))
    width = max(len(k) for k, _ in rows)
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    if report.changes:
        lines.append("")
        lines += changes_block(report.changes, style)
    return "\n".join(lines) + "\n"


def render_diff(report: DiffReport, style: Style) -> str:
    lines = [style(f"driftcheck diff: {report.expected} -> {report.actual}", bold=True)]
    if report.error is not None:
        lines.append(f"  {style('error', 'red', bold=True)}: {report.error.message}")
        if report.error.hint:
            lines.append(f"  hint: {report.error.hint}")
        return "\n".join(lines) + "\n"
    if not report.changes:
        lines.append("  no differences")
        return "\n".join(lines) + "\n"
    lines.append(f"  {_plural(report.summary.changes, 'difference')}: {counts(report.summary)}")
    lines.append("")
    lines += changes_block(report.changes, style)
    return "\n".join(lines) + "\n"
