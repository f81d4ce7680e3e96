"""golang-migrate's `schema_migrations (version, dirty)`: one row, the current version."""

from __future__ import annotations

import sqlite3

from driftcheck.errors import ConfigError
from driftcheck.history.base import CumulativeStore, Entry, History, Write, ident
from driftcheck.migrations.model import Migration


class GolangMigrateStore(CumulativeStore):
    kind = "golang-migrate"
    default_table = "schema_migrations"

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(
            self.kind,
            self.table,
            self.exists(conn),
            cumulative=True,
            internal=self.internal_tables(),
        )
        if history.exists:
            row = conn.execute(f"SELECT version, dirty FROM {ident(self.table)} LIMIT 1").fetchone()
            if row is not None and row[0] is not None and int(row[0]) >= 0:
                dirty = bool(row[1])
                # A dirty version failed halfway: golang-migrate refuses to go on.
                history.entries.append(Entry(str(row[0]), success=not dirty, dirty=dirty))
        return history

    def create(self) -> list[Write]:
        assert self.table is not None
        t = ident(self.table)
        return [
            (f"CREATE TABLE IF NOT EXISTS {t} (version uint64,dirty bool)", ()),
            (f"CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON {t} (version)", ()),
        ]

    def set_version(self, m: Migration | None) -> list[Write]:
        """As golang-migrate's SetVersion(version, dirty=false): the table holds exactly
        one row; with no version (NilVersion) it holds none."""
        assert self.table is not None
        if m is not None and not m.version.isdigit():
            raise ConfigError(
                f"version {m.version} is not a golang-migrate version",
                hint="golang-migrate versions are whole numbers",
                code="history_version",
            )
        t = ident(self.table)
        writes: list[Write] = [(f"DELETE FROM {t}", ())]
        if m is not None:
            writes.append((f"INSERT INTO {t} (version, dirty) VALUES (?, ?)", (int(m.version), 0)))
        return writes
