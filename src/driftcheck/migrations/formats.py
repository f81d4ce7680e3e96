"""Migration-tool conventions: file names, and the in-file sections of dbmate and goose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from driftcheck.errors import MigrationError
from driftcheck.kinds import MIGRATION_FORMATS
from driftcheck.migrations.model import Statement
from driftcheck.migrations.split import block_statement, skip_trivia, split_into

# Formats of a migrations directory (MigrationSet.format; --migrations-format).
DIRECTORY_FORMATS = MIGRATION_FORMATS
# Formats whose migrations are files directly in the directory.
FLAT_FORMATS = ("plain", "flyway", "golang-migrate", "dbmate", "goose", "sqlx")

# What each convention expects, for error messages.
EXPECTED = {
    "plain": "NNNN_name.sql or NNNN.sql",
    "flyway": "V<version>__<description>.sql",
    "golang-migrate": "<version>_<name>.up.sql / <version>_<name>.down.sql",
    "dbmate": "<version>_<name>.sql with '-- migrate:up' / '-- migrate:down' sections",
    "goose": "<version>_<name>.sql with '-- +goose Up' / '-- +goose Down' sections",
    "sqlx": "<version>_<name>.sql or <version>_<name>.up.sql / .down.sql",
    "diesel": "directories <version>_<name>/ holding up.sql (and down.sql)",
    "prisma": "directories <timestamp>_<name>/ holding migration.sql",
    "dirs": "version directories (0.2/, 0.10/) holding .sql files",
    "pattern": "file paths matching --migrations-pattern",
}

CODE_EXTENSIONS = frozenset({".php", ".go", ".py", ".rb", ".js", ".ts", ".java", ".kt", ".cs"})

# A file name that starts like a versioned migration ("0001_x.sql", "V2__y.sql",
# and "v3__z.sql", which Flyway would not run).
VERSIONISH = re.compile(r"[Vv]?\d")
# The version at the start of a code-defined step's file name.
_CODE_VERSION = re.compile(r"V?(?P<version>\d+(?:[._]\d+)*)(?=[_.\-]|$)")

_PLAIN = re.compile(r"(?P<version>\d+)(?:_(?P<name>.+?))?\.sql")
_FLYWAY = re.compile(r"V(?P<version>\d+(?:[._]\d+)*)__(?P<name>.*)\.sql")
FLYWAY_UNDO = re.compile(r"U\d+(?:[._]\d+)*__.*\.sql")
FLYWAY_REPEATABLE = re.compile(r"R__.*\.sql")
# golang-migrate: ^([0-9]+)_(.*)\.(down|up)\.(.*)$ - the name may hold dots ("flags.").
_GOLANG_MIGRATE = re.compile(r"(?P<version>\d+)_(?P<name>.*)\.(?P<direction>up|down)\.sql")
_SQLX = re.compile(r"(?P<version>\d+)_(?P<name>.+?)(?:\.(?P<direction>up|down))?\.sql")
_SECTIONED = re.compile(r"(?P<version>\d+)(?:_(?P<name>.*))?\.sql")
DIESEL_DIR = re.compile(r"(?P<version>\d[\d-]*)_(?P<name>.+)")
# Prisma Migrate names a directory <timestamp>_<name> (20240101120000_init); its
# baselining guide names the first one 0_init.
PRISMA_DIR = re.compile(r"(?P<version>\d+)(?:_(?P<name>.*))?", re.DOTALL)
PRISMA_SCRIPT = "migration.sql"
PRISMA_LOCK = "migration_lock.toml"
VERSION_DIR = re.compile(r"\d+(?:\.\d+)*")

# Flyway's SQL callbacks (beforeMigrate.sql, afterEachMigrate__notify.sql) live
# among the migrations and are not migrations.
FLYWAY_CALLBACK = re.compile(r"(?:before|after)[A-Z][A-Za-z]*(?:__.*)?\.sql")

# Words that name the SQL files projects keep beside their migrations without
# meaning them as migrations: schema dumps (Rails' structure.sql, dbmate's
# schema.sql, memos' LATEST.sql), seeds, fixtures, snapshots. An unversioned
# .sql file named with none of them was most likely meant as a migration.
_NOT_MIGRATION_WORDS = frozenset(
    {
        "schema",
        "structure",
        "latest",
        "dump",
        "seed",
        "seeds",
        "seeding",
        "fixture",
        "fixtures",
        "sample",
        "samples",
        "baseline",
        "snapshot",
        "testdata",
        "demo",
    }
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def is_known_non_migration(filename: str) -> bool:
    """Whether an unversioned .sql file is, by its name, a dump, seed or snapshot."""
    stem = filename.rsplit("/", 1)[-1]
    stem = stem[: -len(".sql")] if stem.lower().endswith(".sql") else stem
    return any(w.lower() in _NOT_MIGRATION_WORDS for w in _WORD.findall(stem))


_LOOSE_NAME = re.compile(
    r"[Vv]?(?P<version>\d+(?:[._]\d+)*)[^A-Za-z0-9]*(?P<name>.*?)"
    r"(?:\.(?P<direction>up|down))?\.sql",
    re.IGNORECASE,
)


def next_version(latest: str | None) -> str:
    """The version after `latest`, spelled alike: 0008 -> 0009, 0.31 -> 0.32, 2.1 -> 2.2."""
    if latest is None:
        return "0001"
    if latest.isdigit():
        return str(int(latest) + 1).zfill(len(latest))
    head, dot, last = latest.rpartition(".")
    if dot and last.isdigit():
        return f"{head}.{str(int(last) + 1).zfill(len(last))}"
    first = re.match(r"\d+", latest)
    return str(int(first.group()) + 1) if first else "0001"


def flat_file_name(fmt: str, version: str, name: str, direction: str | None = None) -> str | None:
    """The file name `fmt` gives a migration, or None if `fmt` cannot say it."""
    name = name.strip("_-. ")
    if fmt == "flyway":
        candidate = f"V{version.replace('.', '_')}__{name}.sql"
        direction_ok = direction in (None, "up")
    elif fmt == "golang-migrate":
        candidate = f"{version}_{name or 'migration'}.{direction or 'up'}.sql"
        direction_ok = True
    elif fmt == "sqlx":
        suffix = f".{direction}" if direction == "down" else ""
        candidate = f"{version}_{name or 'migration'}{suffix}.sql"
        direction_ok = True
    elif fmt in ("plain", "dbmate", "goose"):
        candidate = f"{version}_{name}.sql" if name else f"{version}.sql"
        direction_ok = direction in (None, "up")
    else:
        return None
    role = parse_flat_name(fmt, candidate) if direction_ok else None
    return candidate if role is not None and role.version == version else None


def suggest_rename(fmt: str, filename: str, latest: str | None) -> str | None:
    """A name under which `filename` would be a `fmt` migration.

    A file with a version of its own keeps it ("0009-add-notes.sql" ->
    "0009_add-notes.sql"); one without gets the version after `latest`.
    """
    if fmt not in FLAT_FORMATS:
        return None
    m = _LOOSE_NAME.fullmatch(filename)
    if m is not None:
        version = m.group("version")
        if fmt != "flyway" and not version.isdigit():
            return None
        direction = m.group("direction")
        return flat_file_name(fmt, version, m.group("name"), direction and direction.lower())
    stem, direction = filename[: -len(".sql")], None
    for d in ("up", "down"):
        if stem.lower().endswith(f".{d}"):
            stem, direction = stem[: -len(d) - 1], d
    return flat_file_name(fmt, next_version(latest), stem, direction)


_DIRECTION_SUFFIX = re.compile(r"\.(?P<direction>up|down)\.sql$", re.IGNORECASE)


def misfit_reason(fmt: str, filename: str) -> str | None:
    """Why a file that looks versioned is not a `fmt` migration, for a near miss whose
    cause is known (the tool would skip the file, so its SQL would never run)."""
    if fmt == "flyway" and re.match(r"v\d", filename):
        return "Flyway's version prefix is a capital V, so Flyway would never run it"
    if fmt == "golang-migrate":
        suffix = _DIRECTION_SUFFIX.search(filename)
        if suffix is None:
            what = "it has no direction"
        elif not suffix.group("direction").islower():
            what = "its direction must be lowercase"
        else:
            return None
        return f"{what} (.up.sql / .down.sql), so golang-migrate would never run it"
    if fmt == "prisma" and filename.endswith("/"):
        if PRISMA_DIR.fullmatch(filename[:-1]):
            return f"it has no {PRISMA_SCRIPT}"
        return (
            f"Prisma would run its {PRISMA_SCRIPT} in name order, but its name does not "
            "start with a version"
        )
    return None


@dataclass(frozen=True)
class FileRole:
    """What a file name says: the migration it belongs to and its direction."""

    version: str
    name: str
    direction: str = "up"  # "up" | "down"


def parse_flat_name(fmt: str, filename: str) -> FileRole | None:
    """The role of `filename` in a flat-directory format, or None if it does not fit."""
    if fmt == "plain":
        m = _PLAIN.fullmatch(filename)
        if not m:
            return None
        name = m.group("name") or ""
        if name.endswith((".up", ".down")):
            return None  # an up/down pair is not the plain convention
        return FileRole(m.group("version"), name)
    if fmt == "flyway":
        m = _FLYWAY.fullmatch(filename)
        if not m:
            return None
        return FileRole(m.group("version").replace("_", "."), m.group("name"))
    if fmt == "golang-migrate":
        m = _GOLANG_MIGRATE.fullmatch(filename)
        if not m:
            return None
        return FileRole(m.group("version"), m.group("name"), m.group("direction"))
    if fmt == "sqlx":
        m = _SQLX.fullmatch(filename)
        if not m:
            return None
        return FileRole(m.group("version"), m.group("name"), m.group("direction") or "up")
    if fmt in ("dbmate", "goose"):
        m = _SECTIONED.fullmatch(filename)
        if not m:
            return None
        name = m.group("name") or ""
        if name.endswith((".up", ".down")):
            return None
        return FileRole(m.group("version"), name)
    raise ValueError(f"not a flat format: {fmt}")


def code_step_version(fmt: str, filename: str) -> str | None:
    """The version of a code-defined step ("0027.php", "V3__Fix.java"), if it has one."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or f".{ext.lower()}" not in CODE_EXTENSIONS:
        return None
    if fmt in FLAT_FORMATS:
        role = parse_flat_name(fmt, f"{stem}.sql")
        if role is not None:
            return role.version
    m = _CODE_VERSION.match(stem)
    if not m:
        return None
    version = m.group("version")
    return version.replace("_", ".") if fmt == "flyway" else version


