"""The pipeline behind the commands: load -> replay/snapshots -> introspect -> diff -> report.

Commands in `cli` map options onto these functions and render what they
return; nothing here prints.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from driftcheck import __version__, normalize
from driftcheck.changes import Change
from driftcheck.config import Config
from driftcheck.dburl import database_path, redact
from driftcheck.diff import diff_schemas
from driftcheck.effective import Effective, find_effective
from driftcheck.errors import (
    ConfigError,
    DriftcheckError,
    MigrationError,
    SnapshotError,
)
from driftcheck.history import History, Store
from driftcheck.migrations.model import Migration, MigrationSet
from driftcheck.model import Schema, SchemaObject
from driftcheck.plan import Plan, build_plan
from driftcheck.replay import Baseline, ObjectKey, VersionState, replay
from driftcheck.report.model import (
    ErrorInfo,
    HistoryInfo,
    HistoryVersion,
    Migrations,
    Report,
    SkippedStep,
    Target,
    Tool,
    summarize,
)
from driftcheck.sqlite.connect import FunctionStub, parse_function_decls, read_readonly
from driftcheck.sqlite.introspect import read_objects
from driftcheck.versions import version_key

Progress = Callable[[int, int], None]

DEFAULT_EXPECTED_DIR = "expected_schemas"


@dataclass
class Settings:
    """Config file values with command-line flags applied on top."""

    config: Config
    migrations: str | None = None
    migrations_format: str = "auto"
    migrations_pattern: str | None = None
    database: str | None = None
    expected_dir: str | None = None  # --expected: snapshots alone, no migrations
    progress: Progress | None = None

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        migrations: str | None = None,
        migrations_format: str | None = None,
        migrations_pattern: str | None = None,
        database: str | None = None,
        expected_dir: str | None = None,
        progress: Progress | None = None,
    ) -> Settings:
        return cls(
            config=config,
            migrations=migrations or config.migrations,
            migrations_format=migrations_format or config.migrations_format,
            migrations_pattern=migrations_pattern or config.migrations_pattern,
            database=database or config.database,
            expected_dir=expected_dir,
            progress=progress,
        )

    @property
    def functions(self) -> tuple[FunctionStub, ...]:
        return parse_function_decls(self.config.replay.functions, self.config.replay.identity)

    @property
    def snapshot_dir(self) -> Path:
        return Path(self.config.expected_schemas or DEFAULT_EXPECTED_DIR)

    def require_database(self) -> str:
        if not self.database:
            raise ConfigError(
                "no database given",
                hint="pass --db PATH (or set `database` in driftcheck.toml)",
                code="usage",
            )
        return database_path(self.database)

    @property
    def database_label(self) -> str | None:
        """The database argument as given, without secrets: what reports show."""
        return redact(self.database)


@dataclass
class Expected:
    """The expected schema before the first version and after each version."""

    states: list[VersionState]
    source: str
    format: str
    origin: str  # "replay" | "snapshots"
    skipped: list[SkippedStep] = field(default_factory=list)
    migration_set: MigrationSet | None = None  # None when validating from snapshots alone

    @property
    def migrations(self) -> dict[str, Migration]:
        """The migrations by version as written (empty without the migration files)."""
        if self.migration_set is None:
            return {}
        return {m.version: m for m in self.migration_set.migrations}

    @property
    def latest(self) -> str | None:
        return self.states[-1].version

    def state_of(self, version: str) -> int:
        key = version_key(version)
        for i, s in enumerate(self.states):
            if s.version is not None and version_key(s.version) == key:
                return i
        known = ", ".join(s.version for s in self.states[1:] if s.version) or "none"
        raise DriftcheckError(
            f"version {version} is not among the migrations",
            hint=f"known versions: {_shorten(known)}",
            code="unknown_version",
        )

    def info(self) -> Migrations:
        return Migrations(
            source=self.source,
            format=self.format,
            count=len(self.states) - 1,
            latest_version=self.latest,
            expected_from=self.origin,  # type: ignore[arg-type]
            skipped=self.skipped,
        )


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


# --------------------------------------------------------------------------
# Loading


def load_migrations(s: Settings) -> MigrationSet:
    from driftcheck.migrations import load_migrations as load

    if not s.migrations:
        raise ConfigError(
            "no migrations given",
            hint="pass --migrations DIR (or python:package.module:attribute), or set "
            "`migrations` in driftcheck.toml",
            code="usage",
        )
    return load(s.migrations, s.migrations_format, s.migrations_pattern)


def load_baseline(s: Settings) -> Baseline | None:
    path = s.config.replay.baseline
    if not path:
        return None
    import hashlib

    from driftcheck.migrations import split_statements

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"[replay] baseline {path}: cannot be read ({exc.strerror})",
            hint="check the path in driftcheck.toml",
            code="baseline",
        ) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise MigrationError(
            f"[replay] baseline {path}: not valid UTF-8",
            hint="save the file as UTF-8",
            code="encoding",
        ) from None
    return Baseline(
        file=path,
        statements=split_statements(text, path),
        checksum="sha256:" + hashlib.sha256(text.encode()).hexdigest(),
    )


def _skipped(mset: MigrationSet) -> list[SkippedStep]:
    return [SkippedStep(version=s.version, file=s.file, reason=s.reason) for s in mset.skipped]


def expected_schemas(s: Settings) -> Expected:
    """From --expected snapshots, fresh snapshots beside the project, or a replay."""
    if s.expected_dir:
        from driftcheck import snapshots

        directory = Path(s.expected_dir)
        manifest, states = snapshots.load(directory)
        if not s.migrations:
            return Expected(states, manifest.source, manifest.format, "snapshots")
        # Migrations at hand too: the snapshots must describe them.
        mset = load_migrations(s)
        reasons = snapshots.staleness(directory, mset, load_baseline(s))
        if reasons:
            raise SnapshotError(
                f"expected schemas in {directory} are stale: "
                + "; ".join(reasons[:3])
                + (f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""),
                hint=f"run `driftcheck snapshot --out {directory}`, or drop --expected to "
                "replay the migrations",
                code="snapshot_stale",
            )
        return Expected(states, mset.source, mset.format, "snapshots", _skipped(mset), mset)
    mset = load_migrations(s)
    baseline = load_baseline(s)
    snap = s.snapshot_dir
    if (snap / "manifest.json").is_file():
        from driftcheck import snapshots

        try:
            if not snapshots.staleness(snap, mset, baseline):
                _, states = snapshots.load(snap)
                return Expected(states, mset.source, mset.format, "snapshots", _skipped(mset), mset)
        except SnapshotError:
            pass  # unusable snapshots are no reason not to check: replay instead
    states = replay(mset.migrations, functions=s.functions, baseline=baseline, progress=s.progress)
    return Expected(states, mset.source, mset.format, "replay", _skipped(mset), mset)


def read_database(path: str, s: Settings) -> Schema:
    return read_readonly(
        path, s.functions, lambda conn: Schema.of(read_objects(conn)), s.config.busy_timeout
    )


# --------------------------------------------------------------------------
# Ignoring objects


class Ignore:
    """Which objects to leave out: `ignore` globs, and whole tables (history tables).

    Objects on an ignored table (its indexes and triggers) go with it. Answers are
    memoised: the same objects recur in every version's schema.
    """

    def __init__(self, patterns: Sequence[str], tables: Collection[str] = ()) -> None:
        self.globs: list[tuple[str, str]] = []
        for pattern in patterns:
            kind, sep, glob = pattern.partition(":")
            if not sep:
                kind, glob = "", pattern
            elif kind not in ("table", "index", "view", "trigger"):
                raise ConfigError(
                    f"ignore pattern {pattern!r}: unknown object kind {kind!r}",
                    hint="use table:, index:, view: or trigger: before the name pattern, "
                    "or no prefix",
                    code="config_value",
                )
            self.globs.append((kind, normalize.fold(glob)))
        self.tables = {normalize.fold(t) for t in tables}
        self._seen: dict[tuple[str, str, str | None], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.globs or self.tables)

    def _match(self, kind: str, folded: str) -> bool:
        return any((not k or k == kind) and fnmatch.fnmatchcase(folded, g) for k, g in self.globs)

    def table(self, name: str) -> bool:
        folded = normalize.fold(name)
        return folded in self.tables or self._match("table", folded)

    def key(self, key: ObjectKey) -> bool:
        """For objects known only by key (removed ones): by their own name."""
        return self.table(key[1]) if key[0] == "table" else self._match(*key)

    def __call__(self, obj: SchemaObject) -> bool:
        table = getattr(obj, "table", None)
        memo = (obj.kind, obj.name, table)
        found = self._seen.get(memo)
        if found is None:
            if obj.kind == "table":
                found = self.table(obj.name)
            else:
                found = (table is not None and self.table(table)) or self._match(
                    obj.kind, normalize.fold(obj.name)
                )
            self._seen[memo] = found
        return found


def ignore_objects(
    objects: Sequence[SchemaObject], patterns: Sequence[str], tables: Collection[str] = ()
) -> list[SchemaObject]:
    """Objects not ignored; `tables` (folded names) are left out with what is on them."""
    ignored = Ignore(patterns, tables)
    return [o for o in objects if not ignored(o)] if ignored else list(objects)


def _without(state: VersionState, drop: set[ObjectKey], removed: set[ObjectKey]) -> VersionState:
    if not drop and not removed:
        return state  # the usual case: keep the state and what it has cached
    objects = {k: o for k, o in state.objects.items() if k not in drop}
    return VersionState(
        state.version,
        state.name,
        state.checksum,
        objects,
        {k: state.hashes[k] for k in objects},
        state.changed - drop,
        state.removed - removed,
    )


def apply_ignore(
    expected: Expected, actual: Schema, patterns: Sequence[str], tables: Collection[str] = ()
) -> tuple[Expected, Schema]:
    """Leave out ignored objects, and `tables` (folded: history tables), on both sides."""
    ignored = Ignore(patterns, tables)
    if not ignored:
        return expected, actual
    # Whether an object is ignored depends on its names alone, so each version
    # only needs its own changes looked at.
    drop: set[ObjectKey] = set()
    states = []
    for n, st in enumerate(expected.states):
        if n == 0:
            drop = {k for k, o in st.objects.items() if ignored(o)}
        else:
            drop = (drop - st.removed - st.changed) | {
                k for k in st.changed if ignored(st.objects[k])
            }
        states.append(_without(st, drop, {k for k in st.removed if ignored.key(k)}))
    filtered = dataclasses.replace(expected, states=states)
    return filtered, Schema.of([o for o in actual.objects() if not ignored(o)])


# --------------------------------------------------------------------------
# Reports


def now() -> str:
    """Report timestamp; SOURCE_DATE_EPOCH pins it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def tool() -> Tool:
    return Tool(version=__version__)


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
        # A version present but unrecorded is drift: the history tells a lie.
        if plan.count("record"):
            return "drift"
        return "pending" if plan.count("apply") else "clean"
    # No history at all: the status follows the schema alone.
    if effective.index < len(expected.states) - 1 or plan.count("apply"):
        return "pending"
    return "clean"


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

    return read_readonly(database, s.functions, read, s.config.busy_timeout)


