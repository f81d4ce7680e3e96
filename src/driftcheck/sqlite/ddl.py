"""Extract from stored CREATE statements what SQLite's pragmas do not report.

The pragmas (``pragma_table_xinfo``, ``pragma_index_xinfo``, ...) give most of a
schema's structure, but not CHECK constraints, column collations, generated
column expressions, AUTOINCREMENT, constraint names, DEFERRABLE clauses,
virtual-table arguments, index expressions, partial-index WHERE clauses, view
bodies or trigger parts. Those exist only in the text kept in
``sqlite_schema.sql``, which this module parses.

sqlglot's parser is not used for CREATE statements (it drops ``STRICT`` and gives
up on ``WITHOUT ROWID`` and triggers). Only its tokenizer is used. Every
expression is returned as the raw text of the statement between two tokens, so
it reads exactly as written (comments inside it included, comments around it
not). Names are returned unquoted: ``"a b"``, ``[a b]``, ```a b``` and ``'a b'``
all give ``a b``, and ``"a""b"`` gives ``a"b``.

Anything that cannot be tokenized or does not have the expected shape raises
:class:`DDLParseError`; callers are expected to fall back to what the pragmas
give.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CheckDef",
    "ColumnDef",
    "DDLParseError",
    "ForeignKeyDef",
    "IndexDef",
    "IndexPartDef",
    "TableDef",
    "TriggerDef",
    "UniqueDef",
    "ViewDef",
    "VirtualTableDef",
    "parse_create",
    "parse_create_index",
    "parse_create_table",
    "parse_create_trigger",
    "parse_create_view",
]


class DDLParseError(Exception):
    """A CREATE statement that this module cannot take apart.

    ``offset`` is the character offset in ``sql`` where the problem was found,
    when known.
    """

    def __init__(self, message: str, *, sql: str | None = None, offset: int | None = None) -> None:
        if sql is not None and offset is not None:
            snippet = sql[max(0, offset - 30) : offset + 30].replace("\n", " ")
            message = f"{message} (at offset {offset}: ...{snippet}...)"
        super().__init__(message)
        self.sql = sql
        self.offset = offset


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckDef:
    """A CHECK constraint. ``expr`` is the raw text inside ``CHECK( ... )``."""

    name: str | None
    expr: str
    column: str | None  # owning column for a column-level CHECK, else None


@dataclass(frozen=True, slots=True)
class ForeignKeyDef:
    """A foreign key, from a column-level REFERENCES or a table-level FOREIGN KEY.

    ``ref_columns`` is empty when the clause names no parent columns (the parent's
    primary key is meant). ``deferred`` is True only for ``DEFERRABLE INITIALLY
    DEFERRED``; in SQLite every other form is immediate.
    """

    name: str | None
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    deferred: bool


@dataclass(frozen=True, slots=True)
class UniqueDef:
    """A UNIQUE constraint; a column-level UNIQUE gives ``columns == (col,)``."""

    name: str | None
    columns: tuple[str, ...]
    on_conflict: str | None = None  # ON CONFLICT resolution, upper-cased; None = ABORT


@dataclass(frozen=True, slots=True)
class ColumnDef:
    """One column definition, as declared (column-level constraints only).

    ``type`` is the declared type as written (``""`` when there is none).
    ``default`` is the raw text after DEFAULT (``"'x'"``, ``"('x')"``, ``"-1"``,
    ``"CURRENT_TIMESTAMP"``, ``'""'``). ``primary_key``, ``pk_desc`` and
    ``autoincrement`` describe a column-level PRIMARY KEY only; a table-level
    ``PRIMARY KEY(...)`` is reported in :attr:`TableDef.primary_key`.
    """

    name: str
    type: str
    collation: str | None
    generated: str | None  # raw expression text inside AS( ... )
    generated_kind: str | None  # 'virtual' | 'stored'
    default: str | None
    primary_key: bool
    pk_desc: bool
    autoincrement: bool
    not_null: bool
    unique: bool
    not_null_conflict: str | None = None  # NOT NULL ON CONFLICT ..., upper-cased


@dataclass(frozen=True, slots=True)
class TableDef:
    """An ordinary table (``CREATE TABLE``)."""

    name: str
    columns: tuple[ColumnDef, ...]
    checks: tuple[CheckDef, ...]
    uniques: tuple[UniqueDef, ...]
    foreign_keys: tuple[ForeignKeyDef, ...]
    primary_key: tuple[str, ...]  # table-level PRIMARY KEY(...) columns, or the column-level PK
    primary_key_name: str | None
    autoincrement: bool
    without_rowid: bool
    strict: bool
    primary_key_conflict: str | None = None  # PRIMARY KEY ... ON CONFLICT ..., upper-cased


@dataclass(frozen=True, slots=True)
class VirtualTableDef:
    """A virtual table; ``args`` holds the raw text of each module argument."""

    name: str
    module: str
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndexPartDef:
    """One key part of an index.

    ``expr`` is the raw text of the key without its outermost COLLATE, ASC/DESC
    and redundant enclosing parentheses. ``column`` is set (unquoted) when the key
    is a bare column name.
    """

    expr: str
    column: str | None
    collation: str | None
    desc: bool


@dataclass(frozen=True, slots=True)
class IndexDef:
    """A ``CREATE [UNIQUE] INDEX`` statement."""

    name: str
    table: str
    unique: bool
    parts: tuple[IndexPartDef, ...]
    where: str | None


@dataclass(frozen=True, slots=True)
class ViewDef:
    """A ``CREATE VIEW``; ``select`` is the raw text after AS."""

    name: str
    columns: tuple[str, ...] | None
    select: str


@dataclass(frozen=True, slots=True)
class TriggerDef:
    """A ``CREATE TRIGGER``; ``body`` holds each statement's raw text, without ';'."""

    name: str
    timing: str  # 'BEFORE' | 'AFTER' | 'INSTEAD OF'
    event: str  # 'INSERT' | 'DELETE' | 'UPDATE'
    update_of: tuple[str, ...]
    table: str
    for_each_row: bool
    when: str | None
    body: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------

