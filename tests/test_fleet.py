"""Fleet mode (issue 9, first part): validate over many databases in one run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES, ROOT, apply_files

FILES = sorted(EXAMPLES.glob("*.sql"))


def fleet(tmp_path):
    """Three tenants: one clean, one drifted by hand, one not a database at all (in the
    middle of the sorted list)."""
    d = tmp_path / "tenants"
    d.mkdir()
    clean = apply_files(d / "a.db", FILES)
    shutil.copyfile(clean, d / "c.db")
    conn = sqlite3.connect(d / "c.db")
    conn.execute("CREATE INDEX by_hand ON books (title)")
    conn.commit()
    conn.close()
    (d / "b.db").write_text("not a database")
    return d


def test_jsonl_streams_one_report_per_database_and_a_broken_one_is_an_error(cli, tmp_path):
    fleet(tmp_path)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "--format", "jsonl")
    assert r.exit_code == 2  # the worst: one database could not be read
    reports = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["target"]["database"], x["status"]) for x in reports] == [
        ("tenants/a.db", "clean"),
        ("tenants/b.db", "error"),
        ("tenants/c.db", "drift"),
    ]
    assert "not a SQLite database" in reports[1]["error"]["message"]
    assert reports[2]["plan"][-1]["code"] == "unattributed"


def test_json_wraps_the_reports_with_a_summary(cli, tmp_path):
    d = fleet(tmp_path)
    r = cli(
        "validate",
        "--db",
        str(d / "a.db"),
        "--db",
        str(d / "c.db"),
        "-m",
        str(EXAMPLES),
        "-f",
        "json",
    )
    assert r.exit_code == 1  # drift is the worst here
    out = json.loads(r.stdout)
    assert out["summary"] == {"databases": 2, "clean": 1, "pending": 0, "drift": 1, "error": 0}
    assert [x["status"] for x in out["reports"]] == ["clean", "drift"]


def test_text_ends_with_a_summary_naming_the_drifted_and_failed(cli, tmp_path):
    fleet(tmp_path)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES))
    assert r.exit_code == 2
    lines = r.stdout.splitlines()
    # A line per database that needs a look; the clean ones are counted, not listed.
    assert lines[0].startswith("ERROR    tenants/b.db  -/-  database tenants/b.db: not a")
    assert lines[1].startswith("DRIFT    tenants/c.db  0013/0013  ")
    assert not any("tenants/a.db" in line for line in lines)
    assert "databases  3" in lines and "clean      1" in lines and "error      1" in lines
    assert "drifted    tenants/c.db" in lines
    assert any(line.startswith("failed     tenants/b.db: ") for line in lines)


def test_the_expected_schemas_are_loaded_once(cli, tmp_path, monkeypatch):
    from driftcheck import expected as expected_module

    fleet(tmp_path)
    calls = []
    real = expected_module.expected_schemas

    def counting(s):
        calls.append(s)
        return real(s)

    monkeypatch.setattr(expected_module, "expected_schemas", counting)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl")
    assert len(r.stdout.splitlines()) == 3
    assert len(calls) == 1


def test_a_pattern_that_matches_nothing_is_bad_input(cli, tmp_path):
    r = cli("validate", "--db", "nope/*.db", "-m", str(EXAMPLES))
    assert r.exit_code == 2 and "the pattern matches no file" in r.stderr


def test_one_database_keeps_the_single_report(cli, tmp_path):
    d = fleet(tmp_path)
    r = cli("validate", "--db", str(d / "a.db"), "-m", str(EXAMPLES), "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "clean"


# --------------------------------------------------------------------------
# Issue 9, second part: worker processes (--jobs)


def tenants(tmp_path, n=10, drift=(), broken=(), pending=()):
    """`n` tenants t00.db ... in tmp_path/tenants: clean copies, except those drifted by
    hand, left at version 0010, or not databases at all."""
    d = tmp_path / "tenants"
    d.mkdir()
    clean = apply_files(tmp_path / "clean.db", FILES)
    for i in range(n):
        p = d / f"t{i:02}.db"
        if i in broken:
            p.write_text("not a database")
            continue
        if i in pending:
            apply_files(p, FILES[:10])
        else:
            shutil.copyfile(clean, p)
        if i in drift:
            conn = sqlite3.connect(p)
            conn.execute("CREATE INDEX by_hand ON books (title)")
            conn.commit()
            conn.close()
    return d


def jsonl(r):
    return [json.loads(line) for line in r.stdout.splitlines()]


def statuses(r):
    return [(x["target"]["database"], x["status"]) for x in jsonl(r)]


def test_workers_print_what_one_process_prints_byte_for_byte(cli, tmp_path):
    tenants(tmp_path, drift={2, 7}, broken={4}, pending={8})
    args = ("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl")
    one = cli(*args, "--jobs", "1")
    two = cli(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 2
    assert two.stdout == one.stdout
    assert [s for _, s in statuses(two)] == [
        *["clean"] * 2,
        "drift",
        "clean",
        "error",
        "clean",
        "clean",
        "drift",
        "pending",
        "clean",
    ]


def test_the_default_is_one_worker_per_cpu_and_the_output_is_the_same(cli, tmp_path):
    tenants(tmp_path, n=4, drift={1})
    args = ("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl")
    assert cli(*args).stdout == cli(*args, "--jobs", "1").stdout


def test_a_locked_and_an_unreadable_database_among_ten_are_errors_the_rest_checked(cli, tmp_path):
    d = tenants(tmp_path, drift={6})
    locker = sqlite3.connect(d / "t03.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process's writer holds it
    unreadable = d / "t05.db"
    if os.geteuid() == 0:  # root reads any file: a directory is unreadable as a database
        unreadable.unlink()
        unreadable.mkdir()
    else:
        unreadable.chmod(0)
    try:
        r = cli(
            "validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl",
            "--jobs", "2", "--busy-timeout", "0.1",
        )  # fmt: skip
    finally:
        locker.close()
    assert r.exit_code == 2
    reports = jsonl(r)
    assert len(reports) == 10
    got = {x["target"]["database"]: x for x in reports}
    assert "locked" in got["tenants/t03.db"]["error"]["message"]
    assert got["tenants/t05.db"]["status"] == "error"
    assert got["tenants/t06.db"]["status"] == "drift"
    assert sum(x["status"] == "clean" for x in reports) == 7


def _die_on(monkeypatch, name, how):
    """Make checking the database called `name` kill the worker (or raise)."""
    from driftcheck import check

    real = check.validate_report

    def validate_report(s, expected, memo):
        if s.database.endswith(name):
            how()
        return real(s, expected, memo)

    monkeypatch.setattr(check, "validate_report", validate_report)


def test_a_worker_killed_midway_costs_only_its_database(cli, tmp_path, monkeypatch):
    tenants(tmp_path)
    _die_on(monkeypatch, "t04.db", lambda: os.kill(os.getpid(), signal.SIGKILL))
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl", "-j", "2")
    assert r.exit_code == 2
    assert statuses(r) == [
        (f"tenants/t{i:02}.db", "error" if i == 4 else "clean") for i in range(10)
    ]
    error = jsonl(r)[4]["error"]
    assert error["code"] == "worker_died"
    assert "the worker process checking it died (killed by SIGKILL)" in error["message"]
    assert "driftcheck validate --db tenants/t04.db" in error["hint"]


def test_workers_that_cannot_start_stop_the_run_with_one_message(cli, tmp_path, monkeypatch):
    from driftcheck import fleet

    def setup(*args):
        os._exit(3)

    monkeypatch.setattr(fleet, "_setup", setup)
    tenants(tmp_path, n=3)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-j", "2")
    assert r.exit_code == 2
    assert "worker processes end as they start (exit code 3)" in r.stderr
    assert "--jobs 1" in r.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_on_one_database_is_an_error_report_not_a_stop(cli, tmp_path, monkeypatch, jobs):
    tenants(tmp_path, n=5)

    def boom():
        raise RuntimeError("boom")

    _die_on(monkeypatch, "t01.db", boom)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl", "-j", jobs)
    assert r.exit_code == 2
    assert [s for _, s in statuses(r)] == ["clean", "error", "clean", "clean", "clean"]
    assert jsonl(r)[1]["error"]["message"] == "internal error: RuntimeError: boom"


def _count(monkeypatch, tmp_path, module, name):
    """Count calls of module.name in every process (a line per call, with the pid)."""
    log = tmp_path / f"{name}.calls"
    real = getattr(module, name)

    def counted(*args, **kwargs):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return lambda: log.read_text().split() if log.exists() else []


def test_expected_schemas_load_once_and_each_worker_is_set_up_once(cli, tmp_path, monkeypatch):
    from driftcheck import check, expected, fleet

    tenants(tmp_path, n=9)
    loads = _count(monkeypatch, tmp_path, expected, "expected_schemas")
    setups = _count(monkeypatch, tmp_path, fleet, "_setup")
    checks = _count(monkeypatch, tmp_path, check, "validate_report")
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl", "-j", "3")
    assert r.exit_code == 0 and len(jsonl(r)) == 9
    assert loads() == [str(os.getpid())]  # here, once: the workers are handed them
    workers = setups()
    assert len(workers) == len(set(workers)) == 3  # once per worker
    assert str(os.getpid()) not in workers
    assert len(checks()) == 9 and set(checks()) <= set(workers)  # all in the workers


def test_one_database_starts_no_worker(cli, tmp_path, monkeypatch):
    from driftcheck import fleet

    tenants(tmp_path, n=1)
    setups = _count(monkeypatch, tmp_path, fleet, "_setup")
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl", "-j", "4")
    assert r.exit_code == 0 and len(jsonl(r)) == 1
    assert setups() == []


def test_spawned_workers_print_the_same(cli, tmp_path, monkeypatch):
    """Where fork is not used (macOS, Windows, a process with threads), the workers are
    spawned and handed the expected schemas by pickling: the output is the same."""
    import multiprocessing

    from driftcheck import workers

    tenants(tmp_path, n=4, drift={2})
    args = ("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl")
    one = cli(*args, "-j", "1")
    monkeypatch.setattr(workers, "context", lambda: multiprocessing.get_context("spawn"))
    assert cli(*args, "-j", "2").stdout == one.stdout


@pytest.mark.parametrize("value", ["0", "-1", "x"])
def test_jobs_must_be_a_positive_number(cli, tmp_path, value):
    tenants(tmp_path, n=2)
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "--jobs", value)
    assert r.exit_code == 2
    assert "--jobs" in r.stderr and "--jobs 1 checks in this process" in r.stderr


def test_json_is_written_as_the_reports_come_and_reads_as_one_fleet_report(cli, tmp_path):
    from driftcheck.report.model import FleetReport

    tenants(tmp_path, n=4, drift={1})
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "json", "-j", "2")
    assert r.exit_code == 1
    # Byte for byte what the model writes for the whole: the streamed pieces fit.
    assert r.stdout == FleetReport.model_validate_json(r.stdout).model_dump_json(indent=2) + "\n"
    out = json.loads(r.stdout)
    assert list(out) == ["report_version", "tool", "generated_at", "shard", "reports", "summary"]
    assert out["shard"] is None
    assert out["summary"] == {"databases": 4, "clean": 3, "pending": 0, "drift": 1, "error": 0}


def test_text_caps_the_names_in_the_summary(cli, tmp_path, monkeypatch):
    from driftcheck.report import fleet as render

    monkeypatch.setattr(render, "NAMES_SHOWN", 2)
    tenants(tmp_path, n=6, drift={0, 1, 2, 3}, broken={5})
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES))
    lines = r.stdout.splitlines()
    assert sum(line.startswith("DRIFT ") for line in lines) == 4  # each has its line
    assert "drifted    tenants/t00.db" in lines and "drifted    tenants/t01.db" in lines
    assert "drifted    ... and 2 more" in lines
    assert "drifted    tenants/t02.db" not in lines


def test_the_progress_bar_is_drawn_on_a_terminal_and_cleared(cli, tmp_path, monkeypatch):
    from driftcheck import cli as cli_module

    monkeypatch.setattr(cli_module.UI, "terminal", lambda self, stream: stream is sys.stderr)
    tenants(tmp_path, n=3, drift={1})
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES))
    assert "checked 3/3  clean 2  drift 1  [" in r.stderr
    assert r.stderr.endswith("\r")  # cleared at the end
    assert "checked" not in r.stdout
    # Never with machine output, even on a terminal.
    r = cli("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES), "-f", "jsonl")
    assert "checked" not in r.stderr + r.stdout


def test_a_bad_input_in_jsonl_is_an_error_line_too(cli, tmp_path):
    """Whatever reads the stream (merge-reports) sees that this run checked nothing."""
    tenants(tmp_path, n=2)
    r = cli("validate", "--db", "tenants/*.db", "-f", "jsonl")  # no migrations
    assert r.exit_code == 2
    [line] = jsonl(r)
    assert line["status"] == "error" and line["error"]["message"] == "no migrations given"
    assert "no migrations given" in r.stderr


# --------------------------------------------------------------------------
# As a user's shell runs it: pipes and Ctrl-C


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env.update(extra)
    return env


def test_a_closed_pipe_keeps_the_exit_code_and_checks_every_database(tmp_path):
    tenants(tmp_path, drift={6}, broken={8})
    cmd = f"{sys.executable} -m driftcheck validate --db 'tenants/*.db' -m {EXAMPLES} -f jsonl"
    r = subprocess.run(
        ["bash", "-c", f"{cmd} -j 2 | head -1; exit ${{PIPESTATUS[0]}}"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, r.stderr  # the broken database, as without the pipe
    assert len(r.stdout.splitlines()) == 1
    assert r.stderr == ""


def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path):
    d = tenants(tmp_path)
    locker = sqlite3.connect(d / "t02.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # its check waits for the lock: the run is mid-way
    try:
        p = subprocess.Popen(
            [sys.executable, "-m", "driftcheck", "validate", "--db", "tenants/*.db"]
            + ["-m", str(EXAMPLES), "-f", "jsonl", "-j", "2", "--busy-timeout", "60"],
            cwd=tmp_path,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a shell's job is
        )
        assert p.stdout is not None
        first = p.stdout.readline()  # t00 is out: the workers are busy
        os.killpg(p.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, workers too
        out, err = p.communicate(timeout=30)
    finally:
        locker.close()
    assert p.returncode == 130, err
    assert json.loads(first)["target"]["database"] == "tenants/t00.db"
    assert "interrupted after" in err and "of 10 databases" in err
    assert "Traceback" not in err
    with pytest.raises(ProcessLookupError):  # no worker is left behind
        for _ in range(50):
            os.killpg(p.pid, 0)
            time.sleep(0.1)


def test_a_database_named_twice_is_checked_once(cli, tmp_path):
    tenants(tmp_path, n=3)
    r = cli(
        "validate", "-m", str(EXAMPLES), "-f", "jsonl", "-j", "1",
        "--db", "./tenants/t01.db", "--db", "tenants/*.db", "--db", "tenants/t01.db",
    )  # fmt: skip
    assert [db for db, _ in statuses(r)] == ["./tenants/t01.db", "tenants/t00.db", "tenants/t02.db"]
