"""`driftcheck apply` keeps its safety promises on real database files and real processes.

- every version runs in its own transaction with its history row; BEGIN/COMMIT
  and PRAGMA foreign_keys inside a migration do not break that, and foreign keys
  are checked before each commit;
- a version that fails on real data rolls back completely, names the version,
  file, statement and SQLite's message, exits 2, never with a traceback;
- SIGKILL at a random moment leaves a sound database whose history tells the
  truth, every row kept, and apply again finishes the job;
- two applies at once apply every version exactly once, and a reader never sees
  a version halfway;
- backups hold the pre-apply database; a failed backup changes nothing;
- --dry-run, "nothing to do", --to and refusals change nothing.

The stress test (`-m slow`) kills apply 50+ times.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import write_migrations

# --------------------------------------------------------------------------
# Helpers


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DRIFTCHECK_DEBUG", None)
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env["NO_COLOR"] = "1"
    return env


def no_crash(stdout: str, stderr: str) -> None:
    """Never a traceback, never driftcheck's "this is a bug" fallback."""
    for text in (stdout, stderr):
        assert "Traceback" not in text, text
        assert "internal error" not in text, text


def dc(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run `python -m driftcheck ARGS` as a separate process, as a user would."""
    p = subprocess.run(
        [sys.executable, "-m", "driftcheck", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    no_crash(p.stdout, p.stderr)
    return p


def dc_start(cwd: Path, *args: str, out: Path) -> subprocess.Popen[bytes]:
    """Start driftcheck in the background; its output goes to out.out and out.err."""
    with out.with_suffix(".out").open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "driftcheck", *args],
            cwd=cwd,
            env=_env(),
            stdout=stdout,
            stderr=stderr,
        )


def outputs(out: Path) -> tuple[str, str]:
    return (
        out.with_suffix(".out").read_text(encoding="utf-8", errors="replace"),
        out.with_suffix(".err").read_text(encoding="utf-8", errors="replace"),
    )


def empty_db(path: Path) -> Path:
    sqlite3.connect(path).close()
    return path


def rw(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None, timeout=30)


def ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)


def schema_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall())


def table_hash(conn: sqlite3.Connection, table: str, order: str = "rowid") -> str:
    h = hashlib.sha256()
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
        h.update(repr(row).encode())
    return h.hexdigest()


def db_state(db: Path, tables: tuple[str, ...]) -> tuple[list, dict[str, str]]:
    """The schema and a hash of every given table's rows (read-only, changes nothing)."""
    conn = ro(db)
    try:
        return schema_rows(conn), {t: table_hash(conn, t) for t in tables}
    finally:
        conn.close()


def dir_state(directory: Path) -> dict[str, str]:
    """Every file under a directory, with the hash of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def history(db: Path) -> list[tuple[str, str]]:
    conn = ro(db)
    try:
        return conn.execute(
            "SELECT version, how FROM driftcheck_history ORDER BY version"
        ).fetchall()
    finally:
        conn.close()


def log_versions(db: Path) -> list[str]:
    conn = ro(db)
    try:
        return [v for (v,) in conn.execute("SELECT version FROM migration_log ORDER BY rowid")]
    finally:
        conn.close()


def plan_json(cli, db: Path, migrations: Path) -> dict:
    r = cli("plan", "--db", str(db), "--migrations", str(migrations), "--format", "json")
    no_crash(r.stdout, r.stderr)
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


def assert_truthful(report: dict) -> None:
    """No flag; the version the schema is at is the version the history records."""
    flags = [
        (e["version"], e["code"], e["reason"]) for e in report["plan"] if e["action"] == "flag"
    ]
    assert flags == [], flags
    assert report["error"] is None, report["error"]
    assert report["history"]["exists"]
    assert report["effective_version"] == report["history"]["recorded_version"]
    assert report["summary"]["match"] == "exact"
    assert report["status"] in ("pending", "clean")
    assert not [e for e in report["plan"] if e["action"] == "record"]


def applied_lines(stdout: str) -> tuple[list[str], list[str]]:
    applied = re.findall(r"^\s+(\S+)(?: \S+)?: applied in \d+ ms(?: \(.*\))?$", stdout, re.M)
    skipped = re.findall(r"^\s+(\S+)(?: \S+)?: skipped\b", stdout, re.M)
    return applied, skipped


# --------------------------------------------------------------------------
# A small shop: the migrations most tests apply


SHOP = {
    "0001_customers.sql": """\
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);
CREATE TABLE migration_log (version TEXT NOT NULL);
INSERT INTO migration_log (version) VALUES ('0001');
""",
    # Leaves foreign keys ON, as many hand-written migrations do.
    "0002_orders.sql": """\
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    total INTEGER NOT NULL
);
INSERT INTO migration_log (version) VALUES ('0002');
PRAGMA foreign_keys = ON;
""",
    # SQLite's 12-step rebuild of the PARENT table: were foreign keys on, DROP TABLE
    # would cascade and delete every order.
    "0003_customers_vip.sql": """\
