"""Read commands never write: not the database's bytes, not a file beside it.

And a database a crashed writer left behind gets a clear answer, never a
silently wrong report.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, apply_files

VERSIONS = sorted(EXAMPLES.glob("*.sql"))
READ_COMMANDS = [
    ["validate", "--db", "{db}", "--migrations", str(EXAMPLES)],
    ["plan", "--db", "{db}", "--migrations", str(EXAMPLES)],
    ["status", "--db", "{db}", "--migrations", str(EXAMPLES)],
    ["inspect", "--db", "{db}"],
    ["diff", "version:0012", "{db}", "--migrations", str(EXAMPLES)],
]


def tree(directory: Path) -> dict[str, str]:
    """Every file in the directory with a hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def build(directory: Path, journal: str) -> Path:
    directory.mkdir()
    db = directory / "app.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA journal_mode={journal}")
    conn.close()
    apply_files(db, VERSIONS[:12])
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO authors(name) VALUES ('x')")
    conn.commit()
    conn.close()  # the last connection closes: the WAL is checkpointed and removed
    return db


@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize("args", READ_COMMANDS, ids=[a[0] for a in READ_COMMANDS])
def test_read_commands_change_nothing(journal, args, cli, tmp_path):
    db = build(tmp_path / "data", journal)
    before = tree(db.parent)
    assert set(before) == {"app.db"}
    r = cli(*[a.replace("{db}", str(db)) for a in args])
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    assert tree(db.parent) == before  # same bytes, no -journal/-wal/-shm left behind


def test_wal_database_in_use_is_read_through_its_log(cli, tmp_path):
    """A live writer's committed-but-not-checkpointed work must be seen."""
    db = build(tmp_path / "data", "wal")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE added_live (x)")  # only in the -wal for now
    assert (db.parent / "app.db-wal").stat().st_size > 0
    before = tree(db.parent)
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES), "-f", "json")
    after = tree(db.parent)
    writer.close()
    report = json.loads(r.stdout)
    assert ("table", "unexpected", "added_live") in {
        (c["object_type"], c["change"], c["name"]) for c in report["changes"]
    }
    assert set(after) == set(before)  # no new file


def _crash(script: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-c", script], cwd=cwd, check=True)


def test_hot_journal_gets_a_clear_answer(cli, tmp_path):
    db = build(tmp_path / "data", "delete")
    # A writer that dies in the middle of a transaction leaves a hot journal.
    _crash(
        "import sqlite3, os\n"
        "c = sqlite3.connect('app.db', isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN')\n"
        "c.execute('CREATE TABLE half(x)')\n"
        "for i in range(3000): c.execute('INSERT INTO half VALUES (randomblob(300))')\n"
        "os._exit(0)\n",
        db.parent,
    )
    assert (db.parent / "app.db-journal").stat().st_size > 0
    before = tree(db.parent)
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 2
    assert "hot journal" in r.stderr and "app.db-journal" in r.stderr
    assert tree(db.parent) == before  # driftcheck did not roll it back itself


def test_unfinished_wal_without_shm_gets_a_clear_answer(cli, tmp_path):
    db = build(tmp_path / "data", "wal")
    _crash(
        "import sqlite3, os\n"
        "c = sqlite3.connect('app.db', isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute('CREATE TABLE only_in_the_log(x)')\n"
        "os._exit(0)\n",
        db.parent,
    )
    (db.parent / "app.db-shm").unlink()  # e.g. copied without it
    before = tree(db.parent)
    r = cli("validate", "--db", str(db), "--migrations", str(EXAMPLES))
    assert r.exit_code == 2
    assert "unfinished write-ahead log" in r.stderr
    assert tree(db.parent) == before


def test_missing_database_is_never_created(cli, tmp_path):
    r = cli("validate", "--db", str(tmp_path / "new.db"), "--migrations", str(EXAMPLES))
    assert r.exit_code == 2
    assert not (tmp_path / "new.db").exists()


def test_read_only_file_system(cli, tmp_path):
    """Reading works on a read-only file system; apply says why it cannot write."""
    ro = tmp_path / "ro"
    db = build(tmp_path / "data", "wal")
    mounted = False
    if os.geteuid() == 0:
        ro.mkdir()
        ok = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(ro)], capture_output=True
            ).returncode
            == 0
        )
        if ok:
            shutil.copy(db, ro / "app.db")
            mounted = (
                subprocess.run(
                    ["mount", "-o", "remount,ro", str(ro)], capture_output=True
                ).returncode
                == 0
            )
        if not mounted:
            pytest.skip("cannot mount a read-only file system here")
    else:
        ro.mkdir()
        shutil.copy(db, ro / "app.db")
        (ro / "app.db").chmod(0o444)
        ro.chmod(0o555)
    try:
        target = ro / "app.db"
        before = tree(ro)
        r = cli("validate", "--db", str(target), "--migrations", str(EXAMPLES), "-f", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["effective_version"] == "0012"
        r = cli("apply", "--db", str(target), "--migrations", str(EXAMPLES), "--yes")
        assert r.exit_code == 2, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        r = cli("apply", "--db", str(target), "--migrations", str(EXAMPLES), "--yes", "--no-backup")
        assert r.exit_code == 2, r.stdout + r.stderr
        assert "internal error" not in r.stderr and "app.db" in r.stderr
        assert tree(ro) == before
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], check=False)
        else:
            ro.chmod(0o755)
