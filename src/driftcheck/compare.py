"""Comparators as tables: the one definition of "the same".

For each kind of schema object there is a table of attributes (`Attr`): how
to read its comparison value (`key`), what to show, how much a difference
matters and the sentence that says so. Parts of a table that come in
collections (columns, CHECKs, foreign keys, UNIQUE constraints) are described
by `Members`. The dialect supplies the tables (`driftcheck.sqlite.rules` for
SQLite); this module only knows their shape.

Everything that decides whether two schemas are the same goes through here:

- `form(obj)` is an object's comparison form: the keys of its attributes that
  are not info-only, and its members' keys. Fingerprints, the effective
  version, the plan's presence checks and apply's verification hash it.
- `diff` walks the very same tables, so `diff` reports a change of severity
  error or warning exactly when the two forms differ.

Info-only attributes (the case of a name, a constraint's name, a column's
position) are reported but never make two objects different.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from driftcheck.changes import ObjectType, Severity
from driftcheck.model import (
    SchemaObject,
    fingerprint_of_hashes,
    object_id,
    raw_hash,
    shape_hash,
)
from driftcheck.normalize import fold


@dataclass(frozen=True)
class Wording:
    """How change messages name the two sides of a comparison.

    The default is validate's: the expected schema comes from the migrations and the
    actual one is the database. `diff A B` names its operands instead, whatever
    they are (two versions, two databases, or one of each).
    """

    expected: str | None = None  # e.g. "A (version 0004)"; None: the migrations
    actual: str = "the database"  # e.g. "B (version 0006)"

    @property
    def unexpected(self) -> str:
        """Said of something only the actual side has."""
        if self.expected is None:
            return f"exists in {self.actual} but no migration creates it"
        return f"exists in {self.actual} but not in {self.expected}"

    @property
    def missing(self) -> str:
        """Said of something only the expected side has."""
        if self.expected is None:
            return "is missing"
        return f"exists in {self.expected} but not in {self.actual}"


_VALIDATE_WORDING = Wording()
_WORDING: ContextVar[Wording | None] = ContextVar("driftcheck_wording", default=None)


def wording() -> Wording:
    """The wording of the comparison under way (see `diff.diff_schemas`)."""
    return _WORDING.get() or _VALIDATE_WORDING


@contextmanager
def worded(w: Wording | None) -> Iterator[None]:
    """Messages made inside name the sides as `w` says (None: validate's wording)."""
    if w is None:
        yield
        return
    token = _WORDING.set(w)
    try:
        yield
    finally:
        _WORDING.reset(token)


@dataclass(frozen=True)
class Side:
    """What an attribute's key may look at besides the item: its top-level object."""

    obj: Any
    strings: frozenset[str]
    collated: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Attr:
    """One comparable attribute of an object or member."""

    name: str
    key: Callable[[Any, Side], Any]
    show: Callable[[Any], Any] | None  # None: show the key itself
    sentence: Callable[[Any, Any], str]  # (expected shown, actual shown) -> sentence
    severity: Severity | Callable[[Any, Any], Severity] = "error"
    # Not reported when one of these attributes already differs (one cause, one change).
    unless: tuple[str, ...] = ()
    # More of the sentence, from both objects: what exactly differs.
    detail: Callable[[Any, Any], str] | None = None

    @property
    def info(self) -> bool:
        return self.severity == "info"

    def severity_of(self, e: Any, a: Any) -> Severity:
        return self.severity(e, a) if callable(self.severity) else self.severity


@dataclass(frozen=True)
class Members:
    """A collection of parts of a table, compared item by item."""

    name: str
    object_type: ObjectType
    items: Callable[[Any], Sequence[Any]]
    attrs: tuple[Attr, ...]
    # True: an item's name is its identity (columns). False: the name is only
    # a label (constraints), so items are matched by what they are first.
    named: bool
    name_of: Callable[[Any], str | None]
    # After matching by name (named) or by equal keys: further ways to pair what
    # is left, tried in turn (the items then differ in some attribute).
    pair_by: tuple[Callable[[Any], Any], ...] = ()
    label: Callable[[str, Any], str] = lambda t, m: ""  # the change's `name`
    path: Callable[[str, Any], str] = lambda t, m: t
    prefix: Callable[[str, Any], str] = lambda t, m: f"table {t}"
    summary: Callable[[Any], Any] = lambda m: None
    presence_attribute: str | None = None  # `attribute` of missing/unexpected changes
    missing: Callable[[str, Any], str] = lambda t, m: ""
    unexpected: Callable[[str, Any], str] = lambda t, m: ""
    unexpected_severity: Callable[[Any], Severity] = lambda m: "error"


@dataclass(frozen=True)
class Note:
    """An info-only difference found by looking at both objects at once."""

    object_type: ObjectType
    name: str
    path: str
    attribute: str
    expected: Any
    actual: Any
    message: str


@dataclass(frozen=True)
class Kind:
    """The table for one kind of top-level object (or one variant of it)."""

    attrs: tuple[Attr, ...]
    members: tuple[Members, ...] = ()
    # Info-only notes that need both objects (e.g. the case of names inside).
    notes: tuple[Callable[[Any, Any], list[Note]], ...] = ()
    # What a missing or unexpected object is shown as.
    summary: Callable[[Any], Any] = lambda obj: None


@dataclass(frozen=True)
class Rules:
    """A dialect's comparator tables."""

    kind_of: Callable[[Any, Any], Kind]  # the table for a pair (or one object: other=None)
    strings: Callable[[Any], frozenset[str]]
    collated: Callable[[Any], frozenset[str]]


@cache
def rules() -> Rules:
    # The one seam to the dialect: diff and plan never import it themselves.
    from driftcheck.sqlite.rules import RULES

    return RULES


def side(obj: Any) -> Side:
    r = rules()
    return Side(obj, r.strings(obj), r.collated(obj))


def member_key(m: Members, item: Any, s: Side) -> tuple[Any, ...]:
    """An item's comparison value: the keys of its attributes that are not info-only."""
    return tuple(a.key(item, s) for a in m.attrs if not a.info)


def form(obj: Any) -> list[Any]:
    """An object's comparison form: equal forms mean the same object to every command."""
    kind = rules().kind_of(obj, None)
    s = side(obj)
    out: list[Any] = [obj.kind]
    for a in kind.attrs:
        if not a.info:
            out.append([a.name, a.key(obj, s)])
    for m in kind.members:
        items = m.items(obj)
        keyed: list[Any]
        if m.named:
            # In their order: a column's position is part of what a table is.
            keyed = [[fold(m.name_of(i) or ""), repr(member_key(m, i, s))] for i in items]
        else:
            # A set: the same constraint declared twice is the same table.
            keyed = sorted({repr(member_key(m, i, s)) for i in items})
        out.append([m.name, keyed])
    return out


# --------------------------------------------------------------------------
# Hashes of comparison forms: what fingerprints, the plan and apply compare


def object_hash(obj: SchemaObject) -> str:
    """Hash of one object's comparison form: equal for objects that are the same."""
    text = json.dumps(form(obj), sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


_CANONICAL_BY_RAW: dict[str, str] = {}


def canonical_hash(obj: SchemaObject, raw: str | None = None) -> str:
    """`object_hash`, memoised by raw hash: shared objects are normalised once."""
    raw = raw or raw_hash(obj)
    found = _CANONICAL_BY_RAW.get(raw)
    if found is None:
        if len(_CANONICAL_BY_RAW) > 200_000:  # bound memory in long-running processes
            _CANONICAL_BY_RAW.clear()
        found = _CANONICAL_BY_RAW[raw] = object_hash(obj)
    return found


def schema_fingerprint(objects: Any) -> str:
    """Hash of the schema's comparison forms: equal exactly when `diff` finds no
    change of severity error or warning."""
    return fingerprint_of_hashes((object_id(o), canonical_hash(o)) for o in objects)


@dataclass(frozen=True, eq=False)
class Form:
    """An object's form in one schema (None: absent), compared cheaply first."""

    obj: SchemaObject | None

    @cached_property
    def shape(self) -> str | None:
        return shape_hash(self.obj) if self.obj is not None else None

    def same(self, other: Form) -> bool:
        """The same object: the same shape, or failing that the same comparison form."""
        if self.shape == other.shape:
            return True
        if self.obj is None or other.obj is None:
            return False
        return canonical_hash(self.obj) == canonical_hash(other.obj)
