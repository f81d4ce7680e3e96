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

from driftcheck.sqlite.types import affinity

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


def collation(name: str | None) -> str:
    """Collation names are case-insensitive; no collation means BINARY."""
    return upper(name) if name else "BINARY"


# --------------------------------------------------------------------------
# Expression keys


def expression_key(
    sql: str,
    strings: frozenset[str] = frozenset(),
    table: str = "",
    collated: frozenset[str] = frozenset({"*"}),
) -> str:
    """Key of a scalar expression (CHECK, WHERE, index key, generated column).

    `strings` are the double-quoted words that SQLite reads as string literals
    here, because no column of that name is in scope (see `sqlite.scope`).
    `table` is the table the expression belongs to: `t.x` is `x` there (tools
    that rebuild tables write `"__new_t"."x"`, which SQLite's RENAME turns into
    `"t"."x"`). `collated` names the columns in scope whose collation is not
    BINARY ("*": unknown); an explicit COLLATE BINARY on another column is dropped
    where that cannot change a comparison or an order.
    """
    return _key("expr", sql, strings, fold(table), collated)


def default_key(sql: str) -> str:
    """Key of a column default as pragma_table_info reports it.

    No column is ever in scope in a DEFAULT: a double-quoted or bare word is a
    string, so `DEFAULT "Plain"`, `DEFAULT Plain` and `DEFAULT 'Plain'` are
    equal (and `DEFAULT plain` is not). NULL is no default at all.
    """
    return _key("default", sql, frozenset())


def select_key(
    sql: str,
    strings: frozenset[str] = frozenset(),
    aliases: bool = True,
    collated: frozenset[str] = frozenset({"*"}),
) -> str:
    """Key of a view's SELECT.

    With `aliases=False` the names given to result columns are left out (where
    nothing else in the SELECT refers to them): for comparing views whose
    result column names are compared separately, as SQLite reports them.
    """
    return _key("select" if aliases else "select-unnamed", sql, strings, "", collated)


def statement_key(
    sql: str, strings: frozenset[str] = frozenset(), collated: frozenset[str] = frozenset({"*"})
) -> str:
    """Key of one statement of a trigger body."""
    return _key("statement", sql, strings, "", collated)


def tokens_key(sql: str) -> str:
    """Token-level key: whitespace, comments, keyword case and quoting collapsed."""
    return _key("tokens", sql, frozenset())


@lru_cache(maxsize=65536)
def _key(
    kind: str,
    sql: str,
    strings: frozenset[str],
    table: str = "",
    collated: frozenset[str] = frozenset({"*"}),
) -> str:
    if kind != "tokens":
        try:
            return _tree_key(kind, sql, strings, table, collated)
        except Exception:  # sqlglot could not parse it: compare tokens instead
            pass
    return TOKENS_PREFIX + _token_key(sql)


# What may stand before an operand: after these, `+` is a unary operator.
_BEFORE_OPERAND = frozenset(
    [
        "(",
        ",",
        "+",
        "-",
        "*",
        "/",
        "%",
        "=",
        "==",
        "!=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "||",
        "&",
        "|",
        "<<",
        ">>",
        "~",
        "->",
        "->>",
        "NOT",
        "AND",
        "OR",
        "IS",
        "IN",
        "LIKE",
        "GLOB",
        "MATCH",
        "REGEXP",
        "BETWEEN",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "SELECT",
        "WHERE",
        "ON",
        "HAVING",
        "BY",
        "SET",
        "RETURNING",
        "DISTINCT",
        "ALL",
        "ESCAPE",
        "VALUES",
    ]
)
UNARY_PLUS = "driftcheck_unary_plus"


