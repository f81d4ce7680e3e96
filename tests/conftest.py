"""Shared helpers: build databases from SQL, run the CLI like a user would."""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from driftcheck.cli import app
from driftcheck.model import Schema
from driftcheck.sqlite.introspect import read_objects

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "migrations"
SHARED = ROOT.parent / "shared"
# Real projects' migrations, read-only; DRIFTCHECK_CORPORA points elsewhere.
CORPORA = Path(os.environ.get("DRIFTCHECK_CORPORA") or SHARED / "corpora")
CORPORA_ABSENT = "real-project corpora not found (set DRIFTCHECK_CORPORA to their directory)"


def schema_of(sql: str) -> Schema:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.executescript(sql)
        return Schema.of(read_objects(conn))
    finally:
        conn.close()


def make_db(path: Path, sql: str) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(sql)
    conn.close()
    return path


def apply_files(db: Path, files: list[Path]) -> Path:
    conn = sqlite3.connect(db, isolation_level=None)
    for f in files:
        conn.executescript(f.read_text(encoding="utf-8"))
    conn.close()
    return db


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run `driftcheck ARGS` in-process from `tmp_path` (no config from the repo leaks in)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    # Run in GitHub Actions, `--format github` would write to the job's real summary.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    # The config is looked up in parent directories up to a repository's root: stop here.
    (tmp_path / ".git").mkdir(exist_ok=True)

    def run(*args: str) -> Result:
        runner = CliRunner()
        r = runner.invoke(app, list(args), catch_exceptions=False)
        check_report_output(args, r.stdout)
        return Result(r.exit_code, r.stdout, r.stderr)

    return run


# --------------------------------------------------------------------------
# Every JSON report a test prints is checked against the committed contract.

# The commands whose `--format json` prints a report of docs/report.schema.json.
REPORT_COMMANDS = frozenset(
    {
        "validate",
        "plan",
        "status",
        "diff",
        "apply",
        "snapshot",
        "lint",
        "merge-reports",
        "report-diff",
    }
)


def _json_format(args: tuple[str, ...]) -> str | None:
    """`json` or `jsonl` when the command line asks for it (the last --format wins)."""
    found = None
    for n, arg in enumerate(args):
        if arg in ("-f", "--format") and n + 1 < len(args):
            found = args[n + 1]
        elif arg.startswith("--format="):
            found = arg.split("=", 1)[1]
        elif arg.startswith("-f") and len(arg) > 2 and not arg.startswith("--"):
            found = arg[2:]
    return found if found in ("json", "jsonl") else None


def _command(args: tuple[str, ...]) -> str | None:
    return next((a for a in args if not a.startswith("-")), None)


@functools.cache
def _validators() -> dict[str, Callable[[Any], list[str]]]:
    """One compiled validator per report model of the committed schema, built once."""
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    found: dict[str, Callable[[Any], list[str]]] = {}
    for name in schema["oneOf"]:
        model = name["$ref"].rsplit("/", 1)[1]
        one = {"$schema": schema["$schema"], "$ref": f"#/$defs/{model}", "$defs": defs}
        try:
            import jsonschema_rs

            rs = jsonschema_rs.validator_for(one)
            found[model] = lambda doc, v=rs: [e.message for e in v.iter_errors(doc)]
        except ImportError:
            import jsonschema

            py = jsonschema.Draft202012Validator(one)
            found[model] = lambda doc, v=py: [e.message for e in v.iter_errors(doc)]
    return found


def report_model(doc: dict[str, Any]) -> str:
    """Which report a document is, by its shape."""
    if "deltas" in doc:
        return "ReportDiff"
    if "reports" in doc:
        return "FleetReport"
    if "outcome" in doc:
        return "ApplyReport"
    if "findings" in doc:
        return "LintReport"
    if "directory" in doc:
        return "SnapshotReport"
    if "expected" in doc and "actual" in doc and "target" not in doc:
        return "DiffReport"
    return "Report"


def check_report(doc: Any, where: str = "the report") -> None:
    """Fail when `doc` does not validate against docs/report.schema.json."""
    assert isinstance(doc, dict), f"{where} is not a JSON object: {doc!r:.200}"
    model = report_model(doc)
    errors = _validators()[model](doc)
    assert not errors, f"{where} is not a valid {model} (docs/report.schema.json): {errors[:5]}"


def check_report_output(args: tuple[str, ...], stdout: str) -> None:
    """A run of a reporting command with --format json|jsonl: what it printed on stdout
    must be reports of the committed schema (nothing printed, as for a usage error: fine)."""
    fmt = _json_format(args)
    if fmt is None or _command(args) not in REPORT_COMMANDS or not stdout.strip():
        return
    where = f"`driftcheck {' '.join(args)}`'s output"
    if fmt == "json":
        check_report(json.loads(stdout), where)
        return
    for n, line in enumerate(stdout.splitlines(), 1):
        if line.strip():
            check_report(json.loads(line), f"{where}, line {n}")


def write_migrations(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def progress_line(stdout: str, version: str, action: str) -> bool:
    """Whether apply's output has the line for `version` (`  0002 posts: applied in 3 ms`)."""
    return re.search(rf"^\s+{re.escape(version)}(?: \S+)?: {action}\b", stdout, re.M) is not None


def pytest_report_header() -> str:
    if CORPORA.is_dir():
        return f"corpora: {CORPORA}"
    return f"corpora: absent, their tests skip ({CORPORA_ABSENT.split('(')[1].rstrip(')')})"
