"""What changed between two reports (issue 11): `report_delta`, `fleet_delta` and
`driftcheck report-diff`, on real reports that `driftcheck validate --format json` wrote
for real databases drifted by hand between runs."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

import driftcheck
from conftest import EXAMPLES, _validators, apply_files, check_report
from driftcheck.changes import Change, ObjectRef, Source
from driftcheck.report.delta import (
    ReportDelta,
    ReportDiff,
    change_key,
    diff_reports,
    fleet_delta,
    report_delta,
)
from driftcheck.report.model import FleetReport, Report

FILES = sorted(EXAMPLES.glob("*.sql"))


def build(path: Path, upto: int = 9) -> Path:
    """The bookshelf example at version `upto`, recorded in user_version."""
    apply_files(path, FILES[:upto])
    run_sql(path, f"PRAGMA user_version = {upto}")
    return path


def run_sql(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(sql)
    conn.close()


def validate(cli, db: str, out: str, *more: str, fmt: str = "json") -> Path:
    """`driftcheck validate --format json` of `db` (and `more`), written to `out`."""
    dbs = [a for d in (db, *more) for a in ("--db", d)]
    r = cli("validate", *dbs, "-m", str(EXAMPLES), "--format", fmt)
    assert r.exit_code in (0, 1, 2), r.stderr
    path = Path(out)
    path.write_text(r.stdout, encoding="utf-8")
    return path


def load(path: Path) -> Report:
    return Report.model_validate_json(path.read_text(encoding="utf-8"))


def messages(changes: list[Change]) -> list[str]:
    return [c.message for c in changes]


@pytest.fixture
def history(cli, tmp_path: Path) -> dict[str, Path]:
    """Reports of one database as it is drifted by hand between runs:
    r0 version 9 of 13 (pending); r1 a column added by hand; r2 an index dropped too;
    r3 both undone; r4 version 10 applied; r5 broken (not a database); r6 mended."""
    db = build(tmp_path / "app.db")
    shutil.copyfile(db, tmp_path / "pristine.db")
    reports = {"r0": validate(cli, "app.db", "r0.json")}
    run_sql(db, "ALTER TABLE books ADD COLUMN extra TEXT")
    reports["r1"] = validate(cli, "app.db", "r1.json")
    run_sql(db, "DROP INDEX idx_books_isbn")
    reports["r2"] = validate(cli, "app.db", "r2.json")
    shutil.copyfile(tmp_path / "pristine.db", db)
    reports["r3"] = validate(cli, "app.db", "r3.json")
    run_sql(db, FILES[9].read_text(encoding="utf-8") + "\nPRAGMA user_version = 10;")
    reports["r4"] = validate(cli, "app.db", "r4.json")
    shutil.copyfile(db, tmp_path / "at10.db")
    db.write_bytes(b"this is no longer a database" * 100)
    reports["r5"] = validate(cli, "app.db", "r5.json")
    shutil.copyfile(tmp_path / "at10.db", db)
    reports["r6"] = validate(cli, "app.db", "r6.json")
    return reports


# --------------------------------------------------------------------------
# The delta, on real reports


def test_a_column_added_by_hand_appears_and_the_status_turns_to_drift(history):
    r0, r1 = load(history["r0"]), load(history["r1"])
    assert (r0.status, r1.status) == ("pending", "drift")
    d = report_delta(r0, r1)
    assert d.database == "app.db" and d.presence == "both"
    assert d.status is not None and (d.status.before, d.status.after) == ("pending", "drift")
    assert [(c.object_type, c.change, c.name) for c in d.appeared] == [
        ("column", "unexpected", "extra")
    ]
    assert d.resolved == [] and d.changed == []
    # The column changes books, which 0002 made: a conflict with that version.
    assert [(e.version, e.action, e.code) for e in d.plan_appeared] == [
        ("0002", "flag", "conflict")
    ]
    assert d.effective_version is None and d.latest_version is None
    assert d.worse and not d.empty


def test_an_index_dropped_next_appears_alone(history):
    d = report_delta(load(history["r1"]), load(history["r2"]))
    assert d.status is None  # drift, still
    assert [(c.object_type, c.change, c.name, c.severity) for c in d.appeared] == [
        ("index", "missing", "idx_books_isbn", "error")
    ]
    assert d.resolved == [] and d.worse


def test_undoing_the_drift_resolves_it_and_is_not_worse(history):
    r2, r3 = load(history["r2"]), load(history["r3"])
    d = report_delta(r2, r3)
    assert d.appeared == [] and d.plan_appeared == []
    assert sorted(c.name for c in d.resolved) == ["extra", "idx_books_isbn"]
    assert messages(d.resolved) == messages(sorted(r2.changes, key=lambda c: d.resolved.index(c)))
    assert d.status is not None and (d.status.before, d.status.after) == ("drift", "pending")
    assert [(e.version, e.code) for e in d.plan_resolved] == [("0002", "conflict")]
    assert not d.worse and not d.empty


def test_applying_a_pending_version_moves_the_versions(history):
    d = report_delta(load(history["r3"]), load(history["r4"]))
    assert d.effective_version is not None
    assert (d.effective_version.before, d.effective_version.after) == ("0009", "0010")
    assert d.recorded_version is not None and d.recorded_version.after == "10"
    assert d.latest_version is None  # 0013 on both sides
    assert [(e.version, e.action) for e in d.plan_resolved] == [("0010", "apply")]
    assert d.plan_appeared == [] and d.appeared == [] and d.status is None
    assert not d.worse


def test_a_database_that_breaks_is_an_error_transition_and_mending_it_resolves_it(history):
    broken = report_delta(load(history["r4"]), load(history["r5"]))
    assert broken.status is not None and broken.status.after == "error"
    assert broken.error is not None and broken.error.before is None
    assert broken.error.after is not None and "not a SQLite database" in broken.error.after.message
    assert broken.worse
    mended = report_delta(load(history["r5"]), load(history["r6"]))
    assert mended.status is not None and (mended.status.before, mended.status.after) == (
        "error",
        "pending",
    )
    assert mended.error is not None and mended.error.after is None and not mended.worse
    # An error report checked nothing: no change or pending version comes back from it.
    for d in (broken, mended):
        assert d.appeared == d.resolved == d.plan_appeared == d.plan_resolved == []
        assert d.effective_version is None and d.latest_version is None


def test_the_delta_agrees_with_the_changes_compared_by_identity(history):
    """Between any two of the reports, `appeared` and `resolved` are the changes one side
    has and the other has not, and the reverse delta swaps them (an error report has
    none to compare)."""
    reports = [load(p) for p in history.values()]
    for a in reports:
        assert report_delta(a, a).empty
        for b in reports:
            d = report_delta(a, b)
            if "error" in (a.status, b.status):  # an error report checked nothing
                assert d.appeared == d.resolved == []
                continue
            old = {change_key(c) for c in a.changes}
            new = {change_key(c) for c in b.changes}
            assert {change_key(c) for c in d.appeared} == new - old
            assert {change_key(c) for c in d.resolved} == old - new
            back = report_delta(b, a)
            assert back.appeared == d.resolved and back.resolved == d.appeared


def test_a_first_report_is_new_and_everything_in_it_appears(history):
    r2 = load(history["r2"])
    d = report_delta(None, r2)
    assert d.presence == "new"
    assert d.status is not None and (d.status.before, d.status.after) == (None, "drift")
    assert {change_key(c) for c in d.appeared} == {change_key(c) for c in r2.changes}
    assert d.effective_version is not None and d.effective_version.before is None
    assert d.latest_version is not None and d.latest_version.after == "0013"
    assert [e.version for e in d.plan_appeared if e.action == "apply"] == [
        "0010",
        "0011",
        "0012",
        "0013",
    ]
    assert d.worse
    clean_first = report_delta(None, load(history["r3"]).model_copy(update={"plan": []}))
    assert clean_first.status is not None and clean_first.status.after == "pending"
    assert clean_first.worse  # a first report that is not clean is news


# --------------------------------------------------------------------------
# What is not a delta: the time, the tool, order, the wording


def _shuffled(doc: dict) -> dict:
    """The same report written at another time, by another build, in another order."""
    doc = json.loads(json.dumps(doc))
    doc["generated_at"] = "2031-01-01T00:00:00Z"
    doc["tool"]["version"] = "9.9.9"
    doc["changes"].reverse()
    doc["plan"].reverse()
    for entry in doc["plan"]:
        entry["evidence"].reverse()
    doc["history"]["notes"].reverse()
    return doc


def test_time_tool_and_order_are_not_deltas(history, cli):
    doc = json.loads(history["r2"].read_text())
    assert len(doc["changes"]) == 2
    other = Report.model_validate(_shuffled(doc))
    assert report_delta(load(history["r2"]), other).empty
    Path("shuffled.json").write_text(json.dumps(_shuffled(doc)))
    r = cli("report-diff", str(history["r2"]), "shuffled.json")
    assert r.exit_code == 0 and r.stdout == "no changes\n"


def test_a_change_that_differs_only_in_wording_or_source_is_the_same_change(history):
    r1 = load(history["r1"])
    c = r1.changes[0]
    reworded = c.model_copy(
        update={
            "message": "the column extra on books is not in any migration",
            "path": "books.EXTRA",
            "source": Source(version="0002", file="0002_create_books.sql", line=42),
            "name": c.name.upper(),  # SQLite's names ignore case: same identity
        }
    )
    d = report_delta(r1, r1.model_copy(update={"changes": [reworded]}))
    assert d.appeared == [] and d.resolved == []
    assert [p.fields for p in d.changed] == [["name"]]  # the spelling, nothing else
    assert not d.worse


def test_a_change_whose_value_or_severity_moved_is_changed_not_appeared(history):
    r1 = load(history["r1"])
    c = r1.changes[0]
    moved = c.model_copy(update={"actual": "extra INTEGER", "severity": "error"})
    d = report_delta(r1, r1.model_copy(update={"changes": [moved]}))
    assert d.appeared == [] and d.resolved == []
    assert [(p.before, p.after, p.fields) for p in d.changed] == [
        (c, moved, ["actual", "severity"])
    ]
    assert d.worse  # warning -> error
    softer = report_delta(r1.model_copy(update={"changes": [moved]}), r1)
    assert softer.changed[0].fields == ["actual", "severity"] and not softer.worse


def test_an_info_change_appearing_is_a_delta_but_not_worse(history):
    r3 = load(history["r3"])
    note = Change(
        object_type="index",
        change="changed",
        owner={"kind": "index", "name": "idx_books_author"},
        table="books",
        name="idx_books_author",
        path="idx_books_author",
        attribute="name",
        expected="idx_books_author",
        actual="IDX_BOOKS_AUTHOR",
        severity="info",
        message="index idx_books_author is spelled IDX_BOOKS_AUTHOR in the database",
    )
    d = report_delta(r3, r3.model_copy(update={"changes": [note]}))
    assert d.appeared == [note] and not d.empty and not d.worse


# --------------------------------------------------------------------------
# The model: part of the report contract


def test_a_delta_reads_back_and_its_flags_must_agree_with_it(history):
    d = report_delta(load(history["r0"]), load(history["r2"]))
    text = d.model_dump_json()
    assert ReportDelta.model_validate_json(text) == d
    doc = json.loads(text)
    doc["worse"] = False
    with pytest.raises(ValidationError, match="worse"):
        ReportDelta.model_validate(doc)
    with pytest.raises(ValidationError):
        ReportDelta.model_validate({**json.loads(text), "surprise": 1})
    # The committed schema has both: a delta alone (as `serve` keeps it) and in a diff.
    assert _validators()["ReportDelta"](json.loads(text)) == []
    assert _validators()["ReportDelta"]({**json.loads(text), "surprise": 1}) != []
    check_report(
        json.loads(
            ReportDiff(
                tool={"version": "0"},
                generated_at="x",
                old="a",
                new="b",
                databases=1,
                deltas=[d],
                worse=True,
            ).model_dump_json()
        )
    )


# --------------------------------------------------------------------------
# Fleets: matched by database


@pytest.fixture
def fleets(cli, tmp_path: Path) -> dict[str, Path]:
    """Old: a (pending), b (pending), gone (pending). New: a unchanged, b with an index
    made by hand, c new (clean at 13). As json and jsonl, and b's old report alone."""
    for name in ("a", "b", "gone"):
        build(tmp_path / f"{name}.db")
    out = {
        "old.json": validate(cli, "a.db", "old.json", "b.db", "gone.db"),
        "old.jsonl": validate(cli, "a.db", "old.jsonl", "b.db", "gone.db", fmt="jsonl"),
        "b.json": validate(cli, "b.db", "b.json"),
    }
    (tmp_path / "gone.db").unlink()
    run_sql(tmp_path / "b.db", "CREATE INDEX by_hand ON books (title)")
    build(tmp_path / "c.db", upto=13)
    out["new.json"] = validate(cli, "a.db", "new.json", "b.db", "c.db")
    out["new.jsonl"] = validate(cli, "a.db", "new.jsonl", "b.db", "c.db", fmt="jsonl")
    return out


