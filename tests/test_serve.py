"""`driftcheck serve`: a real server on loopback, a real HTTP client, a real webhook
receiver; the metrics parsed with prometheus_client's own parser; SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from conftest import EXAMPLES, ROOT, apply_files  # noqa: E402
from driftcheck.report.model import FleetReport, Report  # noqa: E402

FILES = sorted(EXAMPLES.glob("*.sql"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fleet(tmp_path: Path) -> Path:
    """tenants/a.db clean, b.db not a database, c.db drifted (an index made by hand)."""
    d = tmp_path / "tenants"
    d.mkdir()
    clean = apply_files(d / "a.db", FILES)
    shutil.copyfile(clean, d / "c.db")
    with contextlib.closing(sqlite3.connect(d / "c.db")) as conn:
        conn.execute("CREATE INDEX by_hand ON books (title)")
        conn.commit()
    (d / "b.db").write_text("not a database")
    return d


def write_config(tmp_path: Path, notify: str | None = None, migrations: Path = EXAMPLES) -> Path:
    text = (
        "[[targets]]\n"
        'name = "tenants"\n'
        'database = "tenants/*.db"\n'
        f"migrations = {json.dumps(str(migrations))}\n"
        'history = "auto"\n'
    )
    if notify:
        text += f'\n[notify]\nurl = "{notify}"\nsecret = "s3cret"\ntimeout = 2\nretries = 0\n'
    cfg = tmp_path / "driftcheck.toml"
    cfg.write_text(text)
    return cfg


class Server:
    """`driftcheck serve` in a subprocess, and an HTTP client for it."""

    def __init__(
        self, tmp_path: Path, cfg: Path, interval: int = 3600, delay: float = 0, host: str = ""
    ) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        env.pop("DRIFTCHECK_SERVE_TEST_DELAY", None)
        if delay:
            env["DRIFTCHECK_SERVE_TEST_DELAY"] = str(delay)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "driftcheck", "serve", "--config", str(cfg)]
            + ["--port", str(self.port), "--interval", str(interval)]
            + (["--host", host] if host else []),
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, self.proc.communicate()
            with contextlib.suppress(httpx.TransportError):
                if self.http.get("/healthz").status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def wait_ready(self, number: int = 1, timeout: float = 30) -> dict[str, Any]:
        """Wait until cycle `number` has finished (and no other runs)."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.http.get("/readyz")
            body = r.json()
            cycle = body["cycle"]
            if r.status_code == 200 and cycle["number"] >= number and not cycle["running"]:
                return dict(body)
            assert time.monotonic() < deadline, body
            time.sleep(0.05)

    def check_now(self) -> int:
        r = self.http.post("/check")
        assert r.status_code == 202, r.text
        number = int(r.json()["cycle"])
        self.wait_ready(number)
        return number

    def reports(self) -> dict[str, str]:
        r = self.http.get("/reports/tenants")
        assert r.status_code == 200
        fleet = FleetReport.model_validate_json(r.text)
        return {Path(x.target.database or "").name: x.status for x in fleet.reports}

    def stop(self, how: int = signal.SIGTERM, timeout: float = 5) -> tuple[int, float, str]:
        started = time.monotonic()
        self.proc.send_signal(how)
        try:
            _, err = self.proc.communicate(timeout=timeout + 5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self.http.close()
        return self.proc.returncode, time.monotonic() - started, err

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        self.http.close()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def run(cfg: Path, **kwargs: Any) -> Server:
        servers.append(Server(tmp_path, cfg, **kwargs))
        return servers[-1]

    yield run
    for s in servers:
        s.close()


class Receiver:
    """A webhook receiver on loopback: records each POST (headers and JSON body)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        got = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                got.append((dict(self.headers), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, predicate: Any, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for headers, body in list(self.received):
                if predicate(body):
                    return {"headers": headers, "body": body}
            time.sleep(0.05)
        raise AssertionError(f"no such webhook among {[b for _, b in self.received]}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def metrics_of(server: Server) -> dict[str, list[Any]]:
    r = server.http.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    families: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(r.text):
        families.setdefault(family.name, []).extend(family.samples)
    return families


def sample(families: dict[str, list[Any]], name: str, **labels: str) -> float:
    for family in families.values():
        for s in family:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    raise AssertionError(f"no sample {name} {labels}")


def databases_with_series(families: dict[str, list[Any]]) -> set[str]:
    return {
        Path(s.labels["database"]).name
        for samples in families.values()
        for s in samples
        if "database" in s.labels
    }


# --------------------------------------------------------------------------


def test_serve_reports_metrics_events_webhook_and_sigterm(tmp_path, start):
    d = fleet(tmp_path)
    receiver = Receiver()
    try:
        server = start(write_config(tmp_path, notify=receiver.url))
        body = server.wait_ready(1)
        assert body["ready"] is True
        assert server.http.get("/healthz").json() == {"status": "ok"}

        # The reports: the JSON report contract, per target.
        every = server.http.get("/reports").json()
        assert list(every) == ["tenants"]
        fleet_report = FleetReport.model_validate(every["tenants"])
        for report in fleet_report.reports:
            Report.model_validate(report.model_dump())
        assert server.reports() == {"a.db": "clean", "b.db": "error", "c.db": "drift"}
        assert fleet_report.summary.databases == 3
        assert server.http.get("/reports/nope").status_code == 404
        assert server.http.get("/reports/nope/events").status_code == 404

        # The metrics, as Prometheus reads them: per target counts; per database series
        # only for the databases that are not clean.
        m = metrics_of(server)
        assert sample(m, "driftcheck_databases", target="tenants", status="clean") == 1
        assert sample(m, "driftcheck_databases", target="tenants", status="drift") == 1
        assert sample(m, "driftcheck_databases", target="tenants", status="error") == 1
        assert databases_with_series(m) == {"b.db", "c.db"}
        c = str(Path("tenants") / "c.db")
        assert sample(m, "driftcheck_database_status", database=c, status="drift") == 1
        assert sample(m, "driftcheck_database_status", database=c, status="clean") == 0
        assert sample(m, "driftcheck_database_changes", database=c, severity="warning") >= 0
        assert sample(m, "driftcheck_database_effective_version", database=c) == 13
        assert sample(m, "driftcheck_database_latest_version", database=c) == 13
        assert sample(m, "driftcheck_check_errors_total", target="tenants") == 1
        assert sample(m, "driftcheck_check_duration_seconds_count", target="tenants") == 3
        assert sample(m, "driftcheck_ready") == 1
        assert sample(m, "driftcheck_database_last_check_timestamp_seconds", database=c) > 0
        # A database whose check failed: its target's migrations give the latest version.
        b = str(Path("tenants") / "b.db")
        assert sample(m, "driftcheck_database_latest_version", database=b) == 13
        assert sample(m, "driftcheck_database_version_info", database=b, latest_version="0013")
        assert sample(m, "driftcheck_cycle_failures_total") == 0
        assert server.http.get("/reports/tenants/events").json() == []  # the baseline

        # Uptime probes ask with HEAD: the GET's status and headers, no body.
        for path in ("/", "/healthz", "/readyz", "/metrics"):
            head, get = server.http.head(path), server.http.get(path)
            assert head.status_code == get.status_code == 200, path
            assert head.headers["content-type"] == get.headers["content-type"], path
            assert head.content == b"", path
        assert server.http.head("/reports").status_code == 405

        # Break a database between cycles: an error report and an event, not a crash;
        # its status changed, so the webhook hears of it, signed.
        (d / "a.db").write_bytes(b"garbage" * 100)
        number = server.check_now()
        assert server.reports() == {"a.db": "error", "b.db": "error", "c.db": "drift"}
        events = server.http.get("/reports/tenants/events").json()
        assert [(Path(e["database"]).name, e["cycle"]) for e in events] == [("a.db", number)]
        assert events[0]["delta"]["status"] == {"before": "clean", "after": "error"}
        assert events[0]["delta"]["worse"] is True
        hook = receiver.wait_for(lambda b: Path(b.get("database") or "").name == "a.db")
        assert hook["body"]["delta"]["status"]["after"] == "error"
        assert hook["headers"]["X-Driftcheck-Signature"].startswith("sha256=")

        # Delete a database: one more check says it is gone (an error), then it is dropped.
        (d / "c.db").unlink()
        server.check_now()
        assert server.reports()["c.db"] == "error"
        server.check_now()
        assert "c.db" not in server.reports()
        events = server.http.get("/reports/tenants/events", params={"limit": 2}).json()
        assert [e["delta"]["presence"] for e in events] == ["gone", "both"]
        page = server.http.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "tenants" in page.text and "a.db" in page.text

        code, seconds, err = server.stop(signal.SIGINT)  # Ctrl-C
        assert code == 0, err
        assert seconds < 5
        assert "Traceback" not in err
    finally:
        receiver.close()


def test_check_is_409_while_a_cycle_runs_and_sigterm_abandons_it(tmp_path, start):
    d = tmp_path / "tenants"
    d.mkdir()
    clean = apply_files(d / "t00.db", FILES)
    for n in range(1, 6):
        shutil.copyfile(clean, d / f"t{n:02}.db")
    # Each database's check is followed by a wait: a cycle takes 6 x 0.4 s at least.
    server = start(write_config(tmp_path), delay=0.4, host="0.0.0.0")
    r = server.http.get("/readyz")
    assert r.status_code == 503  # the first cycle runs
    assert r.json()["ready"] is False
    # Before the target's first check has finished, its reports are not there yet.
    early = server.http.get("/reports/tenants")
    assert early.status_code == 503
    assert "has not been checked yet" in early.json()["detail"]
    assert early.headers["retry-after"] == "5"
    assert server.http.head("/readyz").status_code == 503
    assert server.http.post("/check").status_code == 409
    server.wait_ready(1)
    assert len(server.reports()) == 6
    assert server.http.post("/check").status_code == 202
    conflict = server.http.post("/check")
    assert conflict.status_code == 409
    assert "running" in conflict.json()["detail"]
    code, seconds, err = server.stop()  # mid-cycle
    assert code == 0, err
    assert seconds < 4
    assert "listening on 0.0.0.0, not loopback" in err


def test_serve_says_what_is_wrong_with_its_config(cli, tmp_path):
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\nname = "t"\ndatabse = "a.db"\n')
    r = cli("serve")
    assert r.exit_code == 2
    assert "[[targets]] 1: unknown key 'databse'" in r.stderr
    assert "did you mean 'database'?" in r.stderr

    (tmp_path / "driftcheck.toml").write_text('[[targets]]\nname = "a b"\ndb = "a.db"\n')
    r = cli("serve")
    assert r.exit_code == 2
    assert 'name = "a b"' in r.stderr
    assert 'e.g. name = "a-b"' in r.stderr

    (tmp_path / "driftcheck.toml").write_text(
        '[[targets]]\nname = "t"\ndb = "a.db"\n[[targets]]\nname = "t"\ndb = "b.db"\n'
    )
    r = cli("serve")
    assert r.exit_code == 2
    assert '[[targets]] 1 and 2 are both named "t"' in r.stderr

    (tmp_path / "driftcheck.toml").write_text('[[targets]]\ndb = "a.db"\n')
    r = cli("serve")
    assert r.exit_code == 2
    assert "has no name" in r.stderr

    (tmp_path / "driftcheck.toml").write_text(
        '[[targets]]\nname = "t"\ndb = "a.db"\n[notify]\nurl = "ftp://x"\n'
    )
    r = cli("serve")
    assert r.exit_code == 2
    assert 'url = "ftp://x": expected an http:// or https:// URL' in r.stderr

    (tmp_path / "driftcheck.toml").write_text(
        '[[targets]]\nname = "t"\ndb = "a.db"\n[serve]\nprot = 1\n'
    )
    r = cli("serve")
    assert r.exit_code == 2
    assert "unknown key 'serve.prot'" in r.stderr
    assert "did you mean 'port'?" in r.stderr


def test_serve_says_when_the_port_is_taken_or_the_host_is_bad(cli, tmp_path):
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\nname = "t"\ndb = "a.db"\n')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = cli("serve", "--port", str(port))
    assert r.exit_code == 2
    assert f"--port {port}: the port is in use on 127.0.0.1" in r.stderr
    r = cli("serve", "--host", "no-such-host.invalid")
    assert r.exit_code == 2
    assert "--host no-such-host.invalid: not an address this machine can listen on" in r.stderr
    r = cli("serve", "--host", "192.0.2.1", "--port", str(free_port()))  # TEST-NET: not ours
    assert r.exit_code == 2
    assert "--host 192.0.2.1: cannot listen on 192.0.2.1" in r.stderr
    r = cli("serve", "--port", "70000")
    assert r.exit_code == 2
    assert "--port 70000: expected a port number" in r.stderr


def test_serve_without_the_extra_says_what_to_install(cli, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a)
    )
    r = cli("serve")
    assert r.exit_code == 2
    assert "install driftcheck[serve]" in r.stderr


def test_driftcheck_and_its_other_commands_do_not_import_the_service():
    code = (
        "import sys, driftcheck, driftcheck.cli, driftcheck.api, driftcheck.config;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'uvicorn', 'prometheus_client', 'starlette')"
        " or m.startswith('driftcheck.serve')];"
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_the_committed_openapi_document_is_current():
    from driftcheck.serve import openapi

    assert openapi.DOCUMENT.read_text(encoding="utf-8") == openapi.render(), (
        "docs/openapi.json is stale: run python -m driftcheck.serve.openapi"
    )


# --------------------------------------------------------------------------
# In-process: the service's state over many databases and many cycles


def _service(tmp_path: Path, migrations: Path = EXAMPLES, **kwargs: Any) -> Any:
    from driftcheck.config import load_config
    from driftcheck.serve.service import Service, targets_of

    cfg = load_config(str(write_config(tmp_path, migrations=migrations)))
    return Service(cfg, targets_of(cfg), **kwargs)


def test_metric_series_stay_bounded_for_a_large_fleet(tmp_path, monkeypatch):
    """2,000 databases (reports made from one real report): clean ones have no series of
    their own, and at most `metrics_databases` of the others do, the worst first."""
    from driftcheck.serve.service import Checked

    monkeypatch.chdir(tmp_path)
    fleet(tmp_path)
    service = _service(tmp_path, metrics_databases=50)
    service.run_cycle()
    real = {Path(c.report.target.database or "").name: c.report for c in service.latest("tenants")}
    st = service.state["tenants"]
    st.latest.clear()
    statuses = ["clean"] * 1700 + ["pending"] * 200 + ["drift"] * 80 + ["error"] * 20
    for n, status in enumerate(statuses):
        source = real["b.db" if status == "error" else "c.db" if status == "drift" else "a.db"]
        path = f"tenants/t{n:05}.db"
        report = source.model_copy(
            update={"target": source.target.model_copy(update={"database": path}), "status": status}
        )
        st.latest[path] = Checked(report, 1.7e9)
    families: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(service.metrics.exposition().decode()):
        families.setdefault(family.name, []).extend(family.samples)
    series = sum(len(samples) for samples in families.values())
    listed = databases_with_series(families)
    assert len(listed) == 50
    # The worst first: every error and drifted database before any pending one.
    assert sum(1 for n in listed if int(n[1:6]) >= 1980) == 20  # the errors
    assert sample(families, "driftcheck_databases", target="tenants", status="clean") == 1700
    assert sample(families, "driftcheck_databases", target="tenants", status="pending") == 200
    assert sample(families, "driftcheck_target_unlisted_databases", target="tenants") == 250
    assert series < 50 * 15 + 100, series  # not 2,000 x N


def test_memory_and_events_stay_flat_over_200_cycles(tmp_path, monkeypatch):
    """200 cycles, a database flipping between clean and drift in each: the events ring
    stays bounded and the process's memory does not grow with the cycles."""
    from driftcheck.serve import service as module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(module, "EVENTS_KEPT", 50)
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_notes.sql").write_text(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
    )
    (migrations / "0002_tags.sql").write_text("CREATE TABLE tags (note_id INTEGER, tag TEXT);")
    d = tmp_path / "tenants"
    d.mkdir()
    for name in ("a.db", "c.db"):
        apply_files(d / name, sorted(migrations.glob("*.sql")))
    (d / "b.db").write_text("not a database")
    service = _service(tmp_path, migrations)
    flip = d / "a.db"

    def one(n: int) -> None:
        with contextlib.closing(sqlite3.connect(flip)) as conn:
            conn.execute("CREATE INDEX by_hand ON tags (tag)" if n % 2 else "DROP INDEX by_hand")
            conn.commit()
        assert service.run_cycle()

    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()

    for n in range(1, 41):  # warm-up: caches, the events ring filled
        one(n)
    before = rss()
    for n in range(41, 201):
        one(n)
    grown = rss() - before
    events = service.events("tenants")
    assert len(events) == 50 == len(service.state["tenants"].events)
    assert events[0].cycle == 200
    assert len(service.latest("tenants")) == 3
    assert grown < 8 * 1024 * 1024, f"RSS grew by {grown / 1048576:.1f} MiB over 160 cycles"


