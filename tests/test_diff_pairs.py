"""The differ's pair fixtures: one folder per case under tests/pairs/.

    tests/pairs/<case>/a.sql          builds the expected schema (what migrations give)
    tests/pairs/<case>/b.sql          builds the database (what is found)
    tests/pairs/<case>/expected.json  every change diff(a, b) must report, no more
    tests/pairs/<case>/case.json      optional: {"xfail": "<why driftcheck is wrong>"}
                                      or {"mirror": false, "mirror_reason": "<why>"}

expected.json is a list of {"object_type", "change", "attribute", "path"} and, where a
case pins it, "severity". `[]` means "must report nothing". Order does not matter here;
the differ's own order is checked separately (same input, same output).

Every case is also run backwards: diff(b, a) must give the same changes with missing and
unexpected swapped. A case that shows a driftcheck bug keeps the correct expectation and
says why in case.json's "xfail" (strict, so a fix turns it into a failure to clean up).

To add a false positive or a missed change, add a folder; no Python needed.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.differ import Change, diff_schemas
from driftcheck.model import Schema
from driftcheck.sqlite.introspect import read_objects

PAIRS = Path(__file__).parent / "pairs"
COMPARED = ("object_type", "change", "attribute", "path")
OPTIONAL = ("severity",)
CASE_OPTIONS = {"xfail", "mirror", "mirror_reason", "behaviour", "behaviour_reason"}
SWAP = {
    "missing": "unexpected",
    "unexpected": "missing",
    "changed": "changed",
    "renamed": "renamed",
}


@dataclass(frozen=True)
class Case:
    id: str
    a_sql: str
    b_sql: str
    expected: tuple[dict[str, Any], ...]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def mirror(self) -> bool:
        return self.options.get("mirror", True) is not False


def _load(folder: Path) -> Case:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert isinstance(expected, list), f"{folder.name}: expected.json must be a list"
    for item in expected:
        assert set(COMPARED) <= set(item) <= set(COMPARED + OPTIONAL), (
            f"{folder.name}: each expected change has exactly {COMPARED} (+ {OPTIONAL}): {item}"
        )
    options_file = folder / "case.json"
    options = json.loads(options_file.read_text(encoding="utf-8")) if options_file.exists() else {}
    assert set(options) <= CASE_OPTIONS, f"{folder.name}: unknown case.json keys {set(options)}"
    assert options.get("mirror", True) is not False or options.get("mirror_reason"), (
        f'{folder.name}: "mirror": false needs a "mirror_reason"'
    )
    return Case(
        id=folder.name,
        a_sql=(folder / "a.sql").read_text(encoding="utf-8"),
        b_sql=(folder / "b.sql").read_text(encoding="utf-8"),
        expected=tuple(expected),
        options=options,
    )


CASES = [_load(d) for d in sorted(PAIRS.iterdir()) if d.is_dir()]


def _params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=c.options["xfail"])]
            if "xfail" in c.options
            else [],
        )
        for c in cases
    ]


# --------------------------------------------------------------------------
# Building schemas


def build_schema(sql: str) -> Schema:
    """Run `sql` in a fresh in-memory database and read its schema back."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.executescript(sql)
        schema = Schema.of(read_objects(conn))
        # Internal tables and virtual tables' shadow tables are never schema objects.
        hidden = {
            name.lower()
            for (name,) in conn.execute(
                "SELECT name FROM pragma_table_list WHERE type = 'shadow' "
                "UNION SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        }
    finally:
        conn.close()
    # pragma_table_list marks shadow tables by name alone: a table the SQL creates
    # itself (an external-content table `docs_content`) is the user's, not a shadow.
    created = {
        m.group(1).strip('"`[]').lower()
        for m in re.finditer(
            r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|\w+)",
            sql,
            re.IGNORECASE,
        )
    }
    leaked = (hidden - created) & {name.lower() for name in (*schema.tables, *schema.indexes)}
    assert not leaked, f"internal or shadow tables read as schema objects: {sorted(leaked)}"
    return schema


schema_of = lru_cache(maxsize=None)(build_schema)


def _key(change: Change | dict[str, Any], extra: tuple[str, ...] = ()) -> tuple[Any, ...]:
    d = change.model_dump() if isinstance(change, Change) else change
    return tuple(d[k] for k in COMPARED + extra)


def _describe(changes: list[Change]) -> str:
    return (
        "\n".join(
            f"  {c.object_type} {c.change} attribute={c.attribute} path={c.path} "
            f"severity={c.severity}: {c.message}"
            for c in changes
        )
        or "  (nothing)"
    )


def _dump(changes: list[Change]) -> str:
    return json.dumps([c.model_dump(mode="json") for c in changes], sort_keys=True)


# --------------------------------------------------------------------------
# The catalogue


def test_catalogue_is_not_empty() -> None:
    assert len(CASES) >= 100
    assert any(not c.expected for c in CASES) and any(c.expected for c in CASES)


@pytest.mark.parametrize("case", _params(CASES))
def test_pair(case: Case) -> None:
    a, b = schema_of(case.a_sql), schema_of(case.b_sql)
    got = diff_schemas(a, b)

    # Deterministic: fresh schemas, same bytes out.
    again = diff_schemas(build_schema(case.a_sql), build_schema(case.b_sql))
    assert _dump(again) == _dump(got), "two runs of the differ gave different output"

    expected = Counter(_key(e) for e in case.expected)
    actual = Counter(_key(c) for c in got)
    assert actual == expected, (
        f"\nreported:\n{_describe(got)}\n"
        f"missing from the report: {sorted(expected - actual, key=str)}\n"
        f"not expected: {sorted(actual - expected, key=str)}"
    )
    for e in case.expected:
        if "severity" in e:
            severities = [c.severity for c in got if _key(c) == _key(e)]
            assert e["severity"] in severities, (
                f"{_key(e)}: severity {severities}, expected {e['severity']}"
            )

    if case.mirror:
        back = diff_schemas(b, a)
        swapped = Counter((c.object_type, SWAP[c.change], c.attribute) for c in got)
        mirrored = Counter((c.object_type, c.change, c.attribute) for c in back)
        assert mirrored == swapped, (
            f"\ndiff(a, b):\n{_describe(got)}\ndiff(b, a):\n{_describe(back)}"
        )


# --------------------------------------------------------------------------
# Properties: a schema never differs from itself, however its SQL is spaced


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_schema_does_not_differ_from_itself(case: Case) -> None:
    for sql in (case.a_sql, case.b_sql):
        assert diff_schemas(schema_of(sql), build_schema(sql)) == []


# Quoted strings and identifiers, and comments (a line comment with its newline), are
# kept as they are; only the whitespace between them is rewritten.
# A virtual table's arguments go to its module as written, and FTS5 accepts only plain
# spaces between the words of a column definition: those statements are kept whole.
_KEEP = re.compile(
    r"CREATE\s+VIRTUAL\s+TABLE[^;]*;|"
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*\n?|/\*.*?\*/",
    re.DOTALL | re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"\s*([(),])\s*")
_WHITESPACE = [" ", "  ", "\n", "\t", "\n    ", " \n\t "]


def respace(sql: str, rnd: random.Random) -> str:
    """`sql` with every run of whitespace replaced, and some added around ( ) and ,."""

    def space(optional: bool) -> str:
        return "" if optional and rnd.random() < 0.5 else rnd.choice(_WHITESPACE)

    def rewrite(text: str) -> str:
        text = _SPACES.sub(lambda m: space(False), text)
        return _PUNCT.sub(lambda m: space(True) + m.group(1) + space(True), text)

    out: list[str] = []
    pos = 0
    for m in _KEEP.finditer(sql):
        out.append(rewrite(sql[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(rewrite(sql[pos:]))
    return "".join(out)


@settings(
    max_examples=60,
    deadline=None,
    database=None,  # keep the checkout clean: no .hypothesis/ directory
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    case=st.sampled_from(CASES),
    side=st.sampled_from(["a", "b"]),
    rnd=st.randoms(use_true_random=False),
)
def test_respaced_schema_does_not_differ(case: Case, side: str, rnd: random.Random) -> None:
    sql = case.a_sql if side == "a" else case.b_sql
    respaced = respace(sql, rnd)
    changes = diff_schemas(schema_of(sql), build_schema(respaced))
    assert changes == [], f"\n{respaced}\n{_describe(changes)}"
