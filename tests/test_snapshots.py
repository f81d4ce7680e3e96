"""expected_schemas/: written, loaded, checked for staleness, updated incrementally."""

from __future__ import annotations

import json
import shutil

from conftest import EXAMPLES, ROOT, apply_files
from driftcheck import snapshots
from driftcheck.migrations import load_migrations
from driftcheck.replay import replay


def test_committed_expected_schemas_are_current():
    """The snapshots in the repository must match examples/migrations (run `make snapshot`)."""
    mset = load_migrations(str(EXAMPLES))
    assert snapshots.staleness(ROOT / "expected_schemas", mset, None) == []
    _, states = snapshots.load(ROOT / "expected_schemas")
    fresh = replay(mset.migrations)
    assert [s.fingerprint for s in states] == [s.fingerprint for s in fresh]


def test_snapshot_roundtrip_equals_replay(tmp_path):
    mset = load_migrations(str(EXAMPLES))
    result = snapshots.snapshot(tmp_path / "exp", mset, None, ())
    assert result.replayed_from == 0
    _, loaded = snapshots.load(tmp_path / "exp")
    for a, b in zip(result.states, loaded, strict=True):
        assert a.version == b.version
        assert a.schema() == b.schema()
        assert a.raw_fingerprint == b.raw_fingerprint


def _copy(tmp_path, n=None):
    d = tmp_path / "migs"
    d.mkdir()
    for f in sorted(EXAMPLES.glob("*.sql"))[:n]:
        shutil.copy(f, d / f.name)
    return d


def test_rerun_is_a_no_op_and_new_migration_replays_only_from_the_last_one(cli, tmp_path):
    migs = _copy(tmp_path)
    r = cli("snapshot", "--migrations", str(migs), "--out", "exp")
    assert r.exit_code == 0 and "replayed 13 of 13" in r.stdout
    before = {p: p.read_bytes() for p in (tmp_path / "exp").rglob("*.json")}
    r = cli("snapshot", "--migrations", str(migs), "--out", "exp")
    assert "up to date" in r.stdout
    assert {p: p.read_bytes() for p in (tmp_path / "exp").rglob("*.json")} == before

    (migs / "0014_add_isbn13.sql").write_text("ALTER TABLE books ADD COLUMN isbn13 TEXT;\n")
    r = cli("snapshot", "--check", "--migrations", str(migs), "--out", "exp")
    assert r.exit_code == 1 and "0014_add_isbn13.sql" in r.stdout and "new" in r.stdout
    r = cli("snapshot", "--migrations", str(migs), "--out", "exp")
    assert r.exit_code == 0
    assert "replayed 1 of 14 versions from 0014" in r.stdout
    delta = json.loads((tmp_path / "exp" / "versions" / "0014_add_isbn13.json").read_text())
    assert list(delta["changed"]) == ["table:books"] and delta["removed"] == []
    # Only the new file and the manifest changed on disk.
    changed = {
        p.name for p in (tmp_path / "exp").rglob("*.json") if before.get(p) != p.read_bytes()
    }
    assert changed == {"0014_add_isbn13.json", "manifest.json"}
    assert cli("snapshot", "--check", "--migrations", str(migs), "--out", "exp").exit_code == 0


def test_edited_migration_is_stale_and_replays_from_there(cli, tmp_path):
    migs = _copy(tmp_path)
    cli("snapshot", "--migrations", str(migs), "--out", "exp")
    f = migs / "0013_create_loans.sql"
    f.write_text(f.read_text() + "\nCREATE INDEX idx_loans_borrower ON loans(borrower);\n")
    r = cli("snapshot", "--check", "--migrations", str(migs), "--out", "exp")
    assert r.exit_code == 1 and "0013_create_loans.sql" in r.stdout and "changed" in r.stdout
    r = cli("snapshot", "--migrations", str(migs), "--out", "exp")
    assert "replayed 1 of 13 versions from 0013" in r.stdout


def test_validate_uses_fresh_snapshots_and_replays_when_stale(cli, tmp_path):
    migs = _copy(tmp_path)
    db = apply_files(tmp_path / "app.db", sorted(migs.glob("*.sql")))
    cli("snapshot", "--migrations", str(migs))  # default out: expected_schemas/
    r = cli("validate", "--db", str(db), "--migrations", str(migs), "-f", "json")
    assert json.loads(r.stdout)["migrations"]["expected_from"] == "snapshots"
    (migs / "0014_x.sql").write_text("CREATE TABLE x(a);")
    r = cli("validate", "--db", str(db), "--migrations", str(migs), "-f", "json")
    report = json.loads(r.stdout)
    assert report["migrations"]["expected_from"] == "replay"
    assert report["status"] == "pending" and report["effective_version"] == "0013"


def test_expected_dir_alone_validates_without_migrations(cli, tmp_path):
    migs = _copy(tmp_path)
    db = apply_files(tmp_path / "app.db", sorted(migs.glob("*.sql"))[:12])
    cli("snapshot", "--migrations", str(migs), "--out", "shipped")
    shutil.rmtree(migs)  # a production box ships only the snapshots
    r = cli("validate", "--db", str(db), "--expected", "shipped", "-f", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["effective_version"] == "0012" and report["status"] == "pending"
    assert report["migrations"]["expected_from"] == "snapshots"


def test_hand_edited_snapshot_is_a_clear_error(cli, tmp_path):
    migs = _copy(tmp_path, 3)
    db = apply_files(tmp_path / "app.db", sorted(migs.glob("*.sql")))
    cli("snapshot", "--migrations", str(migs), "--out", "exp")
    f = tmp_path / "exp" / "versions" / "0002_create_books.json"
    data = json.loads(f.read_text())
    data["changed"]["table:books"]["columns"] = "nonsense"
    f.write_text(json.dumps(data))
    r = cli("validate", "--db", str(db), "--expected", "exp")
    assert r.exit_code == 2
    assert "0002_create_books.json" in r.stderr and "snapshot" in r.stderr
    (tmp_path / "exp" / "manifest.json").write_text("{not json")
    r = cli("validate", "--db", str(db), "--expected", "exp")
    assert r.exit_code == 2 and "manifest.json" in r.stderr
    r = cli("validate", "--db", str(db), "--expected", "nowhere")
    assert r.exit_code == 2 and "nowhere" in r.stderr


def test_stored_form_grows_with_changes_not_versions(tmp_path):
    """1,000 migrations over a 100-table schema stay well under 10 MB."""
    d = tmp_path / "m"
    d.mkdir()
    for i in range(100):
        (d / f"{i + 1:04d}_t{i}.sql").write_text(
            f"CREATE TABLE t{i}(id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INT, c REAL);\n"
            f"CREATE INDEX t{i}_a ON t{i}(a);\n"
        )
    for i in range(100, 1000):
        t = i % 100
        (d / f"{i + 1:04d}_c{i}.sql").write_text(f"ALTER TABLE t{t} ADD COLUMN c{i} TEXT;\n")
    mset = load_migrations(str(d))
    out = tmp_path / "exp"
    snapshots.snapshot(out, mset, None, ())
    size = sum(p.stat().st_size for p in out.rglob("*.json"))
    assert size < 10 * 1024 * 1024
    # One changed table per version: each version file holds one table, not the schema.
    delta = json.loads((out / "versions" / "0500_c499.json").read_text())
    assert list(delta["changed"]) == ["table:t99"]
