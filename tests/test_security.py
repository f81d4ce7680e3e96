"""Security: names are names, code runs only when asked, reports carry no secrets."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import make_db, write_migrations
from driftcheck.dburl import database_path, redact

EVIL = 'x"; DROP TABLE y; --'


def test_hostile_names_through_apply_and_a_custom_history_table(cli, tmp_path):
    """A table, an index, a column and a history table named like SQL stay names."""
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_y.sql": "CREATE TABLE y (id INTEGER PRIMARY KEY);\n",
            "0002_evil.sql": f'CREATE TABLE "{EVIL.replace(chr(34), chr(34) * 2)}" '
            f'("{EVIL.replace(chr(34), chr(34) * 2)}" TEXT);\n'
            f'CREATE INDEX "i{EVIL.replace(chr(34), chr(34) * 2)}" ON '
            f'"{EVIL.replace(chr(34), chr(34) * 2)}" '
            f'("{EVIL.replace(chr(34), chr(34) * 2)}");\n',
        },
    )
    hist = 'h"; DROP TABLE y; --'
    qh = hist.replace('"', '""')
    db = make_db(
        tmp_path / "app.db",
        f'CREATE TABLE "{qh}" (version TEXT, name TEXT);'
        f'CREATE TABLE "p{qh}" (key TEXT, value TEXT);',
    )
    (tmp_path / "driftcheck.toml").write_text(
        "[history]\n"
        f'table = {json.dumps(hist)}\nname_column = "name"\n'
        "[history.version_pointer]\n"
        f"table = {json.dumps('p' + hist)}\n"
    )
    r = cli("apply", "--db", str(db), "--migrations", str(mig), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    conn = sqlite3.connect(db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema")}
    recorded = conn.execute(f'SELECT version FROM "{qh}" ORDER BY version').fetchall()
    pointer = conn.execute(f'SELECT key, value FROM "p{qh}"').fetchall()
    conn.close()
    assert {"y", EVIL, hist, "p" + hist} <= names
    assert recorded == [("0001",), ("0002",)]
    assert pointer == [("schema_version", "0002")]
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert json.loads(r.stdout)["status"] == "clean"


def test_python_files_in_a_migrations_directory_are_never_run(cli, tmp_path):
    marker = tmp_path / "ran.txt"
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_a.sql": "CREATE TABLE a(x);\n",
            "0002_data.py": f"open({str(marker)!r}, 'w').write('imported')\n",
            "conftest.py": f"open({str(marker)!r}, 'w').write('imported')\n",
        },
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE a(x);")
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert [s["file"] for s in report["migrations"]["skipped"]] == ["0002_data.py"]
    assert not marker.exists()


@pytest.mark.parametrize(
    "spec,shown",
    [
        ("sqlite://admin:hunter2@localhost/{db}", "sqlite://admin:***@localhost/{db}"),
        ("file:{db}?key=hunter2&mode=ro", "file:{db}?key=***&mode=ro"),
        ("sqlite:{db}?password=hunter2", "sqlite:{db}?password=***"),
    ],
)
def test_reports_never_carry_credentials(spec, shown, cli, tmp_path):
    db = make_db(tmp_path / "app.db", "CREATE TABLE a(x);")
    mig = write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a(x);\n"})
    arg = spec.format(db=db)
    for args in (
        ["validate", "--db", arg, "--migrations", str(mig), "-f", "json"],
        [
            "validate",
            "--db",
            arg.replace("app.db", "gone.db"),
            "--migrations",
            str(mig),
            "-f",
            "json",
        ],
    ):
        r = cli(*args)
        assert "hunter2" not in r.stdout + r.stderr
        report = json.loads(r.stdout)
        if r.exit_code == 0:
            assert report["target"]["database"] == shown.format(db=db)
            assert report["status"] == "clean"
        else:
            assert report["status"] == "error"


@pytest.mark.parametrize(
    "spec,path",
    [
        ("app.db", "app.db"),
        ("sqlite:app.db", "app.db"),
        ("sqlite3:data/app.db?cache=shared", "data/app.db"),
        ("sqlite:///tmp/app.db", "tmp/app.db"),  # SQLAlchemy: three slashes, relative
        ("sqlite:////tmp/app.db", "/tmp/app.db"),
        ("file:app%20one.db?mode=ro", "app one.db"),
    ],
)
def test_database_urls(spec, path):
    assert database_path(spec) == path
    assert redact(spec) == spec
