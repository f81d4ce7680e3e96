"""Issue 8: a new user's first hour. Each test fails if its rough edge comes back.

The terminal cases run the real command in a pseudo-terminal (`pty`), the
pipe and interrupt cases in a separate process, as a user's shell would.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, apply_files, make_db, progress_line, write_migrations
from driftcheck import cli as cli_module
from driftcheck.history import STORES
from driftcheck.kinds import HISTORY_STORES, MIGRATION_FORMATS
from driftcheck.migrations.formats import DIRECTORY_FORMATS

FILES = sorted(EXAMPLES.glob("*.sql"))
ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env.update(extra)
    return env


def dc(cwd: Path, *args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftcheck", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def recorded(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [v for (v,) in conn.execute("SELECT version FROM driftcheck_history ORDER BY 1")]
    finally:
        conn.close()


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text


# --------------------------------------------------------------------------
# 1. An output failure never stops a migration run


def test_closed_pipe_does_not_stop_apply(tmp_path):
    db = tmp_path / "app.db"
    p = subprocess.Popen(
        [sys.executable, "-m", "driftcheck", "apply", "--db", str(db), "-m", str(EXAMPLES)]
        + ["--yes"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # like `| head -0`: the reader is gone before the first line
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=120) == 0, err
    no_traceback(err)
    assert "BrokenPipe" not in err
    assert len(recorded(db)) == len(FILES)  # every version applied, not just the first


def test_reader_leaving_after_one_line_does_not_stop_apply(tmp_path):
    db = tmp_path / "app.db"
    shell = (
        f"{sys.executable} -m driftcheck apply --db {db} -m {EXAMPLES} --yes | head -1; "
        "exit ${PIPESTATUS[0]}"
    )
    r = subprocess.run(
        ["bash", "-c", shell], cwd=tmp_path, env=_env(), capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 1
    no_traceback(r.stderr)
    assert len(recorded(db)) == len(FILES)


def test_closed_pipe_on_validate_keeps_the_exit_code(tmp_path):
    db = make_db(tmp_path / "app.db", "CREATE TABLE scratch (x);")
    p = subprocess.Popen(
        [sys.executable, "-m", "driftcheck", "validate", "--db", str(db), "-m", str(EXAMPLES)],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=120) == 1, err  # drift, as without the pipe
    assert err == ""


# --------------------------------------------------------------------------
# 4, 13. The terminal: the confirmation prompt, Ctrl-C and Ctrl-D


def _pty_run(args: list[str], cwd: Path, keys: list[tuple[str, bytes]], timeout: float = 60):
    """Run in a pseudo-terminal; when the output shows each text, send its keys."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "driftcheck", *args], _env())
    out = b""
    deadline = time.monotonic() + timeout
    pending = list(keys)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        while pending and pending[0][0].encode() in out:
            time.sleep(0.3)  # let the program start reading before the key arrives
            os.write(fd, pending.pop(0)[1])
    else:  # the deadline passed: fail, never hang the suite
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


@pytest.mark.parametrize("key,code", [(b"\x03", 130), (b"\x04", 1)], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_d_at_the_prompt_changes_nothing(tmp_path, key, code):
    """Ctrl-D is a no (exit 1); Ctrl-C is an interrupt (exit 130). Neither changes a byte."""
    db = apply_files(tmp_path / "app.db", FILES[:1])
    before = db.read_bytes()
    got, out = _pty_run(["apply", "--db", str(db), "-m", str(EXAMPLES)], tmp_path, [("[y/N]", key)])
    assert got == code, out
    no_traceback(out)
    assert ("nothing changed" in out or "nothing was changed" in out) and "Abort" not in out
    # The prompt named the versions it would apply.
    assert "0002 create_books" in out and "0013 create_loans" in out
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no backup either


def test_yes_at_the_prompt_applies(tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:1])
    code, out = _pty_run(
        ["apply", "--db", str(db), "-m", str(EXAMPLES)], tmp_path, [("[y/N]", b"y\n")]
    )
    assert code == 0, out
    assert "0002 create_books: applied in" in out


# On a table of 3,000 rows, a statement that runs for hours; instant on an empty one.
DATA_SLOW_SQL = "UPDATE t SET x = (SELECT count(*) FROM t a, t b, t c);\n"
SLOW_SQL = (
    # A statement that never finishes on its own: only an interrupt stops it.
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "INSERT INTO t SELECT x FROM c;\n"
)


