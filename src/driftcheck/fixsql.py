"""The SQL that would bring what no version explains in line with the effective version.

`driftcheck plan --format sql` prints it; nothing here runs it. The plan
attributes every difference it can to a version (pending, partial, flagged):
those are left alone, because `apply` or a person resolves them. What is left
(the unattributed flag: objects made, dropped or altered by hand) is brought to
the form the effective version's expected schema gives:

- an index, view or trigger: DROP it, CREATE it from the expected schema's own
  text (objects keep the SQL as SQLite stored it), or both;
- a whole table: DROP TABLE (destructive) or CREATE TABLE;
- anything inside a table (columns, CHECKs, foreign keys, UNIQUE constraints,
  STRICT, ...): SQLite's table rebuild
  (https://www.sqlite.org/lang_altertable.html#otheralter), marked destructive
  where data is lost.

The DDL is the expected schema's stored text, with at most the table name
token replaced; it is never generated (sqlglot rewrites types and meaning).
Dialect-neutral in its imports: it reads the model and the plan, not SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from driftcheck.changes import Change
from driftcheck.model import Schema, SchemaObject, Table
from driftcheck.normalize import fold
from driftcheck.replay import ObjectKey

if TYPE_CHECKING:
    from driftcheck.check import Validation

# Drops: triggers before views (dropping a view drops the triggers on it).
_KIND_ORDER = {"table": 0, "index": 1, "trigger": 2, "view": 3}
_CREATE_ORDER = {"table": 0, "index": 1, "view": 2, "trigger": 3}
_DDL_KIND = {"table": "TABLE", "index": "INDEX", "view": "VIEW", "trigger": "TRIGGER"}


def quote(name: str) -> str:
    """An identifier, always as a name (never as SQL)."""
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------
# The table name inside a stored CREATE TABLE statement

_TOKEN = re.compile(
    r"""
    \s+ | --[^\n]*(?:\n|$) | /\*.*?(?:\*/|$)          # space and comments (skipped)
    | (?P<q>"(?:[^"]|"")*" | \[[^\]]*\] | `(?:[^`]|``)*` | '(?:[^']|'')*')  # quoted
    | (?P<w>[A-Za-z0-9_$\x80-\U0010ffff]+)             # a word
    | (?P<p>.)                                         # punctuation
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(sql: str) -> Iterable[tuple[str, int, int]]:
    """(text, start, end) of the tokens that are not space or comments."""
    for m in _TOKEN.finditer(sql):
        if m.lastgroup is not None:
            yield m.group(), m.start(), m.end()


def _unquote(token: str) -> str:
    if token[:1] in "\"`'" and len(token) >= 2:
        q = token[0]
        return token[1:-1].replace(q + q, q)
    if token[:1] == "[":
        return token[1:-1]
    return token


def rename_create_table(sql: str, name: str, new: str) -> str | None:
    """`sql` (a CREATE TABLE statement as SQLite stores it) creating `new` instead of
    `name`: the name token alone is replaced (a schema prefix goes with it), the rest
    of the text stays byte for byte. None when the statement does not read as a
    CREATE TABLE of `name`."""
    toks = list(_tokens(sql))
    words = [t[0].upper() for t in toks]
    n = 0
    if words[n : n + 1] != ["CREATE"]:
        return None
    n += 1
    if n < len(words) and words[n] in ("TEMP", "TEMPORARY"):
        n += 1
    if words[n : n + 1] != ["TABLE"]:
        return None
    n += 1
    if words[n : n + 3] == ["IF", "NOT", "EXISTS"]:
        n += 3
    if n >= len(toks):
        return None
    first = n
    if n + 2 < len(toks) and toks[n + 1][0] == ".":
        n += 2  # schema.name
    if fold(_unquote(toks[n][0])) != fold(name):
        return None
    return sql[: toks[first][1]] + quote(new) + sql[toks[n][2] :]


# --------------------------------------------------------------------------
# What to do with each object


@dataclass
class _Script:
    drops: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    creates: list[tuple[str, str]] = field(default_factory=list)  # (kind, SQL)
    skipped: list[str] = field(default_factory=list)
    destructive: bool = False
    rebuilds: bool = False


