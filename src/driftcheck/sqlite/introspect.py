"""Read a SQLite database's schema into the model: the only introspector.

The replayed expected database and the target database are both read here.
Structure comes from SQLite itself, in a handful of batched queries that join
the pragma table-valued functions with sqlite_schema (not one query per
table); what the pragmas hide (CHECKs, collations, generated expressions,
AUTOINCREMENT, constraint names, DEFERRABLE, virtual-table arguments, index
expressions, partial-index WHERE, view and trigger bodies) comes from the
CREATE statements via `ddl`.

`read_objects(conn, names=...)` reads only the named objects, which is what
incremental replay needs after each version.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from driftcheck import normalize
from driftcheck.model import (
    Check,
    Column,
    ForeignKey,
    Index,
    KeyPart,
    PrimaryKey,
    SchemaObject,
    SqlDefault,
    SqlExpr,
    SqlSelect,
    SqlStatement,
    SqlTokens,
    Table,
    Trigger,
    UniqueConstraint,
    View,
    VirtualModule,
)
from driftcheck.sqlite import ddl, scope

# Shadow tables of the virtual-table modules SQLite ships, by suffix, and the
# module option that stops the module from creating one (checked on 3.40:
# fts5 with content= has no _content, with columnsize=0 no _docsize; fts4
# with content= has no _content, with matchinfo=fts3 no _docsize).
_SHADOW_SUFFIXES: dict[str, tuple[tuple[str, Any], ...]] = {
    "fts5": (
        ("data", None),
        ("idx", None),
        ("config", None),
        ("content", lambda o: "content" not in o),
        ("docsize", lambda o: o.get("columnsize", "1") != "0"),
    ),
    "fts4": (
        ("segments", None),
        ("segdir", None),
        ("stat", None),
        ("content", lambda o: "content" not in o),
        ("docsize", lambda o: normalize.fold(o.get("matchinfo", "")) != "fts3"),
    ),
    "fts3": (
        ("segments", None),
        ("segdir", None),
        ("content", lambda o: "content" not in o),
    ),
    "rtree": (("node", None), ("rowid", None), ("parent", None)),
    "rtree_i32": (("node", None), ("rowid", None), ("parent", None)),
    "geopoly": (("node", None), ("rowid", None), ("parent", None)),
}


@dataclass(frozen=True)
class MasterRow:
    type: str
    name: str
    tbl_name: str
    sql: str | None


_MASTER_SQL = (
    "SELECT type, name, tbl_name, sql FROM sqlite_schema "
    "WHERE type IN ('table', 'index', 'view', 'trigger') "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)
RawRow = tuple[str, str, str, str | None]
Key = tuple[str, str]


def raw_rows(conn: sqlite3.Connection) -> list[RawRow]:
    """The sqlite_schema rows of the user's objects (and shadow tables), as SQLite has them."""
    return conn.execute(_MASTER_SQL).fetchall()


def read_master(conn: sqlite3.Connection) -> dict[tuple[str, str], MasterRow]:
    """sqlite_schema rows of the user's objects, keyed by (type, folded name).

    Internal objects are left out: `sqlite_*` (sqlite_sequence, sqlite_stat*,
    autoindexes) and the shadow tables of virtual tables.
    """
    master = Master()
    master.update(conn)
    return master.rows


@dataclass(frozen=True)
class Delta:
    """What one re-read of sqlite_schema found: keys whose row is new or different, and
    keys that are gone."""

    changed: frozenset[Key]
    gone: frozenset[Key]

    def __bool__(self) -> bool:
        return bool(self.changed or self.gone)


