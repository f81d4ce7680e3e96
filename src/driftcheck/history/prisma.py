"""Prisma Migrate's `_prisma_migrations`, read and written the way Prisma does on SQLite.

One row per attempt at a migration, named by its directory (`20240101120000_init`):
`finished_at` is set when it succeeded; a row with neither `finished_at` nor
`rolled_back_at` is a migration that failed (or is still running), and Prisma refuses
to migrate until it is resolved; `prisma migrate resolve --rolled-back` sets
`rolled_back_at` on such a row, which then counts for nothing but the audit trail.
`checksum` is the hex SHA-256 of migration.sql. Prisma's SQLite driver writes its
timestamps as integers: milliseconds since the Unix epoch.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

from driftcheck.errors import ConfigError
from driftcheck.history.base import (
    ChecksumState,
    Entry,
    History,
    Store,
    Write,
    entries_of,
    ident,
    text_or_none,
)
from driftcheck.migrations.model import Migration

_NAME = re.compile(r"(?P<version>\d+)(?:_(?P<name>.*))?", re.DOTALL)
_SCRIPT = "/migration.sql"


def split_name(migration_name: str) -> tuple[str, str | None]:
    """A row's migration_name as version and name: `20240101120000_init` gives
    (`20240101120000`, `init`); a name without leading digits is its own version."""
    m = _NAME.fullmatch(migration_name)
    if m is None:
        return migration_name, None
    return m.group("version"), m.group("name")


def join_name(version: str, name: str | None) -> str:
    """The migration_name that `split_name` took apart."""
    return version if name is None else f"{version}_{name}"


def migration_name(m: Migration) -> str:
    """The name Prisma records for `m`: its directory's name."""
    if len(m.files) == 1 and m.files[0].endswith(_SCRIPT):
        return m.files[0][: -len(_SCRIPT)]
    return f"{m.version}_{m.name}" if m.name else m.version


def now_ms() -> int:
    """The time as Prisma writes it on SQLite (quaint binds a DateTime as
    `timestamp_millis()`)."""
    return int(datetime.now(UTC).timestamp() * 1000)