def test_ctrl_c_during_replay_stops_the_running_statement(tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {"0001_t.sql": "CREATE TABLE t (x INTEGER);\n", "0002_forever.sql": SLOW_SQL},
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE t (x INTEGER);")
    p = subprocess.Popen(
        [sys.executable, "-m", "driftcheck", "validate", "--db", str(db), "-m", str(mig)],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)  # without the interrupt it would never end
    assert p.returncode == 130, err
    assert "interrupted" in err
    no_traceback(err)


def test_ctrl_c_during_apply_says_what_was_rolled_back_and_where_the_backup_is(tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "0001_t.sql": "CREATE TABLE t (x INTEGER);\n",
            "0002_u.sql": "CREATE TABLE u (y);\n",
            "0003_forever.sql": "CREATE INDEX t_x ON t (x);\n" + DATA_SLOW_SQL,
        },
    )
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE t (x INTEGER); WITH RECURSIVE c(x) AS "
        "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000) INSERT INTO t SELECT x FROM c;",
    )
    p = subprocess.Popen(
        [sys.executable, "-m", "driftcheck", "apply", "--db", str(db), "-m", str(mig), "--yes"],
        cwd=tmp_path,
        env=_env(DRIFTCHECK_PROGRESS_INTERVAL="0.3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    assert p.stderr is not None
    seen = ""
    while "still running" not in seen and time.monotonic() < deadline:
        seen += p.stderr.readline()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    err = seen + err
    assert p.returncode == 130, err
    no_traceback(err)
    # A long version is not silent, and it is named.
    assert "0003 forever: still running" in err
    assert "interrupted during 0003 forever: that version was rolled back" in err
    backup = re.search(r"backup: (\S+)", err)
    assert backup is not None and Path(backup.group(1)).exists(), err
    assert progress_line(out, "0002", "applied")
    assert recorded(db) == ["0001", "0002"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 't_x'").fetchone() == (0,)
    conn.close()


# --------------------------------------------------------------------------
# 5. --busy-timeout counts while apply reads the plan, and one wording for locks


def test_busy_timeout_applies_while_apply_reads_the_plan(tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:2])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        started = time.monotonic()
        r = dc(
            tmp_path, "apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--busy-timeout", "0"
        )
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 2, r.stderr
    assert "is locked by another process (waited 0 s)" in r.stderr
    assert "--busy-timeout" in r.stderr
    no_traceback(r.stderr)
    assert waited < 5  # the default 5 s wait was not used


def test_the_run_lock_uses_the_same_wording(tmp_path):
    from driftcheck.applier import run_lock
    from driftcheck.errors import DatabaseError

    db = apply_files(tmp_path / "app.db", FILES[:1])
    with run_lock(str(db), 0), pytest.raises(DatabaseError) as exc, run_lock(str(db), 0):
        pass
    assert exc.value.message == f"database {db}: is locked by another process (waited 0 s)"


# --------------------------------------------------------------------------
# 6. apply creates a new database; read commands never do


def test_apply_creates_a_new_database(cli, tmp_path):
    db = tmp_path / "new.db"
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "does not exist yet: apply will create it" in r.stderr
    assert "creating" in r.stdout
    assert "backed up" not in r.stdout  # nothing to back up
    assert recorded(db) == [f.name[:4] for f in FILES]
    assert "CLEAN" in r.stdout


def test_apply_dry_run_on_a_new_database_creates_nothing(cli, tmp_path):
    db = tmp_path / "new.db"
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "apply creates it" in r.stdout and "CREATE TABLE" in r.stdout
    assert not db.exists()


def test_apply_into_a_missing_directory_is_bad_input(cli, tmp_path):
    r = cli("apply", "--db", str(tmp_path / "nope" / "new.db"), "-m", str(EXAMPLES), "--yes")
    assert r.exit_code == 2
    assert "does not exist" in r.stderr and "create" in r.stderr
    assert not (tmp_path / "nope").exists()


def test_a_failed_first_version_leaves_no_new_file(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m", {"0001_bad.sql": "CREATE TABLE t (x);\nINSERT INTO nope VALUES (1);\n"}
    )
    # Replay fails first: nothing is created.
    r = cli("apply", "--db", str(tmp_path / "new.db"), "-m", str(mig), "--yes")
    assert r.exit_code == 2
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("command", ["validate", "plan", "status", "inspect"])
def test_read_commands_never_create_a_database(cli, tmp_path, command):
    args = [command, "--db", str(tmp_path / "new.db")]
    if command != "inspect":
        args += ["-m", str(EXAMPLES)]
    r = cli(*args)
    assert r.exit_code == 2 and "no such file" in r.stderr
    assert not (tmp_path / "new.db").exists()


# --------------------------------------------------------------------------
# 7. DRIFT always says why


@pytest.fixture
def hand_applied(tmp_path, cli):
    """Versions 1-5 applied and recorded; 0006 applied by hand, never recorded."""
    mig = write_migrations(tmp_path / "m", {f.name: f.read_text() for f in FILES[:8]})
    db = tmp_path / "app.db"
    five = write_migrations(tmp_path / "m5", {f.name: f.read_text() for f in FILES[:5]})
    assert cli("apply", "--db", str(db), "-m", str(five), "--yes").exit_code == 0
    apply_files(db, [FILES[5]])
    return db, mig


def test_validate_names_the_unrecorded_version(cli, hand_applied):
    db, mig = hand_applied
    r = cli("validate", "--db", str(db), "-m", str(mig))
    assert r.exit_code == 1
    assert "DRIFT: 1 version applied but not recorded (0006)" in r.stdout
    assert "0006  record  create_reading_sessions" in r.stdout
    assert "0 errors, 0 warnings" not in r.stdout


def test_status_says_why_it_drifts(cli, hand_applied):
    db, mig = hand_applied
    r = cli("status", "--db", str(db), "-m", str(mig))
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert "drift      none" not in r.stdout
    assert any(re.fullmatch(r"unrecorded\s+1 \(0006\)", line) for line in lines), r.stdout
    assert any(re.fullmatch(r"changes\s+none in the schema", line) for line in lines)
    assert any(re.fullmatch(r"status\s+DRIFT: .*\(0006\)", line) for line in lines)
    # Every label is followed by the same gap: values line up.
    starts = {len(m.group(1)) for line in lines if (m := re.match(r"(\S+\s+)\S", line))}
    assert len(starts) == 1, r.stdout


def test_readme_exit_codes_say_what_drift_is():
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| 1 |"))
    assert "record" in row and "flag" in row


# --------------------------------------------------------------------------
# 8. A dry run shows the SQL with the flags as warnings


def test_dry_run_with_a_flag_shows_sql_and_warns(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {f.name: f.read_text() for f in FILES[:4]})
    db = tmp_path / "app.db"
    two = write_migrations(tmp_path / "m2", {f.name: f.read_text() for f in FILES[:2]})
    assert cli("apply", "--db", str(db), "-m", str(two), "--yes").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("CREATE INDEX by_hand ON books (title)")
    conn.close()
    r = cli("apply", "--db", str(db), "-m", str(mig), "--dry-run")
    assert r.exit_code == 1  # apply itself would refuse
    assert "warning: the plan has 1 flag" in r.stderr and "unattributed" in r.stderr
    assert "-- WARNING: flag - unattributed" in r.stdout
    assert "create table shelves" in r.stdout.lower()  # the SQL is shown anyway
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes")
    assert r.exit_code == 1 and "refused" in r.stderr
    assert "plan --format sql" in r.stderr  # the refusal says what to do


# --------------------------------------------------------------------------
# 11. inspect reads `database` from the config


def test_inspect_uses_the_config_database(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:2])
    (tmp_path / "driftcheck.toml").write_text('database = "app.db"\n')
    r = cli("inspect")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["database"] == "app.db" and "books" in json.dumps(out["schema"])
    assert cli("inspect", "--db", str(db)).stdout.count("fingerprint") == 1


# --------------------------------------------------------------------------
# 12. Wording and help


def test_help_has_real_placeholders_and_whole_summaries(cli):
    r = cli("--help")
    assert "..." not in r.stdout.split("Commands:")[1]
    for command in ("validate", "plan", "status", "apply", "diff", "inspect", "snapshot"):
        assert re.search(rf"^  {command}\s+\S", r.stdout, re.M), command
    for command in ("validate", "apply", "diff", "inspect", "snapshot"):
        text = cli(command, "--help").stdout
        assert "<str>" not in text and "{A}" not in text, text
    assert "Usage: driftcheck diff [OPTIONS] A B" in cli("diff", "--help").stdout


def test_apply_help_does_not_say_read_only(cli):
    text = cli("apply", "--help").stdout
    assert "read-only" not in text
    assert "read-only" in cli("validate", "--help").stdout


def test_apply_closing_report_is_headed_apply(cli, tmp_path):
    r = cli("apply", "--db", str(tmp_path / "a.db"), "-m", str(EXAMPLES), "--yes")
    assert "driftcheck apply: result:" in r.stdout
    assert "driftcheck validate" not in r.stdout


# --------------------------------------------------------------------------
# 14. Flag values: one clear message, from the registries


def test_bad_choice_messages_are_plain(cli):
    r = cli("validate", "--format", "yaml")
    assert r.exit_code == 2
    assert "'yaml' is not one of: text, json" in r.stderr and "Value error" not in r.stderr
    r = cli("validate", "--migrations-format", "python")
    assert r.exit_code == 2 and "python" not in r.stderr.split("one of:")[1]


def test_choices_are_the_registries():
    assert DIRECTORY_FORMATS == MIGRATION_FORMATS
    assert tuple(STORES) == HISTORY_STORES
    assert ("auto", *DIRECTORY_FORMATS) == cli_module.FORMAT_CHOICES
    assert ("auto", *STORES, "none") == cli_module.HISTORY_CHOICES


# --------------------------------------------------------------------------
# 15. Layout


def test_plan_wraps_to_the_terminal_width(cli, hand_applied, monkeypatch):
    db, mig = hand_applied
    monkeypatch.setenv("COLUMNS", "72")
    r = cli("plan", "--db", db.name, "-m", mig.name)
    assert max(len(line) for line in r.stdout.splitlines()) <= 72, r.stdout
    monkeypatch.delenv("COLUMNS")
    r = cli("plan", "--db", db.name, "-m", mig.name)
    assert max(len(line) for line in r.stdout.splitlines()) > 72  # piped: never wrapped


def test_record_entries_are_grouped_into_ranges(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:6])
    make_db(tmp_path / "x.db", "")
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE driftcheck_history (version TEXT PRIMARY KEY, name TEXT, "
        "checksum TEXT, applied_at TEXT, execution_ms INTEGER, how TEXT, "
        "success INTEGER NOT NULL DEFAULT 1)"
    )
    conn.execute("INSERT INTO driftcheck_history (version, name) VALUES ('0001', 'x')")
    conn.commit()
    conn.close()
    r = cli("plan", "--db", str(db), "-m", str(EXAMPLES))
    assert re.search(
        r"^  0002\.\.0006\s+record\s+5 versions present, not recorded", r.stdout, re.M
    ), r.stdout