def dirs_file_name(filename: str) -> str:
    """The name part of a file in a version directory: "01__init.sql" -> "init"."""
    stem = filename[:-4] if filename.lower().endswith(".sql") else filename
    return re.sub(r"^\d+_+", "", stem)


# --- dbmate and goose: one file, an up section and a down section -------------------

_DBMATE_MARKER = re.compile(r"^--\s*migrate:(?P<dir>up|down)\b(?P<options>.*)$", re.IGNORECASE)
_GOOSE_MARKER = re.compile(r"^--\s*\+goose\s+(?P<cmd>.*?)\s*$", re.IGNORECASE)
_GOOSE_UP_LINE = re.compile(r"^[ \t]*--[ \t]*\+goose[ \t]+up\b", re.IGNORECASE | re.MULTILINE)
_DBMATE_UP_LINE = re.compile(r"^[ \t]*--[ \t]*migrate:up\b", re.IGNORECASE | re.MULTILINE)


def has_goose_marker(text: str) -> bool:
    return _GOOSE_UP_LINE.search(text) is not None


def has_dbmate_marker(text: str) -> bool:
    return _DBMATE_UP_LINE.search(text) is not None


@dataclass
class UpSection:
    """The up part of a sectioned file, already split."""

    sql: str
    statements: list[Statement] = field(default_factory=list)
    rollback_sql: str | None = None
    no_transaction: bool = False


