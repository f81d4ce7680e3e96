"""driftcheck's own history table, `driftcheck_history`, created by the first `apply`."""

from __future__ import annotations

import sqlite3

from driftcheck.history.base import Entry, History, Store, Write, ident, now_utc, text_or_none
from driftcheck.migrations.model import Migration


class OwnStore(Store):
    kind = "driftcheck"
    default_table = "driftcheck_history"
    checksum_algorithm = "sha256 of the up-SQL (line endings normalised)"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        if not self.exists(conn):
            return History(self.kind, self.table, False, internal=self.internal_tables())
        rows = conn.execute(
            f"SELECT version, name, checksum, applied_at, how, success FROM {ident(self.table)}"
        ).fetchall()
        entries = [
            Entry(str(v), text_or_none(n), text_or_none(c), text_or_none(at), bool(ok), how=h)
            for v, n, c, at, h, ok in rows
        ]
        return History(self.kind, self.table, True, entries, internal=self.internal_tables())

    def expected_checksum(self, m: Migration) -> str:
        return m.checksum

    def create(self) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"CREATE TABLE {ident(self.table)} (\n"
                "    version TEXT PRIMARY KEY NOT NULL,\n"
                "    name TEXT NOT NULL DEFAULT '',\n"
                "    checksum TEXT,\n"
                "    applied_at TEXT NOT NULL,\n"
                "    execution_ms INTEGER,\n"
                "    how TEXT NOT NULL CHECK (how IN ('applied', 'recorded')),\n"
                "    success INTEGER NOT NULL DEFAULT 1\n"
                ")",
                (),
            )
        ]

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"INSERT INTO {ident(self.table)} "
                "(version, name, checksum, applied_at, execution_ms, how, success) "
                "VALUES (?, ?, ?, ?, ?, ?, 1)",
                (
                    m.version,
                    m.name,
                    m.checksum,
                    now_utc(),
                    execution_ms if how == "applied" else None,
                    how,
                ),
            )
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        return [(f"DELETE FROM {ident(self.table)} WHERE version = ?", (stored,))]

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"UPDATE {ident(self.table)} SET checksum = ? WHERE version = ?",
                (m.checksum, entry.version),
            )
        ]
