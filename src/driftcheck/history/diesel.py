"""diesel's `__diesel_schema_migrations (version, run_on)`."""

from __future__ import annotations

import sqlite3

from driftcheck.history.base import Entry, History, Store, Write, ident, text_or_none
from driftcheck.migrations.model import Migration
from driftcheck.versions import VersionKey, version_key


def diesel_version(version: str) -> str:
    """diesel records `2024-01-01-000000` as `20240101000000`."""
    return version.replace("-", "")


class DieselStore(Store):
    kind = "diesel"
    default_table = "__diesel_schema_migrations"

    def key(self, version: str) -> VersionKey:
        return version_key(diesel_version(version))

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(
            self.kind, self.table, self.exists(conn), internal=self.internal_tables(), key=self.key
        )
        if history.exists:
            history.entries = [
                Entry(str(v), applied_at=text_or_none(at))
                for v, at in conn.execute(
                    f"SELECT version, run_on FROM {ident(self.table)} ORDER BY version"
                )
            ]
        return history

    def create(self) -> list[Write]:
        assert self.table is not None
        return [
            (
                f"CREATE TABLE IF NOT EXISTS {ident(self.table)} (\n"
                "    version VARCHAR(50) PRIMARY KEY NOT NULL,\n"
                "    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
                ")",
                (),
            )
        ]

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        return [
            (f"INSERT INTO {ident(self.table)} (version) VALUES (?)", (diesel_version(m.version),))
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # As `diesel migration revert`.
        return [(f"DELETE FROM {ident(self.table)} WHERE version = ?", (stored,))]