def test_validate_each_makes_one_report_per_database_and_never_raises_for_one(tmp_path):
    import driftcheck

    d = fleet(tmp_path)
    paths = [d / "a.db", d / "b.db", d / "gone.db"]
    reports = list(driftcheck.validate_each(paths, migrations=EXAMPLES))
    assert [r.status for r in reports] == ["clean", "error", "error"]
    assert [r.target.database for r in reports] == [str(p) for p in paths]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "0001_x.sql").write_text("CREATE TABLE x (;")
    reports = list(driftcheck.validate_each(paths[:2], migrations=bad))
    assert [r.status for r in reports] == ["error", "error"]
    assert all("0001_x.sql" in (r.error.message if r.error else "") for r in reports)


def test_a_broken_target_does_not_stop_the_others(tmp_path, monkeypatch):
    from driftcheck.config import load_config
    from driftcheck.serve.service import Service, targets_of

    monkeypatch.chdir(tmp_path)
    fleet(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "0001_x.sql").write_text("CREATE TABLE x (;")
    (tmp_path / "driftcheck.toml").write_text(
        f"migrations = {json.dumps(str(EXAMPLES))}\n"
        '[[targets]]\nname = "broken"\ndb = "tenants/a.db"\nmigrations = "bad"\n'
        '[[targets]]\nname = "fine"\ndatabase = "tenants/a.db"\n'
    )
    cfg = load_config("driftcheck.toml")
    service = Service(cfg, targets_of(cfg))
    assert service.run_cycle()
    assert [c.report.status for c in service.latest("broken")] == ["error"]
    assert [c.report.status for c in service.latest("fine")] == ["clean"]


