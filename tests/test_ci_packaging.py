"""Packaging for CI (issue 11): the GitHub Action, the pre-commit hooks, our own workflow.

The action's `run:` steps are executed here as GitHub executes them: each script on its
own with `bash --noprofile --norc -eo pipefail`, its `env:` evaluated from the inputs and
earlier steps' outputs, its outputs read back from `$GITHUB_OUTPUT`. Only what needs the
network is left out: the `uses:` steps (checkout, setup-python) and the pip installs;
driftcheck and python come from this venv, first on the PATH. The workflow's `action` job
runs the same way, so what it expects of the action is checked here too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT

ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "driftcheck.yml"
BIN = Path(sys.executable).parent  # this venv: driftcheck and python

# GitHub's `shell: bash`.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
# The steps that install from the network; driftcheck is already on the PATH.
INSTALL_STEPS = {"install", "Install driftcheck"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# A small evaluator for the expressions the action and workflow use: context paths
# (`inputs.database`, `steps.validate.outputs.status`, `github.action_path`) and
# `path != ''` / `path == ''` conditions. Anything else fails the test: GitHub's full
# expression language is not what these files should need.

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONTEXT_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
CONDITION = re.compile(r"(?P<path>\S+)\s*(?P<op>==|!=)\s*''")


def lookup(path: str, context: dict[str, Any]) -> str:
    if not CONTEXT_PATH.fullmatch(path):
        raise AssertionError(f"an expression this test cannot evaluate: {path!r}")
    value: Any = context
    for part in path.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return "" if value is None else str(value)  # GitHub: a missing value is ''


def evaluate(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: lookup(m.group(1), context), str(text))


def condition(expr: str | None, context: dict[str, Any]) -> bool:
    if expr is None:
        return True
    m = CONDITION.fullmatch(EXPRESSION.sub(lambda m: m.group(1), expr).strip())
    if m is None:
        raise AssertionError(f"a condition this test cannot evaluate: {expr!r}")
    empty = lookup(m["path"], context) == ""
    return empty if m["op"] == "==" else not empty


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT: `name=value` lines, or `name<<DELIMITER` ... `DELIMITER`."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines:
        line = lines.pop(0)
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter)
            outputs[name], lines = "\n".join(lines[:end]), lines[end + 1 :]
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class Step:
    outcome: str
    outputs: dict[str, str] = field(default_factory=dict)
    code: int = 0
    stdout: str = ""
    stderr: str = ""


@dataclass
class Runner:
    """One job's environment: a workspace, the runner's temp directory, a job summary."""

    workspace: Path
    temp: Path
    path: list[Path] = field(default_factory=list)  # before this venv on the PATH

    @property
    def summary(self) -> Path:
        return self.temp / "step_summary.md"

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))
            and k not in ("NO_COLOR", "FORCE_COLOR", "DRIFTCHECK_SHARD")
        }
        env["PATH"] = os.pathsep.join([*map(str, self.path), str(BIN), env.get("PATH", "")])
        env.update(
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_PATH=str(self.temp / "path"),
            GITHUB_ENV=str(self.temp / "env"),
            RUNNER_TEMP=str(self.temp),
            SOURCE_DATE_EPOCH="1700000000",
        )
        env.update(extra)
        return env

    def script(self, step: dict[str, Any], context: dict[str, Any], cwd: Path) -> Step:
        script = step["run"]
        assert "${{" not in script, f"an expression spliced into a script: {step}"
        assert step.get("shell", "bash") == "bash"
        n = len(list(self.temp.glob("step-*")))
        work = self.temp / f"step-{n}"
        work.mkdir()
        (work / "script.sh").write_text(script, encoding="utf-8")
        outputs = work / "output"  # a new $GITHUB_OUTPUT file for every step, as GitHub does
        outputs.touch()
        env = {k: evaluate(v, context) for k, v in (step.get("env") or {}).items()}
        env["GITHUB_OUTPUT"] = str(outputs)
        directory = cwd / evaluate(step.get("working-directory", "."), context)
        r = subprocess.run(
            [*BASH, str(work / "script.sh")],
            cwd=directory,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        outcome = "success" if r.returncode == 0 else "failure"
        return Step(outcome, read_outputs(outputs), r.returncode, r.stdout, r.stderr)

    def action(self, inputs: dict[str, str]) -> Step:
        """`uses: ./` with these inputs: the composite action's steps in order."""
        action = load(ACTION)
        declared = action["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs the action does not declare: {unknown}"
        values = {k: str(spec.get("default", "")) for k, spec in declared.items()}
        values.update(inputs)
        for name, spec in declared.items():
            if spec.get("required"):
                assert values[name], f"required input {name} missing"
        context: dict[str, Any] = {
            "inputs": values,
            "github": {"action_path": str(ROOT), "workspace": str(self.workspace)},
            "steps": {},
        }
        code, stdout, stderr = 0, "", ""
        for step in action["runs"]["steps"]:
            sid = step.get("id", "")
            if not condition(step.get("if"), context) or "uses" in step or sid in INSTALL_STEPS:
                context["steps"][sid] = {"outputs": {}, "outcome": "skipped"}
                continue
            done = self.script(step, context, self.workspace)
            context["steps"][sid] = {"outputs": done.outputs, "outcome": done.outcome}
            stdout, stderr, code = stdout + done.stdout, stderr + done.stderr, done.code
            if done.code != 0:
                break
        outputs = {k: evaluate(v["value"], context) for k, v in action["outputs"].items()}
        return Step("success" if code == 0 else "failure", outputs, code, stdout, stderr)

    def job(self, job: dict[str, Any]) -> dict[str, Step]:
        """A workflow job: `uses: ./` runs the action, `run:` steps run as scripts."""
        context: dict[str, Any] = {"steps": {}, "github": {"workspace": str(self.workspace)}}
        done: dict[str, Step] = {}
        for n, step in enumerate(job["steps"]):
            sid = step.get("id") or step.get("name") or f"step {n}"
            uses = step.get("uses")
            if uses == "./":
                inputs = {k: evaluate(v, context) for k, v in (step.get("with") or {}).items()}
                result = self.action(inputs)
            elif uses is not None or step.get("name") in INSTALL_STEPS:
                continue
            else:
                result = self.script(step, context, self.workspace)
            done[sid] = result
            context["steps"][sid] = {"outputs": result.outputs, "outcome": result.outcome}
            if result.code != 0 and not step.get("continue-on-error"):
                break
        return done


# --------------------------------------------------------------------------
# The databases: clean (every version applied by driftcheck), pending (0001..0010 applied
# and recorded), drift (the demo: 0011 applied by hand, an index no migration makes).


def driftcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "driftcheck"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("databases")
    (d / ".git").mkdir()  # no driftcheck.toml from a parent directory
    for name, extra in (("clean.db", []), ("pending.db", ["--to", "0010"])):
        r = driftcheck(
            "apply", "--db", name, "--migrations", str(EXAMPLES), "--yes", "--no-backup",
            *extra, cwd=d,
        )  # fmt: skip
        assert r.returncode == 0, r.stdout + r.stderr
    demo = ROOT / "examples" / "make_demo_db.py"
    subprocess.run([sys.executable, str(demo), str(d / "drift.db")], check=True, timeout=120)
    return d


@pytest.fixture
def runner(databases: Path, tmp_path: Path) -> Runner:
    workspace = tmp_path / "workspace"
    shutil.copytree(databases, workspace)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    return Runner(workspace, temp)


def run(runner: Runner, database: str, **inputs: str) -> Step:
    return runner.action({"database": database, "migrations": str(EXAMPLES), **inputs})


def annotations(stdout: str, kind: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(f"::{kind} ")]


# --------------------------------------------------------------------------
# action.yml: the contract


def test_action_declares_its_inputs_and_outputs():
    action = load(ACTION)
    inputs = action["inputs"]
    assert inputs["database"]["required"] is True
    assert inputs["format"]["default"] == "github"
    assert inputs["fail-on-pending"]["default"] == "true"
    for name in ("migrations", "expected", "history", "config", "report", "output", "version"):
        assert inputs[name]["required"] is False, name
    assert set(action["outputs"]) >= {"status", "effective-version", "report", "exit-code"}
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.validate.outputs.{name} }}}}", name
    assert action["runs"]["using"] == "composite"
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5"]


