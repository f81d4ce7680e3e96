"""Loading migration directories: formats, auto-detection, ordering and errors."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path

import pytest

from driftcheck.errors import MigrationError
from driftcheck.migrations import MigrationSet, SkippedStep, load_migrations

PATTERN = r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>up|down)\.sql"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def load(root: Path, fmt: str = "auto", pattern: str | None = None) -> MigrationSet:
    return load_migrations(str(root), fmt, pattern)


def versions(ms: MigrationSet) -> list[str]:
    return [m.version for m in ms.migrations]


def sha(sql: str) -> str:
    return "sha256:" + hashlib.sha256(sql.encode()).hexdigest()


def load_error(root: Path, fmt: str = "auto", pattern: str | None = None) -> MigrationError:
    with pytest.raises(MigrationError) as info:
        load(root, fmt, pattern)
    err = info.value
    assert err.hint, "every MigrationError must say what to do"
    return err


GOOSE_FILE = """-- +goose Up
-- +goose NO TRANSACTION
CREATE TABLE a (x INT);
-- +goose StatementBegin
CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN
    UPDATE a SET x = 1;
END;
INSERT INTO a VALUES (1);
-- +goose StatementEnd
CREATE INDEX a_x ON a (x);

-- +goose Down
DROP TABLE a;
"""

DBMATE_FILE = """-- migrate:up transaction:false
CREATE TABLE a (x INT);
INSERT INTO a VALUES ('a;b');

