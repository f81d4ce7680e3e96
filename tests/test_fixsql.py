"""`plan --format sql` (driftcheck.fixsql): the SQL that brings what no version explains
in line with the effective version, proved by running it.

Each case drifts a database by hand, takes the generated SQL, runs it on a copy and
checks the copy again: the unattributed flag is gone, the schema is the effective
version's, and the rows are still there."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from tests.conftest import write_migrations

BASE = """CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX settings_value ON settings (value);
CREATE VIEW setting_keys AS SELECT key FROM settings;
CREATE TRIGGER settings_trim AFTER INSERT ON settings
BEGIN UPDATE settings SET value = trim(value) WHERE key = new.key; END;
CREATE VIEW all_settings AS SELECT key, value FROM settings;
CREATE TRIGGER all_settings_insert INSTEAD OF INSERT ON all_settings
BEGIN INSERT INTO settings VALUES (new.key, new.value); END;
"""

FILES = {
    "0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
    "age INTEGER DEFAULT 0, status TEXT NOT NULL DEFAULT 'new');\n"
    "CREATE INDEX users_email ON users (email);\n",
    "0002_posts.sql": "CREATE TABLE posts (id INTEGER PRIMARY KEY, "
    "user_id INTEGER NOT NULL REFERENCES users (id), body TEXT);\n"
    "CREATE INDEX posts_user ON posts (user_id);\n"
    "CREATE VIEW user_posts AS SELECT u.email, p.body FROM users u "
    "JOIN posts p ON p.user_id = u.id;\n"
    "CREATE TRIGGER posts_touch AFTER INSERT ON posts\n"
    "BEGIN UPDATE users SET age = age WHERE id = new.user_id; END;\n",
    # users is changed by a second version: a hand change to 0001's part of it is
    # drift beside 0003's change (unattributed), not a conflict of either.
    "0003_nickname.sql": "ALTER TABLE users ADD COLUMN nickname TEXT;\n",
}

ROWS = """INSERT INTO settings VALUES ('theme', 'dark'), ('lang', 'en');
INSERT INTO users (id, email, age, status, nickname) VALUES
  (1, 'a@x', 30, 'new', 'al'), (2, 'b@x', 41, 'gone', NULL), (3, 'c@x', NULL, 'new', 'cy');
INSERT INTO posts (id, user_id, body) VALUES (1, 1, 'hi'), (2, 1, 'again'), (3, 3, 'yo'),
  (4, 2, NULL);
