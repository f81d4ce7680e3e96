"""Flyway's `flyway_schema_history`, read and written the way Flyway does on SQLite."""

from __future__ import annotations

import sqlite3
import zlib

from driftcheck.history.base import (
    Entry,
    History,
    Store,
    Write,
    entries_of,
    ident,
    text_or_none,
)
from driftcheck.migrations.model import Migration


def flyway_checksum(sql: str) -> int:
    """Flyway's checksum: CRC32 over the script's lines without their line breaks
    (and without a BOM), as a signed 32-bit integer."""
    crc = zlib.crc32(sql.replace("\n", "").encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


BASELINE_DESCRIPTION = "<< Flyway Baseline >>"


class FlywayStore(Store):
    kind = "flyway"
    default_table = "flyway_schema_history"
    checksum_algorithm = "Flyway CRC32 over lines"
    # `flyway baseline` refuses a history that holds anything already.
    baseline_needs_empty_history = True

    def read(self, conn: sqlite3.Connection) -> History:
        assert self.table is not None
        history = History(self.kind, self.table, self.exists(conn), internal=self.internal_tables())
        if not history.exists:
            return history
        repeatable = 0
        for rank, version, description, kind, checksum, installed_on, success in conn.execute(
            "SELECT installed_rank, version, description, type, checksum, installed_on, success "
            f"FROM {ident(self.table)} ORDER BY installed_rank"
        ):
            kind = str(kind or "").upper()
            if version is None:
                repeatable += kind != "SCHEMA"
                continue
            version = str(version)
            if kind == "BASELINE":
                history.baseline = version
            elif kind.startswith("UNDO") or kind == "DELETE":
                # An undone version, or one `flyway repair` marked deleted (its file is
                # gone), is no longer applied.
                if success:
                    history.entries = [e for e in history.entries if e.version != version]
            else:
                history.entries.append(
                    Entry(
                        version,
                        text_or_none(description),
                        checksum,
                        text_or_none(installed_on),
                        bool(success),
                        rank=rank,
                    )
                )
        if repeatable:
            history.notes.append(
                f"{repeatable} repeatable (R__) row(s) in {self.table} are "
                "not versions and are not checked"
            )
        return history

    def expected_checksum(self, m: Migration) -> int:
        return flyway_checksum(m.sql)

    def create(self) -> list[Write]:
        assert self.table is not None
        t = ident(self.table)
        return [
            (
                f"CREATE TABLE {t} (\n"
                '    "installed_rank" INT NOT NULL PRIMARY KEY,\n'
                '    "version" VARCHAR(50),\n'
                '    "description" VARCHAR(200) NOT NULL,\n'
                '    "type" VARCHAR(20) NOT NULL,\n'
                '    "script" VARCHAR(1000) NOT NULL,\n'
                '    "checksum" INT,\n'
                '    "installed_by" VARCHAR(100) NOT NULL,\n'
                '    "installed_on" TEXT NOT NULL\n'
                "        DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n"
                '    "execution_time" INT NOT NULL,\n'
                '    "success" BOOLEAN NOT NULL\n'
                ")",
                (),
            ),
            (f'CREATE INDEX {ident(self.table + "_s_idx")} ON {t} ("success")', ()),
        ]

    def _row(
        self, version: str, description: str, kind: str, script: str, checksum: int | None, ms: int
    ) -> Write:
        """One successful row, ranked after the last, as Flyway inserts it (on SQLite
        `installed_by` is empty: SQLite has no users)."""
        assert self.table is not None
        t = ident(self.table)
        return (
            f"INSERT INTO {t} (installed_rank, version, description, type, script, checksum, "
            "installed_by, execution_time, success) "
            f"VALUES ((SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM {t}), "
            "?, ?, ?, ?, ?, '', ?, 1)",
            (version, description, kind, script, checksum, ms),
        )

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        script = m.files[0] if m.files else m.name
        description = m.name.replace("_", " ")
        return [
            self._row(m.version, description, "SQL", script, flyway_checksum(m.sql), execution_ms)
        ]

    def delete_rows(self, stored: str) -> list[Write]:
        assert self.table is not None
        # Every row of the version but a BASELINE row (which stands for all below it).
        return [
            (
                f"DELETE FROM {ident(self.table)} WHERE version = ? AND type <> 'BASELINE'",
                (stored,),
            )
        ]

    def mark_applied(self, m: Migration, history: History) -> list[Write]:
        assert self.table is not None
        # As `flyway repair` removes failed rows, then the row `migrate` inserts.
        failed = dict.fromkeys(e.version for e in entries_of(history, m.version) if not e.success)
        writes: list[Write] = [
            (f'DELETE FROM {ident(self.table)} WHERE version = ? AND NOT "success"', (stored,))
            for stored in failed
        ]
        return writes + self.record(m, "recorded", 0, history)

    def forget(self, version: str, previous: Migration | None, history: History) -> list[Write]:
        if not entries_of(history, version):
            raise self.cannot(
                f"forget version {version} alone: its BASELINE row ({history.baseline}) "
                "stands for every version up to it"
            )
        return super().forget(version, previous, history)

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        assert self.table is not None and entry.rank is not None
        # As `flyway repair` realigns an applied row with its file: description and checksum.
        return [
            (
                f"UPDATE {ident(self.table)} SET description = ?, checksum = ? "
                "WHERE installed_rank = ?",
                (m.name.replace("_", " "), flyway_checksum(m.sql), entry.rank),
            )
        ]

    def baseline(self, migrations: list[Migration], history: History) -> list[Write]:
        # One BASELINE row, as `flyway baseline` writes it: it stands for every version
        # up to it.
        version = migrations[-1].version
        d = BASELINE_DESCRIPTION
        return [self._row(version, d, "BASELINE", d, None, 0)]
