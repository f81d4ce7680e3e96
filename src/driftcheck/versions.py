"""Migration versions: strings as written, compared by meaning.

`0011` and `11` are the same version; `0.2` sorts before `0.10`; timestamps
compare numerically. A dotted version compares segment by segment, numeric
segments as numbers and others as text (numbers sort before text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_SEGMENT = re.compile(r"\d+|[^\d]+")

VersionKey = tuple[tuple[int, int, str], ...]


def spelled(
    version: str, known: Iterable[str], key: Callable[[str], VersionKey] | None = None
) -> str:
    """`version` as `known` (the migrations) spell it: a store that keeps `10` or `2`
    shows `0010` or `000002`; a version no migration has is shown as stored."""
    k = key or version_key
    wanted = k(version)
    return next((v for v in known if k(v) == wanted), version)


def version_key(version: str) -> VersionKey:
    """A sort key: equal for versions that mean the same (`0011` == `11`)."""
    parts: list[tuple[int, int, str]] = []
    for segment in version.strip().split("."):
        # Split mixed segments ("1a", "rc2") into runs of digits and non-digits so
        # "2" < "10" holds inside them too.
        for run in _SEGMENT.findall(segment) or [""]:
            if run.isdigit():
                parts.append((0, int(run), ""))
            else:
                parts.append((1, 0, run.lower()))
    # Trailing zero segments do not change a dotted version's meaning: 1.2 == 1.2.0.
    while len(parts) > 1 and parts[-1] == (0, 0, ""):
        parts.pop()
    return tuple(parts)
