"""Synthetic, deterministic inputs for the benchmarks (stdlib only).

Two generators:

* `write_migrations(directory, count, seed)` writes a plain-format migrations
  directory (`0001_create_users.sql`, ...) that looks like a long-lived
  application's history: CREATE TABLE with 5-15 columns (defaults, CHECKs,
  collations, FKs, a generated column now and then), plain / unique / partial /
  expression indexes, ADD COLUMN, RENAME COLUMN, table rebuilds in SQLite's
  12-step form (views dropped and re-created around them), views, triggers
  and a few data-only migrations. The generator keeps its own small model of
  the schema so that every statement is valid when replayed in order.

* `wide_schema(tables, variant)` returns the DDL of a database with many
  similar tables (about 8 columns, FKs, 2 indexes, some CHECKs and
  collations). With `variant=True` the same schema differs in ~20 places, for
  the diff benchmark; `variant_changes()` says how many.

Both are pure functions of their arguments: the same seed gives the same bytes,
so timings from different runs and machines compare the same work.
"""

from __future__ import annotations

import random
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------
# Migration history


@dataclass
class _Col:
    name: str
    kind: str
    type: str
    # Constraint text after the type, with {c} for the column's current name:
    # SQLite rewrites CHECKs on RENAME COLUMN, and so must our model.
    tail: str = ""
    ref: str | None = None  # FK target table
    generated: bool = False
    pinned: bool = False  # used by a table-level constraint: never dropped by a rebuild

    def sql(self) -> str:
        text = f"{self.name} {self.type}{self.tail.format(c=self.name)}"
        if self.ref:
            action = "CASCADE" if len(self.name) % 2 else "SET NULL"
            text += f" REFERENCES {self.ref}(id) ON DELETE {action}"
        return text


@dataclass
class _Table:
    name: str
    cols: list[_Col]
    uniques: list[list[str]] = field(default_factory=list)  # table-level UNIQUE (cols)

    def col(self, name: str) -> _Col:
        return next(c for c in self.cols if c.name == name)

    def create_sql(self, name: str | None = None) -> str:
        lines = ["id INTEGER PRIMARY KEY"] + [c.sql() for c in self.cols]
        lines += [f"UNIQUE ({', '.join(u)})" for u in self.uniques]
        body = ",\n  ".join(lines)
        return f"CREATE TABLE {name or self.name} (\n  {body}\n);"


@dataclass
class _Index:
    name: str
    table: str
    cols: list[str]
    unique: bool = False
    expr: str | None = None  # "lower({c})": an expression over cols[0]
    where: str | None = None  # partial index: "{c} IS NOT NULL" over cols[0]
    desc: bool = False

    def sql(self) -> str:
        if self.expr:
            keys = self.expr.format(c=self.cols[0])
        else:
            keys = ", ".join(self.cols) + (" DESC" if self.desc else "")
        text = (
            f"CREATE {'UNIQUE ' if self.unique else ''}INDEX {self.name} ON {self.table} ({keys})"
        )
        if self.where:
            text += " WHERE " + self.where.format(c=self.cols[0])
        return text + ";"


@dataclass
class _View:
    name: str
    table: str
    cols: list[str]
    join: tuple[str, str, str] | None = None  # (other table, fk column, other's column)
    filter: str | None = None  # a status column: "WHERE t.c <> 'archived'"

    @property
    def tables(self) -> set[str]:
        return {self.table} | ({self.join[0]} if self.join else set())

    def sql(self) -> str:
        select = ["t.id"] + [f"t.{c}" for c in self.cols]
        source = f"{self.table} AS t"
        if self.join:
            other, fk, other_col = self.join
            select.append(f"o.{other_col} AS {other}_{other_col}")
            source += f" LEFT JOIN {other} AS o ON o.id = t.{fk}"
        text = f"CREATE VIEW {self.name} AS\n  SELECT {', '.join(select)}\n  FROM {source}"
        if self.filter:
            text += f"\n  WHERE t.{self.filter} <> 'archived'"
        return text + ";"