def test_action_scripts_take_inputs_only_from_the_environment():
    """Script injection: `${{ inputs.x }}` inside a script is pasted into its source before
    bash reads it. Every input goes through `env:`, and every input declared is used."""
    action = load(ACTION)
    used: set[str] = set()
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("id")
        for value in [*(step.get("env") or {}).values(), *(step.get("with") or {}).values()]:
            for expr in EXPRESSION.findall(str(value)):
                assert CONTEXT_PATH.fullmatch(expr), expr
                if expr.startswith("inputs."):
                    used.add(expr.removeprefix("inputs."))
        for key in ("working-directory", "if"):
            used.update(re.findall(r"inputs\.([\w-]+)", str(step.get(key, ""))))
    assert used == set(action["inputs"])


def test_the_action_installs_driftcheck_from_its_own_checkout():
    """The action's ref pins driftcheck: without `version` it installs what sits beside
    action.yml (github.action_path), never whatever PyPI has today."""
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "install")
    assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert step["env"]["VERSION"] == "${{ inputs.version }}"
    assert 'spec="$ACTION_PATH"' in step["run"]
    assert "pip install" in step["run"]


# --------------------------------------------------------------------------
# action.yml: its scripts, run


def test_a_clean_database_passes(runner: Runner):
    r = run(runner, "clean.db")
    assert r.code == 0, r.stdout + r.stderr
    assert r.outputs["status"] == "clean"
    assert r.outputs["effective-version"] == "0013"
    assert r.outputs["exit-code"] == "0"
    report = json.loads(Path(r.outputs["report"]).read_text(encoding="utf-8"))
    assert report["status"] == "clean"
    assert Path(r.outputs["report"]) == runner.temp / "driftcheck-report.json"
    assert annotations(r.stdout, "error") == []
    assert "driftcheck: clean.db is clean" in r.stdout


