"""Statement splitting: SQLite's own notion of a complete statement."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftcheck.migrations import Statement, split_statements


def sqls(text: str) -> list[str]:
    return [s.sql for s in split_statements(text, "f.sql")]


def test_returns_statements_with_file_line_and_number() -> None:
    text = "CREATE TABLE a (x);\n\nCREATE TABLE b (y);\n"
    assert split_statements(text, "0001_init.sql") == (
        Statement(sql="CREATE TABLE a (x);", file="0001_init.sql", line=1, number=1),
        Statement(sql="CREATE TABLE b (y);", file="0001_init.sql", line=3, number=2),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("SELECT 1", ["SELECT 1"], id="no-final-semicolon"),
        pytest.param(
            "SELECT 1;\nSELECT 2", ["SELECT 1;", "SELECT 2"], id="trailing-without-semicolon"
        ),
        pytest.param(
            "SELECT 1;;; ;\n;SELECT 2;", ["SELECT 1;", "SELECT 2;"], id="empty-statements"
        ),
        pytest.param("", [], id="empty-text"),
        pytest.param("  \n\t\n", [], id="whitespace-only"),
        pytest.param("-- just a comment\n/* and; another */\n", [], id="comments-only"),
        pytest.param("SELECT 1;\n-- trailing comment;\n", ["SELECT 1;"], id="trailing-comment"),
        pytest.param(
            "SELECT 1; /* never closed ;", ["SELECT 1;"], id="unterminated-trailing-comment"
        ),
        pytest.param("-- c\n;\n/* d */;SELECT 1;", ["SELECT 1;"], id="comment-then-semicolon"),
        pytest.param(
            "INSERT INTO t VALUES ('a;b', 'it''s; ok');SELECT 2;",
            ["INSERT INTO t VALUES ('a;b', 'it''s; ok');", "SELECT 2;"],
            id="semicolon-in-string",
        ),
        pytest.param(
            'CREATE TABLE "a;b" ([c;d] TEXT, `e;f` INT);SELECT 1;',
            ['CREATE TABLE "a;b" ([c;d] TEXT, `e;f` INT);', "SELECT 1;"],
            id="semicolon-in-identifiers",
        ),
        pytest.param(
            "SELECT 1 -- no; split here\n + 1;SELECT 2;",
            ["SELECT 1 -- no; split here\n + 1;", "SELECT 2;"],
            id="semicolon-in-line-comment",
        ),
        pytest.param(
            "SELECT /* a; b; */ 1;SELECT 2;",
            ["SELECT /* a; b; */ 1;", "SELECT 2;"],
            id="semicolon-in-block-comment",
        ),
        pytest.param(
            "INSERT INTO t VALUES ('never closed; SELECT 2;",
            ["INSERT INTO t VALUES ('never closed; SELECT 2;"],
            id="unterminated-string-is-one-statement",
        ),
        pytest.param(
            "SELECT 'a\0b'; SELECT 2;", ["SELECT 'a\0b';", "SELECT 2;"], id="nul-character"
        ),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sqls(text) == expected


TRIGGER = """CREATE TABLE t (id INTEGER PRIMARY KEY, n INT);
CREATE TRIGGER t_ins AFTER INSERT ON t
BEGIN
    UPDATE t SET n = n + 1 WHERE id = NEW.id;
    INSERT INTO log VALUES ('inserted; really');
END;
CREATE TEMP TRIGGER t_del BEFORE DELETE ON t FOR EACH ROW BEGIN
    DELETE FROM log; SELECT RAISE(IGNORE);
END;
CREATE INDEX t_n ON t (n);
"""


def test_trigger_bodies_stay_whole() -> None:
    out = split_statements(TRIGGER, "trg.sql")
    assert [s.sql.split()[:3] for s in out] == [
        ["CREATE", "TABLE", "t"],
        ["CREATE", "TRIGGER", "t_ins"],
        ["CREATE", "TEMP", "TRIGGER"],
        ["CREATE", "INDEX", "t_n"],
    ]
    assert out[1].sql.endswith("END;") and "inserted; really" in out[1].sql
    assert [s.line for s in out] == [1, 2, 7, 10]
    assert [s.number for s in out] == [1, 2, 3, 4]


def test_line_is_first_non_comment_character_and_leading_comments_stripped() -> None:
    text = (
        "\n-- header; with semicolon\n/* block\n comment */\n\n"
        "  CREATE TABLE a (\n  x -- inner; kept\n);"
    )
    (stmt,) = split_statements(text, "f.sql")
    assert stmt.line == 6
    assert stmt.sql == "CREATE TABLE a (\n  x -- inner; kept\n);"


def test_two_statements_on_one_line() -> None:
    out = split_statements("SELECT 1; SELECT 2;\nSELECT 3;", "f.sql")
    assert [(s.sql, s.line, s.number) for s in out] == [
        ("SELECT 1;", 1, 1),
        ("SELECT 2;", 1, 2),
        ("SELECT 3;", 2, 3),
    ]


def test_statements_are_exactly_as_written() -> None:
    stmt = "INSERT  INTO t\n\tVALUES (1 ,  'x' )  ;"
    assert sqls(f"\n\n   {stmt}   \n\n") == [stmt]


def test_large_input_statement_count() -> None:
    # ~10 MB, 100k statements, with semicolons in strings, comments and triggers.
    parts = []
    for i in range(100_000):
        kind = i % 4
        if kind == 0:
            parts.append(
                f"-- row {i}; note\nINSERT INTO t (a, b) VALUES ({i}, 'x;y {i} ........');\n"
            )
        elif kind == 1:
            parts.append(
                f"CREATE TRIGGER tr{i} AFTER INSERT ON t BEGIN "
                f"UPDATE t SET b = 'p;q' WHERE a = {i}; DELETE FROM u WHERE a = {i}; END;\n"
            )
        elif kind == 2:
            parts.append(f"/* c; */ UPDATE t SET b = b || ';' WHERE a = {i} /* trailing ; */;\n")
        else:
            parts.append(f"DELETE FROM t WHERE a = {i} AND b <> '--;' AND c = \"q;\" ;\n\n")
    text = "".join(parts)
    assert len(text) > 8_000_000
    out = split_statements(text, "big.sql")
    assert len(out) == 100_000
    assert out[-1].number == 100_000
    assert out[-1].sql.startswith("DELETE FROM t WHERE a = 99999")
    assert out[1].sql.startswith("CREATE TRIGGER tr1 ") and out[1].sql.endswith("END;")
    assert out[4].line == 8  # statements 1..4 take 2+1+1+2 lines, then a comment line


_payload = st.text(alphabet="ab;'-*/ \n", max_size=12)
_separator = st.sampled_from(
    ["\n", " ", "\n\n", "\n-- c;omment\n", " /* x; */ ", ";\n", "\n;  ;\n"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_payload, _separator), min_size=1, max_size=8))
def test_split_recovers_generated_statements(items: list[tuple[str, str]]) -> None:
    statements = []
    lines = []
    text = ""
    for payload, separator in items:
        quoted = payload.replace("'", "''")
        sql = f"INSERT INTO t VALUES ('{quoted}');"
        statements.append(sql)
        lines.append(text.count("\n") + 1)
        text += sql + separator
    out = split_statements(text, "gen.sql")
    assert [s.sql for s in out] == statements
    assert [s.line for s in out] == lines
    assert [s.number for s in out] == list(range(1, len(statements) + 1))
