"""Resolve what the plan flags: `resolve`, `repair` and `baseline`.

A person who has read the evidence decides; these commands write that decision
into the history store, the way the store's own tool writes it:

- `resolve VERSION --as applied|absent`: a dirty, failed, partial or
  recorded-but-absent version is recorded as applied, or no longer recorded.
  The plan's evidence must agree (every change present, or none), unless forced.
- `repair`: accept the current files' checksums, for versions whose file was
  only reformatted, or (named explicitly) whose file now gives another schema.
- `baseline VERSION`: record every version up to VERSION without running it,
  when the database has exactly VERSION's expected schema (Flyway's `baseline`,
  Alembic's `stamp`), unless forced.

Each command is two calls. `prepare_*` reads the database (read-only), decides
what to write and returns a `Resolution`: the evidence to show first, the
statements, warnings and notes; it raises `Refused` (an `ApplyRefused`: exit 1)
when the evidence or the history says no, and a `DriftcheckError` (exit 2) for
bad input. `execute` writes, under apply's run lock and after a backup, in one
`BEGIN IMMEDIATE` transaction, once it has read the history (and the schema's
change counter) again and found them as they were when the evidence was shown.
Only the history store is written, never a schema object.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from driftcheck.applier import ApplyRefused, backup_path, recover, run_lock, take_backup
from driftcheck.changes import Change, severe
from driftcheck.check import Validation, validate
from driftcheck.differ import diff_schemas
from driftcheck.errors import DriftcheckError
from driftcheck.history import History, Store
from driftcheck.history.base import Entry, Write, entries_of, store_label
from driftcheck.migrations.model import Migration
from driftcheck.planner import Hints, ignore_advice, ignore_patterns, part_label
from driftcheck.replay import VersionState
from driftcheck.report.model import PlanEntry
from driftcheck.settings import Settings
from driftcheck.sqlite.connect import check_database_file, database_error, read_readonly
from driftcheck.versions import VersionKey, spelled, version_key

Command = Literal["resolve", "repair", "baseline"]
As = Literal["applied", "absent"]

# The flags `resolve` is for; the others have their own way out (see _HINTS). Also,
# `--as applied` records a version applied by hand (`unrecorded`, as apply would), and
# `--as absent` forgets a recorded version no migration has (`unknown_version`).
RESOLVABLE = ("dirty", "failed", "partial", "recorded_but_absent")
ALLOWED: dict[str, tuple[str, ...]] = {
    "applied": (*RESOLVABLE, "unrecorded"),
    "absent": (*RESOLVABLE, "unknown_version"),
}
_HINTS = {
    "ok": "nothing to resolve: it is recorded and its changes are present",
    "reformatted": "nothing to resolve; `driftcheck repair` accepts the file's new checksum",
    "unrecorded": "its changes are present: `driftcheck apply` records it (or `driftcheck "
    "resolve {version} --as applied`)",
    "pending": "nothing to resolve: `driftcheck apply` applies it",
    "checksum_mismatch": "restore the file as it ran, or accept its new checksum with "
    "`driftcheck repair --version {version}`",
    "conflict": "make the database have this version's form of those objects (or the "
    "earlier form), then look at `driftcheck plan` again",
    "out_of_order": "apply it by hand (then it is present, and `apply` records it), or "
    "remove the later versions' changes",
}


class Refused(ApplyRefused):
    """A person's decision the evidence does not support (exit 1). Carries the
    evidence to show: plan entries and, for baseline, the schema differences."""

    code = "resolve_refused"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        entries: Iterable[PlanEntry] = (),
        changes: Iterable[Change] = (),
    ) -> None:
        super().__init__(message, hint=hint, code=code)
        self.entries = list(entries)
        self.changes = list(changes)


@dataclass
class Resolution:
    """What a command will write, and why: shown first, then confirmed, then executed."""

    command: Command
    summary: str  # one line: what will be recorded
    validation: Validation
    store: Store
    history: History  # as read when the evidence was gathered
    entries: list[PlanEntry]  # the plan entries concerned: the evidence to show first
    changes: list[Change]  # baseline: the database against VERSION's expected schema
    writes: list[Write]  # in order, in one transaction; empty: nothing to do
    warnings: list[str] = field(default_factory=list)  # what --force overrode, what is left
    notes: list[str] = field(default_factory=list)
    schema_version: int = 0  # PRAGMA schema_version when the evidence was read

    def statements(self) -> list[str]:
        """The writes as SQL, parameters shown in place (for display only)."""
        return [show_write(w) + ";" for w in self.writes]


@dataclass
class Resolved:
    backup: Path | None = None
    statements: int = 0  # statements run
    rows: int = 0  # history rows inserted, updated or deleted


# --------------------------------------------------------------------------
# resolve


def prepare_resolve(
    s: Settings, version: str, resolution: str, *, force: bool = False, writing: bool = True
) -> Resolution:
    """Record `version` as applied (clear dirty, replace a failed row, or add the row) or
    as absent (remove its rows; a store that keeps only the latest version goes back to
    the version before)."""
    if resolution not in ("applied", "absent"):
        raise DriftcheckError(
            f"--as {resolution}: not a resolution",
            hint="--as applied (the database has its changes) or --as absent (it has none)",
            code="usage",
        )
    as_: As = "applied" if resolution == "applied" else "absent"
    ctx = _Context.load(s, "resolve", writing=writing)
    unknown = ctx.unknown_entry(version)
    if unknown is not None:
        return _forget_unknown(ctx, unknown, as_)
    i = ctx.index_of(version)
    entry = ctx.entry(i)
    m = ctx.migration(i)
    v = m.version
    if entry.code not in ALLOWED[as_]:
        hint = _HINTS.get(entry.code, "see `driftcheck plan`").format(version=v)
        if v in ctx.validation.plan.restore:
            hint = _restore_hint(v, True, entry.code)
        raise Refused(
            f"version {v}: the plan says {entry.action} ({entry.code}): {entry.reason}; "
            f"resolve --as {as_} is for {_listing(ALLOWED[as_])} versions",
            hint=hint,
            entries=[entry],
        )
    recorded = ctx.history.exists and ctx.history.is_recorded(v)
    restorable = v in ctx.validation.plan.restore
    if as_ == "applied" and recorded:
        # Nothing to write, forced or not: the history is right, the database is not.
        missing = "".join(f"\n  {e.message}" for e in entry.evidence if e.present is not True)
        raise Refused(
            f"version {v}: {ctx.label} already records it as applied, but not all of its "
            "changes are in the database (--force cannot help: there is nothing to write)"
            + missing,
            hint=_restore_hint(v, restorable, entry.code),
            entries=[entry],
        )
    warnings: list[str] = []
    _check_evidence(entry, as_, force, warnings, recorded=recorded, restorable=restorable)
    if as_ == "applied":
        writes, also = ctx.applied(i, m, entry)
        verb = "as applied"
    else:
        writes, also = ctx.absent(i, m, entry)
        verb = "as absent (not applied)"
    notes = []
    if also:
        notes.append(
            f"{ctx.label} keeps only the latest version: this also "
            f"{'records' if as_ == 'applied' else 'forgets'} "
            + ", ".join(e.version or "" for e in also)
        )
    return ctx.resolution(
        "resolve",
        f"record {v}{_named(m)} {verb} in {ctx.label}",
        [entry, *also],
        writes,
        warnings=warnings,
        notes=notes,
    )


def _forget_unknown(ctx: _Context, entry: PlanEntry, as_: As) -> Resolution:
    """A recorded version no migration has: it can only be forgotten."""
    v = entry.version or ""
    if as_ == "applied":
        raise Refused(
            f"version {v}: {ctx.label} records it, but no migration has it: there is nothing "
            "to record it as",
            hint=f"restore its migration file, or forget it: `driftcheck resolve {v} --as absent`",
            entries=[entry],
        )
    key = ctx.key(v)
    below = [i for i in ctx.indexes() if ctx.key(ctx.version_at(i)) < key]
    previous = ctx.migration(below[-1]) if below else None
    return ctx.resolution(
        "resolve",
        f"forget {v} (no migration has it) in {ctx.label}",
        [entry],
        ctx.store.forget(v, previous, ctx.history),
    )


def _listing(codes: Sequence[str]) -> str:
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def _restore_hint(version: str, restorable: bool, code: str) -> str:
    """How a recorded version whose objects the database lacks gets them back."""
    if restorable:
        return (
            "`driftcheck plan --format sql` prints the SQL that restores its objects (then "
            f"the plan shows {version} ok)"
            + (
                f"; or, to run it again, `driftcheck resolve {version} --as absent` and "
                "`driftcheck apply`"
                if code == "recorded_but_absent"
                else ""
            )
        )
    if code == "recorded_but_absent":
        return (
            f"forget it (`driftcheck resolve {version} --as absent`), then `driftcheck apply` "
            "runs it again; or make its changes by hand"
        )
    return "make its changes by hand (the evidence lists what is missing)"


def _check_evidence(
    entry: PlanEntry,
    as_: As,
    force: bool,
    warnings: list[str],
    *,
    recorded: bool = False,
    restorable: bool = False,
) -> None:
    """`applied` needs every change present; `absent` needs none present. `recorded`:
    the history records it as applied; `restorable`: and `plan --format sql` restores
    what the database lacks of it."""
    if as_ == "applied":
        wrong = [e for e in entry.evidence if e.present is not True]
        what = "not all of its changes are in the database"
        hint = (
            "finish the version by hand (the evidence lists what is missing), or resolve it "
            "--as absent; --force records it anyway"
        )
    else:
        wrong = [e for e in entry.evidence if e.present is not False]
        what = "some of its changes are in the database"
        hint = (
            "undo its changes by hand (the evidence lists them), or resolve it --as applied; "
            "--force records it anyway"
        )
        if recorded:
            keep = (
                "`driftcheck plan --format sql` prints the SQL that restores its objects"
                if restorable
                else "make the missing changes by hand (the evidence lists them)"
            )
            hint = (
                f"it is recorded as applied: to keep it, {keep}; to forget it, undo its "
                "changes by hand first; --force forgets it anyway"
            )
    if not wrong:
        return
    listed = "".join(f"\n  {e.message}" for e in wrong)
    if not force:
        raise Refused(
            f"version {entry.version}: cannot record it as {as_}: {what}{listed}",
            hint=hint,
            entries=[entry],
        )
    warnings.append(
        f"--force: version {entry.version} is recorded as {as_} although {what}; the plan "
        f"goes on flagging it until the database agrees{listed}"
    )


# --------------------------------------------------------------------------
# repair


def prepare_repair(
    s: Settings, versions: Sequence[str] = (), *, writing: bool = True
) -> Resolution:
    """Accept the current files' checksums: every `reformatted` version, or the versions
    named (`reformatted` or `checksum_mismatch`)."""
    ctx = _Context.load(s, "repair", writing=writing)
    store, history = ctx.store, ctx.history
    # A version pointer out of step with the history is set to the recorded version.
    pointer = store.sync_pointer(history) if history.exists else []
    in_step = (
        f"set the version pointer to {history.recorded_version or 'nothing'} (it says "
        f"{history.pointer or 'nothing'})"
    )
    if store.checksum_algorithm is None or not history.exists:
        if pointer:
            return ctx.resolution("repair", in_step, [], pointer)
        why = "has no history yet" if not history.exists else "records no checksums"
        return ctx.resolution(
            "repair", "nothing to repair", [], [], notes=[f"{ctx.label} {why}: nothing to repair"]
        )
    repairable = ("reformatted", "checksum_mismatch")
    warnings: list[str] = []
    notes: list[str] = []
    if versions:
        targets: list[int] = []
        problems: list[PlanEntry] = []
        for name in versions:
            i = ctx.index_of(name)
            if ctx.entry(i).code in repairable:
                targets.append(i)
            else:
                problems.append(ctx.entry(i))
        if problems:
            listed = "".join(
                f"\n  {e.version}: {e.action} ({e.code}): {e.reason}" for e in problems
            )
            raise Refused(
                "repair accepts the checksum of a recorded version whose file changed after "
                f"it ran; not of {'this one' if len(problems) == 1 else 'these'}:{listed}",
                hint="name only versions the plan shows as reformatted or checksum_mismatch",
                entries=problems,
            )
        for i in targets:
            e = ctx.entry(i)
            if e.code == "checksum_mismatch":
                warnings.append(
                    f"{e.version}: its file now gives another schema than the database has; "
                    f"once its checksum is accepted, the plan judges {e.version} by the new text"
                )
    else:
        targets = [i for i in ctx.indexes() if ctx.entry(i).code == "reformatted"]
        mismatched = [
            ctx.entry(i) for i in ctx.indexes() if ctx.entry(i).code == "checksum_mismatch"
        ]
        listed = ", ".join(e.version or "" for e in mismatched)
        if mismatched and not targets:
            raise Refused(
                f"the file of {listed} changed after it ran, and now gives another schema than "
                "the database has: repair accepts such a checksum only when the version is "
                "named",
                hint="read the evidence (`driftcheck plan`); restore the file, or accept it with "
                + " ".join(f"--version {e.version}" for e in mismatched),
                entries=mismatched,
            )
        if mismatched:
            warnings.append(
                f"not repaired: {listed} (checksum_mismatch: the file now gives another "
                "schema); name it with --version to accept it"
            )
        if not targets and not pointer:
            notes.append(f"no checksum in {ctx.label} differs from its file: nothing to repair")
    writes: list[Write] = list(pointer)
    for i in targets:
        m = ctx.migration(i)
        recorded = history.entry(m.version)
        assert recorded is not None  # reformatted and checksum_mismatch are recorded
        writes += store.set_checksum(m, recorded, history)
    shown = ", ".join(ctx.entry(i).version or "" for i in targets)
    summary = f"accept the current checksum of {shown} in {ctx.label}" if targets else ""
    if pointer:
        summary = f"{summary}; {in_step}" if summary else in_step
    summary = summary or "nothing to repair"
    return ctx.resolution(
        "repair",
        summary,
        [ctx.entry(i) for i in targets],
        writes,
        warnings=warnings,
        notes=notes,
    )


# --------------------------------------------------------------------------
# baseline


def prepare_baseline(
    s: Settings, version: str, *, force: bool = False, writing: bool = True
) -> Resolution:
    """Record every version up to `version` as applied, without running it, when the
    database has exactly that version's expected schema."""
    ctx = _Context.load(s, "baseline", writing=writing)
    i = ctx.index_of(version)
    m = ctx.migration(i)
    v = m.version
    history, store = ctx.history, ctx.store
    if history.exists:
        if store.baseline_needs_empty_history and (history.entries or history.baseline):
            raise Refused(
                f"{ctx.label} is not empty: {store.kind} baselines only a history that holds "
                "nothing yet",
                hint="the versions it records are its history; resolve what the plan flags, "
                "and let `driftcheck apply` record the versions whose changes are present",
                code="baseline_history",
            )
        recorded = [ctx.spelled(e.version) for e in history.entries]
        if history.baseline is not None:
            recorded.append(history.baseline)
        above = [r for r in recorded if history.key(r) >= history.key(v)]
        if above:
            raise Refused(
                f"{ctx.label} already records {', '.join(above)}: a baseline at {v} is for a "
                f"database whose history is empty or below {v}",
                hint="see `driftcheck plan`",
                code="baseline_history",
            )
        failed = [ctx.spelled(e.version) for e in history.entries if not e.success]
        if failed:
            raise Refused(
                f"{ctx.label} marks {', '.join(failed)} as failed or dirty",
                hint="resolve it first: `driftcheck resolve VERSION --as applied|absent`",
                code="baseline_history",
            )
    changes = diff_schemas(ctx.validation.expected.states[i].schema(), ctx.validation.actual)
    differences = severe(changes)
    warnings: list[str] = []
    if differences:
        n = len(differences)
        what = (
            f"the database differs from version {v}'s expected schema "
            f"({n} difference{'s' if n != 1 else ''})"
        )
        if not force:
            extra = _only_extra(ctx, i, differences)
            if extra is not None:
                what, hint = extra
            else:
                what += f": a baseline at {v} would record versions whose schema it does not have"
                hint = (
                    "read the differences; baseline at the version the database is at "
                    "(`driftcheck status` names it), or fix the database; --force baselines "
                    "anyway"
                )
            raise Refused(what, hint=hint, code="baseline_mismatch", changes=changes)
        warnings.append(f"--force: {what}; the plan will show them")
    unrecorded = [
        ctx.migration(j)
        for j in range(1, i + 1)
        if not (history.exists and history.is_recorded(ctx.migration(j).version))
    ]
    writes = ctx.create() + store.baseline(unrecorded, history)
    return ctx.resolution(
        "baseline",
        f"record {len(unrecorded)} version{'s' if len(unrecorded) != 1 else ''} up to "
        f"{v}{_named(m)} as applied in {ctx.label}, without running them",
        [ctx.entry(j) for j in range(1, i + 1)],
        writes,
        changes=changes,
        warnings=warnings,
    )


