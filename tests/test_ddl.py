"""Tests for driftcheck.sqlite.ddl: parsing the CREATE statements SQLite stores."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftcheck.sqlite.ddl import (
    CheckDef,
    ColumnDef,
    DDLParseError,
    ForeignKeyDef,
    IndexDef,
    IndexPartDef,
    TableDef,
    TriggerDef,
    UniqueDef,
    ViewDef,
    VirtualTableDef,
    parse_create,
    parse_create_index,
    parse_create_table,
    parse_create_trigger,
    parse_create_view,
)


def col(name: str, type: str = "", **kw: Any) -> ColumnDef:
    """A ColumnDef with every flag off unless given."""
    base: dict[str, Any] = {
        "collation": None,
        "generated": None,
        "generated_kind": None,
        "default": None,
        "primary_key": False,
        "pk_desc": False,
        "autoincrement": False,
        "not_null": False,
        "unique": False,
    }
    base.update(kw)
    return ColumnDef(name=name, type=type, **base)


def table(name: str, columns: tuple[ColumnDef, ...], **kw: Any) -> TableDef:
    base: dict[str, Any] = {
        "checks": (),
        "uniques": (),
        "foreign_keys": (),
        "primary_key": (),
        "primary_key_name": None,
        "autoincrement": False,
        "without_rowid": False,
        "strict": False,
    }
    base.update(kw)
    return TableDef(name=name, columns=columns, **base)


# Objects that the fixture statements below refer to, per group.
TABLE_SETUP = "CREATE TABLE p (id, a, b); CREATE TABLE q (id, a, b); CREATE TABLE y (a, b)"
OTHER_SETUP = (
    'CREATE TABLE t (id, a, b, c, d, e, n, x, y, z, "b c", email, deleted_at);'
    'CREATE TABLE "t y" ("a b", c); CREATE TABLE u (id, x, y); CREATE TABLE log (msg)'
)


def _check_fixture(setup: str, sql: str) -> list[str]:
    """Run ``sql`` after ``setup`` in a fresh database; return the problems that the
    corpus checks find in the statements it added."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    for name in ("x", "y"):
        con.create_collation(name, lambda a, b: (a > b) - (a < b))
    try:
        con.executescript(setup)
        seen: set[tuple[str, str, str]] = set()
        problems: list[str] = []
        _check_new_statements(con, seen, problems)
        before = len(seen)
        con.execute(sql)
        _check_new_statements(con, seen, problems)
        if len(seen) == before:
            problems.append("the statement added nothing to the schema")
        return problems
    finally:
        con.close()


# --------------------------------------------------------------------------------------
# CREATE TABLE: whole-statement expectations
# --------------------------------------------------------------------------------------