def _rewrite(sql: str) -> str:
    """What sqlglot would lose, made explicit before it parses the text.

    sqlglot drops a unary `+`, yet it removes a column's affinity (`+x <> '1'`
    is not `x <> '1'` on an INTEGER column): it becomes a marker function. It
    reads `CAST(x AS STRING)` as TEXT, yet STRING has NUMERIC affinity: a CAST's
    type becomes its affinity, which is all a CAST means in SQLite. `REPLACE
    INTO` is `INSERT OR REPLACE INTO`.
    """
    if "+" not in sql and "CAST" not in upper(sql) and "REPLACE" not in upper(sql):
        return sql
    from sqlglot.dialects.sqlite import SQLite

    toks = SQLite.Tokenizer().tokenize(sql)
    texts = ["" if t.token_type.name in ("IDENTIFIER", "STRING") else upper(t.text) for t in toks]
    edits: list[tuple[int, int, str]] = []  # (start, end exclusive, replacement)
    if texts and texts[0] == "REPLACE":
        edits.append((toks[0].start, toks[0].end + 1, "INSERT OR REPLACE"))
    for i, t in enumerate(toks):
        if texts[i] == "CAST" and i + 1 < len(toks) and texts[i + 1] == "(":
            close = _close(texts, i + 1)
            depth, at = 0, None
            for j in range(i + 1, close):
                depth += texts[j] == "("
                depth -= texts[j] == ")"
                if depth == 1 and texts[j] == "AS":
                    at = j
            if at is not None and at + 1 < close:
                declared = sql[toks[at + 1].start : toks[close - 1].end + 1]
                edits.append((toks[at + 1].start, toks[close - 1].end + 1, affinity(declared)))
        elif texts[i] == "+" and (i == 0 or texts[i - 1] in _BEFORE_OPERAND):
            end = _operand_end(texts, i + 1)
            literal = end == i + 1 and toks[end].token_type.name in ("NUMBER", "STRING", "NULL")
            if end is not None and not literal:  # a literal has no affinity to lose
                edits.append((t.start, t.end + 1, UNARY_PLUS + "("))
                edits.append((toks[end].end + 1, toks[end].end + 1, ")"))
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        sql = sql[:start] + text + sql[end:]
    return sql


def _close(texts: list[str], i: int) -> int:
    """Index of the `)` matching the `(` at i (the last token if unbalanced)."""
    depth = 0
    for j in range(i, len(texts)):
        depth += texts[j] == "("
        depth -= texts[j] == ")"
        if depth == 0:
            return j
    return len(texts) - 1


def _operand_end(texts: list[str], i: int) -> int | None:
    """Last token of the operand of a unary operator starting at token i."""
    while i < len(texts) and texts[i] in ("+", "-", "~"):
        i += 1
    if i >= len(texts):
        return None
    if texts[i] == "(":
        j = _close(texts, i)
    elif texts[i] == "CASE":
        depth, j = 0, i
        for j in range(i, len(texts)):
            depth += texts[j] == "CASE"
            depth -= texts[j] == "END"
            if depth == 0:
                break
    else:
        j = i
        while j + 2 < len(texts) and texts[j + 1] == ".":
            j += 2
        if j + 1 < len(texts) and texts[j + 1] == "(":
            j = _close(texts, j + 1)
    # COLLATE binds tighter than any prefix operator.
    while j + 2 < len(texts) and texts[j + 1] == "COLLATE":
        j += 2
    return j


def _tree_key(
    kind: str,
    sql: str,
    strings: frozenset[str],
    table: str = "",
    collated: frozenset[str] = frozenset({"*"}),
) -> str:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    text = _rewrite(sql.strip().rstrip(";").strip())
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
    # Strings first: identifier normalisation would fold their case.
    node = _string_words(node, strings, every_word=kind == "default")
    if table:
        node = _unqualified(node, table)
    if "*" not in collated:
        node = _without_binary(node, collated)
    node = _logic(node)
    if kind in ("select", "select-unnamed", "statement"):
        node = _cte_columns_as_aliases(node)
    if kind in ("select", "select-unnamed"):
        node = _without_table_aliases(node)
    if kind == "select-unnamed":
        node = _without_aliases(node)
    node = normalize_identifiers(node, dialect="sqlite")
    bare = node
    while isinstance(bare, exp.Paren):
        bare = bare.this
    if kind == "default" and isinstance(bare, exp.Null):
        return ""  # DEFAULT NULL is what a column without a default gives
    return _serialise(node)


