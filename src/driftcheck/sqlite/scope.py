"""How SQLite resolves a double-quoted word: a column where one is in scope, else a string.

SQLite accepts `"Active"` as the string 'Active' when no column of that name
is in scope (a misfeature kept for compatibility, relied on by real
projects). Which one it is depends on the object around the expression:

- a table's CHECKs and generated columns see that table's columns;
- an index's key expressions and WHERE see its table's columns;
- a view's SELECT sees the columns of the tables and views it reads, and its
  own aliases;
- a trigger's WHEN and body see its table's columns (as NEW and OLD), the
  tables its statements touch, and their aliases.

The introspector records, per object, the double-quoted words that are
strings (`strings` on each model object); `normalize` then keys them as
string literals, case kept, and every other double-quoted word as an
identifier, case folded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from driftcheck.normalize import fold

_QUOTED = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?(?:\*/|$)|\"((?:[^\"]|\"\")*)\"", re.DOTALL)
_WORD = re.compile(r"'(?:[^']|'')*'|\"((?:[^\"]|\"\")*)\"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_]\w*)")
_ALIAS = re.compile(
    r"\bAS\s+(?:\"((?:[^\"]|\"\")*)\"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_]\w*))", re.IGNORECASE
)

Columns = Callable[[str], Iterable[str]]  # object name -> its column names


def double_quoted(texts: Iterable[str | None]) -> set[str]:
    """The double-quoted words in `texts` (outside strings and comments)."""
    found: set[str] = set()
    for text in texts:
        if text and '"' in text:
            for m in _QUOTED.finditer(text):
                if m.group(1) is not None:
                    found.add(m.group(1).replace('""', '"'))
    return found


def words(text: str) -> set[str]:
    """Folded names mentioned in `text`, quoted or not (outside string literals)."""
    out: set[str] = set()
    for m in _WORD.finditer(text):
        word = next((g for g in m.groups() if g is not None), None)
        if word is not None:
            out.add(fold(word.replace('""', '"')))
    return out


def aliases(text: str) -> set[str]:
    return {
        fold(next(g for g in m.groups() if g is not None).replace('""', '"'))
        for m in _ALIAS.finditer(text)
    }


def strings(texts: Iterable[str | None], in_scope: Iterable[str]) -> tuple[str, ...]:
    """Double-quoted words of `texts` that name no column in scope: strings to SQLite."""
    quoted = double_quoted(texts)
    if not quoted:
        return ()
    scope = {fold(c) for c in in_scope}
    return tuple(sorted(w for w in quoted if fold(w) not in scope))


def _mentioned(texts: Iterable[str | None]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        if text:
            out |= words(text)
    return out


def statement_strings(
    texts: list[str | None], known: Iterable[str], columns: Columns, own: Iterable[str] = ()
) -> tuple[str, ...]:
    """For views and triggers: the scope is what the statements read, and their aliases."""
    if not double_quoted(texts):
        return ()
    mentioned = _mentioned(texts)
    scope = set(own)
    for name in known:
        if fold(name) in mentioned:
            scope.update(columns(name))
    for text in texts:
        if text:
            scope |= aliases(text)
    return strings(texts, scope)


def mentions_binary(texts: Iterable[str | None]) -> bool:
    """Whether an explicit COLLATE BINARY appears (only then do collations matter)."""
    return any(t and "BINARY" in t.upper() and "COLLATE" in t.upper() for t in texts)


def collated(
    texts: list[str | None], known: dict[str, str | None], own: str | None = None
) -> tuple[str, ...]:
    """Columns in scope whose collation is not BINARY: those of the tables the texts
    mention (and `own`), by their CREATE statements; a view's columns all count
    (their collation is not known here)."""
    mentioned = _mentioned(texts)
    if own is not None:
        mentioned.add(fold(own))
    out: set[str] = set()
    for name, sql in known.items():
        if fold(name) in mentioned and sql:
            out |= _collated_columns(sql)
    return tuple(sorted(out))


@lru_cache(maxsize=4096)
def _collated_columns(sql: str) -> frozenset[str]:
    from driftcheck.sqlite import ddl

    try:
        parsed = ddl.parse_create(sql)
    except ddl.DDLParseError:
        return frozenset({"*"})  # cannot tell: every column might be collated
    if isinstance(parsed, ddl.TableDef):
        return frozenset(
            fold(c.name)
            for c in parsed.columns
            if c.collation is not None and c.collation.upper() != "BINARY"
        )
    if isinstance(parsed, ddl.ViewDef):
        return frozenset({"*"})
    return frozenset()
