"""Write the JSON Schema of the report contract: `python -m driftcheck.report.schema [PATH]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def report_schema() -> dict[str, Any]:
    from driftcheck.report.model import DiffReport, Report

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "driftcheck reports",
        "description": "Output of `driftcheck validate|status --format json` (Report) and "
        "`driftcheck diff --format json` (DiffReport).",
        "oneOf": [{"$ref": "#/$defs/Report"}, {"$ref": "#/$defs/DiffReport"}],
        "$defs": {
            **Report.model_json_schema(ref_template="#/$defs/{model}").get("$defs", {}),
            **DiffReport.model_json_schema(ref_template="#/$defs/{model}").get("$defs", {}),
            "Report": _without_defs(Report.model_json_schema(ref_template="#/$defs/{model}")),
            "DiffReport": _without_defs(
                DiffReport.model_json_schema(ref_template="#/$defs/{model}")
            ),
        },
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