-- migrate:down
DROP TABLE a;
"""

# --- every format -----------------------------------------------------------------------

# (id, files, expected format, expected versions, expected names)
FORMAT_CASES = [
    (
        "plain",
        {"0001_init.sql": "CREATE TABLE a (x);", "0002.sql": "CREATE TABLE b (y);"},
        "plain",
        ["0001", "0002"],
        ["init", ""],
    ),
    (
        "flyway",
        {
            "V1__init.sql": "CREATE TABLE a (x);",
            "V1_1__underscored.sql": "SELECT 1;",
            "V1.2__dotted.sql": "SELECT 2;",
            "V2__Add_people.sql": "SELECT 3;",
            "U2__Add_people.sql": "SELECT 4;",
            "R__views.sql": "SELECT 5;",
        },
        "flyway",
        ["1", "1.1", "1.2", "2"],
        ["init", "underscored", "dotted", "Add_people"],
    ),
    (
        "golang-migrate",
        {
            "20240731203656_init.up.sql": "CREATE TABLE a (x);",
            "20240813211251_passkey_backup_flags..up.sql": "ALTER TABLE a ADD y;",
            "20240813211251_passkey_backup_flags.down.sql": "ALTER TABLE a DROP y;",
        },
        "golang-migrate",
        ["20240731203656", "20240813211251"],
        ["init", "passkey_backup_flags."],
    ),
    (
        "dbmate",
        {"20240101000000_a.sql": DBMATE_FILE, "20240102000000_b.sql": "-- migrate:up\nSELECT 1;\n"},
        "dbmate",
        ["20240101000000", "20240102000000"],
        ["a", "b"],
    ),
    (
        "goose",
        {"00001_a.sql": GOOSE_FILE, "00002_b.sql": "-- +goose Up\nSELECT 1;\n-- +goose Down\n"},
        "goose",
        ["00001", "00002"],
        ["a", "b"],
    ),
    (
        "sqlx-simple-timestamps",
        {
            "20210422143411_create_history.sql": "SELECT 1;",
            "20220505083406_events.sql": "SELECT 2;",
        },
        "sqlx",
        ["20210422143411", "20220505083406"],
        ["create_history", "events"],
    ),
    (
        "sqlx-mixed",
        {
            "1_first.sql": "SELECT 1;",
            "2_second.up.sql": "SELECT 2;",
            "2_second.down.sql": "SELECT -2;",
        },
        "sqlx",
        ["1", "2"],
        ["first", "second"],
    ),
    (
        "diesel",
        {
            "00000000000000_diesel_initial_setup/up.sql": "SELECT 0;",
            "2019-01-01-000000_create_posts/up.sql": "CREATE TABLE posts (id);",
            "2019-01-01-000000_create_posts/down.sql": "DROP TABLE posts;",
            "2019-01-02-000000_add_x/up.sql": "SELECT 2;",
            "2019-01-02-000000_add_x/metadata.toml": "run_in_transaction = false\n",
        },
        "diesel",
        ["00000000000000", "2019-01-01-000000", "2019-01-02-000000"],
        ["diesel_initial_setup", "create_posts", "add_x"],
    ),
    (
        "dirs",
        {
            "0.10/01__ten.sql": "SELECT 10;",
            "0.2/01__init.sql": "CREATE TABLE a (x);",
            "0.2/02__more.sql": "SELECT 2;",
            "0.9/00__nine.sql": "SELECT 9;",
            "LATEST.sql": "CREATE TABLE a (x);",
        },
        "dirs",
        ["0.2", "0.9", "0.10"],
        ["init", "nine", "ten"],
    ),
]


@pytest.mark.parametrize(
    ("files", "fmt", "expected_versions", "names"),
    [pytest.param(f, fmt, v, n, id=case_id) for case_id, f, fmt, v, n in FORMAT_CASES],
)
def test_auto_detects_each_format(
    tmp_path: Path, files: dict[str, str], fmt: str, expected_versions: list[str], names: list[str]
) -> None:
    ms = load(write_tree(tmp_path, files))
    assert ms.format == fmt
    assert ms.source == str(tmp_path)
    assert versions(ms) == expected_versions
    assert [m.name for m in ms.migrations] == names
    for m in ms.migrations:
        assert m.checksum == sha(m.sql)
        assert m.statements, m
        assert [s.number for s in m.statements] == list(range(1, len(m.statements) + 1))


@pytest.mark.parametrize(
    ("files", "fmt", "expected_versions"),
    [pytest.param(f, fmt, v, id=case_id) for case_id, f, fmt, v, _ in FORMAT_CASES],
)
def test_forcing_the_detected_format_gives_the_same_result(
    tmp_path: Path, files: dict[str, str], fmt: str, expected_versions: list[str]
) -> None:
    write_tree(tmp_path, files)
    assert load(tmp_path, fmt) == dataclasses.replace(load(tmp_path), format=fmt)
    assert versions(load(tmp_path, fmt)) == expected_versions


def test_plain_files_and_statements(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_init.sql": "CREATE TABLE a (x);\n\nCREATE INDEX i ON a (x);\n"})
    (m,) = load(tmp_path).migrations
    assert m.files == ("0001_init.sql",)
    assert m.label == "0001_init.sql"
    assert [(s.file, s.line, s.number) for s in m.statements] == [
        ("0001_init.sql", 1, 1),
        ("0001_init.sql", 3, 2),
    ]
    assert m.rollback_sql is None and m.no_transaction is False


def test_flyway_notes_undo_and_repeatable_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "V1__a.sql": "SELECT 1;",
            "U1__a.sql": "SELECT 2;",
            "U2__b.sql": "SELECT 2;",
            "R__views.sql": "SELECT 3;",
        },
    )
    ms = load(tmp_path)
    assert versions(ms) == ["1"]
    assert any("2 Flyway undo (U) files" in n and "U1__a.sql" in n for n in ms.notes), ms.notes
    assert any("1 Flyway repeatable (R) file" in n and "R__views.sql" in n for n in ms.notes)


def test_golang_migrate_pairs_down_files_by_version(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "1_a.up.sql": "CREATE TABLE a (x);",
            "1_a.down.sql": "DROP TABLE a;",
            "2_b..up.sql": "CREATE TABLE b (x);",
            "2_b.down.sql": "DROP TABLE b;",
            "3_c.up.sql": "CREATE TABLE c (x);",
            "9_orphan.down.sql": "SELECT 1;",
        },
    )
    ms = load(tmp_path)
    assert ms.format == "golang-migrate"
    assert [m.rollback_sql for m in ms.migrations] == ["DROP TABLE a;", "DROP TABLE b;", None]
    assert ms.migrations[1].files == ("2_b..up.sql",)
    assert any("9_orphan.down.sql" in n for n in ms.notes), ms.notes


def test_dbmate_sections(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"20240101000000_a.sql": "-- leading comment\n" + DBMATE_FILE.replace("\n", "\r\n")},
    )
    (m,) = load(tmp_path).migrations
    assert m.sql == "CREATE TABLE a (x INT);\nINSERT INTO a VALUES ('a;b');\n"
    assert m.checksum == sha(m.sql)
    assert [(s.sql, s.line) for s in m.statements] == [
        ("CREATE TABLE a (x INT);", 3),
        ("INSERT INTO a VALUES ('a;b');", 4),
    ]
    assert m.rollback_sql == "DROP TABLE a;\n"
    assert m.no_transaction is True  # "-- migrate:up transaction:false"


def test_dbmate_down_first_and_no_down(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "1_a.sql": "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (x);\n",
            "2_b.sql": "-- migrate:up\nCREATE TABLE b (x);",
        },
    )
    a, b = load(tmp_path).migrations
    assert [s.sql for s in a.statements] == ["CREATE TABLE a (x);"]
    assert a.statements[0].line == 4
    assert a.rollback_sql == "DROP TABLE a;"
    assert b.rollback_sql is None and b.no_transaction is False


def test_goose_blocks_and_no_transaction(tmp_path: Path) -> None:
    write_tree(tmp_path, {"00001_a.sql": GOOSE_FILE})
    (m,) = load(tmp_path).migrations
    assert m.no_transaction is True
    assert [(s.line, s.number) for s in m.statements] == [(3, 1), (5, 2), (10, 3)]
    block = m.statements[1].sql
    # Between StatementBegin and StatementEnd: ONE statement, although SQLite would split it.
    assert block.startswith("CREATE TRIGGER a_ins") and block.endswith("INSERT INTO a VALUES (1);")
    assert m.statements[2].sql == "CREATE INDEX a_x ON a (x);"
    assert m.rollback_sql == "DROP TABLE a;\n"
    assert m.sql.startswith("-- +goose NO TRANSACTION\nCREATE TABLE a")
    assert "DROP TABLE" not in m.sql
    assert m.checksum == sha(m.sql)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(
            "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n",
            "never closed",
            id="unclosed-block",
        ),
        pytest.param(
            "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n",
            "without a StatementBegin",
            id="stray-end",
        ),
        pytest.param(
            "-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementBegin\n",
            "inside the block",
            id="nested",
        ),
        pytest.param(
            "SELECT 0;\n-- +goose Up\nSELECT 1;\n", "before the '-- +goose Up'", id="sql-before-up"
        ),
        pytest.param("-- +goose Up\nSELECT 1;\n-- +goose Up\n", "appears twice", id="two-ups"),
    ],
)
def test_goose_errors_name_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    write_tree(tmp_path, {"00001_a.sql": content})
    err = load_error(tmp_path)
    assert "00001_a.sql" in err.message and fragment in err.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(
            "SELECT 1;\n-- migrate:up\nSELECT 2;\n",
            "before the '-- migrate:up'",
            id="sql-before-up",
        ),
        pytest.param("-- migrate:up\nSELECT 1;\n-- migrate:up\n", "appears 2 times", id="two-ups"),
    ],
)
def test_dbmate_errors_name_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    write_tree(tmp_path, {"1_a.sql": content})
    err = load_error(tmp_path)
    assert "1_a.sql" in err.message and fragment in err.message


def test_marker_detection_reports_a_file_without_markers(tmp_path: Path) -> None:
    write_tree(tmp_path, {"1_a.sql": "-- +goose Up\nSELECT 1;\n", "2_b.sql": "SELECT 2;\n"})
    err = load_error(tmp_path)
    assert "2_b.sql" in err.message and "goose" in err.message


def test_sqlx_no_transaction_and_rollback(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "20250101000000_a.sql": "-- no-transaction\nCREATE TABLE a (x);",
            "20250102000000_b.up.sql": "CREATE TABLE b (x);",
            "20250102000000_b.down.sql": "DROP TABLE b;",
        },
    )
    a, b = load(tmp_path).migrations
    assert a.no_transaction is True and b.no_transaction is False
    assert b.rollback_sql == "DROP TABLE b;"
    assert [s.sql for s in a.statements] == ["CREATE TABLE a (x);"]


def test_diesel_rollback_and_metadata(tmp_path: Path) -> None:
    write_tree(tmp_path, FORMAT_CASES[7][1])
    ms = load(tmp_path)
    assert [m.files for m in ms.migrations] == [
        ("00000000000000_diesel_initial_setup/up.sql",),
        ("2019-01-01-000000_create_posts/up.sql",),
        ("2019-01-02-000000_add_x/up.sql",),
    ]
    assert [m.rollback_sql for m in ms.migrations] == [None, "DROP TABLE posts;", None]
    assert [m.no_transaction for m in ms.migrations] == [False, False, True]
    assert ms.migrations[1].statements[0].file == "2019-01-01-000000_create_posts/up.sql"


def test_dirs_one_migration_per_version_directory(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "0.2/02__more.sql": "-- c\nCREATE INDEX i ON a (x);\r\n",
            "0.2/01__init.sql": "CREATE TABLE a (x);\nCREATE TABLE b (y);",
            "0.2/notes.md": "# not a migration",
            "0.10/01__ten.sql": "SELECT 10;",
            "LATEST.sql": "CREATE TABLE a (x);",
            "README.md": "hello",
            "_base/00000__schema.sql": "CREATE TABLE z (x);",
        },
    )
    ms = load(tmp_path)
    assert ms.format == "dirs"
    assert versions(ms) == ["0.2", "0.10"]
    first = ms.migrations[0]
    assert first.name == "init"
    assert first.files == ("0.2/01__init.sql", "0.2/02__more.sql")
    assert first.sql == "CREATE TABLE a (x);\nCREATE TABLE b (y);\n-- c\nCREATE INDEX i ON a (x);\n"
    assert first.checksum == sha(first.sql)
    assert [(s.file, s.line, s.number) for s in first.statements] == [
        ("0.2/01__init.sql", 1, 1),
        ("0.2/01__init.sql", 2, 2),
        ("0.2/02__more.sql", 2, 3),
    ]
    assert any("LATEST.sql" in n for n in ms.notes), ms.notes


# --- pattern ----------------------------------------------------------------------------


def test_pattern_with_direction(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "V0002.WebAuthn.up.sql": "CREATE TABLE w (x);",
            "V0002.WebAuthn.down.sql": "DROP TABLE w;",
            "V0001.Initial_Schema.up.sql": "CREATE TABLE a (x);",
            "V0001.Initial_Schema.down.sql": "DROP TABLE a;",
            "schema.sql": "CREATE TABLE a (x);",
        },
    )
    ms = load(tmp_path, pattern=PATTERN)
    assert ms.format == "pattern"
    assert versions(ms) == ["0001", "0002"]
    assert [m.name for m in ms.migrations] == ["Initial_Schema", "WebAuthn"]
    assert [m.rollback_sql for m in ms.migrations] == ["DROP TABLE a;", "DROP TABLE w;"]
    assert any("schema.sql" in n for n in ms.notes)
    # fmt="pattern" with the pattern gives the same; without it is an error
    assert load(tmp_path, "pattern", PATTERN) == ms


def test_pattern_matches_relative_paths_and_name_is_optional(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "sqlite/001.sql": "SELECT 1;",
            "sqlite/002.sql": "SELECT 2;",
            "sqlite/003.go": "package x",
            "postgres/001.sql": "SELECT 1;",
        },
    )
    ms = load(tmp_path, pattern=r"sqlite/(?P<version>\d+)\.sql")
    assert versions(ms) == ["001", "002"]
    assert [m.name for m in ms.migrations] == ["", ""]
    assert ms.migrations[0].files == ("sqlite/001.sql",)
    assert ms.skipped == (
        SkippedStep(
            version="003", file="sqlite/003.go", reason="code-defined step (.go): not replayable"
        ),
    )


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        pytest.param(r"V(?P<version>\d+", "not a valid regular expression", id="invalid-regex"),
        pytest.param(
            r"V(?P<ver>\d+)__(?P<name>.+)\.sql", "no (?P<version>...) group", id="no-version-group"
        ),
        pytest.param(r"X(?P<version>\d+)\.sql", "no file in", id="matches-nothing"),
        pytest.param(
            r"V(?P<version>\d+)\.(?P<name>[^.]+)\.(?P<direction>\w+)\.sql",
            "direction 'sideways'",
            id="bad-direction",
        ),
    ],
)
def test_pattern_errors(tmp_path: Path, pattern: str, fragment: str) -> None:
    write_tree(tmp_path, {"V1.a.up.sql": "SELECT 1;", "V2.b.sideways.sql": "SELECT 2;"})
    err = load_error(tmp_path, pattern=pattern)
    assert "--migrations-pattern" in err.message or "V2.b.sideways.sql" in err.message
    assert fragment in err.message


def test_pattern_option_conflicts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_a.sql": "SELECT 1;"})
    assert "--migrations-pattern" in load_error(tmp_path, "pattern").message
    assert "--migrations-pattern" in load_error(tmp_path, "plain", PATTERN).message


# --- auto-detection and forced formats ----------------------------------------------------


def test_markers_beat_file_names(tmp_path: Path) -> None:
    # Timestamped names would say sqlx; the first lines say dbmate.
    write_tree(tmp_path, {"20240101000000_a.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\n"})
    assert load(tmp_path).format == "dbmate"


def test_short_numbered_simple_files_are_plain(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;"})
    assert load(tmp_path).format == "plain"


@pytest.mark.parametrize(
    ("files", "fmt", "culprit"),
    [
        pytest.param({"1_a.up.sql": "SELECT 1;"}, "plain", "1_a.up.sql", id="plain-vs-up-file"),
        pytest.param({"0001_a.sql": "SELECT 1;"}, "flyway", "0001_a.sql", id="flyway-vs-plain"),
        pytest.param(
            {"0001_a.sql": "SELECT 1;", "V2__b.sql": "SELECT 2;"},
            "plain",
            "V2__b.sql",
            id="plain-vs-flyway",
        ),
        pytest.param(
            {"0001_a.sql": "SELECT 1;"},
            "golang-migrate",
            "0001_a.sql",
            id="golang-migrate-vs-plain",
        ),
        pytest.param({"0001_a.sql": "SELECT 1;"}, "goose", "0001_a.sql", id="goose-without-marker"),
        pytest.param(
            {"0001_a.sql": "SELECT 1;"}, "dbmate", "0001_a.sql", id="dbmate-without-marker"
        ),
        pytest.param({"0001.sql": "SELECT 1;"}, "sqlx", "0001.sql", id="sqlx-needs-a-name"),
        pytest.param(
            {"1_a/up.sql": "SELECT 1;", "2_b.sql": "SELECT 2;"},
            "diesel",
            "2_b.sql",
            id="diesel-vs-file",
        ),
        pytest.param(
            {"1_a/down.sql": "SELECT 1;", "2_b/up.sql": "SELECT 2;"},
            "diesel",
            "1_a/",
            id="diesel-without-up",
        ),
        pytest.param(
            {"0.1/a.sql": "SELECT 1;", "0002_b.sql": "SELECT 2;"},
            "dirs",
            "0002_b.sql",
            id="dirs-vs-file",
        ),
    ],
)
def test_forced_format_names_the_file_that_does_not_fit(
    tmp_path: Path, files: dict[str, str], fmt: str, culprit: str
) -> None:
    write_tree(tmp_path, files)
    err = load_error(tmp_path, fmt)
    assert culprit in err.message
    assert fmt in err.message


def test_forced_format_with_no_matching_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0.2/01__a.sql": "SELECT 1;"})
    err = load_error(tmp_path, "plain")
    assert str(tmp_path) in err.message and "no plain migrations" in err.message


def test_undetectable_directory(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"0001_a.sql": "SELECT 1;", "0002_b.up.sql": "SELECT 2;", "V3__c.sql": "SELECT 3;"},
    )
    err = load_error(tmp_path)
    assert str(tmp_path) in err.message
    assert "--migrations-format" in (err.hint or "") and "--migrations-pattern" in (err.hint or "")


def test_unknown_format_name(tmp_path: Path) -> None:
    err = load_error(tmp_path, "liquibase")
    assert "--migrations-format" in err.message and "goose" in (err.hint or "")


def test_python_format_needs_python_source(tmp_path: Path) -> None:
    assert "python:" in load_error(tmp_path, "python").message


# --- ordering and duplicates ----------------------------------------------------------------


def test_versions_order_numerically(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"{v}_m{v}.sql": f"SELECT {v};" for v in ["10", "9", "100", "011", "2"]})
    ms = load(tmp_path)
    assert versions(ms) == ["2", "9", "10", "011", "100"]  # text kept as written


def test_dirs_order_semantically(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {f"{v}/01__x.sql": "SELECT 1;" for v in ["0.10", "0.2", "1.0", "0.9", "0.31"]}
    )
    assert versions(load(tmp_path)) == ["0.2", "0.9", "0.10", "0.31", "1.0"]


@pytest.mark.parametrize(
    ("files", "first", "second"),
    [
        pytest.param(
            {"0011_a.sql": "SELECT 1;", "11_b.sql": "SELECT 2;"},
            "0011_a.sql",
            "11_b.sql",
            id="plain",
        ),
        pytest.param(
            {"V1.1__a.sql": "SELECT 1;", "V1_1__b.sql": "SELECT 2;"},
            "V1.1__a.sql",
            "V1_1__b.sql",
            id="flyway",
        ),
        pytest.param(
            {"0.2/01__a.sql": "SELECT 1;", "0.2.0/01__b.sql": "SELECT 2;"},
            "0.2/01__a.sql",
            "0.2.0/01__b.sql",
            id="dirs",
        ),
        pytest.param(
            {"1_a.up.sql": "SELECT 1;", "01_b.up.sql": "SELECT 2;"},
            "01_b.up.sql",
            "1_a.up.sql",
            id="golang-migrate",
        ),
    ],
)
def test_duplicate_versions_name_both_files(
    tmp_path: Path, files: dict[str, str], first: str, second: str
) -> None:
    write_tree(tmp_path, files)
    err = load_error(tmp_path)
    assert "duplicate" in err.message
    assert first in err.message and second in err.message


# --- text handling ------------------------------------------------------------------------


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"0001_a.sql": b"\xef\xbb\xbfCREATE TABLE a (x);\r\nCREATE TABLE b (y);\rSELECT 1;\r\n"},
    )
    (m,) = load(tmp_path).migrations
    assert m.sql == "CREATE TABLE a (x);\nCREATE TABLE b (y);\nSELECT 1;\n"
    assert [(s.sql, s.line) for s in m.statements] == [
        ("CREATE TABLE a (x);", 1),
        ("CREATE TABLE b (y);", 2),
        ("SELECT 1;", 3),
    ]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {"0001_a.sql": "CREATE TABLE a (x);\n-- c\nCREATE TABLE b (y);\n"}, id="plain"
        ),
        pytest.param({"1_a.sql": GOOSE_FILE}, id="goose"),
        pytest.param({"1_a.sql": DBMATE_FILE}, id="dbmate"),
        pytest.param({"0.1/01__a.sql": "SELECT 1;\n", "0.1/02__b.sql": "SELECT 2;\n"}, id="dirs"),
    ],
)
def test_checksum_is_stable_across_line_endings(tmp_path: Path, files: dict[str, str]) -> None:
    lf = write_tree(tmp_path / "lf", files)
    crlf = write_tree(
        tmp_path / "crlf", {k: "\ufeff" + v.replace("\n", "\r\n") for k, v in files.items()}
    )
    a, b = load(lf), load(crlf)
    assert [m.checksum for m in a.migrations] == [m.checksum for m in b.migrations]
    assert all(m.checksum == sha(m.sql) for m in a.migrations)
    assert [m.statements for m in a.migrations] == [m.statements for m in b.migrations]


def test_checksum_changes_with_content(tmp_path: Path) -> None:
    one = load(write_tree(tmp_path / "1", {"0001_a.sql": "SELECT 1;"})).migrations[0]
    two = load(write_tree(tmp_path / "2", {"0001_a.sql": "SELECT 2;"})).migrations[0]
    assert one.checksum != two.checksum
    assert one.checksum == "sha256:" + hashlib.sha256(b"SELECT 1;").hexdigest()


def test_non_utf8_file_is_an_error_naming_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_a.sql": "SELECT 1;", "0002_b.sql": b"SELECT 'caf\xe9';\n"})
    err = load_error(tmp_path)
    assert "0002_b.sql" in err.message and "UTF-8" in err.message
    assert "UTF-8" in (err.hint or "")


def test_non_utf8_file_in_version_directory(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0.2/01__a.sql": b"\xff\xfe"})
    assert "0.2/01__a.sql" in load_error(tmp_path).message


# --- ignored files, notes and skipped code steps ---------------------------------------------


def test_non_migration_files_are_ignored(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "0001_a.sql": "SELECT 1;",
            "README.md": "# migrations",
            "notes.txt": "x",
            "atlas.sum": "h1:abc",
            "checksums.sum": "x",
            "flyway.conf": "x",
            "meta.json": "{}",
            "config.toml": "x",
            "ci.yml": "x",
            ".hidden.sql": b"\xff not even utf-8",
            ".git/0002_b.sql": "SELECT 2;",
            "schema.sql": "CREATE TABLE a (x);",
            "embed.go": "package migrations",
        },
    )
    ms = load(tmp_path)
    assert versions(ms) == ["0001"]
    assert ms.skipped == ()
    assert len(ms.notes) == 1 and "schema.sql" in ms.notes[0]


def test_code_defined_steps_are_listed_as_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "0001.sql": "SELECT 1;",
            "0002.php": "<?php",
            "0003.sql": "SELECT 3;",
            "8888.php": "<?php",
            "0004_fix.py": "pass",
            "helpers.php": "<?php",
        },
    )
    ms = load(tmp_path)
    assert ms.format == "plain"
    assert versions(ms) == ["0001", "0003"]
    assert [(s.version, s.file) for s in ms.skipped] == [
        ("0002", "0002.php"),
        ("0004", "0004_fix.py"),
        ("8888", "8888.php"),
    ]
    assert ms.skipped[0].reason == "code-defined step (.php): not replayable"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"V1__a.sql": "SELECT 1;", "V2_1__Fix.java": "class"},
            ("2.1", "V2_1__Fix.java"),
            id="flyway-java",
        ),
        pytest.param(
            {"00001_a.sql": "-- +goose Up\nSELECT 1;", "00002_b.go": "package m"},
            ("00002", "00002_b.go"),
            id="goose-go",
        ),
        pytest.param(
            {"0.2/01__a.sql": "SELECT 1;", "0.3/01__b.rb": "x"},
            ("0.3", "0.3/01__b.rb"),
            id="dirs-ruby",
        ),
    ],
)
def test_skipped_steps_per_format(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, str]
) -> None:
    ms = load(write_tree(tmp_path, files))
    assert [(s.version, s.file) for s in ms.skipped] == [expected]


def test_flat_format_notes_subdirectories_with_sql(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"0001_a.sql": "SELECT 1;", "seeds/dev.sql": "SELECT 2;", "docs/x.md": "x"}
    )
    ms = load(tmp_path)
    assert versions(ms) == ["0001"]
    assert len(ms.notes) == 1 and "seeds" in ms.notes[0]


def test_empty_migration_file_has_no_statements(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_a.sql": "", "0002_b.sql": "-- nothing yet\n"})
    ms = load(tmp_path)
    assert [len(m.statements) for m in ms.migrations] == [0, 0]
    assert ms.migrations[0].checksum == sha("")


# --- bad sources --------------------------------------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope")
    assert str(tmp_path / "nope") in err.message and "not found" in err.message


def test_source_is_a_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"0001_a.sql": "SELECT 1;"})
    err = load_error(tmp_path / "0001_a.sql")
    assert "0001_a.sql" in err.message and "not a directory" in err.message


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({}, id="empty"),
        pytest.param({"README.md": "x", "schema.sql": "SELECT 1;"}, id="no-versioned-files"),
    ],
)
def test_directory_without_migrations(tmp_path: Path, files: dict[str, str]) -> None:
    write_tree(tmp_path, files)
    err = load_error(tmp_path)
    assert "no migrations found" in err.message and str(tmp_path) in err.message
