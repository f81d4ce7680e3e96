"""The reconciliation plan and apply, end to end: the seed case and every flag code."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, apply_files, progress_line, write_migrations

VERSIONS = sorted(EXAMPLES.glob("*.sql"))

AICO_CONFIG = """
[history]
kind = "table"
table = "_aico_migration_history"
version_column = "version"
name_column = "name"
description_column = "description"
rollback_sql_column = "rollback_sql"
checksum_column = "checksum"
applied_at_column = "applied_at"
[history.version_pointer]
table = "_aico_schema_metadata"
key_column = "key"
value_column = "value"
key = "schema_version"
"""


def rows(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in ("authors", "books", "reviews", "shelves")
        }
    finally:
        conn.close()


def add_data(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(
        "INSERT INTO authors(name) VALUES ('Le Guin'), ('Calvino');"
        "INSERT INTO books(author_id, title, pages) VALUES (1, 'The Dispossessed', 387),"
        " (2, 'Invisible Cities', 165);"
        "INSERT INTO shelves(owner, name) VALUES ('ann', 'to read');"
        "INSERT INTO reviews(book_id, rating, body) VALUES (1, 5, 'great');"
    )
    conn.commit()
    conn.close()


def seed(store: str, cli, tmp_path: Path) -> Path:
    """A database at version 10 (recorded), 0011 applied by hand, 0012/0013 pending."""
    db = tmp_path / "app.db"
    if store == "driftcheck":
        sqlite3.connect(db).close()
        r = cli(
            "apply",
            "--db",
            str(db),
            "--migrations",
            str(EXAMPLES),
            "--to",
            "10",
            "--yes",
            "--no-backup",
        )
        assert r.exit_code == 0, r.stdout + r.stderr
    else:
        apply_files(db, VERSIONS[:10])
        conn = sqlite3.connect(db)
        if store == "user_version":
            conn.execute("PRAGMA user_version = 10")
        else:
            conn.executescript(
                "CREATE TABLE _aico_migration_history (version INTEGER PRIMARY KEY, name TEXT,"
                " description TEXT, rollback_sql TEXT, checksum TEXT, applied_at TEXT);"
                "CREATE TABLE _aico_schema_metadata (key TEXT PRIMARY KEY, value TEXT);"
                "INSERT INTO _aico_schema_metadata VALUES ('schema_version', '10');"
            )
            for f in VERSIONS[:10]:
                version, _, name = f.stem.partition("_")
                conn.execute(
                    "INSERT INTO _aico_migration_history (version, name, applied_at)"
                    " VALUES (?, ?, '2025-01-01')",
                    (int(version), name),
                )
            (tmp_path / "driftcheck.toml").write_text(AICO_CONFIG)
        conn.commit()
        conn.close()
    add_data(db)
    apply_files(db, VERSIONS[10:11])  # version 11 by hand: never recorded
    return db


@pytest.mark.parametrize("store", ["driftcheck", "table", "user_version"])
def test_seed_case_end_to_end(store, cli, tmp_path):
    db = seed(store, cli, tmp_path)
    before = rows(db)
    r = cli("plan", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 1, r.stderr  # drift: the history does not know 0011
    report = json.loads(r.stdout)
    assert report["history"]["store"] == store
    assert report["history"]["recorded_version"] in ("10", "0010")
    assert report["effective_version"] == "0011"
    assert report["status"] == "drift"
    actions = [(e["version"], e["action"], e["code"]) for e in report["plan"]]
    assert actions[:10] == [(f.stem[:4], "ok", "ok") for f in VERSIONS[:10]]
    assert actions[10:] == [
        ("0011", "record", "unrecorded"),
        ("0012", "apply", "pending"),
        ("0013", "apply", "pending"),
    ]
    assert report["changes"] == []
    assert report["summary"]["record"] == 1 and report["summary"]["pending"] == 2

    r = cli("apply", "--db", str(db), "--migrations", str(EXAMPLES), "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "backed up to" in r.stdout
    assert progress_line(r.stdout, "0011", "recorded")
    assert progress_line(r.stdout, "0013", "applied")
    assert rows(db) == before  # every row kept

    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0 and report["status"] == "clean", report["plan"]
    assert report["effective_version"] == "0013"
    assert report["history"]["recorded_version"] in ("13", "0013")
    assert all(e["action"] == "ok" for e in report["plan"])

    snapshot = db.read_bytes()
    files = sorted(p.name for p in tmp_path.iterdir())
    r = cli("apply", "--db", str(db), "--migrations", str(EXAMPLES), "--yes")
    assert r.exit_code == 0 and "nothing to do" in r.stdout
    assert db.read_bytes() == snapshot
    assert sorted(p.name for p in tmp_path.iterdir()) == files

    if store == "table":
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT value FROM _aico_schema_metadata").fetchall() == [("13",)]
        row = conn.execute(
            "SELECT name, description, checksum, applied_at FROM "
            "_aico_migration_history WHERE version = 13"
        ).fetchone()
        conn.close()
        assert row[0] == "create_loans" and row[1] == "create_loans"
        assert row[2].startswith("sha256:") and row[3]
    if store == "user_version":
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 13
        conn.close()
    if store == "driftcheck":
        conn = sqlite3.connect(db)
        how = dict(conn.execute("SELECT version, how FROM driftcheck_history"))
        conn.close()
        assert how["0011"] == "recorded" and how["0012"] == how["0013"] == "applied"
        assert how["0001"] == "applied"


# --------------------------------------------------------------------------
# Every flag code

BASE = {
    "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n",
    "0002_posts.sql": "CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INT, body TEXT);\n"
    "CREATE INDEX posts_user ON posts(user_id);\n",
    "0003_tags.sql": "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT UNIQUE);\n",
}


def history_db(tmp_path: Path, cli, upto: int, files: dict[str, str] | None = None) -> Path:
    mig = write_migrations(tmp_path / "m", files or BASE)
    db = tmp_path / "app.db"
    sqlite3.connect(db).close()
    r = cli(
        "apply",
        "--db",
        str(db),
        "--migrations",
        str(mig),
        "--to",
        str(upto),
        "--yes",
        "--no-backup",
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    return db


def plan_of(cli, db: Path, tmp_path: Path) -> dict:
    r = cli("plan", "--db", str(db), "--migrations", str(tmp_path / "m"), "-f", "json")
    assert r.exit_code in (0, 1), r.stderr
    return json.loads(r.stdout)


def codes(report: dict) -> list[tuple[str | None, str, str]]:
    return [(e["version"], e["action"], e["code"]) for e in report["plan"]]


def test_partial(cli, tmp_path):
    db = history_db(tmp_path, cli, 1)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INT, body TEXT)")
    conn.close()  # the table of 0002 but not its index
    report = plan_of(cli, db, tmp_path)
    entry = report["plan"][1]
    assert (entry["version"], entry["action"], entry["code"]) == ("0002", "flag", "partial")
    assert {(e["name"], e["present"]) for e in entry["evidence"]} == {
        ("posts", True),
        ("posts_user", False),
    }
    r = cli("apply", "--db", str(db), "--migrations", str(tmp_path / "m"), "--yes")
    assert r.exit_code == 1 and "partial" in r.stderr


def test_recorded_but_absent(cli, tmp_path):
    db = history_db(tmp_path, cli, 3)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE tags")
    conn.close()
    report = plan_of(cli, db, tmp_path)
    assert codes(report)[2] == ("0003", "flag", "recorded_but_absent")
    assert report["status"] == "drift"


def test_checksum_mismatch_and_reformatted(cli, tmp_path):
    db = history_db(tmp_path, cli, 3)
    m = tmp_path / "m"
    (m / "0001_users.sql").write_text(
        "-- reformatted\ncreate table users (\n  id integer "
        "primary key,\n  email text not null\n);\n"
    )
    (m / "0003_tags.sql").write_text(
        "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT UNIQUE, color TEXT);\n"
    )
    report = plan_of(cli, db, tmp_path)
    got = codes(report)
    assert got[0] == ("0001", "ok", "reformatted")
    assert got[2] == ("0003", "flag", "checksum_mismatch")
    versions = {v["version"]: v["checksum"] for v in report["history"]["versions"]}
    assert versions == {"0001": "mismatch", "0002": "match", "0003": "mismatch"}


def test_failed_row_in_history(cli, tmp_path):
    db = history_db(tmp_path, cli, 2)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE driftcheck_history SET success = 0 WHERE version = '0002'")
    conn.commit()
    conn.close()
    assert codes(plan_of(cli, db, tmp_path))[1] == ("0002", "flag", "failed")


def test_dirty_version(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "1_users.up.sql": BASE["0001_users.sql"],
            "1_users.down.sql": "DROP TABLE users;",
            "2_posts.up.sql": BASE["0002_posts.sql"],
            "2_posts.down.sql": "DROP TABLE posts;",
        },
    )
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        BASE["0001_users.sql"] + "CREATE TABLE posts(id INTEGER PRIMARY KEY, "
        "user_id INT, body TEXT);"
        "CREATE TABLE schema_migrations (version uint64,dirty bool);"
        "CREATE UNIQUE INDEX version_unique ON schema_migrations (version);"
        "INSERT INTO schema_migrations VALUES (2, 1);"
    )
    conn.close()
    r = cli("plan", "--db", str(db), "--migrations", str(mig), "-f", "json")
    report = json.loads(r.stdout)
    assert report["history"]["store"] == "golang-migrate"
    assert codes(report)[1] == ("2", "flag", "dirty")


def test_unknown_version(cli, tmp_path):
    db = history_db(tmp_path, cli, 3)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO driftcheck_history (version, name, applied_at, how) "
        "VALUES ('0004', 'from_the_future', '2026-01-01', 'applied')"
    )
    conn.commit()
    conn.close()
    report = plan_of(cli, db, tmp_path)
    assert codes(report)[-1] == ("0004", "flag", "unknown_version")
    assert report["plan"][-1]["name"] == "from_the_future"


def test_out_of_order(cli, tmp_path):
    db = history_db(tmp_path, cli, 1)
    conn = sqlite3.connect(db)
    conn.executescript(BASE["0003_tags.sql"])  # 0003 by hand, 0002 never
    conn.close()
    got = codes(plan_of(cli, db, tmp_path))
    assert got[1] == ("0002", "flag", "out_of_order")
    assert got[2] == ("0003", "record", "unrecorded")


def test_conflict(cli, tmp_path):
    db = history_db(tmp_path, cli, 1)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE posts(id INTEGER PRIMARY KEY, author TEXT);"
        "CREATE INDEX posts_user ON posts(author);"
    )
    conn.close()
    report = plan_of(cli, db, tmp_path)
    entry = report["plan"][1]
    assert (entry["action"], entry["code"]) == ("flag", "conflict")
    assert all(e["present"] is None for e in entry["evidence"])


def test_unattributed_drift(cli, tmp_path):
    db = history_db(tmp_path, cli, 3)
    conn = sqlite3.connect(db)
    conn.execute("CREATE INDEX users_email_by_hand ON users(email)")
    conn.close()
    report = plan_of(cli, db, tmp_path)
    last = report["plan"][-1]
    assert (last["version"], last["action"], last["code"]) == (None, "flag", "unattributed")
    assert [e["name"] for e in last["evidence"]] == ["users_email_by_hand"]
    assert all(e["action"] == "ok" for e in report["plan"][:-1])


def test_history_tables_are_never_compared(cli, tmp_path):
    db = history_db(tmp_path, cli, 3)
    report = plan_of(cli, db, tmp_path)
    assert report["status"] == "clean" and report["changes"] == []
    assert report["history"]["table"] == "driftcheck_history"


def test_no_history_lists_present_versions_as_record(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", BASE)
    db = apply_files(tmp_path / "app.db", sorted(mig.glob("*.sql"))[:2])
    r = cli("plan", "--db", str(db), "--migrations", str(mig), "-f", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0
    assert report["history"]["exists"] is False
    assert codes(report) == [
        ("0001", "record", "unrecorded"),
        ("0002", "record", "unrecorded"),
        ("0003", "apply", "pending"),
    ]
    assert report["status"] == "pending"  # the schema alone decides
    r = cli("plan", "--db", str(db), "--migrations", str(mig), "--history", "none", "-f", "json")
    assert json.loads(r.stdout)["history"] is None
    r = cli("apply", "--db", str(db), "--migrations", str(mig), "--history", "none", "--yes")
    assert r.exit_code == 2 and "--history" in r.stderr


def test_apply_to_unknown_version_and_dry_run(cli, tmp_path):
    db = history_db(tmp_path, cli, 1)
    r = cli("apply", "--db", str(db), "--migrations", str(tmp_path / "m"), "--to", "9", "--yes")
    assert r.exit_code == 2 and "--to 9" in r.stderr
    before = db.read_bytes()
    r = cli("apply", "--db", str(db), "--migrations", str(tmp_path / "m"), "--dry-run")
    assert r.exit_code == 0
    assert "CREATE TABLE posts" in r.stdout and 'INSERT INTO "driftcheck_history"' in r.stdout
    assert db.read_bytes() == before


def test_status_shows_recorded_version(cli, tmp_path):
    db = history_db(tmp_path, cli, 2)
    r = cli("status", "--db", str(db), "--migrations", str(tmp_path / "m"))
    lines = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert lines["recorded"].startswith("0002 (driftcheck: driftcheck_history)")
    assert lines["pending"] == "1"
