"""A migration that fails says which statement, shows it, and says why when replay knows.

Every case goes through the command line: `validate` or `snapshot` on migrations that
fail to replay, `apply --yes` on a real database file; each checks the exit code, the
text a person reads and the fields of the JSON error.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import make_db, write_migrations
from driftcheck.errors import trimmed_sql

FEEDBACK_V6 = (
    "CREATE TABLE feedback_events(id INTEGER PRIMARY KEY, event_type TEXT, payload TEXT);\n"
)
FEEDBACK_V14 = (
    "CREATE TABLE notes(id INTEGER PRIMARY KEY);\n"
    "CREATE TABLE IF NOT EXISTS feedback_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER,\n"
    "  event_type TEXT\n"
    ");\n"
    "CREATE INDEX feedback_events_user\n"
    "  ON feedback_events(user_id);\n"
)


def failing(cli, tmp_path: Path, files: dict[str, str], command: str = "validate"):
    """Run `command` on migrations that fail to replay: (text result, JSON error)."""
    mig = write_migrations(tmp_path / "m", files)
    args = ["--migrations", str(mig)]
    if command == "validate":
        args += ["--db", str(make_db(tmp_path / "app.db", ""))]
    text = cli(command, *args)
    as_json = cli(command, *args, "--format", "json")
    assert text.exit_code == 2, text.stdout + text.stderr
    assert as_json.exit_code == 2
    assert "Traceback" not in text.stderr
    return text, json.loads(as_json.stdout)["error"]


@pytest.mark.parametrize("command", ["validate", "snapshot"])
def test_a_skipped_create_if_not_exists_is_named_with_the_column_it_lacks(cli, tmp_path, command):
    text, error = failing(
        cli,
        tmp_path,
        {"0006_feedback.sql": FEEDBACK_V6, "0014_feedback_users.sql": FEEDBACK_V14},
        command,
    )
    why = (
        "`feedback_events` already existed (created by version 0006, with columns id, "
        "event_type, payload), so `CREATE TABLE IF NOT EXISTS feedback_events` at statement 2 "
        "(line 2) was skipped; the index needs `user_id`, which only the skipped definition has"
    )
    assert error == {
        "code": "replay_failed",
        "message": "version 0014 (0014_feedback_users.sql), statement 3 (line 7): "
        "no such column: user_id",
        "hint": "CREATE TABLE IF NOT EXISTS never changes a table that exists: bring "
        "`feedback_events` to the new definition with ALTER TABLE feedback_events ADD COLUMN "
        "..., or rebuild it (create the new table, copy the rows, drop the old one, rename the "
        "new one), in this version",
        "version": "0014",
        "file": "0014_feedback_users.sql",
        "statement": 3,
        "line": 7,
        "sql": "CREATE INDEX feedback_events_user\n  ON feedback_events(user_id);",
        "reason": why,
    }
    # The text: the message, the statement under its line numbers, why, then the hint.
    lines = text.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "error: version 0014" in line)
    assert lines[start + 1 : start + 5] == [
        "  7 | CREATE INDEX feedback_events_user",
        "  8 |   ON feedback_events(user_id);",
        f"  why: {why}",
        f"  hint: {error['hint']}",
    ]


def test_a_skipped_create_that_the_failure_does_not_need_is_not_blamed(cli, tmp_path):
    """The skipped definition has no `nickname` either: the skip explains nothing."""
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_a.sql": FEEDBACK_V6,
            "0002_b.sql": "CREATE TABLE IF NOT EXISTS feedback_events(id, user_id);\n"
            "CREATE INDEX i ON feedback_events(nickname);\n",
        },
    )
    assert error["message"].endswith("no such column: nickname")
    assert error["reason"] is None


def test_no_such_table_after_a_rename_names_the_version_and_the_new_name(cli, tmp_path):
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n",
            "0002_accounts.sql": "ALTER TABLE users RENAME TO accounts;\n",
            "0003_index.sql": "CREATE INDEX users_name ON users(name);\n",
        },
    )
    assert error["message"].endswith("no such table: main.users")
    assert error["reason"] == "version 0002 renamed `users` to `accounts`"
    assert error["hint"] == "refer to `users` by its new name, `accounts`"
    assert (error["version"], error["statement"], error["line"]) == ("0003", 1, 1)


def test_no_such_table_after_a_rename_in_the_same_version(cli, tmp_path):
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n",
            "0002_x.sql": "ALTER TABLE users RENAME TO accounts;\n"
            "INSERT INTO users VALUES (1, 'a');\n",
        },
    )
    assert error["reason"] == "statement 1 (line 1) of this version renamed `users` to `accounts`"


def test_no_such_table_after_a_drop_names_the_version(cli, tmp_path):
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n",
            "0002_drop.sql": "DROP TABLE users;\n",
            "0003_seed.sql": "INSERT INTO users(name) VALUES ('a');\n",
        },
    )
    assert error["reason"] == "version 0002 dropped `users`"


def test_no_such_table_that_no_version_creates(cli, tmp_path):
    _, error = failing(
        cli,
        tmp_path,
        {"0001_a.sql": "CREATE TABLE a(x);\n", "0002_b.sql": "INSERT INTO nothere VALUES (1);\n"},
    )
    assert error["reason"] == "no version before 0002 creates `nothere`"


@pytest.mark.parametrize(
    ("second", "message", "reason"),
    [
        (
            "CREATE TABLE users(id);\n",
            "table users already exists",
            "`users` already exists: created by version 0001",
        ),
        (
            "CREATE INDEX users_email ON users(id);\n",
            "index users_email already exists",
            "`users_email` already exists: created by version 0001",
        ),
    ],
    ids=["table", "index"],
)
def test_already_exists_names_the_version_that_created_it(cli, tmp_path, second, message, reason):
    text, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n"
            "CREATE INDEX users_email ON users(email);\n",
            "0002_again.sql": second,
        },
    )
    assert error["message"].endswith(message)
    assert error["reason"] == reason
    assert error["hint"].startswith("if the existing definition is the one wanted, drop this")
    assert f"  why: {reason}" in text.stderr


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (
            {
                "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY);\n",
                "0002_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
                "0003_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
            },
            "version 0002 added `email` to `users`",
        ),
        (
            {
                "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n",
                "0002_email.sql": "ALTER TABLE users ADD email TEXT;\n",
            },
            "version 0001 created `users` with `email`",
        ),
        (
            {
                "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY);\n",
                "0002_email.sql": "ALTER TABLE users ADD COLUMN email;\n"
                "ALTER TABLE users ADD COLUMN email TEXT;\n",
            },
            "statement 1 (line 1) of this version already adds `email` to `users`",
        ),
    ],
    ids=["added-by-a-version", "created-with-it", "same-version"],
)
def test_duplicate_column_names_who_added_it(cli, tmp_path, files, reason):
    _, error = failing(cli, tmp_path, files)
    assert "duplicate column name: email" in error["message"]
    assert error["reason"] == reason
    assert error["hint"].endswith("is there already: drop this ADD COLUMN, or rebuild the table")


def test_no_such_function_keeps_the_replay_functions_hint(cli, tmp_path):
    text, error = failing(
        cli,
        tmp_path,
        {
            "0001_a.sql": "CREATE TABLE a(x TEXT);\n",
            "0002_b.sql": "UPDATE a SET x = normalize(x, 'nfc');\n",
        },
    )
    assert '[replay] functions = ["normalize"]' in error["hint"]
    assert error["reason"].startswith("`normalize()` is not built into SQLite")
    assert "[replay] functions" in text.stderr


def test_an_error_that_is_not_about_a_statement_has_null_statement_fields(cli, tmp_path):
    r = cli(
        "validate", "--db", str(tmp_path / "nothere" / "x.db"), "--migrations", "m", "-f", "json"
    )
    assert r.exit_code == 2
    error = json.loads(r.stdout)["error"]
    assert {
        k: error[k] for k in ("version", "file", "statement", "line", "sql", "reason")
    } == dict.fromkeys(("version", "file", "statement", "line", "sql", "reason"))


def test_snapshot_resumed_from_a_checkpoint_explains_with_the_whole_history(cli, tmp_path):
    """The replay resumes at the last checkpoint; failing there, it still knows version 1."""
    mig = write_migrations(tmp_path / "m", {"0001_users.sql": "CREATE TABLE users(id);\n"})
    for n in range(2, 5):
        write_migrations(mig, {f"000{n}_t{n}.sql": f"CREATE TABLE t{n}(x);\n"})
    assert cli("snapshot", "--migrations", str(mig)).exit_code == 0
    write_migrations(mig, {"0005_again.sql": "CREATE TABLE users(id);\n"})
    r = cli("snapshot", "--migrations", str(mig), "--format", "json")
    assert r.exit_code == 2
    assert (
        json.loads(r.stdout)["error"]["reason"] == "`users` already exists: created by version 0001"
    )


def test_a_long_statement_is_shown_cut_to_six_lines_and_400_characters():
    sql = "\n".join(f"  line_{n} INTEGER," for n in range(1, 20))
    cut = trimmed_sql(sql)
    assert cut.splitlines() == [f"  line_{n} INTEGER," for n in range(1, 6)] + [
        "  line_6 INTEGER, ..."
    ]
    wide = trimmed_sql("SELECT " + "x, " * 300)
    assert len(wide) <= 404 and wide.endswith(" ...") and "\n" not in wide
    assert trimmed_sql("SELECT 1;\n\n") == "SELECT 1;"


# --------------------------------------------------------------------------
# apply: the same diagnosis on a real database


def apply_failing(cli, tmp_path: Path, live_sql: str, files: dict[str, str], ignore: str):
    mig = write_migrations(tmp_path / "m", files)
    db = make_db(tmp_path / "app.db", live_sql)
    (tmp_path / "driftcheck.toml").write_text(f'ignore = ["{ignore}"]\n')
    args = ["apply", "--db", str(db), "--migrations", str(mig), "--yes", "--no-backup"]
    text = cli(*args)
    assert text.exit_code == 2, text.stdout + text.stderr
    as_json = cli(*args, "--format", "json")
    assert as_json.exit_code == 2
    return db, text, json.loads(as_json.stdout)["error"]


def test_apply_names_a_skip_caused_by_a_table_made_by_hand(cli, tmp_path):
    """The live database has a hand-made feedback_events (ignored by the config): the
    version's CREATE TABLE IF NOT EXISTS does nothing there, and its index fails."""
    db, text, error = apply_failing(
        cli,
        tmp_path,
        "CREATE TABLE feedback_events(id INTEGER PRIMARY KEY, event_type TEXT);",
        {"0001_feedback.sql": FEEDBACK_V14},
        "table:feedback_events",
    )
    why = (
        "`feedback_events` already existed (no version creates `feedback_events`; it was made "
        "outside the migrations, with columns id, event_type), so `CREATE TABLE IF NOT EXISTS "
        "feedback_events` at statement 2 (line 2) was skipped; the index needs `user_id`, "
        "which only the skipped definition has"
    )
    assert error["code"] == "apply_failed"
    assert (error["version"], error["file"], error["statement"], error["line"]) == (
        "0001",
        "0001_feedback.sql",
        3,
        7,
    )
    assert error["sql"] == "CREATE INDEX feedback_events_user\n  ON feedback_events(user_id);"
    assert error["reason"] == why
    assert "  7 | CREATE INDEX feedback_events_user" in text.stderr
    assert f"  why: {why}" in text.stderr
    conn = sqlite3.connect(db)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    conn.close()
    assert "notes" not in tables  # the version was rolled back


