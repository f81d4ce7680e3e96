"""Expected schemas on disk: `expected_schemas/`.

Layout:
    manifest.json              what the snapshots were made from (versions, checksums)
    versions/<version>_<name>.json
                               one file per version: the objects it adds or changes
                               (their full model) and the ones it removes
    .cache/                    replay checkpoints (ignored by git): lets a new
                               migration replay from the last unchanged version

The stored form grows with the changes, not with versions x schema size, and a
new migration adds one small file to review. Objects are stored as the
introspector read them (raw SQL text, never canonical keys), so the files do
not go stale when the normaliser improves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from driftcheck import __version__
from driftcheck.errors import SnapshotError
from driftcheck.migrations.model import MigrationSet
from driftcheck.model import Index, SchemaObject, Table, Trigger, View, raw_hash
from driftcheck.replay import Baseline, ObjectKey, Replayer, VersionState, object_key
from driftcheck.sqlite.connect import FunctionStub, open_memory
from driftcheck.versions import version_key

FORMAT = 1
MANIFEST = "manifest.json"
_MODELS: dict[str, type[BaseModel]] = {
    "table": Table,
    "index": Index,
    "view": View,
    "trigger": Trigger,
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


# Raised when the introspector reads the same database into other values (the
# models' shape alone would not show it): 2 resolves implicit foreign-key targets.
READER = 2


def model_version() -> str:
    """A digest of the object models' shape: snapshots from another shape are stale."""
    shapes: list[object] = [m.model_json_schema() for m in _MODELS.values()]
    shapes.append({"reader": READER})
    return hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Manifest:
    source: str
    format: str
    baseline: dict[str, str] | None
    versions: list[dict[str, str]]  # version, name, checksum, file
    model: str = ""
    generator: str = ""

    def generator_note(self) -> str:
        return self.generator or "another driftcheck version"

    @property
    def chain(self) -> list[tuple[str, str]]:
        return [(v["version"], v["checksum"]) for v in self.versions]