@dataclass
class _Trigger:
    name: str
    table: str
    event: str  # "INSERT" | "DELETE" | "UPDATE"
    col: str | None = None  # UPDATE OF col

    def sql(self) -> str:
        row = "OLD" if self.event == "DELETE" else "NEW"
        head = f"CREATE TRIGGER {self.name} AFTER "
        if self.event == "UPDATE":
            head += (
                f"UPDATE OF {self.col} ON {self.table}\nWHEN OLD.{self.col} IS NOT NEW.{self.col}"
            )
        else:
            head += f"{self.event} ON {self.table}"
        return (
            f"{head}\nBEGIN\n  INSERT INTO audit_log (tbl, row_id, action)\n"
            f"  VALUES ('{self.table}', {row}.id, '{self.event.lower()}');\nEND;"
        )


# fmt: off
_NOUNS = (
    "users", "accounts", "orders", "invoices", "payments", "products", "carts", "shipments",
    "addresses", "reviews", "tags", "projects", "tasks", "comments", "teams", "members",
    "sessions", "events", "documents", "folders", "subscriptions", "plans", "coupons",
    "refunds", "tickets", "messages", "channels", "webhooks", "api_keys", "devices",
    "locations", "vendors", "warehouses", "stock_moves",
)
_WORDS = (
    "title", "label", "note", "code", "email", "slug", "state", "score", "total", "price",
    "weight", "rank", "priority", "kind", "source", "region", "locale", "color", "summary",
    "body", "version", "quantity", "balance", "ref", "handle",
)
# fmt: on


