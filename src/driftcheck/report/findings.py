"""What the CI formats annotate: a report's problems as flat findings, each with a stable
rule, a level, a sentence and, when the migrations say where, a file and a line.

GitHub annotations and SARIF results are both drawn from `findings()`, so the two always
agree on what is wrong and where; JUnit and Markdown read the report itself.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from driftcheck.changes import Change, ObjectType, Verb
from driftcheck.report.model import FLAG_CODES, PlanEntry, Report

Level = Literal["error", "warning", "info"]

_VERBS: tuple[Verb, ...] = ("missing", "unexpected", "changed", "renamed")
_OBJECTS: tuple[ObjectType, ...] = (
    "table",
    "column",
    "index",
    "foreign_key",
    "check",
    "view",
    "trigger",
)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    help: str
    level: Level


def _change_rule(verb: str, object_type: str) -> Rule:
    what = object_type.replace("_", " ")
    help_ = {
        "missing": f"A migration creates this {what}, but the database does not have it. "
        "Someone dropped it by hand, or a migration was applied in part.",
        "unexpected": f"The database has this {what}, but no migration creates it. Add a "
        "migration that creates it, or drop it from the database.",
        "changed": f"The database has this {what} in a different form from the one the "
        "migrations give it. Make the database match, or write the migration that does.",
        "renamed": f"The database has this {what} under another name than the migrations give it.",
    }[verb]
    return Rule(
        id=f"{verb}-{object_type.replace('_', '-')}",
        title=f"{verb} {what}",
        help=help_,
        level="warning",
    )


def _plan_rule(code: str) -> Rule:
    if code == "unrecorded":
        return Rule(
            id="version-unrecorded",
            title="version applied but not recorded",
            help="The database has this version's changes, but the migration history does "
            "not record it: the application would apply it again. `driftcheck apply` "
            "records it.",
            level="error",
        )
    return Rule(
        id=f"version-{code.replace('_', '-')}",
        title="version flagged"
        if code == "flagged"
        else f"version flagged: {code.replace('_', ' ')}",
        help="The plan flags this version for a person to decide (the reason says why); "
        "`driftcheck plan` shows the evidence and `driftcheck resolve` records the decision.",
        level="error",
    )


POINTER_RULE = Rule(
    id="history-pointer-stale",
    title="version pointer disagrees with the history",
    help="The version pointer the application reads disagrees with the recorded "
    "history; `driftcheck repair` sets it.",
    level="error",
)

# Every rule, in a fixed order: a rule's index never depends on what a run found.
RULES: tuple[Rule, ...] = (
    *(_change_rule(verb, obj) for obj in _OBJECTS for verb in _VERBS),
    _plan_rule("unrecorded"),
    *(_plan_rule(code) for code in FLAG_CODES),
    _plan_rule("flagged"),  # a flag code newer than this list
    POINTER_RULE,
)
RULE_INDEX = {rule.id: n for n, rule in enumerate(RULES)}


def change_rule(change: Change) -> Rule:
    return RULES[RULE_INDEX[f"{change.change}-{change.object_type.replace('_', '-')}"]]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of one database."""

    rule: Rule
    level: Level
    database: str | None
    message: str
    key: str  # what the finding is about, stable across runs (no line, no message)
    file: str | None = None
    line: int | None = None


def migration_path(report: Report, file: str | None, root: str | None = None) -> str | None:
    """A migration file as a path from the working directory: the migrations directory as
    given to --migrations joined with the file. A path under `root` is made relative to
    it (CI annotations name files from the repository's root)."""
    if file is None:
        return None
    m = report.migrations
    base = ""
    if m is not None and m.expected_from == "replay" and not m.source.startswith("python:"):
        base = m.source
    return relative(posixpath.join(base.replace("\\", "/"), file.replace("\\", "/")), root)


def relative(path: str, root: str | None) -> str:
    if root and posixpath.isabs(path):
        root = root.replace("\\", "/").rstrip("/")
        if path.startswith(root + "/"):
            return path[len(root) + 1 :]
    return posixpath.normpath(path) if path else path


def since(change: Change) -> str | None:
    """`0012_temporal_metadata.sql:2`: the statement that made the expected object."""
    s = change.source
    if s is None:
        return None
    where = s.file or s.version
    return f"{where}:{s.line}" if s.line is not None else where


def findings(report: Report, *, pending: bool = False, root: str | None = None) -> list[Finding]:
    """The report's problems (and, with `pending`, its pending versions as notes), in
    report order: changes, then plan entries, then the history pointer."""
    return list(_findings(report, pending, root))


def _findings(report: Report, pending: bool, root: str | None) -> Iterator[Finding]:
    db = report.target.database
    for c in report.changes:
        src = c.source
        file = migration_path(report, src.file, root) if src is not None else None
        message = c.message
        if (where := since(c)) is not None:
            message += f" (expected since {where})"
        yield Finding(
            rule=change_rule(c),
            level=c.severity,
            database=db,
            message=message,
            key=f"{c.change}:{c.object_type}:{c.path}:{c.attribute or ''}",
            file=file,
            line=src.line if src is not None and file is not None else None,
        )
    # A version's file, as far as the changes say (plan entries do not carry it).
    files = {c.source.version: c.source.file for c in report.changes if c.source is not None}
    for e in report.plan:
        if e.action == "flag" or (e.action == "record" and report.summary.record):
            code = e.code.replace("_", "-")
            rule = RULES[RULE_INDEX.get(f"version-{code}", RULE_INDEX["version-flagged"])]
            file = migration_path(report, files.get(e.version or ""), root)
            key = f"plan:{e.version}:{e.code}"
            yield Finding(rule, "error", db, _plan_message(e), key, file=file)
        elif e.action == "apply" and pending:
            pending_rule = Rule("version-pending", "version pending", "", "info")
            yield Finding(pending_rule, "info", db, _plan_message(e), f"plan:{e.version}:pending")
    h = report.history
    if h is not None and h.pointer_stale:
        yield Finding(
            POINTER_RULE,
            "error",
            db,
            f"the version pointer says {h.pointer or 'nothing'}, the history records "
            f"{h.recorded_version or 'nothing'} (`driftcheck repair` sets it)",
            "history:pointer",
        )


def _plan_message(e: PlanEntry) -> str:
    label = " ".join(x for x in (e.version, e.name) if x) or "unattributed drift"
    return f"{label}: {e.reason}"
