"""Migrations defined in Python: `python:package.module:attribute`.

The attribute is (or, when callable, returns) an iterable of objects or mappings
with `version`, `name`, `sql` and optionally `rollback_sql` / `description`.

It is loaded in a FRESH subprocess every time, so a long-running process never
sees a stale, already-imported module: edit the module and the next load sees
the change. The child prints one JSON document; this side validates it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from typing import Any

from driftcheck.errors import MigrationError
from driftcheck.migrations.model import Migration, MigrationSet
from driftcheck.migrations.split import normalise, split_into
from driftcheck.versions import version_key

PYTHON_PREFIX = "python:"
TIMEOUT_SECONDS = 120.0

_IDENT = r"[A-Za-z_]\w*"
_SOURCE = re.compile(rf"(?P<module>{_IDENT}(?:\.{_IDENT})*):(?P<attr>{_IDENT}(?:\.{_IDENT})*)")
_MARK = "@@driftcheck-migrations@@"

# Runs in the child interpreter: argv = [module, attribute, json list of extra sys.path].
_CHILD = r"""
import importlib, json, os, sys
from collections.abc import Mapping

MARK = sys.argv[4]
real_stdout = sys.stdout
sys.stdout = sys.stderr  # whatever the module prints must not corrupt our JSON


def emit(payload):
    real_stdout.write(MARK + json.dumps(payload) + "\n")
    real_stdout.flush()
    sys.exit(0)


def describe(exc):
    text = f"{type(exc).__name__}: {exc}".strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def fail(stage, exc):
    emit({"ok": False, "stage": stage, "error": describe(exc)})


module_name, attr_path = sys.argv[1], sys.argv[2]
cwd = os.getcwd()
if cwd not in sys.path:
    sys.path.insert(0, cwd)
for entry in json.loads(sys.argv[3]):
    if entry not in sys.path:
        sys.path.append(entry)

try:
    obj = importlib.import_module(module_name)
except BaseException as exc:
    fail("import", exc)
try:
    for part in attr_path.split("."):
        obj = getattr(obj, part)
except BaseException as exc:
    fail("attribute", exc)
try:
    if callable(obj):
        obj = obj()
    if isinstance(obj, (str, bytes, Mapping)):
        raise TypeError(f"expected an iterable of migrations, got {type(obj).__name__}")
    items = list(obj)
except BaseException as exc:
    fail("call", exc)

FIELDS = ("version", "name", "sql", "rollback_sql", "description")


def encode(value):
    if value is None or isinstance(value, str) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return value
    return {"__type__": type(value).__name__}


out = []
for index, item in enumerate(items):
    fields = {}
    try:
        for key in FIELDS:
            if isinstance(item, Mapping):
                if key in item:
                    fields[key] = encode(item[key])
            elif hasattr(item, key):
                fields[key] = encode(getattr(item, key))
        label = repr(item)
    except BaseException as exc:
        emit({"ok": False, "stage": "item", "index": index, "error": describe(exc)})
    if len(label) > 60:
        label = label[:57] + "..."
    out.append({"label": label, "fields": fields})
emit({"ok": True, "items": out})
"""


def _parse_source(source: str) -> tuple[str, str]:
    spec = source[len(PYTHON_PREFIX) :]
    m = _SOURCE.fullmatch(spec.strip())
    if not m:
        raise MigrationError(
            f"bad Python migrations source {source!r}",
            hint="write it as python:package.module:attribute (e.g. python:myapp.db:MIGRATIONS)",
        )
    return m.group("module"), m.group("attr")


def _run_child(module: str, attr: str, shown: str) -> dict[str, Any]:
    extra = [os.getcwd() if p == "" else p for p in sys.path if isinstance(p, str)]
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never leave a .pyc that could go stale
    env.setdefault("PYTHONIOENCODING", "utf-8")
    cmd = [sys.executable, "-B", "-c", _CHILD, module, attr, json.dumps(extra), _MARK]
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


def _fail(stage: str, shown: str, module: str, attr: str, error: str) -> MigrationError:
    if stage == "import":
        return MigrationError(
            f"{shown}: cannot import module '{module}': {error}",
            hint="run driftcheck from the project directory, or add the module's directory "
            "to PYTHONPATH",
        )
    if stage == "attribute":
        return MigrationError(
            f"{shown}: cannot get '{attr}' from module '{module}': {error}",
            hint=f"define {attr} in {module}, or fix the name after the last ':'",
        )
    return MigrationError(
        f"{shown}: getting the migrations from '{attr}' failed: {error}",
        hint=f"{attr} must be (or return) a list of items with version, name and sql",
    )


def _text(item: dict[str, Any], key: str, where: str, shown: str, *, required: bool) -> str | None:
    fields = item["fields"]
    if key not in fields:
        if required:
            raise MigrationError(
                f"{shown}: {where} lacks '{key}'",
                hint="each migration needs version, name and sql "
                "(optionally rollback_sql and description)",
            )
        return None
    value = fields[key]
    if value is None and not required:
        return None
    if key == "version" and isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        kind = value.get("__type__") if isinstance(value, dict) else type(value).__name__
        if value is None:
            kind = "None"
        allowed = "a str or an int" if key == "version" else "a str"
        raise MigrationError(
            f"{shown}: {where} has a {key} of type {kind}",
            hint=f"make {key} {allowed}",
        )
    return value


def load_python_source(source: str) -> MigrationSet:
    module, attr = _parse_source(source)
    shown = f"{PYTHON_PREFIX}{module}:{attr}"
    result = _run_child(module, attr, shown)
    if not result.get("ok"):
        stage = str(result.get("stage"))
        error = str(result.get("error"))
        if stage == "item":
            raise MigrationError(
                f"{shown}: reading item #{int(result.get('index', 0)) + 1} failed: {error}",
                hint="each item must be a mapping or an object with version, name and sql",
            )
        raise _fail(stage, shown, module, attr, error)

    migrations: list[Migration] = []
    seen: dict[object, str] = {}
    for index, item in enumerate(result["items"]):
        where = f"item #{index + 1} ({item['label']})"
        version = _text(item, "version", where, shown, required=True)
        name = _text(item, "name", where, shown, required=True)
        sql = _text(item, "sql", where, shown, required=True)
        rollback = _text(item, "rollback_sql", where, shown, required=False)
        description = _text(item, "description", where, shown, required=False)
        assert version is not None and name is not None and sql is not None
        version = version.strip()
        if not version:
            raise MigrationError(f"{shown}: {where} has an empty version", hint="give it a version")
        key = version_key(version)
        if key in seen:
            raise MigrationError(
                f"{shown}: duplicate migration version {version!r}: {seen[key]} and {where}",
                hint="give each migration its own version (0011 and 11 are the same version)",
            )
        seen[key] = where
        sql = normalise(sql)
        migrations.append(
            Migration(
                version=version,
                name=name,
                files=(),
                sql=sql,
                statements=tuple(split_into(sql, f"{shown}#{version}")),
                checksum="sha256:" + hashlib.sha256(sql.encode("utf-8")).hexdigest(),
                description=description,
                rollback_sql=normalise(rollback) if rollback is not None else None,
            )
        )
    migrations.sort(key=lambda m: version_key(m.version))
    return MigrationSet(source=source, format="python", migrations=tuple(migrations))
