"""Schema x Schema -> Changes.

Both schemas are already normalised (every piece of SQL carries its canonical
key), so comparing is `==` on keys. Objects are matched by name first (SQLite
folds ASCII case), then by structure: unnamed CHECKs, UNIQUE constraints and
foreign keys by what they contain, and named objects that differ only in name
are reported as renamed rather than dropped and added. Every change says what
was expected, what was found, how much it matters, and why, in one sentence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from difflib import SequenceMatcher
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from driftcheck import normalize
from driftcheck.model import (
    Check,
    Column,
    ForeignKey,
    Index,
    KeyPart,
    Schema,
    SqlText,
    Table,
    Trigger,
    UniqueConstraint,
    View,
    canonical,
)
from driftcheck.normalize import fold

ObjectType = Literal["table", "column", "index", "foreign_key", "check", "view", "trigger"]
Severity = Literal["error", "warning", "info"]


class Change(BaseModel):
    """One difference between the expected schema and the database."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    object_type: ObjectType
    change: Literal["missing", "unexpected", "changed"]
    table: str | None
    name: str
    path: str
    attribute: str | None = None
    expected: Any = None
    actual: Any = None
    severity: Severity
    message: str


_TYPE_ORDER = {
    "table": 0,
    "column": 1,
    "check": 2,
    "foreign_key": 3,
    "index": 4,
    "trigger": 5,
    "view": 6,
}


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        changes,
        key=lambda c: (
            fold(c.table or c.name),
            _TYPE_ORDER[c.object_type],
            fold(c.name),
            c.attribute or "",
            c.change,
            c.path,
        ),
    )


def diff_schemas(
    expected: Schema, actual: Schema, same: Collection[tuple[str, str]] = ()
) -> list[Change]:
    """Every difference between `expected` and `actual`, sorted deterministically.

    `same` may name objects, as (kind, folded name), already known to be equal
    in canonical form: they are not compared again (a speed-up for searching
    many versions; the final report always diffs everything).
    """
    d = _Differ(expected, actual, same)
    d.tables()
    d.indexes()
    d.views()
    d.triggers()
    return sort_changes(d.changes)


T = TypeVar("T")


