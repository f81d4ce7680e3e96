"""driftcheck performance benchmarks (`make bench`; `--quick` for a smoke run).

Performance targets live here, never as timed assertions in tests. Every
number is printed next to a peer or a floor measured in the SAME run on the
same machine, so a ratio means something even when the absolute seconds do
not travel between machines. Results and the machine: benchmarks/RESULTS.md.

A. The rows of issue 9, each a WHOLE PROCESS: the `driftcheck` command as a
   user runs it (the venv's console script, spawned with subprocess, timed
   from spawn to exit, output to a file), against a peer or floor that is a
   whole process too (so both sides pay interpreter start):

   1. diff        `driftcheck diff a.db b.db`: two 1,000-table databases (10
                  columns, 3 indexes incl. a partial and an expression index,
                  an FK and a CHECK per table); b has one more column and one
                  index less. peer: `sqldiff --schema a.db b.db` (Debian's
                  sqlite3-tools). Goal <= 0.25x sqldiff.
   2. snapshot    cold: 1,000 migrations whose schema grows to 750 tables
                  (CREATE TABLE + index; every fourth an ADD COLUMN + partial
                  index). floor: python's sqlite3 runs the same files
                  (executescript per file) into one in-memory database and
                  reads `SELECT type, name, tbl_name, sql FROM sqlite_schema`
                  after each. Goal <= 1.5x the floor.
   3. snapshot    with nothing new. Goal <= 0.3 s.
   4. snapshot    after one appended migration. Goal <= 0.5 s.
   5. validate    one database at the latest of those 1,001 versions, with
                  `--expected DIR` (the snapshots). Goal <= 0.3 s. Also, not a
                  row of the issue: the same database drifted (closest-version
                  search).
   6. fleet       `validate --db 'DIR/*.db' --expected DIR --format jsonl
                  [--jobs 2]` over 2,000 and over 20,000 copies of a small
                  database (examples/migrations applied by driftcheck; a few
                  drifted copies, one corrupt file). floor: one read-only
                  `sqlite_schema` query and a sha256 of the rows per database
                  on a 2-process multiprocessing pool. Rates in DB/s; goal
                  driftcheck >= 0.4x the floor's rate. Peak RSS of each
                  process tree (os.wait4: the max over the process and the
                  children it reaped) at both sizes: it must not grow with the
                  count. A run that passes its time cap is interrupted
                  (SIGINT, as Ctrl-C) and its rate is what it finished.
   7. --version   `driftcheck --version` against `python -c pass`. Goal <= 0.1 s.

B. Inside driftcheck, for the engineers working on it (each in a fresh
   interpreter, timed around the call), on a richer synthetic history
   (1,000 migrations: tables, indexes, ADD/RENAME COLUMN, 12-step rebuilds,
   views, triggers, data-only UPDATEs) and a 1,000-table schema:

   replay      `load_migrations` and `replay` against SQLite executing the
               same statements (no reading back): the floor.
   introspect  `read_objects` against per-table PRAGMA reflection (the way
               ORMs do it), driftcheck's own batched queries with no model
               built, and SQLAlchemy's inspector when importable.
   diff        `diff_schemas` of two 1,000-table schemas that differ in ~20
               places, cold (first call in the process) and warm.

How to read it:
* `median` and `min` over n repetitions; ratios are median / median, with
  driftcheck on top (> 1: driftcheck is the slower), except fleet rates,
  which are DB/s with driftcheck on top (< 1: driftcheck is the slower).
* n is up to 5 (10 for --version, 3 or 1 for cases of seconds or minutes),
  but no repetition starts once a case has used its time budget: a slow
  case shows a smaller n rather than stretching the run, and gets its full
  n back once it is faster.
* Subject and reference repetitions are interleaved (ABAB), so background
  noise and CPU frequency changes hit both sides alike.
* WARNING lines mean an answer was wrong (an exit code, a count, a status)
  or driftcheck's source changed mid-run: the timings next to them mean little.

The last line, `BENCH_JSON {...}`, holds every median, min, ratio and goal
for CI to keep or compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (benchmarks/ is not a package)

_RESULT = "BENCH_WORKER_RESULT "


# --------------------------------------------------------------------------
# Workers: one in-process driftcheck measurement in a fresh interpreter


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _work_load(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.migrations import load_migrations

    seconds, mset = _timed(lambda: load_migrations(a["migrations"]))
    return {
        "seconds": seconds,
        "migrations": len(mset.migrations),
        "statements": sum(len(m.statements) for m in mset.migrations),
    }


def _work_replay(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.migrations import load_migrations
    from driftcheck.replay import replay

    mset = load_migrations(a["migrations"])
    seconds, states = _timed(lambda: replay(mset.migrations))
    return {"seconds": seconds, "states": len(states), "objects": len(states[-1].objects)}


def _work_introspect(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.sqlite.connect import read_readonly
    from driftcheck.sqlite.introspect import read_objects

    def read() -> int:
        return read_readonly(a["database"], (), lambda conn: len(read_objects(conn)))

    seconds, objects = _timed(read)
    # Count the statements on a second, untimed read: the trace callback is a
    # Python call per statement and would tax the timed one.
    traced: list[str] = []

    def traced_read(conn: Any) -> None:
        conn.set_trace_callback(traced.append)
        read_objects(conn)

    read_readonly(a["database"], (), traced_read)
    traced = [t for t in traced if t not in ("BEGIN", "COMMIT")]  # the read transaction
    # SQLite also traces the statements a pragma table-valued function runs
    # inside a query ("-- PRAGMA index_list='t'"): those are not driftcheck's.
    queries = [q for q in traced if not q.startswith("-- ")]
    return {
        "seconds": seconds,
        "objects": objects,
        "queries": queries,
        "nested_pragmas": len(traced) - len(queries),
    }


def _work_diff(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.differ import diff_schemas
    from driftcheck.model import Schema
    from driftcheck.sqlite.connect import read_readonly
    from driftcheck.sqlite.introspect import read_objects

    def schema(path: str) -> Schema:
        return read_readonly(path, (), lambda conn: Schema.of(read_objects(conn)))

    left, right = schema(a["left"]), schema(a["right"])
    cold, changes = _timed(lambda: diff_schemas(left, right))
    warm = min(_timed(lambda: diff_schemas(left, right))[0] for _ in range(3))
    return {
        "seconds": cold,
        "warm": warm,
        "changes": [f"{c.change} {c.object_type} {c.path}" for c in changes],
    }


_WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "load": _work_load,
    "replay": _work_replay,
    "introspect": _work_introspect,
    "diff": _work_diff,
}


def _spawn(case: str, cwd: Path, **args: Any) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and return what it measured."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", case, json.dumps(args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(_RESULT):
            result: dict[str, Any] = json.loads(line[len(_RESULT) :])
            return result
    raise SystemExit(
        f"benchmark worker {case!r} failed (exit {proc.returncode}):\n{proc.stderr.strip()}"
    )


# --------------------------------------------------------------------------
# Whole processes: spawn to exit, with the peak RSS of the process tree


@dataclass
class Proc:
    seconds: float
    code: int
    rss_kib: int  # ru_maxrss: the max over the process and every child it reaped
    cpu: float  # user + system seconds of the same
    out: Path
    err: Path
    stopped: bool  # passed its time cap and was interrupted

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def error_tail(self) -> str:
        lines = self.err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " | ".join(lines[-3:])


# The measuring process: a tiny interpreter (no site, nothing imported but os,
# signal, json and time) that spawns the command, times it and reaps it.
#
# Why not spawn from this process: on Linux a child's ru_maxrss includes the
# RSS high-water mark of the memory it had before exec, and a child made by
# fork or vfork starts with its parent's memory. Spawned from this benchmark
# (which holds tens of MiB of fixtures and reports), every peak RSS would be at
# least the benchmark's own. Spawned from this wrapper, the inherited part is
# the wrapper's few MiB (so the smallest RSS it can report is about 10 MiB).
MEASURE = """\
import json, os, signal, sys, time
argv, out, err, cap = json.loads(sys.argv[1])
stopped = []
pid = 0
def on_alarm(signum, frame):
    sig = signal.SIGKILL if stopped else signal.SIGINT
    stopped.append(sig)
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    if sig == signal.SIGINT:
        signal.setitimer(signal.ITIMER_REAL, 15)
