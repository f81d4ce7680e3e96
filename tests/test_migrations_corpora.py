"""The loader against real projects' migration directories (../shared/corpora).

Counts and orders come from each corpus's SOURCE.txt. Skipped when the corpora
are not checked out next to the repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPORA, CORPORA_ABSENT
from driftcheck.migrations import MigrationSet, load_migrations
from driftcheck.migrations.split import decode
from driftcheck.versions import version_key

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason=CORPORA_ABSENT)

AUTHELIA_PATTERN = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"


def check_set(ms: MigrationSet, root: Path) -> None:
    """Invariants every loaded set must satisfy."""
    keys = [version_key(m.version) for m in ms.migrations]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "strictly increasing versions"
    for m in ms.migrations:
        assert m.files, m.version
        for stmt in m.statements:
            assert stmt.file in m.files
            lines = decode((root / stmt.file).read_bytes(), stmt.file).split("\n")
            # the statement's first line really is on the line it claims
            assert stmt.sql.split("\n")[0] in lines[stmt.line - 1], (stmt.file, stmt.line)


ATUIN = {
    # directory: (count, formats it may be reported as)
    "crates/atuin-client/migrations": (12, {"sqlx"}),
    "crates/atuin-client/record-migrations": (3, {"sqlx"}),
    "crates/atuin-client/meta-migrations": (1, {"sqlx"}),
    "crates/atuin-ai/migrations": (3, {"sqlx"}),
    # .up.sql/.down.sql pairs only: golang-migrate and sqlx name them identically
    "crates/atuin-kv/migrations": (1, {"sqlx", "golang-migrate"}),
    "crates/atuin-scripts/migrations": (2, {"sqlx", "golang-migrate"}),
    "crates/atuin-server-sqlite/migrations": (7, {"sqlx"}),
}


@pytest.mark.parametrize(
    ("rel", "count", "formats"), [pytest.param(k, *v, id=k.split("/")[1]) for k, v in ATUIN.items()]
)
def test_atuin(rel: str, count: int, formats: set[str]) -> None:
    root = CORPORA / "atuin" / rel
    ms = load_migrations(str(root))
    assert ms.format in formats
    assert len(ms.migrations) == count
    assert all(len(m.version) == 14 for m in ms.migrations)
    check_set(ms, root)
    if "scripts" in rel or "kv" in rel:
        assert all(m.rollback_sql for m in ms.migrations)


def test_atuin_total() -> None:
    total = sum(len(load_migrations(str(CORPORA / "atuin" / rel)).migrations) for rel in ATUIN)
    assert total == 29


def test_authelia_pattern() -> None:
    root = CORPORA / "authelia/internal/storage/migrations/sqlite"
    ms = load_migrations(str(root), pattern=AUTHELIA_PATTERN)
    assert ms.format == "pattern"
    assert [m.version for m in ms.migrations] == [f"{i:04d}" for i in range(1, 27)]
    assert ms.migrations[0].name == "Initial_Schema"
    # every version has a down file (some are empty upstream)
    assert all(m.rollback_sql is not None for m in ms.migrations)
    assert "DROP TABLE" in (ms.migrations[0].rollback_sql or "")
    assert ms.notes == ()
    check_set(ms, root)


def test_grocy_plain() -> None:
    root = CORPORA / "grocy/migrations"
    ms = load_migrations(str(root))
    assert ms.format == "plain"
    assert len(ms.migrations) == 248
    assert ms.migrations[0].version == "0001" and ms.latest_version == "0255"
    assert all(m.name == "" and m.files == (f"{m.version}.sql",) for m in ms.migrations)
    check_set(ms, root)


def test_memos_dirs() -> None:
    root = CORPORA / "memos/store/migration/sqlite"
    ms = load_migrations(str(root))
    assert ms.format == "dirs"
    got = [m.version for m in ms.migrations]
    assert got[:3] == ["0.2", "0.3", "0.4"] and got[-1] == "0.31"
    assert got.index("0.9") + 1 == got.index("0.10")
    assert sorted(got, key=version_key) == got
    assert set(got) == {p.name for p in root.iterdir() if p.is_dir()}
    assert sum(len(m.files) for m in ms.migrations) == 61
    assert all(f.startswith(m.version + "/") for m in ms.migrations for f in m.files)
    assert any("LATEST.sql" in n for n in ms.notes)
    check_set(ms, root)


def test_ncps_dbmate() -> None:
    root = CORPORA / "ncps/dbmate@45b5225/db/migrations/sqlite"
    ms = load_migrations(str(root))
    assert ms.format == "dbmate"
    assert len(ms.migrations) == 14
    assert all(m.rollback_sql and "migrate:" not in m.sql for m in ms.migrations)
    check_set(ms, root)


def test_ncps_goose() -> None:
    root = CORPORA / "ncps/goose-atlas@816f637/migrations/sqlite"
    ms = load_migrations(str(root))
    assert ms.format == "goose"
    assert len(ms.migrations) == 21
    assert sum(m.no_transaction for m in ms.migrations) == 2
    assert all(m.rollback_sql for m in ms.migrations)
    assert ms.notes == () and ms.skipped == ()  # atlas.sum silently ignored
    check_set(ms, root)


def test_pocket_id_golang_migrate() -> None:
    root = CORPORA / "pocket-id/backend/resources/migrations/sqlite"
    ms = load_migrations(str(root))
    assert ms.format == "golang-migrate"
    assert len(ms.migrations) == 72
    assert sum(m.rollback_sql is not None for m in ms.migrations) == 71
    assert ms.migrations[0].version == "20240731203656" and ms.migrations[0].rollback_sql is None
    flags = next(m for m in ms.migrations if m.version == "20240813211251")
    assert flags.name == "passkey_backup_flags."
    assert flags.files == ("20240813211251_passkey_backup_flags..up.sql",)
    assert flags.rollback_sql
    check_set(ms, root)


def test_shiori() -> None:
    root = CORPORA / "shiori/internal/database/migrations/sqlite"
    ms = load_migrations(str(root))
    assert [m.version for m in ms.migrations] == ["0000", "0001", "0002", "0003", "0004"]
    assert ms.migrations[1].name == "initial"
    check_set(ms, root)
