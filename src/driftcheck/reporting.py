"""Building the report: the Report model from what the pipeline found."""

from __future__ import annotations

from driftcheck.changes import Change
from driftcheck.dburl import redact
from driftcheck.effective import Effective
from driftcheck.errors import DriftcheckError
from driftcheck.expected import Expected
from driftcheck.history import History, Store
from driftcheck.model import SchemaObject
from driftcheck.normalize import fold
from driftcheck.planner import Plan
from driftcheck.report.model import (
    ErrorInfo,
    HistoryInfo,
    HistoryVersion,
    IgnoredObject,
    Migrations,
    Report,
    Target,
    now,
    tool,
)

_KIND_ORDER = {"table": 0, "index": 1, "view": 2, "trigger": 3}


def status_of(
    effective: Effective,
    expected: Expected,
    changes: list[Change],
    plan: Plan,
    history: History | None,
) -> str:
    """clean | pending | drift, from the changes and the plan."""
    severe = any(c.severity in ("error", "warning") for c in changes)
    if severe or plan.count("flag"):
        return "drift"
    if history is not None and history.exists:
        # A version present but unrecorded is drift: the history tells a lie. So is a
        # version pointer that disagrees with it (the application reads the pointer).
        if plan.count("record") or history.pointer_stale:
            return "drift"
        return "pending" if plan.count("apply") else "clean"
    # No history at all: the status follows the schema alone.
    if effective.index < len(expected.states) - 1 or plan.count("apply"):
        return "pending"
    return "clean"


def migrations_info(expected: Expected) -> Migrations:
    """What the report says about the migrations, with the loader's notes (files left
    out, and why), which would otherwise go unsaid."""
    info = expected.info()
    notes = list(expected.migration_set.notes) if expected.migration_set is not None else []
    return info.model_copy(update={"notes": notes}) if notes else info


def ignored_info(found: list[tuple[SchemaObject, str]]) -> list[IgnoredObject]:
    """The objects `ignore` rules left out, sorted: tables first, then by name."""
    items = [
        IgnoredObject(
            object_type=obj.kind,
            name=obj.name,
            table=getattr(obj, "table", None),
            pattern=pattern,
        )
        for obj, pattern in found
    ]
    return sorted(
        items,
        key=lambda i: (_KIND_ORDER[i.object_type], fold(i.name), i.name, i.table or ""),
    )


def history_info(history: History, store: Store | None, expected: Expected) -> HistoryInfo:
    migrations = {history.key(v): m for v, m in expected.migrations.items()}
    versions = []
    for e in sorted(history.entries, key=lambda e: history.key(e.version)):
        m = migrations.get(history.key(e.version))
        checksum = (
            store.checksum_state(e, m)
            if store is not None and m is not None
            else ("none" if e.checksum in (None, "") else "unknown")
        )
        versions.append(
            HistoryVersion(
                version=e.version,
                name=e.name,
                applied_at=e.applied_at,
                success=e.success,
                dirty=e.dirty,
                how=e.how,
                checksum=checksum,
            )
        )
    return HistoryInfo(
        store=history.store,
        table=history.table,
        exists=history.exists,
        recorded_version=history.recorded_version,
        checksum_algorithm=store.checksum_algorithm if store is not None else None,
        pointer=history.pointer,
        pointer_stale=history.pointer_stale,
        versions=versions,
        notes=list(history.notes),
    )


def error_report(exc: DriftcheckError, database: str | None) -> Report:
    return Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=redact(database)),
        status="error",
        error=ErrorInfo.of(exc),
    )
