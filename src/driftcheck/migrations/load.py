"""Load a migrations directory (any supported convention) or a Python source."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from driftcheck.errors import MigrationError
from driftcheck.migrations.formats import (
    CODE_EXTENSIONS,
    DIESEL_DIR,
    DIRECTORY_FORMATS,
    EXPECTED,
    FLAT_FORMATS,
    FLYWAY_CALLBACK,
    FLYWAY_REPEATABLE,
    FLYWAY_UNDO,
    PRISMA_DIR,
    PRISMA_LOCK,
    PRISMA_SCRIPT,
    VERSION_DIR,
    VERSIONISH,
    code_step_version,
    dirs_file_name,
    has_dbmate_marker,
    has_goose_marker,
    is_known_non_migration,
    misfit_reason,
    next_version,
    parse_dbmate,
    parse_flat_name,
    parse_goose,
    suggest_rename,
)
from driftcheck.migrations.model import Migration, MigrationSet, SkippedStep, Statement
from driftcheck.migrations.python_source import PYTHON_PREFIX, PythonFields, load_python_source
from driftcheck.migrations.split import decode, split_into
from driftcheck.versions import version_key

FORMAT_CHOICES = ("auto", *DIRECTORY_FORMATS, "python")

# Tried in this order when several conventions explain a directory.
_AUTO_ORDER = ("flyway", "golang-migrate", "sqlx", "plain", "diesel", "prisma", "dirs")

_FORMAT_HINT = (
    "pass --migrations-format (" + ", ".join(DIRECTORY_FORMATS[:-1]) + ") or "
    "--migrations-pattern with a regex naming (?P<version>...) and (?P<name>...)"
)


def checksum(sql: str) -> str:
    return "sha256:" + hashlib.sha256(sql.encode("utf-8")).hexdigest()


def load_migrations(
    source: str,
    fmt: str = "auto",
    pattern: str | None = None,
    *,
    python_fields: PythonFields | None = None,
    python_root: str | None = None,
) -> MigrationSet:
    """Load the migrations of `source`: a directory, or `python:package.module:attribute`.

    `fmt` is "auto" (detect the convention) or one of FORMAT_CHOICES; a `pattern`
    (regex with named groups version, name, optional direction) implies "pattern".
    `python_fields` names a Python source's fields (`[migrations.python]`) and
    `python_root` is a directory its modules are imported from besides the working
    directory; a directory source ignores both.
    """
    source = os.fspath(source)  # a pathlib.Path works too
    fmt = (fmt or "auto").strip().lower()
    if fmt not in FORMAT_CHOICES:
        raise MigrationError(
            f"unknown --migrations-format {fmt!r}",
            hint="use one of: " + ", ".join(FORMAT_CHOICES),
        )
    if source.startswith(PYTHON_PREFIX):
        if pattern is not None:
            raise MigrationError(
                f"--migrations-pattern does not apply to the Python source {source}",
                hint="drop --migrations-pattern, or point --migrations at a directory",
            )
        if fmt not in ("auto", "python"):
            raise MigrationError(
                f"--migrations-format {fmt} does not apply to the Python source {source}",
                hint="drop --migrations-format (or use --migrations-format python)",
            )
        return load_python_source(source, python_fields, python_root)
    if fmt == "python":
        raise MigrationError(
            f"--migrations-format python needs a source like python:package.module:attribute, "
            f"not {source!r}",
            hint="write the source as python:package.module:attribute, or drop the format",
        )

    regex: re.Pattern[str] | None = None
    if pattern is not None:
        if fmt not in ("auto", "pattern"):
            raise MigrationError(
                f"--migrations-pattern cannot be combined with --migrations-format {fmt}",
                hint="drop one of the two options (a pattern implies --migrations-format pattern)",
            )
        fmt = "pattern"
        regex = compile_pattern(pattern)
    elif fmt == "pattern":
        raise MigrationError(
            "--migrations-format pattern needs --migrations-pattern",
            hint=r"pass e.g. --migrations-pattern 'V(?P<version>\d+)__(?P<name>.+)\.sql'",
        )

    tree = _Tree(source)
    if fmt == "auto":
        fmt, plan = _detect(tree)
    else:
        plan = _plan(fmt, tree, regex)
    _check_plan(fmt, plan, tree, pattern)
    if fmt == "prisma":
        _check_prisma_provider(tree)
    migrations = _build(fmt, tree, plan)
    skipped = sorted(
        plan.skipped,
        key=lambda s: (s.version is None, version_key(s.version or ""), s.file),
    )
    return MigrationSet(
        source=source,
        format=fmt,
        migrations=tuple(migrations),
        skipped=tuple(skipped),
        notes=tuple(plan.notes),
    )


def _quoted(pattern: str) -> str:
    """A regex as the user wrote it: repr() would double every backslash."""
    return f"'{pattern}'"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise MigrationError(
            f"--migrations-pattern {_quoted(pattern)} is not a valid regular expression: {exc}",
            hint="fix the regex (Python syntax; named groups are (?P<name>...))",
        ) from None
    if "version" not in regex.groupindex:
        raise MigrationError(
            f"--migrations-pattern {_quoted(pattern)} has no (?P<version>...) group",
            hint=r"name the version part, e.g. 'V(?P<version>\d+)__(?P<name>.+)\.sql'",
        )
    return regex


# --- the directory ------------------------------------------------------------------


def _hidden(name: str) -> bool:
    return name.startswith(".")


class _Tree:
    """The source directory: its listing and its files' decoded, normalised text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.root = Path(source)
        if not self.root.exists():
            raise MigrationError(
                f"migrations directory not found: {source}",
                hint="check the --migrations path (relative paths start from the current "
                "directory)",
            )
        if not self.root.is_dir():
            raise MigrationError(
                f"migrations source is a file, not a directory: {source}",
                hint="point --migrations at the directory that holds the migration files",
            )
        self.files, self.dirs = self.listdir("")
        self._texts: dict[str, str] = {}
        self._sha384: dict[str, str] = {}
        self._sha256: dict[str, tuple[str, ...]] = {}

    def listdir(self, rel: str) -> tuple[list[str], list[str]]:
        """Sorted non-hidden (files, directories) of `rel` ("" = the root)."""
        files: list[str] = []
        dirs: list[str] = []
        path = self.root / rel if rel else self.root
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if _hidden(entry.name):
                        continue
                    if entry.is_dir():
                        dirs.append(entry.name)
                    elif entry.is_file():
                        files.append(entry.name)
        except OSError as exc:
            shown = rel or self.source
            raise MigrationError(
                f"cannot list migrations directory {shown}: {exc.strerror or exc}",
                hint="check that the directory exists and is readable",
            ) from None
        return sorted(files), sorted(dirs)

    def walk(self) -> list[str]:
        """All non-hidden files below the root, as '/'-separated relative paths."""
        out: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
            base = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(filenames):
                if not _hidden(name):
                    out.append(name if base == "." else f"{base}/{name}")
        return out

    def read(self, rel: str, *, sha256: bool = False) -> str:
        """The file's text; `sha256`: also keep Prisma's checksums of its bytes."""
        text = self._texts.get(rel)
        if text is None or (sha256 and rel not in self._sha256):
            try:
                # os.path, not pathlib: a thousand files, each read on every command.
                with open(os.path.join(self.source, rel), "rb") as f:
                    data = f.read()
            except OSError as exc:
                raise MigrationError(
                    f"cannot read migration file {rel}: {exc.strerror or exc}",
                    hint="check that the file exists and is readable",
                ) from None
            text = self._texts[rel] = decode(data, rel)
            self._sha384[rel] = hashlib.sha384(data).hexdigest()
            if sha256:
                self._sha256[rel] = prisma_checksums(data)
        return text

    def sha384(self, rel: str) -> str:
        """SHA-384 of the file's bytes as stored (sqlx's checksum)."""
        self.read(rel)
        return self._sha384[rel]

    def sha256(self, rel: str) -> tuple[str, ...]:
        """Prisma's checksums of the file (see `prisma_checksums`)."""
        self.read(rel, sha256=True)
        return self._sha256[rel]


