"""`--format sarif`: SARIF 2.1.0, for code scanning (GitHub's upload-sarif and others).

One run. `tool.driver.rules` lists every rule driftcheck has, always the same ones in
the same order (a change kind such as `missing-column`, a plan flag such as
`version-checksum-mismatch`, `version-unrecorded`, `history-pointer-stale`), so rule
ids and indexes are stable. Each finding is a result with its level; its location is the
migration file and line that made the expected object, or, when no migration made it
(an object nobody expected), the database. `partialFingerprints` come from the database
and what the finding is about, never from lines or wording, so an alert keeps its
identity across runs. Pending versions are not problems and are not results. A report
that could not be made is a failed invocation with its error as a notification.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from driftcheck.report.findings import (
    RULE_INDEX,
    RULES,
    Finding,
    findings,
    migration_path,
    relative,
)
from driftcheck.report.model import FleetReport, Report

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "driftcheck/v1"


def _uri(path: str) -> str:
    if path.startswith("/"):
        return "file://" + quote(path)
    return quote(path)


def _location(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _result(f: Finding, root: str | None) -> dict[str, Any]:
    where = f"{f.database}: " if f.database else ""
    result: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": RULE_INDEX[f.rule.id],
        "level": _LEVEL[f.level],
        "message": {"text": where + f.message},
    }
    if f.file is not None:
        result["locations"] = [_location(f.file, f.line)]
    elif f.database:
        result["locations"] = [_location(relative(f.database, root), None)]
    digest = hashlib.sha256(f"{f.database}\0{f.rule.id}\0{f.key}".encode()).hexdigest()
    result["partialFingerprints"] = {FINGERPRINT: digest}
    return result


def _notification(report: Report, root: str | None) -> dict[str, Any] | None:
    e = report.error
    if e is None:
        return None
    text = f"{report.target.database}: {e.message}" if report.target.database else e.message
    if e.hint:
        text += f" (hint: {e.hint})"
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": text},
        "descriptor": {"id": e.code},
    }
    if e.file:
        path = migration_path(report, e.file, root)
        if path:
            note["locations"] = [_location(path, e.line)]
    return note


def _rule(index: int) -> dict[str, Any]:
    r = RULES[index]
    return {
        "id": r.id,
        "name": "".join(w.capitalize() for w in r.id.split("-")),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.help},
        "help": {"text": r.help},
        "defaultConfiguration": {"level": _LEVEL[r.level]},
        "properties": {"tags": ["schema-drift", "sqlite"]},
    }


def render_sarif(report: Report | FleetReport, root: str | None = None) -> str:
    reports = report.reports if isinstance(report, FleetReport) else [report]
    results = [_result(f, root) for r in reports for f in findings(r, root=root)]
    notes = [n for r in reports if (n := _notification(r, root)) is not None]
    invocation: dict[str, Any] = {"executionSuccessful": not notes}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "driftcheck",
                        "version": report.tool.version,
                        "semanticVersion": report.tool.version,
                        "rules": [_rule(n) for n in range(len(RULES))],
                    }
                },
                "invocations": [invocation],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
