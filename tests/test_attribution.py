"""Attribution: each change names the migration statement its expected object comes from
(`source: {version, file, line}` in JSON, "expected since FILE:LINE" in text)."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import make_db, write_migrations
from driftcheck.replay import StepReplay

MIGRATIONS = {
    "0001_init.sql": """\
        -- users and posts
        CREATE TABLE users (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL
        );
        CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body TEXT);
        CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);
        """,
    "0002_email.sql": """\
        ALTER TABLE users ADD COLUMN email TEXT;

        CREATE INDEX posts_user ON posts (user_id);
        """,
    "0003_rebuild_posts.sql": """\
        -- posts: user_id NOT NULL, and a title
        CREATE TABLE new_posts (
          id INTEGER PRIMARY KEY,
          user_id INTEGER NOT NULL,
          body TEXT,
          title TEXT
        );
        INSERT INTO new_posts (id, user_id, body) SELECT id, user_id, body FROM posts;
        DROP TABLE posts;
        ALTER TABLE new_posts RENAME TO posts;
        CREATE INDEX posts_user ON posts (user_id);
        CREATE VIEW names AS SELECT id FROM users;
        """,
    "0004_view_and_trigger.sql": """\
        DROP VIEW names;
        CREATE VIEW names AS SELECT id, name FROM users;
        CREATE TRIGGER users_upper AFTER INSERT ON users
        BEGIN
          UPDATE users SET name = upper(name) WHERE id = new.id;
        END;
        """,
    # Only so that a database with this table is at 0005 (its effective version).
    "0005_audit.sql": "CREATE TABLE audit (at TEXT);\n",
}


def _migrations(root: Path, files: dict[str, str] = MIGRATIONS) -> Path:
    return write_migrations(root / "migrations", {n: textwrap.dedent(t) for n, t in files.items()})


def _full_db(path: Path, migrations: Path, *extra: str) -> Path:
    """A database with every migration applied (as the app would), then `extra`."""
    conn = sqlite3.connect(path, isolation_level=None)
    for f in sorted(migrations.glob("*.sql")):
        conn.executescript(f.read_text(encoding="utf-8"))
    for sql in extra:
        conn.execute(sql)
    conn.close()
    return path


def _changes(cli: Any, *args: str) -> list[dict[str, Any]]:
    r = cli("validate", *args, "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    return list(json.loads(r.stdout)["changes"])


def _sources(changes: list[dict[str, Any]]) -> dict[tuple[str, str, str], Any]:
    return {(c["change"], c["object_type"], c["name"]): c["source"] for c in changes}


def _src(version: str, file: str | None, line: int | None) -> dict[str, Any]:
    return {"version": version, "file": file, "line": line}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The attribution replay's work: versions run statement by statement, starts from
    scratch, statements executed (summed over every StepReplay made)."""
    work = {"traced": 0, "replays": 0, "statements": 0}
    original_trace, original_run = StepReplay.trace, StepReplay._run

    def trace(self: StepReplay, index: int, watched: Any) -> Any:
        work["traced"] += 1
        work["statements"] += len(self.migrations[index].statements)
        return original_trace(self, index, watched)

    def start(self: StepReplay) -> sqlite3.Connection:
        work["replays"] += 1
        self.close()
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.position = 0
        if self.baseline is not None:
            self._run(self.conn, self.baseline.statements)
        return self.conn

    def run(self: StepReplay, conn: sqlite3.Connection, statements: Any) -> None:
        work["statements"] += len(statements)
        original_run(self, conn, statements)

    monkeypatch.setattr(StepReplay, "trace", trace)
    monkeypatch.setattr(StepReplay, "_start", start)
    monkeypatch.setattr(StepReplay, "_run", run)
    return work


# --------------------------------------------------------------------------
# What each kind of change is attributed to


def test_each_change_names_the_statement_that_made_its_expected_object(
    cli: Any, tmp_path: Path
) -> None:
    mig = _migrations(tmp_path)
    # The database as at 0004, but with hand-made differences.
    db = _full_db(
        tmp_path / "app.db",
        mig,
        "ALTER TABLE users DROP COLUMN email",  # added by an ALTER in 0002
        "DROP INDEX posts_user",  # created in 0002, made again the same in 0003's rebuild
        "DROP TRIGGER users_upper",  # 0004
        "DROP VIEW names",
        "CREATE VIEW names AS SELECT id FROM users",  # 0003's form, not 0004's
        "ALTER TABLE posts DROP COLUMN title",  # from 0003's rebuild
        "DROP TABLE tags",  # created in 0001, untouched since
    )
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    assert _sources(changes) == {
        # ALTER TABLE ... ADD COLUMN: that statement.
        ("missing", "column", "email"): _src("0002", "0002_email.sql", 1),
        # Made again, the same, by 0003: expected since 0002 all the same.
        ("missing", "index", "posts_user"): _src("0002", "0002_email.sql", 3),
        # A rebuild: the CREATE TABLE of the new table (renamed into place later), not
        # the RENAME.
        ("missing", "column", "title"): _src("0003", "0003_rebuild_posts.sql", 2),
        # The view's last definition: 0004's CREATE VIEW (line 2), not 0003's.
        ("changed", "view", "names"): _src("0004", "0004_view_and_trigger.sql", 2),
        # A trigger written over several lines: the line it starts on.
        ("missing", "trigger", "users_upper"): _src("0004", "0004_view_and_trigger.sql", 3),
        # Created in 0001 and never touched since: 0001's CREATE TABLE (after a comment).
        ("missing", "table", "tags"): _src("0001", "0001_init.sql", 7),
    }


