"""`driftcheck lint`: findings proven by replaying the migrations, each code with a case
that triggers it and a near miss that must not; ignoring codes; the JSON; exit codes;
the real projects' migrations."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPORA, CORPORA_ABSENT, write_migrations
from driftcheck.report.lint import RULES

USERS = "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT, name TEXT);\n"


def run_lint(cli, tmp_path: Path, files: dict[str, str], *args: str) -> tuple[int, dict]:
    mig = write_migrations(tmp_path / "m", files)
    r = cli("lint", "--migrations", str(mig), "--format", "json", *args)
    assert r.exit_code in (0, 1, 2), r.stdout + r.stderr
    return r.exit_code, json.loads(r.stdout)


def found(report: dict) -> list[tuple[str, str | None, int | None]]:
    return [(f["code"], f["version"], f["statement"]) for f in report["findings"]]


def goose(up: str, *, no_transaction: bool = False) -> str:
    flag = "-- +goose NO TRANSACTION\n" if no_transaction else ""
    return f"-- +goose Up\n{flag}{up}-- +goose Down\nSELECT 1;\n"


# Each case: migrations, and the findings they must give (code, version, statement).
# A near miss sits beside each trigger and must give nothing (or only what is listed).
CASES = [
    # DC101: CREATE ... IF NOT EXISTS that does nothing while its definition differs
    (
        "DC101-table",
        {
            "0001_a.sql": "CREATE TABLE fe(id INTEGER PRIMARY KEY, kind TEXT);\n",
            "0002_b.sql": "CREATE TABLE IF NOT EXISTS fe(id INTEGER PRIMARY KEY, kind TEXT, "
            "user_id INTEGER);\n",
        },
        [("DC101", "0002", 1), ("DC102", "0002", None)],
    ),
    (
        "DC101-index",
        {
            "0001_a.sql": USERS + "CREATE INDEX users_x ON users(email);\n",
            "0002_b.sql": "CREATE INDEX IF NOT EXISTS users_x ON users(name);\n"
            "CREATE TABLE other(x);\n",
        },
        [("DC101", "0002", 1)],
    ),
    (
        "DC101-near-miss-same-definition",
        {
            "0001_a.sql": "CREATE TABLE fe(id INTEGER PRIMARY KEY, kind TEXT);\n",
            "0002_b.sql": 'create table if not exists "FE" (\n  ID integer primary key,\n'
            "  kind text\n);\nCREATE TABLE other(x);\n",
        },
        [],
    ),
    (
        "DC101-near-miss-first-creation",
        {"0001_a.sql": "CREATE TABLE IF NOT EXISTS fe(id INTEGER PRIMARY KEY);\n"},
        [],
    ),
    # DC102: a version that changes nothing
    (
        "DC102",
        {"0001_a.sql": USERS, "0002_b.sql": "DROP TABLE IF EXISTS nothere;\nSELECT 1;\n"},
        [("DC102", "0002", None)],
    ),
    (
        "DC102-near-miss-data-statement",
        {"0001_a.sql": USERS, "0002_b.sql": "UPDATE users SET email = lower(email);\n"},
        [],
    ),
    (
        "DC102-near-miss-user-version",
        {"0001_a.sql": USERS, "0002_b.sql": "PRAGMA user_version = 2;\n"},
        [],
    ),
    ("DC102-near-miss-empty-file", {"0001_a.sql": USERS, "0002_b.sql": "-- nothing\n"}, []),
    # DC201: a table dropped with its data
    ("DC201", {"0001_a.sql": USERS, "0002_b.sql": "DROP TABLE users;\n"}, [("DC201", "0002", 1)]),
    (
        "DC201-renamed-first",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "ALTER TABLE users RENAME TO old_users;\nDROP TABLE old_users;\n",
        },
        [("DC201", "0002", 2)],
    ),
    (
        "DC201-near-miss-rename",
        {"0001_a.sql": USERS, "0002_b.sql": "ALTER TABLE users RENAME TO accounts;\n"},
        [],
    ),
    (
        "DC201-near-miss-data-moved",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "CREATE TABLE people(id INTEGER PRIMARY KEY, contact TEXT, name TEXT);\n"
            "INSERT INTO people SELECT id, email, name FROM users;\nDROP TABLE users;\n",
        },
        [],
    ),
    # DC202: a column dropped with its data
    (
        "DC202-drop-column",
        {"0001_a.sql": USERS, "0002_b.sql": "ALTER TABLE users DROP COLUMN name;\n"},
        [("DC202", "0002", 1)],
    ),
    (
        "DC202-rebuild",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "CREATE TABLE users_new(id INTEGER PRIMARY KEY, email TEXT);\n"
            "INSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\n"
            "ALTER TABLE users_new RENAME TO users;\n",
        },
        [("DC202", "0002", 3)],
    ),
    (
        "DC202-near-miss-generated-column",
        {
            "0001_a.sql": "CREATE TABLE t(id INTEGER PRIMARY KEY, x,\n"
            "  twice INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL,\n"
            "  thrice INTEGER GENERATED ALWAYS AS (id * 3) STORED);\n",
            "0002_b.sql": "ALTER TABLE t ADD COLUMN y TEXT;\n",
        },
        [],
    ),
    (
        "DC202-near-miss-rename-column",
        {"0001_a.sql": USERS, "0002_b.sql": "ALTER TABLE users RENAME COLUMN name TO full_name;\n"},
        [],
    ),
    (
        "DC202-near-miss-rebuild-renames-it",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "CREATE TABLE users_new(id INTEGER PRIMARY KEY, email TEXT, "
            "full_name TEXT);\nINSERT INTO users_new SELECT id, email, name FROM users;\n"
            "DROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n",
        },
        [],
    ),
    (
        "DC202-near-miss-moved-then-dropped",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "ALTER TABLE users ADD COLUMN profile TEXT;\n"
            "UPDATE users SET profile = json_object('name', name);\n"
            "ALTER TABLE users DROP COLUMN name;\n",
        },
        [],
    ),
    (
        "DC202-near-miss-folded-into-an-existing-json-column",
        {
            "0001_a.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, prefs TEXT);\n",
            "0002_b.sql": "UPDATE users SET prefs = json_set(COALESCE(prefs, '{}'), '$.name', "
            "name);\nALTER TABLE users DROP COLUMN name;\n",
        },
        [],
    ),
    (
        "DC202-near-miss-copied-under-a-new-name-past-a-trigger-that-refuses-inserts",
        {
            "0001_a.sql": USERS + "CREATE TABLE audit(what TEXT CHECK (what <> 'x'));\n"
            "CREATE TRIGGER users_audit AFTER INSERT ON users "
            "BEGIN INSERT INTO audit VALUES ('x'); END;\n",
            "0002_b.sql": "ALTER TABLE users RENAME TO users_old;\n"
            "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT, full_name TEXT);\n"
            "INSERT INTO users SELECT id, email, name FROM users_old;\n"
            "DROP TABLE users_old;\n",
        },
        [("DC204", "0002", 4)],  # the trigger goes; the data does not
    ),
    # DC203, DC204: a rebuild that loses the old table's index or trigger
    (
        "DC203-DC204",
        {
            "0001_a.sql": USERS + "CREATE INDEX users_email ON users(email);\n"
            "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\n",
            "0002_b.sql": "CREATE TABLE users_new(id INTEGER PRIMARY KEY, email TEXT, name TEXT, "
            "age INTEGER);\nINSERT INTO users_new(id, email, name) SELECT id, email, name FROM "
            "users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n",
        },
        [("DC203", "0002", 3), ("DC204", "0002", 3)],
    ),
    (
        "DC203-near-miss-made-again",
        {
            "0001_a.sql": USERS + "CREATE UNIQUE INDEX users_email ON users(email);\n"
            "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\n",
            "0002_b.sql": "CREATE TABLE users_new(id INTEGER PRIMARY KEY, email TEXT UNIQUE, "
            "name TEXT, age INTEGER);\nINSERT INTO users_new(id, email, name) SELECT id, email, "
            "name FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n"
            "CREATE TRIGGER users_touched AFTER UPDATE ON users BEGIN SELECT 1; END;\n",
        },
        [],
    ),
    (
        "DC203-near-miss-dropped-on-purpose",
        {
            "0001_a.sql": USERS + "CREATE INDEX users_email ON users(email);\n",
            "0002_b.sql": "DROP INDEX users_email;\n",
        },
        [],
    ),
    # DC301: a view that no longer compiles
    (
        "DC301",
        {
            "0001_a.sql": USERS + "CREATE VIEW emails AS SELECT email FROM users;\n",
            "0002_b.sql": "ALTER TABLE users DROP COLUMN name;\nDROP TABLE users;\n",
        },
        [("DC201", "0002", 2), ("DC301", "0002", 2)],
    ),
    (
        "DC301-near-miss-view-before-its-table",
        {
            "0001_a.sql": "CREATE VIEW emails AS SELECT email FROM users;\n" + USERS,
        },
        [],
    ),
    # DC302, DC303: foreign keys SQLite would refuse
    (
        "DC302",
        {
            "0001_a.sql": "CREATE TABLE post(id INTEGER PRIMARY KEY,\n"
            "  user_id REFERENCES users(id));\n"
        },
        [("DC302", "0001", 1)],
    ),
    (
        "DC302-rename-rewrites-the-reference",
        {
            "0001_a.sql": USERS
            + "CREATE TABLE post(id INTEGER PRIMARY KEY, user_id REFERENCES users(id));\n",
            "0002_b.sql": "ALTER TABLE users RENAME TO users_old;\n"
            + USERS
            + "INSERT INTO users SELECT * FROM users_old;\nDROP TABLE users_old;\n",
        },
        [("DC302", "0002", 1)],  # the rename rewrote the reference
    ),
    (
        "DC302-blamed-on-the-rename-not-a-later-alter-of-the-child",
        {
            "0001_a.sql": USERS
            + "CREATE TABLE post(id INTEGER PRIMARY KEY, user_id REFERENCES users(id));\n",
            "0002_b.sql": "ALTER TABLE users RENAME TO users_old;\n"
            + USERS
            + "INSERT INTO users SELECT * FROM users_old;\nDROP TABLE users_old;\n"
            + "ALTER TABLE post ADD COLUMN visibility TEXT;\n",
        },
        [("DC302", "0002", 1)],
    ),
    (
        "DC302-near-miss-forward-reference",
        {
            "0001_a.sql": "CREATE TABLE post(id INTEGER PRIMARY KEY, user_id REFERENCES users(id));"
            "\n" + USERS,
        },
        [],
    ),
    (
        "DC303",
        {
            "0001_a.sql": "CREATE TABLE users(id, email);\n"
            "CREATE TABLE post(id INTEGER PRIMARY KEY, user_id REFERENCES users(id));\n",
        },
        [("DC303", "0001", 2)],
    ),
    (
        "DC303-no-primary-key",
        {
            "0001_a.sql": "CREATE TABLE users(id, email);\n"
            "CREATE TABLE post(id INTEGER PRIMARY KEY, user_id REFERENCES users);\n",
        },
        [("DC303", "0001", 2)],
    ),
    (
        "DC303-near-miss-unique-target",
        {
            "0001_a.sql": "CREATE TABLE users(id, email UNIQUE);\n"
            "CREATE TABLE post(id INTEGER PRIMARY KEY, email REFERENCES users(email));\n",
        },
        [],
    ),
    # DC401, DC402: statements a transaction defeats
    (
        "DC401-wrapped",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "PRAGMA foreign_keys = OFF;\nDROP TABLE IF EXISTS nothere;\n"
            "CREATE TABLE x(a);\nPRAGMA foreign_keys = ON;\n",
        },
        [("DC401", "0002", 1)],
    ),
    (
        "DC401-journal-mode",
        {"0001_a.sql": USERS, "0002_b.sql": "PRAGMA journal_mode = WAL;\nCREATE TABLE x(a);\n"},
        [("DC401", "0002", 1)],
    ),
    (
        "DC401-after-its-own-begin",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "PRAGMA foreign_keys = ON;\nBEGIN;\nPRAGMA foreign_keys = OFF;\n"
            "CREATE TABLE x(a);\nCOMMIT;\n",
        },
        [("DC401", "0002", 3)],
    ),
    (
        "DC401-near-miss-before-its-own-begin",
        {
            "0001_a.sql": USERS,
            "0002_b.sql": "PRAGMA foreign_keys = OFF;\nBEGIN;\nPRAGMA foreign_keys = OFF;\n"
            "CREATE TABLE x(a);\nPRAGMA foreign_keys = ON;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n",
        },
        [],
    ),
    (
        "DC401-DC402-near-miss-no-transaction",
        {
            "20240101000000_a.sql": goose(USERS),
            "20240102000000_b.sql": goose(
                "PRAGMA foreign_keys = OFF;\nCREATE TABLE x(a);\nVACUUM;\n", no_transaction=True
            ),
        },
        [],
    ),
    (
        "DC402",
        {
            "20240101000000_a.sql": goose(USERS),
            "20240102000000_b.sql": goose("CREATE TABLE x(a);\nVACUUM;\n"),
        },
        [("DC402", "20240102000000", 2)],
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_code_triggers_and_its_near_miss_does_not(cli, tmp_path, files, expected):
    code, report = run_lint(cli, tmp_path, files)
    assert found(report) == expected, [f["message"] for f in report["findings"]]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert code == (1 if errors else 0)
    assert report["status"] == ("fail" if errors else "pass")


def test_every_code_has_a_case_that_triggers_it():
    triggered = {code for _, _, expected in CASES for code, _, _ in expected}
    assert triggered == set(RULES)


def test_findings_name_their_statement_and_say_what_was_proven(cli, tmp_path):
    _, report = run_lint(
        cli,
        tmp_path,
        {
            "0001_a.sql": "CREATE TABLE fe(id INTEGER PRIMARY KEY, kind TEXT);\n",
            "0002_b.sql": "-- add the user\nCREATE TABLE IF NOT EXISTS fe (\n"
            "  id INTEGER PRIMARY KEY,\n  kind TEXT,\n  user_id INTEGER\n);\nCREATE TABLE x(a);\n",
        },
    )
    (f,) = report["findings"]
    assert f == {
        "code": "DC101",
        "name": "skipped-create",
        "severity": "error",
        "version": "0002",
        "file": "0002_b.sql",
        "statement": 1,
        "line": 2,
        "message": "`CREATE TABLE IF NOT EXISTS fe` did nothing: `fe` already existed (created by "
        "version 0001) with another definition, so this one never reaches a database: column "
        "fe.user_id exists in the skipped definition but not in the existing table",
        "sql": "CREATE TABLE IF NOT EXISTS fe (\n  id INTEGER PRIMARY KEY,\n  kind TEXT,\n"
        "  user_id INTEGER\n);",
    }


def test_a_broken_view_is_blamed_on_the_statement_that_broke_it(cli, tmp_path):
    _, report = run_lint(
        cli,
        tmp_path,
        {
            "0001_a.sql": USERS + "CREATE VIEW names AS SELECT name FROM users;\n",
            "0002_b.sql": "CREATE TABLE x(a);\nDROP TABLE users;\n"
            "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n",
        },
    )
    assert [(f["code"], f["statement"], f["message"]) for f in report["findings"]] == [
        ("DC202", 2, "drops column `name` of `users` (a rebuild without it) and the data in it"),
        ("DC301", 3, "leaves view `names` broken: no such column: name"),
    ]


# --------------------------------------------------------------------------
# What the codes rely on, shown on SQLite itself


def test_sqlite_ignores_pragma_foreign_keys_inside_a_transaction():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
    conn.execute("PRAGMA foreign_keys = ON")  # outside a transaction it works
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_sqlite_refuses_wal_and_vacuum_inside_a_transaction(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    conn.execute("CREATE TABLE t(a)")
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.OperationalError, match="cannot change into wal mode"):
        conn.execute("PRAGMA journal_mode = WAL")
    with pytest.raises(sqlite3.OperationalError, match="cannot VACUUM from within a transaction"):
        conn.execute("VACUUM")
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


def test_sqlite_refuses_writes_through_a_foreign_key_it_cannot_resolve():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE post(user_id REFERENCES users(id))")
    with pytest.raises(sqlite3.OperationalError, match="no such table: main.users"):
        conn.execute("INSERT INTO post VALUES (1)")
    conn.execute("CREATE TABLE users(id, email)")  # id is neither PRIMARY KEY nor UNIQUE
    with pytest.raises(sqlite3.OperationalError, match="foreign key mismatch"):
        conn.execute("INSERT INTO post VALUES (1)")


# --------------------------------------------------------------------------
# Ignoring codes, the JSON, exit codes, determinism

BOTH = {
    "0001_a.sql": USERS + "CREATE TABLE fe(id INTEGER PRIMARY KEY);\n",
    "0002_b.sql": "CREATE TABLE IF NOT EXISTS fe(id INTEGER PRIMARY KEY, x);\n"
    "ALTER TABLE users DROP COLUMN name;\n",
}


def test_ignore_from_the_config_and_the_command_line(cli, tmp_path):
    code, report = run_lint(cli, tmp_path, BOTH)
    assert code == 1 and found(report) == [("DC101", "0002", 1), ("DC202", "0002", 2)]
    code, report = run_lint(cli, tmp_path, BOTH, "--ignore", "dc101")
    assert code == 0 and found(report) == [("DC202", "0002", 2)]
    assert report["ignore"] == ["DC101"]
    assert report["summary"] == {"errors": 0, "warnings": 1, "info": 0, "ignored": 1}
    (tmp_path / "driftcheck.toml").write_text('[lint]\nignore = ["DC202"]\n')
    code, report = run_lint(cli, tmp_path, BOTH)
    assert code == 1 and found(report) == [("DC101", "0002", 1)]
    code, report = run_lint(cli, tmp_path, BOTH, "--ignore", "DC101")
    assert code == 0 and found(report) == [] and report["ignore"] == ["DC101", "DC202"]
    text = cli("lint", "--migrations", str(tmp_path / "m"), "--ignore", "DC101")
    assert text.exit_code == 0 and "no findings (2 ignored)" in text.stdout


def test_unknown_codes_are_errors_naming_the_known_ones(cli, tmp_path):
    write_migrations(tmp_path / "m", {"0001_a.sql": USERS})
    r = cli("lint", "--migrations", str(tmp_path / "m"), "--ignore", "DC999")
    assert r.exit_code == 2
    assert "--ignore DC999: not a lint code" in r.stderr and "DC101 (skipped-create)" in r.stderr
    (tmp_path / "driftcheck.toml").write_text('[lint]\nignore = ["DC10"]\n')
    r = cli("lint", "--migrations", str(tmp_path / "m"))
    assert r.exit_code == 2
    assert 'lint.ignore = ["DC10"]: item 1, "DC10", is not a lint code' in r.stderr
    assert "DC101, DC102" in r.stderr and "[lint]" in r.stderr


def test_a_migration_that_fails_to_replay_is_exit_2_with_the_diagnosis(cli, tmp_path):
    code, report = run_lint(
        cli,
        tmp_path,
        {"0001_a.sql": USERS, "0002_b.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n"},
    )
    assert code == 2 and report["status"] == "error" and report["findings"] == []
    assert report["error"]["reason"] == "version 0001 created `users` with `email`"
    assert report["error"]["statement"] == 1
    text = cli("lint", "--migrations", str(tmp_path / "m"))
    assert text.exit_code == 2
    assert "  why: version 0001 created `users` with `email`" in text.stderr


def test_json_shape(cli, tmp_path):
    _, report = run_lint(cli, tmp_path, BOTH)
    assert set(report) == {
        "report_version",
        "tool",
        "generated_at",
        "migrations",
        "format",
        "versions",
        "status",
        "ignore",
        "findings",
        "summary",
        "error",
    }
    assert report["versions"] == 2 and report["format"] == "plain"
    for f in report["findings"]:
        assert set(f) == {
            "code",
            "name",
            "severity",
            "version",
            "file",
            "statement",
            "line",
            "message",
            "sql",
        }
        assert (f["name"], f["severity"]) == (RULES[f["code"]].name, RULES[f["code"]].severity)


def test_output_is_deterministic(cli, tmp_path):
    files = {
        "0001_a.sql": USERS
        + "CREATE TABLE b(id INTEGER PRIMARY KEY, x);\nCREATE TABLE a(id INTEGER PRIMARY KEY, y);"
        "\nCREATE INDEX a_y ON a(y);\n",
        "0002_b.sql": "DROP TABLE b;\nDROP TABLE a;\nALTER TABLE users DROP COLUMN name;\n"
        "PRAGMA foreign_keys=OFF;\n",
    }
    mig = write_migrations(tmp_path / "m", files)
    runs = [cli("lint", "--migrations", str(mig), *fmt) for fmt in ([], [], ["-f", "json"])]
    assert runs[0].stdout == runs[1].stdout
    again = cli("lint", "--migrations", str(mig), "-f", "json")
    assert runs[2].stdout == again.stdout
    assert found(json.loads(again.stdout)) == [
        ("DC201", "0002", 1),
        ("DC201", "0002", 2),
        ("DC202", "0002", 3),
        ("DC401", "0002", 4),
    ]


def test_quiet_prints_nothing_and_the_exit_code_tells(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", BOTH)
    r = cli("lint", "--migrations", str(mig), "--quiet")
    assert r.exit_code == 1 and r.stdout == ""


# --------------------------------------------------------------------------
# The real projects: every finding was looked at. Errors are listed one by one, each a
# real problem; other findings by code and version, so that a new one is looked at too.

AUTHELIA = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"
CORPUS_SETS = {
    "authelia": (
        "authelia/internal/storage/migrations/sqlite",
        AUTHELIA,
        ["BIN2B64/1", "B642BIN/1"],
    ),
    "grocy": ("grocy/migrations", None, ["grocy_user_setting", "regexp/2", "ceil/1"]),
    "memos": ("memos/store/migration/sqlite", None, []),
    "ncps-dbmate": ("ncps/dbmate@45b5225/db/migrations/sqlite", None, []),
    "ncps-goose": ("ncps/goose-atlas@816f637/migrations/sqlite", None, []),
    "pocket-id": ("pocket-id/backend/resources/migrations/sqlite", None, ["normalize"]),
    "shiori": ("shiori/internal/database/migrations/sqlite", None, []),
}
BASELINES = {
    "grocy": "grocy/_runner/migrations_table.sql",
    "memos": "memos/_base_v0.1.3/store/db/migration/00000__schema.sql",
}
# Each a real problem: any database at that version has it.
ERRORS = {
    "grocy": [
        # 0108 changes stock_current's columns; two views that UNION it with another SELECT
        # stop compiling until 0122 creates them again.
        ("DC301", "0108", "uihelper_stock_current_overview_including_opened"),
        ("DC301", "0108", "uihelper_stock_current_overview"),
    ],
    "memos": [
        # `ALTER TABLE user RENAME TO _user_old` rewrites the other tables' foreign keys to
        # `_user_old` (SQLite >= 3.26), which the version then drops.
        # Each is blamed on the RENAME that rewrote it (statement 3 of 0.2).
        ("DC302", "0.2", "memo_organizer"),
        ("DC302", "0.2", "memo"),
        ("DC302", "0.2", "resource"),
        ("DC302", "0.2", "shortcut"),
        ("DC302", "0.3", "memo_organizer"),
    ],
}
# Warnings and info by (code, version): drops of tables and columns whose data no replayed
# statement carries elsewhere, indexes and triggers lost in rebuilds (grocy 0103's trigger
# comes back in 0175), and `PRAGMA foreign_keys` in versions their tools wrap in a
# transaction (ncps's goose files say so themselves).
OTHERS = {
    "atuin-atuin-client-migrations": {("DC201", "20230315220114"): 1},
    "atuin-atuin-server-sqlite-migrations": {
        ("DC201", "20260127000000"): 1,
        ("DC202", "20260127000000"): 1,
    },
    "authelia": {
        ("DC201", "0002"): 1,
        **{("DC401", v): 1 for v in ("0005", "0007", "0010", "0011", "0016")},
    },
    "grocy": {
        ("DC201", "0019"): 1,
        ("DC202", "0103"): 1,
        ("DC204", "0103"): 1,
        ("DC202", "0155"): 2,
        ("DC202", "0207"): 1,
    },
    "memos": {
        **{("DC401", v): 1 for v in ("0.2", "0.3", "0.5", "0.7")},
        ("DC204", "0.2"): 1,
        ("DC204", "0.3"): 1,
        ("DC204", "0.7"): 4,
        ("DC202", "0.8"): 1,
        ("DC202", "0.13"): 1,
        ("DC202", "0.14"): 1,
        ("DC202", "0.15"): 1,
        ("DC201", "0.16"): 2,
        ("DC202", "0.22"): 1,
        ("DC201", "0.22"): 1,
        ("DC202", "0.24"): 1,
        ("DC201", "0.25"): 1,
        ("DC201", "0.26"): 1,
        ("DC201", "0.27"): 1,
        ("DC202", "0.31"): 1,
    },
    "ncps-dbmate": {("DC401", "20260127223000"): 1},
    "ncps-goose": {("DC401", "20260525175108"): 1, ("DC401", "20260605211804"): 1},
    "pocket-id": {
        ("DC202", "20250408120918"): 4,
        ("DC203", "20251001115300"): 1,
        ("DC201", "20260607120000"): 4,
        ("DC201", "20260723000000"): 1,
        ("DC201", "20260727120000"): 1,
        ("DC202", "20260807120000"): 1,
    },
}


def corpus_sets() -> list[tuple[str, str, str | None, list[str]]]:
    sets = [(name, *spec) for name, spec in CORPUS_SETS.items()]
    for p in sorted((CORPORA / "atuin" / "crates").glob("*/*migrations")):
        sets.append((f"atuin-{p.parent.name}-{p.name}", str(p.relative_to(CORPORA)), None, []))
    return sets


@pytest.mark.skipif(not CORPORA.is_dir(), reason=CORPORA_ABSENT)
def test_the_real_projects_give_only_findings_that_were_looked_at(cli, tmp_path):
    for name, source, pattern, functions in corpus_sets():
        config = tmp_path / f"{name}.toml"
        lines = [f"[replay]\nfunctions = {json.dumps(functions)}\n"]
        if name in BASELINES:
            lines.append(f"baseline = {json.dumps(str(CORPORA / BASELINES[name]))}\n")
        config.write_text("".join(lines))
        args = [
            "lint",
            "--migrations",
            str(CORPORA / source),
            "-f",
            "json",
            "--config",
            str(config),
        ]
        if pattern:
            args += ["--migrations-pattern", pattern]
        r = cli(*args)
        report = json.loads(r.stdout)
        assert report["error"] is None, (name, report["error"])
        errors = [
            (f["code"], f["version"], f["message"].split("`")[1])
            for f in report["findings"]
            if f["severity"] == "error"
        ]
        if name == "memos":
            assert {f["statement"] for f in report["findings"] if f["code"] == "DC302"} == {3}
        assert errors == ERRORS.get(name, []), name
        others = Counter(
            (f["code"], f["version"]) for f in report["findings"] if f["severity"] != "error"
        )
        assert others == Counter(OTHERS.get(name, {})), name
        assert r.exit_code == (1 if errors else 0)


def test_the_readme_documents_every_code(tmp_path):
    from conftest import ROOT

    section = (ROOT / "README.md").read_text().split("### lint", 1)[1].split("\n## ", 1)[0]
    for code, rule in RULES.items():
        assert f"| {code} | {rule.name} | {rule.severity} |" in section, code
