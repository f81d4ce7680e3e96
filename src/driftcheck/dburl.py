"""Database arguments: a path, or a URL such as DATABASE_URL holds it.

`--db` accepts `app.db`, `sqlite:app.db`, `sqlite:///abs/app.db` (dbmate),
`sqlite:////abs/app.db` (SQLAlchemy), `sqlite3:...` and `file:app.db?mode=...`.
Reports show the argument as given, with any password, key or token in it
replaced by `***`: a JSON report never carries credentials. `rebase` moves the
relative path of an argument written in a config file onto the file's directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from urllib.parse import unquote

_SCHEMES = ("sqlite3:", "sqlite:", "file:")
_USERINFO = re.compile(r"(://[^/:@?#]*:)[^/@?#]*(@)")
_SECRET_PARAMS = re.compile(
    r"(?i)([?&;](?:password|passwd|pwd|pass|key|hexkey|secret|token|auth)=)[^&;#]*"
)


def database_path(spec: str) -> str:
    """The file a database argument names."""
    lowered = spec.lower()
    scheme = next((s for s in _SCHEMES if lowered.startswith(s)), None)
    if scheme is None:
        return spec
    rest = spec[len(scheme) :].split("?", 1)[0].split("#", 1)[0]
    if rest.startswith("//"):
        authority, _, path = rest[2:].partition("/")
        del authority  # a host or user:password means nothing to SQLite
        absolute = "/" + path
        # SQLAlchemy writes a relative path after three slashes, dbmate an absolute
        # one: take the one that exists.
        if path and not os.path.exists(absolute) and os.path.exists(path):
            rest = path
        else:
            rest = absolute if not absolute.startswith("//") else absolute[1:]
    return unquote(rest)


def rebase(spec: str, place: Callable[[str], str]) -> str:
    """`spec` as written in a file elsewhere, with a relative path moved by `place`.

    `place` maps a path relative to the file's directory to the path to use from here.
    An absolute path is left alone, and so is `:memory:`. A URL keeps its scheme and its
    query (`?mode=ro`); only its path changes. `sqlite:///x.db` is absolute for dbmate
    and relative for SQLAlchemy: it is read as `database_path` reads it (the one that
    exists, absolute when neither does), and a moved relative path is written in the
    unambiguous forms `sqlite:dir/x.db` or `sqlite:////abs/dir/x.db`.
    """
    lowered = spec.lower()
    scheme = next((s for s in _SCHEMES if lowered.startswith(s)), None)
    if scheme is None:
        if not spec or spec.startswith(":memory:") or os.path.isabs(spec):
            return spec
        return place(spec)
    body = spec[len(scheme) :]
    cut = min((i for i in (body.find("?"), body.find("#")) if i >= 0), default=len(body))
    written, tail = body[:cut], body[cut:]
    host = None
    if written.startswith("//"):
        host, _, written = written[2:].partition("/")
    path = unquote(written)
    if not path or path.startswith(":memory:") or os.path.isabs(path):
        return spec
    if host is not None and (os.path.exists("/" + path) or not os.path.exists(place(path))):
        return spec  # three slashes, read as an absolute path
    moved = place(path)
    if moved == path:
        return spec
    # Keep the path as written (its %XX escapes too) behind the new directory.
    # unquote() decodes only %XX: % ? and # are all that must be escaped.
    prefix, written = (moved[: -len(path)], written) if moved.endswith(path) else (moved, "")
    quoted = prefix.replace("%", "%25").replace("?", "%3F").replace("#", "%23") + written
    if host is not None and os.path.isabs(moved):
        return f"{spec[: len(scheme)]}//{host}/{quoted}{tail}"
    return f"{spec[: len(scheme)]}{quoted}{tail}"


def redact(spec: str | None) -> str | None:
    """The argument as given, without secrets."""
    if spec is None:
        return None
    return _SECRET_PARAMS.sub(r"\1***", _USERINFO.sub(r"\1***\2", spec))
