"""`driftcheck lint`: the rules, the report (a JSON contract like the others) and its text.

The codes are stable: a code never changes meaning, and a retired code is never
reused. The first digit groups them: 1 definitions that never take effect, 2
destructive changes, 3 references left broken, 4 statements a transaction defeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from driftcheck.report.model import ErrorInfo, Tool
from driftcheck.report.text import Style

Severity = Literal["error", "warning", "info"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # what it finds, in one line


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "DC101",
            "skipped-create",
            "error",
            "a CREATE ... IF NOT EXISTS did nothing, because its object already existed "
            "with another definition",
        ),
        Rule(
            "DC102",
            "empty-version",
            "info",
            "a version that changes nothing: no schema change, no data statement, no user_version",
        ),
        Rule("DC201", "drop-table", "warning", "a version drops a table, and the data in it"),
        Rule(
            "DC202",
            "drop-column",
            "warning",
            "a version drops a column (DROP COLUMN, or a table rebuild without it)",
        ),
        Rule(
            "DC203",
            "rebuild-drops-index",
            "warning",
            "a table rebuild loses an index of the old table",
        ),
        Rule(
            "DC204",
            "rebuild-drops-trigger",
            "warning",
            "a table rebuild loses a trigger of the old table",
        ),
        Rule("DC301", "broken-view", "error", "a view no longer compiles at the end of a version"),
        Rule(
            "DC302",
            "foreign-key-missing-table",
            "error",
            "a foreign key refers to a table that does not exist at the end of the version",
        ),
        Rule(
            "DC303",
            "foreign-key-mismatch",
            "error",
            "a foreign key's target columns are not its table's primary key or UNIQUE "
            "(or do not exist): SQLite refuses writes with `foreign key mismatch`",
        ),
        Rule(
            "DC401",
            "pragma-in-transaction",
            "warning",
            "PRAGMA foreign_keys or journal_mode inside a transaction: SQLite ignores it",
        ),
        Rule(
            "DC402",
            "vacuum-in-transaction",
            "error",
            "VACUUM in a version that runs in a transaction: it fails there",
        ),
    )
}


class Finding(_Model):
    """One thing replaying the migrations proved about them."""

    code: str = Field(description="stable: " + ", ".join(RULES))
    name: str = Field(description="the code's short name, e.g. skipped-create")
    severity: Severity
    version: str | None = Field(description="the version it is about")
    file: str | None = Field(default=None, description="the migration file")
    statement: int | None = Field(
        default=None,
        description="1-based among the version's statements; null for a finding about the "
        "whole version",
    )
    line: int | None = Field(default=None, description="the line the statement starts on")
    message: str
    sql: str | None = Field(
        default=None,
        description='the statement, cut to 6 lines and 400 characters (" ..." marks a cut)',
    )


class LintSummary(_Model):
    errors: int = 0
    warnings: int = 0
    info: int = 0
    ignored: int = Field(default=0, description="findings left out by `ignore`")


class LintReport(_Model):
    """`driftcheck lint --format json`."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    migrations: str | None = Field(description="the migrations directory or python: source")
    format: str | None = None
    versions: int = 0
    status: Literal["pass", "fail", "error"] = Field(
        description="pass: no error-level finding (exit 0); fail: some (exit 1); error: the "
        "migrations could not be linted (exit 2)"
    )
    ignore: list[str] = Field(default_factory=list, description="the codes left out")
    findings: list[Finding] = Field(default_factory=list)
    summary: LintSummary = LintSummary()
    error: ErrorInfo | None = None


def finding(
    code: str,
    message: str,
    *,
    version: str | None,
    file: str | None = None,
    statement: int | None = None,
    line: int | None = None,
    sql: str | None = None,
) -> Finding:
    rule = RULES[code]
    return Finding(
        code=code,
        name=rule.name,
        severity=rule.severity,
        version=version,
        file=file,
        statement=statement,
        line=line,
        message=message,
        sql=sql,
    )


def summarize(findings: list[Finding], ignored: int = 0) -> LintSummary:
    return LintSummary(
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        info=sum(f.severity == "info" for f in findings),
        ignored=ignored,
    )


# --------------------------------------------------------------------------
# Text

_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_lint(report: LintReport, style: Style) -> str:
    """Findings grouped by version, each with its statement; then the counts."""
    lines = [
        f"driftcheck lint: {report.migrations} ({report.format}, "
        f"{_plural(report.versions, 'version')})"
    ]
    current: tuple[str | None, str | None] | None = None
    for f in report.findings:
        if (f.version, f.file) != current:
            current = (f.version, f.file)
            lines.append("")
            head = f"version {f.version}" if f.version else "baseline"
            lines.append(style(head + (f" ({f.file})" if f.file else ""), bold=True))
        where = f", statement {f.statement} (line {f.line})" if f.statement else ""
        sev = style(f"{f.severity:<7}", _COLOUR[f.severity])
        lines.append(f"  {sev}  {f.code} {f.name}{where}")
        lines.append("           " + style.wrap(f.message, 11))
        if f.sql:
            first = f.line or 1
            rows = f.sql.splitlines()
            width = len(str(first + len(rows) - 1))
            lines += [f"           {first + n:>{width}} | {row}" for n, row in enumerate(rows)]
    s = report.summary
    counts = f"{_plural(s.errors, 'error')}, {_plural(s.warnings, 'warning')}, {s.info} info" + (
        f" ({s.ignored} ignored)" if s.ignored else ""
    )
    lines.append("")
    if not report.findings:
        lines.append(
            style("no findings", "green") + (f" ({s.ignored} ignored)" if s.ignored else "")
        )
    else:
        colour = "red" if s.errors else "yellow"
        lines.append(style(counts, colour))
    return "\n".join(lines) + "\n"
