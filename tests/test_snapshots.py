"""expected_schemas/: written, loaded, checked for staleness, updated incrementally."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys

import pytest

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


# --------------------------------------------------------------------------
# What incremental snapshots cost: counted, never timed (issue 9)


def _grow(directory, first, last):
    """Migrations first..last of a growing schema, as in issue 9's benchmark: mostly a
    table with an index (and a foreign key to the one before), every fourth a column
    with a partial index added to the table before it."""
    directory.mkdir(exist_ok=True)
    for i in range(first, last + 1):
        if i % 4 == 0:
            sql = (
                f"ALTER TABLE t{i - 1} ADD COLUMN extra{i} INTEGER DEFAULT 0;\n"
                f"CREATE INDEX ix_extra{i} ON t{i - 1}(extra{i}) WHERE extra{i} > 0;\n"
            )
        else:
            sql = (
                f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                f"ref INTEGER REFERENCES t{max(1, i - 1)}(id), amount REAL CHECK (amount >= 0));\n"
                f"CREATE INDEX ix_t{i}_name ON t{i}(name);\n"
            )
        (directory / f"{i:04d}_m{i}.sql").write_text(sql)
    return directory


def _tree(directory):
    """Every file the snapshots consist of (the git-ignored .cache/ aside), by path."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(directory).parts
    }


@pytest.fixture
def counts(monkeypatch):
    """How often the costly steps run: schema states built, versions replayed, stored
    version files read."""
    from driftcheck import replay

    seen: collections.Counter[str] = collections.Counter()

    def count(owner, name, what):
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            seen[what] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    count(replay.VersionState, "__init__", "states built")
    count(replay.Replayer, "apply", "versions replayed")
    count(snapshots, "_read_delta", "version files read")
    return seen


@pytest.mark.parametrize("n", [8, 40])
def test_a_warm_snapshot_builds_no_state(cli, tmp_path, counts, n):
    migs = _grow(tmp_path / "migs", 1, n)
    assert cli("snapshot", "-m", str(migs), "--out", "exp").exit_code == 0
    counts.clear()
    r = cli("snapshot", "-m", str(migs), "--out", "exp")
    assert r.exit_code == 0 and f"up to date ({n} versions)" in r.stdout
    r = cli("snapshot", "--check", "-m", str(migs), "--out", "exp")
    assert r.exit_code == 0 and f"up to date ({n} versions)" in r.stdout
    assert counts == {}


