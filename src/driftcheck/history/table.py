"""An application's own history table, described in the config.

For example an app that keeps `_aico_migration_history (version, name,
description, rollback_sql, checksum, applied_at)` and a key/value table whose
`schema_version` row also holds the current version:

    [history]
    kind = "table"
    table = "_aico_migration_history"
    name_column = "name"
    description_column = "description"
    checksum_column = "checksum"
    checksum = "sha256"
    checksum_length = 16
    rollback_sql_column = "rollback_sql"
    rollback_sql_format = "json"
    [history.version_pointer]
    table = "_aico_schema_metadata"
    key = "schema_version"
    updated_at_column = "updated_at"
    touch_keys = ["last_migration"]

Every configured column is written the way the application writes it, so its own
code reads driftcheck's rows as its own. Times are SQLite's own clock, in one
style per column: applied_at, updated_at and created_at columns get
CURRENT_TIMESTAMP ("YYYY-MM-DD HH:MM:SS", UTC), the text their DEFAULT
CURRENT_TIMESTAMP gives; a touched key's value gets the ISO 8601 form
("YYYY-MM-DDTHH:MM:SS", UTC, no offset), which Python's datetime.fromisoformat
reads back as a naive time like the application's own.
"""

from __future__ import annotations

import json
import re
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
    table_exists,
    text_or_none,
)
from driftcheck.migrations.model import Migration
from driftcheck.migrations.split import split_into
from driftcheck.normalize import fold
from driftcheck.versions import version_key

# SQL expressions for the time of a write, evaluated by SQLite (see the module doc).
TIMESTAMP = "CURRENT_TIMESTAMP"
ISO_TIME = "strftime('%Y-%m-%dT%H:%M:%S', 'now')"
_HEX = re.compile(r"[0-9a-f]+")


