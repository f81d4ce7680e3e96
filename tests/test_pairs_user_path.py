"""Every pair fixture through the commands a user runs, and through its behaviour.

The differ's own test (test_diff_pairs.py) calls `diff_schemas`. Here each case
becomes what a user has: a migration `0001` holding a.sql, and a database built
from b.sql by executing it. Then:

- `validate` exits 0 with no flag exactly when the case expects no change of
  severity error or warning, and reports the case's changes;
- `plan` agrees; `apply --yes` records the version of a clean case and the
  database validates clean afterwards;
- the one equivalence holds: no change of severity error or warning ⇔ equal
  fingerprints ⇔ validate exits 0 with no flag;
- the behaviour check (`probe.sql`, see behaviour.py): the same statements give
  the same outcomes on both databases exactly when nothing is to be reported.

A case's "xfail" (a known differ limit) applies here too.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from behaviour import differences
from driftcheck.changes import severe
from driftcheck.differ import diff_schemas
from test_diff_pairs import CASES, COMPARED, Case, schema_of


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


def _severe_expected(case: Case) -> list[dict[str, Any]]:
    return [e for e in case.expected if e.get("severity", "error") != "info"]


def _project(tmp: Path, case: Case) -> tuple[Path, Path]:
    migrations = tmp / "migrations"
    migrations.mkdir()
    (migrations / "0001_schema.sql").write_text(case.a_sql, encoding="utf-8")
    db = tmp / "app.db"
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.executescript(case.b_sql)
    finally:
        conn.close()
    return migrations, db


def _json(r: Any) -> dict[str, Any]:
    assert r.stdout.strip(), r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("case", _params(CASES))
def test_pair_through_validate_plan_apply(case: Case, cli: Any, tmp_path: Path) -> None:
    migrations, db = _project(tmp_path, case)
    args = ("--db", str(db), "--migrations", str(migrations), "--history", "none")
    r = cli("validate", *args, "--format", "json")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    report = _json(r)
    flags = [e for e in report["plan"] if e["action"] == "flag"]
    clean = not _severe_expected(case)

    if clean:
        assert r.exit_code == 0 and not flags, (
            f"validate says {report['status']} on a case that must not report:\n"
            + "\n".join(c["message"] for c in report["changes"])
            + "\n"
            + "\n".join(f"{f['code']}: {f['reason']}" for f in flags)
        )
        assert report["effective_version"] == "0001"
        got = Counter(tuple(c[k] for k in COMPARED) for c in report["changes"])
        assert got == Counter(tuple(e[k] for k in COMPARED) for e in case.expected)
        p = cli("plan", *args)
        assert p.exit_code == 0, p.stdout + p.stderr
        a = cli("apply", "--db", str(db), "--migrations", str(migrations), "--yes")
        assert a.exit_code == 0, a.stdout + a.stderr
        after = _json(
            cli("validate", "--db", str(db), "--migrations", str(migrations), "--format", "json")
        )
        assert after["status"] == "clean", after
        assert [e["action"] for e in after["plan"]] == ["ok"], after["plan"]
    else:
        assert r.exit_code == 1, (
            f"validate exits 0 on a case that must report {_severe_expected(case)}"
        )
        if report["effective_version"] == "0001":
            # Every expected change, with the right object type and attribute.
            got = Counter(tuple(c[k] for k in COMPARED) for c in report["changes"])
            assert got == Counter(tuple(e[k] for k in COMPARED) for e in case.expected), "\n".join(
                c["message"] for c in report["changes"]
            )
        p = cli("plan", *args)
        assert p.exit_code == 1, p.stdout + p.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_equivalence(case: Case) -> None:
    """No change of severity error or warning ⇔ equal fingerprints, both ways round."""
    a, b = schema_of(case.a_sql), schema_of(case.b_sql)
    for x, y in ((a, b), (b, a)):
        changes = severe(diff_schemas(x, y))
        assert (not changes) == (x.fingerprint() == y.fingerprint()), (
            "\n".join(c.message for c in changes) or "fingerprints differ, yet diff finds nothing"
        )


PROBED = [c for c in CASES if (Path(__file__).parent / "pairs" / c.id / "probe.sql").exists()]


def test_every_pair_carries_a_behaviour_check() -> None:
    assert {c.id for c in PROBED} == {c.id for c in CASES}, "a pair without probe.sql"
    assert sum(1 for c in PROBED if not _severe_expected(c)) >= 100
    assert sum(1 for c in PROBED if _severe_expected(c)) >= 100


@pytest.mark.parametrize("case", PROBED, ids=[c.id for c in PROBED])
def test_behaviour_agrees_with_the_verdict(case: Case) -> None:
    probe = (Path(__file__).parent / "pairs" / case.id / "probe.sql").read_text(encoding="utf-8")
    diffs = differences(case.a_sql, case.b_sql, probe)
    if not _severe_expected(case):
        assert not diffs, "a must-not-report pair behaves differently:\n" + "\n".join(diffs)
    elif case.options.get("behaviour") == "same":
        assert case.options.get("behaviour_reason"), "a behaviour exemption needs its reason"
        assert not diffs, "exempted as behaving the same, yet the probe shows a difference"
    else:
        assert diffs, (
            "a must-report pair behaves the same on every probe statement: show a statement "
            "that behaves differently, or exempt it in case.json with a reason"
        )