def test_target_keys_are_checked_and_validate_refuses_a_target_with_its_own_migrations(
    cli, tmp_path
):
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\ndb = "a.db"\ndatabase = "b.db"\n')
    r = cli("serve")
    assert r.exit_code == 2
    assert "[[targets]] 1: sets both `db` and `database`" in r.stderr
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\ndb = "a.db"\nmigrations = "m"\n')
    r = cli("validate")
    assert r.exit_code == 2
    assert "[[targets]] 1 sets migrations: `validate` checks every target" in r.stderr


def test_webhook_failures_are_counted_and_never_stop_a_cycle(tmp_path, monkeypatch):
    from driftcheck.config import load_config
    from driftcheck.serve.service import Service, targets_of

    monkeypatch.chdir(tmp_path)
    d = fleet(tmp_path)
    cfg_path = write_config(tmp_path, notify=f"http://127.0.0.1:{free_port()}/nobody")
    cfg = load_config(str(cfg_path))
    service = Service(cfg, targets_of(cfg))
    try:
        assert service.run_cycle()
        (d / "a.db").write_bytes(b"garbage")
        assert service.run_cycle()
        deadline = time.monotonic() + 10
        while service.metrics.webhook_failures._value.get() < 1:
            assert time.monotonic() < deadline, "the failure was not counted"
            time.sleep(0.05)
        text = service.metrics.exposition().decode()
        assert "driftcheck_webhook_failures_total 1.0" in text
    finally:
        service.shutdown()


