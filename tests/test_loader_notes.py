"""Migration files are never dropped silently, auto-detection blames the format the files
follow, regexes are echoed as written, and what `ignore` leaves out is listed (issue 8,
items 2, 3, 14 and 17), all through the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import make_db, write_migrations

PLAIN = {f"000{i}_t{i}.sql": f"CREATE TABLE t{i} (x);\n" for i in range(1, 9)}
PLAIN_SQL = "".join(PLAIN.values())


def validate(cli, db: Path, mig: Path, *extra: str):
    return cli("validate", "--db", str(db), "--migrations", str(mig), *extra)


def one_error(r) -> str:
    """The one error message (stderr) of a run that could not check."""
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr and "internal error" not in r.stderr
    return r.stderr


# --- item 2: a .sql file without a version is an error, not a silent skip ----------------


def test_unversioned_sql_among_plain_migrations_is_an_error(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {**PLAIN, "add_notes.sql": "CREATE TABLE n (x);"})
    db = make_db(tmp_path / "app.db", PLAIN_SQL)
    err = one_error(validate(cli, db, mig))
    assert "add_notes.sql" in err and "would never run" in err
    assert "plain convention" in err and "NNNN_name.sql" in err  # what the others follow
    assert "rename it to 0009_add_notes.sql" in err  # the next version, spelled alike
    assert "move it out of the migrations directory" in err
    assert err.count("error:") == 1

    # the same with the format forced, and as a JSON report
    assert one_error(validate(cli, db, mig, "--migrations-format", "plain")) == err
    r = validate(cli, db, mig, "-f", "json")
    assert r.exit_code == 2
    report = json.loads(r.stdout)
    assert report["status"] == "error" and "add_notes.sql" in report["error"]["message"]
    assert "0009_add_notes.sql" in report["error"]["hint"]


def test_several_unversioned_files_are_named_in_one_message(cli, tmp_path):
    files = {**PLAIN, "add_notes.sql": "SELECT 1;", "fix-users.sql": "SELECT 2;"}
    mig = write_migrations(tmp_path / "m", files)
    db = make_db(tmp_path / "app.db", PLAIN_SQL)
    err = one_error(validate(cli, db, mig))
    assert "add_notes.sql, fix-users.sql" in err and "they would never run" in err
    assert "add_notes.sql to 0009_add_notes.sql" in err


@pytest.mark.parametrize(
    ("files", "suggestion"),
    [
        pytest.param(
            {
                "20240101000000_a.sql": "CREATE TABLE a (x);",
                "20240102000000_b.sql": "CREATE TABLE b (x);",
                "add_c.sql": "CREATE TABLE c (x);",
            },
            "rename it to 20240102000001_add_c.sql",
            id="sqlx",
        ),
        pytest.param(
            {"V1__a.sql": "CREATE TABLE a (x);", "V2__b.sql": "CREATE TABLE b (x);", "c.sql": ""},
            "rename it to V3__c.sql",
            id="flyway",
        ),
        pytest.param(
            {"1_a.up.sql": "CREATE TABLE a (x);", "1_a.down.sql": "", "add_c.up.sql": ""},
            "rename it to 2_add_c.up.sql",
            id="golang-migrate",
        ),
        pytest.param(
            {"0.1/01__a.sql": "CREATE TABLE a (x);", "add_c.sql": ""},
            "move it into a version directory (e.g. 0.2/add_c.sql)",
            id="dirs",
        ),
    ],
)
def test_unversioned_sql_in_other_formats_is_an_error(cli, tmp_path, files, suggestion):
    for name in files:
        (tmp_path / "m" / name).parent.mkdir(parents=True, exist_ok=True)
    mig = write_migrations(tmp_path / "m", files)
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x);")
    err = one_error(validate(cli, db, mig))
    culprit = next(f for f in files if f.startswith(("add_c", "c.sql")))
    assert culprit in err and "would never run" in err
    assert suggestion in err


@pytest.mark.parametrize(
    "name",
    ["schema.sql", "structure.sql", "LATEST.sql", "seed.sql", "dev_seeds.sql", "seedData.sql"],
)
def test_dumps_and_seeds_beside_migrations_are_notes(cli, tmp_path, name):
    mig = write_migrations(tmp_path / "m", {**PLAIN, name: "CREATE TABLE t1 (x);"})
    db = make_db(tmp_path / "app.db", PLAIN_SQL)
    r = validate(cli, db, mig)
    assert r.exit_code == 0, r.stderr
    note = next(line for line in r.stdout.splitlines() if name in line)
    assert note.split()[0] == "note" and "not a plain migration" in note
    r = validate(cli, db, mig, "-f", "json")
    (json_note,) = json.loads(r.stdout)["migrations"]["notes"]
    assert name in json_note


def test_unmatched_files_of_a_pattern_are_a_note(cli, tmp_path):
    """A --migrations-pattern is the user's own filter: what it leaves out is noted."""
    mig = write_migrations(
        tmp_path / "m", {"V0001.Init.up.sql": "CREATE TABLE a (x);", "add_b.sql": "SELECT 1;"}
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x);")
    pattern = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"
    r = validate(cli, db, mig, "--migrations-pattern", pattern, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["migrations"]["notes"] == [
        "ignored 1 .sql file that does not match --migrations-pattern: add_b.sql"
    ]


FLYWAY = {
    "V1__a.sql": "CREATE TABLE a (x);",
    "V2__b.sql": "CREATE TABLE b (x);",
    "U2__b.sql": "DROP TABLE b;",
    "R__views.sql": "CREATE VIEW v AS SELECT 1;",
    "afterMigrate.sql": "SELECT 1;",
}


@pytest.mark.parametrize("command", ["validate", "status", "plan"])
def test_flyway_undo_repeatable_and_callback_files_are_noted(cli, tmp_path, command):
    mig = write_migrations(tmp_path / "m", FLYWAY)
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE TABLE b (x);")
    r = cli(command, "--db", str(db), "--migrations", str(mig))
    assert r.exit_code == 0, r.stdout + r.stderr
    notes = [
        line.split(None, 1)[1] for line in r.stdout.splitlines() if line.split()[:1] == ["note"]
    ]
    assert [n for n in notes if n.startswith("ignored")] == [
        "ignored 1 Flyway undo (U) file: U2__b.sql",
        "ignored 1 Flyway repeatable (R) file: R__views.sql "
        "(not replayed: what they create is not expected)",
        "ignored 1 Flyway callback file: afterMigrate.sql",
    ]


def test_loader_notes_reach_the_json_report(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", FLYWAY)
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE TABLE b (x);")
    for command in ("validate", "status", "plan"):
        r = cli(command, "--db", str(db), "--migrations", str(mig), "-f", "json")
        assert r.exit_code == 0, r.stderr
        notes = json.loads(r.stdout)["migrations"]["notes"]
        assert [n.split(":")[0] for n in notes] == [
            "ignored 1 Flyway undo (U) file",
            "ignored 1 Flyway repeatable (R) file",
            "ignored 1 Flyway callback file",
        ]
    clean = write_migrations(tmp_path / "clean", {"V1__a.sql": "CREATE TABLE a (x);"})
    r = validate(cli, db, clean, "-f", "json")
    assert json.loads(r.stdout)["migrations"]["notes"] == []


# --- item 3: auto-detection blames the format the other files follow -----------------------


def test_one_misnamed_file_among_plain_files_blames_plain(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {**PLAIN, "0009-add-notes.sql": "SELECT 1;"})
    db = make_db(tmp_path / "app.db", PLAIN_SQL)
    err = one_error(validate(cli, db, mig))
    assert "0009-add-notes.sql" in err and "does not fit the plain format" in err
    assert "sqlx" not in err and "cannot tell" not in err
    assert "rename it to 0009_add-notes.sql" in err
    # exactly what the user gets when naming the format
    assert one_error(validate(cli, db, mig, "--migrations-format", "plain")) == err


def test_one_misnamed_file_among_timestamped_files_blames_sqlx(cli, tmp_path):
    files = {
        "20240101000000_a.sql": "CREATE TABLE a (x);",
        "20240102000000_b.sql": "CREATE TABLE b (x);",
        "20240103000000-c.sql": "CREATE TABLE c (x);",
    }
    mig = write_migrations(tmp_path / "m", files)
    db = make_db(tmp_path / "app.db", "")
    err = one_error(validate(cli, db, mig))
    assert "20240103000000-c.sql" in err and "does not fit the sqlx format" in err
    assert "20240103000000_c.sql" in err
    assert one_error(validate(cli, db, mig, "--migrations-format", "sqlx")) == err


def test_files_following_no_one_convention_still_cannot_be_told(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"V1__a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;"})
    db = make_db(tmp_path / "app.db", "")
    err = one_error(validate(cli, db, mig))
    assert "cannot tell the migration format" in err
    assert "flyway would explain 1 migration but not 0002_b.sql" in err
    assert "plain would explain 1 migration but not V1__a.sql" in err
    assert "--migrations-format" in err


# --- item 14: a regex is echoed as written ------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"V(?P<version>\d+)__(?P<name>\w+)\.sql", id="matches-nothing"),
        pytest.param(r"(?P<version>\d+", id="invalid"),
        pytest.param(r"\d+_\w+\.sql", id="no-version-group"),
    ],
)
def test_a_regex_is_echoed_as_written(cli, tmp_path, pattern):
    mig = write_migrations(tmp_path / "m", {"0001_a.sql": "SELECT 1;"})
    db = make_db(tmp_path / "app.db", "")
    err = one_error(validate(cli, db, mig, "--migrations-pattern", pattern))
    assert f"--migrations-pattern '{pattern}'" in err
    assert "\\\\" not in err  # no doubled backslashes

    (tmp_path / "driftcheck.toml").write_text(
        f"migrations = 'm'\nmigrations_pattern = '{pattern}'\n", encoding="utf-8"
    )
    err = one_error(cli("validate", "--db", str(db)))
    assert f"'{pattern}'" in err and "\\\\" not in err