def shown_time(value: Any) -> str | None:
    """A stored timestamp for reports: integer milliseconds as UTC date and time;
    text (SQLite's CURRENT_TIMESTAMP, which Prisma also reads) as stored."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        except (OverflowError, OSError, ValueError):
            return str(value)
    return text_or_none(value)


def _unpadded(hex_digest: str) -> str:
    """A checksum as an early Prisma wrote it: each byte in hex without its leading zero
    (prisma-engines issue 1887); Prisma compares a checksum that is not 64 characters
    long this way."""
    return "".join(f"{b:x}" for b in bytes.fromhex(hex_digest))


class PrismaStore(Store):
    kind = "prisma"
    default_table = "_prisma_migrations"
    checksum_algorithm = "SHA-256 of migration.sql"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if not history.exists:
            return history
        rolled_back = 0
        # As Prisma lists them: by started_at (rowid keeps ties in insertion order).
        for name, checksum, started_at, finished_at, rolled_back_at in conn.execute(
            "SELECT migration_name, checksum, started_at, finished_at, rolled_back_at "
            f"FROM {ident(self.table)} ORDER BY started_at, rowid"
        ):
            if rolled_back_at is not None:
                rolled_back += 1  # ignored by Prisma for everything but the audit trail
                continue
            version, rest = split_name(str(name))
            history.entries.append(
                Entry(
                    version,
                    rest,
                    text_or_none(checksum),
                    shown_time(finished_at if finished_at is not None else started_at),
                    # No finished_at: the migration failed, or is running right now.
                    success=finished_at is not None,
                )
            )
        if rolled_back:
            history.notes.append(
                f"{rolled_back} rolled-back row(s) in {self.table} (failed tries marked "
                "with `prisma migrate resolve --rolled-back`) count for nothing, as in Prisma"
            )
        return history

    def expected_checksum(self, m: Migration) -> str | None:
        return m.file_sha256[0] if m.file_sha256 else None

    def checksum_state(self, entry: Entry, m: Migration) -> ChecksumState:
        # As Prisma's script_matches_checksum: the file's bytes, or them with the other
        # line endings; a checksum of another length was written without zero padding.
        if entry.checksum is None or entry.checksum == "":
            return "none"
        if not m.file_sha256:
            return "unknown"
        recorded = str(entry.checksum)
        accepted = m.file_sha256
        if len(recorded) != 64:
            accepted = tuple(_unpadded(h) for h in accepted)
        return "match" if recorded in accepted else "mismatch"

    def create(self) -> list[Write]:
        assert self.table is not None
        # prisma-engines, sqlite flavour: create_migrations_table.
        return [
            (
                f"CREATE TABLE {ident(self.table)} (\n"
                '    "id"                    TEXT PRIMARY KEY NOT NULL,\n'
                '    "checksum"              TEXT NOT NULL,\n'
                '    "finished_at"           DATETIME,\n'
                '    "migration_name"        TEXT NOT NULL,\n'
                '    "logs"                  TEXT,\n'
                '    "rolled_back_at"        DATETIME,\n'
                '    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,\n'
                '    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0\n'
                ")",
                (),
            )
        ]

    def _checksum(self, m: Migration) -> str:
        checksum = self.expected_checksum(m)
        if checksum is None:
            raise ConfigError(
                f"version {m.version} ({m.label}) cannot be recorded the way Prisma does: "
                "Prisma records the SHA-256 of a directory's migration.sql",
                hint="read the migrations as Prisma's (--migrations-format prisma), or choose "
                "another store with --history",
                code="history_version",
            )
        return checksum

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        checksum = self._checksum(m)
        finished = now_ms()
        if how == "applied":
            # As `prisma migrate deploy`: the row inserted when the script starts, its one
            # step counted, finished_at set when it is done; logs stay NULL.
            return [
                (
                    f"INSERT INTO {ident(self.table)} (id, checksum, finished_at, "
                    "migration_name, logs, rolled_back_at, started_at, applied_steps_count) "
                    "VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)",
                    (
                        str(uuid.uuid4()),
                        checksum,
                        finished,
                        migration_name(m),
                        finished - max(execution_ms, 0),
                    ),
                )
            ]
        # As `prisma migrate resolve --applied` (mark_migration_applied): started_at and
        # finished_at alike, logs empty, applied_steps_count left at its default, 0.
        return [
            (
                f"INSERT INTO {ident(self.table)} "
                "(id, checksum, logs, started_at, finished_at, migration_name) "
                "VALUES (?, ?, '', ?, ?, ?)",
                (str(uuid.uuid4()), checksum, finished, finished, migration_name(m)),
            )
        ]

    def _roll_back_failed(self, entries: list[Entry]) -> list[Write]:
        """As `prisma migrate resolve --rolled-back`: a failed row is kept, with
        rolled_back_at set, and counts for nothing afterwards."""
        assert self.table is not None
        names = dict.fromkeys(join_name(e.version, e.name) for e in entries if not e.success)
        return [
            (
                f"UPDATE {ident(self.table)} SET rolled_back_at = ? WHERE migration_name = ? "
                "AND finished_at IS NULL AND rolled_back_at IS NULL",
                (now_ms(), name),
            )
            for name in names
        ]

    def mark_applied(self, m: Migration, history: History) -> list[Write]:
        # As `prisma migrate resolve --applied`: its failed rows are rolled back first.
        writes = self._roll_back_failed(entries_of(history, m.version))
        return writes + self.record(m, "recorded", 0, history)

    def forget(self, version: str, previous: Migration | None, history: History) -> list[Write]:
        assert self.table is not None
        entries = entries_of(history, version)
        done = [e for e in entries if e.success]
        if done:
            name = join_name(done[-1].version, done[-1].name)
            literal = "'" + name.replace("'", "''") + "'"
            raise ConfigError(
                f"prisma history ({self.table}) cannot forget {name}: it finished, and "
                "Prisma never rolls back a migration that succeeded (`prisma migrate resolve "
                "--rolled-back` refuses it)",
                hint=f"to forget it anyway, delete its row by hand: DELETE FROM "
                f"{ident(self.table)} WHERE migration_name = {literal}",
                code="history_unsupported",
            )
        return self._roll_back_failed(entries)

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        assert self.table is not None
        # Prisma has no command for this (`migrate dev` offers to reset instead); the
        # row is left as Prisma would have written it for the file as it is now.
        return [
            (
                f"UPDATE {ident(self.table)} SET checksum = ? WHERE migration_name = ? "
                "AND finished_at IS NOT NULL AND rolled_back_at IS NULL",
                (self._checksum(m), join_name(entry.version, entry.name)),
            )
        ]
