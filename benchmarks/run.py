"""driftcheck performance benchmarks (`make bench`; `--quick` for a smoke run).

Performance targets live here, never as timed assertions in tests. Every
number is printed next to a peer or a floor measured in the SAME run on the
same machine, so a ratio means something even when the absolute seconds do
not travel between machines.

What is measured (inputs are synthetic and deterministic: see synth.py):

1. replay      1,000 migrations (CREATE TABLE with 5-15 columns, plain /
               unique / partial / expression indexes, ADD and RENAME COLUMN,
               12-step rebuilds, views, triggers, data-only UPDATEs) through
               `driftcheck.replay.replay`.
               floor: SQLite executing the same statements into one
               in-memory database, with no reading back at all.
               `load_migrations` (finding, reading, splitting) is timed apart.
2. introspect  a 1,000-table database (8 columns, FKs, 2 indexes, CHECKs,
               collations) read by `read_readonly` + `read_objects`.
               peer: per-table reflection the way ORMs do it (PRAGMA
               table_xinfo / index_list / index_xinfo / foreign_key_list for
               each table; rows fetched, no model built); SQLAlchemy's
               inspector as a second peer when it is importable.
               Also: driftcheck's own batched queries alone (same SQL, rows
               fetched, no model), which splits its time into SQLite's part
               and the Python that builds the model; and the number of SQL
               statements driftcheck issues (must not grow with the tables).
3. validate    end to end on the 1,000-migration set, against a database
               built by running those migrations (found by exact fingerprint):
               with a fresh replay, with snapshots, and against a DRIFTED copy
               (an index dropped, a column added) so the closest-version
               search runs. `snapshot` itself: the first run (everything), a
               second run with nothing new, and a run after one appended
               migration (which should replay only that one).
4. diff        two 1,000-table schemas that differ in ~20 places
               (`diff_schemas`), cold (first comparison in the process:
               includes normalising SQL with sqlglot) and warm (keys cached).

How to read it:
* `median` and `min` over n repetitions; ratios are median / median.
* "2.00x the floor" on a driftcheck row: driftcheck took twice as long as
  the reference named there. Every ratio has driftcheck's time on top, so
  > 1 always means driftcheck is the slower one. Against a floor (the
  irreducible SQLite work) it is driftcheck's own overhead; against a peer,
  whether the design pays off; against another driftcheck row (first
  snapshot, clean database, warm call), what a feature costs or saves.
* n is 5 (3 for cases of seconds), but no repetition starts once a case has
  used 20 s: a pathologically slow case shows n=1 rather than stretching the
  run, and gets its full n back once it is fixed.
* Sizes count versions/ and manifest.json (what gets committed); the
  git-ignored replay checkpoints in .cache/ are shown apart.
* WARNING lines mean an answer was wrong (e.g. validate did not find the
  clean database clean, or driftcheck's source changed mid-run): the
  timings next to a wrong answer mean little.
* Every driftcheck measurement runs in a fresh interpreter: driftcheck
  memoises DDL parsing and SQL normalisation in module-level caches, so a
  second call in one process would time a warm cache that a CLI run never
  has. Peers and floors have no such caches and run in this process.
* Peer and subject repetitions are interleaved, so background noise and CPU
  frequency changes hit both sides alike.

The last line, `BENCH_JSON {...}`, holds every median, min and ratio for CI
to keep or compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
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
# Workers: one driftcheck measurement in a fresh interpreter


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


def _work_validate(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.check import validate
    from driftcheck.config import Config
    from driftcheck.settings import Settings

    config = Config(expected_schemas=a["expected"]) if a.get("expected") else Config()
    settings = Settings.from_config(config, migrations=a["migrations"], database=a["database"])
    seconds, v = _timed(lambda: validate(settings))
    r = v.report
    return {
        "seconds": seconds,
        "status": r.status,
        "effective_version": r.effective_version,
        "match": r.summary.match if r.summary else None,
        "expected_from": r.migrations.expected_from if r.migrations else None,
        "changes": [f"{c.change} {c.object_type} {c.path}" for c in r.changes],
    }


def _work_snapshot(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck import snapshots
    from driftcheck.migrations import load_migrations

    mset = load_migrations(a["migrations"])
    seconds, result = _timed(lambda: snapshots.snapshot(Path(a["out"]), mset, None, ()))
    return {
        "seconds": seconds,
        "replayed_from": result.replayed_from,
        "files_written": result.files_written,
        "states": len(result.states),
    }


def _work_diff(a: dict[str, Any]) -> dict[str, Any]:
    from driftcheck.diff import diff_schemas
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
    "validate": _work_validate,
    "snapshot": _work_snapshot,
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
# Peers and floors: no driftcheck, no caches, run in this process


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
    extra: dict[str, Any] = field(default_factory=dict)  # from the last repetition

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)


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
        self.verbose = verbose

    def measure(self, reps: int, *cases: Case, budget: float = 20.0) -> list[Result]:
        """Run the cases up to `reps` times, interleaved (ABAB...), so noise hits all alike.

        No repetition starts once the group has used `budget` seconds: a
        pathologically slow case then reports n=1 instead of blowing the time
        limit of the whole run, and gets its full n back once it is fixed.
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
                result.extra = got
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


