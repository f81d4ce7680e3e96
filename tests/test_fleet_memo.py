"""Fleet mode answers a database whose sqlite_schema rows and history were seen before
from memory (`check.ReportMemo`): the answer must be the one a full check gives."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLES, apply_files
from driftcheck import check
from driftcheck.config import Config
from driftcheck.expected import expected_schemas
from driftcheck.settings import Settings

FILES = sorted(EXAMPLES.glob("*.sql"))


def _varied_fleet(d: Path) -> list[Path]:
    """Databases that share rows or history pairwise but differ in the other."""
    d.mkdir()
    out = []

    def make(name: str, files: list[Path], *sql: str) -> None:
        db = apply_files(d / name, files)
        conn = sqlite3.connect(db, isolation_level=None)
        for stmt in sql:
            conn.execute(stmt)
        conn.close()
        out.append(db)

    make("clean1.db", FILES, "PRAGMA user_version = 13")
    make("clean2.db", FILES, "PRAGMA user_version = 13")  # the same as clean1
    make("unrecorded.db", FILES, "PRAGMA user_version = 11")  # same rows, other history
    make("pending.db", FILES[:10], "PRAGMA user_version = 10")
    make("pending_same_history.db", FILES[:9], "PRAGMA user_version = 10")  # rows differ
    make("drift.db", FILES, "PRAGMA user_version = 13", "CREATE INDEX by_hand ON books (title)")
    make("drift2.db", FILES, "PRAGMA user_version = 13", "CREATE INDEX by_hand ON books (title)")
    make("no_history.db", FILES)
    # A history table with rows: the same schema with other recorded rows.
    for name, versions in (("table1.db", 13), ("table2.db", 12), ("table3.db", 13)):
        make(
            name,
            FILES,
            "CREATE TABLE driftcheck_history (version TEXT PRIMARY KEY, name TEXT, "
            "checksum TEXT, applied_at TEXT, success INTEGER, how TEXT)",
            *(
                f"INSERT INTO driftcheck_history VALUES ('{i:04d}', 'v', 'x', "
                f"'2024-01-0{1 + i % 9}', 1, 'applied')"
                for i in range(1, versions + 1)
            ),
        )
    return out


def _comparable(report) -> dict:
    data = report.model_dump(mode="json")
    data.pop("generated_at")
    return data


def test_memoised_reports_equal_full_checks_for_every_database(tmp_path):
    dbs = _varied_fleet(tmp_path / "fleet")
    s = Settings.from_config(Config(), migrations=str(EXAMPLES))
    expected = expected_schemas(s)
    memo = check.ReportMemo()
    # Twice, the second time in another order: everything is in the memo by then.
    for db in [*dbs, *reversed(dbs)]:
        one = dataclasses.replace(s, database=str(db))
        full = check.validate(one, expected).report
        assert _comparable(check.validate_report(one, expected, memo)) == _comparable(full), db
    assert memo.misses == len(dbs) - 3  # clean2, drift2 and table3 repeat another
    assert memo.hits == len(dbs) + 3


def test_identical_databases_are_introspected_once(tmp_path, monkeypatch):
    """N identical databases: the schema is read into the model once, and each of the
    others costs its sqlite_schema rows and its history."""
    from driftcheck.sqlite import introspect

    calls = []
    read_objects = introspect.read_objects
    monkeypatch.setattr(
        check, "read_objects", lambda *a, **k: calls.append(1) or read_objects(*a, **k)
    )
    d = tmp_path / "fleet"
    d.mkdir()
    first = apply_files(d / "t000.db", FILES)
    for i in range(1, 40):
        shutil.copyfile(first, d / f"t{i:03d}.db")
    s = Settings.from_config(Config(), migrations=str(EXAMPLES))
    expected = expected_schemas(s)
    memo = check.ReportMemo()
    statuses = {
        check.validate_report(dataclasses.replace(s, database=str(p)), expected, memo).status
        for p in sorted(d.glob("*.db"))
    }
    assert len(statuses) == 1
    assert len(calls) == 1


@pytest.mark.parametrize("maxsize", [1, 2])
def test_the_memo_is_bounded(tmp_path, maxsize):
    dbs = _varied_fleet(tmp_path / "fleet")
    s = Settings.from_config(Config(), migrations=str(EXAMPLES))
    expected = expected_schemas(s)
    memo = check.ReportMemo(maxsize)
    for db in dbs:
        check.validate_report(dataclasses.replace(s, database=str(db)), expected, memo)
        assert len(memo._reports) <= maxsize


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fleet_run_reports_what_each_database_reports_alone(cli, tmp_path, jobs):
    """Through the commands: `validate` over the varied fleet (the memo answers the
    repeats) prints, per database, the report `validate` prints for it alone."""
    import json

    dbs = _varied_fleet(tmp_path / "fleet")
    r = cli("validate", "--db", "fleet/*.db", "-m", str(EXAMPLES), "-f", "jsonl", "-j", jobs)
    assert r.exit_code == 1, r.stderr  # drift among them, no error
    fleet = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(fleet) == len(dbs)
    for report in fleet:
        alone = cli(
            "validate", "--db", report["target"]["database"], "-m", str(EXAMPLES), "-f", "json"
        )
        single = json.loads(alone.stdout)
        for x in (report, single):
            x.pop("generated_at")
        assert report == single, report["target"]["database"]
