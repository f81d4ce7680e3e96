"""apply as a person meets it, and the guarantees of its verification step."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import progress_line, write_migrations
from driftcheck import cli as cli_module
from driftcheck.cli import app

MIGRATIONS = {
    "0001_users.sql": "CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT);\n",
    "0002_posts.sql": "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);\n",
}


def at_version_one(tmp_path: Path) -> tuple[Path, Path]:
    mig = write_migrations(tmp_path / "m", MIGRATIONS)
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS["0001_users.sql"] + "INSERT INTO users(email) VALUES ('a');")
    conn.close()
    return db, mig


def test_apply_needs_yes_without_a_terminal(cli, tmp_path):
    db, mig = at_version_one(tmp_path)
    before = db.read_bytes()
    r = cli("apply", "--db", str(db), "--migrations", str(mig))
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert db.read_bytes() == before


def test_declined_confirmation_changes_nothing(monkeypatch, tmp_path):
    db, mig = at_version_one(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "_stdin_is_terminal", lambda: True)
    before = db.read_bytes()
    r = CliRunner().invoke(app, ["apply", "--db", str(db), "--migrations", str(mig)], input="n\n")
    assert r.exit_code == 1, r.stdout
    assert "Apply 1 version and record 1 version in" in r.stdout and "nothing changed" in r.stderr
    assert "apply   0002 posts" in r.stderr  # the prompt lists the versions by name
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "m"]  # no backup either
    r = CliRunner().invoke(app, ["apply", "--db", str(db), "--migrations", str(mig)], input="y\n")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert progress_line(r.stdout, "0002", "applied")


def test_a_version_whose_result_is_not_its_expected_schema_is_rolled_back(cli, tmp_path):
    """Expected schemas that do not match what a migration really does (a stale registry):
    the version runs, verification fails, it is rolled back and apply stops (exit 1)."""
    db, mig = at_version_one(tmp_path)
    assert cli("snapshot", "--migrations", str(mig)).exit_code == 0
    delta = tmp_path / "expected_schemas" / "versions" / "0002_posts.json"
    data = json.loads(delta.read_text())
    data["changed"]["table:posts"]["columns"][1]["type"] = "BLOB"  # not what 0002 creates
    delta.write_text(json.dumps(data))
    r = cli("apply", "--db", str(db), "--migrations", str(mig), "--yes", "--no-backup")
    assert r.exit_code == 1, r.stdout + r.stderr
    assert progress_line(r.stdout, "0001", "recorded")  # the earlier step stays committed
    assert "not its expected schema" in r.stderr and "table posts" in r.stderr
    conn = sqlite3.connect(db)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    recorded = conn.execute("SELECT version FROM driftcheck_history").fetchall()
    rows = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    conn.close()
    assert "posts" not in tables  # version 0002 rolled back, with its history row
    assert recorded == [("0001",)] and rows == 1


def test_progress_only_on_a_terminal(monkeypatch, capsys):
    class Tty:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    ui = cli_module.UI()
    assert cli_module._progress(ui) is None  # pytest's stderr is not a terminal
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    show = cli_module._progress(ui)
    assert show is not None
    show(10, 20)
    assert tty.text == ""  # short replays stay quiet
    show(25, 100)
    assert "replaying migrations 25/100" in tty.text
    assert cli_module._progress(cli_module.UI(quiet=True)) is None
    assert ui.colour(tty)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ui.colour(tty)
    assert cli_module.UI(color="always").colour(tty)
    assert not cli_module.UI(color="never").colour(tty)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ui.colour(io.StringIO())
