"""The pipeline behind the commands: load -> replay/snapshots -> introspect -> diff -> report.

Commands in `cli` map options onto these functions and render what they
return; nothing here prints.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field

from driftcheck.attribution import attribute, later_creator
from driftcheck.changes import Change
from driftcheck.dburl import database_path
from driftcheck.differ import diff_schemas, operand_wording
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
from driftcheck.normalize import fold
from driftcheck.planner import Hints, Plan, build_plan
from driftcheck.report.model import (
    Report,
    Target,
    now,
    summarize,
    tool,
)
from driftcheck.reporting import (
    history_info,
    ignored_info,
    migrations_info,
    status_of,
)
from driftcheck.settings import Settings
from driftcheck.sqlite.connect import check_database_file, read_readonly
from driftcheck.sqlite.introspect import Delta, Key, Master, raw_rows, read_objects
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


Target_ = tuple[Schema, Store | None, History | None]


def _read_history(
    conn: sqlite3.Connection, s: Settings, expected: Expected
) -> tuple[Store | None, History | None]:
    from driftcheck.history import find_store

    found = find_store(conn, s.config.history, expected.migration_set)
    history = found.store.read(conn) if found.store is not None else None
    if history is not None:
        history.notes[:0] = found.notes
        history.internal = (*history.internal, *found.others)
    return found.store, history


def read_target(database: str, s: Settings, expected: Expected) -> Target_:
    """The database's schema and history, read over one read-only connection."""

    def read(conn: sqlite3.Connection) -> Target_:
        store, history = _read_history(conn, s, expected)
        return Schema.of(read_objects(conn)), store, history

    return read_readonly(database, s.functions, read, s.busy_timeout)


