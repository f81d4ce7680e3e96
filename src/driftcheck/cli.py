"""The `driftcheck` command: options in, library calls, rendering and exit codes out.

Exit codes, like diff(1): 0 = clean (or only pending versions), 1 = drift
(or pending with --fail-on-pending, or stale snapshots with --check),
2 = could not check (bad input, unreadable database, replay failure).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer

from driftcheck import __version__
from driftcheck.errors import DriftcheckError

app = typer.Typer(
    name="driftcheck",
    help="Schema drift detection for SQLite: what schema a database should have, what it has, "
    "and what differs.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class MigrationsFormat(StrEnum):
    auto = "auto"
    plain = "plain"
    flyway = "flyway"
    golang_migrate = "golang-migrate"
    dbmate = "dbmate"
    goose = "goose"
    sqlx = "sqlx"
    diesel = "diesel"
    dirs = "dirs"
    pattern = "pattern"


class HistoryKind(StrEnum):
    auto = "auto"
    driftcheck = "driftcheck"
    table = "table"
    user_version = "user_version"
    flyway = "flyway"
    golang_migrate = "golang-migrate"
    dbmate = "dbmate"
    sqlx = "sqlx"
    diesel = "diesel"
    goose = "goose"
    none = "none"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


MigrationsOpt = Annotated[
    str | None,
    typer.Option(
        "--migrations",
        "-m",
        help="Migrations directory, or python:package.module:attribute.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    MigrationsFormat | None,
    typer.Option(
        "--migrations-format",
        help="Force a migration file convention (default: auto-detect).",
        show_default=False,
    ),
]
PatternOpt = Annotated[
    str | None,
    typer.Option(
        "--migrations-pattern",
        metavar="REGEX",
        help="Regex with named groups version, name and optionally direction, for other "
        "file naming conventions.",
        show_default=False,
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="The SQLite database to check (opened read-only).", show_default=False
    ),
]
ExpectedOpt = Annotated[
    str | None,
    typer.Option(
        "--expected",
        metavar="DIR",
        help="Validate against snapshots in DIR alone (no migrations needed).",
        show_default=False,
    ),
]
HistoryOpt = Annotated[
    HistoryKind | None,
    typer.Option(
        "--history",
        help="Where the migration history is kept (default: auto-detect).",
        show_default=False,
    ),
]
OutOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="Config file (default: driftcheck.toml or [tool.driftcheck] in pyproject.toml here).",
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"driftcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """driftcheck: schema drift detection for SQLite databases."""


# --------------------------------------------------------------------------
# Helpers


def _colour(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _style() -> Any:
    from driftcheck.report.text import Style

    return Style(_colour(sys.stdout))


def _progress() -> Callable[[int, int], None] | None:
    if not _colour(sys.stderr):
        return None

    def show(done: int, total: int) -> None:
        if total < 50:
            return
        sys.stderr.write(f"\rreplaying migrations {done}/{total}")
        if done == total:
            sys.stderr.write("\r" + " " * 40 + "\r")
        sys.stderr.flush()

    return show


def _settings(config: str | None, **kwargs: Any) -> Any:
    from driftcheck.config import load_config
    from driftcheck.settings import Settings

    fmt = kwargs.get("migrations_format")
    if isinstance(fmt, MigrationsFormat):
        kwargs["migrations_format"] = fmt.value
    history = kwargs.pop("history", None)
    cfg = load_config(config)
    if history is not None:
        kwind = {"history": cfg.history.model_copy(update={"kind": history.value})}
        cfg = cfg.model_copy(update=kwind)
    return Settings.from_config(cfg, progress=_progress(), **kwargs)


def _fail(
    exc: DriftcheckError, fmt: OutputFormat, database: str | None, title: str = "validate"
) -> NoReturn:
    if fmt is OutputFormat.json:
        from driftcheck.reporting import error_report

        typer.echo(error_report(exc, database).model_dump_json(indent=2))
    err = f"driftcheck {title}: error: {exc.message}"
    if exc.hint:
        err += f"\n  hint: {exc.hint}"
    typer.echo(err, err=True)
    raise typer.Exit(2)


def _guard(fmt: OutputFormat, database: str | None, title: str, body: Callable[[], int]) -> None:
    """Run a command body: DriftcheckError -> exit 2 with one message, never a traceback."""
    try:
        code = body()
    except DriftcheckError as exc:
        _fail(exc, fmt, database, title)
    except KeyboardInterrupt:
        typer.echo("driftcheck: interrupted", err=True)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("DRIFTCHECK_DEBUG"):
            raise
        _fail(
            DriftcheckError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in driftcheck; rerun with DRIFTCHECK_DEBUG=1 "
                "for a traceback and report it",
                code="internal",
            ),
            fmt,
            database,
            title,
        )
    raise typer.Exit(code)


def _exit_code(status: str, fail_on_pending: bool) -> int:
    if status == "drift" or (status == "pending" and fail_on_pending):
        return 1
    return 0


# --------------------------------------------------------------------------
# Commands


def _checked(
    title: str,
    *,
    db: str | None,
    migrations: str | None,
    migrations_format: MigrationsFormat | None,
    migrations_pattern: str | None,
    expected: str | None,
    history: HistoryKind | None,
    fmt: OutputFormat,
    config: str | None,
    fail_on_pending: bool = False,
    show_plan: bool = False,
) -> None:
    """validate, plan and status: the same check, rendered three ways."""

    def body() -> int:
        from driftcheck.check import validate as run
        from driftcheck.report.text import render_report, render_status

        s = _settings(
            config,
            migrations=migrations,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            database=db,
            expected_dir=expected,
            history=history,
        )
        result = run(s)
        if fmt is OutputFormat.json:
            typer.echo(result.report.model_dump_json(indent=2))
        else:
            if title == "status":
                text = render_status(result.report, _style())
            else:
                text = render_report(result.report, _style(), title=title, show_plan=show_plan)
            typer.echo(text, nl=False)
        return _exit_code(result.report.status, fail_on_pending)

    _guard(fmt, db, title, body)


@app.command()
def validate(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: OutOpt = OutputFormat.text,
    fail_on_pending: Annotated[
        bool,
        typer.Option(
            "--fail-on-pending", help="Exit 1 when versions are pending, not only on drift."
        ),
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Check a database against its migrations: effective version, drift, pending versions."""
    _checked(
        "validate",
        db=db,
        migrations=migrations,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        expected=expected,
        history=history,
        fmt=fmt,
        config=config,
        fail_on_pending=fail_on_pending,
    )


