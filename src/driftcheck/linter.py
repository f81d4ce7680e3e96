"""Lint: what replaying the migrations proves about them.

The migrations run statement by statement in an in-memory database, as `replay`
runs them, and every finding comes from what SQLite did there: a CREATE ... IF
NOT EXISTS that found its object already there (and the two definitions compared
by the differ), the sqlite_schema rows before and after each statement (tables
and columns dropped, indexes and triggers a rebuild took with the old table), the
schema at the end of each version (views that no longer compile, foreign keys
whose target is missing, `PRAGMA foreign_key_check` refusing a key), and
`total_changes()` with `PRAGMA schema_version` (a version that changes nothing).
A statement's first words only say what it is (a PRAGMA, VACUUM, BEGIN): nothing
is guessed from patterns in the SQL.

Pure: migrations in, findings out. Nothing is printed (see report/lint.py).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from driftcheck.compare import Form, Wording
from driftcheck.errors import trimmed_sql
from driftcheck.migrations.model import Migration, MigrationSet, Statement
from driftcheck.model import ForeignKey, Index, Schema, SchemaObject, Table, Trigger, View
from driftcheck.normalize import fold
from driftcheck.replay import Baseline, ObjectKey, Replayer, SchemaWatch, Step, VersionState
from driftcheck.report.lint import Finding, LintReport, finding, summarize
from driftcheck.report.model import now, tool
from driftcheck.sqlite.connect import FunctionStub, open_memory
from driftcheck.sqlite.diagnose import origin
from driftcheck.sqlite.introspect import read_master, read_objects
from driftcheck.sqlite.probe import Probe, Sample
from driftcheck.sqlite.statements import (
    Skipped,
    first_words,
    is_transaction_control,
    pragma_set,
    skipped_create,
)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
# PRAGMA foreign_keys's values, as SQLite reads them.
_SWITCH = {"on": 1, "1": 1, "true": 1, "yes": 1, "off": 0, "0": 0, "false": 0, "no": 0}
_LAST = 10**9  # where findings about a whole version sort: after its statements


def lint(
    migrations: Sequence[Migration],
    *,
    functions: Iterable[FunctionStub] = (),
    baseline: Baseline | None = None,
    progress: Callable[[int, int], None] | None = None,
    wrapped: bool = True,
) -> list[Finding]:
    """Every finding, in version order, then statement, then code.

    `wrapped`: the migrations' own tool runs each version in a transaction unless the
    version opts out (most do; Prisma Migrate runs migration.sql as written).
    A migration that fails to replay raises ReplayError, explained as replay explains it.
    """
    found: list[Finding] = []
    linter = _Linter(functions, wrapped=wrapped)
    with linter:
        states = [linter.initial_state(baseline)]
        linter.history = states
        for i, m in enumerate(migrations):
            before = states[-1]
            after = linter.apply(before, m)
            states.append(after)
            these = linter.trace.findings + linter.version_end(before, after, m)
            found += sorted(these, key=lambda f: (f.statement or _LAST, f.code, f.message))
            if progress is not None:
                progress(i + 1, len(migrations))
    return found


def lint_report(
    mset: MigrationSet, findings: Sequence[Finding], ignore: Iterable[str] = ()
) -> LintReport:
    """The report of `findings`, leaving out the codes in `ignore`."""
    codes = sorted({c.upper() for c in ignore})
    kept = [f for f in findings if f.code not in codes]
    summary = summarize(kept, ignored=len(findings) - len(kept))
    return LintReport(
        tool=tool(),
        generated_at=now(),
        migrations=mset.source,
        format=mset.format,
        versions=len(mset.migrations),
        status="fail" if summary.errors else "pass",
        ignore=codes,
        findings=kept,
        summary=summary,
    )


# --------------------------------------------------------------------------
# Watching a version run


@dataclass
class _Step(Step):
    """A statement that changed the schema (see `replay.Step`), and the columns it changed."""

    # Tables altered in place (same name, new CREATE text): columns before and after.
    columns: dict[ObjectKey, tuple[list[str], list[str]]] = field(default_factory=dict)


@dataclass
class _Trace:
    """What one version did, statement by statement."""

    steps: list[_Step] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    data: bool = False  # a data statement (INSERT, UPDATE, DELETE, REPLACE, WITH) ran
    start: tuple[int, int, int] = (0, 0, 0)  # schema_version, total_changes, user_version
    # PRAGMAs setting foreign_keys or journal_mode: name, value, in a transaction, statement.
    pragmas: list[tuple[str, str, bool, Statement]] = field(default_factory=list)
    # DC401 findings that a later `PRAGMA foreign_keys` outside the transaction, asking
    # for the same, makes harmless: (statement, value asked for, finding).
    unless_later: list[tuple[Statement, int | None, Finding]] = field(default_factory=list)


def _image(conn: sqlite3.Connection) -> bytes:
    """The database's bytes; b"" for a database with no page yet (SQLite cannot say)."""
    try:
        return conn.serialize()
    except sqlite3.Error:
        return b""


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM pragma_table_xinfo(?)", (table,))]