def test_a_drifted_database_fails_with_annotations_and_a_summary(runner: Runner):
    r = run(runner, "drift.db")
    assert r.code == 1, r.stdout + r.stderr
    assert r.outputs["status"] == "drift"
    assert r.outputs["effective-version"] == "0011"
    assert r.outputs["exit-code"] == "1"
    errors = annotations(r.stdout, "error")
    assert any("0011 add_books_format" in line and "not record" in line for line in errors)
    assert any("idx_adhoc_reviews_rating" in line for line in annotations(r.stdout, "warning"))
    # The job summary comes from the run people read, once: not from the JSON run too.
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.count("### driftcheck: drift.db") == 1
    assert "DRIFT" in summary


@pytest.mark.parametrize(
    ("fail_on_pending", "code"),
    [("false", 0), ("true", 1), ("True", 1), ("FALSE", 0)],
    ids=["false-passes", "true-fails", "True", "FALSE"],
)
def test_pending_versions_fail_only_with_fail_on_pending(
    runner: Runner, fail_on_pending: str, code: int
):
    r = run(runner, "pending.db", **{"fail-on-pending": fail_on_pending})
    assert r.code == code, r.stdout + r.stderr
    assert r.outputs["status"] == "pending"
    assert r.outputs["effective-version"] == "0010"
    assert len(annotations(r.stdout, "notice")) == 3  # 0011..0013 to apply
    errors = annotations(r.stdout, "error")
    if code:
        # Said once, by driftcheck's github format (the action adds its own only for
        # formats that print no annotations).
        assert errors == [
            "::error title=pending.db%3A pending versions::3 versions not applied yet "
            "(0011, 0012, 0013); --fail-on-pending makes that a failure"
        ]
    else:
        assert errors == []


def test_the_default_is_to_fail_on_pending(runner: Runner):
    assert run(runner, "pending.db").code == 1


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit", "sarif"])
def test_every_format_gives_the_same_verdict_and_outputs(runner: Runner, fmt: str):
    out = runner.workspace / "out" / f"drift.{fmt}"
    r = run(runner, "drift.db", format=fmt, output=str(out))
    assert r.code == 1, r.stdout + r.stderr
    assert r.outputs["status"] == "drift"
    assert out.read_text(encoding="utf-8") == r.stdout  # the log, and the file to upload
    assert not runner.summary.exists()  # only --format github writes a job summary
    if fmt == "sarif":
        assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_glob_checks_a_fleet_and_reports_the_worst(runner: Runner):
    r = run(runner, "*.db", **{"fail-on-pending": "false", "report": "reports/fleet.json"})
    assert r.code == 1, r.stdout + r.stderr
    assert r.outputs["status"] == "drift"
    assert r.outputs["effective-version"] == ""  # three databases, three versions
    report = Path(r.outputs["report"])
    assert report == runner.workspace / "reports" / "fleet.json"
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary == {"databases": 3, "clean": 1, "pending": 1, "drift": 1, "error": 0}