# --- item 17: what `ignore` left out is listed ----------------------------------------------


def test_ignored_objects_are_listed_in_the_report(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x, y);"})
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE a (x, y);"
        "CREATE TABLE scratch (z); CREATE INDEX scratch_z ON scratch (z);"
        "CREATE INDEX tmp_y ON a (y); CREATE INDEX TMP_x ON a (x);"
        "CREATE VIEW debug_v AS SELECT 1;"
        # a history table (Knex's) is never schema, so it is not listed as ignored
        "CREATE TABLE knex_migrations (id INTEGER PRIMARY KEY, name TEXT);",
    )
    (tmp_path / "driftcheck.toml").write_text(
        'ignore = ["table:scratch", "index:tmp_*", "debug_*", "*_migrations"]\n'
    )
    r = validate(cli, db, mig, "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["changes"] == []
    assert report["ignored"] == [
        {"object_type": "table", "name": "scratch", "table": None, "pattern": "table:scratch"},
        {
            "object_type": "index",
            "name": "scratch_z",
            "table": "scratch",
            "pattern": "table:scratch",
        },
        {"object_type": "index", "name": "TMP_x", "table": "a", "pattern": "index:tmp_*"},
        {"object_type": "index", "name": "tmp_y", "table": "a", "pattern": "index:tmp_*"},
        {"object_type": "view", "name": "debug_v", "table": None, "pattern": "debug_*"},
    ]
    again = validate(cli, db, mig, "-f", "json")
    assert again.stdout == r.stdout  # deterministic

    for command in ("validate", "status"):
        r = cli(command, "--db", str(db), "--migrations", str(mig))
        lines = [line.split(None, 1) for line in r.stdout.splitlines()]
        assert [
            "ignored",
            (
                "5 objects (table scratch, index scratch_z on scratch, index TMP_x on a, "
                "index tmp_y on a, view debug_v) by ignore rules"
            ),
        ] in lines, r.stdout


def test_nothing_ignored_lists_nothing(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x);"})
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE TABLE other (y);")
    (tmp_path / "driftcheck.toml").write_text('ignore = ["table:scratch_*"]\n')
    r = validate(cli, db, mig, "-f", "json")
    assert json.loads(r.stdout)["ignored"] == []
    r = validate(cli, db, mig)
    assert not [line for line in r.stdout.splitlines() if line.split()[:1] == ["ignored"]]
    assert "table other" in r.stdout
