"""`resolve`, `repair` and `baseline` at the library level: what each writes into each
history store, that the plan afterwards shows the resolved state, and when they refuse.

The databases and history tables are built the way each tool leaves them (the
layouts of `test_history_stores`, written independently of the store modules); the
rows afterwards are checked against what the tool itself would hold.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import make_db, write_migrations
from driftcheck import applier as run
from driftcheck.applier import ApplyRefused
from driftcheck.check import validate
from driftcheck.config import Config, load_config
from driftcheck.errors import DriftcheckError
from driftcheck.resolve import (
    Refused,
    Resolution,
    execute,
    prepare_baseline,
    prepare_repair,
    prepare_resolve,
    show_write,
)
from driftcheck.settings import Settings
from test_history_stores import (
    CHECKSUM_KINDS,
    DBMATE,
    DOWN,
    KINDS,
    NAMES,
    NO_CHECKSUM_KINDS,
    PLAIN,
    SQLITE_TS,
    STAMPS,
    TOOLS,
    UNKNOWN_ROW,
    UNKNOWN_VERSION,
    UP,
    UP2_REFORMATTED,
    UP2_SCHEMA_EDIT,
    Setup,
    build,
    dbmate,
    flyway_crc,
    flyway_insert,
    needs_dbmate,
    normalised,
    sha256_hex,
)


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No expected_schemas/ or driftcheck.toml from the repository leaks in.
    monkeypatch.chdir(tmp_path)


# --------------------------------------------------------------------------
# Helpers


def settings(s: Setup, kind: str | None = None) -> Settings:
    config = load_config(str(s.root / "driftcheck.toml")) if s.tool.config else Config()
    if kind is not None:
        config = config.model_copy(
            update={"history": config.history.model_copy(update={"kind": kind})}
        )
    return Settings.from_config(config, migrations=str(s.mig), database=str(s.db))


def setup(kind: str, root: Path, applied: int, *, history: bool = True) -> Setup:
    return build(TOOLS[kind], root, None, applied, history=history)


def plan_of(s: Setup, kind: str | None = None) -> dict[str, tuple[str, str]]:
    report = validate(settings(s, kind)).report
    return {e.version or "-": (e.action, e.code) for e in report.plan}


def checksums(s: Setup) -> dict[str, str]:
    h = validate(settings(s)).report.history
    assert h is not None
    return {v.version: v.checksum for v in h.versions}


def write(s: Setup, prepared: Resolution, kind: str | None = None) -> Any:
    return execute(prepared, settings(s, kind), backup=None, busy_timeout=5)


def apply_all(s: Setup, kind: str | None = None) -> None:
    """The tool's own next step, made by driftcheck's apply: it must go on from here."""
    st = settings(s, kind)
    p = run.prepare(st, None)
    run.execute(p, st, backup=None, busy_timeout=5)
    assert validate(st).report.status == "clean"


def file_bytes(s: Setup, i: int) -> bytes:
    return (s.mig / s.tool.up_file(i)).read_bytes()


def history_rows(s: Setup) -> list[tuple[Any, ...]]:
    """The whole store, for "nothing was written" checks."""
    if s.tool.kind == "user_version":
        return s.rows("PRAGMA user_version")
    return s.rows(f'SELECT * FROM "{s.tool.internal[0]}" ORDER BY 1')


def mark_failed(s: Setup, i: int) -> None:
    """The history says version i (0-based) failed, the way each tool leaves it."""
    kind, v = s.tool.kind, s.tool.versions[i]
    conn = sqlite3.connect(s.db, isolation_level=None)
    try:
        if kind == "golang-migrate":
            # SetVersion(v, dirty=true), then the migration failed.
            conn.execute("DELETE FROM schema_migrations")
            conn.execute("INSERT INTO schema_migrations (version, dirty) VALUES (?, 1)", (int(v),))
        elif kind == "flyway":
            flyway_insert(
                conn,
                v,
                NAMES[i].replace("_", " "),
                s.tool.up_file(i),
                flyway_crc(file_bytes(s, i)),
                success=False,
            )
        elif kind == "sqlx":
            conn.execute(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, "
                "execution_time) VALUES (?, ?, FALSE, ?, -1)",
                (int(v), NAMES[i].replace("_", " "), hashlib.sha384(file_bytes(s, i)).digest()),
            )
        elif kind == "driftcheck":
            conn.execute(
                "INSERT INTO driftcheck_history (version, name, checksum, applied_at, how, "
                "success) VALUES (?, ?, NULL, '2024-01-01 00:00:00', 'applied', 0)",
                (v, NAMES[i]),
            )
        else:  # pragma: no cover
            raise AssertionError(kind)
    finally:
        conn.close()


FAILING = {"golang-migrate": "dirty", "flyway": "failed", "sqlx": "failed", "driftcheck": "failed"}


# --------------------------------------------------------------------------
# resolve: a dirty or failed version


@pytest.mark.parametrize("kind", list(FAILING))
def test_resolve_failed_version_as_applied(kind: str, tmp_path: Path) -> None:
    """Version 2 failed; the person finished it by hand: it is recorded as applied, the
    way the tool records a successful run, and the plan shows it ok."""
    s = setup(kind, tmp_path, applied=1)
    mark_failed(s, 1)
    s.sql(UP[1])
    v = s.tool.versions[1]
    assert plan_of(s)[v] == ("flag", FAILING[kind])

    p = prepare_resolve(settings(s), v, "applied")
    assert [e.version for e in p.entries] == [v]
    assert all(ev.present for ev in p.entries[0].evidence)
    assert p.warnings == []
    done = write(s, p)
    assert done.rows >= 1 and done.statements == len(p.writes)

    if kind == "golang-migrate":
        assert s.rows("SELECT version, typeof(version), dirty FROM schema_migrations") == [
            (2, "integer", 0)
        ]
    elif kind == "flyway":
        got = s.rows(
            "SELECT installed_rank, version, type, script, checksum, installed_by, success "
            "FROM flyway_schema_history ORDER BY installed_rank"
        )
        # The failed row is removed (as `flyway repair` does); the successful one follows.
        assert got == [
            (1, "1", "SQL", s.tool.up_file(0), flyway_crc(file_bytes(s, 0)), "", 1),
            (2, "2", "SQL", s.tool.up_file(1), flyway_crc(file_bytes(s, 1)), "", 1),
        ]
    elif kind == "sqlx":
        assert s.rows(
            "SELECT version, description, success, checksum FROM _sqlx_migrations "
            "WHERE version = ?",
            (int(v),),
        ) == [(int(v), "create book", 1, hashlib.sha384(file_bytes(s, 1)).digest())]
    else:
        got = s.rows(
            "SELECT version, name, checksum, how, success, applied_at FROM driftcheck_history "
            "WHERE version = '0002'"
        )
        assert got[0][:5] == (
            "0002",
            "create_book",
            "sha256:" + sha256_hex(normalised(file_bytes(s, 1))),
            "recorded",
            1,
        )
        assert SQLITE_TS.match(got[0][5])

    plan = plan_of(s)
    assert plan[s.tool.versions[0]] == ("ok", "ok")
    assert plan[v] == ("ok", "ok")
    assert plan[s.tool.versions[2]] == ("apply", "pending")
    apply_all(s)


@pytest.mark.parametrize("kind", list(FAILING))
def test_resolve_failed_version_as_absent(kind: str, tmp_path: Path) -> None:
    """Version 2 failed and its changes were rolled back: the history forgets the try,
    and the plan shows it pending again."""
    s = setup(kind, tmp_path, applied=1)
    mark_failed(s, 1)
    v = s.tool.versions[1]
    p = prepare_resolve(settings(s), v, "absent")
    write(s, p)
    if kind == "golang-migrate":
        # Back to the version before, clean: what `migrate force 1` writes.
        assert s.rows("SELECT version, dirty FROM schema_migrations") == [(1, 0)]
    elif kind == "flyway":
        assert s.rows("SELECT version, success FROM flyway_schema_history") == [("1", 1)]
    elif kind == "sqlx":
        assert s.rows("SELECT version FROM _sqlx_migrations") == [(int(STAMPS[0]),)]
    else:
        assert s.rows("SELECT version FROM driftcheck_history") == [("0001",)]
    plan = plan_of(s)
    assert plan[v] == ("apply", "pending")
    assert plan[s.tool.versions[0]] == ("ok", "ok")
    apply_all(s)


def test_golang_migrate_dirty_first_version_as_absent_leaves_no_row(tmp_path: Path) -> None:
    """golang-migrate's SetVersion(NilVersion, false) deletes the row and inserts none."""
    s = setup("golang-migrate", tmp_path, applied=0)
    mark_failed(s, 0)
    write(s, prepare_resolve(settings(s), "000001", "absent"))
    assert s.rows("SELECT * FROM schema_migrations") == []
    assert plan_of(s)["000001"] == ("apply", "pending")