TABLE_CASES = [
    pytest.param(
        "CREATE TABLE t (a INTEGER, b TEXT)",
        table("t", (col("a", "INTEGER"), col("b", "TEXT"))),
        id="plain",
    ),
    pytest.param(
        "CREATE TABLE t(a, b)",
        table("t", (col("a"), col("b"))),
        id="no-types",
    ),
    pytest.param(
        'CREATE TABLE "my table" ("a col" INT)',
        table("my table", (col("a col", "INT"),)),
        id="quoted-double",
    ),
    pytest.param(
        "CREATE TABLE [my table] ([a col] INT)",
        table("my table", (col("a col", "INT"),)),
        id="quoted-brackets",
    ),
    pytest.param(
        "CREATE TABLE `my table` (`a col` INT)",
        table("my table", (col("a col", "INT"),)),
        id="quoted-backticks",
    ),
    pytest.param(
        "CREATE TABLE 'f_data'(id INTEGER PRIMARY KEY, block BLOB)",
        table(
            "f_data",
            (col("id", "INTEGER", primary_key=True), col("block", "BLOB")),
            primary_key=("id",),
        ),
        id="quoted-single-fts-shadow",
    ),
    pytest.param(
        'CREATE TABLE "a""b" ("c""d" TEXT, [e"f] TEXT, `g``h` TEXT, "i`j" TEXT)',
        table(
            'a"b', (col('c"d', "TEXT"), col('e"f', "TEXT"), col("g`h", "TEXT"), col("i`j", "TEXT"))
        ),
        id="escaped-quotes-in-names",
    ),
    pytest.param(
        "CREATE TEMP TABLE IF NOT EXISTS temp.t (x)",
        table("t", (col("x"),)),
        id="temp-if-not-exists-schema",
    ),
    pytest.param(
        'CREATE TEMPORARY TABLE "temp"."t" (x);',
        table("t", (col("x"),)),
        id="temporary-quoted-schema-semicolon",
    ),
    pytest.param(
        "CREATE TABLE t (a UNSIGNED BIG INT, b VARCHAR(255), c DECIMAL(10, 2), "
        "d DOUBLE PRECISION, e NUMERIC ( 5 ), f DOUBLE\n  PRECISION NOT NULL, g INT(-3, +4))",
        table(
            "t",
            (
                col("a", "UNSIGNED BIG INT"),
                col("b", "VARCHAR(255)"),
                col("c", "DECIMAL(10, 2)"),
                col("d", "DOUBLE PRECISION"),
                col("e", "NUMERIC ( 5 )"),
                col("f", "DOUBLE\n  PRECISION", not_null=True),
                col("g", "INT(-3, +4)"),
            ),
        ),
        id="multi-word-and-parenthesised-types",
    ),
    pytest.param(
        "CREATE TABLE t (key TEXT, value TEXT, type TEXT, date DATE, text TEXT, "
        "action TEXT, replace INT, generated INT, always TEXT)",
        table(
            "t",
            (
                col("key", "TEXT"),
                col("value", "TEXT"),
                col("type", "TEXT"),
                col("date", "DATE"),
                col("text", "TEXT"),
                col("action", "TEXT"),
                col("replace", "INT"),
                col("generated", "INT"),
                col("always", "TEXT"),
            ),
        ),
        id="keyword-like-column-names",
    ),
    pytest.param(
        "CREATE TABLE t (a GENERATED, b INT GENERATED, c GENERATED ALWAYS)",
        table("t", (col("a", "GENERATED"), col("b", "INT GENERATED"), col("c"))),
        id="generated-as-type-word",
    ),
    pytest.param(
        "CREATE TABLE t (\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key\n"
        "  /* a block comment */ name TEXT NOT NULL /* trailing */ COLLATE NOCASE,\n"
        "  n INT CHECK ( /* edge */ n > /* inside */ 0 -- edge\n) -- done\n"
        ")",
        table(
            "t",
            (
                col("id", "INTEGER", primary_key=True, autoincrement=True),
                col("name", "TEXT", not_null=True, collation="NOCASE"),
                col("n", "INT"),
            ),
            checks=(CheckDef(None, "n > /* inside */ 0", "n"),),
            primary_key=("id",),
            autoincrement=True,
        ),
        id="comments-inside",
    ),
    pytest.param(
        "CREATE TABLE café (naïve TEXT DEFAULT .5, [it's] INT DEFAULT -.5e3, b REAL DEFAULT 5.)",
        table(
            "café",
            (
                col("naïve", "TEXT", default=".5"),
                col("it's", "INT", default="-.5e3"),
                col("b", "REAL", default="5."),
            ),
        ),
        id="unicode-names-and-decimal-defaults",
    ),
    pytest.param(
        "CREATE TABLE t (id INTEGER PRIMARY /* split */ KEY, "
        "a INT CHECK (a > 0) CONSTRAINT dangling)",
        table(
            "t",
            (col("id", "INTEGER", primary_key=True), col("a", "INT")),
            checks=(CheckDef(None, "a > 0", "a"),),
            primary_key=("id",),
        ),
        id="comment-between-keywords-and-dangling-constraint-name",
    ),
    pytest.param(
        "CREATE TABLE t (id INTEGER PRIMARY KEY ASC ON CONFLICT REPLACE AUTOINCREMENT)",
        table(
            "t",
            (col("id", "INTEGER", primary_key=True, autoincrement=True),),
            primary_key=("id",),
            autoincrement=True,
            primary_key_conflict="REPLACE",
        ),
        id="pk-asc-conflict-autoincrement",
    ),
    pytest.param(
        "CREATE TABLE t (id INTEGER CONSTRAINT pk_t PRIMARY KEY ASC)",
        table(
            "t",
            (col("id", "INTEGER", primary_key=True),),
            primary_key=("id",),
            primary_key_name="pk_t",
        ),
        id="named-column-pk",
    ),
    pytest.param(
        "CREATE TABLE t (a TEXT NOT NULL ON CONFLICT IGNORE UNIQUE ON CONFLICT FAIL NULL)",
        table(
            "t",
            (col("a", "TEXT", not_null=True, unique=True, not_null_conflict="IGNORE"),),
            uniques=(UniqueDef(None, ("a",), "FAIL"),),
        ),
        id="not-null-unique-null-conflicts",
    ),
    pytest.param(
        "CREATE TABLE t (a COLLATE NOCASE DEFAULT 'x' NOT NULL, "
        "b DEFAULT 1 COLLATE rtrim UNIQUE CHECK (b <> 2) NOT NULL)",
        table(
            "t",
            (
                col("a", collation="NOCASE", default="'x'", not_null=True),
                col("b", collation="rtrim", default="1", unique=True, not_null=True),
            ),
            checks=(CheckDef(None, "b <> 2", "b"),),
            uniques=(UniqueDef(None, ("b",)),),
        ),
        id="constraints-any-order",
    ),
    pytest.param(
        "CREATE TABLE t (a INT CONSTRAINT nn NOT NULL CONSTRAINT ck CHECK (a > 0) "
        "CONSTRAINT uq UNIQUE CONSTRAINT fk REFERENCES p(id) CONSTRAINT d DEFAULT 3)",
        table(
            "t",
            (col("a", "INT", not_null=True, unique=True, default="3"),),
            checks=(CheckDef("ck", "a > 0", "a"),),
            uniques=(UniqueDef("uq", ("a",)),),
            foreign_keys=(ForeignKeyDef("fk", ("a",), "p", ("id",), False),),
        ),
        id="named-column-constraints",
    ),
    pytest.param(
        "CREATE TABLE t (a, b, CONSTRAINT x CONSTRAINT y UNIQUE (a))",
        table(
            "t",
            (col("a"), col("b")),
            uniques=(UniqueDef("y", ("a",)),),
        ),
        id="double-constraint-name-last-wins",
    ),
    pytest.param(
        "CREATE TABLE t (a DEFAULT -1, b DEFAULT + 2.5, c DEFAULT ('x'), "
        "d DEFAULT (strftime('%s', 'now')), e DEFAULT CURRENT_TIMESTAMP, f DEFAULT \"\", "
        "g DEFAULT X'AB', h DEFAULT NULL, i DEFAULT TRUE, j DEFAULT 'it''s', k DEFAULT 0x1F)",
        table(
            "t",
            (
                col("a", default="-1"),
                col("b", default="+ 2.5"),
                col("c", default="('x')"),
                col("d", default="(strftime('%s', 'now'))"),
                col("e", default="CURRENT_TIMESTAMP"),
                col("f", default='""'),
                col("g", default="X'AB'"),
                col("h", default="NULL"),
                col("i", default="TRUE"),
                col("j", default="'it''s'"),
                col("k", default="0x1F"),
            ),
        ),
        id="defaults",
    ),
    pytest.param(
        "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, "
        "c GENERATED ALWAYS AS (a + 1) VIRTUAL, d TEXT AS (upper(b || ')')), "
        "e AS (a) NOT NULL)",
        table(
            "t",
            (
                col("a", "INT"),
                col("b", "INT", generated="a * 2", generated_kind="stored"),
                col("c", generated="a + 1", generated_kind="virtual"),
                col("d", "TEXT", generated="upper(b || ')')", generated_kind="virtual"),
                col("e", generated="a", generated_kind="virtual", not_null=True),
            ),
        ),
        id="generated-columns",
    ),
    pytest.param(
        "CREATE TABLE t (a INT CHECK (a IN (1, 2, (3))), b TEXT CHECK (b <> ')' AND b <> ','), "
        'CONSTRAINT "b ok" CHECK (length(b) > (a + 1)) ON CONFLICT ABORT, '
        "CHECK (b NOT LIKE '%(%' AND (a = 1 OR (a = 2))))",
        table(
            "t",
            (col("a", "INT"), col("b", "TEXT")),
            checks=(
                CheckDef(None, "a IN (1, 2, (3))", "a"),
                CheckDef(None, "b <> ')' AND b <> ','", "b"),
                CheckDef("b ok", "length(b) > (a + 1)", None),
                CheckDef(None, "b NOT LIKE '%(%' AND (a = 1 OR (a = 2))", None),
            ),
        ),
        id="checks-nested-parens-and-strings",
    ),
    pytest.param(
        'CREATE TABLE t (a, b, c, CONSTRAINT pk PRIMARY KEY (a COLLATE NOCASE, "b" DESC), '
        "UNIQUE (b, c) ON CONFLICT REPLACE, CONSTRAINT [u c] UNIQUE ([c]))",
        table(
            "t",
            (col("a"), col("b"), col("c")),
            primary_key=("a", "b"),
            primary_key_name="pk",
            uniques=(UniqueDef(None, ("b", "c"), "REPLACE"), UniqueDef("u c", ("c",))),
        ),
        id="table-pk-and-uniques",
    ),
    pytest.param(
        "CREATE TABLE t (id INTEGER, PRIMARY KEY (id AUTOINCREMENT))",
        table(
            "t",
            (col("id", "INTEGER"),),
            primary_key=("id",),
            autoincrement=True,
        ),
        id="table-pk-autoincrement",
    ),
    pytest.param(
        "CREATE TABLE t (a, b, UNIQUE (a) CHECK (a > 0) PRIMARY KEY (b))",
        table(
            "t",
            (col("a"), col("b")),
            uniques=(UniqueDef(None, ("a",)),),
            checks=(CheckDef(None, "a > 0", None),),
            primary_key=("b",),
        ),
        id="table-constraints-without-commas",
    ),
    pytest.param(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, "
        "p1 INT REFERENCES p, "
        'p2 INT REFERENCES "p"("id") ON DELETE CASCADE ON UPDATE SET NULL, '
        "p3 INT REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED, "
        "p4 INT REFERENCES p(id) DEFERRABLE INITIALLY IMMEDIATE, "
        "p5 INT REFERENCES p(id) DEFERRABLE, "
        "p6 INT REFERENCES p(id) NOT DEFERRABLE INITIALLY DEFERRED, "
        "p7 INT REFERENCES p(id) MATCH SIMPLE ON DELETE NO ACTION NOT NULL, "
        "p8 INT REFERENCES p(id) ON DELETE SET DEFAULT ON UPDATE RESTRICT "
        "deferrable initially deferred, "
        "CONSTRAINT fk_multi FOREIGN KEY (p1, p2) REFERENCES [q](a, b) "
        "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "
        "FOREIGN KEY (p3) REFERENCES q)",
        table(
            "c",
            (
                col("id", "INTEGER", primary_key=True),
                col("p1", "INT"),
                col("p2", "INT"),
                col("p3", "INT"),
                col("p4", "INT"),
                col("p5", "INT"),
                col("p6", "INT"),
                col("p7", "INT", not_null=True),
                col("p8", "INT"),
            ),
            primary_key=("id",),
            foreign_keys=(
                ForeignKeyDef(None, ("p1",), "p", (), False),
                ForeignKeyDef(None, ("p2",), "p", ("id",), False),
                ForeignKeyDef(None, ("p3",), "p", ("id",), True),
                ForeignKeyDef(None, ("p4",), "p", ("id",), False),
                ForeignKeyDef(None, ("p5",), "p", ("id",), False),
                ForeignKeyDef(None, ("p6",), "p", ("id",), False),
                ForeignKeyDef(None, ("p7",), "p", ("id",), False),
                ForeignKeyDef(None, ("p8",), "p", ("id",), True),
                ForeignKeyDef("fk_multi", ("p1", "p2"), "q", ("a", "b"), True),
                ForeignKeyDef(None, ("p3",), "q", (), False),
            ),
        ),
        id="foreign-keys-and-deferrable-variants",
    ),
    pytest.param(
        "CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID, STRICT",
        table(
            "t",
            (col("id", "TEXT", primary_key=True),),
            primary_key=("id",),
            without_rowid=True,
            strict=True,
        ),
        id="without-rowid-then-strict",
    ),
    pytest.param(
        "CREATE TABLE t (id TEXT PRIMARY KEY) strict ,without   rowid",
        table(
            "t",
            (col("id", "TEXT", primary_key=True),),
            primary_key=("id",),
            without_rowid=True,
            strict=True,
        ),
        id="strict-then-without-rowid",
    ),
    pytest.param(
        "CREATE TABLE t (id INT PRIMARY KEY)Without Rowid",
        table("t", (col("id", "INT", primary_key=True),), primary_key=("id",), without_rowid=True),
        id="without-rowid-only",
    ),
    pytest.param(
        "CREATE TABLE t (a ANY) STRICT",
        table("t", (col("a", "ANY"),), strict=True),
        id="strict-only",
    ),
    pytest.param(
        "CREATE TABLE x AS SELECT a, b FROM y",
        table("x", ()),
        id="create-table-as-select",
    ),
    pytest.param(
        'CREATE TABLE t (a TEXT DEFAULT "" NOT NULL, "" TEXT)',
        table("t", (col("a", "TEXT", default='""', not_null=True), col("", "TEXT"))),
        id="empty-identifier",
    ),
]


