"""The `driftcheck` command: options in, library calls, rendering and exit codes out.

Exit codes, like diff(1): 0 = clean (or only pending versions), 1 = drift
(or pending with --fail-on-pending, or stale snapshots with --check),
2 = could not check (bad input, unreadable database, replay failure),
130 = interrupted.

Every command is a thin client of the library: it builds `Settings` from the
options and the config, calls one function, renders what comes back. Output
goes through `UI`, which never lets a closed pipe change what a command does.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TextIO

import typer
from typer.core import TyperCommand

from driftcheck import __version__
from driftcheck.errors import Culprit, DriftcheckError
from driftcheck.kinds import CI_FORMATS, HISTORY_STORES, MIGRATION_FORMATS

if TYPE_CHECKING:
    from collections.abc import Generator

    from driftcheck.api import ApplyRun as ApiApplyRun
    from driftcheck.applier import Prepared, Step
    from driftcheck.report.fleet import Form, Outcome, Tally
    from driftcheck.report.model import ApplyReport, FleetReport, Report
    from driftcheck.report.model import Shard as ShardModel
    from driftcheck.report.text import Style
    from driftcheck.settings import Settings

app = typer.Typer(
    name="driftcheck",
    help="Schema drift detection for SQLite: what schema a database should have, what it has, "
    "and what differs.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Command(TyperCommand):
    """Help as people read it: `diff [OPTIONS] A B`, arguments without type tags."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(param.metavar or (param.name or "").upper())
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                args.append((param.metavar or (param.name or "").upper(), record[1]))
            else:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


# The choices come from the registries they select from, never from a copy.
FORMAT_CHOICES = ("auto", *MIGRATION_FORMATS)
HISTORY_CHOICES = ("auto", *HISTORY_STORES, "none")
COLOR_CHOICES = ("auto", "always", "never")


def _choice(values: Sequence[str]) -> dict[str, Any]:
    """Option settings for a string that must be one of `values` (with shell completion)."""

    def parse(value: str) -> str:
        if value not in values:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(values)}")
        return value

    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return {
        "parser": parse,
        "metavar": "[" + "|".join(values) + "]",
        "autocompletion": complete,
    }


# --------------------------------------------------------------------------
# Output: pipe-safe, colour- and width-aware


class UI:
    """Where a command's output goes.

    A closed pipe (`driftcheck apply ... | head -1`) must not change what a
    command does: the first write that fails sends the rest of that stream to
    /dev/null, and the command carries on.
    """

    def __init__(self, quiet: bool = False, color: str = "auto", json: bool = False) -> None:
        self.quiet = quiet
        self.color = color
        self.json = json  # stdout carries one JSON document: messages for people go to stderr

    def _write(self, stream: TextIO, text: str) -> None:
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            self._silence(stream)
        except ValueError:  # the stream was closed under us
            pass

    @staticmethod
    def _silence(stream: TextIO) -> None:
        try:
            fd = stream.fileno()
        except (OSError, ValueError):
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)  # later writes (and the flush at exit) go nowhere
        finally:
            os.close(devnull)

    def out(self, text: str = "", nl: bool = True) -> None:
        """Command output (the report, the SQL): printed unless --quiet."""
        if not self.quiet:
            self._write(sys.stderr if self.json else sys.stdout, text + ("\n" if nl else ""))

    def data(self, text: str, nl: bool = True) -> None:
        """Machine output (JSON): printed even with --quiet."""
        self._write(sys.stdout, text + ("\n" if nl else ""))

    def err(self, text: str) -> None:
        """Messages about the run (errors, refusals, progress): always on stderr."""
        self._write(sys.stderr, text + "\n")

    def info(self, text: str) -> None:
        """Progress and notes on stderr, left out with --quiet."""
        if not self.quiet:
            self.err(text)

    def colour(self, stream: TextIO) -> bool:
        if self.color == "always" or (
            self.color == "auto" and os.environ.get("FORCE_COLOR", "") not in ("", "0")
        ):
            return True
        if self.color == "never" or "NO_COLOR" in os.environ:
            return False
        return bool(getattr(stream, "isatty", lambda: False)())

    def terminal(self, stream: TextIO) -> bool:
        return bool(getattr(stream, "isatty", lambda: False)())

    def width(self) -> int | None:
        """Wrap text output to the terminal's width (or $COLUMNS); never when piped."""
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 20:
            return int(columns)
        if self.terminal(sys.stdout):
            return shutil.get_terminal_size((100, 24)).columns
        return None

    def style(self) -> Style:
        from driftcheck.report.text import Style

        return Style(self.colour(sys.stdout), width=self.width())


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


# --------------------------------------------------------------------------
# Options


MigrationsOpt = Annotated[
    str | None,
    typer.Option(
        "--migrations",
        "-m",
        metavar="DIR|python:MOD:ATTR",
        help="Migrations directory, or python:package.module:attribute.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--migrations-format",
        help="Force a migration file convention (default: auto-detect).",
        show_default=False,
        **_choice(FORMAT_CHOICES),
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
        "--db",
        metavar="PATH",
        help="The SQLite database (path or sqlite: URL; opened read-only; default: "
        "`database` in the config).",
        show_default=False,
    ),
]
WriteDbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The SQLite database to change (default: `database` in the config).",
        show_default=False,
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
    str | None,
    typer.Option(
        "--history",
        help="Where the migration history is kept (default: auto-detect).",
        show_default=False,
        **_choice(HISTORY_CHOICES),
    ),
]