PRAGMA foreign_keys = OFF;
BEGIN TRANSACTION;
CREATE TABLE customers_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT,
    vip INTEGER NOT NULL DEFAULT 0
);
INSERT INTO customers_new (id, email, name) SELECT id, email, name FROM customers;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
INSERT INTO migration_log (version) VALUES ('0003');
""",
}

CUSTOMERS = [
    (1, "ann@example.com", "Ann"),
    (2, "bob@example.com", None),
    (3, "ann@example.com", "Al"),
]
ORDERS = [(1, 1, 10), (2, 2, 20), (3, 3, 30), (4, 2, 5)]
SHOP_TABLES = ("customers", "orders", "migration_log", "driftcheck_history")


def shop(
    tmp_path: Path, cli, extra: dict[str, str] | None = None, at: str = "0002"
) -> tuple[Path, Path]:
    """The shop database at version `at` (applied by driftcheck), with rows."""
    migrations = write_migrations(tmp_path / "migrations", {**SHOP, **(extra or {})})
    db = empty_db(tmp_path / "app.db")
    r = cli(
        "apply",
        "--db",
        str(db),
        "--migrations",
        str(migrations),
        "--yes",
        "--no-backup",
        "--to",
        at,
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    conn = rw(db)
    conn.executemany("INSERT INTO customers (id, email, name) VALUES (?, ?, ?)", CUSTOMERS)
    if at >= "0002":
        conn.executemany("INSERT INTO orders VALUES (?, ?, ?)", ORDERS)
    conn.close()
    return db, migrations


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------
# Transactions: BEGIN/COMMIT and PRAGMA foreign_keys inside a migration


def test_each_version_commits_with_its_history_row_and_pragmas_do_not_break_it(cli, tmp_path):
    db, migrations = shop(tmp_path, cli, at="0002")
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    assert r.returncode == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout) == (["0003"], [])
    assert "CLEAN" in r.stdout
    assert history(db) == [("0001", "applied"), ("0002", "applied"), ("0003", "applied")]
    assert log_versions(db) == ["0001", "0002", "0003"]
    conn = ro(db)
    # The rebuild of the parent kept every order: 0002's PRAGMA foreign_keys = ON and
    # 0003's own PRAGMAs did not turn keys on around DROP TABLE customers.
    assert conn.execute("SELECT * FROM orders ORDER BY id").fetchall() == ORDERS
    assert conn.execute("SELECT id, email, name, vip FROM customers ORDER BY id").fetchall() == [
        (*c, 0) for c in CUSTOMERS
    ]
    row = conn.execute(
        "SELECT name, checksum, how, execution_ms IS NOT NULL FROM driftcheck_history "
        "WHERE version = '0003'"
    ).fetchone()
    conn.close()
    text = (migrations / "0003_customers_vip.sql").read_text()
    assert row == (
        "customers_vip",
        "sha256:" + hashlib.sha256(text.encode()).hexdigest(),
        "applied",
        1,
    )
    assert not list(tmp_path.glob("app.db-*"))  # no journal left behind


# --------------------------------------------------------------------------
# A version that fails on real data rolls back completely


FAILING = {
    # A UNIQUE index over duplicate rows; its first half COMMITs on its own.
    "unique": (
        """\
