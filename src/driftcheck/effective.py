"""Which version is this database at?

The effective version is the version whose expected schema the database
matches: an exact match by fingerprint first (one lookup), otherwise the
version with the fewest changes. Ties go to the recorded version, then to the
highest. An empty database matches "no version" (the state before the first
migration).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftcheck.diff import Change, diff_schemas
from driftcheck.model import Schema, canonical_hash, fingerprint_of_hashes, raw_hash
from driftcheck.replay import VersionState, object_key
from driftcheck.versions import version_key


@dataclass(frozen=True)
class Effective:
    index: int  # into the states: 0 is "no version"
    version: str | None
    exact: bool
    changes: list[Change]


def _score(state: VersionState, actual: dict[str, str]) -> int:
    """Objects that differ: a cheap bound on the number of changes (see below)."""
    hashes = state.canonical_hashes()
    differing = sum(1 for k, h in hashes.items() if actual.get(k) != h)
    return differing + sum(1 for k in actual if k not in hashes)


def find_effective(states: Sequence[VersionState], actual: Schema,
                   recorded: str | None = None) -> Effective:
    objects = {object_key(o): o for o in actual.objects()}
    raw = {k: raw_hash(o) for k, o in objects.items()}

    def preference(i: int) -> tuple[int, int]:
        v = states[i].version
        is_recorded = recorded is not None and v is not None and (
            version_key(v) == version_key(recorded))
        return (1 if is_recorded else 0, i)

    def result(i: int) -> Effective:
        changes = diff_schemas(states[i].schema(), actual)
        return Effective(i, states[i].version, not changes, changes)

    if not objects:
        return result(0)
    # A database built by these migrations reads back byte for byte: one lookup,
    # no parsing at all.
    raw_fp = fingerprint_of_hashes((f"{k}:{n}", h) for (k, n), h in raw.items())
    exact = [i for i, s in enumerate(states) if s.raw_fingerprint == raw_fp]
    if not exact:
        canonical = {f"{k}:{n}": canonical_hash(o, raw[(k, n)])
                     for (k, n), o in objects.items()}
        fp = fingerprint_of_hashes(canonical.items())
        exact = [i for i, s in enumerate(states) if s.fingerprint == fp]
    if exact:
        return result(max(exact, key=preference))

    # Look at versions from the most similar on; stop once no remaining version
    # can beat the best: each change covers at most two differing objects (a
    # rename pairs a missing and an unexpected one).
    scores = {i: _score(s, canonical) for i, s in enumerate(states)}
    order = sorted(scores, key=lambda i: (scores[i], -i))
    best: tuple[tuple[int, int, int], int, list[Change]] | None = None
    for i in order:
        if best is not None and (scores[i] + 1) // 2 > best[0][0]:
            break
        changes = diff_schemas(states[i].schema(), actual)
        is_recorded, position = preference(i)
        rank = (len(changes), -is_recorded, -position)  # smaller is better
        if best is None or rank < best[0]:
            best = (rank, i, changes)
    assert best is not None
    _, i, changes = best
    return Effective(i, states[i].version, not changes, changes)