def test_apply_names_a_table_no_version_creates(cli, tmp_path):
    _, text, error = apply_failing(
        cli,
        tmp_path,
        "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT);",
        {"0001_audit.sql": "CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT, at TEXT);\n"},
        "table:audit",
    )
    reason = (
        "`audit` already exists: no version creates `audit`; it was made outside the migrations"
    )
    assert error["message"].endswith("table audit already exists")
    assert error["reason"] == reason
    assert error["hint"].startswith("the database has it, and the migrations did not make it")
    assert f"  why: {reason}" in text.stderr


def test_a_rebuild_under_a_view_says_to_drop_the_view_around_it(cli, tmp_path):
    """Since 3.26, RENAME checks every view: the rebuild's last step fails on the view of
    the table it dropped a moment before."""
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n"
            "CREATE VIEW names AS SELECT name FROM users;\n",
            "0002_rebuild.sql": "CREATE TABLE users_new(id INTEGER PRIMARY KEY, name TEXT);\n"
            "INSERT INTO users_new SELECT * FROM users;\nDROP TABLE users;\n"
            "ALTER TABLE users_new RENAME TO users;\n",
        },
    )
    assert error["message"].endswith("error in view names: no such table: main.users")
    assert error["statement"] == 4
    assert error["reason"] == (
        "SQLite (3.26 and later) checks every view and trigger when a table or column is "
        "renamed, and view `names` no longer compiles (no such table: main.users), as statement "
        "3 (line 3) of this version dropped `users`; drop the view before the rebuild and create "
        "it again after"
    )


def test_dropping_a_column_a_view_uses(cli, tmp_path):
    _, error = failing(
        cli,
        tmp_path,
        {
            "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\n"
            "CREATE VIEW names AS SELECT name FROM users;\n",
            "0002_drop.sql": "ALTER TABLE users DROP COLUMN name;\n",
        },
    )
    assert error["message"].endswith("error in view names after drop column: no such column: name")
    assert error["reason"] == (
        "view `names` uses the column, and SQLite checks every view and trigger when a column "
        "is dropped: drop the view first and create it again without the column"
    )