@pytest.mark.parametrize(("sql", "expected"), TABLE_CASES)
def test_parse_create_table(sql: str, expected: TableDef) -> None:
    assert parse_create_table(sql) == expected


@pytest.mark.parametrize(("sql", "expected"), TABLE_CASES)
def test_table_cases_agree_with_sqlite(sql: str, expected: TableDef) -> None:
    """Every fixture above is accepted by SQLite, and the parse agrees with its pragmas
    (the same checks as the corpus test below)."""
    assert _check_fixture(TABLE_SETUP, sql) == []


VTAB_CASES = [
    pytest.param(
        "CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize='porter unicode61')",
        VirtualTableDef("f", "fts5", ("title", "body", "tokenize='porter unicode61'")),
        id="fts5",
    ),
    pytest.param(
        'CREATE VIRTUAL TABLE IF NOT EXISTS main."f t" USING fts5 ( "ti,tle" , body UNINDEXED ,'
        " tokenize = \"unicode61 remove_diacritics 2\", content='', prefix='2 3' )",
        VirtualTableDef(
            "f t",
            "fts5",
            (
                '"ti,tle"',
                "body UNINDEXED",
                'tokenize = "unicode61 remove_diacritics 2"',
                "content=''",
                "prefix='2 3'",
            ),
        ),
        id="fts5-quoted-args",
    ),
    pytest.param(
        "CREATE VIRTUAL TABLE r USING rtree(id, minX, maxX, +aux TEXT)",
        VirtualTableDef("r", "rtree", ("id", "minX", "maxX", "+aux TEXT")),
        id="rtree",
    ),
    pytest.param(
        "CREATE VIRTUAL TABLE s USING spellfix1",
        VirtualTableDef("s", "spellfix1", ()),
        id="no-args",
    ),
    pytest.param(
        "CREATE VIRTUAL TABLE s USING m()",
        VirtualTableDef("s", "m", ()),
        id="empty-args",
    ),
    pytest.param(
        "CREATE VIRTUAL TABLE s USING m(a(1, 2), 'x)', b)",
        VirtualTableDef("s", "m", ("a(1, 2)", "'x)'", "b")),
        id="nested-args",
    ),
]


@pytest.mark.parametrize(("sql", "expected"), VTAB_CASES)
def test_parse_virtual_table(sql: str, expected: VirtualTableDef) -> None:
    assert parse_create_table(sql) == expected


