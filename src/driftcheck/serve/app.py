"""The HTTP interface: a FastAPI application over a `Service`.

Every endpoint only reads the service's state, except POST /check, which asks the
scheduler for a cycle now. Reports are served in the JSON report contract: a target's
latest reports are one `FleetReport`, the document `driftcheck validate --format json`
prints for the same databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from driftcheck import __version__
from driftcheck.report.model import FleetReport
from driftcheck.serve.service import EVENTS_KEPT, Cycle, Event, Service

DESCRIPTION = (
    "driftcheck's validator service: the configured databases checked against their "
    "migrations on a schedule (read-only), the latest reports in the JSON report contract, "
    "the changes between checks, Prometheus metrics and a status page."
)
_TARGET = Path(
    description="the target's name, as in [[targets]] name",
    pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
)
TargetName = Annotated[str, _TARGET]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Health(_Model):
    status: str = Field(description='"ok": the process answers')


class Readiness(_Model):
    ready: bool = Field(description="the first check cycle has finished")
    cycle: Cycle


class CheckStarted(_Model):
    cycle: int = Field(description="the number the requested cycle will have")


class Problem(_Model):
    detail: str


class ValidationProblem(_Model):
    """FastAPI's answer to a malformed request (a target name that cannot be one)."""

    detail: list[dict[str, object]]


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no target of that name"}
}
_MALFORMED: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationProblem, "description": "not a target name"}
}
_NOT_YET: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Problem,
        "description": "the target's first check has not finished yet (Retry-After: 5)",
    }
}
# Uptime probes often ask with HEAD: these GET routes answer it too (the same status and
# headers, no body).
_HEAD = ("/", "/healthz", "/readyz", "/metrics")


def create_app(service: Service) -> FastAPI:
    app = FastAPI(
        title="driftcheck serve",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    def target_or_404(name: str) -> str:
        if service.target(name) is None:
            known = ", ".join(t.name for t in service.targets) or "none"
            raise HTTPException(404, f"no target named {name!r} (targets: {known})")
        return name

    @app.get("/", response_class=HTMLResponse, summary="The status page")
    def page() -> HTMLResponse:
        from driftcheck.serve.page import render_page

        return HTMLResponse(render_page(service.page_view()))

    @app.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: 200 once the first check cycle has finished, 503 before",
        responses={503: {"model": Readiness, "description": "the first cycle still runs"}},
    )
    def readyz() -> JSONResponse:
        body = Readiness(ready=service.ready, cycle=service.cycle())
        return JSONResponse(body.model_dump(mode="json"), status_code=200 if body.ready else 503)

    @app.get(
        "/metrics",
        response_class=Response,
        summary="Prometheus metrics (text exposition format)",
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    def metrics() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(service.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.get(
        "/reports",
        response_model=dict[str, FleetReport],
        summary="Every target's latest reports: {target name: FleetReport}",
    )
    def reports() -> Response:
        body = ",".join(
            f"{_json_str(t.name)}:{service.fleet_report(t.name).model_dump_json()}"
            for t in service.targets
        )
        return Response("{" + body + "}", media_type="application/json")

    @app.get(
        "/reports/{target}",
        response_model=FleetReport,
        summary="One target's latest reports, as `validate --format json` prints them; "
        "503 until its first check has finished",
        responses={**_NOT_FOUND, **_MALFORMED, **_NOT_YET},
    )
    def target_reports(target: TargetName) -> Response:
        name = target_or_404(target)
        if not service.checked(name):
            raise HTTPException(
                503,
                f"target {name!r} has not been checked yet: its first check has not "
                f"finished (cycle {service.cycle().number}); retry shortly, or wait for "
                "/readyz to answer 200",
                headers={"Retry-After": "5"},
            )
        return Response(service.fleet_report(name).model_dump_json(), media_type="application/json")

    @app.get(
        "/reports/{target}/events",
        response_model=list[Event],
        summary="What changed between checks in a target's databases, newest first",
        responses={**_NOT_FOUND, **_MALFORMED},
    )
    def target_events(
        target: TargetName,
        limit: Annotated[
            int, Query(ge=1, le=EVENTS_KEPT, description="the most events returned")
        ] = EVENTS_KEPT,
    ) -> Response:
        name = target_or_404(target)
        events = service.events(name, limit)
        body = "[" + ",".join(e.model_dump_json() for e in events) + "]"
        return Response(body, media_type="application/json")

    @app.post(
        "/check",
        status_code=202,
        response_model=CheckStarted,
        summary="Start a check cycle now: 202, or 409 while one runs",
        responses={409: {"model": Problem, "description": "a cycle is running"}},
    )
    def check() -> CheckStarted:
        number = service.request_check()
        if number is None:
            raise HTTPException(409, f"cycle {service.cycle().number} is running")
        return CheckStarted(cycle=number)

    _answer_head(app)
    return app


def _answer_head(app: FastAPI) -> None:
    """HEAD on the `_HEAD` routes, as a route of its own each (an operation id of its own
    in the OpenAPI document): the GET endpoint's answer, whose body the server drops."""
    from fastapi.encoders import jsonable_encoder
    from fastapi.routing import APIRoute

    def head(endpoint: Callable[[], object]) -> Callable[[], Response]:
        def answer() -> Response:
            got = endpoint()  # these endpoints take no arguments
            return got if isinstance(got, Response) else JSONResponse(jsonable_encoder(got))

        return answer

    for route in list(app.router.routes):
        if isinstance(route, APIRoute) and route.path in _HEAD and "GET" in (route.methods or ()):
            app.add_api_route(
                route.path,
                head(route.endpoint),
                methods=["HEAD"],
                response_class=Response,
                summary=f"{route.summary}: the status and headers of GET, no body",
                operation_id=f"{route.name}_head",
                responses={
                    code: {"description": str(r.get("description", ""))}
                    for code, r in route.responses.items()
                },
            )


def _json_str(text: str) -> str:
    import json

    return json.dumps(text)
