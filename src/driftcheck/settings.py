"""Settings: the config file's values with command-line flags applied on top."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from driftcheck.config import Config
from driftcheck.dburl import database_path, redact
from driftcheck.errors import ConfigError
from driftcheck.sqlite.connect import FunctionStub, parse_function_decls

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
    busy_timeout_override: float | None = None  # --busy-timeout
    flags: frozenset[str] = frozenset()  # the settings given on the command line

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
        busy_timeout: float | None = None,
    ) -> Settings:
        return cls(
            config=config,
            migrations=migrations or config.migrations,
            migrations_format=migrations_format or config.migrations_format,
            migrations_pattern=migrations_pattern or config.migrations_pattern,
            database=database or config.database,
            expected_dir=expected_dir,
            progress=progress,
            busy_timeout_override=busy_timeout,
            flags=frozenset(
                k
                for k, v in (
                    ("migrations", migrations),
                    ("migrations_format", migrations_format),
                    ("migrations_pattern", migrations_pattern),
                    ("database", database),
                )
                if v
            ),
        )

    def origin(self, key: str) -> str | None:
        """Where a setting came from when it was the config file ("`migrations` in
        /p/driftcheck.toml"), for messages; None for a flag or a default."""
        return None if key in self.flags else self.config.origin(key)

    @property
    def busy_timeout(self) -> float:
        """Seconds to wait for another process's lock: --busy-timeout, else the config's."""
        if self.busy_timeout_override is not None:
            return self.busy_timeout_override
        return self.config.busy_timeout

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
