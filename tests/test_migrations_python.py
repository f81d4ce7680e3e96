"""Migrations defined in Python (`python:package.module:attribute`), loaded in a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import textwrap
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from conftest import make_db
from driftcheck.config import PythonFieldsConfig, load_config
from driftcheck.errors import ConfigError, MigrationError
from driftcheck.migrations import Statement, load_migrations
from driftcheck.migrations.python_source import PythonFields


def write_module(root: Path, dotted: str, source: str) -> None:
    parts = dotted.split(".")
    directory = root
    for package in parts[:-1]:
        directory = directory / package
        directory.mkdir(exist_ok=True)
        (directory / "__init__.py").touch()
    (directory / f"{parts[-1]}.py").write_text(textwrap.dedent(source), encoding="utf-8")


def load_error(source: str) -> MigrationError:
    with pytest.raises(MigrationError) as info:
        load_migrations(source)
    err = info.value
    assert err.hint
    assert "Traceback" not in str(err)
    return err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return tmp_path


MAPPINGS = """
MIGRATIONS = [
    {"version": 2, "name": "second", "sql": "CREATE TABLE b (x);\\r\\nCREATE INDEX bx ON b (x);",
     "rollback_sql": "DROP TABLE b;", "description": "adds b"},
    {"version": "0001", "name": "init", "sql": "CREATE TABLE a (x);"},
    {"version": 10, "name": "tenth", "sql": ""},
]
"""


def test_list_of_mappings(project: Path) -> None:
    write_module(project, "dc_app.db", MAPPINGS)
    ms = load_migrations("python:dc_app.db:MIGRATIONS")
    assert ms.format == "python"
    assert ms.source == "python:dc_app.db:MIGRATIONS"
    assert [m.version for m in ms.migrations] == ["0001", "2", "10"]  # ints become str, sorted
    assert [m.name for m in ms.migrations] == ["init", "second", "tenth"]
    second = ms.migrations[1]
    assert second.files == ()
    assert second.sql == "CREATE TABLE b (x);\nCREATE INDEX bx ON b (x);"
    # Both statements are written on line 3 of the module: errors point there.
    assert second.statements == (
        Statement(sql="CREATE TABLE b (x);", file="dc_app/db.py", line=3, number=1),
        Statement(sql="CREATE INDEX bx ON b (x);", file="dc_app/db.py", line=3, number=2),
    )
    assert second.rollback_sql == "DROP TABLE b;"
    assert second.description == "adds b"
    assert second.label == "2 second"
    assert ms.migrations[0].rollback_sql is None and ms.migrations[0].description is None
    assert ms.migrations[2].statements == ()
    assert "dc_app" not in sys.modules  # loaded in the child, not here


def test_callable_returning_objects(project: Path) -> None:
    write_module(
        project,
        "dc_objs",
        """
        from dataclasses import dataclass

        @dataclass
        class Step:
            version: int
            name: str
            sql: str

        print("noise on stdout must not break the JSON")

        def steps():
            yield Step(1, "one", "SELECT 1;")
            yield Step(2, "two", "SELECT 2; SELECT 3;")
        """,
    )
    ms = load_migrations("python:dc_objs:steps")
    assert [(m.version, m.name, len(m.statements)) for m in ms.migrations] == [
        ("1", "one", 1),
        ("2", "two", 2),
    ]


def test_dotted_attribute(project: Path) -> None:
    write_module(
        project,
        "dc_nested",
        'class Registry:\n    ALL = [{"version": 1, "name": "a", "sql": "SELECT 1;"}]\n',
    )
    ms = load_migrations("python:dc_nested:Registry.ALL")
    assert [m.version for m in ms.migrations] == ["1"]


def test_fresh_subprocess_sees_module_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    template = 'MIGRATIONS = [{"version": 1, "name": "a", "sql": "CREATE TABLE %s (x);"}]\n'
    write_module(project, "dc_fresh", template % "t1")
    module = project / "dc_fresh.py"
    before = module.stat()
    first = load_migrations("python:dc_fresh:MIGRATIONS")
    # Same size and same mtime: a cached .pyc from the first load would be taken as fresh.
    write_module(project, "dc_fresh", template % "t2")
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = load_migrations("python:dc_fresh:MIGRATIONS")
    assert first.migrations[0].sql == "CREATE TABLE t1 (x);"
    assert second.migrations[0].sql == "CREATE TABLE t2 (x);"
    assert first.migrations[0].checksum != second.migrations[0].checksum
    assert not (project / "__pycache__").exists()


def test_pythonpath_is_inherited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    write_module(lib, "dc_onpath", 'M = [{"version": 1, "name": "a", "sql": "SELECT 1;"}]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PYTHONPATH", str(lib))
    assert len(load_migrations("python:dc_onpath:M").migrations) == 1


def test_sys_path_of_the_caller_is_visible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib2"
    lib.mkdir()
    write_module(lib, "dc_syspath", 'M = [{"version": 1, "name": "a", "sql": "SELECT 1;"}]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.syspath_prepend(str(lib))
    assert len(load_migrations("python:dc_syspath:M").migrations) == 1


@pytest.mark.parametrize(
    ("module_source", "source", "fragments"),
    [
        pytest.param(
            None,
            "python:dc_missing_mod:M",
            ["cannot import module 'dc_missing_mod'", "ModuleNotFoundError"],
            id="not-importable",
        ),
        pytest.param(
            "raise ValueError('bad\\nconfig: boom')\n",
            "python:dc_err:M",
            ["cannot import", "config: boom"],
            id="import-raises",
        ),
        pytest.param(
            "M = []\n",
            "python:dc_err:NOPE",
            ["cannot get 'NOPE' from module 'dc_err'", "AttributeError"],
            id="attribute-missing",
        ),
        pytest.param(
            "def M():\n    raise RuntimeError('db offline')\n",
            "python:dc_err:M",
            ["'M' failed", "RuntimeError: db offline"],
            id="callable-raises",
        ),
        pytest.param("M = 42\n", "python:dc_err:M", ["'M' failed", "TypeError"], id="not-iterable"),
        pytest.param(
            "M = {'version': 1}\n",
            "python:dc_err:M",
            ["expected an iterable of migrations"],
            id="mapping-not-list",
        ),
        pytest.param(
            "M = [{'version': 1, 'name': 'a', 'sql': 'x'}, {'version': 2, 'name': 'b'}]\n",
            "python:dc_err:M",
            ["item #2", "'version': 2", "lacks 'sql'"],
            id="item-lacks-sql",
        ),
        pytest.param(
            "M = [object()]\n",
            "python:dc_err:M",
            ["item #1", "lacks 'version'"],
            id="item-lacks-everything",
        ),
        pytest.param(
            "M = [{'version': 1, 'name': 'a', 'sql': 'x'},\n"
            "     {'version': '01', 'name': 'b', 'sql': 'y'}]\n",
            "python:dc_err:M",
            ["duplicate migration version '01'", "item #1", "item #2"],
            id="duplicate-versions",
        ),
        pytest.param(
            "M = [{'version': 1.5, 'name': 'a', 'sql': 'x'}]\n",
            "python:dc_err:M",
            ["version of type float"],
            id="float-version",
        ),
        pytest.param(
            "M = [{'version': 1, 'name': 'a', 'sql': b'x'}]\n",
            "python:dc_err:M",
            ["sql of type bytes"],
            id="bytes-sql",
        ),
        pytest.param(
            "import sys\nsys.exit(3)\n",
            "python:dc_err:M",
            ["cannot import", "SystemExit: 3"],
            id="module-exits",
        ),
        pytest.param(
            None, "python:no-colon", ["bad Python migrations source"], id="bad-source-syntax"
        ),
    ],
)
def test_errors_name_module_and_item(
    project: Path, module_source: str | None, source: str, fragments: list[str]
) -> None:
    if module_source is not None:
        write_module(project, "dc_err", module_source)
    err = load_error(source)
    assert source in err.message
    for fragment in fragments:
        assert fragment in err.message, err.message


def test_python_source_rejects_directory_options(project: Path) -> None:
    with pytest.raises(MigrationError, match="--migrations-pattern"):
        load_migrations("python:x:M", pattern=r"(?P<version>\d+)\.sql")
    with pytest.raises(MigrationError, match="--migrations-format goose"):
        load_migrations("python:x:M", fmt="goose")


# --------------------------------------------------------------------------
# Registries as applications write them (issue 10): a mapping keyed by version,
# values of any common shape, SQL as a string or a list of statements.

FOUNDING_APP = '''
from dataclasses import dataclass
from typing import List, Optional


@dataclass
class SchemaVersion:
    version: int
    name: str
    description: str
    sql_statements: List[str]
    rollback_statements: Optional[List[str]] = None


CORE_SCHEMA = {
    1: SchemaVersion(
        1,
        "init",
        "users and their email index",
        sql_statements=[
            """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL
            )
            """,
            "CREATE INDEX idx_users_email ON users (email)",
        ],
        rollback_statements=["DROP INDEX idx_users_email", "DROP TABLE users"],
    ),
    2: SchemaVersion(
        2,
        "notes",
        "notes per user",
        sql_statements=[
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id))",
            "CREATE INDEX idx_notes_user ON notes (user_id)",
        ],
    ),
}


class SchemaRegistry:
    _schemas = CORE_SCHEMA
'''
FOUNDING_SOURCE = "python:app.data.schemas.core:CORE_SCHEMA"


def write_founding_app(root: Path, text: str = FOUNDING_APP) -> Path:
    write_module(root, "app.data.schemas.core", text)
    return root / "app" / "data" / "schemas" / "core.py"


def test_a_dict_of_dataclasses_keyed_by_version(project: Path) -> None:
    write_founding_app(project)
    ms = load_migrations(FOUNDING_SOURCE)
    assert [(m.version, m.name, m.description) for m in ms.migrations] == [
        ("1", "init", "users and their email index"),
        ("2", "notes", "notes per user"),
    ]
    first = ms.migrations[0]
    assert [s.number for s in first.statements] == [1, 2]
    assert first.statements[0].sql.startswith("CREATE TABLE users (")
    assert first.rollback_statements == ("DROP INDEX idx_users_email", "DROP TABLE users")
    assert first.rollback_sql == "DROP INDEX idx_users_email\nDROP TABLE users"
    assert ms.migrations[1].rollback_sql is None
    assert ms.migrations[1].rollback_statements == ()
    # The same mapping reached as a class attribute.
    nested = load_migrations("python:app.data.schemas.core:SchemaRegistry._schemas")
    assert [m.checksum for m in nested.migrations] == [m.checksum for m in ms.migrations]


def test_checksum_is_the_applications_sha256_of_the_joined_statements(project: Path) -> None:
    write_founding_app(project)
    ms = load_migrations(FOUNDING_SOURCE)
    # What the application computes for its own history table.
    expected = {
        version: hashlib.sha256("\n".join(sv.sql_statements).encode()).hexdigest()
        for version, sv in _founding_registry().items()
    }
    for m in ms.migrations:
        statements = _founding_registry()[int(m.version)].sql_statements
        assert m.sql == "\n".join(statements)
        assert m.checksum == "sha256:" + expected[int(m.version)]


def _founding_registry() -> dict[int, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(FOUNDING_APP, "core.py", "exec"), namespace)  # our own text
    return dict(namespace["CORE_SCHEMA"])


# Each shape defines make(version, name, sql) returning one migration.
SHAPES = {
    "object": """
        class Migration:
            def __init__(self, version, name, sql):
                self.version, self.name, self.sql = version, name, sql

        def make(version, name, sql):
            return Migration(version, name, sql)
        """,
    "mapping": """
        from collections import OrderedDict

        def make(version, name, sql):
            return OrderedDict(version=version, name=name, sql=sql)
        """,
    "dataclass": """
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Migration:
            version: int
            name: str
            sql: list

        make = Migration
        """,
    "pydantic-v2": """
        from pydantic import BaseModel

        class Migration(BaseModel):
            version: int
            name: str
            sql: list[str]

        def make(version, name, sql):
            return Migration(version=version, name=name, sql=sql)
        """,
    "pydantic-v1": """
        from pydantic.v1 import BaseModel

        class Migration(BaseModel):
            version: int
            name: str
            sql: list

        def make(version, name, sql):
            return Migration(version=version, name=name, sql=sql)
        """,
    "namedtuple": """
        from typing import NamedTuple

        class Migration(NamedTuple):
            version: int
            name: str
            sql: list

        make = Migration
        """,
    "callable": """
        def make(version, name, sql):
            return lambda: {"version": version, "name": name, "sql": sql}
        """,
    "class-attributes": """
        def make(version, name, sql):
            return type(f"V{version}", (), {"version": version, "name": name, "sql": sql})
        """,
}
SHAPED_REGISTRY = """
MIGRATIONS = [
    make(1, "init", ["CREATE TABLE a (x);"]),
    make(2, "b", ["CREATE TABLE b (y);", "CREATE INDEX by ON b (y);"]),
]
REGISTRY = {m_version: m for m_version, m in zip((2, 1), reversed(MIGRATIONS))}
"""


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("attr", ["MIGRATIONS", "REGISTRY"])
def test_every_value_shape_in_a_list_and_in_a_mapping(project: Path, shape: str, attr: str) -> None:
    write_module(project, "dc_shapes", textwrap.dedent(SHAPES[shape]) + SHAPED_REGISTRY)
    ms = load_migrations(f"python:dc_shapes:{attr}")
    assert [(m.version, m.name) for m in ms.migrations] == [("1", "init"), ("2", "b")]
    assert ms.migrations[1].sql == "CREATE TABLE b (y);\nCREATE INDEX by ON b (y);"
    assert [s.sql for s in ms.migrations[1].statements] == [
        "CREATE TABLE b (y);",
        "CREATE INDEX by ON b (y);",
    ]


@pytest.mark.parametrize(
    "attr",
    [
        pytest.param("schemas", id="function"),
        pytest.param("Registry.all", id="classmethod"),
        pytest.param("REGISTRY", id="instance-with-call"),
    ],
)
def test_the_attribute_may_be_any_callable_returning_a_mapping(project: Path, attr: str) -> None:
    write_module(
        project,
        "dc_callables",
        """
        def schemas():
            return {1: {"sql": "CREATE TABLE a (x);"}, "0002": {"sql": ["CREATE TABLE b (y);"]}}

        class Registry:
            @classmethod
            def all(cls):
                return schemas()

            def __call__(self):
                return schemas()

        REGISTRY = Registry()
        """,
    )
    ms = load_migrations(f"python:dc_callables:{attr}")
    # The key is the version; name and description are optional.
    assert [(m.version, m.name, m.description) for m in ms.migrations] == [
        ("1", "", None),
        ("0002", "", None),
    ]


SQL_FIELDS = ["sql", "sql_statements", "statements", "up", "up_sql"]
ROLLBACK_FIELDS = ["rollback_sql", "rollback_statements", "down", "down_sql"]


@pytest.mark.parametrize("as_list", [True, False], ids=["list", "string"])
@pytest.mark.parametrize(
    ("up", "down"), list(zip(SQL_FIELDS, [*ROLLBACK_FIELDS, "down"], strict=True))
)
def test_every_statement_spelling(project: Path, up: str, down: str, as_list: bool) -> None:
    ups = ["CREATE TABLE a (x);", "CREATE TABLE b (y);"]
    downs = ["DROP TABLE b;", "DROP TABLE a;"]
    value = {
        up: ups if as_list else "\n".join(ups),
        down: downs if as_list else "\n".join(downs),
    }
    write_module(project, "dc_spell", f"M = {{7: {value!r}}}\n")
    (m,) = load_migrations("python:dc_spell:M").migrations
    assert m.sql == "CREATE TABLE a (x);\nCREATE TABLE b (y);"
    assert [s.sql for s in m.statements] == ups
    assert m.rollback_sql == "DROP TABLE b;\nDROP TABLE a;"
    assert m.rollback_statements == (tuple(downs) if as_list else ())


def test_a_list_item_holding_several_statements_is_split(project: Path) -> None:
    # Built at run time, so the text is not in the module and the statements keep
    # the source's label with lines counted in the version's joined SQL.
    write_module(
        project,
        "dc_split",
        """
        T = "CREATE TABLE "
        M = {
            3: {
                "sql_statements": [
                    T + "a (x);\\n" + T + "b (y);",
                    T + "c (z)",
                    "-- " + "a comment only",
                    T + "d (w)",
                ],
            },
        }
        """,
    )
    (m,) = load_migrations("python:dc_split:M").migrations
    label = "python:dc_split:M#3"
    assert m.statements == (
        Statement(sql="CREATE TABLE a (x);", file=label, line=1, number=1),
        Statement(sql="CREATE TABLE b (y);", file=label, line=2, number=2),
        Statement(sql="CREATE TABLE c (z)", file=label, line=3, number=3),
        Statement(sql="CREATE TABLE d (w)", file=label, line=5, number=4),
    )
    assert m.sql.splitlines()[4] == "CREATE TABLE d (w)"


def test_statements_point_at_the_module_file(project: Path) -> None:
    path = write_founding_app(project)
    ms = load_migrations(FOUNDING_SOURCE)
    lines = path.read_text(encoding="utf-8").splitlines()
    for m in ms.migrations:
        for stmt in m.statements:
            assert stmt.file == "app/data/schemas/core.py"
            assert stmt.sql.splitlines()[0].strip() in lines[stmt.line - 1]
    assert [s.line for s in ms.migrations[0].statements] == [22, 27]


def test_a_replay_error_names_the_version_and_the_modules_line(cli: Any, tmp_path: Path) -> None:
    path = write_founding_app(tmp_path, FOUNDING_APP.replace("ON notes (user_id)", "ON notez (id)"))
    make_db(tmp_path / "app.db", "")
    r = cli("validate", "--db", "app.db", "-m", FOUNDING_SOURCE)
    assert r.exit_code == 2, r.stdout + r.stderr
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "notez" in text)
    assert f"version 2 (app/data/schemas/core.py), statement 2 (line {line})" in r.stderr
    assert "no such table" in r.stderr


def test_equal_spellings_are_not_ambiguous(project: Path) -> None:
    write_module(
        project,
        "dc_same",
        """
        M = {
            1: {"sql": "CREATE TABLE a (x);\\nCREATE TABLE b (y);",
                "sql_statements": ["CREATE TABLE a (x);", "CREATE TABLE b (y);"],
                "up": "",
                "rollback_sql": "DROP TABLE b;\\nDROP TABLE a;",
                "rollback_statements": ["DROP TABLE b;", "DROP TABLE a;"],
                "down": None},
            2: {"sql": "CREATE TABLE c (z);", "rollback_sql": None, "down": []},
        }
        """,
    )
    first, second = load_migrations("python:dc_same:M").migrations
    assert len(first.statements) == 2
    # The list is kept, item by item, for a history that stores it as JSON.
    assert first.rollback_statements == ("DROP TABLE b;", "DROP TABLE a;")
    assert second.rollback_sql == "" and second.rollback_statements == ()


@pytest.mark.parametrize(
    ("module_source", "fragments", "hint"),
    [
        pytest.param(
            "M = {12: {'version': 13, 'sql': 'SELECT 1;'}}\n",
            ["key 12 holds a migration whose version is 13"],
            "the same",
            id="key-and-version-differ",
        ),
        pytest.param(
            "M = {1: {'sql': 'x'}, '01': {'sql': 'y'}}\n",
            ["duplicate migration version '01'", "version 1 and version 01"],
            "own version",
            id="duplicate-keys",
        ),
        pytest.param(
            "M = {1.5: {'sql': 'x'}}\n",
            ["key 1.5 is a float, not a version"],
            "an int or a str",
            id="float-key",
        ),
        pytest.param(
            "M = {3: {'sql': 'CREATE TABLE a (x);', 'sql_statements': ['CREATE TABLE b (x);']}}\n",
            ["version 3 sets both sql and sql_statements", "different SQL"],
            '[migrations.python] sql = "sql"',
            id="ambiguous-sql",
        ),
        pytest.param(
            "M = {3: {'sql': 'x', 'down': 'DROP TABLE a;', 'rollback_statements': ['DROP b;']}}\n",
            ["version 3 sets both rollback_statements and down"],
            '[migrations.python] rollback = "rollback_statements"',
            id="ambiguous-rollback",
        ),
        pytest.param(
            "M = {4: {'name': 'x', 'description': 'no sql here'}}\n",
            ["version 4 lacks 'sql'", "tried sql, sql_statements, statements, up, up_sql"],
            '[migrations.python] sql = "<field>"',
            id="missing-sql",
        ),
        pytest.param(
            "M = {4: {'sql': None, 'statements': None}}\n",
            ["version 4 lacks 'sql'", "none is set"],
            "[migrations.python] sql",
            id="sql-is-none",
        ),
        pytest.param(
            "M = {5: {'sql_statements': ['SELECT 1;', 2]}}\n",
            ["version 5 has an int at sql_statements[1], not a string"],
            "each item of sql_statements",
            id="list-item-not-a-string",
        ),
        pytest.param(
            "M = {5: {'rollback_statements': [None], 'sql': 'x'}}\n",
            ["version 5 has a NoneType at rollback_statements[0], not a string"],
            "each item of rollback_statements",
            id="rollback-item-not-a-string",
        ),
        pytest.param(
            "M = {6: {'sql': {'a': 1}}}\n",
            ["version 6 has a sql of type dict"],
            "a str or a list of str",
            id="sql-of-a-wrong-type",
        ),
        pytest.param(
            "def broken():\n    raise KeyError('no db')\nM = {7: broken}\n",
            ["reading the migration under key 7 failed", "KeyError"],
            "function taking no arguments",
            id="callable-value-raises",
        ),
        pytest.param(
            "M = {'version': 1, 'sql': 'x'}\n",
            ["expected an iterable of migrations", "got a single migration"],
            "keyed by version",
            id="one-migration-not-a-registry",
        ),
    ],
)
def test_registry_errors_name_the_version_and_field(
    project: Path, module_source: str, fragments: list[str], hint: str
) -> None:
    write_module(project, "dc_reg", module_source)
    err = load_error("python:dc_reg:M")
    assert "python:dc_reg:M" in err.message
    for fragment in fragments:
        assert fragment in err.message, err.message
    assert err.hint is not None and hint in err.hint, err.hint


def test_a_key_may_spell_the_version_differently(project: Path) -> None:
    write_module(project, "dc_keys", "M = {'0012': {'version': 12, 'sql': 'SELECT 1;'}}\n")
    (m,) = load_migrations("python:dc_keys:M").migrations
    assert m.version == "12"  # the migration's own spelling, as its history records it


# --------------------------------------------------------------------------
# Field names set in [migrations.python]

CUSTOM = """
from dataclasses import dataclass

