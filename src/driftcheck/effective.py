"""Which version is this database at?

The effective version is the version whose expected schema the database
matches: an exact match by fingerprint first (one lookup), otherwise the
closest version: the fewest differing objects, then the fewest missing or
unexpected ones, then the fewest changes (see `rank`). Ties go to the
recorded version, then to the highest. An empty database matches "no
version" (the state before the first migration).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from driftcheck.changes import Change, severe
from driftcheck.compare import canonical_hash
from driftcheck.diff import diff_schemas
from driftcheck.model import Schema, fingerprint_of_hashes, raw_hash
from driftcheck.replay import VersionState, object_key
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
    exact = [i for i, s in enumerate(states) if s.raw_fingerprint == raw_fp]
    if exact:
        return result(max(exact, key=preference))
    canonical = {k: canonical_hash(o, raw[k]) for k, o in objects.items()}
    fp = fingerprint_of_hashes((f"{k}:{n}", h) for (k, n), h in canonical.items())
    exact = [i for i, s in enumerate(states) if s.fingerprint == fp]
    if exact:
        return result(max(exact, key=preference))

    # No exact match: the version with the fewest changes. A version lacking
    # m objects the database has, or having them when the database does not,
    # has at least ceil(m / 2) changes (a rename pairs two objects into one
    # change), so versions are tried from the lowest such bound on, and the
    # search stops once no untried version can do better. Objects whose
    # canonical forms are equal cannot differ, so a candidate's diff only
    # looks at the objects that do.
    bounds = []
    for i, state in enumerate(states):
        hashes = state.canonical_hashes()
        unmatched = sum(1 for k in hashes if k not in canonical)
        unmatched += sum(1 for k in canonical if k not in hashes)
        bounds.append(((unmatched + 1) // 2, -i, i, hashes))
    bounds.sort(key=lambda b: (b[0], b[1]))
    best: tuple[tuple[int, ...], int] | None = None
    for bound, _, i, hashes in bounds:
        if best is not None and bound > best[0][0]:
            break
        same = {k for k, h in hashes.items() if canonical.get(k) == h}
        changes = diff_schemas(states[i].schema(), actual, same=same)
        is_recorded, position = preference(i)
        order = (*rank(changes), -is_recorded, -position)  # smaller is better
        if best is None or order < best[0]:
            best = (order, i)
    assert best is not None
    return result(best[1])