def test_several_databases_one_per_line(runner: Runner):
    r = run(runner, "  clean.db\n\npending.db  \n", **{"fail-on-pending": "false"})
    assert r.code == 0, r.stdout + r.stderr
    assert r.outputs["status"] == "pending"
    assert r.outputs["effective-version"] == ""


def test_working_directory_and_a_relative_report(runner: Runner):
    sub = runner.workspace / "sub"
    sub.mkdir()
    shutil.move(runner.workspace / "clean.db", sub / "clean.db")
    r = run(runner, "clean.db", **{"working-directory": "sub", "report": "r.json"})
    assert r.code == 0, r.stdout + r.stderr
    assert r.outputs["report"] == str(sub / "r.json")


def test_a_database_that_is_not_there_is_an_error(runner: Runner):
    r = run(runner, "missing.db")
    assert r.code == 2
    assert r.outputs["status"] == "error"
    assert annotations(r.stdout, "error")


@pytest.mark.parametrize(
    "hostile",
    ['"; touch pwned; echo "', "$(touch pwned)", "`touch pwned`", "x.db\n--db\n$(touch pwned)"],
    ids=["quotes", "substitution", "backticks", "lines"],
)
def test_inputs_are_data_not_shell(runner: Runner, hostile: str):
    r = run(runner, hostile, history=hostile)
    assert r.code == 2
    assert not list(runner.workspace.rglob("pwned"))


def test_a_driftcheck_that_writes_no_report_fails_the_step(runner: Runner, tmp_path: Path):
    """Whatever breaks (a crash, a killed process), the step fails and the outputs say
    error: never a pass for want of a report."""
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "driftcheck").write_text("#!/bin/sh\necho 'Traceback ...' >&2\nexit 1\n")
    (fake / "driftcheck").chmod(0o755)
    runner.path.append(fake)
    r = run(runner, "clean.db")
    assert r.code == 1
    assert r.outputs["status"] == "error"
    assert r.outputs["exit-code"] == "1"
    assert annotations(r.stdout, "warning")[0].startswith(
        "::warning title=driftcheck::no JSON report (Expecting value"
    )
    assert "Traceback" in r.stderr


def test_a_bad_fail_on_pending_is_an_error(runner: Runner):
    r = run(runner, "clean.db", **{"fail-on-pending": "maybe"})
    assert r.code == 2
    assert annotations(r.stdout, "error") == [
        "::error title=driftcheck::fail-on-pending must be true or false, not 'maybe'"
    ]


def test_an_empty_database_input_is_an_error(runner: Runner):
    r = runner.action({"database": " \n "})
    assert r.code == 2
    assert "the database input is empty" in r.stdout


# --------------------------------------------------------------------------
# .pre-commit-hooks.yaml


def hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in load(HOOKS)}