signal.signal(signal.SIGALRM, on_alarm)
w = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
actions = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, out, w, 0o644),
    (os.POSIX_SPAWN_OPEN, 2, err, w, 0o644),
]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions, setsid=True)
if cap:
    signal.setitimer(signal.ITIMER_REAL, cap)
_, status, ru = os.wait4(pid, 0)
seconds = time.perf_counter() - start
signal.setitimer(signal.ITIMER_REAL, 0)
if stopped:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
print(json.dumps([seconds, os.waitstatus_to_exitcode(status), ru.ru_maxrss,
                  ru.ru_utime + ru.ru_stime, bool(stopped)]))
"""


def run_process(argv: list[str], cwd: Path, out: Path, *, cap: float | None = None) -> Proc:
    """Run argv with stdout to `out` (stderr beside it) and time it from spawn to exit.

    The measuring wrapper (MEASURE) spawns it in a session of its own, so that
    a run that passes `cap` seconds can be interrupted as a whole (SIGINT to
    its group, as Ctrl-C on a terminal; SIGKILL 15 s later if it still runs),
    and reaps it with os.wait4, whose rusage on Linux includes the children
    the process reaped itself: ru_maxrss is then the peak RSS of the largest
    process of the tree (for a pool: the largest worker, or the parent).
    """
    err = out.with_name(out.name + ".err")
    spec = json.dumps([argv, str(out), str(err), cap])
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", MEASURE, spec],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        seconds, code, rss, cpu, stopped = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(
            f"could not run {argv[0]} (exit {proc.returncode}):\n{proc.stderr.strip()}"
        ) from None
    return Proc(seconds, code, rss, cpu, out, err, stopped)


# The floors of section A: standalone scripts, run by the same interpreter.

FLOOR_SNAPSHOT = '''\
"""Floor of a cold snapshot: run each migration file, read sqlite_schema after each."""
import sqlite3
import sys
from pathlib import Path

conn = sqlite3.connect(":memory:", isolation_level=None)
rows = []
for path in sorted(Path(sys.argv[1]).glob("*.sql")):
    conn.executescript(path.read_text(encoding="utf-8"))
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
print(sum(1 for r in rows if r[0] == "table"), sum(1 for r in rows if r[0] == "index"))
'''

FLOOR_FLEET = '''\
"""Floor of a fleet check: one read-only sqlite_schema query and a sha256 per database."""
import glob
import hashlib
import sqlite3
import sys
from multiprocessing import Pool
from pathlib import Path


def check(path):
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return path, "error " + str(exc)
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(row).encode())
    return path, h.hexdigest()


if __name__ == "__main__":
    paths = sorted(glob.glob(sys.argv[1]))
    write = sys.stdout.write
    with Pool(int(sys.argv[2])) as pool:
        for path, digest in pool.imap_unordered(check, paths, chunksize=32):
            write(f"{path} {digest}\\n")
'''


# --------------------------------------------------------------------------
# Peers and floors of section B: no driftcheck, no caches, run in this process


def floor_replay(statements: list[str]) -> dict[str, Any]:
    """SQLite's own cost of the migrations: the same statements, nothing read back."""
    start = time.perf_counter()
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for sql in statements:
        conn.execute(sql)
    seconds = time.perf_counter() - start
    conn.close()
    return {"seconds": seconds}


def peer_naive_reflection(path: Path) -> dict[str, Any]:
    """Per-table pragmas, one query each, the way ORM reflection does it."""
    queries = 0
    start = time.perf_counter()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    queries += 1
    for t in tables:
        conn.execute("SELECT * FROM pragma_table_xinfo(?)", (t,)).fetchall()
        indexes = conn.execute("SELECT * FROM pragma_index_list(?)", (t,)).fetchall()
        for row in indexes:
            conn.execute("SELECT * FROM pragma_index_xinfo(?)", (row[1],)).fetchall()
        conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (t,)).fetchall()
        queries += 3 + len(indexes)
    seconds = time.perf_counter() - start
    conn.close()
    return {"seconds": seconds, "queries": queries}


def peer_batched_queries(path: Path, queries: list[str]) -> dict[str, Any]:
    """driftcheck's own SQL (as traced) with the rows fetched and no model built."""
    start = time.perf_counter()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    for sql in queries:
        conn.execute(sql).fetchall()
    seconds = time.perf_counter() - start
    conn.close()
    return {"seconds": seconds}