def test_resolve_applied_refuses_when_the_changes_are_missing(tmp_path: Path) -> None:
    s = setup("golang-migrate", tmp_path, applied=1)
    mark_failed(s, 1)  # dirty 2, and its changes are not in the database
    before = history_rows(s)
    with pytest.raises(Refused) as exc:
        prepare_resolve(settings(s), "000002", "applied")
    assert exc.value.code == "resolve_refused"
    assert "not all of its changes are in the database" in exc.value.message
    assert "table book" in exc.value.message  # the evidence names what is missing
    assert [e.version for e in exc.value.entries] == ["000002"]
    assert isinstance(exc.value, ApplyRefused)  # exit 1
    assert history_rows(s) == before

    # --force records it anyway, and says so; the plan goes on flagging the version.
    p = prepare_resolve(settings(s), "000002", "applied", force=True)
    assert len(p.warnings) == 1 and "--force" in p.warnings[0]
    assert "table book" in p.warnings[0]
    write(s, p)
    assert s.rows("SELECT version, dirty FROM schema_migrations") == [(2, 0)]
    assert plan_of(s)["000002"] == ("flag", "recorded_but_absent")


def test_resolve_absent_refuses_when_the_changes_are_present(tmp_path: Path) -> None:
    s = setup("flyway", tmp_path, applied=1)
    mark_failed(s, 1)
    s.sql(UP[1])  # the changes are there after all
    before = history_rows(s)
    with pytest.raises(Refused, match="some of its changes are in the database"):
        prepare_resolve(settings(s), "2", "absent")
    assert history_rows(s) == before
    p = prepare_resolve(settings(s), "2", "absent", force=True)
    assert p.warnings and "--force" in p.warnings[0]
    write(s, p)
    assert s.rows("SELECT version FROM flyway_schema_history") == [("1",)]
    assert plan_of(s)["2"] == ("record", "unrecorded")