class TableStore(Store):
    kind = "table"

    @property
    def checksum_algorithm(self) -> str | None:  # type: ignore[override]
        if not self.config.checksum_column:
            return None
        if self.config.checksum != "sha256":
            return "not known"
        length = self.config.checksum_length
        if length is None or length == 64:
            return "sha256 of the up-SQL"
        return f"sha256 of the up-SQL, first {length} hex digits"

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
        declared = conn.execute(
            "SELECT type FROM pragma_table_info(?) WHERE name = ? COLLATE NOCASE",
            (self.table, cols["version"]),
        ).fetchone()
        # SQLite's affinity rule: a declared type containing "INT" holds integers.
        history.integer_versions = declared is not None and "INT" in str(declared[0]).upper()
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
        if self.config.checksum == "sha256":
            history.notes += [
                f"{e.version}: the recorded checksum {json.dumps(str(e.checksum))} is not a "
                f"{self._digest_form()}: not verified"
                for e in history.entries
                if e.checksum not in (None, "") and self._digest(e.checksum) is None
            ]
        pointer = self.config.version_pointer
        if pointer is not None:
            if not table_exists(conn, pointer.table):
                history.notes.append(f"version pointer table {pointer.table} does not exist")
            else:
                self._check_pointer_columns(conn)
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
                    history.pointer_stale = True
                    history.notes.append(
                        f"{pointer.table}.{pointer.key} says {history.pointer or 'nothing'} "
                        f"but {self.table} records {recorded or 'no version'} "
                        "(`driftcheck repair` sets it)"
                    )
        return history

    def _check_pointer_columns(self, conn: sqlite3.Connection) -> None:
        pointer = self.config.version_pointer
        assert pointer is not None
        present = set(columns_of(conn, pointer.table))
        keys = {
            "key_column": pointer.key_column,
            "value_column": pointer.value_column,
            "updated_at_column": pointer.updated_at_column,
            "created_at_column": pointer.created_at_column,
        }
        missing = [f"{k} = {c!r}" for k, c in keys.items() if c and fold(c) not in present]
        if missing:
            raise ConfigError(
                f"[history.version_pointer] table {pointer.table}: no such column: "
                f"{', '.join(missing)}",
                hint=f"the table has: {', '.join(sorted(present))}",
                code="config_value",
            )

    def _digest_form(self) -> str:
        length = self.config.checksum_length
        if length is None or length == 64:
            return "sha256 hex digest"
        return f"sha256 hex digest ({length} or 64 hex digits)"

    def _digest(self, stored: object) -> str | None:
        """The hex digest a recorded checksum holds (lower case, with or without
        driftcheck's "sha256:"); None when it holds something else: a hand fix's
        "manual_fix", a "snapshot" marker, a digest of another length."""
        text = str(stored).strip().lower().removeprefix("sha256:")
        lengths = {64, self.config.checksum_length or 64}
        return text if len(text) in lengths and _HEX.fullmatch(text) else None

    def checksum_state(self, entry: Entry, m: Migration) -> ChecksumState:
        if entry.checksum in (None, ""):
            return "none"
        digest = self._digest(entry.checksum)
        if digest is None:
            # Not a checksum at all (read() notes it): nothing to verify, nothing to block.
            return "unknown"
        # A truncated digest is compared on the digits it keeps.
        if digest == m.checksum.removeprefix("sha256:")[: len(digest)]:
            return "match"
        # The application's own algorithm is unknown unless the config names it.
        return "mismatch" if self.config.checksum == "sha256" else "unknown"

    def _checksum(self, m: Migration, held: object = None) -> str:
        """The checksum of `m` as the application keeps it: with checksum = "sha256" the
        bare hex digest (its first checksum_length digits), otherwise driftcheck's
        self-describing "sha256:<hex>"; in the form of `held`, the row's checksum, when
        one is being replaced."""
        digest = m.checksum.removeprefix("sha256:")
        if self.config.checksum == "sha256":
            digest = digest[: self.config.checksum_length]
        if held is None:
            prefixed = self.config.checksum != "sha256"
        else:
            prefixed = str(held).startswith("sha256:")
        return "sha256:" + digest if prefixed else digest

    def _rollback(self, m: Migration) -> str | None:
        """The down-SQL as the application keeps it (NULL when there is none): as
        written, or with rollback_sql_format = "json" a JSON list of its statements,
        as the application's own json.dumps(rollback_statements) writes it."""
        if self.config.rollback_sql_format == "text":
            if m.rollback_sql is not None or not m.rollback_statements:
                return m.rollback_sql
            return "\n".join(m.rollback_statements)
        statements = list(m.rollback_statements)
        if not statements and m.rollback_sql:
            # Split as SQLite splits it; each without its final ";", as an application's
            # list of statements holds them (sqlite3's execute() takes either).
            statements = [s.sql.removesuffix(";") for s in split_into(m.rollback_sql, m.label)]
        return json.dumps(statements) if statements else None

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
            "checksum": self._checksum(m),
            "rollback_sql": self._rollback(m),
        }
        # applied_at is SQLite's CURRENT_TIMESTAMP, the text of the column's usual
        # DEFAULT; left unconfigured, the column's own DEFAULT fills it.
        names = ", ".join(ident(cols[r]) for r in cols)
        marks = ", ".join(TIMESTAMP if r == "applied_at" else "?" for r in cols)
        writes: list[Write] = [
            (
                f"INSERT INTO {ident(self.table)} ({names}) VALUES ({marks})",
                tuple(values[r] for r in cols if r != "applied_at"),
            )
        ]
        return writes + self._set_pointer(m.version, history) + self._touch()

    def sync_pointer(self, history: History) -> list[Write]:
        if not history.pointer_stale:
            return []
        return self._set_pointer(history.recorded_version, history)

    def _set_pointer(self, value: str | None, history: History) -> list[Write]:
        """Keep the version pointer (when configured) at `value`; None removes its row."""
        pointer = self.config.version_pointer
        if pointer is None:
            return []
        if value is None:
            t, k = ident(pointer.table), ident(pointer.key_column)
            return [(f"DELETE FROM {t} WHERE {k} = ?", (pointer.key,))]
        # Keep the pointer's own style: "13", not "0013", if that is how it is kept; with
        # no pointer row yet, the style of the history's versions (an INTEGER column's 13).
        held = history.pointer or (history.entries[-1].version if history.entries else None)
        if held is None:
            unpadded = history.integer_versions
        else:
            unpadded = held.isdigit() and not held.startswith("0")
        if unpadded and value.isdigit():
            value = str(int(value))
        return self._upsert(pointer.key, value, "?")

    def _touch(self) -> list[Write]:
        """The touched keys' rows, at the time of the write (see the module doc)."""
        pointer = self.config.version_pointer
        if pointer is None:
            return []
        return [
            w
            for key in dict.fromkeys(pointer.touch_keys)
            for w in self._upsert(key, None, ISO_TIME)
        ]

    def _upsert(self, key: str, value: str | None, mark: str) -> list[Write]:
        """Set the pointer table's row `key` to `value` (given for the mark "?", else the
        SQL expression `mark`): updated_at with it; created_at only when it is inserted.
        An UPDATE, then an INSERT if the row is not there: the row keeps every other
        column the application keeps in it."""
        pointer = self.config.version_pointer
        assert pointer is not None
        t, k, v = ident(pointer.table), ident(pointer.key_column), ident(pointer.value_column)
        given = (value,) if mark == "?" else ()
        sets = [f"{v} = {mark}"]
        columns, marks = [k, v], ["?", mark]
        if pointer.updated_at_column:
            sets.append(f"{ident(pointer.updated_at_column)} = {TIMESTAMP}")
            columns.append(ident(pointer.updated_at_column))
            marks.append(TIMESTAMP)
        if pointer.created_at_column:
            columns.append(ident(pointer.created_at_column))
            marks.append(TIMESTAMP)
        return [
            (f"UPDATE {t} SET {', '.join(sets)} WHERE {k} = ?", (*given, key)),
            (
                f"INSERT INTO {t} ({', '.join(columns)}) SELECT {', '.join(marks)} "
                f"WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE {k} = ?)",
                (key, *given, key),
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
        value = self._checksum(m, held=entry.checksum or "")
        version = ident(self.config.version_column)
        return [
            (
                f"UPDATE {ident(self.table)} SET {ident(col)} = ? "
                f"WHERE CAST({version} AS TEXT) = ?",
                (value, entry.version),
            )
        ]
