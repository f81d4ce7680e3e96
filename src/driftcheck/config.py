"""Configuration: `driftcheck.toml`, or `[tool.driftcheck]` in `pyproject.toml`.

Given with --config, or found as git, ruff and mypy find theirs: in the working
directory, else in the nearest parent directory that has one. The search stops
at the repository root (a directory holding `.git` or `.hg`), so a file above
the project never applies to it, and at the filesystem root. Paths in the file,
URL paths included, are relative to the file's directory. Command-line flags
override the file. Every bad key or value is an error naming the file and the
key, saying what was given and what is expected.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from driftcheck.dburl import rebase, redact, url_problem
from driftcheck.errors import ConfigError

CONFIG_FILE = "driftcheck.toml"
PYPROJECT = "pyproject.toml"
# A directory holding one of these is a repository root: the search goes no higher.
REPOSITORY_MARKERS = (".git", ".hg")
# The object kinds an `ignore` pattern may name before a colon ("index:tmp_*").
IGNORE_KINDS = ("table", "index", "view", "trigger")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Bad(ValueError):
    """A value of the right type that is still wrong: what is wrong with it, and a hint."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


def migrations_formats() -> tuple[str, ...]:
    """The values of `migrations_format`, from the format registry."""
    # Imported here: the migrations package is heavier than reading a config.
    from driftcheck.migrations.formats import DIRECTORY_FORMATS

    return ("auto", *DIRECTORY_FORMATS)


def history_kinds() -> tuple[str, ...]:
    """The values of `[history] kind`, from the history store registry."""
    # Imported here: driftcheck.history imports this module.
    from driftcheck.history import STORES

    return ("auto", *STORES, "none")


def _choice(value: str, choices: tuple[str, ...], key: str, example: str) -> _Bad:
    close = difflib.get_close_matches(value, choices, n=1)
    guess = f'did you mean "{close[0]}"? ' if close else ""
    return _Bad(
        "expected one of " + ", ".join(choices),
        f"{guess}write e.g. {key} = {json.dumps(close[0] if close else example)}",
    )


class ReplayConfig(_Section):
    functions: tuple[str, ...] = ()  # stubs returning NULL: "name" or "name/nargs"
    identity: tuple[str, ...] = ()  # stubs returning their first argument
    baseline: str | None = None  # SQL file run before the first migration


def lint_codes() -> tuple[str, ...]:
    """The codes of `driftcheck lint`'s findings, from its rules."""
    from driftcheck.report.lint import RULES

    return tuple(RULES)


class LintConfig(_Section):
    # Codes of `driftcheck lint` findings to leave out (--ignore CODE adds more).
    ignore: tuple[str, ...] = ()

    @field_validator("ignore")
    @classmethod
    def _known_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = lint_codes()
        for n, code in enumerate(value, 1):
            if code.upper() not in codes:
                close = difflib.get_close_matches(code.upper(), codes, n=1)
                guess = f'did you mean "{close[0]}"? ' if close else ""
                raise _Bad(
                    f"item {n}, {json.dumps(code)}, is not a lint code (known: {', '.join(codes)})",
                    f"{guess}write e.g. ignore = [{json.dumps(close[0] if close else 'DC202')}]",
                )
        return tuple(dict.fromkeys(code.upper() for code in value))


