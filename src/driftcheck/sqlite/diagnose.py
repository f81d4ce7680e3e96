"""Why a statement failed: one sentence from what replay knows, or None.

SQLite says *what* failed ("no such column: user_id"). The expected states say
*why*: which version created, renamed or dropped the object, and which
`CREATE ... IF NOT EXISTS` was skipped because its object was already there. Only
runs when a statement has failed, so it may read the database and re-create a
statement in a scratch database; it never changes the database it explains.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftcheck.migrations.model import Migration, Statement
from driftcheck.normalize import fold
from driftcheck.sqlite.statements import (
    Skipped,
    added_column,
    created,
    dropped,
    first_words,
    renamed_table,
    skipped_create,
)

if TYPE_CHECKING:
    from driftcheck.replay import VersionState

_NO_SUCH_FUNCTION = re.compile(r"no such function: (\S+)", re.IGNORECASE)
_NO_SUCH_COLUMN = re.compile(r"^no such column: (?:(.+)\.)?([^.]+)$")
_NO_COLUMN_NAMED = re.compile(r"^table (.+) has no column named (.+)$")
_NO_SUCH_TABLE = re.compile(r"^no such table: (?:main\.)?(.+)$")
_EXISTS = re.compile(r"^(table|index|view|trigger) (.+) already exists$")
_THERE_IS = re.compile(r"^there is already an? (table|index) named (.+)$")
_DUPLICATE_COLUMN = re.compile(r"^duplicate column name: (.+)$")
# ALTER TABLE checks every view and trigger against the schema it leaves (3.26+).
_CHECKED = re.compile(r"^error in (view|trigger) (\S+?)( after drop column)?: (.+)$")

# How a failing statement is named in "the index needs `user_id`".
_NEEDS = {"INDEX": "the index", "VIEW": "the view", "TRIGGER": "the trigger"}


@dataclass
class Failure:
    """A statement that failed, and what is known around it."""

    error: str  # SQLite's message
    statement: Statement
    statements: Sequence[Statement]  # its version's statements (those before it ran)
    version: str | None  # None: the baseline
    # The expected states before this version, oldest first; the first is the state
    # before any version (version None) unless replay resumed from a checkpoint.
    history: Sequence[VersionState]
    skipped: Sequence[Skipped]  # CREATE ... IF NOT EXISTS this version skipped so far
    conn: sqlite3.Connection  # the database it failed in, as the failure left it
    live: bool = False  # a real database (apply), not replay's own


class Witness:
    """Watches a version's statements run, one by one, to explain the one that fails.

    `before(stmt)` just before each statement notes a CREATE ... IF NOT EXISTS that
    will do nothing; `explain(stmt, exc)` after a failure says why, or None.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        migration: Migration,
        history: Sequence[VersionState],
        live: bool = False,
    ) -> None:
        self.conn = conn
        self.migration = migration
        self.history = history
        self.live = live
        self.skipped: list[Skipped] = []

    def before(self, stmt: Statement) -> None:
        found = skipped_create(self.conn, stmt)
        if found is not None:
            self.skipped.append(found)

    def explain(self, stmt: Statement, exc: sqlite3.Error) -> tuple[str | None, str | None]:
        """Why the statement failed, and what to do about it (None: nothing to add)."""
        m = self.migration
        failure = Failure(
            str(exc),
            stmt,
            m.statements,
            m.version,
            self.history,
            self.skipped,
            self.conn,
            self.live,
        )
        reason = explain(failure)
        return reason, advice(failure, reason)


def function_hint(error: str) -> str | None:
    """The hint for "no such function: f": declare it for replay."""
    func = _NO_SUCH_FUNCTION.search(error)
    if func is None:
        return None
    name = func.group(1)
    return (
        f"the application registers {name}() at runtime; declare it for replay "
        f'in driftcheck.toml: [replay] functions = ["{name}"] (a stub returning '
        f'NULL), or identity = ["{name}"] (returns its first argument)'
    )


def explain(f: Failure) -> str | None:
    """The diagnosis of a failure, or None when there is nothing more to say than SQLite's."""
    try:
        return _explain(f)
    except sqlite3.Error:
        return None  # a diagnosis must never hide the failure it explains


