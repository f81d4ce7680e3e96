"""The status page at `/`: rendered from real reports, checked as HTML and in a real browser.

The browser test runs Debian's `chromium` headless against the page served on loopback,
takes a phone-sized screenshot, reads the rendered text back (`--dump-dom`) and prints
the page to PDF. It skips when chromium is not installed (`.ci/run` installs it where
apt-get works).
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import sqlite3
import struct
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import driftcheck
from driftcheck.errors import DriftcheckError
from driftcheck.report.delta import report_delta
from driftcheck.report.model import Report
from driftcheck.reporting import error_report
from driftcheck.serve.page import LISTED_CLEAN, LISTED_DATABASES, render_page

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "migrations"
HOSTILE = "we<ird> & \"quoted\" 'dir'"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = (390, 844)
# The tags the page is made of: any other one came from the view.
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "nav"}
PAGE_TAGS |= {"section", "article", "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "a"}
PAGE_TAGS |= {"span", "b", "strong", "code", "pre", "br", "time", "div"}


def _build(db: Path, upto: int, extra_sql: str = "") -> Path:
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    for f in sorted(EXAMPLES.glob("*.sql"))[:upto]:
        conn.executescript(f.read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA user_version = {upto}")
    if extra_sql:
        conn.executescript(extra_sql)
    conn.close()
    return db


def _report(db: Path) -> dict[str, Any]:
    """The report the service holds for `db`: an error becomes an `error` report."""
    try:
        report = driftcheck.validate(db, migrations=EXAMPLES)
    except DriftcheckError as exc:
        report = error_report(exc, str(db))
    return report.model_dump(mode="json")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Real reports, one per status, as the service holds them (the JSON contract)."""
    root = tmp_path_factory.mktemp("fleet")
    (root / ".git").mkdir()  # no driftcheck.toml from the repository leaks in
    hostile = root / HOSTILE
    # Sorted last by path, shown first by status; checked before and after it drifted.
    drifted = _build(hostile / "z-drifted.db", 13)
    dbs = {
        "clean": _build(root / "a-clean.db", 13),
        "pending": _build(root / "b-pending.db", 11),
        "error": hostile / "missing <db>.db",
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        out = {"before": _report(drifted)}
        with sqlite3.connect(drifted) as conn:
            conn.execute("ALTER TABLE books ADD COLUMN subtitle TEXT")
        conn.close()
        out["drift"] = _report(drifted)
        out |= {status: _report(db) for status, db in dbs.items()}
    assert {k: v["status"] for k, v in out.items()} == {k: k for k in out} | {"before": "clean"}
    return out


def _view(reports: dict[str, dict[str, Any]], **over: Any) -> dict[str, Any]:
    drift = copy.deepcopy(reports["drift"])
    # Attribution as the JSON report carries it (the page shows "expected since file:line").
    drift["changes"].append(
        {
            **drift["changes"][0],
            "change": "missing",
            "name": "idx_books_isbn",
            "path": "idx_books_isbn",
            "object_type": "index",
            "owner": {"kind": "index", "name": "idx_books_isbn"},
            "severity": "error",
            "message": 'index idx_books_isbn on books is missing <unique> & "partial"',
            "source": {"version": "0002", "file": "0002_create_books.sql", "line": 14},
        }
    )
    # The event as the service makes it: the delta between the database's last two reports.
    delta = report_delta(Report.model_validate(reports["before"]), Report.model_validate(drift))
    view: dict[str, Any] = {
        "generated_at": "2026-12-03T06:00:00Z",
        "ready": True,
        "cycle": {
            "number": 7,
            "started_at": "2026-12-03T05:59:58Z",
            "finished_at": "2026-12-03T05:59:59Z",
            "interval_seconds": 300,
            "running": False,
        },
        "targets": [
            {
                "name": "tenants <prod>",
                "reports": [reports["clean"], reports["pending"], drift, reports["error"]],
            },
            {"name": "empty", "reports": []},
        ],
        "events": [
            {
                "target": "tenants <prod>",
                "database": drift["target"]["database"],
                "at": "2026-12-03T05:59:59Z",
                "cycle": 7,
                "delta": delta.model_dump(mode="json"),
            },
            # Tolerated: an event whose delta lacks the optional keys.
            {
                "target": "tenants <prod>",
                "database": None,
                "at": "2026-12-03T05:00:00Z",
                "cycle": 1,
                "delta": {"status": {"before": None, "after": "clean"}},
            },
        ],
    }
    view.update(over)
    return view


def _text(page: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded, spaces folded)."""
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", page, flags=re.S)
    body = re.sub(r"</?(?:a|b|code|span|strong|time)\b[^>]*>", "", body)  # inline: no space
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# -- render_page on real reports ---------------------------------------------------------


def test_every_value_from_the_view_is_escaped(reports) -> None:
    page = render_page(_view(reports))
    # Nothing from the view makes markup: the hostile path, target and message are text.
    assert "<ird>" not in page and "<prod>" not in page and "<unique>" not in page
    assert "<db>" not in page
    assert html.escape(HOSTILE, quote=True) in page
    assert "tenants &lt;prod&gt;" in page
    text = _text(page)
    assert HOSTILE in text and "missing <db>.db" in text
    assert 'index idx_books_isbn on books is missing <unique> & "partial"' in text
    # The only tags are the page's own.
    assert set(re.findall(r"</?([a-zA-Z0-9]+)", page)) <= PAGE_TAGS


def test_databases_are_listed_worst_first_with_status_and_versions(reports) -> None:
    text = _text(render_page(_view(reports)))
    tenants = text[text.index("tenants <prod>") :]
    order = [tenants.index(p) for p in ("z-drifted.db", "missing <db>.db", "b-pending.db")]
    assert order == sorted(order), "drift, then error, then pending"
    assert tenants.index("b-pending.db") < tenants.index("a-clean.db")
    assert "4 databases: 1 drift 1 error 1 pending 1 clean" in tenants
    assert "effective 0013 create_loans · latest 0013" in text
    assert "effective 0011 add_books_format · latest 0013 · 2 pending" in text
    # Each change with its severity and object; attribution when the report has one.
    assert (
        'error index idx_books_isbn on books is missing <unique> & "partial" '
        "index idx_books_isbn · expected since 0002_create_books.sql:14 "
        "warning column books.subtitle exists in the database but no migration creates it "
        "column books.subtitle"
    ) in text
    # The plan's actions for the databases that are not clean.
    assert "apply 0012 rename_shelf_items (pending) not applied yet" in text
    assert "flag unattributed 1 change in the database" in text
    # The error with its hint.
    assert "database_missing: database" in text
    assert "hint: check the path" in text
    # The empty target and the events, newest first.
    assert "empty no databases found" in text
    events = text[text.index("Recent events") :]
    assert "cycle 7 · tenants <prod>" in events and "clean → drift" in events
    assert events.index("cycle 7") < events.index("cycle 1")
    assert "2 appeared + warning column books.subtitle exists" in events
    assert "1 new in the plan + flag unattributed" in events
    assert "none → clean" in events


def test_the_page_is_for_phones_and_print_and_loads_nothing(reports) -> None:
    page = render_page(_view(reports))
    assert page.startswith("<!doctype html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page and "@media (max-width" in page
    assert "overflow-wrap:anywhere" in page
    # No external assets and no scripts: nothing is fetched, nothing runs.
    assert not re.search(r"<script|<link|<img|@import|url\(|https?://", page)
    assert "<title>DRIFT · driftcheck status</title>" in page


def test_the_same_view_renders_the_same_bytes(reports) -> None:
    view = _view(reports)
    shuffled = _view(reports)
    shuffled["targets"][0]["reports"].reverse()
    assert render_page(view) == render_page(copy.deepcopy(view)) == render_page(shuffled)


def test_before_the_first_cycle_the_page_says_the_first_check_is_running() -> None:
    view = {
        "generated_at": "2026-12-03T06:00:00Z",
        "ready": False,
        "cycle": {
            "number": 1,
            "started_at": "2026-12-03T05:59:58Z",
            "finished_at": None,
            "interval_seconds": 300,
            "running": True,
        },
        "targets": [{"name": "tenants", "reports": []}],
        "events": [],
    }
    page = render_page(view)
    text = _text(page)
    assert "First check running." in text
    assert "tenants not checked yet" in text
    assert "cycle 1 running since 2026-12-03 05:59:58" in text
    assert '<meta http-equiv="refresh"' in page
    # A view with nothing in it still renders.
    assert "No targets are configured." in _text(render_page({}))


def test_a_large_fleet_is_counted_not_listed(reports) -> None:
    clean = [
        {**reports["clean"], "target": {"database": f"/srv/t/{i:05}.db", "dialect": "sqlite"}}
        for i in range(20_000)
    ]
    drifted = [
        {**reports["drift"], "target": {"database": f"/srv/t/d{i:04}.db", "dialect": "sqlite"}}
        for i in range(LISTED_DATABASES + 7)
    ]
    view = _view(reports, targets=[{"name": "tenants", "reports": clean + drifted}], events=[])
    page = render_page(view)
    text = _text(page)
    assert "20,107 databases: 107 drift 20,000 clean" in text
    assert "and 7 more not listed: 7 drift" in text
    assert "20,000 clean databases" in text and "20,000 at 0013" in text
    assert page.count('class="db ') == LISTED_DATABASES
    assert "/srv/t/00001.db" not in page
    assert len(page) < 1_000_000

    few = [dict(c) for c in clean[:LISTED_CLEAN]]
    text = _text(render_page(_view(reports, targets=[{"name": "t", "reports": few}])))
    assert f"{LISTED_CLEAN} clean databases" in text and "/srv/t/00024.db at 0013" in text


# -- in a real browser -----------------------------------------------------------------


@pytest.fixture
def served(reports) -> Iterator[str]:
    """The page, served on loopback as the service serves it."""
    body = render_page(_view(reports)).encode("utf-8")

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_page_in_headless_chromium_on_a_phone(served: str, tmp_path: Path) -> None:
    run = partial(_chromium, tmp_path / "profile")
    window = f"--window-size={PHONE[0]},{PHONE[1]}"

    shot = tmp_path / "page.png"
    run(window, f"--screenshot={shot}", served)
    assert _png_size(shot) == PHONE

    dom = run(window, "--dump-dom", served).stdout
    text = _text(dom)
    assert "driftcheck status" in text
    first = [text.index(p) for p in ("z-drifted.db", "missing <db>.db", "b-pending.db", "a-clean")]
    assert first == sorted(first), "the drifted database comes first"
    assert "1 drift 1 error 1 pending 1 clean" in text
    assert "effective 0011 add_books_format · latest 0013 · 2 pending" in text
    assert "expected since 0002_create_books.sql:14" in text
    assert HOSTILE in text  # escaped in the HTML, shown as written

    pdf = tmp_path / "page.pdf"
    run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", served)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