def test_two_thousand_real_databases_make_a_bounded_number_of_series(tmp_path, monkeypatch):
    """The same bound with real checks: 2,000 small databases, 150 of them drifted."""
    monkeypatch.chdir(tmp_path)
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_notes.sql").write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY);")
    d = tmp_path / "tenants"
    d.mkdir()
    clean = apply_files(tmp_path / "clean.db", sorted(migrations.glob("*.sql")))
    drifted = tmp_path / "drifted.db"
    shutil.copyfile(clean, drifted)
    with contextlib.closing(sqlite3.connect(drifted)) as conn:
        conn.execute("CREATE TABLE by_hand (x)")
        conn.commit()
    for n in range(2000):  # 3 of every 40 drifted
        shutil.copyfile(drifted if n % 40 < 3 else clean, d / f"t{n:04}.db")
    service = _service(tmp_path, migrations)
    assert service.run_cycle()
    families: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(service.metrics.exposition().decode()):
        families.setdefault(family.name, []).extend(family.samples)
    assert sample(families, "driftcheck_databases", target="tenants", status="drift") == 150
    assert sample(families, "driftcheck_databases", target="tenants", status="clean") == 1850
    assert len(databases_with_series(families)) == 100
    assert sample(families, "driftcheck_target_unlisted_databases", target="tenants") == 50
    series = sum(len(samples) for samples in families.values())
    assert series < 100 * 15 + 100, series