# --------------------------------------------------------------------------
# resolve: recorded, but its changes are not in the database


@pytest.mark.parametrize("kind", KINDS)
def test_resolve_recorded_but_absent_as_absent(kind: str, tmp_path: Path) -> None:
    """Version 3 is recorded, but someone undid it: the history forgets it the way the
    tool's own down-migration does, and apply applies it again."""
    s = setup(kind, tmp_path, applied=3)
    s.sql(DOWN[2])
    v3 = s.tool.versions[2]
    assert plan_of(s)[v3] == ("flag", "recorded_but_absent")

    p = prepare_resolve(settings(s), v3, "absent")
    assert p.writes and p.entries[0].code == "recorded_but_absent"
    write(s, p)

    stored = s.tool.recorded
    expected_rows: dict[str, tuple[str, list[tuple[Any, ...]]]] = {
        "driftcheck": (
            "SELECT version FROM driftcheck_history ORDER BY 1",
            [(v,) for v in PLAIN[:2]],
        ),
        "table": ("SELECT version FROM _app_migrations ORDER BY 1", [(v,) for v in PLAIN[:2]]),
        "user_version": ("PRAGMA user_version", [(2,)]),
        "flyway": ("SELECT version FROM flyway_schema_history ORDER BY 1", [("1",), ("2",)]),
        "golang-migrate": ("SELECT version, dirty FROM schema_migrations", [(2, 0)]),
        "dbmate": ("SELECT version FROM schema_migrations ORDER BY 1", [(v,) for v in STAMPS[:2]]),
        "sqlx": (
            "SELECT version FROM _sqlx_migrations ORDER BY 1",
            [(int(v),) for v in STAMPS[:2]],
        ),
        "diesel": (
            "SELECT version FROM __diesel_schema_migrations ORDER BY 1",
            [(v,) for v in stored[:2]],
        ),
        "goose": (
            "SELECT version_id, is_applied FROM goose_db_version ORDER BY id",
            [(0, 1), (1, 1), (2, 1)],
        ),
    }
    query, rows = expected_rows[kind]
    assert s.rows(query) == rows
    if kind == "table":
        # The pointer followed the history back.
        assert s.rows("SELECT key, value FROM _app_meta") == [("schema_version", "0002")]

    plan = plan_of(s)
    assert plan == {
        s.tool.versions[0]: ("ok", "ok"),
        s.tool.versions[1]: ("ok", "ok"),
        v3: ("apply", "pending"),
    }
    apply_all(s)