# Replay's copy of sqlite_schema as last read, in the replay database's temp schema
# (never in main, never serialized), so that SQLite itself finds the rows that changed.
_SEEN = 'temp."driftcheck replay: sqlite_schema as last read"'
_SEEN_CHANGED = (
    "SELECT m.rowid, m.type, m.name, m.tbl_name, m.sql FROM main.sqlite_schema AS m "
    f"LEFT JOIN {_SEEN} AS p ON p.rid = m.rowid "
    "WHERE (p.rid IS NULL OR p.type IS NOT m.type OR p.name IS NOT m.name "
    "OR p.tbl_name IS NOT m.tbl_name OR p.sql IS NOT m.sql) "
    "AND m.type IN ('table', 'index', 'view', 'trigger') "
    "AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)
# A rowid that now holds an internal row (ANALYZE's sqlite_stat1 taking the rowid of
# the last table dropped) is gone too.
_SEEN_GONE = (
    f"SELECT rid FROM {_SEEN} WHERE rid NOT IN (SELECT rowid FROM main.sqlite_schema "
    "WHERE type IN ('table', 'index', 'view', 'trigger') "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\')"
)


class Master:
    """sqlite_schema of one connection, read again and again.

    `rows` is what `read_master` returns. `dependents(delta)` answers which unchanged
    objects must be read again because what they read changed.

    For replay (`replay=True`), which reads after every version, the Python work of
    a read grows with what changed, not with the schema: SQLite compares sqlite_schema
    with a copy of the rows as last read (a temp table of the replay database) and
    returns only the rows that differ, and a word -> objects index answers
    `dependents`. A one-off read fetches the rows and scans.
    """

    def __init__(self, *, replay: bool = False) -> None:
        self._replay = replay
        self._index_mentions = replay
        self._by_rid: dict[int, RawRow] = {}
        self._raw: frozenset[RawRow] = frozenset()
        self._all: dict[Key, MasterRow] = {}  # shadow tables included
        self._virtual: dict[Key, MasterRow] = {}
        self._shadow: set[str] = set()
        self.rows: dict[Key, MasterRow] = {}
        # Reverse indexes over `rows`, for `dependents`.
        self._indexes_of: dict[str, set[Key]] = defaultdict(set)  # folded table -> indexes
        self._mentioning: dict[str, set[Key]] = defaultdict(set)  # folded word -> objects
        self._views: set[Key] = set()
        self.reads = 0  # sqlite_schema queries
        self.rows_folded = 0  # rows turned into MasterRow: the Python work of the reads

    def update(self, conn: sqlite3.Connection) -> Delta:
        """Read sqlite_schema again; return what changed since the last read."""
        self.reads += 1
        if self._replay:
            added, removed = self._changes_seen_by_sqlite(conn)
        else:
            rows = frozenset(raw_rows(conn))
            added, removed = set(rows - self._raw), set(self._raw - rows)
            self._raw = rows
        if not added and not removed:
            return Delta(frozenset(), frozenset())
        fold = normalize.fold
        virtual_changed = False
        for kind, name, _tbl, _sql in removed:
            key = (kind, fold(name))
            row = self._all.pop(key, None)
            if row is not None and self._virtual.pop(key, None) is not None:
                virtual_changed = True
        fresh: dict[Key, MasterRow] = {}
        for kind, name, tbl_name, sql in added:
            key = (kind, fold(name))
            row = MasterRow(kind, name, tbl_name, sql)
            self._all[key] = fresh[key] = row
            self.rows_folded += 1
            if kind == "table" and sql and _is_virtual(sql):
                self._virtual[key] = row
                virtual_changed = True
        if virtual_changed:
            shadow = _shadow_tables(conn, list(self._virtual.values()))
            if shadow != self._shadow:
                self._shadow = shadow
                return self._rebuild()
        before = self.rows
        gone = set()
        for kind, name, _tbl, _sql in removed:
            key = (kind, fold(name))
            if key in before and key not in fresh and key not in self._all:
                gone.add(key)
        changed = set()
        for key in [*fresh, *gone]:
            if key in self.rows:
                self._forget(key)
        for key, row in fresh.items():
            if not self._is_shadow(row):
                self._remember(key, row)
                changed.add(key)
        return Delta(frozenset(changed), frozenset(gone))

    def _changes_seen_by_sqlite(self, conn: sqlite3.Connection) -> tuple[set[RawRow], set[RawRow]]:
        if self.reads == 1:
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_SEEN} "
                "(rid INTEGER PRIMARY KEY, type TEXT, name TEXT, tbl_name TEXT, sql TEXT)"
            )
            conn.execute(f"DELETE FROM {_SEEN}")
        changed = conn.execute(_SEEN_CHANGED).fetchall()
        gone = [rid for (rid,) in conn.execute(_SEEN_GONE)]
        added: set[RawRow] = set()
        removed: set[RawRow] = set()
        for rid in gone:
            removed.add(self._by_rid.pop(rid))
        for rid, *row in changed:
            old = self._by_rid.get(rid)
            if old is not None:
                removed.add(old)
            self._by_rid[rid] = added_row = (row[0], row[1], row[2], row[3])
            added.add(added_row)
        if gone:
            conn.execute(
                f"DELETE FROM {_SEEN} WHERE rid IN (SELECT value FROM json_each(?))",
                (json.dumps(gone),),
            )
        if changed:
            conn.executemany(f"INSERT OR REPLACE INTO {_SEEN} VALUES (?, ?, ?, ?, ?)", changed)
        # A row that only moved to another rowid is neither added nor removed.
        return added - removed, removed - added

    def _is_shadow(self, row: MasterRow) -> bool:
        fold = normalize.fold
        if row.type == "table":
            return fold(row.name) in self._shadow
        return row.type == "index" and fold(row.tbl_name) in self._shadow

    def _rebuild(self) -> Delta:
        """The set of shadow tables changed (a virtual table came or went): start over."""
        old = self.rows
        self.rows = {}
        self._indexes_of.clear()
        self._mentioning.clear()
        self._views.clear()
        for key, row in self._all.items():
            if not self._is_shadow(row):
                self._remember(key, row)
        changed = frozenset(k for k, r in self.rows.items() if old.get(k) != r)
        return Delta(changed, frozenset(k for k in old if k not in self.rows))

    def _remember(self, key: Key, row: MasterRow) -> None:
        self.rows[key] = row
        if row.type == "index":
            self._indexes_of[normalize.fold(row.tbl_name)].add(key)
        elif row.type == "view":
            self._views.add(key)
        if self._index_mentions and row.sql and row.type != "index":
            mentioned = _words(row.sql)
            # A table depends on another only through a foreign key.
            if row.type != "table" or "references" in mentioned:
                for word in mentioned:
                    self._mentioning[word].add(key)

    def _forget(self, key: Key) -> None:
        row = self.rows.pop(key)
        if row.type == "index":
            self._indexes_of[normalize.fold(row.tbl_name)].discard(key)
        elif row.type == "view":
            self._views.discard(key)
        if self._index_mentions and row.sql and row.type != "index":
            for word in _words(row.sql):
                found = self._mentioning.get(word)
                if found is not None:
                    found.discard(key)
                    if not found:
                        del self._mentioning[word]

    def _mentioners(self, names: set[str]) -> set[Key]:
        """Objects whose SQL mentions one of `names` (folded), by the rules of `_remember`."""
        found: set[Key] = set()
        if not names:
            return found
        if self._index_mentions:
            for name in names:
                found |= self._mentioning.get(name, set())
            return found
        # A substring test first (in C), the word split only for the few rows it keeps;
        # a name with a quote in it is spelled otherwise in SQL: no shortcut then.
        quick = not any(q in name for name in names for q in "\"'`[]")
        for key, row in self.rows.items():
            sql = row.sql
            if not sql or row.type == "index":
                continue
            if quick:
                lowered = normalize.fold(sql)
                if not any(name in lowered for name in names):
                    continue
            mentioned = _words(sql)
            if (row.type != "table" or "references" in mentioned) and not mentioned.isdisjoint(
                names
            ):
                found.add(key)
        return found

    def dependents(self, delta: Delta) -> set[Key]:
        """What to read again after `delta`: the changed objects, and the unchanged ones
        whose model can change with them.

        * the indexes of a changed table (e.g. a rebuilt table with another collation
          beneath them);
        * every view, when a table or view is gone (RENAME and DROP COLUMN check and
          rewrite views; DROP TABLE does not, and a view stops compiling only when
          something it reads goes away);
        * what mentions a changed or dropped table: a view's `t.*` columns, a foreign
          key's implicit target (the primary key), a double-quoted word that now names
          a column; and the views that read a view read again, and so on.
        """
        wanted = set(delta.changed)
        changed_tables = {name for kind, name in delta.changed if kind == "table"}
        for name in changed_tables:
            wanted |= self._indexes_of.get(name, set())
        # A dropped table too: a foreign key's implicit target (its primary key) is gone.
        wanted |= self._mentioners(
            changed_tables | {n for kind, n in delta.gone if kind in ("table", "view")}
        )
        if any(kind in ("table", "view") for kind, _ in delta.gone):
            wanted |= self._views
        reread = {name for kind, name in wanted if kind == "view"}
        while reread:
            more = {k for k in self._mentioners(reread) if k[0] == "view"} - wanted
            wanted |= more
            reread = {name for _, name in more}
        return {k for k in wanted if k in self.rows}