class _History:
    """The generator's model of the schema, and the migrations that change it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tables: dict[str, _Table] = {}
        self.indexes: dict[str, _Index] = {}
        self.views: dict[str, _View] = {}
        self.triggers: dict[str, _Trigger] = {}
        self.serial = 0

    # -- naming ------------------------------------------------------------
    def _fresh(self, base: str, taken: Container[str]) -> str:
        name = base
        while name in taken or name in self.tables or name in self.views:
            self.serial += 1
            name = f"{base}_{self.serial}"
        return name

    def _column(self, table: _Table | None, *, create: bool) -> _Col:
        """A new column; in CREATE TABLE (create=True) anything goes, in ADD COLUMN
        only what SQLite allows (no CURRENT_TIMESTAMP default, no UNIQUE)."""
        rng = self.rng
        taken = {c.name for c in table.cols} if table else set()
        kinds = ["counter", "label", "status", "ref", "amount", "flag", "blob", "json", "fk"]
        if create:
            kinds += ["stamp", "stamp", "generated"]
        kind = rng.choice(kinds)
        word = rng.choice(_WORDS)
        if kind == "fk":
            targets = [t for t in self.tables if t != "audit_log"]
            if not targets:
                kind = "label"
            else:
                ref = rng.choice(targets)
                name = self._fresh(f"{ref.rstrip('s')}_id", taken)
                return _Col(name, kind, "INTEGER", ref=ref)
        name = self._fresh(
            word if kind != "stamp" else rng.choice(("created_at", "updated_at")), taken
        )
        if kind == "counter":
            tail = " NOT NULL DEFAULT 0" + (" CHECK ({c} >= 0)" if rng.random() < 0.5 else "")
            return _Col(name, kind, rng.choice(("INTEGER", "INT", "BIGINT")), tail)
        if kind == "label":
            coll = " COLLATE NOCASE" if rng.random() < 0.3 else ""
            return _Col(
                name, kind, rng.choice(("TEXT", "VARCHAR(255)")), f" NOT NULL DEFAULT ''{coll}"
            )
        if kind == "status":
            return _Col(
                name,
                kind,
                "TEXT",
                " NOT NULL DEFAULT 'new' CHECK ({c} IN ('new', 'active', 'archived'))",
            )
        if kind == "ref":
            unique = " UNIQUE" if create and rng.random() < 0.3 else ""
            return _Col(name, kind, "TEXT", f" COLLATE NOCASE{unique}")
        if kind == "amount":
            return _Col(name, kind, rng.choice(("NUMERIC(12,2)", "REAL", "DECIMAL")))
        if kind == "flag":
            return _Col(name, kind, "BOOLEAN", " NOT NULL DEFAULT FALSE")
        if kind == "blob":
            return _Col(name, kind, "BLOB")
        if kind == "json":
            return _Col(name, kind, "TEXT", " CHECK ({c} IS NULL OR json_valid({c}))")
        if kind == "stamp":
            return _Col(name, kind, "TEXT", " NOT NULL DEFAULT CURRENT_TIMESTAMP")
        # generated: computed from the rowid alias, which is never renamed or dropped
        return _Col(name, kind, "INTEGER", " GENERATED ALWAYS AS (id * 2) VIRTUAL", generated=True)

    # -- operations: each returns SQL text, or None when it does not apply -------
    def create_table(self) -> tuple[str, str]:
        base = self.rng.choice(_NOUNS)
        name = self._fresh(base, self.tables)
        table = _Table(name, [])
        for _ in range(self.rng.randint(4, 14)):  # + id: 5-15 columns
            table.cols.append(self._column(table, create=True))
        refs = [c for c in table.cols if c.kind == "ref"]
        if len(refs) >= 2 and self.rng.random() < 0.5:
            table.uniques.append([refs[0].name, refs[1].name])
            refs[0].pinned = refs[1].pinned = True
        self.tables[name] = table
        sql = [table.create_sql()]
        for col in [c for c in table.cols if c.ref][:2]:  # FK columns want an index
            sql.append(self._new_index(table, col, plain=True).sql())
        return f"create_{name}", "\n\n".join(sql)

    def _new_index(self, table: _Table, col: _Col, plain: bool = False) -> _Index:
        name = self._fresh(f"ix_{table.name}_{col.name}", self.indexes)
        idx = _Index(name, table.name, [col.name])
        roll = 1.0 if plain else self.rng.random()
        if roll < 0.2 and col.kind in ("label", "ref"):
            idx.expr = "lower({c})"
        elif roll < 0.4 and col.kind in ("ref", "amount", "json", "fk"):
            idx.where = "{c} IS NOT NULL"
            idx.unique = col.kind == "ref" and self.rng.random() < 0.5
        elif roll < 0.6:
            others = [c.name for c in table.cols if c is not col and not c.generated]
            if others:
                idx.cols.append(self.rng.choice(others))
            idx.desc = self.rng.random() < 0.5
        self.indexes[name] = idx
        return idx

    def create_index(self) -> tuple[str, str] | None:
        table = self._pick_table()
        if table is None:
            return None
        cols = [c for c in table.cols if not c.generated]
        if not cols:
            return None
        idx = self._new_index(table, self.rng.choice(cols))
        return f"index_{table.name}", idx.sql()

    def add_column(self) -> tuple[str, str] | None:
        table = self._pick_table()
        if table is None:
            return None
        col = self._column(table, create=False)
        table.cols.append(col)
        return (f"add_{table.name}_{col.name}", f"ALTER TABLE {table.name} ADD COLUMN {col.sql()};")

    def rename_column(self) -> tuple[str, str] | None:
        table = self._pick_table()
        if table is None or not table.cols:
            return None
        col = self.rng.choice(table.cols)
        new = self._fresh(
            f"{col.name}_{self.rng.choice(('v2', 'old', 'new', 'x'))}", {c.name for c in table.cols}
        )
        old = col.name
        # SQLite rewrites every reference (indexes, views, triggers, constraints): so do we.
        col.name = new
        for u in table.uniques:
            u[:] = [new if c == old else c for c in u]
        for idx in self.indexes.values():
            if idx.table == table.name:
                idx.cols = [new if c == old else c for c in idx.cols]
        for v in self.views.values():
            if v.table == table.name:
                v.cols = [new if c == old else c for c in v.cols]
                if v.filter == old:
                    v.filter = new
                if v.join and v.join[1] == old:
                    v.join = (v.join[0], new, v.join[2])
            if v.join and v.join[0] == table.name and v.join[2] == old:
                v.join = (v.join[0], v.join[1], new)
        for t in self.triggers.values():
            if t.table == table.name and t.col == old:
                t.col = new
        return (
            f"rename_{table.name}_{old}",
            f"ALTER TABLE {table.name} RENAME COLUMN {old} TO {new};",
        )

    def rebuild(self) -> tuple[str, str] | None:
        """SQLite's 12-step ALTER: what migration tools emit for anything ALTER cannot do."""
        table = self._pick_table()
        if table is None:
            return None
        droppable = [c for c in table.cols if not c.pinned and not c.generated]
        what = self.rng.choice(("drop", "retype", "check"))
        dropped: str | None = None
        added: str | None = None  # a new column: nothing to copy into it
        if what == "drop" and droppable:
            col = self.rng.choice(droppable)
            table.cols.remove(col)
            dropped = col.name
        elif what == "retype" and droppable:
            col = self.rng.choice(droppable)
            col.type = {
                "INTEGER": "BIGINT",
                "INT": "INTEGER",
                "REAL": "NUMERIC(14,4)",
                "TEXT": "VARCHAR(500)",
            }.get(col.type, "TEXT")
        else:
            counters = [c for c in table.cols if c.kind == "counter" and "CHECK" not in c.tail]
            if counters:
                counters[0].tail += " CHECK ({c} >= 0)"
            else:
                added = self._fresh("revision", {c.name for c in table.cols})
                table.cols.append(_Col(added, "counter", "INTEGER", " NOT NULL DEFAULT 1"))

        # Objects that die with the old table or refer to it, minus what used the dropped column.
        views = [v for v in self.views.values() if table.name in v.tables]
        for v in views:
            v.cols = [c for c in v.cols if not (v.table == table.name and c == dropped)]
            if v.filter == dropped and v.table == table.name:
                v.filter = None
            if v.join and (
                (v.table == table.name and v.join[1] == dropped)
                or (v.join[0] == table.name and v.join[2] == dropped)
            ):
                v.join = None
        indexes = [i for i in self.indexes.values() if i.table == table.name]
        for i in [i for i in indexes if dropped in i.cols]:
            del self.indexes[i.name]
        triggers = [t for t in self.triggers.values() if t.table == table.name]
        for t in [t for t in triggers if t.col == dropped]:
            del self.triggers[t.name]

        kept = [c.name for c in table.cols if not c.generated and c.name != added]
        copy = ", ".join(["id"] + kept)
        tmp = f"new_{table.name}"
        sql = ["PRAGMA foreign_keys = OFF;", "BEGIN;"]
        sql += [f"DROP VIEW {v.name};" for v in views]
        sql += [
            table.create_sql(tmp),
            f"INSERT INTO {tmp} ({copy})\n  SELECT {copy} FROM {table.name};",
            f"DROP TABLE {table.name};",
            f"ALTER TABLE {tmp} RENAME TO {table.name};",
        ]
        sql += [i.sql() for i in self.indexes.values() if i.table == table.name]
        sql += [t.sql() for t in self.triggers.values() if t.table == table.name]
        sql += [v.sql() for v in views]
        sql += ["PRAGMA foreign_key_check;", "COMMIT;", "PRAGMA foreign_keys = ON;"]
        return f"rebuild_{table.name}", "\n".join(sql)

    def create_view(self) -> tuple[str, str] | None:
        table = self._pick_table()
        if table is None:
            return None
        plain = [c.name for c in table.cols if not c.generated]
        name = self._fresh(f"v_{table.name}", self.views)
        view = _View(name, table.name, self.rng.sample(plain, min(len(plain), 3)))
        statuses = [c.name for c in table.cols if c.kind == "status"]
        if statuses:
            view.filter = statuses[0]
        fks = [(c.name, c.ref) for c in table.cols if c.ref and c.ref in self.tables]
        if fks:
            fk, ref = self.rng.choice(fks)
            other = [c.name for c in self.tables[ref].cols if not c.generated]
            if other:
                view.join = (ref, fk, self.rng.choice(other))
        self.views[name] = view
        return f"view_{table.name}", view.sql()

    def create_trigger(self) -> tuple[str, str] | None:
        table = self._pick_table()
        if table is None:
            return None
        event = self.rng.choice(("INSERT", "DELETE", "UPDATE"))
        col = None
        if event == "UPDATE":
            col = self.rng.choice([c.name for c in table.cols if not c.generated] or ["id"])
        name = self._fresh(f"trg_{table.name}_{event.lower()}", self.triggers)
        trig = _Trigger(name, table.name, event, col)
        self.triggers[name] = trig
        return f"trigger_{table.name}", trig.sql()

    def drop_something(self) -> tuple[str, str] | None:
        if self.views and self.rng.random() < 0.5:
            name = self.rng.choice(sorted(self.views))
            del self.views[name]
            return f"drop_{name}", f"DROP VIEW {name};"
        if self.indexes:
            name = self.rng.choice(sorted(self.indexes))
            del self.indexes[name]
            return f"drop_{name}", f"DROP INDEX {name};"
        return None

    def data(self) -> tuple[str, str] | None:
        """Data-only: seed rows, or backfill a column. The schema does not change."""
        table = self._pick_table()
        if table is None:
            return None
        sql = [f"INSERT INTO {table.name} DEFAULT VALUES;" for _ in range(self.rng.randint(1, 3))]
        counters = [c for c in table.cols if c.kind == "counter"]
        statuses = [c for c in table.cols if c.kind == "status"]
        if counters:
            c = counters[0].name
            sql.append(f"UPDATE {table.name} SET {c} = {c} + 1 WHERE id % 3 = 0;")
        if statuses:
            c = statuses[0].name
            sql.append(f"UPDATE {table.name} SET {c} = 'active' WHERE {c} = 'new';")
        return f"backfill_{table.name}", "\n".join(sql)

    def _pick_table(self) -> _Table | None:
        names = [t for t in self.tables if t != "audit_log"]
        return self.tables[self.rng.choice(names)] if names else None


