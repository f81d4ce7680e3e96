"""Database arguments: a path, or a URL such as DATABASE_URL holds it.

`--db` accepts `app.db`, `sqlite:app.db`, `sqlite:/abs/app.db`, `sqlite3:...` and
`file:app.db?mode=...`. After `//`, `sqlite:` and `sqlite3:` URLs read as SQLAlchemy
reads them: `sqlite:///app.db` is the relative `app.db`, `sqlite:////abs/app.db` the
absolute `/abs/app.db`. `file:` URIs read as SQLite reads them: `file:///abs/app.db`
is absolute. A URL naming a host is an error: SQLite opens local files only, and
dropping the host would open (or create) some other file. A URL with `mode=ro` or
`immutable=1` asks for read-only access: `read_only_url` says so, and commands that
write refuse it (`require_writable`).

Reports show the argument as given, with any password, key or token in it
replaced by `***`: a JSON report never carries credentials. `rebase` moves the
relative path of an argument written in a config file onto the file's directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from driftcheck.errors import ConfigError, DatabaseError

_SCHEMES = ("sqlite3:", "sqlite:", "file:")
_USERINFO = re.compile(r"(://[^/:@?#]*:)[^/@?#]*(@)")
_SECRET_PARAMS = re.compile(
    r"(?i)([?&;](?:password|passwd|pwd|pass|key|hexkey|secret|token|auth)=)[^&;#]*"
)
# SQLite's own URI rule: the authority, if any, is empty or "localhost".
_LOCAL_HOSTS = ("", "localhost")
# sqlite3_uri_boolean's true values.
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class _Url:
    scheme: str  # as written ("sqlite:"), "" for a plain path
    authority: str | None  # what follows "//" up to the path, None without "//"
    written: str  # the path as written (still %-escaped in a URL)
    tail: str  # "?query#fragment" as written

    @property
    def path(self) -> str:
        """The file, as SQLite will be given it."""
        if not self.scheme:
            return self.written
        written = self.written
        if self.authority is not None and self.scheme.lower() != "file:":
            # SQLAlchemy: the slash after the authority only separates it, so
            # sqlite:///app.db is app.db and sqlite:////srv/app.db is /srv/app.db.
            written = written[1:]
        return unquote(written)

    @property
    def query(self) -> list[tuple[str, str]]:
        query = self.tail.partition("#")[0].removeprefix("?")
        return parse_qsl(query, keep_blank_values=True)


def _split(spec: str) -> _Url:
    lowered = spec.lower()
    scheme = next((s for s in _SCHEMES if lowered.startswith(s)), None)
    if scheme is None:
        return _Url("", None, spec, "")
    body = spec[len(scheme) :]
    cut = min((i for i in (body.find("?"), body.find("#")) if i >= 0), default=len(body))
    written, tail = body[:cut], body[cut:]
    authority = None
    if written.startswith("//"):
        authority, slash, rest = written[2:].partition("/")
        written = slash + rest
    return _Url(spec[: len(scheme)], authority, written, tail)


def url_problem(spec: str) -> tuple[str, str] | None:
    """Why a database argument names no local file: (problem, hint), or None when it does.

    The problem reads after the URL: "names a host (db.example.com): ..."."""
    url = _split(spec)
    if url.authority is not None and url.authority.lower() not in _LOCAL_HOSTS:
        host = url.authority.rpartition("@")[2]
        absolute = f"{url.scheme}{'///' if url.scheme.lower() == 'file:' else '////'}abs/app.db"
        if "@" in url.authority or ":" in url.authority:
            fix = f"write the file's path, e.g. {url.scheme}app.db or {absolute}"
        else:  # golang-migrate's sqlite3://dir/app.db means the relative dir/app.db
            relative = f"{url.scheme}{url.authority}{url.written}"
            fix = f"for the relative path write {relative}; "
            fix += f"for an absolute one write e.g. {absolute}"
        problem = f"names a host ({host}): SQLite opens local files only"
        return problem, fix
    if url.scheme and not url.path:
        return "names no file", f"write e.g. {url.scheme}app.db"
    return None


def _parse(spec: str) -> _Url:
    problem = url_problem(spec)
    if problem is not None:
        raise ConfigError(
            f"database URL {redact(spec)} {problem[0]}", hint=problem[1], code="usage"
        )
    return _split(spec)


def is_url(spec: str) -> bool:
    """Whether `spec` is a database URL (`sqlite:`, `sqlite3:`, `file:`), not a path."""
    return spec.lower().startswith(_SCHEMES)


def database_path(spec: str) -> str:
    """The file a database argument names; a URL naming a host is a ConfigError."""
    return _parse(spec).path


def read_only_url(spec: str) -> str | None:
    """The query parameter by which a URL asks for read-only access, as written
    (`mode=ro`, `immutable=1`), or None: such a database must never be written."""
    url = _split(spec)
    for key, value in url.query:
        if key.lower() == "mode" and value.lower() == "ro":
            return f"{key}={value}"
        if key.lower() == "immutable" and value.lower() in _TRUE:
            return f"{key}={value}"
    return None


def require_writable(spec: str, command: str) -> None:
    """Refuse to write a database whose URL asks for read-only access (a DatabaseError)."""
    param = read_only_url(spec)
    if param is not None:
        raise DatabaseError(
            f"database URL {redact(spec)} asks for read-only access ({param}), "
            f"and {command} writes to the database",
            hint=f"drop {param} from the URL to let {command} write to it "
            "(validate, plan and diff only read, and take it as it is)",
            code="database_read_only",
        )


def rebase(spec: str, place: Callable[[str], str]) -> str:
    """`spec` as written in a file elsewhere, with a relative path moved by `place`.

    `place` maps a path relative to the file's directory to the path to use from here.
    An absolute path is left alone, and so is `:memory:`. A URL keeps its scheme and its
    query (`?mode=ro`); only its path changes, read as `database_path` reads it
    (`sqlite:///x.db` is relative, `file:///x.db` absolute). A moved path is written
    `sqlite:dir/x.db` when relative, and `sqlite:////abs/dir/x.db` when absolute after
    a `//` (so the URL keeps its form).
    """
    url = _parse(spec)
    path = url.path
    if not path or path.startswith(":memory:") or os.path.isabs(path):
        return spec
    moved = place(path)
    if moved == path:
        return spec
    if not url.scheme:
        return moved
    # Keep the path as written (its %XX escapes too) behind the new directory.
    # unquote() decodes only %XX: % ? and # are all that must be escaped.
    written = url.written
    if url.authority is not None:
        written = written[1:]  # path() dropped the separating slash (file: paths are absolute)
    prefix, written = (moved[: -len(path)], written) if moved.endswith(path) else (moved, "")
    quoted = prefix.replace("%", "%25").replace("?", "%3F").replace("#", "%23") + written
    if url.authority is not None and os.path.isabs(moved):
        return f"{url.scheme}///{quoted}{url.tail}"  # four slashes: absolute
    return f"{url.scheme}{quoted}{url.tail}"


def redact(spec: str | None) -> str | None:
    """The argument as given, without secrets."""
    if spec is None:
        return None
    return _SECRET_PARAMS.sub(r"\1***", _USERINFO.sub(r"\1***\2", spec))
