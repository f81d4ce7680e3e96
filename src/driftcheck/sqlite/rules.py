"""SQLite's comparator tables: when two objects are the same, and how to say they differ.

Each row is one attribute: its comparison key, what a report shows, the
sentence and the severity. SQLite's own rules live in the keys:

- declared types compare by their canonical text; two types of the same
  affinity differ only as a warning;
- NOT NULL (and its ON CONFLICT) means nothing on a rowid alias;
- DEFAULT NULL is no default; a DEFAULT's words are strings;
- collations are case-insensitive, BINARY when none is given;
- an omitted foreign-key column list is the target's primary key (resolved
  when the schema is read), and a composite key is a set of column pairs;
- a CHECK is the same whether written on a column or on the table;
- constraint names, the case of names and column positions are info only;
- virtual-table arguments compare option by option, values case-sensitive.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from functools import lru_cache
from typing import Any

from driftcheck import normalize
from driftcheck.compare import Attr, Kind, Members, Note, Rules, Side, wording
from driftcheck.model import (
    Check,
    Column,
    ForeignKey,
    Index,
    SqlText,
    Table,
    Trigger,
    UniqueConstraint,
    View,
)
from driftcheck.normalize import fold
from driftcheck.sqlite.introspect import option
from driftcheck.sqlite.types import affinity


def _none(text: str | None, empty: str = "(none)") -> str:
    return empty if text is None or text == "" else str(text)


def _how(*values: SqlText | None) -> str:
    if any(v is not None and v.token_compared for v in values):
        return " (compared token by token: sqlglot could not parse it)"
    return ""


def _sql(value: SqlText | None) -> str | None:
    return value.sql if value is not None else None


def _cols(names: Any) -> str:
    return ", ".join(names)


def expr(value: SqlText | None, s: Side) -> str | None:
    if value is None:
        return None
    own = s.obj.name if isinstance(s.obj, Table) else ""
    if own and "." not in value.sql:
        own = ""  # nothing qualified: the same text keys alike in every table
    return normalize.expression_key(value.sql, s.strings, own, s.collated)


# --------------------------------------------------------------------------
# Key parts (index keys, PRIMARY KEY, UNIQUE)


def parts_label(parts: Any) -> list[str]:
    return [p.label for p in parts]


def parts_identity(parts: Any, s: Side) -> tuple[Any, ...]:
    return tuple(
        (fold(p.column), None) if p.column is not None else (None, expr(p.expression, s))
        for p in parts
    )


def parts_key(parts: Any, s: Side) -> tuple[Any, ...]:
    return tuple(
        (*ident, p.collation, p.desc)
        for ident, p in zip(parts_identity(parts, s), parts, strict=True)
    )


# --------------------------------------------------------------------------
# Tables


def is_rowid_alias(c: Column, t: Table) -> bool:
    return t.rowid_alias is not None and fold(t.rowid_alias) == fold(c.name)


def _flag(attr: str, what: str, severity: Any = "error") -> Attr:
    return Attr(
        attr,
        key=lambda t, s: bool(getattr(t, attr)),
        show=lambda t: bool(getattr(t, attr)),
        sentence=lambda e, a: (
            f"expected {'' if e else 'no '}{what}, "
            f"{wording().actual} has {'' if a else 'no '}{what}"
        ),
        severity=severity,
    )


def _pk_labels(t: Table) -> list[str]:
    return parts_label(t.primary_key.parts) if t.primary_key else []


TABLE_ATTRS: tuple[Attr, ...] = (
    Attr(
        "definition",
        key=lambda t, s: t.unparsed.key if t.unparsed is not None else None,
        show=lambda t: t.sql,
        sentence=lambda e, a: "definition differs",
    ),
    _flag("strict", "STRICT"),
    _flag("without_rowid", "WITHOUT ROWID"),
    _flag("autoincrement", "AUTOINCREMENT", "warning"),
    Attr(
        "primary_key",
        key=lambda t, s: parts_key(t.primary_key.parts, s) if t.primary_key else (),
        show=_pk_labels,
        sentence=lambda e, a: (
            f"primary key expected ({_cols(e) or 'none'}), actual ({_cols(a) or 'none'})"
        ),
    ),
    Attr(
        "on_conflict",
        key=lambda t, s: t.primary_key.on_conflict if t.primary_key else None,
        show=lambda t: (t.primary_key.on_conflict or "ABORT") if t.primary_key else None,
        sentence=lambda e, a: f"PRIMARY KEY ON CONFLICT expected {e}, actual {a}",
        unless=("primary_key",),
    ),
    Attr(
        "primary_key_name",
        key=lambda t, s: t.primary_key.name if t.primary_key else None,
        show=lambda t: t.primary_key.name if t.primary_key else None,
        sentence=lambda e, a: (
            f"primary key constraint is named {a or '(unnamed)'}, expected {e or '(unnamed)'}"
        ),
        severity="info",
        unless=("primary_key",),
    ),
)


def _type_severity(e: Column, a: Column) -> Any:
    return "warning" if affinity(e.type) == affinity(a.type) else "error"


def _type_sentence(e: str, a: str) -> str:
    ea, aa = affinity(e), affinity(a)
    same = f" (same {ea} affinity)" if ea == aa else f" (affinity {ea} vs {aa})"
    return f"type expected {e or '(none)'}, actual {a or '(none)'}{same}"


def _not_null(c: Column, s: Side) -> bool:
    # The rowid can never be NULL: NOT NULL on an INTEGER PRIMARY KEY changes
    # nothing (ORMs write it, hand-written DDL usually does not).
    return c.not_null or is_rowid_alias(c, s.obj)


def _not_null_conflict(c: Column, s: Side) -> str | None:
    if not c.not_null or is_rowid_alias(c, s.obj):
        return None
    return c.not_null_on_conflict


def _default(c: Column, s: Side) -> str | None:
    if c.default is None:
        return None
    key = normalize.default_key(c.default.sql)
    if not key:
        return None  # DEFAULT NULL: no default
    # A literal is stored as the column's affinity makes it: on an INTEGER column
    # DEFAULT 1.0, DEFAULT 1 and DEFAULT '1' all store the integer 1.
    table = s.obj
    kind = affinity(c.type)
    if isinstance(table, Table) and table.strict and normalize.upper(c.type.strip()) == "ANY":
        kind = "BLOB"  # ANY in a STRICT table stores values exactly as given
    stored = stored_literal(key, kind)
    return f"value:{stored}" if stored is not None else key


_NUMBER = re.compile(r"^(Neg\(this=)?#(r?)([-+0-9.eE]+|inf|nan)\)?$")
_affinity_lock = threading.Lock()


@lru_cache(maxsize=4096)
def stored_literal(key: str, affinity: str) -> str | None:
    """What SQLite stores for a literal default in a column of this affinity
    (`quote()` of the value), or None when the default is not a plain literal."""
    if key.startswith("'") and key.endswith("'"):
        literal = key
    else:
        m = _NUMBER.match(key)
        if m is None:
            return None
        literal = ("-" if m.group(1) else "") + m.group(3)
    column = {"INTEGER": "i", "REAL": "r", "NUMERIC": "n", "TEXT": "t"}.get(affinity, "b")
    with _affinity_lock:
        conn = _affinity_db()
        try:
            conn.execute(f"INSERT INTO a ({column}) VALUES ({literal})")
            found, value = conn.execute(f"SELECT quote({column}), {column} FROM a").fetchone()
            if isinstance(value, float) and math.copysign(1.0, value) < 0 and value == 0:
                found = "-0.0"  # quote() drops the sign of a negative zero; atan2 does not
        except sqlite3.Error:
            return None
        finally:
            conn.execute("DELETE FROM a")
    return str(found)


@lru_cache(maxsize=1)
def _affinity_db() -> sqlite3.Connection:
    # One column per affinity: SQLite applies it, as it does to a default.
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    conn.execute("CREATE TABLE a (i INTEGER, r REAL, n NUMERIC, t TEXT, b)")
    return conn


def _generated(c: Column) -> str | None:
    if c.generated is None and c.generated_kind is None:
        return None
    return f"{_sql(c.generated)} {normalize.upper(c.generated_kind or '')}".strip()


def _alias_text(alias: bool) -> str:
    return "an alias of the rowid" if alias else "a separate key"


COLUMN_ATTRS: tuple[Attr, ...] = (
    Attr(
        "rowid_alias",
        key=lambda c, s: is_rowid_alias(c, s.obj),
        show=None,  # the key itself: whether a column aliases the rowid needs its table
        sentence=lambda e, a: (
            f"expected {_alias_text(e)}, {wording().actual} has {_alias_text(a)}"
            " (INTEGER PRIMARY KEY and INT PRIMARY KEY differ in meaning)"
        ),
        unless=("primary_key",),
    ),
    Attr(
        "type",
        key=lambda c, s: normalize.canonical_type(c.type),
        show=lambda c: c.type,
        sentence=_type_sentence,
        severity=_type_severity,
    ),
    Attr(
        "not_null",
        key=_not_null,
        show=lambda c: c.not_null,
        sentence=lambda e, a: (
            f"expected {'NOT NULL' if e else 'nullable'}, actual {'NOT NULL' if a else 'nullable'}"
        ),
        unless=("rowid_alias",),
    ),
    Attr(
        "on_conflict",
        key=_not_null_conflict,
        show=lambda c: c.not_null_on_conflict or "ABORT",
        sentence=lambda e, a: f"NOT NULL ON CONFLICT expected {e}, actual {a}",
        unless=("not_null", "rowid_alias"),
    ),
    Attr(
        "default",
        key=_default,
        show=lambda c: _sql(c.default),
        sentence=lambda e, a: f"default expected {_none(e)}, actual {_none(a)}",
    ),
    Attr(
        "collation",
        key=lambda c, s: normalize.collation(c.collation),
        show=lambda c: normalize.collation(c.collation),
        sentence=lambda e, a: f"collation expected {e}, actual {a}",
    ),
    Attr(
        "generated",
        key=lambda c, s: (expr(c.generated, s), c.generated_kind),
        show=_generated,
        sentence=lambda e, a: (
            f"generated expression expected {e or '(not generated)'}, "
            f"actual {a or '(not generated)'}"
        ),
    ),
    Attr(
        "hidden",
        key=lambda c, s: c.hidden,
        show=lambda c: c.hidden,
        sentence=lambda e, a: (
            f"expected {'hidden' if e else 'visible'}, actual {'hidden' if a else 'visible'}"
        ),
    ),
)


def column_summary(c: Column) -> str:
    parts = [c.type] if c.type else []
    if c.primary_key:
        parts.append("PRIMARY KEY")
    if c.not_null:
        parts.append("NOT NULL")
    if c.default is not None:
        parts.append(f"DEFAULT {c.default.sql}")
    if c.collation:
        parts.append(f"COLLATE {c.collation}")
    if c.generated is not None:
        parts.append(f"AS ({c.generated.sql}) {normalize.upper(c.generated_kind or '')}".strip())
    return " ".join(parts)


def _blocking(c: Column) -> bool:
    return c.not_null and c.default is None and c.generated is None


COLUMNS = Members(
    "columns",
    "column",
    items=lambda t: t.columns,
    attrs=COLUMN_ATTRS,
    named=True,
    name_of=lambda c: c.name,
    label=lambda t, c: c.name,
    path=lambda t, c: f"{t}.{c.name}",
    prefix=lambda t, c: f"column {t}.{c.name}",
    summary=column_summary,
    missing=lambda t, c: f"column {t}.{c.name} {wording().missing}",
    unexpected=lambda t, c: (
        f"column {t}.{c.name} {wording().unexpected}"
        + (" (NOT NULL without a default: inserts that omit it fail)" if _blocking(c) else "")
    ),
    unexpected_severity=lambda c: "error" if _blocking(c) else "warning",
)


def _unique_label(u: UniqueConstraint) -> str:
    return u.name or f"UNIQUE ({_cols(parts_label(u.parts))})"


UNIQUES = Members(
    "unique",
    "index",
    items=lambda t: t.unique,
    attrs=(
        Attr(
            "columns",
            key=lambda u, s: parts_identity(u.parts, s),
            show=lambda u: parts_label(u.parts),
            sentence=lambda e, a: f"UNIQUE constraint expected ({_cols(e)}), actual ({_cols(a)})",
        ),
        Attr(
            "order",
            key=lambda u, s: tuple(p.desc for p in u.parts),
            show=lambda u: parts_label(u.parts),
            sentence=lambda e, a: f"UNIQUE constraint expected ({_cols(e)}), actual ({_cols(a)})",
            unless=("columns",),
        ),
        Attr(
            "collation",
            key=lambda u, s: tuple(p.collation for p in u.parts),
            show=lambda u: parts_label(u.parts),
            sentence=lambda e, a: f"UNIQUE constraint expected ({_cols(e)}), actual ({_cols(a)})",
            unless=("columns",),
        ),
        Attr(
            "on_conflict",
            key=lambda u, s: u.on_conflict,
            show=lambda u: u.on_conflict or "ABORT",
            sentence=lambda e, a: (
                f"UNIQUE ON CONFLICT expected {e}, actual {a}"
                + (" (REPLACE deletes the existing row)" if "REPLACE" in (e, a) else "")
            ),
        ),
        Attr(
            "constraint_name",
            key=lambda u, s: u.name,
            show=lambda u: u.name,
            sentence=lambda e, a: (
                f"UNIQUE constraint is named {a or '(unnamed)'}, expected {e or '(unnamed)'}"
            ),
            severity="info",
        ),
    ),
    named=False,
    name_of=lambda u: u.name,
    pair_by=(lambda u: tuple((p.column and fold(p.column), p.expression) for p in u.parts),),
    label=lambda t, u: _unique_label(u),
    path=lambda t, u: f"{t}.{_unique_label(u)}",
    summary=lambda u: parts_label(u.parts),
    presence_attribute="unique",
    missing=lambda t, u: (
        f"table {t}: UNIQUE constraint ({_cols(parts_label(u.parts))}) {wording().missing}"
    ),
    unexpected=lambda t, u: (
        f"table {t}: UNIQUE constraint ({_cols(parts_label(u.parts))}) {wording().unexpected}"
    ),
)


def fk_desc(f: ForeignKey) -> str:
    cols = f"({_cols(f.ref_columns)})" if f.ref_columns else ""
    return f"({_cols(f.columns)}) REFERENCES {f.ref_table}{cols}"


def _fk_target(f: ForeignKey, s: Side) -> tuple[Any, ...]:
    # A composite key is a set of column pairs: (a, b) -> p(x, y) is (b, a) -> p(y, x).
    refs = [fold(c) for c in f.ref_columns]
    pairs = sorted((fold(c), refs[i] if i < len(refs) else "") for i, c in enumerate(f.columns))
    return (fold(f.ref_table), tuple(pairs))


def _fk_target_text(f: ForeignKey) -> str:
    return f"{f.ref_table}({_cols(f.ref_columns) or 'primary key'})"


def _deferral(d: bool) -> str:
    return "DEFERRABLE INITIALLY DEFERRED" if d else "immediate"


FOREIGN_KEYS = Members(
    "foreign_keys",
    "foreign_key",
    items=lambda t: t.foreign_keys,
    attrs=(
        Attr(
            "target",
            key=_fk_target,
            show=fk_desc,
            sentence=lambda e, a: f"is {a}, expected {e}",
        ),
        Attr(
            "actions",
            key=lambda f, s: (f.on_update, f.on_delete),
            show=lambda f: {"on_update": f.on_update, "on_delete": f.on_delete},
            sentence=lambda e, a: (
                f"actions expected ON UPDATE {e['on_update']} ON DELETE "
                f"{e['on_delete']}, actual ON UPDATE {a['on_update']} ON DELETE {a['on_delete']}"
            ),
        ),
        Attr(
            "match",
            key=lambda f, s: f.match,
            show=lambda f: f.match,
            sentence=lambda e, a: f"MATCH expected {e}, actual {a}",
            severity="warning",
        ),
        Attr(
            "deferrable",
            key=lambda f, s: f.deferred,
            show=lambda f: f.deferred,
            sentence=lambda e, a: f"expected {_deferral(e)}, actual {_deferral(a)}",
        ),
        Attr(
            "constraint_name",
            key=lambda f, s: f.name,
            show=lambda f: f.name,
            sentence=lambda e, a: f"is named {a or '(unnamed)'}, expected {e or '(unnamed)'}",
            severity="info",
        ),
    ),
    named=False,
    name_of=lambda f: f.name,
    pair_by=(
        lambda f: fold(f.name) if f.name else None,
        lambda f: tuple(sorted(fold(c) for c in f.columns)),
    ),
    label=lambda t, f: f.name or fk_desc(f),
    path=lambda t, f: f"{t}.({_cols(f.columns)})",
    prefix=lambda t, f: f"table {t}: foreign key ({_cols(f.columns)})",
    summary=fk_desc,
    missing=lambda t, f: f"table {t}: foreign key {fk_desc(f)} {wording().missing}",
    unexpected=lambda t, f: f"table {t}: foreign key {fk_desc(f)} {wording().unexpected}",
)


def _check_where(t: str, c: Check) -> str:
    return f"column {t}.{c.column}" if c.column else f"table {t}"


CHECKS = Members(
    "checks",
    "check",
    items=lambda t: t.checks,
    attrs=(
        # SQLite treats a column CHECK exactly like a table CHECK: what matters is
        # the expression, not where it was written.
        Attr(
            "expression",
            key=lambda c, s: expr(c.expression, s),
            show=lambda c: c.expression.sql,
            sentence=lambda e, a: f"CHECK expected ({e}), actual ({a})",
        ),
        Attr(
            "constraint_name",
            key=lambda c, s: c.name,
            show=lambda c: c.name,
            sentence=lambda e, a: f"CHECK is named {a or '(unnamed)'}, expected {e or '(unnamed)'}",
            severity="info",
        ),
    ),
    named=False,
    name_of=lambda c: c.name,
    pair_by=(
        lambda c: fold(c.name) if c.name else None,
        lambda c: fold(c.column or ""),
    ),
    label=lambda t, c: c.name or f"CHECK ({c.expression.sql})",
    path=lambda t, c: f"{t}.{c.column}.CHECK" if c.column else f"{t}.CHECK",
    prefix=lambda t, c: _check_where(t, c),
    summary=lambda c: c.expression.sql,
    missing=lambda t, c: f"{_check_where(t, c)}: CHECK ({c.expression.sql}) {wording().missing}",
    unexpected=lambda t, c: (
        f"{_check_where(t, c)}: CHECK ({c.expression.sql}) {wording().unexpected}"
    ),
)

TABLE = Kind(TABLE_ATTRS, (COLUMNS, UNIQUES, FOREIGN_KEYS, CHECKS))


# --------------------------------------------------------------------------
# Virtual tables


def module_args(t: Table) -> tuple[Any, ...]:
    """Arguments option by option: `key = value` with the value unquoted and its case
    kept; any other argument (a column) token by token."""
    if t.virtual is None:
        return ()
    columns: list[Any] = []
    options: set[tuple[str, Any]] = set()
    prefixes: set[str] = set()
    for arg in t.virtual.args:
        opt = option(arg.sql)
        if opt is None:
            columns.append(arg.key)  # columns in their order
        elif t.virtual.module == "fts5" and opt[0] == "prefix":
            # FTS5 takes `prefix='2 3'` and `prefix=2, prefix=3` alike.
            prefixes.update(opt[1].replace(",", " ").split())
        elif opt[0] in _NAME_OPTIONS:
            options.add((opt[0], fold(opt[1])))  # a table or column name
        else:
            options.add(opt)
    if prefixes:
        options.add(("prefix", " ".join(sorted(prefixes, key=lambda p: (len(p), p)))))
    # Options in any order: each is read by its key.
    return (tuple(columns), tuple(sorted(options)))


# Options whose value names a table or column: compared as names (case folded).
_NAME_OPTIONS = frozenset({"content", "content_rowid", "languageid", "notindexed"})


_CASE_NOTE = "(SQLite ignores the case of names, but result column names keep it)"


def _column_case(e: Table, a: Table) -> list[Note]:
    """Case-only differences in a virtual table's column names: result names keep it."""
    actual = {fold(c.name): c.name for c in a.columns}
    return [
        Note(
            "column",
            c.name,
            f"{e.name}.{c.name}",
            "name",
            c.name,
            actual[fold(c.name)],
            f"column {e.name}.{c.name} is spelled {actual[fold(c.name)]} in {wording().actual} "
            + _CASE_NOTE,
        )
        for c in e.columns
        if fold(c.name) in actual and actual[fold(c.name)] != c.name
    ]


