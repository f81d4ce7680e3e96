"""Bad input: exit 2 and one clear message naming the culprit, never a traceback.
And inputs that must simply work."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXAMPLES, apply_files, make_db, write_migrations

GOOD_MIGRATIONS = {"0001_a.sql": "CREATE TABLE a(x);\n", "0002_b.sql": "CREATE TABLE b(y);\n"}


@dataclass
class Case:
    id: str
    setup: Callable[[Path], list[str]]  # builds files in tmp_path, returns the CLI args
    culprit: str  # must appear in the message (file, version, option, key)


def db_and_migrations(
    tmp: Path, migrations: dict[str, str] | None = None, db_sql: str = ""
) -> tuple[str, str]:
    mig = write_migrations(tmp / "m", migrations or GOOD_MIGRATIONS)
    db = make_db(tmp / "app.db", db_sql)
    return str(db), str(mig)


def validate_args(db: str, mig: str, *extra: str) -> list[str]:
    return ["validate", "--db", db, "--migrations", mig, *extra]


def _bytes_db(tmp: Path, data: bytes) -> list[str]:
    p = tmp / "bad.db"
    p.write_bytes(data)
    _, mig = db_and_migrations(tmp)
    return validate_args(str(p), mig)


def _real_db_bytes(tmp: Path) -> bytes:
    src = make_db(
        tmp / "src.db",
        "CREATE TABLE t(a, b); "
        + "".join(f"INSERT INTO t VALUES ({i}, randomblob(200));" for i in range(200)),
    )
    data = src.read_bytes()
    src.unlink()
    return data


def _migration(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        files = dict(GOOD_MIGRATIONS)
        db, mig = db_and_migrations(tmp, files)
        path = Path(mig) / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return validate_args(db, mig)

    return setup


def _config(text: str, name: str = "driftcheck.toml") -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        db, mig = db_and_migrations(tmp)
        (tmp / name).write_text(text)
        return validate_args(db, mig)

    return setup


def _python_source(body: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "appmigs.py").write_text(body)
        db = make_db(tmp / "app.db", "")
        return ["validate", "--db", str(db), "--migrations", "python:appmigs:MIGRATIONS"]

    return setup


def _snapshot_nonsense(tmp: Path) -> list[str]:
    db, mig = db_and_migrations(tmp)
    (tmp / "exp").mkdir()
    (tmp / "exp" / "manifest.json").write_text('{"format": 1, "versions": "no"}')
    return ["validate", "--db", db, "--expected", str(tmp / "exp")]


def _snapshot_stale(tmp: Path) -> list[str]:
    from driftcheck import snapshots
    from driftcheck.migrations import load_migrations

    db, mig = db_and_migrations(tmp)
    snapshots.snapshot(tmp / "exp", load_migrations(mig), None, ())
    (Path(mig) / "0003_c.sql").write_text("CREATE TABLE c(z);")
    return ["validate", "--db", db, "--migrations", mig, "--expected", str(tmp / "exp")]


def _locked(tmp: Path) -> list[str]:
    db, mig = db_and_migrations(tmp, db_sql="CREATE TABLE a(x);")
    (tmp / "driftcheck.toml").write_text("busy_timeout = 0.2\n")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    _HOLD.append(holder)
    return validate_args(db, mig)


_HOLD: list[sqlite3.Connection] = []


CASES = [
    Case(
        "db-missing",
        lambda t: validate_args(str(t / "nope.db"), db_and_migrations(t)[1]),
        "nope.db",
    ),
    Case("db-is-directory", lambda t: validate_args(str(t), db_and_migrations(t)[1]), "directory"),
    Case(
        "db-not-sqlite",
        lambda t: _bytes_db(t, b"hello, I am a text file\n" * 20),
        "not a SQLite database",
    ),
    Case("db-truncated", lambda t: _bytes_db(t, _real_db_bytes(t)[:5000]), "bad.db"),
    Case(
        "db-garbage-after-header",
        lambda t: _bytes_db(t, b"SQLite format 3\x00" + os.urandom(8000)),
        "bad.db",
    ),
    Case("db-locked-by-writer", _locked, "is locked by another process"),
    Case(
        "migrations-missing",
        lambda t: validate_args(db_and_migrations(t)[0], str(t / "nowhere")),
        "nowhere",
    ),
    Case(
        "migrations-empty",
        lambda t: (t / "empty").mkdir() or validate_args(db_and_migrations(t)[0], str(t / "empty")),
        "empty",
    ),
    Case(
        "migrations-is-a-file",
        lambda t: validate_args(db_and_migrations(t)[0], str(t / "app.db")),
        "app.db",
    ),
    Case("duplicate-versions", _migration("02_again.sql", "CREATE TABLE q(x);"), "0002_b.sql"),
    Case(
        "version-does-not-parse",
        lambda t: validate_args(*db_and_migrations(t), "--migrations-format", "flyway"),
        "0001_a.sql",
    ),
    Case(
        "non-utf8-file",
        _migration("0003_latin1.sql", "-- caf\xe9\nCREATE TABLE c(x);".encode("latin-1")),
        "0003_latin1.sql",
    ),
    Case(
        "syntax-error",
        _migration("0003_bad.sql", "CREATE TABLE c(x);\n\nCREATE TABEL d(y);\n"),
        "0003_bad.sql), statement 2 (line 3)",
    ),
    Case(
        "missing-table",
        _migration("0003_idx.sql", "CREATE INDEX i ON nothere(x);"),
        "no such table: main.nothere",
    ),
    Case("python-not-importable", _python_source("this is not python\n"), "appmigs"),
    Case(
        "python-raises",
        _python_source("def MIGRATIONS():\n    raise RuntimeError('registry offline')\n"),
        "registry offline",
    ),
    Case("python-missing-keys", _python_source("MIGRATIONS = [{'version': 1}]\n"), "sql"),
    Case("config-broken-toml", _config("migrations = [\n"), "driftcheck.toml"),
    Case("config-unknown-key", _config('migration = "m"\n'), "'migration'"),
    Case("config-unknown-nested-key", _config('[history]\nkidn = "dbmate"\n'), "history.kidn"),
    Case("config-bad-history-kind", _config('[history]\nkind = "flywy"\n'), "history.kind"),
    Case(
        "config-bad-function-decl", _config('[replay]\nfunctions = ["not a name"]\n'), "not a name"
    ),
    Case("config-bad-ignore-kind", _config('ignore = ["column:x"]\n'), "column:x"),
    Case(
        "pyproject-unknown-key",
        _config("[tool.driftcheck]\nmigrashuns = 1\n", "pyproject.toml"),
        "'migrashuns'",
    ),
    Case(
        "config-file-missing",
        lambda t: validate_args(*db_and_migrations(t), "--config", str(t / "nope.toml")),
        "nope.toml",
    ),
    Case(
        "unknown-format",
        lambda t: validate_args(*db_and_migrations(t), "--format", "xml"),
        "--format",
    ),
    Case(
        "unknown-history",
        lambda t: validate_args(*db_and_migrations(t), "--history", "liquibase"),
        "--history",
    ),
    Case(
        "unknown-migrations-format",
        lambda t: validate_args(*db_and_migrations(t), "--migrations-format", "alembic"),
        "--migrations-format",
    ),
    Case(
        "bad-pattern",
        lambda t: validate_args(*db_and_migrations(t), "--migrations-pattern", "V(?P<version>"),
        "--migrations-pattern",
    ),
    Case(
        "apply-to-unknown",
        lambda t: [
            "apply",
            "--db",
            db_and_migrations(t)[0],
            "--migrations",
            str(t / "m"),
            "--to",
            "77",
            "--yes",
        ],
        "--to 77",
    ),
    Case(
        "apply-backup-and-no-backup",
        lambda t: [
            "apply",
            "--db",
            db_and_migrations(t)[0],
            "--migrations",
            str(t / "m"),
            "--backup",
            "x.bak",
            "--no-backup",
            "--yes",
        ],
        "--no-backup",
    ),
    Case("snapshot-nonsense", _snapshot_nonsense, "manifest.json"),
    Case("snapshot-stale", _snapshot_stale, "0003_c.sql"),
    Case(
        "inspect-both",
        lambda t: ["inspect", "--db", db_and_migrations(t)[0], "--version", "1"],
        "--db",
    ),
    Case(
        "diff-unknown-version",
        lambda t: ["diff", "version:9", "version:1", "--migrations", db_and_migrations(t)[1]],
        "version 9",
    ),
    Case("baseline-missing", _config('[replay]\nbaseline = "base.sql"\n'), "base.sql"),
]


@pytest.fixture(autouse=True)
def _release_locks():
    yield
    while _HOLD:
        _HOLD.pop().close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, cli, tmp_path):
    args = case.setup(tmp_path)
    r = cli(*args)
    out = r.stdout + r.stderr
    assert r.exit_code == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert case.culprit in r.stderr, r.stderr
    # One message: the error line and at most a hint.
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines and ("error" in lines[0].lower() or "usage" in lines[0].lower()), r.stderr


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.id in ("db-missing", "db-not-sqlite", "syntax-error", "config-unknown-key")
    ],
    ids=lambda c: c.id,
)
def test_bad_input_in_json_still_reports(case: Case, cli, tmp_path):
    r = cli(*case.setup(tmp_path), "--format", "json")
    assert r.exit_code == 2
    report = json.loads(r.stdout)
    assert report["status"] == "error" and case.culprit.split(",")[0] in report["error"]["message"]


def test_no_traceback_from_the_real_entry_point(tmp_path):
    mig = write_migrations(tmp_path / "m", GOOD_MIGRATIONS)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "driftcheck",
            "validate",
            "--db",
            str(tmp_path / "x.db"),
            "--migrations",
            str(mig),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and "x.db" in r.stderr


# --------------------------------------------------------------------------
# Inputs that must simply work


def test_bom_crlf_and_explicit_transactions(cli, tmp_path):
    mig = tmp_path / "m"
    mig.mkdir()
    (mig / "0001_bom.sql").write_bytes("\ufeffCREATE TABLE a(x TEXT);\r\n".encode())
    (mig / "0002_tx.sql").write_bytes(
        b"BEGIN TRANSACTION;\r\nCREATE TABLE b(y);\r\nPRAGMA foreign_keys=OFF;\r\nCOMMIT;\r\n"
    )
    db = apply_files(tmp_path / "app.db", sorted(mig.glob("*.sql")))
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "clean"


def test_odd_identifiers(cli, tmp_path):
    sql = (
        'CREATE TABLE "select" ("from" INTEGER PRIMARY KEY, "where" TEXT);\n'
        'CREATE TABLE "x""; DROP TABLE y; --" ("a b" TEXT, "naïve ünïcode" INT);\n'
        'CREATE INDEX "idx ""quoted""" ON "x""; DROP TABLE y; --" ("a b");\n'
        "CREATE TABLE y (id INTEGER PRIMARY KEY);\n"
        'CREATE VIEW "my view" AS SELECT "from" FROM "select";\n'
    )
    mig = write_migrations(tmp_path / "m", {"0001_odd.sql": sql})
    db = make_db(tmp_path / "app.db", sql)
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["status"] == "clean"
    # The odd table is a name, never SQL: table y still exists afterwards.
    conn = sqlite3.connect(db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema")}
    conn.close()
    assert {"y", 'x"; DROP TABLE y; --'} <= names


def test_empty_database_everything_pending(cli, tmp_path):
    db = make_db(tmp_path / "empty.db", "")
    r = cli("plan", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0
    assert [e["action"] for e in report["plan"]] == ["apply"] * 13


def test_zero_byte_file_is_an_empty_database(cli, tmp_path):
    db = tmp_path / "zero.db"
    db.write_bytes(b"")
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["effective_version"] is None
    assert db.read_bytes() == b""


def test_ten_megabyte_migration(cli, tmp_path):
    rows = "".join(f"INSERT INTO big VALUES ({i}, 'row {i} {'x' * 80}');\n" for i in range(100_000))
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_big.sql": "CREATE TABLE big(id INTEGER PRIMARY KEY, body TEXT);\n" + rows,
            "0002_idx.sql": "CREATE INDEX big_body ON big(body);\n",
        },
    )
    assert (mig / "0001_big.sql").stat().st_size > 10_000_000
    db = make_db(tmp_path / "app.db", "CREATE TABLE big(id INTEGER PRIMARY KEY, body TEXT);")
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0, r.stderr
    assert report["effective_version"] == "0001" and report["status"] == "pending"


def test_five_thousand_tables(cli, tmp_path):
    sql = "".join(f"CREATE TABLE t{i}(id INTEGER PRIMARY KEY, v TEXT);\n" for i in range(5000))
    mig = write_migrations(tmp_path / "m", {"0001_many.sql": sql})
    db = make_db(tmp_path / "app.db", sql)
    r = cli("validate", "--db", str(db), "--migrations", str(mig), "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "clean"
