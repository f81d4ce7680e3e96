"""Fleet mode: one check over many databases, with the expected schemas loaded once.

`databases(specs)` expands paths and glob patterns into a sorted, de-duplicated
list; `shard_of` reads `--shard` (or the job runner's environment) and `shard` takes
that slice of the list; `check` yields one outcome per database, in list order, from
this process or from worker processes. A database that cannot be read, or that makes
a worker crash, is an `error` report in the stream, never a stop.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from driftcheck.dburl import is_url, redact
from driftcheck.errors import ConfigError, DatabaseError, DriftcheckError
from driftcheck.report.fleet import Form, Outcome
from driftcheck.settings import Settings

if TYPE_CHECKING:
    from driftcheck.check import ReportMemo
    from driftcheck.expected import Expected
    from driftcheck.report.model import Report

_GLOB = frozenset("*?[")


def is_pattern(spec: str) -> bool:
    """A glob to expand; a URL (`sqlite:`, `file:`, with its `?query`) never is one."""
    return not is_url(spec) and not _GLOB.isdisjoint(spec)


class Spec(NamedTuple):
    """A database or a pattern, and where it was given (for messages)."""

    value: str
    label: str = ""  # "--db 'tenants/*.db'" when empty
    hint: str = "check the pattern (quote it so the shell does not expand it)"


def databases(specs: Sequence[str | Spec]) -> list[str]:
    """The databases `specs` name: paths as given, patterns expanded, sorted, each once
    (`./a.db`, `a.db` and a pattern matching it are one database)."""
    out: dict[str, str] = {}  # identity -> the spelling shown
    for item in specs:
        spec = item if isinstance(item, Spec) else Spec(item)
        if is_pattern(spec.value):
            found = sorted(glob.glob(spec.value, recursive=True))
            if not found:
                label = spec.label or f"--db {redact(spec.value)}"
                raise ConfigError(
                    f"{label}: the pattern matches no file",
                    hint=spec.hint,
                    code="usage",
                )
        else:
            found = [spec.value]
        for path in found:
            out.setdefault(path if is_url(path) else os.path.abspath(path), path)
    return sorted(set(out.values()))


# --------------------------------------------------------------------------
# Shards: the I-th of N slices of the sorted list


@dataclass(frozen=True)
class Slice:
    index: int  # 1-based
    count: int


_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
# Where `--shard auto` looks, in this order: an explicit value beats a job runner's.
SHARD_ENV = "DRIFTCHECK_SHARD"
K8S_INDEX = "JOB_COMPLETION_INDEX"
SLURM_ID = "SLURM_ARRAY_TASK_ID"
SLURM_COUNT = "SLURM_ARRAY_TASK_COUNT"
SLURM_MIN = "SLURM_ARRAY_TASK_MIN"
SLURM_STEP = "SLURM_ARRAY_TASK_STEP"


def shard(paths: Sequence[str], s: Slice) -> list[str]:
    """Round-robin: shard I of N takes every N-th database from the I-th. Shard sizes
    differ by one at most, and databases whose size follows their name (tenant-0001,
    the oldest and largest, first) are spread over all shards rather than piled into
    the first; contiguous slices would keep such a run together."""
    return list(paths[s.index - 1 :: s.count])


def _usage(message: str, hint: str) -> ConfigError:
    return ConfigError(message, hint=hint, code="usage")


def _parse(value: str, name: str) -> Slice:
    """`I/N` as given to --shard or in DRIFTCHECK_SHARD."""
    m = _SHARD.fullmatch(value)
    given = f"{name} {value}" if name.startswith("--") else f"{name}={value}"
    example = f"{name} 1/4" if name.startswith("--") else f"{name}=1/4"
    if m is None:
        auto = ", or auto (from the job runner's environment)" if name == "--shard" else ""
        raise _usage(
            f"{given}: expected I/N, the I-th of N shards (e.g. 2/4){auto}",
            f"write {example} for the first of 4 shards (numbered from 1, as Playwright's "
            "--shard is)",
        )
    index, count = int(m.group(1)), int(m.group(2))
    if count == 0:
        raise _usage(f"{given}: the number of shards must be 1 or more", f"e.g. {example}")
    if not 1 <= index <= count:
        zero = " (counting from 0? add 1)" if index == 0 else ""
        raise _usage(
            f"{given}: shards are numbered from 1 to {count}",
            f"the first is 1/{count}, the last {count}/{count}{zero}",
        )
    return Slice(index, count)


def _int(env: Mapping[str, str], name: str, default: int | None = None) -> int:
    value = env.get(name, "").strip()
    if not value:
        if default is not None:
            return default
        raise _usage(
            f"--shard auto: {SLURM_ID} is set but {name} is not",
            "Slurm sets both for a job array (sbatch --array=0-7); or set "
            f"{SHARD_ENV}=I/N, or pass --shard I/N",
        )
    if not value.lstrip("-").isdigit():
        raise _usage(
            f"--shard auto: {name}={value}: expected a whole number",
            f"set {SHARD_ENV}=I/N instead, or pass --shard I/N",
        )
    return int(value)


def shard_of(
    option: str | None, count: int | None, env: Mapping[str, str] | None = None
) -> Slice | None:
    """The slice asked for: `--shard I/N`, or with `--shard auto` the job runner's
    (DRIFTCHECK_SHARD=I/N, a Slurm array task, a Kubernetes Indexed Job's completion
    index with `--shard-count`); None for no sharding."""
    env = os.environ if env is None else env
    if count is not None and option != "auto":
        raise _usage(
            f"--shard-count {count}: applies to --shard auto only",
            "with --shard I/N the count is N: drop --shard-count"
            if option is not None
            else f"add --shard auto (the index then comes from {K8S_INDEX})",
        )
    if count is not None and count < 1:
        raise _usage(
            f"--shard-count {count}: expected the number of shards, 1 or more",
            "give the Indexed Job's `completions`, e.g. --shard-count 8",
        )
    if option is None:
        return None
    if option != "auto":
        return _parse(option, "--shard")
    if env.get(SHARD_ENV, "").strip():
        found, source = _parse(env[SHARD_ENV], SHARD_ENV), f"{SHARD_ENV}={env[SHARD_ENV]}"
    elif env.get(SLURM_ID, "").strip():
        found, source = _slurm(env), f"{SLURM_COUNT}={env.get(SLURM_COUNT)}"
    elif env.get(K8S_INDEX, "").strip():
        return _kubernetes(env, count)
    else:
        raise _usage(
            "--shard auto: no shard in the environment: none of "
            f"{SHARD_ENV}, {SLURM_ID} (a Slurm array), {K8S_INDEX} (a Kubernetes "
            "Indexed Job) is set",
            f"pass --shard I/N, or set {SHARD_ENV}=I/N (e.g. from a CI matrix)",
        )
    if count is not None and count != found.count:
        raise _usage(
            f"--shard-count {count} disagrees with {source} ({found.count} shards)",
            "drop --shard-count: the environment says how many shards there are",
        )
    return found


def _slurm(env: Mapping[str, str]) -> Slice:
    task, count = _int(env, SLURM_ID), _int(env, SLURM_COUNT)
    low, step = _int(env, SLURM_MIN, 0), _int(env, SLURM_STEP, 1)
    position, off = divmod(task - low, max(step, 1))
    if count < 1 or off or not 0 <= position < count:
        raise _usage(
            f"--shard auto: {SLURM_ID}={task} is not one of {count} tasks from {low} "
            f"in steps of {step}",
            f"use an array of consecutive tasks (sbatch --array=0-{max(count - 1, 0)}), or "
            f"set {SHARD_ENV}=I/N",
        )
    return Slice(position + 1, count)


def _kubernetes(env: Mapping[str, str], count: int | None) -> Slice:
    value = env[K8S_INDEX].strip()
    if not value.isdigit():
        raise _usage(
            f"--shard auto: {K8S_INDEX}={value}: expected a whole number, 0 or more",
            f"set {SHARD_ENV}=I/N instead, or pass --shard I/N",
        )
    if count is None:
        raise _usage(
            f"--shard auto: {K8S_INDEX}={value} (a Kubernetes Indexed Job) needs --shard-count",
            "pass the Job's `completions`, e.g. --shard auto --shard-count 8 (Kubernetes "
            "does not tell a pod how many completions there are)",
        )
    if int(value) >= count:
        raise _usage(
            f"--shard auto: {K8S_INDEX}={value} with --shard-count {count}: completion "
            f"indexes run from 0 to {count - 1}",
            "give --shard-count the Job's `completions`",
        )
    return Slice(int(value) + 1, count)


# --------------------------------------------------------------------------
# Checking


def default_jobs() -> int:
    """The CPUs this process may run on (its affinity mask, which a container's cpuset
    narrows); os.cpu_count() where there is no such mask."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check(
    s: Settings, paths: Sequence[str], jobs: int = 1, form: Form = "line"
) -> Generator[Outcome, None, None]:
    """One outcome per database, in the order of `paths`; the expected schemas are loaded
    once, here. With `jobs` > 1 (and more than one database) worker processes check
    them, each handed the expected schemas once; each report is serialized (`form`)
    where it was made."""
    if not paths:
        return
    from driftcheck.check import ReportMemo
    from driftcheck.expected import expected_schemas

    expected = expected_schemas(s)
    if jobs <= 1 or len(paths) == 1:
        memo = ReportMemo()  # one per run: it holds reports for these settings only
        for path in paths:
            yield _outcome(s, expected, path, form, memo)
        return
    from contextlib import closing

    from driftcheck import workers

    # The replay progress callback stays here: it is done, and would not pickle for spawn.
    shared = dataclasses.replace(s, progress=None)
    results = workers.ordered(
        paths,
        jobs,
        _setup,
        (shared, expected, form),
        _check_one,
        lambda path, how: _lost(path, how, form),
    )
    with closing(results):  # stopping early (Ctrl-C) ends the workers now
        yield from results


