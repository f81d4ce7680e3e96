"""driftcheck's public Python API: what the CLI does, as functions returning report models.

    import driftcheck

    report = driftcheck.validate("app.db", migrations="python:app.db.schemas:REGISTRY")
    if report.status == "drift": ...

Every function takes the arguments the CLI's options give (same names: `migrations`,
`migrations_format`, `migrations_pattern`, `history`, `expected`, `config`,
`busy_timeout`), reads the same config file (`config` may also be a `Config` or a
mapping shaped like `driftcheck.toml`), and returns the pydantic model whose JSON the
matching `--format json` prints. Bad input raises a `driftcheck.DriftcheckError`
(`.code`, `.message`, `.hint`, and for a failing statement `.culprit`).

Each call loads the migrations afresh: a Python source (`python:pkg.mod:ATTR`) is
imported in a new subprocess every time, so a registry edited on disk while the
process runs is what the next call sees. Nothing is cached between calls beyond
bounded parse caches, and calls may run in several threads at once (each opens its
own connections).

The CLI is a client of this module: `driftcheck validate --format json` prints
`validate(...).model_dump_json(indent=2)`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from driftcheck.errors import DriftcheckError
from driftcheck.kinds import UNWRAPPED_FORMATS
from driftcheck.report.model import ApplyReport

# `apply()` returns the model `apply --format json` prints.
ApplyResult: TypeAlias = ApplyReport

if TYPE_CHECKING:
    from driftcheck.applier import Done, Outcome, Prepared, Step
    from driftcheck.check import Validation
    from driftcheck.config import Config
    from driftcheck.model import Schema
    from driftcheck.report.delta import ReportDiff
    from driftcheck.report.lint import LintReport
    from driftcheck.report.model import (
        DiffReport,
        FleetReport,
        PlanEntry,
        Report,
        SnapshotReport,
    )
    from driftcheck.settings import Progress, Settings

PathArg: TypeAlias = str | os.PathLike[str]
ConfigArg: TypeAlias = "str | os.PathLike[str] | Mapping[str, Any] | Config | None"

__all__ = [
    "ApplyResult",
    "ApplyRun",
    "Inspection",
    "apply",
    "diff",
    "inspect",
    "lint",
    "plan",
    "plan_sql",
    "render",
    "report_diff",
    "settings",
    "snapshot",
    "validate",
    "validate_each",
]


def _str(value: PathArg | None) -> str | None:
    return None if value is None else os.fspath(value)


def _config(config: ConfigArg) -> Config:
    from driftcheck.config import Config, build_config, load_config

    if isinstance(config, Config):
        return config
    if isinstance(config, Mapping):
        return build_config(dict(config))
    return load_config(_str(config))


def settings(
    database: PathArg | None = None,
    *,
    migrations: PathArg | None = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    expected: PathArg | None = None,
    busy_timeout: float | None = None,
    progress: Progress | None = None,
) -> Settings:
    """The config file's values with these arguments on top, as every command sees them."""
    from driftcheck.settings import Settings

    cfg = _config(config)
    if history is not None:
        from driftcheck.config import HistoryConfig

        try:
            section = HistoryConfig.model_validate({**cfg.history.model_dump(), "kind": history})
        except ValueError:
            from driftcheck.errors import ConfigError
            from driftcheck.kinds import HISTORY_STORES

            raise ConfigError(
                f"history={history!r}: no such history store",
                hint="one of: auto, " + ", ".join(HISTORY_STORES) + ", none",
                code="usage",
            ) from None
        cfg = cfg.model_copy(update={"history": section})
    return Settings.from_config(
        cfg,
        migrations=_str(migrations),
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        database=_str(database),
        expected_dir=_str(expected),
        progress=progress,
        busy_timeout=busy_timeout,
    )


# --------------------------------------------------------------------------
# validate, plan


def validation(s: Settings) -> Validation:
    """The whole check for settings already made (the CLI's `--format sql` needs more than
    the report: the schemas themselves)."""
    from driftcheck.check import validate as run

    return run(s)


def validate(
    database: PathArg | None = None,
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    expected: PathArg | None = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
) -> Report:
    """Check a database against its migrations: `driftcheck validate --format json`.

    `report.status` is "clean", "pending", "drift" (or "error" in a fleet); `changes`
    lists every difference from the effective version's schema; `plan` holds one
    action per version (ok, record, apply, flag)."""
    s = settings(
        database,
        migrations=migrations,
        config=config,
        history=history,
        expected=expected,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )
    return validation(s).report