@lru_cache(maxsize=16384)
def _words(sql: str) -> frozenset[str]:
    return frozenset(scope.words(sql))


def _shadow_tables(conn: sqlite3.Connection, rows: list[MasterRow]) -> set[str]:
    """Tables that belong to a virtual table (FTS5's `*_data`, `*_idx`, ...).

    Decided by what each virtual table's module creates given its options, not
    by name: `pragma_table_list` calls a real table `docs_content` a shadow
    table when `docs` is `fts5(..., content='docs_content')`, although that
    module never creates it. Only modules unknown here are left to the pragma
    (which knows them when they are loaded).
    """
    virtual = [r for r in rows if r.type == "table" and r.sql and _is_virtual(r.sql)]
    if not virtual:
        return set()
    shadow: set[str] = set()
    unknown: list[str] = []  # virtual tables of modules not described above
    for r in virtual:
        parsed = _ddl_or_none(ddl.parse_create_table, r.sql)
        module = normalize.fold(parsed.module) if isinstance(parsed, ddl.VirtualTableDef) else ""
        suffixes = _SHADOW_SUFFIXES.get(module)
        if suffixes is None or not isinstance(parsed, ddl.VirtualTableDef):
            unknown.append(normalize.fold(r.name) + "_")
            continue
        options = module_options(parsed.args)
        for suffix, when in suffixes:
            if when is None or when(options):
                shadow.add(normalize.fold(f"{r.name}_{suffix}"))
    if unknown:
        try:
            # With an argument, pragma_table_list looks at that table alone; without
            # one it would compile every view in the database.
            for (name,) in conn.execute(
                "SELECT t.name FROM sqlite_schema AS m JOIN pragma_table_list(m.name) AS t "
                "WHERE m.type = 'table' AND t.schema = 'main' AND t.type = 'shadow'"
            ):
                folded = normalize.fold(name)
                if any(folded.startswith(prefix) for prefix in unknown):
                    shadow.add(folded)
        except sqlite3.Error:
            pass  # SQLite < 3.37: nothing more to know
    return shadow