def _summary(changes: list[Change]) -> str:
    return "; ".join(dict.fromkeys(c.message for c in changes))


def _objects_on(schema: Schema, table: str) -> list[SchemaObject]:
    """The indexes and triggers on a table (they go when it is dropped)."""
    on: list[SchemaObject] = [
        *schema.indexes.values(),
        *schema.triggers.values(),
    ]
    return [o for o in on if fold(getattr(o, "table", "")) == fold(table)]


def _find(schema: Schema, key: ObjectKey) -> SchemaObject | None:
    for o in schema.objects():
        if (o.kind, fold(o.name)) == key:
            return o
    return None


def _names(keys: Iterable[ObjectKey]) -> str:
    return ", ".join(f"{kind} {name}" for kind, name in keys)


def _stored(obj: SchemaObject) -> str:
    return obj.sql.strip().rstrip(";").strip() + ";"


def _fresh_name(base: str, taken: set[str]) -> str:
    name, n = f"new_{base}", 1
    while fold(name) in taken:
        n += 1
        name = f"new_{base}_{n}"
    taken.add(fold(name))
    return name


def _rebuild(
    expected: Table,
    actual: Table,
    changes: list[Change],
    script: _Script,
    taken: set[str],
    keep: list[SchemaObject],
) -> None:
    """SQLite's table rebuild: a new table in the expected form, the rows copied."""
    label = f"table {expected.name}"
    if expected.virtual is not None or actual.virtual is not None:
        script.skipped.append(
            f"{label}: a virtual table cannot be rebuilt by copying rows; "
            f"recreate it by hand ({_summary(changes)})"
        )
        return
    new = _fresh_name(expected.name, taken)
    create = rename_create_table(expected.sql, expected.name, new)
    if create is None:
        script.skipped.append(f"{label}: its stored CREATE statement could not be read")
        return
    wanted = {fold(c.name): c for c in expected.columns}
    have = {fold(c.name): c for c in actual.columns}
    common = [c.name for c in expected.columns if fold(c.name) in have and c.generated is None]
    lost = [c.name for c in actual.columns if fold(c.name) not in wanted and c.generated is None]
    added = [c for c in expected.columns if fold(c.name) not in have and c.generated is None]
    # Rowids are kept where both tables have them and no column aliases them.
    names = {fold(c.name) for c in (*expected.columns, *actual.columns)}
    rowid = (
        not expected.without_rowid
        and not actual.without_rowid
        and expected.rowid_alias is None
        and actual.rowid_alias is None
        and not names & {"rowid", "_rowid_", "oid"}
    )
    cols = (["rowid"] if rowid else []) + [quote(c) for c in common]
    script.rebuilds = True
    lines = [f"-- {label}: rebuilt in the form the version gives ({_summary(changes)})"]
    if lost:
        script.destructive = True
        lines.append(
            f"-- DESTRUCTIVE: drops column{'s' if len(lost) != 1 else ''} "
            + ", ".join(f"{expected.name}.{c}" for c in lost)
            + " and every value in "
            + ("them" if len(lost) != 1 else "it")
        )
    for c in added:
        lines.append(
            f"-- column {expected.name}.{c.name} is new: rows get its default"
            + (
                " (NOT NULL without a default: fails if the table has rows)"
                if c.not_null and c.default is None and c.primary_key == 0
                else ""
            )
        )
    lines.append(
        "-- Values are stored with the new columns' types and must satisfy the new "
        "constraints (NOT NULL, CHECK, UNIQUE): a row that does not stops the script"
    )
    lines.append(create.rstrip().rstrip(";") + ";")
    if cols:
        lines.append(
            f"INSERT INTO {quote(new)} ({', '.join(cols)})\n"
            f"  SELECT {', '.join(cols)} FROM {quote(actual.name)};"
        )
    lines.append(f"DROP TABLE {quote(actual.name)};")
    # Legacy mode for the rename: otherwise SQLite checks every view and trigger that
    # names the table while it does not exist, and fails. They name it as before, and
    # it exists again once renamed.
    lines.append("PRAGMA legacy_alter_table=ON;")
    lines.append(f"ALTER TABLE {quote(new)} RENAME TO {quote(expected.name)};")
    lines.append("PRAGMA legacy_alter_table=OFF;")
    for o in sorted(keep, key=lambda o: (_KIND_ORDER[o.kind], fold(o.name))):
        if o.sql:
            lines.append(f"-- {o.kind} {o.name} on {expected.name}: dropped with it, made again")
            lines.append(_stored(o))
    script.tables.append("\n".join(lines))