# --------------------------------------------------------------------------------------
# Column-level details checked one at a time
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coldef", "field", "value"),
    [
        pytest.param("a TEXT COLLATE NOCASE", "collation", "NOCASE", id="collate-word"),
        pytest.param('a TEXT COLLATE "rtrim"', "collation", "rtrim", id="collate-quoted"),
        pytest.param("a INT NOT NULL", "not_null", True, id="not-null"),
        pytest.param("a INT NULL", "not_null", False, id="null"),
        pytest.param("a INT PRIMARY KEY DESC", "pk_desc", True, id="pk-desc"),
        pytest.param("a INTEGER PRIMARY KEY AUTOINCREMENT", "autoincrement", True, id="autoinc"),
        pytest.param("a INT UNIQUE", "unique", True, id="unique"),
        pytest.param("a INT DEFAULT (1 + 2)", "default", "(1 + 2)", id="default-expr"),
        pytest.param("a INT DEFAULT -1", "default", "-1", id="default-negative"),
        pytest.param("a INT DEFAULT CURRENT_DATE", "default", "CURRENT_DATE", id="default-ctime"),
        pytest.param("a AS (1) STORED", "generated_kind", "stored", id="stored"),
        pytest.param("a AS (1)", "generated_kind", "virtual", id="virtual-default"),
        pytest.param("a INT AS ((1))", "generated", "(1)", id="generated-inner-parens"),
        pytest.param("a VARCHAR ( 10 ) NOT NULL", "type", "VARCHAR ( 10 )", id="type-spaces"),
        pytest.param("a 'text'", "type", "'text'", id="type-quoted"),
        pytest.param("a INT DEFAULT 1_000", "default", "1_000", id="default-digit-separators"),
    ],
)
def test_column_fields(coldef: str, field: str, value: object) -> None:
    parsed = parse_create_table(f"CREATE TABLE t ({coldef})")
    assert isinstance(parsed, TableDef)
    assert getattr(parsed.columns[0], field) == value


# --------------------------------------------------------------------------------------
# Generated column definitions: any quoting, constraints in any order
# --------------------------------------------------------------------------------------

_PLAIN_NAMES = ["a", "col_1", "naïve", "key", "value", "Type"]


@st.composite
def _quoted_name(draw: st.DrawFn) -> tuple[str, str]:
    """(SQL text, unquoted name)."""
    style = draw(st.sampled_from(["plain", "double", "bracket", "backtick", "single"]))
    if style == "plain":
        name = draw(st.sampled_from(_PLAIN_NAMES))
        return name, name
    name = draw(st.text(alphabet="ab Z_'\"`),(;-*/", min_size=1, max_size=6))
    if style == "double":
        return '"' + name.replace('"', '""') + '"', name
    if style == "backtick":
        return "`" + name.replace("`", "``") + "`", name
    if style == "single":
        return "'" + name.replace("'", "''") + "'", name
    return "[" + name + "]", name


_TYPES = ["", "INTEGER", "text", "VARCHAR(255)", "DECIMAL(10, 2)", "UNSIGNED BIG INT", "DOUBLE"]


@st.composite
def _column(draw: st.DrawFn, sql_name: str, name: str) -> tuple[str, ColumnDef, list[Any]]:
    """(column SQL, expected ColumnDef, expected table-level items)."""
    type_ = draw(st.sampled_from(_TYPES))
    fields: dict[str, Any] = {}
    extras: list[Any] = []
    parts: list[str] = []
    kinds = draw(
        st.lists(
            st.sampled_from(["notnull", "unique", "check", "default", "collate", "fk", "gen"]),
            unique=True,
            max_size=4,
        )
    )
    if "gen" in kinds and "default" in kinds:
        kinds.remove("default")
    for kind in kinds:
        cname = draw(st.one_of(st.none(), _quoted_name()))
        prefix = f"CONSTRAINT {cname[0]} " if cname else ""
        cvalue = cname[1] if cname else None
        if kind == "notnull":
            clause = draw(st.sampled_from(["NOT NULL", "not null on conflict fail"]))
            parts.append(prefix + clause)
            fields["not_null"] = True
            if "conflict" in clause:
                fields["not_null_conflict"] = "FAIL"
        elif kind == "unique":
            parts.append(prefix + "UNIQUE")
            fields["unique"] = True
            extras.append(UniqueDef(cvalue, (name,)))
        elif kind == "check":
            expr = draw(st.sampled_from(["1", f"{sql_name} <> ')'", f"length({sql_name}) > (1)"]))
            parts.append(f"{prefix}CHECK ({expr})")
            extras.append(CheckDef(cvalue, expr, name))
        elif kind == "default":
            default = draw(st.sampled_from(["-1", "'x,)'", "(1 + 2)", "CURRENT_TIMESTAMP", '""']))
            parts.append(f"{prefix}DEFAULT {default}")
            fields["default"] = default
        elif kind == "collate":
            collation = draw(st.sampled_from(["NOCASE", "rtrim"]))
            parts.append(f"{prefix}COLLATE {collation}")
            fields["collation"] = collation
        elif kind == "fk":
            deferred = draw(st.booleans())
            tail = " DEFERRABLE INITIALLY DEFERRED" if deferred else " ON DELETE CASCADE"
            parts.append(f"{prefix}REFERENCES p(id){tail}")
            extras.append(ForeignKeyDef(cvalue, (name,), "p", ("id",), deferred))
        else:
            stored = draw(st.booleans())
            parts.append(f"{prefix}GENERATED ALWAYS AS (1 + 1) {'STORED' if stored else ''}")
            fields.update(generated="1 + 1", generated_kind="stored" if stored else "virtual")
    sql = " ".join([sql_name, type_, *parts])
    return sql, col(name, type_, **fields), extras


@st.composite
def _table_sql(draw: st.DrawFn) -> tuple[str, TableDef]:
    table_sql, table_name = draw(_quoted_name())
    names = draw(st.lists(_quoted_name(), min_size=1, max_size=4, unique_by=lambda n: n[1].lower()))
    defs = [draw(_column(sql_name, name)) for sql_name, name in names]
    defs.append(("zz0 INT", col("zz0", "INT"), []))  # SQLite needs a non-generated column
    sql = f"CREATE TABLE {table_sql} ({', '.join(d[0] for d in defs)})"
    extras = [e for d in defs for e in d[2]]
    expected = table(
        table_name,
        tuple(d[1] for d in defs),
        checks=tuple(e for e in extras if isinstance(e, CheckDef)),
        uniques=tuple(e for e in extras if isinstance(e, UniqueDef)),
        foreign_keys=tuple(e for e in extras if isinstance(e, ForeignKeyDef)),
    )
    return sql, expected


@settings(max_examples=150, deadline=None)
@given(_table_sql())
def test_generated_tables(case: tuple[str, TableDef]) -> None:
    sql, expected = case
    assert parse_create_table(sql) == expected
    if expected.name.lower() != "p":
        assert _check_fixture(TABLE_SETUP, sql) == []


