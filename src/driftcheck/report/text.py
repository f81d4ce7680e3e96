"""Text output for people: a short header, then changes grouped by table.

Colour only when writing to a terminal (and never with NO_COLOR set).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from driftcheck.changes import Change
from driftcheck.history.base import store_label
from driftcheck.normalize import fold
from driftcheck.report.model import DiffReport, PlanEntry, Report, Summary

_SYMBOL = {"missing": "-", "unexpected": "+", "changed": "~", "renamed": "~"}
_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_STATUS_COLOUR = {"clean": "green", "pending": "yellow", "drift": "red", "error": "red"}
_ACTION_COLOUR = {"ok": "green", "record": "yellow", "apply": "cyan", "flag": "red"}


# Control characters (C0 but tab and newline, DEL, C1): an object's name may hold them, and
# a terminal would obey them (an ESC starts a colour or worse). Shown as \xNN instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters shown as `\\xNN`, safe to print to a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_UNBREAKABLE = re.compile(r"`[^`\n]*`|\bignore = \[[^\]\n]*\]")


class Style:
    """Colour (on a terminal) and the width to wrap to (None: never wrap)."""

    def __init__(self, colour: bool, width: int | None = None) -> None:
        self.colour = colour
        self.width = width

    def wrap(self, text: str, indent: int) -> str:
        """`text` printed after `indent` columns, continued lines indented as far."""
        if self.width is None or indent + len(text) <= self.width:
            return text
        room = max(self.width - indent, 30)
        # A config line or a command to copy is never split across lines.
        kept = _UNBREAKABLE.sub(lambda m: m.group(0).replace(" ", "\x00"), text)
        lines = textwrap.wrap(kept, room, break_long_words=False, break_on_hyphens=False)
        return ("\n" + " " * indent).join(lines).replace("\x00", " ")

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
        lines.append(style(printable(table) if table else "(views)", bold=True))
        for c in groups[table]:
            sev = style(f"{c.severity:<7}", _SEVERITY_COLOUR[c.severity])
            text = printable(c.message + (f" ({note})" if (note := source_note(c)) else ""))
            lines.append(f"  {_SYMBOL[c.change]} {sev}  {style.wrap(text, 4 + 7 + 2)}")
    return lines


def source_note(c: Change) -> str:
    """Where the expected object comes from, in a few words: `expected since
    0012_temporal_metadata.sql:2` (the file, when its name shows the version; else
    `0012 at app/db.py:40`; the version alone without a file). An unexpected object a
    later version creates: `created in 0014_tags.sql:3`."""
    src = c.source
    if src is None:
        return ""
    where = src.version
    if src.file:
        at = f"{src.file}:{src.line}" if src.line else src.file
        where = at if src.version in src.file else f"{src.version} at {at}"
    return f"created in {where}" if c.change == "unexpected" else f"expected since {where}"


def _effective(report: Report) -> str:
    """`0011 add_books_format (exact match)`, or why there is no version."""
    if report.effective_version is None:
        return "none (no version applied)"
    text = f"{report.effective_version} {report.effective_name or ''}".rstrip()
    s = report.summary
    if s.match == "closest":
        return text + f" (closest match, {_plural(s.changes, 'change')})"
    return text + " (exact match)"


def render_status(report: Report, style: Style) -> str:
    """The one-screen answer to "where is this database?"."""
    if report.error is not None:
        return render_report(report, style, title="status")
    s = report.summary
    rows = [("database", str(report.target.database))]
    h = report.history
    if h is not None and h.exists:
        where = store_label(h.store, h.table)
        recorded = spelled(report, h.recorded_version) or "none"
        rows.append(("recorded", f"{recorded} ({h.store}: {where})"))
    elif h is not None:
        rows.append(("recorded", "unknown (no migration history in the database)"))
    latest = report.migrations.latest_version if report.migrations else None
    rows += [
        ("effective", _effective(report)),
        ("latest", latest or "none"),
        ("pending", str(s.pending)),
    ]
    if s.record:
        rows.append(("unrecorded", f"{s.record} ({_versions(report, 'record')})"))
    if s.flags:
        rows.append(("flagged", f"{s.flags} ({_versions(report, 'flag')})"))
    rows.append(("changes", counts(s) if report.changes else "none in the schema"))
    if reformatted := _reformatted(report):
        rows.append(("note", reformatted))
    rows += render_notes(report)
    status = style(report.status.upper(), _STATUS_COLOUR[report.status], bold=True)
    rows.append(("status", f"{status}: {why(report)}" if report.status == "drift" else status))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {style.wrap(v, width + 2)}" for k, v in rows) + "\n"


def spelled(report: Report, version: str | None) -> str | None:
    """A version as the migrations spell it (`10` recorded by user_version is `0010`)."""
    if version is None:
        return None
    from driftcheck.versions import spelled as spell

    return spell(version, (e.version for e in report.plan if e.version is not None))


def _reformatted(report: Report) -> str | None:
    """Files changed since they ran without changing the schema: fine for driftcheck,
    but Flyway and sqlx verify checksums and refuse to run until they are repaired."""
    versions = [e.version or "" for e in report.plan if e.code == "reformatted"]
    if not versions:
        return None
    h = report.history
    strict = h is not None and h.store in ("flyway", "sqlx")
    return (
        f"{_plural(len(versions), 'migration file')} changed since "
        f"{'it' if len(versions) == 1 else 'they'} ran, without changing the schema "
        f"({', '.join(versions[:6])}{' ...' if len(versions) > 6 else ''}): "
        "`driftcheck repair` records the new checksums"
        + (f" ({h.store} refuses to run until then)" if strict and h is not None else "")
    )


def _versions(report: Report, action: str, limit: int = 6) -> str:
    if action == "flag":
        # By reason: "unknown_version: 1, 2; unattributed".
        codes: dict[str, list[str]] = {}
        for e in report.plan:
            if e.action == "flag":
                codes.setdefault(e.code, []).append(e.version or "")
        return "; ".join(
            code + (f": {_listed([v for v in vs if v], limit)}" if any(vs) else "")
            for code, vs in codes.items()
        )
    return _listed([(e.version or "") for e in report.plan if e.action == action], limit)


def _listed(names: list[str], limit: int) -> str:
    return ", ".join(names[:limit]) + (
        f" and {len(names) - limit} more" if len(names) > limit else ""
    )


def why(report: Report) -> str:
    """What makes a report DRIFT, in words: changes, versions to record, flags."""
    s = report.summary
    parts = []
    if s.errors or s.warnings:
        parts.append(counts(s))
    if s.record:
        listed = _versions(report, "record")
        parts.append(f"{_plural(s.record, 'version')} applied but not recorded ({listed})")
    elif not report.history or not report.history.exists:
        unrecorded = [e for e in report.plan if e.action == "record"]
        if unrecorded and not parts:
            parts.append("no migration history in the database")
    if s.flags:
        parts.append(f"{s.flags} flagged ({_versions(report, 'flag')})")
    h = report.history
    if h is not None and h.pointer_stale:
        parts.append(
            f"the version pointer says {h.pointer or 'nothing'}, the history records "
            f"{h.recorded_version or 'nothing'} (`driftcheck repair` sets it)"
        )
    return "; ".join(parts) or counts(s)


def render_notes(report: Report) -> list[tuple[str, str]]:
    """Rows for what was left out: migration files (with the loader's reason), and the
    database objects the `ignore` rules kept out of the comparison."""
    rows = [("note", note) for note in (report.migrations.notes if report.migrations else [])]
    if report.ignored:
        named = [
            f"{i.object_type} {i.name}" + (f" on {i.table}" if i.table else "")
            for i in report.ignored
        ]
        shown = ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")
        rows.append(("ignored", f"{_plural(len(named), 'object')} ({shown}) by ignore rules"))
    return rows


def render_report(
    report: Report,
    style: Style,
    *,
    title: str = "validate",
    show_plan: bool = False,
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
    rows += render_notes(report)
    rows.append(("effective", _effective(report)))
    if s.pending and not report.plan:
        rows.append(("pending", _plural(s.pending, "version")))
    h = report.history
    if h is not None:
        where = store_label(h.store, h.table)
        if h.exists:
            recorded = (
                f"recorded {spelled(report, h.recorded_version)}"
                if h.recorded_version
                else "nothing recorded"
            )
            rows.append(("history", f"{h.store} ({where}), {recorded}"))
        else:
            rows.append(("history", f"none yet (apply would create {h.table or h.store})"))
        for note in h.notes:
            rows.append(("note", note))
        if reformatted := _reformatted(report):
            rows.append(("note", reformatted))
    if report.plan and any(e.action != "ok" for e in report.plan):
        parts = [f"{n} to {a}" for a, n in (("record", s.record), ("apply", s.pending)) if n]
        if s.flags:
            parts.append(f"{s.flags} flagged")
        if parts:
            rows.append(("plan", ", ".join(parts)))
    status = style(report.status.upper(), _STATUS_COLOUR[report.status], bold=True)
    rows.append(("status", f"{status}: {why(report) if report.status == 'drift' else counts(s)}"))
    width = max(len(k) for k, _ in rows)
    lines += [f"  {k:<{width}}  {style.wrap(v, width + 4)}" for k, v in rows]
    if report.changes:
        lines.append("")
        lines += changes_block(report.changes, style)
    if show_plan and report.plan:
        lines.append("")
        lines += plan_block(report.plan, style)
    elif attention := [
        e for e in report.plan if e.action == "flag" or (e.action == "record" and s.record)
    ]:
        # What makes the report DRIFT besides changes: versions to record, flags.
        lines.append("")
        lines += plan_block(
            attention,
            style,
            title="needs attention (run `driftcheck plan` for the whole plan)",
        )
    return "\n".join(lines) + "\n"


def plan_block(entries: list[PlanEntry], style: Style, title: str = "plan") -> list[str]:
    """One line per version; a run of plain `ok` versions is folded into one line."""
    lines = [style(title, bold=True)]
    width = max([len(e.version or "-") for e in entries] + [4])
    rows: list[tuple[str, str, str]] = []
    run: list[PlanEntry] = []

    def flush() -> None:
        if not run:
            return
        action = run[0].action
        if len(run) == 1:
            rows.append((run[0].version or "-", action, f"{run[0].name}: {run[0].reason}"))
        else:
            what = (
                "recorded and present"
                if action == "ok"
                else "present, not recorded (applied by hand?)"
            )
            rows.append(
                (f"{run[0].version}..{run[-1].version}", action, f"{len(run)} versions {what}")
            )
        run.clear()

    for e in entries:
        foldable = (e.action, e.code) in (("ok", "ok"), ("record", "unrecorded"))
        if foldable and (not run or run[0].action == e.action):
            run.append(e)
            continue
        if foldable:
            flush()
            run.append(e)
            continue
        flush()
        label = f"{e.name}: " if e.name else ""
        code = f"[{e.code}] " if e.action == "flag" or e.code == "reformatted" else ""
        rows.append((e.version or "-", e.action, printable(f"{label}{code}{e.reason}")))
        if e.action == "flag":
            rows += [("", "", f"  {printable(ev.message)}") for ev in e.evidence[:8]]
            if len(e.evidence) > 8:
                rows.append(("", "", f"  ... and {len(e.evidence) - 8} more"))
    flush()
    width = max([width] + [len(v) for v, _, _ in rows])
    for version, action, text in rows:
        act = style(f"{action:<6}", _ACTION_COLOUR.get(action)) if action else " " * 6
        indent = 2 + width + 2 + 6 + 2 + (len(text) - len(text.lstrip(" ")))
        body = style.wrap(text.lstrip(" "), indent)
        lines.append(
            f"  {version:<{width}}  {act}  {' ' * (len(text) - len(text.lstrip(' ')))}{body}"
        )
    return lines


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
    if report.status == "same":  # info notes only: the same schema
        lines.append(f"  the same schema; {_plural(report.summary.changes, 'note')}:")
    else:
        lines.append(f"  {_plural(report.summary.changes, 'difference')}: {counts(report.summary)}")
    lines.append("")
    lines += changes_block(report.changes, style)
    return "\n".join(lines) + "\n"