def reports(
    s: Settings,
    paths: Sequence[str],
    *,
    loaded: Callable[[Expected | None], None] | None = None,
) -> Generator[Report, None, None]:
    """One report per database, in the order of `paths`, checked in this thread (the
    service's road: it stops between two databases when asked). The expected schemas
    are loaded once; when they cannot be, every database gets that error's report.
    `loaded` is told what was loaded (None: they could not be)."""
    if not paths:
        return
    from driftcheck.check import ReportMemo
    from driftcheck.expected import expected_schemas
    from driftcheck.reporting import error_report

    try:
        expected = expected_schemas(s)
    except DriftcheckError as exc:
        if loaded is not None:
            loaded(None)
        for path in paths:
            yield error_report(exc, path)
        return
    if loaded is not None:
        loaded(expected)
    memo = ReportMemo()
    for path in paths:
        yield _report(s, expected, path, memo)


def _outcome(s: Settings, expected: Expected, path: str, form: Form, memo: ReportMemo) -> Outcome:
    return Outcome.of(_report(s, expected, path, memo), form)


def _report(s: Settings, expected: Expected, path: str, memo: ReportMemo) -> Report:
    from driftcheck.check import validate_report
    from driftcheck.reporting import error_report
    from driftcheck.sqlite.connect import interrupt_requested

    one = dataclasses.replace(s, database=path)
    try:
        report = validate_report(one, expected, memo)
    except DriftcheckError as exc:
        if interrupt_requested():  # SQLite stopped a statement because of Ctrl-C
            raise KeyboardInterrupt from None
        report = error_report(exc, path)
    except Exception as exc:  # a bug, for this database only: the others are still checked
        if os.environ.get("DRIFTCHECK_DEBUG"):
            raise
        report = error_report(
            DriftcheckError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint=f"this is a bug in driftcheck; run `DRIFTCHECK_DEBUG=1 driftcheck "
                f"validate --db {path}` for a traceback and report it",
                code="internal",
            ),
            path,
        )
    return report


# A worker's state, set once by `_setup`.
_WORKER: tuple[Settings, Expected, Form, ReportMemo] | None = None


def _setup(s: Settings, expected: Expected, form: Form) -> None:
    from driftcheck.check import ReportMemo

    global _WORKER
    _WORKER = (s, expected, form, ReportMemo())


def _check_one(path: str) -> Outcome:
    assert _WORKER is not None, "_setup runs first"
    s, expected, form, memo = _WORKER
    return _outcome(s, expected, path, form, memo)


def _lost(path: str, how: str, form: Form) -> Outcome:
    from driftcheck.reporting import error_report

    exc = DatabaseError(
        f"database {path}: the worker process checking it died ({how})",
        hint=f"check it alone: `driftcheck validate --db {path}`; if that crashes too, it is "
        "a bug in driftcheck or SQLite: please report it",
        code="worker_died",
    )
    return Outcome.of(error_report(exc, path), form)