"""

USERS = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, {age}, {status}, "
    "nickname TEXT{more})"
)


def rebuild_users(age: str = "age INTEGER DEFAULT 0", more: str = "", status: bool = True) -> str:
    """A hand-made table rebuild of users (what someone does in a SQL shell)."""
    create = USERS.format(
        age=age, status="status TEXT NOT NULL DEFAULT 'new'" if status else "", more=more
    ).replace(", ,", ",")
    cols = "id, email, age, " + ("status, " if status else "") + "nickname"
    return (
        "PRAGMA foreign_keys=OFF; PRAGMA legacy_alter_table=ON; BEGIN;"
        f"{create.replace('TABLE users', 'TABLE new_users')};"
        f"INSERT INTO new_users ({cols}) SELECT {cols} FROM users;"
        "DROP TABLE users; ALTER TABLE new_users RENAME TO users;"
        "CREATE INDEX users_email ON users (email); COMMIT; PRAGMA legacy_alter_table=OFF;"
    )


CASES = {
    "extra_index": "CREATE INDEX by_hand ON users (age);",
    "extra_view": "CREATE VIEW by_hand AS SELECT id FROM users WHERE age > 3;",
    "extra_trigger": "CREATE TRIGGER by_hand AFTER UPDATE ON users BEGIN SELECT 1; END;",
    "extra_table": "CREATE TABLE scratch (a, b); INSERT INTO scratch VALUES (1, 2);"
    "CREATE INDEX scratch_a ON scratch (a);",
    "dropped_index": "DROP INDEX settings_value;",
    "changed_index": "DROP INDEX settings_value; CREATE INDEX settings_value ON settings "
    "(value DESC, key);",
    "changed_view": "DROP VIEW setting_keys; CREATE VIEW setting_keys AS SELECT key, value "
    "FROM settings;",
    "changed_trigger": "DROP TRIGGER settings_trim; CREATE TRIGGER settings_trim "
    "BEFORE INSERT ON settings BEGIN SELECT 1; END;",
    # Dropping a view drops the triggers on it: made again, the view comes first.
    "dropped_view_and_its_trigger": "DROP VIEW all_settings;",
    "extra_view_and_trigger": "CREATE VIEW by_hand AS SELECT id FROM users;"
    "CREATE TRIGGER by_hand_insert INSTEAD OF INSERT ON by_hand BEGIN SELECT 1; END;",
    "added_column": "ALTER TABLE users ADD COLUMN by_hand TEXT DEFAULT 'x';",
    "dropped_column": rebuild_users(status=False),
    "changed_column_type": rebuild_users(age="age TEXT DEFAULT 0"),
    "changed_column_default": rebuild_users(age="age INTEGER DEFAULT 5"),
    "dropped_not_null": rebuild_users().replace("email TEXT NOT NULL", "email TEXT"),
    "added_not_null": rebuild_users(age="age INTEGER NOT NULL DEFAULT 0").replace(
        "SELECT id, email, age,", "SELECT id, email, coalesce(age, 0),"
    ),
    "added_check": rebuild_users(more=", CHECK (length(email) > 1)"),
    "added_foreign_key": rebuild_users(more=", FOREIGN KEY (id) REFERENCES settings (key)"),
    "baseline_table_column": "ALTER TABLE settings ADD COLUMN note TEXT;",
    "several_at_once": "CREATE INDEX by_hand ON users (age);"
    "DROP VIEW setting_keys; CREATE VIEW setting_keys AS SELECT value FROM settings;"
    "ALTER TABLE users ADD COLUMN by_hand TEXT;",
}


def setup(tmp_path: Path, cli, files: dict[str, str] | None = None, upto: str = "3") -> Path:
    (tmp_path / "base.sql").write_text(BASE)
    (tmp_path / "driftcheck.toml").write_text('[replay]\nbaseline = "base.sql"\n')
    mig = write_migrations(tmp_path / "m", files or FILES)
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(BASE)
    conn.close()
    r = cli(
        "apply", "--db", str(db), "--migrations", str(mig), "--to", upto, "--yes", "--no-backup"
    )
    assert r.exit_code == 0, r.stdout + r.stderr
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(ROWS)
    conn.close()
    return db


def run_sql(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.executescript(sql)
    finally:
        conn.close()


def fix_of(cli, tmp_path: Path, db: Path) -> str:
    """`driftcheck plan --format sql`, as a user runs it: stdout is the SQL, nothing else."""
    r = cli("plan", "--db", str(db), "--migrations", str(tmp_path / "m"), "--format", "sql")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    assert r.stderr == ""
    return r.stdout


def plan(cli, db: Path, tmp_path: Path) -> dict:
    r = cli("plan", "--db", str(db), "--migrations", str(tmp_path / "m"), "--format", "json")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


def codes(report: dict) -> dict[str | None, str]:
    return {e["version"]: e["code"] for e in report["plan"] if e["action"] != "ok"}


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {
            "users": conn.execute("SELECT id, email, nickname FROM users ORDER BY id").fetchall(),
            "posts": conn.execute("SELECT * FROM posts ORDER BY id").fetchall(),
            # A rowid table without an alias: a rebuild keeps its rowids too.
            "settings": conn.execute(
                "SELECT rowid, key, value FROM settings ORDER BY key"
            ).fetchall(),
            "user_posts": conn.execute("SELECT * FROM user_posts ORDER BY 1, 2").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_sql_brings_hand_drift_back_to_the_version(case, cli, tmp_path):
    db = setup(tmp_path, cli)
    before = rows(db)
    run_sql(db, CASES[case])
    drifted = plan(cli, db, tmp_path)
    # The drift is there and no version explains it (otherwise this proves nothing).
    assert codes(drifted) == {None: "unattributed"}, drifted["plan"]

    sql = fix_of(cli, tmp_path, db)
    assert sql == fix_of(cli, tmp_path, db)  # deterministic
    assert "effective version: 0003 (nickname)" in sql
    fixed = tmp_path / "fixed.db"
    shutil.copy(db, fixed)
    run_sql(fixed, sql)

    after = plan(cli, fixed, tmp_path)
    assert after["status"] == "clean", (sql, after["changes"], after["plan"])
    assert after["effective_version"] == "0003" and after["summary"]["match"] == "exact"
    # The rows survive (a rebuild copies them; an index, view or trigger holds none).
    assert rows(fixed) == before
    r = cli("diff", "version:0003", str(fixed), "--migrations", str(tmp_path / "m"))
    assert r.exit_code == 0, r.stdout
    conn = sqlite3.connect(fixed)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_what_the_sql_says_for_each_kind_of_drift(cli, tmp_path):
    db = setup(tmp_path, cli)
    run_sql(db, CASES["several_at_once"])
    sql = fix_of(cli, tmp_path, db)
    assert 'DROP INDEX "by_hand";' in sql
    assert 'DROP VIEW "setting_keys";\n' in sql
    assert "CREATE VIEW setting_keys AS SELECT key FROM settings;" in sql  # as stored
    # users is rebuilt: the expected CREATE text with only the name replaced.
    assert (
        'CREATE TABLE "new_users" (id INTEGER PRIMARY KEY, email TEXT NOT NULL, '
        "age INTEGER DEFAULT 0, status TEXT NOT NULL DEFAULT 'new', nickname TEXT);" in sql
    )
    assert 'INSERT INTO "new_users" ("id", "email", "age", "status", "nickname")' in sql
    assert 'ALTER TABLE "new_users" RENAME TO "users";' in sql
    assert "CREATE INDEX users_email ON users (email);" in sql  # made again after the drop
    assert "-- DESTRUCTIVE: drops column users.by_hand and every value in it" in sql
    lines = sql.splitlines()
    assert lines.index("PRAGMA foreign_keys=OFF;") < lines.index("BEGIN;")
    assert lines.index("COMMIT;") < lines.index("PRAGMA foreign_keys=ON;")
    # Drops before the rebuild, creates after it.
    assert (
        sql.index('DROP INDEX "by_hand"')
        < sql.index("new_users")
        < sql.index("CREATE VIEW setting_keys")
    )


def test_an_extra_table_is_dropped_and_marked_destructive(cli, tmp_path):
    db = setup(tmp_path, cli)
    run_sql(db, CASES["extra_table"])
    sql = fix_of(cli, tmp_path, db)
    assert "-- DESTRUCTIVE: drops table scratch and every row in it" in sql
    assert 'DROP TABLE "scratch";' in sql
    assert sql.index('DROP INDEX "scratch_a"') < sql.index('DROP TABLE "scratch"')


def test_nothing_unexplained_says_so_and_runs_nothing(cli, tmp_path):
    db = setup(tmp_path, cli)
    sql = fix_of(cli, tmp_path, db)
    assert "-- Nothing to do: no change in the database is unexplained." in sql
    assert all(line.startswith("--") for line in sql.splitlines())
    assert f"-- database: {db}" in sql


def test_versions_that_account_for_objects_are_left_to_apply(cli, tmp_path):
    """0004 is pending and a hand-made index is there: the SQL drops the index, names
    0004 as not touched, and does not create 0004's table; apply still runs it."""
    files = {**FILES, "0004_tags.sql": "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);"}
    db = setup(tmp_path, cli, files, upto="3")
    run_sql(db, "CREATE INDEX by_hand ON posts (body);")
    assert codes(plan(cli, db, tmp_path)) == {"0004": "pending", None: "unattributed"}
    sql = fix_of(cli, tmp_path, db)
    assert "--   0004 apply pending" in sql
    assert "tags" not in sql.replace("--   0004 apply pending", "")
    run_sql(db, sql)
    assert codes(plan(cli, db, tmp_path)) == {"0004": "pending"}
    r = cli("apply", "--db", str(db), "--migrations", str(tmp_path / "m"), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert plan(cli, db, tmp_path)["status"] == "clean"


def test_a_rebuild_that_breaks_a_foreign_key_commits_nothing(cli, tmp_path):
    """A post whose user was deleted by hand (foreign keys off): the closing check
    stops the script before COMMIT, and nothing of it stays."""
    db = setup(tmp_path, cli)
    run_sql(db, CASES["added_column"] + "PRAGMA foreign_keys=OFF; DELETE FROM users WHERE id = 3;")
    sql = fix_of(cli, tmp_path, db)
    before = rows(db)
    conn = sqlite3.connect(db, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="integer overflow"):
        conn.executescript(sql)
    conn.close()  # the open transaction is rolled back
    assert rows(db) == before
    conn = sqlite3.connect(db)
    assert "by_hand" in [r[1] for r in conn.execute("PRAGMA table_info(users)")]
    conn.close()
