"""One exception family for everything a user can get wrong.

Each error names its culprit (a file, a version, an option) in its message and
carries a hint that says what to do. The CLI turns any DriftcheckError into
exit code 2 and one clear message; anything else escaping is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

# How much of a failing statement an error shows: enough to recognise it.
SQL_LINES = 6
SQL_CHARS = 400


def trimmed_sql(sql: str, lines: int = SQL_LINES, chars: int = SQL_CHARS) -> str:
    """A statement as written, cut to `lines` lines and `chars` characters (" ..." marks a
    cut). Its first line stays its first line, so that line numbers still fit."""
    rows = [row.rstrip() for row in sql.rstrip().splitlines()]
    cut = len(rows) > lines
    text = "\n".join(rows[:lines])
    if len(text) > chars:
        text, cut = text[:chars].rstrip(), True
    return text + (" ..." if cut else "")


@dataclass(frozen=True, slots=True)
class Culprit:
    """The statement an error is about: where it is, what it says, and why it failed."""

    version: str | None
    file: str | None
    statement: int | None = None  # 1-based among its migration's statements
    line: int | None = None  # of the statement's first character in `file`
    sql: str | None = None  # the statement, trimmed (see `trimmed_sql`)
    reason: str | None = None  # the diagnosis: one sentence, or None when there is none


class DriftcheckError(Exception):
    """A problem with the input that stops driftcheck from checking."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        culprit: Culprit | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.culprit = culprit
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        text = self.message
        if self.culprit is not None and self.culprit.reason:
            text += f"\n  why: {self.culprit.reason}"
        return text if not self.hint else f"{text}\n  hint: {self.hint}"


class ConfigError(DriftcheckError):
    code = "config"


class MigrationError(DriftcheckError):
    """A migration source that cannot be loaded (bad file, duplicate version...)."""

    code = "migrations"


class ReplayError(DriftcheckError):
    """A migration that fails when replayed into an in-memory database."""

    code = "replay"


class DatabaseError(DriftcheckError):
    """A target database that cannot be opened or read."""

    code = "database"


class SnapshotError(DriftcheckError):
    """An expected-schemas directory that is missing, stale or unreadable."""

    code = "snapshot"
