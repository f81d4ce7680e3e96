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


def _random_walk(seed: int, steps: int) -> list[str]:
    """Migrations that create, alter, rename and drop tables, indexes, views, triggers
    and FTS5 tables (whose shadow tables come and go) in a random order."""
    import random

    rnd = random.Random(seed)
    tables: dict[str, list[str]] = {}
    views: list[str] = []
    out: list[str] = []
    n = 0
    for _ in range(steps):
        n += 1
        op = rnd.choice(
            [
                "create",
                "create",
                "index",
                "add",
                "rename_col",
                "rename",
                "drop",
                "view",
                "trigger",
                "fts",
                "drop_view",
                "rebuild",
                "analyze",
                "autoincrement",
            ]
        )
        names = sorted(tables)
        if op == "create" or not names:
            name = f"t{n}"
            ref = (
                f", r INTEGER REFERENCES {rnd.choice(names)}"
                if names and rnd.random() < 0.5
                else ""
            )
            tables[name] = ["id", "a"] + (["r"] if ref else [])
            out.append(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, a TEXT{ref});")
            continue
        t = rnd.choice(names)
        if op == "index":
            col = rnd.choice(tables[t])
            where = f" WHERE {col} IS NOT NULL" if rnd.random() < 0.5 else ""
            out.append(f"CREATE INDEX ix{n} ON {t} ({col}){where};")
        elif op == "add":
            tables[t].append(f"c{n}")
            out.append(f"ALTER TABLE {t} ADD COLUMN c{n} INTEGER DEFAULT {n};")
        elif op == "rename_col" and len(tables[t]) > 2:
            old = tables[t][-1]
            tables[t][-1] = f"k{n}"
            out.append(f"ALTER TABLE {t} RENAME COLUMN {old} TO k{n};")
        elif op == "rename":
            tables[f"t{n}"] = tables.pop(t)
            out.append(f"ALTER TABLE {t} RENAME TO t{n};")
        elif op == "drop" and len(names) > 1:
            del tables[t]
            views.clear()  # a view of a dropped table no longer compiles: keep it simple
            out.append(f"DROP TABLE {t};" + "".join(f"DROP VIEW IF EXISTS v{i};" for i in range(n)))
        elif op == "view":
            views.append(f"v{n}")
            out.append(f"CREATE VIEW v{n} AS SELECT {t}.* FROM {t};")
        elif op == "trigger":
            out.append(
                f"CREATE TRIGGER tr{n} AFTER INSERT ON {t} BEGIN "
                f"UPDATE {t} SET a = 'x' WHERE id = NEW.id; END;"
            )
        elif op == "fts":
            out.append(f"CREATE VIRTUAL TABLE f{n} USING fts5(body, tokenize='unicode61');")
        elif op == "analyze":
            out.append("ANALYZE;")
        elif op == "autoincrement":
            tables[f"t{n}"] = ["id", "a"]
            out.append(f"CREATE TABLE t{n} (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT UNIQUE);")
        elif op == "drop_view" and views:
            out.append(f"DROP VIEW {views.pop()};")
        elif op == "rebuild" and len(tables[t]) > 1:
            cols = ", ".join(tables[t])
            out.append(
                f"CREATE TABLE tmp{n} (id INTEGER PRIMARY KEY, {', '.join(tables[t][1:])});"
                f"INSERT INTO tmp{n} SELECT {cols} FROM {t};"
                f"PRAGMA legacy_alter_table = ON; DROP TABLE {t}; "
                f"ALTER TABLE tmp{n} RENAME TO {t}; PRAGMA legacy_alter_table = OFF;"
            )
        else:
            out.append(f"CREATE TABLE x{n} (id INTEGER PRIMARY KEY);")
            tables[f"x{n}"] = ["id"]
    return out


@pytest.mark.parametrize("seed", range(1, 9))
def test_incremental_reads_equal_full_reads_on_a_random_walk(tmp_path, seed):
    """sqlite_schema is read incrementally (rows compared, only changes parsed): after
    every version the state, and the rows themselves, equal a fresh full read."""
    from driftcheck.sqlite.introspect import read_master

    migrations = _random_walk(seed, 60)
    d = tmp_path / "m"
    d.mkdir()
    for i, sql in enumerate(migrations, 1):
        (d / f"{i:04d}_v.sql").write_text(sql, encoding="utf-8")
    mset = load_migrations(str(d))
    with Replayer() as r:
        states = [r.initial_state()]
        for m in mset.migrations:
            states.append(r.apply(states[-1], m))
            assert r.master.rows == read_master(r.conn), m.version
            full = Schema.of(read_objects(r.conn))
            assert states[-1].schema() == full, m.version
            assert states[-1].raw_fingerprint == _raw_fp(full), m.version


def test_cold_snapshot_reads_sqlite_schema_once_per_version_and_only_the_changes(
    cli, tmp_path, monkeypatch
):
    """Through `driftcheck snapshot`: N versions read sqlite_schema N + 1 times, and the
    rows turned into Python objects per read are the rows that changed, however large
    the schema has grown (a version that changes nothing costs no row at all)."""
    from driftcheck.sqlite import introspect

    reads: list[int] = []
    update = introspect.Master.update

    def counting(self, conn):  # type: ignore[no-untyped-def]
        before = self.rows_folded
        delta = update(self, conn)
        reads.append(self.rows_folded - before)
        return delta

    monkeypatch.setattr(introspect.Master, "update", counting)
    d = tmp_path / "migrations"
    d.mkdir()
    n = 60
    for i in range(1, n + 1):
        sql = (
            f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, a TEXT);\nCREATE INDEX ix{i} ON t{i} (a);"
        )
        if i % 10 == 0:  # the schema cookie moves, the rows end up as they were
            sql = f"CREATE TABLE gone{i} (x);\nDROP TABLE gone{i};"
        (d / f"{i:04d}_m.sql").write_text(sql, encoding="utf-8")
    r = cli("snapshot", "--migrations", str(d), "--out", str(tmp_path / "snap"))
    assert r.exit_code == 0, r.stderr
    assert len(reads) == n + 1  # the empty database, then once per version
    assert reads[0] == 0
    per_version = reads[1:]
    assert all(c == 2 for i, c in enumerate(per_version, 1) if i % 10), per_version
    assert all(c == 0 for i, c in enumerate(per_version, 1) if not i % 10), per_version
