"""Opening SQLite connections: read-only targets and in-memory replay databases.

Application-defined SQL functions declared in the config are registered on
every connection driftcheck opens, the target's included: reading a view's
columns compiles the view, and a view that calls such a function would fail.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftcheck.errors import ConfigError, DatabaseError

_HEADER = b"SQLite format 3\x00"
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


def register_functions(conn: sqlite3.Connection, functions: Iterable[FunctionStub]) -> None:
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
        raise DatabaseError(
            f"database {path}: no such file",
            hint="check the path (driftcheck never creates a database when it reads one)",
            code="database_missing",
        )
    if p.is_dir():
        raise DatabaseError(
            f"database {path}: is a directory, not a SQLite database file",
            hint="pass the database file itself, e.g. --db data/app.db",
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


def open_readonly(path: str, functions: Iterable[FunctionStub] = ()) -> sqlite3.Connection:
    """Open a database for reading only: `mode=ro` never creates or writes it."""
    p = check_database_file(path)
    uri = p.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"database {path}: cannot be opened read-only: {exc}",
            hint="check that it is an intact SQLite database and that no crashed writer "
            "left it locked",
            code="database_unreadable",
        ) from None
    register_functions(conn, functions)
    return conn
