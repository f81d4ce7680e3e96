"""Migration history stores: where the application records which versions ran.

`find_store` picks the store (`[history] kind`, or detection by what the
database contains); each store module reads (and, for `apply`, `resolve`,
`repair` and `baseline`, writes) one layout: driftcheck's own table, an
application's table described in the config, `PRAGMA user_version`, and the
tables of Flyway, golang-migrate, dbmate, sqlx, diesel, goose and Prisma Migrate.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from driftcheck.config import HistoryConfig
from driftcheck.history.base import Entry, History, Store, columns_of, ident
from driftcheck.history.dbmate import DbmateStore
from driftcheck.history.diesel import DieselStore
from driftcheck.history.flyway import FlywayStore
from driftcheck.history.golang_migrate import GolangMigrateStore
from driftcheck.history.goose import GooseStore
from driftcheck.history.own import OwnStore
from driftcheck.history.prisma import PrismaStore
from driftcheck.history.sqlx import SqlxStore
from driftcheck.history.table import TableStore
from driftcheck.history.user_version import UserVersionStore, numeric_version
from driftcheck.kinds import HISTORY_STORES
from driftcheck.migrations.model import MigrationSet
from driftcheck.normalize import fold

__all__ = [
    "Entry",
    "Found",
    "History",
    "Store",
    "STORES",
    "find_store",
    "history_tables",
]

STORES: dict[str, type[Store]] = {
    s.kind: s
    for s in (
        OwnStore,
        TableStore,
        UserVersionStore,
        FlywayStore,
        GolangMigrateStore,
        DbmateStore,
        SqlxStore,
        DieselStore,
        GooseStore,
        PrismaStore,
    )
}
if tuple(STORES) != HISTORY_STORES:  # the light list the command line offers
    raise RuntimeError(f"driftcheck.kinds.HISTORY_STORES is out of step with {list(STORES)}")

# Tables that identify a tool by their name alone, in the order they are tried.
_BY_NAME: tuple[type[Store], ...] = (
    OwnStore,
    FlywayStore,
    SqlxStore,
    DieselStore,
    GooseStore,
    PrismaStore,
)


# Tables where migration tools record what ran. They are never part of the
# application's schema: not in validate (whatever --history says), diff,
# inspect or fingerprints, unless the migrations themselves create one.
_TOOL_TABLES = (
    # the stores driftcheck reads and writes
    *(cls.default_table for cls in STORES.values() if cls.default_table),
    # other tools' tables, so that their databases compare clean too
    "ar_internal_metadata",  # Rails (beside schema_migrations)
    "django_migrations",
    "__drizzle_migrations",
    "knex_migrations",
    "knex_migrations_lock",
    "alembic_version",
    "SequelizeMeta",
    "__EFMigrationsHistory",
    "DATABASECHANGELOG",  # Liquibase
    "DATABASECHANGELOGLOCK",
    "atlas_schema_revisions",
    "refinery_schema_history",
    "mikro_orm_migrations",
    "kysely_migration",
    "kysely_migration_lock",
)


def history_tables(config: HistoryConfig) -> frozenset[str]:
    """Folded names of every history table: the known tools' and the configured ones."""
    names = {fold(t) for t in _TOOL_TABLES}
    if config.table:
        names.add(fold(config.table))
    if config.version_pointer is not None:
        names.add(fold(config.version_pointer.table))
    return frozenset(names)


@dataclass
class Found:
    store: Store | None  # None for kind = "none"
    notes: list[str] = field(default_factory=list)
    # History tables of other tools found beside the one read: not schema either.
    others: tuple[str, ...] = ()