TextJson = Annotated[
    str, typer.Option("--format", "-f", help="Output format.", **_choice(("text", "json")))
]
TextJsonSql = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output format (sql: the SQL that undoes changes no version explains; "
        "markdown, junit, github, sarif: for CI, see the README).",
        **_choice(("text", "json", "sql", *CI_FORMATS)),
    ),
]


ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="Config file (default: driftcheck.toml, or [tool.driftcheck] in pyproject.toml, "
        "here or in a parent directory).",
        show_default=False,
    ),
]
FleetFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output format (jsonl: one report per database per line, in database order, "
        "each printed as soon as it is ready; markdown, junit, github, sarif: for CI, "
        "printed once every database is checked, see the README).",
        **_choice(("text", "json", "jsonl", *CI_FORMATS)),
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print nothing but errors; the exit code tells."),
]
ColorOpt = Annotated[
    str,
    typer.Option(
        "--color",
        help="Colour the text output (auto: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it).",
        **_choice(COLOR_CHOICES),
    ),
]
BusyOpt = Annotated[
    float | None,
    typer.Option(
        "--busy-timeout",
        metavar="SECONDS",
        help="How long to wait for another process's lock (default: busy_timeout in the "
        "config, or 5).",
        min=0,
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
BackupOpt = Annotated[
    str | None,
    typer.Option(
        "--backup",
        metavar="PATH",
        help="Where to back the database up first (default: a timestamped file beside it).",
        show_default=False,
    ),
]
NoBackupOpt = Annotated[
    bool, typer.Option("--no-backup", help="Do not back the database up first.")
]


@dataclass(frozen=True)
class Source:
    """Where the expected schemas come from: the options every checking command shares."""

    migrations: str | None = None
    migrations_format: str | None = None
    migrations_pattern: str | None = None
    expected: str | None = None
    history: str | None = None
    config: str | None = None

    def settings(
        self, ui: UI, database: str | None = None, busy_timeout: float | None = None
    ) -> Settings:
        from driftcheck import api

        return api.settings(
            database,
            migrations=self.migrations,
            migrations_format=self.migrations_format,
            migrations_pattern=self.migrations_pattern,
            config=self.config,
            history=self.history,
            expected=self.expected,
            busy_timeout=busy_timeout,
            progress=_progress(ui),
        )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"driftcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """driftcheck: schema drift detection for SQLite databases."""


# --------------------------------------------------------------------------
# Running a command body


def _progress(ui: UI) -> Callable[[int, int], None] | None:
    if ui.quiet or not ui.terminal(sys.stderr):
        return None

    def show(done: int, total: int) -> None:
        if total < 50:
            return
        ui._write(sys.stderr, f"\rreplaying migrations {done}/{total}")
        if done == total:
            ui._write(sys.stderr, "\r" + " " * 40 + "\r")

    return show


ErrorJson = Callable[[DriftcheckError], str]


def _fail(
    ui: UI,
    exc: DriftcheckError,
    fmt: str,
    database: str | None,
    title: str,
    error_json: ErrorJson | None = None,
    migrations: Sequence[str] = (),
) -> NoReturn:
    if fmt == "json":
        from driftcheck.reporting import error_report

        if error_json is not None:
            ui.data(error_json(exc))
        else:
            ui.data(error_report(exc, database).model_dump_json(indent=2))
    elif fmt in CI_FORMATS:
        from driftcheck.reporting import error_report

        _emit_ci(ui, _in_migrations(error_report(exc, database), migrations), fmt, title)
    err = f"driftcheck {title}: error: {exc.message}"
    if exc.culprit is not None:
        err += _culprit(exc.culprit)
    if exc.hint:
        err += "\n" + _hint(exc.hint)
    ui.err(err)
    raise typer.Exit(2)


def _culprit(c: Culprit) -> str:
    """The failing statement, numbered with its file's lines, then why it failed."""
    out = ""
    if c.sql:
        first = c.line or 1
        rows = c.sql.splitlines()
        width = len(str(first + len(rows) - 1))
        out += "".join(f"\n  {first + n:>{width}} | {row}" for n, row in enumerate(rows))
    if c.reason:
        out += f"\n  why: {c.reason}"
    return out


def _hint(text: str) -> str:
    lines = text.splitlines() or [""]
    return "  hint: " + lines[0] + "".join(f"\n        {line}" for line in lines[1:])


def _interrupted(ui: UI, title: str) -> NoReturn:
    ui.err(f"driftcheck {title}: interrupted; nothing was changed")
    raise typer.Exit(130)


def _guard(
    ui: UI,
    fmt: str,
    database: str | None,
    title: str,
    body: Callable[[], int],
    error_json: ErrorJson | None = None,
    migrations: Sequence[str] = (),
) -> NoReturn:
    """Run a command body: DriftcheckError -> exit 2 with one message, never a traceback.
    `migrations`: the migrations source, once the body knows it (CI formats name a failing
    statement's file from it)."""
    from driftcheck.sqlite.connect import interrupt_requested

    try:
        code = body()
    except KeyboardInterrupt:
        _interrupted(ui, title)
    except DriftcheckError as exc:
        if interrupt_requested():  # SQLite stopped a statement because of Ctrl-C
            _interrupted(ui, title)
        _fail(ui, exc, fmt, database, title, error_json, migrations)
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
        if os.environ.get("DRIFTCHECK_DEBUG"):
            raise
        _fail(
            ui,
            DriftcheckError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in driftcheck; rerun with DRIFTCHECK_DEBUG=1 "
                "for a traceback and report it",
                code="internal",
            ),
            fmt,
            database,
            title,
            error_json,
        )
    raise typer.Exit(code)


def _in_migrations(report: Report, migrations: Sequence[str]) -> Report:
    """An error report whose failing statement's file is named from the migrations
    directory (as the CI formats annotate it): `migrations/0004_x.sql`, not `0004_x.sql`."""
    e = report.error
    if e is None or not e.file or not migrations or migrations[0].startswith("python:"):
        return report
    if os.path.isabs(e.file):
        return report
    path = os.path.join(migrations[0], e.file)
    return report.model_copy(update={"error": e.model_copy(update={"file": path})})


def _emit_ci(
    ui: UI, report: Report | FleetReport, fmt: str, title: str, fail_on_pending: bool = False
) -> None:
    """A report (or a FleetReport) in a CI format on stdout; with --format github in a
    GitHub Actions job, the Markdown report is also appended to the job summary (a
    failure to write it is a warning: it never changes what the check says)."""
    from driftcheck.api import render

    root = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    ui.data(render(report, fmt, root=root, fail_on_pending=fail_on_pending), nl=False)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        try:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(render(report, "markdown") + "\n")
        except OSError as exc:
            ui.err(
                f"driftcheck {title}: warning: could not write the job summary to "
                f"{summary}: {exc.strerror or exc}"
            )


def _exit_code(status: str, fail_on_pending: bool) -> int:
    if status == "drift" or (status == "pending" and fail_on_pending):
        return 1
    return 0


# --------------------------------------------------------------------------
# validate, plan, status: one check, three renderings


def _checked(
    title: Literal["validate", "plan", "status"],
    source: Source,
    db: str | None,
    fmt: str,
    ui: UI,
    busy_timeout: float | None = None,
    *,
    fail_on_pending: bool = False,
) -> NoReturn:
    migrations: list[str] = []

    def body() -> int:
        from driftcheck import api
        from driftcheck.report.text import render_report, render_status

        s = source.settings(ui, database=db, busy_timeout=busy_timeout)
        migrations.extend([s.migrations] if s.migrations else [])
        v = api.validation(s)
        report = v.report
        if fmt == "json":
            ui.data(report.model_dump_json(indent=2))
        elif fmt in CI_FORMATS:
            _emit_ci(ui, report, fmt, title, fail_on_pending)
        elif fmt == "sql":
            ui.data(api.fix_sql(v, s), nl=False)
        elif title == "status":
            ui.out(render_status(report, ui.style()), nl=False)
        else:
            ui.out(
                render_report(report, ui.style(), title=title, show_plan=title == "plan"),
                nl=False,
            )
        return _exit_code(report.status, fail_on_pending)

    _guard(ui, fmt, db, title, body, migrations=migrations)


FailOnPendingOpt = Annotated[
    bool,
    typer.Option("--fail-on-pending", help="Exit 1 when versions are pending, not only on drift."),
]


FleetDbOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The SQLite database (path, sqlite: URL, or a quoted glob such as "
        "'tenants/*.db'; repeatable; opened read-only; default: [[targets]] in the config, "
        "else `database`).",
        show_default=False,
    ),
]


