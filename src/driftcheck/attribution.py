"""Attribution: the migration statement each change's expected object comes from.

A change's `source` is the statement whose result the expected object is, as far as
the change is concerned: for a changed or missing column, the statement that gave
the column its expected form (its ALTER TABLE ... ADD COLUMN, or the CREATE TABLE of
the table or of its last rebuild that changed it); for a changed attribute, the
statement that gave the object that attribute's value; for a missing object, the
statement after which it has looked as expected. An object the database has and no
version expects has none, unless a later version creates it: then it is that
version's statement (the change's message names the version too).

How, with one definition of "the same" (the comparator tables of `compare`):

1. The part a change is about is read as the differ reads it: the object's comparison
   form, one attribute's key, or one member's key (a column, CHECK, foreign key,
   UNIQUE constraint), so that "unchanged" means what it means to the differ.
2. From the expected states, the earliest version k from which that part is the same
   up to the effective version (the states are there already: no SQL runs).
3. Version k runs again statement by statement from the schema before it
   (`replay.StepReplay`), and the source is the statement after which the part took
   its form and kept it. A table that got it under another name (a rebuild's
   `CREATE TABLE new_t ...; ALTER TABLE new_t RENAME TO t`) is followed back to the
   statement that wrote it, across versions too.

Lazy and shared: nothing runs for a report without changes, and an `Attributor`
belongs to one set of expected schemas (`Expected.attribution`), so in a fleet the
databases with the same drift cost one look-up each after the first, and a version is
run statement by statement once per part asked about. Without migration statements
(`--expected` snapshots alone) a source is the version only. The `[replay] baseline`
has no version: what it makes has no source.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftcheck.changes import Change, Source
from driftcheck.compare import Members, canonical_hash, member_key, rules, side
from driftcheck.errors import DriftcheckError
from driftcheck.normalize import fold

if TYPE_CHECKING:
    from driftcheck.expected import Expected
    from driftcheck.migrations.model import Migration
    from driftcheck.model import SchemaObject
    from driftcheck.replay import Baseline, ObjectKey, StepReplay, Traced, VersionState


@dataclass(frozen=True)
class Part:
    """The part of an object a change is about, read with the comparator tables."""

    what: str  # "form" (the whole object), "attr" or "member"
    name: str = ""  # the attribute's or the members' name
    item: str = ""  # a member: its comparison key (and folded name, for named members)
    position: int | None = None  # a column whose position is what changed

    def value(self, obj: SchemaObject | None) -> object:
        """The part's comparison value in `obj` (None: no such object)."""
        if obj is None:
            return None
        if self.what == "form":
            return canonical_hash(obj)
        kind = rules().kind_of(obj, None)
        s = side(obj)
        if self.what == "attr":
            return next((repr(a.key(obj, s)) for a in kind.attrs if a.name == self.name), None)
        for m in kind.members:
            if m.name == self.name:
                for i, x in enumerate(m.items(obj)):
                    if _item(m, x, s) == self.item and self.position in (None, i):
                        return True
        return False


def _item(m: Members, x: Any, s: Any) -> str:
    name = fold(m.name_of(x) or "") if m.named else None
    return repr((name, member_key(m, x, s)))


def part_of(c: Change, obj: SchemaObject) -> Part:
    """The part of the expected object `obj` that change `c` is about."""
    kind = rules().kind_of(obj, None)
    if c.object_type == c.owner.kind:
        if c.attribute not in (None, "name") and any(a.name == c.attribute for a in kind.attrs):
            return Part("attr", str(c.attribute))
        return Part("form")
    s = side(obj)
    for m in kind.members:
        if m.object_type != c.object_type:
            continue
        for i, x in enumerate(m.items(obj)):
            if m.path(obj.name, x) == c.path and m.label(obj.name, x) == c.name:
                position = i if c.attribute == "position" else None
                return Part("member", m.name, _item(m, x, s), position)
    return Part("form")


def later_creator(states: Sequence[VersionState], index: int, key: ObjectKey) -> int | None:
    """The first state after `index` that has the object `key` (a version creating an
    object the database has before it ran)."""
    return next((i for i in range(index + 1, len(states)) if key in states[i].objects), None)


@dataclass(frozen=True)
class Query:
    """Where the part `part` of object `key`, as it is in state `end`, comes from."""

    key: ObjectKey
    part: Part
    end: int


