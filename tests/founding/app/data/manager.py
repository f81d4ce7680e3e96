"""The app's own migration runner, as it behaved before driftcheck: the tests use it to
build databases the way the app left them (history rows, checksum, metadata)."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from app.data.schemas.base import SchemaVersion

METADATA = """
CREATE TABLE IF NOT EXISTS _aico_schema_metadata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
)
"""
HISTORY = """
CREATE TABLE IF NOT EXISTS _aico_migration_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    rollback_sql TEXT,
    checksum TEXT
)
"""


def checksum(v: SchemaVersion) -> str:
    """The app's checksum: the first 16 hex digits of the SHA-256 of the joined SQL."""
    return hashlib.sha256("\n".join(v.sql_statements).encode()).hexdigest()[:16]


def init_metadata(conn: sqlite3.Connection) -> None:
    conn.execute(METADATA)
    conn.execute(HISTORY)
    if (
        conn.execute("SELECT 1 FROM _aico_schema_metadata WHERE key = 'schema_version'").fetchone()
        is None
    ):
        conn.execute(
            "INSERT INTO _aico_schema_metadata (key, value) VALUES ('schema_version', '0')"
        )
    conn.commit()


def apply_version(conn: sqlite3.Connection, v: SchemaVersion, *, record: bool = True) -> None:
    """Run one version's statements; with `record`, write its history row and move the
    pointer (without: the hand-applied version 11 of the founding story)."""
    with conn:
        for sql in v.sql_statements:
            conn.execute(sql)
        if not record:
            return
        conn.execute(
            "INSERT INTO _aico_migration_history (version, name, description, rollback_sql, "
            "checksum) VALUES (?, ?, ?, ?, ?)",
            (
                v.version,
                v.name,
                v.description,
                json.dumps(v.rollback_statements) if v.rollback_statements else None,
                checksum(v),
            ),
        )
        conn.execute(
            "INSERT OR REPLACE INTO _aico_schema_metadata (key, value, updated_at) "
            "VALUES ('schema_version', ?, CURRENT_TIMESTAMP)",
            (str(v.version),),
        )


def build(path: str, versions: dict[int, SchemaVersion], up_to: int) -> None:
    conn = sqlite3.connect(path)
    try:
        init_metadata(conn)
        for number in sorted(versions):
            if number <= up_to:
                apply_version(conn, versions[number])
    finally:
        conn.close()