@needs_dbmate
def test_real_dbmate_reapplies_a_forgotten_version(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=3)
    s.sql(DOWN[2])
    write(s, prepare_resolve(settings(s), STAMPS[2], "absent"))
    up = dbmate(s.db, s.mig, "up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"Applying: {s.tool.up_file(2)}" in up.stdout
    assert validate(settings(s)).report.status == "clean"


def test_resolve_recorded_but_absent_as_applied_is_refused(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=3)
    s.sql(DOWN[2])
    with pytest.raises(Refused, match="not all of its changes"):
        prepare_resolve(settings(s), STAMPS[2], "applied")
    # Even forced: the history already says applied; nothing there to change.
    with pytest.raises(Refused, match="already records it as applied"):
        prepare_resolve(settings(s), STAMPS[2], "applied", force=True)


def test_user_version_forgetting_a_version_forgets_the_later_ones(tmp_path: Path) -> None:
    """PRAGMA user_version keeps one number: forgetting 2 forgets 3 too, which is fine
    only when 3's changes are gone as well."""
    s = setup("user_version", tmp_path, applied=3)
    s.sql(DOWN[1])  # 2's table is gone; 3's column and view are still there
    assert plan_of(s)["0002"] == ("flag", "recorded_but_absent")
    with pytest.raises(Refused, match="also forget versions whose changes are in the database"):
        prepare_resolve(settings(s), "0002", "absent")
    assert s.rows("PRAGMA user_version") == [(3,)]

    s.sql(DOWN[2])
    p = prepare_resolve(settings(s), "0002", "absent")
    assert any("also forgets 0003" in n for n in p.notes)
    assert [e.version for e in p.entries] == ["0002", "0003"]
    write(s, p)
    assert s.rows("PRAGMA user_version") == [(1,)]
    assert plan_of(s) == {
        "0001": ("ok", "ok"),
        "0002": ("apply", "pending"),
        "0003": ("apply", "pending"),
    }


def test_golang_migrate_recording_a_version_records_the_ones_below(tmp_path: Path) -> None:
    s = setup("golang-migrate", tmp_path, applied=1)
    s.sql(UP[1] + UP[2])  # 2 and 3 run by hand
    assert plan_of(s)["000003"] == ("record", "unrecorded")
    p = prepare_resolve(settings(s), "000003", "applied")
    assert any("also records 000002" in n for n in p.notes)
    write(s, p)
    assert s.rows("SELECT version, dirty FROM schema_migrations") == [(3, 0)]
    assert validate(settings(s)).report.status == "clean"


def test_golang_migrate_will_not_record_over_a_missing_version(tmp_path: Path) -> None:
    s = setup("golang-migrate", tmp_path, applied=1)
    s.sql(UP[2])  # 3 by hand (it touches only author), 2 never ran
    with pytest.raises(Refused, match="000002: flag \\(out_of_order\\)"):
        prepare_resolve(settings(s), "000003", "applied")
    assert s.rows("SELECT version, dirty FROM schema_migrations") == [(1, 0)]


def test_resolve_partial_version(tmp_path: Path) -> None:
    """0002 stopped halfway: neither resolution fits the evidence until the person fixes
    the database; then it is recorded as applied."""
    mig = write_migrations(
        tmp_path / "migrations",
        {
            "0001_a.sql": "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);\n",
            "0002_b.sql": "CREATE TABLE b (id INTEGER PRIMARY KEY);\nCREATE INDEX a_x ON a (x);\n",
        },
    )
    db = make_db(tmp_path / "app.db", "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);")
    st = Settings.from_config(Config(), migrations=str(mig), database=str(db))
    run.execute(run.prepare(st, "0001"), st, backup=None, busy_timeout=5)
    make_db(db, "CREATE TABLE b (id INTEGER PRIMARY KEY);")
    codes = {e.version: e.code for e in validate(st).report.plan}
    assert codes["0002"] == "partial"

    with pytest.raises(Refused, match="not all of its changes"):
        prepare_resolve(st, "0002", "applied")
    with pytest.raises(Refused, match="some of its changes"):
        prepare_resolve(st, "0002", "absent")

    make_db(db, "CREATE INDEX a_x ON a (x);")  # finished by hand
    p = prepare_resolve(st, "0002", "applied")
    execute(p, st, backup=None, busy_timeout=5)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT version, how FROM driftcheck_history ORDER BY 1").fetchall() == [
        ("0001", "recorded"),
        ("0002", "recorded"),
    ]
    conn.close()
    assert validate(st).report.status == "clean"


