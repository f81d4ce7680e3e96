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

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from driftcheck.changes import Change, severe
from driftcheck.compare import Form
from driftcheck.differ import diff_schemas
from driftcheck.effective import rank
from driftcheck.history import History, Store
from driftcheck.history.base import store_label
from driftcheck.migrations.model import Migration
from driftcheck.model import Schema, SchemaObject
from driftcheck.normalize import fold
from driftcheck.replay import ObjectKey, VersionState, object_key
from driftcheck.report.model import Evidence, PlanEntry
from driftcheck.versions import version_key

if TYPE_CHECKING:
    from driftcheck.config import Config
    from driftcheck.expected import Expected

Verdict = Literal["yes", "no", "neither"]
_SEVERE = ("error", "warning")
# The flags of a recorded version whose objects the database lacks in its form.
_RESTORABLE = ("partial", "conflict", "recorded_but_absent")


@dataclass(frozen=True)
class Plan:
    entries: list[PlanEntry]
    attributed: set[ObjectKey]  # objects whose differences a version explains
    # The changes no version explains (the unattributed flag's evidence).
    unexplained: list[Change] = field(default_factory=list)
    # Recorded versions (at or below the effective one) whose objects were dropped or
    # changed by hand: version -> those objects. `plan --format sql` restores them to
    # the effective version's form rather than leave them to the version's flag.
    restore: dict[str, list[ObjectKey]] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)