def module_options(args: Iterable[str]) -> dict[str, str]:
    """`key = value` arguments of a virtual table, keys folded, values unquoted (case kept)."""
    options: dict[str, str] = {}
    for arg in args:
        parsed = option(arg)
        if parsed is not None:
            options[parsed[0]] = parsed[1]
    return options


_OPTION = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$", re.DOTALL)


def option(arg: str) -> tuple[str, str] | None:
    """(folded key, unquoted value) of a `key = value` module argument, else None."""
    m = _OPTION.match(arg)
    if m is None:
        return None
    return normalize.fold(m.group(1)), unquote(m.group(2))


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        q = value[0]
        return value[1:-1].replace(q + q, q)
    if len(value) >= 2 and value[0] == "[" and value[-1] == "]":
        return value[1:-1]
    return value


def _is_virtual(sql: str) -> bool:
    head = normalize.upper(sql[:64]).split()
    return len(head) >= 2 and head[1] == "VIRTUAL"


def read_objects(
    conn: sqlite3.Connection,
    master: dict[tuple[str, str], MasterRow] | None = None,
    names: Collection[tuple[str, str]] | None = None,
) -> list[SchemaObject]:
    """Read the schema objects; with `names`, only those (type, folded name) keys."""
    if master is None:
        master = read_master(conn)
    wanted = master if names is None else {k: master[k] for k in names if k in master}
    tables = [r for (t, _), r in wanted.items() if t == "table"]
    indexes = [r for (t, _), r in wanted.items() if t == "index"]
    views = [r for (t, _), r in wanted.items() if t == "view"]
    triggers = [r for (t, _), r in wanted.items() if t == "trigger"]

    reader = _Reader(conn, master)
    # One index query serves both the tables (UNIQUE and PRIMARY KEY
    # autoindexes) and the indexes themselves.
    reader.load_index_rows(
        [r.name for r in tables if not (r.sql and _is_virtual(r.sql))]
        + [r.tbl_name for r in indexes]
    )
    out: list[SchemaObject] = []
    out.extend(reader.tables(tables))
    out.extend(reader.indexes(indexes))
    out.extend(reader.views(views))
    out.extend(reader.triggers(triggers))
    return out