def _only_extra(ctx: _Context, i: int, differences: list[Change]) -> tuple[str, str] | None:
    """When the database has version i's whole schema plus objects (or parts) it does not
    have, the refusal says so, and how to leave them out or remove them: (message, hint).
    None when something of version i's schema is missing or changed."""
    if not differences or any(c.change != "unexpected" for c in differences):
        return None
    v = ctx.version_at(i)
    later: dict[str, str] = {}  # label -> the later version that creates it
    for c in differences:
        for j in range(i + 1, len(ctx.states)):
            if c.object_type == c.owner.kind and c.owner.key in ctx.states[j].objects:
                later.setdefault(part_label(c), ctx.version_at(j))
                break
    labels = list(dict.fromkeys(part_label(c) for c in differences))
    named = ", ".join(f"{lb} ({later[lb]} creates it)" if lb in later else lb for lb in labels)
    n = len(labels)
    whole = all(c.object_type == c.owner.kind for c in differences)
    things = f"{n} {'object' if whole else 'addition'}{'s' if n != 1 else ''}"
    verb = "creates" if whole else "makes"
    whose = f"version {v} does not {verb[:-1]}" if later else f"no migration {verb}"
    message = f"the database has {v}'s schema plus {things} {whose}: {named}"
    by_hand = [c for c in differences if part_label(c) not in later]
    ways = []
    if later:
        ways.append(
            "a later version creates some of them: baseline at the version the database is "
            "at (`driftcheck status` names it)"
        )
    patterns, parts = ignore_patterns(by_hand)
    if patterns:
        config = ctx.settings.config
        hints = Hints(ignore=tuple(config.ignore), config=config.source)
        them = "the whole objects" if parts else "them" if len(patterns) > 1 else "it"
        ways.append(f"to keep {them} out of the check, {ignore_advice(patterns, hints)}")
    if by_hand:
        ways.append("to remove them, run the SQL that `driftcheck plan --format sql` prints")
    ways.append("--force baselines anyway")
    return message, "; ".join(ways)


