"""An application's own history table, described in the config.

For example an app that keeps `_aico_migration_history (version, name,
description, rollback_sql, checksum, applied_at)` and a key/value table whose
`schema_version` row also holds the current version:

    [history]
    kind = "table"
    table = "_aico_migration_history"
    name_column = "name"
    [history.version_pointer]
    table = "_aico_schema_metadata"
    key = "schema_version"
"""

from __future__ import annotations

import sqlite3

from driftcheck.errors import ConfigError
from driftcheck.history.base import (
    ChecksumState,
    Entry,
    History,
    Store,
    Write,
    columns_of,
    ident,
    now_utc,
    table_exists,
    text_or_none,
)
from driftcheck.migrations.model import Migration
from driftcheck.normalize import fold
from driftcheck.versions import version_key


class TableStore(Store):
    kind = "table"

    @property
    def checksum_algorithm(self) -> str | None:  # type: ignore[override]
        if not self.config.checksum_column:
            return None
        return "sha256 of the up-SQL" if self.config.checksum == "sha256" else "not known"

    def internal_tables(self) -> tuple[str, ...]:
        pointer = self.config.version_pointer
        return tuple(t for t in (self.table, pointer.table if pointer else None) if t)

    def _columns(self) -> dict[str, str]:
        """Role -> configured column name, for the columns that are configured."""
        c = self.config
        roles = {
            "version": c.version_column,
            "name": c.name_column,
            "description": c.description_column,
            "checksum": c.checksum_column,
            "applied_at": c.applied_at_column,
            "rollback_sql": c.rollback_sql_column,
        }
        return {role: col for role, col in roles.items() if col}

    def read(self, conn: sqlite3.Connection) -> History:
        if self.table is None:
            raise ConfigError(
                '[history] kind = "table" needs `table`',
                hint='name the application\'s history table: table = "..."',
                code="config_value",
            )
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if not history.exists:
            history.notes.append(f"history table {self.table} does not exist")
            return history
        cols = self._columns()
        present = set(columns_of(conn, self.table))
        missing = [
            f"{role}_column = {col!r}" for role, col in cols.items() if fold(col) not in present
        ]
        if missing:
            raise ConfigError(
                f"[history] table {self.table}: no such column: {', '.join(missing)}",
                hint=f"the table has: {', '.join(sorted(present))}",
                code="config_value",
            )
        roles = ["version", "name", "checksum", "applied_at"]
        select = ", ".join(ident(cols[r]) if r in cols else "NULL" for r in roles)
        for version, name, checksum, applied_at in conn.execute(
            f"SELECT {select} FROM {ident(self.table)}"
        ):
            if version is None:
                continue
            history.entries.append(
                Entry(
                    str(version),
                    text_or_none(name),
                    text_or_none(checksum),
                    text_or_none(applied_at),
                )
            )
        history.entries.sort(key=lambda e: version_key(e.version))
        pointer = self.config.version_pointer
        if pointer is not None:
            if not table_exists(conn, pointer.table):
                history.notes.append(f"version pointer table {pointer.table} does not exist")
            else:
                row = conn.execute(
                    f"SELECT {ident(pointer.value_column)} FROM {ident(pointer.table)} "
                    f"WHERE {ident(pointer.key_column)} = ?",
                    (pointer.key,),
                ).fetchone()
                history.pointer = None if row is None or row[0] is None else str(row[0])
                recorded = history.recorded_version
                if history.pointer != recorded and (
                    history.pointer is None
                    or recorded is None
                    or version_key(history.pointer) != version_key(recorded)
                ):
                    history.notes.append(
                        f"{pointer.table}.{pointer.key} says {history.pointer or 'nothing'} "
                        f"but {self.table} records {recorded or 'no version'}"
                    )
        return history

    def checksum_state(self, entry: Entry, m: Migration) -> ChecksumState:
        if entry.checksum in (None, ""):
            return "none"
        stored = str(entry.checksum).removeprefix("sha256:")
        if stored == m.checksum.removeprefix("sha256:"):
            return "match"
        # The application's own algorithm is unknown unless the config names it.
        return "mismatch" if self.config.checksum == "sha256" else "unknown"

    def create(self) -> list[Write]:
        raise ConfigError(
            f"history table {self.table} does not exist",
            hint="the application creates its own history table; run it once, or choose "
            "another store with --history",
            code="history_missing",
        )

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        assert self.table is not None
        cols = self._columns()
        values = {
            "version": m.version,
            "name": m.name,
            "description": m.description if m.description is not None else m.name,
            # With checksum = "sha256" the application keeps the bare hex digest;
            # otherwise driftcheck writes its own, self-describing "sha256:<hex>".
            "checksum": (
                m.checksum.removeprefix("sha256:")
                if self.config.checksum == "sha256"
                else m.checksum
            ),
            "applied_at": now_utc(),
            "rollback_sql": m.rollback_sql,
        }
        names = ", ".join(ident(cols[r]) for r in cols)
        marks = ", ".join("?" for _ in cols)
        writes: list[Write] = [
            (
                f"INSERT INTO {ident(self.table)} ({names}) VALUES ({marks})",
                tuple(values[r] for r in cols),
            )
        ]
        return writes + self._set_pointer(m.version, history)

    def _set_pointer(self, value: str | None, history: History) -> list[Write]:
        """Keep the version pointer (when configured) at `value`; None removes its row."""
        pointer = self.config.version_pointer
        if pointer is None:
            return []
        t, k, v = ident(pointer.table), ident(pointer.key_column), ident(pointer.value_column)
        if value is None:
            return [(f"DELETE FROM {t} WHERE {k} = ?", (pointer.key,))]
        # Keep the pointer's own style: "13", not "0013", if that is how it is kept.
        held = history.pointer
        if held and held.isdigit() and not held.startswith("0") and value.isdigit():
            value = str(int(value))
        return [
            (f"UPDATE {t} SET {v} = ? WHERE {k} = ?", (value, pointer.key)),
            (
                f"INSERT INTO {t} ({k}, {v}) SELECT ?, ? "
                f"WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE {k} = ?)",
                (pointer.key, value, pointer.key),
            ),
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # Compared as text, the way `read` turns every stored version into a string.
        col = ident(self.config.version_column)
        return [(f"DELETE FROM {ident(self.table)} WHERE CAST({col} AS TEXT) = ?", (stored,))]

    def forget(self, version: str, previous: Migration | None, history: History) -> list[Write]:
        writes = super().forget(version, previous, history)
        held = history.pointer
        if held is not None and history.key(held) == history.key(version):
            # The pointer followed the history to this version: it goes back with it.
            rest = [
                e.version for e in history.entries if history.key(e.version) != history.key(version)
            ]
            writes += self._set_pointer(max(rest, key=history.key) if rest else None, history)
        return writes

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        assert self.table is not None
        col = self.config.checksum_column
        if not col:
            raise self.cannot("store a checksum (no checksum_column is configured)")
        # In the form the row holds it: driftcheck's "sha256:<hex>", or the bare digest.
        keep_prefix = str(entry.checksum or "").startswith("sha256:")
        value = m.checksum if keep_prefix else m.checksum.removeprefix("sha256:")
        version = ident(self.config.version_column)
        return [
            (
                f"UPDATE {ident(self.table)} SET {ident(col)} = ? "
                f"WHERE CAST({version} AS TEXT) = ?",
                (value, entry.version),
            )
        ]
