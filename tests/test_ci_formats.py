"""The CI formats (markdown, junit, github, sarif) for validate, plan and fleets, through the
CLI on databases drifted by hand: each checked against its schema or parser, with the
exit codes text and JSON give."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite

import driftcheck
from conftest import ROOT, check_report, check_report_output, make_db, write_migrations
from driftcheck.changes import ObjectRef, Source
from driftcheck.errors import DriftcheckError
from driftcheck.report.github import escape_data, escape_property
from driftcheck.report.markdown import cell

DATA = ROOT / "tests" / "data"
FORMATS = ("markdown", "junit", "github", "sarif")

MIGRATIONS = {
    "0001_users.sql": (
        "CREATE TABLE users (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  email TEXT NOT NULL,\n"
        "  plan TEXT NOT NULL DEFAULT 'free'\n"
        ");\n"
        "CREATE INDEX idx_users_email ON users(email);\n"
    ),
    "0002_posts.sql": (
        "CREATE TABLE posts (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
        "  body TEXT\n"
        ");\n"
    ),
    "0003_tags.sql": "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
}

# The schema of 0002, changed by hand: the index dropped, a default that needs escaping
# in a table cell, an index nobody wrote.
DRIFTED = (
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  email TEXT NOT NULL,\n"
    "  plan TEXT NOT NULL DEFAULT 'free|trial'\n"
    ");\n"
    "CREATE TABLE posts (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  body TEXT\n"
    ");\n"
    "CREATE INDEX hand_made ON posts(body);\n"
    "PRAGMA user_version = 2;\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """migrations/ (3 versions), drifted.db (at 0002, changed by hand), pending.db (at
    0002, as the migrations left it), clean.db (at 0003), broken.db (not a database)."""
    write_migrations(tmp_path / "migrations", MIGRATIONS)
    make_db(tmp_path / "drifted.db", DRIFTED)
    make_db(
        tmp_path / "pending.db",
        MIGRATIONS["0001_users.sql"] + MIGRATIONS["0002_posts.sql"] + "PRAGMA user_version = 2;",
    )
    make_db(tmp_path / "clean.db", "".join(MIGRATIONS.values()) + "PRAGMA user_version = 3;")
    (tmp_path / "broken.db").write_bytes(b"this is not a SQLite database, not at all" * 50)
    return tmp_path


def _junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(DATA / "junit" / "junit-10.xsd")


def _sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def _junit(text: str) -> list[TestSuite]:
    """The suites of a JUnit document, once it validates against junit-10.xsd."""
    _junit_schema().validate(text)
    xml = JUnitXml.fromstring(text)
    return [xml] if isinstance(xml, TestSuite) else list(xml)


def _sarif(text: str) -> dict:
    doc = json.loads(text)
    errors = sorted(_sarif_validator().iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors[:5]]
    return doc


_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _annotations(text: str) -> list[tuple[str, dict[str, str], str]]:
    """(kind, properties, message) of each workflow command."""
    found = []
    for line in text.splitlines():
        m = _COMMAND.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m.group(2).split(",")) if m.group(2) else {}
            found.append((m.group(1), props, m.group(3)))
    return found


# --------------------------------------------------------------------------
# Exit codes: exactly as text and JSON


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize(
    ("db", "code"),
    [("clean.db", 0), ("pending.db", 0), ("drifted.db", 1), ("broken.db", 2), ("absent.db", 2)],
    ids=["clean", "pending", "drift", "broken", "absent"],
)
def test_exit_codes_are_those_of_text_and_json(cli, project, command, db, code) -> None:
    for fmt in ("text", "json", *FORMATS):
        r = cli(command, "--db", db, "-m", "migrations", "-f", fmt)
        assert r.exit_code == code, (fmt, r.stdout, r.stderr)
        if fmt != "text":
            assert r.stdout, fmt  # an error is rendered in the format too


def test_fail_on_pending_exits_1_in_every_format(cli, project) -> None:
    for fmt in FORMATS:
        r = cli(
            "validate", "--db", "pending.db", "-m", "migrations", "--fail-on-pending", "-f", fmt
        )
        assert r.exit_code == 1, fmt


def test_the_same_input_gives_the_same_bytes(cli, project) -> None:
    for fmt in FORMATS:
        first = cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", fmt).stdout
        assert cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", fmt).stdout == first
        if fmt != "junit":  # (XML declares its encoding) no format adds non-ASCII characters
            assert first.isascii(), fmt


# --------------------------------------------------------------------------
# markdown


def test_markdown_has_a_status_line_a_table_of_changes_and_the_plan(cli, project) -> None:
    r = cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", "markdown")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "### driftcheck: drifted.db"
    assert "**DRIFT**" in lines[2] and "effective 0002 posts" in lines[2]
    assert "latest 0003" in lines[2] and "1 pending" in lines[2]
    assert "| severity | object | change | message | expected since |" in lines
    rows = [x for x in lines if x.startswith("| warning ") or x.startswith("| error ")]
    assert any("idx\\_users\\_email" in x and "| missing |" in x for x in rows), rows
    assert any("hand\\_made" in x and "| unexpected |" in x for x in rows), rows
    # The default `'free|trial'` does not split its row.
    plan_default = next(x for x in rows if "free" in x)
    assert "free\\|trial" in plan_default and plan_default.count(" | ") == 4
    assert "| version | action | reason |" in lines
    assert any(x.startswith("| 0001..0002 | ok |") or x.startswith("| 0001 ") for x in lines)
    assert any(x.startswith("| 0003 tags | apply |") for x in lines)


def test_markdown_of_a_clean_database_says_so(cli, project) -> None:
    r = cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "markdown")
    assert r.exit_code == 0
    assert ":white_check_mark: **CLEAN**: up to date" in r.stdout and "**Changes**" not in r.stdout


def test_markdown_of_an_error_names_it_and_its_hint(cli, project) -> None:
    r = cli("validate", "--db", "absent.db", "-m", "migrations", "-f", "markdown")
    assert r.exit_code == 2
    assert "**ERROR**: database absent.db: no such file" in r.stdout
    assert "| hint |" in r.stdout


@pytest.mark.parametrize(
    ("text", "cell_text"),
    [
        ("a|b", "a\\|b"),
        ("one\ntwo\r\nthree", "one<br>two<br>three"),
        ("x < y && `z`", "x &lt; y &amp;&amp; \\`z\\`"),
        ("*not bold* [link]", "\\*not bold\\* \\[link\\]"),
    ],
    ids=["pipe", "newlines", "html-and-code", "emphasis-and-links"],
)
def test_markdown_cells_are_escaped(text: str, cell_text: str) -> None:
    assert cell(text) == cell_text


# --------------------------------------------------------------------------
# junit


def test_junit_validates_and_has_a_case_per_plan_entry_and_changed_object(cli, project) -> None:
    r = cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", "junit")
    assert r.exit_code == 1
    suites = _junit(r.stdout)
    assert len(suites) == 1 and suites[0].name == "drifted.db"
    cases = {(c.classname, c.name): c for c in suites[0]}
    plan = {name for cls, name in cases if cls == "driftcheck.plan"}
    assert {"0001 users", "0002 posts", "0003 tags"} <= plan
    objects = {name for cls, name in cases if cls == "driftcheck.schema"}
    assert {"index idx_users_email", "index hand_made", "table users"} <= objects

    def outcome(key: tuple[str, str]) -> type | None:
        result = cases[key].result
        return type(result[0]) if result else None

    assert outcome(("driftcheck.plan", "0002 posts")) is None  # passed
    assert outcome(("driftcheck.plan", "0001 users")) is Failure  # flagged: conflict
    assert outcome(("driftcheck.plan", "0003 tags")) is Skipped  # pending
    assert outcome(("driftcheck.schema", "index hand_made")) is Failure
    missing = cases[("driftcheck.schema", "index idx_users_email")].result[0]
    assert isinstance(missing, Failure) and "idx_users_email" in missing.message
    assert int(suites[0].failures) >= 3 and int(suites[0].skipped) == 1


def test_junit_of_a_clean_database_has_no_failures(cli, project) -> None:
    r = cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "junit")
    assert r.exit_code == 0
    (suite,) = _junit(r.stdout)
    assert int(suite.tests) == 3 and int(suite.failures) == 0 and int(suite.errors) == 0


def test_junit_of_an_error_is_one_case_in_error(cli, project) -> None:
    r = cli("validate", "--db", "broken.db", "-m", "migrations", "-f", "junit")
    assert r.exit_code == 2
    (suite,) = _junit(r.stdout)
    (case,) = list(suite)
    assert isinstance(case.result[0], Error) and int(suite.errors) == 1


# --------------------------------------------------------------------------
# github


def test_github_annotates_each_change_and_flag(cli, project) -> None:
    r = cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "github")
    assert r.exit_code == 1
    found = _annotations(r.stdout)
    report = json.loads(
        cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "json").stdout
    )
    for change in report["changes"]:
        kind = {"error": "error", "warning": "warning", "info": "notice"}[change["severity"]]
        match = [
            a for a in found if a[0] == kind and a[2].startswith(escape_data(change["message"]))
        ]
        assert match, change["message"]
        src = change.get("source")
        if src and src.get("file"):
            # Attributed to the migration file (as given to --migrations) and line.
            assert match[0][1]["file"] == f"migrations/{src['file']}"
            if src.get("line") is not None:
                assert match[0][1]["line"] == str(src["line"])
        else:
            assert "file" not in match[0][1]
    assert all(a[1]["title"].startswith("drifted.db%3A ") for a in found)
    assert any(a[0] == "notice" and a[2].startswith("0003 tags") for a in found)
    assert r.stdout.splitlines()[-1] == "driftcheck: drifted.db is drift"


def test_github_attributes_changes_to_their_migration_file_and_line(
    drifted_report: driftcheck.Report, project: Path
) -> None:
    """With `change.source` set, an annotation lands on the file as given to --migrations
    (made relative to the workspace root when it is absolute) and its line."""
    report = drifted_report
    changes = [
        c.model_copy(update={"source": Source(version="0001", file="0001_users.sql", line=6)})
        for c in report.changes
    ]
    root = str(project)
    absolute = report.model_copy(
        update={
            "changes": changes,
            "migrations": report.migrations.model_copy(update={"source": f"{root}/migrations"}),
        }
    )
    for r, given_root in ((report.model_copy(update={"changes": changes}), None), (absolute, root)):
        found = _annotations(driftcheck.render(r, "github", root=given_root))
        located = [a for a in found if "file" in a[1] and "flagged" not in a[1]["title"]]
        assert len(located) == len(changes)
        # The version flagged is annotated on its file (plan entries have no line).
        flagged = [a for a in found if "version flagged%3A conflict" in a[1]["title"]]
        assert flagged[0][1] == {
            "file": "migrations/0001_users.sql",
            "title": "drifted.db%3A version flagged%3A conflict",
        }
        assert {a[1]["file"] for a in located} == {"migrations/0001_users.sql"}
        assert {a[1]["line"] for a in located} == {"6"}
        assert all("(expected since 0001_users.sql:6)" in a[2] for a in located)


def test_github_escapes_messages_and_properties() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"


def test_github_appends_the_markdown_report_to_the_job_summary(cli, project, monkeypatch) -> None:
    summary = project / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "github")
    assert r.exit_code == 1
    cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "github")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert text.index("### driftcheck: drifted.db") < text.index("### driftcheck: clean.db")
    assert "**DRIFT**" in text and "**CLEAN**" in text
    # Only the github format writes it.
    before = summary.read_text(encoding="utf-8")
    cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "markdown")
    assert summary.read_text(encoding="utf-8") == before


def test_an_unwritable_job_summary_is_a_warning_not_a_new_exit_code(
    cli, project, monkeypatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(project / "no" / "such" / "dir" / "summary.md"))
    r = cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "github")
    assert r.exit_code == 1
    assert "warning: could not write the job summary" in r.stderr
    assert cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "github").exit_code == 0


def test_github_error_is_one_error_annotation(cli, project) -> None:
    r = cli("plan", "--db", "absent.db", "-m", "migrations", "-f", "github")
    assert r.exit_code == 2
    (annotation,) = _annotations(r.stdout)
    assert annotation[0] == "error" and "absent.db: no such file" in annotation[2]
    assert "%0Ahint: " in annotation[2]


# --------------------------------------------------------------------------
# sarif


def test_sarif_validates_and_holds_a_result_per_problem(cli, project) -> None:
    r = cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "sarif")
    assert r.exit_code == 1
    doc = _sarif(r.stdout)
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)) and "missing-index" in ids and "unexpected-index" in ids
    assert all(rule["help"]["text"] for rule in rules)
    results = run["results"]
    assert {"missing-index", "unexpected-index"} <= {x["ruleId"] for x in results}
    for x in results:
        assert ids[x["ruleIndex"]] == x["ruleId"]
        assert x["level"] in ("error", "warning", "note")
        assert x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert x["partialFingerprints"]["driftcheck/v1"]
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_rules_and_fingerprints_are_stable_across_runs(cli, project, monkeypatch) -> None:
    first = _sarif(cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "sarif").stdout)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    conn = sqlite3.connect(project / "drifted.db")
    conn.execute("CREATE INDEX another ON users(plan)")  # one more problem
    conn.close()
    again = _sarif(cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "sarif").stdout)
    r1, r2 = first["runs"][0], again["runs"][0]
    assert r1["tool"]["driver"]["rules"] == r2["tool"]["driver"]["rules"]
    prints1 = {x["partialFingerprints"]["driftcheck/v1"] for x in r1["results"]}
    prints2 = {x["partialFingerprints"]["driftcheck/v1"] for x in r2["results"]}
    assert prints1 < prints2


def test_sarif_locations_come_from_the_change_source(drifted_report: driftcheck.Report) -> None:
    report = drifted_report
    missing = next(c for c in report.changes if c.change == "missing")
    sourced = report.model_copy(
        update={
            "changes": [
                c.model_copy(
                    update={"source": Source(version="0001", file="0001_users.sql", line=6)}
                )
                if c == missing
                else c
                for c in report.changes
            ]
        }
    )
    doc = _sarif(driftcheck.render(sourced, "sarif"))
    result = next(
        x for x in doc["runs"][0]["results"] if x["ruleId"] == f"missing-{missing.object_type}"
    )
    location = result["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "migrations/0001_users.sql"},
        "region": {"startLine": 6},
    }


def test_sarif_of_an_error_is_a_failed_invocation(cli, project) -> None:
    r = cli("validate", "--db", "broken.db", "-m", "migrations", "-f", "sarif")
    assert r.exit_code == 2
    (run,) = _sarif(r.stdout)["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"
    assert run["results"] == []


# --------------------------------------------------------------------------
# fleets


FLEET = ("--db", "clean.db", "--db", "drifted.db", "--db", "pending.db", "--db", "broken.db")
DATABASES = ["broken.db", "clean.db", "drifted.db", "pending.db"]  # database order: sorted


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_fleet_renders_once_with_the_worst_exit_code(cli, project, fmt) -> None:
    r = cli("validate", *FLEET, "-m", "migrations", "-j", "1", "-f", fmt)
    text = cli("validate", *FLEET, "-m", "migrations", "-j", "1", "-f", "text")
    assert r.exit_code == text.exit_code == 2
    if fmt == "junit":
        _junit_schema().validate(r.stdout)
        xml = JUnitXml.fromstring(r.stdout)
        # One suite per database, in database order.
        assert [suite.name for suite in xml] == DATABASES
        assert int(xml.errors) == 1 and int(xml.failures) >= 3
    elif fmt == "sarif":
        doc = _sarif(r.stdout)
        messages = [x["message"]["text"] for x in doc["runs"][0]["results"]]
        assert messages and all(m.startswith("drifted.db: ") for m in messages)
        assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
    elif fmt == "github":
        found = _annotations(r.stdout)
        assert {a[1]["title"].split("%3A")[0] for a in found} == {
            "drifted.db",
            "pending.db",
            "broken.db",
        }
        assert r.stdout.splitlines()[-1].startswith("driftcheck: 4 databases checked")
    else:
        lines = r.stdout.splitlines()
        assert lines[0] == "### driftcheck: 4 databases"
        assert "| status | databases |" in lines
        listed = [x.split(" | ")[0].lstrip("| ") for x in lines if x.endswith(".db")]
        body = [x for x in lines if x.startswith("| ") and ".db |" in x]
        order = [x.split(" | ")[0][2:] for x in body]
        assert order == ["broken.db", "drifted.db", "pending.db", "clean.db"], listed
        assert lines.index("#### broken.db") < lines.index("#### drifted.db")
        assert "#### pending.db" not in lines and "#### clean.db" not in lines


def test_a_fleet_of_clean_databases_exits_0(cli, project) -> None:
    for fmt in FORMATS:
        r = cli(
            "validate",
            "--db",
            "clean.db",
            "--db",
            "clean.db",
            "-m",
            "migrations",
            "-j",
            "1",
            "-f",
            fmt,
        )
        assert r.exit_code == 0, fmt


def test_merge_reports_renders_the_shards_in_a_ci_format(cli, project) -> None:
    cli_out = cli("validate", *FLEET, "-m", "migrations", "-j", "1", "-f", "jsonl").stdout
    (project / "shard.jsonl").write_text(cli_out, encoding="utf-8")
    r = cli("merge-reports", "shard.jsonl", "-f", "junit")
    assert r.exit_code == 2
    assert [s.name for s in _junit(r.stdout)] == DATABASES


# --------------------------------------------------------------------------
# bad input, the API, report-schema


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_an_unknown_format_exits_2_naming_the_formats(cli, project, command) -> None:
    r = cli(command, "--db", "drifted.db", "-m", "migrations", "-f", "html")
    assert r.exit_code == 2 and r.stdout == ""
    assert "'html' is not one of" in r.stderr
    assert all(fmt in r.stderr for fmt in FORMATS)


def test_the_cli_prints_what_render_returns(cli, project) -> None:
    report = driftcheck.plan("drifted.db", migrations="migrations")
    for fmt in FORMATS:
        out = cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", fmt).stdout
        assert out == driftcheck.render(report, fmt, root=str(project)), fmt


def test_render_refuses_an_unknown_format(drifted_report: driftcheck.Report) -> None:
    with pytest.raises(DriftcheckError, match="unknown report format 'html'") as info:
        driftcheck.render(drifted_report, "html")
    assert info.value.code == "usage" and "sarif" in (info.value.hint or "")


def test_report_schema_prints_the_committed_schema(cli) -> None:
    r = cli("report-schema")
    assert r.exit_code == 0
    assert r.stdout == (ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8")


def test_the_report_check_rejects_a_report_that_breaks_the_contract(cli, project) -> None:
    """The `cli` fixture checks every JSON report against the schema: it is not vacuous."""
    doc = json.loads(cli("validate", "--db", "drifted.db", "-m", "migrations", "-f", "json").stdout)
    check_report(doc)
    with pytest.raises(AssertionError, match="not a valid Report"):
        check_report({**doc, "status": "drifting"})
    with pytest.raises(AssertionError, match="not a valid Report"):
        check_report({**doc, "changes": [{**doc["changes"][0], "colour": "red"}]})
    # What the fixture runs on every command's output: json, jsonl, any spelling of --format.
    bad = json.dumps({**doc, "status": "drifting"})
    for args in (("validate", "-f", "json"), ("plan", "--format=json"), ("validate", "-fjsonl")):
        with pytest.raises(AssertionError, match="not a valid Report"):
            check_report_output(args, bad + "\n")
    check_report_output(("validate", "-f", "text"), "not json")  # not a JSON run: not read
    check_report_output(("inspect", "-f", "json"), bad)  # not a report command


@pytest.fixture
def drifted_report(project: Path, monkeypatch: pytest.MonkeyPatch) -> driftcheck.Report:
    """drifted.db's report, as the API gives it (paths relative to the project)."""
    monkeypatch.chdir(project)
    return driftcheck.validate("drifted.db", migrations="migrations", config={})


