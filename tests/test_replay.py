"""Replay: expected schemas per version, incremental snapshots, failures named."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import EXAMPLES
from driftcheck.errors import ReplayError
from driftcheck.migrations import load_migrations, split_statements
from driftcheck.model import Schema
from driftcheck.replay import Baseline, Replayer, replay
from driftcheck.sqlite.connect import parse_function_decls
from driftcheck.sqlite.introspect import read_objects


def test_incremental_states_equal_a_full_read_after_every_version():
    """Reading only changed objects must give exactly what a full read gives."""
    mset = load_migrations(str(EXAMPLES))
    with Replayer() as r:
        states = [r.initial_state()]
        for m in mset.migrations:
            states.append(r.apply(states[-1], m))
            full = Schema.of(read_objects(r.conn))
            assert states[-1].schema() == full, m.version
            assert states[-1].raw_fingerprint == _raw_fp(full)


def _raw_fp(schema: Schema) -> str:
    from driftcheck.model import fingerprint_of_hashes, raw_hash
    from driftcheck.normalize import fold

    return fingerprint_of_hashes(
        (f"{o.kind}:{fold(o.name)}", raw_hash(o)) for o in schema.objects()
    )


def test_states_record_what_each_version_changed():
    mset = load_migrations(str(EXAMPLES))
    states = replay(mset.migrations)
    assert len(states) == 14 and states[0].version is None and not states[0].objects
    by_version = {s.version: s for s in states[1:]}
    assert ("table", "shelf_items") in by_version["0012"].removed
    assert ("table", "shelf_entries") in by_version["0012"].changed
    assert by_version["0008"].changed == {("table", "authors")}


def test_transactions_and_foreign_key_pragmas_in_migrations_replay(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text(
        "CREATE TABLE p(id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE c(id INTEGER PRIMARY KEY, p INT REFERENCES p(id));"
    )
    (d / "0002_rebuild.sql").write_text(
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        "CREATE TABLE c_new(id INTEGER PRIMARY KEY, p INT NOT NULL REFERENCES p(id));\n"
        "INSERT INTO c_new SELECT * FROM c;\nDROP TABLE c;\nALTER TABLE c_new RENAME TO c;\n"
        "COMMIT;\nPRAGMA foreign_keys=ON;\n"
    )
    (d / "0003_open.sql").write_text("BEGIN;\nCREATE TABLE left_open(x);\n")  # never committed
    states = replay(load_migrations(str(d)).migrations)
    final = states[-1].schema()
    assert final.tables["c"].columns[1].not_null
    assert "left_open" in final.tables


def test_data_only_migration_changes_nothing(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text("CREATE TABLE t(x);")
    (d / "0002_data.sql").write_text("INSERT INTO t VALUES (1); UPDATE t SET x = 2;")
    states = replay(load_migrations(str(d)).migrations)
    assert states[2].changed == set() and states[2].objects == states[1].objects


def test_failure_names_version_file_statement_line_and_sqlite_message(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text("CREATE TABLE t(x);\n")
    (d / "0002_b.sql").write_text("-- comment\nCREATE TABLE u(y);\n\nALTER TABLE t ADD COLUMN x;\n")
    with pytest.raises(ReplayError) as err:
        replay(load_migrations(str(d)).migrations)
    msg = str(err.value)
    assert "version 0002" in msg and "0002_b.sql" in msg
    assert "statement 2" in msg and "line 4" in msg
    assert "duplicate column name: x" in msg


def test_declared_functions_are_registered_for_replay(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text(
        "CREATE TABLE t(x TEXT);\nINSERT INTO t VALUES ('a');\n"
        "UPDATE t SET x = normalize(x, 'nfc');\n"
        "CREATE INDEX i ON t(b64(x));\n"
    )
    mset = load_migrations(str(d))
    with pytest.raises(ReplayError) as err:
        replay(mset.migrations)
    assert "normalize" in err.value.hint and "[replay] functions" in err.value.hint
    functions = parse_function_decls(["normalize/2"], ["b64/1"])
    states = replay(mset.migrations, functions=functions)
    assert "i" in states[-1].schema().indexes


def test_baseline_runs_before_the_first_version(tmp_path):
    text = "CREATE TABLE base(id INTEGER PRIMARY KEY);\n"
    baseline = Baseline("base.sql", split_statements(text, "base.sql"), "sha256:x")
    d = tmp_path / "m"
    d.mkdir()
    (d / "0001_a.sql").write_text("ALTER TABLE base ADD COLUMN name TEXT;")
    states = replay(load_migrations(str(d)).migrations, baseline=baseline)
    assert "base" in states[0].schema().tables
    assert [c.name for c in states[1].schema().tables["base"].columns] == ["id", "name"]


def test_introspection_uses_a_constant_number_of_queries():
    """Batched pragmas: the query count must not grow with the number of tables."""

    def count(n: int) -> int:
        conn = sqlite3.connect(":memory:")
        for i in range(n):
            # Implicit foreign-key targets, double-quoted strings and COLLATE BINARY
            # make the reader resolve names: from the batched reads, not per object.
            conn.execute(
                f"CREATE TABLE t{i}(id INTEGER PRIMARY KEY, a TEXT UNIQUE, "
                f"b INT REFERENCES t0(id), c INT REFERENCES t0, "
                f"CHECK (a <> '' AND a <> \"none\"))"
            )
            conn.execute(f'CREATE INDEX i{i} ON t{i}(lower(a)) WHERE b > 0 AND a <> "x"')
            conn.execute(
                f'CREATE VIEW v{i} AS SELECT * FROM t{i} WHERE a <> "y" ORDER BY a COLLATE BINARY'
            )
        queries: list[str] = []
        conn.set_trace_callback(queries.append)
        objects = read_objects(conn)
        conn.close()
        assert len(objects) == 3 * n
        # The trace also shows each pragma a table-valued function runs inside a
        # query, as "-- PRAGMA ..." lines: those are not separate queries.
        return sum(1 for q in queries if not q.startswith("--"))

    assert count(3) == count(60)
    assert count(60) <= 8


def test_replay_reads_again_what_depends_on_a_changed_table(tmp_path):
    """After every version, the incremental state is what reading the whole database
    gives: a view's `t.*` after ADD COLUMN, a foreign key's implicit target after the
    parent's key changes, a view that reads that view."""
    from driftcheck.compare import schema_fingerprint

    migrations = [
        "CREATE TABLE p (a INTEGER, b TEXT, PRIMARY KEY (a));\n"
        "CREATE TABLE c (id INTEGER PRIMARY KEY, x INTEGER, y TEXT, "
        "FOREIGN KEY (x) REFERENCES p);\n"
        "CREATE VIEW vp AS SELECT p.* FROM p;\n"
        "CREATE VIEW vv AS SELECT * FROM vp;",
        "ALTER TABLE p ADD COLUMN extra TEXT;",
        # The parent's key becomes b: c's implicit target is now p(b).
        "CREATE TABLE p_new (a INTEGER, b TEXT PRIMARY KEY, extra TEXT);\n"
        "INSERT INTO p_new SELECT a, b, extra FROM p;\n"
        "PRAGMA legacy_alter_table = ON;\n"
        "DROP TABLE p;\n"
        "ALTER TABLE p_new RENAME TO p;\n"
        "PRAGMA legacy_alter_table = OFF;",
    ]
    d = tmp_path / "m"
    d.mkdir()
    for i, sql in enumerate(migrations, 1):
        (d / f"000{i}_v.sql").write_text(sql, encoding="utf-8")
    states = replay(load_migrations(str(d)).migrations)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for i, sql in enumerate(migrations, 1):
            conn.executescript(sql)
            full = read_objects(conn)
            assert states[i].fingerprint == schema_fingerprint(full), f"after version {i}"
        fk = states[-1].objects[("table", "c")].foreign_keys[0]
        assert fk.ref_columns == ("b",)
        assert states[-1].objects[("view", "vv")].output == ("a", "b", "extra")
    finally:
        conn.close()
