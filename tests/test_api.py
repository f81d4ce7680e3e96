"""The Python API: the CLI is its client, so the two give the same reports; it is safe in
threads, loads nothing at import, and its example app runs."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import driftcheck
from conftest import EXAMPLES, ROOT, apply_files, make_db
from driftcheck.errors import ConfigError, DriftcheckError

FOUNDING = ROOT / "tests" / "founding"


def _drifted(tmp_path: Path, name: str = "app.db", upto: int = 9) -> Path:
    """The bookshelf example at version `upto`, recorded in user_version, plus a hand-made
    index."""
    db = tmp_path / name
    files = sorted(EXAMPLES.glob("*.sql"))[:upto]
    apply_files(db, files)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {upto}")
    conn.execute("CREATE INDEX hand_made ON books(title)")
    conn.close()
    return db


def _same(a: str, b: str) -> None:
    x, y = json.loads(a), json.loads(b)
    for doc in (x, y):
        doc.pop("generated_at", None)
    assert x == y


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def test_the_cli_prints_what_the_api_returns(cli, here: Path) -> None:
    db = _drifted(here)
    m = str(EXAMPLES)
    report = driftcheck.validate(db, migrations=EXAMPLES)
    assert report.status == "drift" and report.effective_version == "0009"
    _same(cli("validate", "--db", str(db), "-m", m, "-f", "json").stdout, report.model_dump_json())
    _same(
        cli("plan", "--db", str(db), "-m", m, "-f", "json").stdout,
        driftcheck.plan(str(db), migrations=m).model_dump_json(),
    )
    assert cli("plan", "--db", str(db), "-m", m, "-f", "sql").stdout == driftcheck.plan_sql(
        db, migrations=m
    )
    _same(
        cli("diff", "version:0009", str(db), "-m", m, "-f", "json").stdout,
        driftcheck.diff("version:0009", db, migrations=m).model_dump_json(),
    )
    assert json.loads(cli("inspect", "--db", str(db)).stdout) == driftcheck.inspect(db).to_dict()
    assert (
        json.loads(cli("inspect", "--version", "3", "-m", m).stdout)
        == driftcheck.inspect(version="3", migrations=m).to_dict()
    )
    out = here / "exp"
    written = driftcheck.snapshot(out, migrations=m)
    assert written.status == "written" and written.versions == 13
    _same(
        cli("snapshot", "--check", "--out", str(out), "-m", m, "-f", "json").stdout,
        driftcheck.snapshot(out, check=True, migrations=m).model_dump_json(),
    )


def test_apply_through_the_api(here: Path) -> None:
    db = _drifted(here, upto=9)
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX hand_made")
    conn.commit()
    conn.close()
    seen: list[str] = []
    dry = driftcheck.apply(db, migrations=EXAMPLES, dry_run=True)
    assert dry.outcome == "dry_run" and [s.action for s in dry.steps] == ["apply"] * 4
    done = driftcheck.apply(
        db,
        migrations=EXAMPLES,
        to="0011",
        backup=here / "before.db",
        on_step=lambda d: seen.append(d.version),
    )
    assert done.outcome == "done", done.error
    assert seen == ["0010", "0011"] and done.backup == str(here / "before.db")
    assert (here / "before.db").exists()
    assert done.report is not None and done.report.status == "pending"
    # driftcheck.apply stays the function after the pipeline's modules were imported.
    assert callable(driftcheck.apply) and callable(driftcheck.diff) and callable(driftcheck.plan)
    rest = driftcheck.apply(db, migrations=EXAMPLES, backup=False)
    assert rest.outcome == "done" and [s.version for s in rest.steps] == ["0012", "0013"]
    assert driftcheck.apply(db, migrations=EXAMPLES).outcome == "nothing_to_do"


def test_apply_refuses_a_flagged_plan_and_reports_a_failure(here: Path) -> None:
    db = _drifted(here, upto=5)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 9")  # 6 to 9 recorded, and absent: flags
    conn.commit()
    conn.close()
    image = db.read_bytes()
    refused = driftcheck.apply(db, migrations=EXAMPLES)
    assert refused.outcome == "refused" and refused.steps == []
    assert {f.code for f in refused.flags} == {"recorded_but_absent", "unattributed"}
    assert refused.error is not None and "flag" in refused.error.message
    assert db.read_bytes() == image
    migs = here / "migs"
    migs.mkdir()
    (migs / "0001_a.sql").write_text("CREATE TABLE a (x);\n")
    (migs / "0002_b.sql").write_text("CREATE TABLE b (y);\nINSERT INTO nowhere VALUES (1);\n")
    fresh = here / "fresh.db"
    with pytest.raises(DriftcheckError) as exc:
        driftcheck.apply(fresh, migrations=migs)  # the migrations do not replay
    assert "0002" in str(exc.value) and "nowhere" in str(exc.value)


def test_config_as_a_mapping_is_checked_like_the_file(here: Path) -> None:
    db = make_db(here / "h.db", "CREATE TABLE t (x); CREATE TABLE hist (version TEXT);")
    migs = here / "m"
    migs.mkdir()
    (migs / "0001_t.sql").write_text("CREATE TABLE t (x);\n")
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO hist VALUES ('0001')")
    conn.commit()
    conn.close()
    cfg = {"migrations": str(migs), "history": {"kind": "table", "table": "hist"}}
    report = driftcheck.validate(db, config=cfg)
    assert report.status == "clean" and report.history is not None
    assert report.history.recorded_version == "0001"
    with pytest.raises(ConfigError) as bad:
        driftcheck.validate(db, config={"histroy": {"kind": "table"}})
    assert "histroy" in bad.value.message and bad.value.hint
    with pytest.raises(ConfigError) as wrong:
        driftcheck.validate(db, migrations=migs, history="tabel")
    assert "tabel" in wrong.value.message and "table" in (wrong.value.hint or "")


def test_errors_are_driftcheck_errors_naming_the_culprit(here: Path) -> None:
    with pytest.raises(DriftcheckError) as exc:
        driftcheck.validate(here / "missing.db", migrations=EXAMPLES)
    assert "missing.db" in exc.value.message and exc.value.code
    with pytest.raises(DriftcheckError) as exc:
        driftcheck.inspect(here / "x.db", version="1", migrations=EXAMPLES)
    assert exc.value.code == "usage"


def test_calls_from_many_threads_give_the_serial_answers(here: Path) -> None:
    dbs = [_drifted(here, f"t{i}.db", upto=4 + i % 9) for i in range(12)]
    serial = [driftcheck.validate(db, migrations=EXAMPLES).model_dump_json() for db in dbs]
    found: dict[int, str] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(k: int) -> None:
        try:
            start.wait()
            for i in range(k, len(dbs), 6):
                found[i] = driftcheck.validate(dbs[i], migrations=EXAMPLES).model_dump_json()
                driftcheck.diff(dbs[i], dbs[(i + 1) % len(dbs)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [found[i] for i in range(len(dbs))] == serial


def test_import_driftcheck_loads_nothing_heavy() -> None:
    code = (
        "import sys, driftcheck\n"
        "print(sorted(m for m in ('pydantic', 'sqlglot', 'typer', 'driftcheck.api') "
        "if m in sys.modules))\n"
        "print(callable(driftcheck.validate), 'driftcheck.api' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "True True"]


def test_the_public_names_stay_the_api_after_every_module_is_imported() -> None:
    """A submodule named like a function (driftcheck/apply.py) would replace it on the
    package once imported: `driftcheck.apply(...)` would then call a module."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(driftcheck.__path__, "driftcheck."):
        if not info.name.endswith(("python_child", "__main__")):
            importlib.import_module(info.name)
    for name in driftcheck.__all__:
        if name[0].islower() and not name.startswith("__"):
            assert callable(getattr(driftcheck, name)), name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        driftcheck.no_such_thing  # noqa: B018