# Relative frequency of each kind of migration.
_MIX = (
    ("create_table", 20),
    ("create_index", 18),
    ("add_column", 16),
    ("rename_column", 8),
    ("rebuild", 8),
    ("create_view", 9),
    ("create_trigger", 7),
    ("data", 8),
    ("drop_something", 4),
)

_AUDIT_LOG = """CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_id INTEGER,
  action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX ix_audit_log_tbl_row ON audit_log (tbl, row_id);"""


def migration_texts(count: int, seed: int = 20240611) -> list[tuple[str, str]]:
    """(file name, SQL) of `count` migrations, in order."""
    h = _History(seed)
    h.tables["audit_log"] = _Table("audit_log", [])  # never rebuilt, renamed or dropped
    out = [("0001_create_audit_log.sql", _AUDIT_LOG + "\n")]
    kinds = [k for k, _ in _MIX]
    weights = [w for _, w in _MIX]
    while len(out) < count:
        # Early on most migrations create tables; later the mix takes over.
        kind = "create_table" if len(h.tables) < 6 else h.rng.choices(kinds, weights)[0]
        parts: list[tuple[str, str]] = []
        for _ in range(1 if h.rng.random() < 0.7 else 2):
            made = getattr(h, kind)()
            if made is not None:
                parts.append(made)
            kind = h.rng.choices(kinds, weights)[0]
        if not parts:
            continue
        version = len(out) + 1
        name = parts[0][0][:60]
        header = f"-- Migration {version}: {name.replace('_', ' ')}\n"
        out.append(
            (f"{version:04d}_{name}.sql", header + "\n\n".join(sql for _, sql in parts) + "\n")
        )
    return out