# --------------------------------------------------------------------------------------
# Indexes, views, triggers
# --------------------------------------------------------------------------------------

INDEX_CASES = [
    pytest.param(
        "CREATE INDEX i ON t (a)",
        IndexDef("i", "t", False, (IndexPartDef("a", "a", None, False),), None),
        id="single-column",
    ),
    pytest.param(
        'CREATE UNIQUE INDEX IF NOT EXISTS main."i x" ON [t y] ("a b" DESC, `c` ASC)',
        IndexDef(
            "i x",
            "t y",
            True,
            (IndexPartDef('"a b"', "a b", None, True), IndexPartDef("`c`", "c", None, False)),
            None,
        ),
        id="unique-quoted",
    ),
    pytest.param(
        "CREATE INDEX i ON t (lower(email) COLLATE NOCASE DESC, a COLLATE rtrim, "
        "b || c, (d), json_extract(e, '$.a,b') ASC, a + b COLLATE nocase, "
        "(a COLLATE nocase) DESC, a COLLATE nocase COLLATE rtrim, -a COLLATE x, "
        "CASE WHEN a THEN 1 END COLLATE y, +e) "
        "WHERE deleted_at IS NULL AND (a > 0 OR b = ')')",
        IndexDef(
            "i",
            "t",
            False,
            (
                IndexPartDef("lower(email)", None, "NOCASE", True),
                IndexPartDef("a", "a", "rtrim", False),
                IndexPartDef("b || c", None, None, False),
                IndexPartDef("d", "d", None, False),
                IndexPartDef("json_extract(e, '$.a,b')", None, None, False),
                IndexPartDef("a + b COLLATE nocase", None, None, False),
                IndexPartDef("a", "a", "nocase", True),
                IndexPartDef("a", "a", "rtrim", False),
                IndexPartDef("-a", None, "x", False),
                IndexPartDef("CASE WHEN a THEN 1 END", None, "y", False),
                IndexPartDef("+e", None, None, False),
            ),
            "deleted_at IS NULL AND (a > 0 OR b = ')')",
        ),
        id="expressions-collate-desc-where",
    ),
    pytest.param(
        "CREATE INDEX i ON t('a')",
        IndexDef("i", "t", False, (IndexPartDef("'a'", "a", None, False),), None),
        id="string-literal-column",
    ),
]


@pytest.mark.parametrize(("sql", "expected"), INDEX_CASES)
def test_parse_create_index(sql: str, expected: IndexDef) -> None:
    assert parse_create_index(sql) == expected


@pytest.mark.parametrize(("sql", "expected"), INDEX_CASES)
def test_index_cases_agree_with_sqlite(sql: str, expected: IndexDef) -> None:
    assert _check_fixture(OTHER_SETUP, sql) == []


VIEW_CASES = [
    pytest.param(
        "CREATE VIEW v AS SELECT a, b FROM t",
        ViewDef("v", None, "SELECT a, b FROM t"),
        id="plain",
    ),
    pytest.param(
        'CREATE TEMP VIEW IF NOT EXISTS "v x"("a b", [c]) AS\n  WITH q AS (SELECT 1 AS x) '
        "SELECT x, 'y;' FROM q -- tail",
        ViewDef("v x", ("a b", "c"), "WITH q AS (SELECT 1 AS x) SELECT x, 'y;' FROM q"),
        id="column-list-temp-cte",
    ),
    pytest.param(
        "CREATE VIEW main.v (a) AS VALUES (1);",
        ViewDef("v", ("a",), "VALUES (1)"),
        id="schema-values-semicolon",
    ),
]


@pytest.mark.parametrize(("sql", "expected"), VIEW_CASES)
def test_parse_create_view(sql: str, expected: ViewDef) -> None:
    assert parse_create_view(sql) == expected


@pytest.mark.parametrize(("sql", "expected"), VIEW_CASES)
def test_view_cases_agree_with_sqlite(sql: str, expected: ViewDef) -> None:
    assert _check_fixture(OTHER_SETUP, sql) == []


TRIGGER_CASES = [
    pytest.param(
        "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = n + 1; END",
        TriggerDef("tr", "AFTER", "INSERT", (), "t", False, None, ("UPDATE t SET n = n + 1",)),
        id="temp",
    ),
    pytest.param(
        "CREATE TRIGGER tr DELETE ON t BEGIN DELETE FROM u WHERE id = old.id; END",
        TriggerDef(
            "tr", "BEFORE", "DELETE", (), "t", False, None, ("DELETE FROM u WHERE id = old.id",)
        ),
        id="timing-omitted",
    ),
    pytest.param(
        'CREATE TRIGGER IF NOT EXISTS main."tr x" BEFORE UPDATE OF a, "b c" ON [t]\n'
        "FOR EACH ROW WHEN new.a <> old.a AND (SELECT count(*) FROM u) > 0\n"
        "BEGIN\n"
        "  SELECT CASE WHEN new.a < 0 THEN RAISE(ABORT, 'neg; no (') "
        "ELSE CASE WHEN 1 THEN 2 END END;\n"
        "  INSERT INTO log (msg) VALUES ('changed; ok'); -- comment; here\n"
        "  UPDATE u SET x = (SELECT max(y) FROM v WHERE z IN (1, 2));\n"
        "END",
        TriggerDef(
            "tr x",
            "BEFORE",
            "UPDATE",
            ("a", "b c"),
            "t",
            True,
            "new.a <> old.a AND (SELECT count(*) FROM u) > 0",
            (
                "SELECT CASE WHEN new.a < 0 THEN RAISE(ABORT, 'neg; no (') "
                "ELSE CASE WHEN 1 THEN 2 END END",
                "INSERT INTO log (msg) VALUES ('changed; ok')",
                "UPDATE u SET x = (SELECT max(y) FROM v WHERE z IN (1, 2))",
            ),
        ),
        id="case-end-and-semicolons-in-strings",
    ),
    pytest.param(
        "CREATE TRIGGER tr INSTEAD OF UPDATE ON v BEGIN\n"
        "  UPDATE t SET a = CASE new.a WHEN 1 THEN 'end' ELSE 'x' END WHERE id = new.id;\nEND;",
        TriggerDef(
            "tr",
            "INSTEAD OF",
            "UPDATE",
            (),
            "v",
            False,
            None,
            ("UPDATE t SET a = CASE new.a WHEN 1 THEN 'end' ELSE 'x' END WHERE id = new.id",),
        ),
        id="instead-of",
    ),
]


@pytest.mark.parametrize(("sql", "expected"), TRIGGER_CASES)
def test_parse_create_trigger(sql: str, expected: TriggerDef) -> None:
    assert parse_create_trigger(sql) == expected