def test_a_warm_snapshot_loads_neither_models_nor_sqlglot(cli, tmp_path):
    """The user's path, in a fresh process: nothing that could build a schema is imported."""
    migs = _grow(tmp_path / "migs", 1, 6)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    for extra in ([], ["--check"]):
        code = (
            "import sys\n"
            "from driftcheck.entry import main\n"
            f"sys.argv = ['driftcheck', 'snapshot', '-m', {str(migs)!r}, '--out', 'exp']"
            f" + {extra!r}\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('driftcheck.replay', 'driftcheck.model', "
            "'driftcheck.sqlite.introspect', 'sqlglot') if m in sys.modules))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        assert out.stdout.splitlines() == ["exp: up to date (6 versions)", "[]"], out.stderr


@pytest.mark.parametrize("n", [8, 40])
def test_one_new_migration_replays_one_version_and_writes_two_files(cli, tmp_path, counts, n):
    migs = _grow(tmp_path / "migs", 1, n)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    before = _tree(tmp_path / "exp")
    _grow(migs, n + 1, n + 1)
    counts.clear()
    r = cli("snapshot", "-m", str(migs), "--out", "exp")
    assert f"wrote 2 files (replayed 1 of {n + 1} versions from {n + 1:04d})" in r.stdout
    # The state it resumes from comes from the hashes saved with the checkpoint:
    # no stored version file is read, and two states exist (then and now).
    assert counts == {"versions replayed": 1, "states built": 2}
    after = _tree(tmp_path / "exp")
    assert {p for p in after if before.get(p) != after[p]} == {
        f"versions/{n + 1:04d}_m{n + 1}.json",
        "manifest.json",
    }


def _append(migs, n):
    _grow(migs, n + 1, n + 1)


def _edit_newest(migs, n):
    f = migs / f"{n:04d}_m{n}.sql"
    f.write_text(f.read_text() + "CREATE INDEX ix_edited ON t1(amount);\n")


def _drop_newest(migs, n):
    (migs / f"{n:04d}_m{n}.sql").unlink()


@pytest.mark.parametrize("touched", [False, True], ids=["as-written", "files-touched"])
@pytest.mark.parametrize(
    "change,replayed",
    [
        (_append, "replayed 1 of 13"),
        (_edit_newest, "replayed 1 of 12"),
        (_drop_newest, "replayed 0"),
    ],
    ids=["append", "edit-newest", "drop-newest"],
)
def test_an_incremental_snapshot_writes_what_a_cold_one_writes(
    cli, tmp_path, change, replayed, touched
):
    migs = _grow(tmp_path / "migs", 1, 12)
    cli("snapshot", "-m", str(migs), "--out", "warm")
    if touched:  # e.g. a checkout: the stored files are read (and checked) instead
        for f in (tmp_path / "warm" / "versions").iterdir():
            st = f.stat()
            os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    change(migs, 12)
    r = cli("snapshot", "-m", str(migs), "--out", "warm")
    assert r.exit_code == 0 and replayed in r.stdout
    cli("snapshot", "-m", str(migs), "--out", "cold")
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")


def test_a_copy_with_its_times_kept_resumes_as_cheaply(cli, tmp_path, counts):
    """E.g. a CI cache restored with the directory: the copy's files are as checked."""
    migs = _grow(tmp_path / "migs", 1, 12)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    shutil.copytree(tmp_path / "exp", tmp_path / "copy")
    _append(migs, 12)
    counts.clear()
    r = cli("snapshot", "-m", str(migs), "--out", "copy")
    assert "wrote 2 files (replayed 1 of 13 versions from 0013)" in r.stdout
    assert counts == {"versions replayed": 1, "states built": 2}


def _corrupt_version(exp):
    (exp / "versions" / "0002_m2.json").write_text('{"changed": {"table:t2": 1}}')


def _corrupt_checkpoints(exp):
    for f in (exp / ".cache").glob("*.ckpt"):
        f.write_bytes(b"not a checkpoint")


def _other_model(exp):
    manifest = json.loads((exp / "manifest.json").read_text())
    manifest["model"] = "0" * 16
    (exp / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "damage",
    [
        lambda exp: shutil.rmtree(exp / ".cache"),
        lambda exp: [f.unlink() for f in (exp / ".cache").glob("*.ckpt")],
        _corrupt_checkpoints,
        _corrupt_version,
        lambda exp: (shutil.rmtree(exp / ".cache"), _corrupt_version(exp)),
        _other_model,
    ],
    ids=[
        "no-cache",
        "checkpoints-missing",
        "checkpoints-corrupt",
        "version-file-corrupt",
        "version-file-corrupt-no-cache",
        "another-model",
    ],
)
def test_anything_damaged_means_a_full_replay(cli, tmp_path, damage):
    migs = _grow(tmp_path / "migs", 1, 12)
    cli("snapshot", "-m", str(migs), "--out", "warm")
    damage(tmp_path / "warm")
    _append(migs, 12)
    r = cli("snapshot", "-m", str(migs), "--out", "warm")
    assert r.exit_code == 0 and "replayed 13 of 13 versions" in r.stdout
    cli("snapshot", "-m", str(migs), "--out", "cold")
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")


def test_unreadable_hashes_beside_a_checkpoint_mean_reading_the_stored_files(cli, tmp_path, counts):
    migs = _grow(tmp_path / "migs", 1, 12)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    for f in (tmp_path / "exp" / ".cache").glob("*.hashes"):
        f.write_text("[1, 2")
    _append(migs, 12)
    counts.clear()
    r = cli("snapshot", "-m", str(migs), "--out", "exp")
    assert "wrote 2 files (replayed 1 of 13 versions from 0013)" in r.stdout
    assert counts["versions replayed"] == 1 and counts["version files read"] == 12


@pytest.mark.parametrize("fresh_clone", [False, True], ids=["edited", "edited-fresh-clone"])
def test_a_damaged_file_is_rewritten_even_with_nothing_new(cli, tmp_path, fresh_clone):
    migs = _grow(tmp_path / "migs", 1, 6)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    good = _tree(tmp_path / "exp")
    _corrupt_version(tmp_path / "exp")
    if fresh_clone:
        shutil.rmtree(tmp_path / "exp" / ".cache")
    r = cli("snapshot", "-m", str(migs), "--out", "exp")
    assert r.exit_code == 0 and "wrote 1 files (replayed 6 of 6 versions)" in r.stdout
    assert _tree(tmp_path / "exp") == good


def test_untouched_files_are_checked_once_after_a_fresh_clone(cli, tmp_path, counts):
    migs = _grow(tmp_path / "migs", 1, 6)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    shutil.rmtree(tmp_path / "exp" / ".cache")  # git-ignored: a clone has none
    counts.clear()
    assert "up to date" in cli("snapshot", "-m", str(migs), "--out", "exp").stdout
    assert counts["version files read"] == 6 and counts["versions replayed"] == 0
    counts.clear()
    assert "up to date" in cli("snapshot", "-m", str(migs), "--out", "exp").stdout
    assert counts == {}


def test_check_reports_a_missing_version_file(cli, tmp_path):
    migs = _grow(tmp_path / "migs", 1, 6)
    cli("snapshot", "-m", str(migs), "--out", "exp")
    (tmp_path / "exp" / "versions" / "0003_m3.json").unlink()
    r = cli("snapshot", "--check", "-m", str(migs), "--out", "exp")
    assert r.exit_code == 1 and "versions/0003_m3.json is missing" in r.stdout
    r = cli("snapshot", "-m", str(migs), "--out", "exp")
    assert r.exit_code == 0 and "replayed 6 of 6 versions" in r.stdout
    assert cli("snapshot", "--check", "-m", str(migs), "--out", "exp").exit_code == 0


def test_the_model_version_written_down_is_the_models_shape():
    shape = snapshots.model_shape()
    assert shape == snapshots.MODEL_VERSION, (
        f"the object models changed shape: set MODEL_VERSION = {shape!r} in snapshots.py "
        "(snapshots written before become stale, as they should)"
    )
    assert set(snapshots.KINDS) == set(snapshots._models())