def test_versions_are_spelled_as_the_migrations_spell_them(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:3])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    r = cli("status", "--db", str(db), "-m", str(EXAMPLES))
    assert re.search(r"^recorded\s+0003 \(user_version", r.stdout, re.M), r.stdout


# --------------------------------------------------------------------------
# 17. What users of other tools expect


def test_quiet_prints_nothing_but_keeps_the_exit_code(cli, hand_applied):
    db, mig = hand_applied
    r = cli("validate", "--db", str(db), "-m", str(mig), "--quiet")
    assert r.exit_code == 1 and r.stdout == "" and r.stderr == ""
    r = cli("validate", "--db", str(tmp := db.parent / "missing.db"), "-m", str(mig), "-q")
    assert r.exit_code == 2 and str(tmp) in r.stderr  # errors still say what is wrong


def test_short_version_flag_and_completion(cli):
    r = cli("-V")
    assert r.exit_code == 0 and r.stdout.startswith("driftcheck ")
    assert "--install-completion" in cli("--help").stdout


def test_color_always_and_never(cli, hand_applied, monkeypatch):
    db, mig = hand_applied
    assert "\x1b[" in cli("status", "--db", str(db), "-m", str(mig), "--color", "always").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in cli("status", "--db", str(db), "-m", str(mig)).stdout
    assert "\x1b[" not in cli("status", "--db", str(db), "-m", str(mig), "--color", "never").stdout


