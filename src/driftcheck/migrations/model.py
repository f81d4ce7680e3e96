"""What a migration source yields: ordered migrations with their statements.

Plain frozen dataclasses, not pydantic models: the loaders build them from values
they have already checked, nothing serializes them, and every command builds one
per migration (a warm `snapshot` of 1,000 migrations should not pay for
validation or for importing pydantic).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """One SQL statement of a migration, as written (no trailing newline)."""

    sql: str
    file: str  # the file it came from, as shown to users (relative to the source)
    line: int  # 1-based line of the statement's first character in that file
    number: int  # 1-based position among the migration's statements


@dataclass(frozen=True, slots=True, kw_only=True)
class Migration:
    version: str  # as written: "0011", "20240101120000", "1.2.3"
    name: str  # "" when the convention has no name
    files: tuple[str, ...]  # up-files in execution order (one unless versions are directories)
    sql: str  # the up-SQL: BOM stripped, line endings normalised to "\n", files joined by "\n"
    statements: tuple[Statement, ...]
    checksum: str  # "sha256:<hex>" of `sql`
    description: str | None = None
    rollback_sql: str | None = None  # down-SQL when the source has it
    # The down-SQL as separate statements, when the source gives a list (a Python
    # registry's rollback_statements); history stores that keep a JSON list use it.
    rollback_statements: tuple[str, ...] = ()
    no_transaction: bool = False  # goose "-- +goose NO TRANSACTION"
    file_sha384: str | None = None  # hex SHA-384 of the up file's bytes (what sqlx records)
    # Prisma's migration.sql: hex SHA-256 of the file's bytes (what Prisma records), then
    # of them with CRLF -> LF and LF -> CRLF (Prisma accepts any: git converts line endings).
    file_sha256: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How errors name the migration: its first file, or version and name."""
        if self.files:
            return self.files[0]
        return f"{self.version} {self.name}".strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedStep:
    """A step in the migration order that cannot be replayed (code-defined)."""

    version: str | None
    file: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationSet:
    source: str  # as given: a directory path or "python:pkg.mod:attr"
    # plain | flyway | golang-migrate | dbmate | goose | sqlx | diesel | prisma | dirs | pattern
    # | python
    format: str
    migrations: tuple[Migration, ...]  # sorted by version
    skipped: tuple[SkippedStep, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "ignored 3 Flyway undo (U) files"

    @property
    def latest_version(self) -> str | None:
        return self.migrations[-1].version if self.migrations else None
