"""The producers corpus: databases built by real tools, checked against hand-written migrations.

Real tools write SQLite DDL their own way: quoted or backticked names, `INTEGER NOT NULL
PRIMARY KEY AUTOINCREMENT`, named constraints, `REFERENCES t ("id")`, `COLLATE "NOCASE"`,
table-level CHECKs, separate unique indexes, `DEFAULT false`, table rebuilds through
`temporary_`/`new_`/`__new_` tables. A person writing the same schema by hand writes it
another way. driftcheck must find the tool's database clean against hand-written migrations
that mean the same schema.

    tests/producers/<producer>/schema.sql      the DDL exactly as the tool emits it (Drizzle's
                                               `--> statement-breakpoint` chunks run one by one)
    tests/producers/<producer>/models.py       instead of schema.sql: SQLAlchemy models; the
                                               DDL is `metadata.create_all(engine)`, once with
                                               default names and once with a naming convention
    tests/producers/<producer>/migrations/     the same schema written by hand (plain 0001_*.sql)
    tests/producers/<producer>/probe.sql       optional; tests/producers/probe.sql otherwise
    tests/producers/<producer>/SOURCE.md       where the DDL's form comes from

For each producer:
1. behaviour: the probe's statements give the same outcomes on the tool's schema and on the
   hand-written one (tests/behaviour.py). This only uses sqlite3: it says the corpus is right.
2. `validate --format json`: exit 0, status clean, no change of severity error or warning and
   no plan entry with action "flag".
3. `plan --format json`: no flag.
4. `apply --yes` records the versions (exit 0); `validate` again: exit 0, status clean.

DRIFTCHECK_PRODUCERS points the test at another corpus with the same layout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from behaviour import differences

PRODUCERS = Path(os.environ.get("DRIFTCHECK_PRODUCERS") or Path(__file__).parent / "producers")
BREAKPOINT = "--> statement-breakpoint"
# models.py producers: variant name -> whether to use the module's NAMING_CONVENTION.
MODEL_VARIANTS = {"default": False, "naming_convention": True}


@dataclass(frozen=True)
class Producer:
    id: str
    folder: Path
    variant: str | None = None  # for models.py producers

    @property
    def migrations(self) -> Path:
        return self.folder / "migrations"

    @property
    def probe(self) -> str:
        own = self.folder / "probe.sql"
        return (own if own.exists() else PRODUCERS / "probe.sql").read_text(encoding="utf-8")

    def handwritten(self) -> str:
        files = sorted(self.migrations.glob("*.sql"))
        return "\n".join(f.read_text(encoding="utf-8") for f in files)


def _producers() -> list[Any]:
    if not PRODUCERS.is_dir():
        return []
    params: list[Any] = []
    for folder in sorted(p for p in PRODUCERS.iterdir() if p.is_dir()):
        if (folder / "schema.sql").exists():
            params.append(pytest.param(Producer(folder.name, folder), id=folder.name))
        elif (folder / "models.py").exists():
            for variant in MODEL_VARIANTS:
                name = f"{folder.name}-{variant}"
                params.append(pytest.param(Producer(name, folder, variant), id=name))
    return params


PRODUCER_PARAMS = _producers()


def _run_schema_sql(db: Path, text: str) -> None:
    """Execute a tool's DDL the way the tool's own runner does."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        # Drizzle's migrator runs each chunk between breakpoints as its own statement.
        for chunk in text.split(BREAKPOINT) if BREAKPOINT in text else [text]:
            conn.executescript(chunk)
    finally:
        conn.close()


