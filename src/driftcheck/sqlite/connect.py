"""Opening SQLite connections: read-only targets and in-memory replay databases.

Application-defined SQL functions declared in the config are registered on
every connection driftcheck opens, the target's included: reading a view's
columns compiles the view, and a view that calls such a function would fail.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from driftcheck.errors import ConfigError, DatabaseError

_HEADER = b"SQLite format 3\x00"
T = TypeVar("T")
_FUNCTION_DECL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_$]*)\s*(?:/\s*(-?\d+))?\s*$")


@dataclass(frozen=True)
class FunctionStub:
    name: str
    nargs: int  # -1: any number of arguments
    identity: bool  # return the first argument instead of NULL


def parse_function_decls(
    stubs: Iterable[str], identity: Iterable[str] = ()
) -> tuple[FunctionStub, ...]:
    """`["normalize", "BIN2B64/1"]` -> stubs; names in `identity` return their first argument."""
    out: list[FunctionStub] = []
    for option, decls, ident in (("functions", stubs, False), ("identity", identity, True)):
        for decl in decls:
            m = _FUNCTION_DECL.match(str(decl))
            if not m:
                raise ConfigError(
                    f"[replay] {option}: {decl!r} is not a function declaration",
                    hint="write a name, optionally with its number of arguments: "
                    '"normalize" or "BIN2B64/1"',
                )
            out.append(FunctionStub(m.group(1), int(m.group(2)) if m.group(2) else -1, ident))
    return tuple(out)


def _null(*_args: object) -> None:
    return None


def _first(*args: Any) -> Any:
    return args[0] if args else None


# Ctrl-C: Python runs its signal handlers between bytecodes, so a long SQLite
# statement would only notice an interrupt when it finishes. Every connection
# driftcheck opens has a progress handler; the SIGINT handler the command line
# installs sets this flag, and SQLite abandons the running statement at once.
_INTERRUPT = threading.Event()


def _check_interrupt() -> int:
    return 1 if _INTERRUPT.is_set() else 0


def interrupt_requested() -> bool:
    """Whether Ctrl-C was pressed (an SQLite error now may just be the interrupt)."""
    return _INTERRUPT.is_set()


def install_interrupt_handler() -> None:
    """Make Ctrl-C stop a running statement too (main thread of a command only)."""

    def on_sigint(_signum: int, _frame: object) -> None:
        _INTERRUPT.set()
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_sigint)


def register_functions(conn: sqlite3.Connection, functions: Iterable[FunctionStub]) -> None:
    """Declare the application's SQL functions on `conn`, and let Ctrl-C interrupt it."""
    conn.set_progress_handler(_check_interrupt, 10_000)
    for f in functions:
        # Deterministic, so they may appear in indexes, CHECKs and generated columns.
        conn.create_function(f.name, f.nargs, _first if f.identity else _null, deterministic=True)


