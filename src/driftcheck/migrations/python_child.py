"""The child side of a Python migration source: run as `python -c <this file's text>`.

argv: module, attribute path, JSON list of extra sys.path entries, output marker,
JSON {role: [field names to read]}. It imports the module, gets the attribute
(calling it when callable), and prints ONE line, the marker followed by JSON:
the raw fields of every migration. It never imports driftcheck (the child's
sys.path is the project's), and checks nothing beyond what it must to read the
values: python_source validates the JSON on the parent's side.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Mapping
from typing import Any, NoReturn, TextIO

EXPECTED = "expected an iterable of migrations or a mapping keyed by version"


class _Output:
    def __init__(self, stream: TextIO, mark: str) -> None:
        self.stream = stream
        self.mark = mark

    def emit(self, payload: dict[str, Any]) -> NoReturn:
        self.stream.write(self.mark + json.dumps(payload) + "\n")
        self.stream.flush()
        sys.exit(0)

    def fail(self, stage: str, exc: BaseException, **where: Any) -> NoReturn:
        self.emit({"ok": False, "stage": stage, "error": describe(exc), **where})


def describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def short_repr(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def encode(value: object) -> object:
    """A value as JSON: str, int and None as they are, a list or tuple as a JSON list
    of its items, anything else as {"__type__": its type's name}."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return [
            item if isinstance(item, str) else {"__type__": type(item).__name__} for item in value
        ]
    return {"__type__": type(value).__name__}


def has_fields(value: object, names: list[str]) -> bool:
    return any(hasattr(value, name) for name in names)


def resolve(value: object, names: list[str]) -> object:
    """A zero-argument callable standing for a migration, called; anything else as is.

    An object that already has migration fields is never called, so a class whose
    class attributes are the fields (or an item with a __call__) is read, not run.
    """
    if callable(value) and not isinstance(value, Mapping) and not has_fields(value, names):
        return value()
    return value


def read_fields(item: object, names: list[str]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name in names:
        if isinstance(item, Mapping):
            if name in item:
                fields[name] = encode(item[name])
            continue
        try:
            value = getattr(item, name)
        except AttributeError:
            continue
        fields[name] = encode(value)
    return fields


def main(argv: list[str]) -> None:
    module_name, attr_path, extra, mark, roles_json = argv
    out = _Output(sys.stdout, mark)
    sys.stdout = sys.stderr  # whatever the module prints must not corrupt our JSON
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    for entry in json.loads(extra):
        if entry not in sys.path:
            sys.path.append(entry)
    roles: dict[str, list[str]] = json.loads(roles_json)
    names = list(dict.fromkeys(n for spellings in roles.values() for n in spellings))

    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        out.fail("import", exc)
    obj: Any = module
    try:
        for part in attr_path.split("."):
            obj = getattr(obj, part)
    except BaseException as exc:
        out.fail("attribute", exc)
    try:
        if callable(obj) and not isinstance(obj, Mapping):
            obj = obj()
        if isinstance(obj, Mapping):
            field = next((k for k in obj if isinstance(k, str) and k in names), None)
            if field is not None:
                raise TypeError(
                    f"{EXPECTED}, got a single migration (a {type(obj).__name__} "
                    f"with a {field!r} key)"
                )
            pairs: list[tuple[bool, object, object]] = [(True, k, v) for k, v in obj.items()]
        elif isinstance(obj, str | bytes):
            raise TypeError(f"{EXPECTED}, got {type(obj).__name__}")
        else:
            pairs = [(False, None, item) for item in obj]
    except BaseException as exc:
        out.fail("call", exc)

    items = []
    for index, (keyed, key, value) in enumerate(pairs):
        record: dict[str, object] = {}
        if keyed:
            record["key"] = encode(key)
            record["key_label"] = str(key) if isinstance(key, int | str) else short_repr(key)
        try:
            value = resolve(value, names)
            record["fields"] = read_fields(value, names)
            record["label"] = short_repr(value)
        except BaseException as exc:
            out.fail("item", exc, index=index, key_label=record.get("key_label"))
        items.append(record)
    path = getattr(module, "__file__", None)
    out.emit({"ok": True, "keyed": isinstance(obj, Mapping), "file": path, "items": items})


if __name__ == "__main__":
    main(sys.argv[1:])
