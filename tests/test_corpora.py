"""Real migration sets from public projects (../shared/corpora, read-only).

For every set: it loads in the right order, replays (with the stub functions
the application registers at runtime), and a database built by executing the
same files with the sqlite3 module validates clean: zero changes. Two of the
projects ship their own schema snapshots, which really have drifted: those
drifts must be found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import CORPORA, CORPORA_ABSENT
from driftcheck.check import validate
from driftcheck.config import Config, ReplayConfig
from driftcheck.migrations import load_migrations
from driftcheck.settings import Settings
from driftcheck.sqlite.connect import register_functions

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason=CORPORA_ABSENT)

AUTHELIA = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"

# (id, migrations dir, pattern, stub functions, baseline file, expected count)
SETS = [
    *[
        (
            f"atuin-{p.parent.name}-{p.name}",
            f"atuin/crates/{p.parent.name}/{p.name}",
            None,
            (),
            None,
            None,
        )
        for p in sorted((CORPORA / "atuin" / "crates").glob("*/*migrations"))
    ],
    (
        "authelia",
        "authelia/internal/storage/migrations/sqlite",
        AUTHELIA,
        ("BIN2B64/1", "B642BIN/1"),
        None,
        26,
    ),
    (
        "grocy",
        "grocy/migrations",
        None,
        ("grocy_user_setting", "regexp/2", "ceil/1"),
        "grocy/_runner/migrations_table.sql",
        248,
    ),
    (
        "memos",
        "memos/store/migration/sqlite",
        None,
        (),
        "memos/_base_v0.1.3/store/db/migration/00000__schema.sql",
        29,
    ),
    ("ncps-dbmate", "ncps/dbmate@45b5225/db/migrations/sqlite", None, (), None, 14),
    ("ncps-goose", "ncps/goose-atlas@816f637/migrations/sqlite", None, (), None, 21),
    ("pocket-id", "pocket-id/backend/resources/migrations/sqlite", None, ("normalize",), None, 72),
    ("shiori", "shiori/internal/database/migrations/sqlite", None, (), None, 5),
]


def settings(
    source: str,
    pattern: str | None,
    functions,
    baseline: str | None,
    database: str | None = None,
    ignore=(),
) -> Settings:
    config = Config(
        ignore=tuple(ignore),
        replay=ReplayConfig(
            functions=tuple(functions), baseline=str(CORPORA / baseline) if baseline else None
        ),
    )
    return Settings.from_config(
        config, migrations=str(CORPORA / source), migrations_pattern=pattern, database=database
    )


def build(db: Path, s: Settings) -> None:
    """Execute the migration files themselves with the sqlite3 module."""
    conn = sqlite3.connect(db, isolation_level=None)
    register_functions(conn, s.functions)
    if s.config.replay.baseline:
        conn.executescript(Path(s.config.replay.baseline).read_text(encoding="utf-8"))
    for m in load_migrations(s.migrations or "", "auto", s.migrations_pattern).migrations:
        conn.executescript(m.sql)
    conn.close()


@pytest.mark.parametrize("case", SETS, ids=[c[0] for c in SETS])
def test_database_built_from_the_files_validates_clean(case, tmp_path):
    _, source, pattern, functions, baseline, count = case
    db = tmp_path / "app.db"
    s = settings(source, pattern, functions, baseline, str(db))
    build(db, s)
    result = validate(s)
    report = result.report
    assert report.changes == [], [c.message for c in report.changes]
    assert report.status == "clean"
    assert report.effective_version == report.migrations.latest_version
    assert report.summary.match == "exact"
    if count is not None:
        assert report.migrations.count == count


def test_replay_fails_clearly_without_the_app_function(tmp_path):
    s = settings(
        "pocket-id/backend/resources/migrations/sqlite", None, (), None, str(tmp_path / "x.db")
    )
    sqlite3.connect(tmp_path / "x.db").close()
    from driftcheck.errors import ReplayError

    with pytest.raises(ReplayError) as err:
        validate(s)
    assert "normalize" in str(err.value) and "20250705000000" in str(err.value)
    assert '[replay] functions = ["normalize"]' in err.value.hint


def test_memos_latest_snapshot_really_drifted(tmp_path):
    """memos' LATEST.sql differs from the replayed migrations in 11 places."""
    db = tmp_path / "latest.db"
    conn = sqlite3.connect(db)
    conn.executescript((CORPORA / "memos/store/migration/sqlite/LATEST.sql").read_text())
    conn.close()
    s = settings(
        "memos/store/migration/sqlite",
        None,
        (),
        "memos/_base_v0.1.3/store/db/migration/00000__schema.sql",
        str(db),
    )
    report = validate(s).report
    assert report.effective_version == "0.31"
    assert report.status == "drift"
    assert report.summary.errors == 11
    paths = {(c.object_type, c.change, c.path) for c in report.changes}
    assert ("table", "missing", "migration_history") in paths
    assert ("column", "changed", "memo.uid") in paths


def test_ncps_schema_dump_is_a_version_behind(tmp_path):
    """ncps' dbmate schema dump (schema and dbmate's history rows) stops one version short:
    it lacks the table its last migration creates, and its history agrees."""
    db = tmp_path / "dump.db"
    conn = sqlite3.connect(db)
    conn.executescript((CORPORA / "ncps/dbmate@45b5225/db/schema/sqlite.sql").read_text())
    conn.close()
    s = settings("ncps/dbmate@45b5225/db/migrations/sqlite", None, (), None, str(db))
    report = validate(s).report
    assert report.history is not None and report.history.store == "dbmate"
    assert report.history.recorded_version == "20260301000000"
    assert report.status == "pending"
    assert report.effective_version == "20260301000000"
    assert report.changes == []
    assert [(e.version, e.action) for e in report.plan if e.action != "ok"] == [
        ("20260318053903", "apply")
    ]
    assert sum(e.action == "ok" for e in report.plan) == 13
