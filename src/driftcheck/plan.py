"""Versions x history x live schema -> one action per version, with its reason.

Each version's footprint is the set of objects whose canonical form differs
between the expected schemas before and after it. For every object in a
footprint, the database either has that version's form of it (or a later
one), an earlier form, or neither. From those verdicts and the history:

- ok      recorded, and its changes are present
- record  present, but the history does not know it
- apply   absent and unrecorded: pending
- flag    a person must decide: partial, recorded_but_absent, checksum_mismatch,
          failed, dirty, unknown_version, out_of_order, conflict; and changes
          no version explains (unattributed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from driftcheck.changes import Change, severe
from driftcheck.compare import Form
from driftcheck.diff import diff_schemas
from driftcheck.effective import rank
from driftcheck.history import History, Store
from driftcheck.history.base import store_label
from driftcheck.migrations.model import Migration
from driftcheck.model import Schema, SchemaObject
from driftcheck.normalize import fold
from driftcheck.replay import ObjectKey, VersionState, object_key
from driftcheck.report.model import Evidence, PlanEntry
from driftcheck.versions import version_key

Verdict = Literal["yes", "no", "neither"]
_SEVERE = ("error", "warning")


@dataclass(frozen=True)
class Plan:
    entries: list[PlanEntry]
    attributed: set[ObjectKey]  # objects whose differences a version explains

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)


Run = tuple[int, Form]  # (first state index, the object's form from there on)
Segments = dict[ObjectKey, list[Run]]


def segments_of(states: Sequence[VersionState]) -> Segments:
    """For every object some version touches: the runs of states with one form of it."""
    out: Segments = {}
    first = states[0].objects
    for j in range(1, len(states)):
        st = states[j]
        for key in st.changed | st.removed:
            runs = out.get(key)
            if runs is None:
                runs = out[key] = [(0, Form(first.get(key)))]
            form = Form(st.objects.get(key))
            if runs[-1][1].shape != form.shape:
                runs.append((j, form))
    return out


def footprint(states: Sequence[VersionState], i: int, segments: Segments) -> list[ObjectKey]:
    """Objects version i changes (not just the text SQLite stores for them)."""
    keys = []
    for key in sorted(states[i].changed | states[i].removed):
        runs = segments.get(key, [])
        if any(start == i for start, _ in runs):
            keys.append(key)
    return keys


def _verdict(runs: list[Run], i: int, actual: Form, last: int, effective: int) -> Verdict:
    """Does the database hold version i's form of the object (or a later one)?"""
    spans = [
        (start, runs[n + 1][0] - 1 if n + 1 < len(runs) else last, form)
        for n, (start, form) in enumerate(runs)
    ]
    # Compare shapes first (no parsing); only when no run has the database's exact
    # shape, compare canonical forms (a differently written but equal object).
    matching = [(a, b) for a, b, form in spans if form.shape == actual.shape]
    if not matching:
        matching = [(a, b) for a, b, form in spans if form.same(actual)]
    if not matching and actual.obj is not None:
        # The database has the object in a form no version gives: it belongs to the
        # version whose form it is closest to. Versions before that one did their part
        # (a later version's form is there); that version's own change was made
        # another way; later versions' changes are not there.
        closest = _closest(spans, actual.obj)
        if closest is not None:
            start = spans[closest][0]
            if i != start:
                return "yes" if i < start else "no"
            # Did this version's own change go another way, or is the object's
            # difference in something the version did not touch (then its change is
            # present, and the rest is drift no version explains)?
            before = spans[closest - 1][2].obj if closest > 0 else None
            after = spans[closest][2].obj
            return "neither" if _overlap(before, after, actual.obj) else "yes"
    yes = any(end >= i for _, end in matching)
    no = any(start < i for start, _ in matching)
    if yes and no:  # the same form before and after (e.g. created, later dropped)
        return "yes" if effective >= i else "no"
    return "yes" if yes else "no" if no else "neither"


def _closest(spans: list[tuple[int, int, Form]], obj: SchemaObject) -> int | None:
    """The index of the span whose form of the object is closest to `obj` (later on ties)."""
    ranked = [
        (rank(_changes(form.obj, obj)), -n, n)
        for n, (_, _, form) in enumerate(spans)
        if form.obj is not None
    ]
    return min(ranked)[2] if ranked else None


