"""Carry a reconciliation plan out: record and apply versions, safely.

- Refuses while the plan has a flag: a person must decide those.
- Backs the database up first with SQLite's online backup API, and checks the
  copy before anything changes.
- Each version runs in its own transaction (`BEGIN IMMEDIATE`, so writers
  queue on the busy timeout) together with its history row. Inside it the
  history is read again, so a version another run applied meanwhile is
  skipped: two runs at once never apply a version twice.
- Transaction control in a migration (BEGIN/COMMIT) is left to the
  transaction around the version; foreign keys are off while a version runs
  (SQLite's 12-step table rebuild needs that) and `PRAGMA foreign_key_check`
  must be clean before it commits.
- After a version's statements, the objects it changes must equal that
  version's expected schema and nothing else may have changed; otherwise the
  version is rolled back and apply stops.
- A failure rolls the version back completely; earlier versions stay
  committed. Killing the process at any moment leaves whole versions only.
- Except a version marked to run outside a transaction (goose's `NO
  TRANSACTION`, dbmate's `transaction:false`, sqlx's `-- no-transaction`,
  diesel's `run_in_transaction = false`): its statements run one by one in
  autocommit mode, as its tool runs them, so `VACUUM` and `PRAGMA
  journal_mode` work; it is recorded in a transaction of its own once its
  result is verified. A failure or a kill in the middle of such a version
  leaves the statements before it applied: nothing can roll them back (the
  backup can), and the next plan shows the version as partial.
- A database that does not exist yet is created (its directory must exist),
  and every version is applied to it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from driftcheck.check import Validation, validate
from driftcheck.compare import Form
from driftcheck.errors import Culprit, DatabaseError, DriftcheckError, trimmed_sql
from driftcheck.history import History, Store
from driftcheck.history.base import Write
from driftcheck.ignore import ignore_objects
from driftcheck.migrations.model import Migration, Statement
from driftcheck.planner import footprint, segments_of
from driftcheck.replay import ObjectKey, object_key
from driftcheck.report.model import PlanEntry
from driftcheck.settings import Settings
from driftcheck.sqlite.connect import (
    check_database_file,
    database_error,
    locked_error,
    register_functions,
)
from driftcheck.sqlite.diagnose import Witness
from driftcheck.sqlite.introspect import read_objects
from driftcheck.versions import version_key

_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))*", re.DOTALL)
_WORDS = re.compile(r"[A-Za-z_]+")


class ApplyError(DriftcheckError):
    """A version that failed; it was rolled back (exit 2)."""

    code = "apply_failed"


class ApplyRefused(DriftcheckError):
    """The plan or a verification says a person must decide (exit 1)."""

    code = "apply_refused"
    flags: tuple[PlanEntry, ...] = ()  # the plan's flags, when they are the reason


@dataclass
class Step:
    entry: PlanEntry
    migration: Migration
    index: int  # into the expected states

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def label(self) -> str:
        """`0003 add_users`: how progress lines and prompts name the version."""
        return f"{self.migration.version} {self.migration.name}".rstrip()


@dataclass
class Prepared:
    validation: Validation
    steps: list[Step]
    store: Store
    flags: list[PlanEntry] = field(default_factory=list)  # only when not refused (dry runs)
    created: bool = False  # the database does not exist yet: execute creates it


@dataclass
class Done:
    version: str
    action: str  # "applied" | "recorded" | "skipped"
    ms: int = 0
    note: str = ""


@dataclass
class Outcome:
    done: list[Done] = field(default_factory=list)
    backup: Path | None = None


def control_words(sql: str) -> list[str]:
    """The first two words of a statement, upper-cased, after leading comments."""
    rest = sql[_LEADING.match(sql).end() :]  # type: ignore[union-attr]
    return [w.upper() for w in _WORDS.findall(rest[:64])[:2]]


def _skipped_statement(sql: str, outside: bool = False) -> str | None:
    """Why a statement does not run inside the version's transaction, or None.

    `outside`: the version runs outside a transaction, so its own transaction
    control and VACUUM run as written.
    """
    words = control_words(sql)
    if not words:
        return None
    control = words[0] in ("BEGIN", "COMMIT", "END") or (
        words[0] == "ROLLBACK" and (len(words) == 1 or words[1] == "TRANSACTION")
    )
    if control and not outside:
        return "transaction control (the version runs in driftcheck's transaction)"
    if words[0] == "VACUUM" and not outside:
        return "VACUUM cannot run inside a transaction (run it yourself afterwards)"
    if words[0] == "PRAGMA" and len(words) > 1 and words[1] == "FOREIGN_KEYS":
        return (
            "PRAGMA foreign_keys (keys are off while a version runs and checked with "
            "foreign_key_check before it commits)"
        )
    return None


def recover(database: str, timeout: float) -> None:
    """Let SQLite roll back a crashed writer's hot journal, as any writer would.

    The read-only check that follows cannot: it would refuse the database.
    """
    check_database_file(database)
    try:
        conn = sqlite3.connect(database, isolation_level=None, timeout=timeout)
        try:
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise database_error(database, exc, writing=True, timeout=timeout) from None


def next_steps(flags: list[PlanEntry]) -> str:
    """What a person can do about each flag: the command or the config line."""
    out: list[str] = []
    for e in flags:
        v = e.version or ""
        if e.code in ("dirty", "failed", "partial"):
            out.append(
                f"{v}: fix the database by hand if needed (`driftcheck plan --format sql` "
                f"restores what a recorded version lost), then `driftcheck resolve {v} --as "
                "applied` (its changes are there) or `--as absent` (they are not)"
            )
        elif e.code == "recorded_but_absent":
            out.append(
                f"{v}: `driftcheck resolve {v} --as absent` to forget the record and apply it again"
            )
        elif e.code == "checksum_mismatch":
            out.append(
                f"{v}: restore the file as it was when it ran, or accept the new text with "
                f"`driftcheck repair --version {v}`"
            )
        elif e.code == "unattributed":
            out.append(
                "changes no version explains: add the ignore line above to driftcheck.toml, "
                "or undo them (`driftcheck plan --format sql` prints the SQL)"
            )
        elif e.code == "unknown_version":
            out.append(f"{v}: restore its migration file, or `driftcheck resolve {v} --as absent`")
        elif e.code == "out_of_order":
            out.append(f"{v}: apply it by hand, then `driftcheck resolve {v} --as applied`")
        else:  # conflict
            out.append(
                f"{v}: an object it changes was changed another way; bring it in line by "
                "hand (`driftcheck plan` shows the evidence; `driftcheck plan --format sql` "
                "restores the objects of a recorded version)"
            )
    return "\n".join(dict.fromkeys(out))


def prepare(
    s: Settings, to: str | None, *, writing: bool = True, refuse_flags: bool = True
) -> Prepared:
    """The plan and the steps apply would carry out; refuses when the plan has a flag.

    `writing`: apply is going to write (not a dry run), so a hot journal left by a
    killed writer is rolled back first, as SQLite does for any writer.
    `refuse_flags`: False for a dry run, which shows the flags as warnings.
    A database that does not exist yet is planned as an empty one (`created`).
    """
    database = s.require_database()
    created = not os.path.lexists(database)
    if created:
        parent = Path(database).parent
        if not parent.is_dir():
            raise DatabaseError(
                f"database {database}: no such file, and its directory {parent} does not exist",
                hint="apply creates the database file, not directories: create "
                f"{parent} first, or check the path",
                code="database_missing",
            )
        v = _validate_new(s)
    else:
        if writing:
            recover(database, s.busy_timeout)
        v = validate(s)
    if v.expected.migration_set is None:
        raise DriftcheckError(
            "apply needs the migrations, not only expected schemas",
            hint="pass --migrations DIR",
            code="usage",
        )
    if v.store is None:
        raise DriftcheckError(
            "apply needs a history store to record versions in",
            hint="choose one with --history (not none)",
            code="usage",
        )
    if v.history is not None and not v.history.exists:
        # A store driftcheck cannot create (an application's own table) says so now,
        # before apply announces anything or creates the database.
        v.store.create()
    flags = [e for e in v.report.plan if e.action == "flag"]
    if flags and refuse_flags:
        lines = "\n".join(f"  {e.version or '-'} {e.code}: {e.reason}" for e in flags)
        refused = ApplyRefused(
            f"the plan has {len(flags)} flag{'s' if len(flags) != 1 else ''}: a person must "
            f"decide before apply\n{lines}",
            hint=next_steps(flags) + "\n(`driftcheck plan` shows the evidence)",
        )
        refused.flags = tuple(flags)
        raise refused
    migrations = v.expected.migrations
    limit = None
    if to is not None:
        found = [
            m.version for m in migrations.values() if version_key(m.version) == version_key(to)
        ]
        if not found:
            raise DriftcheckError(
                f"--to {to}: no such version among the migrations",
                hint=f"the latest version is {v.expected.latest}",
                code="unknown_version",
            )
        limit = version_key(found[0])
    steps = []
    entries = {e.version: e for e in v.report.plan if e.version is not None}
    for index, st in enumerate(v.expected.states):
        if index == 0 or st.version is None:
            continue
        entry = entries[st.version]
        if entry.action not in ("record", "apply"):
            continue
        if limit is not None and version_key(st.version) > limit:
            break
        steps.append(Step(entry, migrations[st.version], index))
    return Prepared(v, steps, v.store, flags, created)


def _validate_new(s: Settings) -> Validation:
    """The check of a database that does not exist yet: an empty one, never created here."""
    with tempfile.TemporaryDirectory(prefix="driftcheck-") as tmp:
        empty = Path(tmp) / "new.db"
        empty.touch()
        v = validate(dataclasses.replace(s, database=str(empty)))
    target = v.report.target.model_copy(update={"database": s.database_label})
    v.report = v.report.model_copy(update={"target": target})
    return v


def describe(p: Prepared) -> str:
    """What --dry-run prints: the SQL each version runs and the history rows it writes."""
    out: list[str] = []
    history = p.validation.history
    assert history is not None
    if not history.exists and p.steps:
        out.append(f"-- create the history store ({p.store.kind})")
        out += [_inline(w) + ";" for w in p.store.create()]
        out.append("")
    if p.created:
        out.append("-- the database does not exist yet: apply creates it")
        out.append("")
    for step in p.steps:
        m = step.migration
        outside = step.action == "apply" and m.no_transaction
        how = " (outside a transaction, as its migration asks)" if outside else ""
        out.append(f"-- {step.label}: {step.action}{how}")
        if step.action == "apply":
            for stmt in m.statements:
                why = _skipped_statement(stmt.sql, outside)
                text = stmt.sql.rstrip().rstrip(";")
                out.append(f"-- skipped, {why}: {text}" if why else text + ";")
        how = "applied" if step.action == "apply" else "recorded"
        out += [_inline(w) + ";" for w in p.store.record(m, how, 0, history)]
        out.append("")
    return "\n".join(out)


def _inline(w: Write) -> str:
    """A statement with its parameters shown in place (for display only)."""
    sql, params = w
    values = iter(params)

    def lit(_: re.Match[str]) -> str:
        v = next(values)
        if v is None:
            return "NULL"
        if isinstance(v, bytes):
            return f"X'{v.hex()}'"
        if isinstance(v, int | float):
            return str(v)
        return "'" + str(v).replace("'", "''") + "'"

    return re.sub(r"\?", lit, sql)


def backup_path(database: str) -> Path:
    """`<db>.<UTC time to the microsecond>.bak` beside the database, never an existing file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    p = Path(database)
    target = p.with_name(f"{p.name}.{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = p.with_name(f"{p.name}.{stamp}-{n}.bak")
    return target


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def take_backup(database: str, target: Path) -> Path:
    """Copy the database with the online backup API and check the copy.

    The copy is written under a temporary name and renamed when it is whole, so
    a backup file is never a half-written one.
    """
    if target.is_dir():
        raise DriftcheckError(
            f"backup {target}: is a directory",
            hint=f"give a file path, e.g. --backup {target / (Path(database).name + '.bak')}",
            code="backup_failed",
        )
    if target.exists():
        raise DriftcheckError(
            f"backup {target}: exists already",
            hint="choose another --backup path (a backup never overwrites a file)",
            code="backup_failed",
        )
    if not target.parent.is_dir():
        raise DriftcheckError(
            f"backup {target}: its directory {target.parent} does not exist",
            hint="create the directory first, or choose another --backup path; nothing was changed",
            code="backup_failed",
        )
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(Path(database).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if ok != "ok":
            _remove(partial)
            raise DriftcheckError(
                f"backup {target} fails its integrity check: {ok}",
                hint="nothing was changed; the database itself may be damaged "
                "(PRAGMA integrity_check)",
                code="backup_failed",
            )
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        _remove(partial)
        raise DriftcheckError(
            f"backup to {target} failed: {exc}",
            hint="nothing was changed; check the disk space and permissions, "
            "or choose another --backup path",
            code="backup_failed",
        ) from None
    return target


def execute(
    p: Prepared,
    s: Settings,
    *,
    backup: Path | None | Literal["default"],
    busy_timeout: float,
    on_done: Callable[[Done], None] | None = None,
    on_backup: Callable[[Path], None] | None = None,
    on_start: Callable[[Step], None] | None = None,
    outcome: Outcome | None = None,
) -> Outcome:
    """Carry the prepared steps out (the caller has asked for confirmation).

    `backup`: a path, "default" (a timestamped file beside the database, named
    once the run lock is held so that runs never pick the same name), or None.
    A new database (`p.created`) has nothing to back up; if no version gets
    committed to it, the file is removed again.
    `outcome`: filled in as the run goes, so a caller still has it when the run
    stops with an exception (the versions done, the backup's path).
    """
    database = s.require_database()
    outcome = outcome if outcome is not None else Outcome()
    if not p.steps:
        return outcome  # nothing to do: not even opened for writing
    if p.created:
        _create(database)
    try:
        check_database_file(database)
        with run_lock(database, busy_timeout):
            if backup is not None and not p.created:
                target = backup_path(database) if backup == "default" else backup
                outcome.backup = take_backup(database, target)
                if on_backup is not None:
                    on_backup(outcome.backup)
            _execute_steps(p, s, database, busy_timeout, outcome, on_done, on_start)
    except BaseException:
        if p.created and not outcome.done:
            for suffix in ("", "-journal", "-wal", "-shm"):
                _remove(Path(database + suffix))
        raise
    return outcome


def _create(database: str) -> None:
    """Create an empty database file (never one that exists: another run may have made it)."""
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ApplyRefused(
            f"database {database}: appeared while apply was preparing to create it",
            hint="run apply again: it will plan against the database as it is now",
            code="database_appeared",
        ) from None
    except OSError as exc:
        raise DatabaseError(
            f"database {database}: cannot be created: {exc.strerror}",
            hint="check that its directory is writable",
            code="database_unwritable",
        ) from None
    os.close(fd)


@contextlib.contextmanager
def run_lock(database: str, timeout: float) -> Iterator[None]:
    """Hold an advisory lock on the database file for the whole run.

    SQLite's own locks last one transaction (one version); this one keeps a
    second `driftcheck apply` out until the first is done. It is a BSD flock on
    the database file itself: no file is created, SQLite's POSIX locks are not
    affected, and the kernel releases it if the process dies. Where flock does
    not exist (Windows), the per-version history re-check still prevents a
    version from being applied twice.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(database, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise locked_error(database, timeout) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _execute_steps(
    p: Prepared,
    s: Settings,
    database: str,
    busy_timeout: float,
    outcome: Outcome,
    on_done: Callable[[Done], None] | None,
    on_start: Callable[[Step], None] | None = None,
) -> None:
    try:
        conn = sqlite3.connect(database, isolation_level=None, timeout=busy_timeout)
        conn.execute("PRAGMA foreign_keys = OFF")
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"database {database}: cannot be opened for writing: {exc}",
            hint="check the file's permissions",
            code="database_unwritable",
        ) from None
    register_functions(conn, s.functions)
    run = _Run(conn, p, s, database, busy_timeout)
    try:
        for step in p.steps:
            if on_start is not None:
                on_start(step)
            done = run.step(step)
            outcome.done.append(done)
            if on_done is not None:
                on_done(done)
    finally:
        conn.close()


def _begin(conn: sqlite3.Connection, database: str, timeout: float) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise database_error(database, exc, writing=True, timeout=timeout) from None


class _Run:
    """One apply run over one connection: each step is a version in its own transaction."""

    def __init__(
        self, conn: sqlite3.Connection, p: Prepared, s: Settings, database: str, timeout: float
    ):
        self.conn = conn
        self.timeout = timeout
        self.store = p.store
        self.settings = s
        self.database = database
        self.states = p.validation.expected.states
        self.segments = segments_of(self.states)
        history = p.validation.history
        assert history is not None
        # The same tables validate left out: a history table the migrations create is schema.
        self.internal = p.validation.internal
        # The schema as the last version left it, valid while PRAGMA schema_version
        # says nothing changed since: each version's "after" is the next one's "before".
        self._known: tuple[int, dict[ObjectKey, Form]] | None = None

    def _schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA schema_version").fetchone()[0])

    def forms(self) -> dict[ObjectKey, Form]:
        """The database's objects now (history tables and ignored objects left out)."""
        version = self._schema_version()
        if self._known is not None and self._known[0] == version:
            return self._known[1]
        objects = ignore_objects(
            read_objects(self.conn), self.settings.config.ignore, self.internal
        )
        forms = {object_key(o): Form(o) for o in objects}
        self._known = (version, forms)
        return forms

    def step(self, step: Step) -> Done:
        conn, m = self.conn, step.migration
        if step.action == "apply" and m.no_transaction:
            return self.step_outside(step)
        _begin(conn, self.database, self.timeout)
        try:
            history: History = self.store.read(conn)
            if history.exists and history.is_recorded(m.version):
                conn.execute("ROLLBACK")
                return Done(m.version, "skipped", note="recorded meanwhile by another run")
            if not history.exists:
                for sql, params in self.store.create():
                    conn.execute(sql, params)
            started = time.monotonic()
            how = "recorded"
            if step.action == "apply":
                how = "applied"
                before = self.forms()
                violations = set(conn.execute("PRAGMA foreign_key_check").fetchall())
                witness = self.witness(step)
                for stmt in m.statements:
                    if _skipped_statement(stmt.sql):
                        continue
                    _execute(conn, m, stmt, witness=witness)
                self.verify(before, step)
                _foreign_keys(conn, m, violations)
            ms = int((time.monotonic() - started) * 1000)
            for sql, params in self.store.record(m, how, ms, history):
                conn.execute(sql, params)
            conn.execute("COMMIT")
            return Done(m.version, how, ms)
        except sqlite3.Error as exc:
            self._known = None
            _rollback(conn)
            raise database_error(self.database, exc, writing=True) from None
        except BaseException:
            self._known = None  # rolled back: what was read is no longer true
            _rollback(conn)
            raise

    def witness(self, step: Step) -> Witness:
        """Explains a statement of `step` that fails, from the expected states before it."""
        return Witness(self.conn, step.migration, self.states[: step.index], live=True)

    def _history(self, m: Migration) -> History | None:
        """The history read inside the open transaction; None when `m` is recorded already."""
        history: History = self.store.read(self.conn)
        if history.exists and history.is_recorded(m.version):
            return None
        if not history.exists:
            for sql, params in self.store.create():
                self.conn.execute(sql, params)
        return history

    def step_outside(self, step: Step) -> Done:
        """A version that must run outside a transaction, as its migration tool runs it."""
        conn, m = self.conn, step.migration
        _begin(conn, self.database, self.timeout)
        try:
            if self._history(m) is None:
                conn.execute("ROLLBACK")
                return Done(m.version, "skipped", note="recorded meanwhile by another run")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        before = self.forms()
        violations = set(conn.execute("PRAGMA foreign_key_check").fetchall())
        started = time.monotonic()
        try:
            witness = self.witness(step)
            for stmt in m.statements:
                if _skipped_statement(stmt.sql, outside=True):
                    continue
                _execute(conn, m, stmt, outside=True, witness=witness)
            if conn.in_transaction:  # the migration opened a transaction and left it open
                conn.execute("COMMIT")
            self._known = None
            self.verify(before, step, outside=True)
            _foreign_keys(conn, m, violations, outside=True)
        except BaseException:
            self._known = None
            _rollback(conn)  # at most the statement's own transaction
            raise
        ms = int((time.monotonic() - started) * 1000)
        _begin(conn, self.database, self.timeout)
        try:
            history = self.store.read(conn)
            for sql, params in self.store.record(m, "applied", ms, history):
                conn.execute(sql, params)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise database_error(self.database, exc, writing=True) from None
        except BaseException:
            _rollback(conn)
            raise
        return Done(m.version, "applied", ms, note="outside a transaction")

    def verify(self, before: dict[ObjectKey, Form], step: Step, outside: bool = False) -> None:
        """The version must leave exactly its expected footprint, and touch nothing else."""
        after = self.forms()
        target = self.states[step.index]
        keys = set(footprint(self.states, step.index, self.segments))
        absent = Form(None)
        version = step.migration.version
        wrong = [
            f"{key[0]} {key[1]} is not as version {version} expects"
            for key in sorted(keys)
            if not after.get(key, absent).same(Form(target.objects.get(key)))
        ]
        wrong += [
            f"{key[0]} {key[1]} changed, but version {version} does not change it"
            for key in sorted((set(before) | set(after)) - keys)
            if not before.get(key, absent).same(after.get(key, absent))
        ]
        if wrong:
            done = (
                "it ran outside a transaction, so it could not be rolled back: restore the "
                "backup, or bring the database in line by hand"
                if outside
                else "rolled back"
            )
            raise ApplyRefused(
                f"version {version}: the schema after it is not its expected "
                f"schema; {done}\n" + "\n".join(f"  {w}" for w in wrong[:20]),
                hint="the migration behaves differently on this database than in replay "
                "(data-dependent SQL, or expected schemas that do not match the migration "
                "files); run `driftcheck plan` and decide by hand",
                code="verify_failed",
            )


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


_OUTSIDE = (
    "this version runs outside a transaction (its migration asks for that), so the "
    "statements before this one stay applied: undo or finish them by hand (or restore the "
    "backup), then run `driftcheck plan`"
)


def _execute(
    conn: sqlite3.Connection,
    m: Migration,
    stmt: Statement,
    outside: bool = False,
    witness: Witness | None = None,
) -> None:
    try:
        if witness is not None:
            witness.before(stmt)
        conn.execute(stmt.sql).fetchall()
    except sqlite3.Error as exc:
        hint = (
            "the version was rolled back completely; earlier versions stay applied. Fix the "
            "cause and run apply again"
        )
        if outside:
            hint = _OUTSIDE
        if "constraint failed" in str(exc):
            hint = "existing rows violate it; " + hint
        reason, fix = witness.explain(stmt, exc) if witness is not None else (None, None)
        if fix is not None:
            hint = f"{fix}; {hint}"
        culprit = Culprit(
            version=m.version,
            file=stmt.file,
            statement=stmt.number,
            line=stmt.line,
            sql=trimmed_sql(stmt.sql),
            reason=reason,
        )
        raise ApplyError(
            f"version {m.version} ({stmt.file}), statement {stmt.number} (line {stmt.line}): {exc}",
            hint=hint,
            culprit=culprit,
        ) from None


def _foreign_keys(
    conn: sqlite3.Connection, m: Migration, before: set[Any], outside: bool = False
) -> None:
    """Only violations this version introduces count: older ones are not its doing."""
    rows = [r for r in conn.execute("PRAGMA foreign_key_check") if tuple(r) not in before][:5]
    if rows:
        detail = "; ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in rows)
        raise ApplyError(
            f"version {m.version} ({m.label}): foreign key check failed: {detail}",
            hint=_OUTSIDE
            if outside
            else "the version was rolled back; fix the orphaned rows, then apply again",
            code="foreign_key_check",
            culprit=Culprit(version=m.version, file=m.files[0] if m.files else None),
        )
