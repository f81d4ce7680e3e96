"""Behaviour checks: run the same statements on two schemas and compare what happens.

A pair fixture's `probe.sql` holds statements (INSERT, UPDATE, DELETE, SELECT, ...)
that are run, in order, on a database built from `a.sql` and on one built from
`b.sql`. Each statement's outcome is its result rows, or its error reduced to
its class (the text before the first colon, so "CHECK constraint failed: ck_x"
and "CHECK constraint failed: x > 0" are the same outcome: a constraint's name
is not behaviour). Foreign keys are enforced while probing.

Two schemas that driftcheck calls the same must give the same outcomes; two it
calls different must give different ones, or the case says why they cannot
(`case.json`: {"behaviour": "same", "behaviour_reason": "..."}).

Run it by hand:  python tests/behaviour.py tests/pairs/<case>
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

Outcome = tuple[str, Any]


def split(script: str) -> list[str]:
    """Statements of `script`, split where SQLite itself says a statement is complete."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in current.splitlines()
    ):
        out.append(current.strip())
    return out


def _value(v: Any) -> Any:
    # The storage class is behaviour: 1, 1.0 and '1' are different outcomes.
    return (type(v).__name__, v.hex() if isinstance(v, bytes) else v)


def outcomes(schema_sql: str, probe_sql: str) -> list[Outcome]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.executescript(schema_sql)
        conn.execute("PRAGMA foreign_keys = ON")
        result: list[Outcome] = []
        for stmt in split(probe_sql):
            try:
                rows = conn.execute(stmt).fetchall()
                result.append(("ok", [tuple(_value(v) for v in r) for r in rows]))
            except sqlite3.Error as exc:
                result.append(("error", str(exc).split(":", 1)[0]))
        return result
    finally:
        conn.close()


def differences(a_sql: str, b_sql: str, probe_sql: str) -> list[str]:
    """The probe statements whose outcome differs between the two schemas."""
    statements = split(probe_sql)
    a, b = outcomes(a_sql, probe_sql), outcomes(b_sql, probe_sql)
    return [
        f"{stmt}\n    a: {x}\n    b: {y}"
        for stmt, x, y in zip(statements, a, b, strict=True)
        if x != y
    ]


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        case = Path(arg)
        diffs = differences(
            (case / "a.sql").read_text(encoding="utf-8"),
            (case / "b.sql").read_text(encoding="utf-8"),
            (case / "probe.sql").read_text(encoding="utf-8"),
        )
        print(f"{case.name}: {'SAME' if not diffs else 'DIFFERENT'}")
        for d in diffs:
            print("  " + d)
