"""What a new user's trial typed, and what it must say: database URLs that name a host or
ask for read-only access, SQLAlchemy's three slashes, near-miss migration names, a
directory given to --config, an unknown ignore kind and a TOML key set twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import make_db, write_migrations
from driftcheck.dburl import database_path, read_only_url, rebase

MIGRATIONS = {"0001_a.sql": "CREATE TABLE a (x);\n", "0002_b.sql": "CREATE TABLE b (y);\n"}


def assert_usage_error(r, *culprits: str) -> None:
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    for culprit in culprits:
        assert culprit in r.stderr, r.stderr


def tables(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return sorted(name for (name,) in rows)


# --------------------------------------------------------------------------
# 1. Database URLs


@pytest.mark.parametrize(
    "url,host",
    [
        ("sqlite://user:pw@host/trialdir/x.db", "host"),
        ("sqlite3://db/trialdir/x.db", "db"),  # golang-migrate's relative form
        ("file://server/trialdir/x.db", "server"),
    ],
)
def test_a_url_naming_a_host_is_refused_before_anything_is_written(cli, tmp_path, url, host):
    # (In a directory that does not exist: without the check, /trialdir/x.db was opened.)
    mig = write_migrations(tmp_path / "m", MIGRATIONS)
    r = cli("apply", "--db", url, "-m", str(mig), "--yes")
    assert_usage_error(r, "names a host", f"({host})")
    assert "pw" not in r.stderr  # the password is not repeated
    assert not list(tmp_path.rglob("x.db"))


def test_a_host_in_the_config_file_names_the_file_and_the_key(cli, tmp_path):
    write_migrations(tmp_path / "m", MIGRATIONS)
    (tmp_path / "driftcheck.toml").write_text(
        'migrations = "m"\ndatabase = "sqlite://me:hunter2@db.example.com/app.db"\n'
    )
    r = cli("validate")
    assert_usage_error(r, str(tmp_path / "driftcheck.toml"), "database = ", "db.example.com")
    assert "hunter2" not in r.stderr


def test_three_slashes_are_a_relative_path_as_in_sqlalchemy(cli, tmp_path):
    # A first apply creates the database here, not at the filesystem root.
    mig = write_migrations(tmp_path / "m", MIGRATIONS)
    (tmp_path / "trialdata").mkdir()
    r = cli("apply", "--db", "sqlite:///trialdata/app.db", "-m", str(mig), "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert tables(tmp_path / "trialdata" / "app.db")[:2] == ["a", "b"]


def test_four_slashes_are_an_absolute_path(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", MIGRATIONS)
    db = make_db(tmp_path / "abs.db", "CREATE TABLE a (x); CREATE TABLE b (y);")
    (tmp_path / "elsewhere").mkdir()
    for url in (f"sqlite:///{db}", f"file://{db}", f"sqlite://localhost/{db}"):
        r = cli("validate", "--db", url, "-m", str(mig), "--history", "none")
        assert r.exit_code == 0, url + r.stdout + r.stderr


@pytest.mark.parametrize(
    "url,path",
    [
        ("sqlite:app.db", "app.db"),
        ("sqlite:///app.db", "app.db"),
        ("sqlite:////srv/app.db", "/srv/app.db"),
        ("sqlite:/srv/app.db", "/srv/app.db"),
        ("sqlite://localhost/app.db", "app.db"),
        ("sqlite3:///data/app.db?cache=shared", "data/app.db"),
        ("file:app.db?mode=ro", "app.db"),
        ("file:///srv/app.db", "/srv/app.db"),
        ("file://localhost/srv/app.db", "/srv/app.db"),
    ],
)
def test_url_forms(url, path):
    assert database_path(url) == path


def test_a_relative_three_slash_url_in_a_config_file_is_rebased():
    assert rebase("sqlite:///data/app.db", lambda p: "../proj/" + p) == "sqlite:../proj/data/app.db"
    assert rebase("sqlite:///data/app.db?mode=ro", lambda p: "/p/" + p) == (
        "sqlite:////p/data/app.db?mode=ro"
    )
    assert rebase("file:///data/app.db", lambda p: "/p/" + p) == "file:///data/app.db"


@pytest.mark.parametrize(
    "url,param",
    [
        ("file:ro.db?mode=ro", "mode=ro"),
        ("sqlite:ro.db?cache=shared&mode=ro", "mode=ro"),
        ("file:ro.db?immutable=1", "immutable=1"),
        ("file:ro.db?mode=rw", None),
        ("file:ro.db?immutable=0", None),
        ("ro.db", None),
    ],
)
def test_read_only_urls(url, param):
    assert read_only_url(url) == param


def test_apply_does_not_write_a_read_only_url(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", MIGRATIONS)
    db = make_db(tmp_path / "ro.db", "CREATE TABLE a (x);")
    r = cli("apply", "--db", "file:ro.db?mode=ro", "-m", str(mig), "--yes")
    assert_usage_error(r, "file:ro.db?mode=ro", "mode=ro")
    assert tables(db) == ["a"]
    for args in (["baseline", "1"], ["resolve", "1", "--as", "applied"], ["repair"]):
        r = cli(*args, "--db", "file:ro.db?mode=ro", "-m", str(mig), "--yes")
        assert_usage_error(r, "file:ro.db?mode=ro", "mode=ro")
        assert tables(db) == ["a"]


# --------------------------------------------------------------------------
# 2, 3. Near-miss migration names are blamed, not run or called unversioned

GOLANG_MIGRATE = {
    "20240101000000_a.up.sql": "CREATE TABLE a (x);",
    "20240101000000_a.down.sql": "DROP TABLE a;",
    "20240201000000_b.up.sql": "CREATE TABLE b (x);",
    "20240201000000_b.down.sql": "DROP TABLE b;",
}


@pytest.mark.parametrize(
    "odd,why",
    [
        ("20240401000000_x.sql", "no direction"),
        ("20240401000000_x.UP.sql", "lowercase"),
    ],
)
def test_a_file_without_a_direction_among_golang_migrate_pairs_is_blamed(cli, tmp_path, odd, why):
    mig = write_migrations(tmp_path / "m", {**GOLANG_MIGRATE, odd: "CREATE TABLE x (y);"})
    db = make_db(tmp_path / "app.db", "")
    r = cli("validate", "--db", str(db), "-m", str(mig))
    assert_usage_error(r, odd, "golang-migrate", why, "20240401000000_x.up.sql")
    assert "--migrations-format sqlx" in r.stderr  # the way out for a real sqlx directory
    r = cli("validate", "--db", str(db), "-m", str(mig), "--migrations-format", "sqlx")
    assert r.exit_code != 2, r.stderr


def test_a_lowercase_v_among_flyway_files_is_blamed_with_the_capital_v(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "V1__a.sql": "CREATE TABLE a (x);",
            "V2__b.sql": "CREATE TABLE b (x);",
            "v4__add_z.sql": "CREATE TABLE z (x);",
        },
    )
    db = make_db(tmp_path / "app.db", "")
    r = cli("validate", "--db", str(db), "-m", str(mig))
    assert_usage_error(r, "v4__add_z.sql", "capital V", "rename it to V4__add_z.sql")
    assert "has no version" not in r.stderr


# --------------------------------------------------------------------------
# 4, 5, 6. The config file


def test_config_given_a_directory_says_which_file_to_pass(cli, tmp_path):
    (tmp_path / "adir").mkdir()
    r = cli("validate", "--config", "adir")
    assert_usage_error(r, "adir", "is a directory", "adir/driftcheck.toml")
    assert "no such file" not in r.stderr
    (tmp_path / "adir" / "pyproject.toml").write_text("[tool.driftcheck]\n")
    r = cli("validate", "--config", "adir")
    assert_usage_error(r, "--config adir/pyproject.toml")


def test_an_unknown_ignore_kind_names_the_file_the_key_and_the_kinds(cli, tmp_path):
    write_migrations(tmp_path / "m", MIGRATIONS)
    make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE TABLE b (y);")
    config = tmp_path / "driftcheck.toml"
    config.write_text('migrations = "m"\ndatabase = "app.db"\nignore = ["a", "indx:tmp_*"]\n')
    r = cli("validate")
    assert_usage_error(
        r,
        str(config),
        "ignore = ",
        "item 2",
        '"indx"',
        "table, index, view, trigger",
        "index:tmp_*",
    )


def test_a_key_set_twice_is_named_with_both_lines(cli, tmp_path):
    config = tmp_path / "driftcheck.toml"
    config.write_text('ignore = ["table:a"]\nmigrations = "m"\nignore = ["index:b"]\n')
    r = cli("validate")
    assert_usage_error(r, str(config), "`ignore` is set twice", "lines 1 and 3", "merge the two")
    assert "Cannot overwrite" not in r.stderr


def test_a_table_declared_twice_is_named_with_both_lines(cli, tmp_path):
    config = tmp_path / "driftcheck.toml"
    config.write_text('[history]\nkind = "table"\n[lint]\nignore = []\n[history]\ntable = "x"\n')
    r = cli("validate")
    assert_usage_error(r, "the table [history] is declared twice (lines 1 and 5)", "merge the two")
    assert "Cannot declare" not in r.stderr


def test_a_python_source_string_and_its_fields_table_clash_with_advice(cli, tmp_path):
    """The TOML pitfall of a python: source with field names: `migrations` cannot be both
    a string and the table [migrations.python]."""
    config = tmp_path / "driftcheck.toml"
    config.write_text('migrations = "python:app.reg:REG"\n\n[migrations.python]\nsql = "up"\n')
    r = cli("lint")
    assert_usage_error(
        r,
        "`migrations` is set as a value (line 1) and as a table ([migrations.python], line 3)",
        '[migrations] source = "python:..."',
        "[migrations_python]",
    )
    assert "Cannot overwrite" not in r.stderr


def test_a_key_set_twice_in_a_section(cli, tmp_path):
    config = tmp_path / "driftcheck.toml"
    config.write_text('[history]\nkind = "table"\ntable = "a"\nkind = "none"\n')
    r = cli("validate")
    assert_usage_error(r, "`kind` is set twice", "lines 2 and 4", "keep one `kind = ...` line")


@pytest.mark.parametrize(
    ("text", "key", "guess"),
    [
        ('[history]\nknd = "table"\n', "history.knd", "kind"),
        ('[migrations]\nsource = "m"\n[migrations.python]\nversoin = "v"\n', "versoin", "version"),
        ('databse = "app.db"\n', "databse", "database"),
    ],
)
def test_an_unknown_key_gets_the_nearest_known_one(cli, tmp_path, text, key, guess):
    (tmp_path / "driftcheck.toml").write_text(text)
    r = cli("validate")
    assert_usage_error(r, "unknown key '", key, f"did you mean {guess!r}?")