@app.command()
def plan(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: OutOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """One action per version: ok, record (present, unrecorded), apply (pending) or flag."""
    _checked(
        "plan",
        db=db,
        migrations=migrations,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        expected=expected,
        history=history,
        fmt=fmt,
        config=config,
        show_plan=True,
    )


@app.command()
def status(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: OutOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Where is this database? Recorded, effective and latest version, pending count."""
    _checked(
        "status",
        db=db,
        migrations=migrations,
        migrations_format=migrations_format,
        migrations_pattern=migrations_pattern,
        expected=expected,
        history=history,
        fmt=fmt,
        config=config,
    )


@app.command()
def apply(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    history: HistoryOpt = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="VERSION", help="Stop after this version.", show_default=False
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the SQL and history rows; change nothing."),
    ] = False,
    backup: Annotated[
        str | None,
        typer.Option(
            "--backup",
            metavar="PATH",
            help="Where to back the database up first (default: a timestamped file beside it).",
            show_default=False,
        ),
    ] = None,
    no_backup: Annotated[
        bool, typer.Option("--no-backup", help="Do not back the database up first.")
    ] = False,
    busy_timeout: Annotated[
        float | None,
        typer.Option(
            "--busy-timeout",
            metavar="SECONDS",
            help="How long to wait for another writer's lock (default: busy_timeout in the "
            "config, or 5).",
            min=0,
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Carry the plan out: record versions that are present, apply pending ones."""

    def body() -> int:
        from driftcheck import apply as run
        from driftcheck.check import validate as check
        from driftcheck.errors import ConfigError
        from driftcheck.report.text import render_report

        if backup is not None and no_backup:
            raise ConfigError(
                "--backup and --no-backup exclude each other", hint="give one of them", code="usage"
            )
        s = _settings(
            config,
            migrations=migrations,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            database=db,
            history=history,
        )
        try:
            prepared = run.prepare(s, to, writing=not dry_run)
        except run.ApplyRefused as exc:
            typer.echo(f"driftcheck apply: refused: {exc.message}", err=True)
            if exc.hint:
                typer.echo(f"  hint: {exc.hint}", err=True)
            return 1
        database = s.require_database()
        if not prepared.steps:
            typer.echo(f"driftcheck apply: {database}: nothing to do")
            return 0
        summary = ", ".join(f"{st.action} {st.migration.version}" for st in prepared.steps)
        if dry_run:
            typer.echo(f"-- driftcheck apply --dry-run: {database} ({summary})")
            typer.echo(run.describe(prepared), nl=False)
            return 0
        if not yes:
            if not _stdin_is_terminal():
                raise ConfigError(
                    "apply asks for confirmation, and there is no terminal",
                    hint="pass --yes to apply without asking (or --dry-run)",
                    code="usage",
                )
            if not typer.confirm(f"{database}: {summary}. Go ahead?", default=False):
                typer.echo("driftcheck apply: nothing changed")
                return 1
        target: Path | None | Literal["default"] = (
            None if no_backup else (Path(backup) if backup else "default")
        )

        def report(done: Any) -> None:
            note = f" ({done.note})" if done.note else ""
            ms = f" in {done.ms} ms" if done.action == "applied" else ""
            typer.echo(f"  {done.version}: {done.action}{ms}{note}")

        try:
            outcome = run.execute(
                prepared,
                s,
                backup=target,
                busy_timeout=s.config.busy_timeout if busy_timeout is None else busy_timeout,
                on_done=report,
                on_backup=lambda p: typer.echo(f"driftcheck apply: backed up to {p}"),
            )
        except run.ApplyRefused as exc:
            typer.echo(f"driftcheck apply: stopped: {exc.message}", err=True)
            if exc.hint:
                typer.echo(f"  hint: {exc.hint}", err=True)
            return 1
        typer.echo(
            f"driftcheck apply: {len(outcome.done)} version"
            f"{'' if len(outcome.done) == 1 else 's'} done"
        )
        # The expected schemas are the ones apply worked from: no second replay.
        after = check(s, prepared.validation.expected)
        typer.echo(render_report(after.report, _style(), title="validate"), nl=False)
        return _exit_code(after.report.status, False)

    _guard(OutputFormat.text, db, "apply", body)


@app.command()
def diff(
    a: Annotated[
        str, typer.Argument(metavar="A", help="Expected side: a database path or version:V.")
    ],
    b: Annotated[
        str, typer.Argument(metavar="B", help="Actual side: a database path or version:V.")
    ],
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    fmt: OutOpt = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Compare two schemas (A expected, B actual); exit 1 when they differ."""

    def body() -> int:
        from driftcheck.changes import severe
        from driftcheck.check import diff as run
        from driftcheck.dburl import redact
        from driftcheck.report.model import DiffReport, summarize
        from driftcheck.report.text import render_diff
        from driftcheck.reporting import now, tool

        s = _settings(
            config,
            migrations=migrations,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
        )
        changes = run(a, b, s)
        report = DiffReport(
            tool=tool(),
            generated_at=now(),
            expected=redact(a) or a,
            actual=redact(b) or b,
            # Info notes (a constraint's name, a name's case) never make schemas differ.
            status="different" if severe(changes) else "same",
            changes=changes,
            summary=summarize(changes),
        )
        if fmt is OutputFormat.json:
            typer.echo(report.model_dump_json(indent=2))
        else:
            typer.echo(render_diff(report, _style()), nl=False)
        return 1 if severe(changes) else 0

    _guard(fmt, f"{a} {b}", "diff", body)


@app.command()
def inspect(
    db: DbOpt = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="Show the expected schema at this version instead.",
            show_default=False,
        ),
    ] = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the schema model of a database (or of a version) as JSON."""

    def body() -> int:
        from driftcheck.check import read_database
        from driftcheck.errors import ConfigError
        from driftcheck.expected import expected_schemas
        from driftcheck.ignore import without_history

        if (db is None) == (version is None):
            raise ConfigError(
                "inspect needs exactly one of --db PATH and --version V",
                hint="e.g. driftcheck inspect --db app.db",
                code="usage",
            )
        s = _settings(
            config,
            migrations=migrations,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
        )
        if db is not None:
            # History tables are never schema: the fingerprint is the one of the version.
            schema = without_history(read_database(db, s), s)
            what: dict[str, Any] = {"database": db}
        else:
            assert version is not None
            exp = expected_schemas(s)
            state = exp.states[exp.state_of(version)]
            schema = state.schema()
            what = {"version": state.version, "name": state.name}
        out = {
            **what,
            "fingerprint": schema.fingerprint(),
            "schema": schema.model_dump(mode="json", exclude_defaults=True),
        }
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return 0

    _guard(OutputFormat.text, db, "inspect", body)


@app.command()
def snapshot(
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Where the expected schemas live (default: "
            "expected_schemas/ or `expected_schemas` in the config).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check: exit 1 when the snapshots are stale.")
    ] = False,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the expected schema of every version to disk (or check it is current)."""

    def body() -> int:
        from driftcheck import snapshots
        from driftcheck.expected import load_baseline, load_migrations

        s = _settings(
            config,
            migrations=migrations,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
        )
        directory = Path(out) if out else s.snapshot_dir
        mset = load_migrations(s)
        baseline = load_baseline(s)
        if check:
            reasons = snapshots.staleness(directory, mset, baseline)
            if reasons:
                typer.echo(f"{directory}: stale expected schemas")
                for reason in reasons[:20]:
                    typer.echo(f"  - {reason}")
                if len(reasons) > 20:
                    typer.echo(f"  ... and {len(reasons) - 20} more")
                typer.echo("  run `driftcheck snapshot` to update them")
                return 1
            typer.echo(f"{directory}: up to date ({len(mset.migrations)} versions)")
            return 0
        result = snapshots.snapshot(directory, mset, baseline, s.functions, s.progress)
        n = len(mset.migrations)
        if result.replayed_from is None:
            typer.echo(f"{directory}: up to date ({n} versions)")
        else:
            first = (
                mset.migrations[result.replayed_from].version if result.replayed_from < n else None
            )
            how = f"replayed {n - result.replayed_from} of {n} versions" + (
                f" from {first}" if first and result.replayed_from else ""
            )
            typer.echo(f"{directory}: wrote {result.files_written} files ({how})")
        return 0

    _guard(OutputFormat.text, None, "snapshot", body)


def main() -> None:
    app()
