"""dbmate's `schema_migrations (version)`: one row per applied version."""

from __future__ import annotations

import sqlite3

from driftcheck.history.base import Entry, History, Store, Write, ident
from driftcheck.migrations.model import Migration


class DbmateStore(Store):
    kind = "dbmate"
    default_table = "schema_migrations"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if history.exists:
            history.entries = [
                Entry(str(v))
                for (v,) in conn.execute(
                    f"SELECT version FROM {ident(self.table)} ORDER BY version"
                )
            ]
        return history

    def create(self) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"CREATE TABLE IF NOT EXISTS {ident(self.table)} "
                "(version varchar(128) primary key)",
                (),
            )
        ]

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        return [(f"INSERT INTO {ident(self.table)} (version) VALUES (?)", (m.version,))]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # As `dbmate rollback`.
        return [(f"DELETE FROM {ident(self.table)} WHERE version = ?", (stored,))]