def _positive(hint: str) -> Callable[[str], int]:
    """A parser for a whole number of at least 1 (click's message names the option)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a whole number; {hint}") from None
        if n < 1:
            raise typer.BadParameter(f"{value}: expected 1 or more; {hint}")
        return n

    return parse


JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        help="Check databases in N worker processes (default: one per CPU; 1: in this "
        "process, no workers).",
        show_default=False,
        parser=_positive("--jobs 1 checks in this process, without workers"),
    ),
]
ShardOpt = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="I/N|auto",
        help="Check only the I-th of N slices of the sorted database list (1-based: 1/4 "
        "is the first of 4). auto: from DRIFTCHECK_SHARD=I/N, a Slurm array task, or a "
        "Kubernetes Indexed Job (with --shard-count).",
        show_default=False,
    ),
]
ShardCountOpt = Annotated[
    int | None,
    typer.Option(
        "--shard-count",
        metavar="N",
        help="With --shard auto in a Kubernetes Indexed Job: the number of shards (the "
        "Job's completions).",
        show_default=False,
    ),
]


@app.command(cls=_Command, short_help="Check databases against their migrations.")
def validate(
    db: FleetDbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: FleetFormat = "text",
    fail_on_pending: FailOnPendingOpt = False,
    jobs: JobsOpt = None,
    shard: ShardOpt = None,
    shard_count: ShardCountOpt = None,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Check a database against its migrations: effective version, drift, pending versions.

    Several databases (--db repeated, a glob, or [[targets]] in the config) are checked
    in parallel against expected schemas loaded once; text output lists the databases
    that need a look and ends with a summary; the exit code is the worst over all of
    them (2 > 1 > 0).
    """
    from driftcheck.fleet import is_pattern

    source = Source(migrations, migrations_format, migrations_pattern, expected, history, config)
    ui = UI(quiet, color)
    specs = db or []
    fleet = (
        len(specs) > 1
        or any(is_pattern(d) for d in specs)
        or fmt == "jsonl"
        or shard is not None
        or shard_count is not None
    )
    if not fleet and not specs:
        from driftcheck.config import load_config

        # A bad config is said by the check below, as every config error is.
        with contextlib.suppress(DriftcheckError):
            fleet = bool(load_config(config).targets)
    if fleet:
        _fleet(ui, source, specs, fmt, busy_timeout, fail_on_pending, jobs, shard, shard_count)
    _checked(
        "validate",
        source,
        specs[0] if specs else None,
        fmt,
        ui,
        busy_timeout,
        fail_on_pending=fail_on_pending,
    )


def _fleet(
    ui: UI,
    source: Source,
    specs: list[str],
    fmt: str,
    busy_timeout: float | None,
    fail_on_pending: bool,
    jobs: int | None,
    shard: str | None,
    shard_count: int | None,
) -> NoReturn:
    """validate over many databases: a stream of reports, a summary, the worst exit code."""
    migrations: list[str] = []

    def body() -> int:
        from driftcheck import fleet
        from driftcheck.errors import ConfigError
        from driftcheck.report.fleet import plural
        from driftcheck.report.model import Shard

        wanted_slice = fleet.shard_of(shard, shard_count)
        s = source.settings(ui, busy_timeout=busy_timeout)
        migrations.extend([s.migrations] if s.migrations else [])
        wanted: list[str | fleet.Spec] = list(specs)
        if not wanted:
            cfg = s.config
            for n, t in enumerate(cfg.targets, 1):
                if t.own_source():
                    raise ConfigError(
                        f"{cfg.source}: [[targets]] {n} sets {', '.join(t.own_source())}: "
                        "`validate` checks every target against the same migrations",
                        hint="`driftcheck serve` checks each target against its own; to "
                        f"validate this one, pass them: driftcheck validate --db '{t.db}' ...",
                        code="usage",
                    )
            wanted = [
                fleet.Spec(
                    t.db,
                    f"{cfg.source}: [[targets]] {n}, db = {json.dumps(t.db)}",
                    "check the pattern (paths in the config file are relative to its directory)",
                )
                for n, t in enumerate(cfg.targets, 1)
            ] or ([s.database] if s.database else [])
        if not wanted:
            raise ConfigError(
                "no database given",
                hint="pass --db PATH (repeatable, or a quoted glob), or list the databases "
                'in driftcheck.toml: [[targets]] tables with db = "tenants/*.db"',
                code="usage",
            )
        paths = fleet.databases(wanted)
        sliced = None
        if wanted_slice is not None:
            sliced = Shard(index=wanted_slice.index, count=wanted_slice.count, databases=len(paths))
            paths = fleet.shard(paths, wanted_slice)
            if not paths:
                ui.info(
                    f"driftcheck validate: shard {sliced.index}/{sliced.count} has no "
                    f"databases ({plural(sliced.databases, 'database')} in {sliced.count} "
                    "shards): nothing to check"
                )
        form: Form = "nested" if fmt == "json" else "none" if fmt == "text" else "line"
        outcomes = fleet.check(s, paths, jobs or fleet.default_jobs(), form)
        return _render_fleet(ui, "validate", outcomes, fmt, len(paths), sliced, fail_on_pending)

    _guard_fleet(ui, fmt, "validate", body, migrations)


def _guard_fleet(
    ui: UI, fmt: str, title: str, body: Callable[[], int], migrations: Sequence[str] = ()
) -> NoReturn:
    """As _guard; with --format jsonl a bad input is also one error report on stdout, so
    that whatever reads the stream (merge-reports) sees that this run checked nothing."""
    if fmt != "jsonl":
        _guard(ui, fmt, None, title, body, migrations=migrations)

    def one_line(exc: DriftcheckError) -> str:
        from driftcheck.reporting import error_report

        return error_report(exc, None).model_dump_json()

    _guard(ui, "json", None, title, body, error_json=one_line)