def write_migrations(directory: Path, count: int, seed: int = 20240611) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for file, text in migration_texts(count, seed):
        p = directory / file
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def extra_migration(version: int) -> tuple[str, str]:
    """One more migration for the incremental-snapshot case: touches a single table."""
    return (
        f"{version:04d}_add_audit_log_source.sql",
        "ALTER TABLE audit_log ADD COLUMN source TEXT COLLATE NOCASE;\n"
        "CREATE INDEX ix_audit_log_source ON audit_log (source) WHERE source IS NOT NULL;\n",
    )


# --------------------------------------------------------------------------
# A wide schema: many similar tables


def _wide_table(i: int, variant: bool, changed: set[int]) -> list[str]:
    """DDL of table i (and its 2 indexes); `changed` collects the tables we altered."""
    t = f"t{i:04d}"
    parent = f"t{i // 2:04d}" if i else None
    mark = variant and i in _VARIANT_AT
    how = _VARIANT_AT.get(i) if mark else None
    if how:
        changed.add(i)
    cols = [
        "id INTEGER PRIMARY KEY",
        f"code TEXT NOT NULL {'COLLATE BINARY' if how == 'collation' else 'COLLATE NOCASE'}"
        + (" UNIQUE" if i % 3 == 0 else ""),
        "name " + ("VARCHAR(200)" if how == "type" else "TEXT") + " NOT NULL DEFAULT ''",
        "amount NUMERIC(12,2)"
        + (" CHECK (amount >= 0)" if i % 4 == 0 else "")
        + (" CHECK (amount < 1000000)" if how == "check" else ""),
        "status TEXT NOT NULL DEFAULT "
        + ("'draft'" if how == "default" else "'new'")
        + " CHECK (status IN ('new', 'active', 'archived', 'draft'))",
        "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
        "parent_id INTEGER REFERENCES "
        + (parent or t)
        + "(id) ON DELETE "
        + ("SET NULL" if how == "fk" else "CASCADE"),
        "owner_id INTEGER REFERENCES " + (f"t{i // 3:04d}" if i else t) + "(id)",
    ]
    if how == "add_column":
        cols.append("archived_at TEXT")
    sql = [f"CREATE TABLE {t} (\n  " + ",\n  ".join(cols) + "\n);"]
    if how != "drop_index":
        sql.append(f"CREATE INDEX ix_{t}_parent ON {t} (parent_id);")
    if i % 2:
        where = "status <> 'archived'" if how != "partial" else "status = 'active'"
        sql.append(f"CREATE INDEX ix_{t}_status ON {t} (status, created_at DESC) WHERE {where};")
    else:
        name = f"ix_{t}_name_ci" if how != "rename_index" else f"ix_{t}_lower_name"
        sql.append(f"CREATE INDEX {name} ON {t} (lower(name));")
    return sql