def _run_example(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "app_db_commands.py"), *args],
        cwd=app,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_example_app_db_commands(tmp_path: Path) -> None:
    """examples/app_db_commands.py builds the founding app's `db` commands on the API."""
    app = tmp_path / "app"
    shutil.copytree(FOUNDING, app, ignore=shutil.ignore_patterns("__pycache__"))
    code = (
        "import sqlite3\n"
        "from app.data.manager import apply_version, build\n"
        "from app.data.schemas.core import CORE_SCHEMA\n"
        "build('app.db', CORE_SCHEMA, 10)\n"
        "apply_version(sqlite3.connect('app.db'), CORE_SCHEMA[11], record=False)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=app, check=True)

    status = _run_example(app, "status")
    assert status.returncode == 0, status.stderr
    assert "app.db: version 11 of 13" in status.stdout and "recorded: 10" in status.stdout

    validate = _run_example(app, "validate")  # 11 applied by hand, never recorded: drift
    assert validate.returncode == 1, validate.stderr
    assert "11: record" in validate.stdout and "13: apply" in validate.stdout
    assert validate.stdout.endswith("app.db: drift\n")

    image = (app / "app.db").read_bytes()
    dry = _run_example(app, "init", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "CREATE TABLE kg_nodes" in dry.stdout and "db init: dry_run" in dry.stdout
    assert (app / "app.db").read_bytes() == image

    init = _run_example(app, "init")
    assert init.returncode == 0, init.stderr
    assert "13 Logs module column: applied" in init.stdout and "db init: done" in init.stdout
    assert _run_example(app, "init").stdout.strip().endswith("db init: nothing_to_do")
    assert "status: clean" in _run_example(app, "status").stdout
    assert _run_example(app, "validate").returncode == 0

    missing = _run_example(app, "status", "--db", "nope.db")
    assert missing.returncode == 2 and "nope.db" in missing.stderr
