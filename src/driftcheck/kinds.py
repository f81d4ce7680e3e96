"""The names users choose from, in one light module.

The command line offers these as choices without importing what they name
(`driftcheck --version` stays fast). They are the registries: the migration
formats module takes its names from here, and the history package checks at
import that its stores are exactly these.
"""

from __future__ import annotations

# Conventions of a migrations directory (MigrationSet.format, --migrations-format).
MIGRATION_FORMATS = (
    "plain",
    "flyway",
    "golang-migrate",
    "dbmate",
    "goose",
    "sqlx",
    "diesel",
    "prisma",
    "dirs",
    "pattern",
)

# Where a migration history is kept (--history, [history] kind).
HISTORY_STORES = (
    "driftcheck",
    "table",
    "user_version",
    "flyway",
    "golang-migrate",
    "dbmate",
    "sqlx",
    "diesel",
    "goose",
    "prisma",
)

# Formats whose own tool runs each migration as written, not in a transaction (lint
# judges PRAGMA foreign_keys and VACUUM as that tool runs them).
UNWRAPPED_FORMATS = ("prisma",)

# Report formats for CI systems (--format of validate, plan, merge-reports and fleet
# runs; driftcheck.render). Rendered from the report models by driftcheck.report.render.
CI_FORMATS = ("markdown", "junit", "github", "sarif")
