"""Which version is this database at?

The effective version is the version whose expected schema the database
matches: an exact match by fingerprint first (one lookup), otherwise the
closest version: the fewest differing objects, then the fewest missing or
unexpected ones, then the fewest changes (see `rank`). Ties go to the
recorded version, then to the highest. An empty database matches "no
version" (the state before the first migration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from driftcheck.changes import Change, severe
from driftcheck.compare import canonical_hash
from driftcheck.differ import diff_schemas
from driftcheck.model import (
    Schema,
    fingerprint_of_hashes,
    fingerprint_term,
    fingerprint_text,
    raw_hash,
)
from driftcheck.replay import ObjectKey, VersionState, object_key
from driftcheck.versions import VersionKey, version_key


@dataclass(frozen=True)
class Effective:
    index: int  # into the states: 0 is "no version"
    version: str | None
    exact: bool
    changes: list[Change]


def rank(changes: list[Change]) -> tuple[int, int, int, int, int]:
    """How far a version is from the database; smaller is closer.

    By objects first: the number of schema objects (tables, indexes, views,
    triggers) that differ, so one object with several changes never outweighs
    another version's one. Then the number of things one side has and the other
    lacks entirely (tables, columns, indexes, views, triggers): a column the
    database has in another form is closer than no column at all, which places
    a hand-altered column at the version that creates it. Then the number of
    changes, errors before warnings; info notes never count but as a last tie.
    """
    severe = [c for c in changes if c.severity != "info"]
    objects = len({c.owner.key for c in severe})
    existence = sum(
        1
        for c in severe
        if c.change in ("missing", "unexpected")
        and c.object_type in ("table", "column", "index", "view", "trigger")
        and not (c.object_type == "index" and c.owner.kind == "table")  # a UNIQUE constraint
    )
    errors = sum(1 for c in severe if c.severity == "error")
    return (objects, existence, len(severe), errors, len(changes) - len(severe))


def find_effective(
    states: Sequence[VersionState],
    actual: Schema,
    recorded: str | None = None,
    key: Callable[[str], VersionKey] = version_key,
) -> Effective:
    """`recorded` (in the history's own form) wins ties; `key` compares its versions."""
    objects = {object_key(o): o for o in actual.objects()}
    raw = {k: raw_hash(o) for k, o in objects.items()}

    def preference(i: int) -> tuple[int, int]:
        v = states[i].version
        is_recorded = recorded is not None and v is not None and key(v) == key(recorded)
        return (1 if is_recorded else 0, i)

    def result(i: int) -> Effective:
        # Objects read back byte for byte cannot differ: only the others are compared.
        same = {k for k, h in raw.items() if states[i].hashes.get(k) == h}
        changes = diff_schemas(states[i].schema(), actual, same=same)
        # Exact: the same schema (info notes such as constraint names do not count).
        return Effective(i, states[i].version, not severe(changes), changes)

    if not objects:
        return result(0)
    # A database built by these migrations reads back byte for byte: one lookup,
    # no parsing at all.
    raw_fp = fingerprint_of_hashes((f"{k}:{n}", h) for (k, n), h in raw.items())
    identical = [i for i, s in enumerate(states) if s.raw_fingerprint == raw_fp]
    if identical:
        return result(max(identical, key=preference))
    canonical = {k: canonical_hash(o, raw[k]) for k, o in objects.items()}
    fp = fingerprint_of_hashes((f"{k}:{n}", h) for (k, n), h in canonical.items())

    # One pass over the versions, object changes only (not every object of every
    # version): each version's fingerprint, and a lower bound on how many objects
    # differ from the database: every object both have with another comparison
    # form differs, and so does at least every second object only one side has (a
    # rename pairs two into one change).
    exact: list[int] = []
    bounds: list[tuple[int, int]] = []
    first_seen: dict[ObjectKey, int] = {}
    for i, (fingerprint, mismatched, unmatched) in enumerate(_scan(states, canonical, first_seen)):
        if fingerprint == fp:
            exact.append(i)
        bounds.append((mismatched + (unmatched + 1) // 2, i))
    if exact:
        return result(max(exact, key=preference))
    # An object the database has exactly as a version first made it is that
    # version's work: the database is at least at that version, whatever else it
    # lacks (a migration that stopped halfway, indexes dropped by hand).
    floor = max(first_seen.values(), default=0)
    bounds = [b for b in bounds if b[1] >= floor]

    # No exact match: the closest version (see `rank`), tried from the lowest bound
    # on until no untried version can do better. Objects whose comparison forms are
    # equal cannot differ, so a candidate's diff only looks at the objects that do.
    bounds.sort(key=lambda b: (b[0], -b[1]))
    best: tuple[tuple[int, ...], int] | None = None
    for bound, i in bounds:
        if best is not None and bound > best[0][0]:
            break
        hashes = states[i].canonical_hashes()
        same = {k for k, h in hashes.items() if canonical.get(k) == h}
        changes = diff_schemas(states[i].schema(), actual, same=same)
        is_recorded, position = preference(i)
        order = (*rank(changes), -is_recorded, -position)  # smaller is better
        if best is None or order < best[0]:
            best = (order, i)
    assert best is not None
    return result(best[1])


def _scan(
    states: Sequence[VersionState],
    canonical: dict[ObjectKey, str],
    first_seen: dict[ObjectKey, int] | None = None,
) -> Iterator[tuple[str, int, int]]:
    """Per version: its fingerprint, the objects both sides have in other forms, and
    the objects only one side has; updated from each version's changes alone.
    `first_seen` receives, per database object, the first version with its form."""
    seen = first_seen if first_seen is not None else {}
    version = 0
    running: dict[ObjectKey, str] = {}
    total = mismatched = both = 0

    def drop(k: ObjectKey) -> None:
        nonlocal total, mismatched, both
        h = running.pop(k)
        total -= fingerprint_term(f"{k[0]}:{k[1]}", h)
        if k in canonical:
            both -= 1
            mismatched -= canonical[k] != h

    def put(k: ObjectKey, h: str) -> None:
        nonlocal total, mismatched, both
        running[k] = h
        total += fingerprint_term(f"{k[0]}:{k[1]}", h)
        if k in canonical:
            both += 1
            mismatched += canonical[k] != h
            if canonical[k] == h:
                seen.setdefault(k, version)

    for n, st in enumerate(states):
        version = n
        if n == 0 or len(running) + len(st.changed - running.keys()) - len(
            st.removed & running.keys()
        ) != len(st.objects):
            # The first version, or changes that do not add up (never expected):
            # start from the whole version.
            for k in list(running):
                drop(k)
            for k, o in st.objects.items():
                put(k, canonical_hash(o, st.hashes[k]))
        else:
            for k in st.removed:
                if k in running:
                    drop(k)
            for k in st.changed:
                if k in running:
                    drop(k)
                put(k, canonical_hash(st.objects[k], st.hashes[k]))
        unmatched = (len(running) - both) + (len(canonical) - both)
        yield fingerprint_text(total), mismatched, unmatched