def test_status_fail_on_pending(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:3])
    conn = sqlite3.connect(db)
    conn.close()
    cli(
        "apply",
        "--db",
        str(db),
        "-m",
        str(write_migrations(tmp_path / "m3", {f.name: f.read_text() for f in FILES[:3]})),
        "--yes",
    )
    assert cli("status", "--db", str(db), "-m", str(EXAMPLES)).exit_code == 0
    assert cli("status", "--db", str(db), "-m", str(EXAMPLES), "--fail-on-pending").exit_code == 1


def test_apply_json(cli, tmp_path):
    db = tmp_path / "app.db"
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--format", "json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)  # stdout is one JSON document; progress went to stderr
    assert out["outcome"] == "done" and out["created"] is True
    assert [s["version"] for s in out["steps"]] == [f.name[:4] for f in FILES]
    assert out["report"]["status"] == "clean"
    assert "0001 create_authors: applied" in r.stderr
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--format", "json")
    assert json.loads(r.stdout)["outcome"] == "nothing_to_do"
    r = cli("apply", "--db", str(tmp_path / "no" / "x.db"), "-m", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 2 and json.loads(r.stdout)["outcome"] == "failed"


def test_snapshot_check_json(cli, tmp_path):
    r = cli("snapshot", "--check", "-m", str(EXAMPLES), "--format", "json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["status"] == "stale"
    r = cli("snapshot", "-m", str(EXAMPLES), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "written"
    r = cli("snapshot", "--check", "-m", str(EXAMPLES), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "current"


def test_apply_to_below_the_current_version_says_it_never_rolls_back(cli, tmp_path):
    db = tmp_path / "app.db"
    assert cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes").exit_code == 0
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--to", "0003")
    assert r.exit_code == 0
    assert "never rolls back" in r.stderr


# --------------------------------------------------------------------------
# 18. No-transaction migrations; diff's JSON errors


ITEMS = "-- +goose Up\nCREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
GOOSE_NO_TX = """-- +goose NO TRANSACTION
-- +goose Up
PRAGMA journal_mode = WAL;
CREATE INDEX items_name ON items (name);
VACUUM;

-- +goose Down
DROP INDEX items_name;
"""


def test_no_transaction_version_runs_outside_the_transaction(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "001_items.sql": ITEMS + "-- +goose Down\nDROP TABLE items;\n",
            "002_wal.sql": GOOSE_NO_TX,
        },
    )
    db = tmp_path / "app.db"
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes", "--history", "goose")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "002 wal: applied" in r.stdout and "outside a transaction" in r.stdout
    conn = sqlite3.connect(db)
    # Inside BEGIN IMMEDIATE, journal_mode=WAL silently does nothing, and VACUUM fails.
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [v for (v,) in conn.execute("SELECT version_id FROM goose_db_version ORDER BY id")][
        -1
    ] == 2
    conn.close()
    dry = cli(
        "apply", "--db", str(tmp_path / "b.db"), "-m", str(mig), "--dry-run", "--history", "goose"
    )
    assert "outside a transaction" in dry.stdout and "VACUUM;" in dry.stdout


def test_no_transaction_failure_says_what_stays(cli, tmp_path):
    mig = write_migrations(
        tmp_path / "m",
        {
            "001_items.sql": ITEMS,
            "002_two.sql": "-- +goose NO TRANSACTION\n-- +goose Up\n"
            "CREATE INDEX a ON items (name);\nCREATE UNIQUE INDEX b ON items (name);\n",
        },
    )
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);"
        "INSERT INTO items (name) VALUES ('x'), ('x');",
    )
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes", "--history", "goose")
    assert r.exit_code == 2
    assert "outside a transaction" in r.stderr and "backup:" in r.stderr
    conn = sqlite3.connect(db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    conn.close()
    assert "a" in names and "b" not in names  # what ran stays, as the message says
    plan = json.loads(
        cli("plan", "--db", str(db), "-m", str(mig), "-f", "json", "--history", "goose").stdout
    )
    assert [e["code"] for e in plan["plan"] if e["version"] == "002"] == ["partial"]


def test_diff_json_errors_have_the_diff_shape(cli, tmp_path):
    r = cli("diff", str(tmp_path / "a.db"), str(tmp_path / "b.db"), "--format", "json")
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert out["status"] == "error" and "expected" in out and "actual" in out
    assert "target" not in out


def test_an_unknown_history_like_table_gets_a_config_suggestion(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:1])
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE _aico_migration_history (id INTEGER PRIMARY KEY, version INTEGER, "
        "name TEXT, applied_at TEXT)"
    )
    conn.commit()
    conn.close()
    r = cli("validate", "--db", str(db), "-m", str(EXAMPLES), "-f", "json")
    notes = json.loads(r.stdout)["history"]["notes"]
    assert any(
        'kind = "table", table = "_aico_migration_history", version_column = "version"' in n
        for n in notes
    ), notes
    # Described as the config says, it is the history: no drift, version 0001 recorded.
    (tmp_path / "driftcheck.toml").write_text(
        '[history]\nkind = "table"\ntable = "_aico_migration_history"\nversion_column = "version"\n'
    )
    r = cli("validate", "--db", str(db), "-m", str(EXAMPLES), "-f", "json")
    report = json.loads(r.stdout)
    assert report["changes"] == [] and report["history"]["store"] == "table"


def test_a_new_database_gets_the_history_of_the_migrations_tool(cli, tmp_path):
    """dbmate files, no history yet: apply writes dbmate's table, so dbmate sees the versions."""
    mig = write_migrations(
        tmp_path / "db" / "migrations",
        {
            "20240101000000_a.sql": "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n"
            "-- migrate:down\nDROP TABLE a;\n",
            "20240102000000_b.sql": "-- migrate:up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n"
            "-- migrate:down\nDROP TABLE b;\n",
        },
    )
    db = tmp_path / "app.db"
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "versions will be recorded in schema_migrations (dbmate" in r.stderr
    conn = sqlite3.connect(db)
    tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    conn.close()
    assert "driftcheck_history" not in tables
    assert versions == ["20240101000000", "20240102000000"]


def test_read_commands_take_busy_timeout(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:2])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for command in ("validate", "plan", "status"):
            r = cli(command, "--db", str(db), "-m", str(EXAMPLES), "--busy-timeout", "0")
            assert r.exit_code == 2, r.stderr
            assert "(waited 0 s)" in r.stderr and "--busy-timeout" in r.stderr
        r = cli("inspect", "--db", str(db), "--busy-timeout", "0")
        assert r.exit_code == 2 and "(waited 0 s)" in r.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_missing_database_is_said_before_the_replay(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {"0001_bad.sql": "INSERT INTO nope VALUES (1);\n"})
    r = cli("validate", "--db", str(tmp_path / "nope.db"), "-m", str(mig))
    assert r.exit_code == 2
    assert "no such file" in r.stderr and "0001" not in r.stderr  # never replayed


