"""Split migration text into statements the way SQLite itself would.

SQLite's `sqlite3_complete()` (exposed as `sqlite3.complete_statement`) knows
about string literals, quoted identifiers, comments and trigger bodies
(`CREATE TRIGGER ... BEGIN ...; ...; END;`). We only ask it at ';' positions and
always from the start of the current statement, so the work stays roughly
linear in the size of the text.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from driftcheck.errors import MigrationError
from driftcheck.migrations.model import Statement

# Whitespace, `-- line` comments and `/* block */` comments (an unterminated block
# comment runs to the end of the text, as in SQLite).
_TRIVIA = re.compile(r"(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z))*", re.DOTALL)


def skip_trivia(text: str, pos: int = 0, end: int | None = None) -> int:
    """Index of the first character at or after `pos` that is not whitespace or a comment.

    Returns `end` (default: len(text)) when there is none.
    """
    stop = len(text) if end is None else end
    match = _TRIVIA.match(text, pos, stop)
    return match.end() if match else pos


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) spans of complete statements; the last one may lack its ';'."""
    # complete_statement() refuses NUL characters; a space is as good for the test.
    probe = text.replace("\0", " ") if "\0" in text else text
    complete = sqlite3.complete_statement
    start = 0
    search = 0
    find = text.find
    while True:
        semi = find(";", search)
        if semi < 0:
            break
        search = semi + 1
        if complete(probe[start:search]):
            yield start, search
            start = search
    if start < len(text):
        yield start, len(text)


def split_into(
    text: str,
    file: str,
    *,
    first_line: int = 1,
    first_number: int = 1,
) -> list[Statement]:
    """Statements of `text`, whose first character is on line `first_line` of `file`.

    Numbering starts at `first_number`, so callers can number the statements of
    several chunks (goose blocks, the files of a version directory) in one run.
    """
    out: list[Statement] = []
    line = first_line  # line number at text position `counted`
    counted = 0
    number = first_number
    for start, end in _pieces(text):
        begin = skip_trivia(text, start, end)
        if begin >= end or text[begin] == ";":
            # Empty, or only comments before the ';': nothing to run.
            continue
        sql = text[begin:end].rstrip()
        line += text.count("\n", counted, begin)
        counted = begin
        out.append(Statement(sql=sql, file=file, line=line, number=number))
        number += 1
    return out


def block_statement(text: str, file: str, *, first_line: int, number: int) -> Statement | None:
    """`text` as ONE statement (goose StatementBegin/End), or None if it is empty."""
    begin = skip_trivia(text)
    if begin >= len(text):
        return None
    line = first_line + text.count("\n", 0, begin)
    return Statement(sql=text[begin:].rstrip(), file=file, line=line, number=number)


def split_statements(text: str, file: str) -> tuple[Statement, ...]:
    """Split already-decoded SQL text into statements.

    `line` is the 1-based line of each statement's first non-comment character
    in `file`; `number` its 1-based position among the kept statements. Empty
    statements and comment-only pieces are dropped; a final statement without
    ';' is kept.
    """
    return tuple(split_into(text, file))


def normalise(text: str) -> str:
    """Drop a leading BOM and turn CRLF / CR line endings into LF."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, shown: str) -> str:
    """Decode a migration file as UTF-8 (BOM allowed) and normalise its line endings."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MigrationError(
            f"{shown} is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})",
            hint=f"save {shown} as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None
    return normalise(text)
