"""What changed between two reports of one database: changes that appeared or were
resolved, status and version transitions, plan entries that appeared, changed or were
resolved.

`serve` computes it between consecutive checks (its events and webhook), and
`driftcheck report-diff OLD NEW` offline, for instance to compare a pull request's report
with the main branch's. Both call `report_delta` (one database) or `fleet_delta` (many,
matched by `target.database`).

DeepDiff does the comparing. Each report's JSON dump is first keyed by identity -- a
change by what it is about, a plan entry by its version -- so that DeepDiff pairs the two
sides by identity, never by position or by similarity (with `ignore_order` alone it pairs
list items by how alike they look, and a change whose value moved would come out as one
removed and one added, or not, depending on a cutoff). `generated_at` and `tool` are
excluded, and so is every field that words or explains rather than states: a change's
message, source and path, a plan entry's reason and evidence. What DeepDiff reports is
then mapped, path by path, to the typed fields below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, model_validator

from driftcheck.changes import Change, Severity, sort_changes
from driftcheck.normalize import fold
from driftcheck.report.model import Action, ErrorInfo, PlanEntry, Report, Status, Tool

# Better to worse, as merge-reports ranks a database's reports.
_STATUS_RANK = {"clean": 0, "pending": 1, "drift": 2, "error": 3}
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
# A plan entry's action by how much attention it needs: nothing, bookkeeping (the
# history), running a migration, a person's decision.
ACTION_RANK: dict[Action, int] = {"ok": 0, "record": 1, "apply": 2, "flag": 3}

# Fields of a change that say the same thing in other words (the message), or where the
# expected object comes from (the source: its line moves when a migration file is edited
# above it), or that restate the identity (the path): a change whose only difference is
# one of these is the same change.
CHANGE_WORDING = ("message", "source", "path")
# A plan entry's explanation: its reason, evidence and name.
PLAN_WORDING = ("reason", "evidence", "name")
# The attributes of a change compared beyond its identity.
CHANGE_FIELDS = ("table", "expected", "actual", "severity")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatusTransition(_Model):
    before: Status | None = Field(
        description="null: the database was not in the old reports (a first report)"
    )
    after: Status | None = Field(description="null: the database is gone from the new reports")


class VersionTransition(_Model):
    before: str | None
    after: str | None


class ChangePair(_Model):
    """A change with the same identity on both sides whose values differ."""

    before: Change
    after: Change
    fields: list[str] = Field(
        description="what differs, sorted: " + ", ".join(CHANGE_FIELDS) + ", or name or "
        "owner when only a name's case changed (the message, source and path are wording, "
        "never a difference on their own)"
    )


class PlanEntryPair(_Model):
    """A plan entry with the same version on both sides whose action or code differs,
    neither side `ok` (an entry going to or from `ok` is resolved or appeared)."""

    before: PlanEntry
    after: PlanEntry


class ErrorTransition(_Model):
    before: ErrorInfo | None
    after: ErrorInfo | None


class DeltaContent(_Model):
    """What changed between two reports of one database (ReportDelta without the flags
    that follow from it).

    A change's identity is (owner kind, owner name, object type, name, attribute, verb),
    names compared as SQLite compares them (case-insensitively). The same identity with a
    different table, expected, actual or severity is `changed`; with only a different
    message, source or path it is no difference. A plan entry's identity is its version;
    entries with action `ok` are the absence of a finding, so an entry going from `apply`
    to `ok` is resolved and one going from `ok` to `flag` appeared, while one going from
    `apply` to `record` is changed (`plan_changed`). An error report checked nothing:
    against one, only the status and the error move.
    """

    database: str | None = Field(description="target.database of the reports compared")
    presence: Literal["both", "new", "gone"] = Field(
        default="both",
        description="both: the database is in the old and the new reports; new: only in the "
        "new (a first report: everything in it appeared); gone: only in the old (nothing "
        "is listed as resolved: it was not checked)",
    )
    status: StatusTransition | None = Field(default=None, description="null: unchanged")
    effective_version: VersionTransition | None = Field(default=None, description="null: unchanged")
    latest_version: VersionTransition | None = Field(
        default=None, description="migrations.latest_version; null: unchanged"
    )
    recorded_version: VersionTransition | None = Field(
        default=None, description="history.recorded_version; null: unchanged"
    )
    appeared: list[Change] = Field(default_factory=list, description="changes only in new")
    resolved: list[Change] = Field(default_factory=list, description="changes only in old")
    changed: list[ChangePair] = Field(default_factory=list)
    plan_appeared: list[PlanEntry] = Field(
        default_factory=list,
        description="plan entries (record, apply, flag) of the new report that the old did "
        "not have for their version",
    )
    plan_changed: list[PlanEntryPair] = Field(
        default_factory=list,
        description="plan entries (record, apply, flag) on both sides for one version whose "
        "action or code differs (e.g. apply (pending) -> record (unrecorded)), in the new "
        "report's order",
    )
    plan_resolved: list[PlanEntry] = Field(
        default_factory=list,
        description="plan entries (record, apply, flag) of the old report that the new "
        "does not have for their version",
    )
    error: ErrorTransition | None = Field(default=None, description="null: unchanged")

    def is_empty(self) -> bool:
        return (
            self.presence == "both"
            and self.status is None
            and self.effective_version is None
            and self.latest_version is None
            and self.recorded_version is None
            and not self.appeared
            and not self.resolved
            and not self.changed
            and not self.plan_appeared
            and not self.plan_changed
            and not self.plan_resolved
            and self.error is None
        )

    def is_worse(self) -> bool:
        """The status decides when both sides have one and it moved: better (clean <
        pending < drift < error) is never worse, whatever else moved (a database migrated
        or repaired is a recovery), worse is worse. Otherwise (the status unchanged, a
        first report, a database gone) what appeared decides."""
        s = self.status
        if s is not None and s.before is not None and s.after is not None:
            return _STATUS_RANK[s.after] > _STATUS_RANK[s.before]
        if any(c.severity != "info" for c in self.appeared):
            return True
        if any(_rose(p.before.severity, p.after.severity) for p in self.changed):
            return True
        if self.plan_appeared:
            return True
        if any(
            ACTION_RANK[p.after.action] > ACTION_RANK[p.before.action] for p in self.plan_changed
        ):
            return True
        if s is not None and s.before is None and s.after is not None and s.after != "clean":
            return True  # a first report that is not clean
        return self.error is not None and self.error.after is not None


_DERIVED = ("empty", "worse")


class ReportDelta(DeltaContent):
    """What changed between two reports of one database, and whether it is worse."""

    empty: bool = Field(description="nothing changed")
    worse: bool = Field(
        description="the status got worse (clean < pending < drift < error); or, the status "
        "unchanged (or a first report), something new appeared: a change (not info), a "
        "change whose severity rose, a plan entry (a version to record or apply, a flag), a "
        "plan entry whose action needs more attention (ok < record < apply < flag), a "
        "status other than clean in a first report, or an error. A better status is never "
        "worse, whatever else moved"
    )

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """`empty` and `worse` follow from the rest: computed when left out, checked when
        given (a document read back must say what its content says)."""
        if not isinstance(data, dict):
            return data
        content = DeltaContent.model_validate({k: v for k, v in data.items() if k not in _DERIVED})
        derived = {"empty": content.is_empty(), "worse": content.is_worse()}
        for key, value in derived.items():
            if key in data and data[key] != value:
                raise ValueError(f"{key} is {data[key]}, but the delta's content says {value}")
        return {**data, **derived}

    @classmethod
    def of(cls, content: DeltaContent) -> ReportDelta:
        return cls(**dict(content), empty=content.is_empty(), worse=content.is_worse())


def _rose(before: Severity, after: Severity) -> bool:
    return _SEVERITY_RANK[after] > _SEVERITY_RANK[before]


class ReportDiff(_Model):
    """`driftcheck report-diff OLD NEW --format json`: the deltas of the databases that
    changed, in database order (a database that did not change is left out, and counted
    in `databases`)."""

    report_version: Literal[2] = 2
    tool: Tool
    generated_at: str
    old: str = Field(description="the old side as given (a file, or `reports` for models)")
    new: str = Field(description="the new side as given")
    databases: int = Field(description="databases compared: in the old reports, the new, or both")
    deltas: list[ReportDelta] = Field(
        default_factory=list, description="one per database that changed, in database order"
    )
    worse: bool = Field(description="some delta is worse (report-diff exits 1)")
    error: ErrorInfo | None = Field(
        default=None, description="why the reports could not be compared (exit 2)"
    )


# --------------------------------------------------------------------------
# Computing


def change_key(c: Change) -> str:
    """A change's identity, as one string (a DeepDiff dictionary key): its parts
    percent-encoded, so that the key has no quote or bracket and the paths DeepDiff
    prints for it are plain."""
    parts = (c.owner.kind, fold(c.owner.name), c.object_type, fold(c.name), c.attribute or "")
    return "/".join(quote(part, safe=" ") for part in (*parts, c.change))


def _plan_key(e: PlanEntry) -> str:
    return quote(e.version, safe=" ") if e.version is not None else f"({e.code})"


def _keyed(items: Iterable[Any], key: Any) -> dict[str, Any]:
    """Items by key; a key seen twice gets `#2`, `#3`... (in the report's order)."""
    out: dict[str, Any] = {}
    for item in items:
        k = key(item)
        n = 1
        while (k if n == 1 else f"{k}#{n}") in out:
            n += 1
        out[k if n == 1 else f"{k}#{n}"] = item
    return out


def _view(report: Report | None) -> tuple[dict[str, Any], dict[str, Change], dict[str, PlanEntry]]:
    """The report's JSON dump with changes and plan keyed by identity (None: no report)."""
    if report is None:
        empty: dict[str, Any] = {
            "status": None,
            "effective_version": None,
            "latest_version": None,
            "recorded_version": None,
            "changes": {},
            "plan": {},
            "error": None,
        }
        return empty, {}, {}
    changes = _keyed(report.changes, change_key)
    plan = _keyed(report.plan, _plan_key)
    data = report.model_dump(mode="json")
    view = {
        "generated_at": data["generated_at"],
        "tool": data["tool"],
        "status": data["status"],
        "effective_version": data["effective_version"],
        "latest_version": report.migrations.latest_version if report.migrations else None,
        "recorded_version": report.history.recorded_version if report.history else None,
        "changes": {k: c.model_dump(mode="json") for k, c in changes.items()},
        "plan": {k: e.model_dump(mode="json") for k, e in plan.items()},
        "error": data["error"],
    }
    return view, changes, plan


def _deepdiff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """(report type, path as a list of keys) for every difference DeepDiff finds."""
    from deepdiff import DeepDiff

    words = "|".join(CHANGE_WORDING)
    plan_words = "|".join(PLAN_WORDING)
    diff = DeepDiff(
        old,
        new,
        ignore_order=True,
        # Always key by key: by default a dict whose keys mostly differ is reported as
        # one changed value, which would hide which changes appeared.
        threshold_to_diff_deeper=0,
        view="tree",
        exclude_paths=["root['generated_at']", "root['tool']"],
        exclude_regex_paths=[
            rf"^root\['changes'\]\['[^']*'\]\['({words})'\]",
            rf"^root\['plan'\]\['[^']*'\]\['({plan_words})'\]",
        ],
    )
    found: list[tuple[str, list[Any]]] = []
    for kind, levels in diff.items():
        for level in levels:
            found.append((kind, list(level.path(output_format="list"))))
    return found


_TOP = ("status", "effective_version", "latest_version", "recorded_version", "error")


def report_delta(old: Report | None, new: Report) -> ReportDelta:
    """What changed from `old` to `new` (None: `new` is the first report: everything in it
    appeared, and the status changed from nothing)."""
    old_view, old_changes, old_plan = _view(old)
    new_view, new_changes, new_plan = _view(new)
    top: set[str] = set()
    changed: dict[str, set[str]] = {}
    plan_keys: set[str] = set()
    appeared_keys: set[str] = set()
    resolved_keys: set[str] = set()
    for kind, path in _deepdiff(old_view, new_view):
        if not path:  # the roots differ: never, both are views
            continue
        head = path[0]
        if head in ("changes", "plan") and len(path) == 1:
            # The whole mapping as one value (DeepDiff does not go deeper): by key, then.
            paths = [[head, k] for k in old_view[head].keys() ^ new_view[head].keys()]
            kinds = ["dictionary_item_added" if k in new_view[head] else "" for _, k in paths]
        else:
            paths, kinds = [path], [kind]
        for what, where in zip(kinds, paths, strict=True):
            if where[0] == "changes" and len(where) == 2:
                added = what == "dictionary_item_added"
                (appeared_keys if added else resolved_keys).add(where[1])
            elif where[0] == "changes":
                changed.setdefault(where[1], set()).add(str(where[2]))
            elif where[0] == "plan":
                plan_keys.add(where[1])
            elif where[0] in _TOP:
                top.add(where[0])

    def versions(name: str) -> VersionTransition | None:
        if name not in top:
            return None
        return VersionTransition(before=old_view[name], after=new_view[name])

    plan_appeared: list[PlanEntry] = []
    plan_resolved: list[PlanEntry] = []
    plan_changed: list[str] = []
    for key in plan_keys:
        before, after = old_plan.get(key), new_plan.get(key)
        was = None if before is None else (before.action, before.code)
        now = None if after is None else (after.action, after.code)
        if was == now:  # only the version's spelling or other wording moved
            continue
        if before is not None and after is not None and "ok" not in (before.action, after.action):
            plan_changed.append(key)
            continue
        if before is not None and before.action != "ok":
            plan_resolved.append(before)
        if after is not None and after.action != "ok":
            plan_appeared.append(after)
    if new.status == "error" or (old is not None and old.status == "error"):
        # An error report checked nothing: against it, no change or plan entry appeared or
        # was resolved, and no version moved (a database that breaks and is mended would
        # otherwise resolve and bring back all it had).
        top &= {"status", "error"}
        appeared_keys, resolved_keys, changed = set(), set(), {}
        plan_appeared, plan_resolved, plan_changed = [], [], []
    old_order = {id(e): i for i, e in enumerate(old_plan.values())}
    new_order = {id(e): i for i, e in enumerate(new_plan.values())}
    error = None
    if "error" in top:
        error = ErrorTransition(before=old.error if old is not None else None, after=new.error)
    content = DeltaContent(
        database=new.target.database,
        presence="both" if old is not None else "new",
        status=(
            StatusTransition(before=old.status if old is not None else None, after=new.status)
            if "status" in top
            else None
        ),
        effective_version=versions("effective_version"),
        latest_version=versions("latest_version"),
        recorded_version=versions("recorded_version"),
        appeared=sort_changes(new_changes[k] for k in appeared_keys),
        resolved=sort_changes(old_changes[k] for k in resolved_keys),
        changed=_pairs(old_changes, new_changes, changed),
        plan_appeared=sorted(plan_appeared, key=lambda e: new_order[id(e)]),
        plan_changed=[
            PlanEntryPair(before=old_plan[k], after=new_plan[k])
            for k in sorted(plan_changed, key=lambda k: new_order[id(new_plan[k])])
        ],
        plan_resolved=sorted(plan_resolved, key=lambda e: old_order[id(e)]),
        error=error,
    )
    return ReportDelta.of(content)


def _pairs(
    old: dict[str, Change], new: dict[str, Change], fields: dict[str, set[str]]
) -> list[ChangePair]:
    after = {id(c): k for k, c in new.items()}
    ordered = sort_changes(new[k] for k in fields)
    return [
        ChangePair(before=old[after[id(c)]], after=c, fields=sorted(fields[after[id(c)]]))
        for c in ordered
    ]


def gone_delta(old: Report) -> ReportDelta:
    """The delta of a database that is in the old reports and not in the new."""
    return ReportDelta.of(
        DeltaContent(
            database=old.target.database,
            presence="gone",
            status=StatusTransition(before=old.status, after=None),
        )
    )


def _by_database(reports: Sequence[Report]) -> dict[str | None, Report]:
    """Reports by target.database; of a database reported twice, the worse report (the
    first of equals), as merge-reports keeps it."""
    out: dict[str | None, Report] = {}
    for r in reports:
        kept = out.get(r.target.database)
        if kept is None or _STATUS_RANK[r.status] > _STATUS_RANK[kept.status]:
            out[r.target.database] = r
    return out


def database_order(database: str | None) -> tuple[bool, str]:
    """Database order, as fleet output sorts: no name first, then by name."""
    return (database is not None, database or "")


def fleet_delta(old: Sequence[Report], new: Sequence[Report]) -> list[ReportDelta]:
    """One delta per database in either side, matched by `target.database`, in database
    order. Empty deltas are included (`delta.empty`): filter them out to show changes.
    A database only in `new` is a first report (presence `new`); one only in `old` is
    `gone`: its status goes to null and nothing is listed as resolved."""
    before, after = _by_database(old), _by_database(new)
    deltas: list[ReportDelta] = []
    for database in sorted(before.keys() | after.keys(), key=database_order):
        if database in after:
            deltas.append(report_delta(before.get(database), after[database]))
        else:
            deltas.append(gone_delta(before[database]))
    return deltas


def diff_reports(
    old: Sequence[Report], new: Sequence[Report], old_name: str = "old", new_name: str = "new"
) -> ReportDiff:
    """The deltas from the `old` reports to the `new`, as `report-diff` prints them: one
    report on each side is compared with the other whatever its database's name (a pull
    request's run and main's may name one database differently); otherwise the reports
    are matched by database (`fleet_delta`). Only deltas that are not empty are kept."""
    from driftcheck.report.model import now, tool

    if len(old) == 1 and len(new) == 1:
        deltas = [report_delta(old[0], new[0])]
    else:
        deltas = fleet_delta(old, new)
    kept = [d for d in deltas if not d.empty]
    return ReportDiff(
        tool=tool(),
        generated_at=now(),
        old=old_name,
        new=new_name,
        databases=len(deltas),
        deltas=kept,
        worse=any(d.worse for d in kept),
    )
