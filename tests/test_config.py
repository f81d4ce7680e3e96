"""The config file: where it is found, how its paths and URLs are read, and what a bad
value says (the file, the key, the value given, what is expected, a line to write)."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import ROOT, make_db, write_migrations
from driftcheck.config import (
    Config,
    HistoryConfig,
    ReplayConfig,
    VersionPointer,
    history_kinds,
    load_config,
)
from driftcheck.errors import ConfigError
from driftcheck.history import STORES
from driftcheck.migrations.formats import DIRECTORY_FORMATS

MIGRATIONS = {"0001_a.sql": "CREATE TABLE a(x);\n", "0002_b.sql": "CREATE TABLE b(y);\n"}
PYDANTIC_WORDING = ("Input should", "Value error", "valid tuple", "Field required", "dictionary")


def project(root: Path, config: str, name: str = "driftcheck.toml") -> Path:
    """A project at `root`: migrations in db/migrations, a database at data/app.db."""
    write_migrations(root / "db" / "migrations", MIGRATIONS)
    (root / "data").mkdir(parents=True, exist_ok=True)
    if not (root / "data" / "app.db").exists():
        make_db(root / "data" / "app.db", "CREATE TABLE a(x); CREATE TABLE b(y);")
    (root / name).write_text(config, encoding="utf-8")
    return root


def assert_one_clear_message(r: Any, *culprits: str) -> None:
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    for culprit in culprits:
        assert culprit in r.stderr, r.stderr
    for words in PYDANTIC_WORDING:
        assert words not in r.stderr, r.stderr


# --------------------------------------------------------------------------
# Item 14: values are checked when the file is read, against the registries


@pytest.mark.parametrize("value", ["pyhton", "python", "flywya", "Flyway"])
def test_bad_migrations_format_names_the_file_and_key_not_the_flag(cli, tmp_path, value):
    project(tmp_path, f'migrations = "db/migrations"\nmigrations_format = "{value}"\n')
    r = cli("validate", "--db", "data/app.db")
    assert_one_clear_message(r, str(tmp_path / "driftcheck.toml"), "migrations_format", value)
    assert "--migrations-format" not in r.stderr
    listed = r.stderr.split("expected one of ", 1)[1].splitlines()[0]
    assert listed.split(", ") == ["auto", *DIRECTORY_FORMATS]  # the registry, in its order
    assert "python" not in listed.split(", ")


def test_a_python_like_format_points_at_the_python_source(cli, tmp_path):
    project(tmp_path, 'migrations_format = "pyhton"\n')
    r = cli("validate", "--db", "data/app.db")
    assert 'migrations = "python:package.module:attribute"' in r.stderr


def test_a_misspelt_format_gets_a_suggestion(cli, tmp_path):
    project(tmp_path, 'migrations_format = "flywya"\n')
    r = cli("validate", "--db", "data/app.db")
    assert 'did you mean "flyway"' in r.stderr and 'migrations_format = "flyway"' in r.stderr


def test_every_registered_format_is_accepted(tmp_path):
    for fmt in ("auto", *DIRECTORY_FORMATS):
        (tmp_path / "driftcheck.toml").write_text(f'migrations_format = "{fmt}"\n')
        assert load_config(cwd=tmp_path).migrations_format == fmt


def test_bad_history_kind_lists_the_stores(cli, tmp_path):
    project(tmp_path, '[history]\nkind = "flywy"\n')
    r = cli("validate", "--db", "data/app.db", "--migrations", "db/migrations")
    assert_one_clear_message(r, "driftcheck.toml", "history.kind", '"flywy"', "[history]")
    listed = r.stderr.split("expected one of ", 1)[1].splitlines()[0]
    assert listed.split(", ") == ["auto", *STORES, "none"]
    assert 'did you mean "flyway"' in r.stderr


def test_history_kinds_come_from_the_store_registry(tmp_path):
    assert history_kinds() == ("auto", *STORES, "none")
    for kind in history_kinds():
        (tmp_path / "driftcheck.toml").write_text(f'[history]\nkind = "{kind}"\n')
        assert load_config(cwd=tmp_path).history.kind == kind


def test_readme_lists_every_format_and_history_kind():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for value in (*DIRECTORY_FORMATS, *STORES, "none"):
        assert value in section, value


# --------------------------------------------------------------------------
# Item 14: `ignore = "idx_*"`, and every other wrong value, in the file's terms


def test_ignore_as_a_string_says_to_write_a_list(cli, tmp_path):
    project(tmp_path, 'migrations = "db/migrations"\nignore = "idx_*"\n')
    r = cli("validate", "--db", "data/app.db")
    assert_one_clear_message(r, str(tmp_path / "driftcheck.toml"), 'ignore = "idx_*"')
    assert 'ignore = ["idx_*"]' in r.stderr


@pytest.mark.parametrize(
    "text,says",
    [
        ('ignore = ["a", 3]\n', ["ignore: item 2 is 3, not a string"]),
        ('busy_timeout = "5s"\n', ['busy_timeout = "5s"', "number of seconds", "busy_timeout = 5"]),
        ("busy_timeout = -1\n", ["busy_timeout = -1", "0 or more"]),
        ("busy_timeout = true\n", ["busy_timeout = true", "number of seconds"]),
        ('history = "table"\n', ['history = "table": expected a section', "[history] header"]),
        ("replay = 3\n", ["replay = 3: expected a section", "[replay] header"]),
        ('[replay]\nfunctions = "f"\n', ["replay.functions", 'functions = ["f"] under [replay]']),
        ('[history]\nchecksum = "md5"\n', ['history.checksum = "md5"', 'checksum = "sha256"']),
        ("[history]\nversion_column = 3\n", ["history.version_column = 3", "column name"]),
        (
            "[history]\nchecksum_length = 16\n",
            [
                "history.checksum_length = 16",
                'no checksum = "sha256"',
                'add checksum = "sha256" under [history]',
            ],
        ),
        (
            '[history]\nchecksum = "sha256"\nchecksum_length = 65\n',
            ["history.checksum_length = 65", "1 to 64", "checksum_length = 16"],
        ),
        (
            '[history]\nchecksum = "sha256"\nchecksum_length = "16"\n',
            ['history.checksum_length = "16"', "number of hex digits"],
        ),
        (
            '[history]\nrollback_sql_column = "r"\nrollback_sql_format = "yaml"\n',
            ['history.rollback_sql_format = "yaml"', '"text" or "json"'],
        ),
        (
            '[history]\nrollback_sql_format = "json"\n',
            [
                'history.rollback_sql_format = "json"',
                'rollback_sql_column = "rollback_sql" under [history]',
            ],
        ),
        (
            '[history.version_pointer]\ntable = "m"\ntouch_keys = "last_migration"\n',
            ["history.version_pointer.touch_keys", 'touch_keys = ["last_migration"]'],
        ),
        (
            '[history.version_pointer]\ntable = "m"\ntouch_keys = ["schema_version"]\n',
            ['touch_keys = ["schema_version"]: lists "schema_version"', "last_migration"],
        ),
        (
            '[history.version_pointer]\ntable = "m"\nupdated_at = "updated_at"\n',
            ["unknown key 'history.version_pointer.updated_at'", "updated_at_column"],
        ),
        (
            '[history.version_pointer]\nkey = "v"\n',
            ["history.version_pointer.table is required", 'table = "settings"'],
        ),
        (
            'migrations_pattern = "(\\\\d+"\n',
            [r"migrations_pattern = '(\d+': not a valid regular expression"],
        ),
        ('migrations_pattern = "(?P<v>x)"\n', ["has no (?P<version>...) group"]),
        (
            'migrations_pattern = "(?P<version>x)"\nmigrations_format = "flyway"\n',
            ['implies migrations_format = "pattern", not "flyway"'],
        ),
        ('source = "elsewhere"\n', ["unknown key 'source'"]),
        ("migrations = 3\n", ["migrations = 3", 'migrations = "db/migrations"']),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_values_are_explained_in_the_files_terms(cli, tmp_path, text, says):
    project(tmp_path, text)
    r = cli("validate", "--db", "data/app.db", "--migrations", "db/migrations")
    assert_one_clear_message(r, str(tmp_path / "driftcheck.toml"), *says)


def test_pyproject_messages_name_the_tool_section(cli, tmp_path):
    project(
        tmp_path, '[tool.driftcheck]\n[tool.driftcheck.history]\nkind = "x"\n', "pyproject.toml"
    )
    r = cli("validate", "--db", "data/app.db", "--migrations", "db/migrations")
    assert_one_clear_message(r, "pyproject.toml [tool.driftcheck]", "history.kind")
    assert "under [tool.driftcheck.history]" in r.stderr


def _wrong_value(annotation: Any) -> Any:
    """A value of the wrong type for a field."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in args if a is not type(None))
        args = typing.get_args(annotation)
    if annotation in (str,) or typing.get_origin(annotation) is typing.Literal:
        return 12
    if typing.get_origin(annotation) is tuple:
        return "a string"
    if annotation in (float, int):
        return "soon"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a string"
    raise AssertionError(f"no wrong value for {annotation!r}: extend this test")


