"""Issue 8: `resolve`, `repair`, `baseline` and `plan --format sql` through the CLI, as a
user runs them: the evidence and the history writes on the screen, the rows the tool
itself would hold afterwards, the exit codes, the refusals, the prompt on a terminal,
the backup, and the new plan.

The library-level behaviour of each store is in `test_resolve.py`; the databases here
are built with the tools' own layouts from `test_history_stores.py`, and the terminal
cases run the real command in a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, apply_files
from test_first_hour import _env, no_traceback
from test_history_stores import (
    TOOLS,
    UP,
    UP2_REFORMATTED,
    UP2_SCHEMA_EDIT,
    Setup,
    build,
    flyway_crc,
    normalised,
    sha256_hex,
)

GOLANG = TOOLS["golang-migrate"]


# --------------------------------------------------------------------------
# Helpers


def plan_codes(s: Setup) -> dict[str | None, tuple[str, str]]:
    return {e["version"]: (e["action"], e["code"]) for e in s.report("plan")["plan"]}


def backups(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.bak"))


def dirty(tmp_path: Path, cli: Callable[..., Any], *, changes_made: bool) -> Setup:
    """golang-migrate ran 000001, then stopped inside 000002: `schema_migrations` holds
    (2, dirty). With `changes_made`, 000002's changes are in the database (the person
    finished it by hand); otherwise they are not (it rolled back)."""
    s = build(GOLANG, tmp_path, cli, applied=1)
    # What golang-migrate writes before running a version: SetVersion(2, dirty=true).
    s.sql("DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES (2, 1);")
    if changes_made:
        s.sql(UP[1])
    assert plan_codes(s)["000002"] == ("flag", "dirty")
    return s


def golang_rows(s: Setup) -> list[tuple[Any, ...]]:
    return s.rows("SELECT version, typeof(version), dirty, typeof(dirty) FROM schema_migrations")


def in_order(text: str, *parts: str) -> None:
    """Each part appears in `text`, after the one before."""
    at = -1
    for part in parts:
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} not found after position {at} in:\n{text}"
        at = found


# --------------------------------------------------------------------------
# resolve


def test_resolve_dirty_version_as_applied(cli, tmp_path: Path) -> None:
    """The person finished 000002 by hand: `resolve --as applied --yes` shows the evidence,
    then the writes, writes what `migrate force 2` writes, and ends with the new plan."""
    s = dirty(tmp_path, cli, changes_made=True)
    r = s.run("resolve", "000002", "--as", "applied", "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr  # the new plan: only 000003 pending
    no_traceback(r.stdout + r.stderr)
    in_order(
        r.stdout,
        "evidence",
        "000002  flag    create_book: [dirty]",
        "creates table book: the database has it",
        "history writes (record 000002 (create_book) as applied in schema_migrations)",
        'DELETE FROM "schema_migrations";',
        'INSERT INTO "schema_migrations" (version, dirty) VALUES (2, 0);',
        "driftcheck resolve: wrote",
        "driftcheck resolve: new plan:",
    )
    new_plan = r.stdout.split("new plan:", 1)[1]
    assert re.search(r"^  000001\.\.000002\s+ok\b", new_plan, re.M), new_plan
    assert re.search(r"^  000003\s+apply\s+add_author_email", new_plan, re.M), new_plan
    assert "warning" not in r.stderr
    # `migrate force 2`: DELETE, then one row (version, dirty) with integers, dirty false.
    assert golang_rows(s) == [(2, "integer", 0, "integer")]
    assert plan_codes(s) == {
        "000001": ("ok", "ok"),
        "000002": ("ok", "ok"),
        "000003": ("apply", "pending"),
    }
    # The tool's next step goes on from here.
    done = s.apply()
    assert done.exit_code == 0, done.stdout + done.stderr
    assert golang_rows(s) == [(3, "integer", 0, "integer")]


def test_resolve_dirty_version_as_absent(cli, tmp_path: Path) -> None:
    """000002 rolled back: `--as absent` moves golang-migrate back to 1, clean (what
    `migrate force 1` writes), and the plan shows 000002 pending again."""
    s = dirty(tmp_path, cli, changes_made=False)
    r = s.run("resolve", "000002", "--as", "absent", "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    in_order(
        r.stdout,
        "evidence",
        "000002  flag",
        "as absent (not applied) in schema_migrations",
        'INSERT INTO "schema_migrations" (version, dirty) VALUES (1, 0);',
        "new plan:",
    )
    assert golang_rows(s) == [(1, "integer", 0, "integer")]
    assert plan_codes(s) == {
        "000001": ("ok", "ok"),
        "000002": ("apply", "pending"),
        "000003": ("apply", "pending"),
    }


def test_resolve_applied_refuses_while_the_changes_are_absent(cli, tmp_path: Path) -> None:
    s = dirty(tmp_path, cli, changes_made=False)
    before = s.db.read_bytes()
    r = s.run("resolve", "000002", "--as", "applied", "--yes")
    assert r.exit_code == 1, r.stdout + r.stderr
    no_traceback(r.stdout + r.stderr)
    # The evidence is printed: what is missing.
    assert "evidence" in r.stdout
    in_order(
        r.stdout,
        "000002  flag    create_book: [dirty]",
        "creates index book_author on book: the database does not have it",
        "creates table book: the database does not have it",
    )
    refusal = r.stderr.split("driftcheck resolve: refused: version 000002", 1)[1]
    assert "applied" in refusal and "table book" in refusal, r.stderr  # names what is missing
    assert "--force" in refusal  # the hint says how to override
    assert "history writes" not in r.stdout
    assert s.db.read_bytes() == before
    assert backups(tmp_path) == []

    forced = s.run("resolve", "000002", "--as", "applied", "--yes", "--force", "--no-backup")
    # Written, with a warning; the new plan goes on flagging the version (exit 1).
    assert forced.exit_code == 1, forced.stdout + forced.stderr
    assert "driftcheck resolve: warning: --force: version 000002" in forced.stderr
    assert "warning" not in forced.stdout
    assert "wrote" in forced.stdout
    assert golang_rows(s) == [(2, "integer", 0, "integer")]
    assert plan_codes(s)["000002"] == ("flag", "recorded_but_absent")


def test_resolve_an_unknown_version_is_one_clear_error(cli, tmp_path: Path) -> None:
    s = dirty(tmp_path, cli, changes_made=True)
    before = s.db.read_bytes()
    r = s.run("resolve", "7", "--as", "applied", "--yes")
    assert r.exit_code == 2, r.stdout + r.stderr
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == "driftcheck resolve: error: version 7 is not among the migrations"
    assert lines[1:] == ["  hint: known versions: 000001, 000002, 000003"]
    assert s.db.read_bytes() == before


def test_resolve_a_bad_resolution_is_usage_error(cli, tmp_path: Path) -> None:
    s = dirty(tmp_path, cli, changes_made=True)
    r = s.run("resolve", "000002", "--as", "maybe", "--yes")
    assert r.exit_code == 2
    assert "'maybe' is not one of: applied, absent" in r.stderr
    assert golang_rows(s) == [(2, "integer", 1, "integer")]


# --------------------------------------------------------------------------
# The three commands share the confirmation, --dry-run and the backup


@dataclass
class Case:
    """One command on a database that needs it, and the history before and after."""

    setup: Callable[[Path, Callable[..., Any]], Setup]
    args: list[str]
    query: str
    before: list[tuple[Any, ...]]
    after: list[tuple[Any, ...]]


def _reformatted(tmp_path: Path, cli: Callable[..., Any]) -> Setup:
    s = build(TOOLS["driftcheck"], tmp_path, cli, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    return s


def _unrecorded_at_2(tmp_path: Path, cli: Callable[..., Any]) -> Setup:
    s = build(GOLANG, tmp_path, cli, applied=0, history=False)
    s.sql(UP[0] + UP[1])
    return s


_OLD_SUM = "sha256:" + sha256_hex(UP[1])
_NEW_SUM = "sha256:" + sha256_hex(normalised(UP2_REFORMATTED.encode()))

CASES = {
    "resolve": Case(
        lambda tmp_path, cli: dirty(tmp_path, cli, changes_made=True),
        ["resolve", "000002", "--as", "applied"],
        "SELECT version, dirty FROM schema_migrations",
        [(2, 1)],
        [(2, 0)],
    ),
    "repair": Case(
        _reformatted,
        ["repair"],
        "SELECT checksum FROM driftcheck_history WHERE version = '0002'",
        [(_OLD_SUM,)],
        [(_NEW_SUM,)],
    ),
    "baseline": Case(
        _unrecorded_at_2,
        ["baseline", "000002", "--history", "golang-migrate"],
        "SELECT name FROM sqlite_schema WHERE name = 'schema_migrations'",
        [],
        [("schema_migrations",)],
    ),
}


@pytest.mark.parametrize("command", sorted(CASES))
def test_without_a_terminal_yes_is_required(command: str, cli, tmp_path: Path) -> None:
    case = CASES[command]
    s = case.setup(tmp_path, cli)
    before = s.db.read_bytes()
    r = s.run(*case.args)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert f"driftcheck {command}: error: {command} asks for confirmation, and there is no " in (
        r.stderr
    )
    assert "--yes" in r.stderr
    no_traceback(r.stderr)
    assert "history writes" in r.stdout  # shown first, then refused to go on silently
    assert s.db.read_bytes() == before
    assert backups(tmp_path) == []


@pytest.mark.parametrize("command", sorted(CASES))
def test_dry_run_shows_the_writes_and_writes_nothing(command: str, cli, tmp_path: Path) -> None:
    case = CASES[command]
    s = case.setup(tmp_path, cli)
    before = s.db.read_bytes()
    r = s.run(*case.args, "--dry-run")
    assert r.exit_code == 0, r.stdout + r.stderr
    in_order(r.stdout, "evidence", "history writes", f"driftcheck {command}: --dry-run: nothing")
    writes = r.stdout.split("history writes", 1)[1]
    assert re.search(r"^  (INSERT|UPDATE|DELETE|CREATE) ", writes, re.M), writes
    assert "wrote" not in r.stdout and "backed up" not in r.stdout
    assert s.db.read_bytes() == before
    assert s.rows(case.query) == case.before
    assert backups(tmp_path) == []
    assert sorted(p.name for p in tmp_path.glob("app.db*")) == ["app.db"]  # no journal left


@pytest.mark.parametrize("command", sorted(CASES))
def test_a_backup_is_made_beside_the_database_by_default(command: str, cli, tmp_path: Path) -> None:
    case = CASES[command]
    s = case.setup(tmp_path, cli)
    r = s.run(*case.args, "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    made = backups(tmp_path)
    assert len(made) == 1 and made[0].name.startswith("app.db.")
    assert f"driftcheck {command}: backed up to {made[0]}" in r.stdout
    in_order(r.stdout, "history writes", "backed up to", "wrote")
    assert s.rows(case.query) == case.after
    # The backup holds the history as it was before the write.
    conn = sqlite3.connect(made[0])
    try:
        assert [tuple(row) for row in conn.execute(case.query)] == case.before
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


@pytest.mark.parametrize("command", sorted(CASES))
def test_no_backup_makes_none(command: str, cli, tmp_path: Path) -> None:
    case = CASES[command]
    s = case.setup(tmp_path, cli)
    r = s.run(*case.args, "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "backed up" not in r.stdout
    assert s.rows(case.query) == case.after
    assert backups(tmp_path) == []
    assert sorted(p.name for p in tmp_path.glob("app.db*")) == ["app.db"]


def test_backup_and_no_backup_exclude_each_other(cli, tmp_path: Path) -> None:
    s = dirty(tmp_path, cli, changes_made=True)
    r = s.run("resolve", "000002", "--as", "applied", "--yes", "--no-backup", "--backup", "x.bak")
    assert r.exit_code == 2
    assert "--backup and --no-backup exclude each other" in r.stderr
    assert golang_rows(s) == [(2, "integer", 1, "integer")]


def test_backup_goes_where_backup_says(cli, tmp_path: Path) -> None:
    s = dirty(tmp_path, cli, changes_made=True)
    args = ["resolve", "000002", "--as", "applied", "--yes"]
    r = s.run(*args, "--backup", "nodir/x.bak")
    assert r.exit_code == 2
    assert "backup nodir/x.bak: its directory nodir does not exist" in r.stderr
    assert golang_rows(s) == [(2, "integer", 1, "integer")]  # nothing written without it

    r = s.run(*args, "--backup", "mine.bak")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "driftcheck resolve: backed up to mine.bak" in r.stdout
    assert backups(tmp_path) == [tmp_path / "mine.bak"]
    conn = sqlite3.connect(tmp_path / "mine.bak")
    try:
        assert conn.execute("SELECT version, dirty FROM schema_migrations").fetchall() == [(2, 1)]
    finally:
        conn.close()
    assert golang_rows(s) == [(2, "integer", 0, "integer")]


# --------------------------------------------------------------------------
# The prompt on a terminal


def on_terminal(args: list[str], cwd: Path, key: bytes, timeout: float = 60) -> tuple[int, str]:
    """Run `driftcheck ARGS` in a pseudo-terminal and answer its question with `key`.

    The key goes a moment after the question shows: a Ctrl-C that arrives after Python
    printed the prompt but before it blocks reading the terminal is only seen at the next
    input (a race of a test that answers within microseconds, not of a person). A command
    still running at the deadline is killed, so the test fails instead of hanging.
    """
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "driftcheck", *args], _env())
    out = b""
    asked: float | None = None
    sent = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child is gone
                break
            if not chunk:
                break
            out += chunk
        if asked is None and b"[y/N]" in out:
            asked = time.monotonic()
        if not sent and asked is not None and time.monotonic() - asked > 0.3:
            os.write(fd, key)
            sent = True
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


# The answer at the prompt, the exit code, and what the command says: a no and Ctrl-D
# decline (1); Ctrl-C is an interrupt (130, as everywhere else); neither writes a byte.
ANSWERS = {
    "yes": (b"y\n", 0, "driftcheck resolve: wrote 2 history rows"),
    "no": (b"n\n", 1, "driftcheck resolve: nothing changed"),
    "ctrl-d": (b"\x04", 1, "driftcheck resolve: nothing changed"),
    "ctrl-c": (b"\x03", 130, "driftcheck resolve: interrupted; nothing was changed"),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_confirmation_on_a_terminal(answer: str, cli, tmp_path: Path) -> None:
    key, code, said = ANSWERS[answer]
    s = dirty(tmp_path, cli, changes_made=True)  # `cli` made tmp_path/.git: no config leaks in
    before = s.db.read_bytes()
    args = ["resolve", "000002", "--as", "applied", "--db", str(s.db), "-m", str(s.mig)]
    exit_code, out = on_terminal(args, tmp_path, key)
    assert exit_code == code, out
    no_traceback(out)
    assert "Abort" not in out
    # Evidence and writes come before the question; the outcome after it.
    in_order(out, "evidence", "history writes", "Write this to the history of", "[y/N]", said)
    if answer == "yes":
        assert "new plan" in out
        assert s.rows("SELECT version, dirty FROM schema_migrations") == [(2, 0)]
        assert len(backups(tmp_path)) == 1
    else:
        assert "wrote" not in out and "backed up" not in out
        assert s.db.read_bytes() == before
        assert backups(tmp_path) == []


# --------------------------------------------------------------------------
# repair


@pytest.mark.parametrize("kind", ["driftcheck", "flyway"])
def test_repair_accepts_a_reformatted_file(kind: str, cli, tmp_path: Path) -> None:
    s = build(TOOLS[kind], tmp_path, cli, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    v2 = s.tool.versions[1]
    report = s.report("plan")
    assert plan_codes(s)[v2] == ("ok", "reformatted")
    assert {v["version"]: v["checksum"] for v in report["history"]["versions"]}[v2] == "mismatch"

    r = s.run("repair", "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    in_order(
        r.stdout,
        "evidence",
        "reformatted",
        f"history writes (accept the current checksum of {v2} in",
        "UPDATE ",
        "wrote 1 history row",
        "new plan:",
    )
    data = (s.mig / s.tool.up_file(1)).read_bytes()
    if kind == "flyway":
        assert s.rows("SELECT checksum FROM flyway_schema_history WHERE version = '2'") == [
            (flyway_crc(data),)
        ]
    else:
        assert s.rows("SELECT checksum FROM driftcheck_history WHERE version = '0002'") == [
            ("sha256:" + sha256_hex(normalised(data)),)
        ]
    after = s.report("plan")
    assert after["status"] == "clean"
    assert plan_codes(s)[v2] == ("ok", "ok")
    assert {v["checksum"] for v in after["history"]["versions"]} == {"match"}


@pytest.mark.parametrize("kind", ["driftcheck", "flyway"])
def test_repair_of_a_checksum_mismatch_needs_the_version(kind: str, cli, tmp_path: Path) -> None:
    s = build(TOOLS[kind], tmp_path, cli, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_SCHEMA_EDIT, UP[2]])
    v2 = s.tool.versions[1]
    assert plan_codes(s)[v2] == ("flag", "checksum_mismatch")
    before = s.db.read_bytes()

    r = s.run("repair", "--yes")
    assert r.exit_code == 1, r.stdout + r.stderr
    assert "evidence" in r.stdout and "[checksum_mismatch]" in r.stdout
    assert "driftcheck repair: refused:" in r.stderr
    assert f"--version {v2}" in r.stderr.split("hint:", 1)[1]
    assert s.db.read_bytes() == before
    assert backups(tmp_path) == []

    r = s.run("repair", "--version", v2, "--yes", "--no-backup")
    assert "driftcheck repair: warning:" in r.stderr and "another schema" in r.stderr
    assert "wrote 1 history row" in r.stdout
    report = s.report("plan")
    assert {v["version"]: v["checksum"] for v in report["history"]["versions"]}[v2] == "match"
    # Judged by its new text now: the index it gives is not the database's.
    assert plan_codes(s)[v2] == ("flag", "conflict")
    assert r.exit_code == 1  # the new plan has a flag


def test_repair_refuses_a_version_that_needs_no_repair(cli, tmp_path: Path) -> None:
    s = build(TOOLS["flyway"], tmp_path, cli, applied=3)
    before = s.db.read_bytes()
    r = s.run("repair", "--version", "1", "--yes")
    assert r.exit_code == 1
    assert "1: ok (ok)" in r.stderr
    assert s.db.read_bytes() == before
    r = s.run("repair", "--version", "9", "--yes")
    assert r.exit_code == 2
    assert "version 9 is not among the migrations" in r.stderr


# --------------------------------------------------------------------------
# baseline


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.sql"))


def test_baseline_records_versions_up_to_it_then_apply_does_the_rest(cli, tmp_path: Path) -> None:
    """A database built by running the first five files with sqlite3 (no history)."""
    db = apply_files(tmp_path / "app.db", EXAMPLE_FILES[:5])
    m = str(EXAMPLES)
    r = cli("baseline", "0005", "--db", str(db), "-m", m, "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    in_order(
        r.stdout,
        "evidence",
        "0001..0005  record",
        "history writes (record 5 versions up to 0005 (create_reviews) as applied in "
        "driftcheck_history, without running them)",
        'CREATE TABLE "driftcheck_history"',
        "wrote 5 history rows",
        "new plan:",
    )
    conn = sqlite3.connect(db)
    try:
        got = conn.execute(
            "SELECT version, name, how, success FROM driftcheck_history ORDER BY 1"
        ).fetchall()
    finally:
        conn.close()
    assert got == [(f.name[:4], f.stem[5:], "recorded", 1) for f in EXAMPLE_FILES[:5]]

    plan = json.loads(cli("plan", "--db", str(db), "-m", m, "--format", "json").stdout)
    codes = {e["version"]: (e["action"], e["code"]) for e in plan["plan"]}
    assert codes == {
        f.name[:4]: ("ok", "ok") if i < 5 else ("apply", "pending")
        for i, f in enumerate(EXAMPLE_FILES)
    }

    r = cli("apply", "--db", str(db), "-m", m, "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "driftcheck apply: 8 versions done" in r.stdout
    conn = sqlite3.connect(db)
    try:
        how = dict(conn.execute("SELECT version, how FROM driftcheck_history").fetchall())
    finally:
        conn.close()
    assert how == {
        f.name[:4]: "recorded" if i < 5 else "applied" for i, f in enumerate(EXAMPLE_FILES)
    }
    assert cli("validate", "--db", str(db), "-m", m).exit_code == 0


def test_baseline_refuses_a_database_not_at_that_version(cli, tmp_path: Path) -> None:
    db = apply_files(tmp_path / "app.db", EXAMPLE_FILES[:5])
    m = str(EXAMPLES)
    before = db.read_bytes()
    r = cli("baseline", "0004", "--db", str(db), "-m", m, "--yes")
    assert r.exit_code == 1, r.stdout + r.stderr
    # The differences are printed: 0005's table, index and trigger are not 0004's.
    in_order(r.stdout, "differences", "reviews", "table reviews exists in the database")
    assert "index idx_reviews_book_created" in r.stdout
    assert "trigger reviews_touch_updated_at" in r.stdout
    refusal = r.stderr.split("driftcheck baseline: refused: ", 1)[1]
    assert "0004" in refusal and "reviews" in refusal, r.stderr
    assert "--force" in refusal
    assert db.read_bytes() == before
    assert backups(tmp_path) == []

    r = cli("baseline", "0004", "--db", str(db), "-m", m, "--yes", "--force", "--no-backup")
    assert "driftcheck baseline: warning: --force:" in r.stderr and "0004" in r.stderr
    assert "wrote 4 history rows" in r.stdout
    conn = sqlite3.connect(db)
    try:
        got = [v for (v,) in conn.execute("SELECT version FROM driftcheck_history ORDER BY 1")]
    finally:
        conn.close()
    assert got == ["0001", "0002", "0003", "0004"]
    plan = json.loads(cli("plan", "--db", str(db), "-m", m, "--format", "json").stdout)
    assert {e["version"]: e["code"] for e in plan["plan"]}["0005"] == "unrecorded"
    assert r.exit_code == 1  # the new plan: 0005 to record


def test_baseline_writes_flyways_one_baseline_row(cli, tmp_path: Path) -> None:
    s = build(TOOLS["flyway"], tmp_path, cli, applied=0, history=False)
    s.sql(UP[0] + UP[1])
    r = s.run("baseline", "2", "--history", "flyway", "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert s.rows(
        "SELECT installed_rank, version, description, type, script, checksum, success "
        "FROM flyway_schema_history"
    ) == [(1, "2", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, 1)]
    assert plan_codes(s) == {"1": ("ok", "ok"), "2": ("ok", "ok"), "2.1": ("apply", "pending")}


# --------------------------------------------------------------------------
# plan --format sql


def test_plan_format_sql_prints_sql_that_undoes_a_hand_made_index(cli, tmp_path: Path) -> None:
    s = build(TOOLS["driftcheck"], tmp_path, cli, applied=3)
    s.sql("CREATE INDEX by_hand ON book (title);")
    assert plan_codes(s)[None] == ("flag", "unattributed")
    before = s.db.read_bytes()

    r = s.run("plan", "--format", "sql")
    assert r.exit_code == 1, r.stdout + r.stderr  # the plan has a flag
    sql = r.stdout
    assert r.stderr == ""
    # Only SQL: comments and statements, no report text.
    assert "driftcheck plan:" not in sql and "DRIFT" not in sql
    for line in sql.splitlines():
        assert line == "" or line.startswith("--") or re.match(r"[A-Z]", line), line
    assert sqlite3.complete_statement(sql)
    assert 'DROP INDEX "by_hand";' in sql
    assert s.db.read_bytes() == before  # plan only prints it

    fixed = tmp_path / "fixed.db"
    shutil.copy(s.db, fixed)
    conn = sqlite3.connect(fixed, isolation_level=None)
    try:
        conn.executescript(sql)
    finally:
        conn.close()
    r = cli("validate", "--db", str(fixed), "-m", str(s.mig), "--format", "json")
    assert r.exit_code == 0, r.stdout
    report = json.loads(r.stdout)
    assert [e for e in report["plan"] if e["code"] == "unattributed"] == []
    assert report["status"] == "clean"


# --------------------------------------------------------------------------
# Versions in refusals are spelled as the migrations spell them


@pytest.mark.parametrize("command", ["baseline", "resolve"])
def test_refusals_spell_versions_like_the_migrations(command: str, cli, tmp_path: Path) -> None:
    if command == "baseline":
        # Recorded at 2: a baseline at 000001 is refused, naming the recorded version.
        s = build(GOLANG, tmp_path, cli, applied=2)
        r = s.run("baseline", "000001", "--yes")
    else:
        # 000003 applied by hand while 000002 is dirty: resolve 000002 first, it says.
        s = dirty(tmp_path, cli, changes_made=True)
        s.sql(UP[2])
        r = s.run("resolve", "000003", "--as", "applied", "--yes")
    assert r.exit_code == 1, r.stdout + r.stderr
    assert "refused:" in r.stderr
    assert re.search(r"\b2\b", r.stderr.replace("000002", "")) is None, r.stderr
    assert "000002" in r.stderr