def _dir_bytes(path: Path, *, cache: bool) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and (".cache" in p.relative_to(path).parts) == cache:
            total += p.stat().st_size
    return total


# --------------------------------------------------------------------------
# Fixtures


def build_database(path: Path, statements: list[str]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for sql in statements:
        conn.execute(sql).fetchall()
    conn.close()


def drift(source: Path, target: Path) -> tuple[str, str]:
    """A copy of `source` with one index dropped and one column added by hand."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        )
    ]
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    index, table = indexes[len(indexes) // 2], tables[len(tables) // 2]
    conn.execute(f'DROP INDEX "{index}"')
    conn.execute(f'ALTER TABLE "{table}" ADD COLUMN hotfix_note TEXT')
    conn.close()
    return index, table


def _statements(migrations: Path) -> list[str]:
    """The statements the way driftcheck splits them (so both sides run the same SQL)."""
    from driftcheck.migrations import load_migrations

    mset = load_migrations(str(migrations))
    return [s.sql for m in mset.migrations for s in m.statements]


# --------------------------------------------------------------------------
# The benchmark


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="small inputs, 2 repetitions: a smoke run of every case",
    )
    ap.add_argument(
        "--reps",
        type=int,
        default=None,
        help="repetitions of the quick cases (default 5; 3 for cases of seconds)",
    )
    ap.add_argument("--keep", metavar="DIR", help="build the fixtures in DIR and keep them")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every repetition")
    ap.add_argument("--worker", nargs=2, metavar=("CASE", "ARGS"), help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)

    if opts.worker:
        case, args = opts.worker
        print(_RESULT + json.dumps(_WORKERS[case](json.loads(args))), flush=True)
        return 0

    n_migrations, n_tables = (200, 250) if opts.quick else (1000, 1000)
    # Cases that take seconds get fewer repetitions, to stay within ~2 minutes.
    reps = opts.reps or (2 if opts.quick else 5)
    heavy = min(reps, 2 if opts.quick else 3)

    started = time.perf_counter()
    if opts.keep:
        work = Path(opts.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
        return _run(work, n_migrations, n_tables, reps, heavy, opts, started)
    with tempfile.TemporaryDirectory(prefix="driftcheck-bench-") as tmp:
        return _run(Path(tmp), n_migrations, n_tables, reps, heavy, opts, started)


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


def _run(
    work: Path,
    n_migrations: int,
    n_tables: int,
    reps: int,
    heavy: int,
    opts: argparse.Namespace,
    started: float,
) -> int:
    import driftcheck

    revision, digest = _git_revision(), _source_digest()
    print(
        f"driftcheck {driftcheck.__version__} ({revision}, source {digest}) | "
        f"Python {platform.python_version()} | SQLite {sqlite3.sqlite_version} | "
        f"{os.cpu_count()} CPUs | {'quick' if opts.quick else 'full'} run"
    )
    print("building fixtures...", flush=True)

    # Workers run in an empty directory: a stray ./expected_schemas or
    # driftcheck.toml in the caller's directory must not change what is timed.
    cwd = work / "cwd"
    cwd.mkdir(exist_ok=True)
    mig = work / "migrations"
    shutil.rmtree(mig, ignore_errors=True)
    synth.write_migrations(mig, n_migrations)
    mig_plus = work / "migrations_plus_one"
    shutil.rmtree(mig_plus, ignore_errors=True)
    shutil.copytree(mig, mig_plus)
    extra_name, extra_sql = synth.extra_migration(n_migrations + 1)
    (mig_plus / extra_name).write_text(extra_sql, encoding="utf-8")

    statements = _statements(mig)
    app_db, drifted_db = work / "app.db", work / "drifted.db"
    for p in (app_db, drifted_db):
        p.unlink(missing_ok=True)
    build_database(app_db, statements)
    dropped_index, altered_table = drift(app_db, drifted_db)

    wide_a, wide_b = work / "wide_a.db", work / "wide_b.db"
    for p, variant in ((wide_a, False), (wide_b, True)):
        p.unlink(missing_ok=True)
        build_database(p, synth.wide_schema(n_tables, variant))

    conn = sqlite3.connect(app_db)
    kinds = dict(
        conn.execute(
            "SELECT type, count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' GROUP BY type"
        ).fetchall()
    )
    conn.close()
    print(
        f"  {n_migrations} migrations, {len(statements)} statements -> "
        + ", ".join(
            f"{kinds.get(k, 0)} {k}{'es' if k == 'index' else 's'}"
            for k in ("table", "index", "view", "trigger")
        )
    )
    print(
        f"  wide schema: {n_tables} tables; variant differs in "
        f"{synth.variant_changes(n_tables)} places"
    )
    print("measuring...", flush=True)

    b = Bench(opts.verbose)
    snap = work / "snapshots"

    # 1. Replay --------------------------------------------------------------
    b.measure(
        reps,
        Case(
            "load",
            f"load_migrations ({n_migrations} files)",
            lambda: _spawn("load", cwd, migrations=str(mig)),
        ),
    )
    b.measure(
        heavy,
        Case(
            "replay",
            f"replay {n_migrations} migrations",
            lambda: _spawn("replay", cwd, migrations=str(mig)),
        ),
        Case(
            "replay_floor", "floor: sqlite3 executes the same SQL", lambda: floor_replay(statements)
        ),
    )
    b.compare("replay", "replay_floor", "the floor")

    # 2. Introspection ---------------------------------------------------------
    intro, naive = b.measure(
        reps,
        Case(
            "introspect",
            f"read_objects, {n_tables} tables",
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
        reps,
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
            heavy,
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

    # 3. Snapshots and validate ---------------------------------------------------
    def fresh_snapshot_dir() -> None:
        shutil.rmtree(snap, ignore_errors=True)

    # The first snapshot is set-up for what follows; timed once (it is a replay
    # plus writing the files).
    b.measure(
        1,
        Case(
            "snapshot_full",
            f"snapshot: first run ({n_migrations} versions)",
            lambda: _spawn("snapshot", cwd, migrations=str(mig), out=str(snap)),
            before=fresh_snapshot_dir,
        ),
    )
    snap_files = _dir_bytes(snap, cache=False)
    snap_cache = _dir_bytes(snap, cache=True)
    pristine = work / "snapshots_pristine"
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(snap, pristine)

    b.measure(
        heavy,
        Case(
            "snapshot_noop",
            "snapshot: second run, nothing new",
            lambda: _spawn("snapshot", cwd, migrations=str(mig), out=str(snap)),
        ),
    )
    b.compare("snapshot_noop", "snapshot_full", "the first run")

    plus = work / "snapshots_plus_one"

    def copy_pristine() -> None:
        shutil.rmtree(plus, ignore_errors=True)
        shutil.copytree(pristine, plus)

    b.measure(
        heavy,
        Case(
            "snapshot_incremental",
            "snapshot: one migration appended",
            lambda: _spawn("snapshot", cwd, migrations=str(mig_plus), out=str(plus)),
            before=copy_pristine,
        ),
    )
    b.compare("snapshot_incremental", "snapshot_full", "the first run")

    b.measure(
        heavy,
        Case(
            "validate_replay",
            "validate, fresh replay (clean db)",
            lambda: _spawn("validate", cwd, migrations=str(mig), database=str(app_db)),
        ),
    )
    b.compare("validate_replay", "replay", "replay alone")
    b.measure(
        reps,
        Case(
            "validate_snapshots",
            "validate, snapshots (clean db)",
            lambda: _spawn(
                "validate", cwd, migrations=str(mig), database=str(app_db), expected=str(snap)
            ),
        ),
    )
    b.measure(
        reps,
        Case(
            "validate_drifted",
            "validate, snapshots (drifted db)",
            lambda: _spawn(
                "validate", cwd, migrations=str(mig), database=str(drifted_db), expected=str(snap)
            ),
        ),
    )
    b.compare("validate_snapshots", "validate_replay", "with replay")
    b.compare("validate_drifted", "validate_snapshots", "the clean db")

    # 4. Diff ------------------------------------------------------------------------
    (d,) = b.measure(
        reps,
        Case(
            "diff",
            f"diff_schemas, {n_tables} tables, cold",
            lambda: _spawn("diff", cwd, left=str(wide_a), right=str(wide_b)),
        ),
    )
    warm = b.results.setdefault(
        "diff_warm", Result("diff_warm", "diff_schemas, same schemas again (warm)")
    )
    warm.samples = [d.extra.pop("warm")]  # the best of 3 warm calls, from the last worker
    b.compare("diff", "diff_warm", "the warm call")

    elapsed = time.perf_counter() - started

    # Report --------------------------------------------------------------------------
    print()
    print_table(
        b,
        [
            ("1. replay", ["load", "replay", "replay_floor"]),
            (
                "2. introspection",
                ["introspect", "introspect_naive", "introspect_sql", "introspect_sqlalchemy"],
            ),
            (
                "3. snapshots and validate",
                [
                    "snapshot_full",
                    "snapshot_noop",
                    "snapshot_incremental",
                    "validate_replay",
                    "validate_snapshots",
                    "validate_drifted",
                ],
            ),
            ("4. diff", ["diff", "diff_warm"]),
        ],
    )
    if not has_sqlalchemy:
        print("  peer sqlalchemy.inspect: skipped (sqlalchemy is not importable)")

    inc = b.results["snapshot_incremental"].extra
    noop = b.results["snapshot_noop"].extra
    clean = b.results["validate_snapshots"].extra
    replayed = b.results["validate_replay"].extra
    drifted = b.results["validate_drifted"].extra
    diff_changes = d.extra["changes"]
    facts = {
        "driftcheck_queries": len(traced),
        "driftcheck_nested_pragmas": intro.extra["nested_pragmas"],
        "naive_queries": naive.extra["queries"],
        "snapshot_bytes": snap_files,
        "snapshot_cache_bytes": snap_cache,
        "snapshot_noop_replayed_from": noop["replayed_from"],
        "snapshot_incremental_replayed_from": inc["replayed_from"],
        "snapshot_incremental_files_written": inc["files_written"],
        "validate_clean": [clean["status"], clean["match"], clean["effective_version"]],
        "validate_replay": [replayed["status"], replayed["match"], replayed["effective_version"]],
        "validate_drifted": [
            drifted["status"],
            drifted["match"],
            drifted["effective_version"],
            len(drifted["changes"]),
        ],
        "diff_changes": len(diff_changes),
        "diff_expected_about": synth.variant_changes(n_tables),
        "validate_snapshots_expected_from": clean["expected_from"],
        "source_changed_during_run": _source_digest() != digest,
        "elapsed_seconds": round(elapsed, 1),
    }
    print(
        f"  SQL statements per read: driftcheck {len(traced)} (which SQLite expands into "
        f"{intro.extra['nested_pragmas']} pragma calls inside), per-table peer "
        f"{naive.extra['queries']}"
    )
    print(
        f"  snapshot dir: {snap_files:,} bytes in versions/ + manifest "
        f"({snap_files / 2**20:.2f} MiB; limit 10 MiB), plus {snap_cache:,} bytes of "
        f"replay checkpoints in .cache/ (git-ignored)"
    )
    print(
        f"  snapshot, nothing new: replayed_from={noop['replayed_from']}; one appended: "
        f"replayed_from={inc['replayed_from']} (of {n_migrations + 1} versions), "
        f"{inc['files_written']} files written"
    )
    print(
        f"  validate clean: {clean['status']}/{clean['match']} at "
        f"{clean['effective_version']}; drifted (dropped {dropped_index}, added "
        f"{altered_table}.hotfix_note): {drifted['status']}/{drifted['match']} at "
        f"{drifted['effective_version']}, {len(drifted['changes'])} changes"
    )
    print(
        f"  diff: {len(diff_changes)} changes found for "
        f"{synth.variant_changes(n_tables)} planted differences"
    )
    print(f"  total wall time {elapsed:.1f} s")

    problems = _sanity(facts, n_migrations)
    for problem in problems:
        print(f"  WARNING: {problem}")

    payload = {
        "mode": "quick" if opts.quick else "full",
        "migrations": n_migrations,
        "tables": n_tables,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "driftcheck": driftcheck.__version__,
        "revision": revision,
        "source": digest,
        "results": {
            k: {"median": round(r.median, 6), "min": round(r.min, 6), "n": len(r.samples)}
            for k, r in b.results.items()
        },
        "ratios": {
            f"{r.subject}/{r.reference}": round(v, 3)
            for row, r in b.ratios.items()
            if (v := b.ratio(row)) is not None
        },
        "facts": facts,
        "warnings": problems,
    }
    print("BENCH_JSON " + json.dumps(payload, sort_keys=True))
    return 0


def _sanity(facts: dict[str, Any], n_migrations: int) -> list[str]:
    """Wrong answers make timings meaningless: say so next to them (never fail the run)."""
    out = []
    if facts["source_changed_during_run"]:
        out.append("driftcheck's source changed during the run: the timings mix two versions")
    if facts["validate_snapshots_expected_from"] != "snapshots":
        out.append("validate with snapshots replayed instead (the snapshots were found stale)")
    last = f"{n_migrations:04d}"
    if facts["validate_clean"] != ["clean", "exact", last]:
        out.append(
            f"validate (snapshots) of the migrated database: {facts['validate_clean']}, "
            f"expected clean/exact at {last}"
        )
    if facts["validate_replay"] != ["clean", "exact", last]:
        out.append(
            f"validate (replay) of the migrated database: {facts['validate_replay']}, "
            f"expected clean/exact at {last}"
        )
    if facts["validate_drifted"][:3] != ["drift", "closest", last]:
        out.append(
            f"validate of the drifted database: {facts['validate_drifted']}, "
            f"expected drift/closest at {last}"
        )
    if facts["snapshot_incremental_replayed_from"] != n_migrations:
        out.append(
            f"incremental snapshot replayed from "
            f"{facts['snapshot_incremental_replayed_from']}, expected {n_migrations}"
        )
    if facts["driftcheck_queries"] > 20:
        out.append(f"driftcheck issued {facts['driftcheck_queries']} queries for one read")
    if facts["snapshot_bytes"] > 10 * 2**20:
        out.append(f"snapshot directory is {facts['snapshot_bytes']:,} bytes (> 10 MiB)")
    return out


if __name__ == "__main__":
    sys.exit(main())