SECTIONS: dict[str, type[BaseModel]] = {
    "": Config,
    "replay": ReplayConfig,
    "history": HistoryConfig,
    "history.version_pointer": VersionPointer,
}


def _every_field() -> list[tuple[str, str, Any]]:
    hints = {m: typing.get_type_hints(m) for m in SECTIONS.values()}
    cases = []
    for section, model in SECTIONS.items():
        for name in model.model_fields:
            if name in ("source", "from_file"):
                continue
            cases.append((section, name, _wrong_value(hints[model][name])))
    return cases


def _toml(value: Any) -> str:
    return json.dumps(value)


@pytest.mark.parametrize(
    "section,key,value", _every_field(), ids=lambda v: v if isinstance(v, str) else None
)
def test_every_field_explains_a_wrong_value(tmp_path, section, key, value):
    body = f"{key} = {_toml(value)}\n"
    if section == "history.version_pointer" and key != "table":
        body = f'table = "t"\n{body}'
    text = f"[{section}]\n{body}" if section else body
    (tmp_path / "driftcheck.toml").write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    message = str(exc.value)
    dotted = f"{section}.{key}" if section else key
    assert str(tmp_path / "driftcheck.toml") in message
    assert dotted in message and _toml(value) in message, message
    assert "expected" in message and "hint:" in message, message
    for words in PYDANTIC_WORDING:
        assert words not in message, message


