"""Canonical forms: the only place where text is turned into comparable keys.

Two pieces of SQL that mean the same must get the same key; two that differ in
meaning must not. Expressions are parsed with sqlglot and serialised as a tree
(so redundant parentheses, keyword case, quoting, `<>`/`!=` and whitespace
vanish, while precedence is kept exactly). Where sqlglot cannot parse a
construct the key falls back to SQLite tokens with whitespace, comments,
keyword case and identifier quoting collapsed; such keys start with
``tokens:`` so a report can say how a comparison was made.

sqlglot is used for expressions only: it never writes DDL here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# SQLite folds identifiers for ASCII letters only (sqlite3StrICmp).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

TOKENS_PREFIX = "tokens:"


def fold(name: str) -> str:
    """The form under which SQLite considers two identifiers equal."""
    # str.lower() would also fold non-ASCII letters, which SQLite does not.
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


def upper(text: str) -> str:
    return text.translate(_ASCII_UPPER)


_SPACES = re.compile(r"\s+")
_SPACE_AROUND_PUNCT = re.compile(r"\s*([(),])\s*")


_COMMENTS = re.compile(r"/\*.*?(\*/|$)|--[^\n]*", re.DOTALL)


def canonical_type(declared: str) -> str:
    """Declared type with case, spacing and comments folded: `varchar ( 10 )` -> `VARCHAR(10)`."""
    text = _SPACES.sub(" ", upper(_COMMENTS.sub(" ", declared)).strip())
    return _SPACE_AROUND_PUNCT.sub(r"\1", text)


def affinity(declared: str) -> str:
    """Column affinity by SQLite's rules (datatype3.html, section 3.1), in order."""
    t = upper(declared)
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t.strip():
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"


def collation(name: str | None) -> str:
    """Collation names are case-insensitive; no collation means BINARY."""
    return upper(name) if name else "BINARY"


# --------------------------------------------------------------------------
# Expression keys


def expression_key(sql: str) -> str:
    """Key of a scalar expression (CHECK, WHERE, index key, generated column)."""
    return _key("expr", sql)


def default_key(sql: str) -> str:
    """Key of a column default as pragma_table_info reports it.

    A double-quoted word in a DEFAULT is a string (no column is in scope), and
    TRUE/FALSE are the integers 1/0: both store the same value.
    """
    return _key("default", sql)


def select_key(sql: str) -> str:
    """Key of a view's SELECT."""
    return _key("select", sql)


def statement_key(sql: str) -> str:
    """Key of one statement of a trigger body."""
    return _key("statement", sql)


def tokens_key(sql: str) -> str:
    """Token-level key: whitespace, comments, keyword case and quoting collapsed."""
    return _key("tokens", sql)


@lru_cache(maxsize=65536)
def _key(kind: str, sql: str) -> str:
    if kind != "tokens":
        try:
            return _tree_key(kind, sql)
        except Exception:  # sqlglot could not parse it: compare tokens instead
            pass
    return TOKENS_PREFIX + _token_key(sql)


def _tree_key(kind: str, sql: str) -> str:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    text = sql.strip().rstrip(";").strip()
    if not text:
        return ""
    if kind in ("expr", "default"):
        # Parse as the projection of a SELECT so any expression is accepted.
        tree = sqlglot.parse_one(f"SELECT {text}", read="sqlite", error_level=ErrorLevel.RAISE)
        extra = [k for k, v in tree.args.items() if v and k != "expressions"]
        if not isinstance(tree, exp.Select) or len(tree.expressions) != 1 or extra:
            raise ValueError("not a single expression")
        node = tree.expressions[0]
        if isinstance(node, exp.Alias):  # "a AS b" is not an expression
            raise ValueError("not a single expression")
    else:
        node = sqlglot.parse_one(text, read="sqlite", error_level=ErrorLevel.RAISE)
        if isinstance(node, exp.Command):  # sqlglot's opaque fallback: not parsed
            raise ValueError("unparsed command")
    node = normalize_identifiers(node, dialect="sqlite")
    if kind == "default":
        node = _default_literals(node)
    return _serialise(node)


