"""One exception family for everything a user can get wrong.

Each error names its culprit (a file, a version, an option) in its message and
carries a hint that says what to do. The CLI turns any DriftcheckError into
exit code 2 and one clear message; anything else escaping is a bug.
"""

from __future__ import annotations


class DriftcheckError(Exception):
    """A problem with the input that stops driftcheck from checking."""

    code = "error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


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
