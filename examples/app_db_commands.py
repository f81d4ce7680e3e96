"""An app's `db status`, `db validate`, `db init --dry-run` and `db init`, on driftcheck's API.

The founding app keeps its schema versions in a Python registry and its history in its
own tables. With driftcheck its database commands are these few lines (run from the
app's directory; the registry and the history tables are described in driftcheck.toml,
see tests/founding/):

    python app_db_commands.py status  --db app.db
    python app_db_commands.py validate --db app.db
    python app_db_commands.py init --dry-run --db app.db
    python app_db_commands.py init --db app.db
"""

from __future__ import annotations

import argparse
import sys

import driftcheck


def status(db: str) -> int:
    r = driftcheck.validate(db)
    print(f"{db}: version {r.effective_version or 'none'} of {r.migrations.latest_version}")
    print(f"  recorded: {r.history.recorded_version if r.history else None}, status: {r.status}")
    return 0


def validate(db: str) -> int:
    r = driftcheck.validate(db)
    for change in r.changes:  # what the schema has that no version explains, or lacks
        print(f"  {change.severity}: {change.message}")
    for step in r.plan:
        if step.action != "ok":
            print(f"  {step.version}: {step.action} ({step.reason})")
    print(f"{db}: {r.status}")
    return 1 if r.status == "drift" else 0


def init(db: str, dry_run: bool) -> int:
    result = driftcheck.apply(db, dry_run=dry_run)
    if dry_run and result.sql:
        print(result.sql, end="")
    for step in result.steps:
        print(f"  {step.version} {step.name}: {step.action}")
    if result.error is not None:  # refused (a flag) or failed (rolled back)
        print(f"db init: {result.outcome}: {result.error.message}", file=sys.stderr)
        return 1
    print(f"db init: {result.outcome}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="db")
    parser.add_argument("command", choices=["status", "validate", "init"])
    parser.add_argument("--db", default="app.db")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "status":
            return status(args.db)
        if args.command == "validate":
            return validate(args.db)
        return init(args.db, args.dry_run)
    except driftcheck.DriftcheckError as exc:  # bad input: the message names the culprit
        print(f"db {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