@pytest.mark.parametrize(("sql", "expected"), TRIGGER_CASES)
def test_trigger_cases_agree_with_sqlite(sql: str, expected: TriggerDef) -> None:
    assert _check_fixture(OTHER_SETUP + "; CREATE VIEW v AS SELECT * FROM t", sql) == []


def test_parse_create_dispatches() -> None:
    assert isinstance(parse_create("create table t(a)"), TableDef)
    assert isinstance(parse_create("create virtual table t using fts5(a)"), VirtualTableDef)
    assert isinstance(parse_create("create unique index i on t(a)"), IndexDef)
    assert isinstance(parse_create("create temp view v as select 1"), ViewDef)
    assert isinstance(parse_create("create trigger tr insert on t begin select 1; end"), TriggerDef)


@pytest.mark.parametrize(
    ("func", "sql"),
    [
        pytest.param(
            parse_create_table, "CREATE TABLE t (a TEXT DEFAULT 'oops)", id="unterminated"
        ),
        pytest.param(parse_create_table, "CREATE TABLE t (a INT", id="unbalanced"),
        pytest.param(parse_create_table, "CREATE TABLE t (a INT) WITH ROWID", id="bad-option"),
        pytest.param(parse_create_table, "CREATE TABLE t (a INT CHECK)", id="check-no-paren"),
        pytest.param(parse_create_table, "CREATE TABLE t ()", id="no-columns"),
        pytest.param(parse_create_table, "CREATE INDEX i ON t(a)", id="not-a-table"),
        pytest.param(parse_create_table, "", id="empty"),
        pytest.param(parse_create_index, "CREATE INDEX i ON t", id="index-no-parts"),
        pytest.param(parse_create_view, "CREATE VIEW v SELECT 1", id="view-no-as"),
        pytest.param(parse_create_trigger, "CREATE TRIGGER tr AFTER INSERT ON t", id="no-body"),
        pytest.param(parse_create, "CREATE SEQUENCE s", id="unknown-kind"),
    ],
)
def test_errors(func: Any, sql: str) -> None:
    with pytest.raises(DDLParseError):
        func(sql)


def test_error_message_points_at_problem() -> None:
    with pytest.raises(DDLParseError, match=r"WITH ROWID|table option") as info:
        parse_create_table("CREATE TABLE t (a INT) WITH ROWID")
    assert info.value.offset == len("CREATE TABLE t (a INT) ")


# --------------------------------------------------------------------------------------
# Every statement real SQLite stores for the real-world corpora
# --------------------------------------------------------------------------------------

from conftest import CORPORA, CORPORA_ABSENT  # noqa: E402


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.name))


def _up_section(text: str) -> str:
    """The up part of dbmate (-- migrate:up/down) and goose (-- +goose Up/Down) files."""
    for up, down in (("-- migrate:up", "-- migrate:down"), ("-- +goose Up", "-- +goose Down")):
        if up in text:
            text = text.split(up, 1)[1]
            return text.split(down, 1)[0]
    return text


def _corpus_sets() -> Iterator[tuple[str, list[Path]]]:
    """(label, ordered migration files) for each database the corpora describe."""
    if not CORPORA.is_dir():
        return
    atuin = CORPORA / "atuin" / "crates"
    for d in sorted({p.parent for p in atuin.glob("*/*/*.sql")}):
        files = sorted(p for p in d.glob("*.sql") if not p.name.endswith(".down.sql"))
        yield f"atuin/{d.parent.name}/{d.name}", files
    auth = CORPORA / "authelia" / "internal" / "storage" / "migrations" / "sqlite"
    yield "authelia", sorted(auth.glob("*.up.sql"), key=_version_key)
    grocy = CORPORA / "grocy"
    yield (
        "grocy",
        [grocy / "_runner" / "migrations_table.sql", *sorted((grocy / "migrations").glob("*.sql"))],
    )
    memos = CORPORA / "memos" / "store" / "migration" / "sqlite"
    versions = sorted((d for d in memos.iterdir() if d.is_dir()), key=_version_key)
    yield (
        "memos",
        [
            CORPORA / "memos" / "_base_v0.1.3" / "store" / "db" / "migration" / "00000__schema.sql",
            *(f for d in versions for f in sorted(d.glob("*.sql"))),
        ],
    )
    yield "memos/LATEST", [memos / "LATEST.sql"]
    dbmate = CORPORA / "ncps" / "dbmate@45b5225" / "db"
    yield "ncps/dbmate", sorted((dbmate / "migrations" / "sqlite").glob("*.sql"))
    yield "ncps/dbmate-schema-dump", [dbmate / "schema" / "sqlite.sql"]
    goose = CORPORA / "ncps" / "goose-atlas@816f637" / "migrations" / "sqlite"
    yield "ncps/goose", sorted(goose.glob("*.sql"))
    pocket = CORPORA / "pocket-id" / "backend" / "resources" / "migrations" / "sqlite"
    yield "pocket-id", sorted(pocket.glob("*.up.sql"), key=_version_key)
    shiori = CORPORA / "shiori"
    order = (shiori / "ORDER.txt").read_text().splitlines()
    stems = [ln.split()[2] for ln in order if ln.strip() and not ln.startswith("#")]
    yield "shiori", [shiori / f"{s}.up.sql" for s in stems if not s.startswith("GO:")]


CORPUS_SETS = list(_corpus_sets())


def _stub(*args: Any) -> Any:
    return args[0] if args else None


def _replay(files: list[Path]) -> Iterator[tuple[sqlite3.Connection, str | None]]:
    """Replay the files into one in-memory database, yielding after each file
    (with the error text when the file failed part-way)."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    # Functions that the applications register at runtime.
    for fn in ("BIN2B64", "B642BIN", "normalize", "grocy_user_setting", "regexp", "ceil"):
        con.create_function(fn, -1, _stub, deterministic=True)
    try:
        for f in files:
            error = None
            try:
                con.executescript(_up_section(f.read_text(encoding="utf-8")))
            except sqlite3.Error as exc:
                error = f"{f.name}: {exc}"
                if con.in_transaction:
                    con.execute("ROLLBACK")
            yield con, error
    finally:
        con.close()


def _unwrap_parens(text: str) -> str:
    """Remove one level of enclosing parentheses, as SQLite's dflt_value does."""
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for n, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and n != len(text) - 1:
                return text
        return text[1:-1]
    return text


def _fold(names: Any) -> tuple[str, ...]:
    return tuple(n.casefold() if isinstance(n, str) else n for n in names)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rebuilt_table(parsed: TableDef) -> str:
    """A CREATE TABLE made only of the parsed names, generated expressions and CHECKs:
    SQLite accepting it shows those texts were cut out whole."""
    cols = [
        _quote(c.name) + (f" AS ({c.generated}) {c.generated_kind}" if c.generated else "")
        for c in parsed.columns
    ]
    checks = [f"CHECK ({ck.expr})" for ck in parsed.checks]
    return f"CREATE TABLE {_quote(parsed.name)} ({', '.join(cols + checks)})"