# --------------------------------------------------------------------------
# What the commands share: the evidence, read once


@dataclass
class _Context:
    validation: Validation
    store: Store
    history: History
    schema_version: int
    migrations: dict[str, Migration]
    plan: dict[str, PlanEntry]
    settings: Settings

    @classmethod
    def load(cls, s: Settings, command: Command, *, writing: bool) -> _Context:
        database = s.require_database()
        if writing:
            # A killed writer's hot journal is rolled back first, as any writer would.
            recover(database, s.busy_timeout)
        # Read before the check: if anything changes the schema after this, `execute`
        # sees another counter and refuses, rather than act on stale evidence.
        schema_version = read_readonly(database, s.functions, _schema_version, s.busy_timeout)
        v = validate(s)
        if v.expected.migration_set is None:
            raise DriftcheckError(
                f"{command} needs the migrations, not only expected schemas",
                hint="pass --migrations DIR",
                code="usage",
            )
        if v.store is None or v.history is None:
            raise DriftcheckError(
                f"{command} needs a history store to write",
                hint="choose one with --history (not none)",
                code="usage",
            )
        plan = {e.version: e for e in v.report.plan if e.version is not None}
        return cls(v, v.store, v.history, schema_version, v.expected.migrations, plan, s)

    def spelled(self, version: str) -> str:
        """A stored version as the migrations spell it (golang-migrate keeps `2` for `000002`)."""
        return spelled(version, self.migrations, self.key)

    @property
    def label(self) -> str:
        return store_label(self.store.kind, self.store.table)

    @property
    def states(self) -> list[VersionState]:
        return self.validation.expected.states

    def indexes(self) -> range:
        return range(1, len(self.states))

    def version_at(self, i: int) -> str:
        version = self.states[i].version
        assert version is not None  # only the state before the first version has none
        return version

    def key(self, version: str) -> VersionKey:
        return self.history.key(version)

    def index_of(self, version: str) -> int:
        """The state index of `version` among the migrations (as written, or as the store
        spells it: diesel drops dashes)."""
        for i in self.indexes():
            known = self.version_at(i)
            if version_key(known) == version_key(version) or self.key(known) == self.key(version):
                return i
        recorded = any(self.key(e.version) == self.key(version) for e in self.history.entries)
        listed = ", ".join(self.version_at(i) for i in self.indexes())
        hint = f"known versions: {listed[:200]}{'...' if len(listed) > 200 else ''}"
        if recorded:
            hint = (
                f"{self.label} records it, but no migration file has it: restore the file "
                "(or fix the history by hand); " + hint
            )
        raise DriftcheckError(
            f"version {version} is not among the migrations", hint=hint, code="unknown_version"
        )

    def unknown_entry(self, version: str) -> PlanEntry | None:
        """The plan's entry for a recorded version no migration has, if `version` is one."""
        for e in self.plan.values():
            if e.code == "unknown_version" and self.key(e.version or "") == self.key(version):
                return e
        return None

    def entry(self, i: int) -> PlanEntry:
        return self.plan[self.version_at(i)]

    def migration(self, i: int) -> Migration:
        return self.migrations[self.version_at(i)]

    def create(self) -> list[Write]:
        """The store's own table, when it is not there yet."""
        return [] if self.history.exists else self.store.create()

    def resolution(
        self,
        command: Command,
        summary: str,
        entries: list[PlanEntry],
        writes: list[Write],
        *,
        changes: list[Change] | None = None,
        warnings: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> Resolution:
        return Resolution(
            command=command,
            summary=summary,
            validation=self.validation,
            store=self.store,
            history=self.history,
            entries=entries,
            changes=changes or [],
            writes=writes,
            warnings=warnings or [],
            notes=notes or [],
            schema_version=self.schema_version,
        )

    # -- resolve's writes -----------------------------------------------------
    def applied(
        self, i: int, m: Migration, entry: PlanEntry
    ) -> tuple[list[Write], list[PlanEntry]]:
        history = self.history
        tries = entries_of(history, m.version)
        if history.exists and history.is_recorded(m.version):
            raise Refused(
                f"version {m.version}: {self.label} already records it as applied; there is "
                "nothing to change in the history",
                hint=_restore_hint(
                    m.version, m.version in self.validation.plan.restore, entry.code
                ),
                entries=[entry],
            )
        also: list[PlanEntry] = []
        if history.cumulative:
            also = self._passed_over(i, m, tries)
        return self.create() + self.store.mark_applied(m, history), also

    def _passed_over(self, i: int, m: Migration, tries: list[Entry]) -> list[PlanEntry]:
        """A store that keeps only the latest version records every version below it too:
        those must be present (unrecorded, with their changes in the database)."""
        history = self.history
        stuck = [e for e in history.entries if not e.success and e not in tries]
        if stuck:
            raise Refused(
                f"{self.label} marks {self.spelled(stuck[0].version)} as dirty: resolve that "
                "version first",
                hint=f"driftcheck resolve {self.spelled(stuck[0].version)} --as applied|absent",
                entries=[self.entry(i)],
            )
        current = history.recorded_version
        between = [
            self.entry(j)
            for j in range(1, i)
            if current is None or self.key(self.version_at(j)) > self.key(current)
        ]
        missing = [e for e in between if e.action != "record"]
        if missing:
            listed = "".join(f"\n  {e.version}: {e.action} ({e.code})" for e in missing)
            raise Refused(
                f"{self.label} keeps only the latest version: recording {m.version} would also "
                f"record versions whose changes are not in the database:{listed}",
                hint="resolve or apply those versions first",
                entries=[self.entry(i), *missing],
            )
        return between

    def absent(self, i: int, m: Migration, entry: PlanEntry) -> tuple[list[Write], list[PlanEntry]]:
        history = self.history
        if not history.exists or (
            not history.is_recorded(m.version) and not entries_of(history, m.version)
        ):
            raise Refused(
                f"version {m.version}: {self.label} does not record it; there is nothing to forget",
                hint="its flag is about the database: finish its changes or undo them by hand, "
                "then look at `driftcheck plan` again",
                entries=[entry],
            )
        also: list[PlanEntry] = []
        if history.cumulative and history.recorded_version is not None:
            current = self.key(history.recorded_version)
            also = [
                self.entry(j)
                for j in range(i + 1, len(self.states))
                if self.key(self.version_at(j)) <= current
            ]
            present = [e for e in also if any(ev.present is not False for ev in e.evidence)]
            if present:
                listed = "".join(f"\n  {e.version}: {e.action} ({e.code})" for e in present)
                raise Refused(
                    f"{self.label} keeps only the latest version: forgetting {m.version} would "
                    f"also forget versions whose changes are in the database:{listed}",
                    hint="resolve the later versions first",
                    entries=[entry, *present],
                )
        previous = self.migration(i - 1) if i > 1 else None
        return self.store.forget(m.version, previous, history), also


def _schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA schema_version").fetchone()[0])


def _named(m: Migration) -> str:
    return f" ({m.name})" if m.name else ""


# --------------------------------------------------------------------------
# Writing


def execute(
    p: Resolution,
    s: Settings,
    *,
    backup: Path | None | Literal["default"],
    busy_timeout: float,
    on_backup: Callable[[Path], None] | None = None,
) -> Resolved:
    """Write a prepared resolution (the caller has shown it and asked for confirmation).

    `backup`: a path, "default" (a timestamped file beside the database) or None.
    With nothing to write the database is not opened for writing at all.
    """
    database = s.require_database()
    out = Resolved()
    if not p.writes:
        return out
    check_database_file(database)
    with run_lock(database, busy_timeout):
        if backup is not None:
            out.backup = take_backup(
                database, backup_path(database) if backup == "default" else backup
            )
            if on_backup is not None:
                on_backup(out.backup)
        try:
            conn = sqlite3.connect(database, isolation_level=None, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise database_error(database, exc, writing=True) from None
        try:
            _write(conn, p, database, busy_timeout, out)
        finally:
            conn.close()
    return out


def _write(
    conn: sqlite3.Connection, p: Resolution, database: str, timeout: float, out: Resolved
) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise database_error(database, exc, writing=True, timeout=timeout) from None
    try:
        now = p.store.read(conn)
        if _schema_version(conn) != p.schema_version or _state(now) != _state(p.history):
            raise Refused(
                f"database {database}: its schema or {store_label(p.store.kind, p.store.table)} "
                "changed since the evidence was read (another process?); nothing was written",
                hint=f"run `driftcheck {p.command}` again to see the evidence as it is now",
                code="history_changed",
            )
        before = conn.total_changes
        for sql, params in p.writes:
            conn.execute(sql, params)
        conn.execute("COMMIT")
        out.statements = len(p.writes)
        out.rows = conn.total_changes - before
    except sqlite3.Error as exc:
        _rollback(conn)
        raise database_error(database, exc, writing=True) from None
    except BaseException:
        _rollback(conn)
        raise


def _state(h: History) -> tuple[Any, ...]:
    return (h.exists, tuple(h.entries), h.baseline, h.pointer)


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


# --------------------------------------------------------------------------
# Display

# A `?` inside a string literal or a quoted name is text, not a parameter.
_PARTS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|\?)""")


def show_write(w: Write) -> str:
    """A statement with its parameters shown in place as SQL literals."""
    sql, params = w
    values = iter(params)
    return "".join(_literal(next(values)) if part == "?" else part for part in _PARTS.split(sql))


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
