"""sqlx's `_sqlx_migrations`: one row per version, with a SHA-384 of the file."""

from __future__ import annotations

import sqlite3

from driftcheck.errors import ConfigError
from driftcheck.history.base import Entry, History, Store, Write, ident, text_or_none
from driftcheck.migrations.model import Migration


class SqlxStore(Store):
    kind = "sqlx"
    default_table = "_sqlx_migrations"
    checksum_algorithm = "SHA-384 of the file"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if history.exists:
            for version, description, installed_on, success, checksum in conn.execute(
                "SELECT version, description, installed_on, success, checksum "
                f"FROM {ident(self.table)} ORDER BY version"
            ):
                # success = FALSE: a migration that failed outside a transaction.
                history.entries.append(
                    Entry(
                        str(version),
                        text_or_none(description),
                        checksum,
                        text_or_none(installed_on),
                        bool(success),
                    )
                )
        return history

    def expected_checksum(self, m: Migration) -> bytes | None:
        return bytes.fromhex(m.file_sha384) if m.file_sha384 else None

    def create(self) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"CREATE TABLE IF NOT EXISTS {ident(self.table)} (\n"
                "    version BIGINT PRIMARY KEY,\n"
                "    description TEXT NOT NULL,\n"
                "    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                "    success BOOLEAN NOT NULL,\n"
                "    checksum BLOB NOT NULL,\n"
                "    execution_time BIGINT NOT NULL\n"
                ")",
                (),
            )
        ]

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        checksum = self.expected_checksum(m)
        if checksum is None or not m.version.lstrip("-").isdigit():
            raise ConfigError(
                f"version {m.version} cannot be recorded the way sqlx does",
                hint="sqlx needs one file per version with an integer version",
                code="history_version",
            )
        # sqlx stores the description with spaces, and the time in nanoseconds.
        return [
            (
                f"INSERT INTO {ident(self.table)} "
                "(version, description, success, checksum, execution_time) "
                "VALUES (?, ?, TRUE, ?, ?)",
                (int(m.version), m.name.replace("_", " "), checksum, execution_ms * 1_000_000),
            )
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # As `sqlx migrate revert`.
        return [(f"DELETE FROM {ident(self.table)} WHERE version = ?", (int(stored),))]

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        assert self.table is not None
        checksum = self.expected_checksum(m)
        if checksum is None:
            raise self.cannot(f"store a checksum for {m.label} (sqlx hashes one file)")
        return [
            (
                f"UPDATE {ident(self.table)} SET checksum = ? WHERE version = ?",
                (checksum, int(entry.version)),
            )
        ]
