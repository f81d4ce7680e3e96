"""One report, any format: `render(report, "sarif")`. The CLI and `driftcheck.render`
both come here; each format is a pure function of the report model."""

from __future__ import annotations

from typing import Literal, TypeAlias

from driftcheck.kinds import CI_FORMATS
from driftcheck.report.model import FleetReport, Report

Format: TypeAlias = Literal["text", "json", "markdown", "junit", "github", "sarif"]
FORMATS: tuple[str, ...] = ("text", "json", *CI_FORMATS)


def render(
    report: Report | FleetReport,
    fmt: str,
    *,
    root: str | None = None,
    fail_on_pending: bool = False,
) -> str:
    """`report` in `fmt`, as `--format fmt` prints it. `root`: a directory that absolute
    migration paths are made relative to (github, sarif: annotations name files from the
    repository's root). `fail_on_pending`: as `--fail-on-pending` (github: a pending
    database is an `::error`, saying why the check fails)."""
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "text":
        return _text(report)
    if fmt == "markdown":
        from driftcheck.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "junit":
        from driftcheck.report.junit import render_junit

        return render_junit(report)
    if fmt == "github":
        from driftcheck.report.github import render_github

        return render_github(report, root, fail_on_pending=fail_on_pending)
    if fmt == "sarif":
        from driftcheck.report.sarif import render_sarif

        return render_sarif(report, root)
    from driftcheck.errors import DriftcheckError

    raise DriftcheckError(
        f"unknown report format {fmt!r}",
        hint=f"the formats are: {', '.join(FORMATS)}",
        code="usage",
    )


def _text(report: Report | FleetReport) -> str:
    from driftcheck.report.text import Style, render_report

    if isinstance(report, Report):
        return render_report(report, Style(False), show_plan=True)
    from driftcheck.report import fleet

    tally = fleet.Tally()
    lines = []
    for r in report.reports:
        o = fleet.Outcome.of(r, "none")
        tally.add(o)
        if o.status != "clean":
            lines.append(fleet.line(o, Style(False)))
    if lines:
        lines.append("")
    lines += fleet.summary_lines(tally, report.shard)
    return "\n".join(lines) + "\n"
