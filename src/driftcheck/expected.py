"""The expected-schemas policy: from --expected snapshots, from fresh snapshots beside
the project, or from a replay of the migrations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from driftcheck.errors import (
    ConfigError,
    DriftcheckError,
    MigrationError,
    SnapshotError,
)
from driftcheck.migrations.model import Migration, MigrationSet
from driftcheck.versions import version_key

if TYPE_CHECKING:
    # Imported where used: `snapshot` loads migrations and baseline through here,
    # and needs neither the replay nor the report models when nothing is new.
    from driftcheck.attribution import Attributor
    from driftcheck.replay import Baseline, VersionState
    from driftcheck.report.model import Migrations, SkippedStep
    from driftcheck.settings import Settings


@dataclass
class Expected:
    """The expected schema before the first version and after each version."""

    states: list[VersionState]
    source: str
    format: str
    origin: str  # "replay" | "snapshots"
    skipped: list[SkippedStep] = field(default_factory=list)
    migration_set: MigrationSet | None = None  # None when validating from snapshots alone
    baseline: Baseline | None = None  # [replay] baseline, run before the first version
    # Which statement made what (changes' `source`), worked out when first asked for.
    attribution: Attributor | None = field(default=None, repr=False, compare=False)

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
        from driftcheck.report.model import Migrations

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
    origin = s.origin("migrations")
    if origin and not s.migrations.startswith("python:") and not Path(s.migrations).exists():
        raise MigrationError(
            f"migrations directory not found: {s.migrations} ({origin})",
            hint=f"paths in the config file are relative to its directory "
            f"({Path(s.config.source).parent}); fix it there, or pass --migrations",
            code="migrations_missing",
        )
    from driftcheck.migrations.python_source import SPELLINGS, PythonFields

    # [migrations.python] field names apply to a --migrations python:... flag too.
    fields = PythonFields(**s.config.migrations_python.model_dump())
    # A python: source set in the config file imports from the file's directory (the
    # project's), as its paths are relative to it, wherever driftcheck runs from.
    root = str(Path(s.config.source).parent) if origin else None
    mset = load(
        s.migrations,
        s.migrations_format,
        s.migrations_pattern,
        python_fields=fields,
        python_root=root,
    )
    if mset.format != "python" and any(fields.tried(r) != SPELLINGS[r] for r in SPELLINGS):
        # Field names for a directory of files: said, not silently dropped.
        note = "[migrations.python] names fields of a Python source; the migrations are files"
        mset = dataclasses.replace(mset, notes=(*mset.notes, note))
    return mset


def load_baseline(s: Settings) -> Baseline | None:
    path = s.config.replay.baseline
    if not path:
        return None
    import hashlib

    from driftcheck.migrations import split_statements
    from driftcheck.replay import Baseline

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
    from driftcheck.report.model import SkippedStep

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
        baseline = load_baseline(s)
        reasons = snapshots.staleness(directory, mset, baseline)
        if reasons:
            raise SnapshotError(
                f"expected schemas in {directory} are stale: "
                + "; ".join(reasons[:3])
                + (f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""),
                hint=f"run `driftcheck snapshot --out {directory}`, or drop --expected to "
                "replay the migrations",
                code="snapshot_stale",
            )
        return Expected(
            states, mset.source, mset.format, "snapshots", _skipped(mset), mset, baseline
        )
    mset = load_migrations(s)
    baseline = load_baseline(s)
    snap = s.snapshot_dir
    if (snap / "manifest.json").is_file():
        from driftcheck import snapshots

        try:
            if not snapshots.staleness(snap, mset, baseline):
                _, states = snapshots.load(snap)
                return Expected(
                    states, mset.source, mset.format, "snapshots", _skipped(mset), mset, baseline
                )
        except SnapshotError:
            pass  # unusable snapshots are no reason not to check: replay instead
    from driftcheck.replay import replay

    states = replay(mset.migrations, functions=s.functions, baseline=baseline, progress=s.progress)
    return Expected(states, mset.source, mset.format, "replay", _skipped(mset), mset, baseline)
