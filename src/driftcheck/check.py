"""The pipeline behind the commands: load -> replay/snapshots -> introspect -> diff -> report.

Commands in `cli` map options onto these functions and render what they
return; nothing here prints.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from driftcheck import __version__, normalize
from driftcheck.config import Config
from driftcheck.diff import Change, diff_schemas
from driftcheck.effective import Effective, find_effective
from driftcheck.errors import ConfigError, DriftcheckError, MigrationError, SnapshotError
from driftcheck.migrations.model import MigrationSet
from driftcheck.model import Schema, SchemaObject
from driftcheck.replay import Baseline, ObjectKey, VersionState, replay
from driftcheck.report.model import (
    ErrorInfo,
    Migrations,
    Report,
    SkippedStep,
    Target,
    Tool,
    summarize,
)
from driftcheck.sqlite.connect import FunctionStub, open_readonly, parse_function_decls
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
        return self.database


@dataclass
class Expected:
    """The expected schema before the first version and after each version."""

    states: list[VersionState]
    source: str
    format: str
    origin: str  # "replay" | "snapshots"
    skipped: list[SkippedStep] = field(default_factory=list)

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

        manifest, states = snapshots.load(Path(s.expected_dir))
        return Expected(states, manifest.source, manifest.format, "snapshots")
    mset = load_migrations(s)
    baseline = load_baseline(s)
    snap = s.snapshot_dir
    if (snap / "manifest.json").is_file():
        from driftcheck import snapshots

        try:
            if not snapshots.staleness(snap, mset, baseline):
                _, states = snapshots.load(snap)
                return Expected(states, mset.source, mset.format, "snapshots", _skipped(mset))
        except SnapshotError:
            pass  # unusable snapshots are no reason not to check: replay instead
    states = replay(mset.migrations, functions=s.functions, baseline=baseline, progress=s.progress)
    return Expected(states, mset.source, mset.format, "replay", _skipped(mset))


def read_database(path: str, s: Settings) -> Schema:
    conn = open_readonly(path, s.functions)
    try:
        return Schema.of(read_objects(conn))
    finally:
        conn.close()


# --------------------------------------------------------------------------
# Ignoring objects


def _ignored(obj: SchemaObject, patterns: Sequence[str], tables: set[str]) -> bool:
    table = getattr(obj, "table", None)
    if table is not None and normalize.fold(table) in tables:
        return True  # objects on an ignored table go with it
    for pattern in patterns:
        kind, sep, glob = pattern.partition(":")
        if not sep:
            kind, glob = "", pattern
        if kind and kind != obj.kind:
            continue
        if fnmatch.fnmatchcase(normalize.fold(obj.name), normalize.fold(glob)):
            return True
    return False


def ignore_objects(objects: Sequence[SchemaObject], patterns: Sequence[str]) -> list[SchemaObject]:
    if not patterns:
        return list(objects)
    for pattern in patterns:
        kind, sep, _ = pattern.partition(":")
        if sep and kind not in ("table", "index", "view", "trigger"):
            raise ConfigError(
                f"ignore pattern {pattern!r}: unknown object kind {kind!r}",
                hint="use table:, index:, view: or trigger: before the name pattern, or no prefix",
                code="config_value",
            )
    tables = {
        normalize.fold(o.name)
        for o in objects
        if o.kind == "table" and _ignored(o, patterns, set())
    }
    return [o for o in objects if not _ignored(o, patterns, tables)]


def _filter_state(state: VersionState, patterns: Sequence[str]) -> VersionState:
    keep = {
        (o.kind, normalize.fold(o.name))
        for o in ignore_objects(list(state.objects.values()), patterns)
    }
    objects: dict[ObjectKey, SchemaObject] = {k: o for k, o in state.objects.items() if k in keep}
    return VersionState(
        state.version,
        state.name,
        state.checksum,
        objects,
        {k: state.hashes[k] for k in objects},
        state.changed & keep,
        state.removed,
    )


def apply_ignore(
    expected: Expected, actual: Schema, patterns: Sequence[str]
) -> tuple[Expected, Schema]:
    if not patterns:
        return expected, actual
    states = [_filter_state(st, patterns) for st in expected.states]
    filtered = Expected(states, expected.source, expected.format, expected.origin, expected.skipped)
    return filtered, Schema.of(ignore_objects(actual.objects(), patterns))


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


def status_of(effective: Effective, expected: Expected, changes: list[Change]) -> str:
    if any(c.severity in ("error", "warning") for c in changes):
        return "drift"
    if effective.index < len(expected.states) - 1:
        return "pending"
    return "clean"


@dataclass
class Validation:
    report: Report
    expected: Expected
    actual: Schema
    effective: Effective


def validate(s: Settings) -> Validation:
    database = s.require_database()
    expected = expected_schemas(s)
    actual = read_database(database, s)
    expected, actual = apply_ignore(expected, actual, s.config.ignore)
    effective = find_effective(expected.states, actual)
    changes = effective.changes
    status = status_of(effective, expected, changes)
    pending = len(expected.states) - 1 - effective.index
    match = "exact" if effective.exact else "closest"
    report = Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=database),
        migrations=expected.info(),
        effective_version=effective.version,
        status=status,  # type: ignore[arg-type]
        changes=changes,
        summary=summarize(changes, pending=pending, match=match),
    )
    return Validation(report, expected, actual, effective)


def error_report(exc: DriftcheckError, database: str | None) -> Report:
    return Report(
        tool=tool(),
        generated_at=now(),
        target=Target(database=database),
        status="error",
        error=ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint),
    )


def schema_of(spec: str, s: Settings, expected: Expected | None) -> Schema:
    """A `diff` operand: a database path, or `version:V` from the migrations."""
    if spec.startswith("version:"):
        if expected is None:
            expected = expected_schemas(s)
        return expected.states[expected.state_of(spec.removeprefix("version:"))].schema()
    return read_database(spec, s)


def diff(a: str, b: str, s: Settings) -> list[Change]:
    needs_migrations = any(x.startswith("version:") for x in (a, b))
    expected = expected_schemas(s) if needs_migrations else None
    left = schema_of(a, s, expected)
    right = schema_of(b, s, expected)
    patterns = s.config.ignore
    if patterns:
        left = Schema.of(ignore_objects(left.objects(), patterns))
        right = Schema.of(ignore_objects(right.objects(), patterns))
    return diff_schemas(left, right)