@dataclass
class Step:
    id: int
    title: str
    summary: str
    ddl: list
    undo: list
    sql: str = "SELECT 'not the migration';"

STEPS = {1: Step(1, "init", "first", ["CREATE TABLE a (x);"], ["DROP TABLE a;"])}
"""
CUSTOM_FIELDS = PythonFields(
    version="id", name="title", description="summary", sql="ddl", rollback="undo"
)


def test_field_names_from_the_loader(project: Path) -> None:
    write_module(project, "dc_custom", CUSTOM)
    (m,) = load_migrations("python:dc_custom:STEPS", python_fields=CUSTOM_FIELDS).migrations
    assert (m.version, m.name, m.description) == ("1", "init", "first")
    assert m.sql == "CREATE TABLE a (x);"
    assert m.rollback_statements == ("DROP TABLE a;",)
    # Without the field names, `sql` is found and `ddl` is not looked at.
    (plain,) = load_migrations("python:dc_custom:STEPS").migrations
    assert plain.sql == "SELECT 'not the migration';"


def test_a_configured_field_that_is_missing_is_named(project: Path) -> None:
    write_module(project, "dc_custom", CUSTOM)
    with pytest.raises(MigrationError) as info:
        load_migrations("python:dc_custom:STEPS", python_fields=PythonFields(sql="statements"))
    assert "version 1 lacks 'statements' (the field [migrations.python] sql names)" in str(
        info.value
    )


CONFIG_FORMS = {
    "table": """
        [migrations]
        source = "python:dc_custom:STEPS"

        [migrations.python]
        version = "id"
        sql = "ddl"
        rollback = "undo"
        """,
    "flat": """
        migrations = "python:dc_custom:STEPS"

        [migrations_python]
        version = "id"
        sql = "ddl"
        rollback = "undo"
        """,
}


@pytest.mark.parametrize("form", CONFIG_FORMS)
def test_field_names_from_the_config_through_the_cli(cli: Any, tmp_path: Path, form: str) -> None:
    write_module(tmp_path, "dc_custom", CUSTOM)
    (tmp_path / "driftcheck.toml").write_text(textwrap.dedent(CONFIG_FORMS[form]))
    make_db(tmp_path / "app.db", "CREATE TABLE a (x);")
    r = cli("validate", "--db", "app.db", "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["migrations"]["source"] == "python:dc_custom:STEPS"
    assert report["effective_version"] == "1"


def test_config_field_names_apply_to_the_migrations_flag(cli: Any, tmp_path: Path) -> None:
    write_module(tmp_path, "dc_custom", CUSTOM)
    (tmp_path / "driftcheck.toml").write_text('[migrations.python]\nsql = "ddl"\nversion = "id"\n')
    make_db(tmp_path / "app.db", "CREATE TABLE a (x);")
    r = cli("validate", "--db", "app.db", "-m", "python:dc_custom:STEPS", "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["status"] == "clean"
    # Without them the class's own `sql` runs, and the table is unexpected.
    (tmp_path / "driftcheck.toml").unlink()
    r = cli("validate", "--db", "app.db", "-m", "python:dc_custom:STEPS", "-f", "json")
    assert json.loads(r.stdout)["status"] != "clean"


def test_the_migrations_table_form_of_the_config(tmp_path: Path) -> None:
    (tmp_path / "driftcheck.toml").write_text(
        textwrap.dedent(
            """
            [migrations]
            source = "db/migrations"
            pattern = 'V(?P<version>\\d+)__(?P<name>.+)\\.sql'

            [migrations.python]
            sql = "sql_statements"
            """
        )
    )
    cfg = load_config(cwd=tmp_path)
    assert cfg.migrations is not None and cfg.migrations.endswith("db/migrations")
    assert cfg.migrations_pattern == r"V(?P<version>\d+)__(?P<name>.+)\.sql"
    assert cfg.migrations_format == "auto"
    assert cfg.migrations_python == PythonFieldsConfig(sql="sql_statements")
    assert cfg.origin("migrations") == f"`migrations` in {tmp_path / 'driftcheck.toml'}"
    assert cfg.origin("migrations_pattern") is not None
    assert cfg.origin("migrations_format") is None


def test_a_migrations_table_without_a_source_sets_none(tmp_path: Path) -> None:
    (tmp_path / "driftcheck.toml").write_text('[migrations.python]\nsql = "up"\n')
    cfg = load_config(cwd=tmp_path)
    assert cfg.migrations is None
    assert cfg.origin("migrations") is None
    assert cfg.migrations_python.sql == "up"


@pytest.mark.parametrize(
    ("text", "says", "hint"),
    [
        pytest.param(
            '[migrations]\nsrc = "db"\n',
            ["unknown key 'migrations.src'"],
            "did you mean 'source'? known keys under [migrations]: source, format, pattern, python",
            id="unknown-key",
        ),
        pytest.param(
            'migrations_format = "flyway"\n[migrations]\nformat = "goose"\n',
            ["both `migrations_format` and `format` under [migrations] are set"],
            "keep one",
            id="set-twice",
        ),
        pytest.param(
            '[migrations]\nformat = "flywya"\n',
            ['migrations.format = "flywya": expected one of'],
            'did you mean "flyway"? write e.g. format = "flyway" under [migrations]',
            id="bad-format",
        ),
        pytest.param(
            "[migrations]\nsource = 3\n",
            ["migrations.source = 3: expected a directory (a string)"],
            'source = "python:app.db:MIGRATIONS" under [migrations]',
            id="bad-source",
        ),
        pytest.param(
            '[migrations]\npython = "sql"\n',
            ['python = "sql": expected a section'],
            "[migrations.python] header",
            id="python-not-a-table",
        ),
        pytest.param(
            '[migrations.python]\nsqll = "up"\n',
            ["unknown key 'migrations.python.sqll'"],
            "version, name, description, sql, rollback",
            id="unknown-field-role",
        ),
        pytest.param(
            "[migrations.python]\nsql = 3\n",
            ["migrations.python.sql = 3: expected a field name (a string)"],
            'sql = "sql_statements" under [migrations.python]',
            id="field-name-not-a-string",
        ),
        pytest.param(
            '[migrations.python]\nsql = " "\n',
            ['migrations.python.sql = " ": an empty field name'],
            "under [migrations.python]",
            id="empty-field-name",
        ),
        pytest.param(
            '[migrations_python]\nrollback = ["a"]\n',
            ['migrations_python.rollback = ["a"]: expected a field name'],
            "under [migrations_python]",
            id="flat-section",
        ),
    ],
)
def test_bad_migrations_tables_are_explained(
    tmp_path: Path, text: str, says: list[str], hint: str
) -> None:
    (tmp_path / "driftcheck.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tmp_path)
    err = info.value
    assert str(tmp_path / "driftcheck.toml") in err.message
    for fragment in says:
        assert fragment in err.message, err.message
    assert err.hint is not None and hint in err.hint, err.hint
    for words in ("Input should", "Value error", "valid string"):
        assert words not in str(err)


@pytest.mark.parametrize("role", list(PythonFieldsConfig.model_fields))
def test_every_field_name_key_explains_a_wrong_value(tmp_path: Path, role: str) -> None:
    (tmp_path / "driftcheck.toml").write_text(f"[migrations.python]\n{role} = 12\n")
    with pytest.raises(ConfigError, match=rf"migrations\.python\.{role} = 12: expected"):
        load_config(cwd=tmp_path)


def test_the_python_fields_match_the_config_keys() -> None:
    assert list(PythonFieldsConfig.model_fields) == [f.name for f in fields(PythonFields)]


# --------------------------------------------------------------------------
# Fresh loads, and the user's path through the CLI


def test_editing_the_registry_between_loads_in_one_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    path = write_founding_app(project)
    first = load_migrations(FOUNDING_SOURCE)
    path.write_text(
        textwrap.dedent(FOUNDING_APP)
        .replace("body TEXT", "")
        .replace("REFERENCES users(id))", "REFERENCES users(id), body TEXT)"),
        encoding="utf-8",
    )
    second = load_migrations(FOUNDING_SOURCE)
    assert "body TEXT" not in first.migrations[1].sql
    assert "body TEXT" in second.migrations[1].sql
    assert first.migrations[1].checksum != second.migrations[1].checksum
    assert first.migrations[0] == second.migrations[0]


def test_validate_twice_in_one_process_sees_the_edit(cli: Any, tmp_path: Path) -> None:
    path = write_founding_app(tmp_path)
    r = cli("apply", "--db", "app.db", "-m", FOUNDING_SOURCE, "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    r = cli("validate", "--db", "app.db", "-m", FOUNDING_SOURCE, "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "clean", r.stdout + r.stderr
    path.write_text(
        FOUNDING_APP.replace('"CREATE INDEX idx_notes_user ON notes (user_id)",', ""),
        encoding="utf-8",
    )
    r = cli("validate", "--db", "app.db", "-m", FOUNDING_SOURCE, "-f", "json")
    report = json.loads(r.stdout)
    assert report["status"] != "clean"
    assert any("idx_notes_user" in json.dumps(c) for c in report["changes"]), report["changes"]


def test_plan_and_apply_a_founding_style_registry(cli: Any, tmp_path: Path) -> None:
    write_founding_app(tmp_path)
    # The database is at version 1, created by the application without driftcheck.
    make_db(
        tmp_path / "app.db",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
        "CREATE INDEX idx_users_email ON users (email);",
    )
    r = cli("plan", "--db", "app.db", "-m", FOUNDING_SOURCE, "-f", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["effective_version"] == "1"
    assert report["status"] == "pending"
    r = cli("apply", "--db", "app.db", "-m", FOUNDING_SOURCE, "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    with sqlite3.connect(tmp_path / "app.db") as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"users", "notes", "idx_notes_user"} <= names
    r = cli("validate", "--db", "app.db", "-m", FOUNDING_SOURCE, "--fail-on-pending")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "CLEAN" in r.stdout


def test_statements_are_placed_in_order_and_by_prefix(project: Path) -> None:
    write_module(
        project,
        "dc_place",
        """
        M = {
            1: {"sql": ["DROP TABLE IF EXISTS scratch;", "CREATE TABLE scratch (x);"]},
            2: {"sql": ["DROP TABLE IF EXISTS scratch;"]},
            3: {
                "sql": [
                    "CREATE VIEW active_users AS SELECT uuid, full_name FROM users "
                    "WHERE is_active"
                ]
            },
        }
        """,
    )
    ms = load_migrations("python:dc_place:M")
    lines = [[(s.file, s.line) for s in m.statements] for m in ms.migrations]
    assert lines == [
        [("dc_place.py", 3), ("dc_place.py", 3)],
        [("dc_place.py", 4)],  # the same text as version 1's, on its own line
        [("dc_place.py", 7)],  # a literal split over two source lines
    ]


SEVERAL = """
from dataclasses import dataclass


