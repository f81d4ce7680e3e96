"""Database arguments: a path, or a URL such as DATABASE_URL holds it.

`--db` accepts `app.db`, `sqlite:app.db`, `sqlite:///abs/app.db` (dbmate),
`sqlite:////abs/app.db` (SQLAlchemy), `sqlite3:...` and `file:app.db?mode=...`.
Reports show the argument as given, with any password, key or token in it
replaced by `***`: a JSON report never carries credentials.
"""

from __future__ import annotations

import os
import re
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


def redact(spec: str | None) -> str | None:
    """The argument as given, without secrets."""
    if spec is None:
        return None
    return _SECRET_PARAMS.sub(r"\1***", _USERINFO.sub(r"\1***\2", spec))