def validate_each(
    databases: Iterable[PathArg],
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    expected: PathArg | None = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
    on_loaded: Callable[[str | None], None] | None = None,
) -> Generator[Report, None, None]:
    """Check many databases against one set of migrations, loaded once (as `validate`
    over a fleet does): one `Report` per database, in the order given, each yielded as
    soon as it is made, in the calling thread; stop iterating to stop checking. A
    database that cannot be read is an `error` report, and so is every database when
    the migrations cannot be loaded: nothing is raised for one of them. Bad arguments
    (an unknown history store, a bad config) raise `DriftcheckError` on the first
    `next()`. `on_loaded`, when given, is called once before the first report with the
    latest version of the migrations as loaded (None: they could not be loaded), which
    an error report for an unreadable database does not carry."""
    from driftcheck.fleet import reports

    s = settings(
        migrations=migrations,
        config=config,
        history=history,
        expected=expected,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )

    def loaded(expected: Any) -> None:
        if on_loaded is not None:
            on_loaded(expected.latest if expected is not None else None)

    yield from reports(s, [os.fspath(d) for d in databases], loaded=loaded)


def plan(
    database: PathArg | None = None,
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    expected: PathArg | None = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
) -> Report:
    """The reconciliation plan: the same report as `validate`; read `report.plan`."""
    return validate(
        database,
        migrations=migrations,
        config=config,
        history=history,
        expected=expected,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )


def plan_sql(
    database: PathArg | None = None,
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    expected: PathArg | None = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
) -> str:
    """`driftcheck plan --format sql`: the SQL (not run) that undoes the changes no version
    explains."""
    s = settings(
        database,
        migrations=migrations,
        config=config,
        history=history,
        expected=expected,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )
    return fix_sql(validation(s), s)


def fix_sql(v: Validation, s: Settings) -> str:
    """The `--format sql` rendering of a validation made with these settings."""
    from driftcheck.fixsql import fix_sql as run

    return run(v, s.config.ignore)


def render(
    report: Report | FleetReport,
    format: str,  # noqa: A002 - the CLI's option, by the same name
    *,
    root: PathArg | None = None,
    fail_on_pending: bool = False,
) -> str:
    """A report (from `validate` or `plan`) or a fleet's `FleetReport`, as `--format
    FORMAT` prints it: "text", "json", "markdown", "junit", "github" or "sarif".

    `root`: a directory that absolute migration paths are made relative to, for the
    github and sarif formats (their annotations name files from the repository's root).
    `fail_on_pending`: as `--fail-on-pending` (github: a pending database is an
    `::error` that says why the check fails). An unknown format is a `DriftcheckError`."""
    from driftcheck.report.render import render as run

    return run(report, format, root=_str(root), fail_on_pending=fail_on_pending)


# --------------------------------------------------------------------------
# apply


