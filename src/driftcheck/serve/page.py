"""The status page at `/`: the service's latest results as one self-contained HTML page.

`render_page(view)` takes a plain, JSON-able view of the service's state (the
reports in the JSON report contract, the recent events) and returns the page.
The page has no scripts and loads nothing: its CSS is inline and it uses the
system's fonts, so it works offline, behind strict CSPs and in a printout.

Every value from the view is escaped: database paths, SQL and messages can hold
`<`, `&` and quotes. The same view always gives the same bytes.

A fleet is shown by its problems, not its size: per target, the databases that
are not clean are listed worst first (drift, error, pending) up to
`LISTED_DATABASES`, then "and N more"; the clean ones are listed by name only while
there are at most `LISTED_CLEAN`, and counted (per effective version) beyond that.
So 20,000 clean databases make a few lines, not 20,000 rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

# How much of a large fleet the page lists (the rest is counted): keep the page a size
# a phone can load and a person can read.
LISTED_DATABASES = 100  # not-clean databases per target
LISTED_CLEAN = 25  # clean databases per target listed by name; beyond that, counted
LISTED_CHANGES = 25  # changes per database
LISTED_ACTIONS = 25  # plan actions per database
LISTED_EVENTS = 50  # recent events
LISTED_EVENT_CHANGES = 10  # appeared / resolved changes per event
# While the first check runs, the page reloads itself this often (seconds).
FIRST_CHECK_REFRESH = 5

STATUSES = ("drift", "error", "pending", "clean")
_RANK = {status: rank for rank, status in enumerate(STATUSES)}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def render_page(view: Mapping[str, Any]) -> str:
    """The status page for `view` (see the module docstring and docs/status-page-and-webhook.md)."""
    ready = bool(view.get("ready"))
    targets = [_map(t) for t in _list(view.get("targets"))]
    totals: Counter[str] = Counter()
    for target in targets:
        totals.update(_status(_map(r)) for r in _list(target.get("reports")))
    worst = next((s for s in STATUSES if totals[s]), None)
    title = "driftcheck status"
    if not ready:
        title = f"checking… · {title}"
    elif worst is not None and worst != "clean":
        title = f"{worst.upper()} · {title}"

    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="generator" content="driftcheck">',
    ]
    if not ready:
        head.append(f'<meta http-equiv="refresh" content="{FIRST_CHECK_REFRESH}">')
    head += [f"<title>{_e(title)}</title>", f"<style>{_CSS}</style>"]

    body = [_header(view, ready, totals)]
    if not ready:
        body.append(
            '<p class="banner" role="status"><strong>First check running.</strong> '
            "The results appear here when it finishes; this page reloads every "
            f"{FIRST_CHECK_REFRESH} seconds.</p>"
        )
    if len(targets) > 1:
        body.append(_overview(targets))
    if not targets:
        body.append('<p class="muted">No targets are configured.</p>')
    body += [_target(i, t, ready) for i, t in enumerate(targets, 1)]
    body.append(_events([_map(e) for e in _list(view.get("events"))]))
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# -- the page's parts ------------------------------------------------------------------


def _header(view: Mapping[str, Any], ready: bool, totals: Counter[str]) -> str:
    cycle = _map(view.get("cycle"))
    number = cycle.get("number")
    interval = cycle.get("interval_seconds")
    facts = []
    if cycle.get("running"):
        since = cycle.get("started_at")
        facts.append(f"cycle {_e(number)} running" + (f" since {_time(since)}" if since else ""))
        if cycle.get("finished_at"):
            facts.append(f"last finished {_time(cycle.get('finished_at'))}")
    elif cycle.get("finished_at"):
        facts.append(f"cycle {_e(number)} finished {_time(cycle.get('finished_at'))}")
    if interval:
        facts.append(f"checks every {_duration(interval)}")
    facts.append(f"page generated {_time(view.get('generated_at'))}")
    summary = ""
    if ready and totals:
        summary = f'<p class="totals">{_counts(totals)}</p>'
    return (
        "<header>\n<h1>driftcheck status</h1>\n"
        f'<p class="muted">{" · ".join(facts)}</p>\n{summary}\n</header>'
    )


def _overview(targets: Sequence[Mapping[str, Any]]) -> str:
    items = []
    for i, target in enumerate(targets, 1):
        counts = Counter(_status(_map(r)) for r in _list(target.get("reports")))
        items.append(
            f'<li><a href="#target-{i}">{_e(target.get("name"))}</a> '
            f'<span class="muted">{_counts(counts) or "no databases"}</span></li>'
        )
    return '<nav aria-label="targets"><ul class="overview">' + "".join(items) + "</ul></nav>"


def _target(index: int, target: Mapping[str, Any], ready: bool) -> str:
    reports = [_map(r) for r in _list(target.get("reports"))]
    counts = Counter(_status(r) for r in reports)
    total = len(reports)
    if reports:
        line = f"{total:,} {_plural(total, 'database')}: {_counts(counts)}"
    else:
        line = "not checked yet" if not ready else "no databases found"
    out = [
        f'<section class="target" id="target-{index}" aria-labelledby="target-{index}-name">',
        f'<h2 id="target-{index}-name">{_e(target.get("name"))}</h2>',
        f'<p class="muted">{line}</p>',
    ]
    # Worst first; the sort is stable and keyed on the path, so the page is deterministic.
    problems = sorted(
        (r for r in reports if _status(r) != "clean"),
        key=lambda r: (_RANK.get(_status(r), len(STATUSES)), _str(_database(r))),
    )
    out += [_database_card(r) for r in problems[:LISTED_DATABASES]]
    hidden = problems[LISTED_DATABASES:]
    if hidden:
        out.append(
            f'<p class="more">and {len(hidden):,} more not listed: '
            f"{_counts(Counter(_status(r) for r in hidden))}</p>"
        )
    clean = sorted((r for r in reports if _status(r) == "clean"), key=lambda r: _str(_database(r)))
    if clean:
        out.append(_clean(clean))
    out.append("</section>")
    return "\n".join(out)


def _database_card(report: Mapping[str, Any]) -> str:
    status = _status(report)
    out = [
        f'<article class="db {_status_class(status)}">',
        f'<h3>{_badge(status)} <span class="path">{_e(_database(report) or "(no database)")}'
        "</span></h3>",
        f'<p class="versions">{_versions(report)}</p>',
    ]
    error = _map(report.get("error"))
    if error:
        out.append(_error(error))
    changes = sorted(
        (_map(c) for c in _list(report.get("changes"))),
        key=lambda c: _SEVERITY_RANK.get(_str(c.get("severity")), 3),
    )
    if changes:
        out.append(f"<h4>{len(changes):,} {_plural(len(changes), 'change')}</h4>")
        out.append('<ul class="changes">')
        out += [_change(c) for c in changes[:LISTED_CHANGES]]
        out.append("</ul>")
        if len(changes) > LISTED_CHANGES:
            out.append(f'<p class="more">and {len(changes) - LISTED_CHANGES:,} more changes</p>')
    actions = [_map(p) for p in _list(report.get("plan")) if _map(p).get("action") != "ok"]
    if actions:
        out.append("<h4>Plan</h4>")
        out.append('<ul class="plan">')
        out += [_action(a) for a in actions[:LISTED_ACTIONS]]
        out.append("</ul>")
        if len(actions) > LISTED_ACTIONS:
            out.append(f'<p class="more">and {len(actions) - LISTED_ACTIONS:,} more actions</p>')
    out.append("</article>")
    return "\n".join(out)


def _versions(report: Mapping[str, Any]) -> str:
    effective = report.get("effective_version")
    name = report.get("effective_name")
    migrations = _map(report.get("migrations"))
    latest = migrations.get("latest_version")
    if effective is None and not migrations and _status(report) == "error":
        return "versions unknown: the check did not get that far"
    shown = f"<b>{_e(effective)}</b>" if effective is not None else "<b>none</b>"
    if name:
        shown += f' <span class="muted">{_e(name)}</span>'
    parts = [f"effective {shown}", f"latest <b>{_e(latest) if latest is not None else 'none'}</b>"]
    summary = _map(report.get("summary"))
    pending = summary.get("pending")
    if isinstance(pending, int) and pending:
        parts.append(f"{pending:,} pending")
    return " · ".join(parts)


def _change(change: Mapping[str, Any], sign: str = "", fields: Sequence[str] = ()) -> str:
    mark = f'<span class="sign">{sign}</span> ' if sign else ""
    severity = _str(change.get("severity")) or "info"
    where = " ".join(_str(x) for x in (change.get("object_type"), change.get("path")) if x)
    extra = [f"<code>{_e(where)}</code>"] if where else []
    source = _map(change.get("source"))
    if source:
        extra.append(f"expected since {_e(_source(source))}")
    if fields:
        extra.append("changed: " + _e(", ".join(fields)))
    return (
        f'<li>{mark}<span class="sev sev-{_severity_class(severity)}">{_e(severity)}</span> '
        f"{_e(change.get('message'))}"
        + (f'<br><span class="muted">{" · ".join(extra)}</span>' if extra else "")
        + "</li>"
    )


def _source(source: Mapping[str, Any]) -> str:
    file, line, version = source.get("file"), source.get("line"), source.get("version")
    if file:
        return f"{file}:{line}" if line is not None else _str(file)
    return f"version {version}"


def _action(entry: Mapping[str, Any], sign: str = "") -> str:
    mark = f'<span class="sign">{sign}</span> ' if sign else ""
    action, code = _e(entry.get("action")), _e(entry.get("code"))
    version = " ".join(_e(x) for x in (entry.get("version"), entry.get("name")) if x)
    # An entry without a version (unattributed drift) is named by its code alone.
    what = f'<b>{version}</b> <span class="muted">({code})</span>' if version else f"<b>{code}</b>"
    return f'<li>{mark}<span class="act">{action}</span> {what} {_e(entry.get("reason"))}</li>'


def _plan_change(pair: Mapping[str, Any]) -> str:
    """A plan entry whose action or code moved: `~ 0012 rename_shelf_items: apply
    (pending) → record (unrecorded)`, then the new reason."""
    before, after = _map(pair.get("before")), _map(pair.get("after"))
    version = " ".join(_e(x) for x in (after.get("version"), after.get("name")) if x)
    what = f"<b>{version}</b>" if version else f"<b>{_e(after.get('code'))}</b>"

    def action(entry: Mapping[str, Any]) -> str:
        return f'<span class="act">{_e(entry.get("action"))}</span> ({_e(entry.get("code"))})'

    return (
        f'<li><span class="sign">~</span> {what}: {action(before)} → {action(after)} '
        f"{_e(after.get('reason'))}</li>"
    )


def _error(error: Mapping[str, Any]) -> str:
    out = [
        '<div class="error">',
        f"<p><b>{_e(error.get('code') or 'error')}</b>: {_e(error.get('message'))}</p>",
    ]
    culprit = [
        _e(x)
        for x in (
            f"version {error['version']}" if error.get("version") else None,
            (
                f"{error['file']}:{error['line']}"
                if error.get("file") and error.get("line") is not None
                else error.get("file")
            ),
            f"statement {error['statement']}" if error.get("statement") is not None else None,
        )
        if x
    ]
    if culprit:
        out.append(f'<p class="muted">{" · ".join(culprit)}</p>')
    if error.get("sql"):
        out.append(f"<pre>{_e(error.get('sql'))}</pre>")
    if error.get("reason"):
        out.append(f"<p>{_e(error.get('reason'))}</p>")
    if error.get("hint"):
        out.append(f'<p class="hint">hint: {_e(error.get("hint"))}</p>')
    out.append("</div>")
    return "\n".join(out)


def _clean(clean: Sequence[Mapping[str, Any]]) -> str:
    label = f"{len(clean):,} clean {_plural(len(clean), 'database')}"
    if len(clean) <= LISTED_CLEAN:
        rows = "".join(
            f'<li><span class="path">{_e(_database(r) or "(no database)")}</span> '
            f'<span class="muted">at</span> <b>{_e(r.get("effective_version") or "none")}</b></li>'
            for r in clean
        )
        return f'<h4>{_badge("clean")} {label}</h4>\n<ul class="clean">{rows}</ul>'
    # Counted, not listed: per effective version, the most common first.
    by_version = Counter(_str(r.get("effective_version") or "none") for r in clean)
    groups = sorted(by_version.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{n:,} at <b>{_e(v)}</b>" for v, n in groups[:10])
    if len(groups) > 10:
        shown += f", {sum(n for _, n in groups[10:]):,} at {len(groups) - 10:,} other versions"
    return (
        f"<h4>{_badge('clean')} {label}</h4>\n"
        f'<p class="muted">{shown} (not listed one by one; the JSON at /reports has them all)</p>'
    )


def _events(events: Sequence[Mapping[str, Any]]) -> str:
    out = [
        '<section class="events" aria-labelledby="events">',
        '<h2 id="events">Recent events</h2>',
    ]
    if not events:
        out.append('<p class="muted">No changes between checks yet.</p>')
    else:
        out.append('<ol class="events">')
        out += [_event(e) for e in events[:LISTED_EVENTS]]
        out.append("</ol>")
        if len(events) > LISTED_EVENTS:
            out.append(f'<p class="more">and {len(events) - LISTED_EVENTS:,} older events</p>')
    out.append("</section>")
    return "\n".join(out)


def _event(event: Mapping[str, Any]) -> str:
    """One event: a ReportDelta (src/driftcheck/report/delta.py) with where and when.
    Its keys are read leniently: a missing or null one is "unchanged"."""
    delta = _map(event.get("delta"))
    database = event.get("database") or delta.get("database")
    head = [_time(event.get("at"))]
    if event.get("cycle") is not None:
        head.append(f"cycle {_e(event.get('cycle'))}")
    head.append(f"<b>{_e(event.get('target'))}</b>")
    out = [
        "<li>",
        f'<p class="muted">{" · ".join(head)}</p>',
        f'<p class="path">{_e(database or "(no database)")}</p>',
    ]
    facts = []
    presence = delta.get("presence")
    if presence in _PRESENCE:
        facts.append(_PRESENCE[presence])
    status = _map(delta.get("status"))
    if status:
        facts.append(_transition(status.get("before"), status.get("after"), badges=True))
    for key, label in _VERSION_KEYS:
        value = delta.get(key)
        if isinstance(value, Mapping):
            if value.get("before") != value.get("after"):
                facts.append(f"{label} " + _transition(value.get("before"), value.get("after")))
        elif value is not None:  # a plain version: the value now
            facts.append(f"{label} <b>{_e(value)}</b>")
    if facts:
        out.append(f"<p>{' · '.join(facts)}</p>")
    error = _map(delta.get("error"))
    if _map(error.get("after")):
        after = _map(error.get("after"))
        out.append(
            f'<p class="error"><b>{_e(after.get("code"))}</b>: {_e(after.get("message"))}</p>'
        )
    elif _map(error.get("before")):
        out.append(f"<p>error resolved: {_e(_map(error.get('before')).get('message'))}</p>")
    changes = [_map(c) for c in _list(delta.get("appeared"))]
    out += _event_list("appeared", [_change(c, "+") for c in changes])
    changes = [_map(c) for c in _list(delta.get("resolved"))]
    out += _event_list("resolved", [_change(c, "−") for c in changes])
    pairs = [_map(p) for p in _list(delta.get("changed"))]
    out += _event_list(
        "changed",
        [
            _change(_map(p.get("after")), "~", [_str(f) for f in _list(p.get("fields"))])
            for p in pairs
        ],
    )
    entries = [_map(e) for e in _list(delta.get("plan_appeared"))]
    out += _event_list("new in the plan", [_action(e, "+") for e in entries])
    pairs = [_map(p) for p in _list(delta.get("plan_changed"))]
    out += _event_list("changed in the plan", [_plan_change(p) for p in pairs])
    entries = [_map(e) for e in _list(delta.get("plan_resolved"))]
    out += _event_list("gone from the plan", [_action(e, "−") for e in entries])
    out.append("</li>")
    return "\n".join(out)


_PRESENCE = {"new": "first check", "gone": "no longer found"}
_VERSION_KEYS = (
    ("effective_version", "effective"),
    ("latest_version", "latest"),
    ("recorded_version", "recorded"),
)


def _event_list(label: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    out = [f'<p class="muted">{len(items):,} {label}</p>', '<ul class="changes">']
    out += items[:LISTED_EVENT_CHANGES]
    out.append("</ul>")
    if len(items) > LISTED_EVENT_CHANGES:
        out.append(f'<p class="more">and {len(items) - LISTED_EVENT_CHANGES:,} more</p>')
    return out


def _transition(before: Any, after: Any, *, badges: bool = False) -> str:
    def one(value: Any) -> str:
        if value is None:
            return '<span class="muted">none</span>'
        return _badge(_str(value)) if badges else f"<b>{_e(value)}</b>"

    return f"{one(before)} → {one(after)}"


# -- small helpers ---------------------------------------------------------------------


def _e(value: Any) -> str:
    return escape(_str(value), quote=True)


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _status(report: Mapping[str, Any]) -> str:
    return _str(report.get("status")) or "error"


def _database(report: Mapping[str, Any]) -> str | None:
    database = _map(report.get("target")).get("database")
    return None if database is None else str(database)


def _status_class(status: str) -> str:
    # Only known words go into class names: the status comes from the view.
    return f"s-{status}" if status in _RANK else "s-unknown"


def _severity_class(severity: str) -> str:
    return severity if severity in _SEVERITY_RANK else "info"


def _badge(status: str, label: str | None = None) -> str:
    text = _e(status if label is None else label)
    return f'<span class="badge {_status_class(status)}">{text}</span>'


def _counts(counts: Mapping[str, int]) -> str:
    statuses = [s for s in STATUSES if counts.get(s)]
    statuses += sorted(s for s in counts if s not in _RANK and counts[s])
    return " ".join(_badge(s, f"{counts[s]:,} {s}") for s in statuses)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _time(value: Any) -> str:
    text = _str(value) or "—"
    shown = text.replace("T", " ", 1)
    shown = shown[:-1] + " UTC" if shown.endswith("Z") else shown
    return f'<time datetime="{_e(text)}">{_e(shown)}</time>'


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float) or seconds <= 0:
        return _e(seconds)
    s = int(seconds)
    if s % 3600 == 0:
        return f"{s // 3600} h"
    if s % 60 == 0:
        return f"{s // 60} min"
    return f"{s} s"


_CSS = """
:root{--bg:#f5f6f8;--fg:#1c2127;--muted:#5a6470;--card:#fff;--line:#d9dee4;
--drift:#b42318;--error:#7a2e98;--pending:#9a5b00;--clean:#1a7f37;--unknown:#5a6470;
--drift-bg:#fdecea;--error-bg:#f5ecfa;--pending-bg:#fff4e0;--clean-bg:#e8f5ec;--unknown-bg:#eceff2}
@media (prefers-color-scheme:dark){:root{--bg:#101418;--fg:#e4e8ec;--muted:#9aa5b1;
--card:#181d23;--line:#2d353f;--drift:#ff8a80;--error:#d7a8f0;--pending:#f0b955;
--clean:#6dd58c;--unknown:#9aa5b1;--drift-bg:#3a1714;--error-bg:#2e1a38;
--pending-bg:#35270d;--clean-bg:#14301d;--unknown-bg:#262c33}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.25rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .25rem;padding-bottom:.25rem;
border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:0 0 .25rem;font-weight:600}
h4{font-size:.9rem;margin:.75rem 0 .25rem}
p{margin:.25rem 0}
ul,ol{margin:.25rem 0;padding-left:1.1rem}
li{margin:.2rem 0}
a{color:inherit}
code,pre,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
font-size:.9em}
/* Database paths, SQL and messages can be long and unbroken: wrap them, never scroll. */
.path,code,pre,li,p,h3{overflow-wrap:anywhere;word-break:break-word}
pre{white-space:pre-wrap;background:var(--bg);border:1px solid var(--line);border-radius:6px;
padding:.5rem;margin:.5rem 0}
.muted{color:var(--muted)}
.totals{margin:.5rem 0;font-size:1.05rem}
.banner{background:var(--pending-bg);border:1px solid var(--pending);border-radius:8px;
padding:.75rem;margin:1rem 0}
.overview{list-style:none;padding:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;border:1px solid currentColor;
font:600 .72rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
text-transform:uppercase;letter-spacing:.04em;vertical-align:.1em;white-space:nowrap}
.badge.s-drift{color:var(--drift);background:var(--drift-bg)}
.badge.s-error{color:var(--error);background:var(--error-bg)}
.badge.s-pending{color:var(--pending);background:var(--pending-bg)}
.badge.s-clean{color:var(--clean);background:var(--clean-bg)}
.badge.s-unknown{color:var(--unknown);background:var(--unknown-bg)}
.db{background:var(--card);border:1px solid var(--line);border-left-width:5px;border-radius:8px;
padding:.75rem;margin:.75rem 0}
.db.s-drift{border-left-color:var(--drift)}
.db.s-error{border-left-color:var(--error)}
.db.s-pending{border-left-color:var(--pending)}
.db.s-unknown{border-left-color:var(--unknown)}
.versions{color:var(--muted)}
.versions b{color:var(--fg)}
.changes,.plan,.clean{padding-left:0;list-style:none}
.changes li,.plan li{padding-left:4.6rem;text-indent:-4.6rem}
.changes li *{text-indent:0}
.sev,.act{display:inline-block;min-width:4.2rem;font-size:.75rem;font-weight:600;
text-transform:uppercase;letter-spacing:.03em;text-indent:0}
.sev-error{color:var(--drift)}
.sev-warning{color:var(--pending)}
.sev-info,.act{color:var(--muted)}
.error{border-left:3px solid var(--error);padding-left:.6rem;margin:.5rem 0}
.hint{color:var(--muted);font-style:italic}
.more{color:var(--muted);font-style:italic}
ol.events{list-style:none;padding:0}
ol.events>li{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:.6rem .75rem;margin:.6rem 0}
.sign{display:inline-block;width:1.2rem;font-weight:700;text-indent:0}
ol.events .changes li{padding-left:1.2rem;text-indent:-1.2rem}
ol.events .sev,ol.events .act{min-width:0;margin-right:.3rem}
.resolved li{color:var(--muted)}
@media (max-width:32rem){main{padding:.6rem}.changes li,.plan li{padding-left:0;text-indent:0}
.sev,.act{min-width:0;margin-right:.3rem}}
@page{margin:1.5cm}
@media print{
:root{color-scheme:light;--bg:#fff;--fg:#000;--muted:#333;--card:#fff;--line:#999;
--drift:#a00;--error:#606;--pending:#850;--clean:#060;--unknown:#333;
--drift-bg:#fff;--error-bg:#fff;--pending-bg:#fff;--clean-bg:#fff;--unknown-bg:#fff}
body{font-size:10.5pt;background:#fff;color:#000}
main{max-width:none;padding:0}
.db,ol.events>li,.banner{break-inside:avoid;box-shadow:none}
h2,h3,h4{break-after:avoid}
a{text-decoration:none}
}
"""