_Kind = Literal["word", "ident", "string", "number", "punct", "other"]

_WORD_RE = re.compile(r"[^\W\d][\w$]*\Z")
_PUNCT = frozenset("(),.;")


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: _Kind
    value: str  # unquoted content for ident/string; raw text otherwise
    start: int
    end: int  # exclusive

    @property
    def kw(self) -> str:
        """Upper-cased text of an unquoted word, '' for anything else."""
        return self.value.upper() if self.kind == "word" else ""

    @property
    def is_name(self) -> bool:
        return self.kind in ("word", "ident", "string")


_LOCAL = threading.local()


def _tokenizer() -> Any:
    """This thread's SQLite tokenizer: building one costs more than tokenizing a
    statement, and `tokenize` resets it, but it is not safe to share between threads."""
    found = getattr(_LOCAL, "tokenizer", None)
    if found is None:
        from sqlglot.dialects.sqlite import SQLite

        found = _LOCAL.tokenizer = SQLite.Tokenizer()
    return found


def _tokenize(sql: str) -> list[_Tok]:
    """Tokenize with sqlglot's SQLite tokenizer and classify the tokens.

    sqlglot glues some keyword pairs into one token (``PRIMARY KEY``, ``FOREIGN
    KEY``, ``DOUBLE PRECISION``, ``ORDER BY``...); they are split back into one
    word each, with their exact offsets, so that keyword matching is uniform.
    """
    try:
        from sqlglot.tokenizer_core import TokenType

        raw = _tokenizer().tokenize(sql)
    except Exception as exc:  # sqlglot raises TokenError, occasionally others
        raise DDLParseError(f"cannot tokenize statement: {exc}") from exc

    # Compare token types by identity: reading `.name` of an enum member is
    # slow enough to dominate reading a large schema.
    identifier, string, number = TokenType.IDENTIFIER, TokenType.STRING, TokenType.NUMBER
    out: list[_Tok] = []
    for t in raw:
        start, end = t.start, t.end + 1
        text = sql[start:end]
        ttype = t.token_type
        if ttype is identifier:
            out.append(_Tok("ident", t.text, start, end))
        elif ttype is string:
            out.append(_Tok("string", t.text, start, end))
        elif ttype is number:
            out.append(_Tok("number", text, start, end))
        elif text in _PUNCT:
            out.append(_Tok("punct", text, start, end))
        elif _WORD_RE.match(text):
            out.append(_Tok("word", text, start, end))
        elif " " in t.text and all(_WORD_RE.match(w) for w in text.split()):
            # A multi-word keyword token such as "PRIMARY   KEY".
            for m in re.finditer(r"\S+", text):
                out.append(_Tok("word", m.group(), start + m.start(), start + m.end()))
        else:
            out.append(_Tok("other", text, start, end))
    return _merge_numbers(sql, out)