# Where (table number) and how the variant schema differs: 20 differences.
_VARIANT_AT = {
    17: "add_column",
    101: "add_column",
    333: "add_column",
    901: "add_column",
    42: "default",
    404: "default",
    777: "default",
    55: "type",
    555: "type",
    66: "drop_index",
    666: "drop_index",
    71: "partial",
    171: "partial",
    88: "check",
    888: "check",
    99: "collation",
    123: "fk",
    250: "rename_index",
}


def variant_changes(tables: int) -> int:
    """How many places the variant of a `tables`-table schema differs in."""
    return sum(1 for i in _VARIANT_AT if i < tables - 1) + 2  # + dropped and added table


def wide_schema(tables: int, variant: bool = False) -> list[str]:
    """Statements creating `tables` tables (the variant drops the last and adds one)."""
    changed: set[int] = set()
    out: list[str] = []
    for i in range(tables):
        if variant and i == tables - 1:
            continue  # dropped in the variant (nothing references the last table)
        out.extend(_wide_table(i, variant, changed))
    if variant:
        out.append(
            "CREATE TABLE extra_notes (id INTEGER PRIMARY KEY, "
            "t0000_id INTEGER REFERENCES t0000(id), body TEXT NOT NULL);"
        )
    return out


# --------------------------------------------------------------------------
# A growing schema: the cold-snapshot case of issue 9


