"""Migrations defined in Python (`python:package.module:attribute`), loaded in a subprocess."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from driftcheck.errors import MigrationError
from driftcheck.migrations import Statement, load_migrations


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
    assert second.statements == (
        Statement(
            sql="CREATE TABLE b (x);", file="python:dc_app.db:MIGRATIONS#2", line=1, number=1
        ),
        Statement(
            sql="CREATE INDEX bx ON b (x);", file="python:dc_app.db:MIGRATIONS#2", line=2, number=2
        ),
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
