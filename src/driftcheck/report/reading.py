"""Reading validate reports back from files: a Report (`validate --format json`), a
FleetReport (`validate` over several databases, `merge-reports --format json`) or JSON
lines (`--format jsonl`: one Report per line), told apart by what the file holds.

Every problem is a ConfigError naming the file (and the line, for JSON lines) and what is
wrong with it, with a hint: never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from driftcheck.errors import ConfigError
from driftcheck.report.model import Report

_HINT = (
    "give a file that `driftcheck validate --format json` (a report, or a fleet's) or "
    "`--format jsonl` wrote"
)


def _bad(where: str, problem: str, hint: str = _HINT) -> ConfigError:
    return ConfigError(f"{where}: {problem}", hint=hint, code="report_input")


def read_reports(path: str | Path) -> list[Report]:
    """The reports in `path`, in the file's order."""
    name = str(path)
    p = Path(path)
    if p.is_dir():
        raise _bad(name, "is a directory, not a report file")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _bad(name, "no such file", "check the path") from None
    except UnicodeDecodeError:
        raise _bad(name, "not UTF-8 text, so not a driftcheck report") from None
    except OSError as exc:
        raise _bad(name, f"cannot be read ({exc.strerror})", "check its permissions") from None
    return parse_reports(text, name)


def parse_reports(text: str, name: str) -> list[Report]:
    """The reports in `text` (read from `name`, which messages give as the culprit)."""
    stripped = text.strip()
    if not stripped:
        raise _bad(name, "is empty")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        if stripped.startswith("{") and lines[0].strip() == "{":
            # An indented document (`--format json`) that is broken somewhere.
            raise _bad(
                f"{name}:{whole.lineno}", f"not valid JSON: {whole.msg} (column {whole.colno})"
            ) from None
        return _lines(text, name)
    return _document(document, name)


def _lines(text: str, name: str) -> list[Report]:
    """JSON lines: one report per line (blank lines skipped)."""
    reports = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(
                f"{name}:{n}", f"line {n} is not valid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        reports.append(_report(record, f"{name}:{n}"))
    return reports


def _document(document: Any, name: str) -> list[Report]:
    if isinstance(document, dict) and "reports" in document and "target" not in document:
        _version(document, name)
        reports = document["reports"]
        if not isinstance(reports, list):
            raise _bad(name, "`reports` is not a list, so this is not a fleet report")
        return [_report(r, f"{name}: reports[{i}]") for i, r in enumerate(reports)]
    return [_report(document, name)]


def _version(record: dict[str, Any], where: str) -> None:
    if "report_version" not in record:
        raise _bad(where, "not a driftcheck report (no report_version)")
    if record["report_version"] != 2:
        raise _bad(
            where,
            f"report_version {json.dumps(record['report_version'])} is unknown: this "
            "driftcheck reads version 2",
            "compare reports with the driftcheck that wrote them, or write both again "
            "with this one",
        )


def _report(record: Any, where: str) -> Report:
    from pydantic import ValidationError

    if not isinstance(record, dict):
        raise _bad(where, f"expected a JSON object (a report), found {_kind(record)}")
    _version(record, where)
    for key in ("target", "status"):
        if key not in record:
            raise _bad(where, f"not a validate report (no `{key}`)")
    try:
        return Report.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(part) for part in first["loc"]) or "the report"
        more = len(exc.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise _bad(where, f"not a valid report: {at}: {first['msg']}{tail}") from None


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
