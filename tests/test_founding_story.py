"""The founding story, end to end, on a rebuilt copy of the app's registry (tests/founding).

The database is at version 10 (written by the app's own runner), with version 11 applied
by hand and never recorded. driftcheck must plan: record 11, apply 12 and 13; apply must
leave it clean with every row kept and history rows written the way the app writes them;
a second apply must do nothing. Once through the CLI a user runs, once through the API.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

FOUNDING = Path(__file__).parent / "founding"

BUILD = """
import sqlite3
from app.data.manager import apply_version, build
from app.data.schemas.core import CORE_SCHEMA

build("app.db", CORE_SCHEMA, 10)
conn = sqlite3.connect("app.db")
with conn:
    conn.execute("INSERT INTO users (uuid, full_name, nickname) VALUES ('u1', 'Ada L', 'ada')")
    conn.execute("INSERT INTO users (uuid, full_name, is_active) VALUES ('u2', 'Bob', 0)")
    conn.executemany(
        "INSERT INTO logs (timestamp, level, subsystem, message) VALUES (?, ?, ?, ?)",
        [("2026-01-0%d" % i, "INFO", "core", "message %d" % i) for i in range(1, 4)],
    )
    conn.execute(
        "INSERT INTO facts_metadata (fact_id, user_id, content) VALUES ('f1', 'u1', 'likes tea')"
    )
    conn.execute("INSERT INTO events (user_id, kind, payload) VALUES ('u1', 'login', '{}')")
    conn.execute("INSERT INTO feedback_events (event_type, payload) VALUES ('up', '{}')")
    conn.execute(
        "INSERT INTO tasks (task_id, task_class, schedule) VALUES ('t1', 'Backup', '@daily')"
    )
# Version 11, applied by hand and never recorded.
apply_version(conn, CORE_SCHEMA[11], record=False)
conn.close()
"""

DATA = [
    "SELECT uuid, full_name, nickname, user_type, is_active FROM users ORDER BY uuid",
    "SELECT id, timestamp, level, subsystem, message FROM logs ORDER BY id",
    "SELECT fact_id, user_id, content, confidence FROM user_memories ORDER BY fact_id",
    "SELECT user_id, kind, payload FROM events ORDER BY id",
    "SELECT event_type, payload FROM feedback_events ORDER BY id",
    "SELECT task_id, task_class, schedule FROM tasks ORDER BY task_id",
]


def _python(cwd: Path, code: str) -> None:
    subprocess.run([sys.executable, "-c", code], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A copy of the app with its database at version 10 and version 11 applied by hand."""
    where = tmp_path / "app"
    shutil.copytree(FOUNDING, where, ignore=shutil.ignore_patterns("__pycache__"))
    _python(where, BUILD)
    return where


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _data(db: Path) -> list[list[tuple[Any, ...]]]:
    return [_rows(db, sql) for sql in DATA]


def _registry(app: Path) -> dict[int, dict[str, Any]]:
    """The registry as the app defines it, read in a fresh interpreter."""
    code = (
        "import json, dataclasses\n"
        "from app.data.schemas.core import CORE_SCHEMA\n"
        "print(json.dumps({k: dataclasses.asdict(v) for k, v in CORE_SCHEMA.items()}, "
        "default=str))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=app, check=True, capture_output=True, text=True
    )
    return {int(k): v for k, v in json.loads(out.stdout).items()}


def _cli(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftcheck", *args],
        cwd=app,
        capture_output=True,
        text=True,
        check=False,
    )


def _actions(plan: list[dict[str, Any]]) -> dict[str, str]:
    return {e["version"]: e["action"] for e in plan if e.get("version")}


def _check_history(app: Path, db: Path) -> None:
    """Every column of the app's history, written as the app writes it."""
    registry = _registry(app)
    rows = _rows(
        db,
        "SELECT version, name, description, rollback_sql, checksum FROM _aico_migration_history "
        "ORDER BY id",
    )
    assert [r[0] for r in rows] == list(range(1, 14))
    for version, name, description, rollback_sql, checksum in rows[10:]:
        v = registry[int(version)]
        assert (name, description) == (v["name"], v["description"])
        joined = "\n".join(v["sql_statements"])
        assert checksum == hashlib.sha256(joined.encode()).hexdigest()[:16]
        assert json.loads(rollback_sql) == v["rollback_statements"]
    pointer = _rows(
        db, "SELECT value, updated_at FROM _aico_schema_metadata WHERE key = 'schema_version'"
    )
    assert pointer[0][0] == "13" and pointer[0][1]


