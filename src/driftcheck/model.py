"""The schema model: frozen, I/O-free, dialect-neutral in shape.

Both sides of every comparison (the replayed expected schema and the target
database) are read into these models by the same introspector. Pieces of SQL
are kept as `Sql*` values: they carry the raw text for display and a
canonical key (from `normalize`) for comparison, and compare equal by key.
Serialised (JSON, snapshots), a `Sql*` value is just its raw text, so stored
snapshots never depend on the normaliser's version.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

from driftcheck import normalize


class SqlText:
    """A piece of SQL: raw text for people, canonical key for comparison."""

    __slots__ = ("_key", "sql")
    _keyer: ClassVar[Any] = staticmethod(normalize.expression_key)

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._key: str | None = None

    @property
    def key(self) -> str:
        # Computed on first comparison: replay builds many objects that are
        # only ever compared by their raw text.
        if self._key is None:
            self._key = type(self)._keyer(self.sql)
        return self._key

    @property
    def token_compared(self) -> bool:
        """True when sqlglot could not parse the text and tokens were compared."""
        return self.key.startswith(normalize.TOKENS_PREFIX)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SqlText) and type(other) is type(self) and self.key == other.key

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.key))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.sql!r})"

    def __str__(self) -> str:
        return self.sql

    @classmethod
    def _coerce(cls, value: Any) -> SqlText:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls(value)
        raise TypeError(f"expected SQL text, got {type(value).__name__}")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.sql),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "description": "SQL text as written"}


class SqlExpr(SqlText):
    """A scalar expression: CHECK body, partial-index WHERE, index key, generated column."""


class SqlDefault(SqlText):
    """A column DEFAULT, as pragma_table_info reports it."""

    _keyer = staticmethod(normalize.default_key)


class SqlSelect(SqlText):
    """A view's SELECT."""

    _keyer = staticmethod(normalize.select_key)


class SqlStatement(SqlText):
    """One statement of a trigger body."""

    _keyer = staticmethod(normalize.statement_key)


class SqlTokens(SqlText):
    """Text compared token by token (virtual-table module arguments)."""

    _keyer = staticmethod(normalize.tokens_key)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Column(_Model):
    name: str
    type: str = ""  # declared type exactly as written; "" when none
    not_null: bool = False
    default: SqlDefault | None = None
    collation: str | None = None  # None: BINARY
    primary_key: int = 0  # 1-based position in the primary key; 0 when not part of it
    hidden: bool = False  # a hidden column of a virtual table
    not_null_on_conflict: str | None = None  # NOT NULL ON CONFLICT x; None: ABORT
    generated: SqlExpr | None = None
    generated_kind: Literal["virtual", "stored"] | None = None


class KeyPart(_Model):
    """One key of an index, PRIMARY KEY or UNIQUE constraint: a column or an expression."""

    column: str | None = None
    expression: SqlExpr | None = None
    collation: str = "BINARY"
    desc: bool = False

    @property
    def label(self) -> str:
        text = self.column if self.column is not None else str(self.expression)
        if self.collation != "BINARY":
            text += f" COLLATE {self.collation}"
        return text + (" DESC" if self.desc else "")


class PrimaryKey(_Model):
    name: str | None = None
    parts: tuple[KeyPart, ...]
    on_conflict: str | None = None  # ON CONFLICT resolution; None: the default, ABORT


class UniqueConstraint(_Model):
    name: str | None = None
    parts: tuple[KeyPart, ...]
    on_conflict: str | None = None


class ForeignKey(_Model):
    name: str | None = None
    columns: tuple[str, ...]
    ref_table: str
    # As SQLite resolves them: an omitted list is the referenced table's primary
    # key, read when the schema is read; () only when that cannot be resolved.
    ref_columns: tuple[str, ...] = ()
    on_update: str = "NO ACTION"
    on_delete: str = "NO ACTION"
    match: str = "NONE"
    deferred: bool = False  # DEFERRABLE INITIALLY DEFERRED


class Check(_Model):
    name: str | None = None
    expression: SqlExpr
    column: str | None = None  # set for a column constraint


class VirtualModule(_Model):
    module: str
    args: tuple[SqlTokens, ...] = ()


