"""goose's `goose_db_version`: an append-only log of versions applied and rolled back."""

from __future__ import annotations

import sqlite3

from driftcheck.errors import ConfigError
from driftcheck.history.base import Entry, History, Store, Write, ident, text_or_none
from driftcheck.migrations.model import Migration


class GooseStore(Store):
    kind = "goose"
    default_table = "goose_db_version"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if history.exists:
            latest: dict[int, tuple[bool, str | None, int]] = {}
            for row_id, version, applied, tstamp in conn.execute(
                f"SELECT id, version_id, is_applied, tstamp FROM {ident(self.table)} ORDER BY id"
            ):
                latest[int(version)] = (bool(applied), text_or_none(tstamp), int(row_id))
            # Version 0 is the row goose writes when it creates the table.
            history.entries = [
                Entry(str(v), applied_at=at, rank=rank)
                for v, (applied, at, rank) in sorted(latest.items())
                if v != 0 and applied
            ]
        return history

    def create(self) -> list[Write]:
        assert self.table is not None
        t = ident(self.table)
        return [
            (
                f"CREATE TABLE {t} (\n"
                "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                "    version_id INTEGER NOT NULL,\n"
                "    is_applied INTEGER NOT NULL,\n"
                "    tstamp TIMESTAMP DEFAULT (datetime('now'))\n"
                ")",
                (),
            ),
            (f"INSERT INTO {t} (version_id, is_applied) VALUES (?, ?)", (0, 1)),
        ]

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        if not m.version.isdigit():
            raise ConfigError(
                f"version {m.version} is not a goose version",
                hint="goose versions are whole numbers",
                code="history_version",
            )
        return [
            (
                f"INSERT INTO {ident(self.table)} (version_id, is_applied) VALUES (?, ?)",
                (int(m.version), 1),
            )
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # As `goose down` (goose v3 deletes the version's rows).
        return [(f"DELETE FROM {ident(self.table)} WHERE version_id = ?", (int(stored),))]
