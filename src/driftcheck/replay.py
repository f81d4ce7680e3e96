"""Replay migrations into an in-memory SQLite database: the expected schemas.

Each version's statements run in order in a fresh in-memory database (in
autocommit mode, so migrations that BEGIN/COMMIT or set PRAGMA foreign_keys
work as they do for the application). After every version the schema is
snapshotted incrementally: only objects whose sqlite_schema rows changed are
read again (plus the indexes of changed tables, and views, whose columns
depend on the tables beneath them), so the cost stays close to SQLite's own
cost of executing the DDL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from driftcheck.compare import canonical_hash
from driftcheck.errors import Culprit, ReplayError, trimmed_sql
from driftcheck.migrations.model import Migration, Statement
from driftcheck.model import (
    Schema,
    SchemaObject,
    fingerprint_of_hashes,
    fingerprint_term,
    fingerprint_text,
    raw_hash,
)
from driftcheck.normalize import fold
from driftcheck.sqlite.connect import FunctionStub, open_memory
from driftcheck.sqlite.diagnose import Failure, advice, explain, function_hint
from driftcheck.sqlite.introspect import Master, RawRow, raw_rows, read_objects
from driftcheck.sqlite.statements import Skipped, skipped_create

ObjectKey = tuple[str, str]  # (kind, folded name)


@dataclass
class VersionState:
    """The expected schema after one version (or, for the first state, before any)."""

    version: str | None  # None: before the first migration (empty, or the baseline)
    name: str
    checksum: str | None
    objects: dict[ObjectKey, SchemaObject]
    hashes: dict[ObjectKey, str]  # raw hashes (see model.raw_hash)
    changed: set[ObjectKey] = field(default_factory=set)  # added or changed by this version
    removed: set[ObjectKey] = field(default_factory=set)
    _fingerprint: str | None = None
    _raw_sum: int | None = None
    _schema: Schema | None = None

    @property
    def raw_fingerprint(self) -> str:
        """Fingerprint of the schema exactly as read: equal means identical text."""
        return fingerprint_text(self._raw_total())

    def _raw_total(self) -> int:
        if self._raw_sum is None:
            self._raw_sum = sum(
                fingerprint_term(f"{k}:{n}", h) for (k, n), h in self.hashes.items()
            )
        return self._raw_sum

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the normalised schema: equal means the same schema."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint_of_hashes(
                (f"{k}:{n}", h) for (k, n), h in self.canonical_hashes().items()
            )
        return self._fingerprint

    def canonical_hashes(self) -> dict[ObjectKey, str]:
        return {key: canonical_hash(self.objects[key], h) for key, h in self.hashes.items()}

    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema.of(self.objects.values())
        return self._schema

    def successor(
        self,
        version: str,
        name: str,
        checksum: str,
        changed: Iterable[SchemaObject],
        removed: Iterable[ObjectKey],
    ) -> VersionState:
        objects = dict(self.objects)
        hashes = dict(self.hashes)
        total = self._raw_total()
        removed_keys = set(removed)
        for key in removed_keys:
            objects.pop(key, None)
            old = hashes.pop(key, None)
            if old is not None:
                total -= fingerprint_term(f"{key[0]}:{key[1]}", old)
        changed_keys: set[ObjectKey] = set()
        for obj in changed:
            key = object_key(obj)
            h = raw_hash(obj)
            old = hashes.get(key)
            if old != h:
                oid = f"{key[0]}:{key[1]}"
                if old is not None:
                    total -= fingerprint_term(oid, old)
                total += fingerprint_term(oid, h)
                changed_keys.add(key)
                objects[key] = obj
                hashes[key] = h
        state = VersionState(version, name, checksum, objects, hashes, changed_keys, removed_keys)
        state._raw_sum = total
        return state


def object_key(obj: SchemaObject) -> ObjectKey:
    return (obj.kind, fold(obj.name))


@dataclass
class Baseline:
    """SQL run before the first migration (a base schema, or a runner's own table)."""

    file: str
    statements: tuple[Statement, ...]
    checksum: str


def replay_error(
    m: Migration | None,
    stmt: Statement,
    exc: sqlite3.Error,
    label: str | None = None,
    reason: str | None = None,
    fix: str | None = None,
) -> ReplayError:
    where = label or (f"version {m.version} ({stmt.file})" if m else stmt.file)
    message = f"{where}, statement {stmt.number} (line {stmt.line}): {exc}"
    hint = (
        function_hint(str(exc))
        or fix
        or "fix the migration, or check that the migrations run in this order"
    )
    culprit = Culprit(
        version=m.version if m else None,
        file=stmt.file,
        statement=stmt.number,
        line=stmt.line,
        sql=trimmed_sql(stmt.sql),
        reason=reason,
    )
    return ReplayError(message, hint=hint, code="replay_failed", culprit=culprit)


def execute_statements(
    conn: sqlite3.Connection,
    statements: Sequence[Statement],
    on_error: Callable[[Statement, sqlite3.Error], Exception],
    skipped: list[Skipped] | None = None,
) -> None:
    """Run `statements` in order; with `skipped`, note each CREATE ... IF NOT EXISTS that
    finds its object there already (SQLite skips it without a word)."""
    for stmt in statements:
        try:
            if skipped is not None:
                found = skipped_create(conn, stmt)
                if found is not None:
                    skipped.append(found)
            conn.execute(stmt.sql).fetchall()
        except sqlite3.Error as exc:
            raise on_error(stmt, exc) from None


# --------------------------------------------------------------------------
# Statement by statement: which statement changed what (lint, attribution)


def schema_rows(conn: sqlite3.Connection) -> dict[ObjectKey, RawRow]:
    """sqlite_schema's rows of the user's objects, by (kind, folded name)."""
    return {(r[0], fold(r[1])): r for r in raw_rows(conn)}


@dataclass
class Step:
    """A statement that changed the schema: sqlite_schema before and after it."""

    stmt: Statement
    before: dict[ObjectKey, RawRow]
    after: dict[ObjectKey, RawRow]

    def gone(self, key: ObjectKey) -> bool:
        return key in self.before and key not in self.after

    def touched(self, key: ObjectKey) -> bool:
        return key in self.after and self.before.get(key) != self.after[key]

    def renamed(self) -> tuple[ObjectKey, ObjectKey] | None:
        """(old, new) when the statement renamed a table (ALTER TABLE ... RENAME TO): one
        table went and one came."""
        came = [k for k in self.after.keys() - self.before.keys() if k[0] == "table"]
        went = [k for k in self.before.keys() - self.after.keys() if k[0] == "table"]
        if len(came) == 1 and len(went) == 1:
            return went[0], came[0]
        return None


class SchemaWatch:
    """Watches one connection's schema between statements: `changed()`, called after each
    statement, gives sqlite_schema before and after it when it changed the schema
    (`PRAGMA schema_version` says whether, so a statement that did not costs one pragma)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.version = _schema_version(conn)
        self.rows = schema_rows(conn)

    def changed(self) -> tuple[dict[ObjectKey, RawRow], dict[ObjectKey, RawRow]] | None:
        now = _schema_version(self.conn)
        if now == self.version:
            return None
        self.version = now
        before, self.rows = self.rows, schema_rows(self.conn)
        return before, self.rows


def _schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA schema_version").fetchone()[0])


class Replayer:
    """Runs migrations into one in-memory database, version by version."""

    def __init__(
        self, functions: Iterable[FunctionStub] = (), conn: sqlite3.Connection | None = None
    ) -> None:
        self.conn = conn if conn is not None else open_memory(functions)
        self.master = Master(replay=True)
        self.master.update(self.conn)
        self.schema_version = self._schema_version()
        # The states so far (set by `run`), to explain a failure with.
        self.history: list[VersionState] = []
        # The version's CREATE ... IF NOT EXISTS statements that did nothing, so far.
        self.skipped: list[Skipped] = []

    def _schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA schema_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Replayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def initial_state(self, baseline: Baseline | None = None) -> VersionState:
        if baseline is not None:
            execute_statements(
                self.conn,
                baseline.statements,
                lambda s, e: replay_error(None, s, e, label=f"baseline {baseline.file}"),
            )
            self._finish_transaction()
            self.master.update(self.conn)
            self.schema_version = self._schema_version()
        objects = {object_key(o): o for o in read_objects(self.conn, self.master.rows)}
        return VersionState(
            None,
            "",
            baseline.checksum if baseline else None,
            objects,
            {k: raw_hash(o) for k, o in objects.items()},
            set(objects),
        )

    def apply(self, state: VersionState, m: Migration) -> VersionState:
        self.skipped = []
        self.execute(state, m)
        self._finish_transaction()
        version = self._schema_version()
        if version == self.schema_version:  # data-only migration: nothing to read
            return state.successor(m.version, m.name, m.checksum, (), ())
        self.schema_version = version
        delta = self.master.update(self.conn)
        objects = read_objects(self.conn, self.master.rows, self.master.dependents(delta))
        return state.successor(m.version, m.name, m.checksum, objects, delta.gone)

    def execute(self, state: VersionState, m: Migration) -> None:
        """Run the version's statements (`state` is the one before it)."""
        execute_statements(
            self.conn, m.statements, lambda s, e: self.failure(state, m, s, e), self.skipped
        )

    def failure(
        self, state: VersionState, m: Migration, stmt: Statement, exc: sqlite3.Error
    ) -> ReplayError:
        """The error for a failed statement, with why it failed when the states tell."""
        history = self.history if self.history and self.history[-1] is state else [state]
        failure = Failure(str(exc), stmt, m.statements, m.version, history, self.skipped, self.conn)
        reason = explain(failure)
        return replay_error(m, stmt, exc, reason=reason, fix=advice(failure, reason))

    def _finish_transaction(self) -> None:
        _commit(self.conn)

    def run(
        self,
        states: list[VersionState],
        migrations: Sequence[Migration],
        progress: Callable[[int, int], None] | None = None,
        after: Callable[[int], None] | None = None,
    ) -> list[VersionState]:
        """Apply `migrations` after the last of `states`; return all states.

        `after(i)` is called once states[i] exists (e.g. to checkpoint it).
        """
        self.history = states
        for i, m in enumerate(migrations):
            states.append(self.apply(states[-1], m))
            if after is not None:
                after(len(states) - 1)
            if progress is not None:
                progress(i + 1, len(migrations))
        return states

    def checkpoint(self) -> bytes:
        return self.conn.serialize()


def replay(
    migrations: Sequence[Migration],
    *,
    functions: Iterable[FunctionStub] = (),
    baseline: Baseline | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[VersionState]:
    """Expected schema before the first version and after every version."""
    with Replayer(functions) as r:
        return r.run([r.initial_state(baseline)], migrations, progress)


# --------------------------------------------------------------------------
# Replaying again, to say which statement made what (attribution)


@dataclass
class Traced:
    """One version replayed statement by statement: each statement that changed the
    schema, and the watched objects read again after it (None: gone)."""

    steps: list[Step]
    objects: list[dict[ObjectKey, SchemaObject | None]]


class StepReplay:
    """Replays the migrations again, one statement at a time for the versions asked
    about, reading only the objects asked about after each statement that changes
    the schema. It only moves forward: a version before the current one starts it over
    from the baseline. `replays`, `statements` and `traced` count its work."""

    def __init__(
        self,
        migrations: Sequence[Migration],
        baseline: Baseline | None = None,
        functions: Iterable[FunctionStub] = (),
    ) -> None:
        self.migrations = migrations
        self.baseline = baseline
        self.functions = tuple(functions)
        self.conn: sqlite3.Connection | None = None
        self.position = 0  # migrations run so far in `conn`
        self.replays = 0  # starts from the baseline
        self.statements = 0  # statements executed
        self.traced = 0  # versions run statement by statement

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _start(self) -> sqlite3.Connection:
        self.close()
        self.conn = conn = open_memory(self.functions)
        self.position = 0
        self.replays += 1
        if self.baseline is not None:
            self._run(conn, self.baseline.statements)
        return conn

    def _run(self, conn: sqlite3.Connection, statements: Sequence[Statement]) -> None:
        execute_statements(conn, statements, lambda s, e: e)
        self.statements += len(statements)
        _commit(conn)

    def trace(self, index: int, watched: Callable[[ObjectKey], bool]) -> Traced:
        """Migration `index` (0-based) run statement by statement from the schema before
        it, with the objects `watched` accepts read after each statement that changed
        them or what they read. A failure (the replay made the expected schemas, but
        snapshots may not match what the statements do here) is a ReplayError, and the
        next call starts over."""
        try:
            return self._trace(index, watched)
        except sqlite3.Error as exc:
            self.close()
            m = self.migrations[index]
            raise ReplayError(
                f"version {m.version}: replaying it again statement by statement failed: {exc}",
                hint="the changes' sources are left at the version",
                code="replay_failed",
            ) from None

    def _trace(self, index: int, watched: Callable[[ObjectKey], bool]) -> Traced:
        conn = self.conn
        if conn is None or self.position > index:
            conn = self._start()
        for m in self.migrations[self.position : index]:
            self._run(conn, m.statements)
        self.position = index
        master = Master()
        master.update(conn)
        watch = SchemaWatch(conn)
        traced = Traced([], [])
        for stmt in self.migrations[index].statements:
            conn.execute(stmt.sql).fetchall()
            self.statements += 1
            changed = watch.changed()
            if changed is None:
                continue
            delta = master.update(conn)
            objects: dict[ObjectKey, SchemaObject | None] = dict.fromkeys(delta.gone)
            keys = {k for k in master.dependents(delta) if watched(k)}
            objects.update({object_key(o): o for o in read_objects(conn, master.rows, keys)})
            traced.steps.append(Step(stmt, *changed))
            traced.objects.append({k: o for k, o in objects.items() if watched(k)})
        _commit(conn)
        self.position = index + 1
        self.traced += 1
        return traced


def _commit(conn: sqlite3.Connection) -> None:
    # A migration that opened a transaction and never closed it: keep its work.
    if conn.in_transaction:
        conn.execute("COMMIT")