def _explain(f: Failure) -> str | None:
    error = f.error
    func = _NO_SUCH_FUNCTION.search(error)
    if func:
        return (
            f"`{func.group(1)}()` is not built into SQLite: the application registers it at "
            "runtime, and no stub for it is declared"
        )
    m = _NO_COLUMN_NAMED.match(error)
    if m:
        return _missing_column(f, m.group(2), m.group(1))
    m = _NO_SUCH_COLUMN.match(error)
    if m:
        return _missing_column(f, m.group(2), m.group(1))
    m = _NO_SUCH_TABLE.match(error)
    if m:
        return _missing_table(f, m.group(1))
    m = _EXISTS.match(error) or _THERE_IS.match(error)
    if m:
        return _exists(f, m.group(2))
    m = _DUPLICATE_COLUMN.match(error)
    if m:
        return _duplicate_column(f, m.group(1))
    m = _CHECKED.match(error)
    if m:
        return _checked(f, m.group(1), m.group(2), bool(m.group(3)), m.group(4))
    return None


def advice(f: Failure, reason: str | None) -> str | None:
    """What to do about a failure `explain` accounted for as `reason`; None leaves the
    caller's general hint."""
    if reason is None:
        return None
    error = f.error
    if (_NO_SUCH_COLUMN.match(error) or _NO_COLUMN_NAMED.match(error)) and "skipped" in reason:
        skip = f.skipped[-1] if f.skipped else None
        table = skip.name if skip is not None else "the table"
        return (
            "CREATE TABLE IF NOT EXISTS never changes a table that exists: bring "
            f"`{table}` to the new definition with ALTER TABLE {table} ADD COLUMN ..., or "
            "rebuild it (create the new table, copy the rows, drop the old one, rename the "
            "new one), in this version"
        )
    m = _NO_SUCH_TABLE.match(error)
    renamed = re.search(r"renamed `[^`]+` to `([^`]+)`", reason)
    if m and renamed:
        return f"refer to `{m.group(1)}` by its new name, `{renamed.group(1)}`"
    if (_EXISTS.match(error) or _THERE_IS.match(error)) and f.live:
        return (
            "the database has it, and the migrations did not make it: look at what it holds, "
            "then rename or drop it by hand (or, if it is this version's own work done by "
            "hand, record the version: driftcheck resolve VERSION --as applied)"
        )
    if _EXISTS.match(error) or _THERE_IS.match(error):
        return (
            "if the existing definition is the one wanted, drop this statement; otherwise "
            "change the existing object (ALTER, or DROP and CREATE) instead of creating it "
            "again"
        )
    m = _DUPLICATE_COLUMN.match(error)
    if m:
        return f"`{m.group(1)}` is there already: drop this ADD COLUMN, or rebuild the table"
    return None


# --------------------------------------------------------------------------
# Where objects came from


def version_label(state: VersionState) -> str:
    return "the baseline" if state.version is None else f"version {state.version}"


def _present(state: VersionState, key: tuple[str, str]) -> bool:
    return key in state.hashes


def created_by(history: Sequence[VersionState], key: tuple[str, str]) -> str | None:
    """Who made the object `key` that the last state has: "version 0006 (feedback)",
    "the baseline", or None when the last state does not have it."""
    if not history or not _present(history[-1], key):
        return None
    i = len(history) - 1
    while i > 0 and _present(history[i - 1], key):
        i -= 1
    first = history[i]
    if i == 0 and first.version is not None:  # replay resumed here: older states unknown
        return f"{version_label(first)} or earlier"
    return version_label(first)


def _last_seen(history: Sequence[VersionState], key: tuple[str, str]) -> int | None:
    """The index of the state after which `key` was gone for good (its remover), or None."""
    for i in range(len(history) - 1, 0, -1):
        if _present(history[i - 1], key) and not _present(history[i], key):
            return i
    return None


def _anywhere(history: Sequence[VersionState], key: tuple[str, str]) -> bool:
    return any(_present(s, key) for s in history)