def _plan_object(
    key: ObjectKey,
    changes: list[Change],
    expected: Schema,
    actual: Schema,
    script: _Script,
    taken: set[str],
    fixed: set[ObjectKey],
    restoring: str | None = None,
) -> None:
    """`restoring`: the recorded version whose object this is (None: no version's)."""
    kind = key[0]
    e = _find(expected, key)
    renamed = [c for c in changes if c.change == "renamed"]
    a = _find(actual, (kind, fold(str(renamed[0].actual)))) if renamed else _find(actual, key)
    what = _summary(changes)
    if restoring is not None:
        what = f"{what}; version {restoring} is recorded as applied"
    if kind == "table":
        if e is None and a is not None:
            script.destructive = True
            gone = "no version creates it" if restoring is None else "a version drops it"
            script.tables.append(
                f"-- table {a.name}: {gone} ({what})\n"
                f"-- DESTRUCTIVE: drops table {a.name} and every row in it\n"
                f"DROP TABLE {quote(a.name)};"
            )
        elif e is not None and a is None:
            script.tables.append(f"-- table {e.name}: {what}\n{_stored(e)}")
        elif e is not None and a is not None and renamed:
            script.tables.append(
                f"-- table {e.name}: {what}\nALTER TABLE {quote(a.name)} RENAME TO {quote(e.name)};"
            )
        elif isinstance(e, Table) and isinstance(a, Table):
            keep = [o for o in _objects_on(actual, a.name) if (o.kind, fold(o.name)) not in fixed]
            _rebuild(e, a, changes, script, taken, keep)
        return
    word = _DDL_KIND[kind]
    if a is not None:
        on = getattr(a, "table", None)
        where = f" on {on}" if on and kind != "view" else ""
        why = "not in the form the version gives"
        if e is None:
            why = "no version creates it" if restoring is None else "a version drops it"
        script.drops.append(
            f"-- {kind} {a.name}{where}: {why} ({what})\nDROP {word} {quote(a.name)};"
        )
    if e is not None:
        made = (
            "as the version gives it"
            if restoring is None
            else f"restored as the version gives it ({what})"
        )
        script.creates.append((kind, f"-- {kind} {e.name}: {made}\n{_stored(e)}"))