def _changes(expected: SchemaObject | None, actual: SchemaObject | None) -> list[Change]:
    return diff_schemas(
        Schema.of([expected] if expected else []), Schema.of([actual] if actual else [])
    )


def _overlap(before: SchemaObject | None, after: SchemaObject | None, actual: SchemaObject) -> bool:
    """Whether the object differs from `after` in what the version changed (before -> after)."""
    if before is None or after is None:
        return True  # the version created it: all of it is the version's
    made = {(c.object_type, fold(c.name), c.attribute) for c in _changes(before, after)}
    drift = {(c.object_type, fold(c.name), c.attribute) for c in severe(_changes(after, actual))}
    # A part the version added or removed counts whatever attribute differs now.
    parts = {(t, n) for t, n, a in made if a is None}
    return bool(made & drift) or any((t, n) in parts for t, n, _ in drift)


def _effect(before: Form, after: Form) -> Literal["creates", "changes", "drops"]:
    return "creates" if before.obj is None else "drops" if after.obj is None else "changes"


def _evidence(
    states: Sequence[VersionState],
    i: int,
    key: ObjectKey,
    runs: list[Run],
    verdict: Verdict,
) -> Evidence:
    before = next(form for start, form in reversed(runs) if start < i)
    after = next(form for start, form in runs if start == i)
    obj = states[i].objects.get(key) or states[i - 1].objects.get(key)
    name = obj.name if obj is not None else key[1]
    table = getattr(obj, "table", None) if obj is not None else None
    effect = _effect(before, after)
    where = f" on {table}" if table and key[0] != "table" else ""
    has = {
        "yes": "the database has it",
        "no": "the database does not have it",
        "neither": "the database has it in another form",
    }[verdict]
    if effect == "drops":
        has = {
            "yes": "it is gone from the database",
            "no": "the database still has it",
            "neither": "the database has it in another form",
        }[verdict]
    return Evidence(
        object_type=key[0],
        name=name,
        table=table,
        effect=effect,
        present={"yes": True, "no": False, "neither": None}[verdict],
        message=f"{effect} {key[0]} {name}{where}: {has}",
    )


def build_plan(
    states: Sequence[VersionState],
    actual: Schema,
    effective: int,
    changes: list[Change],
    history: History | None,
    store: Store | None,
    migrations: dict[str, Migration],
) -> Plan:
    """One entry per version (and per unknown recorded version), plus unattributed drift."""
    current = {object_key(o): Form(o) for o in actual.objects()}
    absent = Form(None)
    segments = segments_of(states)
    last = len(states) - 1
    recorded_store = history is not None and history.exists
    entries: list[tuple[tuple[Any, ...], PlanEntry]] = []
    status: dict[int, str] = {}  # state index -> present | absent | partial | conflict
    attributed: set[ObjectKey] = set()

    for i in range(1, len(states)):
        st = states[i]
        version = st.version or ""
        keys = footprint(states, i, segments)
        verdicts = {
            k: _verdict(segments[k], i, current.get(k, absent), last, effective) for k in keys
        }
        evidence = [_evidence(states, i, k, segments[k], v) for k, v in verdicts.items()]
        for k, v in verdicts.items():
            if (v == "yes" and i > effective) or (v != "yes" and i <= effective):
                attributed.add(k)
        values = set(verdicts.values())
        if not keys:
            state = "present" if i <= effective else "absent"
        elif "neither" in values:
            state = "conflict"
        elif values == {"yes"}:
            state = "present"
        elif values == {"no"}:
            state = "absent"
        else:
            state = "partial"
        status[i] = state
        entry = history.entry(version) if history is not None else None
        recorded = recorded_store and history is not None and history.is_recorded(version)
        m = migrations.get(version)
        action, code, reason = _decide(
            state, keys, verdicts, recorded, entry, store, m, history if recorded_store else None
        )
        entries.append(
            (
                (version_key(version), 0),
                PlanEntry(
                    version=version,
                    name=st.name,
                    action=action,
                    code=code,
                    reason=reason,
                    evidence=evidence,
                ),
            )
        )

    # An absent version below a present one would run out of order.
    present_after = [i for i, s in status.items() if s == "present"]
    for n, (sort, e) in enumerate(entries):
        i = n + 1
        if e.action == "apply" and any(j > i for j in present_after):
            later = next(states[j].version for j in sorted(present_after) if j > i)
            entries[n] = (
                sort,
                e.model_copy(
                    update={
                        "action": "flag",
                        "code": "out_of_order",
                        "reason": f"absent while the later version {later} is present: applying it "
                        "now would run it out of order",
                    }
                ),
            )

    if history is not None and history.exists:
        known = {history.key(st.version) for st in states[1:] if st.version}
        for h in history.entries:
            if history.key(h.version) not in known:
                entries.append(
                    (
                        (history.key(h.version), 1),
                        PlanEntry(
                            version=h.version,
                            name=h.name,
                            action="flag",
                            code="unknown_version",
                            reason=f"recorded in {_store_label(history)} but not among the "
                            "migrations (deleted or renamed file, or a newer release's version)",
                        ),
                    )
                )

    unexplained = [c for c in changes if c.severity in _SEVERE and c.owner.key not in attributed]
    result = [e for _, e in sorted(entries, key=lambda x: x[0])]
    if unexplained:
        result.append(
            PlanEntry(
                version=None,
                name=None,
                action="flag",
                code="unattributed",
                reason=f"{len(unexplained)} change{'s' if len(unexplained) != 1 else ''} in the "
                "database that no version explains (made by hand?)",
                evidence=[
                    Evidence(
                        object_type=c.object_type,
                        name=c.name,
                        table=c.table,
                        effect="drift",
                        present=None,
                        message=c.message,
                    )
                    for c in unexplained
                ],
            )
        )
    return Plan(result, attributed)