def _arguments_detail(e: Table, a: Table) -> str:
    ec, eo = module_args(e) or ((), ())
    ac, ao = module_args(a) or ((), ())
    parts = []
    if ec != ac:
        parts.append("columns")
    only_e = sorted(k for k, _ in set(eo) - set(ao))
    only_a = sorted(k for k, _ in set(ao) - set(eo))
    options = sorted(set(only_e) | set(only_a))
    if options:
        parts.append("option" + ("s " if len(options) > 1 else " ") + ", ".join(options))
    return f" ({' and '.join(parts)})" if parts else ""


VIRTUAL_TABLE = Kind(
    (
        Attr(
            "virtual",
            key=lambda t, s: t.virtual is not None,
            show=lambda t: t.virtual is not None,
            sentence=lambda e, a: (
                f"expected {'a virtual table' if e else 'an ordinary table'}, "
                f"{wording().actual} has {'a virtual table' if a else 'an ordinary table'}"
            ),
        ),
        Attr(
            "module",
            key=lambda t, s: t.virtual.module if t.virtual else None,
            show=lambda t: t.virtual.module if t.virtual else None,
            sentence=lambda e, a: f"module expected {e}, actual {a}",
            unless=("virtual",),
        ),
        Attr(
            "arguments",
            key=lambda t, s: module_args(t),
            show=lambda t: [x.sql for x in t.virtual.args] if t.virtual else [],
            sentence=lambda e, a: "module arguments differ",
            detail=_arguments_detail,
            unless=("virtual", "module"),
        ),
    ),
    notes=(_column_case,),
)


