"""The CLI as a user meets it: commands, exit codes, text and JSON output."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, apply_files, make_db, write_migrations

VERSIONS = sorted(EXAMPLES.glob("*.sql"))


def db_at(path: Path, n: int) -> Path:
    """A database built by executing the first n example migrations with sqlite3."""
    return apply_files(path, VERSIONS[:n])


def test_replayed_database_validates_clean(cli, tmp_path):
    db = db_at(tmp_path / "app.db", len(VERSIONS))
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "CLEAN" in r.stdout
    assert "0013" in r.stdout


def test_json_report_contract(cli, tmp_path):
    db = db_at(tmp_path / "app.db", len(VERSIONS))
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "--format", "json")
    assert r.exit_code == 0
    report = json.loads(r.stdout)
    assert list(report) == [
        "report_version",
        "tool",
        "generated_at",
        "target",
        "migrations",
        "history",
        "effective_version",
        "effective_name",
        "status",
        "changes",
        "ignored",
        "plan",
        "summary",
        "error",
    ]
    assert report["report_version"] == 2
    assert report["tool"]["name"] == "driftcheck"
    assert report["generated_at"] == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH
    assert report["target"] == {"database": str(db), "dialect": "sqlite"}
    assert report["migrations"]["count"] == 13
    assert report["migrations"]["latest_version"] == "0013"
    assert report["migrations"]["format"] == "plain"
    assert report["effective_version"] == "0013"
    assert report["status"] == "clean"
    assert report["changes"] == []
    assert report["error"] is None


def test_pending_versions_exit_zero_unless_asked(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 10)
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 0
    report = json.loads(r.stdout)
    assert report["status"] == "pending"
    assert report["effective_version"] == "0010"
    assert report["summary"]["pending"] == 3
    assert report["summary"]["match"] == "exact"
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "--fail-on-pending")
    assert r.exit_code == 1
    assert "PENDING" in r.stdout


def test_demo_drift_is_found(cli, tmp_path):
    db = tmp_path / "demo.db"
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "make_demo_db.py"), str(db)],
        check=True,
        capture_output=True,
    )
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["status"] == "drift"
    assert report["effective_version"] == "0011"  # applied by hand, never recorded
    [change] = report["changes"]
    assert (change["object_type"], change["change"]) == ("index", "unexpected")
    assert change["name"].startswith("idx_adhoc")
    text = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES)).stdout
    assert "DRIFT" in text and change["name"] in text and "0011" in text


def test_empty_database_matches_no_version(cli, tmp_path):
    db = make_db(tmp_path / "empty.db", "")
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0
    assert report["effective_version"] is None
    assert report["status"] == "pending"
    assert report["summary"]["pending"] == 13


def test_status_one_screen(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 11)
    r = cli("status", "--db", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 0
    lines = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert lines["effective"].startswith("0011 add_books_format (exact match)")
    assert lines["latest"] == "0013"
    assert lines["pending"] == "2"
    assert lines["status"] == "PENDING"


def test_diff_between_versions_and_databases(cli, tmp_path):
    r = cli("diff", "version:0010", "version:0011", "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    kinds = {(c["object_type"], c["change"], c["path"]) for c in report["changes"]}
    # 0011 adds a column with a CHECK, and an index.
    assert ("column", "unexpected", "books.format") in kinds
    assert ("index", "unexpected", "idx_books_format") in kinds
    db = db_at(tmp_path / "a.db", 11)
    r = cli("diff", "version:0011", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 0
    assert "no differences" in r.stdout


def test_inspect_database_and_version_agree(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 13)
    a = json.loads(cli("inspect", "--db", str(db)).stdout)
    b = json.loads(cli("inspect", "--version", "13", "--migrations", str(EXAMPLES)).stdout)
    assert a["fingerprint"] == b["fingerprint"]
    assert b["version"] == "0013"
    assert "books" in a["schema"]["tables"]
    assert a["schema"]["tables"]["reading_sessions"]["strict"] is True
    assert a["schema"]["tables"]["shelf_entries"]["without_rowid"] is True


def test_version_flag_and_module_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "driftcheck", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("driftcheck ")


def test_version_does_not_import_sqlglot():
    code = (
        "import sys; from driftcheck.cli import app; "
        "sys.argv=['driftcheck','--version']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('sqlglot' in sys.modules, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["False", "False"]


@pytest.mark.parametrize(
    "args,culprit",
    [
        (["validate", "--db", "nope.db", "--migrations", str(EXAMPLES)], "nope.db"),
        (["validate", "--db", "{db}", "--migrations", "missing_dir"], "missing_dir"),
        (["validate", "--db", "{db}"], "--migrations"),
        (["validate", "--migrations", str(EXAMPLES)], "--db"),
        (["inspect", "--version", "99", "--migrations", str(EXAMPLES)], "99"),
        (["inspect"], "--db"),
        (["diff", "version:7x", "version:1", "--migrations", str(EXAMPLES)], "7x"),
    ],
)
def test_bad_input_exits_2_naming_the_culprit(cli, tmp_path, args, culprit):
    db = make_db(tmp_path / "x.db", "CREATE TABLE t(a);")
    r = cli(*[a.replace("{db}", str(db)) for a in args])
    assert r.exit_code == 2
    assert culprit in r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def test_bad_input_in_json_mode_still_gives_a_report(cli, tmp_path):
    r = cli("validate", "--db", "nope.db", "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 2
    report = json.loads(r.stdout)
    assert report["status"] == "error"
    assert report["error"]["code"] == "database_missing"
    assert "nope.db" in report["error"]["message"]


def test_unknown_option_value_exits_2(cli, tmp_path):
    r = cli("validate", "--db", "x.db", "--format", "xml")
    assert r.exit_code == 2
    assert "--format" in r.stderr or "--format" in r.stdout


def test_replay_failure_names_version_file_statement_and_line(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_init.sql": "CREATE TABLE a(x);\n",
            "0002_bad.sql": "CREATE TABLE b(y);\n\nCREATE INDEX i ON nothere(z);\n",
        },
    )
    db = make_db(tmp_path / "x.db", "")
    r = cli("validate", "--db", str(db), "--migrations", str(mig))
    assert r.exit_code == 2
    assert "version 0002" in r.stderr and "0002_bad.sql" in r.stderr
    assert "statement 2" in r.stderr and "line 3" in r.stderr
    assert "no such table" in r.stderr


def test_unknown_function_hint_and_declared_stub(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_init.sql": "CREATE TABLE a(x TEXT);\nINSERT INTO a VALUES ('k');\n",
            "0002_fn.sql": "UPDATE a SET x = normalize(x, 'nfc');\n"
            "CREATE VIEW v AS SELECT bin2b64(x) AS y FROM a;\n",
        },
    )
    db = make_db(
        tmp_path / "x.db",
        "CREATE TABLE a(x TEXT);\nCREATE VIEW v AS SELECT bin2b64(x) AS y FROM a;",
    )
    r = cli("validate", "--db", str(db), "--migrations", str(mig))
    assert r.exit_code == 2
    assert "normalize" in r.stderr and "[replay] functions" in r.stderr
    (tmp_path / "driftcheck.toml").write_text(
        '[replay]\nfunctions = ["normalize/2"]\nidentity = ["BIN2B64/1"]\n'
    )
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["status"] == "clean"


def test_read_commands_never_write(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 12)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for args in (
        ["validate", "--db", str(db), "--migrations", str(EXAMPLES)],
        ["status", "--db", str(db), "--migrations", str(EXAMPLES)],
        ["inspect", "--db", str(db)],
        ["diff", str(db), str(db)],
    ):
        assert cli(*args).exit_code in (0, 1)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before


def test_config_file_supplies_defaults_and_flags_override(cli, tmp_path):
    db_at(tmp_path / "app.db", 13)
    shutil.copytree(EXAMPLES, tmp_path / "migs")
    (tmp_path / "driftcheck.toml").write_text('migrations = "migs"\ndatabase = "app.db"\n')
    r = cli("validate", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "clean"
    other = db_at(tmp_path / "old.db", 3)
    r = cli("validate", "--db", str(other), "-f", "json")
    assert json.loads(r.stdout)["effective_version"] == "0003"


@pytest.mark.parametrize(
    "text,culprit",
    [
        ("migrations = [", "driftcheck.toml"),
        ('migration = "m"\n', "'migration'"),
        ('[replay]\nfunction = ["x"]\n', "'replay.function'"),
        ('ignore = "x"\n', "ignore"),
    ],
)
def test_bad_config_exits_2_naming_the_key(cli, tmp_path, text, culprit):
    (tmp_path / "driftcheck.toml").write_text(text)
    r = cli("validate", "--db", "x.db")
    assert r.exit_code == 2
    assert culprit in r.stderr


def test_pyproject_tool_section(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 2)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[tool.driftcheck]\nmigrations = "{EXAMPLES}"\n'
    )
    r = cli("validate", "--db", str(db), "-f", "json")
    assert json.loads(r.stdout)["effective_version"] == "0002"


def test_ignore_patterns(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 13)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE scratch_1(x); CREATE INDEX scratch_i ON scratch_1(x);"
        "CREATE INDEX tmp_idx ON books(title);"
    )
    conn.close()
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert {c["name"] for c in json.loads(r.stdout)["changes"]} == {
        "scratch_1",
        "scratch_i",
        "tmp_idx",
    }
    (tmp_path / "driftcheck.toml").write_text('ignore = ["table:scratch_*", "index:TMP_*"]\n')
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 0, r.stdout
    assert json.loads(r.stdout)["changes"] == []


def test_python_migration_source_end_to_end(cli, tmp_path):
    (tmp_path / "appmigs.py").write_text(
        "MIGRATIONS = [\n"
        "    {'version': 1, 'name': 'init',\n"
        "     'sql': 'CREATE TABLE users(id INTEGER PRIMARY KEY);'},\n"
        "    {'version': 2, 'name': 'email',\n"
        "     'sql': 'ALTER TABLE users ADD COLUMN email TEXT COLLATE NOCASE;'},\n"
        "]\n"
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE users(id INTEGER PRIMARY KEY);")
    r = cli("validate", "--db", str(db), "--migrations", "python:appmigs:MIGRATIONS", "-f", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["migrations"]["format"] == "python"
    assert report["effective_version"] == "1" and report["status"] == "pending"
    r = cli("validate", "--db", str(db), "--migrations", "python:appmigs:NOPE")
    assert r.exit_code == 2 and "NOPE" in r.stderr


def test_migrations_pattern_option(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "V0001.Initial_Schema.up.sql": "CREATE TABLE a(x);",
            "V0001.Initial_Schema.down.sql": "DROP TABLE a;",
            "V0002.Add_B.up.sql": "CREATE TABLE b(y);",
        },
    )
    db = make_db(tmp_path / "x.db", "CREATE TABLE a(x); CREATE TABLE b(y);")
    pattern = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"
    r = cli(
        "validate",
        "--db",
        str(db),
        "--migrations",
        str(mig),
        "--migrations-pattern",
        pattern,
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["effective_version"] == "0002" and report["migrations"]["count"] == 2
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "--migrations-pattern", "(")
    assert r.exit_code == 2 and "--migrations-pattern" in r.stderr


def test_forced_format_that_does_not_fit(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a(x);"})
    db = make_db(tmp_path / "x.db", "")
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "--migrations-format", "flyway")
    assert r.exit_code == 2 and "0001_a.sql" in r.stderr
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "--migrations-format", "nope")
    assert r.exit_code == 2


def test_no_colour_codes_when_not_a_terminal(cli, tmp_path):
    db = db_at(tmp_path / "app.db", 11)
    r = cli("plan", "--db", str(db), "--migrations", str(EXAMPLES))
    assert "\x1b[" not in r.stdout + r.stderr
    assert "PENDING" in r.stdout


def test_diff_says_what_differs_in_views_virtual_tables_and_trigger_bodies(cli, tmp_path):
    a = make_db(
        tmp_path / "a.db",
        "CREATE TABLE t (a, b); CREATE VIEW v AS SELECT a, b FROM t;"
        "CREATE VIRTUAL TABLE f USING fts5(x, tokenize=porter);"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t VALUES (1, 2); END;",
    )
    b = make_db(
        tmp_path / "b.db",
        "CREATE TABLE t (a, b); CREATE VIEW v AS SELECT a, b AS c FROM t;"
        "CREATE VIRTUAL TABLE f USING fts5(x, tokenize='unicode61');"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t VALUES (1, 3); END;",
    )
    r = cli("diff", str(a), str(b))
    assert r.exit_code == 1
    assert "view v: definition differs: result columns expected (a, b), actual (a, c)" in r.stdout
    assert "virtual table f: module arguments differ (option tokenize)" in r.stdout
    assert "body differs (statement 1: expected 'INSERT INTO t VALUES (1, 2)'" in r.stdout


def test_diff_with_info_notes_only_is_the_same_schema(cli, tmp_path):
    """A constraint's name is info: diff shows it, says the schemas are the same, exits 0."""
    a = make_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, e TEXT UNIQUE);")
    b = make_db(
        tmp_path / "b.db",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, e TEXT, CONSTRAINT uq_e UNIQUE (e));",
    )
    r = cli("diff", str(a), str(b))
    assert r.exit_code == 0, r.stdout
    assert "the same schema; 1 note" in r.stdout and "uq_e" in r.stdout
    report = json.loads(cli("diff", str(a), str(b), "--format", "json").stdout)
    assert report["status"] == "same"
    assert [c["severity"] for c in report["changes"]] == ["info"]