@dataclass
class V:
    version: int
    sql_statements: list
    rollback_statements: list | None = None


OTHER = {
    1: V(1, ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)"]),
    2: V(2, ["ALTER TABLE users ADD COLUMN name TEXT"]),
}

REG = {
    1: V(1, ["CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)"]),
    2: V(2, ["CREATE INDEX users_email ON users(email)"]),
    3: V(3, ["ALTER TABLE users ADD COLUMN age INT"],
         rollback_statements=["CREATE INDEX users_email ON users(email)"]),
    4: V(4, ["CREATE INDEX users_email ON users(email)",
             "ALTER TABLE users ADD COLUMN name TEXT"]),
}
"""


def test_statements_are_placed_in_their_own_registry_past_rollbacks(project: Path) -> None:
    """The same SQL text stands several times in the module (another registry, a rollback,
    an earlier version): each statement is placed where its own version writes it."""
    write_module(project, "dc_many.db", SEVERAL)
    ms = load_migrations("python:dc_many.db:REG")
    lines = {m.version: [(s.file, s.line) for s in m.statements] for m in ms.migrations}
    f = "dc_many/db.py"
    assert lines == {
        "1": [(f, 18)],
        "2": [(f, 19)],
        "3": [(f, 20)],
        "4": [(f, 22), (f, 23)],
    }
    other = load_migrations("python:dc_many.db:OTHER")
    assert [s.line for m in other.migrations for s in m.statements] == [13, 14]


def test_a_replay_error_points_at_the_line_of_the_failing_version(project: Path, cli) -> None:
    write_module(project, "dc_many.db", SEVERAL)
    r = cli("snapshot", "--migrations", "python:dc_many.db:REG", "--out", "exp")
    assert r.exit_code == 2
    assert "version 4 (dc_many/db.py), statement 1 (line 22): index users_email already" in (
        r.stderr
    )


def test_an_empty_registry_is_an_error(project: Path) -> None:
    write_module(project, "dc_empty.db", "REGISTRY = {}\nFILLED = []\n")
    err = load_error("python:dc_empty.db:REGISTRY")
    assert err.message == "python:dc_empty.db:REGISTRY: holds no migrations"
    assert "register" in (err.hint or "")


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("import dc_not_installed_xyz\nR = []\n", "not installed"),
        ("R = [\n", "syntax"),
        ("raise RuntimeError('no config')\n", "shows the traceback"),
    ],
    ids=["dependency", "syntax", "raises"],
)
def test_the_import_hint_fits_the_failure(project: Path, source: str, hint: str) -> None:
    write_module(project, "dc_broken.db", source)
    err = load_error("python:dc_broken.db:R")
    assert "cannot import module 'dc_broken.db'" in err.message
    assert hint in (err.hint or "")
    missing = load_error("python:dc_nowhere.db:R")
    assert "project directory" in (missing.hint or "")


def test_a_python_source_in_the_config_imports_from_the_config_files_directory(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the config's paths are relative to its file, so is its python: source: run from a
    subdirectory, the project's modules are found."""
    write_module(tmp_path, "dc_cfgapp.reg", 'R = [{"version": 1, "sql": "CREATE TABLE a (x)"}]\n')
    (tmp_path / "driftcheck.toml").write_text('migrations = "python:dc_cfgapp.reg:R"\n')
    sub = tmp_path / "deeper" / "sub"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    r = cli("lint")
    assert r.exit_code == 0, r.stderr
    assert "python:dc_cfgapp.reg:R (python, 1 version" in r.stdout
    # Given on the command line, the source is imported from the working directory only.
    r = cli("lint", "--migrations", "python:dc_cfgapp.reg:R")
    assert r.exit_code == 2 and "cannot import module 'dc_cfgapp.reg'" in r.stderr


def test_python_field_names_with_a_directory_source_are_noted(cli, tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "0001_a.sql").write_text("CREATE TABLE a (x);\n")
    (tmp_path / "driftcheck.toml").write_text(
        '[migrations]\nsource = "m"\n[migrations.python]\nsql = "up"\n'
    )
    make_db(tmp_path / "a.db", "CREATE TABLE a (x);")
    r = cli("validate", "--db", "a.db", "--format", "json")
    assert r.exit_code == 0, r.stderr
    notes = json.loads(r.stdout)["migrations"]["notes"]
    assert notes == [
        "[migrations.python] names fields of a Python source; the migrations are files"
    ]
