"""The pipeline behind the commands: load -> replay/snapshots -> introspect -> diff -> report.

Commands in `cli` map options onto these functions and render what they
return; nothing here prints.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from driftcheck.changes import Change
from driftcheck.dburl import database_path
from driftcheck.diff import diff_schemas, operand_wording
from driftcheck.effective import Effective, find_effective
from driftcheck.expected import (
    Expected,
    expected_schemas,
)
from driftcheck.history import History, Store
from driftcheck.ignore import (
    apply_ignore,
    ignore_objects,
    ignored_by_rules,
    internal_tables,
    without_history,
)
from driftcheck.model import Schema
from driftcheck.plan import Hints, Plan, build_plan
from driftcheck.report.model import (
    Report,
    Target,
    summarize,
)
from driftcheck.reporting import (
    history_info,
    ignored_info,
    migrations_info,
    now,
    status_of,
    tool,
)
from driftcheck.settings import Settings
from driftcheck.sqlite.connect import check_database_file, read_readonly
from driftcheck.sqlite.introspect import read_objects
from driftcheck.versions import version_key


def read_database(path: str, s: Settings) -> Schema:
    return read_readonly(
        path, s.functions, lambda conn: Schema.of(read_objects(conn)), s.busy_timeout
    )


@dataclass
class Validation:
    report: Report
    expected: Expected
    actual: Schema
    effective: Effective
    history: History | None
    store: Store | None
    plan: Plan
    internal: set[str] = field(default_factory=set)  # history tables left out (folded)


def read_target(
    database: str, s: Settings, expected: Expected
) -> tuple[Schema, Store | None, History | None]:
    """The database's schema and history, read over one read-only connection."""
    from driftcheck.history import find_store

    def read(conn: sqlite3.Connection) -> tuple[Schema, Store | None, History | None]:
        found = find_store(conn, s.config.history, expected.migration_set)
        history = found.store.read(conn) if found.store is not None else None
        if history is not None:
            history.notes[:0] = found.notes
            history.internal = (*history.internal, *found.others)
        return Schema.of(read_objects(conn)), found.store, history

    return read_readonly(database, s.functions, read, s.busy_timeout)


def validate(s: Settings, expected: Expected | None = None) -> Validation:
    """The whole check; `expected` reuses expected schemas already loaded (apply's)."""
    database = s.require_database()
    check_database_file(database)  # a wrong path is said at once, not after a long replay
    if expected is None:
        expected = expected_schemas(s)
    actual, store, history = read_target(database, s, expected)
    internal = internal_tables(s, expected, history)
    ignored = ignored_info(ignored_by_rules(actual, s.config.ignore, internal))
    before = expected
    expected, actual = apply_ignore(expected, actual, s.config.ignore, internal)
    recorded = history.recorded_version if history is not None and history.exists else None
    effective = find_effective(
        expected.states,
        actual,
        recorded=recorded,
        key=history.key if history is not None else version_key,
    )
    changes = effective.changes
    plan = build_plan(
        expected.states,
        actual,
        effective.index,
        changes,
        history,
        store,
        expected.migrations,
        Hints.of(s.config, before, expected),
    )
    status = status_of(effective, expected, changes, plan, history)
    tracked = history is not None and history.exists
    report = Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=s.database_label),
        migrations=migrations_info(expected),
        history=history_info(history, store, expected) if history is not None else None,
        effective_version=effective.version,
        effective_name=expected.states[effective.index].name or None,
        status=status,  # type: ignore[arg-type]
        changes=changes,
        ignored=ignored,
        plan=plan.entries,
        summary=summarize(
            changes,
            pending=plan.count("apply"),
            record=plan.count("record") if tracked else 0,
            flags=plan.count("flag"),
            match="exact" if effective.exact else "closest",
        ),
    )
    return Validation(report, expected, actual, effective, history, store, plan, internal)


def schema_of(spec: str, s: Settings, expected: Expected | None) -> Schema:
    """A `diff` operand: a database path, or `version:V` from the migrations."""
    if spec.startswith("version:"):
        if expected is None:
            expected = expected_schemas(s)
        return expected.states[expected.state_of(spec.removeprefix("version:"))].schema()
    return read_database(database_path(spec), s)


def diff(a: str, b: str, s: Settings) -> list[Change]:
    needs_migrations = any(x.startswith("version:") for x in (a, b))
    expected = expected_schemas(s) if needs_migrations else None
    left = without_history(schema_of(a, s, expected), s, expected)
    right = without_history(schema_of(b, s, expected), s, expected)
    patterns = s.config.ignore
    if patterns:
        left = Schema.of(ignore_objects(left.objects(), patterns))
        right = Schema.of(ignore_objects(right.objects(), patterns))
    return diff_schemas(left, right, wording=operand_wording(a, b))
