"""History tables are never schema: not in validate (whatever --history says), diff,
inspect or fingerprints; unless the migrations themselves create that table."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3

import pytest

from conftest import make_db, progress_line, write_migrations

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


# --------------------------------------------------------------------------
# An application's own history, written the way the application writes it: the founding
# app ("aico") fills every column itself, and reads driftcheck's rows as its own.

AICO_DDL = """
CREATE TABLE _aico_schema_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE _aico_migration_history (id INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL, name TEXT NOT NULL, description TEXT,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, rollback_sql TEXT, checksum TEXT);
"""
AICO_CONFIG = """
migrations = "migrations"
[history]
kind = "table"
table = "_aico_migration_history"
name_column = "name"
description_column = "description"
checksum_column = "checksum"
checksum = "sha256"
checksum_length = 16
rollback_sql_column = "rollback_sql"
rollback_sql_format = "json"
[history.version_pointer]
table = "_aico_schema_metadata"
key = "schema_version"
updated_at_column = "updated_at"
touch_keys = ["last_migration"]
"""
# Each version's statements, as the app's registry lists them (up, down).
AICO_VERSIONS = {
    ("0001", "users"): (
        [
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);",
            "CREATE INDEX users_email ON users (email);",
        ],
        ["DROP INDEX users_email", "DROP TABLE users"],
    ),
    ("0002", "posts"): (
        [
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id),"
            " body TEXT NOT NULL);"
        ],
        ["DROP TABLE posts"],
    ),
    ("0003", "tags"): (["CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);"], []),
}
OLD = "2000-01-01 00:00:00"  # the time of the app's own writes, long ago
SQLITE_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"  # CURRENT_TIMESTAMP
ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"


def app_checksum(statements: list[str]) -> str:
    """The app's own: the first 16 hex digits of the sha256 of its statements, joined."""
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]


def aico(tmp_path, *, applied_by_app: int, by_hand: int = 0, checksum=None):
    """The app's database: its first `applied_by_app` versions applied and recorded by the
    app itself (with `checksum` instead of its own, if given), the next `by_hand` versions
    applied without a record; migrations as golang-migrate files (up and down): an up file
    is the statements joined by a newline (so its checksum is the app's), a down file the
    statements as a script."""
    files = {}
    for (version, name), (up, down) in AICO_VERSIONS.items():
        files[f"{version}_{name}.up.sql"] = "\n".join(up)
        if down:
            files[f"{version}_{name}.down.sql"] = "".join(f"{s};\n" for s in down)
    write_migrations(tmp_path / "migrations", files)
    (tmp_path / "driftcheck.toml").write_text(AICO_CONFIG)
    db = make_db(tmp_path / "app.db", AICO_DDL)
    conn = sqlite3.connect(db)
    versions = list(AICO_VERSIONS.items())
    for _, (up, _down) in versions[: applied_by_app + by_hand]:
        conn.executescript("\n".join(up))
    for n, ((version, name), (up, down)) in enumerate(versions[:applied_by_app]):
        conn.execute(
            "INSERT INTO _aico_migration_history (version, name, description, rollback_sql,"
            " checksum, applied_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                int(version),
                name,
                f"the app's {name}",
                json.dumps(down) if down else None,
                checksum if checksum is not None and n == 0 else app_checksum(up),
                OLD,
            ),
        )
    if applied_by_app:
        conn.executemany(
            "INSERT INTO _aico_schema_metadata (key, value, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [
                ("schema_version", str(applied_by_app), OLD, OLD),
                ("last_migration", "2000-01-01T00:00:00.000001", OLD, OLD),
                ("app_name", "aico", OLD, OLD),
            ],
        )
    conn.commit()
    conn.close()
    return db


def table_rows(db, table):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
    finally:
        conn.close()


def metadata(db):
    return {r["key"]: r for r in table_rows(db, "_aico_schema_metadata")}


def history_rows(db):
    return {r["version"]: r for r in table_rows(db, "_aico_migration_history")}