def internal_tables(
    s: Settings, expected: Expected | None, history: History | None = None
) -> set[str]:
    """History tables (folded) to leave out of the comparison: those of every known
    store and of the one found, except a table the migrations themselves create."""
    from driftcheck.history import history_tables

    names = set(history_tables(s.config.history))
    if history is not None:
        names.update(normalize.fold(t) for t in history.internal)
    if expected is not None:
        names -= {k[1] for st in expected.states for k in st.objects if k[0] == "table"}
    return names


def without_history(schema: Schema, s: Settings, expected: Expected | None = None) -> Schema:
    """`schema` without history tables (and what is on them)."""
    tables = internal_tables(s, expected)
    if not any(normalize.fold(name) in tables for name in schema.tables):
        return schema
    return Schema.of(ignore_objects(schema.objects(), (), tables))


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
        versions=versions,
        notes=list(history.notes),
    )


def validate(s: Settings, expected: Expected | None = None) -> Validation:
    """The whole check; `expected` reuses expected schemas already loaded (apply's)."""
    database = s.require_database()
    if expected is None:
        expected = expected_schemas(s)
    actual, store, history = read_target(database, s, expected)
    internal = internal_tables(s, expected, history)
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
        expected.states, actual, effective.index, changes, history, store, expected.migrations
    )
    status = status_of(effective, expected, changes, plan, history)
    tracked = history is not None and history.exists
    report = Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=s.database_label),
        migrations=expected.info(),
        history=history_info(history, store, expected) if history is not None else None,
        effective_version=effective.version,
        status=status,  # type: ignore[arg-type]
        changes=changes,
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


def error_report(exc: DriftcheckError, database: str | None) -> Report:
    return Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=redact(database)),
        status="error",
        error=ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint),
    )


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
    return diff_schemas(left, right)