class VersionPointer(_Section):
    """A key/value row that also holds the current version (kept in step on writes)."""

    table: str
    key_column: str = "key"
    value_column: str = "value"
    key: str = "schema_version"
    # Set to the current time (CURRENT_TIMESTAMP) whenever driftcheck writes the row.
    updated_at_column: str | None = None
    # Set to the current time when driftcheck inserts the row (left alone on updates).
    created_at_column: str | None = None
    # Other rows of the same table whose value is the time a version was last recorded
    # (ISO 8601, UTC), kept as the application keeps them: e.g. ["last_migration"].
    touch_keys: tuple[str, ...] = ()

    @field_validator("touch_keys")
    @classmethod
    def _not_the_version(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        key = info.data.get("key")
        if key in value:
            raise _Bad(
                f"lists {json.dumps(key)}, the row that holds the version",
                f"the {json.dumps(key)} row holds the version and is kept at it; list only "
                'keys whose rows hold a time, e.g. touch_keys = ["last_migration"]',
            )
        return value


class HistoryConfig(_Section):
    # "auto", "none", or a store of driftcheck.history.STORES (checked against it).
    kind: str = "auto"
    # For kind = "table" (an application's own table); for the tools' kinds,
    # `table` overrides the tool's default table name.
    table: str | None = None
    version_column: str = "version"
    name_column: str | None = None
    description_column: str | None = None
    checksum_column: str | None = None
    applied_at_column: str | None = None
    rollback_sql_column: str | None = None
    # How the application computes checksums: "sha256" (hex of the up-SQL, as
    # driftcheck does) makes mismatches errors; otherwise they are only noted.
    checksum: Literal["sha256"] | None = None
    # The application keeps only the first N hex digits of the digest (1 to 64).
    checksum_length: int | None = Field(default=None, ge=1, le=64, strict=True)
    # How rollback_sql_column holds the down-SQL: "text" as written, or "json", a
    # JSON list of its statements (NULL when there is none).
    rollback_sql_format: Literal["text", "json"] = "text"
    version_pointer: VersionPointer | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value in ("auto", "none"):  # no need to import the stores
            return value
        kinds = history_kinds()
        if value not in kinds:
            raise _choice(value, kinds, "kind", "table")
        return value

    @field_validator("checksum_length")
    @classmethod
    def _length_of_a_known_digest(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("checksum") != "sha256":
            raise _Bad(
                'truncates a digest, but no checksum = "sha256" says which',
                "drop checksum_length, or, if the application keeps the first "
                f'{value} hex digits of the sha256 of the up-SQL, add checksum = "sha256"',
            )
        return value

    @field_validator("rollback_sql_format")
    @classmethod
    def _format_of_a_column(cls, value: str, info: ValidationInfo) -> str:
        if value != "text" and not info.data.get("rollback_sql_column"):
            raise _Bad(
                "no rollback_sql_column is configured to hold it",
                "drop rollback_sql_format, or name the column that holds the down-SQL: "
                'rollback_sql_column = "rollback_sql"',
            )
        return value


# A target's name is a path segment of the service's URLs (/reports/{name}).
TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class TargetConfig(_Section):
    """One `[[targets]]` table: a database for `validate` to check (a path, a URL, or a
    glob pattern such as "tenants/*.db"), relative to the config file's directory.

    `driftcheck serve` reads the other keys: the target's `name` (in its URLs and
    metrics), and the migrations, expected schemas and history store of its databases
    when they are not the file's own (`migrations`, `expected`, `history`).
    `database` is another spelling of `db`."""

    db: str
    name: str | None = None
    migrations: str | None = None  # a directory or "python:package.module:attribute"
    migrations_format: str | None = None
    migrations_pattern: str | None = None
    expected: str | None = None  # a directory of expected schemas (`--expected`)
    history: str | None = None  # a history store, as `--history`
    busy_timeout: float | None = Field(default=None, ge=0, strict=True, allow_inf_nan=False)

    def own_source(self) -> list[str]:
        """The keys that give this target migrations of its own (`serve` reads them)."""
        keys = ("migrations", "migrations_format", "migrations_pattern", "expected", "history")
        return [k for k in keys if getattr(self, k) is not None]

    @model_validator(mode="before")
    @classmethod
    def _database_is_db(cls, data: Any) -> Any:
        if isinstance(data, dict) and "database" in data:
            if "db" in data:
                raise _Bad(
                    "sets both `db` and `database`, two spellings of one key",
                    "keep one of them",
                )
            data = {("db" if k == "database" else k): v for k, v in data.items()}
        return data

    @field_validator("db")
    @classmethod
    def _local_database(cls, value: str) -> str:
        if not value.strip():
            raise _Bad(
                "empty: expected a path, a glob pattern or a URL",
                'e.g. db = "tenants/*.db"',
            )
        problem = url_problem(value)  # a URL naming a host, or no file
        if problem is not None:
            raise _Bad(*problem)
        return value

    @field_validator("name")
    @classmethod
    def _url_safe(cls, value: str | None) -> str | None:
        if value is not None and TARGET_NAME.fullmatch(value) is None:
            fixed = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-._")[:64] or "tenants"
            raise _Bad(
                "a target's name is part of URLs: letters, digits, '.', '_' and '-', "
                "starting with a letter or digit, at most 64 characters",
                f"e.g. name = {json.dumps(fixed)}",
            )
        return value

    @field_validator("migrations_format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is None or value == "auto":
            return value
        formats = migrations_formats()
        if value not in formats:
            raise _choice(value, formats, "migrations_format", "flyway")
        return value

    @field_validator("history")
    @classmethod
    def _known_history(cls, value: str | None) -> str | None:
        if value is None or value in ("auto", "none"):
            return value
        kinds = history_kinds()
        if value not in kinds:
            raise _choice(value, kinds, "history", "auto")
        return value


class NotifyConfig(_Section):
    """`[notify]`: where `driftcheck serve` posts an event when a database's status changes."""

    url: str
    # Signs each body: the receiver checks the signature header with the same secret.
    secret: str | None = None
    timeout: float = Field(default=5.0, gt=0, le=300, strict=True, allow_inf_nan=False)
    retries: int = Field(default=3, ge=0, le=10, strict=True)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Bad(
                "expected an http:// or https:// URL with a host",
                'e.g. url = "https://hooks.example.com/driftcheck"',
            )
        return value


# The longest `[serve] interval` (and `serve --interval`): 7 days, in seconds.
MAX_INTERVAL = 7 * 24 * 3600


class ServeConfig(_Section):
    """`[serve]`: defaults of `driftcheck serve`'s options (the options override them)."""

    host: str = "127.0.0.1"
    port: int = Field(default=9466, ge=1, le=65535, strict=True)
    # Seconds between cycles: at most MAX_INTERVAL (a week).
    interval: int = Field(default=300, ge=1, le=MAX_INTERVAL, strict=True)
    # Per target, the most not-clean databases with metric series of their own (worst
    # first); the rest are counted in the per-target series. Bounds the series count.
    metrics_databases: int = Field(default=100, ge=0, le=10_000, strict=True)


class PythonFieldsConfig(_Section):
    """`[migrations.python]`: the field names a Python registry's migrations use,
    when not the usual spellings (driftcheck.migrations.python_source.SPELLINGS)."""

    version: str | None = None
    name: str | None = None
    description: str | None = None
    sql: str | None = None  # one string of SQL, or a list of statements
    rollback: str | None = None

    @field_validator("version", "name", "description", "sql", "rollback")
    @classmethod
    def _a_field_name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise _Bad("an empty field name", 'name the field, e.g. sql = "sql_statements"')
        return value


class Config(_Section):
    # A directory or "python:package.module:attribute". In the file, also written as a
    # [migrations] table: source, format, pattern and a [migrations.python] sub-table
    # stand for migrations, migrations_format, migrations_pattern, migrations_python.
    migrations: str | None = None
    # "auto" or a format of driftcheck.migrations.formats.DIRECTORY_FORMATS (checked).
    migrations_format: str = "auto"
    migrations_pattern: str | None = None
    migrations_python: PythonFieldsConfig = Field(default_factory=PythonFieldsConfig)
    database: str | None = None
    expected_schemas: str | None = None
    ignore: tuple[str, ...] = ()
    # Seconds to wait for another writer's lock.
    busy_timeout: float = Field(default=5.0, ge=0, strict=True, allow_inf_nan=False)
    # The databases `validate` checks when --db is not given (`database` stays the
    # default of the commands that take one database).
    targets: tuple[TargetConfig, ...] = ()
    replay: ReplayConfig = Field(default_factory=ReplayConfig)
    lint: LintConfig = Field(default_factory=LintConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    # `driftcheck serve`: its webhook and the defaults of its options.
    notify: NotifyConfig | None = None
    serve: ServeConfig = Field(default_factory=ServeConfig)
    # Where the configuration came from, for messages ("" when none was found).
    source: str = Field(default="", exclude=True)
    # The keys the file sets, dotted for sections ("migrations", "history.kind"):
    # a message about a value from the file names the file, not a flag.
    from_file: frozenset[str] = Field(default=frozenset(), exclude=True)

    def origin(self, key: str) -> str | None:
        """Where `key` was set, for messages ("`migrations` in /p/driftcheck.toml"), or None."""
        if key not in self.from_file:
            return None
        return f"`{key}` in {self.source}"

    @field_validator("migrations_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value == "auto":  # no need to import the registry
            return value
        formats = migrations_formats()
        if value in formats:
            return value
        bad = _choice(value, formats, "migrations_format", "flyway")
        if difflib.get_close_matches(value, ["python"]):
            bad.hint = (
                "a Python source is chosen by the source itself: "
                'migrations = "python:package.module:attribute", with no migrations_format'
            )
        raise bad

    @field_validator("migrations_pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            regex = re.compile(value)
        except re.error as exc:
            raise _Bad(
                f"not a valid regular expression: {exc}",
                "fix the regex (Python syntax; named groups are (?P<name>...))",
            ) from None
        if "version" not in regex.groupindex:
            raise _Bad(
                "the regular expression has no (?P<version>...) group",
                r"name the version part, e.g. 'V(?P<version>\d+)__(?P<name>.+)\.sql'",
            )
        return value

    @field_validator("database")
    @classmethod
    def _local_database(cls, value: str | None) -> str | None:
        if value is not None:
            problem = url_problem(value)  # a URL naming a host, or no file
            if problem is not None:
                raise _Bad(*problem)
        return value

    @field_validator("ignore")
    @classmethod
    def _known_ignore_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for n, pattern in enumerate(value, 1):
            kind, sep, glob = pattern.partition(":")
            if sep and kind not in IGNORE_KINDS:
                close = difflib.get_close_matches(kind.lower(), IGNORE_KINDS, n=1)
                fixed = json.dumps(f"{close[0]}:{glob}" if close else f"table:{glob}")
                guess = f"did you mean {fixed}? " if close else ""
                raise _Bad(
                    f"item {n}, {json.dumps(pattern)}, has the unknown object kind "
                    f"{json.dumps(kind)} (expected one of {', '.join(IGNORE_KINDS)})",
                    f"{guess}write the kind and a colon before the name pattern, "
                    f"e.g. {fixed}, or no kind to match objects of every kind",
                )
        return value

    @model_validator(mode="after")
    def _unique_target_names(self) -> Config:
        seen: dict[str, int] = {}
        for n, t in enumerate(self.targets, 1):
            if t.name is None:
                continue
            if t.name in seen:
                raise _Bad(
                    f"[[targets]] {seen[t.name]} and {n} are both named {json.dumps(t.name)}",
                    "give each target a name of its own (it is part of the service's URLs)",
                )
            seen[t.name] = n
        return self

    @model_validator(mode="after")
    def _pattern_implies_format(self) -> Config:
        if self.migrations_pattern is not None and self.migrations_format not in (
            "auto",
            "pattern",
        ):
            raise _Bad(
                f'migrations_pattern implies migrations_format = "pattern", '
                f"not {json.dumps(self.migrations_format)}",
                "drop migrations_format, or the pattern",
            )
        return self


_PATH_KEYS = ("migrations", "expected_schemas")
_RESERVED = ("source", "from_file")  # Config's own fields, never read from the file


def load_config(path: str | None = None, cwd: Path | None = None) -> Config:
    """The configuration in effect, or the defaults when there is none.

    With `path` (--config), that file: a `pyproject.toml` is read for its
    `[tool.driftcheck]` table, any other file as a whole. Otherwise the first
    of `driftcheck.toml` and `pyproject.toml` with a `[tool.driftcheck]` table
    found in `cwd` (default: the working directory) or the nearest parent that
    has one; the search stops after a repository root (a directory holding
    `.git` or `.hg`) and at the filesystem root. Paths in the file, and the paths
    of `database` URLs, are relative to the file's directory; they are returned
    relative to the working directory when below it, else joined to the file's
    directory (absolute for a file found by the search).
    """
    if path is not None:
        p = Path(path)
        if p.is_dir():
            raise ConfigError(
                f"config file {path}: is a directory, not a file",
                hint=_config_in(p),
                code="config_missing",
            )
        if not p.is_file():
            raise ConfigError(
                f"config file {path}: no such file",
                hint="check the --config path",
                code="config_missing",
            )
        data = _read(p)
        if p.name == PYPROJECT:
            return _build(_tool_section(data, p) or {}, p)
        return _build(data, p)
    found = find_config((cwd or Path.cwd()).absolute())
    if found is None:
        return Config()
    return _build(found[1], found[0])


def _config_in(directory: Path) -> str:
    """What to pass to --config instead of a directory."""
    for name in (CONFIG_FILE, PYPROJECT):
        if (directory / name).is_file():
            return f"pass the file: --config {directory / name}"
    return (
        f"pass a {CONFIG_FILE} or a {PYPROJECT} with a [tool.driftcheck] table, "
        f"e.g. --config {directory / CONFIG_FILE}"
    )


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above `start`, and its driftcheck table."""
    for directory in (start, *start.parents):
        own = directory / CONFIG_FILE
        if own.is_file():
            return own, _read(own)
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            table = _tool_section(_read(pyproject), pyproject)
            if table is not None:
                return pyproject, table
        # A file above the repository belongs to another project (as mypy and black
        # decide); git stops at the first .git too.
        if any((directory / marker).exists() for marker in REPOSITORY_MARKERS):
            return None
    return None


def _read(p: Path) -> dict[str, Any]:
    try:
        text = p.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        twice = _set_twice(text, str(exc))
        if twice is not None:
            message, hint = twice
            raise ConfigError(
                f"config file {p}: not valid TOML: {message}", hint=hint, code="config_syntax"
            ) from None
        raise ConfigError(
            f"config file {p}: not valid TOML: {exc}",
            hint="fix the syntax at the line shown",
            code="config_syntax",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"config file {p}: cannot be read: {exc}",
            hint="check the file's permissions and encoding (UTF-8)",
            code="config_unreadable",
        ) from None


_OVERWRITE = re.compile(r"Cannot overwrite a value \(at line (?P<line>\d+), column \d+\)")
_DECLARED_TWICE = re.compile(r"Cannot declare .* twice \(at line (?P<line>\d+), column \d+\)")
_KEY_LINE = re.compile(r"""\s*(?P<key>[A-Za-z0-9_.\-"' ]+?)\s*=""")


def _set_twice(text: str, error: str) -> tuple[str, str] | None:
    """A key set twice, as tomllib reports it ("Cannot overwrite a value (at line 3,
    column 15)", naming no key): the key, both lines, and what to do; None otherwise."""
    m = _OVERWRITE.fullmatch(error) or _DECLARED_TWICE.fullmatch(error)
    lines = text.splitlines()
    if m is None or not 0 < int(m.group("line")) <= len(lines):
        return None
    line = int(m.group("line"))
    header = _HEADER.match(lines[line - 1])
    if header is not None:
        return _table_twice(lines, line, header.group("name"))
    k = _KEY_LINE.match(lines[line - 1])
    if k is None:
        return None
    key = k.group("key")
    spelled = re.compile(rf"\s*{re.escape(key)}\s*=")
    first = None
    for n in range(line - 1, 0, -1):  # within the same table: back to its header
        if lines[n - 1].lstrip().startswith("["):
            break
        if spelled.match(lines[n - 1]):
            first = n
            break
    where = f"lines {first} and {line}" if first is not None else f"line {line}"
    value = lines[line - 1][k.end() :].strip()
    fix = (
        f"merge the two `{key}` lists into one"
        if value.startswith("[")
        else f"keep one `{key} = ...` line"
    )
    return f"`{key}` is set twice ({where}); a key may appear once per table", fix


_HEADER = re.compile(r"\s*\[(?P<name>[A-Za-z0-9_.\- ]+)\]\s*(?:#.*)?$")


def _table_twice(lines: list[str], line: int, name: str) -> tuple[str, str] | None:
    """A table header that clashes with what came before: the same table declared again,
    or a key above that already holds a value where the table would go."""
    dotted = [part.strip() for part in name.split(".")]
    for n in range(line - 1, 0, -1):
        other = _HEADER.match(lines[n - 1])
        if other is not None and [p.strip() for p in other.group("name").split(".")] == dotted:
            return (
                f"the table [{name}] is declared twice (lines {n} and {line})",
                f"merge the two [{name}] tables into one",
            )
    # `migrations = "..."` at the top, then [migrations.python]: the key's value is a
    # string, and a table cannot go inside it.
    table: list[str] = []
    for n in range(1, line):
        text = lines[n - 1]
        other = _HEADER.match(text)
        if other is not None:
            table = [p.strip() for p in other.group("name").split(".")]
            continue
        k = _KEY_LINE.match(text)
        if k is None:
            continue
        key = [*table, k.group("key").strip()]
        if dotted[: len(key)] == key:
            shown = ".".join(key)
            hint = f"set `{shown}` in one place: inside [{'.'.join(key)}], or as one value"
            if key == ["migrations"]:
                hint = (
                    'write the source inside the table: [migrations] source = "python:..." '
                    '(with [migrations.python] below it), or keep `migrations = "..."` and '
                    "name the fields in a [migrations_python] table"
                )
            return (
                f"`{shown}` is set as a value (line {n}) and as a table ([{name}], line {line})",
                hint,
            )
    return None


def _tool_section(data: dict[str, Any], p: Path) -> dict[str, Any] | None:
    """pyproject.toml's [tool.driftcheck] table, None when it has none."""
    tool = data.get("tool")
    table = tool.get("driftcheck") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(
            f"{p}: tool.driftcheck = {_shown(table)}: expected a table",
            hint="write the settings under a [tool.driftcheck] header",
            code="config_value",
        )
    return table


def _where(p: Path) -> str:
    return f"{p}" + (" [tool.driftcheck]" if p.name == PYPROJECT else "")


def _keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in table.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
    return keys


def _build(table: dict[str, Any], p: Path) -> Config:
    reserved = next((k for k in _RESERVED if k in table), None)
    if reserved is not None:
        raise ConfigError(
            f"{_where(p)}: unknown key {reserved!r}",
            hint=f"known keys here: {_known(Config)}",
            code="config_key",
        )
    flat, renamed = _migrations_table(table, p)
    try:
        cfg = Config.model_validate(flat)
    except ValidationError as exc:
        raise _explain(exc, p, renamed) from None
    base = p.parent
    keys = _keys(table) | set(renamed)  # `migrations.format` also sets migrations_format
    if isinstance(table.get("migrations"), dict) and "migrations" not in renamed:
        keys.discard("migrations")  # a [migrations] table without `source` names none
    updates: dict[str, Any] = {"source": _source_label(p), "from_file": frozenset(keys)}
    for key in _PATH_KEYS:
        value = getattr(cfg, key)
        if value and not value.startswith("python:"):
            updates[key] = _rel(base, value)
    if cfg.database:
        updates["database"] = rebase(cfg.database, lambda value: _rel(base, value))
    if cfg.targets:
        updates["targets"] = tuple(_rebase_target(t, base) for t in cfg.targets)
    if cfg.replay.baseline:
        updates["replay"] = cfg.replay.model_copy(
            update={"baseline": _rel(base, cfg.replay.baseline)}
        )
    return cfg.model_copy(update=updates)


def _rebase_target(t: TargetConfig, base: Path) -> TargetConfig:
    """A target's paths, relative to the config file's directory as every path in it is."""
    update: dict[str, Any] = {"db": rebase(t.db, lambda value: _rel(base, value))}
    if t.migrations and not t.migrations.startswith("python:"):
        update["migrations"] = _rel(base, t.migrations)
    if t.expected:
        update["expected"] = _rel(base, t.expected)
    return t.model_copy(update=update)


# `[migrations]` as a table: each key and the top-level key it stands for. TOML
# cannot hold both `migrations = "python:..."` and a [migrations.python] table, so
# the table form carries the source too.
_MIGRATIONS_TABLE = {
    "source": "migrations",
    "format": "migrations_format",
    "pattern": "migrations_pattern",
    "python": "migrations_python",
}


def _migrations_table(table: dict[str, Any], p: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The file's table with a `[migrations]` table turned into the top-level keys it
    stands for, and {top-level key: dotted key as written} for messages."""
    section = table.get("migrations")
    if not isinstance(section, dict):
        return table, {}
    flat = {k: v for k, v in table.items() if k != "migrations"}
    renamed: dict[str, str] = {}
    header = _header(p, "migrations")
    for key, value in section.items():
        target = _MIGRATIONS_TABLE.get(key)
        if target is None:
            close = difflib.get_close_matches(key, list(_MIGRATIONS_TABLE), n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"{_where(p)}: unknown key 'migrations.{key}'",
                hint=f"{guess}known keys under {header}: {', '.join(_MIGRATIONS_TABLE)}",
                code="config_key",
            )
        if target in flat:
            raise ConfigError(
                f"{_where(p)}: both `{target}` and `{key}` under {header} are set",
                hint=f"keep one of them (`{key}` under {header} stands for `{target}`)",
                code="config_value",
            )
        flat[target] = value
        renamed[target] = f"migrations.{key}"
    return flat, renamed


def _rel(base: Path, value: str) -> str:
    """A path from the config file's directory, shown relative to the cwd when possible."""
    p = Path(value)
    if p.is_absolute():
        return value
    full = base / p
    try:
        return str(full.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(full)


# --------------------------------------------------------------------------
# Messages: what was given, what is expected, and an example to copy


_SECTIONS: dict[str, type[BaseModel]] = {
    "": Config,
    "replay": ReplayConfig,
    "lint": LintConfig,
    "history": HistoryConfig,
    "history.version_pointer": VersionPointer,
    "targets": TargetConfig,
    "notify": NotifyConfig,
    "serve": ServeConfig,
    "migrations_python": PythonFieldsConfig,
    "migrations.python": PythonFieldsConfig,
}
_FUNCTIONS = "a list of SQL function names, each optionally with /number-of-arguments"
_COLUMN = "a column name (a string)"
# key: (what is expected, an example value)
_EXPECTED: dict[str, tuple[str, str]] = {
    "migrations": (
        'a directory (a string), "python:package.module:attribute", or a [migrations] table',
        '"db/migrations"',
    ),
    "migrations.source": (
        'a directory (a string), or "python:package.module:attribute"',
        '"python:app.db:MIGRATIONS"',
    ),
    "migrations_python": ("a section", ""),
    **{
        f"migrations_python.{role}": ("a field name (a string)", json.dumps(example))
        for role, example in (
            ("version", "version"),
            ("name", "name"),
            ("description", "description"),
            ("sql", "sql_statements"),
            ("rollback", "rollback_statements"),
        )
    },
    "migrations_pattern": (
        "a regular expression (a string)",
        r"'V(?P<version>\d+)__(?P<name>.+)\.sql'",
    ),
    "database": ("a path or a URL (a string)", '"data/app.db"'),
    "expected_schemas": ("a directory (a string)", '"expected_schemas"'),
    "ignore": ("a list of patterns", '["table:scratch_*", "index:tmp_*"]'),
    "busy_timeout": ("a number of seconds, 0 or more", "5"),
    "targets.db": ("a path, a glob pattern or a URL (a string)", '"tenants/*.db"'),
    "notify": ("a section", ""),
    "notify.url": ("an http:// or https:// URL (a string)", '"https://hooks.example.com/dc"'),
    "notify.secret": ("a shared secret (a string)", '"change-me"'),
    "notify.timeout": ("a number of seconds, more than 0, at most 300", "5"),
    "notify.retries": ("a whole number, 0 to 10", "3"),
    "serve": ("a section", ""),
    "serve.host": ("an address or host name (a string)", '"127.0.0.1"'),
    "serve.port": ("a port number, 1 to 65535", "9466"),
    "serve.interval": (
        f"a whole number of seconds, 1 to {MAX_INTERVAL} (7 days)",
        "300",
    ),
    "serve.metrics_databases": ("a whole number, 0 to 10000", "100"),
    "replay": ("a section", ""),
    "replay.functions": (_FUNCTIONS, '["normalize", "BIN2B64/1"]'),
    "replay.identity": (_FUNCTIONS, '["lower_ascii/1"]'),
    "replay.baseline": ("the path of an SQL file (a string)", '"db/base_schema.sql"'),
    "lint": ("a section", ""),
    "lint.ignore": ("a list of lint codes", '["DC202", "DC102"]'),
    "history": ("a section", ""),
    "history.table": ("a table name (a string)", '"schema_migrations"'),
    "history.checksum": ('"sha256", or no checksum key', '"sha256"'),
    "history.checksum_length": ("a number of hex digits, 1 to 64", "16"),
    "history.rollback_sql_format": ('"text" or "json"', '"json"'),
    "history.version_pointer": ("a section", ""),
    "history.version_pointer.table": ("a table name (a string)", '"settings"'),
    "history.version_pointer.key": ("the key of the version's row (a string)", '"version"'),
    "history.version_pointer.touch_keys": (
        "a list of keys (strings) whose rows hold a time",
        '["last_migration"]',
    ),
}


def _expected(key: str) -> tuple[str, str]:
    if key == "migrations_format":
        return "one of " + ", ".join(migrations_formats()), '"flyway"'
    if key == "history.kind":
        return "one of " + ", ".join(history_kinds()), '"table"'
    if key in _EXPECTED:
        return _EXPECTED[key]
    # The other keys name columns: version_column = "version".
    return _COLUMN, json.dumps(key.rpartition(".")[2].removesuffix("_column"))


def _known(model: type[BaseModel]) -> str:
    return ", ".join(k for k in model.model_fields if k not in _RESERVED)


def _header(p: Path, section: str) -> str:
    return "[" + ("tool.driftcheck." if p.name == PYPROJECT else "") + section + "]"


def _shown(value: Any, limit: int = 60) -> str:
    """A value as it would be written in TOML."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        # A regex reads best as a literal string: no doubled backslashes.
        literal = "\\" in value and "'" not in value and "\n" not in value
        text = f"'{value}'" if literal else json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_shown(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {_shown(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _explain(exc: ValidationError, p: Path, renamed: dict[str, str] | None = None) -> ConfigError:
    """One pydantic error, in the file's own terms (`renamed`: see _migrations_table)."""
    where = _where(p)
    err = exc.errors()[0]
    if err["loc"][:1] == ("targets",):
        # A misspelt key reads better as itself than as the key it leaves missing.
        unknown = [e for e in exc.errors() if e["type"] == "extra_forbidden"]
        return _explain_target(unknown[0] if unknown else err, p)
    loc = [str(x) for x in err["loc"] if not isinstance(x, int)]
    index = next((x for x in err["loc"] if isinstance(x, int)), None)
    flat = ".".join(loc)  # the key as Config knows it
    if loc and renamed and loc[0] in renamed:  # written under [migrations]
        loc = [*renamed[loc[0]].split("."), *loc[1:]]
    key = ".".join(loc)
    section, _, leaf = key.rpartition(".")
    given = err.get("input")
    if key == "database" and isinstance(given, str):
        given = redact(given)  # a message never shows a password
    kind = err["type"]

    if kind == "extra_forbidden":
        model = _SECTIONS.get(section, Config)
        close = difflib.get_close_matches(leaf, _known(model).split(", "), n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        return ConfigError(
            f"{where}: unknown key {key!r}",
            hint=f"{guess}known keys here: {_known(model)}",
            code="config_key",
        )
    under = f" under {_header(p, section)}" if section else ""
    bad = err.get("ctx", {}).get("error") if kind == "value_error" else None
    if isinstance(bad, _Bad):
        # A rule across keys has no key of its own.
        what = f"{key} = {_shown(given)}: {bad.problem}" if key else bad.problem
        hint = bad.hint.replace(f"{flat} = ", f"{leaf} = ") if flat != key else bad.hint
        return ConfigError(f"{where}: {what}", hint=hint + under, code="config_value")
    expected, example = _expected(key if key in _EXPECTED else flat)
    if kind == "missing":
        return ConfigError(
            f"{where}: {key} is required{under}",
            hint=f"add it, e.g. {leaf} = {example}",
            code="config_value",
        )
    if expected == "a section":
        given_line = f"{leaf} = {_shown(given)}"
        return ConfigError(
            f"{where}: {given_line}: expected a section",
            hint=f"write its keys under a {_header(p, key)} header",
            code="config_value",
        )
    if index is not None:
        return ConfigError(
            f"{where}: {key}: item {index + 1} is {_shown(given)}, not a string",
            hint=f"quote each item, e.g. {leaf} = {example}{under}",
            code="config_value",
        )
    if expected.startswith("a list") and isinstance(given, str):
        return ConfigError(
            f"{where}: {key} = {_shown(given)}: expected {expected}, not a string",
            hint=f"write it as a list: {leaf} = [{_shown(given)}]{under}",
            code="config_value",
        )
    return ConfigError(
        f"{where}: {key} = {_shown(given)}: expected {expected}",
        hint=f"e.g. {leaf} = {example}{under}",
        code="config_value",
    )


def _explain_target(err: Any, p: Path) -> ConfigError:
    """A `[[targets]]` error, naming the table by its number (the first is 1)."""
    where = _where(p)
    header = "[[" + ("tool.driftcheck." if p.name == PYPROJECT else "") + "targets]]"
    loc = err["loc"]
    given = err.get("input")
    kind = err["type"]
    example = f'{header}\ndb = "tenants/*.db"'
    if len(loc) == 1:  # targets = "a.db", not a list of tables
        return ConfigError(
            f"{where}: targets = {_shown(given)}: expected {header} tables",
            hint=f"write each database or pattern as a table of its own:\n{example}",
            code="config_value",
        )
    n = loc[1] + 1 if isinstance(loc[1], int) else 1
    which = f"{where}: {header} {n}"
    bad = err.get("ctx", {}).get("error") if kind == "value_error" else None
    if len(loc) == 2 and isinstance(bad, _Bad):  # a rule across the table's keys
        return ConfigError(f"{which}: {bad.problem}", hint=bad.hint, code="config_value")
    if len(loc) == 2:  # an item that is not a table: targets = ["a.db"]
        db = json.dumps(given) if isinstance(given, str) else '"tenants/*.db"'
        return ConfigError(
            f"{where}: targets: item {n} is {_shown(given)}, not a table",
            hint=f"write each as a table of its own:\n{header}\ndb = {db}",
            code="config_value",
        )
    key = ".".join(str(x) for x in loc[2:])
    if kind == "extra_forbidden":
        known = [*TargetConfig.model_fields, "database"]
        close = difflib.get_close_matches(key, known, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        return ConfigError(
            f"{which}: unknown key {key!r}",
            hint=f"{guess}known keys here: {', '.join(known)}",
            code="config_key",
        )
    if kind == "missing":
        return ConfigError(
            f"{which}: {key} is required",
            hint='add it, e.g. db = "tenants/*.db" (a path, a glob pattern or a URL)',
            code="config_value",
        )
    shown = _shown(redact(given) if isinstance(given, str) else given)
    if isinstance(bad, _Bad):
        return ConfigError(
            f"{which}: {key} = {shown}: {bad.problem}", hint=bad.hint, code="config_value"
        )
    expected, example = _TARGET_KEYS.get(key, _TARGET_KEYS["db"])
    return ConfigError(
        f"{which}: {key} = {shown}: expected {expected}",
        hint=f"e.g. {key} = {example}",
        code="config_value",
    )


# A [[targets]] key: (what is expected, an example value).
_TARGET_KEYS = {
    "db": ("a path, a glob pattern or a URL (a string)", '"tenants/*.db"'),
    "name": ("a name (a string): letters, digits, '.', '_', '-'", '"tenants"'),
    "migrations": (
        'a directory (a string), or "python:package.module:attribute"',
        '"db/migrations"',
    ),
    "migrations_format": ("a migrations format (a string)", '"flyway"'),
    "migrations_pattern": ("a regular expression (a string)", r"'V(?P<version>\d+)__.*\.sql'"),
    "expected": ("a directory of expected schemas (a string)", '"expected_schemas"'),
    "history": ("a history store (a string)", '"auto"'),
    "busy_timeout": ("a number of seconds, 0 or more", "5"),
}


def _source_label(p: Path) -> str:
    """How messages name the config file: relative to the working directory when inside it."""
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def build_config(table: dict[str, Any]) -> Config:
    """A configuration given as a mapping shaped like driftcheck.toml (the Python API's
    `config=`), checked as a file is; paths in it are relative to the working directory."""
    return _build(table, Path(MAPPING_LABEL))


MAPPING_LABEL = "<config mapping>"