def test_text_says_expected_since_file_and_line(cli: Any, tmp_path: Path) -> None:
    mig = _migrations(tmp_path)
    db = _full_db(tmp_path / "app.db", mig, "ALTER TABLE users DROP COLUMN email")
    r = cli("validate", "--db", str(db), "--migrations", str(mig))
    assert r.exit_code == 1
    assert "  - error    column users.email is missing (expected since 0002_email.sql:1)\n" in (
        r.stdout
    )


def test_a_changed_column_points_at_what_gave_it_its_form(cli: Any, tmp_path: Path) -> None:
    mig = _migrations(tmp_path)
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, body TEXT,"
        " title TEXT);"
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);"
        "CREATE INDEX posts_user ON posts (user_id);"
        "CREATE VIEW names AS SELECT id, name FROM users;"
        "CREATE TRIGGER users_upper AFTER INSERT ON users BEGIN "
        "UPDATE users SET name = upper(name) WHERE id = new.id; END;",
    )
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    # users.name is NOT NULL since 0001's CREATE TABLE (line 2), although 0002 altered
    # the table since: the column's own form is what counts.
    assert _sources(changes) == {("changed", "column", "name"): _src("0001", "0001_init.sql", 2)}


def test_a_table_renamed_in_a_later_version_keeps_its_columns_source(
    cli: Any, tmp_path: Path
) -> None:
    mig = _migrations(
        tmp_path,
        {
            "0001_init.sql": "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT);\n",
            "0002_more.sql": "CREATE TABLE other (x);\n",
            "0003_rename.sql": "\n\nALTER TABLE accounts RENAME TO users;\n",
        },
    )
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email INT); CREATE TABLE other (x);",
    )
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    # The column was written in 0001, under the table's old name.
    assert _sources(changes) == {("changed", "column", "email"): _src("0001", "0001_init.sql", 1)}


def test_an_unexpected_object_a_later_version_creates_points_there(
    cli: Any, tmp_path: Path
) -> None:
    mig = _migrations(tmp_path)
    # At 0001, with an index by the name 0002 gives one (made by hand, on another
    # column) and an index no migration makes.
    db = make_db(
        tmp_path / "app.db",
        textwrap.dedent(MIGRATIONS["0001_init.sql"])
        + "CREATE INDEX posts_user ON posts (body); CREATE INDEX by_hand ON users (name);",
    )
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    assert _sources(changes) == {
        ("unexpected", "index", "posts_user"): _src("0002", "0002_email.sql", 3),
        ("unexpected", "index", "by_hand"): None,
    }
    r = cli("validate", "--db", str(db), "--migrations", str(mig))
    assert "version 0002 creates it (created in 0002_email.sql:3)" in r.stdout
    assert "no migration creates it\n" in r.stdout  # by_hand: nothing added


def test_a_clean_database_costs_no_attribution(
    cli: Any, tmp_path: Path, counted: dict[str, int]
) -> None:
    mig = _migrations(tmp_path)
    db = _full_db(tmp_path / "app.db", mig)
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "--format", "json")
    assert json.loads(r.stdout)["changes"] == []
    assert counted == {"traced": 0, "replays": 0, "statements": 0}


# --------------------------------------------------------------------------
# Python registries, snapshots, diff


REGISTRY = '''\
REG = [
    {"version": 1, "name": "init", "statements": [
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
    ]},
    {"version": 2, "name": "email", "statements": [
        "CREATE TABLE other (x)",
        """
        ALTER TABLE users
        ADD COLUMN email TEXT
        """,
    ]},
]
'''


