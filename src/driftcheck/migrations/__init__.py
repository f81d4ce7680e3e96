"""Migration sources: load a directory of migrations (or a Python list) in order.

`load_migrations(source, fmt="auto", pattern=None)` returns a MigrationSet;
`split_statements(text, file)` splits SQL the way SQLite does.
"""

from driftcheck.migrations.load import FORMAT_CHOICES, load_migrations
from driftcheck.migrations.model import Migration, MigrationSet, SkippedStep, Statement
from driftcheck.migrations.split import split_statements

__all__ = [
    "FORMAT_CHOICES",
    "Migration",
    "MigrationSet",
    "SkippedStep",
    "Statement",
    "load_migrations",
    "split_statements",
]
