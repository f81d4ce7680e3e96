"""The JSON report is a public contract: its documented schema must match the models."""

from __future__ import annotations

import json

from conftest import ROOT
from driftcheck.report.schema import render


def test_docs_schema_is_current():
    """Regenerate with `python -m driftcheck.report.schema` when the models change."""
    assert (ROOT / "docs" / "report.schema.json").read_text() == render()


def test_schema_lists_every_change_field_and_status():
    schema = json.loads(render())
    change = schema["$defs"]["Change"]
    assert set(change["properties"]) == {
        "object_type",
        "change",
        "owner",
        "table",
        "name",
        "path",
        "attribute",
        "expected",
        "actual",
        "severity",
        "message",
        "source",
    }
    assert set(change["properties"]["change"]["enum"]) == {
        "missing",
        "unexpected",
        "changed",
        "renamed",
    }
    assert set(schema["$defs"]["ObjectRef"]["properties"]["kind"]["enum"]) == {
        "table",
        "index",
        "view",
        "trigger",
    }
    assert set(change["properties"]["object_type"]["enum"]) == {
        "table",
        "column",
        "index",
        "foreign_key",
        "check",
        "view",
        "trigger",
    }
    assert set(schema["$defs"]["Report"]["properties"]["status"]["enum"]) == {
        "clean",
        "pending",
        "drift",
        "error",
    }
    assert change["additionalProperties"] is False
