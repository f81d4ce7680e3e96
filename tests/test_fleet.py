"""Fleet mode (issue 9, first part): validate over many databases in one run."""

from __future__ import annotations

import json
import shutil
import sqlite3

from conftest import EXAMPLES, apply_files

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
    assert lines[0].startswith("CLEAN    tenants/a.db")
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
