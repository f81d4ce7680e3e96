"""Shared helpers: build databases from SQL, run the CLI like a user would."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

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
    # The config is looked up in parent directories up to a repository's root: stop here.
    (tmp_path / ".git").mkdir(exist_ok=True)

    def run(*args: str) -> Result:
        runner = CliRunner()
        r = runner.invoke(app, list(args), catch_exceptions=False)
        return Result(r.exit_code, r.stdout, r.stderr)

    return run


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
