"""The seams the design promises, checked on the source: the dialect-neutral stages
import no SQLite, and the report does not import the differ."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "driftcheck"
NEUTRAL = [
    "differ.py",
    "planner.py",
    "model.py",
    "changes.py",
    "fixsql.py",
    "attribution.py",
    *sorted(str(p.relative_to(SRC)) for p in (SRC / "report").glob("*.py")),
]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", NEUTRAL)
def test_dialect_neutral_modules_import_no_sqlite(module):
    bad = {m for m in imports(SRC / module) if m == "sqlite3" or m.startswith("driftcheck.sqlite")}
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "module", sorted(str(p.relative_to(SRC)) for p in (SRC / "report").glob("*.py"))
)
def test_the_report_does_not_import_the_differ(module):
    assert not {
        m for m in imports(SRC / module) if m in ("driftcheck.differ", "driftcheck.effective")
    }