def _merge_numbers(sql: str, toks: list[_Tok]) -> list[_Tok]:
    """Re-join numbers that sqlglot splits: ``.5`` (DOT, NUMBER) and digit
    separators such as ``1_000`` (NUMBER, word)."""
    out: list[_Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if prev is not None and prev.end == t.start:
            if (
                t.kind == "number"
                and prev.kind == "punct"
                and prev.value == "."
                and not (len(out) > 1 and out[-2].end == prev.start and out[-2].is_name)
            ):
                out[-1] = _Tok("number", sql[prev.start : t.end], prev.start, t.end)
                continue
            if (
                prev.kind == "number"
                and t.kind == "word"
                and re.fullmatch(r"_[0-9_]*[0-9]", t.value)
            ):
                out[-1] = _Tok("number", sql[prev.start : t.end], prev.start, t.end)
                continue
        out.append(t)
    return out


# --------------------------------------------------------------------------------------
# Token-range helpers (ranges are half-open [i, j) over a token list)
# --------------------------------------------------------------------------------------


def _text(sql: str, toks: list[_Tok], i: int, j: int) -> str:
    """Raw statement text covered by toks[i:j] ('' for an empty range)."""
    if j <= i:
        return ""
    return sql[toks[i].start : toks[j - 1].end]


def _match_paren(sql: str, toks: list[_Tok], i: int, limit: int | None = None) -> int:
    """Index of the ')' matching the '(' at toks[i]."""
    stop = len(toks) if limit is None else limit
    depth = 0
    for k in range(i, stop):
        t = toks[k]
        if t.kind == "punct":
            if t.value == "(":
                depth += 1
            elif t.value == ")":
                depth -= 1
                if depth == 0:
                    return k
    raise DDLParseError("unbalanced parentheses", sql=sql, offset=toks[i].start)


def _split_top_level(toks: list[_Tok], i: int, j: int, sep: str = ",") -> list[tuple[int, int]]:
    """Split toks[i:j] on ``sep`` punctuation outside parentheses.

    Returns half-open ranges; an empty input range gives ``[]``.
    """
    if j <= i:
        return []
    parts: list[tuple[int, int]] = []
    depth = 0
    begin = i
    for k in range(i, j):
        t = toks[k]
        if t.kind != "punct":
            continue
        if t.value == "(":
            depth += 1
        elif t.value == ")":
            depth -= 1
        elif t.value == sep and depth == 0:
            parts.append((begin, k))
            begin = k + 1
    parts.append((begin, j))
    return parts


class _Cursor:
    """A position in a token range with small matching helpers."""

    def __init__(self, sql: str, toks: list[_Tok], pos: int = 0, end: int | None = None) -> None:
        self.sql = sql
        self.toks = toks
        self.pos = pos
        self.end = len(toks) if end is None else end

    # -- inspection
    def peek(self, k: int = 0) -> _Tok | None:
        p = self.pos + k
        return self.toks[p] if p < self.end else None

    def at_end(self) -> bool:
        return self.pos >= self.end

    def at_kw(self, *words: str) -> bool:
        for n, w in enumerate(words):
            t = self.peek(n)
            if t is None or t.kw != w:
                return False
        return True

    def at_punct(self, p: str) -> bool:
        t = self.peek()
        return t is not None and t.kind == "punct" and t.value == p

    # -- consumption
    def error(self, message: str) -> DDLParseError:
        t = self.peek()
        if t is None:
            offset = self.toks[self.end - 1].end if self.end > 0 else 0
            return DDLParseError(f"{message}, found end of statement", sql=self.sql, offset=offset)
        shown = self.sql[t.start : t.end]
        return DDLParseError(f"{message}, found {shown!r}", sql=self.sql, offset=t.start)

    def accept_kw(self, *words: str) -> bool:
        if self.at_kw(*words):
            self.pos += len(words)
            return True
        return False

    def expect_kw(self, *words: str) -> None:
        if not self.accept_kw(*words):
            raise self.error(f"expected {' '.join(words)}")

    def accept_punct(self, p: str) -> bool:
        if self.at_punct(p):
            self.pos += 1
            return True
        return False

    def name(self, what: str = "a name") -> str:
        t = self.peek()
        if t is None or not t.is_name:
            raise self.error(f"expected {what}")
        self.pos += 1
        return t.value

    def qualified_name(self, what: str = "a name") -> str:
        """``name`` or ``schema.name``; returns just the last part."""
        n = self.name(what)
        if self.at_punct("."):
            self.pos += 1
            n = self.name(what)
        return n

    def paren_group(self) -> tuple[int, int]:
        """Consume ``( ... )``; return the half-open range inside the parentheses."""
        if not self.at_punct("("):
            raise self.error("expected '('")
        close = _match_paren(self.sql, self.toks, self.pos, self.end)
        inner = (self.pos + 1, close)
        self.pos = close + 1
        return inner

    def name_list(self) -> tuple[str, ...]:
        """Consume ``( name, name, ... )``."""
        i, j = self.paren_group()
        names: list[str] = []
        for a, b in _split_top_level(self.toks, i, j):
            sub = _Cursor(self.sql, self.toks, a, b)
            names.append(sub.name("a column name"))
            if not sub.at_end():
                raise sub.error("expected ',' or ')'")
        return tuple(names)

    def if_not_exists(self) -> None:
        self.accept_kw("IF", "NOT", "EXISTS")

    def expect_end(self) -> None:
        if not self.at_end():
            raise self.error("unexpected text")


def _statement_tokens(sql: str) -> list[_Tok]:
    """Tokens of one statement, without trailing semicolons."""
    if not isinstance(sql, str):
        raise DDLParseError(f"expected SQL text, got {type(sql).__name__}")
    toks = _tokenize(sql)
    while toks and toks[-1].kind == "punct" and toks[-1].value == ";":
        toks.pop()
    if not toks:
        raise DDLParseError("empty statement")
    return toks


def _start(sql: str, toks: list[_Tok]) -> _Cursor:
    """A cursor just after the leading CREATE."""
    cur = _Cursor(sql, toks)
    cur.expect_kw("CREATE")
    return cur


def _accept_temp(cur: _Cursor) -> bool:
    return cur.accept_kw("TEMP") or cur.accept_kw("TEMPORARY")


def _conflict_clause(cur: _Cursor) -> str | None:
    """`ON CONFLICT x` after a constraint: x upper-cased, or None when absent."""
    if cur.accept_kw("ON", "CONFLICT"):
        return cur.name("a conflict resolution (ROLLBACK, ABORT, FAIL, IGNORE or REPLACE)").upper()
    return None


# --------------------------------------------------------------------------------------
# Key parts: `expr [COLLATE name] [ASC|DESC]` (indexes, PRIMARY KEY(...), UNIQUE(...))
# --------------------------------------------------------------------------------------

_UNARY = frozenset({"-", "+", "~"})
_NOT_COLUMNS = frozenset({"NULL", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"})


def _is_operand(sql: str, toks: list[_Tok], i: int, j: int) -> bool:
    """Whether toks[i:j] is one operand that a trailing COLLATE applies to whole.

    COLLATE binds tighter than every binary operator in SQLite, so in
    ``a || b COLLATE x`` it applies to ``b`` only; it covers the whole key only
    after a primary expression (name, literal, call, parenthesised expression,
    CASE ... END), optionally with unary -, + or ~ in front.
    """
    while i < j and toks[i].kind == "other" and toks[i].value in _UNARY:
        i += 1
    if i >= j:
        return False
    n = j - i
    first = toks[i]
    if n == 1:
        return first.kind != "punct"
    if n >= 2 and toks[j - 2].kw == "COLLATE" and toks[j - 1].is_name:
        return _is_operand(sql, toks, i, j - 2)
    if first.kind == "punct" and first.value == "(":
        return _match_paren(sql, toks, i, j) == j - 1
    if first.is_name and toks[i + 1].kind == "punct":
        if toks[i + 1].value == "(":  # function call
            return _match_paren(sql, toks, i + 1, j) == j - 1
        if toks[i + 1].value == ".":  # qualified column
            return n % 2 == 1 and all(
                (toks[k].kind == "punct" and toks[k].value == ".")
                if (k - i) % 2
                else toks[k].is_name
                for k in range(i, j)
            )
    if first.kw == "CASE" and toks[j - 1].kw == "END":
        depth = 0
        for k in range(i, j):
            if toks[k].kw == "CASE":
                depth += 1
            elif toks[k].kw == "END":
                depth -= 1
                if depth == 0 and k != j - 1:
                    return False
        return depth == 0
    return False


def _key_part(sql: str, toks: list[_Tok], i: int, j: int) -> IndexPartDef:
    if j <= i:
        raise DDLParseError("empty key part", sql=sql, offset=toks[i - 1].end if i else 0)
    desc = False
    if toks[j - 1].kw in ("ASC", "DESC") and j - i > 1:
        desc = toks[j - 1].kw == "DESC"
        j -= 1
    collation: str | None = None
    while j - i >= 1:
        if (
            j - i >= 3
            and toks[j - 2].kw == "COLLATE"
            and toks[j - 1].is_name
            and _is_operand(sql, toks, i, j - 2)
        ):
            if collation is None:  # the outermost COLLATE wins
                collation = toks[j - 1].value
            j -= 2
            continue
        first = toks[i]
        if (
            j - i >= 3
            and first.kind == "punct"
            and first.value == "("
            and _match_paren(sql, toks, i, j) == j - 1
        ):
            i += 1
            j -= 1
            continue
        break
    column: str | None = None
    if j - i == 1 and toks[i].is_name and toks[i].kw not in _NOT_COLUMNS:
        column = toks[i].value
    return IndexPartDef(expr=_text(sql, toks, i, j), column=column, collation=collation, desc=desc)


def _key_columns(sql: str, toks: list[_Tok], i: int, j: int) -> tuple[str, ...]:
    """Column names of a PRIMARY KEY(...) / UNIQUE(...) list (raw text for expressions)."""
    cols: list[str] = []
    for a, b in _split_top_level(toks, i, j):
        part = _key_part(sql, toks, a, b)
        cols.append(part.column if part.column is not None else part.expr)
    return tuple(cols)


# --------------------------------------------------------------------------------------
# CREATE TABLE
# --------------------------------------------------------------------------------------

# Words that end a column's type: the start of a column constraint.
_TYPE_STOP = frozenset(
    {
        "CONSTRAINT",
        "PRIMARY",
        "NOT",
        "NULL",
        "UNIQUE",
        "CHECK",
        "DEFAULT",
        "COLLATE",
        "REFERENCES",
        "GENERATED",
        "AS",
    }
)
_TABLE_CONSTRAINT_START = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


def _fk_clause(cur: _Cursor) -> tuple[str, tuple[str, ...], bool]:
    """Parse ``REFERENCES t [(cols)] [ON ...] [MATCH x] [[NOT] DEFERRABLE ...]``."""
    cur.expect_kw("REFERENCES")
    ref_table = cur.qualified_name("a referenced table name")
    ref_columns: tuple[str, ...] = ()
    if cur.at_punct("("):
        ref_columns = cur.name_list()
    deferred = False
    while True:
        if cur.accept_kw("ON"):
            if not (cur.accept_kw("DELETE") or cur.accept_kw("UPDATE")):
                raise cur.error("expected DELETE or UPDATE after ON")
            actions = (
                ("SET", "NULL"),
                ("SET", "DEFAULT"),
                ("NO", "ACTION"),
                ("CASCADE",),
                ("RESTRICT",),
            )
            if not any(cur.accept_kw(*action) for action in actions):
                raise cur.error("expected a foreign key action")
        elif cur.accept_kw("MATCH"):
            cur.name("a MATCH name")
        elif cur.at_kw("NOT", "DEFERRABLE") or cur.at_kw("DEFERRABLE"):
            negated = cur.accept_kw("NOT")
            cur.expect_kw("DEFERRABLE")
            initially_deferred = False
            if cur.accept_kw("INITIALLY"):
                if cur.accept_kw("DEFERRED"):
                    initially_deferred = True
                elif not cur.accept_kw("IMMEDIATE"):
                    raise cur.error("expected DEFERRED or IMMEDIATE")
            deferred = initially_deferred and not negated
        else:
            return ref_table, ref_columns, deferred


class _TableBuilder:
    def __init__(self, sql: str, toks: list[_Tok]) -> None:
        self.sql = sql
        self.toks = toks
        self.columns: list[ColumnDef] = []
        self.checks: list[CheckDef] = []
        self.uniques: list[UniqueDef] = []
        self.fks: list[ForeignKeyDef] = []
        self.primary_key: tuple[str, ...] = ()
        self.primary_key_name: str | None = None
        self.primary_key_conflict: str | None = None
        self.autoincrement = False

    def _set_pk(self, cur: _Cursor, cols: tuple[str, ...], name: str | None) -> None:
        if self.primary_key:
            raise cur.error("more than one PRIMARY KEY")
        self.primary_key = cols
        self.primary_key_name = name

    def column(self, i: int, j: int) -> None:
        sql, toks = self.sql, self.toks
        cur = _Cursor(sql, toks, i, j)
        name = cur.name("a column name")
        # -- type: names, optionally followed by one parenthesised group
        type_start = cur.pos
        while (t := cur.peek()) is not None:
            if t.kw in _TYPE_STOP:
                nxt = cur.peek(1)
                # "GENERATED" is a type word unless it starts GENERATED ALWAYS.
                if not (t.kw == "GENERATED" and (nxt is None or nxt.kw != "ALWAYS")):
                    break
            if t.kind == "punct" and t.value == "(":
                cur.paren_group()
                break
            if not t.is_name:
                break
            cur.pos += 1
        col_type = _text(sql, toks, type_start, cur.pos)

        collation: str | None = None
        generated: str | None = None
        generated_kind: str | None = None
        default: str | None = None
        primary_key = pk_desc = autoincrement = not_null = unique = False
        not_null_conflict: str | None = None
        cname: str | None = None
        while not cur.at_end():
            if cur.accept_kw("CONSTRAINT"):
                cname = cur.name("a constraint name")
                continue
            if cur.accept_kw("PRIMARY", "KEY"):
                if cur.accept_kw("DESC"):
                    pk_desc = True
                else:
                    cur.accept_kw("ASC")
                self.primary_key_conflict = _conflict_clause(cur)
                if cur.accept_kw("AUTOINCREMENT"):
                    autoincrement = True
                primary_key = True
                self._set_pk(cur, (name,), cname)
            elif cur.accept_kw("NOT", "NULL"):
                not_null = True
                not_null_conflict = _conflict_clause(cur)
            elif cur.accept_kw("NULL"):
                _conflict_clause(cur)
            elif cur.accept_kw("UNIQUE"):
                unique = True
                self.uniques.append(UniqueDef(cname, (name,), _conflict_clause(cur)))
            elif cur.accept_kw("CHECK"):
                a, b = cur.paren_group()
                self.checks.append(CheckDef(cname, _text(sql, toks, a, b), name))
            elif cur.accept_kw("DEFAULT"):
                start = cur.pos
                t = cur.peek()
                if t is None:
                    raise cur.error("expected a default value")
                if t.kind == "punct" and t.value == "(":
                    cur.paren_group()
                else:
                    if t.kind == "other" and t.value in ("-", "+"):
                        cur.pos += 1
                        t = cur.peek()
                    if t is None or t.kind == "punct":
                        raise cur.error("expected a default value")
                    cur.pos += 1
                default = _text(sql, toks, start, cur.pos)
            elif cur.accept_kw("COLLATE"):
                collation = cur.name("a collation name")
            elif cur.at_kw("REFERENCES"):
                ref_table, ref_cols, deferred = _fk_clause(cur)
                self.fks.append(ForeignKeyDef(cname, (name,), ref_table, ref_cols, deferred))
            elif cur.at_kw("GENERATED", "ALWAYS") or cur.at_kw("AS"):
                if cur.accept_kw("GENERATED", "ALWAYS") and not cur.at_kw("AS"):
                    # SQLite accepts a bare GENERATED ALWAYS as a no-op.
                    cname = None
                    continue
                cur.expect_kw("AS")
                a, b = cur.paren_group()
                generated = _text(sql, toks, a, b)
                generated_kind = "virtual"
                if cur.accept_kw("STORED"):
                    generated_kind = "stored"
                else:
                    cur.accept_kw("VIRTUAL")
            else:
                raise cur.error(f"unexpected text in the definition of column {name!r}")
            cname = None
        self.columns.append(
            ColumnDef(
                name=name,
                type=col_type,
                collation=collation,
                generated=generated,
                generated_kind=generated_kind,
                default=default,
                primary_key=primary_key,
                pk_desc=pk_desc,
                autoincrement=autoincrement,
                not_null=not_null,
                unique=unique,
                not_null_conflict=not_null_conflict,
            )
        )
        if autoincrement:
            self.autoincrement = True

    def constraints(self, i: int, j: int) -> None:
        """One comma-separated element of table constraints (SQLite allows several
        constraints in a row without commas)."""
        sql, toks = self.sql, self.toks
        cur = _Cursor(sql, toks, i, j)
        if cur.at_end():
            raise cur.error("expected a table constraint")
        cname: str | None = None
        while not cur.at_end():
            if cur.accept_kw("CONSTRAINT"):
                cname = cur.name("a constraint name")
                continue
            if cur.accept_kw("PRIMARY", "KEY"):
                a, b = cur.paren_group()
                if b > a and toks[b - 1].kw == "AUTOINCREMENT":
                    self.autoincrement = True
                    b -= 1
                self._set_pk(cur, _key_columns(sql, toks, a, b), cname)
                self.primary_key_conflict = _conflict_clause(cur)
            elif cur.accept_kw("UNIQUE"):
                a, b = cur.paren_group()
                columns = _key_columns(sql, toks, a, b)
                self.uniques.append(UniqueDef(cname, columns, _conflict_clause(cur)))
            elif cur.accept_kw("CHECK"):
                a, b = cur.paren_group()
                self.checks.append(CheckDef(cname, _text(sql, toks, a, b), None))
                _conflict_clause(cur)  # accepted by the grammar, ignored by SQLite
            elif cur.accept_kw("FOREIGN", "KEY"):
                cols = cur.name_list()
                ref_table, ref_cols, deferred = _fk_clause(cur)
                self.fks.append(ForeignKeyDef(cname, cols, ref_table, ref_cols, deferred))
            else:
                raise cur.error("expected a table constraint")
            cname = None


def parse_create_table(sql: str) -> TableDef | VirtualTableDef:
    """Parse a ``CREATE [TEMP] [VIRTUAL] TABLE`` statement."""
    return _table(sql, _statement_tokens(sql))


def _table(sql: str, toks: list[_Tok]) -> TableDef | VirtualTableDef:
    cur = _start(sql, toks)
    temp = _accept_temp(cur)
    if not temp and cur.accept_kw("VIRTUAL"):
        return _virtual_table(cur)
    cur.expect_kw("TABLE")
    cur.if_not_exists()
    name = cur.qualified_name("a table name")

    if cur.accept_kw("AS"):  # CREATE TABLE x AS SELECT ...: the pragmas give the columns
        if cur.at_end():
            raise cur.error("expected a SELECT after AS")
        return TableDef(name, (), (), (), (), (), None, False, False, False)

    a, b = cur.paren_group()
    builder = _TableBuilder(sql, toks)
    in_constraints = False
    elements = _split_top_level(toks, a, b)
    if not elements:
        raise cur.error("expected at least one column")
    for i, j in elements:
        if i < j and toks[i].kw in _TABLE_CONSTRAINT_START:
            in_constraints = True
        if in_constraints:
            builder.constraints(i, j)
        elif i == j:
            raise DDLParseError("empty column definition", sql=sql, offset=toks[i - 1].end)
        else:
            builder.column(i, j)

    without_rowid = strict = False
    if not cur.at_end():
        for i, j in _split_top_level(toks, cur.pos, cur.end):
            opt = _Cursor(sql, toks, i, j)
            if opt.accept_kw("WITHOUT", "ROWID"):
                without_rowid = True
            elif opt.accept_kw("STRICT"):
                strict = True
            else:
                raise opt.error("expected a table option (WITHOUT ROWID or STRICT)")
            opt.expect_end()

    return TableDef(
        name=name,
        columns=tuple(builder.columns),
        checks=tuple(builder.checks),
        uniques=tuple(builder.uniques),
        foreign_keys=tuple(builder.fks),
        primary_key=builder.primary_key,
        primary_key_name=builder.primary_key_name,
        autoincrement=builder.autoincrement,
        without_rowid=without_rowid,
        strict=strict,
        primary_key_conflict=builder.primary_key_conflict,
    )


def _virtual_table(cur: _Cursor) -> VirtualTableDef:
    cur.expect_kw("TABLE")
    cur.if_not_exists()
    name = cur.qualified_name("a table name")
    cur.expect_kw("USING")
    module = cur.name("a module name")
    args: tuple[str, ...] = ()
    if cur.at_punct("("):
        a, b = cur.paren_group()
        args = tuple(_text(cur.sql, cur.toks, i, j) for i, j in _split_top_level(cur.toks, a, b))
    cur.expect_end()
    return VirtualTableDef(name, module, args)


# --------------------------------------------------------------------------------------
# CREATE INDEX / VIEW / TRIGGER
# --------------------------------------------------------------------------------------


def parse_create_index(sql: str) -> IndexDef:
    """Parse a ``CREATE [UNIQUE] INDEX`` statement."""
    return _index(sql, _statement_tokens(sql))


def _index(sql: str, toks: list[_Tok]) -> IndexDef:
    cur = _start(sql, toks)
    unique = cur.accept_kw("UNIQUE")
    cur.expect_kw("INDEX")
    cur.if_not_exists()
    name = cur.qualified_name("an index name")
    cur.expect_kw("ON")
    table = cur.name("a table name")
    a, b = cur.paren_group()
    parts = tuple(_key_part(sql, toks, i, j) for i, j in _split_top_level(toks, a, b))
    if not parts:
        raise DDLParseError("index without key parts", sql=sql, offset=toks[a - 1].start)
    where = None
    if cur.accept_kw("WHERE"):
        if cur.at_end():
            raise cur.error("expected an expression after WHERE")
        where = _text(sql, toks, cur.pos, cur.end)
        cur.pos = cur.end
    cur.expect_end()
    return IndexDef(name, table, unique, parts, where)


def parse_create_view(sql: str) -> ViewDef:
    """Parse a ``CREATE [TEMP] VIEW`` statement.

    Only the header (name, column list, AS) needs tokens; views can be long,
    so a prefix is tokenized first and the SELECT taken as the rest.
    """
    for limit in (512, 4096):
        if len(sql) <= limit:
            break
        try:
            return _view(sql, _tokenize(sql[:limit]), header_only=True)
        except DDLParseError:
            continue  # the prefix cut a token or did not reach AS: try more
    return _view(sql, _statement_tokens(sql))


def _view(sql: str, toks: list[_Tok], header_only: bool = False) -> ViewDef:
    cur = _start(sql, toks)
    _accept_temp(cur)
    cur.expect_kw("VIEW")
    cur.if_not_exists()
    name = cur.qualified_name("a view name")
    columns: tuple[str, ...] | None = None
    if cur.at_punct("("):
        # eidlist: names, each optionally with COLLATE / ASC / DESC (ignored by SQLite)
        a, b = cur.paren_group()
        columns = tuple(
            _Cursor(sql, toks, i, j).name("a column name") for i, j in _split_top_level(toks, a, b)
        )
    cur.expect_kw("AS")
    if cur.at_end():
        raise cur.error("expected a SELECT after AS")
    if header_only:
        # Need one complete token after AS (the last one of a prefix may be cut).
        if cur.pos + 1 >= cur.end:
            raise cur.error("prefix too short")
        select = sql[toks[cur.pos].start :].rstrip().rstrip(";").rstrip()
        return ViewDef(name, columns, select)
    return ViewDef(name, columns, _text(sql, toks, cur.pos, cur.end))


def parse_create_trigger(sql: str) -> TriggerDef:
    """Parse a ``CREATE [TEMP] TRIGGER`` statement."""
    return _trigger(sql, _statement_tokens(sql))


def _trigger(sql: str, toks: list[_Tok]) -> TriggerDef:
    cur = _start(sql, toks)
    _accept_temp(cur)
    cur.expect_kw("TRIGGER")
    cur.if_not_exists()
    name = cur.qualified_name("a trigger name")

    timing = "BEFORE"
    if cur.accept_kw("BEFORE"):
        timing = "BEFORE"
    elif cur.accept_kw("AFTER"):
        timing = "AFTER"
    elif cur.accept_kw("INSTEAD", "OF"):
        timing = "INSTEAD OF"

    update_of: tuple[str, ...] = ()
    t = cur.peek()
    if t is None or t.kw not in ("INSERT", "DELETE", "UPDATE"):
        raise cur.error("expected INSERT, DELETE or UPDATE")
    event = t.kw
    cur.pos += 1
    if event == "UPDATE" and cur.accept_kw("OF"):
        names = [cur.name("a column name")]
        while cur.accept_punct(","):
            names.append(cur.name("a column name"))
        update_of = tuple(names)

    cur.expect_kw("ON")
    table = cur.qualified_name("a table name")
    for_each_row = cur.accept_kw("FOR", "EACH", "ROW")

    # BEGIN ends the WHEN expression: find it outside parentheses.
    depth = 0
    begin = None
    for k in range(cur.pos, cur.end):
        tk = toks[k]
        if tk.kind == "punct" and tk.value in "()":
            depth += 1 if tk.value == "(" else -1
        elif depth == 0 and tk.kw == "BEGIN":
            begin = k
            break
    if begin is None:
        raise cur.error("expected BEGIN")
    when = None
    if cur.accept_kw("WHEN"):
        if cur.pos >= begin:
            raise cur.error("expected an expression after WHEN")
        when = _text(sql, toks, cur.pos, begin)
    elif cur.pos != begin:
        raise cur.error("expected WHEN or BEGIN")

    if toks[-1].kw != "END" or len(toks) - 1 <= begin:
        raise DDLParseError("trigger body does not end with END", sql=sql, offset=toks[-1].start)
    body = tuple(
        _text(sql, toks, i, j)
        for i, j in _split_top_level(toks, begin + 1, len(toks) - 1, sep=";")
        if j > i
    )
    if not body:
        raise DDLParseError("empty trigger body", sql=sql, offset=toks[begin].start)
    return TriggerDef(name, timing, event, update_of, table, for_each_row, when, body)


def parse_create(sql: str) -> TableDef | VirtualTableDef | IndexDef | ViewDef | TriggerDef:
    """Parse any CREATE statement kept in ``sqlite_schema.sql``, by its kind."""
    toks = _statement_tokens(sql)
    cur = _start(sql, toks)
    _accept_temp(cur)
    cur.accept_kw("UNIQUE")
    cur.accept_kw("VIRTUAL")
    t = cur.peek()
    kind = t.kw if t is not None else ""
    if kind == "TABLE":
        return _table(sql, toks)
    if kind == "INDEX":
        return _index(sql, toks)
    if kind == "VIEW":
        return _view(sql, toks)
    if kind == "TRIGGER":
        return _trigger(sql, toks)
    raise cur.error("expected TABLE, INDEX, VIEW or TRIGGER")