class _Reader:
    """Batched pragma reads for a set of tables."""

    def __init__(self, conn: sqlite3.Connection, master: dict[tuple[str, str], MasterRow]):
        self.conn = conn
        self.master = master
        self.index_rows: dict[str, dict[str, Any]] = {}
        self._known: dict[str, str | None] | None = None
        # Column names and primary-key positions per table or view (folded name),
        # filled by the batched reads; anything else is read once when asked.
        self._columns: dict[str, list[tuple[str, int]]] = {}

    @property
    def known(self) -> dict[str, str | None]:
        """Tables' and views' SQL, for what an expression may read (see `scope`); built
        only when an expression needs it, since replay reads a few objects at a time."""
        if self._known is None:
            self._known = {
                r.name: r.sql for r in self.master.values() if r.type in ("table", "view")
            }
        return self._known

    def load_index_rows(self, table_names: list[str]) -> None:
        self.index_rows = self._index_rows(sorted(set(table_names)))

    def _query(self, sql: str, names: Iterable[str]) -> list[Any]:
        return self.conn.execute(sql, (json.dumps(sorted(set(names))),)).fetchall()

    # -- tables ------------------------------------------------------------
    def tables(self, rows: list[MasterRow]) -> list[Table]:
        if not rows:
            return []
        plain = [r for r in rows if not (r.sql and _is_virtual(r.sql))]
        virtual = [r for r in rows if r.sql and _is_virtual(r.sql)]
        names = [r.name for r in plain]

        columns: dict[str, list[Any]] = defaultdict(list)
        if names:
            for row in self._query(
                'SELECT m.value, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, '
                "p.hidden FROM json_each(?) AS m JOIN pragma_table_xinfo(m.value) AS p "
                "ORDER BY m.value, p.cid",
                names,
            ):
                columns[row[0]].append(row[1:])
        for name, rows_ in columns.items():
            self._columns[normalize.fold(name)] = [(c[1], c[5]) for c in rows_]
        for r in virtual:
            try:
                columns[r.name] = [
                    tuple(x)
                    for x in self.conn.execute(
                        'SELECT cid, name, type, "notnull", dflt_value, pk, hidden '
                        "FROM pragma_table_xinfo(?) ORDER BY cid",
                        (r.name,),
                    )
                ]
            except sqlite3.Error:
                columns[r.name] = []  # module not available here: compare module and args only

        index_rows = self.index_rows
        fk_rows: dict[str, list[Any]] = defaultdict(list)
        if names:
            for row in self._query(
                'SELECT m.value, f.id, f.seq, f."table", f."from", f."to", f.on_update, '
                'f.on_delete, f."match" FROM json_each(?) AS m '
                "JOIN pragma_foreign_key_list(m.value) AS f "
                "ORDER BY m.value, f.id, f.seq",
                names,
            ):
                fk_rows[row[0]].append(row[1:])

        out: list[Table] = []
        for r in plain:
            out.append(
                _table(
                    r,
                    columns.get(r.name, []),
                    index_rows.get(r.name, {}),
                    self._resolve(fk_rows.get(r.name, [])),
                )
            )
        for r in virtual:
            out.append(_virtual_table(r, columns.get(r.name, [])))
        return out

    def _resolve(self, fk_rows: list[Any]) -> list[Any]:
        """Foreign keys as SQLite enforces them: an omitted column list means the
        referenced table's primary key (`REFERENCES users` = `REFERENCES users(id)`)."""
        out = []
        for row in fk_rows:
            if row[4] is None:
                pk = [name for name, n in sorted(self.column_rows(row[2]), key=lambda c: c[1]) if n]
                if row[1] < len(pk):
                    row = (*row[:4], pk[row[1]], *row[5:])
            out.append(row)
        return out

    def column_rows(self, name: str) -> list[tuple[str, int]]:
        """(column name, primary-key position) of a table or view; none if it does not
        compile. From the batched reads where they covered it, else one query."""
        key = normalize.fold(name)
        found = self._columns.get(key)
        if found is None:
            try:
                found = [
                    (n, pk)
                    for n, pk in self.conn.execute(
                        "SELECT name, pk FROM pragma_table_xinfo(?) ORDER BY cid", (name,)
                    )
                ]
            except sqlite3.Error:
                found = []
            self._columns[key] = found
        return found

    def column_names(self, name: str) -> list[str]:
        return [n for n, _ in self.column_rows(name)]

    def scoped(self, obj: Any, texts: list[str | None], own: str | None = None) -> Any:
        """`obj` with what SQLite's name resolution decides for its expressions: the
        double-quoted words that are strings, and the columns whose collation is not
        BINARY (see `scope`). Tables and views read by the texts, and `own` (an index's
        or trigger's table), are in scope; a view's own aliases too."""
        update: dict[str, Any] = {}
        if scope.double_quoted(texts):
            if isinstance(obj, Index):  # an index sees its table's columns and nothing else
                update["strings"] = scope.strings(texts, self.column_names(own or ""))
            else:
                update["strings"] = scope.statement_strings(
                    texts, self.known, self.column_names, own=self.column_names(own) if own else ()
                )
        if scope.mentions_binary(texts):
            update["collated"] = scope.collated(texts, self.known, own=own)
        return obj.model_copy(update=update) if update else obj

    def _index_rows(self, table_names: list[str]) -> dict[str, dict[str, Any]]:
        """table -> index name -> (unique, origin, partial, [xinfo rows])."""
        result: dict[str, dict[str, Any]] = defaultdict(dict)
        if not table_names:
            return result
        for row in self._query(
            'SELECT m.value, l.name, l."unique", l.origin, l.partial, '
            'x.seqno, x.cid, x.name, x."desc", x.coll, x."key" '
            "FROM json_each(?) AS m JOIN pragma_index_list(m.value) AS l "
            "JOIN pragma_index_xinfo(l.name) AS x "
            "ORDER BY m.value, l.name, x.seqno",
            table_names,
        ):
            table, index, unique, origin, partial = row[:5]
            entry = result[table].setdefault(index, [bool(unique), origin, bool(partial), []])
            entry[3].append(row[5:])
        return result

    # -- indexes -----------------------------------------------------------
    def indexes(self, rows: list[MasterRow]) -> list[Index]:
        if not rows:
            return []
        by_table = self.index_rows
        out = []
        for r in rows:
            info = by_table.get(r.tbl_name, {}).get(r.name)
            if info is None:  # the table name's case differs in sqlite_schema; look it up
                info = next(
                    (
                        v.get(r.name)
                        for k, v in by_table.items()
                        if normalize.fold(k) == normalize.fold(r.tbl_name) and r.name in v
                    ),
                    None,
                )
            index = _index(r, info)
            texts: list[str | None] = [
                p.expression.sql for p in index.parts if p.expression is not None
            ]
            texts.append(index.where.sql if index.where is not None else None)
            out.append(self.scoped(index, texts, own=r.tbl_name))
        return out

    # -- views -------------------------------------------------------------
    def views(self, rows: list[MasterRow]) -> list[View]:
        """Views, each compiled once to learn whether it still works.

        Compiling a view (reading its columns) is what fails when a table it
        uses was dropped, or a function it calls is not registered.
        """
        if not rows:
            return []
        errors: dict[str, str] = {}
        output: dict[str, list[str]] = defaultdict(list)
        try:
            for name, column in self._query(
                "SELECT m.value, p.name FROM json_each(?) AS m "
                "JOIN pragma_table_xinfo(m.value) AS p ORDER BY m.value, p.cid",
                [r.name for r in rows],
            ):
                output[name].append(column)
        except sqlite3.Error:
            # At least one does not compile: find out which, one by one.
            output.clear()
            for r in rows:
                try:
                    output[r.name] = [
                        name
                        for (name,) in self.conn.execute(
                            "SELECT name FROM pragma_table_xinfo(?) ORDER BY cid", (r.name,)
                        )
                    ]
                except sqlite3.Error as exc:
                    errors[r.name] = str(exc)
        for name, names in output.items():
            self._columns[normalize.fold(name)] = [(n, 0) for n in names]
        return [
            self.scoped(view, [view.select.sql])
            for view in (_view(r, errors.get(r.name), output.get(r.name)) for r in rows)
        ]

    def triggers(self, rows: list[MasterRow]) -> list[Trigger]:
        out = []
        for r in rows:
            trigger = _trigger(r)
            texts = [trigger.when.sql if trigger.when else None, *(b.sql for b in trigger.body)]
            out.append(self.scoped(trigger, texts, own=r.tbl_name))
        return out


