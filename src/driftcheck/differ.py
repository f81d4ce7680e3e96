"""Schema x Schema -> Changes: the generic walk over the comparator tables.

Objects are matched by name first (SQLite folds ASCII case), then renames (a
missing and an unexpected object of the same kind with the same comparison
form), then the rest is missing or unexpected. Matched objects are compared
attribute by attribute with the dialect's tables (`compare.rules()`), the
same tables that make every object's comparison form, so a change of
severity error or warning is reported exactly when the forms differ.

Parts of a table come in collections. Columns are matched by name. CHECKs,
foreign keys and UNIQUE constraints are matched by what they are first (their
names are info only), then by name, then by structure, before anything is
called missing or unexpected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from driftcheck.changes import (
    Change,
    ObjectRef,
    ObjectType,
    Severity,
    Verb,
    sort_changes,
)
from driftcheck.compare import (
    Attr,
    Kind,
    Members,
    Side,
    Wording,
    form,
    member_key,
    rules,
    side,
    worded,
    wording,
)
from driftcheck.model import Schema, shape_hash
from driftcheck.normalize import fold

__all__ = ["Change", "Wording", "diff_schemas", "operand_wording", "sort_changes"]


def diff_schemas(
    expected: Schema,
    actual: Schema,
    same: Collection[tuple[str, str]] = (),
    wording: Wording | None = None,
) -> list[Change]:
    """Every difference between `expected` and `actual`, sorted deterministically.

    `same` may name objects, as (kind, folded name), already known to be equal
    in comparison form: they are not compared again (a speed-up for searching
    many versions; the final report always diffs everything).

    `wording` names the two sides in the messages; by default the expected side is
    the migrations and the actual side the database (validate's wording).
    """
    with worded(wording):
        d = _Differ(same)
        d.objects("table", expected.tables.values(), actual.tables.values())
        d.objects("index", expected.indexes.values(), actual.indexes.values())
        d.objects("view", expected.views.values(), actual.views.values())
        d.objects("trigger", expected.triggers.values(), actual.triggers.values())
        return sort_changes(d.changes)


def operand_wording(a: str, b: str) -> Wording:
    """The wording for `diff A B`: each side named by its letter and what it is
    (`version:0004` -> "A (version 0004)", a path -> "B (path)")."""

    def label(letter: str, spec: str) -> str:
        if spec.startswith("version:"):
            return f"{letter} (version {spec.removeprefix('version:')})"
        return f"{letter} ({spec})"

    return Wording(expected=label("A", a), actual=label("B", b))


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


def _match_unambiguous(
    expected: list[T], actual: list[T], key: Callable[[T], Any]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair items whose key is held by exactly one item on each side (None never pairs)."""
    ec = Counter(key(x) for x in expected)
    ac = Counter(key(x) for x in actual)
    ok = {k for k, n in ec.items() if k is not None and n == 1 and ac[k] == 1}
    pairs, _, _ = _match(
        [x for x in expected if key(x) in ok], [x for x in actual if key(x) in ok], key
    )
    return (
        pairs,
        [x for x in expected if key(x) not in ok],
        [x for x in actual if key(x) not in ok],
    )


# What a top-level object is called, and how much its absence matters.
_LABEL: dict[str, Callable[[Any], str]] = {
    "table": lambda t: f"table {t.name}",
    "index": lambda i: f"{'unique ' if i.unique else ''}index {i.name} on {i.table}",
    "view": lambda v: f"view {v.name}",
    "trigger": lambda t: f"trigger {t.name} on {t.table}",
}
_SEVERITY: dict[str, Callable[[Any, bool], Severity]] = {
    "table": lambda t, missing: "error" if missing else "warning",
    "index": lambda i, missing: "error" if i.unique else "warning",
    "view": lambda v, missing: "error" if missing else "warning",
    "trigger": lambda t, missing: "error",
}
_CONSEQUENCE: dict[str, Callable[[Any], str]] = {
    "index": lambda i: " (it rejects rows the application may write)" if i.unique else "",
    "trigger": lambda t: " (it runs on every matching write)",
}


def _summary(obj: Any) -> Any:
    """What a missing or unexpected object is shown as (the dialect's table says)."""
    return rules().kind_of(obj, None).summary(obj)


def _identical(e: Any, a: Any) -> bool:
    """Read back alike (all but the CREATE statement's text): nothing to report, not
    even a note. Cheap, and true of most objects in most comparisons."""
    return shape_hash(e) == shape_hash(a)


def _table_of(obj: Any) -> str | None:
    if obj.kind == "table":
        return str(obj.name)
    return getattr(obj, "table", None)


class _Differ:
    def __init__(self, same: Collection[tuple[str, str]] = ()) -> None:
        self.same = same
        self.changes: list[Change] = []

    def add(
        self,
        owner: Any,
        object_type: ObjectType,
        change: Verb,
        *,
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
                owner=ObjectRef(kind=owner.kind, name=owner.name),
                table=_table_of(owner),
                name=name,
                path=path,
                attribute=attribute,
                expected=expected,
                actual=actual,
                severity=severity,
                message=message,
            )
        )

    # -- top-level objects ------------------------------------------------------
    def objects(self, kind: ObjectType, expected: Iterable[Any], actual: Iterable[Any]) -> None:
        pairs, missing, unexpected = _match(expected, actual, lambda o: fold(o.name))
        if missing and unexpected:
            # Same comparison form, other name: a rename, not a drop and an add.
            renamed, missing, unexpected = _match(missing, unexpected, lambda o: repr(form(o)))
            for e, a in renamed:
                self.add(
                    e,
                    kind,
                    "renamed",
                    name=e.name,
                    path=e.name,
                    attribute="name",
                    expected=e.name,
                    actual=a.name,
                    # Statements name tables and views; indexes and triggers rarely.
                    severity="error" if kind in ("table", "view") else "warning",
                    message=f"{kind} {e.name} is named {a.name} in {wording().actual} "
                    "(same definition, different name)",
                )
        label = _LABEL[kind]
        consequence = _CONSEQUENCE.get(kind, lambda o: "")
        for o in missing:
            self.add(
                o,
                kind,
                "missing",
                name=o.name,
                path=o.name,
                expected=_summary(o),
                severity=_SEVERITY[kind](o, True),
                message=f"{label(o)} {wording().missing}",
            )
        for o in unexpected:
            self.add(
                o,
                kind,
                "unexpected",
                name=o.name,
                path=o.name,
                actual=_summary(o),
                severity=_SEVERITY[kind](o, False),
                message=f"{label(o)} {wording().unexpected}{consequence(o)}",
            )
        for e, a in pairs:
            if (kind, fold(e.name)) not in self.same and not _identical(e, a):
                self.pair(kind, e, a)

    def pair(self, kind: ObjectType, e: Any, a: Any) -> None:
        k: Kind = rules().kind_of(e, a)
        se, sa = side(e), side(a)
        prefix = f"{'virtual table' if kind == 'table' and e.virtual else kind} {e.name}"
        if e.name != a.name:
            self.add(
                e,
                kind,
                "changed",
                name=e.name,
                path=e.name,
                attribute="name",
                expected=e.name,
                actual=a.name,
                severity="info",
                message=f"{kind} {e.name} is spelled {a.name} in {wording().actual} "
                "(SQLite ignores the case of names; tools that read sqlite_schema see it)",
            )
        differs = self.attrs(e, kind, k.attrs, e, a, se, sa, prefix, e.name, e.name)
        for note in k.notes:
            for n in note(e, a):
                self.add(
                    e,
                    n.object_type,
                    "changed",
                    name=n.name,
                    path=n.path,
                    attribute=n.attribute,
                    expected=n.expected,
                    actual=n.actual,
                    severity="info",
                    message=n.message,
                )
        if "definition" in differs and kind != "table":
            return
        for m in k.members:
            self.members(e, m, m.items(e), m.items(a), se, sa, differs)

    def attrs(
        self,
        owner: Any,
        object_type: ObjectType,
        attrs: Sequence[Attr],
        e: Any,
        a: Any,
        se: Side,
        sa: Side,
        prefix: str,
        name: str,
        path: str,
        inherited: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> set[str]:
        """Compare attribute by attribute; return the names of those that differ.

        An attribute is not reported when one it names in `unless` differs, here
        or on the object it is part of (`inherited`): one cause, one change.
        """
        differs: set[str] = set()
        for attr in attrs:
            ke, ka = attr.key(e, se), attr.key(a, sa)
            if ke == ka:
                continue
            differs.add(attr.name)
            if differs.intersection(attr.unless) or inherited.intersection(attr.unless):
                continue
            ev, av = (attr.show(e), attr.show(a)) if attr.show is not None else (ke, ka)
            self.add(
                owner,
                object_type,
                "changed",
                name=name,
                path=path,
                attribute=attr.name,
                expected=ev,
                actual=av,
                severity=attr.severity_of(e, a),
                message=f"{prefix}: {attr.sentence(ev, av)}"
                f"{attr.detail(e, a) if attr.detail else ''}{_how(attr, e, a)}",
            )
        return differs

    # -- parts of a table -------------------------------------------------------
    def members(
        self,
        owner: Any,
        m: Members,
        expected: Sequence[Any],
        actual: Sequence[Any],
        se: Side,
        sa: Side,
        inherited: set[str],
    ) -> None:
        t = owner.name
        if m.named:
            pairs, missing, unexpected = _match(
                expected, actual, lambda x: fold(m.name_of(x) or "")
            )
        else:
            # What they are first: equal items differ at most in info (their names).
            keys = {id(x): member_key(m, x, se) for x in expected}
            keys.update({id(x): member_key(m, x, sa) for x in actual})
            # Equal ones with equal names first, so that names pair up where they can.
            pairs, missing, unexpected = _match(
                expected, actual, lambda x: (keys[id(x)], fold(m.name_of(x) or ""))
            )
            more, missing, unexpected = _match(missing, unexpected, lambda x: keys[id(x)])
            pairs.extend(more)
            # The same constraint declared twice is declared: a copy is no difference.
            have = {keys[id(x)] for x in actual}
            want = {keys[id(x)] for x in expected}
            missing = [x for x in missing if keys[id(x)] not in have]
            unexpected = [x for x in unexpected if keys[id(x)] not in want]
            for pair_key in m.pair_by:
                more, missing, unexpected = _match_unambiguous(missing, unexpected, pair_key)
                pairs.extend(more)
        for x in missing:
            self.add(
                owner,
                m.object_type,
                "missing",
                name=m.label(t, x),
                path=m.path(t, x),
                attribute=m.presence_attribute,
                expected=m.summary(x),
                severity="error",
                message=m.missing(t, x),
            )
        for x in unexpected:
            self.add(
                owner,
                m.object_type,
                "unexpected",
                name=m.label(t, x),
                path=m.path(t, x),
                attribute=m.presence_attribute,
                actual=m.summary(x),
                severity=m.unexpected_severity(x),
                message=m.unexpected(t, x),
            )
        for x, y in pairs:
            prefix = m.prefix(t, x)
            if m.named and m.name_of(x) != m.name_of(y):
                self.add(
                    owner,
                    m.object_type,
                    "changed",
                    name=m.label(t, x),
                    path=m.path(t, x),
                    attribute="name",
                    expected=m.name_of(x),
                    actual=m.name_of(y),
                    severity="info",
                    message=f"{prefix} is spelled {m.name_of(y)} in {wording().actual} (SQLite "
                    "ignores the case of names, but result column names keep it)",
                )
            self.attrs(
                owner,
                m.object_type,
                m.attrs,
                x,
                y,
                se,
                sa,
                prefix,
                m.label(t, x),
                m.path(t, x),
                inherited,
            )
        if m.named:
            self.positions(owner, m, expected, actual, pairs)

    def positions(
        self,
        owner: Any,
        m: Members,
        expected: Sequence[Any],
        actual: Sequence[Any],
        pairs: list[tuple[Any, Any]],
    ) -> None:
        """Order: the items outside a longest common subsequence of the two orders moved."""
        t = owner.name
        common = {fold(m.name_of(x) or "") for x, _ in pairs}
        exp_order = [
            fold(m.name_of(x) or "") for x in expected if fold(m.name_of(x) or "") in common
        ]
        act_order = [fold(m.name_of(x) or "") for x in actual if fold(m.name_of(x) or "") in common]
        if exp_order == act_order:
            return
        exp_pos = {fold(m.name_of(x) or ""): i + 1 for i, x in enumerate(expected)}
        act_pos = {fold(m.name_of(x) or ""): i + 1 for i, x in enumerate(actual)}
        kept = _unmoved(exp_order, act_order, exp_pos, act_pos)
        for x, _ in pairs:
            f = fold(m.name_of(x) or "")
            if f not in kept:
                self.add(
                    owner,
                    m.object_type,
                    "changed",
                    name=m.label(t, x),
                    path=m.path(t, x),
                    attribute="position",
                    expected=exp_pos[f],
                    actual=act_pos[f],
                    severity="warning",
                    message=f"{m.prefix(t, x)} is at position {act_pos[f]}, expected "
                    f"{exp_pos[f]} (SELECT * and INSERT without a column list, as in a "
                    "table rebuild's INSERT ... SELECT *, put values in other columns)",
                )


def _unmoved(
    x: Sequence[str], y: Sequence[str], xpos: Mapping[str, int], ypos: Mapping[str, int]
) -> set[str]:
    """The names of a longest common subsequence of two orders: what did not move.

    A true LCS (difflib's matcher is not one), so the number of moved items is the same
    both ways; among equally long ones, the one keeping most items at the same absolute
    position, then a fixed choice made on the pair in a canonical order, so that
    diff(a, b) and diff(b, a) name the same items.
    """
    if list(x) > list(y):
        x, y, xpos, ypos = y, x, ypos, xpos
    n, k = len(x), len(y)
    # best[i][j]: (length, items at their own position) of an LCS of x[i:] and y[j:].
    best = [[(0, 0)] * (k + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(k - 1, -1, -1):
            top = max(below[j], row[j + 1])
            if x[i] == y[j]:
                ln, same = below[j + 1]
                top = max(top, (ln + 1, same + (xpos[x[i]] == ypos[x[i]])))
            row[j] = top
    kept: set[str] = set()
    i = j = 0
    while i < n and j < k:
        if x[i] == y[j]:
            ln, same = best[i + 1][j + 1]
            if best[i][j] == (ln + 1, same + (xpos[x[i]] == ypos[x[i]])):
                kept.add(x[i])
                i, j = i + 1, j + 1
                continue
        if best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _how(attr: Attr, e: Any, a: Any) -> str:
    """Say so when a comparison fell back to tokens (sqlglot could not parse it)."""
    from driftcheck.model import SqlText

    def texts(x: Any) -> list[SqlText]:
        out: list[SqlText] = []
        for name in ("unparsed", "expression", "where", "when", "generated", "default", "select"):
            v = getattr(x, name, None)
            if isinstance(v, SqlText):
                out.append(v)
        out.extend(b for b in getattr(x, "body", ()) if isinstance(b, SqlText))
        return out

    if attr.name not in (
        "definition",
        "expression",
        "where",
        "when",
        "body",
        "generated",
        "default",
    ):
        return ""
    if any(v.token_compared for v in (*texts(e), *texts(a))):
        return " (compared token by token: sqlglot could not parse it)"
    return ""