class ApplyRun:
    """An apply worked out but not carried out yet, for a caller that shows the steps and
    asks before running them (the CLI). `apply()` is this in one call.

    Construction replays the migrations, reads the database and plans; a plan with a
    flag is `refusal` (not raised: `report("refused")` says it). `run()` carries the
    steps out. `outcome` fills in as it goes, so after an interrupt the caller still
    knows which versions were committed and where the backup is."""

    def __init__(self, s: Settings, to: str | None = None, *, dry_run: bool = False) -> None:
        from driftcheck.applier import ApplyRefused, Outcome, prepare
        from driftcheck.dburl import require_writable

        self.settings = s
        self.database = s.require_database()
        self.dry_run = dry_run
        if not dry_run:
            require_writable(s.database or self.database, "apply")
        self.outcome: Outcome = Outcome()
        self.prepared: Prepared | None = None
        self.refusal: DriftcheckError | None = None
        self.error: DriftcheckError | None = None
        self.after: Report | None = None
        try:
            self.prepared = prepare(s, to, writing=not dry_run, refuse_flags=not dry_run)
        except ApplyRefused as exc:
            self.refusal = exc

    @property
    def steps(self) -> list[Step]:
        return self.prepared.steps if self.prepared is not None else []

    @property
    def flags(self) -> list[PlanEntry]:
        """The plan's flags: warnings in a dry run, the reason for a refusal otherwise."""
        if self.prepared is not None:
            return self.prepared.flags
        return list(getattr(self.refusal, "flags", ()))

    @property
    def created(self) -> bool:
        """The database does not exist yet: running the steps creates it."""
        return bool(self.prepared and self.prepared.created)

    def sql(self) -> str:
        """What a dry run prints: each version's SQL and the history rows it writes."""
        from driftcheck.applier import describe

        return describe(self.prepared) if self.prepared is not None else ""

    def run(
        self,
        *,
        backup: bool | PathArg = True,
        on_step: Callable[[Done], None] | None = None,
        on_start: Callable[[Step], None] | None = None,
        on_backup: Callable[[Path], None] | None = None,
    ) -> ApplyReport:
        """Carry the steps out. `backup`: True for a timestamped copy beside the database,
        a path, or False for none. A failing version is rolled back and reported
        (`outcome` "failed", `error`); KeyboardInterrupt propagates after the rollback."""
        from driftcheck.applier import ApplyRefused, execute
        from driftcheck.sqlite.connect import interrupt_requested

        p = self.prepared
        if p is None:
            assert self.refusal is not None
            return self.report("refused", self.refusal)
        if self.dry_run:
            return self.report("dry_run")
        if not p.steps:
            return self.report("nothing_to_do")
        s = self.settings
        target: Path | None | Literal["default"]
        if backup is True:
            target = "default"
        elif backup is False:
            target = None
        else:
            target = Path(backup)
        try:
            execute(
                p,
                s,
                backup=target,
                busy_timeout=s.busy_timeout,
                on_done=on_step,
                on_backup=on_backup,
                on_start=on_start,
                outcome=self.outcome,
            )
        except ApplyRefused as exc:
            return self.report("refused" if not self.outcome.done else "failed", exc)
        except DriftcheckError as exc:
            if interrupt_requested():
                raise KeyboardInterrupt from None
            return self.report("failed", exc)
        return self.verify()

    def verify(self) -> ApplyReport:
        """The database checked again after the run (against the schemas apply worked from:
        no second replay)."""
        from driftcheck.check import validate as check

        assert self.prepared is not None
        self.after = check(self.settings, self.prepared.validation.expected).report
        return self.report("done")

    def report(
        self,
        outcome: Literal[
            "done", "nothing_to_do", "dry_run", "refused", "declined", "failed", "interrupted"
        ],
        exc: DriftcheckError | None = None,
    ) -> ApplyReport:
        """The run as `apply --format json` prints it."""
        from driftcheck.report.model import AppliedStep, ErrorInfo, now, tool

        if exc is not None:
            if outcome == "refused":
                self.refusal = exc
            else:
                self.error = exc
        p = self.prepared
        names = {st.migration.version: st.migration.name for st in p.steps} if p else {}
        if outcome == "dry_run" and p is not None:
            steps = [
                AppliedStep(
                    version=st.migration.version,
                    name=st.migration.name,
                    action=st.action,  # type: ignore[arg-type]
                )
                for st in p.steps
            ]
        else:
            steps = [
                AppliedStep(
                    version=d.version,
                    name=names.get(d.version),
                    action=d.action,  # type: ignore[arg-type]
                    ms=d.ms,
                    note=d.note or None,
                )
                for d in self.outcome.done
            ]
        return ApplyReport(
            tool=tool(),
            generated_at=now(),
            database=self.settings.database_label,
            outcome=outcome,
            created=bool(p and p.created and (self.outcome.done or outcome == "dry_run")),
            backup=str(self.outcome.backup) if self.outcome.backup else None,
            steps=steps,
            flags=self.flags,
            error=ErrorInfo.of(exc) if exc is not None else None,
            report=self.after,
            sql=self.sql() if outcome == "dry_run" else None,
        )


def apply(
    database: PathArg | None = None,
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    history: str | None = None,
    to: str | None = None,
    dry_run: bool = False,
    backup: bool | PathArg = True,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
    on_step: Callable[[Done], None] | None = None,
) -> ApplyReport:
    """Carry the plan out: record present versions, apply pending ones (up to `to`).

    Never asks: calling it is the decision (the CLI asks first). Returns the run as
    `apply --format json` prints it: `outcome` is "done", "nothing_to_do", "dry_run"
    (nothing written; `sql` holds what would run), "refused" (the plan has flags: a
    person must decide; `flags`), or "failed" (the failing version was rolled back;
    `error` says why, `steps` what was committed before it). After "done", `report` is
    the database's validate report. `backup`: True (a timestamped copy beside the
    database), a path, or False."""
    s = settings(
        database,
        migrations=migrations,
        config=config,
        history=history,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )
    return ApplyRun(s, to, dry_run=dry_run).run(backup=backup, on_step=on_step)