# --------------------------------------------------------------------------
# Indexes


def index_summary(i: Index) -> str:
    text = f"{'UNIQUE ' if i.unique else ''}({_cols(parts_label(i.parts))})"
    return text + (f" WHERE {i.where.sql}" if i.where is not None else "")


INDEX = Kind(
    summary=index_summary,
    attrs=(
        Attr(
            "definition",
            key=lambda i, s: i.unparsed.key if i.unparsed is not None else None,
            show=lambda i: i.sql,
            sentence=lambda e, a: "definition differs",
        ),
        Attr(
            "table",
            key=lambda i, s: fold(i.table),
            show=lambda i: i.table,
            sentence=lambda e, a: f"is on table {a}, expected {e}",
        ),
        Attr(
            "unique",
            key=lambda i, s: i.unique,
            show=lambda i: i.unique,
            sentence=lambda e, a: (
                f"expected {'UNIQUE' if e else 'not unique'}, "
                f"actual {'UNIQUE' if a else 'not unique'}"
            ),
        ),
        Attr(
            "columns",
            key=lambda i, s: tuple(fold(p.column) if p.column else None for p in i.parts),
            show=lambda i: parts_label(i.parts),
            sentence=lambda e, a: f"columns expected ({_cols(e)}), actual ({_cols(a)})",
            severity=lambda e, a: "error" if (e.unique or a.unique) else "warning",
        ),
        Attr(
            "expression",
            key=lambda i, s: tuple(expr(p.expression, s) for p in i.parts),
            show=lambda i: parts_label(i.parts),
            sentence=lambda e, a: f"expressions expected ({_cols(e)}), actual ({_cols(a)})",
            severity=lambda e, a: "error" if (e.unique or a.unique) else "warning",
            unless=("columns",),
        ),
        Attr(
            "order",
            key=lambda i, s: tuple(p.desc for p in i.parts),
            show=lambda i: parts_label(i.parts),
            sentence=lambda e, a: f"sort order expected ({_cols(e)}), actual ({_cols(a)})",
            severity="warning",
            unless=("columns", "expression"),
        ),
        Attr(
            "collation",
            key=lambda i, s: tuple(p.collation for p in i.parts),
            show=lambda i: parts_label(i.parts),
            sentence=lambda e, a: f"collation expected ({_cols(e)}), actual ({_cols(a)})",
            severity=lambda e, a: "error" if (e.unique or a.unique) else "warning",
            unless=("columns", "expression"),
        ),
        Attr(
            "where",
            key=lambda i, s: expr(i.where, s),
            show=lambda i: _sql(i.where),
            sentence=lambda e, a: f"partial-index WHERE expected {_none(e)}, actual {_none(a)}",
            severity=lambda e, a: "error" if (e.unique or a.unique) else "warning",
        ),
    ),
)

