"""`PRAGMA user_version`: the latest applied version, a number in the database header."""

from __future__ import annotations

import sqlite3

from driftcheck.errors import ConfigError
from driftcheck.history.base import CumulativeStore, Entry, History, Write
from driftcheck.migrations.model import Migration

_MAX = 2**31 - 1  # user_version is a signed 32-bit integer


def numeric_version(version: str) -> int | None:
    return int(version) if version.isdigit() and int(version) <= _MAX else None


class UserVersionStore(CumulativeStore):
    kind = "user_version"
    default_table = None

    def internal_tables(self) -> tuple[str, ...]:
        return ()

    def exists(self, conn: sqlite3.Connection) -> bool:
        return True

    def read(self, conn: sqlite3.Connection) -> History:
        value = int(conn.execute("PRAGMA user_version").fetchone()[0])
        entries = [Entry(str(value))] if value > 0 else []
        return History(self.kind, None, True, entries, cumulative=True)

    def create(self) -> list[Write]:
        return []

    def set_version(self, m: Migration | None) -> list[Write]:
        if m is None:
            return [("PRAGMA user_version = 0", ())]
        n = numeric_version(m.version)
        if n is None:
            raise ConfigError(
                f"version {m.version} cannot be stored in PRAGMA user_version",
                hint="user_version holds whole numbers up to 2147483647; choose another "
                "history store with --history",
                code="history_version",
            )
        # A pragma takes no parameters; n is an int, so formatting is safe.
        return [(f"PRAGMA user_version = {n}", ())]
