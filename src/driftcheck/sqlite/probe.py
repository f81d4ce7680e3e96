"""Does a version's result depend on the data in a column? Replay it and see.

A migration that drops a column or a table may first copy its data somewhere: into a
column of another name, another table, a JSON array, a sum. Reading the SQL cannot
tell which reliably; running it can. The version is replayed from its start in a
scratch database with one sample row in each table concerned, then again with the
values of the columns in question changed. If anything in the result differs, the
data was carried over (in some form); if nothing does, it was lost.

Values that differ between two runs with the same rows (a `CURRENT_TIMESTAMP` that
ticked over) are left out of the comparison. Where a sample row cannot be inserted
(a CHECK, a STRICT type, a trigger) or the version then fails, nothing is proven.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from driftcheck.migrations.model import Statement
from driftcheck.normalize import fold
from driftcheck.sqlite.connect import FunctionStub, open_memory
from driftcheck.sqlite.types import affinity

_NUMBER = 7_319_000_000_000  # far from any id or amount in seed data

Dump = dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class Sample:
    """The row to insert into one table: its insertable columns and their declared types."""

    table: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    rowid_alias: str | None = None
    strict: bool = False


def _values(sample: Sample, index: int, mode: str, vary: frozenset[str]) -> list[object]:
    out: list[object] = []
    for n, (column, declared) in enumerate(zip(sample.columns, sample.types, strict=True)):
        changed = fold(column) in vary
        numeric = column == sample.rowid_alias or (
            mode == "numbers"
            or (mode != "text" and affinity(declared) in ("INTEGER", "REAL", "NUMERIC"))
        )
        if mode == "json" and not numeric:
            # Text that is a JSON document: a version that folds a column into a JSON
            # column (json_set(prefs, '$.name', name)) needs one to work on.
            label = f"sample {index}.{n}" + (" (changed)" if changed else "")
            out.append(json.dumps({"driftcheck": label}))
            continue
        if mode == "joined":
            # One value everywhere (one number, one text), so that ids and the columns that
            # refer to them match across the sample rows, and joins find rows to carry.
            value: object = _NUMBER if numeric else "driftcheck sample"
        else:
            value = _NUMBER + index * 1000 + n * 2 if numeric else f"driftcheck sample {index}.{n}"
        if changed:
            value = value + 1 if isinstance(value, int) else f"{value} (changed)"
        out.append(value)
    return out


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dump(conn: sqlite3.Connection) -> Dump:
    out: Dump = {}
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ).fetchall():
        try:
            rows = conn.execute(f"SELECT * FROM {_quoted(name)} ORDER BY rowid").fetchall()
        except sqlite3.Error:  # WITHOUT ROWID: in primary key order
            rows = conn.execute(f"SELECT * FROM {_quoted(name)}").fetchall()
        out[fold(name)] = [tuple(r) for r in rows]
    return out


class Probe:
    """Replays one version from its start (`image`, the database's bytes then)."""

    def __init__(
        self,
        image: bytes,
        functions: Iterable[FunctionStub],
        statements: Sequence[Statement],
        samples: Sequence[Sample],
    ) -> None:
        self.image = image
        self.functions = tuple(functions)
        self.statements = statements
        self.samples = list(samples)
        self.mode: str | None = None
        self.base: Dump | None = None
        self.noise: set[tuple[str, int, int]] = set()
        for mode in ("joined", "typed", "text", "json", "numbers"):
            first = self._run(mode, None, frozenset())
            if first is None:
                continue
            again = self._run(mode, None, frozenset())
            if again is None or _shape(first) != _shape(again):
                return  # the version does not even repeat itself: prove nothing
            self.mode, self.base, self.noise = mode, first, _cells_differing(first, again)
            return

    def depends(self, table: str, columns: Iterable[str]) -> bool:
        """Whether the version's result depends on `columns` of the sample row in `table`."""
        if self.base is None or self.mode is None:
            return False
        vary = frozenset(fold(c) for c in columns)
        changed = self._run(self.mode, fold(table), vary)
        if changed is None:
            return False
        if _shape(changed) != _shape(self.base):
            return True
        differing = _cells_differing(self.base, changed) - self.noise
        if differing:
            # A clock (CURRENT_TIMESTAMP) may have ticked since the first runs: run the
            # version unchanged once more, and count only what that does not explain.
            again = self._run(self.mode, None, frozenset())
            if again is not None and _shape(again) == _shape(self.base):
                self.noise |= _cells_differing(self.base, again)
                differing -= self.noise
        if differing:
            return True
        # A cell that differs from run to run anyway (a random id in a JSON document) may
        # still hold the data: look for the changed values themselves.
        index = next(i for i, s in enumerate(self.samples) if fold(s.table) == fold(table))
        sample = self.samples[index]
        values = _values(sample, index, self.mode, vary)
        wanted = [
            _bounded(str(v)) for v, c in zip(values, sample.columns, strict=True) if fold(c) in vary
        ]
        return any(
            w.search(_text(cell))
            for rows in changed.values()
            for row in rows
            for cell in row
            for w in wanted
        )

    def _run(self, mode: str, table: str | None, vary: frozenset[str]) -> Dump | None:
        conn = open_memory(self.functions)
        try:
            if self.image:
                conn.deserialize(self.image)
            # The sample rows go in with the triggers set aside (one that writes elsewhere
            # could refuse them); the version's statements then run with every trigger.
            triggers = conn.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL"
            ).fetchall()
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {_quoted(name)}")
            for index, sample in enumerate(self.samples):
                values = _values(
                    sample, index, mode, vary if fold(sample.table) == table else frozenset()
                )
                names = ", ".join(_quoted(c) for c in sample.columns)
                marks = ", ".join("?" for _ in sample.columns)
                conn.execute(
                    f"INSERT INTO {_quoted(sample.table)} ({names}) VALUES ({marks})", values
                )
            for _, sql in triggers:
                conn.execute(sql)
            for stmt in self.statements:
                conn.execute(stmt.sql).fetchall()
            if conn.in_transaction:
                conn.execute("COMMIT")
            return _dump(conn)
        except sqlite3.Error:
            return None
        finally:
            conn.close()


def _bounded(value: str) -> re.Pattern[str]:
    """`value` as a whole token: 7319000000003 is not found inside 73190000000031."""
    return re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w.])")


def _text(cell: object) -> str:
    if isinstance(cell, bytes):
        return cell.decode("utf-8", "replace")
    return "" if cell is None else str(cell)


def _shape(dump: Dump) -> dict[str, int]:
    return {name: len(rows) for name, rows in dump.items()}


def _cells_differing(a: Dump, b: Dump) -> set[tuple[str, int, int]]:
    out: set[tuple[str, int, int]] = set()
    for name, rows in a.items():
        for i, (x, y) in enumerate(zip(rows, b.get(name, []), strict=False)):
            if x != y:
                out.update(
                    (name, i, j) for j, (u, v) in enumerate(zip(x, y, strict=False)) if u != v
                )
    return out