UNPARSED_INDEX = Kind(INDEX.attrs[:1], summary=index_summary)


# --------------------------------------------------------------------------
# Views and triggers


def _view_key(v: View, s: Side) -> Any:
    if v.unparsed is not None:
        return ("unparsed", v.unparsed.key)
    if v.output is not None:
        # The names of the result columns are compared as SQLite reports them, so
        # `v (a, b) AS SELECT x, y` is `AS SELECT x AS a, y AS b`.
        return (
            normalize.select_key(v.select.sql, s.strings, aliases=False, collated=s.collated),
            tuple(fold(c) for c in v.output),
        )
    return (
        normalize.select_key(v.select.sql, s.strings, collated=s.collated),
        tuple(fold(c) for c in v.columns or ()),
    )


def _output_case(e: View, a: View) -> list[Note]:
    if e.output is None or a.output is None or len(e.output) != len(a.output):
        return []
    if [fold(c) for c in e.output] != [fold(c) for c in a.output] or e.output == a.output:
        return []
    return [
        Note(
            "view",
            e.name,
            e.name,
            "column_name",
            list(e.output),
            list(a.output),
            f"view {e.name}: result column names are spelled ({_cols(a.output)}) in "
            f"{wording().actual}, expected ({_cols(e.output)}) " + _CASE_NOTE,
        )
    ]