class ReportMemo:
    """Reports of a fleet's databases, by everything a report depends on.

    Within one run (one settings, one set of expected schemas) a database's report
    is decided by its sqlite_schema rows and its history. Databases of a fleet mostly
    share both, so a database whose rows and history were seen before costs one
    query for the rows and the history's own reads: nothing is parsed, compared or
    planned again. Bounded, because a long-running service keeps it.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._reports: OrderedDict[tuple[object, ...], Report] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[object, ...]) -> Report | None:
        report = self._reports.get(key)
        if report is not None:
            self._reports.move_to_end(key)
            self.hits += 1
        return report

    def put(self, key: tuple[object, ...], report: Report) -> None:
        self.misses += 1
        self._reports[key] = report
        if len(self._reports) > self.maxsize:
            self._reports.popitem(last=False)


def validate_report(s: Settings, expected: Expected, memo: ReportMemo) -> Report:
    """`validate(s, expected).report`, answered from `memo` when this database's rows
    and history were seen before (see `ReportMemo`)."""
    database = s.require_database()

    def read(
        conn: sqlite3.Connection,
    ) -> tuple[tuple[object, ...], Report | None, Target_ | None]:
        store, history = _read_history(conn, s, expected)
        # Sorted: the same objects created in another order are the same schema. Rows
        # never tie on (type, name), so a NULL sql is never compared with text.
        rows = sorted(raw_rows(conn))
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        key = (digest, type(store).__name__, getattr(store, "table", None), repr(history))
        cached = memo.get(key)
        if cached is not None:
            return key, cached, None
        return key, None, (Schema.of(read_objects(conn)), store, history)

    key, cached, target = read_readonly(database, s.functions, read, s.busy_timeout)
    if cached is not None:
        return cached.model_copy(
            update={"target": Target(database=s.database_label), "generated_at": now()}
        )
    report = validate(s, expected, target).report
    memo.put(key, report)
    return report


def validate(
    s: Settings, expected: Expected | None = None, target: Target_ | None = None
) -> Validation:
    """The whole check; `expected` reuses expected schemas already loaded (apply's),
    `target` the database's schema and history already read."""
    database = s.require_database()
    if target is None:
        check_database_file(database)  # a wrong path is said at once, not after a replay
    if expected is None:
        expected = expected_schemas(s)
    actual, store, history = target or read_target(database, s, expected)
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
    changes = _name_later_creators(effective.changes, expected, effective.index)
    # Which statement made each expected object: worked out only when there are changes,
    # and kept with the expected schemas (a fleet's databases share them).
    changes = attribute(changes, before, effective.index, s.functions)
    # The report's changes from here on (`plan --format sql` matches them against the plan's).
    effective = dataclasses.replace(effective, changes=changes)
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


_NO_CREATOR = "but no migration creates it"


def _name_later_creators(changes: list[Change], expected: Expected, index: int) -> list[Change]:
    """An object the database has that a later version creates (made by hand before that
    version ran) is not one "no migration creates": say which version does."""
    states = expected.states
    out: list[Change] = []
    for c in changes:
        if c.change == "unexpected" and c.object_type in ("table", "index", "view", "trigger"):
            later = later_creator(states, index, (c.object_type, fold(c.name)))
            if later is not None and _NO_CREATOR in c.message:
                at = states[index].version
                where = f"not at version {at}" if at is not None else "not before any version"
                by = states[later].version
                c = c.model_copy(
                    update={
                        "message": c.message.replace(
                            _NO_CREATOR, f"but {where}: version {by} creates it"
                        )
                    }
                )
        out.append(c)
    return out


def schema_of(spec: str, s: Settings, expected: Expected | None) -> Schema:
    """A `diff` operand: a database path, or `version:V` from the migrations."""
    if spec.startswith("version:"):
        if expected is None:
            expected = expected_schemas(s)
        return expected.states[expected.state_of(spec.removeprefix("version:"))].schema()
    return read_database(database_path(spec), s)


def differing_schemas(a: str, b: str, s: Settings) -> tuple[Schema, Schema]:
    """Two databases' schemas, cut down to what can differ between them.

    The sqlite_schema rows are compared first, as tuples: an object whose row is the
    same on both sides is the same object, unless something it reads differs (its
    table, a table it references or selects from: `Master.dependents`). Only the
    rows that differ and those dependents are read into the model and compared, so
    two large, nearly equal schemas cost their rows and a handful of parses.
    """

    def both(ca: sqlite3.Connection) -> tuple[Schema, Schema]:
        ma = Master()
        ma.update(ca)
        ra = ma.rows

        # Each side's reads happen inside its own read_readonly, so that an error is
        # blamed on the database it came from.
        def other(cb: sqlite3.Connection) -> tuple[set[Key], Schema]:
            mb = Master()
            mb.update(cb)
            rb = mb.rows
            differ = {k for k in ra.keys() | rb.keys() if ra.get(k) != rb.get(k)}
            wanted = set(differ)
            for m, rows in ((ma, ra), (mb, rb)):
                wanted |= m.dependents(
                    Delta(
                        frozenset(k for k in differ if k in rows),
                        frozenset(k for k in differ if k not in rows),
                    )
                )
            return wanted, Schema.of(read_objects(cb, rb, wanted))

        wanted, right = read_readonly(database_path(b), s.functions, other, s.busy_timeout)
        return Schema.of(read_objects(ca, ra, wanted)), right

    return read_readonly(database_path(a), s.functions, both, s.busy_timeout)


def diff(a: str, b: str, s: Settings) -> list[Change]:
    needs_migrations = any(x.startswith("version:") for x in (a, b))
    expected = expected_schemas(s) if needs_migrations else None
    if needs_migrations:
        left, right = schema_of(a, s, expected), schema_of(b, s, expected)
    else:
        left, right = differing_schemas(a, b, s)
    left = without_history(left, s, expected)
    right = without_history(right, s, expected)
    patterns = s.config.ignore
    if patterns:
        left = Schema.of(ignore_objects(left.objects(), patterns))
        right = Schema.of(ignore_objects(right.objects(), patterns))
    return diff_schemas(left, right, wording=operand_wording(a, b))
