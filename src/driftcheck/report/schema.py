"""Write the JSON Schema of the report contract: `python -m driftcheck.report.schema [PATH]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def report_schema() -> dict[str, Any]:
    from driftcheck.report.delta import ReportDelta, ReportDiff
    from driftcheck.report.lint import LintReport
    from driftcheck.report.model import (
        ApplyReport,
        DiffReport,
        FleetReport,
        Report,
        SnapshotReport,
    )

    models: dict[str, type[BaseModel]] = {
        "Report": Report,
        "DiffReport": DiffReport,
        "ApplyReport": ApplyReport,
        "SnapshotReport": SnapshotReport,
        "FleetReport": FleetReport,
        "LintReport": LintReport,
        "ReportDiff": ReportDiff,
        "ReportDelta": ReportDelta,
    }
    defs: dict[str, Any] = {}
    for model in models.values():
        defs.update(model.model_json_schema(ref_template="#/$defs/{model}").get("$defs", {}))
    for name, model in models.items():
        defs[name] = _without_defs(model.model_json_schema(ref_template="#/$defs/{model}"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "driftcheck reports",
        "description": "Output of `driftcheck validate|plan|status --format json` (Report), "
        "`driftcheck diff --format json` (DiffReport), `driftcheck apply --format json` "
        "(ApplyReport), `driftcheck snapshot --format json` (SnapshotReport) and "
        "`driftcheck validate` over several databases and `driftcheck merge-reports` "
        "(FleetReport; `--format jsonl`: one Report per line), and `driftcheck lint --format "
        "json` (LintReport), `driftcheck report-diff --format json` (ReportDiff, whose "
        "deltas are ReportDelta: what changed between two reports of one database).",
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in models],
        "$defs": defs,
    }


def _without_defs(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$defs"}


def render() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/report.schema.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