def _store_label(history: History) -> str:
    return store_label(history.store, history.table)


def _describe(keys: list[ObjectKey], verdicts: dict[ObjectKey, Verdict], which: Verdict) -> str:
    names = [f"{k[0]} {k[1]}" for k in keys if verdicts[k] == which]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return shown


def _decide(
    state: str,
    keys: list[ObjectKey],
    verdicts: dict[ObjectKey, Verdict],
    recorded: bool,
    entry: object,
    store: Store | None,
    m: Migration | None,
    history: History | None,
) -> tuple[Literal["ok", "record", "apply", "flag"], str, str]:
    from driftcheck.history.base import Entry

    e = entry if isinstance(entry, Entry) else None
    where = _store_label(history) if history is not None else "the history"
    if e is not None and history is not None and not e.success:
        code = "dirty" if e.dirty else "failed"
        return (
            "flag",
            code,
            f"{where} marks this version as "
            f"{'dirty (it stopped halfway)' if e.dirty else 'failed'}",
        )
    if (
        recorded
        and e is not None
        and store is not None
        and m is not None
        and store.checksum_state(e, m) == "mismatch"
    ):
        if state == "present":
            # The file changed after it ran, yet the database has what the new text
            # gives: the old and the new text give the same schema (reformatted).
            return (
                "ok",
                "reformatted",
                "the migration file changed after it ran "
                "(checksum differs), but the schema it gives "
                "is the one in the database: reformatted",
            )
        return (
            "flag",
            "checksum_mismatch",
            "the migration file changed after it ran (checksum differs), and the "
            "schema it gives now is not the one in the database",
        )
    if state == "conflict":
        return (
            "flag",
            "conflict",
            "objects this version changes were changed another way in "
            f"the database: {_describe(keys, verdicts, 'neither')}",
        )
    if state == "partial":
        return (
            "flag",
            "partial",
            f"some of its changes are present "
            f"({_describe(keys, verdicts, 'yes')}), some are not "
            f"({_describe(keys, verdicts, 'no')})",
        )
    if recorded:
        if state == "absent":
            return (
                "flag",
                "recorded_but_absent",
                f"recorded in {where}, but its changes are not in the database"
                + (f" ({_describe(keys, verdicts, 'no')})" if keys else ""),
            )
        if not keys:
            return ("ok", "ok", "recorded (changes no schema object)")
        return ("ok", "ok", "recorded, and its changes are present")
    if state == "present":
        if history is None:
            return (
                "record",
                "unrecorded",
                "its changes are present; no history records it yet (apply would record it)",
            )
        return (
            "record",
            "unrecorded",
            f"its changes are present, but {where} does not record it (applied by hand?)",
        )
    return ("apply", "pending", "not applied yet" + ("" if keys else " (changes no schema object)"))
