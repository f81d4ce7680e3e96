"""Migrations defined in Python: `python:package.module:attribute`.

The attribute is (or, when callable, returns) either an iterable of migrations or
a mapping keyed by version (`{12: SchemaVersion(...)}`, as registries are often
written). A migration is an object with attributes, a mapping, a dataclass, a
pydantic model or a named tuple (or a zero-argument callable returning one). Its
SQL is one string or a list of strings; the field names are detected from the
usual spellings (SPELLINGS) or set in `[migrations.python]` (PythonFields).

It is loaded in a FRESH subprocess every time (python_child.py), so a
long-running process never sees a stale, already-imported module: edit the module
and the next load sees the change. The child prints one JSON document of raw
fields; this side validates it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftcheck.errors import MigrationError
from driftcheck.migrations.model import Migration, MigrationSet, Statement
from driftcheck.migrations.split import normalise, split_into
from driftcheck.versions import version_key

PYTHON_PREFIX = "python:"
TIMEOUT_SECONDS = 120.0

_IDENT = r"[A-Za-z_]\w*"
_SOURCE = re.compile(rf"(?P<module>{_IDENT}(?:\.{_IDENT})*):(?P<attr>{_IDENT}(?:\.{_IDENT})*)")
_MARK = "@@driftcheck-migrations@@"
_CHILD = Path(__file__).with_name("python_child.py")

# The field names tried for each role, in order of preference, unless
# `[migrations.python]` names the field.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "version": ("version",),
    "name": ("name",),
    "description": ("description",),
    "sql": ("sql", "sql_statements", "statements", "up", "up_sql"),
    "rollback": ("rollback_sql", "rollback_statements", "down", "down_sql"),
}

# Raw SQL from the child: a string, or the items of a list (or tuple) of strings.
_Text = str | list[str]


@dataclass(frozen=True, slots=True)
class PythonFields:
    """The field names set in `[migrations.python]`; None detects SPELLINGS."""

    version: str | None = None
    name: str | None = None
    description: str | None = None
    sql: str | None = None
    rollback: str | None = None

    def tried(self, role: str) -> tuple[str, ...]:
        chosen: str | None = getattr(self, role)
        return (chosen,) if chosen else SPELLINGS[role]


def _parse_source(source: str) -> tuple[str, str]:
    spec = source[len(PYTHON_PREFIX) :]
    m = _SOURCE.fullmatch(spec.strip())
    if not m:
        raise MigrationError(
            f"bad Python migrations source {source!r}",
            hint="write it as python:package.module:attribute (e.g. python:myapp.db:MIGRATIONS)",
        )
    return m.group("module"), m.group("attr")


def _run_child(
    module: str, attr: str, shown: str, fields: PythonFields, root: str | None = None
) -> dict[str, Any]:
    extra = [os.getcwd() if p == "" else p for p in sys.path if isinstance(p, str)]
    if root is not None:
        extra.insert(0, os.path.abspath(root))
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never leave a .pyc that could go stale
    env.setdefault("PYTHONIOENCODING", "utf-8")
    roles = json.dumps({role: fields.tried(role) for role in SPELLINGS})
    # -c, not the file's path: running a file puts its directory first on sys.path,
    # where our own modules (load.py, model.py...) would shadow the project's.
    code = _CHILD.read_text(encoding="utf-8")
    cmd = [sys.executable, "-B", "-c", code, module, attr, json.dumps(extra), _MARK, roles]
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            cwd=os.getcwd(),
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MigrationError(
            f"{shown}: loading the migrations took more than {TIMEOUT_SECONDS:.0f}s",
            hint="make importing the module and building the list fast (no network, no prompts)",
        ) from None
    except OSError as exc:
        raise MigrationError(
            f"{shown}: cannot start a Python subprocess ({exc.strerror or exc})",
            hint="check the Python installation driftcheck runs from",
        ) from None
    payload = None
    for line in proc.stdout.splitlines():
        if line.startswith(_MARK):
            payload = line[len(_MARK) :]
    if payload is None:
        lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
        last = lines[-1] if lines else f"exit status {proc.returncode}"
        raise MigrationError(
            f"{shown}: the Python subprocess loading the migrations died: {last}",
            hint="run `python -c 'import " + module + "'` to see what goes wrong",
        )
    result: dict[str, Any] = json.loads(payload)
    return result


def _fail(result: dict[str, Any], shown: str, module: str, attr: str) -> MigrationError:
    stage = str(result.get("stage"))
    error = str(result.get("error"))
    if stage == "import":
        missing = re.search(r"No module named '([\w.]+)'", error)
        if missing and (module + ".").startswith(missing.group(1) + "."):
            hint = (
                "run driftcheck from the project directory (or set `migrations` in its "
                "driftcheck.toml), or add the module's directory to PYTHONPATH"
            )
        elif missing:
            hint = (
                f"the module imports {missing.group(1)}, which is not installed in the Python "
                f"driftcheck runs with ({sys.executable}): install it there, or run the "
                "driftcheck installed in the project's environment"
            )
        elif error.startswith(("SyntaxError", "IndentationError", "TabError")):
            hint = f"fix the module's syntax (`python -c 'import {module}'` shows where)"
        else:
            hint = f"importing it failed; `python -c 'import {module}'` shows the traceback"
        return MigrationError(f"{shown}: cannot import module '{module}': {error}", hint=hint)
    if stage == "attribute":
        return MigrationError(
            f"{shown}: cannot get '{attr}' from module '{module}': {error}",
            hint=f"define {attr} in {module}, or fix the name after the last ':'",
        )
    if stage == "item":
        key = result.get("key_label")
        which = (
            f"the migration under key {key}"
            if key is not None
            else (f"item #{int(result.get('index', 0)) + 1}")
        )
        return MigrationError(
            f"{shown}: reading {which} failed: {error}",
            hint="each migration must be a mapping or an object with version and sql "
            "(or a function taking no arguments that returns one)",
        )
    return MigrationError(
        f"{shown}: getting the migrations from '{attr}' failed: {error}",
        hint=f"{attr} must be (or return) a list of migrations, or a dict of them keyed by "
        "version, each with a version (or its key) and sql",
    )


def _kind(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, dict):
        return str(value.get("__type__"))
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class _Item:
    """One migration as the child read it."""

    shown: str  # the source, for messages
    where: str  # "version 12" (a mapping's key) or "item #2 ({...})"
    fields: dict[str, Any]
    config: PythonFields

    def error(self, problem: str, hint: str) -> MigrationError:
        return MigrationError(f"{self.shown}: {self.where} {problem}", hint=hint)

    def configured(self, role: str) -> str:
        chosen = getattr(self.config, role)
        return f" ([migrations.python] {role} = {json.dumps(chosen)})" if chosen else ""

    def field(self, role: str) -> tuple[str, Any] | None:
        """The first field of `role` that is present, and its value."""
        return next(
            ((n, self.fields[n]) for n in self.config.tried(role) if n in self.fields), None
        )

    def text(self, role: str) -> str | None:
        """A str field (name, description, a version), None when absent or None."""
        found = self.field(role)
        if found is None or found[1] is None:
            return None
        name, value = found
        if role == "version" and isinstance(value, int):
            return str(value)
        if not isinstance(value, str):
            allowed = "a str or an int" if role == "version" else "a str"
            raise self.error(f"has a {name} of type {_kind(value)}", f"make {name} {allowed}")
        return value

    def sql(self, role: str) -> tuple[str, _Text] | None:
        """The field holding the SQL of `role` ("sql" or "rollback"), and its value.

        Several spellings may be present (a dataclass with both `sql` and
        `sql_statements`): empty ones are passed over, and two that hold different
        SQL are an error, since we cannot know which one the application runs.
        """
        found: list[tuple[str, _Text]] = []
        for name in self.config.tried(role):
            value = self.fields.get(name)
            if value is None:
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if not isinstance(item, str):
                        raise self.error(
                            f"has {_a(_kind(item))} at {name}[{i}], not a string",
                            f"make each item of {name} a string of SQL (one or more statements)",
                        )
            elif not isinstance(value, str):
                raise self.error(
                    f"has a {name} of type {_kind(value)}{self.configured(role)}",
                    f"make {name} a str or a list of str",
                )
            found.append((name, value))
        full = [(n, v) for n, v in found if _joined(v)]
        for (a, av), (b, bv) in zip(full, full[1:], strict=False):
            if normalise(_joined(av)) != normalise(_joined(bv)):
                raise self.error(
                    f"sets both {a} and {b}, and they hold different SQL",
                    f"say which one the application runs, in driftcheck.toml: "
                    f'[migrations.python] {role} = "{a}" (or "{b}")',
                )
        # Equal content: a list keeps its items as statements (and as rollback_statements).
        ranked = sorted(full or found, key=lambda nv: not isinstance(nv[1], list))
        return ranked[0] if ranked else None

    def missing_sql(self) -> MigrationError:
        chosen = self.config.sql
        if chosen:
            return self.error(
                f"lacks {chosen!r} (the field [migrations.python] sql names)",
                "fix the field name in [migrations.python] sql, or drop the key to detect "
                + ", ".join(SPELLINGS["sql"]),
            )
        tried = ", ".join(SPELLINGS["sql"])
        return self.error(
            f"lacks 'sql' (tried {tried}; none is set)",
            "name the field that holds its statements in driftcheck.toml: [migrations.python] "
            'sql = "<field>"',
        )


def _a(kind: str) -> str:
    return ("an " if kind[:1].lower() in "aeiou" else "a ") + kind


def _joined(value: _Text) -> str:
    return value if isinstance(value, str) else "\n".join(value)


def _statements(value: _Text, label: str) -> tuple[str, list[Statement]]:
    """The migration's SQL and its statements: a list's items joined by "\\n" (what an
    application hashes), each item split on its own, lines counted in the joined text."""
    if isinstance(value, str):
        sql = normalise(value)
        return sql, split_into(sql, label)
    statements: list[Statement] = []
    line = 1
    for item in value:
        text = normalise(item)
        statements += split_into(text, label, first_line=line, first_number=len(statements) + 1)
        line += text.count("\n") + 1
    return normalise("\n".join(value)), statements


def _version(item: _Item, record: dict[str, Any]) -> str:
    own = item.text("version")
    if "key" not in record:
        if own is None:
            raise item.error(
                f"lacks 'version'{item.configured('version')}",
                "give each migration a version (or make the registry a dict keyed by version)",
            )
        return own
    key = record["key"]
    label = record.get("key_label")
    if isinstance(key, int):
        key = str(key)
    if not isinstance(key, str):
        raise MigrationError(
            f"{item.shown}: key {label} is {_a(_kind(key))}, not a version",
            hint="key the registry by version: an int or a str",
        )
    if own is not None and version_key(own) != version_key(key):
        raise MigrationError(
            f"{item.shown}: key {label} holds a migration whose version is {own}",
            hint=f"make the key and the migration's version the same ({label} or {own})",
        )
    return own if own is not None else key


def _where(index: int, record: dict[str, Any]) -> str:
    if "key" in record:
        return f"version {record.get('key_label')}"
    return f"item #{index + 1} ({record.get('label')})"


@dataclass(frozen=True, slots=True)
class _Literal:
    """A string literal of the module: where it starts, and its value."""

    start: int  # 1-based line of its first character
    end: int  # and of its last
    value: str
    rollback: bool  # under a rollback field (`rollback_statements=[...]`, `"down": ...`)


class _Locator:
    """Where statements are in the module's source file, for messages that point there.

    The file's string literals are read with `ast`; a statement is placed at the literal
    that holds its first line, searched in the definition of the attribute first (a
    module can hold several registries), after the statement placed before it
    (registries are written in order), never in a rollback field (a rollback often
    repeats an earlier version's SQL). A statement built at run time is not found and
    keeps the `python:module:attr#version` label; the SQL and its checksum never change.
    """

    MIN_LENGTH = 8  # shorter first lines ("END;", ")") match too much

    def __init__(self, path: str | None, attr: str, rollback_fields: tuple[str, ...]) -> None:
        self.shown: str | None = None
        self.literals: list[_Literal] = []
        self.span = (0, 0)  # the literals of the attribute's definition: [start, end)
        self.after = 0  # the literal of the last placed statement
        self.offset = 0  # and where in its value that statement ended
        if not path:
            return
        try:
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return
        try:
            self.shown = Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            self.shown = path
        self._collect(tree, False, set(rollback_fields))
        self.literals.sort(key=lambda lit: lit.start)
        lines = _definition(tree, attr.split("."))
        if lines is not None:
            inside = [i for i, lit in enumerate(self.literals) if lines[0] <= lit.start <= lines[1]]
            if inside:
                self.span = (inside[0], inside[-1] + 1)
                self.after = inside[0]

    def _collect(self, node: ast.AST, rollback: bool, fields: set[str]) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            end = node.end_lineno or node.lineno
            self.literals.append(_Literal(node.lineno, end, node.value, rollback))
            return
        if isinstance(node, ast.JoinedStr):  # an f-string: its text is made at run time
            return
        if isinstance(node, ast.keyword):
            self._collect(node.value, rollback or node.arg in fields, fields)
            return
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                named = isinstance(key, ast.Constant) and key.value in fields
                if key is not None:
                    self._collect(key, rollback, fields)
                self._collect(value, rollback or named, fields)
            return
        for child in ast.iter_child_nodes(node):
            self._collect(child, rollback, fields)

    def _find(self, first: str) -> tuple[int, int] | None:
        """The literal holding `first` and the line it is on, searching from `after`,
        then the attribute's definition, then the whole file."""
        n = len(self.literals)
        for pass_, (lo, hi) in enumerate(
            ((self.after, self.span[1]), (self.span[0], self.span[1]), (0, n))
        ):
            for i in range(lo, hi):
                lit = self.literals[i]
                if lit.rollback:
                    continue
                # Within the literal of the last statement, only after it.
                at = lit.value.find(first, self.offset if pass_ == 0 and i == lo else 0)
                if at >= 0:
                    self.after, self.offset = i, at + len(first)
                    # The value's newlines are the source's, unless they were escapes.
                    return i, min(lit.start + lit.value.count("\n", 0, at), lit.end)
        return None

    def place(self, statements: list[Statement]) -> list[Statement]:
        if self.shown is None:
            return statements
        placed: list[Statement] = []
        for stmt in statements:
            first = stmt.sql.split("\n", 1)[0].strip()
            found = self._find(first) if len(first) >= self.MIN_LENGTH else None
            if found is None:
                placed.append(stmt)
                continue
            _, line = found
            placed.append(Statement(sql=stmt.sql, file=self.shown, line=line, number=stmt.number))
        return placed


def _definition(tree: ast.Module, path: list[str]) -> tuple[int, int] | None:
    """The lines of the statement defining `path` (ATTR, or Class.ATTR) in the module."""
    body: list[ast.stmt] = tree.body
    found: tuple[int, int] | None = None
    for name in path:
        found = None
        for node in body:
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            named = any(isinstance(t, ast.Name) and t.id == name for t in targets) or (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == name
            )
            if named:
                found = (node.lineno, node.end_lineno or node.lineno)
                body = node.body if isinstance(node, ast.ClassDef) else []
        if found is None:
            return None
    return found


def load_python_source(
    source: str, fields: PythonFields | None = None, root: str | None = None
) -> MigrationSet:
    """`root`: a directory to import from besides the working directory (the config
    file's, when the source is set there)."""
    module, attr = _parse_source(source)
    shown = f"{PYTHON_PREFIX}{module}:{attr}"
    config = fields or PythonFields()
    result = _run_child(module, attr, shown, config, root)
    if not result.get("ok"):
        raise _fail(result, shown, module, attr)

    locator = _Locator(result.get("file"), attr, config.tried("rollback"))
    migrations: list[Migration] = []
    seen: dict[object, str] = {}
    for index, record in enumerate(result["items"]):
        item = _Item(shown, _where(index, record), record.get("fields", {}), config)
        version = _version(item, record).strip()
        if not version:
            raise item.error("has an empty version", "give it a version")
        key = version_key(version)
        if key in seen:
            raise MigrationError(
                f"{shown}: duplicate migration version {version!r}: {seen[key]} and {item.where}",
                hint="give each migration its own version (0011 and 11 are the same version)",
            )
        seen[key] = item.where
        up = item.sql("sql")
        if up is None:
            raise item.missing_sql()
        sql, statements = _statements(up[1], f"{shown}#{version}")
        down = item.sql("rollback")
        rollback_statements: tuple[str, ...] = ()
        rollback: str | None = None
        if down is not None:
            rollback = normalise(_joined(down[1]))
            if isinstance(down[1], list):
                rollback_statements = tuple(down[1])
        migrations.append(
            Migration(
                version=version,
                name=item.text("name") or "",
                files=(),
                sql=sql,
                statements=tuple(locator.place(statements)),
                checksum="sha256:" + hashlib.sha256(sql.encode("utf-8")).hexdigest(),
                description=item.text("description"),
                rollback_sql=rollback,
                rollback_statements=rollback_statements,
            )
        )
    if not migrations:
        # The registry's failure mode: the modules that fill it were not imported.
        raise MigrationError(
            f"{shown}: holds no migrations",
            hint=f"{attr} is empty when {module} alone is imported: does it import the "
            "modules that register the versions?",
        )
    migrations.sort(key=lambda m: version_key(m.version))
    return MigrationSet(source=source, format="python", migrations=tuple(migrations))
