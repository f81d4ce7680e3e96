"""`driftcheck serve`: the validator service.

It checks the configured targets on a schedule through the public API
(`driftcheck.api.validate_each`, read-only by construction: it never applies
anything), keeps each database's latest and previous report, turns what changed
between them into events (`driftcheck.report.delta`), and serves it all over HTTP:
the reports in the JSON report contract, Prometheus metrics, the events, a status
page, a webhook on status changes.

    service.py   targets, the check cycle, the latest reports, the events
    metrics.py   the Prometheus registry: bounded series read from the service's state
    outbox.py    the webhook queue: events sent from a thread of their own
    app.py       the FastAPI application (endpoints and their response models)
    main.py      binding the socket, running uvicorn, stopping on SIGTERM
    openapi.py   the OpenAPI document (`python -m driftcheck.serve.openapi` writes
                 docs/openapi.json)
    page.py      the status page at `/`
    notify.py    posting one event to the webhook

This package needs the `[serve]` extra (FastAPI, uvicorn, prometheus_client); nothing
outside it imports it, so the CLI stays light.
"""