@pytest.mark.parametrize(
    "doc,heading",
    [("README.md", "## The validator service"), ("docs/serve.md", "## Configuration")],
)
def test_the_documented_configs_load(doc, heading, tmp_path):
    import re

    from driftcheck.config import load_config

    text = (ROOT / doc).read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.S)
    assert blocks
    (tmp_path / "driftcheck.toml").write_text(blocks[0])
    cfg = load_config(str(tmp_path / "driftcheck.toml"))
    assert cfg.targets[0].name == "tenants"
    assert cfg.notify is not None and cfg.notify.secret == "change-me"


def test_a_port_from_the_config_is_named_as_the_config_sets_it(cli, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "driftcheck.toml").write_text(
            f'[[targets]]\nname = "t"\ndb = "a.db"\n[serve]\nport = {port}\n'
        )
        r = cli("serve")
    assert r.exit_code == 2
    assert f"[serve] port = {port} in driftcheck.toml: the port is in use" in r.stderr


def test_an_interval_beyond_a_week_and_an_empty_db_are_refused(cli, tmp_path):
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\nname = "t"\ndb = "a.db"\n')
    r = cli("serve", "--interval", "99999999999")
    assert r.exit_code == 2
    assert "--interval 99999999999: expected a number of seconds, 1 to 604800" in r.stderr
    r = cli("serve", "--interval", "0")
    assert r.exit_code == 2

    (tmp_path / "driftcheck.toml").write_text(
        '[[targets]]\nname = "t"\ndb = "a.db"\n[serve]\ninterval = 99999999999\n'
    )
    r = cli("serve")
    assert r.exit_code == 2
    assert "serve.interval = 99999999999" in r.stderr and "604800" in r.stderr

    for key in ("db", "database"):
        (tmp_path / "driftcheck.toml").write_text(f'[[targets]]\nname = "a"\n{key} = ""\n')
        r = cli("serve")
        assert r.exit_code == 2
        assert '[[targets]] 1: db = "": empty' in r.stderr