BEGIN;
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
INSERT INTO migration_log (version) VALUES ('0004');
COMMIT;
BEGIN;
UPDATE orders SET total = total * 100;
CREATE UNIQUE INDEX customers_email ON customers (email);
COMMIT;
""",
        "CREATE UNIQUE INDEX",
        7,
        "UNIQUE constraint failed: customers.email",
    ),
    # A NOT NULL column through a rebuild that copies NULLs.
    "not_null": (
        """\
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
INSERT INTO migration_log (version) VALUES ('0004');
UPDATE orders SET total = total * 100;
CREATE TABLE customers_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    vip INTEGER NOT NULL DEFAULT 0
);
INSERT INTO customers_new SELECT id, email, name, vip FROM customers;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;
COMMIT;
PRAGMA foreign_keys = ON;
""",
        "INSERT INTO customers_new",
        7,
        "NOT NULL constraint failed: customers_new.name",
    ),
    # Deleting customers without a name orphans their orders (keys are off while a
    # version runs, so nothing cascades): foreign_key_check must stop the commit.
    "foreign_key": (
        """\
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
INSERT INTO migration_log (version) VALUES ('0004');
UPDATE orders SET total = total * 100;
DELETE FROM customers WHERE name IS NULL;
""",
        None,
        None,
        "foreign key check failed",
    ),
}

FIXES = {
    "unique": "UPDATE customers SET email = 'al@example.com' WHERE id = 3",
    "not_null": "UPDATE customers SET name = 'Bob' WHERE id = 2",
    "foreign_key": "DELETE FROM orders WHERE customer_id = 2",
}


@pytest.mark.parametrize("case", list(FAILING))
def test_failing_version_rolls_back_completely(cli, tmp_path, case):
    sql, statement, number, message = FAILING[case]
    db, migrations = shop(tmp_path, cli, {"0004_tighten.sql": sql}, at="0002")
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    assert r.returncode == 2, r.stdout + r.stderr
    # 0003 ran in the same apply and stays committed.
    assert applied_lines(r.stdout) == (["0003"], [])
    err = r.stderr
    assert err.startswith("driftcheck apply: error: version 0004"), err
    assert "0004_tighten.sql" in err or case == "foreign_key", err
    assert message in err, err
    if statement is not None:
        assert f"statement {number} (line {line_of(sql, statement)})" in err, err
    else:  # the offending rows: orders of customer 2 point at a missing customer
        assert "orders row 2 -> customers" in err and "orders row 4 -> customers" in err, err
    assert "rolled back" in err
    # Nothing of 0004: no audit table, no index, no log row, no history row, orders
    # untouched, customers as 0003 left them.
    assert history(db) == [("0001", "applied"), ("0002", "applied"), ("0003", "applied")]
    assert log_versions(db) == ["0001", "0002", "0003"]
    conn = ro(db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema")}
    assert "audit" not in names and "customers_email" not in names and "customers_new" not in names
    assert conn.execute("SELECT * FROM orders ORDER BY id").fetchall() == ORDERS
    assert conn.execute("SELECT id, email, name, vip FROM customers ORDER BY id").fetchall() == [
        (*c, 0) for c in CUSTOMERS
    ]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    report = plan_json(cli, db, migrations)
    assert_truthful(report)
    assert report["effective_version"] == "0003"
    assert [e["action"] for e in report["plan"]] == ["ok", "ok", "ok", "apply"]
    # Fix the data, apply again: done.
    conn = rw(db)
    conn.execute(FIXES[case])
    conn.close()
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    assert r.returncode == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout) == (["0004"], [])
    assert "CLEAN" in r.stdout
    assert log_versions(db) == ["0001", "0002", "0003", "0004"]


def test_first_version_failing_leaves_the_file_byte_for_byte(cli, tmp_path):
    """The history table is created inside the first version's transaction: a failure
    there leaves no driftcheck_history behind, and not one byte changed."""
    (tmp_path / "driftcheck.toml").write_text('[replay]\nbaseline = "baseline.sql"\n')
    (tmp_path / "baseline.sql").write_text(
        "CREATE TABLE legacy (id INTEGER PRIMARY KEY, code TEXT);\n"
    )
    migrations = write_migrations(
        tmp_path / "migrations",
        {
            "0001_codes.sql": (
                "CREATE TABLE audit (x);\nCREATE UNIQUE INDEX legacy_code ON legacy (code);\n"
            ),
        },
    )
    db = tmp_path / "app.db"
    conn = rw(db)
    conn.executescript(
        (tmp_path / "baseline.sql").read_text()
        + "INSERT INTO legacy (code) VALUES ('a'), ('b'), ('a');"
    )
    conn.close()
    before = dir_state(tmp_path)
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    no_crash(r.stdout, r.stderr)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert (
        "version 0001 (0001_codes.sql), statement 2 (line 2): UNIQUE constraint failed: "
        "legacy.code" in r.stderr
    ), r.stderr
    assert dir_state(tmp_path) == before


def test_foreign_key_failure_names_the_file(cli, tmp_path):
    sql = FAILING["foreign_key"][0]
    db, migrations = shop(tmp_path, cli, {"0004_tighten.sql": sql}, at="0003")
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    assert r.exit_code == 2
    assert "version 0004" in r.stderr and "foreign key check failed" in r.stderr
    assert "0004_tighten.sql" in r.stderr, r.stderr


# --------------------------------------------------------------------------
# Refusals, --to, --dry-run, nothing to do


def test_apply_refuses_while_the_plan_has_flags(cli, tmp_path):
    db, migrations = shop(tmp_path, cli, at="0001")
    conn = rw(db)
    conn.execute("CREATE TABLE handmade (x INTEGER)")  # no version explains it
    # Recorded, but its table is not there.
    conn.execute(
        "INSERT INTO driftcheck_history (version, name, checksum, applied_at, how) "
        "VALUES ('0002', 'orders', NULL, '2024-01-01 00:00:00', 'recorded')"
    )
    conn.close()
    before = dir_state(tmp_path)
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "refused" in r.stderr and "2 flags" in r.stderr, r.stderr
    assert re.search(r"^\s+0002 recorded_but_absent: .*orders", r.stderr, re.M), r.stderr
    assert re.search(r"^\s+- unattributed: .*no version explains", r.stderr, re.M), r.stderr
    assert dir_state(tmp_path) == before  # no backup, no change


def test_to_stops_after_the_version_and_unknown_version_is_an_error(cli, tmp_path):
    migrations = write_migrations(tmp_path / "migrations", SHOP)
    db = empty_db(tmp_path / "app.db")
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup", "--to", "2")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout) == (["0001", "0002"], [])
    assert history(db) == [("0001", "applied"), ("0002", "applied")]
    before = dir_state(tmp_path)
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes", "--to", "0042")
    assert r.returncode == 2
    assert "--to 0042: no such version" in r.stderr, r.stderr
    assert dir_state(tmp_path) == before


def test_dry_run_changes_nothing_and_shows_sql_and_history_rows(cli, tmp_path):
    migrations = write_migrations(tmp_path / "migrations", SHOP)
    db = empty_db(tmp_path / "app.db")
    before = dir_state(tmp_path)
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--dry-run")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert dir_state(tmp_path) == before
    out = r.stdout
    assert 'CREATE TABLE "driftcheck_history"' in out
    assert "CREATE TABLE customers (id INTEGER PRIMARY KEY" in out
    assert "-- 0003 customers_vip: apply" in out
    assert "-- skipped, transaction control" in out and "-- skipped, PRAGMA foreign_keys" in out
    assert "INSERT INTO customers_new (id, email, name) SELECT" in out
    for v, name in (("0001", "customers"), ("0002", "orders"), ("0003", "customers_vip")):
        assert (
            f'INSERT INTO "driftcheck_history" (version, name, checksum, applied_at, '
            f"execution_ms, how, success) VALUES ('{v}', '{name}', 'sha256:" in out
        )
    # Once some are applied, only the rest.
    cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup", "--to", "0001")
    before = dir_state(tmp_path)
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--dry-run")
    assert dir_state(tmp_path) == before
    assert 'driftcheck_history" (version' in r.stdout and 'CREATE TABLE "driftcheck' not in r.stdout
    assert "-- 0001" not in r.stdout and "-- 0002 orders: apply" in r.stdout


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_nothing_to_do_changes_no_byte_and_creates_no_file(cli, tmp_path, journal):
    migrations = write_migrations(tmp_path / "migrations", SHOP)
    db = empty_db(tmp_path / "app.db")
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    conn = rw(db)
    assert conn.execute(f"PRAGMA journal_mode = {journal}").fetchone() == (journal,)
    conn.close()
    before = dir_state(tmp_path)
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--dry-run")
    assert r.exit_code == 0 and "nothing to do" in r.stdout
    assert dir_state(tmp_path) == before
    mtime = db.stat().st_mtime_ns
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes")
    assert r.returncode == 0
    assert r.stdout.strip() == f"driftcheck apply: {db}: nothing to do"
    assert dir_state(tmp_path) == before
    assert db.stat().st_mtime_ns == mtime


# --------------------------------------------------------------------------
# Backups


def test_default_backup_beside_the_database_holds_the_pre_apply_state(cli, tmp_path):
    db, migrations = shop(tmp_path, cli, at="0002")
    schema0, rows0 = db_state(db, SHOP_TABLES)
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(migrations), "--yes")
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"^driftcheck apply: backed up to (\S+)$", r.stdout, re.M)
    assert m, r.stdout
    backup = Path(m.group(1))
    backup = backup if backup.is_absolute() else tmp_path / backup
    assert backup.parent == db.parent
    assert re.fullmatch(r"app\.db\.\d{8}T\d{6}\.\d{6}Z\.bak", backup.name), backup.name
    conn = ro(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert db_state(backup, SHOP_TABLES) == (schema0, rows0)
    assert db_state(db, SHOP_TABLES) != (schema0, rows0)  # the apply did happen


def test_explicit_backup_path(cli, tmp_path):
    db, migrations = shop(tmp_path, cli, at="0002")
    state0 = db_state(db, SHOP_TABLES)
    target = tmp_path / "elsewhere" / "before.sqlite"
    target.parent.mkdir()
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--backup", str(target))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert f"backed up to {target}" in r.stdout
    assert db_state(target, SHOP_TABLES) == state0
    assert not list(tmp_path.glob("app.db.*.bak"))


@pytest.mark.parametrize("where", ["missing_dir", "existing_file", "both_flags"])
def test_failed_backup_stops_before_anything_changes(cli, tmp_path, where):
    db, migrations = shop(tmp_path, cli, at="0002")
    existing = tmp_path / "old.bak"
    existing.write_bytes(b"precious")
    target = {
        "missing_dir": tmp_path / "no" / "such" / "dir" / "app.bak",
        "existing_file": existing,
        "both_flags": tmp_path / "x.bak",
    }[where]
    extra = ["--no-backup"] if where == "both_flags" else []
    before = dir_state(tmp_path)
    r = dc(
        tmp_path,
        "apply",
        "--db",
        str(db),
        "-m",
        str(migrations),
        "--yes",
        "--backup",
        str(target),
        *extra,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert dir_state(tmp_path) == before
    assert "applied" not in r.stdout
    if where == "existing_file":
        assert f"backup {target}: exists already" in r.stderr
    elif where == "missing_dir":
        assert f"backup {target}: its directory {target.parent} does not exist" in r.stderr
        assert "nothing was changed" in r.stderr
    else:
        assert "--backup and --no-backup exclude each other" in r.stderr


def test_default_backup_twice_in_the_same_second(cli, tmp_path, monkeypatch):
    import driftcheck.applier

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

    monkeypatch.setattr(driftcheck.applier, "datetime", Frozen)
    db, migrations = shop(tmp_path, cli, at="0001")
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--to", "0002")
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes")
    assert r.exit_code == 0, r.stderr
    assert len(list(tmp_path.glob("app.db.*.bak"))) == 2


# --------------------------------------------------------------------------
# A long migration set, to kill apply in the middle of it


@dataclass
class LongSet:
    root: Path
    migrations: Path
    template: Path  # at 0001 (applied by driftcheck), with the rows
    rows: int
    tags: int
    chk_sum: int
    versions: list[str]
    pairs: list[int]  # versions that create two tables at once
    seconds: float = 0.0  # one uninterrupted apply, start to exit
    final_schema: list | None = None
    final_rows: dict[str, str] | None = None
    template_state: tuple | None = None


LONG_TABLES = ("items", "tags", "migration_log")


def long_migrations(directory: Path, count: int) -> tuple[list[str], list[int]]:
    """12-step rebuilds copying every row, UPDATEs over every row (not idempotent, so
    running one twice shows), new indexes; every version logs a marker row."""
    files = {
        "0001_init.sql": (
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "qty INTEGER NOT NULL, chk INTEGER NOT NULL, acc INTEGER NOT NULL DEFAULT 0);\n"
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, "
            "item_id INTEGER NOT NULL REFERENCES items (id), label TEXT NOT NULL);\n"
            "CREATE TABLE migration_log (version TEXT NOT NULL);\n"
            "INSERT INTO migration_log (version) VALUES ('0001');\n"
        )
    }
    cols = [
        "id INTEGER PRIMARY KEY",
        "name TEXT NOT NULL",
        "qty INTEGER NOT NULL",
        "chk INTEGER NOT NULL",
        "acc INTEGER NOT NULL DEFAULT 0",
    ]
    names = ["id", "name", "qty", "chk", "acc"]
    indexes: list[str] = []
    pairs = []
    for n in range(2, count + 1):
        v = f"{n:04d}"
        body = []
        if n % 3 == 2:  # rebuild, adding a NOT NULL column computed from the row
            col = f"r{n}"
            body += [
                "PRAGMA foreign_keys = OFF;",
                "BEGIN;",
                f"CREATE TABLE items_new ({', '.join([*cols, col + ' INTEGER NOT NULL'])});",
                f"INSERT INTO items_new ({', '.join([*names, col])}) "
                f"SELECT {', '.join(names)}, (chk * {n} + acc) % 1009 FROM items;",
                "DROP TABLE items;",
                "ALTER TABLE items_new RENAME TO items;",
                *[sql + ";" for sql in indexes],
                "PRAGMA foreign_key_check;",
                "COMMIT;",
                "PRAGMA foreign_keys = ON;",
            ]
            cols.append(col + " INTEGER NOT NULL")
            names.append(col)
        elif n % 3 == 0:
            body += [
                f"UPDATE items SET acc = (acc * 3 + qty + {n}) % 1000003;",
                f"UPDATE tags SET label = label || '{n % 10}';",
            ]
        else:
            sql = f"CREATE INDEX items_i{n} ON items ({names[-1]}, qty)"
            indexes.append(sql)
            body.append(sql + ";")
        if n % 7 == 0:
            pairs.append(n)
            body += [
                f"CREATE TABLE pair_a_{n} (x INTEGER);",
                f"CREATE TABLE pair_b_{n} (x INTEGER);",
            ]
        body.append(f"INSERT INTO migration_log (version) VALUES ('{v}');")
        files[f"{v}_step_{n}.sql"] = "\n".join(body) + "\n"
    write_migrations(directory, files)
    return [f"{n:04d}" for n in range(1, count + 1)], pairs


def build_long_set(root: Path, rows: int, count: int) -> LongSet:
    root.mkdir(parents=True, exist_ok=True)
    migrations = root / "migrations"
    versions, pairs = long_migrations(migrations, count)
    template = empty_db(root / "template.db")
    r = dc(
        root,
        "apply",
        "--db",
        str(template),
        "-m",
        str(migrations),
        "--yes",
        "--no-backup",
        "--to",
        "0001",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    conn = rw(template)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO items (id, name, qty, chk) VALUES (?, ?, ?, ?)",
        ((i, f"item-{i}", i % 97, (i * 7919) % 100003) for i in range(1, rows + 1)),
    )
    conn.executemany(
        "INSERT INTO tags (item_id, label) VALUES (?, ?)",
        ((i, f"t{i % 13}") for i in range(1, rows + 1, 4)),
    )
    conn.execute("COMMIT")
    chk_sum = conn.execute("SELECT sum(chk) FROM items").fetchone()[0]
    tags = conn.execute("SELECT count(*) FROM tags").fetchone()[0]
    conn.close()
    ls = LongSet(root, migrations, template, rows, tags, chk_sum, versions, pairs)
    ls.template_state = db_state(template, LONG_TABLES)
    # One uninterrupted run: how long apply takes, and the state it ends in.
    calib = root / "calibration.db"
    shutil.copyfile(template, calib)
    started = time.monotonic()
    r = dc(root, "apply", "--db", str(calib), "-m", str(migrations), "--yes", "--no-backup")
    ls.seconds = time.monotonic() - started
    assert r.returncode == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout)[0] == versions[1:]
    ls.final_schema, ls.final_rows = db_state(calib, LONG_TABLES)
    return ls


@pytest.fixture(scope="module")
def long_set(tmp_path_factory) -> LongSet:
    return build_long_set(tmp_path_factory.mktemp("long"), rows=30000, count=36)


@pytest.fixture(scope="module")
def long_set_big(tmp_path_factory) -> LongSet:
    return build_long_set(tmp_path_factory.mktemp("long_big"), rows=60000, count=45)


def check_sound(ls: LongSet, db: Path) -> None:
    """Every row kept, keys intact, history and marker rows agree."""
    conn = rw(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*), sum(chk) FROM items").fetchone() == (
            ls.rows,
            ls.chk_sum,
        )
        assert conn.execute("SELECT count(*) FROM tags").fetchone() == (ls.tags,)
        recorded = [v for (v,) in conn.execute("SELECT version FROM driftcheck_history ORDER BY 1")]
        logged = [v for (v,) in conn.execute("SELECT version FROM migration_log ORDER BY rowid")]
        # Whole versions only, in order, each once: the marker row of every version
        # the history records, and of no other.
        assert logged == recorded == ls.versions[: len(recorded)]
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema")}
        assert "items_new" not in names
        for n in ls.pairs:
            assert (f"pair_a_{n}" in names) == (f"pair_b_{n}" in names) == (f"{n:04d}" in recorded)
    finally:
        conn.close()


def kill_trial(cli, ls: LongSet, work: Path, delay: float, *, wal: bool, backup: bool) -> str:
    """Kill apply after `delay` seconds; check the database; apply again; check again."""
    work.mkdir(parents=True)
    db = work / "app.db"
    shutil.copyfile(ls.template, db)
    if wal:
        conn = rw(db)
        assert conn.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        conn.close()
    how = ["--backup", str(work / "before.bak")] if backup else ["--no-backup"]
    proc = dc_start(
        work, "apply", "--db", str(db), "-m", str(ls.migrations), "--yes", *how, out=work / "apply"
    )
    try:
        proc.wait(timeout=delay)
        what = "finished"
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        what = "killed"
    if what == "finished":
        out, err = outputs(work / "apply")
        no_crash(out, err)
        assert proc.returncode == 0, out + err
    note = ""
    if wal:
        # Nothing but driftcheck touches the database before it is checked.
        report = plan_json(cli, db, ls.migrations)
        check_sound(ls, db)
    else:
        r = cli("plan", "--db", str(db), "-m", str(ls.migrations), "--format", "json")
        no_crash(r.stdout, r.stderr)
        if r.exit_code == 2:
            # Killed inside a version that had written to the file: a hot journal,
            # which only a writer can roll back (driftcheck reads read-only; see
            # test_apply_after_a_kill_finishes_the_job).
            assert json.loads(r.stdout)["error"]["code"] == "database_hot_journal", r.stdout
            note = ", hot journal"
        # The integrity check's read-write connection rolls a hot journal back, as
        # SQLite's shell would.
        check_sound(ls, db)
        readable = ro(db)  # no hot journal any more (an empty one may stay, harmlessly)
        readable.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        readable.close()
        report = plan_json(cli, db, ls.migrations)
    bak = work / "before.bak"
    if bak.exists():  # a backup file is whole, or not there at all
        assert db_state(bak, LONG_TABLES) == ls.template_state
        note += ", backup whole"
    assert_truthful(report)
    recorded = report["history"]["recorded_version"]
    assert [e["action"] for e in report["plan"]] == [
        "ok" if v <= recorded else "apply" for v in ls.versions
    ]
    # apply again finishes the job, and ends exactly where an uninterrupted run ends.
    r = cli("apply", "--db", str(db), "-m", str(ls.migrations), "--yes", "--no-backup")
    no_crash(r.stdout, r.stderr)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout)[0] == [v for v in ls.versions if v > recorded]
    check_sound(ls, db)
    assert db_state(db, LONG_TABLES) == (ls.final_schema, ls.final_rows)
    r = cli("validate", "--db", str(db), "-m", str(ls.migrations), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "clean", r.stdout
    return f"{what} at {delay:.2f}s, recorded {recorded}{note}"


def test_sigkill_during_apply_leaves_whole_versions(cli, long_set, tmp_path):
    assert long_set.seconds > 0.5  # long enough to be killed in the middle
    rng = random.Random(20240501)
    modes = [(False, False), (False, True), (True, False)]
    results = []
    for i, (wal, backup) in enumerate(modes):
        delay = rng.uniform(0.0, long_set.seconds)
        results.append(kill_trial(cli, long_set, tmp_path / f"t{i}", delay, wal=wal, backup=backup))
    print("\n".join(results))


@pytest.mark.slow
def test_sigkill_stress(cli, long_set_big, tmp_path):
    rng = random.Random(1234567)
    results = []
    for i in range(50):
        delay = rng.uniform(0.0, long_set_big.seconds)
        wal = rng.random() < 0.25
        backup = rng.random() < 0.5
        results.append(
            kill_trial(cli, long_set_big, tmp_path / f"t{i}", delay, wal=wal, backup=backup)
        )
        shutil.rmtree(tmp_path / f"t{i}")
    killed = sum(r.startswith("killed") for r in results)
    print(f"\n{killed} of {len(results)} killed\n" + "\n".join(results))
    assert killed >= len(results) // 2


HOT = {
    "0001_init.sql": """\
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, pad TEXT NOT NULL,
    acc INTEGER NOT NULL DEFAULT 0);