def _counters(conn: sqlite3.Connection) -> tuple[int, int, int]:
    (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
    (changes,) = conn.execute("SELECT total_changes()").fetchone()
    (user_version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(schema_version), int(changes), int(user_version)


def _found(code: str, message: str, m: Migration, stmt: Statement | None) -> Finding:
    """A finding about `stmt`, or (None) about the whole version."""
    if stmt is None:
        return finding(code, message, version=m.version, file=m.files[0] if m.files else None)
    return finding(
        code,
        message,
        version=m.version,
        file=stmt.file,
        statement=stmt.number,
        line=stmt.line,
        sql=trimmed_sql(stmt.sql),
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Linter(Replayer):
    """Replay, one statement at a time, noting what each did."""

    def __init__(self, functions: Iterable[FunctionStub], *, wrapped: bool = True) -> None:
        self.wraps = wrapped
        self.functions = tuple(functions)
        super().__init__(self.functions)
        self.trace = _Trace()
        self._mismatched: set[str] = set()  # child tables refused by foreign_key_check
        self._image = b""

    def execute(self, state: VersionState, m: Migration) -> None:
        conn = self.conn
        trace = self.trace = _Trace(start=_counters(conn))
        # A migration with its own BEGIN/COMMIT runs as written (no tool can wrap it in
        # another transaction); any other runs in its tool's transaction unless it opts out.
        own = any(is_transaction_control(s.sql) for s in m.statements)
        wrapped = self.wraps and not m.no_transaction and not own
        watch = SchemaWatch(conn)
        columns = {
            key: [c.name for c in obj.columns]
            for key, obj in state.objects.items()
            if isinstance(obj, Table)
        }
        self._image = _image(conn)  # the version's start, to replay again (_settle)
        for n, stmt in enumerate(m.statements):
            skip = skipped_create(conn, stmt)
            if skip is not None:
                self.skipped.append(skip)
                self._skipped(skip, state, m, m.statements[:n])
            self._transaction(stmt, m, wrapped, conn.in_transaction)
            pragma = pragma_set(stmt.sql)
            if pragma is not None:
                trace.pragmas.append((*pragma, conn.in_transaction or wrapped, stmt))
            try:
                cursor = conn.execute(stmt.sql)
                cursor.fetchall()
            except sqlite3.Error as exc:
                raise self.failure(state, m, stmt, exc) from None
            if cursor.rowcount != -1 or first_words(stmt.sql, 1) == ["WITH"]:
                trace.data = True
            changed = watch.changed()
            if changed is None:
                continue
            rows, after = changed
            step = _Step(stmt, rows, after)
            for key, row in after.items():
                if key[0] != "table" or rows.get(key) == row:
                    continue
                new = _columns(conn, row[1])
                old = columns.get(key)
                if old is not None and key in rows and old != new:
                    step.columns[key] = (old, new)
                columns[key] = new
            for key in rows.keys() - after.keys():
                columns.pop(key, None)
            trace.steps.append(step)

    # -- statement by statement ---------------------------------------------

    def _skipped(
        self, skip: Skipped, state: VersionState, m: Migration, earlier: Sequence[Statement]
    ) -> None:
        """DC101: a skipped CREATE ... IF NOT EXISTS whose definition differs."""
        there = (skip.existing_kind, fold(skip.existing_name))
        try:
            existing = read_objects(self.conn, read_master(self.conn), [there])
            wanted, failure = self._definition(skip)
        except sqlite3.Error:
            return  # the check must not stop the lint; the statement runs next
        whence = origin(self.history, there, skip.existing_name, earlier, m.version)
        head = f"`CREATE {skip.kind.upper()} IF NOT EXISTS {skip.name}` did nothing"
        if skip.existing_kind != skip.kind:
            why = f"a {skip.existing_kind} named `{skip.existing_name}` already existed ({whence})"
        elif failure is not None:
            why = (
                f"`{skip.existing_name}` already existed ({whence}); on its own, the skipped "
                f"definition fails: {failure}"
            )
        elif not existing or wanted is None:
            return
        elif Form(existing[0]).same(Form(wanted)):
            return  # the same definition: nothing is lost
        else:
            why = (
                f"`{skip.existing_name}` already existed ({whence}) with another definition, "
                f"so this one never reaches a database: {_differences(wanted, existing[0])}"
            )
        self.trace.findings.append(_found("DC101", f"{head}: {why}", m, skip.statement))

    def _definition(self, skip: Skipped) -> tuple[SchemaObject | None, str | None]:
        """The object the skipped statement would have made: run in a copy of the database
        without the object in its way. (object, None), or (None, why it fails)."""
        scratch = open_memory(self.functions)
        try:
            scratch.deserialize(self.conn.serialize())
            scratch.execute(f"DROP {skip.existing_kind.upper()} {_quoted(skip.existing_name)}")
            try:
                scratch.execute(skip.statement.sql).fetchall()
            except sqlite3.Error as exc:
                return None, str(exc)
            made = read_objects(scratch, read_master(scratch), [(skip.kind, fold(skip.name))])
            return (made[0] if made else None), None
        finally:
            scratch.close()

    def _transaction(self, stmt: Statement, m: Migration, wrapped: bool, own: bool) -> None:
        """DC401, DC402: statements a transaction defeats.

        `wrapped`: the version runs in its tool's transaction; `own`: the migration's own
        BEGIN is open (replay runs it as written, so SQLite itself says).
        """
        if not (wrapped or own):
            return
        where = (
            "after the migration's own BEGIN"
            if own
            else "tools run each version in a transaction unless its migration opts out "
            "(e.g. `-- +goose NO TRANSACTION`), and this one does not"
        )
        if first_words(stmt.sql, 1) == ["VACUUM"]:
            message = (
                "VACUUM fails inside a transaction (`cannot VACUUM from within a "
                f"transaction`), and this statement runs in one: {where}; `driftcheck apply` "
                "skips it"
            )
            self.trace.findings.append(_found("DC402", message, m, stmt))
            return
        pragma = pragma_set(stmt.sql)
        if pragma is None:
            return
        name, value = pragma
        if name == "journal_mode":
            message = (
                "`PRAGMA journal_mode` cannot change the mode inside a transaction (WAL fails "
                "with `cannot change into wal mode from within a transaction`; other modes "
                f"are ignored once the transaction has written), and this statement runs in "
                f"one: {where}"
            )
            self.trace.findings.append(_found("DC401", message, m, stmt))
            return
        wanted = _SWITCH.get(value)
        if own:
            (now,) = self.conn.execute("PRAGMA foreign_keys").fetchone()
            if wanted is None or now == wanted:
                return  # what it asks for is in effect already: doing nothing does no harm
        elif any(p[0] == "foreign_keys" for p in self.trace.pragmas):
            return  # the version's first such PRAGMA is the one that matters
        message = (
            "`PRAGMA foreign_keys` does nothing inside a transaction, and this statement "
            f"runs in one: {where}; foreign key enforcement stays as it was"
        )
        found = _found("DC401", message, m, stmt)
        if own:
            self.trace.unless_later.append((stmt, wanted, found))
        else:
            self.trace.findings.append(found)

    # -- at the end of a version ---------------------------------------------

    def version_end(self, before: VersionState, after: VersionState, m: Migration) -> list[Finding]:
        out: list[Finding] = []
        for stmt, wanted, found in self.trace.unless_later:
            if not any(
                name == "foreign_keys"
                and not inside
                and later.number > stmt.number
                and _SWITCH.get(value) == wanted
                for name, value, inside, later in self.trace.pragmas
            ):
                out.append(found)
        out += self._tables(before, after, m)
        out += self._views(before, after, m)
        out += self._foreign_keys(before, after, m)
        out += self._empty(m)
        return out

    def _empty(self, m: Migration) -> list[Finding]:
        """DC102: no schema change, no data statement, user_version unchanged."""
        trace = self.trace
        end = _counters(self.conn)
        if trace.data or end != trace.start:
            return []
        if not m.statements:
            return []  # an empty file says it changes nothing (e.g. a step for other dialects)
        message = (
            f"version {m.version} changes nothing: no schema change, no data statement, "
            "user_version unchanged"
        )
        if len(self.skipped) == len(m.statements):
            message += " (each of its statements is a CREATE ... IF NOT EXISTS that did nothing)"
        return [_found("DC102", message, m, None)]

    def _tables(self, before: VersionState, after: VersionState, m: Migration) -> list[Finding]:
        """DC201-DC204: what happened to each table the version started with."""
        out: list[Finding] = []
        losses: list[_Loss] = []
        steps = self.trace.steps
        for key, table in sorted(before.objects.items()):
            if not isinstance(table, Table):
                continue
            fate = _follow(key, table, steps)
            rebuilt = ("table", key[1]) in after.objects
            if fate.dropped is not None and not rebuilt:
                renamed = f" (renamed to `{fate.name}` first)" if fate.name != key[1] else ""
                message = f"drops table `{table.name}`{renamed} and the data in it"
                columns = [c.name for c in table.columns if c.name != table.rowid_alias]
                losses.append(_Loss(table, columns, "DC201", message, fate.dropped.stmt))
                continue
            for column, step in fate.lost:
                message = f"drops column `{column}` of `{table.name}` and the data in it"
                losses.append(_Loss(table, [column], "DC202", message, step.stmt))
            if fate.dropped is None or not rebuilt:
                continue
            new = after.objects[("table", key[1])]
            have = {fold(c.name) for c in getattr(new, "columns", ())}
            gone = [c for c, name in fate.columns.items() if name and name not in have]
            for column in [fate.names[c] for c in gone]:
                message = (
                    f"drops column `{column}` of `{table.name}` (a rebuild without it) and "
                    "the data in it"
                )
                losses.append(_Loss(table, [column], "DC202", message, fate.dropped.stmt))
            out += self._lost(before, after, m, key[1], fate.dropped)
        return (self._settle(losses, m) if losses else []) + out

    def _settle(self, losses: Sequence[_Loss], m: Migration) -> list[Finding]:
        """The losses but those whose data the version provably carries elsewhere (the
        result depends on it, see sqlite/probe.py)."""
        tables: dict[str, Table] = {}
        for loss in losses:
            tables.setdefault(fold(loss.table.name), loss.table)
        samples = [s for s in (_sample(t) for _, t in sorted(tables.items())) if s is not None]
        probe = Probe(self._image, self.functions, m.statements, samples)
        return [
            _found(loss.code, loss.message, m, loss.stmt)
            for loss in losses
            if not probe.depends(loss.table.name, loss.columns)
        ]

    def _lost(
        self, before: VersionState, after: VersionState, m: Migration, table: str, step: _Step
    ) -> list[Finding]:
        """DC203, DC204: indexes and triggers that went with the old table in a rebuild."""
        out: list[Finding] = []
        new = after.objects[("table", table)]
        kept = [o for o in after.objects.values() if fold(getattr(o, "table", "")) == table]
        have = {fold(c.name) for c in getattr(new, "columns", ())}
        for key, obj in sorted(before.objects.items()):
            if not isinstance(obj, Index | Trigger) or fold(obj.table) != table:
                continue
            if not step.gone(key) or key in after.objects:
                continue
            if any(_same_part(obj, other) for other in kept):
                continue  # made again under another name
            if isinstance(obj, Index):
                columns = {fold(p.column) for p in obj.parts if p.column is not None}
                if not columns <= have:
                    continue  # on a column the rebuild dropped (DC202 says so)
                if isinstance(new, Table) and obj.where is None and _keyed(new, columns):
                    continue  # the new table's PRIMARY KEY or UNIQUE constraint covers it
            kind = "index" if isinstance(obj, Index) else "trigger"
            what = "UNIQUE index" if isinstance(obj, Index) and obj.unique else kind
            message = (
                f"rebuilds `{obj.table}` and loses its {what} `{obj.name}`: it went with the "
                "old table, and the version does not create it again"
            )
            code = "DC203" if kind == "index" else "DC204"
            out.append(_found(code, message, m, step.stmt))
        return out

    def _views(self, before: VersionState, after: VersionState, m: Migration) -> list[Finding]:
        """DC301: views that no longer compile (an unregistered function is not a break)."""
        out: list[Finding] = []
        for key, view in sorted(after.objects.items()):
            if not isinstance(view, View) or view.error is None:
                continue
            if view.error.startswith("no such function"):
                continue
            old = before.objects.get(key)
            if isinstance(old, View) and old.error is not None:
                continue  # broken before this version: found then
            step = _blame_view(self.trace.steps, key, view)
            if old is None or (step is not None and step.touched(key)):
                message = f"view `{view.name}` does not compile: {view.error}"
            else:
                message = f"leaves view `{view.name}` broken: {view.error}"
            out.append(_found("DC301", message, m, step.stmt if step else None))
        return out

    def _foreign_keys(
        self, before: VersionState, after: VersionState, m: Migration
    ) -> list[Finding]:
        """DC302: targets that do not exist; DC303: targets SQLite refuses (mismatch)."""
        out: list[Finding] = []
        steps = self.trace.steps
        was = _missing_targets(before)
        for (child, target, n), (parent, fk) in sorted(_missing_targets(after).items()):
            if (child, target, n) in was:
                continue
            # The statement that made the key point there (a RENAME rewrites the keys of
            # the tables that refer to the renamed one), else the one that removed it.
            step = (
                _last(steps, _referring(("table", child), fk.ref_table))
                or _last(steps, _removing(("table", target)))
                or _last(steps, _touching(("table", child)))
            )
            message = (
                f"foreign key of `{parent.name}` ({', '.join(fk.columns)}) refers to table "
                f"`{fk.ref_table}`, which does not exist at the end of version {m.version}; "
                "with foreign keys on, SQLite refuses writes to it (`no such table`)"
            )
            out.append(_found("DC302", message, m, step.stmt if step else None))
        touched = {k[1] for k in after.changed | after.removed if k[0] == "table"}
        for key in after.changed | after.removed:
            obj = after.objects.get(key) or before.objects.get(key)
            if isinstance(obj, Index):
                touched.add(fold(obj.table))
        for key, obj in sorted(after.objects.items()):
            if not isinstance(obj, Table) or not obj.foreign_keys:
                continue
            table = obj
            targets = {fold(fk.ref_table) for fk in table.foreign_keys}
            if key[1] not in touched and not targets & touched:
                continue
            try:
                self.conn.execute(f"PRAGMA foreign_key_check({_quoted(table.name)})").fetchall()
            except sqlite3.Error as exc:
                if "foreign key mismatch" not in str(exc) or key[1] in self._mismatched:
                    continue
                self._mismatched.add(key[1])
                step = _last(steps, _touching(key))
                message = (
                    f"`PRAGMA foreign_key_check({table.name})` fails with `{exc}`: "
                    f"{_mismatch(table, after)}; with foreign keys on, SQLite refuses every "
                    f"write to `{table.name}`"
                )
                out.append(_found("DC303", message, m, step.stmt if step else None))
            else:
                self._mismatched.discard(key[1])
        for key in after.removed:
            self._mismatched.discard(key[1])
        return out


# --------------------------------------------------------------------------
# Helpers of the checks


@dataclass
class _Loss:
    """A table or columns a version drops, unless their data turns out to be copied."""

    table: Table  # as the version found it
    columns: list[str]  # whose data counts
    code: str
    message: str
    stmt: Statement


def _sample(table: Table) -> Sample | None:
    columns = [c for c in table.columns if c.generated is None and not c.hidden]
    if not columns or table.virtual is not None:
        return None
    return Sample(
        table.name,
        tuple(c.name for c in columns),
        tuple(c.type for c in columns),
        table.rowid_alias,
        table.strict,
    )


def _keyed(table: Table, columns: set[str]) -> bool:
    keys = [table.primary_key.parts] if table.primary_key else []
    keys += [u.parts for u in table.unique]
    return any({fold(p.column or "") for p in parts} == columns for parts in keys)


@dataclass
class _Fate:
    """What became of one table during a version."""

    name: str  # its (folded) name last
    names: dict[str, str]  # its columns as the version found them: folded -> as written
    dropped: _Step | None = None  # the statement that dropped it
    # Its columns (folded) as the version found them -> their name now (None: dropped).
    columns: dict[str, str | None] = field(default_factory=dict)
    lost: list[tuple[str, _Step]] = field(default_factory=list)  # dropped in place


def _follow(key: ObjectKey, table: Table, steps: Sequence[_Step]) -> _Fate:
    """Follow a table through the version's statements: renames (its own, and of its
    columns), columns dropped in place, and the statement that dropped it."""
    names = {fold(c.name): c.name for c in table.columns}
    fate = _Fate(key[1], names, columns={k: k for k in names})
    for step in steps:
        current = ("table", fate.name)
        if step.gone(current):
            renamed = step.renamed()
            if renamed is not None and renamed[0] == current:  # ALTER TABLE ... RENAME TO
                fate.name = renamed[1][1]
                continue
            fate.dropped = step
            return fate
        if current not in step.columns:
            continue
        old = [fold(c) for c in step.columns[current][0]]
        new = [fold(c) for c in step.columns[current][1]]
        removed = [c for c in old if c not in new]
        added = [c for c in new if c not in old]
        # ALTER TABLE ... RENAME COLUMN: one name gives way to another in its place.
        if len(removed) == 1 and len(added) == 1 and old.index(removed[0]) == new.index(added[0]):
            _rename(fate, removed[0], added[0])
            continue
        for column in removed:
            for original, name in fate.columns.items():
                if name == column:
                    fate.columns[original] = None
                    fate.lost.append((names[original], step))
    return fate


def _rename(fate: _Fate, old: str, new: str) -> None:
    for original, name in fate.columns.items():
        if name == old:
            fate.columns[original] = new


def _same_part(a: SchemaObject, b: SchemaObject) -> bool:
    """The same index or trigger under another name."""
    if isinstance(a, Index) and isinstance(b, Index):
        return (a.unique, a.parts, a.where) == (b.unique, b.parts, b.where)
    if isinstance(a, Trigger) and isinstance(b, Trigger):
        return (a.timing, a.event, a.update_of, a.when, a.body) == (
            b.timing,
            b.event,
            b.update_of,
            b.when,
            b.body,
        )
    return False


def _last(steps: Sequence[_Step], test: Callable[[_Step], bool]) -> _Step | None:
    return next((s for s in reversed(steps) if test(s)), None)


def _touching(key: ObjectKey) -> Callable[[_Step], bool]:
    return lambda s: s.touched(key)


def _removing(key: ObjectKey) -> Callable[[_Step], bool]:
    return lambda s: s.gone(key)


def _referring(key: ObjectKey, name: str) -> Callable[[_Step], bool]:
    """A step after which `key`'s CREATE text names `name`, and before which it did not."""
    word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)

    def test(s: _Step) -> bool:
        if not s.touched(key):
            return False
        was = s.before.get(key)
        return bool(word.search(s.after[key][3] or "")) and not (
            was is not None and word.search(was[3] or "")
        )

    return test


def _blame_view(steps: Sequence[_Step], key: ObjectKey, view: View) -> _Step | None:
    """The statement that made the view, or that changed or dropped what it reads."""
    made = _last(steps, _touching(key))
    if made is not None:
        return made
    error = view.error or ""
    if error.startswith("no such table: "):
        missing = fold(error.removeprefix("no such table: ").removeprefix("main."))
        return _last(steps, _removing(("table", missing)))
    words = {fold(w) for w in _WORD.findall(view.select.sql)}
    return _last(
        steps,
        lambda s: any(
            k[0] in ("table", "view") and k[1] in words and (s.gone(k) or s.touched(k))
            for k in s.before.keys() | s.after.keys()
        ),
    )


def _missing_targets(
    state: VersionState,
) -> dict[tuple[str, str, int], tuple[Table, ForeignKey]]:
    """Foreign keys whose target table is not in `state`: (child, target, n) -> (table, fk)."""
    out: dict[tuple[str, str, int], tuple[Table, ForeignKey]] = {}
    for key, obj in state.objects.items():
        if not isinstance(obj, Table):
            continue
        for n, fk in enumerate(obj.foreign_keys):
            target = fold(fk.ref_table)
            if ("table", target) not in state.objects:
                out[(key[1], target, n)] = (obj, fk)
    return out


def _mismatch(table: Table, state: VersionState) -> str:
    """Why SQLite refuses a foreign key of `table`, from the schema model."""
    for fk in table.foreign_keys:
        target = state.objects.get(("table", fold(fk.ref_table)))
        if not isinstance(target, Table):
            continue
        have = {fold(c.name) for c in target.columns}
        missing = [c for c in fk.ref_columns if fold(c) not in have]
        if missing:
            return f"`{target.name}` has no column `{missing[0]}`"
        if not fk.ref_columns:
            return (
                f"`REFERENCES {target.name}` names no column, and `{target.name}` has no "
                "primary key"
            )
        if not _unique(target, [fold(c) for c in fk.ref_columns], state):
            return (
                f"({', '.join(fk.ref_columns)}) is neither the primary key of `{target.name}` "
                "nor UNIQUE there"
            )
    return "its target key is not a primary key or UNIQUE"


def _unique(target: Table, columns: list[str], state: VersionState) -> bool:
    """Whether `columns` are the primary key of `target`, or UNIQUE there."""
    wanted = set(columns)
    keys = [target.primary_key.parts] if target.primary_key else []
    keys += [u.parts for u in target.unique]
    name = fold(target.name)
    for obj in state.objects.values():
        if isinstance(obj, Index) and obj.unique and obj.where is None and fold(obj.table) == name:
            keys.append(obj.parts)
    return any({fold(p.column or "") for p in parts} == wanted for parts in keys)


def _differences(wanted: SchemaObject, existing: SchemaObject, limit: int = 3) -> str:
    """What the skipped definition has that the existing object does not, in the differ's
    words (the one definition of "the same")."""
    from driftcheck.differ import diff_schemas

    kind = existing.kind
    changes = [
        c
        for c in diff_schemas(
            Schema.of([wanted]),
            Schema.of([existing]),
            wording=Wording(expected="the skipped definition", actual=f"the existing {kind}"),
        )
        if c.severity != "info"
    ]
    text = "; ".join(c.message for c in changes[:limit])
    if len(changes) > limit:
        text += f"; and {len(changes) - limit} more"
    return text or "they differ"
