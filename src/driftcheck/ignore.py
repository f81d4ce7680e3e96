"""What is left out of the comparison: `ignore` patterns, and history tables.

History tables are never schema: those of every known store and of the one
found are left out of validate (whatever --history says), diff, inspect and
fingerprints, except a table the migrations themselves create."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Collection, Sequence

from driftcheck import normalize
from driftcheck.config import IGNORE_KINDS
from driftcheck.errors import ConfigError
from driftcheck.expected import Expected
from driftcheck.history import History
from driftcheck.model import Schema, SchemaObject
from driftcheck.replay import ObjectKey, VersionState
from driftcheck.settings import Settings


class Ignore:
    """Which objects to leave out: `ignore` globs, and whole tables (history tables).

    Objects on an ignored table (its indexes and triggers) go with it. Answers are
    memoised: the same objects recur in every version's schema.
    """

    def __init__(self, patterns: Sequence[str], tables: Collection[str] = ()) -> None:
        self.globs: list[tuple[str, str]] = []
        self.patterns: list[str] = []  # as written, in step with `globs`
        for pattern in patterns:
            kind, sep, glob = pattern.partition(":")
            if not sep:
                kind, glob = "", pattern
            elif kind not in IGNORE_KINDS:
                raise ConfigError(
                    f"ignore pattern {pattern!r}: unknown object kind {kind!r}",
                    hint="use table:, index:, view: or trigger: before the name pattern, "
                    "or no prefix",
                    code="config_value",
                )
            self.globs.append((kind, normalize.fold(glob)))
            self.patterns.append(pattern)
        self.tables = {normalize.fold(t) for t in tables}
        self._seen: dict[tuple[str, str, str | None], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.globs or self.tables)

    def _match(self, kind: str, folded: str) -> bool:
        return any((not k or k == kind) and fnmatch.fnmatchcase(folded, g) for k, g in self.globs)

    def _rule(self, kind: str, name: str) -> str | None:
        """The first pattern, as written, that matches an object of `kind` named `name`."""
        folded = normalize.fold(name)
        for (k, g), pattern in zip(self.globs, self.patterns, strict=True):
            if (not k or k == kind) and fnmatch.fnmatchcase(folded, g):
                return pattern
        return None

    def rule(self, obj: SchemaObject) -> str | None:
        """Why `obj` is left out: the pattern matching it, or its table's pattern."""
        table = getattr(obj, "table", None)
        if obj.kind != "table" and table is not None:
            found = self._rule("table", table)
            if found is not None:
                return found
        return self._rule(obj.kind, obj.name)

    def table(self, name: str) -> bool:
        folded = normalize.fold(name)
        return folded in self.tables or self._match("table", folded)

    def key(self, key: ObjectKey) -> bool:
        """For objects known only by key (removed ones): by their own name."""
        return self.table(key[1]) if key[0] == "table" else self._match(*key)

    def __call__(self, obj: SchemaObject) -> bool:
        table = getattr(obj, "table", None)
        memo = (obj.kind, obj.name, table)
        found = self._seen.get(memo)
        if found is None:
            if obj.kind == "table":
                found = self.table(obj.name)
            else:
                found = (table is not None and self.table(table)) or self._match(
                    obj.kind, normalize.fold(obj.name)
                )
            self._seen[memo] = found
        return found


def ignore_objects(
    objects: Sequence[SchemaObject], patterns: Sequence[str], tables: Collection[str] = ()
) -> list[SchemaObject]:
    """Objects not ignored; `tables` (folded names) are left out with what is on them."""
    ignored = Ignore(patterns, tables)
    return [o for o in objects if not ignored(o)] if ignored else list(objects)


def ignored_by_rules(
    schema: Schema, patterns: Sequence[str], internal: Collection[str] = ()
) -> list[tuple[SchemaObject, str]]:
    """The objects of `schema` that `patterns` leave out, each with the pattern that did.

    History tables (`internal`, folded) and what is on them are not listed: they are
    never schema, whatever the patterns say."""
    if not patterns:
        return []
    rules = Ignore(patterns)
    history = Ignore((), internal)
    found = []
    for obj in schema.objects():
        if history(obj):
            continue
        pattern = rules.rule(obj)
        if pattern is not None:
            found.append((obj, pattern))
    return found


def _without(state: VersionState, drop: set[ObjectKey], removed: set[ObjectKey]) -> VersionState:
    if not drop and not removed:
        return state  # the usual case: keep the state and what it has cached
    objects = {k: o for k, o in state.objects.items() if k not in drop}
    return VersionState(
        state.version,
        state.name,
        state.checksum,
        objects,
        {k: state.hashes[k] for k in objects},
        state.changed - drop,
        state.removed - removed,
    )


def apply_ignore(
    expected: Expected, actual: Schema, patterns: Sequence[str], tables: Collection[str] = ()
) -> tuple[Expected, Schema]:
    """Leave out ignored objects, and `tables` (folded: history tables), on both sides."""
    ignored = Ignore(patterns, tables)
    if not ignored:
        return expected, actual
    # Whether an object is ignored depends on its names alone, so each version
    # only needs its own changes looked at.
    drop: set[ObjectKey] = set()
    states = []
    for n, st in enumerate(expected.states):
        if n == 0:
            drop = {k for k, o in st.objects.items() if ignored(o)}
        else:
            drop = (drop - st.removed - st.changed) | {
                k for k in st.changed if ignored(st.objects[k])
            }
        states.append(_without(st, drop, {k for k in st.removed if ignored.key(k)}))
    filtered = dataclasses.replace(expected, states=states)
    return filtered, Schema.of([o for o in actual.objects() if not ignored(o)])


def internal_tables(
    s: Settings, expected: Expected | None, history: History | None = None
) -> set[str]:
    """History tables (folded) to leave out of the comparison: those of every known
    store and of the one found, except a table the migrations themselves create."""
    from driftcheck.history import history_tables

    names = set(history_tables(s.config.history))
    if history is not None:
        names.update(normalize.fold(t) for t in history.internal)
    if expected is not None:
        names -= {k[1] for st in expected.states for k in st.objects if k[0] == "table"}
    return names


def without_history(schema: Schema, s: Settings, expected: Expected | None = None) -> Schema:
    """`schema` without history tables (and what is on them)."""
    tables = internal_tables(s, expected)
    if not any(normalize.fold(name) in tables for name in schema.tables):
        return schema
    return Schema.of(ignore_objects(schema.objects(), (), tables))