def _view_detail(e: View, a: View) -> str:
    if (
        e.output is not None
        and a.output is not None
        and [fold(c) for c in e.output] != [fold(c) for c in a.output]
    ):
        return f": result columns expected ({_cols(e.output)}), actual ({_cols(a.output)})"
    return ": the SELECT differs"


def _body_detail(e: Trigger, a: Trigger) -> str:
    if len(e.body) != len(a.body):
        return f" ({len(e.body)} statements expected, {len(a.body)} found)"
    for n, (x, y) in enumerate(zip(e.body, a.body, strict=True), 1):
        if normalize.statement_key(x.sql) != normalize.statement_key(y.sql):
            return f" (statement {n}: expected {x.sql.strip()!r}, actual {y.sql.strip()!r})"
    return ""


VIEW = Kind(
    (
        Attr(
            "definition",
            key=_view_key,
            show=lambda v: v.sql,
            sentence=lambda e, a: "definition differs",
            detail=_view_detail,
        ),
        Attr(
            "compiles",
            key=lambda v, s: v.error is None,
            show=lambda v: v.error,
            sentence=lambda e, a: (
                f"does not compile in {wording().actual}: {a}"
                if a
                else f"compiles in {wording().actual}, expected it not to ({e})"
            ),
            unless=("definition",),
        ),
    ),
    notes=(_output_case,),
    summary=lambda v: v.sql,
)