def test_the_executable_answers_version_without_importing_typer():
    """`driftcheck --version` is answered by the entry point before the CLI loads."""
    code = (
        "import sys; sys.argv = ['driftcheck', '--version']\n"
        "from driftcheck.entry import main\nmain()\n"
        "print(sorted(m for m in ('typer', 'pydantic', 'sqlglot') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"driftcheck {__import__('driftcheck').__version__}", "[]"]
    # Anything else goes to the CLI proper.
    r = subprocess.run(
        [sys.executable, "-m", "driftcheck", "validate", "--format", "yaml"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "'yaml' is not one of" in r.stderr


def test_the_status_line_lists_flags_by_reason(cli, tmp_path):
    db = tmp_path / "flags.db"
    apply_files(db, sorted(EXAMPLES.glob("*.sql"))[:5])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 9")  # 6 to 9 recorded, and absent
    conn.execute("CREATE INDEX hand_made ON books(title)")
    conn.commit()
    conn.close()
    r = cli("plan", "--db", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 1
    assert (
        "5 flagged (recorded_but_absent: 0006, 0007, 0008, 0009; unattributed)" in r.stdout
    ), r.stdout


def test_an_object_a_later_version_creates_is_not_said_to_come_from_no_migration(cli, tmp_path):
    """A table made by hand before the version that creates it ran: the change names that
    version instead of saying no migration creates it."""
    migs = write_migrations(
        tmp_path / "m",
        {"0001_a.sql": "CREATE TABLE a (x);\n", "0002_tags.sql": "CREATE TABLE tags (id);\n"},
    )
    db = make_db(tmp_path / "d.db", "CREATE TABLE a (x); CREATE TABLE tags (id, extra);")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    r = cli("plan", "--db", str(db), "-m", str(migs), "-f", "json")
    messages = [c["message"] for c in json.loads(r.stdout)["changes"]]
    assert messages == [
        "table tags exists in the database but not at version 0001: version 0002 creates it"
    ]
    only_hand_made = make_db(tmp_path / "e.db", "CREATE TABLE a (x); CREATE TABLE junk (y);")
    r = cli("validate", "--db", str(only_hand_made), "-m", str(migs), "-f", "json")
    assert [c["message"] for c in json.loads(r.stdout)["changes"]] == [
        "table junk exists in the database but no migration creates it"
    ]