def _columns_now(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM pragma_table_xinfo(?)", (table,))]


def _table_columns(state: VersionState, table: str) -> list[str] | None:
    obj = state.objects.get(("table", fold(table)))
    columns = getattr(obj, "columns", None)
    return [c.name for c in columns] if columns is not None else None


def _earlier(f: Failure) -> list[Statement]:
    return [s for s in f.statements if s.number < f.statement.number]


def _at(stmt: Statement) -> str:
    return f"statement {stmt.number} (line {stmt.line})"


def _never(f: Failure, what: str) -> str:
    return never(f.history, f.version, what, f.live)


def never(history: Sequence[VersionState], version: str | None, what: str, live: bool) -> str:
    """That no version made `what`, as far as `history` tells."""
    if live:
        return f"no version creates {what}; it was made outside the migrations"
    if history and history[0].version is not None:
        return f"no version since {version_label(history[0])} creates {what}"
    if version is None:
        return f"the baseline does not create {what}"
    return f"no version before {version} creates {what}"


def _needs(stmt: Statement) -> str:
    words = first_words(stmt.sql, 3)
    for w in words[1:]:
        if w in _NEEDS:
            return _NEEDS[w]
    return f"statement {stmt.number}"


def _list(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --------------------------------------------------------------------------
# The cases


def _missing_column(f: Failure, column: str, table: str | None) -> str | None:
    """A column the statement needs is not there: a skipped CREATE ... IF NOT EXISTS?"""
    for skip in reversed(f.skipped):
        if table is not None and fold(table) != fold(skip.name):
            continue
        if not _mentions(f.statement.sql, skip.name):
            continue
        if skip.kind != "table" or skip.existing_kind != "table":
            origin = _existed(f, skip, (skip.existing_kind, fold(skip.name)))
            return (
                f"`{skip.name}` already existed ({origin}), so `CREATE {skip.kind.upper()} "
                f"IF NOT EXISTS {skip.name}` at {_at(skip.statement)} was skipped; its "
                "definition never ran"
            )
        wanted = _columns_of_create(skip.statement.sql, skip.name)
        existing = _columns_now(f.conn, skip.existing_name)
        if wanted is None or fold(column) not in {fold(c) for c in wanted}:
            continue
        if fold(column) in {fold(c) for c in existing}:
            continue
        origin = _existed(f, skip, ("table", fold(skip.name)))
        return (
            f"`{skip.name}` already existed ({origin}, with columns {_list(existing)}), so "
            f"`CREATE TABLE IF NOT EXISTS {skip.name}` at {_at(skip.statement)} was "
            f"skipped; {_needs(f.statement)} needs `{column}`, which only the skipped "
            "definition has"
        )
    return None


def _existed(f: Failure, skip: Skipped, key: tuple[str, str]) -> str:
    """Where the object a skipped CREATE found came from (made before that statement)."""
    before = [s for s in f.statements if s.number < skip.statement.number]
    return origin(f.history, key, skip.existing_name, before, f.version, f.live)


def _origin(f: Failure, key: tuple[str, str], name: str) -> str:
    return origin(f.history, key, name, _earlier(f), f.version, f.live)


def origin(
    history: Sequence[VersionState],
    key: tuple[str, str],
    name: str,
    earlier: Sequence[Statement],
    version: str | None,
    live: bool = False,
) -> str:
    """Where an object that is there now came from, as a clause ("created by version 6").

    `history`: the states before the current version; `earlier`: the statements of the
    current version that ran before now.
    """
    if not history or _present(history[-1], key):
        who = created_by(history, key)
        return f"created by {who}" if who else never(history, version, f"`{name}`", live)
    made = next((s for s in reversed(earlier) if _creates(s, key)), None)
    if made is not None:
        return f"created by {_at(made)} of this version"
    if not live:
        return "created earlier in this version"
    i = _last_seen(history, key)
    if i is not None:
        return f"{version_label(history[i])} drops it, but the database still has it"
    return never(history, version, f"`{name}`", live)


def _creates(stmt: Statement, key: tuple[str, str]) -> bool:
    made = created(stmt.sql)
    return made is not None and (made[0], fold(made[1])) == key


def _mentions(sql: str, name: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", sql, re.IGNORECASE) is not None


def _columns_of_create(sql: str, name: str) -> list[str] | None:
    """The columns a CREATE TABLE statement would make, run alone in a scratch database."""
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute(sql)
        return _columns_now(scratch, name)
    except sqlite3.Error:
        return None
    finally:
        scratch.close()


def _missing_table(f: Failure, name: str) -> str | None:
    key = ("table", fold(name))
    for stmt in reversed(_earlier(f)):
        renamed = renamed_table(stmt.sql)
        if renamed is not None and fold(renamed[0]) == key[1]:
            return f"{_at(stmt)} of this version renamed `{name}` to `{renamed[1]}`"
        gone = dropped(stmt.sql)
        if gone is not None and gone[0] == "table" and fold(gone[1]) == key[1]:
            return f"{_at(stmt)} of this version dropped `{name}`"
    if not f.history:
        return None
    if _present(f.history[-1], key):
        if f.live:
            return (
                f"version {f.version} expects `{name}` (created by "
                f"{created_by(f.history, key)}), but the database does not have it"
            )
        return None
    i = _last_seen(f.history, key)
    if i is None:
        if _anywhere(f.history, ("view", key[1])):
            return None
        return _never(f, f"`{name}`")
    before, after = f.history[i - 1], f.history[i]
    remover = version_label(after)
    to = _renamed_to(before, after, name)
    if to is not None:
        return f"{remover} renamed `{name}` to `{to}`"
    return f"{remover} dropped `{name}`"


def _renamed_to(before: VersionState, after: VersionState, name: str) -> str | None:
    """The table of `after` that `name` of `before` became: new in `after`, same columns."""
    columns = _table_columns(before, name)
    if columns is None:
        return None
    for kind, key in sorted(after.changed):
        if kind != "table" or (kind, key) in before.hashes:
            continue
        obj = after.objects.get((kind, key))
        if obj is not None and _table_columns(after, obj.name) == columns:
            return obj.name
    return None


def _exists(f: Failure, name: str) -> str | None:
    row = f.conn.execute(
        "SELECT type, name FROM main.sqlite_schema WHERE name = ? COLLATE NOCASE "
        "ORDER BY type = 'trigger'",
        (name,),
    ).fetchone()
    if row is None:
        return None
    kind, stored = row
    return f"`{stored}` already exists: {_origin(f, (kind, fold(stored)), stored)}"


def _checked(f: Failure, kind: str, name: str, dropping: bool, inner: str) -> str:
    """ALTER TABLE refused because a view or trigger would no longer compile."""
    if dropping:
        return (
            f"{kind} `{name}` uses the column, and SQLite checks every view and trigger when "
            f"a column is dropped: drop the {kind} first and create it again without the column"
        )
    because = ""
    missing = _NO_SUCH_TABLE.match(inner)
    if missing:
        table = fold(missing.group(1))
        gone = next(
            (
                s
                for s in reversed(_earlier(f))
                if (d := dropped(s.sql)) is not None and d[0] == "table" and fold(d[1]) == table
            ),
            None,
        )
        if gone is not None:
            because = f", as {_at(gone)} of this version dropped `{missing.group(1)}`"
    return (
        f"SQLite (3.26 and later) checks every view and trigger when a table or column is "
        f"renamed, and {kind} `{name}` no longer compiles ({inner}){because}; drop the {kind} "
        "before the rebuild and create it again after"
    )


def _duplicate_column(f: Failure, column: str) -> str | None:
    added = added_column(f.statement.sql)
    if added is None:
        return None  # e.g. the same column twice in one CREATE TABLE: SQLite says it all
    table = added[0]
    col = fold(column)
    for stmt in reversed(_earlier(f)):
        again = added_column(stmt.sql)
        if again is not None and (fold(again[0]), fold(again[1])) == (fold(table), col):
            return f"{_at(stmt)} of this version already adds `{column}` to `{table}`"
    if not f.history:
        return None
    had = _table_columns(f.history[-1], table)
    if had is None or col not in {fold(c) for c in had}:
        if f.live:
            return f"no version adds `{column}` to `{table}`; it was added outside the migrations"
        return None
    i = len(f.history) - 1
    while i > 0 and col in {fold(c) for c in _table_columns(f.history[i - 1], table) or []}:
        i -= 1
    who = f.history[i]
    if i == 0 and who.version is not None:
        return f"`{table}` has `{column}` since {version_label(who)} or earlier"
    if i > 0 and _table_columns(f.history[i - 1], table) is not None:
        return f"{version_label(who)} added `{column}` to `{table}`"
    return f"{version_label(who)} created `{table}` with `{column}`"