def peer_sqlalchemy(path: Path) -> dict[str, Any]:
    """SQLAlchemy's inspector, table by table (it skips expression indexes, with a warning)."""
    import importlib
    import warnings

    sqlalchemy = importlib.import_module("sqlalchemy")  # optional: not a dependency
    start = time.perf_counter()
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    insp = sqlalchemy.inspect(engine)
    with warnings.catch_warnings():
        # "Skipped unsupported reflection of expression-based index ..."
        warnings.simplefilter("ignore")
        for t in insp.get_table_names():
            insp.get_columns(t)
            insp.get_indexes(t)
            insp.get_foreign_keys(t)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds}


def _sqlalchemy_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("sqlalchemy") is not None


# --------------------------------------------------------------------------
# Measuring and reporting


@dataclass
class Result:
    key: str
    label: str
    samples: list[float] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # what else each repetition said

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def extra(self) -> dict[str, Any]:
        return self.runs[-1] if self.runs else {}


@dataclass(frozen=True)
class Ratio:
    subject: str
    reference: str
    word: str


@dataclass
class Case:
    key: str
    label: str
    run: Callable[[], dict[str, Any]]
    before: Callable[[], None] | None = None  # untimed set-up before every repetition


class Bench:
    def __init__(self, verbose: bool) -> None:
        self.results: dict[str, Result] = {}
        self.ratios: dict[str, Ratio] = {}  # by the row that shows it
        self.problems: list[str] = []
        self.wrong: set[str] = set()  # cases that gave a wrong answer
        self.verbose = verbose

    def warn(self, problem: str, key: str | None = None) -> None:
        """Record a wrong answer (of the case `key`, whose goal row then says so)."""
        if problem not in self.problems:
            self.problems.append(problem)
        if key is not None:
            self.wrong.add(key)

    def measure(self, reps: int, *cases: Case, budget: float = 20.0) -> list[Result]:
        """Run the cases up to `reps` times, interleaved (ABAB...), so noise hits all alike.

        No repetition starts once the group has used `budget` seconds: a
        pathologically slow case then reports a smaller n instead of blowing
        the time limit of the whole run, and gets its full n back once it is
        fixed.
        """
        out = [self.results.setdefault(c.key, Result(c.key, c.label)) for c in cases]
        start = time.perf_counter()
        for i in range(reps):
            if i and time.perf_counter() - start > budget:
                break
            for case, result in zip(cases, out, strict=True):
                if case.before is not None:
                    case.before()
                got = case.run()
                result.samples.append(got.pop("seconds"))
                result.runs.append(got)
                if self.verbose:
                    print(
                        f"  [{i + 1}/{reps}] {case.label}: {result.samples[-1]:.3f}s",
                        file=sys.stderr,
                        flush=True,
                    )
        return out

    def compare(self, subject: str, reference: str, word: str, row: str | None = None) -> None:
        """Print subject/reference (medians) as "<ratio>x <word>" on `row` (default: subject)."""
        self.ratios[row or subject] = Ratio(subject, reference, word)

    def ratio(self, row: str) -> float | None:
        r = self.ratios.get(row)
        if r is None or r.subject not in self.results or r.reference not in self.results:
            return None
        ref = self.results[r.reference].median
        return self.results[r.subject].median / ref if ref else None

    def median(self, key: str) -> float | None:
        r = self.results.get(key)
        return r.median if r is not None and r.samples else None


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def print_table(bench: Bench, sections: list[tuple[str, list[str]]]) -> None:
    width = max(len(r.label) for r in bench.results.values()) + 2
    head = f"{'':{width}}{'median':>11}{'min':>11}{'n':>4}   ratio"
    print(head)
    print("-" * (len(head) + 26))
    for title, keys in sections:
        print(title)
        for key in keys:
            r = bench.results.get(key)
            if r is None:
                continue
            ratio = bench.ratio(key)
            note = ""
            if ratio is not None:
                note = f"{ratio:7.2f}x {bench.ratios[key].word}"
            print(
                f"  {r.label:{width - 2}}{_fmt(r.median):>11}{_fmt(r.min):>11}"
                f"{len(r.samples):>4}   {note}".rstrip()
            )
    print("-" * (len(head) + 26))


@dataclass
class Goal:
    """One row of issue 9: driftcheck against a peer, a floor, or an absolute goal."""

    case: str
    subject: str  # its text in the driftcheck column
    reference: str  # its text in the peer/floor column ("" for none)
    ratio: float | None
    goal: str
    met: bool | None  # None: not measured
    values: dict[str, Any] = field(default_factory=dict)  # for BENCH_JSON
    keys: tuple[str, ...] = ()  # the measurements behind the row
    wrong: bool = False  # one of them gave a wrong answer (see the WARNING lines)


