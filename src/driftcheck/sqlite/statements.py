"""What a statement is about, from its first words.

Never used to decide what a schema is (replay and introspection do that); only to
name things in a diagnosis, and to spot the one kind of statement replay must
look at before running: a `CREATE ... IF NOT EXISTS`, which SQLite silently skips
when its object is already there.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from driftcheck.migrations.model import Statement

# Leading whitespace and comments.
_SKIP = r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))*"
# One identifier as SQLite accepts it: "x", `x`, [x], 'x' or a bare word.
_NAME = r"""(?:"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[^\s(),;."`'\[]+)"""
# An optional schema name, then the name.
_QUALIFIED = rf"(?:{_NAME}\s*\.\s*)?({_NAME})"
_FLAGS = re.IGNORECASE | re.DOTALL

# Anchored, so that for nearly every statement the match fails within a few
# characters: replay tries it on every statement. TEMP objects are left out: they
# live in the temp schema, where a main object of the same name does not stop them.
_GUARDED_CREATE = re.compile(
    rf"{_SKIP}CREATE\s+(?:UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s+"
    rf"IF\s+NOT\s+EXISTS\s+{_QUALIFIED}",
    _FLAGS,
)
_CREATE = re.compile(
    rf"{_SKIP}CREATE\s+(?:(?:TEMP|TEMPORARY)\s+)?(?:UNIQUE\s+|VIRTUAL\s+)?"
    rf"(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}",
    _FLAGS,
)
_RENAME_TABLE = re.compile(
    rf"{_SKIP}ALTER\s+TABLE\s+{_QUALIFIED}\s*RENAME\s+TO\s+({_NAME})", _FLAGS
)
_DROP = re.compile(
    rf"{_SKIP}DROP\s+(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+EXISTS\s+)?{_QUALIFIED}", _FLAGS
)
_ADD_COLUMN = re.compile(
    rf"{_SKIP}ALTER\s+TABLE\s+{_QUALIFIED}\s*ADD\s+(?:COLUMN\s+)?({_NAME})", _FLAGS
)
_PRAGMA_SET = re.compile(
    rf"{_SKIP}PRAGMA\s+(?:{_NAME}\s*\.\s*)?(foreign_keys|journal_mode)\s*"
    r"(?:=\s*([^\s;)]+)|\(\s*([^\s;)]+)\s*\))",
    _FLAGS,
)
_WORDS = re.compile(r"[A-Za-z_]+")
_LEADING = re.compile(_SKIP, _FLAGS)


def unquote(name: str) -> str:
    """An identifier as SQLite stores it: quotes removed, doubled quotes undone."""
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"`'":
        return name[1:-1].replace(name[0] * 2, name[0])
    if len(name) >= 2 and name[0] == "[" and name[-1] == "]":
        return name[1:-1]
    return name


def first_words(sql: str, n: int = 2) -> list[str]:
    """The first `n` words of a statement, upper-cased, after leading comments."""
    rest = sql[_LEADING.match(sql).end() :]  # type: ignore[union-attr]
    return [w.upper() for w in _WORDS.findall(rest[:64])[:n]]


def is_transaction_control(sql: str) -> bool:
    """BEGIN, COMMIT, END or ROLLBACK (not ROLLBACK TO a savepoint)."""
    words = first_words(sql)
    if not words:
        return False
    return words[0] in ("BEGIN", "COMMIT", "END") or (
        words[0] == "ROLLBACK" and (len(words) == 1 or words[1] == "TRANSACTION")
    )


def pragma_set(sql: str) -> tuple[str, str] | None:
    """(pragma, value) for a PRAGMA that sets foreign_keys or journal_mode, else None; the
    value lower-cased, without quotes: `PRAGMA foreign_keys = 'OFF'` -> ("foreign_keys", "off")."""
    m = _PRAGMA_SET.match(sql)
    if m is None:
        return None
    return m.group(1).lower(), unquote(m.group(2) or m.group(3)).lower()


def guarded_create(sql: str) -> tuple[str, str] | None:
    """(kind, name) of a `CREATE ... IF NOT EXISTS` statement of a main object, else None."""
    m = _GUARDED_CREATE.match(sql)
    return (m.group(1).lower(), unquote(m.group(2))) if m else None


def created(sql: str) -> tuple[str, str] | None:
    """(kind, name) of a CREATE statement, else None."""
    m = _CREATE.match(sql)
    return (m.group(1).lower(), unquote(m.group(2))) if m else None


def renamed_table(sql: str) -> tuple[str, str] | None:
    """(old, new) of an `ALTER TABLE old RENAME TO new`, else None."""
    m = _RENAME_TABLE.match(sql)
    return (unquote(m.group(1)), unquote(m.group(2))) if m else None


def dropped(sql: str) -> tuple[str, str] | None:
    """(kind, name) of a DROP statement, else None."""
    m = _DROP.match(sql)
    return (m.group(1).lower(), unquote(m.group(2))) if m else None


def added_column(sql: str) -> tuple[str, str] | None:
    """(table, column) of an `ALTER TABLE t ADD [COLUMN] c`, else None."""
    m = _ADD_COLUMN.match(sql)
    if m is None or m.group(2).upper() == "CONSTRAINT":
        return None
    return unquote(m.group(1)), unquote(m.group(2))


# What makes SQLite skip a CREATE ... IF NOT EXISTS: an object of that name in the
# statement's namespace. Tables and views share one; an index of a table's name
# (or the other way round) is an error instead, and triggers have their own.
_LOOKUP = "SELECT type, name FROM main.sqlite_schema WHERE name = ? COLLATE NOCASE AND type IN "
_NAMESAKE = {
    "table": _LOOKUP + "('table', 'view')",
    "view": _LOOKUP + "('table', 'view')",
    "index": _LOOKUP + "('index')",
    "trigger": _LOOKUP + "('trigger')",
}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A `CREATE ... IF NOT EXISTS` that found its object there already: SQLite did nothing."""

    statement: Statement
    kind: str  # what the statement creates: table, index, view or trigger
    name: str  # as the statement writes it, unquoted
    existing_kind: str  # what was there: the same kind, or a table for a view and vice versa
    existing_name: str  # as stored


def skipped_create(conn: sqlite3.Connection, stmt: Statement) -> Skipped | None:
    """Whether `stmt` is a `CREATE ... IF NOT EXISTS` that will do nothing on `conn`.

    To be called just before the statement runs. Costs one sqlite_schema lookup, and
    only for such statements: for any other, the anchored match fails at once.
    """
    guarded = guarded_create(stmt.sql)
    if guarded is None:
        return None
    kind, name = guarded
    row = conn.execute(_NAMESAKE[kind], (name,)).fetchone()
    if row is None:
        return None
    return Skipped(stmt, kind, name, row[0], row[1])