def _string_words(node: Any, strings: frozenset[str], every_word: bool) -> Any:
    """Unqualified words that SQLite reads as string literals become strings."""
    from sqlglot import exp

    def to_literal(n: Any) -> Any:
        if isinstance(n, exp.Column) and not n.table and isinstance(n.this, exp.Identifier):
            word = n.this.this
            if every_word or (n.this.quoted and word in strings):
                return exp.Literal.string(word)
        return n

    if not every_word and not strings:
        return node
    return node.transform(to_literal)


def _cte_columns_as_aliases(node: Any) -> Any:
    """`WITH c(x) AS (SELECT a ...)` is `WITH c AS (SELECT a AS x ...)`."""
    from sqlglot import exp

    for cte in list(node.find_all(exp.CTE)):
        alias = cte.args.get("alias")
        select = cte.this
        columns = list(alias.args.get("columns") or []) if alias is not None else []
        if not columns or not isinstance(select, exp.Select):
            continue
        if len(columns) != len(select.expressions):
            continue
        select.set(
            "expressions",
            [
                exp.alias_(e.this if isinstance(e, exp.Alias) else e, col.copy())
                for e, col in zip(select.expressions, columns, strict=True)
            ],
        )
        alias.set("columns", None)
    return node


def _without_table_aliases(node: Any) -> Any:
    """`FROM users AS u ... u.name` is `FROM users ... users.name`, when each table is
    read once in each SELECT (an alias then only names the table)."""
    from sqlglot import exp

    for select in list(node.find_all(exp.Select)):
        tables = [
            t
            for t in select.find_all(exp.Table)
            if t.parent_select is select and isinstance(t.this, exp.Identifier)
        ]
        names = [fold(t.name) for t in tables]
        if len(set(names)) != len(names):
            continue  # a self-join: the aliases tell the two apart
        for t in tables:
            if fold(t.args["db"].name if t.args.get("db") else "") == "main":
                t.set("db", None)  # main.t is t: the only schema a database has by default
        mapping = {fold(t.alias): t.name for t in tables if t.alias}
        if len(tables) == 1 and not any(isinstance(j, exp.Join) for j in select.find_all(exp.Join)):
            # One table read: `t.x` is `x` there (a nested SELECT keeps its own names).
            only = fold(tables[0].alias or tables[0].name)
            for column in select.find_all(exp.Column):
                if column.parent_select is select and fold(column.table) == only:
                    column.set("table", None)
        if not mapping or set(mapping) & set(names) - {fold(v) for v in mapping.values()}:
            continue
        for column in select.find_all(exp.Column):
            if fold(column.table) in mapping and _sees(column, select, fold(column.table)):
                column.set("table", exp.Identifier(this=mapping[fold(column.table)]))
        for t in tables:
            if t.alias:
                t.set("alias", None)
    return node


def _sees(column: Any, select: Any, name: str) -> bool:
    """Whether `name` in `column` refers to `select`'s table, not a nested SELECT's."""
    from sqlglot import exp

    inner = column.parent_select
    while inner is not None and inner is not select:
        if any(
            name in (fold(t.alias), fold(t.name))
            for t in inner.find_all(exp.Table)
            if t.parent_select is inner
        ):
            return False
        inner = inner.parent.parent_select if inner.parent is not None else None
    return inner is select


def _without_aliases(node: Any) -> Any:
    """The SELECT with the aliases of its result columns dropped, unless referred to."""
    from sqlglot import exp

    selects = [node] if isinstance(node, exp.Select) else []
    if isinstance(node, exp.Union):  # a compound: every branch's projections
        selects = [s for s in node.find_all(exp.Select) if s.parent_select is None]
    for select in selects:
        named = {fold(a.alias) for a in select.expressions if isinstance(a, exp.Alias)}
        used = {
            fold(c.name)
            for c in select.find_all(exp.Column)
            if not c.table and not any(c is a.this for a in select.expressions)
        }
        if named & used:
            continue
        select.set(
            "expressions",
            [a.this if isinstance(a, exp.Alias) else a for a in select.expressions],
        )
    return node