def print_goals(goals: list[Goal], note: str) -> None:
    rows = [("case", "driftcheck (median)", "peer/floor (median)", "ratio", "goal", "met?")]
    for g in goals:
        met = "-" if g.met is None else ("yes" if g.met else "NO")
        if g.wrong:
            met += " (wrong answer: see WARNING)"
        ratio = f"{g.ratio:.2f}x" if g.ratio is not None else ""
        rows.append((g.case, g.subject, g.reference, ratio, g.goal, met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    rule = "-+-".join("-" * w for w in widths)
    print(f"Issue 9, whole processes{note}")
    print(rule)
    for n, r in enumerate(rows):
        cells = [
            c.rjust(w) if i in (1, 2, 3) and n else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        print(" | ".join(cells).rstrip())
        if n == 0:
            print(rule)
    print(rule)


def _dir_bytes(path: Path, *, cache: bool) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and (".cache" in p.relative_to(path).parts) == cache:
            total += p.stat().st_size
    return total


def _count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def _rss(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


# --------------------------------------------------------------------------
# Fixtures


def build_database(path: Path, statements: list[str]) -> None:
    """A database with `statements` run in one transaction (no BEGIN/COMMIT among them)."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for sql in statements:
        conn.execute(sql).fetchall()
    conn.execute("COMMIT")
    conn.close()


def build_from_files(path: Path, migrations: Path) -> None:
    """A database with every migration file of `migrations` run in order (no history)."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # a fixture: no need to wait for the disk
    conn.execute("PRAGMA journal_mode = MEMORY")
    for f in sorted(migrations.glob("*.sql")):
        conn.executescript(f.read_text(encoding="utf-8"))
    conn.close()


def drift_copy(source: Path, target: Path, sql: str) -> None:
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.executescript(sql)
    conn.close()


def fleet_source(work: Path, driftcheck: str, cwd: Path) -> tuple[Path, Path, str]:
    """The small database of the fleet, a drifted variant, and how the first was made.

    examples/migrations applied by `driftcheck apply` (so it has a history
    table, as a tenant database managed by driftcheck would), then VACUUMed
    into 1 KiB pages to keep 20,000 copies small. If apply fails (driftcheck
    is being worked on), the files are run by sqlite3 instead, with no history.
    """
    examples = HERE.parent / "examples" / "migrations"
    clean, drifted = work / "fleet_clean.db", work / "fleet_drifted.db"
    clean.unlink(missing_ok=True)
    how = "driftcheck apply"
    proc = subprocess.run(
        [driftcheck, "apply", "--db", str(clean), "--migrations", str(examples)]
        + ["--yes", "--no-backup", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        how = f"sqlite3 (driftcheck apply exited {proc.returncode})"
        build_from_files(clean, examples)
    conn = sqlite3.connect(clean, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    conn.close()
    # Drifted by hand: a column added, an index of migration 0011 dropped.
    drift_copy(
        clean,
        drifted,
        "ALTER TABLE books ADD COLUMN hotfix TEXT; DROP INDEX idx_books_format;",
    )
    return clean, drifted, how


def write_fleet(directory: Path, n: int, clean: bytes, drifted: bytes) -> dict[str, int]:
    """n databases: copies of `clean`, a few of `drifted`, one corrupt file in the middle."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    step = min(500, max(n // 4, 1))
    corrupt = n // 2 + 1
    counts = {"clean": 0, "drift": 0, "error": 0}
    junk = b"this is not a SQLite database\n" * 64
    for i in range(n):
        if i == corrupt:
            data, kind = junk, "error"
        elif i % step == step // 2:
            data, kind = drifted, "drift"
        else:
            data, kind = clean, "clean"
        (directory / f"tenant{i:06d}.db").write_bytes(data)
        counts[kind] += 1
    return counts


def _statements(migrations: Path) -> list[str]:
    """The statements the way driftcheck splits them (so both sides run the same SQL)."""
    from driftcheck.migrations import load_migrations

    mset = load_migrations(str(migrations))
    return [s.sql for m in mset.migrations for s in m.statements]


def _driftcheck_executable() -> str:
    """The console script a user runs: the one beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "driftcheck"
    if beside.exists():
        return str(beside)
    found = shutil.which("driftcheck")
    if found is None:
        raise SystemExit("the `driftcheck` command is not installed (make bench installs it)")
    return found


# --------------------------------------------------------------------------
# The benchmark


@dataclass(frozen=True)
class Sizes:
    growth: int  # migrations of the snapshot cases
    diff_tables: int  # tables of each database of `driftcheck diff`
    fleet: tuple[int, int]  # databases of the two fleet runs
    fleet_cap: float  # seconds before a fleet run is interrupted (default of --fleet-cap)
    rich: int  # migrations of section B
    wide: int  # tables of section B's schema


FULL = Sizes(1000, 1000, (2000, 20000), 60.0, 1000, 1000)
QUICK = Sizes(60, 100, (40, 160), 15.0, 100, 100)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="small inputs, one repetition: a smoke run of every case",
    )
    ap.add_argument(
        "--reps",
        type=int,
        default=None,
        help="most repetitions of any case (default 5; cases of seconds get fewer)",
    )
    ap.add_argument(
        "--fleet-cap",
        type=float,
        metavar="SECONDS",
        default=None,
        help="interrupt a fleet run after SECONDS and report what it finished "
        "(default 60; 15 with --quick; 0: never)",
    )
    ap.add_argument("--keep", metavar="DIR", help="build the fixtures in DIR and keep them")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every repetition")
    ap.add_argument("--worker", nargs=2, metavar=("CASE", "ARGS"), help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)

    if opts.worker:
        case, args = opts.worker
        print(_RESULT + json.dumps(_WORKERS[case](json.loads(args))), flush=True)
        return 0

    started = time.perf_counter()
    if opts.keep:
        work = Path(opts.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
        return _run(work, opts, started)
    with tempfile.TemporaryDirectory(prefix="driftcheck-bench-") as tmp:
        return _run(Path(tmp), opts, started)


def _source_digest() -> str:
    """Hash of driftcheck's source: the run is only coherent if it did not change."""
    import driftcheck

    root = Path(driftcheck.__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def _git_revision() -> str:
    """`git describe`-like label of the checkout (read-only git commands)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def _run(work: Path, opts: argparse.Namespace, started: float) -> int:
    import driftcheck

    quick = bool(opts.quick)
    size = QUICK if quick else FULL
    most = opts.reps or (1 if quick else 5)

    def reps(full: int) -> int:
        return max(1, min(full, most))

    revision, digest = _git_revision(), _source_digest()
    print(
        f"driftcheck {driftcheck.__version__} ({revision}, source {digest}) | "
        f"Python {platform.python_version()} | SQLite {sqlite3.sqlite_version} | "
        f"{os.cpu_count()} CPUs | {'quick' if quick else 'full'} run"
    )
    dc = _driftcheck_executable()
    py = sys.executable
    sqldiff = shutil.which("sqldiff")
    # Workers and commands run in an empty directory: a stray ./expected_schemas
    # or driftcheck.toml in the caller's directory must not change what is timed.
    cwd = work / "cwd"
    cwd.mkdir(exist_ok=True)
    outs = work / "out"
    outs.mkdir(exist_ok=True)
    help_text = subprocess.run(
        [dc, "validate", "--help"], cwd=cwd, capture_output=True, text=True, check=False
    ).stdout
    has_jobs = "--jobs" in help_text
    jobs = ["--jobs", "2"] if has_jobs else []
    b = Bench(opts.verbose)

    print("building fixtures...", flush=True)
    t0 = time.perf_counter()
    # A. 1: two databases for `driftcheck diff`.
    diff_a, diff_b = work / "diff_a.db", work / "diff_b.db"
    build_database(diff_a, synth.diff_pair_schema(size.diff_tables))
    build_database(diff_b, synth.diff_pair_schema(size.diff_tables, variant=True))
    grown_table, dropped_index = synth.diff_pair_differences(size.diff_tables)
    # A. 2-5: a growing history, the same plus one, and a database at its end.
    growth, growth_plus = work / "growth", work / "growth_plus"
    for d in (growth, growth_plus):
        shutil.rmtree(d, ignore_errors=True)
    synth.write_growth_migrations(growth, size.growth)
    synth.write_growth_migrations(growth_plus, size.growth + 1)
    latest = f"{size.growth + 1:04d}"
    growth_db, growth_drifted = work / "growth.db", work / "growth_drifted.db"
    build_from_files(growth_db, growth_plus)
    middle = f"t{synth.growth_tables(size.growth) // 2}"
    drift_copy(
        growth_db,
        growth_drifted,
        f"DROP INDEX ix_{middle}_name; ALTER TABLE {middle} ADD COLUMN hotfix_note TEXT;",
    )
    floor_snapshot_py = work / "floor_snapshot.py"
    floor_snapshot_py.write_text(FLOOR_SNAPSHOT, encoding="utf-8")
    # A. 6: the fleets, and the snapshots of examples/migrations they are checked against.
    fleet_clean, fleet_drifted, fleet_how = fleet_source(work, dc, cwd)
    fleet_expected = work / "fleet_expected"
    shutil.rmtree(fleet_expected, ignore_errors=True)
    subprocess.run(
        [dc, "snapshot", "--migrations", str(HERE.parent / "examples" / "migrations")]
        + ["--out", str(fleet_expected), "-q"],
        cwd=cwd,
        check=True,
    )
    floor_fleet_py = work / "floor_fleet.py"
    floor_fleet_py.write_text(FLOOR_FLEET, encoding="utf-8")
    clean_bytes, drifted_bytes = fleet_clean.read_bytes(), fleet_drifted.read_bytes()
    fleets: list[tuple[int, Path, dict[str, int], float]] = []
    for n in size.fleet:
        g0 = time.perf_counter()
        d = work / f"fleet_{n}"
        counts = write_fleet(d, n, clean_bytes, drifted_bytes)
        fleets.append((n, d, counts, time.perf_counter() - g0))
    # B: a rich history and a wide schema.
    mig = work / "migrations"
    shutil.rmtree(mig, ignore_errors=True)
    synth.write_migrations(mig, size.rich)
    statements = _statements(mig)
    wide_a, wide_b = work / "wide_a.db", work / "wide_b.db"
    build_database(wide_a, synth.wide_schema(size.wide, False))
    build_database(wide_b, synth.wide_schema(size.wide, True))

    print(
        f"  diff: 2 x {size.diff_tables} tables ({diff_a.stat().st_size / 2**20:.1f} MiB each)"
        f"; growth: {size.growth} migrations -> {synth.growth_tables(size.growth)} tables"
        f" (+1 for {latest})"
    )
    print(
        "  fleet: "
        + ", ".join(f"{n:,} databases written in {s:.1f} s" for n, _, _, s in fleets)
        + f"; {len(clean_bytes):,} bytes each, built by {fleet_how}"
    )
    print(
        f"  section B: {size.rich} migrations, {len(statements)} statements; wide schema "
        f"{size.wide} tables, variant differs in {synth.variant_changes(size.wide)} places"
    )
    print(f"  fixtures built in {time.perf_counter() - t0:.1f} s")
    if not has_jobs:
        print(
            "  note: `driftcheck validate` has no --jobs option yet: the fleet runs on one "
            "process (the floor on 2)"
        )
    if sqldiff is None:
        print(
            "  note: sqldiff is not installed (Debian: apt-get install sqlite3-tools): "
            "the diff row has no peer and no ratio"
        )
    print("measuring...", flush=True)

    # A. 7. --version ------------------------------------------------------------
    def version() -> dict[str, Any]:
        p = run_process([dc, "--version"], cwd, outs / "version.out")
        if p.code != 0 or not p.text().startswith("driftcheck "):
            b.warn(f"driftcheck --version: exit {p.code}, printed {p.text()[:60]!r}", "version")
        return {"seconds": p.seconds, "code": p.code}

    def python_pass() -> dict[str, Any]:
        p = run_process([py, "-c", "pass"], cwd, outs / "pass.out")
        return {"seconds": p.seconds, "code": p.code}

    b.measure(
        2 * reps(5),
        Case("version", "driftcheck --version", version),
        Case("python_pass", "python -c pass", python_pass),
    )
    b.compare("version", "python_pass", "python -c pass")

    # A. 1. diff -------------------------------------------------------------------
    def dc_diff() -> dict[str, Any]:
        p = run_process([dc, "diff", str(diff_a), str(diff_b)], cwd, outs / "diff.out")
        text = p.text()
        if p.code != 1 or f"{grown_table}.archived_at" not in text or dropped_index not in text:
            b.warn(
                f"driftcheck diff: exit {p.code} (expected 1), or the 2 differences not named",
                "cli_diff",
            )
        return {"seconds": p.seconds, "code": p.code, "rss_kib": p.rss_kib}

    def sqldiff_run() -> dict[str, Any]:
        assert sqldiff is not None
        p = run_process([sqldiff, "--schema", str(diff_a), str(diff_b)], cwd, outs / "sqldiff.out")
        text = p.text()
        if p.code != 0 or "archived_at" not in text or dropped_index not in text:
            b.warn(
                f"sqldiff --schema: exit {p.code}, or the 2 differences not in its output",
                "sqldiff",
            )
        return {"seconds": p.seconds, "code": p.code, "rss_kib": p.rss_kib}

    diff_cases = [Case("cli_diff", f"driftcheck diff ({size.diff_tables} tables)", dc_diff)]
    if sqldiff is not None:
        diff_cases.append(Case("sqldiff", "peer: sqldiff --schema", sqldiff_run))
    b.measure(reps(5), *diff_cases, budget=20)
    if sqldiff is not None:
        b.compare("cli_diff", "sqldiff", "sqldiff --schema")
    # The answer, once, outside the timing.
    diff_json = subprocess.run(
        [dc, "diff", str(diff_a), str(diff_b), "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    diff_found: list[str] = []
    try:
        diff_found = sorted(
            f"{c['change']} {c['object_type']} {c['path']}"
            for c in json.loads(diff_json.stdout)["changes"]
        )
    except (ValueError, KeyError, TypeError):
        b.warn(
            f"driftcheck diff --format json: unreadable output (exit {diff_json.returncode})",
            "cli_diff",
        )
    diff_expected = sorted(
        [f"unexpected column {grown_table}.archived_at", f"missing index {dropped_index}"]
    )
    if diff_found and diff_found != diff_expected:
        b.warn(f"driftcheck diff found {diff_found}, expected {diff_expected}", "cli_diff")

    # A. 2-4. snapshot ----------------------------------------------------------------
    snap = work / "snapshots"
    pristine = work / "snapshots_pristine"
    plus = work / "snapshots_plus_one"

    def snapshot_run(
        key: str, migrations: Path, out_dir: Path, expect: str
    ) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            p = run_process(
                [dc, "snapshot", "--migrations", str(migrations), "--out", str(out_dir)],
                cwd,
                outs / f"{key}.out",
            )
            if p.code != 0 or not re.search(expect, p.text()):
                b.warn(
                    f"{key}: exit {p.code}, printed {p.text().strip()[:120]!r} "
                    f"(expected /{expect}/) {p.error_tail()[:200]}",
                    key,
                )
            return {"seconds": p.seconds, "code": p.code, "rss_kib": p.rss_kib}

        return run

    def floor_snapshot() -> dict[str, Any]:
        p = run_process([py, str(floor_snapshot_py), str(growth)], cwd, outs / "floor_snap.out")
        counts = p.text().split()
        if counts != [str(synth.growth_tables(size.growth)), str(size.growth)] or p.code:
            b.warn(
                f"snapshot floor: exit {p.code}, {counts} tables and indexes",
                "snapshot_floor",
            )
        return {"seconds": p.seconds, "code": p.code, "rss_kib": p.rss_kib}

    b.measure(
        reps(3),
        Case(
            "snapshot_cold",
            f"snapshot, cold ({size.growth} migrations)",
            snapshot_run("snapshot_cold", growth, snap, r"wrote \d+ files"),
            before=lambda: shutil.rmtree(snap, ignore_errors=True),
        ),
        Case("snapshot_floor", "floor: sqlite3 runs the files + reads", floor_snapshot),
        budget=25,
    )
    b.compare("snapshot_cold", "snapshot_floor", "the floor")
    manifest_ok = (snap / "manifest.json").is_file()
    if not manifest_ok:
        b.warn("cold snapshot wrote no manifest.json", "snapshot_cold")
    snap_files = _dir_bytes(snap, cache=False)
    snap_cache = _dir_bytes(snap, cache=True)
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(snap, pristine)

    b.measure(
        reps(5),
        Case(
            "snapshot_noop",
            "snapshot, nothing new",
            snapshot_run("snapshot_noop", growth, snap, r"up to date"),
        ),
    )

    def copy_pristine() -> None:
        shutil.rmtree(plus, ignore_errors=True)
        shutil.copytree(pristine, plus)

    b.measure(
        reps(5),
        Case(
            "snapshot_one_new",
            "snapshot, one new migration",
            snapshot_run("snapshot_one_new", growth_plus, plus, r"replayed 1 of"),
            before=copy_pristine,
        ),
    )
    b.compare("snapshot_noop", "snapshot_cold", "the cold run")
    b.compare("snapshot_one_new", "snapshot_cold", "the cold run")

    # A. 5. validate of one database, from snapshots ---------------------------------------
    def validate_one(key: str, db: Path, code: int) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            p = run_process(
                [dc, "validate", "--db", str(db), "--expected", str(plus)],
                cwd,
                outs / f"{key}.out",
            )
            if p.code != code:
                b.warn(f"{key}: exit {p.code}, expected {code} {p.error_tail()[:200]}", key)
            return {"seconds": p.seconds, "code": p.code, "rss_kib": p.rss_kib}

        return run

    b.measure(
        reps(5),
        Case(
            "validate_one",
            f"validate, 1 db at {latest}",
            validate_one("validate_one", growth_db, 0),
        ),
    )
    b.measure(
        reps(3),
        Case(
            "validate_one_drifted",
            "validate, same db drifted",
            validate_one("validate_one_drifted", growth_drifted, 1),
        ),
        budget=15,
    )
    b.compare("validate_one_drifted", "validate_one", "the clean db")
    validate_answers: dict[str, Any] = {}
    for key, db in (("clean", growth_db), ("drifted", growth_drifted)):
        got = subprocess.run(
            [dc, "validate", "--db", str(db), "--expected", str(plus), "--format", "json"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            r = json.loads(got.stdout)
            validate_answers[key] = [
                r["status"],
                (r.get("summary") or {}).get("match"),
                r["effective_version"],
                len(r["changes"]),
            ]
        except (ValueError, KeyError, TypeError):
            validate_answers[key] = ["unreadable", got.returncode]
    if validate_answers["clean"] != ["clean", "exact", latest, 0]:
        b.warn(f"validate of the database at {latest}: {validate_answers['clean']}", "validate_one")
    if validate_answers["drifted"][:3] != ["drift", "closest", latest]:
        b.warn(
            f"validate of the drifted database: {validate_answers['drifted']}",
            "validate_one_drifted",
        )

    # A. 6. fleets --------------------------------------------------------------------------
    fleet_facts: list[dict[str, Any]] = []
    cap = size.fleet_cap if opts.fleet_cap is None else (opts.fleet_cap or None)
    for n, directory, counts, _ in fleets:
        pattern = str(directory / "*.db")
        out_dc, out_floor = outs / f"fleet_{n}.jsonl", outs / f"fleet_floor_{n}.out"

        def fleet_run(
            n: int = n, pattern: str = pattern, out: Path = out_dc, cap: float | None = cap
        ) -> dict[str, Any]:
            p = run_process(
                [dc, "validate", "--db", pattern, "--expected", str(fleet_expected)]
                + ["--format", "jsonl", *jobs],
                cwd,
                out,
                cap=cap,
            )
            done = _count_lines(out)
            if not p.stopped and (p.code != 2 or done != n):
                b.warn(
                    f"fleet of {n:,}: exit {p.code} and {done:,} reports, expected exit 2 "
                    f"(one corrupt file) and {n:,} reports {p.error_tail()[:200]}",
                    f"fleet_{n}",
                )
            return {
                "seconds": p.seconds,
                "code": p.code,
                "rss_kib": p.rss_kib,
                "cpu": p.cpu,
                "done": done,
                "bytes": out.stat().st_size,
                "stopped": p.stopped,
                "rate": done / p.seconds,
            }

        def floor_run(n: int = n, pattern: str = pattern, out: Path = out_floor) -> dict[str, Any]:
            p = run_process([py, str(floor_fleet_py), pattern, "2"], cwd, out)
            lines = p.text().splitlines()
            errors = sum(1 for line in lines if " error " in line)
            if p.code != 0 or len(lines) != n or errors != 1:
                b.warn(
                    f"fleet floor of {n:,}: exit {p.code}, {len(lines)} lines, {errors} errors",
                    f"fleet_floor_{n}",
                )
            return {
                "seconds": p.seconds,
                "code": p.code,
                "rss_kib": p.rss_kib,
                "cpu": p.cpu,
                "done": len(lines),
                "rate": len(lines) / p.seconds,
            }

        b.measure(
            reps(3) if n < 10000 else 1,
            Case(f"fleet_{n}", f"validate fleet of {n:,} (jsonl)", fleet_run),
            Case(f"fleet_floor_{n}", f"floor: {n:,} x sqlite_schema+sha256", floor_run),
            budget=30,
        )
        b.compare(f"fleet_{n}", f"fleet_floor_{n}", "the floor's time")
        # The answer, from the last run's stream (outside the timing).
        statuses: dict[str, int] = {}
        with out_dc.open(encoding="utf-8", errors="replace") as stream:
            for line in stream:
                try:
                    status = json.loads(line).get("status", "?")
                except ValueError:
                    status = "unreadable"
                statuses[status] = statuses.get(status, 0) + 1
        last = b.results[f"fleet_{n}"].extra
        if not last["stopped"] and statuses != {k: v for k, v in counts.items() if v}:
            b.warn(f"fleet of {n:,}: statuses {statuses}, expected {counts}", f"fleet_{n}")
        fleet_facts.append(
            {"n": n, "statuses": statuses, "expected": counts, "stopped": last["stopped"]}
        )

    # B. Inside driftcheck ------------------------------------------------------------------
    b.measure(
        reps(5),
        Case(
            "load",
            f"load_migrations ({size.rich} files)",
            lambda: _spawn("load", cwd, migrations=str(mig)),
        ),
    )
    b.measure(
        reps(3),
        Case(
            "replay",
            f"replay {size.rich} migrations",
            lambda: _spawn("replay", cwd, migrations=str(mig)),
        ),
        Case(
            "replay_floor", "floor: sqlite3 executes the same SQL", lambda: floor_replay(statements)
        ),
    )
    b.compare("replay", "replay_floor", "the floor")
    intro, naive = b.measure(
        reps(3),
        Case(
            "introspect",
            f"read_objects, {size.wide} tables",
            lambda: _spawn("introspect", cwd, database=str(wide_a)),
        ),
        Case(
            "introspect_naive",
            "peer: per-table PRAGMAs (rows only)",
            lambda: peer_naive_reflection(wide_a),
        ),
    )
    traced: list[str] = intro.extra["queries"]
    b.measure(
        reps(3),
        Case(
            "introspect_sql",
            "floor: driftcheck's queries, rows only",
            lambda: peer_batched_queries(wide_a, traced),
        ),
    )
    b.compare("introspect", "introspect_naive", "per-table PRAGMAs")
    b.compare("introspect_sql", "introspect_naive", "per-table PRAGMAs")
    has_sqlalchemy = _sqlalchemy_available()
    if has_sqlalchemy:
        b.measure(
            1,
            Case(
                "introspect_sqlalchemy",
                "peer: sqlalchemy.inspect reflection",
                lambda: peer_sqlalchemy(wide_a),
            ),
        )
        # On the peer's row, still driftcheck / peer: > 1 means driftcheck is slower.
        b.compare(
            "introspect",
            "introspect_sqlalchemy",
            "(read_objects / sqlalchemy)",
            row="introspect_sqlalchemy",
        )
    (d,) = b.measure(
        reps(3),
        Case(
            "diff_schemas",
            f"diff_schemas, {size.wide} tables, cold",
            lambda: _spawn("diff", cwd, left=str(wide_a), right=str(wide_b)),
        ),
        budget=10,
    )
    warm = b.results.setdefault(
        "diff_schemas_warm", Result("diff_schemas_warm", "diff_schemas, same schemas again (warm)")
    )
    warm.samples = [d.extra.pop("warm")]  # the best of 3 warm calls, from the last worker
    b.compare("diff_schemas", "diff_schemas_warm", "the warm call")

    elapsed = time.perf_counter() - started
    source_changed = _source_digest() != digest
    if source_changed:
        b.warn("driftcheck's source changed during the run: the timings mix two versions")

    # Report ----------------------------------------------------------------------------
    goals = _goals(b, size, sqldiff is not None, has_jobs, latest)
    print()
    print_goals(
        goals,
        " (QUICK RUN: small inputs, n=1; the goals are for the full sizes)" if quick else "",
    )
    for n, _, _, _ in fleets:
        r, f = b.results[f"fleet_{n}"], b.results[f"fleet_floor_{n}"]
        runs = r.runs
        per_line = r.extra["bytes"] / max(r.extra["done"], 1)
        print(
            f"  fleet of {n:,}: driftcheck peak RSS {_rss(max(x['rss_kib'] for x in runs))}, "
            f"CPU {statistics.median(x['cpu'] for x in runs):.1f} s, "
            f"{per_line:,.0f} bytes of jsonl per database; floor peak RSS "
            f"{_rss(max(x['rss_kib'] for x in f.runs))}"
            + (
                f"; STOPPED at the cap after {r.extra['done']:,} databases in "
                f"{r.samples[-1]:.0f} s (all {n:,} would take about "
                f"{n / max(r.extra['rate'], 1e-9):.0f} s at that rate)"
                if r.extra["stopped"]
                else ""
            )
        )
    if not has_jobs:
        print("  fleet: no --jobs in this driftcheck: one process against the floor's 2")
    if sqldiff is None:
        print("  diff: sqldiff not installed (Debian: sqlite3-tools): no peer, no ratio")
    print()
    print("Details")
    print_table(
        b,
        [
            (
                "A. whole processes",
                [
                    "version",
                    "python_pass",
                    "cli_diff",
                    "sqldiff",
                    "snapshot_cold",
                    "snapshot_floor",
                    "snapshot_noop",
                    "snapshot_one_new",
                    "validate_one",
                    "validate_one_drifted",
                    *(k for n, _, _, _ in fleets for k in (f"fleet_{n}", f"fleet_floor_{n}")),
                ],
            ),
            (
                "B. inside driftcheck (section B of the docstring)",
                [
                    "load",
                    "replay",
                    "replay_floor",
                    "introspect",
                    "introspect_naive",
                    "introspect_sql",
                    "introspect_sqlalchemy",
                    "diff_schemas",
                    "diff_schemas_warm",
                ],
            ),
        ],
    )
    if not has_sqlalchemy:
        print("  peer sqlalchemy.inspect: skipped (sqlalchemy is not importable)")
    facts = {
        "diff_found": diff_found,
        "validate_one": validate_answers,
        "fleets": fleet_facts,
        "fleet_source": fleet_how,
        "fleet_cap_seconds": cap,
        "fleet_db_bytes": len(clean_bytes),
        "jobs": has_jobs,
        "sqldiff": sqldiff is not None,
        "snapshot_bytes": snap_files,
        "snapshot_cache_bytes": snap_cache,
        "driftcheck_queries": len(traced),
        "driftcheck_nested_pragmas": intro.extra["nested_pragmas"],
        "naive_queries": naive.extra["queries"],
        "diff_schemas_changes": len(d.extra["changes"]),
        "diff_schemas_planted": synth.variant_changes(size.wide),
        "source_changed_during_run": source_changed,
        "elapsed_seconds": round(elapsed, 1),
    }
    print(
        f"  snapshot dir ({size.growth} versions): {snap_files:,} bytes in versions/ + manifest,"
        f" {snap_cache:,} bytes of replay checkpoints in .cache/"
    )
    print(
        f"  validate at {latest}: {validate_answers['clean']}; drifted: "
        f"{validate_answers['drifted']} (status, match, effective version, changes)"
    )
    print(
        f"  read_objects: {len(traced)} SQL statements (SQLite expands them into "
        f"{intro.extra['nested_pragmas']} pragma calls inside), per-table peer "
        f"{naive.extra['queries']}; diff_schemas: {len(d.extra['changes'])} changes for "
        f"{synth.variant_changes(size.wide)} planted"
    )
    if len(traced) > 20:
        b.warn(f"driftcheck issued {len(traced)} queries for one read")
    print(f"  total wall time {elapsed:.1f} s")
    for problem in b.problems:
        print(f"  WARNING: {problem}")

    payload = {
        "mode": "quick" if quick else "full",
        "sizes": size.__dict__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "driftcheck": driftcheck.__version__,
        "revision": revision,
        "source": digest,
        "goals": [
            {
                "case": g.case,
                "ratio": None if g.ratio is None else round(g.ratio, 3),
                "goal": g.goal,
                "met": g.met,
                "wrong_answer": g.wrong,
                **g.values,
            }
            for g in goals
        ],
        "results": {
            k: {"median": round(r.median, 6), "min": round(r.min, 6), "n": len(r.samples)}
            for k, r in b.results.items()
            if r.samples
        },
        "ratios": {
            f"{r.subject}/{r.reference}": round(v, 3)
            for row, r in b.ratios.items()
            if (v := b.ratio(row)) is not None
        },
        "facts": facts,
        "warnings": b.problems,
    }
    print("BENCH_JSON " + json.dumps(payload, sort_keys=True))
    return 0


def _goals(b: Bench, size: Sizes, has_sqldiff: bool, has_jobs: bool, latest: str) -> list[Goal]:
    """The rows of issue 9, from the measured medians."""
    m = b.median
    goals: list[Goal] = []

    def against(case: str, key: str, ref_key: str, ref_label: str, limit: float) -> Goal:
        """A goal as a ratio: driftcheck's median over the peer's or floor's."""
        v, ref = m(key), m(ref_key)
        ratio = v / ref if v is not None and ref else None
        return Goal(
            case,
            _fmt(v) if v is not None else "",
            f"{ref_label} {_fmt(ref)}" if ref else "",
            ratio,
            f"<= {limit}x",
            None if ratio is None else ratio <= limit,
            {"driftcheck_s": v, "reference_s": ref},
            (key, ref_key),
        )

    diff_goal = against(
        f"diff a.db b.db ({size.diff_tables:,} tables)",
        "cli_diff",
        "sqldiff",
        "sqldiff --schema",
        0.25,
    )
    if not has_sqldiff:
        diff_goal.reference = "sqldiff not installed"
    goals.append(diff_goal)
    goals.append(
        against(
            f"snapshot, cold ({size.growth:,} migrations)",
            "snapshot_cold",
            "snapshot_floor",
            "sqlite3 floor",
            1.5,
        )
    )
    for key, case, limit in (
        ("snapshot_noop", "snapshot, nothing new", 0.3),
        ("snapshot_one_new", "snapshot, one new migration", 0.5),
        ("validate_one", f"validate 1 db at {latest}, snapshots", 0.3),
    ):
        v = m(key)
        goals.append(
            Goal(
                case,
                _fmt(v) if v is not None else "",
                "",
                None,
                f"<= {limit} s",
                None if v is None else v <= limit,
                {"driftcheck_s": v},
                (key,),
            )
        )
    for n in size.fleet:
        r, f = b.results.get(f"fleet_{n}"), b.results.get(f"fleet_floor_{n}")
        if r is None or f is None or not r.samples or not f.samples:
            continue
        rate = statistics.median(x["rate"] for x in r.runs)
        floor_rate = statistics.median(x["rate"] for x in f.runs)
        stopped = any(x["stopped"] for x in r.runs)
        rss = max(x["rss_kib"] for x in r.runs)
        ratio = rate / floor_rate if floor_rate else None
        goals.append(
            Goal(
                f"validate fleet of {n:,}" + (", --jobs 2" if has_jobs else ", 1 process"),
                f"{rate:,.0f} DB/s, {_rss(rss)}" + (" (STOPPED)" if stopped else ""),
                f"floor {floor_rate:,.0f} DB/s",
                ratio,
                ">= 0.4x rate",
                None if ratio is None else ratio >= 0.4,
                {
                    "driftcheck_db_per_s": round(rate, 1),
                    "floor_db_per_s": round(floor_rate, 1),
                    "driftcheck_s": r.median,
                    "floor_s": f.median,
                    "peak_rss_kib": rss,
                    "floor_peak_rss_kib": max(x["rss_kib"] for x in f.runs),
                    "stopped": stopped,
                    "jobs": 2 if has_jobs else 1,
                },
                (f"fleet_{n}", f"fleet_floor_{n}"),
            )
        )
    v, p = m("version"), m("python_pass")
    goals.append(
        Goal(
            "driftcheck --version",
            _fmt(v) if v is not None else "",
            f"python -c pass {_fmt(p)}" if p is not None else "",
            v / p if v is not None and p else None,
            "<= 0.1 s",
            None if v is None else v <= 0.1,
            {"driftcheck_s": v, "python_pass_s": p},
            ("version", "python_pass"),
        )
    )
    for g in goals:
        g.wrong = bool(b.wrong.intersection(g.keys))
    return goals


if __name__ == "__main__":
    sys.exit(main())