@pytest.mark.parametrize(
    ("applied", "version", "code"),
    [(3, "20240101000001", "ok"), (1, "20240103000003", "pending")],
    ids=["ok", "pending"],
)
def test_resolve_refuses_a_version_the_plan_does_not_flag(applied, version, code, tmp_path):
    s = setup("dbmate", tmp_path, applied=applied)
    for as_ in ("applied", "absent"):
        with pytest.raises(Refused) as exc:
            prepare_resolve(settings(s), version, as_)
        assert f"the plan says {'ok' if code == 'ok' else 'apply'} ({code})" in exc.value.message
        assert exc.value.hint


def test_resolve_an_unknown_version_is_bad_input(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=3)
    with pytest.raises(DriftcheckError) as exc:
        prepare_resolve(settings(s), "42", "applied")
    assert not isinstance(exc.value, ApplyRefused)  # exit 2, not a refusal
    assert exc.value.code == "unknown_version"
    assert STAMPS[0] in (exc.value.hint or "")
    with pytest.raises(DriftcheckError, match="not a resolution"):
        prepare_resolve(settings(s), STAMPS[0], "maybe")


@pytest.mark.parametrize("kind", ["dbmate", "flyway", "golang-migrate", "user_version", "goose"])
def test_resolve_forgets_a_recorded_version_no_migration_has(kind: str, tmp_path: Path) -> None:
    s = setup(kind, tmp_path, applied=3)
    s.sql(UNKNOWN_ROW[kind])
    v = UNKNOWN_VERSION[kind]
    assert plan_of(s)[v] == ("flag", "unknown_version")
    with pytest.raises(Refused, match="no migration has it"):
        prepare_resolve(settings(s), v, "applied")
    write(s, prepare_resolve(settings(s), v, "absent"))
    assert v not in plan_of(s)
    assert validate(settings(s)).report.status == "clean"


# --------------------------------------------------------------------------
# repair


@pytest.mark.parametrize("kind", CHECKSUM_KINDS)
def test_repair_accepts_reformatted_files(kind: str, tmp_path: Path) -> None:
    s = setup(kind, tmp_path, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    v2, r2 = s.tool.versions[1], s.tool.recorded[1]
    assert plan_of(s)[v2] == ("ok", "reformatted")
    assert checksums(s)[r2] == "mismatch"

    p = prepare_repair(settings(s))
    assert [e.version for e in p.entries] == [v2]
    assert len(p.writes) == 1 and p.warnings == []
    write(s, p)

    data = file_bytes(s, 1)
    if kind == "driftcheck":
        got = s.rows("SELECT checksum FROM driftcheck_history WHERE version = '0002'")
        assert got == [("sha256:" + sha256_hex(normalised(data)),)]
    elif kind == "table":
        got = s.rows("SELECT checksum FROM _app_migrations WHERE version = '0002'")
        assert got == [("sha256:" + sha256_hex(normalised(data)),)]  # the row's own form
    elif kind == "flyway":
        got = s.rows("SELECT description, checksum FROM flyway_schema_history WHERE version = '2'")
        assert got == [("create book", flyway_crc(data))]
    else:
        got = s.rows("SELECT checksum FROM _sqlx_migrations WHERE version = ?", (int(v2),))
        assert got == [(hashlib.sha384(data).digest(),)]
    assert set(checksums(s).values()) == {"match"}
    assert plan_of(s)[v2] == ("ok", "ok")
    assert validate(settings(s)).report.status == "clean"


def test_repair_keeps_the_applications_bare_checksum_form(tmp_path: Path) -> None:
    s = setup("table", tmp_path, applied=3)
    s.sql("UPDATE _app_migrations SET checksum = substr(checksum, 8)")
    s.tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    write(s, prepare_repair(settings(s)))
    assert s.rows("SELECT checksum FROM _app_migrations WHERE version = '0002'") == [
        (sha256_hex(normalised(file_bytes(s, 1))),)
    ]
    assert set(checksums(s).values()) == {"match"}


@pytest.mark.parametrize("kind", CHECKSUM_KINDS)
def test_repair_of_a_changed_schema_needs_the_version_named(kind: str, tmp_path: Path) -> None:
    s = setup(kind, tmp_path, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_SCHEMA_EDIT, UP[2]])
    v2, r2 = s.tool.versions[1], s.tool.recorded[1]
    assert plan_of(s)[v2] == ("flag", "checksum_mismatch")
    before = history_rows(s)
    with pytest.raises(Refused) as exc:
        prepare_repair(settings(s))
    assert f"--version {v2}" in (exc.value.hint or "")
    assert [e.version for e in exc.value.entries] == [v2]
    assert history_rows(s) == before

    p = prepare_repair(settings(s), [v2])
    assert len(p.warnings) == 1 and "another schema" in p.warnings[0]
    write(s, p)
    assert checksums(s)[r2] == "match"
    # Judged by its new text now: the index it gives is not the database's.
    assert plan_of(s)[v2][1] != "checksum_mismatch"