def _check_preamble(lines: list[str], upto: int, file: str, marker: str, fmt: str) -> None:
    """Only comments and blank lines may come before the first section marker."""
    text = "\n".join(lines[:upto])
    pos = skip_trivia(text)
    if pos < len(text):
        line = text.count("\n", 0, pos) + 1
        raise MigrationError(
            f"{file}: line {line} holds SQL before the '{marker}' line",
            hint=f"{fmt} only runs SQL inside its sections: move it below '{marker}'",
        )


def parse_dbmate(text: str, file: str) -> UpSection:
    """Split a dbmate file: `-- migrate:up [options]` ... `-- migrate:down [options]`."""
    lines = text.split("\n")
    marks: list[tuple[int, str, str]] = []  # (line index, direction, options)
    for idx, line in enumerate(lines):
        m = _DBMATE_MARKER.match(line.strip())
        if m:
            marks.append((idx, m.group("dir").lower(), m.group("options")))
    ups = [mark for mark in marks if mark[1] == "up"]
    downs = [mark for mark in marks if mark[1] == "down"]
    if not ups:
        raise MigrationError(
            f"{file} does not fit the dbmate format: it has no '-- migrate:up' line",
            hint="start the file with '-- migrate:up', or choose another --migrations-format",
        )
    for kind, found in (("up", ups), ("down", downs)):
        if len(found) > 1:
            raise MigrationError(
                f"{file}: '-- migrate:{kind}' appears {len(found)} times "
                f"(lines {', '.join(str(i + 1) for i, _, _ in found)})",
                hint=f"keep one '-- migrate:{kind}' section per file",
            )
    _check_preamble(lines, marks[0][0], file, "-- migrate:up", "dbmate")

    def section(start: int) -> tuple[int, int]:
        end = next((i for i, _, _ in marks if i > start), len(lines))
        return start + 1, end

    up_idx, _, options = ups[0]
    first, end = section(up_idx)
    sql = "\n".join(lines[first:end])
    no_tx = re.search(r"\btransaction\s*:\s*false\b", options, re.IGNORECASE) is not None
    rollback = None
    if downs:
        d_first, d_end = section(downs[0][0])
        rollback = "\n".join(lines[d_first:d_end])
    return UpSection(
        sql=sql,
        statements=split_into(sql, file, first_line=first + 1),
        rollback_sql=rollback,
        no_transaction=no_tx,
    )