def test_a_pattern_that_matches_nothing_is_said_at_start(tmp_path, start):
    cfg = tmp_path / "driftcheck.toml"
    cfg.write_text(
        f'[[targets]]\nname = "tenants"\ndatabase = "nothing/*.db"\n'
        f"migrations = {json.dumps(str(EXAMPLES))}\n"
    )
    server = start(cfg)
    server.wait_ready(1)
    r = server.http.get("/reports/tenants")
    assert r.status_code == 200 and r.json()["reports"] == []
    code, _, err = server.stop()
    assert code == 0, err
    assert "target tenants: nothing/*.db matches no database now" in err
    assert "cycle 1: 0 databases in" in err


def test_the_scheduler_survives_a_failed_cycle_and_a_huge_interval(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fleet(tmp_path)
    # Beyond what `serve` accepts: the wait must not overflow Event.wait all the same.
    service = _service(tmp_path, interval=99_999_999_999)
    real = service._check_target
    calls: list[int] = []

    def flaky(*args: Any) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return bool(real(*args))

    monkeypatch.setattr(service, "_check_target", flaky)

    def wait_for(predicate: Any) -> None:
        deadline = time.monotonic() + 30
        while not predicate():
            assert time.monotonic() < deadline, service.cycle()
            time.sleep(0.02)

    service.start()
    try:
        wait_for(lambda: service.metrics.cycle_failures._value.get() == 1)
        wait_for(lambda: not service.cycle().running)
        assert not service.ready and service.cycle().number == 1
        assert service._thread is not None and service._thread.is_alive()
        assert service.request_check() == 2
        wait_for(lambda: service.ready and not service.cycle().running)
        assert service.cycle().number == 2
        assert len(service.latest("tenants")) == 3
        text = service.metrics.exposition().decode()
        assert "driftcheck_cycle_failures_total 1.0" in text
    finally:
        service.shutdown()


def test_a_failed_check_gets_its_targets_latest_version_and_the_log_counts_right(
    tmp_path, monkeypatch, caplog
):
    import logging

    from driftcheck.config import load_config
    from driftcheck.serve.service import Service, targets_of

    monkeypatch.chdir(tmp_path)
    fleet(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "0001_x.sql").write_text("CREATE TABLE x (;")
    (tmp_path / "driftcheck.toml").write_text(
        f"migrations = {json.dumps(str(EXAMPLES))}\n"
        '[[targets]]\nname = "one"\ndb = "tenants/b.db"\n'
        '[[targets]]\nname = "broken"\ndb = "tenants/b.db"\nmigrations = "bad"\n'
    )
    cfg = load_config("driftcheck.toml")
    service = Service(cfg, targets_of(cfg))
    with caplog.at_level(logging.INFO, logger="driftcheck.serve"):
        assert service.run_cycle()
    assert "cycle 1: 2 databases in" in caplog.text
    families: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(service.metrics.exposition().decode()):
        families.setdefault(family.name, []).extend(family.samples)
    # Its only database is not one, but the target's migrations loaded: 0013.
    assert sample(families, "driftcheck_database_latest_version", target="one") == 13
    assert sample(families, "driftcheck_database_version_info", target="one")
    info = sample(families, "driftcheck_database_version_info", target="one", latest_version="0013")
    assert info == 1
    # Migrations that do not load: no latest version to tell.
    with pytest.raises(AssertionError):
        sample(families, "driftcheck_database_latest_version", target="broken")
    assert sample(families, "driftcheck_database_version_info", target="broken", latest_version="")

    single = Service(cfg, targets_of(cfg)[:1])
    with caplog.at_level(logging.INFO, logger="driftcheck.serve"):
        assert single.run_cycle()
    assert "cycle 1: 1 database in" in caplog.text
