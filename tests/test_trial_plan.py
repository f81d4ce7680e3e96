"""A new user's trial of the plan, `plan --format sql`, `resolve` and `baseline`: each
test fails if its rough edge comes back.

1. a difference a version's flag explains is not also unattributed (nor dropped by the
   SQL); a version whose only objects `ignore` leaves out says so;
2. a recorded version whose objects were dropped or changed by hand: the SQL restores
   them, and resolve's refusals point there rather than in a circle;
3. baseline on VERSION's schema plus extra objects says so;
4. objects from Flyway repeatable files: the reason says where they may come from;
5. the suggested `ignore` line merges the config's list and names its file;
6. the `reformatted` reason names `driftcheck repair`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from conftest import EXAMPLES, make_db, write_migrations

AUDIT = "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL, at TEXT);\n"


def examples(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    mig = tmp_path / "m"
    shutil.copytree(EXAMPLES, mig)
    write_migrations(mig, extra or {})
    return mig


def applied(cli, tmp_path: Path, mig: Path, db_name: str = "app.db") -> Path:
    db = tmp_path / db_name
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    return db


def hand(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(sql)
    conn.close()


def report(cli, db: Path, mig: Path, *args: str) -> dict:
    r = cli("plan", "--db", str(db), "-m", str(mig), "--format", "json", *args)
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return json.loads(r.stdout)


def entries(rep: dict) -> dict[str | None, dict]:
    return {e["version"]: e for e in rep["plan"]}


def not_ok(rep: dict) -> dict[str | None, str]:
    return {e["version"]: e["code"] for e in rep["plan"] if e["action"] != "ok"}


def fix_sql(cli, db: Path, mig: Path) -> str:
    r = cli("plan", "--db", str(db), "-m", str(mig), "--format", "sql")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    assert r.stderr == ""
    return r.stdout


# --------------------------------------------------------------------------
# 1. A conflict's object is the conflict's, not also unattributed


def test_a_table_a_pending_version_creates_made_by_hand_is_its_conflict_alone(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    write_migrations(mig, {"0014_audit.sql": AUDIT})
    hand(db, "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT)")

    rep = report(cli, db, mig)
    assert not_ok(rep) == {"0014": "conflict"}
    r = cli("plan", "--db", str(db), "-m", str(mig))
    assert "[unattributed]" not in r.stdout and "table:audit" not in r.stdout

    # The SQL leaves the conflict's table alone and says so; it drops nothing.
    sql = fix_sql(cli, db, mig)
    assert "DROP TABLE" not in sql and "no version creates it" not in sql
    assert "--   0014 flag conflict: table audit" in sql


def test_a_hand_change_beside_a_pending_versions_conflict_is_still_unattributed(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    write_migrations(mig, {"0014_nick.sql": "ALTER TABLE authors ADD COLUMN nick TEXT;\n"})
    hand(db, "ALTER TABLE authors ADD COLUMN nick INTEGER; ALTER TABLE authors ADD COLUMN y;")

    rep = report(cli, db, mig)
    assert not_ok(rep) == {"0014": "conflict", None: "unattributed"}
    drift = entries(rep)[None]
    assert [ev["name"] for ev in drift["evidence"]] == ["y"]


def test_a_version_whose_objects_ignore_leaves_out_says_so(cli, tmp_path):
    mig = examples(tmp_path, {"0014_audit.sql": AUDIT})
    db = make_db(tmp_path / "app.db", "")
    (tmp_path / "driftcheck.toml").write_text('ignore = ["table:audit"]\n')
    rep = report(cli, db, mig)
    reason = entries(rep)["0014"]["reason"]
    assert reason == "not applied yet (changes only objects `ignore` leaves out: table audit)"


# --------------------------------------------------------------------------
# 2. A recorded version's objects dropped or changed by hand


def test_a_recorded_versions_dropped_trigger_is_restored_by_the_sql(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(db, "DROP TRIGGER books_fts_au")
    assert not_ok(report(cli, db, mig)) == {"0007": "partial"}

    sql = fix_sql(cli, db, mig)
    assert "CREATE TRIGGER books_fts_au AFTER UPDATE OF title ON books" in sql
    assert "--   0007: trigger books_fts_au" in sql
    assert "0007 flag partial" not in sql  # not among the untouched ones
    hand(db, sql)
    rep = report(cli, db, mig)
    assert rep["status"] == "clean" and not_ok(rep) == {}


def test_resolve_on_a_recorded_partial_version_points_to_the_sql(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(db, "DROP TRIGGER books_fts_au")
    before = db.read_bytes()
    for args in (["--as", "applied"], ["--as", "applied", "--force"], ["--as", "absent"]):
        r = cli("resolve", "0007", *args, "--db", str(db), "-m", str(mig), "--yes")
        assert r.exit_code == 1, r.stdout + r.stderr
        hint = r.stderr.split("hint:", 1)[1]
        assert "driftcheck plan --format sql" in hint, r.stderr
        # No circle: --as applied does not send the user to --as absent and back.
        if args[1] == "applied":
            assert "--as absent" not in hint and "--force" not in hint
        assert "or resolve it --as applied" not in hint
    assert db.read_bytes() == before


def test_a_recorded_versions_changed_index_is_dropped_and_made_again(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(
        db, "DROP INDEX idx_books_author; CREATE INDEX idx_books_author ON books(author_id, title)"
    )
    assert not_ok(report(cli, db, mig)) == {"0002": "conflict"}
    r = cli("resolve", "0002", "--as", "applied", "--db", str(db), "-m", str(mig), "--yes")
    assert r.exit_code == 1 and "driftcheck plan --format sql" in r.stderr.split("hint:", 1)[1]

    sql = fix_sql(cli, db, mig)
    assert 'DROP INDEX "idx_books_author";' in sql
    assert "CREATE INDEX idx_books_author ON books (author_id);" in sql
    hand(db, sql)
    assert report(cli, db, mig)["status"] == "clean"


def test_a_recorded_versions_dropped_column_is_restored_by_a_rebuild(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(db, "INSERT INTO authors (id, name) VALUES (1, 'Le Guin');")
    hand(db, "INSERT INTO books (id, author_id, title) VALUES (1, 1, 'The Dispossessed');")
    hand(db, "DROP INDEX idx_books_format; ALTER TABLE books DROP COLUMN format")
    assert not_ok(report(cli, db, mig)) == {"0011": "recorded_but_absent"}

    sql = fix_sql(cli, db, mig)
    assert 'ALTER TABLE "new_books" RENAME TO "books";' in sql
    assert "CREATE INDEX idx_books_format ON books (format);" in sql
    hand(db, sql)
    assert report(cli, db, mig)["status"] == "clean"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT title, format FROM books").fetchall() == [
        ("The Dispossessed", "paperback")
    ]
    conn.close()


# --------------------------------------------------------------------------
# 3. baseline on a database with VERSION's schema plus extra objects


def _at_0011(tmp_path: Path) -> Path:
    db = tmp_path / "bd.db"
    for f in sorted(EXAMPLES.glob("*.sql"))[:11]:
        hand(db, f.read_text(encoding="utf-8"))
    return db


def test_baseline_names_the_extra_objects_and_the_ways_out(cli, tmp_path):
    db = _at_0011(tmp_path)
    hand(db, "CREATE INDEX x ON books(title)")
    r = cli("baseline", "0011", "--db", str(db), "-m", str(EXAMPLES), "--yes")
    assert r.exit_code == 1, r.stdout + r.stderr
    assert (
        "the database has 0011's schema plus 1 object no migration creates: index x on books"
        in r.stderr
    )
    assert "would record versions whose schema it does not have" not in r.stderr
    hint = r.stderr.split("hint:", 1)[1]
    assert 'ignore = ["index:x"]' in hint
    assert "driftcheck plan --format sql" in hint and "--force" in hint
    assert "baseline at the version the database is at" not in hint


def test_baseline_on_a_database_missing_something_keeps_its_wording(cli, tmp_path):
    db = _at_0011(tmp_path)
    hand(db, "DROP INDEX idx_books_format")
    r = cli("baseline", "0011", "--db", str(db), "-m", str(EXAMPLES), "--yes")
    assert r.exit_code == 1
    assert "would record versions whose schema it does not have" in r.stderr


# --------------------------------------------------------------------------
# 4. Flyway repeatable files


def test_objects_of_flyway_repeatable_files_are_not_just_made_by_hand(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {"V1__a.sql": "CREATE TABLE a (x);", "R__views.sql": "CREATE VIEW v AS SELECT x FROM a;"},
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE VIEW v AS SELECT x FROM a;")
    reason = entries(report(cli, db, mig))[None]["reason"]
    assert "Flyway repeatable (R__) files" in reason
    assert 'ignore = ["view:v"]' in reason


def test_without_repeatable_files_the_reason_stays_short(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"V1__a.sql": "CREATE TABLE a (x);"})
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (x); CREATE VIEW v AS SELECT x FROM a;")
    reason = entries(report(cli, db, mig))[None]["reason"]
    assert "(made by hand?)" in reason and "repeatable" not in reason


# --------------------------------------------------------------------------
# 5. The suggested ignore line


def test_the_ignore_line_merges_the_configs_list(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(db, "CREATE TABLE scratch_1 (x); CREATE INDEX by_hand ON books(title);")
    config = tmp_path / "driftcheck.toml"
    config.write_text('ignore = ["table:scratch_*"]\n')
    reason = entries(report(cli, db, mig))[None]["reason"]
    line = 'ignore = ["table:scratch_*", "index:by_hand"]'
    assert f"replace the `ignore` line in {config.name} with: {line}" in reason
    # Pasted as given, it is valid TOML and leaves both out.
    config.write_text(line + "\n")
    rep = report(cli, db, mig)
    assert rep["status"] == "clean" and not_ok(rep) == {}


def test_the_ignore_line_names_pyproject_when_that_is_the_config(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    hand(db, "CREATE INDEX by_hand ON books(title)")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.driftcheck]\nbusy_timeout = 5\n")
    reason = entries(report(cli, db, mig))[None]["reason"]
    assert f'add to {pyproject.name} under [tool.driftcheck]: ignore = ["index:by_hand"]' in reason
    assert "driftcheck.toml" not in reason


# --------------------------------------------------------------------------
# 6. reformatted


def test_the_reformatted_reason_names_repair_once(cli, tmp_path):
    mig = examples(tmp_path)
    db = applied(cli, tmp_path, mig)
    f = mig / "0002_create_books.sql"
    f.write_text("-- reworded comment\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    entry = entries(report(cli, db, mig))["0002"]
    assert entry["code"] == "reformatted"
    assert "driftcheck repair" in entry["reason"]
    assert "Flyway and sqlx refuse to run" in entry["reason"]
    assert not entry["reason"].endswith("reformatted")
