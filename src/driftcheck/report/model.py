"""The JSON report: a public contract, versioned by `report_version`.

These models are the contract; docs/report.schema.json is generated from
them (`python -m driftcheck.report.schema`), and a test keeps the two in step.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from driftcheck import __version__
from driftcheck.changes import Change
from driftcheck.errors import DriftcheckError

Status = Literal["clean", "pending", "drift", "error"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tool(_Model):
    name: Literal["driftcheck"] = "driftcheck"
    version: str


class Target(_Model):
    database: str | None = Field(description="the database path as given")
    dialect: Literal["sqlite"] = "sqlite"


class SkippedStep(_Model):
    version: str | None
    file: str
    reason: str


class Migrations(_Model):
    source: str = Field(
        description="migrations directory, python:module:attr, or the snapshot "
        "directory when validating from snapshots alone"
    )
    format: str
    count: int
    latest_version: str | None
    expected_from: Literal["replay", "snapshots"] = Field(
        description="where the expected schemas came from"
    )
    skipped: list[SkippedStep] = Field(
        default_factory=list, description="code-defined steps that cannot be replayed"
    )
    notes: list[str] = Field(
        default_factory=list,
        description="files of the migrations directory left out, and why (Flyway undo and "
        "repeatable files, schema dumps and seeds, down files without an up migration, ...)",
    )


class IgnoredObject(_Model):
    """An object of the database that an `ignore` rule left out of the comparison."""

    object_type: Literal["table", "index", "view", "trigger"]
    name: str
    table: str | None = Field(
        default=None, description="the table an index or trigger is on (null for tables, views)"
    )
    pattern: str = Field(
        description="the ignore rule that matched, as written (for an index or trigger "
        "on an ignored table: the table's rule)"
    )


class Evidence(_Model):
    """One object a version creates, changes or drops, and what the database has of it."""

    object_type: str = Field(
        description="table, index, view or trigger (column, check, "
        "foreign_key too for unattributed drift)"
    )
    name: str
    table: str | None = None
    effect: Literal["creates", "changes", "drops", "drift"]
    present: bool | None = Field(
        description="true: the database has this version's form of the object; false: it "
        "has the earlier form; null: neither (changed some other way)"
    )
    message: str


Action = Literal["ok", "record", "apply", "flag"]

FLAG_CODES = (
    "partial",
    "recorded_but_absent",
    "checksum_mismatch",
    "failed",
    "dirty",
    "unknown_version",
    "out_of_order",
    "conflict",
    "unattributed",
)


class PlanEntry(_Model):
    version: str | None = Field(description="null for unattributed drift")
    name: str | None = None
    action: Action
    code: str = Field(
        description="ok | reformatted (ok) | unrecorded (record) | pending "
        "(apply) | " + " | ".join(FLAG_CODES) + " (flag)"
    )
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


class HistoryVersion(_Model):
    version: str
    name: str | None = None
    applied_at: str | None = None
    success: bool = True
    dirty: bool = False
    how: str | None = None
    checksum: Literal["match", "mismatch", "unknown", "none"] = Field(
        default="none",
        description="the recorded checksum against the migration file now: "
        "unknown when the store's algorithm is not known",
    )


class HistoryInfo(_Model):
    store: str = Field(
        description="driftcheck | table | user_version | flyway | "
        "golang-migrate | dbmate | sqlx | diesel | goose | prisma"
    )
    table: str | None
    exists: bool = Field(description="false: the store is not there yet (apply creates it)")
    recorded_version: str | None
    checksum_algorithm: str | None = None
    pointer: str | None = Field(default=None, description="the version pointer's value")
    pointer_stale: bool = Field(
        default=False,
        description="the version pointer disagrees with the recorded version (drift; "
        "`repair` sets it)",
    )
    versions: list[HistoryVersion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Summary(_Model):
    errors: int = 0
    warnings: int = 0
    info: int = 0
    changes: int = 0
    pending: int = Field(default=0, description="versions to apply")
    record: int = Field(default=0, description="versions present but not recorded")
    flags: int = Field(default=0, description="plan entries a person must decide")
    match: Literal["exact", "closest", "none"] = Field(
        default="none",
        description="exact: the database equals the effective version's schema; "
        "closest: the version with the fewest changes",
    )


class ErrorInfo(_Model):
    code: str
    message: str
    hint: str | None = None
    # The failing statement, for errors about one (a migration that fails to replay or
    # to apply); null otherwise.
    version: str | None = Field(default=None, description="the version the error is about")
    file: str | None = Field(default=None, description="its migration file")
    statement: int | None = Field(
        default=None, description="the failing statement: 1-based among its migration's"
    )
    line: int | None = Field(default=None, description="the line the statement starts on")
    sql: str | None = Field(
        default=None,
        description="the failing statement as written, cut to 6 lines and 400 characters "
        '(" ..." marks a cut)',
    )
    reason: str | None = Field(
        default=None,
        description="why it failed, found from the migrations' replay (e.g. the version "
        "that created, renamed or dropped the object); null when there is nothing to add",
    )

    @classmethod
    def of(cls, exc: DriftcheckError) -> ErrorInfo:
        """The JSON form of an error (every report's `error` is made here)."""
        c = exc.culprit
        if c is None:
            return cls(code=exc.code, message=exc.message, hint=exc.hint)
        return cls(
            code=exc.code,
            message=exc.message,
            hint=exc.hint,
            version=c.version,
            file=c.file,
            statement=c.statement,
            line=c.line,
            sql=c.sql,
            reason=c.reason,
        )


class Report(_Model):
    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str = Field(description="ISO-8601 UTC")
    target: Target
    migrations: Migrations | None = None
    history: HistoryInfo | None = None
    effective_version: str | None = None
    effective_name: str | None = Field(
        default=None, description="the effective version's name (the migration's name)"
    )
    status: Status
    changes: list[Change] = Field(default_factory=list)
    ignored: list[IgnoredObject] = Field(
        default_factory=list,
        description="objects of the database the `ignore` rules left out of the comparison "
        "(history tables are never schema and are not listed)",
    )
    plan: list[PlanEntry] = Field(default_factory=list)
    summary: Summary = Summary()
    error: ErrorInfo | None = None


class DiffReport(_Model):
    """`driftcheck diff A B`: A is expected, B is actual."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    expected: str
    actual: str
    status: Literal["same", "different", "error"]
    changes: list[Change] = Field(default_factory=list)
    summary: Summary = Summary()
    error: ErrorInfo | None = None


def summarize(changes: list[Change], **extra: Any) -> Summary:
    return Summary(
        errors=sum(c.severity == "error" for c in changes),
        warnings=sum(c.severity == "warning" for c in changes),
        info=sum(c.severity == "info" for c in changes),
        changes=len(changes),
        **extra,
    )


class AppliedStep(_Model):
    """One version `apply` carried out (or, in a dry run, would carry out)."""

    version: str
    name: str | None = None
    action: Literal["apply", "record", "applied", "recorded", "skipped"] = Field(
        description="apply | record: planned (dry run); applied | recorded | skipped: done"
    )
    ms: int = 0
    note: str | None = None


class ApplyReport(_Model):
    """`driftcheck apply --format json`."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    database: str | None
    outcome: Literal[
        "done", "nothing_to_do", "dry_run", "refused", "declined", "failed", "interrupted"
    ]
    created: bool = Field(default=False, description="apply created the database file")
    backup: str | None = None
    steps: list[AppliedStep] = Field(
        default_factory=list, description="versions done (or, in a dry run, planned), in order"
    )
    flags: list[PlanEntry] = Field(
        default_factory=list, description="the plan's flags (a dry run shows them as warnings)"
    )
    sql: str | None = Field(
        default=None,
        description="dry run: the SQL each version would run and the history rows it would "
        "write, as `apply --dry-run` prints it",
    )
    error: ErrorInfo | None = Field(
        default=None, description="why apply refused, stopped or failed"
    )
    report: Report | None = Field(
        default=None, description="the validate report of the database after apply"
    )


class SnapshotReport(_Model):
    """`driftcheck snapshot [--check] --format json`."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    directory: str
    status: Literal["current", "stale", "written", "error"]
    versions: int = 0
    latest_version: str | None = None
    reasons: list[str] = Field(default_factory=list, description="why the snapshots are stale")
    files_written: int = 0
    replayed: int = Field(default=0, description="versions replayed to write them")
    first_replayed: str | None = Field(
        default=None, description="the first version replayed (the ones before it were current)"
    )
    error: ErrorInfo | None = None


class FleetSummary(_Model):
    databases: int
    clean: int = 0
    pending: int = 0
    drift: int = 0
    error: int = 0


class Shard(_Model):
    """Which slice of the database list a sharded run (`--shard I/N`) checked."""

    index: int = Field(ge=1, description="1-based: shard 1 of N is the first")
    count: int = Field(ge=1, description="N, the number of shards")
    databases: int = Field(
        ge=0,
        description="the databases in the whole, unsharded list (every shard must see the "
        "same list)",
    )


class FleetReport(_Model):
    """`driftcheck validate --db A --db 'B/*.db' --format json`: one report per database,
    in database order, then the summary (`driftcheck merge-reports --format json` writes the
    same document for merged shards). `--format jsonl` prints the reports alone, one per
    line, as each finishes."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    shard: Shard | None = Field(
        default=None, description="the slice this run checked (`--shard`); null: all of them"
    )
    # The reports come before the summary so that the document can be written as the
    # reports arrive, without holding them all: JSON objects are unordered, and the
    # summary is only known at the end.
    reports: list[Report]
    summary: FleetSummary


def now() -> str:
    """Report timestamp; SOURCE_DATE_EPOCH pins it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.now(UTC)
    if epoch and epoch.isdigit():
        # A value no date can hold (past year 9999) is ignored, as a non-number is:
        # reproducible builds' convention is to fall back to the clock.
        with contextlib.suppress(OverflowError, OSError, ValueError):
            moment = datetime.fromtimestamp(int(epoch), UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def tool() -> Tool:
    return Tool(version=__version__)