def open_memory(functions: Iterable[FunctionStub] = ()) -> sqlite3.Connection:
    """A fresh in-memory database in autocommit mode (migrations may BEGIN/COMMIT)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    register_functions(conn, functions)
    return conn


def check_database_file(path: str) -> Path:
    """Fail clearly, before SQLite does, on paths that are not database files."""
    p = Path(path)
    if not p.exists():
        hint = "check the path (driftcheck never creates a database when it reads one)"
        if any(c in path for c in "*?["):
            hint = (
                "this command takes one database, not a pattern: `driftcheck validate "
                "--db 'dir/*.db'` checks every database a pattern matches"
            )
        raise DatabaseError(f"database {path}: no such file", hint=hint, code="database_missing")
    if p.is_dir():
        raise DatabaseError(
            f"database {path}: is a directory, not a SQLite database file",
            hint="pass the database file itself (e.g. data/app.db), not its directory",
            code="database_invalid",
        )
    try:
        with p.open("rb") as fh:
            header = fh.read(len(_HEADER))
    except OSError as exc:
        raise DatabaseError(
            f"database {path}: cannot be read ({exc.strerror})",
            hint="check the file's permissions",
            code="database_unreadable",
        ) from None
    if header and header != _HEADER:
        raise DatabaseError(
            f"database {path}: not a SQLite database "
            "(the file does not start with the SQLite header)",
            hint="pass a SQLite 3 database file",
            code="database_invalid",
        )
    return p


def locked_error(path: str, timeout: float | None = None) -> DatabaseError:
    """The one message for a lock held by another process, whichever lock it is."""
    waited = f" (waited {timeout:g} s)" if timeout is not None else ""
    return DatabaseError(
        f"database {path}: is locked by another process{waited}",
        hint="another writer holds it (perhaps another driftcheck apply); retry when it is "
        "done, or wait longer with --busy-timeout SECONDS (or busy_timeout in the config)",
        code="database_locked",
    )


def database_error(
    path: str, exc: sqlite3.Error, writing: bool = False, timeout: float | None = None
) -> DatabaseError:
    """One clear message for what SQLite says about a database it cannot read (or write)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_READONLY_ROLLBACK":
        return DatabaseError(
            f"database {path}: has a hot journal ({Path(path).name}-journal): a writer "
            "crashed in the middle of a transaction, and only a writer can roll it back; "
            "driftcheck only reads, so it cannot tell what the schema is",
            hint=f"open it once read-write to recover it (e.g. sqlite3 {path} "
            "'PRAGMA quick_check'), then run driftcheck again",
            code="database_hot_journal",
        )
    if name in ("SQLITE_READONLY_RECOVERY", "SQLITE_READONLY_CANTINIT"):
        return DatabaseError(
            f"database {path}: its write-ahead log needs recovery by a writer",
            hint=f"open it once read-write (e.g. sqlite3 {path} 'PRAGMA wal_checkpoint'), "
            "then run driftcheck again",
            code="database_wal_recovery",
        )
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        return locked_error(path, timeout)
    if name.startswith("SQLITE_NOTADB"):
        return DatabaseError(
            f"database {path}: not a SQLite database (or encrypted)",
            hint="pass a SQLite 3 database file",
            code="database_invalid",
        )
    if name.startswith("SQLITE_CORRUPT"):
        return DatabaseError(
            f"database {path}: is damaged: {exc}",
            hint=f"check it with sqlite3 {path} 'PRAGMA integrity_check'; restore a backup",
            code="database_corrupt",
        )
    if writing:
        return DatabaseError(
            f"database {path}: cannot be written: {exc}",
            hint="check that the file and its directory are writable (SQLite needs to create "
            "its journal beside the database) and the file system is not read-only",
            code="database_unwritable",
        )
    return DatabaseError(
        f"database {path}: cannot be read: {exc}",
        hint="check that it is an intact SQLite database and readable by this user",
        code="database_unreadable",
    )


def _is_wal(p: Path) -> bool:
    """The header says WAL mode (file format version numbers 2, bytes 18-19)."""
    with p.open("rb") as fh:
        header = fh.read(20)
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _state(p: Path) -> tuple[object, ...]:
    """What must not change while a database is read without locks."""
    out: list[object] = []
    for f in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm")):
        try:
            st = f.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def read_readonly(
    path: str,
    functions: Iterable[FunctionStub],
    read: Callable[[sqlite3.Connection], T],
    timeout: float = 5.0,
) -> T:
    """Run `read` on the database opened for reading only, leaving no trace beside it.

    `mode=ro` never writes the database, but in WAL mode SQLite creates the `-wal`
    and `-shm` files when they are missing (and leaves them). A WAL database
    without them is fully checkpointed, so it is read with `immutable=1` (no
    files, no locks) and the read is repeated normally if a writer appears
    meanwhile. A WAL database with a log but no `-shm` (a crashed writer) would
    need a `-shm` created: that is refused with a clear message.
    """
    p = check_database_file(path)
    base = p.resolve().as_uri()
    immutable = False
    if _is_wal(p):
        wal = p.with_name(p.name + "-wal")
        shm = p.with_name(p.name + "-shm")
        if not wal.exists() and not shm.exists():
            immutable = True
        elif not shm.exists() and wal.exists() and wal.stat().st_size > 0:
            raise DatabaseError(
                f"database {path}: has an unfinished write-ahead log ({wal.name}) and no "
                f"{shm.name}: a writer crashed; reading it would need driftcheck to create "
                f"{shm.name}, and driftcheck does not write beside a database it reads",
                hint=f"open it once read-write to recover it (e.g. sqlite3 {path} "
                "'PRAGMA wal_checkpoint'), then run driftcheck again",
                code="database_wal_unfinished",
            )
    for attempt in ("immutable", "locked") if immutable else ("locked",):
        before = _state(p)
        uri = base + ("?mode=ro&immutable=1" if attempt == "immutable" else "?mode=ro")
        try:
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout
            )
        except sqlite3.Error as exc:
            raise database_error(path, exc, timeout=timeout) from None
        try:
            register_functions(conn, functions)
            # One read transaction: every query sees the same committed state, so a
            # writer committing in between cannot show a version half-recorded.
            conn.execute("BEGIN")
            result = read(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise database_error(path, exc, timeout=timeout) from None
        finally:
            conn.close()
        if attempt == "locked" or _state(p) == before:
            return result
        # A writer started while we read without locks: read again, with locks.
    raise AssertionError("unreachable")
