"""Merging the reports of sharded runs (`driftcheck merge-reports FILES...`).

Reads what `validate` writes: `--format jsonl` (one Report per line), `--format json`
(a FleetReport, or the Report of a single database), from files or stdin. Every record
is checked; the outcomes come back in database order, each database once, so that the
merged output is what one unsharded run prints.

The records wait in a temporary SQLite database on disk, not in memory: the shards'
files may arrive in any order (`cat shard-*.jsonl | driftcheck merge-reports -`
interleaves them), and a million reports do not fit in memory. SQLite sorts them and
puts a database's duplicates side by side.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from driftcheck.errors import ConfigError
from driftcheck.report.fleet import SEVERITY, STATUSES, Form, Outcome, nested_from_line

STDIN = "-"
# Duplicates named one by one before "... and N more".
DUPLICATES_SHOWN = 10


def _bad(where: str, problem: str, hint: str | None = None) -> ConfigError:
    return ConfigError(
        f"{where}: {problem}" if where else problem,
        hint=hint
        or "merge-reports reads what `driftcheck validate --format jsonl` (or --format json) "
        "writes; regenerate this file, or leave it out",
        code="merge_input",
    )


def _problem(record: Any) -> str | None:
    """What makes `record` not a validate report, or None."""
    if not isinstance(record, dict):
        return f"expected a JSON object (a report), found {type(record).__name__}"
    if "report_version" not in record:
        return "not a driftcheck report (no report_version)"
    if record["report_version"] != 2:
        return (
            f"report_version {record['report_version']!r}: this driftcheck reads version 2 "
            "(merge with the driftcheck that wrote it)"
        )
    for key in ("target", "status"):
        if key not in record:
            return f"not a validate report (no `{key}`)"
    target = record["target"]
    if not isinstance(target, dict):
        return f"target is {json.dumps(target)}, not an object"
    database = target.get("database")
    if database is not None and not isinstance(database, str):
        return f"target.database is {json.dumps(database)}, not a string"
    if record["status"] not in STATUSES:
        return f"status {json.dumps(record['status'])} is not one of {', '.join(STATUSES)}"
    return None


def _reason(record: dict[str, Any]) -> str:
    """What the text line says after the versions: as `Outcome.of` says it."""
    status = record["status"]
    error = record.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    if status != "drift":
        return ""
    from pydantic import ValidationError

    from driftcheck.report.model import Report
    from driftcheck.report.text import why

    try:
        return why(Report.model_validate(record))
    except ValidationError:  # another version's report: the status still counts
        return ""


@dataclass(frozen=True)
class ShardSeen:
    source: str
    index: int
    count: int
    databases: int


@dataclass
class Merge:
    """Records read so far, waiting in a temporary database for `outcomes()`."""

    form: Form = "none"
    shards: list[ShardSeen] = field(default_factory=list)
    unsharded: list[str] = field(default_factory=list)  # sources without shard numbers
    duplicates: list[str] = field(default_factory=list)  # warnings, the first few
    duplicated: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # "": a private temporary database on disk, deleted when closed.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE r (
                seq INTEGER PRIMARY KEY, db TEXT, severity INTEGER, status TEXT,
                effective TEXT, latest TEXT, reason TEXT, json TEXT, origin TEXT
            );
            """
        )

    def close(self) -> None:
        self._db.close()

    # ----------------------------------------------------------------------
    # Reading

    def read(self, name: str) -> None:
        """One file (or `-`, stdin): jsonl, a FleetReport, or a single Report. A file
        named twice is read once (a glob and a name overlap), with a warning."""
        if name == STDIN:
            if sys.stdin.isatty():
                raise _bad(
                    "-",
                    "reads stdin, which is a terminal",
                    "pipe the reports in (cat shard-*.jsonl | driftcheck merge-reports -), "
                    "or name the files",
                )
            self._read_stream(sys.stdin, "stdin")
            return
        p = Path(name)
        key = os.path.realpath(name)
        if key in self._seen:
            self.warnings.append(f"{name} is given twice: read once")
            return
        self._seen.add(key)
        if p.is_dir():
            raise _bad(name, "is a directory", f"pass the report files in it, e.g. {name}/*.jsonl")
        try:
            with p.open(encoding="utf-8") as stream:
                self._read_stream(stream, name)
        except FileNotFoundError:
            raise _bad(
                name,
                "no such file",
                "check the path: each shard's job writes one file, and every one is needed",
            ) from None
        except UnicodeDecodeError:
            raise _bad(name, "not UTF-8 text, so not a driftcheck report") from None
        except OSError as exc:
            raise _bad(
                name, f"cannot be read ({exc.strerror})", "check the file's permissions"
            ) from None

    def _read_stream(self, stream: TextIO, name: str) -> None:
        self._db.execute("BEGIN")
        try:
            for n, line in enumerate(stream, 1):
                text = line.strip()
                if not text:
                    continue
                if text == "{":  # an indented document: `validate --format json`
                    self._document(text + "\n" + stream.read(), name, n)
                    break
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _bad(
                        f"{name}:{n}", f"not valid JSON: {exc.msg} (column {exc.colno})"
                    ) from None
                self._record(record, f"{name}:{n}", name, text)
        finally:
            self._db.execute("COMMIT")

    def _document(self, text: str, name: str, first: int) -> None:
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(
                f"{name}:{first + exc.lineno - 1}",
                f"not valid JSON: {exc.msg} (column {exc.colno})",
            ) from None
        self._record(record, name, name, None)

    def _record(self, record: Any, where: str, source: str, text: str | None) -> None:
        if isinstance(record, dict) and "reports" in record:  # a FleetReport
            reports = record["reports"]
            if not isinstance(reports, list):
                raise _bad(where, "`reports` is not a list")
            self._shard(record.get("shard"), where, source)
            for i, report in enumerate(reports):
                self._record(report, f"{where}: reports[{i}]", source, None)
            return
        problem = _problem(record)
        if problem is not None:
            raise _bad(where, problem)
        status = record["status"]
        if self.form == "none":
            text = ""
        elif text is None:  # compact, as pydantic writes a line
            text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        migrations = record.get("migrations")
        self._db.execute(
            "INSERT INTO r (db, severity, status, effective, latest, reason, json, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record["target"].get("database"),
                SEVERITY[status],
                status,
                record.get("effective_version"),
                migrations.get("latest_version") if isinstance(migrations, dict) else None,
                _reason(record) if status != "clean" else "",
                text,
                where,
            ),
        )
        self.records += 1

    def _shard(self, shard: Any, where: str, source: str) -> None:
        if shard is None:
            self.unsharded.append(source)
            return
        keys = ("index", "count", "databases")
        if not isinstance(shard, dict) or not all(isinstance(shard.get(k), int) for k in keys):
            raise _bad(where, f"shard is {json.dumps(shard)}: expected index, count, databases")
        self.shards.append(ShardSeen(source, shard["index"], shard["count"], shard["databases"]))

    # ----------------------------------------------------------------------
    # Checking the shards, and the merged outcomes

    def shard_warnings(self) -> list[str]:
        """Shards given twice, or that saw different database lists. A missing shard, or
        shards of different counts, is an error: databases went unchecked."""
        warnings = list(self.warnings)
        if not self.shards or self.unsharded:  # only FleetReports say which shard they are
            return warnings
        counts = sorted({s.count for s in self.shards})
        if len(counts) > 1:
            seen = ", ".join(f"{s.source} is {s.index}/{s.count}" for s in self.shards[:4])
            raise _bad(
                "",
                f"the files come from runs with different shard counts ({seen})",
                "every job of one run must use the same N in --shard I/N",
            )
        count = counts[0]
        given = {s.index for s in self.shards}
        missing = [i for i in range(1, count + 1) if i not in given]
        if missing:
            names = ", ".join(f"{i}/{count}" for i in missing[:8])
            raise _bad(
                "",
                f"shard {names} missing: the files are {len(given)} of {count} shards, so "
                "some databases were not checked",
                "pass every shard's file (a shard with no databases writes one too); rerun a "
                "shard whose job failed before writing its report",
            )
        for index in sorted(given):
            twice = [s.source for s in self.shards if s.index == index]
            if len(twice) > 1:
                warnings.append(f"shard {index}/{count} is given twice ({', '.join(twice)})")
        totals = sorted({s.databases for s in self.shards})
        if len(totals) > 1:
            warnings.append(
                f"the shards saw different database lists ({' and '.join(map(str, totals))} "
                "databases): a database added or removed while they ran may be checked "
                "twice or not at all"
            )
        return warnings

    def outcomes(self) -> Generator[Outcome, None, None]:
        """The records in database order, each database once (the worse of its reports,
        the first of equals); duplicates are noted in `duplicates`."""
        rows = self._db.execute(
            "SELECT db, severity, status, effective, latest, reason, json, origin "
            "FROM r ORDER BY db IS NOT NULL, db, seq"
        )
        with closing(rows):
            yield from self._once(rows)

    def _once(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[Outcome]:
        kept: tuple[Any, ...] | None = None
        for row in rows:
            if kept is not None and row[0] is not None and row[0] == kept[0]:
                self._duplicate(row[0], kept[7], row[7])
                if row[1] > kept[1]:
                    kept = row
                continue
            if kept is not None:
                yield self._outcome(kept)
            kept = row
        if kept is not None:
            yield self._outcome(kept)

    def _duplicate(self, database: str, first: str, again: str) -> None:
        self.duplicated += 1
        if len(self.duplicates) < DUPLICATES_SHOWN:
            self.duplicates.append(
                f"{database} is in {first} and in {again}: counted once (the worse report kept)"
            )

    def _outcome(self, row: tuple[Any, ...]) -> Outcome:
        text = row[6]
        if self.form == "nested" and text:
            text = nested_from_line(text)
        return Outcome(
            database=row[0],
            status=row[2],
            effective=row[3],
            latest=row[4],
            reason=row[5],
            json=text,
        )
