"""Changes: what the differ finds, as data.

Each change carries a typed reference to the schema object it belongs to
(`owner`: a table, index, view or trigger; a column, CHECK, foreign key or
UNIQUE constraint belongs to its table), a verb, the attribute compared, what
was expected and found, a severity and one readable sentence. The plan finds
the object a change is about from `owner`, never by reading `path`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from driftcheck.normalize import fold

ObjectType = Literal["table", "column", "index", "foreign_key", "check", "view", "trigger"]
OwnerKind = Literal["table", "index", "view", "trigger"]
Verb = Literal["missing", "unexpected", "changed", "renamed"]
Severity = Literal["error", "warning", "info"]


class ObjectRef(BaseModel):
    """A schema object by kind and name (as the expected schema spells it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: OwnerKind
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, fold(self.name))


class Source(BaseModel):
    """The migration statement whose result an expected object is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    file: str | None = Field(
        default=None,
        description="the migration file, relative to the migrations source, as errors name "
        "it (a Python source: the module's file)",
    )
    line: int | None = Field(default=None, description="the 1-based line its statement starts on")


class Change(BaseModel):
    """One difference between the expected schema and the database."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    object_type: ObjectType = Field(description="what differs: the object or the part of it")
    change: Verb
    owner: ObjectRef = Field(description="the schema object the change belongs to")
    table: str | None
    name: str
    path: str
    attribute: str | None = None
    expected: Any = None
    actual: Any = None
    severity: Severity
    message: str
    source: Source | None = Field(
        default=None,
        description="where the expected object comes from: the migration statement after "
        "which the part of it this change is about (the column, constraint or attribute; "
        "else the whole object) took the form it has at the effective version. For an "
        "unexpected object that a later version creates: that version's statement. File "
        "and line are null when the expected schemas come from snapshots without the "
        "migrations (the version alone). Null when no migration makes the object, for "
        "`diff` of two databases, and for what the [replay] baseline makes",
    )


_TYPE_ORDER = {
    "table": 0,
    "column": 1,
    "check": 2,
    "foreign_key": 3,
    "index": 4,
    "trigger": 5,
    "view": 6,
}


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        changes,
        key=lambda c: (
            fold(c.table or c.name),
            _TYPE_ORDER[c.object_type],
            fold(c.name),
            c.attribute or "",
            c.change,
            c.path,
        ),
    )


def severe(changes: Iterable[Change]) -> list[Change]:
    """The changes that make two schemas different (info notes never do)."""
    return [c for c in changes if c.severity != "info"]