def test_apply_writes_every_column_the_way_the_app_does(cli, tmp_path):
    db = aico(tmp_path, applied_by_app=1, by_hand=1)  # 0002 present, unrecorded: "record"
    before = history_rows(db)[1]
    r = cli("validate", "--db", str(db), "--format", "json")
    plan = {e["version"]: (e["action"], e["code"]) for e in json.loads(r.stdout)["plan"]}
    assert plan == {
        "0001": ("ok", "ok"),
        "0002": ("record", "unrecorded"),
        "0003": ("apply", "pending"),
    }

    r = cli("apply", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert progress_line(r.stdout, "0002", "recorded")
    assert progress_line(r.stdout, "0003", "applied")

    rows = history_rows(db)
    assert sorted(rows) == [1, 2, 3]  # the app's INTEGER version column holds 2, not "0002"
    assert rows[1] == before  # the app's own row is left as it was
    for (version, name), (up, down) in list(AICO_VERSIONS.items())[1:]:
        row = rows[int(version)]
        assert row["name"] == name
        assert row["description"] == name  # a file migration's description is its name
        assert row["checksum"] == app_checksum(up)
        if down:
            assert json.loads(row["rollback_sql"]) == down
        else:
            assert row["rollback_sql"] is None
        assert re.fullmatch(SQLITE_TIME, row["applied_at"]), row  # the column's DEFAULT

    meta = metadata(db)
    assert meta["schema_version"]["value"] == "3"  # the pointer's own style: not "0003"
    assert meta["schema_version"]["updated_at"] != OLD
    assert re.fullmatch(SQLITE_TIME, meta["schema_version"]["updated_at"])
    assert meta["schema_version"]["created_at"] == OLD
    assert re.fullmatch(ISO_TIME, meta["last_migration"]["value"])
    assert meta["last_migration"]["updated_at"] != OLD
    assert meta["last_migration"]["created_at"] == OLD
    assert dict(meta["app_name"]) == {
        "key": "app_name",
        "value": "aico",
        "created_at": OLD,
        "updated_at": OLD,
    }

    r = cli("validate", "--db", str(db), "--format", "json")
    report = json.loads(r.stdout)
    assert (r.exit_code, report["status"]) == (0, "clean"), report["plan"]
    assert report["history"]["pointer"] == "3"
    assert report["history"]["checksum_algorithm"] == "sha256 of the up-SQL, first 16 hex digits"
    assert [v["checksum"] for v in report["history"]["versions"]] == ["match"] * 3
    assert report["history"]["notes"] == []

    snapshot = db.read_bytes()
    r = cli("apply", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0 and "nothing to do" in r.stdout, r.stdout + r.stderr
    assert db.read_bytes() == snapshot


def test_apply_on_an_empty_app_history_inserts_the_pointer_rows(cli, tmp_path):
    db = aico(tmp_path, applied_by_app=0)
    r = cli("apply", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert sorted(history_rows(db)) == [1, 2, 3]
    meta = metadata(db)
    assert sorted(meta) == ["last_migration", "schema_version"]
    # No pointer row, no history row: the INTEGER version column gives the style.
    assert meta["schema_version"]["value"] == "3"
    assert re.fullmatch(ISO_TIME, meta["last_migration"]["value"])
    for row in meta.values():  # created_at left to the column's DEFAULT
        assert re.fullmatch(SQLITE_TIME, row["created_at"]), row
        assert re.fullmatch(SQLITE_TIME, row["updated_at"]), row


def test_baseline_writes_the_apps_rows(cli, tmp_path):
    db = aico(tmp_path, applied_by_app=0, by_hand=2)
    r = cli("baseline", "0002", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    rows = history_rows(db)
    assert sorted(rows) == [1, 2]
    for (version, name), (up, down) in list(AICO_VERSIONS.items())[:2]:
        row = rows[int(version)]
        assert (row["name"], row["description"]) == (name, name)
        assert row["checksum"] == app_checksum(up)
        assert json.loads(row["rollback_sql"]) == down
    assert metadata(db)["schema_version"]["value"] == "2"


@pytest.mark.parametrize("stored", ["manual_fix", "snapshot", "deadbeef"])
def test_a_checksum_that_is_no_digest_blocks_nothing(cli, tmp_path, stored):
    db = aico(tmp_path, applied_by_app=1, checksum=stored)
    r = cli("validate", "--db", str(db), "--format", "json")
    report = json.loads(r.stdout)
    assert report["plan"][0]["version"] == "0001"
    assert (report["plan"][0]["action"], report["plan"][0]["code"]) == ("ok", "ok")
    assert report["history"]["versions"][0]["checksum"] == "unknown"
    assert any(f'"{stored}" is not a sha256 hex digest' in n for n in report["history"]["notes"])
    r = cli("apply", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert history_rows(db)[1]["checksum"] == stored  # never "repaired" behind the app's back
    assert sorted(history_rows(db)) == [1, 2, 3]


def test_a_truncated_checksum_that_differs_is_a_mismatch(cli, tmp_path):
    other = app_checksum(["CREATE TABLE users (id INTEGER PRIMARY KEY);"])
    db = aico(tmp_path, applied_by_app=1, checksum=other)
    r = cli("validate", "--db", str(db), "--format", "json")
    report = json.loads(r.stdout)
    assert report["history"]["versions"][0]["checksum"] == "mismatch"
    # The schema is the file's: the file was reformatted; `repair` accepts its checksum.
    assert report["plan"][0]["code"] == "reformatted"
    r = cli("repair", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert history_rows(db)[1]["checksum"] == app_checksum(AICO_VERSIONS[("0001", "users")][0])


def test_a_truncated_checksum_that_differs_with_the_schema_is_flagged(cli, tmp_path):
    other = app_checksum(["CREATE TABLE users (id INTEGER PRIMARY KEY);"])
    db = aico(tmp_path, applied_by_app=1, checksum=other)
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX users_email")  # what the version's old text gave
    conn.close()
    r = cli("validate", "--db", str(db), "--format", "json")
    entry = json.loads(r.stdout)["plan"][0]
    assert (entry["action"], entry["code"]) == ("flag", "checksum_mismatch")
    r = cli("apply", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 1, r.stdout + r.stderr
    assert sorted(history_rows(db)) == [1]


def test_a_pointer_column_that_is_not_there_is_a_config_error(cli, tmp_path):
    db = aico(tmp_path, applied_by_app=1)
    config = tmp_path / "driftcheck.toml"
    config.write_text(config.read_text().replace('"updated_at"', '"modified_at"'))
    r = cli("validate", "--db", str(db))
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "updated_at_column = 'modified_at'" in r.stderr
    assert "_aico_schema_metadata" in r.stderr and "the table has:" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr


# --------------------------------------------------------------------------
# The store's writes and reads, with migrations built directly (a Python registry's)


def _migration(**fields):
    from driftcheck.migrations.model import Migration

    up = fields.pop("up", ["CREATE TABLE t (x);", "CREATE INDEX t_x ON t (x);"])
    sql = "\n".join(up)
    digest = hashlib.sha256(sql.encode()).hexdigest()
    base = {"version": "0013", "name": "t", "files": (), "sql": sql, "statements": ()}
    return Migration(**{**base, "checksum": "sha256:" + digest, **fields})


def _store(**history):
    """The founding app's store (its config above), with `history`'s keys changed."""
    from driftcheck.config import HistoryConfig, VersionPointer
    from driftcheck.history.table import TableStore

    pointer = history.pop("version_pointer", {})
    keys = {
        "kind": "table",
        "table": "_aico_migration_history",
        "name_column": "name",
        "description_column": "description",
        "checksum_column": "checksum",
        "checksum": "sha256",
        "checksum_length": 16,
        "rollback_sql_column": "rollback_sql",
        "rollback_sql_format": "json",
        "version_pointer": VersionPointer(table="_aico_schema_metadata", **pointer),
    }
    return TableStore(HistoryConfig(**{**keys, **history}))


def _written(store, how, m, tmp_path, ddl=AICO_DDL):
    """The history rows and pointer rows after `how` wrote `m` to an app database."""
    db = make_db(tmp_path / f"{how}.db", ddl)
    conn = sqlite3.connect(db)
    history = store.read(conn)
    writes = {
        "record": lambda: store.record(m, "applied", 0, history),
        "mark_applied": lambda: store.mark_applied(m, history),
        "baseline": lambda: store.baseline([m], history),
    }[how]()
    for sql, params in writes:
        conn.execute(sql, params)
    conn.commit()
    conn.close()
    return history_rows(db), metadata(db)


@pytest.mark.parametrize("how", ["record", "mark_applied", "baseline"])
def test_every_write_fills_name_description_checksum_and_rollback(tmp_path, how):
    up = ["CREATE TABLE loans (id INTEGER PRIMARY KEY)", "CREATE INDEX l ON loans (id)"]
    down = ("DROP INDEX l", "DROP TABLE loans")
    m = _migration(
        up=up,
        name="create_loans",
        description="Loans, with their index",
        rollback_sql="\n".join(down),
        rollback_statements=down,
    )
    rows, meta = _written(_store(), how, m, tmp_path)
    assert rows == {
        13: {
            "id": 1,
            "version": 13,
            "name": "create_loans",
            "description": "Loans, with their index",
            "applied_at": rows[13]["applied_at"],
            "rollback_sql": json.dumps(list(down)),
            "checksum": app_checksum(up),
        }
    }
    assert re.fullmatch(SQLITE_TIME, rows[13]["applied_at"])
    assert meta["schema_version"]["value"] == "13"  # an INTEGER version column's style


@pytest.mark.parametrize(
    ("fmt", "rollback_sql", "statements", "stored"),
    [
        ("json", "DROP INDEX a;\nDROP TABLE b;", (), ["DROP INDEX a", "DROP TABLE b"]),
        (
            "json",
            "DROP TRIGGER t;\nCREATE TRIGGER t AFTER INSERT ON b BEGIN SELECT 1; END;",
            (),
            ["DROP TRIGGER t", "CREATE TRIGGER t AFTER INSERT ON b BEGIN SELECT 1; END"],
        ),
        ("json", "-- nothing to undo\n", (), None),
        ("json", None, (), None),
        ("json", "DROP TABLE b", ("DROP TABLE b",), ["DROP TABLE b"]),
        ("text", "DROP INDEX a;\nDROP TABLE b;", (), "DROP INDEX a;\nDROP TABLE b;"),
        ("text", None, ("DROP INDEX a", "DROP TABLE b"), "DROP INDEX a\nDROP TABLE b"),
        ("text", None, (), None),
    ],
    ids=[
        "json-split",
        "json-split-trigger",
        "json-only-comments",
        "json-none",
        "json-statements",
        "text",
        "text-joined",
        "text-none",
    ],
)
def test_rollback_sql_in_the_configured_form(tmp_path, fmt, rollback_sql, statements, stored):
    m = _migration(rollback_sql=rollback_sql, rollback_statements=statements)
    rows, _ = _written(_store(rollback_sql_format=fmt), "record", m, tmp_path)
    value = rows[13]["rollback_sql"]
    assert (json.loads(value) if fmt == "json" and value is not None else value) == stored


def test_applied_at_configured_is_written_as_current_timestamp(tmp_path):
    rows, _ = _written(_store(applied_at_column="applied_at"), "record", _migration(), tmp_path)
    assert re.fullmatch(SQLITE_TIME, rows[13]["applied_at"])


def test_created_at_is_set_on_insert_and_kept_on_update(tmp_path):
    ddl = (
        "CREATE TABLE _aico_migration_history (version INTEGER, name TEXT, description TEXT,"
        " rollback_sql TEXT, checksum TEXT);"
        "CREATE TABLE _aico_schema_metadata (key TEXT PRIMARY KEY, value TEXT,"
        " created_at TEXT, updated_at TEXT);"
    )
    store = _store(
        version_pointer={
            "updated_at_column": "updated_at",
            "created_at_column": "created_at",
            "touch_keys": ("last_migration",),
        }
    )
    _, meta = _written(store, "record", _migration(), tmp_path, ddl)
    assert sorted(meta) == ["last_migration", "schema_version"]
    for row in meta.values():
        assert re.fullmatch(SQLITE_TIME, row["created_at"]), row
        assert re.fullmatch(SQLITE_TIME, row["updated_at"]), row
    db = make_db(
        tmp_path / "kept.db",
        ddl + f"INSERT INTO _aico_schema_metadata VALUES ('schema_version', '12', '{OLD}', NULL);",
    )
    conn = sqlite3.connect(db)
    for sql, params in store.record(_migration(), "applied", 0, store.read(conn)):
        conn.execute(sql, params)
    conn.commit()
    conn.close()
    row = metadata(db)["schema_version"]
    assert (row["value"], row["created_at"]) == ("13", OLD)
    assert re.fullmatch(SQLITE_TIME, row["updated_at"])


UP_SQL = "CREATE TABLE t (x);\nCREATE INDEX t_x ON t (x);"
DIGEST = hashlib.sha256(UP_SQL.encode()).hexdigest()
OTHER = hashlib.sha256(b"something else").hexdigest()


@pytest.mark.parametrize(
    ("length", "stored", "state"),
    [
        pytest.param(16, DIGEST[:16], "match", id="prefix"),
        pytest.param(16, DIGEST[:16].upper(), "match", id="prefix-upper-case"),
        # Written in full (driftcheck's own form) before the config said 16.
        pytest.param(16, DIGEST, "match", id="full"),
        pytest.param(16, "sha256:" + DIGEST, "match", id="full-prefixed"),
        pytest.param(16, OTHER[:16], "mismatch", id="other-prefix"),
        pytest.param(16, OTHER, "mismatch", id="other-full"),
        pytest.param(16, "manual_fix", "unknown", id="manual_fix"),
        pytest.param(16, "snapshot", "unknown", id="snapshot"),
        # A digest of another length is not the app's form: nothing to compare.
        pytest.param(16, DIGEST[:8], "unknown", id="8-digits"),
        pytest.param(16, "", "none", id="empty"),
        pytest.param(None, DIGEST, "match", id="untruncated-full"),
        pytest.param(None, OTHER, "mismatch", id="untruncated-other"),
        pytest.param(None, DIGEST[:16], "unknown", id="untruncated-prefix"),
        pytest.param(None, "manual_fix", "unknown", id="untruncated-manual_fix"),
    ],
)
def test_checksum_states(length, stored, state):
    from driftcheck.history.base import Entry

    store = _store(checksum_length=length)
    assert store.checksum_state(Entry("13", checksum=stored), _migration()) == state


def test_without_the_algorithm_no_checksum_is_a_mismatch():
    from driftcheck.history.base import Entry, History

    store = _store(checksum=None, checksum_length=None)
    m = _migration()
    assert store.checksum_state(Entry("13", checksum=m.checksum), m) == "match"
    assert store.checksum_state(Entry("13", checksum=OTHER), m) == "unknown"
    assert store.checksum_state(Entry("13", checksum="manual_fix"), m) == "unknown"
    history = History("table", "_aico_migration_history", True)
    insert = store.record(m, "applied", 0, history)[0]
    assert "sha256:" + DIGEST in insert[1]  # driftcheck's own, self-describing form


def test_a_stale_version_pointer_is_drift_and_repair_sets_it(cli, tmp_path):
    """The app reads its pointer to decide what to apply: a pointer behind the history
    would make it apply a recorded version again. That is drift, and repair fixes it."""
    db = aico(tmp_path, applied_by_app=3)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE _aico_schema_metadata SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    r = cli("plan", "--db", str(db), "--format", "json")
    assert r.exit_code == 1, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["status"] == "drift"
    assert report["history"]["pointer"] == "2" and report["history"]["pointer_stale"] is True
    text = cli("validate", "--db", str(db))
    assert "the version pointer says 2, the history records 3" in text.stdout
    assert cli("apply", "--db", str(db), "--yes", "--no-backup").exit_code == 0  # no version
    r = cli("repair", "--db", str(db), "--yes", "--no-backup")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "set the version pointer to 3 (it says 2)" in r.stdout
    meta = metadata(db)
    assert meta["schema_version"]["value"] == "3"
    assert re.fullmatch(SQLITE_TIME, meta["schema_version"]["updated_at"])
    assert meta["schema_version"]["updated_at"] != OLD
    again = cli("validate", "--db", str(db), "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["history"]["pointer_stale"] is False