def _rebuilt_trigger(parsed: TriggerDef) -> str:
    of = f" OF {', '.join(map(_quote, parsed.update_of))}" if parsed.update_of else ""
    each = " FOR EACH ROW" if parsed.for_each_row else ""
    when = f" WHEN {parsed.when}" if parsed.when is not None else ""
    body = "".join(f"{stmt};\n" for stmt in parsed.body)
    return (
        f"CREATE TRIGGER {_quote(parsed.name)} {parsed.timing} {parsed.event}{of} "
        f"ON {_quote(parsed.table)}{each}{when} BEGIN\n{body}END"
    )


def _check_table(
    con: sqlite3.Connection, name: str, sql: str, parsed: TableDef, problems: list[str]
) -> None:
    def bad(msg: str) -> None:
        problems.append(f"table {name}: {msg}")

    if parsed.name != name:
        bad(f"name parsed as {parsed.name!r}")
    xinfo = list(
        con.execute(
            'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)',
            (name,),
        )
    )
    if not parsed.columns:  # CREATE TABLE ... AS SELECT
        return
    if parsed.checks or any(c.generated for c in parsed.columns):
        scratch = sqlite3.connect(":memory:")
        try:
            scratch.execute(_rebuilt_table(parsed))
        except sqlite3.Error as exc:
            bad(f"rebuilt from parsed parts, SQLite says {exc}: {_rebuilt_table(parsed)}")
        finally:
            scratch.close()
    if [r[0] for r in xinfo] != [c.name for c in parsed.columns]:
        bad(f"columns {[c.name for c in parsed.columns]} != {[r[0] for r in xinfo]}")
        return
    bycol = {c.name.casefold(): c for c in parsed.columns}
    for (cname, ctype, notnull, dflt, _pk, hidden), c in zip(xinfo, parsed.columns, strict=True):
        if c.type.casefold() != ctype.casefold():
            bad(f"column {cname} type {c.type!r} != {ctype!r}")
        if bool(notnull) != c.not_null and not parsed.without_rowid:
            bad(f"column {cname} not_null {c.not_null} != {notnull}")
        expected_default = None if c.default is None else _unwrap_parens(c.default)
        if expected_default != dflt:
            bad(f"column {cname} default {c.default!r} != {dflt!r}")
        kind = {2: "virtual", 3: "stored"}.get(hidden)
        if kind != c.generated_kind or (kind is None) != (c.generated is None):
            bad(f"column {cname} generated {c.generated_kind} != hidden={hidden}")
    pk = [r[0] for r in sorted((r for r in xinfo if r[4]), key=lambda r: r[4])]
    if _fold(pk) != _fold(parsed.primary_key):
        bad(f"primary key {parsed.primary_key} != {pk}")
    if parsed.autoincrement and not any(
        c.type.upper() == "INTEGER" and c.name.casefold() == _fold(pk)[0] for c in parsed.columns
    ):
        bad("AUTOINCREMENT on something other than an INTEGER PRIMARY KEY")

    wr = strict = 0
    if re.search(r"rowid|strict", sql, re.IGNORECASE):
        # pragma_table_list compiles every view, which is slow: only ask when the
        # statement could have these options at all.
        wr, strict = con.execute("SELECT wr, strict FROM pragma_table_list(?)", (name,)).fetchone()
    if (bool(wr), bool(strict)) != (parsed.without_rowid, parsed.strict):
        bad(f"without_rowid/strict {parsed.without_rowid}/{parsed.strict} != {wr}/{strict}")

    fks: Counter[tuple[Any, ...]] = Counter()
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for fid, _seq, tbl, frm, to in con.execute(
        'SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(?)', (name,)
    ):
        grouped.setdefault(fid, []).append((tbl, frm, to))
    for rows in grouped.values():
        fks[(rows[0][0].casefold(), _fold(r[1] for r in rows), _fold(r[2] for r in rows))] += 1
    parsed_fks = Counter(
        (
            fk.ref_table.casefold(),
            _fold(fk.columns),
            _fold(fk.ref_columns or (None,) * len(fk.columns)),
        )
        for fk in parsed.foreign_keys
    )
    if fks != parsed_fks:
        bad(f"foreign keys {dict(parsed_fks)} != {dict(fks)}")

    all_collations_on_columns = len(re.findall(r"\bcollate\b", sql, re.IGNORECASE)) == sum(
        c.collation is not None for c in parsed.columns
    )
    auto_uniques = set()
    for _seq, iname, _unique, origin, _partial in con.execute(
        "SELECT * FROM pragma_index_list(?)", (name,)
    ):
        keys = list(
            con.execute("SELECT cid, name, coll FROM pragma_index_xinfo(?) WHERE key", (iname,))
        )
        if origin == "u":
            auto_uniques.add(_fold(k[1] for k in keys))
        if origin in ("u", "pk") and all_collations_on_columns:
            # Autoindexes take each column's declared collation, unless the constraint
            # names one (PRIMARY KEY (a COLLATE x)): only check when no COLLATE appears
            # in the statement other than on column definitions.
            for _cid, kname, coll in keys:
                declared = bycol[kname.casefold()].collation or "BINARY"
                if declared.casefold() != coll.casefold():
                    bad(f"autoindex {iname} collation {coll} != declared {declared}")
    if auto_uniques != {_fold(u.columns) for u in parsed.uniques}:
        bad(f"uniques {parsed.uniques} != autoindexes {auto_uniques}")


def _check_index(
    con: sqlite3.Connection, name: str, tbl: str, parsed: IndexDef, problems: list[str]
) -> None:
    def bad(msg: str) -> None:
        problems.append(f"index {name}: {msg}")

    if parsed.name != name or parsed.table.casefold() != tbl.casefold():
        bad(f"name/table parsed as {parsed.name!r}/{parsed.table!r}")
    unique, partial = con.execute(
        'SELECT "unique", partial FROM pragma_index_list(?) WHERE name = ?', (tbl, name)
    ).fetchone()
    if bool(unique) != parsed.unique or bool(partial) != (parsed.where is not None):
        bad(f"unique/partial {parsed.unique}/{parsed.where} != {unique}/{partial}")
    info_count = con.execute("SELECT count(*) FROM pragma_index_info(?)", (name,)).fetchone()[0]
    if info_count != len(parsed.parts):
        bad(f"{len(parsed.parts)} parts != pragma_index_info count {info_count}")
        return
    keys = list(
        con.execute("SELECT cid, name, desc, coll FROM pragma_index_xinfo(?) WHERE key", (name,))
    )
    table_def = parse_create_table(
        con.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (tbl,)).fetchone()[0]
    )
    assert isinstance(table_def, TableDef)
    colls = {c.name.casefold(): c.collation for c in table_def.columns}
    for (cid, kname, desc, coll), part in zip(keys, parsed.parts, strict=True):
        if part.column is None:
            if cid != -2:
                bad(f"part {part.expr!r} is a column ({kname}) for SQLite")
        elif kname is None or kname.casefold() != part.column.casefold():
            bad(f"part {part.expr!r} column {part.column!r} != {kname!r}")
        if bool(desc) != part.desc:
            bad(f"part {part.expr!r} desc {part.desc} != {desc}")
        expected = part.collation
        if expected is None and part.column is not None:
            expected = colls.get(part.column.casefold())
        if (expected or "BINARY").casefold() != coll.casefold():
            bad(f"part {part.expr!r} collation {expected} != {coll}")