TRIGGER = Kind(
    summary=lambda t: t.sql,
    attrs=(
        Attr(
            "definition",
            key=lambda t, s: t.unparsed.key if t.unparsed is not None else None,
            show=lambda t: t.sql,
            sentence=lambda e, a: "definition differs",
        ),
        Attr(
            "table",
            key=lambda t, s: fold(t.table),
            show=lambda t: t.table,
            sentence=lambda e, a: f"is on table {a}, expected {e}",
        ),
        Attr(
            "event",
            key=lambda t, s: (t.timing, t.event),
            show=lambda t: f"{t.timing} {t.event}",
            sentence=lambda e, a: f"fires {a}, expected {e}",
        ),
        Attr(
            "update_of",
            key=lambda t, s: tuple(sorted(map(fold, t.update_of))),
            show=lambda t: list(t.update_of),
            sentence=lambda e, a: f"UPDATE OF expected ({_cols(e)}), actual ({_cols(a)})",
        ),
        Attr(
            "when",
            key=lambda t, s: expr(t.when, s),
            show=lambda t: _sql(t.when),
            sentence=lambda e, a: f"WHEN expected {_none(e)}, actual {_none(a)}",
        ),
        Attr(
            "body",
            key=lambda t, s: tuple(
                normalize.statement_key(b.sql, s.strings, s.collated) for b in t.body
            ),
            show=lambda t: [b.sql for b in t.body],
            sentence=lambda e, a: "body differs",
            detail=_body_detail,
        ),
    ),
)