@dataclass(frozen=True)
class Hints:
    """What the plan's reasons may say about the setup around it (all optional)."""

    ignore: tuple[str, ...] = ()  # the config's `ignore` patterns, as written
    config: str = ""  # the config file in use ("": none)
    repeatable: bool = False  # Flyway repeatable (R__) files are there, not replayed
    # Version -> objects it changes that `ignore` leaves out of the check.
    left_out: Mapping[str, tuple[ObjectKey, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config, before: Expected, after: Expected) -> Hints:
        """From the config, and the expected schemas before and after `ignore`."""
        left_out: dict[str, tuple[ObjectKey, ...]] = {}
        if before is not after:
            for b, a in zip(before.states[1:], after.states[1:], strict=True):
                gone = (b.changed | b.removed) - (a.changed | a.removed)
                if gone and b.version:
                    left_out[b.version] = tuple(sorted(gone))
        ms = after.migration_set
        # The loader notes the repeatable files it leaves out (see migrations.load).
        repeatable = ms is not None and any("repeatable (R)" in n for n in ms.notes)
        return cls(tuple(config.ignore), config.source, repeatable, left_out)


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


Item = tuple[str, str, str | None]  # (object_type, folded name, attribute) of a change


def _items(changes: list[Change]) -> set[Item]:
    return {(c.object_type, fold(c.name), c.attribute) for c in changes}


@dataclass
class Reading:
    """What the database has of one object, read against the runs of its forms.

    When the database has a form some version gives, `matching` holds those
    versions' ranges. Otherwise the object belongs to the run whose form is
    closest (`closest`, an index into `spans`), and each difference from that
    form lies with the latest version up to it whose own change covers it (see
    `_covers`). That version explains the difference (`blame`) when its file
    changed after it ran (the database holds what the old text made), or when it
    is the closest run's own version (its change went another way). What no
    version explains is `loose`: drift beside the versions' changes, which their
    verdicts ignore.
    """

    spans: list[tuple[int, int, Form]]
    matching: list[tuple[int, int]]
    closest: int | None = None
    blame: dict[int, set[Item]] = field(default_factory=dict)
    loose: set[Item] = field(default_factory=set)

    @property
    def start(self) -> int:
        assert self.closest is not None
        return self.spans[self.closest][0]

    @property
    def explained(self) -> set[Item]:
        return set().union(*self.blame.values()) if self.blame else set()


def read_object(runs: list[Run], actual: Form, last: int, changed: frozenset[int]) -> Reading:
    """How the database's form of an object relates to the versions' forms of it.

    `changed`: the versions (state indexes) whose migration file changed after it
    ran (recorded checksum differs).
    """
    spans = [
        (start, runs[n + 1][0] - 1 if n + 1 < len(runs) else last, form)
        for n, (start, form) in enumerate(runs)
    ]
    # Compare shapes first (no parsing); only when no run has the database's exact
    # shape, compare canonical forms (a differently written but equal object).
    matching = [(a, b) for a, b, form in spans if form.shape == actual.shape]
    if not matching:
        matching = [(a, b) for a, b, form in spans if form.same(actual)]
    reading = Reading(spans, matching)
    if matching or actual.obj is None:
        return reading
    closest = _closest(spans, actual.obj)
    if closest is None:
        return reading
    reading.closest = closest
    after = spans[closest][2].obj
    drift = severe(_changes(after, actual.obj))
    # What each version up to the closest run made of the object (None: created it).
    made = {spans[n][0]: _made(spans[n - 1][2].obj, spans[n][2].obj) for n in range(1, closest + 1)}
    for c in drift:
        item = (c.object_type, fold(c.name), c.attribute)
        by = _blame(made, c)
        # The latest version whose change covers it explains it, if its file
        # changed or it is the closest run's own; an earlier version's part of
        # the object, changed by hand beside a later version's change, is drift.
        if by is not None and (by in changed or by == reading.start):
            reading.blame.setdefault(by, set()).add(item)
        else:
            reading.loose.add(item)
    return reading


def _verdict(reading: Reading, i: int, effective: int) -> Verdict:
    """Does the database hold version i's form of the object (or a later one)?"""
    if reading.closest is not None:
        # The database has the object in a form no version gives: versions after the
        # closest run's are not there; up to it, a version's change is there unless a
        # difference is blamed on it (its change was made another way).
        if i > reading.start:
            return "no"
        return "neither" if i in reading.blame else "yes"
    matching = reading.matching
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


@dataclass(frozen=True)
class Made:
    """What a version changed of an object: attributes, and parts it added or removed;
    `renamed`: added parts defined as a removed one was (new -> old folded name): a
    rename keeps the rest of the part."""

    items: set[Item]
    parts: set[tuple[str, str]]
    renamed: dict[tuple[str, str], str]


def _made(before: SchemaObject | None, after: SchemaObject | None) -> Made | None:
    """What a version changed of an object (before -> after); None: it created it."""
    if before is None or after is None:
        return None
    changes = _changes(before, after)
    parts: set[tuple[str, str]] = {
        (c.object_type, fold(c.name)) for c in changes if c.change != "changed"
    }
    gone: dict[tuple[str, str], str] = {}
    for c in changes:
        if c.change == "missing":
            gone.setdefault((c.object_type, repr(c.expected)), fold(c.name))
    renamed: dict[tuple[str, str], str] = {
        (c.object_type, fold(c.name)): gone[(c.object_type, repr(c.actual))]
        for c in changes
        if c.change == "unexpected" and (c.object_type, repr(c.actual)) in gone
    }
    return Made(_items(changes), parts, renamed)


def _covers(made: Made | None, c: Change, name: str) -> bool:
    """Whether a difference (in the part called `name` at that version) lies in what
    a version changed: an attribute it changed, or anything of a part it added or
    removed (all of an object it created); of a part it renamed, only its presence."""
    if made is None:
        return True
    part = (c.object_type, name)
    if (c.object_type, name, c.attribute) in made.items:
        return True
    if part in made.renamed:
        return c.change != "changed"
    return part in made.parts


def _blame(made: dict[int, Made | None], c: Change) -> int | None:
    """The latest version whose change covers a difference, following the part back
    through renames."""
    name = fold(c.name)
    for v in sorted(made, reverse=True):
        m = made[v]
        if _covers(m, c, name):
            return v
        if m is not None:
            name = m.renamed.get((c.object_type, name), name)
    return None


def _effect(before: Form, after: Form) -> Literal["creates", "changes", "drops"]:
    return "creates" if before.obj is None else "drops" if after.obj is None else "changes"


def _evidence(
    states: Sequence[VersionState],
    i: int,
    key: ObjectKey,
    runs: list[Run],
    verdict: Verdict,
    exists: bool,
) -> Evidence:
    """`exists`: whether the database has the object at all (in any form)."""
    before = next(form for start, form in reversed(runs) if start < i)
    after = next(form for start, form in runs if start == i)
    obj = states[i].objects.get(key) or states[i - 1].objects.get(key)
    name = obj.name if obj is not None else key[1]
    table = getattr(obj, "table", None) if obj is not None else None
    effect = _effect(before, after)
    where = f" on {table}" if table and key[0] != "table" else ""
    has = {
        "yes": "the database has it",
        "no": "the database has the earlier form" if exists else "the database does not have it",
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


def changed_files(
    states: Sequence[VersionState],
    history: History | None,
    store: Store | None,
    migrations: dict[str, Migration],
) -> frozenset[int]:
    """The versions (state indexes) whose migration file changed after it ran."""
    if history is None or not history.exists or store is None:
        return frozenset()
    out = set()
    for i, st in enumerate(states):
        m = migrations.get(st.version or "")
        entry = history.entry(st.version) if st.version else None
        if (
            m is not None
            and entry is not None
            and history.is_recorded(m.version)
            and store.checksum_state(entry, m) == "mismatch"
        ):
            out.add(i)
    return frozenset(out)


def build_plan(
    states: Sequence[VersionState],
    actual: Schema,
    effective: int,
    changes: list[Change],
    history: History | None,
    store: Store | None,
    migrations: dict[str, Migration],
    hints: Hints | None = None,
) -> Plan:
    """One entry per version (and per unknown recorded version), plus unattributed drift.

    `hints`: what the reasons may say about the config and the migrations around the
    plan (see `Hints.of`); without it they say nothing of them."""
    hints = hints or Hints()
    current = {object_key(o): Form(o) for o in actual.objects()}
    absent = Form(None)
    segments = segments_of(states)
    last = len(states) - 1
    recorded_store = history is not None and history.exists
    entries: list[tuple[tuple[Any, ...], PlanEntry]] = []
    status: dict[int, str] = {}  # state index -> present | absent | partial | conflict
    attributed: set[ObjectKey] = set()
    changed = changed_files(states, history, store, migrations)
    readings: dict[ObjectKey, Reading] = {}
    restore: dict[str, list[ObjectKey]] = {}

    def reading(k: ObjectKey) -> Reading:
        found = readings.get(k)
        if found is None:
            found = readings[k] = read_object(segments[k], current.get(k, absent), last, changed)
        return found

    for i in range(1, len(states)):
        st = states[i]
        version = st.version or ""
        keys = footprint(states, i, segments)
        verdicts = {k: _verdict(reading(k), i, effective) for k in keys}
        evidence = [
            _evidence(states, i, k, segments[k], v, k in current) for k, v in verdicts.items()
        ]
        for k, v in verdicts.items():
            # An object in another form than version i gives is that version's flag
            # (conflict), above the effective version as below it.
            if v == "neither" or (v == "yes" and i > effective) or (v == "no" and i <= effective):
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
            state,
            keys,
            verdicts,
            recorded,
            entry,
            store,
            m,
            history if recorded_store else None,
            hints.left_out.get(version, ()),
        )
        if recorded and i <= effective and code in _RESTORABLE:
            restore[version] = [k for k in keys if verdicts[k] != "yes"]
            reason += (
                "; it is recorded as applied: `driftcheck plan --format sql` prints the SQL "
                "that restores them"
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

    # Where the database's form of an object is closest to the form it should have at
    # the effective version, each of its differences is explained or not on its own:
    # one version's changed file or changed part does not explain a hand change beside.
    # Where it is closest to a later version's form (that version's conflict), what
    # no version explains there (`loose`) is drift of its own.
    by_item: dict[ObjectKey, set[Item]] = {}
    loose: dict[ObjectKey, set[Item]] = {}
    for k, r in readings.items():
        if r.closest is None:
            continue
        if r.start <= effective <= r.spans[r.closest][1]:
            by_item[k] = r.explained
        elif r.start > effective and k in attributed:
            loose[k] = r.loose

    def unexplained_by(c: Change) -> bool:
        k, item = c.owner.key, (c.object_type, fold(c.name), c.attribute)
        if k in by_item:
            return item not in by_item[k]
        if k in loose:
            return item in loose[k]
        return k not in attributed

    unexplained = [c for c in changes if c.severity in _SEVERE and unexplained_by(c)]
    result = [e for _, e in sorted(entries, key=lambda x: x[0])]
    if unexplained:
        result.append(
            PlanEntry(
                version=None,
                name=None,
                action="flag",
                code="unattributed",
                reason=unattributed_reason(unexplained, hints),
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
    return Plan(result, attributed, unexplained, restore)


def part_label(c: Change) -> str:
    """A change's object or part, as the unattributed flag (and baseline) names it."""
    if c.object_type == c.owner.kind and fold(c.name) == fold(c.owner.name):
        on = f" on {c.table}" if c.object_type in ("index", "trigger") and c.table else ""
        return f"{c.object_type} {c.name}{on}"
    if c.object_type == "column":
        return f"column {c.table}.{c.name}"
    if c.object_type == "check":
        check = c.name if c.name.startswith("CHECK") else f"CHECK {c.name}"
        return f"{check} on {c.table}"
    if c.object_type == "foreign_key":
        return f"foreign key {c.name} on {c.table}"
    if c.object_type == "index":
        return f"UNIQUE constraint {c.name} on {c.table}"
    return f"{c.object_type} {c.name}"


def _glob(name: str) -> str:
    """A name as an ignore glob that matches it alone (fnmatch's own escapes)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def ignore_patterns(changes: Sequence[Change]) -> tuple[list[str], list[str]]:
    """The `ignore` patterns that leave out the whole objects among `changes`, and the
    tables only a part of which differs (a part cannot be ignored alone)."""
    patterns: dict[str, None] = {}
    parts: dict[str, None] = {}  # tables with a part or attribute changed by hand
    for c in changes:
        if c.owner.kind != "table":
            patterns[f"{c.owner.kind}:{_glob(c.owner.name)}"] = None
        elif c.object_type == "table" and c.change in ("missing", "unexpected"):
            patterns[f"table:{_glob(c.owner.name)}"] = None
        else:
            parts[c.owner.name] = None
    return list(patterns), list(parts)


def ignore_advice(patterns: Sequence[str], hints: Hints) -> str:
    """Where and how to write `patterns` into the config: the line to add, or, when the
    config has an `ignore` list already, that list with them (TOML allows one key)."""
    source = hints.config
    if not source:
        where = "driftcheck.toml"
    elif PurePath(source).name == "pyproject.toml":
        where = f"{source} under [tool.driftcheck]"
    else:
        where = source
    merged = list(dict.fromkeys([*hints.ignore, *patterns]))
    line = ", ".join(json.dumps(p, ensure_ascii=False) for p in merged)
    if hints.ignore:
        return f"replace the `ignore` line in {where} with: ignore = [{line}]"
    return f"add to {where}: ignore = [{line}]"


def unattributed_reason(unexplained: list[Change], hints: Hints | None = None) -> str:
    """What no version explains, object by object, and the `ignore` line that leaves
    the whole objects among them out of the check (parts of a table cannot be)."""
    hints = hints or Hints()
    labels: dict[str, list[str]] = {}  # label -> what differs (attributes, missing)
    for c in unexplained:
        notes = labels.setdefault(part_label(c), [])
        note = "missing" if c.change == "missing" else c.attribute if c.change == "changed" else ""
        if note and note not in notes:
            notes.append(note)
    patterns, parts = ignore_patterns(unexplained)
    named = ", ".join(f"{k} ({', '.join(v)})" if v else k for k, v in labels.items())
    n = len(unexplained)
    source = (
        "made by hand, or by the Flyway repeatable (R__) files, which are not replayed?"
        if hints.repeatable
        else "made by hand?"
    )
    text = (
        f"{n} change{'s' if n != 1 else ''} in the database that no version explains "
        f"({source}): {named}"
    )
    if patterns:
        text += f". To leave {'them' if len(patterns) > 1 else 'it'} out of the check, "
        text += ignore_advice(patterns, hints)
    if parts:
        tables = ", ".join(parts)
        whole = ", ".join(json.dumps(f"table:{_glob(t)}", ensure_ascii=False) for t in parts)
        text += (
            f". A column, CHECK, foreign key or UNIQUE constraint cannot be ignored alone, only "
            f"with its whole table ({whole}): bring {tables} in line instead "
            "(`driftcheck plan --format sql` prints the SQL)"
        )
    return text


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
    left_out: Sequence[ObjectKey] = (),
) -> tuple[Literal["ok", "record", "apply", "flag"], str, str]:
    from driftcheck.history.base import Entry

    if left_out:
        shown = ", ".join(f"{k[0]} {k[1]}" for k in left_out[:4])
        more = f" and {len(left_out) - 4} more" if len(left_out) > 4 else ""
        nothing = f"changes only objects `ignore` leaves out: {shown}{more}"
    else:
        nothing = "changes no schema object"

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
                "the migration file changed after it ran (checksum differs), but the "
                "schema it gives is the one in the database; `driftcheck repair` records "
                "the new checksum (Flyway and sqlx refuse to run while a recorded checksum "
                "differs)",
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
            return ("ok", "ok", f"recorded ({nothing})")
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
    return ("apply", "pending", "not applied yet" + ("" if keys else f" ({nothing})"))