def _without_binary(node: Any, collated: frozenset[str]) -> Any:
    """`x COLLATE BINARY` is `x` where x is a column whose collation is BINARY, and the
    COLLATE sorts or groups alone, or is compared with something that has no other
    collation (an explicit COLLATE would win over the other operand's column's)."""
    from sqlglot import exp

    def plain(n: Any) -> bool:
        return isinstance(n, exp.Column) and fold(n.name) not in collated

    def binary(n: Any) -> bool:
        return isinstance(n, exp.Collate) and _collation_name(n) == "BINARY" and plain(n.this)

    def neutral(n: Any) -> bool:  # no collation of its own, or BINARY
        while isinstance(n, exp.Paren):
            n = n.this
        return isinstance(n, (exp.Literal, exp.Null)) or plain(n) or binary(n)

    def strip(n: Any) -> Any:
        if not binary(n):
            return n
        parent = n.parent
        while isinstance(parent, exp.Paren):
            parent = parent.parent
        if isinstance(parent, (exp.Ordered, exp.Group)):
            return n.this
        if isinstance(parent, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
            other = parent.expression if parent.this is n else parent.this
            if neutral(other):
                return n.this
        if isinstance(parent, exp.In) and parent.this is n:
            return n.this
        return n

    return node.transform(strip)


def _logic(node: Any) -> Any:
    """Spellings SQLite defines as the same: `NOT (a = b)` is `a <> b` (and IS / IS NOT),
    `a BETWEEN x AND y` is `a >= x AND a <= y`, `iif(a, b, c)` is a CASE, and a CASE
    without ELSE ends in ELSE NULL."""
    from sqlglot import exp

    negated = {exp.EQ: exp.NEQ, exp.NEQ: exp.EQ, exp.NullSafeEQ: exp.NullSafeNEQ}
    negated[exp.NullSafeNEQ] = exp.NullSafeEQ

    def rewrite(n: Any) -> Any:
        if isinstance(n, exp.Not):
            inner = n.this
            while isinstance(inner, exp.Paren):
                inner = inner.this
            flip = negated.get(type(inner))
            if flip is not None:
                return flip(this=inner.this, expression=inner.expression)
        if isinstance(n, exp.Between):
            this = n.this
            return exp.And(
                this=exp.GTE(this=this.copy(), expression=n.args["low"]),
                expression=exp.LTE(this=this.copy(), expression=n.args["high"]),
            )
        if isinstance(n, exp.If) and not isinstance(n.parent, exp.Case):
            return exp.Case(
                ifs=[exp.If(this=n.this, true=n.args.get("true"))],
                default=n.args.get("false") or exp.Null(),
            )
        if isinstance(n, exp.Case) and n.args.get("default") is None:
            n.set("default", exp.Null())
        return n

    return node.transform(rewrite)


def _unqualified(node: Any, table: str) -> Any:
    """`t.x` is `x` in an expression that belongs to table t."""
    from sqlglot import exp

    def strip(n: Any) -> Any:
        if (
            isinstance(n, exp.Column)
            and n.table
            and fold(n.table) == table
            and not n.args.get("db")
        ):
            return exp.Column(this=n.this)
        return n

    return node.transform(strip)


def _number(text: str) -> str:
    """A numeric literal by value and storage class: 0.0 = 0.00 = 0e0, 1 != 1.0."""
    try:
        if any(c in text for c in ".eE") and not text.lower().startswith("0x"):
            return f"#r{float(text)!r}"
        return f"#{int(text, 0)}"
    except ValueError:
        return f"#{text}"


_NOW = {
    "CurrentTimestamp": "Fn:datetime['now']",
    "CurrentDate": "Date(this='now')",
    "CurrentTime": "Fn:time['now']",
}


def _serialise(node: Any) -> str:
    """A canonical, unambiguous text for a sqlglot tree.

    The tree already encodes precedence, so parentheses are dropped; chains of
    AND/OR are flattened (both are associative); TRUE/FALSE become 1/0 except
    in `IS TRUE`, which SQLite treats differently from `IS 1`; numbers compare
    by value and storage class; collation names by their upper-case name;
    join synonyms (LEFT OUTER = LEFT, INNER = plain, CROSS = comma) are one.
    """
    from sqlglot import exp

    out: list[str] = []

    def texts_of(items: list[Any], parent: Any) -> list[str]:
        """Each item serialised on its own, for comparing them as a set."""
        found = []
        for item in items:
            start = len(out)
            walk(item, parent)
            found.append("".join(out[start:]))
            del out[start:]
        return sorted(set(found))

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
        now = _NOW.get(type(n).__name__)
        if now is not None:  # CURRENT_TIMESTAMP is datetime('now'), to the second
            out.append(now)
            return
        if isinstance(n, exp.Boolean) and not isinstance(parent, exp.Is):
            out.append("#1" if n.this else "#0")
            return
        if isinstance(n, exp.Identifier):
            out.append(_quote(fold(n.this)))
            return
        if isinstance(n, exp.Literal):
            out.append(_quote(n.this) if n.is_string else _number(str(n.this)))
            return
        if isinstance(n, exp.HexString):  # x'cafe' and X'CAFE' are the same bytes
            out.append(f"X'{upper(str(n.this))}'")
            return
        if isinstance(n, exp.Collate):
            out.append("Collate(")
            walk(n.this, n)
            out.append(f",{_collation_name(n)})")
            return
        if isinstance(n, exp.Join):
            side, kind = n.args.get("side"), upper(str(n.args.get("kind") or ""))
            on, using = n.args.get("on"), n.args.get("using")
            if kind in ("OUTER", "INNER") or (kind == "CROSS" and not on and not using):
                kind = ""
            out.append(f"Join[{upper(str(side or ''))}{kind}](")
            for arg in ("this", "on", "using", "method"):
                if n.args.get(arg):
                    out.append(arg + "=")
                    walk(n.args[arg], n)
                    out.append(";")
            out.append(")")
            return
        if isinstance(n, exp.In) and n.expressions and not n.args.get("query"):
            # x IN (a, b) is x IN (b, a): membership, whatever the order.
            items = texts_of(n.expressions, n)
            out.append("In(this=")
            walk(n.this, n)
            out.append(",set=[" + ",".join(items) + "])")
            return
        if isinstance(n, (exp.And, exp.Or)):
            # Both are commutative in SQLite's three-valued logic: operands as a set.
            operands: list[Any] = []
            _flatten(n, type(n), operands)
            out.append(type(n).__name__ + "[" + ",".join(texts_of(operands, n)) + "]")
            return
        if type(n) in _mirror():
            left, right = _bare(n.this), _bare(n.expression)
            op = type(n).__name__
            # One explicit COLLATE decides the comparison, on whichever side it is.
            coll = [x for x in (left, right) if isinstance(x, exp.Collate)]
            if len(coll) == 1:
                op += "@" + _collation_name(coll[0])
                left = _bare(left.this) if left is coll[0] else left
                right = _bare(right.this) if right is coll[0] else right
            # A literal on the left is the same comparison mirrored (a literal has no
            # affinity or collation of its own to give precedence to).
            literal = (exp.Literal, exp.Null, exp.Boolean, exp.HexString)
            if isinstance(left, literal) and not isinstance(right, literal):
                left, right = right, left
                op = _mirror()[type(n)] + op[len(type(n).__name__) :]
            out.append(f"Cmp:{op}(")
            walk(left, n)
            out.append(",")
            walk(right, n)
            out.append(")")
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


def _collation_name(n: Any) -> str:
    """The collation a COLLATE node names, as SQLite compares names: upper case, unquoted."""
    from sqlglot import exp

    name = n.expression
    return upper(str(name.this if isinstance(name, (exp.Identifier, exp.Var)) else name))


def _bare(n: Any) -> Any:
    from sqlglot import exp

    while isinstance(n, exp.Paren):
        n = n.this
    return n


@lru_cache(maxsize=1)
def _mirror() -> dict[Any, str]:
    """Comparison class -> the name of its mirror image (`a < b` is `b > a`)."""
    from sqlglot import exp

    return {
        exp.EQ: "EQ",
        exp.NEQ: "NEQ",
        exp.NullSafeEQ: "NullSafeEQ",
        exp.NullSafeNEQ: "NullSafeNEQ",
        exp.GT: "LT",
        exp.LT: "GT",
        exp.GTE: "LTE",
        exp.LTE: "GTE",
    }


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