class _Bar:
    """The progress bar on stderr (a terminal): redrawn in place at most ten times a
    second, cleared before any other line is written, and at the end."""

    def __init__(self, ui: UI, total: int) -> None:
        self.ui = ui
        self.total = total
        self.shown = 0
        self.drawn_at = 0.0

    def show(self, tally: Tally) -> None:
        from driftcheck.report.fleet import progress

        now = time.monotonic()
        if self.shown and now - self.drawn_at < 0.1 and tally.total < self.total:
            return
        self.drawn_at = now
        text = progress(tally, self.total, shutil.get_terminal_size((80, 24)).columns)
        self.ui._write(sys.stderr, "\r" + text + " " * max(self.shown - len(text), 0))
        self.shown = len(text)

    def clear(self) -> None:
        if self.shown:
            self.ui._write(sys.stderr, "\r" + " " * self.shown + "\r")
            self.shown = 0


def _render_fleet(
    ui: UI,
    title: str,
    outcomes: Generator[Outcome, None, None],
    fmt: str,
    total: int,
    shard: ShardModel | None,
    fail_on_pending: bool,
) -> int:
    """Print outcomes as they come: jsonl lines, a FleetReport written piece by piece, or
    (text) a line per database that needs a look, then the summary table. Nothing is
    kept but the tally, except for the CI formats, rendered from the whole FleetReport
    at the end. Returns the worst exit code."""
    from driftcheck.report import fleet as render
    from driftcheck.report.model import FleetReport, Report, now, tool

    tally = render.Tally(fail_on_pending)
    bar = _Bar(ui, total) if fmt == "text" and not ui.quiet and ui.terminal(sys.stderr) else None
    doc = (
        render.JsonDocument(lambda text: ui.data(text, nl=False), tool(), now(), shard)
        if fmt == "json"
        else None
    )
    style = ui.style()
    held: list[Report] = []
    try:
        with contextlib.closing(outcomes):  # on Ctrl-C, the workers are stopped before we go on
            for o in outcomes:
                tally.add(o)
                if fmt in CI_FORMATS:
                    held.append(Report.model_validate_json(o.json))
                elif fmt == "jsonl":
                    ui.data(o.json)
                elif doc is not None:
                    doc.add(o.json)
                elif o.status != "clean":
                    if bar is not None:
                        bar.clear()
                    ui.out(render.line(o, style))
                if bar is not None:
                    bar.show(tally)
    except KeyboardInterrupt:
        if bar is not None:
            bar.clear()
        ui.err(
            f"driftcheck {title}: interrupted after {tally.total:,} of {total:,} databases; "
            "nothing was changed"
        )
        raise typer.Exit(130) from None
    if bar is not None:
        bar.clear()
    if doc is not None:
        doc.close(tally.summary())
    elif fmt in CI_FORMATS:
        fleet_report = FleetReport(
            tool=tool(), generated_at=now(), shard=shard, reports=held, summary=tally.summary()
        )
        _emit_ci(ui, fleet_report, fmt, title, fail_on_pending)
    elif fmt == "text":
        if tally.total > tally.counts["clean"]:
            ui.out("")
        for text in render.summary_lines(tally, shard):
            ui.out(text)
    return tally.code


@app.command(
    "merge-reports",
    cls=_Command,
    short_help="Combine the reports of sharded validate runs: one summary, one exit code.",
)
def merge_reports(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILES...",
            help="What `validate --format jsonl` (or --format json) wrote, one file per "
            "shard, in any order; - reads stdin.",
            show_default=False,
        ),
    ],
    fmt: FleetFormat = "text",
    fail_on_pending: FailOnPendingOpt = False,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Combine the reports of sharded `validate` runs into the output, summary and exit
    code of one run over every database.

    A database reported twice (the shards overlap) is counted once, with a warning. With
    FleetReports (`--format json`), which say which shard they are, a missing shard is
    an error. The exit code is the worst over all databases, as for validate (pass
    --fail-on-pending here too if the shards were run with it).
    """
    ui = UI(quiet, color)

    def body() -> int:
        from driftcheck.merge import Merge

        form: Form = "nested" if fmt == "json" else "none" if fmt == "text" else "line"
        merge = Merge(form)
        try:
            for name in files:
                merge.read(name)
            warnings = merge.shard_warnings()
            code = _render_fleet(
                ui, "merge-reports", merge.outcomes(), fmt, merge.records, None, fail_on_pending
            )
        finally:
            merge.close()
        if merge.duplicated:
            warnings.extend(merge.duplicates)
            if merge.duplicated > len(merge.duplicates):
                warnings.append(f"... and {merge.duplicated - len(merge.duplicates)} more")
            warnings.append(
                "the shards overlap: every job must run with the same --shard count over "
                "the same list of databases"
            )
        for warning in warnings:
            ui.err(f"driftcheck merge-reports: warning: {warning}")
        return code

    _guard_fleet(ui, fmt, "merge-reports", body)


@app.command(
    "report-diff",
    cls=_Command,
    short_help="What changed between two reports: appeared, resolved, status, versions.",
)
def report_diff(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help="The old report: what `validate --format json` (a report, or a fleet's) or "
            "`--format jsonl` wrote.",
            show_default=False,
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW", help="The new report, in any of those forms.", show_default=False
        ),
    ],
    fmt: TextJson = "text",
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """What changed from the OLD report to the NEW: changes that appeared or were resolved,
    status transitions, new effective, recorded and latest versions, plan entries (a
    version to apply, a flag) that appeared or were resolved. The time of the reports,
    the order of their lists, and the wording of a change never count.

    One report on each side is compared with the other whatever its database's name (a
    pull request's report against main's); fleets are matched by database, and a database
    on one side only is new or gone.

    Exit 1 when it got worse: a worse status, or, the status unchanged, something new (a
    change, a plan entry, an error); a better status never fails. 0 otherwise, 2 when a
    file cannot be read as a driftcheck report.
    """
    ui = UI(quiet, color, json=fmt == "json")

    def body() -> int:
        from driftcheck import api
        from driftcheck.report.delta_text import render_report_diff

        result = api.report_diff(old, new)
        if fmt == "json":
            ui.data(result.model_dump_json(indent=2))
        else:
            ui.out(render_report_diff(result, ui.style()), nl=False)
        return 1 if result.worse else 0

    def error_json(exc: DriftcheckError) -> str:
        from driftcheck.report.delta import ReportDiff
        from driftcheck.report.model import ErrorInfo, now, tool

        return ReportDiff(
            tool=tool(),
            generated_at=now(),
            old=old,
            new=new,
            databases=0,
            worse=False,
            error=ErrorInfo.of(exc),
        ).model_dump_json(indent=2)

    _guard(ui, fmt, None, "report-diff", body, error_json)


@app.command(cls=_Command, short_help="One action per version: ok, record, apply or flag.")
def plan(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: TextJsonSql = "text",
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """One action per version: ok, record (present, unrecorded), apply (pending) or flag.

    `--format sql` prints, without running anything, the SQL that would bring the
    changes no version explains in line with the effective version's schema.
    """
    source = Source(migrations, migrations_format, migrations_pattern, expected, history, config)
    _checked("plan", source, db, fmt, UI(quiet, color), busy_timeout)


@app.command(cls=_Command, short_help="Where is this database? One screen.")
def status(
    db: DbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    expected: ExpectedOpt = None,
    history: HistoryOpt = None,
    fmt: TextJson = "text",
    fail_on_pending: FailOnPendingOpt = False,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Where is this database? Recorded, effective and latest version, pending count."""
    source = Source(migrations, migrations_format, migrations_pattern, expected, history, config)
    _checked(
        "status", source, db, fmt, UI(quiet, color), busy_timeout, fail_on_pending=fail_on_pending
    )