def fix_sql(validation: Validation, ignore: Sequence[str] = ()) -> str:
    """The SQL (not run) that would bring the unattributed objects in line with the
    effective version's expected schema; comments say what it does and does not.

    `ignore`: the `ignore` patterns the validation left out (the config's): objects
    they match are not in `validation.actual`, so a rebuilt table's ignored indexes
    and triggers cannot be made again here; the SQL says so when there are any.
    """
    report = validation.report
    index = validation.effective.index
    state = validation.expected.states[index]
    expected = state.schema()
    actual = validation.actual
    unexplained = [c for c in validation.plan.unexplained if c.severity != "info"]
    version = state.version or "(no version)"
    named = f"{version} ({state.name})" if state.version and state.name else version
    head = [
        "-- driftcheck plan --format sql",
        f"-- database: {report.target.database}",
        f"-- effective version: {named}",
        "-- Nothing has been run. This SQL brings the changes no version explains "
        "(the unattributed flag)",
        f"-- in line with version {version}'s expected schema. Review it, back the "
        "database up, and run it",
        "-- so that it stops at the first error: `sqlite3 -bail DATABASE < fix.sql` "
        "(without -bail the",
        "-- sqlite3 shell goes on after an error and would commit half of it).",
    ]
    restore = validation.plan.restore
    others = [
        e
        for e in report.plan
        if e.action in ("apply", "flag") and e.version is not None and e.version not in restore
    ]
    # What another version's flag concerns is that flag's to settle (present is not
    # True: the database lacks that version's form of it).
    flagged: set[ObjectKey] = {
        (ev.object_type, fold(ev.name))
        for e in others
        if e.action == "flag"
        for ev in e.evidence
        if ev.present is not True
    }
    if restore:
        head.append(
            "-- Restored here: objects of versions the history records as applied that were "
            "dropped or"
        )
        head.append(
            f"-- changed by hand, to the form version {version}'s expected schema gives them:"
        )
        for v, keys in restore.items():
            head.append(f"--   {v}: {_names(keys)}")
    if others:
        head.append("-- Not touched here (versions account for them; apply runs pending ones):")
        for e in others:
            concerned = [
                f"{ev.object_type} {ev.name}" for ev in e.evidence if ev.present is not True
            ]
            shown = f": {', '.join(concerned)}" if concerned and e.action == "flag" else ""
            head.append(f"--   {e.version} {e.action} {e.code}{shown}")
    restoring = {k: v for v, keys in restore.items() for k in keys}
    by_owner: dict[ObjectKey, list[Change]] = {}
    for c in unexplained:
        by_owner.setdefault(c.owner.key, []).append(c)
    for c in validation.effective.changes:
        if c.severity != "info" and c.owner.key in restoring and c not in unexplained:
            by_owner.setdefault(c.owner.key, []).append(c)
    if not by_owner:
        return (
            "\n".join([*head, "-- Nothing to do: no change in the database is unexplained."]) + "\n"
        )

    # An object that also has differences a version explains is left to that
    # version's flag: rebuilding it to the expected form would settle both silently.
    # A restored version's objects are brought to the expected form here.
    explained = {
        c.owner.key
        for c in validation.effective.changes
        if c.severity != "info" and c not in unexplained and c.owner.key not in restoring
    } | (set(restoring) & flagged)
    script = _Script()
    taken = {fold(t) for t in (*actual.tables, *expected.tables)}
    fixed = set(by_owner) - explained
    # A renamed object is found in the database under its other name.
    fixed |= {
        (c.owner.kind, fold(str(c.actual)))
        for key in fixed
        for c in by_owner[key]
        if c.change == "renamed"
    }
    for key in sorted(by_owner, key=lambda k: (_KIND_ORDER[k[0]], k[1])):
        changes = by_owner[key]
        if key in explained:
            script.skipped.append(
                f"{key[0]} {changes[0].owner.name}: a version's flag also concerns it "
                f"({_summary(changes)}); resolve that flag first"
            )
            continue
        _plan_object(key, changes, expected, actual, script, taken, fixed, restoring.get(key))

    # Creates in dependency order: a trigger may be on a view (INSTEAD OF).
    creates = sorted(script.creates, key=lambda c: _CREATE_ORDER[c[0]])
    body = [*script.drops, *script.tables, *(text for _, text in creates)]
    out = head[:]
    if script.destructive:
        out.append("-- DESTRUCTIVE: this script deletes data (see the DESTRUCTIVE notes below).")
    if script.rebuilds and ignore:
        out.append(
            "-- A rebuilt table's indexes and triggers that `ignore` leaves out of the check "
            f"({', '.join(ignore)}) are dropped with it and not made again here."
        )
    for s in script.skipped:
        out.append(f"-- Left alone: {s}")
    if not body:
        out.append("-- Nothing this script can do; see above.")
        return "\n".join(out) + "\n"
    out += ["", "PRAGMA foreign_keys=OFF;", "BEGIN;", ""]
    out += [b + "\n" for b in body]
    if script.rebuilds or script.destructive:
        out += [
            "-- Stops here, before COMMIT, if a foreign key is broken (also one broken before):",
            "-- PRAGMA foreign_key_check lists them.",
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_foreign_key_check) "
            "THEN abs(-9223372036854775808) END;",
        ]
    out += ["COMMIT;", "PRAGMA foreign_keys=ON;"]
    return "\n".join(out) + "\n"
