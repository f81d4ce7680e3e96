"""Issue 8, items 9 and 12: one edited migration is one flag, wherever later versions
touch the same object; a hand change is blamed on the version whose change it
overlaps, or on none; evidence says whether the database has an earlier form."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import write_migrations

FILES = {
    "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n",
    "0002_posts.sql": "CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INT, body TEXT);\n",
    "0003_age.sql": "ALTER TABLE users ADD COLUMN age INTEGER DEFAULT 0;\n",
    "0004_tags.sql": "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT);\n",
    "0005_posts_user.sql": "CREATE INDEX posts_user ON posts(user_id);\n",
    "0006_nick.sql": "ALTER TABLE users ADD COLUMN nickname TEXT;\n"
    "CREATE INDEX users_age ON users(age);\n",
    "0007_city.sql": "ALTER TABLE users ADD COLUMN city TEXT NOT NULL DEFAULT 'x';\n",
}


def applied(cli, tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A database with every version applied by driftcheck (its own history)."""
    mig = write_migrations(tmp_path / "m", files or FILES)
    db = tmp_path / "app.db"
    sqlite3.connect(db).close()
    r = cli("apply", "--db", str(db), "--migrations", str(mig), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    return db


def plan(cli, db: Path, tmp_path: Path) -> dict:
    r = cli("plan", "--db", str(db), "--migrations", str(tmp_path / "m"), "--format", "json")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


def not_ok(report: dict) -> dict[str | None, str]:
    return {e["version"]: e["code"] for e in report["plan"] if e["action"] != "ok"}


def unattributed(report: dict) -> list[str]:
    return [
        ev["name"] for e in report["plan"] if e["code"] == "unattributed" for ev in e["evidence"]
    ]


def hand(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(sql)
    conn.close()


def test_applied_cleanly_is_clean(cli, tmp_path):
    db = applied(cli, tmp_path)
    report = plan(cli, db, tmp_path)
    assert report["status"] == "clean" and not_ok(report) == {}


def test_an_edited_migration_is_one_flag_not_a_cascade(cli, tmp_path):
    """0003's added column now gets another default; 0006 and 0007 change the same
    table (and index the column): their own changes are present."""
    db = applied(cli, tmp_path)
    (tmp_path / "m" / "0003_age.sql").write_text(
        "ALTER TABLE users ADD COLUMN age INTEGER DEFAULT 5;\n"
    )
    report = plan(cli, db, tmp_path)
    assert report["effective_version"] == "0007"
    assert not_ok(report) == {"0003": "checksum_mismatch"}
    entry = {e["version"]: e for e in report["plan"]}
    assert [(ev["name"], ev["present"]) for ev in entry["0003"]["evidence"]] == [("users", None)]
    assert all(ev["present"] is True for ev in entry["0006"]["evidence"])
    assert all(ev["present"] is True for ev in entry["0007"]["evidence"])
    # The difference is the edited version's, not drift nobody explains.
    assert unattributed(report) == []
    assert [c["name"] for c in report["changes"]] == ["age"]


def test_an_edited_migration_that_a_later_version_renames(cli, tmp_path):
    """0007 renames the column 0003 added: the type the database has still comes from
    0003's old text, so the rename is present and 0003 is the flag."""
    files = {**FILES, "0007_city.sql": "ALTER TABLE users RENAME COLUMN age TO years;\n"}
    files["0006_nick.sql"] = "ALTER TABLE users ADD COLUMN nickname TEXT;\n"
    db = applied(cli, tmp_path, files)
    (tmp_path / "m" / "0003_age.sql").write_text("ALTER TABLE users ADD COLUMN age TEXT;\n")
    report = plan(cli, db, tmp_path)
    assert not_ok(report) == {"0003": "checksum_mismatch"}
    assert unattributed(report) == []


def test_an_edited_migration_beside_a_hand_change(cli, tmp_path):
    """0003's file changed and someone added a column by hand: 0003 is flagged for its
    column, the hand-made column stays unattributed (not swallowed by 0003)."""
    db = applied(cli, tmp_path)
    hand(db, "ALTER TABLE users ADD COLUMN by_hand TEXT;")
    (tmp_path / "m" / "0003_age.sql").write_text(
        "ALTER TABLE users ADD COLUMN age INTEGER DEFAULT 5;\n"
    )
    report = plan(cli, db, tmp_path)
    assert not_ok(report) == {"0003": "checksum_mismatch", None: "unattributed"}
    assert unattributed(report) == ["by_hand"]


def test_a_reformatted_file_stays_ok_beside_later_versions(cli, tmp_path):
    db = applied(cli, tmp_path)
    (tmp_path / "m" / "0003_age.sql").write_text(
        "-- same schema\nalter table users\n  add column age integer default 0;\n"
    )
    report = plan(cli, db, tmp_path)
    assert not_ok(report) == {}
    assert {e["version"]: e["code"] for e in report["plan"]}["0003"] == "reformatted"


def test_a_hand_change_to_the_latest_versions_part_flags_that_version_alone(cli, tmp_path):
    """city (0007's column) changed by hand: 0007's change went another way; 0003 and
    0006 change the same table, and their changes are present."""
    db = applied(cli, tmp_path)
    hand(
        db,
        "PRAGMA foreign_keys=OFF; DROP INDEX users_age;"
        "CREATE TABLE new_users(id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
        "age INTEGER DEFAULT 0, nickname TEXT, city TEXT NOT NULL DEFAULT 'y');"
        "INSERT INTO new_users SELECT * FROM users; DROP TABLE users;"
        "ALTER TABLE new_users RENAME TO users; CREATE INDEX users_age ON users(age);",
    )
    report = plan(cli, db, tmp_path)
    assert not_ok(report) == {"0007": "conflict"}
    assert "table users" in {e["version"]: e for e in report["plan"]}["0007"]["reason"]


def test_a_hand_change_to_an_earlier_versions_part_is_unattributed(cli, tmp_path):
    """age (0003's column) changed by hand: no version after it is blamed; it is drift
    no version explains (the version's file did not change)."""
    db = applied(cli, tmp_path)
    hand(
        db,
        "PRAGMA foreign_keys=OFF; DROP INDEX users_age;"
        "CREATE TABLE new_users(id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
        "age INTEGER DEFAULT 7, nickname TEXT, city TEXT NOT NULL DEFAULT 'x');"
        "INSERT INTO new_users SELECT * FROM users; DROP TABLE users;"
        "ALTER TABLE new_users RENAME TO users; CREATE INDEX users_age ON users(age);",
    )
    report = plan(cli, db, tmp_path)
    assert not_ok(report) == {None: "unattributed"}
    assert unattributed(report) == ["age"]


def test_evidence_says_whether_the_database_has_an_earlier_form_or_nothing(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", FILES)
    db = tmp_path / "app.db"
    sqlite3.connect(db).close()
    r = cli("apply", "--db", str(db), "--migrations", str(mig), "--to", "5", "--yes", "--no-backup")
    assert r.exit_code == 0, r.stderr
    hand(db, "DROP TABLE tags;")  # 0004 recorded, its table gone
    report = plan(cli, db, tmp_path)
    entry = {e["version"]: e for e in report["plan"]}
    assert entry["0004"]["code"] == "recorded_but_absent"
    assert entry["0004"]["evidence"][0]["message"].endswith(": the database does not have it")
    # 0006 is pending: users is there, in 0005's form.
    assert entry["0006"]["code"] == "pending"
    users = next(ev for ev in entry["0006"]["evidence"] if ev["name"] == "users")
    assert users["present"] is False
    assert users["message"] == "changes table users: the database has the earlier form"
    index = next(ev for ev in entry["0006"]["evidence"] if ev["name"] == "users_age")
    assert index["message"].endswith(": the database does not have it")


# --------------------------------------------------------------------------
# Item 12: change messages name the sides of the comparison


def schema_at(version: int):
    from tests.conftest import schema_of

    return schema_of("".join(text for name, text in sorted(FILES.items())[:version]))


def messages(a: int, b: int) -> list[str]:
    from driftcheck.differ import diff_schemas, operand_wording

    wording = operand_wording(f"version:{a:04}", f"version:{b:04}")
    return [c.message for c in diff_schemas(schema_at(a), schema_at(b), wording=wording)]


def test_a_diff_between_versions_names_the_versions_not_the_database():
    forward = messages(2, 4)
    assert "table tags exists in B (version 0004) but not in A (version 0002)" in forward
    assert "column users.age exists in B (version 0004) but not in A (version 0002)" in forward
    backward = messages(4, 2)
    assert "table tags exists in A (version 0004) but not in B (version 0002)" in backward
    for m in forward + backward + messages(5, 7) + messages(7, 5):
        assert "database" not in m and "migration" not in m, m


def test_a_diff_between_databases_names_the_paths():
    from driftcheck.differ import diff_schemas, operand_wording

    changes = diff_schemas(schema_at(6), schema_at(7), wording=operand_wording("old.db", "new.db"))
    assert [c.message for c in changes] == [
        "column users.city exists in B (new.db) but not in A (old.db)"
    ]


def test_validate_keeps_its_wording(cli, tmp_path):
    db = applied(cli, tmp_path)
    hand(db, "CREATE INDEX by_hand ON users(email); ALTER TABLE users ADD COLUMN extra TEXT;")
    report = plan(cli, db, tmp_path)
    assert {c["message"] for c in report["changes"]} == {
        "index by_hand on users exists in the database but no migration creates it",
        "column users.extra exists in the database but no migration creates it",
    }


def test_the_diff_command_names_the_versions(cli, tmp_path):
    """Through the CLI: needs check.diff to pass `wording=operand_wording(a, b)`."""
    mig = write_migrations(tmp_path / "m", FILES)
    r = cli("diff", "version:0002", "version:0004", "--migrations", str(mig))
    assert r.exit_code == 1, r.stdout + r.stderr
    assert "table tags exists in B (version 0004) but not in A (version 0002)" in r.stdout
    assert "database" not in r.stdout and "migration creates" not in r.stdout


# --------------------------------------------------------------------------
# The unattributed flag names each object and the ignore line that leaves it out


def test_the_unattributed_hint_gives_the_ignore_line_that_works(cli, tmp_path):
    db = applied(cli, tmp_path)
    hand(
        db,
        'CREATE INDEX by_hand ON users(email); CREATE VIEW "odd*name" AS SELECT 1 AS one;'
        "ALTER TABLE users ADD COLUMN extra TEXT;",
    )
    entry = plan(cli, db, tmp_path)["plan"][-1]
    assert entry["code"] == "unattributed"
    reason = entry["reason"]
    assert reason.startswith(
        "3 changes in the database that no version explains (made by hand?): "
        "view odd*name, column users.extra, index by_hand on users."
    ), reason
    line = 'ignore = ["view:odd[*]name", "index:by_hand"]'
    assert f"add to driftcheck.toml: {line}" in reason
    # A column cannot be ignored alone: the hint says so and what would.
    assert "cannot be ignored alone" in reason and '"table:users"' in reason
    # The line, as given, takes the two objects out of the check; the column stays.
    (tmp_path / "driftcheck.toml").write_text(line + "\n")
    entry = plan(cli, db, tmp_path)["plan"][-1]
    assert entry["code"] == "unattributed"
    assert [ev["name"] for ev in entry["evidence"]] == ["extra"]
    assert "ignore = [" not in entry["reason"]