class Attributor:
    """Sources of the parts of one set of expected schemas, worked out when first asked
    for and kept (`queries`: the look-ups answered by working them out)."""

    def __init__(
        self,
        states: Sequence[VersionState],
        migrations: Sequence[Migration],
        baseline: Baseline | None,
        functions: Iterable[Any],  # the replay's function stubs, passed through
    ) -> None:
        self.states = states
        # The statements only help when the states are theirs, version for version.
        aligned = len(migrations) == len(states) - 1 and all(
            m.version == st.version for m, st in zip(migrations, states[1:], strict=False)
        )
        self.migrations: Sequence[Migration] = migrations if aligned else ()
        self.baseline = baseline
        self.functions = tuple(functions)
        self._replay: StepReplay | None = None
        self._found: dict[Query, Source | None] = {}
        self._lock = threading.Lock()  # one replay connection: one caller at a time
        self.queries = 0

    def __getstate__(self) -> dict[str, Any]:
        # Sent to worker processes with the expected schemas: the answers go, the
        # replay's connection does not.
        state = dict(self.__dict__)
        state["_replay"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def replay(self) -> StepReplay:
        if self._replay is None:
            from driftcheck.replay import StepReplay

            self._replay = StepReplay(self.migrations, self.baseline, self.functions)
        return self._replay

    # -- changes ---------------------------------------------------------------

    def attribute(self, changes: Sequence[Change], index: int) -> list[Change]:
        """`changes` (against state `index`) with their `source` set."""
        queries = [self.query(c, index) for c in changes]
        with self._lock:
            self.resolve([q for q in queries if q is not None])
        return [
            c if q is None else c.model_copy(update={"source": self._found[q]})
            for c, q in zip(changes, queries, strict=True)
        ]

    def query(self, c: Change, index: int) -> Query | None:
        states = self.states
        if c.change == "unexpected":
            if c.object_type != c.owner.kind:
                return None  # a part of a table nothing expects
            key = (c.owner.kind, fold(c.owner.name))
            later = later_creator(states, index, key)
            return Query(key, Part("form"), later) if later is not None else None
        key = (c.owner.kind, fold(c.owner.name))
        obj = states[index].objects.get(key)
        if obj is None:
            return None
        return Query(key, part_of(c, obj), index)

    # -- working sources out -----------------------------------------------------

    def resolve(self, queries: Iterable[Query]) -> None:
        """Work out the sources not known yet; the versions to run statement by statement
        are run in order, each once."""
        by_version: dict[int, list[Query]] = {}
        for q in dict.fromkeys(queries):
            if q in self._found:
                continue
            self.queries += 1
            k = self.since(q)
            if k == 0:
                self._found[q] = None  # the baseline made it
            elif not self.migrations:
                self._found[q] = Source(version=str(self.states[k].version))
            else:
                by_version.setdefault(k, []).append(q)
        for k in sorted(by_version):
            group = by_version[k]
            self._in_version(k, group)

    def source(self, q: Query) -> Source | None:
        self.resolve([q])
        return self._found[q]

    def since(self, q: Query) -> int:
        """The first state from which the part is as in state `q.end` (0: before any
        version, i.e. the baseline has it)."""
        states, key, part = self.states, q.key, q.part
        target = part.value(states[q.end].objects.get(key))
        k = q.end
        while k > 0:
            prev, cur = states[k - 1].objects.get(key), states[k].objects.get(key)
            if prev is None:
                break
            # The same object, or read back the same: the same part (no need to read it).
            same = prev is cur or states[k - 1].hashes.get(key) == states[k].hashes.get(key)
            if not same and part.value(prev) != target:
                break
            k -= 1
        return k

    def _in_version(self, k: int, group: list[Query]) -> None:
        m = self.migrations[k - 1]
        keys = {q.key for q in group}
        tables = any(key[0] == "table" for key in keys)

        # Every table, for a table: it may get its form under another name (a rebuild).
        def watched(key: ObjectKey) -> bool:
            return key in keys or (tables and key[0] == "table")

        try:
            traced = self.replay.trace(k - 1, watched)
        except DriftcheckError:
            for q in group:
                self._found[q] = _whole(m)
            return
        for q in group:
            self._found[q] = self._statement(q, k, traced)

    def _statement(self, q: Query, k: int, traced: Traced) -> Source | None:
        """The statement of version k after which the part took its form for good."""
        m = self.migrations[k - 1]
        start = self.states[k - 1].objects
        part = q.part
        target = part.value(self.states[q.end].objects.get(q.key))

        def reach(key: ObjectKey, upto: int) -> int | None:
            """The step after which `key`'s part became the target and stayed so up to
            step `upto`; -1: so since the version's start; None: not so at `upto`."""
            equal = part.value(start.get(key)) == target
            became: int | None = -1 if equal else None
            for i in range(upto + 1):
                if key in traced.objects[i]:
                    now = part.value(traced.objects[i][key]) == target
                    if now and not equal:
                        became = i
                    equal = now
            return became if equal else None

        key, i = q.key, reach(q.key, len(traced.steps) - 1)
        while i is not None and i >= 0:
            renamed = traced.steps[i].renamed()
            if renamed is None or renamed[1] != key:
                break
            # ALTER TABLE old RENAME TO key: where did `old` get the part?
            old, j = renamed[0], reach(renamed[0], i - 1)
            if j is None:
                break
            if j == -1:  # so since before this version: look there
                earlier = self.source(Query(old, part, k - 1))
                return earlier if earlier is not None else _at(m, traced, i)
            key, i = old, j
        if i is None or i < 0:
            return _whole(m)
        return _at(m, traced, i)


def _at(m: Migration, traced: Traced, i: int) -> Source:
    stmt = traced.steps[i].stmt
    return Source(version=m.version, file=stmt.file, line=stmt.line)


def _whole(m: Migration) -> Source:
    """The version, without its statement (it could not be told)."""
    files = m.files or tuple(s.file for s in m.statements[:1])
    return Source(version=m.version, file=files[0] if files else None)


def attribute(
    changes: list[Change], expected: Expected, index: int, functions: Iterable[Any]
) -> list[Change]:
    """`changes` against state `index` of `expected`, each with its `source` (nothing is
    worked out when there are none)."""
    if not changes:
        return changes
    at = expected.attribution
    if at is None:
        mset = expected.migration_set
        at = expected.attribution = Attributor(
            expected.states,
            mset.migrations if mset is not None else (),
            expected.baseline,
            functions,
        )
    return at.attribute(changes, index)
