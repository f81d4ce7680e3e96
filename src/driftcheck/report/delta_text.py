"""`driftcheck report-diff` as text: per database that changed, its transitions, then
one line per change or plan entry (`+` appeared, `-` resolved, `~` changed), then a
closing line saying whether anything new appeared."""

from __future__ import annotations

from driftcheck.changes import Change
from driftcheck.report.delta import ReportDelta, ReportDiff, VersionTransition
from driftcheck.report.model import PlanEntry
from driftcheck.report.text import Style

_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_STATUS_COLOUR = {"clean": "green", "pending": "yellow", "drift": "red", "error": "red"}


def _arrow(before: str | None, after: str | None) -> str:
    return f"{before or 'none'} -> {after or 'none'}"


def _status(delta: ReportDelta, style: Style) -> str:
    s = delta.status
    if delta.presence == "gone" and s is not None:
        return f"gone from the new reports (was {s.before})"
    if s is None:  # never asked: the row is left out
        return ""

    def paint(value: str | None) -> str:
        return style(value, _STATUS_COLOUR[value], bold=True) if value else "none"

    text = f"{paint(s.before)} -> {paint(s.after)}"
    return text + (" (new in the new reports)" if delta.presence == "new" else "")


def _change(c: Change, style: Style) -> str:
    return f"{c.message} ({style(c.severity, _SEVERITY_COLOUR[c.severity])})"


def _entry(e: PlanEntry) -> str:
    return f"{_entry_name(e)}: {_action(e)}"


def _entry_name(e: PlanEntry) -> str:
    return f"{e.version} {e.name or ''}".rstrip() if e.version else "changes no version explains"


def _action(e: PlanEntry) -> str:
    return f"{e.action} ({e.code})"


def _value(value: object) -> str:
    return "null" if value is None else str(value)


def render_delta(delta: ReportDelta, style: Style) -> list[str]:
    """The lines of one database's delta."""
    rows: list[tuple[str, str]] = []
    if delta.status is not None:
        rows.append(("status", _status(delta, style)))
    versions: list[tuple[str, VersionTransition | None]] = [
        ("effective", delta.effective_version),
        ("recorded", delta.recorded_version),
        ("latest", delta.latest_version),
    ]
    rows += [(name, _arrow(t.before, t.after)) for name, t in versions if t is not None]
    if delta.error is not None:
        before, after = delta.error.before, delta.error.after
        if after is not None:
            rows.append(("error", after.message))
        elif before is not None:
            rows.append(("error", f"resolved: {before.message}"))
    width = max((len(k) for k, _ in rows), default=0)
    lines = [style(str(delta.database or "(no database)"), bold=True)]
    lines += [f"  {k:<{width}}  {style.wrap(v, width + 4)}" for k, v in rows]
    for c in delta.appeared:
        lines.append(f"  {style('+', 'red')} {style.wrap(_change(c, style), 4)}")
    for p in delta.changed:
        how = ", ".join(
            f"{field} {_value(_field(p.before, field))} -> {_value(_field(p.after, field))}"
            for field in p.fields
        )
        lines.append(f"  ~ {style.wrap(f'{_change(p.after, style)}: {how}', 4)}")
    for c in delta.resolved:
        lines.append(f"  {style('-', 'green')} {style.wrap('resolved: ' + c.message, 4)}")
    for e in delta.plan_appeared:
        lines.append(f"  {style('+', 'red')} {style.wrap(_entry(e), 4)}")
    for pair in delta.plan_changed:
        moved = f"{_entry_name(pair.after)}: {_action(pair.before)} -> {_action(pair.after)}"
        lines.append(f"  ~ {style.wrap(moved, 4)}")
    for e in delta.plan_resolved:
        lines.append(f"  {style('-', 'green')} {style.wrap('resolved: ' + _entry(e), 4)}")
    return lines


def _field(c: Change, field: str) -> object:
    value = getattr(c, field, None)
    if field == "owner":
        return f"{c.owner.kind} {c.owner.name}"
    return value


def render_report_diff(diff: ReportDiff, style: Style) -> str:
    lines: list[str] = []
    for delta in diff.deltas:
        lines += render_delta(delta, style)
        lines.append("")
    many = diff.databases != 1
    compared = f" ({diff.databases:,} databases compared)" if many else ""
    if not diff.deltas:
        lines.append(f"no changes{compared}")
    else:
        changed = f"{len(diff.deltas):,} of {diff.databases:,} databases changed; " if many else ""
        verdict = "something new appeared" if diff.worse else "nothing new appeared"
        lines.append(f"{changed}{verdict}")
    return "\n".join(lines) + "\n"