def test_snapshot_out_must_be_a_directory_and_not_the_migrations(cli, tmp_path):
    (tmp_path / "new.db").write_text("")
    r = cli("snapshot", "--out", "new.db", "-m", str(EXAMPLES))
    assert r.exit_code == 2 and "is a file, not a directory" in r.stderr
    no_traceback(r.stderr)
    mig = write_migrations(tmp_path / "m", {f.name: f.read_text() for f in FILES[:2]})
    r = cli("snapshot", "--out", "m", "-m", "m")
    assert r.exit_code == 2 and "is the migrations directory" in r.stderr
    assert sorted(p.name for p in mig.iterdir()) == [f.name for f in FILES[:2]]


def test_backup_path_mistakes_are_named(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:1])
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--backup", "nodir/x.bak")
    assert r.exit_code == 2 and "its directory nodir does not exist" in r.stderr
    (tmp_path / "bk").mkdir()
    r = cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "--backup", "bk")
    assert r.exit_code == 2 and "is a directory" in r.stderr
    assert recorded_or_none(db) is None  # nothing changed


def recorded_or_none(db: Path) -> list[str] | None:
    conn = sqlite3.connect(db)
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE name = 'driftcheck_history'"
        ).fetchone():
            return None
        return [v for (v,) in conn.execute("SELECT version FROM driftcheck_history")]
    finally:
        conn.close()