# --------------------------------------------------------------------------
# lint


def lint(
    migrations: PathArg | None = None,
    *,
    config: ConfigArg = None,
    ignore: Sequence[str] = (),
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    progress: Progress | None = None,
) -> LintReport:
    """Replay the migrations statement by statement and report what the replay proves
    (`driftcheck lint --format json`): `status` "fail" when an error-level finding
    remains. `ignore`: codes left out, on top of the config's `[lint] ignore`."""
    from driftcheck.errors import ConfigError
    from driftcheck.expected import load_baseline, load_migrations
    from driftcheck.linter import lint as run
    from driftcheck.linter import lint_report
    from driftcheck.report.lint import RULES

    # "DC201,DC202" is two codes, as in [lint] ignore's list.
    codes = [c.strip().upper() for item in ignore for c in item.split(",") if c.strip()]
    for code in codes:
        if code not in RULES:
            raise ConfigError(
                f"--ignore {code}: not a lint code",
                hint="known codes: " + ", ".join(f"{c} ({r.name})" for c, r in RULES.items()),
                code="usage",
            )
    s = settings(
        migrations=migrations,
        config=config,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        progress=progress,
    )
    mset = load_migrations(s)
    findings = run(
        mset.migrations,
        functions=s.functions,
        baseline=load_baseline(s),
        progress=s.progress,
        wrapped=mset.format not in UNWRAPPED_FORMATS,
    )
    return lint_report(mset, findings, (*s.config.lint.ignore, *codes))


# --------------------------------------------------------------------------
# diff, inspect, snapshot


def diff(
    a: PathArg,
    b: PathArg,
    *,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
) -> DiffReport:
    """Compare two schemas, A expected and B actual: each a database path or "version:V"
    (a version's expected schema, from the migrations). `status` is "same" or
    "different"; info-level changes (a constraint's name) never make it "different"."""
    from driftcheck.changes import severe
    from driftcheck.check import diff as run
    from driftcheck.dburl import redact
    from driftcheck.report.model import DiffReport, now, summarize, tool

    sa, sb = os.fspath(a), os.fspath(b)
    s = settings(
        migrations=migrations,
        config=config,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )
    changes = run(sa, sb, s)
    return DiffReport(
        tool=tool(),
        generated_at=now(),
        expected=redact(sa) or sa,
        actual=redact(sb) or sb,
        status="different" if severe(changes) else "same",
        changes=changes,
        summary=summarize(changes),
    )


ReportsArg: TypeAlias = "str | os.PathLike[str] | Report | FleetReport | Sequence[Report]"


def report_diff(old: ReportsArg, new: ReportsArg) -> ReportDiff:
    """What changed from the `old` reports to the `new` (`driftcheck report-diff`): each
    side a report file (a Report, a FleetReport or JSON lines, as `validate --format
    json|jsonl` writes them), a `Report`, a `FleetReport` or a list of Reports.

    One report on each side is compared with the other whatever its database's name;
    otherwise reports are matched by `target.database`. The result's `deltas` are the
    databases that changed; `worse` says whether something new appeared. A file that is
    missing or is not a driftcheck report is a `DriftcheckError` naming it."""
    from driftcheck.report.delta import diff_reports

    (a, a_name), (b, b_name) = _reports(old), _reports(new)
    return diff_reports(a, b, a_name, b_name)


def _reports(side: ReportsArg) -> tuple[list[Report], str]:
    from driftcheck.report.model import FleetReport, Report
    from driftcheck.report.reading import read_reports

    if isinstance(side, Report):
        return [side], "report"
    if isinstance(side, FleetReport):
        return list(side.reports), "reports"
    if isinstance(side, str | os.PathLike):
        return read_reports(os.fspath(side)), os.fspath(side)
    return list(side), "reports"