def test_repair_without_version_repairs_reformatted_and_warns_of_the_rest(tmp_path: Path) -> None:
    s = setup("driftcheck", tmp_path, applied=3)
    s.tool.write(s.mig, [UP[0].replace("name TEXT", "name  TEXT"), UP2_SCHEMA_EDIT, UP[2]])
    p = prepare_repair(settings(s))
    assert [e.version for e in p.entries] == ["0001"]
    assert p.warnings and "0002" in p.warnings[0]
    write(s, p)
    assert checksums(s) == {"0001": "match", "0002": "mismatch", "0003": "match"}


def test_repair_refuses_a_named_version_whose_checksum_matches(tmp_path: Path) -> None:
    s = setup("flyway", tmp_path, applied=3)
    with pytest.raises(Refused, match="1: ok \\(ok\\)"):
        prepare_repair(settings(s), ["1"])
    with pytest.raises(DriftcheckError) as exc:
        prepare_repair(settings(s), ["7"])
    assert exc.value.code == "unknown_version"


def test_repair_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    s = setup("sqlx", tmp_path, applied=3)
    p = prepare_repair(settings(s))
    assert p.writes == [] and p.summary == "nothing to repair"
    assert any("nothing to repair" in n for n in p.notes)


@pytest.mark.parametrize("kind", NO_CHECKSUM_KINDS)
def test_repair_on_a_store_without_checksums_says_so(kind: str, tmp_path: Path) -> None:
    s = setup(kind, tmp_path, applied=3)
    s.tool.write(s.mig, [UP[0], UP2_REFORMATTED, UP[2]])
    db = s.db.read_bytes()
    p = prepare_repair(settings(s))
    assert p.writes == []
    assert any("records no checksums: nothing to repair" in n for n in p.notes)
    assert execute(p, settings(s), backup="default", busy_timeout=5).backup is None
    assert s.db.read_bytes() == db
    assert list(tmp_path.glob("*.bak")) == []


# --------------------------------------------------------------------------
# baseline