def test_a_python_registry_statement_is_located_in_its_module(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)
    (tmp_path / "dc_reg").mkdir()
    (tmp_path / "dc_reg" / "__init__.py").touch()
    (tmp_path / "dc_reg" / "db.py").write_text(REGISTRY, encoding="utf-8")
    db = make_db(tmp_path / "app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);")
    db = make_db(db, "CREATE TABLE other (x);")
    changes = _changes(cli, "--db", str(db), "--migrations", "python:dc_reg.db:REG")
    # The file as errors name it; the line the statement starts on in the module.
    assert _sources(changes) == {("missing", "column", "email"): _src("2", "dc_reg/db.py", 8)}
    r = cli("validate", "--db", str(db), "--migrations", "python:dc_reg.db:REG")
    # The file does not show the version: both are said.
    assert "column users.email is missing (expected since 2 at dc_reg/db.py:8)" in r.stdout


def test_snapshots_attribute_with_the_migrations_and_give_the_version_without(
    cli: Any, tmp_path: Path
) -> None:
    mig = _migrations(tmp_path)
    assert cli("snapshot", "--migrations", str(mig), "--out", "exp").exit_code == 0
    db = _full_db(tmp_path / "app.db", mig, "ALTER TABLE posts DROP COLUMN title")
    with_files = _changes(cli, "--db", str(db), "--migrations", str(mig), "--expected", "exp")
    assert _sources(with_files) == {
        ("missing", "column", "title"): _src("0003", "0003_rebuild_posts.sql", 2)
    }
    # Snapshots alone (a production health check): no statements, the version only.
    alone = _changes(cli, "--db", str(db), "--expected", "exp")
    assert _sources(alone) == {("missing", "column", "title"): _src("0003", None, None)}
    r = cli("validate", "--db", str(db), "--expected", "exp")
    assert "column posts.title is missing (expected since 0003)\n" in r.stdout


def test_diff_of_two_databases_has_no_source(cli: Any, tmp_path: Path) -> None:
    a = make_db(tmp_path / "a.db", "CREATE TABLE t (x, y);")
    b = make_db(tmp_path / "b.db", "CREATE TABLE t (x);")
    r = cli("diff", str(a), str(b), "--format", "json")
    changes = json.loads(r.stdout)["changes"]
    assert [c["source"] for c in changes] == [None]
    assert "expected since" not in cli("diff", str(a), str(b)).stdout


# --------------------------------------------------------------------------
# Fleets: worked out once


def test_a_fleet_of_drifted_databases_works_each_source_out_once(
    cli: Any, tmp_path: Path, counted: dict[str, int]
) -> None:
    mig = _migrations(tmp_path)
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    for n in range(5):
        # The same drift, and each its own extra index: no two share a report.
        _full_db(
            fleet / f"t{n}.db",
            mig,
            "ALTER TABLE users DROP COLUMN email",
            f"CREATE INDEX by_hand_{n} ON posts (body)",
        )
    r = cli(
        "validate",
        "--db",
        str(fleet / "*.db"),
        "--migrations",
        str(mig),
        "--format",
        "jsonl",
        "--jobs",
        "1",
    )
    reports = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    reports = [x for x in reports if "changes" in x]
    assert len(reports) == 5
    for report in reports:
        sources = {c["name"]: c["source"] for c in report["changes"]}
        assert sources["email"] == _src("0002", "0002_email.sql", 1)
    # Version 0002 ran statement by statement once, after 0001 ran once: for all five.
    statements = len(MIGRATIONS["0001_init.sql"].split(";")) - 1 + 2
    assert counted == {"traced": 1, "replays": 1, "statements": statements}


def test_versions_are_traced_in_order_in_one_replay(
    cli: Any, tmp_path: Path, counted: dict[str, int]
) -> None:
    mig = _migrations(tmp_path)
    db = _full_db(
        tmp_path / "app.db",
        mig,
        "DROP TRIGGER users_upper",
        "ALTER TABLE users DROP COLUMN email",
        "DROP TABLE tags",
    )
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    assert len(changes) == 3
    # 0001, 0002 and 0004 statement by statement, 0003 run whole, from one start.
    assert counted["traced"] == 3
    assert counted["replays"] == 1


def test_a_version_that_cannot_run_again_is_named_without_its_statement(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mig = _migrations(tmp_path)
    db = _full_db(tmp_path / "app.db", mig, "ALTER TABLE users DROP COLUMN email")

    def fails(self: StepReplay, index: int, watched: Any) -> Any:
        raise sqlite3.OperationalError("no such function: app_only")

    monkeypatch.setattr(StepReplay, "_trace", fails)
    changes = _changes(cli, "--db", str(db), "--migrations", str(mig))
    # Never an error for the report: the version and its file, without a line.
    assert _sources(changes) == {
        ("missing", "column", "email"): _src("0002", "0002_email.sql", None)
    }
    r = cli("validate", "--db", str(db), "--migrations", str(mig))
    assert "column users.email is missing (expected since 0002_email.sql)\n" in r.stdout