@dataclass(frozen=True)
class Inspection:
    """A schema model: a database's (`database`) or a version's (`version`, `name`)."""

    schema: Schema
    fingerprint: str
    database: str | None = None
    version: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """What `driftcheck inspect` prints (as JSON)."""
        what: dict[str, Any] = (
            {"version": self.version, "name": self.name}
            if self.database is None
            else {"database": self.database}
        )
        return {
            **what,
            "fingerprint": self.fingerprint,
            "schema": self.schema.model_dump(mode="json", exclude_defaults=True),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def inspect(
    database: PathArg | None = None,
    *,
    version: str | None = None,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    busy_timeout: float | None = None,
) -> Inspection:
    """The schema model of a database (history tables left out), or with `version` the
    expected schema at that version."""
    from driftcheck.check import read_database
    from driftcheck.errors import ConfigError
    from driftcheck.expected import expected_schemas
    from driftcheck.ignore import without_history

    if database is not None and version is not None:
        raise ConfigError(
            "inspect takes one of --db PATH and --version V, not both",
            hint="e.g. driftcheck inspect --db app.db, or driftcheck inspect --version 0003",
            code="usage",
        )
    s = settings(
        database,
        migrations=migrations,
        config=config,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        busy_timeout=busy_timeout,
    )
    if version is None:
        if s.database is None:
            raise ConfigError(
                "inspect needs a database (--db PATH, or `database` in the config) or --version V",
                hint="e.g. driftcheck inspect --db app.db",
                code="usage",
            )
        # History tables are never schema: the fingerprint is the one of the version.
        schema = without_history(read_database(s.require_database(), s), s)
        return Inspection(schema, schema.fingerprint(), database=s.database_label)
    exp = expected_schemas(s)
    state = exp.states[exp.state_of(version)]
    schema = state.schema()
    return Inspection(schema, schema.fingerprint(), version=state.version, name=state.name)


def snapshot(
    out: PathArg | None = None,
    *,
    check: bool = False,
    migrations: PathArg | None = None,
    config: ConfigArg = None,
    migrations_format: str | None = None,
    migrations_pattern: str | None = None,
    progress: Progress | None = None,
) -> SnapshotReport:
    """Write the expected schema of every version to `out` (default: `expected_schemas`
    in the config, else expected_schemas/); `status` "written" or "current". With
    `check`, write nothing: `status` "stale" (with `reasons`) or "current"."""
    from driftcheck import snapshots
    from driftcheck.expected import load_baseline, load_migrations
    from driftcheck.report.model import SnapshotReport, now, tool

    s = settings(
        migrations=migrations,
        config=config,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        progress=progress,
    )
    directory = Path(out) if out is not None else s.snapshot_dir
    _check_snapshot_dir(directory, s)
    mset = load_migrations(s)
    baseline = load_baseline(s)
    n = len(mset.migrations)
    common: dict[str, Any] = {
        "tool": tool(),
        "generated_at": now(),
        "directory": str(directory),
        "versions": n,
        "latest_version": mset.latest_version,
    }
    if check:
        reasons = snapshots.staleness(directory, mset, baseline)
        return SnapshotReport(status="stale" if reasons else "current", reasons=reasons, **common)
    try:
        result = snapshots.snapshot(directory, mset, baseline, s.functions, s.progress)
    except OSError as exc:
        from driftcheck.errors import SnapshotError

        where = exc.filename or directory
        raise SnapshotError(
            f"--out {directory}: cannot write the expected schemas: {where}: {exc.strerror or exc}",
            hint="choose a directory driftcheck can create and write (--out DIR, or "
            "`expected_schemas` in the config)",
            code="snapshot_unwritable",
        ) from None
    if result.replayed_from is None:
        return SnapshotReport(status="current", **common)
    return SnapshotReport(
        status="written",
        files_written=result.files_written,
        replayed=n - result.replayed_from,
        first_replayed=(
            mset.migrations[result.replayed_from].version if result.replayed_from < n else None
        ),
        **common,
    )


def _check_snapshot_dir(directory: Path, s: Settings) -> None:
    from driftcheck.errors import ConfigError

    if directory.exists() and not directory.is_dir():
        raise ConfigError(
            f"--out {directory}: is a file, not a directory",
            hint="give the directory the expected schemas live in (default: expected_schemas)",
            code="usage",
        )
    m = s.migrations
    source = Path(m) if m and not m.startswith("python:") else None
    if source is not None and source.exists() and directory.resolve() == source.resolve():
        raise ConfigError(
            f"--out {directory}: is the migrations directory; the snapshots would be "
            "written among the migration files",
            hint="choose another directory, e.g. --out expected_schemas",
            code="usage",
        )