def find_store(
    conn: sqlite3.Connection, config: HistoryConfig, migrations: MigrationSet | None
) -> Found:
    """The store to read, and notes on how it was chosen."""
    kind = config.kind
    if kind == "none":
        return Found(None)
    if kind == "auto" and config.table:
        kind = "table"
    if kind != "auto":
        return Found(STORES[kind](config))

    tables = {
        fold(name): name
        for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
    }
    found: list[Store] = [
        cls(config)
        for cls in _BY_NAME
        if cls.default_table is not None and fold(cls.default_table) in tables
    ]
    if "schema_migrations" in tables:
        # Three tools use this name; their columns tell them apart.
        name = tables["schema_migrations"]
        cols = set(columns_of(conn, name))
        with_table = config.model_copy(update={"table": name})
        if {"version", "dirty"} <= cols:
            found.append(GolangMigrateStore(with_table))
        elif {"version_id", "is_applied"} <= cols:
            found.append(GooseStore(with_table))
        elif "version" in cols:
            found.append(DbmateStore(with_table))
    if found:
        # Prefer a store that records something over an empty leftover table.
        chosen = next((st for st in found if _has_rows(conn, st.table)), found[0])
        others = tuple(t for st in found if st is not chosen for t in st.internal_tables())
        notes = []
        if others:
            listed = ", ".join(f"{st.kind}: {st.table}" for st in found)
            notes.append(
                f"several history tables found ({listed}); reading {chosen.kind}'s; "
                "choose with --history"
            )
        return Found(chosen, notes, others)
    versions = [m.version for m in migrations.migrations] if migrations else []
    user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if user_version > 0 and versions and all(numeric_version(v) is not None for v in versions):
        return Found(
            UserVersionStore(config),
            [
                f"no history table; PRAGMA user_version = {user_version} is read as the "
                "recorded version"
            ],
        )
    notes = _history_like(conn, tables, migrations)
    # Nothing recorded anywhere: the first apply creates the store. Migrations written for
    # a tool get that tool's table, so that the tool itself sees what was applied.
    fmt = migrations.format if migrations is not None else ""
    tool = _BY_FORMAT.get(fmt)
    if tool is not None:
        store = tool(config)
        notes.append(
            f"no history yet: the migrations are {fmt} files, so apply records versions in "
            f"{store.table} as {fmt} does (--history chooses another store)"
        )
        return Found(store, notes)
    return Found(OwnStore(config), notes)


# The store each migration tool's own runs keep.
_BY_FORMAT: dict[str, type[Store]] = {
    "flyway": FlywayStore,
    "golang-migrate": GolangMigrateStore,
    "dbmate": DbmateStore,
    "goose": GooseStore,
    "sqlx": SqlxStore,
    "diesel": DieselStore,
    "prisma": PrismaStore,
}


_HISTORY_LIKE = re.compile(
    r"(?:^|_)(?:migrations?|schema_?versions?|schema_?history|changelog|db_?version)(?:_|$)"
    r"|migration_?history|version_?history"
)


def _history_like(
    conn: sqlite3.Connection, tables: dict[str, str], migrations: MigrationSet | None
) -> list[str]:
    """Notes on tables that look like an application's own migration history.

    Left alone they are reported as drift (a table no migration creates); the note says
    how to describe one in the config instead.
    """
    candidates = [(f, n) for f, n in sorted(tables.items()) if _HISTORY_LIKE.search(f)]
    if not candidates:
        return []
    made = " ".join(m.sql for m in migrations.migrations).lower() if migrations else ""
    notes = []
    for folded, name in candidates:
        if folded in made:  # the migrations create it: it is schema
            continue
        version = next((c for c in columns_of(conn, name) if "version" in c), None)
        if version is None:
            continue
        notes.append(
            f"table {name} looks like a migration history (column {version}); if it is "
            f'the application\'s own, describe it in driftcheck.toml: [history] kind = "table", '
            f'table = "{name}", version_column = "{version}"'
        )
    return notes


def _has_rows(conn: sqlite3.Connection, table: str | None) -> bool:
    if table is None:
        return False
    return conn.execute(f"SELECT 1 FROM {ident(table)} LIMIT 1").fetchone() is not None