def read_manifest(directory: Path) -> Manifest | None:
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None  # another layout: treat as stale, `snapshot` rewrites it
        return Manifest(
            source=str(data["migrations"]["source"]),
            format=str(data["migrations"]["format"]),
            baseline=data.get("baseline"),
            versions=[
                {k: str(v[k]) for k in ("version", "name", "checksum", "file")}
                for v in data["versions"]
            ],
            model=str(data.get("model", "")),
            generator=str(data.get("generator", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(
            f"{path}: not a driftcheck snapshot manifest ({type(exc).__name__}: {exc})",
            hint="regenerate it with `driftcheck snapshot`",
            code="snapshot_invalid",
        ) from None


def staleness(directory: Path, mset: MigrationSet, baseline: Baseline | None) -> list[str]:
    """Why the snapshots in `directory` do not describe `mset` ([] when fresh)."""
    manifest = read_manifest(directory)
    if manifest is None:
        return [f"{directory}/{MANIFEST} is missing or from another driftcheck format"]
    reasons = []
    if manifest.model != model_version():
        reasons.append(f"written by {manifest.generator_note()} with another schema model")
    want_baseline = baseline.checksum if baseline else None
    have_baseline = manifest.baseline["checksum"] if manifest.baseline else None
    if want_baseline != have_baseline:
        reasons.append("the replay baseline changed")
    stored = {version_key(v): (v, c) for v, c in manifest.chain}
    current = {version_key(m.version): m for m in mset.migrations}
    for key, m in current.items():
        if key not in stored:
            reasons.append(f"{m.label} (version {m.version}) is new")
        elif stored[key][1] != m.checksum:
            reasons.append(f"{m.label} (version {m.version}) changed since the snapshot")
    for key, (v, _) in stored.items():
        if key not in current:
            reasons.append(f"version {v} is in the snapshots but not in the migrations")
    for entry in manifest.versions:
        if not (directory / "versions" / entry["file"]).is_file():
            reasons.append(f"versions/{entry['file']} is missing")
    return reasons


def load(directory: Path) -> tuple[Manifest, list[VersionState]]:
    """Expected schemas from snapshot files alone (no migrations needed)."""
    manifest = read_manifest(directory)
    if manifest is None:
        raise SnapshotError(
            f"{directory}: no expected schemas here ({MANIFEST} is missing or outdated)",
            hint="create them with `driftcheck snapshot --out DIR`",
            code="snapshot_missing",
        )
    state = VersionState(
        None, "", manifest.baseline["checksum"] if manifest.baseline else None, {}, {}
    )
    if manifest.baseline:
        state = _apply_delta(directory, manifest.baseline["file"], state, None)
    states = [state]
    for v in manifest.versions:
        states.append(_apply_delta(directory, v["file"], states[-1], v))
    return manifest, states


def _apply_delta(
    directory: Path, file: str, state: VersionState, entry: dict[str, str] | None
) -> VersionState:
    path = directory / "versions" / file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        changed: list[SchemaObject] = []
        for key, body in data["changed"].items():
            kind, _, name = key.partition(":")
            if kind not in _MODELS:
                raise ValueError(f"unknown object kind {kind!r} in {key!r}")
            obj = _MODELS[kind].model_validate(body)
            if obj.name != name:  # type: ignore[attr-defined]
                raise ValueError(f"{key!r} holds an object named {obj.name!r}")  # type: ignore[attr-defined]
            changed.append(obj)  # type: ignore[arg-type]
        removed = [_parse_key(k) for k in data["removed"]]
    except FileNotFoundError:
        raise SnapshotError(
            f"{path}: missing",
            hint="regenerate with `driftcheck snapshot`",
            code="snapshot_invalid",
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        detail = _first_error(exc)
        raise SnapshotError(
            f"{path}: not a valid snapshot file: {detail}",
            hint="do not edit snapshot files by hand; regenerate them with "
            "`driftcheck snapshot` (this driftcheck writes them as "
            f"{__version__})",
            code="snapshot_invalid",
        ) from None
    if entry is None:
        return VersionState(
            None,
            "",
            state.checksum,
            {object_key(o): o for o in changed},
            {object_key(o): raw_hash(o) for o in changed},
            {object_key(o) for o in changed},
        )
    return state.successor(entry["version"], entry["name"], entry["checksum"], changed, removed)


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        return f"{exc.title} at {loc}: {err['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _parse_key(text: str) -> ObjectKey:
    from driftcheck.normalize import fold

    kind, sep, name = str(text).partition(":")
    if not sep or kind not in _MODELS:
        raise ValueError(f"bad object key {text!r}")
    return (kind, fold(name))


# --------------------------------------------------------------------------
# Writing


def _dump_object(obj: SchemaObject) -> dict[str, Any]:
    return obj.model_dump(mode="json", exclude_defaults=True, exclude={"kind"})


def _delta_json(state: VersionState, version: str | None, name: str, checksum: str | None) -> str:
    changed = {
        f"{k}:{state.objects[(k, n)].name}": _dump_object(state.objects[(k, n)])
        for k, n in sorted(state.changed)
    }
    data = {
        "version": version,
        "name": name,
        "checksum": checksum,
        "changed": changed,
        "removed": sorted(f"{k}:{n}" for k, n in state.removed),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _file_name(version: str, name: str) -> str:
    stem = f"{version}_{name}" if name else version
    return _SAFE.sub("_", stem) + ".json"


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write(
    directory: Path, mset: MigrationSet, baseline: Baseline | None, states: Sequence[VersionState]
) -> int:
    """Write manifest and per-version files; return how many files changed."""
    (directory / "versions").mkdir(parents=True, exist_ok=True)
    written = 0
    files = []
    entries = []
    if baseline is not None:
        files.append("_baseline.json")
        written += _write_if_changed(
            directory / "versions" / "_baseline.json",
            _delta_json(states[0], None, "baseline", baseline.checksum),
        )
    for m, state in zip(mset.migrations, states[1:], strict=True):
        file = _file_name(m.version, m.name)
        files.append(file)
        entries.append({"version": m.version, "name": m.name, "checksum": m.checksum, "file": file})
        written += _write_if_changed(
            directory / "versions" / file, _delta_json(state, m.version, m.name, m.checksum)
        )
    for stale in (directory / "versions").glob("*.json"):
        if stale.name not in files:
            stale.unlink()
            written += 1
    manifest = {
        "format": FORMAT,
        "generator": f"driftcheck {__version__}",
        "model": model_version(),
        "note": "Generated by `driftcheck snapshot`; do not edit. Each file in versions/ "
        "holds the objects one version adds or changes.",
        "migrations": {"source": mset.source, "format": mset.format},
        "baseline": {
            "file": "_baseline.json",
            "checksum": baseline.checksum,
            "source": baseline.file,
        }
        if baseline
        else None,
        "versions": entries,
    }
    written += _write_if_changed(
        directory / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    )
    return written


# --------------------------------------------------------------------------
# Incremental snapshotting


@dataclass(frozen=True)
class SnapshotResult:
    states: list[VersionState]
    replayed_from: int | None  # index of the first replayed version; None: nothing replayed
    files_written: int


def _chain_hashes(
    mset: MigrationSet, baseline: Baseline | None, functions: Iterable[FunctionStub]
) -> list[str]:
    """One hash per state: everything that determines the replayed database."""
    h = hashlib.sha256()
    h.update(
        f"{FORMAT}|{sqlite3.sqlite_version}|{baseline.checksum if baseline else ''}|"
        f"{sorted((f.name, f.nargs, f.identity) for f in functions)}".encode()
    )
    out = [h.hexdigest()]
    for m in mset.migrations:
        h.update(m.checksum.encode())
        out.append(h.hexdigest())
    return out


def _cache_dir(directory: Path) -> Path:
    cache = directory / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return cache


def snapshot(
    directory: Path,
    mset: MigrationSet,
    baseline: Baseline | None,
    functions: Sequence[FunctionStub],
    progress: Callable[[int, int], None] | None = None,
) -> SnapshotResult:
    """Bring `directory` up to date, replaying only from the last unchanged version."""
    manifest = None
    with contextlib.suppress(SnapshotError):  # unreadable: rewrite it
        manifest = read_manifest(directory)
    if manifest is not None and not staleness(directory, mset, baseline):
        try:
            return SnapshotResult(load(directory)[1], None, 0)
        except SnapshotError:
            manifest = None  # damaged by hand: write it anew

    chain = _chain_hashes(mset, baseline, functions)
    cache = _cache_dir(directory)
    n = len(mset.migrations)
    # Checkpoints of the last two versions: a new migration, or an edit of the
    # newest one (the usual cases while developing), replays one version.
    keep = {i for i in (n - 1, n) if i > 0}
    states: list[VersionState] | None = None
    start = 0
    resume = _resume_point(manifest, mset, baseline, cache, chain)
    if resume is not None:
        conn = open_memory(functions)
        try:
            _, old_states = load(directory)
            conn.deserialize(zlib.decompress((cache / f"{chain[resume]}.ckpt").read_bytes()))
            with Replayer(functions, conn) as replayer:
                states = replayer.run(
                    list(old_states[: resume + 1]),
                    mset.migrations[resume:],
                    progress,
                    _saver(cache, chain, keep, replayer),
                )
            start = resume
        except (SnapshotError, sqlite3.Error, zlib.error):
            states = None  # a damaged cache or snapshot: replay everything
        finally:
            conn.close()
    if states is None:
        with Replayer(functions) as replayer:
            states = replayer.run(
                [replayer.initial_state(baseline)],
                mset.migrations,
                progress,
                _saver(cache, chain, keep, replayer),
            )
        start = 0
    for old in cache.glob("*.ckpt"):  # checkpoints of other histories
        if old.stem not in {chain[i] for i in keep}:
            old.unlink(missing_ok=True)
    written = write(directory, mset, baseline, states)
    return SnapshotResult(states, start, written)


def _saver(
    cache: Path, chain: list[str], keep: set[int], replayer: Replayer
) -> Callable[[int], None]:
    def save(i: int) -> None:
        if i in keep:
            # Mostly empty pages: compression makes checkpoints a fraction of the size.
            data = zlib.compress(replayer.checkpoint(), 1)
            (cache / f"{chain[i]}.ckpt").write_bytes(data)

    return save


def _resume_point(
    manifest: Manifest | None,
    mset: MigrationSet,
    baseline: Baseline | None,
    cache: Path,
    chain: list[str],
) -> int | None:
    """The latest unchanged version with a replay checkpoint in the cache."""
    if manifest is None or manifest.model != model_version():
        return None  # nothing to resume from, or stored with another model shape
    if (manifest.baseline or {}).get("checksum") != (baseline.checksum if baseline else None):
        return None
    prefix = 0  # leading versions unchanged since the last snapshot
    for (v, c), m in zip(manifest.chain, mset.migrations, strict=False):
        if version_key(v) != version_key(m.version) or c != m.checksum:
            break
        prefix += 1
    for i in range(prefix, 0, -1):
        if (cache / f"{chain[i]}.ckpt").is_file():
            return i
    return None
