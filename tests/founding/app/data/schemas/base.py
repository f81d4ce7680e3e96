"""How the app declares schema versions: a dataclass per version, and a decorator that
registers a module's `{version: SchemaVersion}` dict in a class-level registry.

The class-level dict is the founding bug's home: a long-running process that reloads
the schema modules keeps the definitions it registered first, so `db init` compared the
database against stale versions. driftcheck loads the registry in a fresh process every
time instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SchemaVersion:
    version: int
    name: str
    description: str
    sql_statements: list[str]
    rollback_statements: list[str] | None = None
    created_at: datetime | None = field(default=None, repr=False)


class SchemaRegistry:
    _schemas: dict[str, dict[int, SchemaVersion]] = {}

    @classmethod
    def get(cls, name: str) -> dict[int, SchemaVersion]:
        return cls._schemas[name]


def register_schema(
    name: str,
) -> Callable[[dict[int, SchemaVersion]], dict[int, SchemaVersion]]:
    def register(versions: dict[int, SchemaVersion]) -> dict[int, SchemaVersion]:
        # setdefault: a second registration (a reloaded module) keeps the first one.
        return SchemaRegistry._schemas.setdefault(name, versions)

    return register