# --------------------------------------------------------------------------
# Assembling model objects


@lru_cache(maxsize=16384)
def _ddl_or_none(parse: Any, sql: str | None) -> Any:
    """Parse a CREATE statement (cached: replay sees the same text many times)."""
    if not sql:
        return None
    try:
        return parse(sql)
    except ddl.DDLParseError:
        return None


def _table(
    r: MasterRow,
    columns: list[Any],
    index_rows: dict[str, Any],
    fk_rows: list[Any],
) -> Table:
    parsed = _ddl_or_none(ddl.parse_create_table, r.sql)
    if not isinstance(parsed, ddl.TableDef):
        parsed = None
    unparsed = SqlTokens(r.sql) if parsed is None and r.sql else None
    col_defs = {normalize.fold(c.name): c for c in parsed.columns} if parsed else {}

    cols: list[Column] = []
    for _cid, name, decl_type, notnull, dflt, pk, hidden in columns:
        d = col_defs.get(normalize.fold(name))
        generated = None
        kind: Literal["virtual", "stored"] | None = None
        if hidden in (2, 3):
            kind = "virtual" if hidden == 2 else "stored"
            generated = SqlExpr(d.generated) if d is not None and d.generated else None
        cols.append(
            Column(
                name=name,
                type=decl_type or "",
                not_null=bool(notnull),
                default=SqlDefault(dflt) if dflt is not None else None,
                collation=normalize.collation(d.collation)
                if d is not None and d.collation
                else None,
                primary_key=int(pk),
                hidden=hidden == 1,
                generated=generated,
                generated_kind=kind,
                not_null_on_conflict=_conflict(d.not_null_conflict) if d and notnull else None,
            )
        )
    col_collation = {normalize.fold(c.name): normalize.collation(c.collation) for c in cols}

    # STRICT and WITHOUT ROWID are table options at the end of the CREATE
    # statement. (pragma_table_list also has them, but reading it compiles
    # every view in the database, which costs seconds in view-heavy schemas.)
    without_rowid = bool(parsed and parsed.without_rowid)
    strict = bool(parsed and parsed.strict)

    pk_index = next((v for v in index_rows.values() if v[1] == "pk"), None)
    pk_cols = sorted((c for c in cols if c.primary_key), key=lambda c: c.primary_key)
    primary_key = None
    rowid_alias = None
    if pk_cols:
        if pk_index is not None:
            parts = _key_parts(pk_index[3], ())
        else:
            # No index backs the key: an INTEGER PRIMARY KEY, the rowid itself.
            parts = tuple(
                KeyPart(column=c.name, collation=col_collation[normalize.fold(c.name)])
                for c in pk_cols
            )
            if not without_rowid and len(pk_cols) == 1:
                rowid_alias = pk_cols[0].name
        primary_key = PrimaryKey(
            name=parsed.primary_key_name if parsed else None,
            parts=parts,
            on_conflict=_conflict(parsed.primary_key_conflict) if parsed else None,
        )

    # SQLite keeps one index for UNIQUE constraints (and a PRIMARY KEY) on the same
    # columns, and gives it the ON CONFLICT clause that one of them states.
    unique_defs: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for u in parsed.uniques if parsed else ():
        unique_defs[tuple(normalize.fold(c) for c in u.columns)].append(u)

    def stated(defs: list[Any]) -> str | None:
        return next((d.on_conflict for d in defs if d.on_conflict), None)

    uniques = []
    for _name, (_u, origin, _p, xinfo) in sorted(index_rows.items()):
        if origin != "u":
            continue
        parts = _key_parts(xinfo, ())
        defs = unique_defs.get(tuple(normalize.fold(p.column or "") for p in parts), [])
        uniques.append(
            UniqueConstraint(
                name=next((d.name for d in defs if d.name), None),
                parts=parts,
                on_conflict=_conflict(stated(defs)),
            )
        )
    uniques.sort(key=lambda u: [(p.column or "", p.collation, p.desc) for p in u.parts])
    if primary_key is not None and pk_index is not None and primary_key.on_conflict is None:
        same = unique_defs.get(tuple(normalize.fold(p.column or "") for p in primary_key.parts))
        if same and stated(same):
            primary_key = primary_key.model_copy(update={"on_conflict": _conflict(stated(same))})

    fks = _foreign_keys(fk_rows, parsed.foreign_keys if parsed else ())
    checks = tuple(
        sorted(
            (
                Check(name=c.name, expression=SqlExpr(c.expr), column=c.column)
                for c in (parsed.checks if parsed else ())
            ),
            key=lambda c: (c.column or "", c.name or "", c.expression.key),
        )
    )
    texts = [c.expression.sql for c in checks] + [c.generated.sql for c in cols if c.generated]
    return Table(
        name=r.name,
        strings=scope.strings(texts, (c.name for c in cols)),
        sql=r.sql or "",
        columns=tuple(cols),
        primary_key=primary_key,
        rowid_alias=rowid_alias,
        unique=tuple(uniques),
        foreign_keys=fks,
        checks=checks,
        strict=strict,
        without_rowid=without_rowid,
        autoincrement=bool(parsed and parsed.autoincrement),
        unparsed=unparsed,
    )