CREATE TABLE migration_log (version TEXT NOT NULL);
INSERT INTO migration_log (version) VALUES ('0001');
""",
    # A write bigger than SQLite's page cache (it spills: the journal is synced and
    # the database file itself is written), then a slow statement.
    "0002_slow.sql": """\
PRAGMA cache_size = 100;
UPDATE items SET pad = upper(pad);
UPDATE items SET acc = (SELECT count(*) FROM items AS o WHERE o.name <> items.name);
INSERT INTO migration_log (version) VALUES ('0002');
""",
}
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


@pytest.fixture(scope="module")
def crashed(tmp_path_factory) -> tuple[Path, Path]:
    """A database whose apply was SIGKILLed in the middle of 0002: a hot journal."""
    root = tmp_path_factory.mktemp("crashed")
    migrations = write_migrations(root / "migrations", HOT)
    db = empty_db(root / "app.db")
    r = dc(
        root, "apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup", "--to", "1"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    conn = rw(db)
    with conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO items (id, name, pad) VALUES (?, ?, ?)",
            ((i, f"n{i}", f"p{i:05d}" * 150) for i in range(1, 8001)),
        )
    conn.close()
    journal = root / "app.db-journal"
    proc = dc_start(
        root,
        "apply",
        "--db",
        str(db),
        "-m",
        str(migrations),
        "--yes",
        "--no-backup",
        out=root / "apply",
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with journal.open("rb") as fh:
                if fh.read(8) == JOURNAL_MAGIC:
                    break
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    assert proc.poll() is None, "0002 finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The precondition: a hot journal, which a read-only connection cannot roll back.
    conn = ro(db)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    conn.close()
    assert info.value.sqlite_errorname == "SQLITE_READONLY_ROLLBACK"
    return db, migrations


def copy_crashed(crashed: tuple[Path, Path], to: Path) -> Path:
    db, _ = crashed
    shutil.copyfile(db, to / "app.db")
    shutil.copyfile(db.with_name("app.db-journal"), to / "app.db-journal")
    return to / "app.db"


def test_read_commands_explain_a_hot_journal(cli, crashed, tmp_path):
    db = copy_crashed(crashed, tmp_path)
    before = dir_state(tmp_path)
    r = dc(tmp_path, "plan", "--db", str(db), "-m", str(crashed[1]), "--format", "json")
    assert r.returncode == 2
    assert json.loads(r.stdout)["error"]["code"] == "database_hot_journal"
    assert "has a hot journal" in r.stderr and "open it once read-write" in r.stderr
    assert dir_state(tmp_path) == before  # a read command leaves the journal alone
    # Rolled back by any writer, the database is exactly at 0001 with every row.
    conn = rw(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute(
        "SELECT count(*), sum(acc), sum(pad = lower(pad)) FROM items"
    ).fetchone() == (8000, 0, 8000)
    conn.close()
    report = plan_json(cli, db, crashed[1])
    assert_truthful(report)
    assert report["effective_version"] == "0001"
    assert [e["action"] for e in report["plan"]] == ["ok", "apply"]


def test_apply_after_a_kill_finishes_the_job(cli, crashed, tmp_path):
    db = copy_crashed(crashed, tmp_path)
    r = dc(tmp_path, "apply", "--db", str(db), "-m", str(crashed[1]), "--yes", "--no-backup")
    assert r.returncode == 0, r.stdout + r.stderr
    assert applied_lines(r.stdout) == (["0002"], [])
    assert "CLEAN" in r.stdout
    assert log_versions(db) == ["0001", "0002"]


# --------------------------------------------------------------------------
# Two applies at once, and a reader


class Reader(threading.Thread):
    """Polls the database read-only; every snapshot must hold whole versions."""

    def __init__(self, ls: LongSet, db: Path) -> None:
        super().__init__(daemon=True)
        self.ls, self.db = ls, db
        self.stop = threading.Event()
        self.seen: set[int] = set()
        self.polls = 0
        self.problems: list[str] = []

    def run(self) -> None:
        conn = ro(self.db)
        pairs = " || ',' || ".join(
            f"(SELECT count(*) FROM sqlite_schema WHERE name IN ('pair_a_{n}', 'pair_b_{n}'))"
            for n in self.ls.pairs
        )
        query = (
            "SELECT (SELECT count(*) FROM driftcheck_history), "
            "(SELECT count(*) FROM migration_log), (SELECT count(*) FROM items), "
            f"(SELECT sum(chk) FROM items), {pairs}"
        )
        try:
            while not self.stop.is_set():
                recorded, logged, rows, chk, halves = conn.execute(query).fetchone()
                self.polls += 1
                self.seen.add(recorded)
                if recorded != logged or rows != self.ls.rows or chk != self.ls.chk_sum:
                    self.problems.append(f"history {recorded}, log {logged}, rows {rows} {chk}")
                if "1" in halves.split(","):
                    self.problems.append(f"half a version: pair tables {halves}")
                time.sleep(0.002)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.problems.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()


def two_at_once(ls: LongSet, work: Path) -> str:
    """Two applies started together, a reader polling: every version exactly once."""
    work.mkdir(parents=True)
    db = work / "app.db"
    shutil.copyfile(ls.template, db)
    reader = Reader(ls, db)
    reader.start()
    args = ("apply", "--db", str(db), "-m", str(ls.migrations), "--yes", "--no-backup")
    procs = [dc_start(work, *args, out=work / f"run{i}") for i in (1, 2)]
    for p in procs:
        p.wait(timeout=180)
    time.sleep(0.05)
    reader.stop.set()
    reader.join(timeout=30)
    pending = ls.versions[1:]
    applied_by: list[list[str]] = []
    for i, p in enumerate(procs, 1):
        out, err = outputs(work / f"run{i}")
        no_crash(out, err)
        assert p.returncode in (0, 2), out + err
        if p.returncode == 2:
            assert re.match(
                r"driftcheck apply: error: database \S+ is locked by another process", err
            ), err
        applied, skipped = applied_lines(out)
        applied_by.append(applied)
        if p.returncode == 0:
            # What was pending when it looked, every version applied or skipped.
            assert sorted(applied + skipped) == pending[len(pending) - len(applied + skipped) :], (
                out
            )
            assert "CLEAN" in out
    # Each version applied by exactly one of them, all of them by the two together.
    assert not set(applied_by[0]) & set(applied_by[1])
    assert sorted(applied_by[0] + applied_by[1]) == pending
    check_sound(ls, db)
    assert history(db) == [(v, "applied") for v in ls.versions]
    assert log_versions(db) == ls.versions
    assert db_state(db, LONG_TABLES) == (ls.final_schema, ls.final_rows)
    # The reader saw many states, and every one of them whole.
    assert reader.problems == []
    assert reader.polls > 20 and len(reader.seen) >= 5, (reader.polls, reader.seen)
    return (
        f"exit {[p.returncode for p in procs]}, applied {[len(a) for a in applied_by]}, "
        f"reader saw {len(reader.seen)} states in {reader.polls} polls"
    )


def test_two_applies_at_once_apply_each_version_once(long_set, tmp_path):
    print(two_at_once(long_set, tmp_path / "w"))


@pytest.mark.slow
def test_two_applies_at_once_stress(long_set, tmp_path):
    results = [two_at_once(long_set, tmp_path / f"w{i}") for i in range(10)]
    print("\n".join(results))


def test_plan_during_an_apply_sees_whole_versions(cli, tmp_path, monkeypatch):
    """driftcheck's own reads are readers too. An apply commits version 0002 (schema and
    history row in one transaction) at the worst moment for plan: after plan has read
    the history, before it reads the schema. (A plan run in a loop during a real apply
    hits this window in a few percent of its runs.)"""
    import driftcheck.check

    files = {
        "0001_a.sql": "CREATE TABLE a (id INTEGER PRIMARY KEY);\n",
        "0002_b.sql": "CREATE TABLE b (id INTEGER PRIMARY KEY);\n",
    }
    migrations = write_migrations(tmp_path / "migrations", files)
    db = empty_db(tmp_path / "app.db")
    r = cli("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup", "--to", "1")
    assert r.exit_code == 0, r.stdout + r.stderr
    checksum = "sha256:" + hashlib.sha256(files["0002_b.sql"].encode()).hexdigest()
    real = driftcheck.check.read_objects
    commits: list[str] = []

    def commit_0002_then_read(conn, *args, **kwargs):
        if not commits:
            writer = sqlite3.connect(db, isolation_level=None, timeout=0)
            try:
                writer.execute("BEGIN IMMEDIATE")
                writer.execute(files["0002_b.sql"])
                writer.execute(
                    "INSERT INTO driftcheck_history (version, name, checksum, applied_at, "
                    "execution_ms, how) VALUES ('0002', 'b', ?, '2024-05-01 12:00:00', 1, "
                    "'applied')",
                    (checksum,),
                )
                writer.execute("COMMIT")
                commits.append("committed")
            except sqlite3.OperationalError as exc:  # plan holds a snapshot: the writer waits
                if writer.in_transaction:
                    writer.execute("ROLLBACK")
                commits.append(f"kept out: {exc}")
            finally:
                writer.close()
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(driftcheck.check, "read_objects", commit_0002_then_read)
    report = plan_json(cli, db, migrations)
    assert commits
    assert_truthful(report)
    assert report["effective_version"] in ("0001", "0002")


def test_second_apply_without_busy_timeout_stops_cleanly(cli, long_set, tmp_path):
    ls = long_set
    db = tmp_path / "app.db"
    shutil.copyfile(ls.template, db)
    args = ("apply", "--db", str(db), "-m", str(ls.migrations), "--yes", "--no-backup")
    first = dc_start(tmp_path, *args, out=tmp_path / "first")
    deadline = time.monotonic() + 60
    while len(history(db)) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    second = dc(tmp_path, *args, "--busy-timeout", "0")
    first.wait(timeout=180)
    out, err = outputs(tmp_path / "first")
    no_crash(out, err)
    assert first.returncode == 0, out + err
    if second.returncode == 2:  # the first still ran
        assert re.match(
            r"driftcheck apply: error: database \S+ is locked by another process", second.stderr
        ), second.stderr
        assert "applied" not in second.stdout and "skipped" not in second.stdout
    else:  # the first was done by then: nothing left for the second
        assert second.returncode == 0, second.stdout + second.stderr
        assert applied_lines(second.stdout)[0] == []
    assert applied_lines(out)[0] == ls.versions[1:]
    assert log_versions(db) == ls.versions
    assert db_state(db, LONG_TABLES) == (ls.final_schema, ls.final_rows)


def test_a_reader_blocking_the_commit_is_reported_as_a_lock(cli, tmp_path):
    """A reader's SHARED lock keeps COMMIT from its EXCLUSIVE lock past --busy-timeout:
    the version is rolled back and the lock is named (before 3fa4bb0 this was an
    'internal error' from the bare OperationalError at COMMIT)."""
    db, migrations = shop(tmp_path, cli, at="0002")
    state0 = db_state(db, SHOP_TABLES)
    reader = ro(db)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM customers").fetchone() == (3,)  # SHARED lock
    try:
        r = dc(
            tmp_path,
            *("apply", "--db", str(db), "-m", str(migrations), "--yes", "--no-backup"),
            *("--busy-timeout", "0.5"),
        )
    finally:
        reader.rollback()
        reader.close()
    assert r.returncode == 2, r.stdout + r.stderr
    assert db_state(db, SHOP_TABLES) == state0  # rolled back: nothing changed
    assert "applied" not in r.stdout
    assert re.match(
        r"driftcheck apply: error: database \S+ is locked by another process", r.stderr
    ), r.stderr