def _check_new_statements(
    con: sqlite3.Connection, seen: set[tuple[str, str, str]], problems: list[str]
) -> None:
    """Parse each schema statement not seen before and compare it with the pragmas."""
    rows = list(
        con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema "
            "WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view', 'trigger') UNION ALL "
            "SELECT type, name, tbl_name, sql FROM sqlite_temp_schema "
            "WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view', 'trigger')"
        )
    )
    rows = [r for r in rows if (r[0], r[1], r[3]) not in seen]
    seen.update((r[0], r[1], r[3]) for r in rows)
    for type_, name, tbl, sql in rows:
        try:
            parsed = parse_create(sql)
        except DDLParseError as exc:
            problems.append(f"{type_} {name}: {exc}")
            continue
        if type_ == "table" and isinstance(parsed, TableDef):
            _check_table(con, name, sql, parsed, problems)
        elif type_ == "table" and isinstance(parsed, VirtualTableDef):
            if parsed.name != name:
                problems.append(f"virtual table {name}: name parsed as {parsed.name!r}")
            if parsed.module.lower() == "fts5":
                cols = [a.split()[0] for a in parsed.args if "=" not in a]
                visible = [
                    r[0]
                    for r in con.execute(
                        "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", (name,)
                    )
                ]
                if cols != visible:
                    problems.append(f"fts5 table {name}: args {cols} != columns {visible}")
        elif type_ == "index" and isinstance(parsed, IndexDef):
            _check_index(con, name, tbl, parsed, problems)
        elif type_ == "view" and isinstance(parsed, ViewDef):
            if parsed.name != name:
                problems.append(f"view {name}: name parsed as {parsed.name!r}")
            if parsed.select.split(None, 1)[0].upper() not in ("SELECT", "WITH", "VALUES"):
                problems.append(f"view {name}: select is {parsed.select[:40]!r}")
            if parsed.columns is not None:
                names = [
                    r[0] for r in con.execute("SELECT name FROM pragma_table_xinfo(?)", (name,))
                ]
                if list(parsed.columns) != names:
                    problems.append(f"view {name}: columns {parsed.columns} != {names}")
        elif type_ == "trigger" and isinstance(parsed, TriggerDef):
            if parsed.name != name or parsed.table.casefold() != tbl.casefold():
                problems.append(f"trigger {name}: name/table {parsed.name}/{parsed.table}")
            for stmt in parsed.body:
                if not sqlite3.complete_statement(stmt + ";") or stmt.rstrip().endswith(";"):
                    problems.append(f"trigger {name}: bad body statement {stmt!r}")
            if parsed.when is not None and not parsed.when.strip():
                problems.append(f"trigger {name}: empty WHEN")
            # Re-create the trigger from its parts (then undo): SQLite must accept them.
            con.execute("SAVEPOINT rebuild")
            try:
                con.execute(f"DROP TRIGGER {_quote(name)}")
                con.execute(_rebuilt_trigger(parsed))
            except sqlite3.Error as exc:
                problems.append(f"trigger {name}: rebuilt from parsed parts, SQLite says {exc}")
            finally:
                con.execute("ROLLBACK TO rebuild")
                con.execute("RELEASE rebuild")
        else:
            problems.append(f"{type_} {name}: parsed as {type(parsed).__name__}")


def _replay_and_check(files: list[Path]) -> tuple[int, list[str], list[str]]:
    """Replay a migration set; check every distinct statement SQLite stored on the way
    (checked while it exists, so tables later rebuilt or dropped count too).

    Returns (statements checked, problems, files that failed to replay).
    """
    seen: set[tuple[str, str, str]] = set()
    problems: list[str] = []
    failed: list[str] = []
    for con, error in _replay(files):
        if error:
            failed.append(error)
        _check_new_statements(con, seen, problems)
    return len(seen), problems, failed


@pytest.mark.skipif(not CORPUS_SETS, reason=CORPORA_ABSENT)
@pytest.mark.parametrize(
    "files", [pytest.param(files, id=label) for label, files in CORPUS_SETS] or [None]
)
def test_corpus_statements_parse_and_match_pragmas(files: list[Path]) -> None:
    count, problems, _failed = _replay_and_check(files)
    assert count > 0
    assert problems == []


def test_the_same_create_statement_is_parsed_once(cli, tmp_path, monkeypatch):
    """Parsed statements are content-addressed: validating N identical databases tokenizes
    each distinct CREATE statement once, not once per database (or per version)."""
    from driftcheck.sqlite import ddl as ddl_module
    from driftcheck.sqlite import introspect as introspect_module

    calls: list[str] = []
    real = ddl_module._tokenize

    def counting(sql: str):
        calls.append(sql)
        return real(sql)

    monkeypatch.setattr(ddl_module, "_tokenize", counting)
    introspect_module._ddl_or_none.cache_clear()
    from conftest import EXAMPLES, apply_files

    files = sorted(EXAMPLES.glob("*.sql"))
    dbs = [apply_files(tmp_path / f"t{i}.db", files) for i in range(4)]
    counts = []
    for db in dbs:  # as a user runs it: `driftcheck validate`, one database after another
        before = len(calls)
        r = cli("validate", "--db", str(db), "-m", str(EXAMPLES), "-f", "json")
        assert json.loads(r.stdout)["status"] in ("clean", "drift")
        counts.append(len(calls) - before)
    assert counts[0] > 0
    assert counts[1:] == [0, 0, 0], counts  # the replay and every database after the first
    assert len(calls) == len(set(calls))  # each distinct statement tokenized once
    # Fleet mode: all of them in one run parses nothing new either.
    before = len(calls)
    r = cli("validate", "--db", str(tmp_path / "t*.db"), "-m", str(EXAMPLES), "-f", "jsonl")
    assert len(r.stdout.splitlines()) == len(dbs)
    assert len(calls) == before
