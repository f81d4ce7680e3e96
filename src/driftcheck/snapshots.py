"""Expected schemas on disk: `expected_schemas/`.

Layout:
    manifest.json              what the snapshots were made from (versions, checksums)
    versions/<version>_<name>.json
                               one file per version: the objects it adds or changes
                               (their full model) and the ones it removes
    .cache/                    ignored by git: replay checkpoints, which let a new
                               migration replay from the last unchanged version, and
                               the signature of the files last written or checked

The stored form grows with the changes, not with versions x schema size, and a
new migration adds one small file to review. Objects are stored as the
introspector read them (raw SQL text, never canonical keys), so the files do
not go stale when the normaliser improves.

Whether the snapshots are current is decided from the manifest alone (versions,
checksums, baseline, model version), so `snapshot` with nothing new and
`snapshot --check` load neither the object models nor any schema.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftcheck import __version__
from driftcheck.errors import ReplayError, SnapshotError
from driftcheck.versions import version_key

if TYPE_CHECKING:
    from pydantic import BaseModel

    from driftcheck.migrations.model import MigrationSet
    from driftcheck.model import SchemaObject
    from driftcheck.replay import Baseline, ObjectKey, Replayer, VersionState
    from driftcheck.sqlite.connect import FunctionStub

FORMAT = 1
MANIFEST = "manifest.json"
BASELINE_FILE = "_baseline.json"
KINDS = ("table", "index", "view", "trigger")  # the object kinds a snapshot stores
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


# Raised when the introspector reads the same database into other values (the
# models' shape alone would not show it): 2 resolves implicit foreign-key targets.
READER = 2

# model_shape() of this driftcheck, written down so that deciding whether
# snapshots are current needs neither pydantic nor the object models.
# tests/test_snapshots.py fails, giving the new value, when the shape changes.
MODEL_VERSION = "7f33a649136208af"


@functools.cache
def _models() -> dict[str, type[BaseModel]]:
    from driftcheck.model import Index, Table, Trigger, View

    return {"table": Table, "index": Index, "view": View, "trigger": Trigger}


def model_shape() -> str:
    """A digest of the object models' shape: snapshots from another shape are stale."""
    shapes: list[object] = [m.model_json_schema() for m in _models().values()]
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

    @property
    def files(self) -> list[str]:
        """The version files it lists, the baseline's first."""
        first = [self.baseline["file"]] if self.baseline else []
        return first + [v["file"] for v in self.versions]


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
    return _staleness(directory, manifest, mset, baseline)


def _staleness(
    directory: Path, manifest: Manifest, mset: MigrationSet, baseline: Baseline | None
) -> list[str]:
    reasons = []
    if manifest.model != MODEL_VERSION:
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
    present = _version_files(directory)
    for entry in manifest.versions:
        if entry["file"] not in present:
            reasons.append(f"versions/{entry['file']} is missing")
    return reasons


def _version_files(directory: Path) -> dict[str, os.DirEntry[str]]:
    """The regular files in versions/, by name (one directory listing, not a stat each)."""
    try:
        with os.scandir(directory / "versions") as entries:
            return {e.name: e for e in entries if e.is_file()}
    except OSError:
        return {}


def load(directory: Path) -> tuple[Manifest, list[VersionState]]:
    """Expected schemas from snapshot files alone (no migrations needed)."""
    manifest = read_manifest(directory)
    if manifest is None:
        raise SnapshotError(
            f"{directory}: no expected schemas here ({MANIFEST} is missing or outdated)",
            hint="create them with `driftcheck snapshot --out DIR`",
            code="snapshot_missing",
        )
    base = manifest.baseline
    states = [
        _first_state(
            base["checksum"] if base else None,
            _read_delta(directory, base["file"])[0] if base else (),
        )
    ]
    for v in manifest.versions:
        changed, removed = _read_delta(directory, v["file"])
        states.append(
            states[-1].successor(v["version"], v["name"], v["checksum"], changed, removed)
        )
    return manifest, states


def _first_state(checksum: str | None, objects: Iterable[SchemaObject]) -> VersionState:
    """The state before the first version: the baseline's objects (or none)."""
    from driftcheck.model import raw_hash
    from driftcheck.replay import VersionState, object_key

    by_key = {object_key(o): o for o in objects}
    return VersionState(
        None, "", checksum, by_key, {k: raw_hash(o) for k, o in by_key.items()}, set(by_key)
    )


def _state_at(directory: Path, manifest: Manifest, count: int) -> VersionState:
    """The stored expected schema after the first `count` versions.

    Every file up to there is read and checked once, and the objects are folded
    into one mapping: no state is built for the versions in between.
    """
    from driftcheck.model import raw_hash
    from driftcheck.replay import VersionState, object_key

    objects: dict[ObjectKey, SchemaObject] = {}
    for file in manifest.files[: count + (1 if manifest.baseline else 0)]:
        changed, removed = _read_delta(directory, file)
        for key in removed:
            objects.pop(key, None)
        objects.update((object_key(o), o) for o in changed)
    entry = manifest.versions[count - 1]
    return VersionState(
        entry["version"],
        entry["name"],
        entry["checksum"],
        objects,
        {k: raw_hash(o) for k, o in objects.items()},
    )