def growth_migration_texts(count: int, extra_every: int = 4) -> list[tuple[str, str]]:
    """(file name, SQL) of `count` migrations whose schema only grows.

    Each migration is a CREATE TABLE (5 columns: an FK to the previous table,
    a CHECK, a default) with an index on it; every `extra_every`-th is instead
    an ALTER TABLE ADD COLUMN on an earlier table with a partial index on the
    new column. 1,000 migrations end with 750 tables, 1,000 indexes.
    """
    out: list[tuple[str, str]] = []
    tables = 0
    for i in range(1, count + 1):
        if i % extra_every == 0 and tables:
            k = (i * 7) % tables + 1
            sql = (
                f"ALTER TABLE t{k} ADD COLUMN extra{i} INTEGER DEFAULT 0;\n"
                f"CREATE INDEX ix_t{k}_extra{i} ON t{k}(extra{i}) WHERE extra{i} > 0;\n"
            )
            name = f"add_t{k}_extra{i}"
        else:
            tables += 1
            t = tables
            sql = (
                f"CREATE TABLE t{t} (\n"
                "  id INTEGER PRIMARY KEY,\n"
                "  name TEXT NOT NULL,\n"
                f"  ref INTEGER REFERENCES t{max(1, t - 1)}(id),\n"
                "  amount REAL CHECK (amount >= 0),\n"
                "  created_at TEXT DEFAULT CURRENT_TIMESTAMP\n"
                ");\n"
                f"CREATE INDEX ix_t{t}_name ON t{t}(name);\n"
            )
            name = f"create_t{t}"
        out.append((f"{i:04d}_{name}.sql", sql))
    return out


def write_growth_migrations(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for file, text in growth_migration_texts(count):
        p = directory / file
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def growth_tables(count: int, extra_every: int = 4) -> int:
    """How many tables `count` growth migrations end with."""
    return count - count // extra_every


# --------------------------------------------------------------------------
# Two 1,000-table databases for `driftcheck diff` against `sqldiff --schema`


def diff_pair_schema(tables: int, variant: bool = False) -> list[str]:
    """Tables of 10 columns with 3 indexes (one partial, one on an expression),
    an FK and a CHECK each. The variant has exactly two differences: one more
    column in the middle table, and that table's partial index dropped."""
    middle = tables // 2
    out: list[str] = []
    for i in range(tables):
        t = f"t{i:04d}"
        parent = f"t{i - 1:04d}" if i else t
        cols = [
            "id INTEGER PRIMARY KEY",
            "code TEXT NOT NULL COLLATE NOCASE",
            "name TEXT NOT NULL DEFAULT ''",
            "amount NUMERIC(12,2) CHECK (amount >= 0)",
            "status TEXT NOT NULL DEFAULT 'new'",
            "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
            f"parent_id INTEGER REFERENCES {parent}(id) ON DELETE CASCADE",
            "quantity INTEGER NOT NULL DEFAULT 0",
            "note TEXT",
            "payload BLOB",
        ]
        if variant and i == middle:
            cols.append("archived_at TEXT")
        out.append(f"CREATE TABLE {t} (\n  " + ",\n  ".join(cols) + "\n);")
        out.append(f"CREATE INDEX ix_{t}_parent ON {t} (parent_id);")
        if not (variant and i == middle):
            out.append(f"CREATE INDEX ix_{t}_active ON {t} (status) WHERE status <> 'archived';")
        out.append(f"CREATE INDEX ix_{t}_lower_name ON {t} (lower(name));")
    return out


def diff_pair_differences(tables: int) -> tuple[str, str]:
    """(table that gained a column, index that was dropped) in the variant."""
    t = f"t{tables // 2:04d}"
    return t, f"ix_{t}_active"