def parse_goose(text: str, file: str) -> UpSection:
    """Split a goose file, honouring StatementBegin/StatementEnd and NO TRANSACTION."""
    lines = text.split("\n")
    up_at: int | None = None
    down_at: int | None = None
    no_tx = False
    block_start: int | None = None
    blocks: list[tuple[int, int]] = []  # (begin marker line, end marker line)
    for idx, line in enumerate(lines):
        m = _GOOSE_MARKER.match(line.strip())
        if not m:
            continue
        cmd = " ".join(m.group("cmd").lower().split())
        if cmd == "up":
            if up_at is not None:
                raise MigrationError(
                    f"{file}: '-- +goose Up' appears twice (lines {up_at + 1} and {idx + 1})",
                    hint="keep one '-- +goose Up' section per file",
                )
            up_at = idx
        elif cmd == "down":
            if block_start is not None:
                break  # reported below as an unterminated block
            if down_at is None:
                down_at = idx
        elif cmd == "statementbegin":
            if block_start is not None:
                raise MigrationError(
                    f"{file}: line {idx + 1}: '-- +goose StatementBegin' inside the block "
                    f"opened on line {block_start + 1}",
                    hint="close each block with '-- +goose StatementEnd' before opening another",
                )
            block_start = idx
        elif cmd == "statementend":
            if block_start is None:
                raise MigrationError(
                    f"{file}: line {idx + 1}: '-- +goose StatementEnd' without a StatementBegin",
                    hint="add '-- +goose StatementBegin' before the statement",
                )
            blocks.append((block_start, idx))
            block_start = None
        elif cmd == "no transaction":
            no_tx = True
        # other annotations (ENVSUB ON/OFF, ...) do not change the SQL we replay
    if block_start is not None:
        raise MigrationError(
            f"{file}: '-- +goose StatementBegin' on line {block_start + 1} is never closed",
            hint="add '-- +goose StatementEnd' after the statement",
        )
    if up_at is None:
        raise MigrationError(
            f"{file} does not fit the goose format: it has no '-- +goose Up' line",
            hint="start the file with '-- +goose Up', or choose another --migrations-format",
        )
    first_marker = up_at if down_at is None else min(up_at, down_at)
    _check_preamble(lines, first_marker, file, "-- +goose Up", "goose")
    end = len(lines) if down_at is None or down_at < up_at else down_at
    sql = "\n".join(lines[up_at + 1 : end])

    statements: list[Statement] = []
    cursor = up_at + 1
    up_blocks = [(b, e) for b, e in blocks if up_at < b and e < end]
    for begin, stop in [*up_blocks, (end, end)]:
        if begin > cursor:
            chunk = "\n".join(lines[cursor:begin])
            statements += split_into(
                chunk, file, first_line=cursor + 1, first_number=len(statements) + 1
            )
        if begin < stop:
            stmt = block_statement(
                "\n".join(lines[begin + 1 : stop]),
                file,
                first_line=begin + 2,
                number=len(statements) + 1,
            )
            if stmt is not None:
                statements.append(stmt)
        cursor = stop + 1

    rollback = None
    if down_at is not None:
        down_end = len(lines) if up_at < down_at else up_at
        rollback = "\n".join(lines[down_at + 1 : down_end])
    return UpSection(sql=sql, statements=statements, rollback_sql=rollback, no_transaction=no_tx)