# --------------------------------------------------------------------------
# Item 14: paths and URLs are relative to the file, wherever driftcheck runs


def test_paths_are_relative_to_the_file_when_run_elsewhere(cli, tmp_path):
    proj = project(tmp_path / "proj", 'migrations = "db/migrations"\ndatabase = "data/app.db"\n')
    (tmp_path / "other").mkdir()
    r = cli("validate", "--config", str(proj / "driftcheck.toml"), "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "clean"


def test_config_records_the_keys_it_set(tmp_path):
    project(tmp_path, 'migrations = "db/migrations"\n[history]\nkind = "none"\n')
    cfg = load_config(cwd=tmp_path)
    assert cfg.from_file == frozenset({"migrations", "history", "history.kind"})
    assert cfg.origin("migrations") == f"`migrations` in {tmp_path / 'driftcheck.toml'}"
    assert cfg.origin("database") is None


def test_a_wrong_path_in_the_file_is_not_blamed_on_the_current_directory(
    cli, tmp_path, monkeypatch
):
    proj = project(tmp_path / "proj", 'migrations = "db/migratons"\ndatabase = "data/app.db"\n')
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    r = cli("validate", "--config", str(proj / "driftcheck.toml"))
    assert_one_clear_message(r, "db/migratons", str(proj / "driftcheck.toml"))
    assert "current directory" not in r.stderr


URLS = [
    ("sqlite:data/app.db", "sqlite:"),
    ("sqlite3:data/app.db", "sqlite3:"),
    ("file:data/app.db?mode=ro", "file:"),
    ("sqlite:///data/app.db", "sqlite:"),  # SQLAlchemy's relative form
    ("sqlite:data/app%2Edb", "sqlite:"),
]


@pytest.mark.parametrize("url,scheme", URLS)
@pytest.mark.parametrize("run_from", ["sibling", "below"])
def test_a_relative_url_is_rebased_onto_the_files_directory(
    cli, tmp_path, monkeypatch, url, scheme, run_from
):
    proj = project(tmp_path / "proj", f'migrations = "db/migrations"\ndatabase = "{url}"\n')
    (proj / ".git").mkdir()
    if run_from == "sibling":
        (tmp_path / "other").mkdir()
        monkeypatch.chdir(tmp_path / "other")
        r = cli("validate", "--config", "../proj/driftcheck.toml", "-f", "json")
    else:
        (proj / "src" / "pkg").mkdir(parents=True)
        monkeypatch.chdir(proj / "src" / "pkg")
        r = cli("validate", "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["status"] == "clean"
    shown = report["target"]["database"]
    assert shown.startswith(scheme) and shown != url
    assert shown.endswith("?mode=ro") == url.endswith("?mode=ro")


def test_an_absolute_url_is_left_alone(cli, tmp_path, monkeypatch):
    db = make_db(tmp_path / "abs.db", "CREATE TABLE a(x); CREATE TABLE b(y);")
    # db is absolute: sqlite:/abs, sqlite:////abs (SQLAlchemy), file:///abs (SQLite's URIs).
    for url in (f"sqlite:{db}", f"sqlite:///{db}", f"file://{db}", f"file:{db}?mode=ro"):
        proj = project(tmp_path / "proj", f'migrations = "db/migrations"\ndatabase = "{url}"\n')
        (tmp_path / "other").mkdir(exist_ok=True)
        monkeypatch.chdir(tmp_path / "other")
        assert load_config(str(proj / "driftcheck.toml")).database == url
        r = cli("validate", "--config", "../proj/driftcheck.toml", "-f", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["target"]["database"] == url


def test_the_config_directory_itself_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite:///data/app.db", "file:data/app%20x.db?mode=ro", "data/app.db"):
        project(tmp_path, f'database = "{url}"\n')
        assert load_config(cwd=tmp_path).database == url


# --------------------------------------------------------------------------
# Item 17: found in parent directories, up to the repository root


def test_found_in_a_parent_directory(cli, tmp_path, monkeypatch):
    proj = project(tmp_path, 'migrations = "db/migrations"\ndatabase = "data/app.db"\n')
    (proj / ".git").mkdir(exist_ok=True)
    (proj / "src" / "pkg").mkdir(parents=True)
    monkeypatch.chdir(proj / "src" / "pkg")
    r = cli("validate", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "clean"


def test_the_nearest_file_wins(tmp_path):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "driftcheck.toml").write_text('database = "outer.db"\n')
    inner = tmp_path / "inner"
    (inner / "deeper").mkdir(parents=True)
    (inner / "pyproject.toml").write_text('[tool.driftcheck]\ndatabase = "inner.db"\n')
    cfg = load_config(cwd=inner / "deeper")
    assert cfg.source == str(inner / "pyproject.toml")
    assert Path(cfg.database or "").resolve() == (inner / "inner.db").resolve()


def test_driftcheck_toml_before_pyproject_in_one_directory(tmp_path):
    (tmp_path / "driftcheck.toml").write_text('database = "own.db"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.driftcheck]\ndatabase = "py.db"\n')
    assert load_config(cwd=tmp_path).source == str(tmp_path / "driftcheck.toml")


def test_a_pyproject_without_the_section_is_passed_over(tmp_path):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "driftcheck.toml").write_text('database = "outer.db"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(cwd=tmp_path / "sub").source == str(tmp_path / "driftcheck.toml")


def test_the_search_stops_at_the_repository_root(cli, tmp_path, monkeypatch):
    (tmp_path / "driftcheck.toml").write_text('database = "not-this-one.db"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    assert load_config(cwd=repo / "sub") == Config()
    monkeypatch.chdir(repo / "sub")
    r = cli("validate", "--migrations", str(write_migrations(tmp_path / "m", MIGRATIONS)))
    assert r.exit_code == 2 and "no database given" in r.stderr
    assert "not-this-one.db" not in r.stderr


def test_a_file_at_the_repository_root_is_found(tmp_path):
    (tmp_path / ".hg").mkdir()
    (tmp_path / "driftcheck.toml").write_text('database = "app.db"\n')
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert load_config(cwd=tmp_path / "a" / "b").source == str(tmp_path / "driftcheck.toml")


def test_a_bad_file_found_above_is_named(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "driftcheck.toml").write_text('ignore = "idx_*"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    r = cli("validate", "--db", "x.db")
    assert_one_clear_message(r, str(tmp_path / "driftcheck.toml"), 'ignore = ["idx_*"]')