def test_dry_run_json_carries_the_sql(cli, tmp_path):
    r = cli("apply", "--db", str(tmp_path / "n.db"), "-m", str(EXAMPLES), "--dry-run", "-f", "json")
    out = json.loads(r.stdout)
    assert out["outcome"] == "dry_run" and "create table authors" in out["sql"].lower()
    assert [s["action"] for s in out["steps"]] == ["apply"] * len(FILES)


def test_validate_mentions_reformatted_files_and_repair(cli, tmp_path):
    mig = write_migrations(tmp_path / "m", {f.name: f.read_text() for f in FILES[:3]})
    db = tmp_path / "app.db"
    assert cli("apply", "--db", str(db), "-m", str(mig), "--yes").exit_code == 0
    f = mig / FILES[1].name
    f.write_text("-- reworded comment\n" + f.read_text())
    r = cli("validate", "--db", str(db), "-m", str(mig))
    assert r.exit_code == 0
    assert "1 migration file changed since it ran, without changing the schema (0002)" in r.stdout
    assert "driftcheck repair" in r.stdout
    r = cli("repair", "--db", str(db), "-m", str(mig), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "repair" not in cli("validate", "--db", str(db), "-m", str(mig)).stdout


def test_the_header_spells_the_recorded_version_like_the_migrations(cli, tmp_path):
    db = apply_files(tmp_path / "app.db", FILES[:3])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    r = cli("validate", "--db", str(db), "-m", str(EXAMPLES))
    assert "recorded 0003" in r.stdout and "recorded 3" not in r.stdout


def test_wrapping_never_splits_a_line_to_copy():
    from driftcheck.report.text import Style

    text = (
        'To leave them out, add to driftcheck.toml: ignore = ["index:by_hand", "table:x"] '
        "or run `driftcheck plan --format sql` now"
    )
    wrapped = Style(False, 50).wrap(text, 4)
    lines = [line.strip() for line in wrapped.splitlines()]
    assert any(line.startswith('ignore = ["index:by_hand", "table:x"]') for line in lines)
    assert any("`driftcheck plan --format sql`" in line for line in lines)
    assert all(4 + len(line) <= 50 for line in wrapped.splitlines()[:1])
    assert all(len(line) <= 50 for line in wrapped.splitlines()[1:])


def test_plan_on_a_narrow_terminal_keeps_the_ignore_line_whole(cli, tmp_path, monkeypatch):
    db = tmp_path / "app.db"
    assert cli("apply", "--db", str(db), "-m", str(EXAMPLES), "--yes", "-q").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("CREATE INDEX by_hand_with_a_long_name ON books (title)")
    conn.commit()
    conn.close()
    monkeypatch.setenv("COLUMNS", "60")
    r = cli("plan", "--db", "app.db", "-m", str(EXAMPLES))
    assert r.exit_code == 1
    line = 'ignore = ["index:by_hand_with_a_long_name"]'
    assert any(row.strip().startswith(line) for row in r.stdout.splitlines()), r.stdout


@pytest.mark.parametrize(
    "fmt,files",
    [
        (
            "dbmate",
            {
                "20240101000000_items.sql": "-- migrate:up\n" + ITEMS.split("\n", 1)[1],
                "20240102000000_wal.sql": "-- migrate:up transaction:false\n"
                "PRAGMA journal_mode = WAL;\nCREATE INDEX items_name ON items (name);\nVACUUM;\n",
            },
        ),
        (
            "sqlx",
            {
                "20240101000000_items.sql": ITEMS.split("\n", 1)[1],
                "20240102000000_wal.sql": "-- no-transaction\nPRAGMA journal_mode = WAL;\n"
                "CREATE INDEX items_name ON items (name);\nVACUUM;\n",
            },
        ),
    ],
)
def test_no_transaction_in_every_tool_that_has_it(cli, tmp_path, fmt, files):
    mig = write_migrations(tmp_path / "m", files)
    db = tmp_path / "app.db"
    r = cli("apply", "--db", str(db), "-m", str(mig), "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "20240102000000 wal: applied" in r.stdout and "outside a transaction" in r.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    r = cli("validate", "--db", str(db), "-m", str(mig), "-f", "json")
    assert json.loads(r.stdout)["status"] == "clean"