UNPARSED_TRIGGER = Kind(TRIGGER.attrs[:1], summary=lambda t: t.sql)


def kind_of(obj: Any, other: Any) -> Kind:
    """The table for an object, or for a pair (the pair decides the variant)."""
    pair = (obj, other) if other is not None else (obj,)
    if isinstance(obj, Table):
        return VIRTUAL_TABLE if any(t.virtual is not None for t in pair) else TABLE
    if isinstance(obj, Index):
        return UNPARSED_INDEX if any(i.unparsed is not None for i in pair) else INDEX
    if isinstance(obj, View):
        return VIEW
    if isinstance(obj, Trigger):
        return UNPARSED_TRIGGER if any(t.unparsed is not None for t in pair) else TRIGGER
    raise TypeError(f"not a schema object: {type(obj).__name__}")


def _collated(obj: Any) -> frozenset[str]:
    """Columns in scope whose collation is not BINARY (a table knows its own)."""
    if isinstance(obj, Table):
        return frozenset(
            fold(c.name) for c in obj.columns if normalize.collation(c.collation) != "BINARY"
        )
    return frozenset(getattr(obj, "collated", ()))


RULES = Rules(
    kind_of=kind_of,
    strings=lambda o: frozenset(getattr(o, "strings", ())),
    collated=_collated,
)
