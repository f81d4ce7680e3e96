"""The service's OpenAPI document, checked by schemathesis against the application:
every endpoint, with generated requests, answers as the document says (status codes,
content types, response bodies against their schemas)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from conftest import EXAMPLES, apply_files  # noqa: E402


def _app(tmp_path_factory: pytest.TempPathFactory):
    """A service over a small fleet (clean, broken, drifted), after one cycle and one
    event, so that every response has content."""
    from driftcheck.config import build_config
    from driftcheck.serve.app import create_app
    from driftcheck.serve.service import Service, targets_of

    root = tmp_path_factory.mktemp("serve")
    d = root / "tenants"
    d.mkdir()
    clean = apply_files(d / "a.db", sorted(EXAMPLES.glob("*.sql")))
    shutil.copyfile(clean, d / "c.db")
    (d / "b.db").write_text("not a database")
    cfg = build_config(
        {
            "migrations": str(EXAMPLES),
            "targets": [{"name": "tenants", "db": str(d / "*.db")}],
        }
    )
    service = Service(cfg, targets_of(cfg))
    service.run_cycle()
    with closing(sqlite3.connect(d / "c.db")) as conn:
        conn.execute("CREATE INDEX by_hand ON books (title)")
        conn.commit()
    service.run_cycle()
    assert service.events("tenants")
    return create_app(service)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    return schemathesis.openapi.from_asgi("/openapi.json", _app(tmp_path_factory))


def test_the_service_answers_as_its_openapi_document_says(api_schema):
    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def calls(case):
            case.call_and_validate()

        calls()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert sorted(checked) == [
        "GET /",
        "GET /healthz",
        "GET /metrics",
        "GET /readyz",
        "GET /reports",
        "GET /reports/{target}",
        "GET /reports/{target}/events",
        "HEAD /",
        "HEAD /healthz",
        "HEAD /metrics",
        "HEAD /readyz",
        "POST /check",
    ]
