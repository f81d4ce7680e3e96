"""What every history store shares: the model of a history, and the store contract.

A store reads the history an application (or its migration tool) keeps in the
database, and says which statements change it the way that tool would: for
`apply`, recording a version; for `resolve`, `repair` and `baseline`, marking a
failed version applied, forgetting a version, accepting a file's checksum and
recording a baseline. Every identifier that reaches SQL is quoted with `ident`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from driftcheck.config import HistoryConfig
from driftcheck.errors import ConfigError
from driftcheck.migrations.model import Migration
from driftcheck.normalize import fold
from driftcheck.versions import VersionKey, version_key

ChecksumState = Literal["match", "mismatch", "unknown", "none"]
Write = tuple[str, tuple[Any, ...]]  # a statement and its parameters


def ident(name: str) -> str:
    """Quote an identifier for SQLite: a name is always a name, never SQL."""
    return '"' + name.replace('"', '""') + '"'


def store_label(store: str, table: str | None) -> str:
    """How messages name where a history is kept."""
    return table or ("PRAGMA user_version" if store == "user_version" else store)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Entry:
    """One recorded version, as the store holds it."""

    version: str
    name: str | None = None
    checksum: Any = None  # as stored: text, integer (Flyway) or bytes (sqlx)
    applied_at: str | None = None
    success: bool = True
    dirty: bool = False
    how: str | None = None  # driftcheck's own store: "applied" or "recorded"
    rank: int | None = None  # order of installation, where the store keeps one


@dataclass
class History:
    store: str
    table: str | None
    exists: bool  # False: the store's table is not there yet (the first apply creates it)
    entries: list[Entry] = field(default_factory=list)
    # True when one recorded version stands for every version up to it
    # (user_version, golang-migrate, a Flyway baseline).
    cumulative: bool = False
    internal: tuple[str, ...] = ()  # tables that belong to the store: never compared
    notes: list[str] = field(default_factory=list)
    pointer: str | None = None  # the version pointer's value, when configured
    # The pointer disagrees with the recorded version (the app reads the pointer, so it
    # would apply again what the history records): `repair` brings it in step.
    pointer_stale: bool = False
    baseline: str | None = None  # Flyway BASELINE: every version up to it counts as recorded
    # How the store's versions compare with the migrations' (diesel drops dashes).
    key: Callable[[str], VersionKey] = version_key
    # The store keeps versions as integers (an application's INTEGER version column):
    # 13, not 0013, wherever it writes one (its version pointer).
    integer_versions: bool = False

    @property
    def recorded_version(self) -> str | None:
        """The latest version the history counts as applied (a cumulative store's current
        version even when it is dirty: everything below it completed)."""
        versions = [e.version for e in self.entries if e.success or self.cumulative]
        if self.baseline is not None:
            versions.append(self.baseline)
        return max(versions, key=self.key) if versions else None

    def entry(self, version: str) -> Entry | None:
        key = self.key(version)
        found = [e for e in self.entries if self.key(e.version) == key]
        return found[-1] if found else None

    def is_recorded(self, version: str) -> bool:
        key = self.key(version)
        e = self.entry(version)
        if e is not None:
            return e.success
        limits = [self.baseline] if self.baseline is not None else []
        if self.cumulative and self.recorded_version is not None:
            limits.append(self.recorded_version)
        return any(key <= self.key(v) for v in limits)


class Store:
    """A history store; subclasses describe one layout."""

    kind: ClassVar[str]
    default_table: ClassVar[str | None] = None
    checksum_algorithm: ClassVar[str | None] = None  # shown in reports; None: not stored
    # True when the tool baselines only a history that holds nothing yet (Flyway).
    baseline_needs_empty_history: ClassVar[bool] = False

    def __init__(self, config: HistoryConfig) -> None:
        self.config = config
        self.table = config.table or self.default_table

    # -- reading ----------------------------------------------------------------
    def internal_tables(self) -> tuple[str, ...]:
        return (self.table,) if self.table else ()

    def exists(self, conn: sqlite3.Connection) -> bool:
        return self.table is not None and table_exists(conn, self.table)

    def read(self, conn: sqlite3.Connection) -> History:
        raise NotImplementedError

    def checksum_state(self, entry: Entry, m: Migration) -> ChecksumState:
        """Does the recorded checksum match the migration as it is now?"""
        expected = self.expected_checksum(m)
        if entry.checksum is None or entry.checksum == "":
            return "none"
        if expected is None:
            return "unknown"
        return "match" if entry.checksum == expected else "mismatch"

    def expected_checksum(self, m: Migration) -> Any:
        """What this store records as the checksum of `m`; None when it records none."""
        return None

    # -- writing ----------------------------------------------------------------
    def create(self) -> list[Write]:
        """Statements that create the store when it does not exist yet."""
        raise NotImplementedError

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        """Statements that record `m` as applied (`how`: "applied" or "recorded")."""
        raise NotImplementedError

    # -- resolving what the plan flags (resolve, repair, baseline) ---------------
    # Each writes what the store's own tool writes in the same situation, so the
    # tool keeps working afterwards. A store that cannot do one says so.
    def sync_pointer(self, history: History) -> list[Write]:
        """Statements that set a stale version pointer to the recorded version."""
        return []

    def delete_rows(self, stored: str) -> list[Write]:
        """Statements that delete every row of one version, spelled as stored."""
        raise self.cannot("forget a single version")

    def mark_applied(self, m: Migration, history: History) -> list[Write]:
        """Record `m` as applied successfully, without running it: a failed row of it
        goes first (the tool's own rerun would replace it), then the row the tool
        writes after running it."""
        failed = [e.version for e in entries_of(history, m.version) if not e.success]
        writes = [w for stored in dict.fromkeys(failed) for w in self.delete_rows(stored)]
        return writes + self.record(m, "recorded", 0, history)

    def forget(self, version: str, previous: Migration | None, history: History) -> list[Write]:
        """Statements after which the history no longer records `version` (nor a failed
        try); `previous` is the migration before it, for stores that keep only the latest."""
        stored = dict.fromkeys(e.version for e in entries_of(history, version))
        return [w for spelling in stored for w in self.delete_rows(spelling)]

    def set_checksum(self, m: Migration, entry: Entry, history: History) -> list[Write]:
        """Statements that make the recorded checksum of `entry` the one of `m` now."""
        raise self.cannot("store a checksum")

    def baseline(self, migrations: list[Migration], history: History) -> list[Write]:
        """Record `migrations` (every unrecorded version up to the baseline, in order)
        as applied without running them."""
        return [w for m in migrations for w in self.record(m, "recorded", 0, history)]

    def cannot(self, what: str) -> ConfigError:
        where = store_label(self.kind, self.table)
        return ConfigError(
            f"{self.kind} history ({where}) cannot {what}",
            hint="change the history by hand with the tool's own commands, or choose another "
            "store with --history",
            code="history_unsupported",
        )


class CumulativeStore(Store):
    """A store whose one value stands for every version up to it (golang-migrate's row,
    `PRAGMA user_version`): recording, marking applied, forgetting (back to the version
    before) and a baseline all set that value."""

    def set_version(self, m: Migration | None) -> list[Write]:
        """Statements that make `m` the recorded version (None: nothing recorded)."""
        raise NotImplementedError

    def record(self, m: Migration, how: str, execution_ms: int, history: History) -> list[Write]:
        return self.set_version(m)

    def mark_applied(self, m: Migration, history: History) -> list[Write]:
        return self.set_version(m)

    def forget(self, version: str, previous: Migration | None, history: History) -> list[Write]:
        return self.set_version(previous)

    def baseline(self, migrations: list[Migration], history: History) -> list[Write]:
        return self.set_version(migrations[-1])


def entries_of(history: History, version: str) -> list[Entry]:
    """Every entry of `version` (failed tries included), however the store spells it."""
    key = history.key(version)
    return [e for e in history.entries if history.key(e.version) == key]


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE", (name,)
    ).fetchone()
    return row is not None


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    return [fold(r[0]) for r in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