def _conflict(resolution: str | None) -> str | None:
    """ABORT is what SQLite does when no ON CONFLICT is given."""
    return None if resolution in (None, "ABORT") else resolution


def _key_parts(xinfo: list[Any], exprs: tuple[Any, ...]) -> tuple[KeyPart, ...]:
    """Key columns of an index from pragma_index_xinfo rows (seqno, cid, name, desc, coll, key)."""
    parts = []
    for seqno, cid, name, desc, coll, key in xinfo:
        if not key:
            continue  # auxiliary rowid / primary-key columns at the end
        expression = None
        column = name
        if cid == -2:  # an expression: its text is only in CREATE INDEX
            column = None
            text = exprs[seqno].expr if seqno < len(exprs) else "?"
            expression = SqlExpr(text)
        elif cid == -1:
            column = "rowid"
        parts.append(
            KeyPart(
                column=column,
                expression=expression,
                collation=normalize.collation(coll),
                desc=bool(desc),
            )
        )
    return tuple(parts)


def _foreign_keys(rows: list[Any], defs: Iterable[Any]) -> tuple[ForeignKey, ...]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    remaining = list(defs)
    out = []
    for _id, items in sorted(grouped.items()):
        items.sort(key=lambda x: x[1])
        ref_table = items[0][2]
        columns = tuple(x[3] for x in items)
        ref_columns = tuple(x[4] for x in items) if all(x[4] is not None for x in items) else ()
        on_update, on_delete, match = items[0][5], items[0][6], items[0][7]

        # Names and DEFERRABLE are only in the CREATE statement: pair by columns and target.
        def fk_key(cols: Iterable[str], table: str, refs: Iterable[str]) -> tuple[Any, ...]:
            return (
                tuple(map(normalize.fold, cols)),
                normalize.fold(table),
                tuple(map(normalize.fold, refs)),
            )

        key = fk_key(columns, ref_table, ref_columns)
        # A definition without a column list was resolved to the target's key.
        match_def = next(
            (d for d in remaining if fk_key(d.columns, d.ref_table, d.ref_columns) == key),
            None,
        ) or next(
            (
                d
                for d in remaining
                if not d.ref_columns and fk_key(d.columns, d.ref_table, ()) == key[:2] + ((),)
            ),
            None,
        )
        if match_def is not None:
            remaining.remove(match_def)
        out.append(
            ForeignKey(
                name=match_def.name if match_def else None,
                columns=columns,
                ref_table=ref_table,
                ref_columns=ref_columns,
                on_update=normalize.upper(on_update),
                on_delete=normalize.upper(on_delete),
                match=normalize.upper(match),
                deferred=bool(match_def and match_def.deferred),
            )
        )
    out.sort(
        key=lambda f: (
            [normalize.fold(c) for c in f.columns],
            normalize.fold(f.ref_table),
            [normalize.fold(c) for c in f.ref_columns],
        )
    )
    return tuple(out)