def checkout(dest: Path) -> Path:
    """What a checkout of this repository holds of the examples: the files git tracks
    (snapshots, no replay cache), and the config."""
    tracked = subprocess.run(
        ["git", "ls-files", "examples", "expected_schemas", "driftcheck.toml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert tracked, "git ls-files found nothing"
    for name in tracked:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    (dest / ".git").mkdir()
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return checkout(tmp_path)


def hook(hook_id: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The hook as pre-commit runs it (pass_filenames false): entry, then args."""
    h = hooks()[hook_id]
    argv = [*shlex.split(h["entry"]), *h.get("args", [])]
    env = {**os.environ, "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_hooks_are_declared_for_pre_commit():
    h = hooks()
    assert set(h) == {"driftcheck-snapshot", "driftcheck-lint"}
    for spec in h.values():
        assert spec["language"] == "python"
        assert spec["pass_filenames"] is False
    # --check in the entry: a user's `args` replace the hook's, and must not drop it.
    assert h["driftcheck-snapshot"]["entry"] == "driftcheck snapshot --check"
    assert h["driftcheck-lint"]["entry"] == "driftcheck lint"


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("examples/migrations/0001_create_authors.sql", True),
        ("db/migrations/20240101_init/migration.sql", True),
        ("app/data/schemas/core.py", True),
        ("driftcheck.toml", True),
        ("expected_schemas/manifest.json", True),
        ("README.md", False),
        ("docs/logo.png", False),
    ],
)
def test_the_snapshot_hook_runs_when_a_migration_changes(path: str, runs: bool):
    assert bool(re.search(hooks()["driftcheck-snapshot"]["files"], path)) is runs


def test_the_snapshot_hook_passes_on_the_examples_and_fails_when_stale(project: Path):
    r = hook("driftcheck-snapshot", project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "up to date (13 versions)" in r.stdout
    migration = project / "examples" / "migrations" / "0013_create_loans.sql"
    migration.write_text(migration.read_text(encoding="utf-8") + "\n-- edited\n", "utf-8")
    r = hook("driftcheck-snapshot", project)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "0013_create_loans.sql (version 0013) changed since the snapshot" in r.stdout
    assert driftcheck("snapshot", cwd=project).returncode == 0
    assert hook("driftcheck-snapshot", project).returncode == 0


def test_the_lint_hook_passes_on_the_examples(project: Path):
    r = hook("driftcheck-lint", project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no findings" in r.stdout


# --------------------------------------------------------------------------
# .github/workflows/driftcheck.yml


def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


def test_the_workflow_runs_on_pushes_and_pull_requests():
    wf = workflow()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(on)


def test_the_workflow_gives_the_action_only_inputs_it_declares():
    declared = set(load(ACTION)["inputs"])
    local = [
        step
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if step.get("uses") == "./"
    ]
    assert len(local) >= 5
    for step in local:
        assert set(step["with"]) <= declared, step
        assert "database" in step["with"]


def test_the_workflow_runs_the_hooks_and_uploads_sarif():
    jobs = workflow()["jobs"]
    scripts = "\n".join(s.get("run", "") for s in jobs["pre-commit"]["steps"])
    for hook_id in hooks():
        assert f"pre-commit try-repo . {hook_id}" in scripts
    sarif = jobs["sarif"]
    assert sarif["permissions"]["security-events"] == "write"
    upload = next(s for s in sarif["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["continue-on-error"] is True
    produced = next(s for s in sarif["steps"] if s.get("uses") == "./")["with"]
    assert produced["format"] == "sarif"
    assert upload["with"]["sarif_file"] == produced["output"]


def test_the_workflow_action_job_runs_and_gets_what_it_expects(tmp_path: Path):
    """The `action` job run here: it builds the example databases, runs the action on
    each, and its last step checks the outcomes and outputs."""
    workspace = checkout(tmp_path / "workspace")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    steps = Runner(workspace, temp).job(workflow()["jobs"]["action"])
    outcomes = {k: v.outcome for k, v in steps.items()}
    assert outcomes == {
        "Build the example databases": "success",
        "clean": "success",
        "drift": "failure",
        "pending": "success",
        "pending-strict": "failure",
        "fleet": "failure",
        "Check what the action said": "success",
    }, {k: v.stdout + v.stderr for k, v in steps.items()}
    check = steps["Check what the action said"].stdout
    assert "clean: success clean 0013" in check
    assert "fleet-report: 3" in check


# --------------------------------------------------------------------------
# The README's CI section: what it shows is what the files say.


def ci_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## CI: the GitHub Action and the pre-commit hooks\n", 1)[1].split(
        "\n## ", 1
    )[0]


def yaml_blocks(text: str) -> list[Any]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def table_names(text: str, header: str) -> set[str]:
    table = text.split(f"| {header} |", 1)[1].split("\n\n", 1)[0]
    return {
        name
        for row in table.splitlines()[2:]
        for name in re.findall(r"`([\w-]+)`", row.split("|")[1])
    }


def test_the_readme_tables_list_the_action_inputs_and_outputs():
    action = load(ACTION)
    assert table_names(ci_section(), "input") == set(action["inputs"])
    assert table_names(ci_section(), "output") == set(action["outputs"])


def test_the_readme_workflow_and_pre_commit_config_are_valid():
    workflow_doc, sarif_steps, pre_commit = yaml_blocks(ci_section())
    declared = set(load(ACTION)["inputs"])
    steps = [
        *workflow_doc["jobs"]["driftcheck"]["steps"],
        *sarif_steps,
    ]
    ours = [s for s in steps if s.get("uses", "").startswith("driftcheck/driftcheck@")]
    assert len(ours) == 2
    for step in ours:
        assert set(step["with"]) <= declared
    for step in steps:
        assert "${{" not in step.get("run", "")
    hook_ids = {h["id"] for r in pre_commit["repos"] for h in r["hooks"]}
    assert hook_ids == set(hooks())