def prisma_checksums(data: bytes) -> tuple[str, ...]:
    """Hex SHA-256 of a migration.sql's bytes as stored (what Prisma records), then of
    them with CRLF -> LF and LF -> CRLF: Prisma accepts a recorded checksum of any of
    the three, so that a checkout with other line endings still matches."""
    variants = (data, data.replace(b"\r\n", b"\n"), data.replace(b"\n", b"\r\n"))
    return tuple(dict.fromkeys(hashlib.sha256(v).hexdigest() for v in variants))


# --- planning: which files are which migrations ---------------------------------------


@dataclass
class _Unit:
    """One up migration before it is read: its version, name and up-files."""

    version: str
    name: str
    files: list[str]
    down: str | None = None
    metadata: str | None = None  # diesel metadata.toml


@dataclass
class _Plan:
    ups: list[_Unit] = field(default_factory=list)
    downs: list[tuple[str, str]] = field(default_factory=list)  # (version, file)
    misfits: list[str] = field(default_factory=list)  # versioned .sql files it cannot explain
    # Unversioned .sql files that look meant as migrations: never run, so an error.
    strays: list[str] = field(default_factory=list)
    skipped: list[SkippedStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored_sql: list[str] = field(default_factory=list)


def _is_sql(name: str) -> bool:
    return name.lower().endswith(".sql")


def _code_ext(name: str) -> str | None:
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in CODE_EXTENSIONS else None


def _skip(version: str | None, file: str) -> SkippedStep:
    ext = _code_ext(file) or os.path.splitext(file)[1]
    return SkippedStep(
        version=version, file=file, reason=f"code-defined step ({ext}): not replayable"
    )


def _names(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _plan(fmt: str, tree: _Tree, regex: re.Pattern[str] | None = None) -> _Plan:
    if fmt in FLAT_FORMATS:
        plan = _plan_flat(fmt, tree)
    elif fmt == "diesel":
        plan = _plan_diesel(tree)
    elif fmt == "prisma":
        plan = _plan_prisma(tree)
    elif fmt == "dirs":
        plan = _plan_dirs(tree)
    elif fmt == "pattern":
        assert regex is not None
        plan = _plan_pattern(tree, regex)
    else:  # pragma: no cover - load_migrations validates fmt
        raise ValueError(fmt)
    if plan.ignored_sql:
        one = len(plan.ignored_sql) == 1
        files = _plural(len(plan.ignored_sql), ".sql file")
        if fmt == "pattern":
            what = f"that {'does' if one else 'do'} not match --migrations-pattern"
        else:
            kind = "a schema dump, seed or snapshot" if one else "schema dumps, seeds or snapshots"
            what = (
                f"that {'is' if one else 'are'} not a {fmt} migration "
                f"({kind}, by {'its name' if one else 'their names'})"
            )
        plan.notes.append(f"ignored {files} {what}: {_names(plan.ignored_sql)}")
    return plan


def _plan_flat(fmt: str, tree: _Tree) -> _Plan:
    plan = _Plan()
    undo: list[str] = []
    repeatable: list[str] = []
    callbacks: list[str] = []
    for name in tree.files:
        if _is_sql(name):
            role = parse_flat_name(fmt, name)
            if role is not None:
                if role.direction == "down":
                    plan.downs.append((role.version, name))
                else:
                    plan.ups.append(_Unit(role.version, role.name, [name]))
            elif fmt == "flyway" and FLYWAY_UNDO.fullmatch(name):
                undo.append(name)
            elif fmt == "flyway" and FLYWAY_REPEATABLE.fullmatch(name):
                repeatable.append(name)
            elif fmt == "flyway" and FLYWAY_CALLBACK.fullmatch(name):
                callbacks.append(name)
            else:
                _unexplained(plan, name)
        elif _code_ext(name):
            version = code_step_version(fmt, name)
            if version is not None:
                plan.skipped.append(_skip(version, name))
    if undo:
        plan.notes.append(f"ignored {_plural(len(undo), 'Flyway undo (U) file')}: {_names(undo)}")
    if repeatable:
        plan.notes.append(
            f"ignored {_plural(len(repeatable), 'Flyway repeatable (R) file')}: "
            f"{_names(repeatable)} (not replayed: what they create is not expected)"
        )
    if callbacks:
        plan.notes.append(
            f"ignored {_plural(len(callbacks), 'Flyway callback file')}: {_names(callbacks)}"
        )
    with_sql = [d for d in tree.dirs if any(_is_sql(f) for f in tree.listdir(d)[0])]
    if with_sql:
        plan.notes.append(
            f"ignored {_plural(len(with_sql), 'subdirectory')} holding .sql files "
            f"(a {fmt} migration is a file in the directory itself): {_names(with_sql)}"
        )
    return plan


def _plan_top_files(plan: _Plan, fmt: str, tree: _Tree) -> None:
    """Top-level files of a directory-per-migration format."""
    for name in tree.files:
        if _is_sql(name):
            _unexplained(plan, name)
        elif _code_ext(name):
            version = code_step_version(fmt, name)
            if version is not None:
                plan.skipped.append(_skip(version, name))


def _unexplained(plan: _Plan, name: str) -> None:
    """A top-level .sql file the convention does not explain."""
    if VERSIONISH.match(name):
        plan.misfits.append(name)
    elif is_known_non_migration(name):
        plan.ignored_sql.append(name)  # a dump, seed or snapshot: noted
    else:
        plan.strays.append(name)


def _plan_diesel(tree: _Tree) -> _Plan:
    plan = _Plan()
    for d in tree.dirs:
        m = DIESEL_DIR.fullmatch(d)
        if not m:
            continue
        files = tree.listdir(d)[0]
        if "up.sql" not in files:
            plan.misfits.append(f"{d}/")
            continue
        plan.ups.append(
            _Unit(
                m.group("version"),
                m.group("name"),
                [f"{d}/up.sql"],
                down=f"{d}/down.sql" if "down.sql" in files else None,
                metadata=f"{d}/metadata.toml" if "metadata.toml" in files else None,
            )
        )
    _plan_top_files(plan, "diesel", tree)
    return plan


def _plan_prisma(tree: _Tree) -> _Plan:
    """Prisma Migrate: a directory per migration holding migration.sql. Prisma reads
    every directory and runs only its migration.sql; migration_lock.toml (the provider)
    and other files at the top are not migrations."""
    plan = _Plan()
    other_sql: list[str] = []
    for d in tree.dirs:
        files = tree.listdir(d)[0]
        m = PRISMA_DIR.fullmatch(d)
        if m is None or PRISMA_SCRIPT not in files:
            if m is not None or PRISMA_SCRIPT in files:
                # A numbered directory without its script, or a script whose directory
                # has no version to order it by.
                plan.misfits.append(f"{d}/")
            continue
        down = "down.sql" if "down.sql" in files else None  # Prisma's down-migration guide
        plan.ups.append(
            _Unit(
                m.group("version"),
                m.group("name") or "",
                [f"{d}/{PRISMA_SCRIPT}"],
                down=f"{d}/{down}" if down else None,
            )
        )
        other_sql += [f"{d}/{f}" for f in files if _is_sql(f) and f not in (PRISMA_SCRIPT, down)]
    if other_sql:
        plan.notes.append(
            f"ignored {_plural(len(other_sql), '.sql file')} beside migration.sql "
            f"(Prisma runs only migration.sql): {_names(other_sql)}"
        )
    _plan_top_files(plan, "prisma", tree)
    return plan


def _check_prisma_provider(tree: _Tree) -> None:
    """migration_lock.toml names the database the migrations were written for."""
    if PRISMA_LOCK not in tree.files:
        return
    text = tree.read(PRISMA_LOCK)
    # As Prisma reads it: the first line starting with `provider`.
    line = next((ln for ln in text.split("\n") if ln.startswith("provider")), None)
    if line is None:
        return
    provider = line.split("=", 1)[-1].strip().strip('"').strip()
    if provider.lower() != "sqlite":
        raise MigrationError(
            f"{PRISMA_LOCK} (in {tree.source}) says provider = {provider!r}: these "
            "migrations are written for another database, and driftcheck checks SQLite",
            hint="point --migrations at the migrations of a Prisma project whose datasource "
            'provider is "sqlite"',
        )


def _plan_dirs(tree: _Tree) -> _Plan:
    plan = _Plan()
    empty: list[str] = []
    for d in tree.dirs:
        if not VERSION_DIR.fullmatch(d):
            continue
        files = tree.listdir(d)[0]
        sql = [f for f in files if _is_sql(f)]
        for f in files:
            if _code_ext(f):
                plan.skipped.append(_skip(d, f"{d}/{f}"))
        if sql:
            plan.ups.append(_Unit(d, dirs_file_name(sql[0]), [f"{d}/{f}" for f in sql]))
        else:
            empty.append(f"{d}/")
    if empty:
        plan.notes.append(
            f"ignored {_plural(len(empty), 'version directory')} without .sql files: "
            f"{_names(empty)}"
        )
    _plan_top_files(plan, "dirs", tree)
    return plan


def _plan_pattern(tree: _Tree, regex: re.Pattern[str]) -> _Plan:
    plan = _Plan()
    for rel in tree.walk():
        m = regex.fullmatch(rel)
        if m is not None:
            groups = m.groupdict()
            version = groups.get("version") or ""
            direction = (groups.get("direction") or "up").lower()
            if not version:
                raise MigrationError(
                    f"{rel} matches --migrations-pattern but its version group is empty",
                    hint="make the (?P<version>...) group match at least one character",
                )
            if direction not in ("up", "down"):
                raise MigrationError(
                    f"{rel} matches --migrations-pattern with direction {direction!r}",
                    hint="the (?P<direction>...) group must match 'up' or 'down'",
                )
            if direction == "down":
                plan.downs.append((version, rel))
            else:
                plan.ups.append(_Unit(version, groups.get("name") or "", [rel]))
        elif _is_sql(rel):
            plan.ignored_sql.append(rel)
        elif _code_ext(rel):
            cm = regex.fullmatch(os.path.splitext(rel)[0] + ".sql")
            if cm is not None and cm.groupdict().get("version"):
                plan.skipped.append(_skip(cm.group("version"), rel))
    return plan


def _detect(tree: _Tree) -> tuple[str, _Plan]:
    if PRISMA_LOCK in tree.files:
        # Prisma Migrate writes migration_lock.toml beside its migration directories.
        return "prisma", _plan("prisma", tree)
    versioned = [f for f in tree.files if _is_sql(f) and VERSIONISH.match(f)]
    goose = [f for f in versioned if has_goose_marker(tree.read(f))]
    dbmate = [f for f in versioned if has_dbmate_marker(tree.read(f))]
    if goose or dbmate:
        # The in-file markers are the strongest evidence there is.
        fmt = "goose" if len(goose) >= len(dbmate) else "dbmate"
        return fmt, _plan(fmt, tree)

    plans = {fmt: _plan(fmt, tree) for fmt in _AUTO_ORDER}
    fitting = _prefer([fmt for fmt, p in plans.items() if p.ups and not p.misfits], plans)
    if fitting and fitting[0] == "sqlx" and _directions_say_golang_migrate(plans, tree):
        # sqlx runs <version>_<name>.sql beside .up.sql/.down.sql pairs; golang-migrate
        # never runs it. When the pairs outnumber such files, they say golang-migrate,
        # and the odd file is blamed as --migrations-format golang-migrate blames it.
        _check_plan("golang-migrate", plans["golang-migrate"], tree, None, other="sqlx")
    if fitting:
        return fitting[0], plans[fitting[0]]

    most = max(len(p.ups) for p in plans.values())
    if most:
        # No convention explains every file. Blame the one the other files evidently
        # follow: it explains the most files, more than it leaves out, and no other
        # convention explains as many different ones. One misnamed file among plain
        # files is then the plain format's error, worded as --migrations-format plain
        # words it, not a sqlx one (sqlx explains the same files, less specifically).
        top = [f for f in _AUTO_ORDER if len(plans[f].ups) == most]
        best = _prefer(top, plans)[0]
        alike = all(_explained(plans[f]) == _explained(plans[best]) for f in top)
        if alike and most > len(plans[best].misfits):
            _check_plan(best, plans[best], tree, None)  # raises: it has misfits
        candidates = "; ".join(
            f"{f} would explain {_plural(len(plans[f].ups), 'migration')} "
            f"but not {plans[f].misfits[0]}"
            for f in top
        )
        raise MigrationError(
            f"cannot tell the migration format of {tree.source}: {candidates}",
            hint=_FORMAT_HINT,
        )
    if not tree.files and not tree.dirs:
        raise MigrationError(
            f"no migrations found in {tree.source}: the directory is empty",
            hint="point --migrations at the directory that holds the migration files",
        )
    examples = versioned or [f for f in tree.files if _is_sql(f)]
    found = f" (found {_names(examples, 3)})" if examples else ""
    raise MigrationError(
        f"no migrations found in {tree.source}: no known convention matches its files{found}",
        hint=f"check the directory, or {_FORMAT_HINT}",
    )


def _prefer(candidates: list[str], plans: dict[str, _Plan]) -> list[str]:
    """Candidate formats, most likely first (they are in _AUTO_ORDER already)."""
    out = list(candidates)
    if "sqlx" in out and "plain" in out:
        # Same file names; sqlx's default versions are timestamps (YYYYMMDDhhmmss).
        timestamps = all(len(u.version) >= 14 for u in plans["sqlx"].ups)
        out.remove("plain" if timestamps else "sqlx")
    return out


def _directions_say_golang_migrate(plans: dict[str, _Plan], tree: _Tree) -> bool:
    """Whether up/down pairs outnumber the versioned files without a direction, and
    nothing is sqlx's own (a `-- no-transaction` first line)."""
    ours = plans["golang-migrate"]
    if not ours.misfits or len(ours.ups) <= len(ours.misfits):
        return False  # one pair beside one plain file is still sqlx's mixed style
    return not any(tree.read(f).startswith("-- no-transaction") for f in ours.misfits)


def _explained(plan: _Plan) -> set[str]:
    """The files a plan makes migrations of (up and down)."""
    return {f for u in plan.ups for f in u.files} | {f for _, f in plan.downs}


def _check_plan(
    fmt: str, plan: _Plan, tree: _Tree, pattern: str | None, other: str | None = None
) -> None:
    """Raise on what `plan` leaves unexplained; `other`: a format that would explain it."""
    if plan.misfits:
        misfit = plan.misfits[0]
        renamed = suggest_rename(fmt, misfit, _latest(plan))
        fix = (
            f"rename it to {renamed}, or move it out of the migrations directory, or"
            if renamed
            else f"rename or move the {'directory' if misfit.endswith('/') else 'file'}, or"
        )
        reason = misfit_reason(fmt, misfit)
        alternative = (
            f"pass --migrations-format {other} if the directory holds {other} migrations"
            if other
            else "choose another --migrations-format (or --migrations-pattern)"
        )
        raise MigrationError(
            f"{misfit} (in {tree.source}) does not fit the {fmt} format "
            f"(expected {EXPECTED[fmt]})" + (f": {reason}" if reason else ""),
            hint=f"{fix} {alternative}",
        )
    if not plan.ups:
        if fmt == "pattern":
            sql = [f for f in tree.walk() if _is_sql(f)]
            found = f" (files there include {_names(sql, 3)})" if sql else ""
            raise MigrationError(
                f"no file in {tree.source} matches --migrations-pattern "
                f"{_quoted(pattern or '')}{found}",
                hint="the pattern must match the whole path relative to the directory, "
                "with '/' separators",
            )
        raise MigrationError(
            f"no {fmt} migrations found in {tree.source} (expected {EXPECTED[fmt]})",
            hint="check the directory, or choose another --migrations-format "
            "(omit it to auto-detect)",
        )
    if plan.strays:
        _stray_error(fmt, plan.strays, tree, _latest(plan))


def _latest(plan: _Plan) -> str | None:
    return max((u.version for u in plan.ups), key=version_key, default=None)


def _stray_error(fmt: str, strays: list[str], tree: _Tree, latest: str | None) -> NoReturn:
    """Unversioned .sql files among migrations: the tool they were written for would
    skip them, so the migration someone wrote never runs. Say so, with the fix."""
    first = strays[0]
    if len(strays) == 1:
        who = f"{first} (in {tree.source}) has no version, so it would never run"
    else:
        who = f"{_names(strays)} (in {tree.source}) have no version, so they would never run"
    message = f"{who}: the other files follow the {fmt} convention ({EXPECTED[fmt]})"
    renamed = suggest_rename(fmt, first, latest)
    one = len(strays) == 1
    it = "it" if one else "each"
    if renamed is not None:
        fix = f"rename it to {renamed}" if one else f"rename each (e.g. {first} to {renamed})"
    elif fmt == "dirs":
        fix = f"move {it} into a version directory (e.g. {next_version(latest)}/{first})"
    elif fmt in ("diesel", "prisma"):
        script = "up.sql" if fmt == "diesel" else PRISMA_SCRIPT
        fix = f"make {it} a migration directory (<version>_{first[: -len('.sql')]}/{script})"
    else:
        fix = f"give {it} a version ({EXPECTED[fmt]})"
    raise MigrationError(
        message,
        hint=f"{fix}, or move {'it' if one else 'them'} out of the migrations directory "
        "(files named like schema.sql, seed.sql or LATEST.sql are noted and left alone)",
    )


# --- building the migrations ------------------------------------------------------------


def _build(fmt: str, tree: _Tree, plan: _Plan) -> list[Migration]:
    # Each version's sort key once: comparing keys is cheap, making them is not.
    keyed = sorted(
        ((version_key(u.version), u) for u in plan.ups), key=lambda ku: (ku[0], ku[1].files[0])
    )
    for (a_key, a), (b_key, b) in itertools.pairwise(keyed):
        if a_key == b_key:
            raise MigrationError(
                f"duplicate migration version {b.version!r}: {a.files[0]} and {b.files[0]}",
                hint="give each migration its own version (0011 and 11 are the same version)",
            )
    units = [u for _, u in keyed]
    by_key = dict(keyed)
    orphans: list[str] = []
    downs_seen: dict[object, str] = {}
    for version, file in sorted(plan.downs, key=lambda d: d[1]):
        key = version_key(version)
        if key in downs_seen:
            raise MigrationError(
                f"duplicate down migration for version {version!r}: {downs_seen[key]} and {file}",
                hint="keep one down file per version",
            )
        downs_seen[key] = file
        unit = by_key.get(key)
        if unit is None:
            orphans.append(file)
        else:
            unit.down = file
    if orphans:
        plan.notes.append(
            f"ignored {_plural(len(orphans), 'down file')} without an up migration: "
            f"{_names(orphans)}"
        )
    return [_migration(fmt, tree, unit) for unit in units]


_DIESEL_NO_TX = re.compile(r"^\s*run_in_transaction\s*=\s*false\b", re.MULTILINE)


def _migration(fmt: str, tree: _Tree, unit: _Unit) -> Migration:
    no_tx = False
    rollback: str | None = None
    statements: list[Statement] = []
    sha256: tuple[str, ...] = ()
    if fmt in ("dbmate", "goose"):
        file = unit.files[0]
        parse = parse_dbmate if fmt == "dbmate" else parse_goose
        section = parse(tree.read(file), file)
        sql, statements = section.sql, section.statements
        rollback, no_tx = section.rollback_sql, section.no_transaction
    else:
        if fmt == "prisma":
            sha256 = tree.sha256(unit.files[0])
        texts = [tree.read(f) for f in unit.files]
        sql = "\n".join(texts)
        for file, text in zip(unit.files, texts, strict=True):
            statements += split_into(text, file, first_number=len(statements) + 1)
        if unit.down is not None:
            rollback = tree.read(unit.down)
        if fmt == "sqlx":
            no_tx = texts[0].startswith("-- no-transaction")
        elif fmt == "diesel" and unit.metadata is not None:
            no_tx = _DIESEL_NO_TX.search(tree.read(unit.metadata)) is not None
    return Migration(
        version=unit.version,
        name=unit.name,
        files=tuple(unit.files),
        sql=sql,
        statements=tuple(statements),
        checksum=checksum(sql),
        rollback_sql=rollback,
        no_transaction=no_tx,
        file_sha384=tree.sha384(unit.files[0]) if len(unit.files) == 1 else None,
        file_sha256=sha256,
    )