def _virtual_table(r: MasterRow, columns: list[Any]) -> Table:
    parsed = _ddl_or_none(ddl.parse_create_table, r.sql)
    module = VirtualModule(module="?", args=(SqlTokens(r.sql or ""),))
    if isinstance(parsed, ddl.VirtualTableDef):
        module = VirtualModule(
            module=normalize.fold(parsed.module), args=tuple(SqlTokens(a) for a in parsed.args)
        )
    cols = tuple(
        Column(
            name=name,
            type=decl_type or "",
            not_null=bool(notnull),
            default=SqlDefault(dflt) if dflt is not None else None,
            primary_key=int(pk),
            hidden=hidden == 1,
        )
        for _cid, name, decl_type, notnull, dflt, pk, hidden in columns
    )
    return Table(name=r.name, sql=r.sql or "", columns=cols, virtual=module)


def _index(r: MasterRow, info: Any) -> Index:
    parsed = _ddl_or_none(ddl.parse_create_index, r.sql)
    exprs = parsed.parts if parsed else ()
    if info is None:  # should not happen: every index is listed by its table
        parts = tuple(
            KeyPart(
                column=p.column,
                expression=None if p.column else SqlExpr(p.expr),
                collation=normalize.collation(p.collation),
                desc=p.desc,
            )
            for p in exprs
        )
        unique = bool(parsed and parsed.unique)
    else:
        parts = _key_parts(info[3], exprs)
        unique = info[0]
    return Index(
        name=r.name,
        table=r.tbl_name,
        sql=r.sql or "",
        unique=unique,
        parts=parts,
        where=SqlExpr(parsed.where) if parsed and parsed.where else None,
        unparsed=SqlTokens(r.sql) if parsed is None and r.sql else None,
    )


def _view(r: MasterRow, error: str | None, output: list[str] | None) -> View:
    parsed = _ddl_or_none(ddl.parse_create_view, r.sql)
    if parsed is None:
        return View(
            name=r.name,
            sql=r.sql or "",
            select=SqlSelect(r.sql or ""),
            error=error,
            unparsed=SqlTokens(r.sql or ""),
        )
    return View(
        name=r.name,
        sql=r.sql or "",
        columns=parsed.columns,
        select=SqlSelect(parsed.select),
        output=tuple(output) if output is not None and error is None else None,
        error=error,
    )


def _trigger(r: MasterRow) -> Trigger:
    parsed = _ddl_or_none(ddl.parse_create_trigger, r.sql)
    if parsed is None:
        # Could not take it apart: compare the whole statement token by token.
        return Trigger(
            name=r.name, table=r.tbl_name, sql=r.sql or "", unparsed=SqlTokens(r.sql or "")
        )
    timing = normalize.upper(" ".join(parsed.timing.split()))
    return Trigger(
        name=r.name,
        table=r.tbl_name,
        sql=r.sql or "",
        timing=timing,  # type: ignore[arg-type]
        event=normalize.upper(parsed.event),  # type: ignore[arg-type]
        update_of=tuple(parsed.update_of),
        when=SqlExpr(parsed.when) if parsed.when else None,
        body=tuple(SqlStatement(s) for s in parsed.body),
    )
