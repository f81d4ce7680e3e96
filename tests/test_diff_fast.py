"""`driftcheck diff A B` compares sqlite_schema rows first and reads into the model only
the rows that differ and what depends on them. Its answer must be the full answer:
every pair of the catalogue, and cases where an unchanged row means something else
because what it reads changed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from driftcheck.differ import diff_schemas, operand_wording
from driftcheck.model import Schema
from driftcheck.sqlite.introspect import read_objects
from test_diff_pairs import CASES

PADDING = "".join(
    f"CREATE TABLE pad{i} (id INTEGER PRIMARY KEY, a TEXT, b INTEGER REFERENCES pad{i});"
    f"CREATE INDEX pad{i}_a ON pad{i} (a) WHERE b > 0;"
    for i in range(5)
)


def _db(path: Path, sql: str) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # test databases: no fsync per statement
        conn.executescript(sql)
    finally:
        conn.close()
    return path


def _full(path: Path) -> Schema:
    conn = sqlite3.connect(path)
    try:
        return Schema.of(read_objects(conn))
    finally:
        conn.close()


def _check(cli: Any, tmp_path: Path, a_sql: str, b_sql: str) -> None:
    a, b = _db(tmp_path / "a.db", a_sql), _db(tmp_path / "b.db", b_sql)
    r = cli("diff", str(a), str(b), "--format", "json")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    full = diff_schemas(_full(a), _full(b), wording=operand_wording(str(a), str(b)))
    assert json.loads(r.stdout)["changes"] == [c.model_dump(mode="json") for c in full]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_diff_of_every_catalogue_pair_is_the_full_answer(case: Any, cli: Any, tmp_path) -> None:
    # Padding on both sides: identical rows that the fast path skips.
    _check(cli, tmp_path, PADDING + case.a_sql, PADDING + case.b_sql)


DEPENDENT = {
    # b's parent has another primary key: c's `REFERENCES p` (row unchanged) targets it.
    "implicit_fk_target": (
        "CREATE TABLE p (a INTEGER PRIMARY KEY, b TEXT);CREATE TABLE c (x INTEGER REFERENCES p);",
        "CREATE TABLE p (a INTEGER, b TEXT PRIMARY KEY);CREATE TABLE c (x INTEGER REFERENCES p);",
    ),
    # The parent is missing on one side: the child's implicit target resolves to nothing.
    "implicit_fk_target_gone": (
        "CREATE TABLE p (a INTEGER PRIMARY KEY); CREATE TABLE c (x INTEGER REFERENCES p);",
        "CREATE TABLE c (x INTEGER REFERENCES p);",
    ),
    # The view's `t.*` columns (row unchanged) follow the table's.
    "view_star": (
        "CREATE TABLE t (a, b); CREATE VIEW v AS SELECT t.* FROM t; "
        "CREATE VIEW w AS SELECT * FROM v;",
        "CREATE TABLE t (a, b, c); CREATE VIEW v AS SELECT t.* FROM t; "
        "CREATE VIEW w AS SELECT * FROM v;",
    ),
    # The index's row is the same; the column beneath it has another collation.
    "index_under_collation": (
        "CREATE TABLE t (a TEXT); CREATE INDEX ix ON t (a);",
        "CREATE TABLE t (a TEXT COLLATE NOCASE); CREATE INDEX ix ON t (a);",
    ),
    # A double-quoted word in an unchanged trigger is a column on one side, a string
    # on the other.
    "double_quoted_word": (
        'CREATE TABLE t (a, "state"); CREATE TABLE log (m);'
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
        'INSERT INTO log VALUES ("state"); END;',
        "CREATE TABLE t (a); CREATE TABLE log (m);"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
        'INSERT INTO log VALUES ("state"); END;',
    ),
    # A view that reads a table that exists only on one side.
    "view_of_missing_table": (
        "CREATE TABLE t (a); CREATE VIEW v AS SELECT a FROM t;",
        "CREATE TABLE u (a); CREATE VIEW v AS SELECT a FROM t;",
    ),
}


@pytest.mark.parametrize("name", sorted(DEPENDENT))
def test_diff_reads_again_what_depends_on_a_difference(name: str, cli: Any, tmp_path) -> None:
    a_sql, b_sql = DEPENDENT[name]
    for x, y in ((a_sql, b_sql), (b_sql, a_sql)):
        for f in tmp_path.glob("*.db"):
            f.unlink()
        _check(cli, tmp_path, PADDING + x, PADDING + y)


def test_diff_parses_only_the_rows_that_differ(cli: Any, tmp_path, monkeypatch) -> None:
    """100 identical tables and one that differs: one table is read into the model on
    each side."""
    from driftcheck import check

    read = []
    real = check.read_objects

    def counting(conn, master=None, names=None):  # type: ignore[no-untyped-def]
        objects = real(conn, master, names)
        read.append(len(objects))
        return objects

    monkeypatch.setattr(check, "read_objects", counting)
    same = "".join(f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, a TEXT);" for i in range(100))
    a = _db(tmp_path / "a.db", same + "CREATE TABLE x (a);")
    b = _db(tmp_path / "b.db", same + "CREATE TABLE x (a, b);")
    r = cli("diff", str(a), str(b))
    assert r.exit_code == 1, r.stdout
    assert read == [1, 1]


def test_diff_blames_the_database_that_is_broken(cli: Any, tmp_path) -> None:
    good = _db(tmp_path / "good.db", "CREATE TABLE t (a);")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 200)
    for args, culprit in (((good, bad), "bad.db"), ((bad, good), "bad.db")):
        r = cli("diff", *map(str, args))
        assert r.exit_code == 2
        assert culprit in r.stderr and "good.db:" not in r.stderr, r.stderr