class Table(_Model):
    kind: Literal["table"] = "table"
    name: str
    sql: str = ""
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    rowid_alias: str | None = None  # the INTEGER PRIMARY KEY column aliasing the rowid
    unique: tuple[UniqueConstraint, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    strict: bool = False
    without_rowid: bool = False
    autoincrement: bool = False
    virtual: VirtualModule | None = None
    # Set when the CREATE statement could not be taken apart: then the whole
    # statement is compared token by token instead of the parts it hides.
    unparsed: SqlTokens | None = None
    # Double-quoted words in this object's expressions that SQLite reads as
    # string literals, because no column of that name is in scope there.
    strings: tuple[str, ...] = ()


class Index(_Model):
    kind: Literal["index"] = "index"
    name: str
    table: str
    sql: str = ""
    unique: bool = False
    parts: tuple[KeyPart, ...]
    where: SqlExpr | None = None
    unparsed: SqlTokens | None = None
    # Double-quoted words in this object's expressions that SQLite reads as
    # string literals, because no column of that name is in scope there.
    strings: tuple[str, ...] = ()
    # Columns in scope (folded) whose own collation is not BINARY, or unknown: an
    # explicit COLLATE BINARY on any other column changes nothing.
    collated: tuple[str, ...] = ()


class View(_Model):
    kind: Literal["view"] = "view"
    name: str
    sql: str = ""
    columns: tuple[str, ...] | None = None  # declared column list: CREATE VIEW v(a, b)
    select: SqlSelect
    # Result column names as SQLite reports them; None when the view does not compile.
    output: tuple[str, ...] | None = None
    error: str | None = None  # why the view does not compile (e.g. "no such table: t")
    unparsed: SqlTokens | None = None
    # Double-quoted words in this object's expressions that SQLite reads as
    # string literals, because no column of that name is in scope there.
    strings: tuple[str, ...] = ()
    # Columns in scope (folded) whose own collation is not BINARY, or unknown: an
    # explicit COLLATE BINARY on any other column changes nothing.
    collated: tuple[str, ...] = ()


class Trigger(_Model):
    kind: Literal["trigger"] = "trigger"
    name: str
    table: str
    sql: str = ""
    timing: Literal["BEFORE", "AFTER", "INSTEAD OF"] = "BEFORE"
    event: Literal["INSERT", "UPDATE", "DELETE"] | None = None
    update_of: tuple[str, ...] = ()
    when: SqlExpr | None = None
    body: tuple[SqlStatement, ...] = ()
    unparsed: SqlTokens | None = None
    # Double-quoted words in this object's expressions that SQLite reads as
    # string literals, because no column of that name is in scope there.
    strings: tuple[str, ...] = ()
    # Columns in scope (folded) whose own collation is not BINARY, or unknown: an
    # explicit COLLATE BINARY on any other column changes nothing.
    collated: tuple[str, ...] = ()


SchemaObject = Table | Index | View | Trigger


class Schema(_Model):
    tables: dict[str, Table] = {}
    indexes: dict[str, Index] = {}
    views: dict[str, View] = {}
    triggers: dict[str, Trigger] = {}

    def objects(self) -> list[SchemaObject]:
        return [
            *self.tables.values(),
            *self.indexes.values(),
            *self.views.values(),
            *self.triggers.values(),
        ]

    @classmethod
    def of(cls, objects: Any) -> Schema:
        """Build a schema from objects, in name order (deterministic output)."""
        groups: dict[str, dict[str, Any]] = {"table": {}, "index": {}, "view": {}, "trigger": {}}
        for obj in sorted(objects, key=lambda o: (o.kind, normalize.fold(o.name), o.name)):
            groups[obj.kind][obj.name] = obj
        return cls.model_construct(
            tables=groups["table"],
            indexes=groups["index"],
            views=groups["view"],
            triggers=groups["trigger"],
        )

    def fingerprint(self) -> str:
        """Equal exactly when the two schemas are the same (see `compare`)."""
        from driftcheck.compare import schema_fingerprint

        return schema_fingerprint(self.objects())


# --------------------------------------------------------------------------
# Hashes and fingerprints (the comparison forms they combine are in `compare`)


def raw_hash(obj: SchemaObject) -> str:
    """Hash of an object exactly as read (raw SQL text included): cheap, no parsing.

    Equal raw hashes imply equal canonical hashes, never the other way round.
    """
    return hashlib.sha256(obj.model_dump_json().encode()).hexdigest()


def shape_hash(obj: SchemaObject) -> str:
    """Hash of an object as read, without its CREATE statement's text: cheap, no
    parsing, and blind to SQLite rewriting that text (quotes added by a rename)."""
    return hashlib.sha256(obj.model_dump_json(exclude={"sql"}).encode()).hexdigest()


def object_id(obj: SchemaObject) -> str:
    """Identity of an object within a schema: kind and folded name."""
    return f"{obj.kind}:{normalize.fold(obj.name)}"


_FP_MOD = 1 << 256


def fingerprint_term(oid: str, h: str) -> int:
    """One object's share of a schema fingerprint."""
    return int.from_bytes(hashlib.sha256(f"{oid}:{h}".encode()).digest(), "big")


def fingerprint_text(total: int) -> str:
    return f"sha256+:{total % _FP_MOD:064x}"


def fingerprint_of_hashes(hashes: Any) -> str:
    """Combine (object id, object hash) pairs into a schema fingerprint.

    A sum of per-object hashes (a multiset hash): independent of order, and
    updated in O(1) when one object changes, which incremental replay uses.
    """
    return fingerprint_text(sum(fingerprint_term(oid, h) for oid, h in hashes))