def test_the_founding_story_through_the_cli(app: Path) -> None:
    db = app / "app.db"
    before = _data(db)

    # 11 is there but unrecorded: the history disagrees with the schema, which is drift.
    r = _cli(app, "plan", "--db", "app.db", "--format", "json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["status"] == "drift" and report["effective_version"] == "11"
    actions = _actions(report["plan"])
    assert actions["11"] == "record"
    assert (actions["12"], actions["13"]) == ("apply", "apply")
    assert all(actions[str(v)] == "ok" for v in range(1, 11))

    text = _cli(app, "plan", "--db", "app.db")
    assert text.returncode == 1
    assert "11     record  User memories" in text.stdout
    assert "13     apply   Logs module column" in text.stdout

    dry = _cli(app, "apply", "--db", "app.db", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "ALTER TABLE logs_new RENAME TO logs" in dry.stdout
    assert _data(db) == before  # a dry run writes nothing

    r = _cli(app, "apply", "--db", "app.db", "--yes", "--format", "json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["outcome"] == "done"
    assert [(s["version"], s["action"]) for s in result["steps"]] == [
        ("11", "recorded"),
        ("12", "applied"),
        ("13", "applied"),
    ]
    assert result["report"]["status"] == "clean"
    assert result["backup"] and (app / result["backup"]).exists()

    after = _data(db)
    assert after == before  # every row kept, through the rename and the rebuild
    assert _rows(db, "SELECT DISTINCT module FROM logs") == [("unknown",)]
    _check_history(app, db)

    history = _rows(db, "SELECT * FROM _aico_migration_history ORDER BY id")
    image = db.read_bytes()
    again = _cli(app, "apply", "--db", "app.db", "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout
    assert db.read_bytes() == image  # not even opened for writing
    assert _rows(db, "SELECT * FROM _aico_migration_history ORDER BY id") == history

    clean = _cli(app, "validate", "--db", "app.db")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_the_founding_story_through_the_api(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import driftcheck

    monkeypatch.chdir(app)
    db = app / "app.db"
    before = _data(db)
    config = app / "driftcheck.toml"

    report = driftcheck.plan(db, config=config)
    assert report.effective_version == "11"
    actions = {e.version: e.action for e in report.plan if e.version}
    assert (actions["11"], actions["12"], actions["13"]) == ("record", "apply", "apply")

    dry = driftcheck.apply(db, config=config, dry_run=True)
    assert dry.outcome == "dry_run" and dry.sql and "kg_nodes" in dry.sql
    assert _data(db) == before

    done = driftcheck.apply(db, config=config, backup=False)
    assert done.outcome == "done", done.error
    assert [s.version for s in done.steps] == ["11", "12", "13"]
    assert done.report is not None and done.report.status == "clean"
    assert done.backup is None
    assert _data(db) == before
    _check_history(app, db)

    image = db.read_bytes()
    again = driftcheck.apply(db, config=config)
    assert again.outcome == "nothing_to_do" and again.steps == []
    assert db.read_bytes() == image
    assert driftcheck.validate(db, config=config).status == "clean"


def test_an_edited_registry_is_seen_by_the_next_call(
    app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The founding bug made impossible: the registry is edited on disk while this process
    runs, and the next call sees the change (no module cache survives between calls)."""
    import driftcheck

    monkeypatch.chdir(app)
    db = app / "app.db"
    assert driftcheck.apply(db, backup=False).outcome == "done"
    first = driftcheck.validate(db)
    assert first.status == "clean" and first.migrations is not None
    assert first.migrations.latest_version == "13"

    core = app / "app" / "data" / "schemas" / "core.py"
    text = core.read_text()
    version_14 = textwrap.indent(
        textwrap.dedent(
            """\
            14: SchemaVersion(
                version=14,
                name="Reminders",
                description="Reminders a user asked for",
                sql_statements=["CREATE TABLE reminders (id INTEGER PRIMARY KEY, due TEXT)"],
            ),
            """
        ),
        " " * 8,
    )
    core.write_text(text.replace("    }\n)\n", version_14 + "    }\n)\n"))

    second = driftcheck.validate(db)
    assert second.migrations is not None and second.migrations.latest_version == "14"
    assert second.status == "pending"
    assert {e.version: e.action for e in second.plan if e.version}["14"] == "apply"

    assert driftcheck.apply(db, backup=False).outcome == "done"
    assert _rows(db, "SELECT name FROM sqlite_schema WHERE name = 'reminders'") == [("reminders",)]