def test_fleet_delta_matches_databases_and_names_the_new_and_the_gone(fleets):
    old = FleetReport.model_validate_json(fleets["old.json"].read_text()).reports
    new = FleetReport.model_validate_json(fleets["new.json"].read_text()).reports
    deltas = fleet_delta(list(reversed(old)), new)  # the order given does not matter
    assert [(d.database, d.presence, d.empty) for d in deltas] == [
        ("a.db", "both", True),
        ("b.db", "both", False),
        ("c.db", "new", False),
        ("gone.db", "gone", False),
    ]
    b, c, gone = deltas[1:]
    assert [x.name for x in b.appeared] == ["by_hand"] and b.worse
    assert c.status is not None and (c.status.before, c.status.after) == (None, "clean")
    assert not c.worse  # a new database that is clean brings nothing new to look at
    assert gone.status is not None and (gone.status.before, gone.status.after) == ("pending", None)
    assert gone.resolved == [] and not gone.worse


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("old.json", "new.json"),
        ("old.jsonl", "new.jsonl"),
        ("old.json", "new.jsonl"),
        ("old.jsonl", "new.json"),
    ],
    ids=["json-json", "jsonl-jsonl", "json-jsonl", "jsonl-json"],
)
def test_report_diff_reads_fleets_as_json_or_jsonl(cli, fleets, old, new):
    r = cli("report-diff", old, new, "--format", "json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["old"] == old and doc["new"] == new and doc["databases"] == 4
    assert [(d["database"], d["presence"]) for d in doc["deltas"]] == [
        ("b.db", "both"),
        ("c.db", "new"),
        ("gone.db", "gone"),
    ]
    assert doc["worse"] is True


def test_a_single_report_against_a_fleet_is_matched_by_database(cli, fleets):
    r = cli("report-diff", "b.json", "new.jsonl")
    assert r.exit_code == 1
    assert "a.db\n  status     none -> pending (new in the new reports)\n" in r.stdout
    assert "  effective  none -> 0009\n" in r.stdout
    assert "b.db\n  status  pending -> drift\n  + index by_hand on books exists" in r.stdout
    assert "c.db\n  status     none -> clean (new in the new reports)\n" in r.stdout
    assert r.stdout.endswith("3 of 3 databases changed; something new appeared\n")
    same = cli("report-diff", "new.jsonl", "new.json")
    assert same.exit_code == 0 and same.stdout == "no changes (3 databases compared)\n"


def test_one_report_on_each_side_is_compared_whatever_its_database_is_called(
    cli, history, tmp_path
):
    doc = json.loads(history["r1"].read_text())
    doc["target"]["database"] = "/checkout/of/main/app.db"
    Path("main.json").write_text(json.dumps(doc))
    r = cli("report-diff", "main.json", str(history["r2"]), "-f", "json")
    deltas = json.loads(r.stdout)["deltas"]
    assert [(d["database"], d["presence"]) for d in deltas] == [("app.db", "both")]
    assert [c["name"] for c in deltas[0]["appeared"]] == ["idx_books_isbn"]


# --------------------------------------------------------------------------
# The command: text, JSON, exit codes


def test_text_says_what_appeared_and_what_was_resolved(cli, history):
    r = cli("report-diff", str(history["r0"]), str(history["r1"]))
    assert r.exit_code == 1
    assert r.stdout == (
        "app.db\n"
        "  status  pending -> drift\n"
        "  + column books.extra exists in the database but no migration creates it "
        "(warning)\n"
        "  + 0002 create_books: flag (conflict)\n"
        "\n"
        "something new appeared\n"
    )
    back = cli("report-diff", str(history["r2"]), str(history["r3"]))
    assert back.exit_code == 0
    assert "  status  drift -> pending\n" in back.stdout
    assert "  - resolved: unique index idx_books_isbn on books is missing\n" in back.stdout
    assert back.stdout.endswith("\nnothing new appeared\n")


def test_text_shows_version_and_error_transitions(cli, history):
    r = cli("report-diff", str(history["r3"]), str(history["r4"]))
    assert r.exit_code == 0
    assert "  effective  0009 -> 0010\n  recorded   9 -> 10\n" in r.stdout
    assert "  - resolved: 0010 create_views: apply (pending)\n" in r.stdout
    broke = cli("report-diff", str(history["r4"]), str(history["r5"]))
    assert broke.exit_code == 1
    assert broke.stdout.startswith("app.db\n  status  pending -> error\n  error   database ")
    assert "not a SQLite database" in broke.stdout
    assert "effective" not in broke.stdout  # an error report checked nothing
    mended = cli("report-diff", str(history["r5"]), str(history["r6"]))
    assert mended.exit_code == 0
    assert "  status  error -> pending\n  error   resolved: database app.db" in mended.stdout


def test_json_is_a_report_diff_of_the_contract_and_the_same_bytes_each_time(cli, history):
    args = ("report-diff", str(history["r1"]), str(history["r3"]), "--format", "json")
    r = cli(*args)
    assert r.exit_code == 0 and r.stderr == ""
    check_report(json.loads(r.stdout))  # the conftest's check: the committed schema
    diff = ReportDiff.model_validate_json(r.stdout)
    assert diff.databases == 1 and not diff.worse and diff.error is None
    assert [c.name for c in diff.deltas[0].resolved] == ["extra"]
    assert cli(*args).stdout == r.stdout
    nothing = cli("report-diff", str(history["r1"]), str(history["r1"]), "-f", "json")
    assert nothing.exit_code == 0 and json.loads(nothing.stdout)["deltas"] == []


def test_quiet_prints_nothing_and_the_exit_code_tells(cli, history):
    r = cli("report-diff", "-q", str(history["r0"]), str(history["r2"]))
    assert r.exit_code == 1 and r.stdout == ""


# --------------------------------------------------------------------------
# Bad input: exit 2, one message naming the file and what is wrong, with a hint


def _report_line(history) -> str:
    return json.dumps(json.loads(history["r0"].read_text()))


BAD = {
    "missing": (None, "no such file"),
    "not-json": ("this is not json\n", "not valid JSON"),
    "not-a-report": ('{"hello": "world"}', "not a driftcheck report (no report_version)"),
    "unknown-version": ('{"report_version": 7, "status": "clean"}', "report_version 7 is unknown"),
    "a-diff-report": ('{"report_version": 2, "expected": "a", "actual": "b"}', "no `target`"),
    "an-array": ("[1, 2]", "found an array"),
    "empty": ("\n", "is empty"),
    "bad-field": (
        '{"report_version": 2, "target": {"database": "x"}, "status": "drifting"}',
        "not a valid report: tool",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_exit_2_naming_the_file(cli, history, case):
    text, problem = BAD[case]
    if text is not None:
        Path("bad.json").write_text(text)
    for args in (("bad.json", str(history["r0"])), (str(history["r0"]), "bad.json")):
        r = cli("report-diff", *args)
        assert r.exit_code == 2
        assert r.stdout == ""
        assert r.stderr.startswith("driftcheck report-diff: error: bad.json"), r.stderr
        assert problem in r.stderr and "hint:" in r.stderr
        assert "Traceback" not in r.stderr


def test_a_broken_jsonl_line_is_named_by_its_number(cli, history):
    line = _report_line(history)
    Path("shard.jsonl").write_text(f"{line}\n\n{line[:-40]}\n{line}\n")
    r = cli("report-diff", "shard.jsonl", str(history["r0"]), "-f", "json")
    assert r.exit_code == 2
    assert "driftcheck report-diff: error: shard.jsonl:3: line 3 is not valid JSON" in r.stderr
    doc = json.loads(r.stdout)  # the JSON says so too, in the contract
    assert doc["error"]["code"] == "report_input" and "shard.jsonl:3" in doc["error"]["message"]


def test_a_broken_indented_document_is_named_by_its_line(cli, history):
    text = history["r0"].read_text().replace('"status": "pending"', '"status": "pending",,')
    Path("broken.json").write_text(text)
    r = cli("report-diff", "broken.json", str(history["r0"]))
    assert r.exit_code == 2
    line = next(n for n, row in enumerate(text.splitlines(), 1) if ",," in row)
    assert f"broken.json:{line}: not valid JSON" in r.stderr


def test_a_directory_is_not_a_report(cli, history, tmp_path):
    (tmp_path / "reports").mkdir()
    r = cli("report-diff", "reports", str(history["r0"]))
    assert r.exit_code == 2 and "reports: is a directory" in r.stderr


def test_a_closed_stdout_does_not_change_the_exit_code(history, tmp_path):
    for old, new, code in (("r0", "r1", 1), ("r2", "r3", 0)):
        p = subprocess.Popen(
            [sys.executable, "-m", "driftcheck", "report-diff"]
            + [str(history[old]), str(history[new])],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert p.stdout is not None and p.stderr is not None
        p.stdout.close()  # like `| head -0`
        err = p.stderr.read().decode()
        p.stderr.close()
        assert p.wait(timeout=60) == code, err
        assert "Traceback" not in err and "BrokenPipe" not in err


# --------------------------------------------------------------------------
# The Python API


def test_the_api_takes_paths_or_models_and_gives_what_the_cli_prints(cli, history, fleets):
    by_path = driftcheck.report_diff(history["r0"], str(history["r1"]))
    by_model = driftcheck.report_diff(load(history["r0"]), load(history["r1"]))
    assert by_path.deltas == by_model.deltas and by_path.worse
    assert by_path.old == str(history["r0"]) and by_model.old == "report"
    printed = ReportDiff.model_validate_json(
        cli("report-diff", str(history["r0"]), str(history["r1"]), "-f", "json").stdout
    )
    assert printed.deltas == by_path.deltas
    fleet = FleetReport.model_validate_json(fleets["new.json"].read_text())
    mixed = driftcheck.report_diff(fleets["old.jsonl"], fleet)
    assert [d.database for d in mixed.deltas] == ["b.db", "c.db", "gone.db"]
    assert diff_reports(fleet.reports, fleet.reports).deltas == []
    with pytest.raises(driftcheck.DriftcheckError, match="nope.json: no such file"):
        driftcheck.report_diff("nope.json", fleet)


def test_names_with_quotes_and_brackets_keep_their_identity(history):
    """The identity is a DeepDiff key: a name with quotes or brackets must neither break
    the wording's exclusion nor collide."""
    r1 = load(history["r1"])
    odd = [
        r1.changes[0].model_copy(
            update={"owner": ObjectRef(kind="table", name=name), "table": name, "name": name}
        )
        for name in ('it\'s "odd" [x]', 'it\'s "odd" [y]')
    ]
    before = r1.model_copy(update={"changes": odd})
    after = r1.model_copy(
        update={"changes": [c.model_copy(update={"message": "reworded"}) for c in odd]}
    )
    assert report_delta(before, after).empty
    one = report_delta(before, r1.model_copy(update={"changes": odd[:1]}))
    assert [c.name for c in one.resolved] == ['it\'s "odd" [y]'] and one.appeared == []


# --------------------------------------------------------------------------
# Recoveries and plan entries that change (a trial: migrating a database by hand gave
# `pending -> clean` with "0012: record" appeared and "0012: apply" resolved, exit 1)


def recorded_nowhere(path: Path, upto: int) -> Path:
    """The bookshelf example at version `upto` with no history at all (no history table,
    user_version 0): every version there is to record, the status follows the schema."""
    apply_files(path, FILES[:upto])
    return path


def plan_rows(entries) -> list[tuple[str | None, str, str]]:
    return [(e.version, e.action, e.code) for e in entries]


def pair_rows(pairs) -> list[tuple[str | None, str, str]]:
    return [
        (p.after.version, f"{p.before.action} ({p.before.code})", p.after.action) for p in pairs
    ]


def test_migrating_by_hand_a_database_with_no_history_is_a_recovery(cli, tmp_path):
    db = recorded_nowhere(tmp_path / "pc.db", 11)
    before = validate(cli, "pc.db", "pc1.json")
    run_sql(db, FILES[11].read_text(encoding="utf-8"))
    run_sql(db, FILES[12].read_text(encoding="utf-8"))
    after = validate(cli, "pc.db", "pc2.json")
    assert (load(before).status, load(after).status) == ("pending", "clean")
    d = report_delta(load(before), load(after))
    # One version, one entry: apply -> record is a changed entry, not resolved + appeared.
    assert d.plan_appeared == [] and d.plan_resolved == []
    assert pair_rows(d.plan_changed) == [
        ("0012", "apply (pending)", "record"),
        ("0013", "apply (pending)", "record"),
    ]
    assert [p.after.code for p in d.plan_changed] == ["unrecorded", "unrecorded"]
    assert not d.worse and not d.empty
    r = cli("report-diff", "pc1.json", "pc2.json")
    assert r.exit_code == 0, r.stdout
    assert r.stdout == (
        "pc.db\n"
        "  status     pending -> clean\n"
        "  effective  0011 -> 0013\n"
        "  ~ 0012 rename_shelf_items: apply (pending) -> record (unrecorded)\n"
        "  ~ 0013 create_loans: apply (pending) -> record (unrecorded)\n"
        "\n"
        "nothing new appeared\n"
    )
    # The way back: the status got worse, and the versions need more (record -> apply).
    back = cli("report-diff", "pc2.json", "pc1.json", "-f", "json")
    assert back.exit_code == 1
    doc = json.loads(back.stdout)
    check_report(doc)  # plan_changed is in the committed schema
    (delta,) = doc["deltas"]
    assert delta["worse"] is True and delta["plan_appeared"] == delta["plan_resolved"] == []
    assert [
        (p["before"]["action"], p["after"]["action"], p["after"]["version"])
        for p in delta["plan_changed"]
    ] == [("record", "apply", "0012"), ("record", "apply", "0013")]
    assert ReportDelta.model_validate(delta) == report_delta(load(after), load(before))


def test_migrating_by_hand_a_user_version_database(cli, tmp_path):
    """0012 run by hand without touching user_version (drift: ran, not recorded), then
    0013 with user_version set (clean)."""
    db = build(tmp_path / "pc.db", upto=11)
    validate(cli, "pc.db", "pc1.json")
    run_sql(db, FILES[11].read_text(encoding="utf-8"))
    validate(cli, "pc.db", "pc2.json")
    run_sql(db, FILES[12].read_text(encoding="utf-8") + "\nPRAGMA user_version = 13;")
    validate(cli, "pc.db", "pc3.json")
    r1, r2, r3 = (load(Path(f"pc{n}.json")) for n in (1, 2, 3))
    assert (r1.status, r2.status, r3.status) == ("pending", "drift", "clean")
    assert r1.history is not None and r1.history.store == "user_version"
    ran = report_delta(r1, r2)
    assert pair_rows(ran.plan_changed) == [("0012", "apply (pending)", "record")]
    assert ran.plan_appeared == ran.plan_resolved == []
    assert ran.worse  # pending -> drift: the history now tells a lie
    done = report_delta(r2, r3)
    assert plan_rows(done.plan_resolved) == [
        ("0012", "record", "unrecorded"),
        ("0013", "apply", "pending"),
    ]
    assert not done.worse
    whole = report_delta(r1, r3)
    assert whole.status is not None and (whole.status.before, whole.status.after) == (
        "pending",
        "clean",
    )
    assert not whole.worse
    assert cli("report-diff", "pc1.json", "pc3.json").exit_code == 0
    assert cli("report-diff", "pc2.json", "pc3.json").exit_code == 0
    text = cli("report-diff", "pc1.json", "pc2.json")
    assert text.exit_code == 1
    assert "  ~ 0012 rename_shelf_items: apply (pending) -> record (unrecorded)\n" in text.stdout
    assert "+ 0012" not in text.stdout and "resolved: 0012" not in text.stdout


def test_a_plan_entry_that_changes_with_the_status_unchanged_is_worse_when_its_action_rises(
    cli, tmp_path
):
    """0012 and then 0013 run by hand on a user_version database: drift both times; 0013
    goes apply -> record (less to do: not worse), and back record -> apply (worse)."""
    db = build(tmp_path / "pc.db", upto=11)
    run_sql(db, FILES[11].read_text(encoding="utf-8"))
    validate(cli, "pc.db", "a.json")
    run_sql(db, FILES[12].read_text(encoding="utf-8"))
    validate(cli, "pc.db", "b.json")
    a, b = load(Path("a.json")), load(Path("b.json"))
    assert (a.status, b.status) == ("drift", "drift")
    less = report_delta(a, b)
    assert less.status is None
    assert pair_rows(less.plan_changed) == [("0013", "apply (pending)", "record")]
    assert not less.worse
    more = report_delta(b, a)
    assert pair_rows(more.plan_changed) == [("0013", "record (unrecorded)", "apply")]
    assert more.worse
    assert cli("report-diff", "a.json", "b.json").exit_code == 0
    assert cli("report-diff", "b.json", "a.json").exit_code == 1


@pytest.fixture
def repaired(cli, tmp_path) -> dict[str, Path]:
    """A clean database drifted by hand and put back: with user_version (v-) and with no
    history at all (n-, where every version is to record)."""
    out: dict[str, Path] = {}
    for prefix, db in (
        ("v", build(tmp_path / "v.db", upto=13)),
        ("n", recorded_nowhere(tmp_path / "n.db", 13)),
    ):
        shutil.copyfile(db, tmp_path / "pristine.db")
        out[f"{prefix}-clean"] = validate(cli, db.name, f"{prefix}-clean.json")
        run_sql(db, "DROP INDEX idx_books_isbn")
        out[f"{prefix}-drift"] = validate(cli, db.name, f"{prefix}-drift.json")
        shutil.copyfile(tmp_path / "pristine.db", db)
        out[f"{prefix}-repaired"] = validate(cli, db.name, f"{prefix}-repaired.json")
    return out


@pytest.mark.parametrize("prefix", ["v", "n"], ids=["user_version", "no-history"])
def test_drift_to_clean_is_never_worse_and_clean_to_drift_always_is(cli, repaired, prefix):
    clean, drift, fixed = (load(repaired[f"{prefix}-{s}"]) for s in ("clean", "drift", "repaired"))
    assert (clean.status, drift.status, fixed.status) == ("clean", "drift", "clean")
    recovery = report_delta(drift, fixed)
    assert recovery.status is not None and recovery.status.after == "clean"
    assert not recovery.worse
    assert [c.name for c in recovery.resolved] == ["idx_books_isbn"]
    drifting = report_delta(clean, drift)
    assert drifting.worse
    if prefix == "n":
        # 0002 was to record and is now partial: one entry changed, flag (partial).
        assert pair_rows(recovery.plan_changed) == [("0002", "flag (partial)", "record")]
        assert recovery.plan_appeared == recovery.plan_resolved == []
        assert pair_rows(drifting.plan_changed) == [("0002", "record (unrecorded)", "flag")]
    else:
        assert plan_rows(recovery.plan_resolved) == [("0002", "flag", "partial")]
    after, before = str(repaired[f"{prefix}-repaired"]), str(repaired[f"{prefix}-drift"])
    r = cli("report-diff", before, after, "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["worse"] is False
    r = cli("report-diff", str(repaired[f"{prefix}-clean"]), before)
    assert r.exit_code == 1 and r.stdout.endswith("something new appeared\n")


def test_a_better_status_is_not_worse_whatever_else_moved(history):
    """drift -> pending with a new error-level change: the status decides."""
    r2, r3 = load(history["r2"]), load(history["r3"])
    extra = r2.changes[0].model_copy(update={"name": "other", "severity": "error"})
    d = report_delta(r2, r3.model_copy(update={"changes": [extra]}))
    assert d.status is not None and (d.status.before, d.status.after) == ("drift", "pending")
    assert [c.name for c in d.appeared] == ["other"] and not d.worse
    # The same change with the status unchanged is worse, as before.
    same = report_delta(r3, r3.model_copy(update={"changes": [extra]}))
    assert same.status is None and same.worse


def test_the_status_page_shows_a_changed_plan_entry_on_one_line(cli, tmp_path):
    from driftcheck.serve.page import render_page

    db = recorded_nowhere(tmp_path / "pc.db", 11)
    before = load(validate(cli, "pc.db", "pc1.json"))
    run_sql(db, FILES[11].read_text(encoding="utf-8"))
    d = report_delta(before, load(validate(cli, "pc.db", "pc2.json")))
    assert pair_rows(d.plan_changed) == [("0012", "apply (pending)", "record")]
    event = {"target": "t", "database": "pc.db", "at": "2026-12-03T06:00:00Z", "cycle": 2}
    page = render_page({"events": [{**event, "delta": d.model_dump(mode="json")}]})
    assert "1 changed in the plan" in page
    line = next(row for row in page.splitlines() if "0012 rename_shelf_items" in row)
    text = " ".join(re.sub(r"<[^>]+>", "", line).split())
    assert text.startswith("~ 0012 rename_shelf_items: apply (pending) → record (unrecorded)")