def _read_delta(directory: Path, file: str) -> tuple[list[SchemaObject], list[ObjectKey]]:
    """One version file: the objects it adds or changes, the keys it removes."""
    from pydantic import ValidationError

    models = _models()
    path = directory / "versions" / file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        changed: list[SchemaObject] = []
        for key, body in data["changed"].items():
            kind, _, name = key.partition(":")
            if kind not in models:
                raise ValueError(f"unknown object kind {kind!r} in {key!r}")
            obj = models[kind].model_validate(body)
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
    return changed, removed


def _first_error(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        return f"{exc.title} at {loc}: {err['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _parse_key(text: str) -> ObjectKey:
    from driftcheck.normalize import fold

    kind, sep, name = str(text).partition(":")
    if not sep or kind not in KINDS:
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


def _files(mset: MigrationSet, baseline: Baseline | None) -> list[str]:
    """The version files of `mset`, the baseline's first (as Manifest.files lists them)."""
    first = [BASELINE_FILE] if baseline is not None else []
    return first + [_file_name(m.version, m.name) for m in mset.migrations]


def write(
    directory: Path,
    mset: MigrationSet,
    baseline: Baseline | None,
    states: Sequence[VersionState],
    start: int = 0,
) -> int:
    """Write the manifest and the files of the versions after `start`; return how
    many files changed.

    `states[j]` is the expected schema after `start + j` versions. The files of
    the first `start` versions are left as they are (they are current); so is the
    baseline's, unless `start` is 0.
    """
    (directory / "versions").mkdir(parents=True, exist_ok=True)
    written = 0
    files = _files(mset, baseline)
    entries = [
        {"version": m.version, "name": m.name, "checksum": m.checksum, "file": file}
        for m, file in zip(mset.migrations, files[1:] if baseline else files, strict=True)
    ]
    if baseline is not None and start == 0:
        written += _write_if_changed(
            directory / "versions" / BASELINE_FILE,
            _delta_json(states[0], None, "baseline", baseline.checksum),
        )
    for m, entry, state in zip(mset.migrations[start:], entries[start:], states[1:], strict=True):
        written += _write_if_changed(
            directory / "versions" / entry["file"],
            _delta_json(state, m.version, m.name, m.checksum),
        )
    keep = set(files)
    for stale in _version_files(directory):
        if stale.endswith(".json") and stale not in keep:
            (directory / "versions" / stale).unlink()
            written += 1
    manifest = {
        "format": FORMAT,
        "generator": f"driftcheck {__version__}",
        "model": MODEL_VERSION,
        "note": "Generated by `driftcheck snapshot`; do not edit. Each file in versions/ "
        "holds the objects one version adds or changes.",
        "migrations": {"source": mset.source, "format": mset.format},
        "baseline": {
            "file": BASELINE_FILE,
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
    # Every version's state after a full replay; empty otherwise (nothing was
    # replayed, or only the newest versions, whose states are not complete schemas).
    states: list[VersionState]
    replayed_from: int | None  # index of the first replayed version; None: nothing replayed
    files_written: int


def _chain_hashes(
    mset: MigrationSet, baseline: Baseline | None, functions: Iterable[FunctionStub]
) -> list[str]:
    """One hash per state: everything that determines the replayed database."""
    import sqlite3

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


# The version files as last written or checked by `snapshot` (see _signature).
CHECKED = "checked"


def _signature(directory: Path, files: list[str]) -> str | None:
    """Names, sizes and modification times of the version `files` (None: one is
    missing): rsync's quick check. Editing a file, or checking out another version
    of it, changes its time; copying the directory with its times kept does not.
    """
    present = _version_files(directory)
    h = hashlib.sha256()
    for file in files:
        entry = present.get(file)
        if entry is None:
            return None
        st = entry.stat()
        h.update(f"\0{file}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _is_checked(directory: Path, manifest: Manifest) -> bool:
    try:
        recorded = (directory / ".cache" / CHECKED).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return recorded == _signature(directory, manifest.files)


def _record_checked(directory: Path, files: list[str]) -> None:
    signature = _signature(directory, files)
    if signature is not None:
        with contextlib.suppress(OSError):  # a read-only checkout: check again next time
            (_cache_dir(directory) / CHECKED).write_text(signature + "\n", encoding="utf-8")


def snapshot(
    directory: Path,
    mset: MigrationSet,
    baseline: Baseline | None,
    functions: Sequence[FunctionStub],
    progress: Callable[[int, int], None] | None = None,
) -> SnapshotResult:
    """Bring `directory` up to date, replaying only from the last unchanged version.

    When the manifest describes `mset` and the files are as this function last
    left them, only the manifest is read and the files' sizes and times looked
    at: no schema is built.
    """
    n = len(mset.migrations)
    manifest = None
    with contextlib.suppress(SnapshotError):  # unreadable: rewrite it
        manifest = read_manifest(directory)
    if manifest is not None and not _staleness(directory, manifest, mset, baseline):
        if _is_checked(directory, manifest):
            return SnapshotResult([], None, 0)
        # Files never checked here (a fresh clone) or touched since: read them all.
        try:
            load(directory)
        except SnapshotError:
            manifest = None  # damaged by hand: write it anew
        else:
            _record_checked(directory, manifest.files)
            return SnapshotResult([], None, 0)

    chain = _chain_hashes(mset, baseline, functions)
    cache = _cache_dir(directory)
    # Checkpoints of the last two versions: a new migration, or an edit of the
    # newest one (the usual cases while developing), replays one version.
    keep = {i for i in (n - 1, n) if i > 0}
    resume = _resume_point(manifest, mset, baseline, cache, chain)
    replayed = None
    if resume is not None and manifest is not None:
        replayed = _resume(
            directory, manifest, mset, functions, progress, cache, chain, keep, resume
        )
    if replayed is not None and resume is not None:
        written = write(directory, mset, baseline, replayed, resume)
        result = SnapshotResult([], resume, written)
    else:
        from driftcheck.replay import Replayer

        with Replayer(functions) as replayer:
            states: list[VersionState] = [replayer.initial_state(baseline)]
            replayer.run(
                states, mset.migrations, progress, _saver(cache, chain, keep, replayer, states)
            )
        result = SnapshotResult(states, 0, write(directory, mset, baseline, states))
    for old in cache.iterdir():  # checkpoints of other histories
        if old.suffix in (".ckpt", ".hashes") and old.stem not in {chain[i] for i in keep}:
            old.unlink(missing_ok=True)
    _record_checked(directory, _files(mset, baseline))
    return result


def _resume(
    directory: Path,
    manifest: Manifest,
    mset: MigrationSet,
    functions: Sequence[FunctionStub],
    progress: Callable[[int, int], None] | None,
    cache: Path,
    chain: list[str],
    keep: set[int],
    resume: int,
) -> list[VersionState] | None:
    """The states from version `resume` on, replaying from its checkpoint; None when
    the checkpoint or the stored files are damaged (then everything is replayed)."""
    import sqlite3
    import zlib

    from driftcheck.replay import Replayer
    from driftcheck.sqlite.connect import open_memory

    conn = open_memory(functions)
    try:
        states = [_resume_state(directory, manifest, cache / f"{chain[resume]}.hashes", resume)]
        conn.deserialize(zlib.decompress((cache / f"{chain[resume]}.ckpt").read_bytes()))
        with Replayer(functions, conn) as replayer:
            return replayer.run(
                states,
                mset.migrations[resume:],
                progress,
                _saver(cache, chain, keep, replayer, states, offset=resume),
            )
    except (SnapshotError, sqlite3.Error, zlib.error, OSError):
        return None  # a damaged cache or snapshot: replay everything
    except ReplayError:
        # Replayed from a checkpoint, the states before it are hashes only: replaying
        # everything fails the same way, with the whole history to explain it by.
        return None
    finally:
        conn.close()


def _resume_state(directory: Path, manifest: Manifest, hashes: Path, count: int) -> VersionState:
    """The state after `count` versions, to replay the next ones from.

    When the stored files are as last checked, the raw `hashes` saved beside the
    checkpoint are all it takes: a replayed version's file holds what it reads
    anew and what changed against those hashes, so the objects it leaves alone
    are never loaded. (Such states are not complete schemas: they stay here.)
    Otherwise the stored files are read, and checked, into the complete state, so
    that the files this run then records as checked have all been checked.
    """
    from driftcheck.replay import VersionState

    if _is_checked(directory, manifest):
        with contextlib.suppress(OSError, ValueError, TypeError):
            rows = json.loads(hashes.read_text(encoding="utf-8"))
            entry = manifest.versions[count - 1]
            return VersionState(
                entry["version"],
                entry["name"],
                entry["checksum"],
                {},
                {(str(kind), str(name)): str(h) for kind, name, h in rows},
            )
    return _state_at(directory, manifest, count)


def _saver(
    cache: Path,
    chain: list[str],
    keep: set[int],
    replayer: Replayer,
    states: list[VersionState],
    offset: int = 0,
) -> Callable[[int], None]:
    """Saves the checkpoints worth keeping, each with its state's raw hashes.

    `states[i]` is the state after `offset + i` versions.
    """
    import zlib

    def save(i: int) -> None:
        if i + offset in keep:
            name = chain[i + offset]
            # Mostly empty pages: compression makes checkpoints a fraction of the size.
            (cache / f"{name}.ckpt").write_bytes(zlib.compress(replayer.checkpoint(), 1))
            rows = sorted([kind, key, h] for (kind, key), h in states[i].hashes.items())
            (cache / f"{name}.hashes").write_text(json.dumps(rows), encoding="utf-8")

    return save


def _resume_point(
    manifest: Manifest | None,
    mset: MigrationSet,
    baseline: Baseline | None,
    cache: Path,
    chain: list[str],
) -> int | None:
    """The latest unchanged version with a replay checkpoint in the cache."""
    if manifest is None or manifest.model != MODEL_VERSION:
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
