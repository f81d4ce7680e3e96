"""Worker processes: each is set up once, then works through item after item.

`ordered(items, jobs, setup, args, work, lost)` yields `work(item)` for every item, in
the order of `items`, computed in `jobs` processes. What it promises:

- each worker runs `setup(*args)` once (the expected schemas), then many items;
- results come back in input order, and no further than a few items per worker run
  ahead of the next one to yield: what waits in memory does not grow with the input;
- a worker that dies (a crash in SQLite, the OOM killer) costs only the item it was on:
  that item's result is `lost(item, how)`, the rest go to a new worker;
- Ctrl-C is the parent's: workers ignore SIGINT, and the parent, on any exception
  (KeyboardInterrupt included) or when the consumer stops early, ends them at once.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from driftcheck.errors import DriftcheckError

T = TypeVar("T")
R = TypeVar("R")

# Items handed to a worker at a time: it starts the next one without waiting for the
# parent, and a crash re-queues no more than these.
DEPTH = 4
# How far past the next result to yield the workers may run, per worker: results that
# arrive early wait in memory, so this bounds it.
LOOKAHEAD = 8
# Workers that die before they are ready, in a row, before giving up.
START_ATTEMPTS = 3


def context() -> BaseContext:
    """`fork` on Linux while this process has a single thread; else forkserver or spawn.

    fork starts a worker in about a millisecond and hands it the expected schemas (and
    the warm parse caches) by copy-on-write: no pickling, no second import of pydantic
    and sqlglot, which spawn and forkserver pay per worker. Its one danger is a lock held
    by another thread at the moment of the fork, inherited locked for ever; so fork only
    when there is no other thread (the command line never has one when it starts its
    workers; an application embedding driftcheck may). Then forkserver, whose server is
    single-threaded. macOS's system libraries are not fork-safe (Python spawns there),
    and Windows has no fork.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux"):
        if threading.active_count() == 1 and "fork" in methods:
            return multiprocessing.get_context("fork")
        if "forkserver" in methods:
            return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """A Ctrl-C between the fork and the worker's SIG_IGN would kill it with a traceback:
    the child inherits the blocked signal, ignores it, then unblocks it. The parent gets
    its pending SIGINT when the mask is restored."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _serve(
    conn: Connection,
    inherited: list[Connection],
    setup: Callable[..., None],
    args: tuple[Any, ...],
    work: Callable[[Any], Any],
) -> None:
    """A worker's life: set up once, say so, then answer each item of each batch."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for other in inherited:  # a fork copies the parent's ends of the other workers' pipes
        other.close()
    setup(*args)
    try:
        conn.send(None)  # ready
        while True:
            batch = conn.recv()
            if batch is None:
                return
            for index, item in batch:
                conn.send((index, work(item)))
    except (EOFError, OSError):  # the parent is gone: so is the work
        return


class _Worker:
    def __init__(
        self,
        ctx: BaseContext,
        others: list[_Worker],
        setup: Callable[..., None],
        args: tuple[Any, ...],
        work: Callable[[Any], Any],
    ) -> None:
        self.conn, child = ctx.Pipe()
        inherited = [w.conn for w in others] if ctx.get_start_method() == "fork" else []
        self.process = ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, inherited, setup, args, work), daemon=True
        )
        with _sigint_blocked():
            self.process.start()
        child.close()
        self.ready = False
        self.pending: deque[int] = deque()

    def how(self) -> str:
        """How the process ended, in words."""
        self.process.join(5)
        code = self.process.exitcode
        if code is None:
            return "did not exit"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def stop(self, now: bool) -> None:
        if not now and self.process.is_alive():
            with suppress(OSError):
                self.conn.send(None)
            self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process.close()


def ordered(
    items: Sequence[T],
    jobs: int,
    setup: Callable[..., None],
    args: tuple[Any, ...],
    work: Callable[[T], R],
    lost: Callable[[T, str], R],
) -> Generator[R, None, None]:
    """`work(item)` for each item, in order, computed in `jobs` worker processes."""
    ctx = context()
    todo = deque(range(len(items)))  # indexes not yet handed out, ascending
    done: dict[int, R] = {}  # results that arrived before their turn
    following = 0  # the index of the next result to yield
    window = jobs * LOOKAHEAD
    workers: list[_Worker] = []
    failed_starts = 0
    finished = False

    def hire() -> None:
        try:
            workers.append(_Worker(ctx, workers, setup, args, work))
        except OSError as exc:  # fork: EAGAIN (a process limit), ENOMEM
            raise DriftcheckError(
                f"cannot start a worker process: {exc.strerror or exc}",
                hint="use fewer workers (--jobs N), or none: --jobs 1",
                code="workers",
            ) from None

    def read(w: _Worker) -> bool:
        """Take what `w` has sent; False once it is gone."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if message is None:
                    w.ready = True
                    continue
                index, result = message
                w.pending.remove(index)
                done[index] = result
        except (EOFError, OSError):
            return False
        return True

    def bury(w: _Worker) -> None:
        nonlocal failed_starts
        workers.remove(w)
        how = w.how()
        w.stop(now=True)
        if not w.ready:
            failed_starts += 1
            if failed_starts >= START_ATTEMPTS:
                raise DriftcheckError(
                    f"worker processes end as they start ({how})",
                    hint="check without worker processes: --jobs 1",
                    code="workers",
                )
        elif w.pending:
            failed_starts = 0
            index = w.pending.popleft()  # a worker answers its batch in order
            done[index] = lost(items[index], how)
        todo.extendleft(reversed(w.pending))
        left = len(todo) + sum(len(x.pending) for x in workers)
        if left > len(workers):
            hire()

    try:
        for _ in range(min(jobs, len(items))):
            hire()
        while following < len(items):
            if following in done:
                result = done.pop(following)
                following += 1
                yield result
                continue
            for w in workers:
                batch: list[tuple[int, T]] = []
                while (
                    w.ready
                    and todo
                    and len(w.pending) + len(batch) < DEPTH
                    and todo[0] < following + window
                ):
                    index = todo.popleft()
                    batch.append((index, items[index]))
                if batch:
                    try:
                        w.conn.send(batch)
                    except OSError:
                        # It has just died (`wait` says so next): the batch waits for another.
                        todo.extendleft(index for index, _ in reversed(batch))
                        continue
                    w.pending.extend(index for index, _ in batch)
            ready = set(wait([w.conn for w in workers] + [w.process.sentinel for w in workers]))
            for w in list(workers):
                # Everything a worker sent before it died is read first: only the item it
                # was on is lost.
                if (w.conn in ready or w.process.sentinel in ready) and (
                    not read(w) or w.process.sentinel in ready
                ):
                    bury(w)
        finished = True
    finally:
        for w in workers:
            w.stop(now=not finished)