def test_a_migration_that_fails_to_replay_is_annotated_on_its_statement(cli, project) -> None:
    (project / "migrations" / "0004_bad.sql").write_text(
        "CREATE TABLE x (id INTEGER);\nCREATE INDEX ix ON nope(id);\n", encoding="utf-8"
    )
    for args in (("--db", "drifted.db"), FLEET + ("-j", "1")):
        r = cli("validate", *args, "-m", "migrations", "-f", "github")
        assert r.exit_code == 2
        (annotation,) = _annotations(r.stdout)
        assert annotation[0] == "error"
        assert annotation[1]["file"] == "migrations/0004_bad.sql"
        assert annotation[1]["line"] == "2"
        sarif = _sarif(cli("validate", *args, "-m", "migrations", "-f", "sarif").stdout)
        (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        location = note["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "migrations/0004_bad.sql"
        assert location["region"] == {"startLine": 2}
        junit = cli("validate", *args, "-m", "migrations", "-f", "junit")
        assert junit.exit_code == 2 and _junit(junit.stdout)


def test_info_notes_and_a_stale_pointer_in_every_format(drifted_report) -> None:
    """An info note is no failure (a notice, a SARIF note, a passing case); a stale version
    pointer is drift in each format."""
    note = drifted_report.changes[0].model_copy(
        update={
            "object_type": "view",
            "change": "changed",
            "owner": ObjectRef(kind="view", name="v_users"),
            "table": None,
            "name": "v_users",
            "path": "v_users",
            "attribute": "column_name",
            "severity": "info",
            "message": "view v_users: result column names differ in case only",
            "source": None,
        }
    )
    history = drifted_report.history.model_copy(
        update={"pointer": "1", "pointer_stale": True, "recorded_version": "2"}
    )
    report = drifted_report.model_copy(update={"changes": [note], "history": history, "plan": []})
    (suite,) = _junit(driftcheck.render(report, "junit"))
    cases = {c.name: c for c in suite}
    assert not cases["view v_users"].result and "differ in case" in cases["view v_users"].system_out
    assert isinstance(cases["history pointer"].result[0], Failure)
    found = _annotations(driftcheck.render(report, "github"))
    assert [a[0] for a in found] == ["notice", "error"]
    assert "the version pointer says 1, the history records 2" in found[1][2]
    results = _sarif(driftcheck.render(report, "sarif"))["runs"][0]["results"]
    assert [(x["ruleId"], x["level"]) for x in results] == [
        ("changed-view", "note"),
        ("history-pointer-stale", "error"),
    ]


def test_fail_on_pending_says_why_in_github_annotations(cli, project) -> None:
    """The exit code fails the step; an `::error` says it is the pending versions."""
    args = ("validate", "--db", "pending.db", "-m", "migrations", "-f", "github")
    quiet = cli(*args)
    assert quiet.exit_code == 0 and "::error" not in quiet.stdout
    strict = cli(*args, "--fail-on-pending")
    assert strict.exit_code == 1
    errors = [line for line in strict.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=pending.db%3A pending versions::1 version not applied yet (0003); "
        "--fail-on-pending makes that a failure"
    ]


def test_a_database_path_cannot_start_a_workflow_command(cli, project) -> None:
    """GitHub reads every line of the log: a newline in a path must not begin one."""
    evil = project / "x\n::error file=evil.sql::pwned.db"
    evil.write_bytes((project / "clean.db").read_bytes())
    r = cli("validate", "--db", str(evil.name), "-m", "migrations", "-f", "github")
    assert r.exit_code == 0
    assert [line for line in r.stdout.splitlines() if line.startswith("::")] == []
    assert r.stdout.endswith("::pwned.db is clean\n") and r.stdout.count("\n") == 1


def test_a_source_date_epoch_no_date_can_hold_is_ignored(cli, project, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    r = cli("validate", "--db", "clean.db", "-m", "migrations", "-f", "junit")
    assert r.exit_code == 0, r.stderr
    assert 'timestamp="' in r.stdout


def test_a_pattern_given_to_a_one_database_command_says_to_use_validate(cli, project) -> None:
    r = cli("plan", "--db", "*.db", "-m", "migrations")
    assert r.exit_code == 2
    assert "takes one database, not a pattern" in r.stderr and "validate" in r.stderr


def test_markdown_tables_parse_as_tables_with_one_cell_per_column(cli, project) -> None:
    """Read by a CommonMark parser with GitHub's tables: every row of every table has as
    many cells as its header, whatever the messages hold (`|` in a default value)."""
    from markdown_it import MarkdownIt

    r = cli("plan", "--db", "drifted.db", "-m", "migrations", "-f", "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(r.stdout)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            tables.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content)
        elif t.type == "tr_close":
            tables[-1].append(row)
    assert len(tables) >= 2, r.stdout  # the changes and the plan
    for table in tables:
        assert all(len(line) == len(table[0]) for line in table), table
    changes = next(t for t in tables if t[0][:2] == ["severity", "object"])
    assert any("free|trial" in cell for line in changes for cell in line), changes
    plan = next(t for t in tables if t[0] == ["version", "action", "reason"])
    assert ["0003 tags", "apply"] in [line[:2] for line in plan]


def test_text_shows_control_characters_in_names_escaped(cli, project) -> None:
    """A column named with an ESC would recolour (or worse) the terminal it is printed on."""
    with sqlite3.connect(project / "clean.db") as conn:
        conn.execute('ALTER TABLE tags ADD COLUMN "a\x01b\x1b[31m"')
    r = cli("validate", "--db", "clean.db", "-m", "migrations")
    assert r.exit_code == 1
    assert "\x1b" not in r.stdout and "\x01" not in r.stdout
    assert "tags.a\\x01b\\x1b[31m exists in the database" in r.stdout
