"""`make bench` keeps working: its quick mode runs, and what it checks holds.

No timing is asserted here (timings belong to the benchmark's own output);
only facts: the results are right and the query count stays constant.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_quick_benchmark_runs_and_its_facts_hold(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("BENCH_JSON "))
    bench = json.loads(line.removeprefix("BENCH_JSON "))
    facts = bench["facts"]
    assert [w for w in bench["warnings"] if "source changed" not in w] == []
    assert facts["validate_one"]["clean"][:2] == ["clean", "exact"]
    assert facts["validate_one"]["drifted"][:2] == ["drift", "closest"]
    assert facts["driftcheck_queries"] <= 8  # batched: not one query per table
    assert facts["diff_found"]  # the planted differences were found