def _load_models(producer: Producer) -> Any:
    module_name = f"_producer_models_{producer.folder.name}"
    spec = importlib.util.spec_from_file_location(module_name, producer.folder / "models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # SQLAlchemy resolves the string annotations (Mapped[int]) through sys.modules when the
    # models are declared, which is after exec_module: the module stays registered.
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _run_models(db: Path, producer: Producer) -> str:
    """`metadata.create_all(engine)` on a file database; returns the DDL SQLAlchemy sent."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy import event

    models = _load_models(producer)
    convention = models.NAMING_CONVENTION if MODEL_VARIANTS[producer.variant or ""] else None
    metadata = models.metadata(convention)
    engine = sqlalchemy.create_engine(f"sqlite:///{db}")
    emitted: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("CREATE"):
            emitted.append(statement.strip())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return "".join(f"{s};\n" for s in emitted)


def build(producer: Producer, db: Path) -> str:
    """Build the tool's database at `db`; returns the DDL that built it."""
    if producer.variant is not None:
        return _run_models(db, producer)
    text = (producer.folder / "schema.sql").read_text(encoding="utf-8")
    _run_schema_sql(db, text)
    return text


# --- what driftcheck says, in one line per finding ---------------------------------------


def _change_line(c: dict[str, Any]) -> str:
    attr = f".{c['attribute']}" if c.get("attribute") else ""
    return (
        f"[{c['severity']}] {c['object_type']} {c['path']} {c['change']}{attr}: "
        f"expected {c['expected']!r}, actual {c['actual']!r}"
    )


def _flag_line(p: dict[str, Any]) -> str:
    return f"[flag] plan {p.get('version')} {p.get('code')}: {p.get('reason')}"


def problems(report: dict[str, Any]) -> list[str]:
    """Changes of severity error/warning, and flagged plan entries."""
    out = [
        _change_line(c)
        for c in report.get("changes") or []
        if c.get("severity") in ("error", "warning")
    ]
    out += [_flag_line(p) for p in report.get("plan") or [] if p.get("action") == "flag"]
    return out


def _report(result: Any, what: str) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        out = f"{result.stdout}\n{result.stderr}"
        pytest.fail(f"{what}: exit {result.exit_code}, no JSON report:\n{out}")
    return report


def _summary(what: str, result: Any, report: dict[str, Any]) -> str:
    lines = problems(report)
    error = report.get("error")
    head = f"{what}: exit {result.exit_code}, status {report.get('status')!r}"
    if error:
        head += f", error {error}"
    return "\n".join([head, *(f"  {line}" for line in lines)])


# --- the tests -----------------------------------------------------------------------------


@pytest.fixture
def producer_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Producer, Path, str]:
    producer: Producer = request.param
    db = tmp_path / f"{producer.id}.db"
    ddl = build(producer, db)
    return producer, db, ddl


pytestmark = pytest.mark.skipif(not PRODUCER_PARAMS, reason=f"no producers under {PRODUCERS}")


@pytest.mark.parametrize("producer_db", PRODUCER_PARAMS, indirect=True)
def test_handwritten_migrations_behave_like_the_tools_schema(
    producer_db: tuple[Producer, Path, str],
) -> None:
    producer, _db, ddl = producer_db
    diffs = differences(ddl, producer.handwritten(), producer.probe)
    assert not diffs, f"{producer.id}: the corpus is wrong, outcomes differ:\n" + "\n".join(diffs)


@pytest.mark.parametrize("producer_db", PRODUCER_PARAMS, indirect=True)
def test_validate_finds_the_tools_database_clean(
    producer_db: tuple[Producer, Path, str], cli: Any
) -> None:
    producer, db, _ddl = producer_db
    args = ("--db", str(db), "--migrations", str(producer.migrations), "--format", "json")
    r = cli("validate", *args)
    report = _report(r, "validate")
    ok = r.exit_code == 0 and report.get("status") == "clean" and not problems(report)
    assert ok, _summary(f"{producer.id} validate", r, report)


@pytest.mark.parametrize("producer_db", PRODUCER_PARAMS, indirect=True)
def test_plan_has_no_flag(producer_db: tuple[Producer, Path, str], cli: Any) -> None:
    producer, db, _ddl = producer_db
    args = ("--db", str(db), "--migrations", str(producer.migrations), "--format", "json")
    r = cli("plan", *args)
    report = _report(r, "plan")
    flags = [_flag_line(p) for p in report.get("plan") or [] if p.get("action") == "flag"]
    ok = r.exit_code in (0, 1) and report.get("status") != "error" and not flags
    assert ok, _summary(f"{producer.id} plan", r, report)


@pytest.mark.parametrize("producer_db", PRODUCER_PARAMS, indirect=True)
def test_apply_records_the_versions_and_validate_stays_clean(
    producer_db: tuple[Producer, Path, str], cli: Any
) -> None:
    producer, db, _ddl = producer_db
    migrations = ("--migrations", str(producer.migrations))
    r = cli("apply", "--db", str(db), *migrations, "--yes")
    assert r.exit_code == 0, f"{producer.id} apply: exit {r.exit_code}\n{r.stdout}\n{r.stderr}"
    r = cli("validate", "--db", str(db), *migrations, "--format", "json")
    report = _report(r, "validate after apply")
    ok = r.exit_code == 0 and report.get("status") == "clean" and not problems(report)
    assert ok, _summary(f"{producer.id} validate after apply", r, report)
    history = report.get("history") or {}
    recorded = {v.get("version") for v in history.get("versions") or []}
    latest = (report.get("migrations") or {}).get("latest_version")
    assert latest in recorded, f"{producer.id}: apply did not record {latest}: {history}"
