"""driftcheck: schema drift detection for SQLite databases.

The Python API (documented in docs/api.md; the CLI is its first client):

    import driftcheck

    report = driftcheck.validate("app.db", migrations="migrations/")
    driftcheck.plan(...), driftcheck.apply(..., to=None, dry_run=False, backup=True)
    driftcheck.diff(a, b), driftcheck.inspect(database), driftcheck.snapshot(...)
    driftcheck.report_diff(old, new): what changed between two reports (or fleets)
    driftcheck.render(report, "markdown" | "junit" | "github" | "sarif" | "json" | "text")

The names are loaded on first use, so `import driftcheck` stays as light as
`driftcheck --version` needs it to be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from driftcheck.api import (
        ApplyResult,
        ApplyRun,
        Inspection,
        apply,
        diff,
        inspect,
        lint,
        plan,
        plan_sql,
        render,
        report_diff,
        snapshot,
        validate,
        validate_each,
    )
    from driftcheck.errors import DriftcheckError
    from driftcheck.report.model import DiffReport, FleetReport, Report, SnapshotReport

__all__ = [
    "ApplyResult",
    "ApplyRun",
    "DiffReport",
    "DriftcheckError",
    "FleetReport",
    "Inspection",
    "Report",
    "SnapshotReport",
    "__version__",
    "apply",
    "diff",
    "inspect",
    "lint",
    "plan",
    "plan_sql",
    "render",
    "report_diff",
    "snapshot",
    "validate",
    "validate_each",
]

# Where each public name lives: driftcheck.api unless listed here.
_REPORTS = frozenset({"DiffReport", "FleetReport", "Report", "SnapshotReport"})
_API = frozenset(__all__) - _REPORTS - {"DriftcheckError", "__version__"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from driftcheck import api

        return getattr(api, name)
    if name in _REPORTS:
        from driftcheck.report import model

        return getattr(model, name)
    if name == "DriftcheckError":
        from driftcheck.errors import DriftcheckError

        return DriftcheckError
    raise AttributeError(f"module 'driftcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
