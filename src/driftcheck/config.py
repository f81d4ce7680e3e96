"""Configuration: `driftcheck.toml`, or `[tool.driftcheck]` in `pyproject.toml`.

Looked up in the working directory (or given with --config). Paths in the
file are relative to the file's directory. Command-line flags override the
file. Unknown keys are errors that name the key and the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from driftcheck.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReplayConfig(_Section):
    functions: tuple[str, ...] = ()  # stubs returning NULL: "name" or "name/nargs"
    identity: tuple[str, ...] = ()  # stubs returning their first argument
    baseline: str | None = None  # SQL file run before the first migration


class VersionPointer(_Section):
    """A key/value row that also holds the current version (kept in step on writes)."""

    table: str
    key_column: str = "key"
    value_column: str = "value"
    key: str = "schema_version"


HistoryKind = Literal[
    "auto",
    "driftcheck",
    "table",
    "user_version",
    "flyway",
    "golang-migrate",
    "dbmate",
    "sqlx",
    "diesel",
    "goose",
    "none",
]


class HistoryConfig(_Section):
    kind: HistoryKind = "auto"
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
    version_pointer: VersionPointer | None = None


class Config(_Section):
    migrations: str | None = None
    migrations_format: str = "auto"
    migrations_pattern: str | None = None
    database: str | None = None
    expected_schemas: str | None = None
    ignore: tuple[str, ...] = ()
    busy_timeout: float = Field(default=5.0, ge=0)  # seconds to wait for another writer's lock
    replay: ReplayConfig = Field(default_factory=ReplayConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    # Where the configuration came from, for messages ("" when none was found).
    source: str = Field(default="", exclude=True)


_PATH_KEYS = ("migrations", "database", "expected_schemas")


def load_config(path: str | None = None, cwd: Path | None = None) -> Config:
    """The configuration in effect: an explicit file, or the one found in `cwd`."""
    cwd = cwd or Path.cwd()
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                f"config file {path}: no such file",
                hint="check the --config path",
                code="config_missing",
            )
        table = _read(p)
        if p.name == "pyproject.toml":
            table = table.get("tool", {}).get("driftcheck", {})
        return _build(table, p)
    own = cwd / "driftcheck.toml"
    if own.is_file():
        return _build(_read(own), own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {}).get("driftcheck")
        if table is not None:
            return _build(table, pyproject)
    return Config()


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
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


def _build(table: dict[str, Any], p: Path) -> Config:
    where = f"{p}" + (" [tool.driftcheck]" if p.name == "pyproject.toml" else "")
    try:
        cfg = Config.model_validate({**table, "source": str(p)})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            section = err["loc"][:-1]
            sections: dict[tuple[str, ...], type[BaseModel]] = {
                ("replay",): ReplayConfig,
                ("history",): HistoryConfig,
                ("history", "version_pointer"): VersionPointer,
            }
            model = sections.get(tuple(str(x) for x in section), Config)
            known = ", ".join(k for k in model.model_fields if k != "source")
            raise ConfigError(
                f"{where}: unknown key {key!r}", hint=f"known keys here: {known}", code="config_key"
            ) from None
        raise ConfigError(
            f"{where}: {key}: {err['msg']}",
            hint="see the configuration section of the README",
            code="config_value",
        ) from None
    base = p.parent
    updates: dict[str, Any] = {}
    for key in _PATH_KEYS:
        value = getattr(cfg, key)
        if value and not value.startswith("python:"):
            updates[key] = _rel(base, value)
    if cfg.replay.baseline:
        updates["replay"] = cfg.replay.model_copy(
            update={"baseline": _rel(base, cfg.replay.baseline)}
        )
    return cfg.model_copy(update=updates)


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