def _match(
    expected: Iterable[T], actual: Iterable[T], key: Callable[[T], Any]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair items by key; return (pairs, only expected, only actual), order kept."""
    pool: dict[Any, list[T]] = {}
    for a in actual:
        pool.setdefault(key(a), []).append(a)
    pairs: list[tuple[T, T]] = []
    missing: list[T] = []
    for e in expected:
        bucket = pool.get(key(e))
        if bucket:
            pairs.append((e, bucket.pop(0)))
        else:
            missing.append(e)
    matched = {id(a) for _, a in pairs}
    unexpected = [a for a in actual if id(a) not in matched]
    return pairs, missing, unexpected


def _without_name(obj: Any) -> Any:
    c = canonical(obj)
    c.pop("name", None)
    return repr(c)


def _sql(value: SqlText | None) -> str | None:
    return value.sql if value is not None else None


def _how(*values: SqlText | None) -> str:
    if any(v is not None and v.token_compared for v in values):
        return " (compared token by token: sqlglot could not parse it)"
    return ""


def _parts_label(parts: Sequence[KeyPart]) -> list[str]:
    return [p.label for p in parts]


def _parts_identity(parts: Sequence[KeyPart]) -> tuple[Any, ...]:
    return tuple(
        (
            fold(p.column) if p.column is not None else None,
            p.expression.key if p.expression is not None else None,
        )
        for p in parts
    )


def _parts_key(parts: Sequence[KeyPart]) -> tuple[Any, ...]:
    return tuple(
        (*ident, p.collation, p.desc)
        for ident, p in zip(_parts_identity(parts), parts, strict=True)
    )


def _cols(names: Sequence[str]) -> str:
    return ", ".join(names)


class _Differ:
    def __init__(
        self, expected: Schema, actual: Schema, same: Collection[tuple[str, str]] = ()
    ) -> None:
        self.expected = expected
        self.actual = actual
        self.same = same
        self.changes: list[Change] = []
        self.exp_tables = {fold(n): t for n, t in expected.tables.items()}
        self.act_tables = {fold(n): t for n, t in actual.tables.items()}

    def add(
        self,
        object_type: ObjectType,
        change: Literal["missing", "unexpected", "changed"],
        *,
        table: str | None,
        name: str,
        path: str,
        severity: Severity,
        message: str,
        attribute: str | None = None,
        expected: Any = None,
        actual: Any = None,
    ) -> None:
        self.changes.append(
            Change(
                object_type=object_type,
                change=change,
                table=table,
                name=name,
                path=path,
                attribute=attribute,
                expected=expected,
                actual=actual,
                severity=severity,
                message=message,
            )
        )

    def _table_changed(
        self,
        n: str,
        *,
        attribute: str,
        expected: Any,
        actual: Any,
        severity: Severity,
        message: str,
    ) -> None:
        self.add(
            "table",
            "changed",
            table=n,
            name=n,
            path=n,
            attribute=attribute,
            expected=expected,
            actual=actual,
            severity=severity,
            message=message,
        )

    def _renamed(
        self,
        object_type: ObjectType,
        missing: list[Any],
        unexpected: list[Any],
        table_of: Callable[[Any], str | None],
    ) -> tuple[list[Any], list[Any]]:
        """Pair objects that differ only in name: report a rename, not a drop and an add."""
        if not missing or not unexpected:
            return missing, unexpected
        pairs, missing, unexpected = _match(missing, unexpected, _without_name)
        for e, a in pairs:
            self.add(
                object_type,
                "changed",
                table=table_of(a),
                name=e.name,
                path=e.name,
                attribute="name",
                expected=e.name,
                actual=a.name,
                severity="warning",
                message=f"{object_type} {e.name} is named {a.name} in the database "
                "(same definition, different name)",
            )
        return missing, unexpected

    def _name_case(
        self, object_type: ObjectType, e: Any, a: Any, table: str | None, path: str
    ) -> None:
        if e.name != a.name:
            self.add(
                object_type,
                "changed",
                table=table,
                name=e.name,
                path=path,
                attribute="name",
                expected=e.name,
                actual=a.name,
                severity="info",
                message=f"{object_type} {path} is spelled {a.name} in the database "
                "(SQLite ignores the case of names, but result column names "
                "keep it)",
            )

    def _objects(
        self,
        kind: ObjectType,
        expected: Iterable[Any],
        actual: Iterable[Any],
        compare: Callable[[Any, Any], None],
        *,
        table_of: Callable[[Any], str | None],
        label: Callable[[Any], str],
        severity: Callable[[Any, bool], Severity],
        summary: Callable[[Any], Any] = lambda o: None,
        consequence: Callable[[Any], str] = lambda o: "",
    ) -> None:
        """Top-level objects of one kind: matched by name, then renames, then the rest."""
        pairs, missing, unexpected = _match(expected, actual, lambda o: fold(o.name))
        missing, unexpected = self._renamed(kind, missing, unexpected, table_of)
        for o in missing:
            self.add(
                kind,
                "missing",
                table=table_of(o),
                name=o.name,
                path=o.name,
                expected=summary(o),
                severity=severity(o, True),
                message=f"{label(o)} is missing",
            )
        for o in unexpected:
            self.add(
                kind,
                "unexpected",
                table=table_of(o),
                name=o.name,
                path=o.name,
                actual=summary(o),
                severity=severity(o, False),
                message=f"{label(o)} exists in the database but no migration creates it"
                f"{consequence(o)}",
            )
        for e, a in pairs:
            if (kind, fold(e.name)) not in self.same:
                compare(e, a)

    # -- tables -------------------------------------------------------------
    def tables(self) -> None:
        self._objects(
            "table",
            self.expected.tables.values(),
            self.actual.tables.values(),
            self.table,
            table_of=lambda t: t.name,
            label=lambda t: f"table {t.name}",
            severity=lambda t, missing: "error" if missing else "warning",
        )

    def table(self, e: Table, a: Table) -> None:
        n = e.name
        self._name_case("table", e, a, n, n)
        if e.virtual is not None or a.virtual is not None:
            self.virtual_table(e, a)
            return
        if (e.unparsed is not None or a.unparsed is not None) and e.unparsed != a.unparsed:
            self._table_changed(
                n,
                attribute="definition",
                expected=e.sql,
                actual=a.sql,
                severity="error",
                message=f"table {n}: definition differs{_how(e.unparsed, a.unparsed)}",
            )
        for attr, sev, what in (
            ("strict", "error", "STRICT"),
            ("without_rowid", "error", "WITHOUT ROWID"),
            ("autoincrement", "warning", "AUTOINCREMENT"),
        ):
            ev, av = getattr(e, attr), getattr(a, attr)
            if ev != av:
                self._table_changed(
                    n,
                    attribute=attr,
                    expected=ev,
                    actual=av,
                    severity=sev,  # type: ignore[arg-type]
                    message=f"table {n}: expected {'' if ev else 'no '}{what}, "
                    f"the database has {'' if av else 'no '}{what}",
                )
        self.primary_key(e, a)
        self.columns(e, a)
        self.uniques(e, a)
        self.foreign_keys(e, a)
        self.checks(e, a)

    def virtual_table(self, e: Table, a: Table) -> None:
        n = e.name
        if (e.virtual is None) != (a.virtual is None):

            def kind(t: Table) -> str:
                return "a virtual table" if t.virtual else "an ordinary table"

            self._table_changed(
                n,
                attribute="virtual",
                expected=e.virtual is not None,
                actual=a.virtual is not None,
                severity="error",
                message=f"table {n}: expected {kind(e)}, the database has {kind(a)}",
            )
            return
        assert e.virtual is not None and a.virtual is not None
        if e.virtual.module != a.virtual.module:
            self._table_changed(
                n,
                attribute="module",
                expected=e.virtual.module,
                actual=a.virtual.module,
                severity="error",
                message=f"virtual table {n}: module expected {e.virtual.module}, "
                f"actual {a.virtual.module}",
            )
        elif e.virtual.args != a.virtual.args:
            self._table_changed(
                n,
                attribute="arguments",
                expected=[x.sql for x in e.virtual.args],
                actual=[x.sql for x in a.virtual.args],
                severity="error",
                message=f"virtual table {n}: module arguments differ",
            )

    def primary_key(self, e: Table, a: Table) -> None:
        n = e.name
        ek = _parts_key(e.primary_key.parts) if e.primary_key else ()
        ak = _parts_key(a.primary_key.parts) if a.primary_key else ()
        ev = _parts_label(e.primary_key.parts) if e.primary_key else []
        av = _parts_label(a.primary_key.parts) if a.primary_key else []
        if ek != ak:
            self._table_changed(
                n,
                attribute="primary_key",
                expected=ev,
                actual=av,
                severity="error",
                message=f"table {n}: primary key expected "
                f"({_cols(ev) or 'none'}), actual ({_cols(av) or 'none'})",
            )
        elif (e.rowid_alias is None) != (a.rowid_alias is None):
            alias = e.rowid_alias or a.rowid_alias
            self.add(
                "column",
                "changed",
                table=n,
                name=alias or "",
                path=f"{n}.{alias}",
                attribute="rowid_alias",
                expected=e.rowid_alias is not None,
                actual=a.rowid_alias is not None,
                severity="error",
                message=f"column {n}.{alias}: expected "
                f"{'an alias of the rowid' if e.rowid_alias else 'a separate key'}"
                ", the database has "
                f"{'an alias of the rowid' if a.rowid_alias else 'a separate key'}"
                " (INTEGER PRIMARY KEY and INT PRIMARY KEY differ in meaning)",
            )
        elif (
            e.primary_key
            and a.primary_key
            and e.primary_key.on_conflict != a.primary_key.on_conflict
        ):
            ec, ac = e.primary_key.on_conflict or "ABORT", a.primary_key.on_conflict or "ABORT"
            self._table_changed(
                n,
                attribute="on_conflict",
                expected=ec,
                actual=ac,
                severity="error",
                message=f"table {n}: PRIMARY KEY ON CONFLICT expected {ec}, actual {ac}",
            )
        if e.primary_key and a.primary_key and e.primary_key.name != a.primary_key.name:
            self._table_changed(
                n,
                attribute="primary_key_name",
                expected=e.primary_key.name,
                actual=a.primary_key.name,
                severity="info",
                message=f"table {n}: primary key constraint is named "
                f"{a.primary_key.name or '(unnamed)'}, expected "
                f"{e.primary_key.name or '(unnamed)'}",
            )

    # -- columns ------------------------------------------------------------
    def columns(self, e: Table, a: Table) -> None:
        n = e.name
        pairs, missing, unexpected = _match(e.columns, a.columns, lambda c: fold(c.name))
        for c in missing:
            self.add(
                "column",
                "missing",
                table=n,
                name=c.name,
                path=f"{n}.{c.name}",
                expected=_column_summary(c),
                severity="error",
                message=f"column {n}.{c.name} is missing",
            )
        for c in unexpected:
            blocking = c.not_null and c.default is None and c.generated is None
            self.add(
                "column",
                "unexpected",
                table=n,
                name=c.name,
                path=f"{n}.{c.name}",
                actual=_column_summary(c),
                severity="error" if blocking else "warning",
                message=f"column {n}.{c.name} exists in the database but no migration "
                "creates it"
                + (" (NOT NULL without a default: inserts that omit it fail)" if blocking else ""),
            )
        for ec, ac in pairs:
            alias = (
                e.rowid_alias is not None
                and a.rowid_alias is not None
                and fold(e.rowid_alias) == fold(ec.name)
                and fold(a.rowid_alias) == fold(ac.name)
            )
            self.column(n, ec, ac, rowid_alias=alias)
        # Column order: the columns outside a longest common subsequence of the
        # two orders are the ones that moved (one moved column, one change).
        common = {fold(ec.name) for ec, _ in pairs}
        exp_order = [fold(c.name) for c in e.columns if fold(c.name) in common]
        act_order = [fold(c.name) for c in a.columns if fold(c.name) in common]
        if exp_order != act_order:
            kept: set[str] = set()
            matcher = SequenceMatcher(None, exp_order, act_order, autojunk=False)
            for block in matcher.get_matching_blocks():
                kept.update(exp_order[block.a : block.a + block.size])
            exp_pos = {fold(c.name): i + 1 for i, c in enumerate(e.columns)}
            act_pos = {fold(c.name): i + 1 for i, c in enumerate(a.columns)}
            for ec, _ in pairs:
                f = fold(ec.name)
                if f not in kept:
                    self.add(
                        "column",
                        "changed",
                        table=n,
                        name=ec.name,
                        path=f"{n}.{ec.name}",
                        attribute="position",
                        expected=exp_pos[f],
                        actual=act_pos[f],
                        severity="info",
                        message=f"column {n}.{ec.name} is at position {act_pos[f]}, "
                        f"expected {exp_pos[f]} (matters to SELECT * and INSERT "
                        "without a column list)",
                    )

    def column(self, table: str, e: Column, a: Column, rowid_alias: bool = False) -> None:
        path = f"{table}.{e.name}"

        def add(attr: str, ev: Any, av: Any, sev: Severity, msg: str) -> None:
            self.add(
                "column",
                "changed",
                table=table,
                name=e.name,
                path=path,
                attribute=attr,
                expected=ev,
                actual=av,
                severity=sev,
                message=f"column {path}: {msg}",
            )

        self._name_case("column", e, a, table, path)
        if normalize.canonical_type(e.type) != normalize.canonical_type(a.type):
            same = e.affinity == a.affinity
            add(
                "type",
                e.type,
                a.type,
                "warning" if same else "error",
                f"type expected {e.type or '(none)'}, actual {a.type or '(none)'}"
                + (
                    f" (same {e.affinity} affinity)"
                    if same
                    else f" (affinity {e.affinity} vs {a.affinity})"
                ),
            )
        # The rowid can never be NULL: NOT NULL on an INTEGER PRIMARY KEY changes
        # nothing (SQLAlchemy writes it, hand-written DDL usually does not).
        if e.not_null != a.not_null and not rowid_alias:
            add(
                "not_null",
                e.not_null,
                a.not_null,
                "error",
                f"expected {'NOT NULL' if e.not_null else 'nullable'}, "
                f"actual {'NOT NULL' if a.not_null else 'nullable'}",
            )
        elif e.not_null and a.not_null and e.not_null_on_conflict != a.not_null_on_conflict:
            add(
                "on_conflict",
                e.not_null_on_conflict or "ABORT",
                a.not_null_on_conflict or "ABORT",
                "error",
                f"NOT NULL ON CONFLICT expected {e.not_null_on_conflict or 'ABORT'}, "
                f"actual {a.not_null_on_conflict or 'ABORT'}",
            )
        if e.default != a.default:
            add(
                "default",
                _sql(e.default),
                _sql(a.default),
                "error",
                f"default expected {_sql(e.default) or '(none)'}, "
                f"actual {_sql(a.default) or '(none)'}{_how(e.default, a.default)}",
            )
        if normalize.collation(e.collation) != normalize.collation(a.collation):
            add(
                "collation",
                normalize.collation(e.collation),
                normalize.collation(a.collation),
                "error",
                f"collation expected {normalize.collation(e.collation)}, "
                f"actual {normalize.collation(a.collation)}",
            )
        if e.generated != a.generated or e.generated_kind != a.generated_kind:
            ev = f"{_sql(e.generated)} {normalize.upper(e.generated_kind or '')}".strip() or None
            av = f"{_sql(a.generated)} {normalize.upper(a.generated_kind or '')}".strip() or None
            add(
                "generated",
                ev,
                av,
                "error",
                f"generated expression expected {ev or '(not generated)'}, "
                f"actual {av or '(not generated)'}{_how(e.generated, a.generated)}",
            )
        if e.hidden != a.hidden:
            add(
                "hidden",
                e.hidden,
                a.hidden,
                "error",
                f"expected {'hidden' if e.hidden else 'visible'}, "
                f"actual {'hidden' if a.hidden else 'visible'}",
            )

    # -- constraints ----------------------------------------------------------
    def uniques(self, e: Table, a: Table) -> None:
        n = e.name
        pairs, missing, unexpected = _match(e.unique, a.unique, lambda u: _parts_identity(u.parts))

        def label(u: UniqueConstraint) -> str:
            return u.name or f"UNIQUE ({_cols(_parts_label(u.parts))})"

        for u in missing:
            self.add(
                "index",
                "missing",
                table=n,
                name=label(u),
                path=f"{n}.{label(u)}",
                attribute="unique",
                expected=_parts_label(u.parts),
                severity="error",
                message=f"table {n}: UNIQUE constraint ({_cols(_parts_label(u.parts))}) is missing",
            )
        for u in unexpected:
            self.add(
                "index",
                "unexpected",
                table=n,
                name=label(u),
                path=f"{n}.{label(u)}",
                attribute="unique",
                actual=_parts_label(u.parts),
                severity="error",
                message=f"table {n}: UNIQUE constraint ({_cols(_parts_label(u.parts))}) "
                "exists in the database but no migration creates it",
            )
        for eu, au in pairs:
            el, al = _parts_label(eu.parts), _parts_label(au.parts)
            for attr, differs in (
                ("order", [p.desc for p in eu.parts] != [p.desc for p in au.parts]),
                ("collation", [p.collation for p in eu.parts] != [p.collation for p in au.parts]),
            ):
                if differs:
                    self.add(
                        "index",
                        "changed",
                        table=n,
                        name=label(eu),
                        path=f"{n}.{label(eu)}",
                        attribute=attr,
                        expected=el,
                        actual=al,
                        severity="error",
                        message=f"table {n}: UNIQUE constraint expected ({_cols(el)}), "
                        f"actual ({_cols(al)})",
                    )
            if eu.on_conflict != au.on_conflict:
                ec, ac = eu.on_conflict or "ABORT", au.on_conflict or "ABORT"
                self.add(
                    "index",
                    "changed",
                    table=n,
                    name=label(eu),
                    path=f"{n}.{label(eu)}",
                    attribute="on_conflict",
                    expected=ec,
                    actual=ac,
                    severity="error",
                    message=f"table {n}: UNIQUE ({_cols(el)}) ON CONFLICT expected {ec}, "
                    f"actual {ac}"
                    + (" (REPLACE deletes the existing row)" if "REPLACE" in (ec, ac) else ""),
                )
            if eu.name != au.name:
                self.add(
                    "index",
                    "changed",
                    table=n,
                    name=label(eu),
                    path=f"{n}.{label(eu)}",
                    attribute="constraint_name",
                    expected=eu.name,
                    actual=au.name,
                    severity="info",
                    message=f"table {n}: UNIQUE constraint ({_cols(_parts_label(eu.parts))})"
                    f" is named {au.name or '(unnamed)'}, expected "
                    f"{eu.name or '(unnamed)'}",
                )

    def _ref_columns(self, fk: ForeignKey, tables: dict[str, Table]) -> list[str]:
        """The referenced columns; an omitted list means the target's primary key."""
        if fk.ref_columns:
            return [fold(c) for c in fk.ref_columns]
        target = tables.get(fold(fk.ref_table))
        if target is not None and target.primary_key is not None:
            return [fold(p.column or "") for p in target.primary_key.parts]
        return []

    def _targets(self, fk: ForeignKey, tables: dict[str, Table]) -> dict[str, str]:
        """Child column -> referenced column, for comparing keys in any column order."""
        refs = self._ref_columns(fk, tables)
        return {fold(c): (refs[i] if i < len(refs) else "") for i, c in enumerate(fk.columns)}

    def foreign_keys(self, e: Table, a: Table) -> None:
        n = e.name
        # A composite key is a set of column pairs: (a, b) -> p(x, y) is the
        # same key as (b, a) -> p(y, x).
        pairs, missing, unexpected = _match(
            e.foreign_keys, a.foreign_keys, lambda f: tuple(sorted(fold(c) for c in f.columns))
        )

        def desc(f: ForeignKey) -> str:
            cols = f"({_cols(f.ref_columns)})" if f.ref_columns else ""
            return f"({_cols(f.columns)}) REFERENCES {f.ref_table}{cols}"

        def path(f: ForeignKey) -> str:
            return f"{n}.({_cols(f.columns)})"

        for f in missing:
            self.add(
                "foreign_key",
                "missing",
                table=n,
                name=f.name or desc(f),
                path=path(f),
                expected=desc(f),
                severity="error",
                message=f"table {n}: foreign key {desc(f)} is missing",
            )
        for f in unexpected:
            self.add(
                "foreign_key",
                "unexpected",
                table=n,
                name=f.name or desc(f),
                path=path(f),
                actual=desc(f),
                severity="error",
                message=f"table {n}: foreign key {desc(f)} exists in the database but no "
                "migration creates it",
            )
        for ef, af in pairs:
            name = ef.name or desc(ef)

            def add(
                attr: str,
                ev: Any,
                av: Any,
                sev: Severity,
                msg: str,
                ef: ForeignKey = ef,
                name: str = name,
            ) -> None:
                self.add(
                    "foreign_key",
                    "changed",
                    table=n,
                    name=name,
                    path=path(ef),
                    attribute=attr,
                    expected=ev,
                    actual=av,
                    severity=sev,
                    message=f"table {n}: foreign key ({_cols(ef.columns)}) {msg}",
                )

            et = (fold(ef.ref_table), self._targets(ef, self.exp_tables))
            at = (fold(af.ref_table), self._targets(af, self.act_tables))
            if et != at:
                add(
                    "target",
                    desc(ef),
                    desc(af),
                    "error",
                    f"references {af.ref_table}({_cols(af.ref_columns) or 'primary key'}), "
                    f"expected {ef.ref_table}({_cols(ef.ref_columns) or 'primary key'})",
                )
            ea = {"on_update": ef.on_update, "on_delete": ef.on_delete}
            aa = {"on_update": af.on_update, "on_delete": af.on_delete}
            if ea != aa:
                add(
                    "actions",
                    ea,
                    aa,
                    "error",
                    f"actions expected ON UPDATE {ef.on_update} ON DELETE {ef.on_delete}, "
                    f"actual ON UPDATE {af.on_update} ON DELETE {af.on_delete}",
                )
            if ef.match != af.match:
                add(
                    "match",
                    ef.match,
                    af.match,
                    "warning",
                    f"MATCH expected {ef.match}, actual {af.match}",
                )
            if ef.deferred != af.deferred:
                add(
                    "deferrable",
                    ef.deferred,
                    af.deferred,
                    "error",
                    f"expected {'DEFERRABLE INITIALLY DEFERRED' if ef.deferred else 'immediate'}"
                    f", actual {'DEFERRABLE INITIALLY DEFERRED' if af.deferred else 'immediate'}",
                )
            if ef.name != af.name:
                add(
                    "constraint_name",
                    ef.name,
                    af.name,
                    "info",
                    f"is named {af.name or '(unnamed)'}, expected {ef.name or '(unnamed)'}",
                )

    def checks(self, e: Table, a: Table) -> None:
        n = e.name

        def where(c: Check) -> str:
            return f"column {n}.{c.column}" if c.column else f"table {n}"

        def path(c: Check) -> str:
            return f"{n}.{c.column}.CHECK" if c.column else f"{n}.CHECK"

        def label(c: Check) -> str:
            return c.name or f"CHECK ({c.expression.sql})"

        # Named checks by name, then the rest by what they check.
        named, e_rest, a_rest = _match(
            [c for c in e.checks if c.name],
            [c for c in a.checks if c.name],
            lambda c: fold(c.name or ""),
        )
        e_rest += [c for c in e.checks if not c.name]
        a_rest += [c for c in a.checks if not c.name]
        # SQLite treats a column CHECK exactly like a table CHECK: what matters is
        # the expression, not where it was written.
        same, e_rest, a_rest = _match(e_rest, a_rest, lambda c: c.expression.key)
        for ec, ac in same:
            if ec.name != ac.name:
                self.add(
                    "check",
                    "changed",
                    table=n,
                    name=label(ec),
                    path=path(ec),
                    attribute="constraint_name",
                    expected=ec.name,
                    actual=ac.name,
                    severity="info",
                    message=f"{where(ec)}: CHECK ({ec.expression.sql}) is named "
                    f"{ac.name or '(unnamed)'}, expected {ec.name or '(unnamed)'}",
                )
        # What remains differs in its expression: pair by column when unambiguous.
        changed: list[tuple[Check, Check]] = list(named)

        def col(c: Check) -> str:
            return fold(c.column or "")

        e_count = Counter(map(col, e_rest))
        a_count = Counter(map(col, a_rest))
        unambiguous = {k for k, v in e_count.items() if v == 1 and a_count[k] == 1}
        by_col, _, _ = _match(
            [c for c in e_rest if col(c) in unambiguous],
            [c for c in a_rest if col(c) in unambiguous],
            col,
        )
        changed.extend(by_col)
        e_rest = [c for c in e_rest if col(c) not in unambiguous]
        a_rest = [c for c in a_rest if col(c) not in unambiguous]
        for ec, ac in changed:
            if ec.expression != ac.expression:
                self.add(
                    "check",
                    "changed",
                    table=n,
                    name=label(ec),
                    path=path(ec),
                    attribute="expression",
                    expected=ec.expression.sql,
                    actual=ac.expression.sql,
                    severity="error",
                    message=f"{where(ec)}: CHECK expected ({ec.expression.sql}), actual "
                    f"({ac.expression.sql}){_how(ec.expression, ac.expression)}",
                )
        for c in e_rest:
            self.add(
                "check",
                "missing",
                table=n,
                name=label(c),
                path=path(c),
                expected=c.expression.sql,
                severity="error",
                message=f"{where(c)}: CHECK ({c.expression.sql}) is missing",
            )
        for c in a_rest:
            self.add(
                "check",
                "unexpected",
                table=n,
                name=label(c),
                path=path(c),
                actual=c.expression.sql,
                severity="error",
                message=f"{where(c)}: CHECK ({c.expression.sql}) exists in the database "
                "but no migration creates it",
            )

    # -- indexes --------------------------------------------------------------
    def indexes(self) -> None:
        self._objects(
            "index",
            self.expected.indexes.values(),
            self.actual.indexes.values(),
            self.index,
            table_of=lambda i: i.table,
            label=lambda i: f"{'unique ' if i.unique else ''}index {i.name} on {i.table}",
            summary=_index_summary,
            severity=lambda i, missing: "error" if i.unique else "warning",
            consequence=lambda i: (
                " (it rejects rows the application may write)" if i.unique else ""
            ),
        )

    def index(self, e: Index, a: Index) -> None:
        n = e.name
        sev: Severity = "error" if (e.unique or a.unique) else "warning"

        def add(attr: str, ev: Any, av: Any, severity: Severity, msg: str) -> None:
            self.add(
                "index",
                "changed",
                table=e.table,
                name=n,
                path=n,
                attribute=attr,
                expected=ev,
                actual=av,
                severity=severity,
                message=f"index {n}: {msg}",
            )

        self._name_case("index", e, a, e.table, n)
        if e.unparsed is not None or a.unparsed is not None:
            if e.unparsed != a.unparsed:
                add(
                    "definition",
                    e.sql,
                    a.sql,
                    sev,
                    f"definition differs{_how(e.unparsed, a.unparsed)}",
                )
            return
        if fold(e.table) != fold(a.table):
            add("table", e.table, a.table, "error", f"is on table {a.table}, expected {e.table}")
        if e.unique != a.unique:
            add(
                "unique",
                e.unique,
                a.unique,
                "error",
                f"expected {'UNIQUE' if e.unique else 'not unique'}, "
                f"actual {'UNIQUE' if a.unique else 'not unique'}",
            )
        ei, ai = _parts_identity(e.parts), _parts_identity(a.parts)
        el, al = _parts_label(e.parts), _parts_label(a.parts)
        if ei != ai:
            only_exprs = len(ei) == len(ai) and all(
                (x[0] is None) == (y[0] is None) and x[0] == y[0]
                for x, y in zip(ei, ai, strict=False)
            )
            attr = "expression" if only_exprs else "columns"
            add(
                attr,
                el,
                al,
                sev,
                f"{'expressions' if only_exprs else 'columns'} expected "
                f"({_cols(el)}), actual ({_cols(al)})"
                f"{_how(*(p.expression for p in (*e.parts, *a.parts)))}",
            )
        else:
            if [p.desc for p in e.parts] != [p.desc for p in a.parts]:
                add(
                    "order",
                    el,
                    al,
                    "warning",
                    f"sort order expected ({_cols(el)}), actual ({_cols(al)})",
                )
            if [p.collation for p in e.parts] != [p.collation for p in a.parts]:
                add(
                    "collation",
                    el,
                    al,
                    sev,
                    f"collation expected ({_cols(el)}), actual ({_cols(al)})",
                )
        if e.where != a.where:
            add(
                "where",
                _sql(e.where),
                _sql(a.where),
                sev,
                f"partial-index WHERE expected {_sql(e.where) or '(none)'}, "
                f"actual {_sql(a.where) or '(none)'}{_how(e.where, a.where)}",
            )

    # -- views and triggers ---------------------------------------------------
    def views(self) -> None:
        self._objects(
            "view",
            self.expected.views.values(),
            self.actual.views.values(),
            self.view,
            table_of=lambda v: None,
            label=lambda v: f"view {v.name}",
            summary=lambda v: v.sql,
            severity=lambda v, missing: "error" if missing else "warning",
        )

    def view(self, e: View, a: View) -> None:
        n = e.name
        self._name_case("view", e, a, None, n)
        ek = (e.unparsed, e.select, [fold(c) for c in e.columns or ()])
        ak = (a.unparsed, a.select, [fold(c) for c in a.columns or ()])
        if ek != ak:
            self.add(
                "view",
                "changed",
                table=None,
                name=n,
                path=n,
                attribute="definition",
                expected=e.sql,
                actual=a.sql,
                severity="error",
                message=f"view {n}: definition differs{_how(e.select, a.select)}",
            )
        elif a.error and not e.error:
            self.add(
                "view",
                "changed",
                table=None,
                name=n,
                path=n,
                attribute="compiles",
                expected=None,
                actual=a.error,
                severity="error",
                message=f"view {n} does not compile in the database: {a.error}",
            )

    def triggers(self) -> None:
        self._objects(
            "trigger",
            self.expected.triggers.values(),
            self.actual.triggers.values(),
            self.trigger,
            table_of=lambda t: t.table,
            label=lambda t: f"trigger {t.name} on {t.table}",
            summary=lambda t: t.sql,
            severity=lambda t, missing: "error",
            consequence=lambda t: " (it runs on every matching write)",
        )

    def trigger(self, e: Trigger, a: Trigger) -> None:
        n = e.name

        def add(attr: str, ev: Any, av: Any, msg: str) -> None:
            self.add(
                "trigger",
                "changed",
                table=e.table,
                name=n,
                path=n,
                attribute=attr,
                expected=ev,
                actual=av,
                severity="error",
                message=f"trigger {n}: {msg}",
            )

        self._name_case("trigger", e, a, e.table, n)
        if e.unparsed is not None or a.unparsed is not None:
            if e.unparsed != a.unparsed:
                add("definition", e.sql, a.sql, f"definition differs{_how(e.unparsed, a.unparsed)}")
            return
        if fold(e.table) != fold(a.table):
            add("table", e.table, a.table, f"is on table {a.table}, expected {e.table}")
        if e.timing != a.timing or e.event != a.event:
            add(
                "event",
                f"{e.timing} {e.event}",
                f"{a.timing} {a.event}",
                f"fires {a.timing} {a.event}, expected {e.timing} {e.event}",
            )
        if sorted(map(fold, e.update_of)) != sorted(map(fold, a.update_of)):
            add(
                "update_of",
                list(e.update_of),
                list(a.update_of),
                f"UPDATE OF expected ({_cols(e.update_of)}), actual ({_cols(a.update_of)})",
            )
        if e.when != a.when:
            add(
                "when",
                _sql(e.when),
                _sql(a.when),
                f"WHEN expected {_sql(e.when) or '(none)'}, actual {_sql(a.when) or '(none)'}"
                f"{_how(e.when, a.when)}",
            )
        if e.body != a.body:
            add(
                "body",
                [s.sql for s in e.body],
                [s.sql for s in a.body],
                f"body differs{_how(*e.body, *a.body)}",
            )


def _column_summary(c: Column) -> str:
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


def _index_summary(i: Index) -> str:
    text = f"{'UNIQUE ' if i.unique else ''}({_cols(_parts_label(i.parts))})"
    return text + (f" WHERE {i.where.sql}" if i.where is not None else "")
