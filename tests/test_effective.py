"""The effective version is counted by objects: one object with several changes never
pulls it back, and an object the database has in another form places it at the version
that creates that object."""

from __future__ import annotations

import json

import pytest

from conftest import make_db, write_migrations

CASES = {
    # 0002 adds bio TEXT; the database has bio INTEGER NOT NULL DEFAULT 0.
    "one_column_three_changes": (
        {
            "0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "0002_bio.sql": "ALTER TABLE users ADD COLUMN bio TEXT;",
        },
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, bio INTEGER NOT NULL DEFAULT 0);",
        "0002",
        {("column", "type"), ("column", "not_null"), ("column", "default")},
    ),
    "two_changed_columns": (
        {
            "0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "0002_more.sql": "ALTER TABLE users ADD COLUMN a TEXT;\n"
            "ALTER TABLE users ADD COLUMN b TEXT;",
        },
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, a INTEGER, b INTEGER);",
        "0002",
        {("column", "type")},
    ),
    "table_with_two_changed_columns": (
        {"0001_t.sql": "CREATE TABLE t (a TEXT, b TEXT);"},
        "CREATE TABLE t (a INTEGER, b INTEGER);",
        "0001",
        {("column", "type")},
    ),
    "two_checks_against_one_with_and": (
        {"0001_t.sql": "CREATE TABLE t (a INTEGER, b INTEGER, CHECK (a > 0), CHECK (b > 0));"},
        "CREATE TABLE t (a INTEGER, b INTEGER, CHECK (a > 0 AND b > 0));",
        "0001",
        {("check", None)},
    ),
    # 0002 creates posts and two indexes; the indexes were dropped by hand. posts is
    # exactly as 0002 made it: the database is at 0002, missing two indexes (not at
    # 0001 with a table no migration creates).
    "indexes_dropped_by_hand": (
        {
            "0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "0002_posts.sql": "CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT, "
            "user_id INTEGER);\n"
            "CREATE UNIQUE INDEX posts_slug ON posts (slug);\n"
            "CREATE INDEX posts_user ON posts (user_id);",
        },
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT, user_id INTEGER);",
        "0002",
        {("index", None)},
    ),
    # One version: its table is there, its index and trigger were dropped.
    "one_version_partly_undone": (
        {
            "0001_t.sql": "CREATE TABLE t (a INTEGER, b TEXT);\n"
            "CREATE INDEX t_a ON t (a);\n"
            "CREATE TRIGGER t_b AFTER INSERT ON t BEGIN SELECT 1; END;",
        },
        "CREATE TABLE t (a INTEGER, b TEXT);",
        "0001",
        {("index", None), ("trigger", None)},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_effective_version_by_objects(case, cli, tmp_path):
    files, live, version, kinds = CASES[case]
    migrations = write_migrations(tmp_path / "migrations", files)
    db = make_db(tmp_path / "app.db", live)
    r = cli("validate", "--db", str(db), "--migrations", str(migrations), "--format", "json")
    assert r.exit_code == 1, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["effective_version"] == version, [c["message"] for c in report["changes"]]
    assert {(c["object_type"], c["attribute"]) for c in report["changes"]} == kinds
    # No table or column is "unexpected" or "missing".
    assert not [
        c
        for c in report["changes"]
        if c["object_type"] in ("table", "column") and c["change"] != "changed"
    ]
    assert all(c["severity"] != "info" for c in report["changes"])


def test_plan_attributes_an_altered_object_to_the_version_it_is_closest_to(cli, tmp_path):
    files, live, _, _ = CASES["one_column_three_changes"]
    migrations = write_migrations(tmp_path / "migrations", files)
    db = make_db(tmp_path / "app.db", live)
    r = cli("plan", "--db", str(db), "--migrations", str(migrations), "--format", "json")
    plan = {e["version"]: e for e in json.loads(r.stdout)["plan"]}
    # 0001 created users, and the database's users is a later form of it: present.
    assert plan["0001"]["action"] == "record", plan["0001"]
    # 0002's change to users was made another way: a person must decide.
    assert (plan["0002"]["action"], plan["0002"]["code"]) == ("flag", "conflict")


def test_the_one_pass_scan_gives_every_versions_own_fingerprint():
    """find_effective updates fingerprints from each version's changes alone; they must
    equal each version's fingerprint computed from all of its objects."""
    from conftest import EXAMPLES, schema_of
    from driftcheck.compare import canonical_hash
    from driftcheck.effective import _scan
    from driftcheck.migrations import load_migrations
    from driftcheck.replay import object_key, replay

    states = replay(load_migrations(str(EXAMPLES)).migrations)
    live = schema_of("\n".join(p.read_text() for p in sorted(EXAMPLES.glob("*.sql"))[:6]))
    canonical = {object_key(o): canonical_hash(o) for o in live.objects()}
    scanned = list(_scan(states, canonical))
    assert [fp for fp, _, _ in scanned] == [s.fingerprint for s in states]
    for st, (_, mismatched, unmatched) in zip(states, scanned, strict=True):
        hashes = st.canonical_hashes()
        assert unmatched == len(hashes.keys() ^ canonical.keys())
        assert mismatched == sum(
            1 for k, h in hashes.items() if k in canonical and canonical[k] != h
        )
    assert scanned[6][1:] == (0, 0)  # the database built from the first six versions


def test_a_hand_change_beside_a_later_versions_change_is_unattributed(cli, tmp_path):
    """0001 sets users.status's default; 0002 adds nickname. The database has 0002's
    nickname and another default: 0002's change is present, the default is drift that
    no version explains (not a conflict of 0002)."""
    migrations = write_migrations(
        tmp_path / "migrations",
        {
            "0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY, "
            "status TEXT DEFAULT 'new');",
            "0002_nick.sql": "ALTER TABLE users ADD COLUMN nickname TEXT;",
        },
    )
    db = make_db(
        tmp_path / "app.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, status TEXT DEFAULT 'old', nickname TEXT);",
    )
    r = cli("plan", "--db", str(db), "--migrations", str(migrations), "--format", "json")
    report = json.loads(r.stdout)
    assert report["effective_version"] == "0002"
    plan = {e["version"]: e for e in report["plan"]}
    assert plan["0002"]["action"] == "record", plan["0002"]
    assert plan[None]["code"] == "unattributed"
    assert [ev["name"] for ev in plan[None]["evidence"]] == ["status"]