def _baseline_rows(s: Setup) -> None:
    kind = s.tool.kind
    if kind == "flyway":
        # One BASELINE row, as `flyway baseline -baselineVersion=2` writes it.
        got = s.rows(
            "SELECT installed_rank, version, description, type, script, checksum, "
            "installed_by, execution_time, success FROM flyway_schema_history"
        )
        assert got == [
            (1, "2", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, "", 0, 1)
        ]
    elif kind == "golang-migrate":
        assert s.rows("SELECT version, dirty FROM schema_migrations") == [(2, 0)]
    elif kind == "user_version":
        assert s.rows("PRAGMA user_version") == [(2,)]
    elif kind == "dbmate":
        assert s.rows("SELECT version FROM schema_migrations ORDER BY 1") == [
            (v,) for v in STAMPS[:2]
        ]
    elif kind == "sqlx":
        assert s.rows(
            "SELECT version, description, success, checksum FROM _sqlx_migrations ORDER BY 1"
        ) == [
            (
                int(STAMPS[i]),
                NAMES[i].replace("_", " "),
                1,
                hashlib.sha384(file_bytes(s, i)).digest(),
            )
            for i in (0, 1)
        ]
    elif kind == "diesel":
        assert s.rows("SELECT version FROM __diesel_schema_migrations ORDER BY 1") == [
            (v,) for v in STAMPS[:2]
        ]
    elif kind == "goose":
        assert s.rows("SELECT version_id, is_applied FROM goose_db_version ORDER BY id") == [
            (0, 1),
            (1, 1),
            (2, 1),
        ]
    elif kind == "driftcheck":
        assert s.rows("SELECT version, name, how, success FROM driftcheck_history ORDER BY 1") == [
            ("0001", "create_author", "recorded", 1),
            ("0002", "create_book", "recorded", 1),
        ]
    else:
        assert s.rows("SELECT version, name FROM _app_migrations ORDER BY 1") == [
            ("0001", "create_author"),
            ("0002", "create_book"),
        ]
        assert s.rows("SELECT key, value FROM _app_meta") == [("schema_version", "0002")]


@pytest.mark.parametrize("kind", KINDS)
def test_baseline_records_every_version_up_to_it(kind: str, tmp_path: Path) -> None:
    """A database made without the tool, at version 2: baseline records 1 and 2 the way
    the tool would, creating its table; then the plan shows them ok and 3 pending."""
    with_table = kind == "table"  # the application creates its own table
    s = setup(kind, tmp_path, applied=0, history=with_table)
    s.sql(UP[0] + UP[1])
    v2 = s.tool.versions[1]
    p = prepare_baseline(settings(s, kind), v2)
    assert p.changes == []
    assert [e.version for e in p.entries] == s.tool.versions[:2]
    assert all(e.action == "record" for e in p.entries)
    write(s, p, kind)
    _baseline_rows(s)
    assert plan_of(s, kind) == {
        s.tool.versions[0]: ("ok", "ok"),
        v2: ("ok", "ok"),
        s.tool.versions[2]: ("apply", "pending"),
    }
    assert plan_of(s) == plan_of(s, kind)  # detected as the tool's store now
    apply_all(s)


