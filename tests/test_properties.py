"""Property tests: invariants of the differ, the introspector and the splitter."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.differ import diff_schemas
from driftcheck.migrations import split_statements
from driftcheck.model import Schema
from driftcheck.sqlite.introspect import read_objects

NAMES = ["id", "name", "email", "total", "created_at", "Status", "select", "a b", "naïve", 'q"t']
TYPES = ["INTEGER", "TEXT", "REAL", "BLOB", "NUMERIC", "VARCHAR(20)", "INT", "", "BOOLEAN"]
DEFAULTS = [None, "0", "1", "'x'", "''", "CURRENT_TIMESTAMP", "(1 + 2)", "-1", "'it''s'"]
COLLATIONS = [None, "NOCASE", "RTRIM"]


@dataclass(frozen=True)
class Col:
    name: str
    type: str
    not_null: bool
    default: str | None
    collate: str | None
    check: bool
    unique: bool


@dataclass(frozen=True)
class Tab:
    name: str
    cols: tuple[Col, ...]
    pk: int | None  # index of the INTEGER PRIMARY KEY column
    index_on: int | None
    partial: bool
    strict: bool


@dataclass(frozen=True)
class Style:
    """A cosmetic rendering: must never change what the schema means."""

    quote: str  # '"', '[', '`' or '' (bare where possible)
    upper: bool
    spaced: bool
    parens: bool


def q(name: str, style: Style) -> str:
    bare = (
        name.isascii()
        and name.replace("_", "").isalnum()
        and name.lower() not in ("select", "status")
        and not name[0].isdigit()
    )
    if style.quote == "" and bare:
        return name
    if style.quote == "[" and "]" not in name:
        return f"[{name}]"
    if style.quote == "`" and "`" not in name:
        return f"`{name}`"
    return '"' + name.replace('"', '""') + '"'


def kw(word: str, style: Style) -> str:
    return word.upper() if style.upper else word.lower()


def ddl(tables: list[Tab], style: Style) -> str:
    sp = "  " if style.spaced else " "
    out = []
    for t in tables:
        parts = []
        for i, c in enumerate(t.cols):
            typ = (
                c.type
                if not t.strict
                else {"": "ANY", "VARCHAR(20)": "TEXT", "NUMERIC": "INT", "BOOLEAN": "INT"}.get(
                    c.type, c.type
                )
            )
            if t.strict and typ not in ("INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"):
                typ = "ANY"
            piece = f"{q(c.name, style)}{sp}{kw(typ, style) if typ else ''}".rstrip()
            if t.pk == i:
                piece = f"{q(c.name, style)} {kw('INTEGER', style)} {kw('PRIMARY KEY', style)}"
            if c.not_null:
                piece += f" {kw('NOT NULL', style)}"
            if c.default is not None:
                d = c.default
                if style.parens and not d.startswith("("):
                    d = f"({d})"
                piece += f" {kw('DEFAULT', style)} {d}"
            if c.collate:
                piece += (
                    f" {kw('COLLATE', style)} {c.collate if style.upper else c.collate.lower()}"
                )
            if c.check:
                expr = f"length({q(c.name, style)}){sp}>=0"
                piece += (
                    f" {kw('CHECK', style)} (({expr}))"
                    if style.parens
                    else f" {kw('CHECK', style)} ({expr})"
                )
            if c.unique:
                piece += f" {kw('UNIQUE', style)}"
            parts.append(piece)
        tail = f" {kw('STRICT', style)}" if t.strict else ""
        out.append(f"{kw('CREATE TABLE', style)} {q(t.name, style)}({f',{sp}'.join(parts)}){tail};")
        if t.index_on is not None:
            col = q(t.cols[t.index_on].name, style)
            where = ""
            if t.partial:
                cond = f"{col} {kw('IS NOT NULL', style)}"
                where = (
                    f" {kw('WHERE', style)} ({cond})"
                    if style.parens
                    else f" {kw('WHERE', style)} {cond}"
                )
            out.append(
                f"{kw('CREATE INDEX', style)} {q('ix_' + t.name, style)} "
                f"{kw('ON', style)} {q(t.name, style)}({col}){where};"
            )
    return "\n".join(out)


@st.composite
def tables(draw: st.DrawFn) -> list[Tab]:
    names = draw(
        st.lists(
            st.sampled_from(["users", "orders", "Items", "log entries", "x"]),
            min_size=1,
            max_size=3,
            unique_by=str.lower,
        )
    )
    out = []
    for tname in names:
        cnames = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique_by=str.lower))
        cols = tuple(
            Col(
                n,
                draw(st.sampled_from(TYPES)),
                draw(st.booleans()),
                draw(st.sampled_from(DEFAULTS)),
                draw(st.sampled_from(COLLATIONS)),
                draw(st.booleans()),
                draw(st.booleans()),
            )
            for n in cnames
        )
        pk = draw(st.one_of(st.none(), st.integers(0, len(cols) - 1)))
        index_on = draw(st.one_of(st.none(), st.integers(0, len(cols) - 1)))
        out.append(Tab(tname, cols, pk, index_on, draw(st.booleans()), draw(st.booleans())))
    return out


styles = st.builds(
    Style, st.sampled_from(['"', "[", "`", ""]), st.booleans(), st.booleans(), st.booleans()
)


def schema_of(sql: str) -> Schema:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(sql)
        return Schema.of(read_objects(conn))
    finally:
        conn.close()


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tables(), styles)
def test_a_schema_equals_itself(ts, style):
    s = schema_of(ddl(ts, style))
    assert diff_schemas(s, s) == []


@SETTINGS
@given(tables(), styles, styles)
def test_cosmetic_rewrites_report_nothing(ts, a, b):
    assert diff_schemas(schema_of(ddl(ts, a)), schema_of(ddl(ts, b))) == []


@SETTINGS
@given(tables(), tables(), styles)
def test_diff_mirrors(ta, tb, style):
    a, b = schema_of(ddl(ta, style)), schema_of(ddl(tb, style))
    forward, backward = diff_schemas(a, b), diff_schemas(b, a)
    swap = {
        "missing": "unexpected",
        "unexpected": "missing",
        "changed": "changed",
        "renamed": "renamed",
    }
    assert sorted((c.object_type, swap[c.change], c.attribute or "") for c in forward) == sorted(
        (c.object_type, c.change, c.attribute or "") for c in backward
    )


@SETTINGS
@given(tables(), styles)
def test_introspection_gives_back_the_schema(ts, style):
    """What the DDL says is what the model holds."""
    s = schema_of(ddl(ts, style))
    assert {t.name for t in ts} == set(s.tables)
    for t in ts:
        model = s.tables[t.name]
        assert [c.name for c in model.columns] == [c.name for c in t.cols]
        assert model.strict == t.strict
        for i, (c, mc) in enumerate(zip(t.cols, model.columns, strict=True)):
            assert mc.not_null == c.not_null
            assert (mc.default is not None) == (c.default is not None)
            assert (mc.collation or None) == c.collate
            assert bool(mc.primary_key) == (t.pk == i)
        assert model.rowid_alias == (t.cols[t.pk].name if t.pk is not None else None)
        assert len(model.checks) == sum(c.check for c in t.cols)
        unique = {p.parts[0].column for p in model.unique}
        assert unique == {c.name for i, c in enumerate(t.cols) if c.unique and t.pk != i} | (
            unique & {c.name for i, c in enumerate(t.cols) if c.unique and t.pk == i}
        )
        if t.index_on is not None:
            ix = s.indexes[f"ix_{t.name}"]
            assert [p.column for p in ix.parts] == [t.cols[t.index_on].name]
            assert (ix.where is not None) == t.partial


# --------------------------------------------------------------------------
# The statement splitter against SQLite's own completeness check

PIECES = [
    "CREATE TABLE t{n}(a TEXT DEFAULT 'x;y', b INT)",
    "INSERT INTO t0 VALUES ('it''s; fine', 1)",
    "CREATE TRIGGER tr{n} AFTER INSERT ON t0 BEGIN UPDATE t0 SET b = 1; "
    "DELETE FROM t0 WHERE a = ';'; END",
    "SELECT 1 -- trailing comment; with a semicolon\n",
    "/* block; comment */ SELECT 2",
    "CREATE VIEW \"v;{n}\" AS SELECT CASE WHEN 1 THEN 'a;' END AS c",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(range(len(PIECES))), min_size=1, max_size=12),
    st.sampled_from([";\n", "; ", ";\r\n", ";\n\n-- note\n"]),
)
def test_splitter_never_loses_or_merges(indexes, sep):
    statements = [PIECES[i].format(n=n) for n, i in enumerate(indexes)]
    text = sep.join(statements) + ";"
    got = split_statements(text.replace("\r\n", "\n"), "gen.sql")
    assert len(got) == len(statements)
    for piece, stmt in zip(statements, got, strict=True):
        assert sqlite3.complete_statement(stmt.sql.rstrip().rstrip(";") + ";")
        assert stmt.sql.rstrip(";").strip().endswith(piece.strip()[-8:].strip())


@st.composite
def mutated(draw: st.DrawFn, ts: list[Tab]) -> list[Tab]:
    """`ts` with at most one thing changed: a column attribute, a column gone, the index."""
    import dataclasses

    out = list(ts)
    what = draw(st.sampled_from(["nothing", "column", "drop", "index"]))
    i = draw(st.integers(0, len(out) - 1))
    t = out[i]
    if what == "index":
        out[i] = dataclasses.replace(t, partial=not t.partial)
    elif what in ("column", "drop") and t.cols:
        j = draw(st.integers(0, len(t.cols) - 1))
        if what == "drop" and len(t.cols) > 1:
            cols = t.cols[:j] + t.cols[j + 1 :]
            fix = {"pk": t.pk, "index_on": t.index_on}
            for k, v in fix.items():
                fix[k] = None if v == j else (v - 1 if v is not None and v > j else v)
            out[i] = dataclasses.replace(t, cols=cols, **fix)
        else:
            field = draw(
                st.sampled_from(["type", "not_null", "default", "collate", "check", "unique"])
            )
            value = {
                "type": st.sampled_from(TYPES),
                "not_null": st.booleans(),
                "default": st.sampled_from(DEFAULTS),
                "collate": st.sampled_from(COLLATIONS),
                "check": st.booleans(),
                "unique": st.booleans(),
            }[field]
            col = dataclasses.replace(t.cols[j], **{field: draw(value)})
            out[i] = dataclasses.replace(t, cols=t.cols[:j] + (col,) + t.cols[j + 1 :])
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), tables(), styles, styles)
def test_one_equivalence_on_generated_schemas(data, ta, sa, sb):
    """No change of severity error or warning ⇔ equal fingerprints ⇔ validate exits 0
    with no flag: the differ, the fingerprint and the plan are one definition of "same"."""
    import tempfile
    from pathlib import Path

    from driftcheck.changes import severe
    from driftcheck.check import validate
    from driftcheck.config import Config, HistoryConfig
    from driftcheck.settings import Settings

    tb = data.draw(mutated(ta))
    a_sql, b_sql = ddl(ta, sa), ddl(tb, sb)
    a, b = schema_of(a_sql), schema_of(b_sql)
    same = not severe(diff_schemas(a, b))
    assert same == (a.fingerprint() == b.fingerprint())
    with tempfile.TemporaryDirectory() as tmp:
        migrations = Path(tmp) / "migrations"
        migrations.mkdir()
        (migrations / "0001_schema.sql").write_text(a_sql, encoding="utf-8")
        db = Path(tmp) / "app.db"
        conn = sqlite3.connect(db)
        conn.executescript(b_sql)
        conn.close()
        config = Config(history=HistoryConfig(kind="none"))
        report = validate(
            Settings.from_config(config, migrations=str(migrations), database=str(db))
        ).report
    flags = [e for e in report.plan if e.action == "flag"]
    ok = report.status == "clean" and not flags
    assert ok == same, (
        report.status,
        [c.message for c in report.changes],
        [f.reason for f in flags],
    )


def test_moved_columns_are_the_same_both_ways():
    """Found by test_diff_mirrors: difflib's matcher is not a longest common subsequence,
    so one direction said three columns moved (one of them "at position 4, expected 4")
    and the other two."""
    a = schema_of('create table t("id" int, "created_at" int, "Status" int, "email" int);')
    b = schema_of(
        'create table t("name" int, "Status" int, "created_at" int, "email" int, "id" int);'
    )
    moved = [(c.name, c.expected, c.actual) for c in diff_schemas(a, b) if c.attribute]
    back = [(c.name, c.actual, c.expected) for c in diff_schemas(b, a) if c.attribute]
    assert sorted(moved) == sorted(back) == [("created_at", 2, 3), ("id", 1, 5)]
