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
from driftcheck.sqlite.introspect import Master, read_objects
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
        # A migration that opened a transaction and never closed it: keep its work.
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

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