@needs_dbmate
def test_real_dbmate_goes_on_from_a_baseline(tmp_path: Path) -> None:
    assert DBMATE is not None
    s = setup("dbmate", tmp_path, applied=0, history=False)
    s.sql(UP[0] + UP[1])
    write(s, prepare_baseline(settings(s, "dbmate"), STAMPS[1]), "dbmate")
    up = dbmate(s.db, s.mig, "up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"Applying: {s.tool.up_file(2)}" in up.stdout
    assert f"Applying: {s.tool.up_file(1)}" not in up.stdout
    assert validate(settings(s)).report.status == "clean"


def test_baseline_refuses_a_database_that_differs_and_shows_the_diff(tmp_path: Path) -> None:
    s = setup("flyway", tmp_path, applied=0, history=False)
    s.sql(UP[0] + UP[1] + "CREATE INDEX by_hand ON author (name);")
    with pytest.raises(Refused) as exc:
        prepare_baseline(settings(s, "flyway"), "2")
    assert exc.value.code == "baseline_mismatch"
    assert isinstance(exc.value, ApplyRefused)
    assert [(c.name, c.change) for c in exc.value.changes] == [("by_hand", "unexpected")]
    # Version 2's whole schema plus an extra index: said as such, with the ways out.
    assert "has 2's schema plus 1 object no migration creates: index by_hand on author" in (
        exc.value.message
    )
    assert 'ignore = ["index:by_hand"]' in (exc.value.hint or "")
    assert not s.rows("SELECT name FROM sqlite_schema WHERE name = 'flyway_schema_history'")

    # Version 3's schema is not the database's either: its column and view are missing.
    with pytest.raises(Refused) as exc3:
        prepare_baseline(settings(s, "flyway"), "2.1")
    assert {c.name for c in exc3.value.changes} >= {"email", "author_names"}

    p = prepare_baseline(settings(s, "flyway"), "2", force=True)
    assert p.warnings and "--force" in p.warnings[0]
    assert [c.name for c in p.changes] == ["by_hand"]
    write(s, p, "flyway")
    assert s.rows("SELECT version, type FROM flyway_schema_history") == [("2", "BASELINE")]
    plan = plan_of(s)
    assert plan["2"] == ("ok", "ok")
    assert plan["-"] == ("flag", "unattributed")  # the hand-made index is still drift


def test_baseline_refuses_a_history_at_or_above_it(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=2)
    with pytest.raises(Refused) as exc:
        prepare_baseline(settings(s), STAMPS[0])
    assert exc.value.code == "baseline_history"
    assert STAMPS[1] in exc.value.message


def test_baseline_above_a_history_records_the_versions_between(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=1)
    s.sql(UP[1] + UP[2])
    p = prepare_baseline(settings(s), STAMPS[2])
    write(s, p)
    assert s.rows("SELECT version FROM schema_migrations ORDER BY 1") == [(v,) for v in STAMPS]
    assert validate(settings(s)).report.status == "clean"


def test_flyway_baseline_refuses_a_non_empty_history(tmp_path: Path) -> None:
    """As `flyway baseline` does: a BASELINE row only goes into an empty history."""
    s = setup("flyway", tmp_path, applied=1)
    s.sql(UP[1])
    with pytest.raises(Refused, match="not empty"):
        prepare_baseline(settings(s), "2")


def test_baseline_of_an_unknown_version_is_bad_input(tmp_path: Path) -> None:
    s = setup("golang-migrate", tmp_path, applied=0, history=False)
    with pytest.raises(DriftcheckError) as exc:
        prepare_baseline(settings(s, "golang-migrate"), "9")
    assert not isinstance(exc.value, ApplyRefused)
    assert exc.value.code == "unknown_version"


# --------------------------------------------------------------------------
# execute: one transaction, after checking nothing changed; a backup first


def test_execute_refuses_when_the_history_changed_meanwhile(tmp_path: Path) -> None:
    s = setup("dbmate", tmp_path, applied=3)
    s.sql(DOWN[2])
    p = prepare_resolve(settings(s), STAMPS[2], "absent")
    s.sql("INSERT INTO schema_migrations (version) VALUES ('20240109000009')")
    before = history_rows(s)
    with pytest.raises(Refused) as exc:
        write(s, p)
    assert exc.value.code == "history_changed"
    assert history_rows(s) == before


def test_execute_refuses_when_the_schema_changed_meanwhile(tmp_path: Path) -> None:
    s = setup("golang-migrate", tmp_path, applied=1)
    mark_failed(s, 1)
    s.sql(UP[1])
    p = prepare_resolve(settings(s), "000002", "applied")
    s.sql("DROP INDEX book_author")  # the evidence no longer holds
    with pytest.raises(Refused, match="changed since the evidence was read"):
        write(s, p)
    assert s.rows("SELECT version, dirty FROM schema_migrations") == [(2, 1)]


def test_execute_backs_up_first(tmp_path: Path) -> None:
    s = setup("sqlx", tmp_path, applied=1)
    mark_failed(s, 1)
    p = prepare_resolve(settings(s), STAMPS[1], "absent")
    done = execute(p, settings(s), backup="default", busy_timeout=5)
    assert done.backup is not None and done.backup.parent == s.db.parent
    assert done.rows == 1
    conn = sqlite3.connect(done.backup)
    try:
        # The backup holds the history as it was before.
        assert conn.execute(
            "SELECT version, success FROM _sqlx_migrations ORDER BY 1"
        ).fetchall() == [
            (int(STAMPS[0]), 1),
            (int(STAMPS[1]), 0),
        ]
    finally:
        conn.close()
    assert s.rows("SELECT version FROM _sqlx_migrations") == [(int(STAMPS[0]),)]


def test_the_writes_are_shown_as_sql(tmp_path: Path) -> None:
    assert (
        show_write(("INSERT INTO \"t?\" VALUES (?, ?, '?', ?, ?)", ("it's", None, b"\x01", True)))
        == "INSERT INTO \"t?\" VALUES ('it''s', NULL, '?', X'01', 1)"
    )
    s = setup("golang-migrate", tmp_path, applied=1)
    mark_failed(s, 1)
    p = prepare_resolve(settings(s), "000002", "absent")
    assert p.statements() == [
        'DELETE FROM "schema_migrations";',
        'INSERT INTO "schema_migrations" (version, dirty) VALUES (1, 0);',
    ]
    assert p.summary == "record 000002 (create_book) as absent (not applied) in schema_migrations"
