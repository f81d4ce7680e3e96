"""History tables are never schema: not in validate (whatever --history says), diff,
inspect or fingerprints; unless the migrations themselves create that table."""

from __future__ import annotations

import json

import pytest

from conftest import make_db, write_migrations

APP = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);\n"
GOLANG_MIGRATE = (
    "CREATE TABLE schema_migrations (version uint64, dirty bool);\n"
    "CREATE UNIQUE INDEX version_unique ON schema_migrations (version);\n"
    "INSERT INTO schema_migrations VALUES (1, 0);\n"
)
OTHERS = {
    "golang-migrate": GOLANG_MIGRATE,
    "flyway": 'CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, '
    '"version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, '
    '"script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL, '
    "\"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "
    '"execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL);\n'
    'CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");\n',
    "django": 'CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY '
    'AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, '
    '"applied" datetime NOT NULL);\n',
    "rails": 'CREATE TABLE "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY);\n'
    'CREATE TABLE "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, '
    '"value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);\n',
}


@pytest.fixture
def project(tmp_path):
    return write_migrations(tmp_path / "migrations", {"0001_users.sql": APP})


@pytest.mark.parametrize("tool", sorted(OTHERS))
def test_diff_leaves_history_tables_out(cli, tmp_path, tool):
    managed = make_db(
        tmp_path / "managed.db",
        APP + "CREATE TABLE driftcheck_history (version TEXT PRIMARY KEY, checksum TEXT);",
    )
    other = make_db(tmp_path / "other.db", APP + OTHERS[tool])
    r = cli("diff", str(managed), str(other))
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("diff", str(other), str(managed), "--format", "json")
    assert json.loads(r.stdout)["changes"] == []


@pytest.mark.parametrize("history", ["none", "auto", "user_version"])
@pytest.mark.parametrize("tool", sorted(OTHERS))
def test_validate_leaves_history_tables_out_whatever_the_store(
    cli, tmp_path, project, tool, history
):
    db = make_db(tmp_path / "app.db", APP + OTHERS[tool] + "PRAGMA user_version = 1;")
    r = cli(
        "validate",
        "--db",
        str(db),
        "--migrations",
        str(project),
        "--history",
        history,
        "--format",
        "json",
    )
    report = json.loads(r.stdout)
    assert report["changes"] == [], [c["message"] for c in report["changes"]]
    assert report["effective_version"] == "0001"
    assert not [e for e in report["plan"] if e["code"] == "unattributed"]


def test_inspect_fingerprint_of_a_managed_database_is_its_versions(cli, tmp_path, project):
    db = make_db(tmp_path / "app.db", APP)
    assert cli("apply", "--db", str(db), "--migrations", str(project), "--yes").exit_code == 0
    live = json.loads(cli("inspect", "--db", str(db)).stdout)
    version = json.loads(cli("inspect", "--version", "0001", "--migrations", str(project)).stdout)
    assert "driftcheck_history" not in live["schema"].get("tables", {})
    assert live["fingerprint"] == version["fingerprint"]


def test_a_history_table_the_migrations_create_is_schema(cli, tmp_path):
    migrations = write_migrations(
        tmp_path / "migrations",
        {"0001_users.sql": APP + "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);"},
    )
    db = make_db(tmp_path / "app.db", APP + "CREATE TABLE schema_migrations (version INTEGER);")
    for history in ("none", "auto"):
        r = cli(
            "validate",
            "--db",
            str(db),
            "--migrations",
            str(migrations),
            "--history",
            history,
            "--format",
            "json",
        )
        assert r.exit_code == 1, r.stdout
        changes = json.loads(r.stdout)["changes"]
        assert changes
        assert {c["owner"]["name"] for c in changes} == {"schema_migrations"}
    r = cli("diff", "version:0001", str(db), "--migrations", str(migrations), "--format", "json")
    assert r.exit_code == 1
    assert {c["owner"]["name"] for c in json.loads(r.stdout)["changes"]} == {"schema_migrations"}


def test_apply_runs_migrations_that_create_a_history_named_table(cli, tmp_path):
    """The exception holds through apply too: its verification sees the table."""
    migrations = write_migrations(
        tmp_path / "migrations",
        {"0001_users.sql": APP + "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);"},
    )
    db = make_db(tmp_path / "app.db", "")
    r = cli("apply", "--db", str(db), "--migrations", str(migrations), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("validate", "--db", str(db), "--migrations", str(migrations), "--format", "json")
    report = json.loads(r.stdout)
    assert (r.exit_code, report["status"], report["changes"]) == (0, "clean", [])


def _tool_tables():
    from driftcheck.config import HistoryConfig
    from driftcheck.history import history_tables

    return sorted(history_tables(HistoryConfig()))


@pytest.mark.parametrize("table", _tool_tables())
def test_every_known_history_table_is_left_out(cli, tmp_path, project, table):
    quoted = '"' + table.replace('"', '""') + '"'
    db = make_db(tmp_path / "app.db", APP + f"CREATE TABLE {quoted} (version TEXT, x INTEGER);")
    r = cli(
        "validate",
        "--db",
        str(db),
        "--migrations",
        str(project),
        "--history",
        "none",
        "--format",
        "json",
    )
    report = json.loads(r.stdout)
    assert (r.exit_code, report["changes"]) == (0, []), report["changes"]
    other = make_db(tmp_path / "other.db", APP)
    assert cli("diff", str(db), str(other)).exit_code == 0