def _default_literals(node: Any) -> Any:
    from sqlglot import exp

    def to_literal(n: Any) -> Any:
        if isinstance(n, exp.Column) and not n.table:
            return exp.Literal.string(n.this.this if isinstance(n.this, exp.Identifier) else n.name)
        return n

    return node.transform(to_literal)


def _serialise(node: Any) -> str:
    """A canonical, unambiguous text for a sqlglot tree.

    The tree already encodes precedence, so parentheses are dropped; chains of
    AND/OR are flattened (both are associative); TRUE/FALSE become 1/0 except
    in `IS TRUE`, which SQLite treats differently from `IS 1`.
    """
    from sqlglot import exp

    out: list[str] = []

    def walk(n: Any, parent: Any = None) -> None:
        if isinstance(n, list):
            out.append("[")
            for i, item in enumerate(n):
                if i:
                    out.append(",")
                walk(item, parent)
            out.append("]")
            return
        if not isinstance(n, exp.Expression):
            out.append(repr(n) if not isinstance(n, str) else _quote(n))
            return
        while isinstance(n, exp.Paren):
            n = n.this
        if isinstance(n, exp.Boolean) and not isinstance(parent, exp.Is):
            out.append("#1" if n.this else "#0")
            return
        if isinstance(n, exp.Identifier):
            out.append(_quote(fold(n.this)))
            return
        if isinstance(n, exp.Literal):
            out.append(_quote(n.this) if n.is_string else f"#{n.this}")
            return
        if isinstance(n, exp.HexString):  # x'cafe' and X'CAFE' are the same bytes
            out.append(f"X'{upper(str(n.this))}'")
            return
        if isinstance(n, (exp.And, exp.Or)):
            operands: list[Any] = []
            _flatten(n, type(n), operands)
            out.append(type(n).__name__)
            walk(operands, n)
            return
        name = type(n).__name__
        if isinstance(n, exp.Anonymous):
            out.append(f"Fn:{fold(str(n.this))}")
            walk(list(n.expressions), n)
            return
        out.append(name + "(")
        first = True
        for arg in n.arg_types:
            value = n.args.get(arg)
            if value is None or value is False or (isinstance(value, list) and not value):
                continue
            if not first:
                out.append(",")
            first = False
            out.append(arg + "=")
            walk(value, n)
        out.append(")")

    walk(node)
    return "".join(out)


def _flatten(n: Any, cls: type[Any], acc: list[Any]) -> None:
    from sqlglot import exp

    while isinstance(n, exp.Paren):
        n = n.this
    if isinstance(n, cls):
        _flatten(n.this, cls, acc)
        _flatten(n.expression, cls, acc)
    else:
        acc.append(n)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------
# Token-level fallback

_OPERATOR_ALIASES = {"<>": "!=", "==": "="}


def _token_key(sql: str) -> str:
    """Tokens of `sql`, canonicalised; never folds the case of string literals."""
    tokens = sql_tokens(sql)
    if tokens is None:  # the tokenizer itself failed: collapse whitespace only
        return _SPACES.sub(" ", sql.strip())
    parts: list[str] = []
    for kind, text in tokens:
        if kind == "STRING":
            parts.append(_quote(text))
        elif kind in ("IDENTIFIER", "VAR"):
            parts.append('"' + fold(text).replace('"', '""') + '"')
        else:
            t = upper(text)
            parts.append(_OPERATOR_ALIASES.get(t, t))
    while parts and parts[-1] == ";":
        parts.pop()
    return " ".join(parts)


def sql_tokens(sql: str) -> list[tuple[str, str]] | None:
    """(token type, text) pairs from sqlglot's SQLite tokenizer, or None if it fails."""
    try:
        from sqlglot.dialects.sqlite import SQLite

        return [(t.token_type.name, t.text) for t in SQLite.Tokenizer().tokenize(sql)]
    except Exception:
        return None
