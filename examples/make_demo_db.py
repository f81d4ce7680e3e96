#!/usr/bin/env python3
"""Build the bookshelf demo database, drifted the way real deployments drift.

Usage: python examples/make_demo_db.py OUT.db

Steps:
  1. apply migrations 0001..0010 and record PRAGMA user_version = 10
  2. insert a little realistic data
  3. apply 0011 "by hand" (its SQL runs, but user_version stays 10)
  4. add an index by hand that no migration creates

Standard library only; this script deliberately does not import driftcheck.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
RECORDED_VERSION = 10
HAND_APPLIED_VERSION = 11
ADHOC_INDEX = "idx_adhoc_reviews_rating"


def migration_files() -> dict[int, Path]:
    files: dict[int, Path] = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        prefix = path.name.split("_", 1)[0]
        if prefix.isdigit():
            files[int(prefix)] = path
    return files


def remove_db(out: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)


def insert_sample_data(con: sqlite3.Connection) -> None:
    con.executescript(
        """
        BEGIN;

        INSERT INTO authors (id, name, birth_year, country) VALUES
            (1, 'Ursula K. Le Guin', 1929, 'US'),
            (2, 'Terry Pratchett',   1948, 'GB'),
            (3, 'Octavia E. Butler', 1947, 'US');

        INSERT INTO books (id, author_id, title, isbn, pages, published) VALUES
            (1, 1, 'A Wizard of Earthsea',    '9780547773742', 183, 1968),
            (2, 1, 'The Left Hand of Darkness', '9780441478125', 304, 1969),
            (3, 1, 'The Dispossessed',        NULL,            387, 1974),
            (4, 2, 'Guards! Guards!',         '9780062225757', 355, 1989),
            (5, 2, 'Small Gods',              '9780062237378', 400, 1992),
            (6, 3, 'Kindred',                 '9780807083697', 264, 1979);

        INSERT INTO shelves (owner, name, position) VALUES
            ('me', 'to read',    0),
            ('me', 'favourites', 1);

        INSERT INTO shelf_items (shelf_id, book_id, note) VALUES
            (1, 3, 'recommended by Sam'),
            (1, 6, NULL),
            (2, 1, NULL),
            (2, 5, 'reread every winter');

        INSERT INTO reviews (book_id, rating, body) VALUES
            (1, 5, 'Still the best wizard school story.'),
            (2, 4, ''),
            (5, 5, 'Funny and sharp.');

        INSERT INTO reading_sessions (book_id, started_at, finished_at, pages_read) VALUES
            (6, 1717225200, 1717228800, 42),
            (6, 1717311600, 1717315500, 51),
            (3, 1717398000, NULL,       0);

        COMMIT;
        """
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} OUT.db", file=sys.stderr)
        return 2
    out = Path(argv[1])
    files = migration_files()
    missing = [v for v in range(1, HAND_APPLIED_VERSION + 1) if v not in files]
    if missing:
        print(f"demo: missing migrations in {MIGRATIONS}: {missing}", file=sys.stderr)
        return 1

    out.parent.mkdir(parents=True, exist_ok=True)
    remove_db(out)

    con = sqlite3.connect(out, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")

        # 1. the application's migration runner: apply and record the version
        for version in range(1, RECORDED_VERSION + 1):
            con.executescript(files[version].read_text(encoding="utf-8"))
        con.execute(f"PRAGMA user_version = {RECORDED_VERSION}")
        print(f"demo: applied 0001..{RECORDED_VERSION:04d} (user_version={RECORDED_VERSION})")

        # 2. some data, so the database is not empty
        insert_sample_data(con)
        print("demo: inserted sample data (3 authors, 6 books, 2 shelves, 3 reviews)")

        # 3. someone ran 0011 in a sqlite3 shell, without bumping user_version
        con.executescript(files[HAND_APPLIED_VERSION].read_text(encoding="utf-8"))
        print(f"demo: applied {HAND_APPLIED_VERSION:04d} by hand, not recorded "
              f"(user_version still {RECORDED_VERSION})")

        # 4. ... and added an index while chasing a slow query
        con.execute(f"CREATE INDEX {ADHOC_INDEX} ON reviews (rating)")
        print(f"demo: added index {ADHOC_INDEX} by hand")
    finally:
        con.close()

    print(f"demo: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