# --------------------------------------------------------------------------
# apply


class _Heartbeat:
    """While a version runs: a line every few seconds, so a long one is not silent."""

    def __init__(self, ui: UI) -> None:
        self.ui = ui
        self.every = float(os.environ.get("DRIFTCHECK_PROGRESS_INTERVAL", "5") or 5)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: Step | None = None

    def start(self, step: Step) -> None:
        self.stop()
        self.current = step
        self._stop = threading.Event()
        started = time.monotonic()
        stop = self._stop

        def beat() -> None:
            while not stop.wait(self.every):
                secs = int(time.monotonic() - started)
                self.ui.info(f"  {step.label}: still running ({secs} s)")

        if not self.ui.quiet:
            self._thread = threading.Thread(target=beat, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _confirm(ui: UI, question: str, title: str = "apply") -> bool:
    """Ask on the terminal; Ctrl-D is a no; Ctrl-C is an interrupt (exit 130). Either way
    nothing has changed yet."""
    try:
        return bool(typer.confirm(question, default=False))
    except KeyboardInterrupt:
        ui.err("")
        _interrupted(ui, title)
    except (typer.Abort, EOFError) as exc:
        ui.err("")
        if isinstance(exc.__context__, KeyboardInterrupt):
            _interrupted(ui, title)
        return False


def _steps_summary(prepared: Prepared) -> str:
    applying = sum(1 for st in prepared.steps if st.action == "apply")
    recording = len(prepared.steps) - applying
    parts = []
    if applying:
        parts.append(f"apply {applying} version{'s' if applying != 1 else ''}")
    if recording:
        parts.append(f"record {recording} version{'s' if recording != 1 else ''}")
    return " and ".join(parts)


@app.command(cls=_Command, short_help="Carry the plan out: record and apply versions.")
def apply(
    db: WriteDbOpt = None,
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
    yes: YesOpt = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Print the SQL and history rows (and the plan's flags as warnings); change "
            "nothing.",
        ),
    ] = False,
    backup: BackupOpt = None,
    no_backup: NoBackupOpt = False,
    busy_timeout: BusyOpt = None,
    fmt: TextJson = "text",
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Carry the plan out: record versions that are present, apply pending ones.

    A database that does not exist yet is created (its directory must exist).
    """
    ui = UI(quiet, color, json=fmt == "json")
    source = Source(migrations, migrations_format, migrations_pattern, None, history, config)

    def error_json(exc: DriftcheckError) -> str:
        from driftcheck.dburl import redact
        from driftcheck.report.model import ApplyReport, ErrorInfo, now, tool

        return ApplyReport(
            tool=tool(),
            generated_at=now(),
            database=redact(db),
            outcome="failed",
            error=ErrorInfo.of(exc),
        ).model_dump_json(indent=2)

    _guard(
        ui,
        fmt,
        db,
        "apply",
        lambda: _apply(ui, source, db, to, yes, dry_run, backup, no_backup, busy_timeout, fmt),
        error_json,
    )


def _apply(
    ui: UI,
    source: Source,
    db: str | None,
    to: str | None,
    yes: bool,
    dry_run: bool,
    backup: str | None,
    no_backup: bool,
    busy_timeout: float | None,
    fmt: str,
) -> int:
    from driftcheck import api
    from driftcheck.applier import next_steps
    from driftcheck.errors import ConfigError

    if backup is not None and no_backup:
        raise ConfigError(
            "--backup and --no-backup exclude each other", hint="give one of them", code="usage"
        )
    s = source.settings(ui, database=db, busy_timeout=busy_timeout)
    database = s.require_database()
    run = api.ApplyRun(s, to, dry_run=dry_run)
    result = _ApplyRun(ui, run, fmt)
    if run.refusal is not None:
        return result.refused(run.refusal, "refused")
    prepared = run.prepared
    assert prepared is not None
    v = prepared.validation
    current = v.report.effective_version
    if to is not None and current is not None and _below(to, current):
        ui.info(
            f"driftcheck apply: note: --to {to} is below the database's version {current}; "
            "apply never rolls back, so there is nothing to do up to it"
        )
    if not prepared.steps:
        ui.out(f"driftcheck apply: {database}: nothing to do")
        return result.finish("nothing_to_do", 1 if prepared.flags else 0)
    if dry_run:
        if prepared.flags:
            ui.err(
                f"driftcheck apply --dry-run: warning: the plan has {len(prepared.flags)} "
                f"flag{'s' if len(prepared.flags) != 1 else ''}; apply would refuse until a "
                "person decides:"
            )
            for e in prepared.flags:
                ui.err(f"  {e.version or '-'} {e.code}: {e.reason}")
            ui.err(_hint(next_steps(prepared.flags)))
        if fmt != "json":
            ui.out(f"-- driftcheck apply --dry-run: {database} ({_steps_summary(prepared)})")
            for e in prepared.flags:
                ui.out(f"-- WARNING: flag {e.version or '-'} {e.code}: apply would refuse")
            ui.out(run.sql(), nl=False)
        return result.finish("dry_run", 1 if prepared.flags else 0)

    if prepared.created:
        ui.info(f"driftcheck apply: {database} does not exist yet: apply will create it")
    history = v.history
    if history is not None and not history.exists:
        from driftcheck.history.base import store_label

        where = store_label(prepared.store.kind, prepared.store.table)
        ui.info(
            f"driftcheck apply: no migration history yet: versions will be recorded in {where} "
            f"({prepared.store.kind}; --history chooses another store)"
        )
    if not yes:
        if not _stdin_is_terminal():
            raise ConfigError(
                "apply asks for confirmation, and there is no terminal",
                hint="pass --yes to apply without asking (or --dry-run to see the SQL)",
                code="usage",
            )
        for st in prepared.steps:
            ui.err(f"  {st.action:<6}  {st.label}")
        if not _confirm(ui, f"{_steps_summary(prepared).capitalize()} in {database}?"):
            ui.err("driftcheck apply: nothing changed")
            return result.finish("declined", 1)
    if prepared.created:
        ui.out(f"driftcheck apply: creating {database}")
    return result.execute(False if no_backup else (backup or True))


def _below(a: str, b: str) -> bool:
    from driftcheck.versions import version_key

    return version_key(a) < version_key(b)


class _ApplyRun:
    """One `apply` run's printing: the API's ApplyRun carries it out; this says how it
    goes and how it ended."""

    def __init__(self, ui: UI, run: ApiApplyRun, fmt: str) -> None:
        self.ui = ui
        self.run = run
        self.fmt = fmt
        self.heartbeat = _Heartbeat(ui)

    def refused(self, exc: DriftcheckError, outcome: Literal["refused", "failed"]) -> int:
        self.ui.err(
            f"driftcheck apply: {'refused' if outcome == 'refused' else 'stopped'}: {exc.message}"
        )
        if exc.hint:
            self.ui.err(_hint(exc.hint))
        self.where()
        return self.finish(outcome, 1, exc)

    def execute(self, backup: bool | str) -> int:
        from driftcheck.applier import ApplyRefused
        from driftcheck.report.text import render_report

        run, ui = self.run, self.ui
        labels = {st.migration.version: st.label for st in run.steps}

        def report(done: Any) -> None:
            self.heartbeat.stop()
            note = f" ({done.note})" if done.note else ""
            ms = f" in {done.ms} ms" if done.action == "applied" else ""
            ui.out(f"  {labels.get(done.version, done.version)}: {done.action}{ms}{note}")

        try:
            result = run.run(
                backup=backup,
                on_step=report,
                on_start=self.heartbeat.start,
                on_backup=lambda path: ui.out(f"driftcheck apply: backed up to {path}"),
            )
        except KeyboardInterrupt:
            return self.interrupted()
        finally:
            self.heartbeat.stop()
        if result.outcome == "refused":
            assert run.refusal is not None
            return self.refused(run.refusal, "refused")
        if result.outcome == "failed":
            exc = run.error
            assert exc is not None
            if isinstance(exc, ApplyRefused):  # a check stopped it after earlier versions
                return self.refused(exc, "failed")
            culprit = _culprit(exc.culprit) if exc.culprit is not None else ""
            ui.err(f"driftcheck apply: error: {exc.message}{culprit}")
            if exc.hint:
                ui.err(_hint(exc.hint))
            self.where()
            return self.emit(result, 2)
        n = len(run.outcome.done)
        ui.out(f"driftcheck apply: {n} version{'' if n == 1 else 's'} done")
        after = result.report
        assert after is not None
        if self.fmt != "json":
            ui.out(render_report(after, ui.style(), title="apply: result"), nl=False)
        return self.emit(result, _exit_code(after.status, False))

    def interrupted(self) -> int:
        current = self.heartbeat.current
        run = self.run
        if current is None or any(d.version == current.migration.version for d in run.outcome.done):
            what = "between versions"
        elif current.action == "apply" and current.migration.no_transaction:
            what = (
                f"during {current.label}, which runs outside a transaction: the statements it "
                "had run stay applied (`driftcheck plan` shows what is there)"
            )
        else:
            what = f"during {current.label}: that version was rolled back"
        self.ui.err(f"driftcheck apply: interrupted {what}")
        self.where()
        if run.created and not run.outcome.done:
            self.ui.err("  the new database was removed again")
        self.finish("interrupted", 130)
        raise typer.Exit(130)

    def where(self) -> None:
        done = [d.version for d in self.run.outcome.done if d.action != "skipped"]
        if done:
            self.ui.err(f"  done before it: {', '.join(done)} (committed)")
        if self.run.outcome.backup is not None:
            self.ui.err(f"  backup: {self.run.outcome.backup}")

    def finish(self, outcome: Any, code: int, exc: DriftcheckError | None = None) -> int:
        if self.fmt != "json":
            return code
        return self.emit(self.run.report(outcome, exc), code)

    def emit(self, result: ApplyReport, code: int) -> int:
        if self.fmt == "json":
            self.ui.data(result.model_dump_json(indent=2))
        return code


# --------------------------------------------------------------------------
# resolve, repair, baseline: a person's decision about a flag, written to the history

ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Write it although the evidence disagrees (with a warning)."),
]
PreviewOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show the evidence and the history writes; write nothing.")
]


def _resolution(
    ui: UI,
    title: str,
    source: Source,
    db: str | None,
    prepare: Callable[[Settings, bool], Any],
    *,
    yes: bool,
    dry_run: bool,
    backup: str | None,
    no_backup: bool,
    busy_timeout: float | None,
) -> NoReturn:
    """Evidence first, then the writes, then confirmation, then the new plan."""

    def body() -> int:
        from driftcheck import resolve as res
        from driftcheck.check import validate as check
        from driftcheck.errors import ConfigError
        from driftcheck.report.text import changes_block, plan_block, render_report

        if backup is not None and no_backup:
            raise ConfigError(
                "--backup and --no-backup exclude each other",
                hint="give one of them",
                code="usage",
            )
        s = source.settings(ui, database=db, busy_timeout=busy_timeout)
        database = s.require_database()
        if not dry_run:
            from driftcheck.dburl import require_writable

            require_writable(s.database or database, title)
        style = ui.style()
        try:
            r = prepare(s, not dry_run)
        except res.Refused as exc:
            ui.out(style(f"driftcheck {title}: {s.database_label}", bold=True))
            if exc.entries:
                ui.out("\n".join(plan_block(exc.entries, style, title="evidence")))
            if exc.changes:
                ui.out(style("differences", bold=True))
                ui.out("\n".join(changes_block(exc.changes, style)))
            ui.err(f"driftcheck {title}: refused: {exc.message}")
            if exc.hint:
                ui.err(_hint(exc.hint))
            return 1
        ui.out(style(f"driftcheck {title}: {s.database_label}", bold=True))
        if r.entries:
            ui.out("\n".join(plan_block(r.entries, style, title="evidence")))
        if r.changes:
            ui.out(style("differences", bold=True))
            ui.out("\n".join(changes_block(r.changes, style)))
        for note in r.notes:
            ui.out(f"note: {note}")
        for warning in r.warnings:
            ui.err(f"driftcheck {title}: warning: {warning}")
        if not r.writes:
            ui.out(f"driftcheck {title}: nothing to write ({r.summary})")
            return 0
        ui.out(style(f"history writes ({r.summary})", bold=True))
        ui.out("\n".join(f"  {line}" for line in r.statements()))
        if dry_run:
            ui.out(f"driftcheck {title}: --dry-run: nothing written")
            return 0
        if not yes:
            if not _stdin_is_terminal():
                raise ConfigError(
                    f"{title} asks for confirmation, and there is no terminal",
                    hint="pass --yes to write without asking (or --dry-run to see it)",
                    code="usage",
                )
            if not _confirm(ui, f"Write this to the history of {database}?", title):
                ui.err(f"driftcheck {title}: nothing changed")
                return 1
        target: Path | None | Literal["default"] = (
            None if no_backup else (Path(backup) if backup else "default")
        )
        try:
            done = res.execute(
                r,
                s,
                backup=target,
                busy_timeout=s.busy_timeout,
                on_backup=lambda path: ui.out(f"driftcheck {title}: backed up to {path}"),
            )
        except res.Refused as exc:
            ui.err(f"driftcheck {title}: refused: {exc.message}")
            if exc.hint:
                ui.err(_hint(exc.hint))
            return 1
        ui.out(f"driftcheck {title}: wrote {done.rows} history row{'' if done.rows == 1 else 's'}")
        # Only the history changed: the expected schemas the evidence came from still hold.
        after = check(s, r.validation.expected).report
        ui.out(render_report(after, style, title=f"{title}: new plan", show_plan=True), nl=False)
        return _exit_code(after.status, False)

    _guard(ui, "text", db, title, body)


@app.command(cls=_Command, short_help="Record a person's decision about a flagged version.")
def resolve(
    version: Annotated[str, typer.Argument(metavar="VERSION", help="The flagged version.")],
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help="applied: its changes are in the database; absent: they are not.",
            **_choice(("applied", "absent")),
        ),
    ],
    db: WriteDbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    history: HistoryOpt = None,
    force: ForceOpt = False,
    yes: YesOpt = False,
    dry_run: PreviewOpt = False,
    backup: BackupOpt = None,
    no_backup: NoBackupOpt = False,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Mark a dirty, failed, partial or recorded-but-absent version as applied or absent.

    Refuses `--as applied` while the version's changes are not in the database
    (and `--as absent` while they are), unless --force.
    """
    from driftcheck.resolve import prepare_resolve

    source = Source(migrations, migrations_format, migrations_pattern, None, history, config)
    _resolution(
        UI(quiet, color),
        "resolve",
        source,
        db,
        lambda s, writing: prepare_resolve(s, version, as_, force=force, writing=writing),
        yes=yes,
        dry_run=dry_run,
        backup=backup,
        no_backup=no_backup,
        busy_timeout=busy_timeout,
    )


@app.command(cls=_Command, short_help="Accept changed checksums; set a stale version pointer.")
def repair(
    versions: Annotated[
        list[str] | None,
        typer.Option(
            "--version",
            metavar="VERSION",
            help="A checksum_mismatch version to accept (repeatable; default: every "
            "reformatted version).",
            show_default=False,
        ),
    ] = None,
    db: WriteDbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    history: HistoryOpt = None,
    yes: YesOpt = False,
    dry_run: PreviewOpt = False,
    backup: BackupOpt = None,
    no_backup: NoBackupOpt = False,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Record the current files' checksums, like Flyway's repair.

    Without --version: every version whose file changed without changing its schema
    (reformatted). A checksum_mismatch version must be named.
    """
    from driftcheck.resolve import prepare_repair

    source = Source(migrations, migrations_format, migrations_pattern, None, history, config)
    _resolution(
        UI(quiet, color),
        "repair",
        source,
        db,
        lambda s, writing: prepare_repair(s, versions or (), writing=writing),
        yes=yes,
        dry_run=dry_run,
        backup=backup,
        no_backup=no_backup,
        busy_timeout=busy_timeout,
    )


@app.command(cls=_Command, short_help="Record every version up to VERSION without running it.")
def baseline(
    version: Annotated[
        str, typer.Argument(metavar="VERSION", help="The version the database is at.")
    ],
    db: WriteDbOpt = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    history: HistoryOpt = None,
    force: ForceOpt = False,
    yes: YesOpt = False,
    dry_run: PreviewOpt = False,
    backup: BackupOpt = None,
    no_backup: NoBackupOpt = False,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Record versions up to VERSION as applied, checked: only when the database has
    VERSION's expected schema (otherwise it shows the differences), unless --force.

    Flyway's baseline and Alembic's stamp, with the check they lack.
    """
    from driftcheck.resolve import prepare_baseline

    source = Source(migrations, migrations_format, migrations_pattern, None, history, config)
    _resolution(
        UI(quiet, color),
        "baseline",
        source,
        db,
        lambda s, writing: prepare_baseline(s, version, force=force, writing=writing),
        yes=yes,
        dry_run=dry_run,
        backup=backup,
        no_backup=no_backup,
        busy_timeout=busy_timeout,
    )


# --------------------------------------------------------------------------
# diff, inspect, snapshot


@app.command(cls=_Command, short_help="Compare two schemas; exit 1 when they differ.")
def diff(
    a: Annotated[
        str,
        typer.Argument(metavar="A", help="Expected side: a database path or version:V."),
    ],
    b: Annotated[
        str,
        typer.Argument(metavar="B", help="Actual side: a database path or version:V."),
    ],
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    fmt: TextJson = "text",
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Compare two schemas (A expected, B actual); exit 1 when they differ."""
    ui = UI(quiet, color)

    def body() -> int:
        from driftcheck import api
        from driftcheck.report.text import render_diff

        report = api.diff(
            a,
            b,
            migrations=migrations,
            config=config,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            busy_timeout=busy_timeout,
        )
        if fmt == "json":
            ui.data(report.model_dump_json(indent=2))
        else:
            ui.out(render_diff(report, ui.style()), nl=False)
        return 1 if report.status == "different" else 0

    def error_json(exc: DriftcheckError) -> str:
        from driftcheck.dburl import redact
        from driftcheck.report.model import DiffReport, ErrorInfo, now, tool

        return DiffReport(
            tool=tool(),
            generated_at=now(),
            expected=redact(a) or a,
            actual=redact(b) or b,
            status="error",
            error=ErrorInfo.of(exc),
        ).model_dump_json(indent=2)

    _guard(ui, fmt, f"{a} {b}", "diff", body, error_json)


@app.command(cls=_Command, short_help="Print a schema model (a database's or a version's) as JSON.")
def inspect(
    db: DbOpt = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="VERSION",
            help="Show the expected schema at this version instead.",
            show_default=False,
        ),
    ] = None,
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    busy_timeout: BusyOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the schema model of a database (or of a version) as JSON."""
    ui = UI()

    def body() -> int:
        from driftcheck import api

        found = api.inspect(
            db,
            version=version,
            migrations=migrations,
            config=config,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            busy_timeout=busy_timeout,
        )
        ui.data(found.to_json())
        return 0

    _guard(ui, "text", db, "inspect", body)


@app.command(cls=_Command, short_help="Write (or --check) the expected schema of every version.")
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
    fmt: TextJson = "text",
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the expected schema of every version to disk (or check it is current)."""
    ui = UI(quiet)

    def body() -> int:
        from driftcheck import api

        report = api.snapshot(
            out,
            check=check,
            migrations=migrations,
            config=config,
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            progress=_progress(ui),
        )
        if fmt == "json":
            ui.data(report.model_dump_json(indent=2))
            return 1 if report.status == "stale" else 0
        directory, n = report.directory, report.versions
        if report.status == "stale":
            ui.out(f"{directory}: stale expected schemas")
            for reason in report.reasons[:20]:
                ui.out(f"  - {reason}")
            if len(report.reasons) > 20:
                ui.out(f"  ... and {len(report.reasons) - 20} more")
            ui.out("  run `driftcheck snapshot` to update them")
            return 1
        if report.status == "current":
            ui.out(f"{directory}: up to date ({n} versions)")
        else:
            how = f"replayed {report.replayed} of {n} versions"
            if report.first_replayed and report.replayed < n:
                how += f" from {report.first_replayed}"
            ui.out(f"{directory}: wrote {report.files_written} files ({how})")
        return 0

    def error_json(exc: DriftcheckError) -> str:
        from driftcheck.report.model import ErrorInfo

        info = ErrorInfo.of(exc)
        return _snapshot_json(directory=out or "", status="error", error=info)

    _guard(ui, fmt, None, "snapshot", body, error_json)


def _snapshot_json(**fields: Any) -> str:
    from driftcheck.report.model import SnapshotReport, now, tool

    return SnapshotReport(tool=tool(), generated_at=now(), **fields).model_dump_json(indent=2)


# --------------------------------------------------------------------------
# lint: what replaying the migrations proves about them

LintIgnoreOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        help="Leave out findings with this code (repeatable; adds to `[lint] ignore` in the "
        "config).",
        show_default=False,
    ),
]


@app.command(cls=_Command, short_help="Find what replaying the migrations proves is wrong.")
def lint(
    migrations: MigrationsOpt = None,
    migrations_format: FormatOpt = None,
    migrations_pattern: PatternOpt = None,
    ignore: LintIgnoreOpt = None,
    fmt: TextJson = "text",
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    color: ColorOpt = "auto",
) -> None:
    """Replay the migrations statement by statement and report what the replay proves:
    CREATE ... IF NOT EXISTS that did nothing, dropped tables and columns, indexes and
    triggers a rebuild lost, broken views and foreign keys, statements a transaction
    defeats, versions that change nothing.

    Exit 1 when an error-level finding remains, 0 otherwise, 2 when the migrations cannot
    be linted (one fails to replay, for instance).
    """
    ui = UI(quiet, color, json=fmt == "json")

    def body() -> int:
        from driftcheck import api
        from driftcheck.report.lint import render_lint

        report = api.lint(
            migrations,
            config=config,
            ignore=ignore or [],
            migrations_format=migrations_format,
            migrations_pattern=migrations_pattern,
            progress=_progress(ui),
        )
        if fmt == "json":
            ui.data(report.model_dump_json(indent=2))
        else:
            ui.out(render_lint(report, ui.style()), nl=False)
        return 1 if report.status == "fail" else 0

    def error_json(exc: DriftcheckError) -> str:
        from driftcheck.report.lint import LintReport
        from driftcheck.report.model import ErrorInfo, now, tool

        return LintReport(
            tool=tool(),
            generated_at=now(),
            migrations=migrations,
            status="error",
            error=ErrorInfo.of(exc),
        ).model_dump_json(indent=2)

    _guard(ui, fmt, None, "lint", body, error_json)


@app.command(
    "report-schema",
    cls=_Command,
    short_help="Print the JSON Schema of the reports --format json prints.",
)
def report_schema() -> None:
    """Print the JSON Schema of every report `--format json` prints (Report, FleetReport,
    DiffReport, ApplyReport, SnapshotReport, LintReport under `$defs`), generated from
    the report models: the same document as docs/report.schema.json."""
    from driftcheck.report.schema import render

    UI().data(render(), nl=False)


@app.command(
    cls=_Command, short_help="Check the targets on a schedule; serve reports, metrics, events."
)
def serve(
    config: ConfigOpt = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on (default: 127.0.0.1, or [serve] host). Another "
            "than loopback is an explicit choice, logged at start.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            metavar="PORT",
            help="Port to listen on (default: 9466, or [serve] port).",
            show_default=False,
        ),
    ] = None,
    interval: Annotated[
        int | None,
        typer.Option(
            "--interval",
            metavar="SECONDS",
            help="Seconds between the end of a check cycle and the next, 1 to 604800 (7 "
            "days) (default: 300, or [serve] interval).",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Check the config's [[targets]] on a schedule and serve the results over HTTP: the
    latest reports (/reports), what changed between checks (/reports/{target}/events),
    Prometheus metrics (/metrics), a status page (/), /healthz, /readyz, and POST /check
    to check now. Read-only: nothing is ever applied. Needs `pip install
    'driftcheck[serve]'`.

    Runs until SIGTERM or Ctrl-C (exit 0); exit 2 for a bad config, host or port.
    """
    ui = UI(quiet)

    def body() -> int:
        import importlib.util

        extra = ("fastapi", "uvicorn", "prometheus_client")
        missing = [m for m in extra if importlib.util.find_spec(m) is None]
        if missing:
            raise DriftcheckError(
                f"driftcheck serve needs {', '.join(missing)}, which is not installed",
                hint="install driftcheck[serve]: pip install 'driftcheck[serve]'",
                code="usage",
            )
        from driftcheck.serve.main import run

        return run(config, host, port, interval, quiet)

    _guard(ui, "text", None, "serve", body)


def main() -> None:
    from driftcheck.sqlite.connect import install_interrupt_handler

    install_interrupt_handler()
    app()
