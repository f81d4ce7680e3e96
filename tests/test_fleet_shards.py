"""Issue 9, beyond one machine: [[targets]] in the config, --shard, merge-reports."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES
from driftcheck import fleet
from driftcheck.errors import ConfigError
from test_fleet import jsonl, statuses, tenants

VALIDATE = ("validate", "--db", "tenants/*.db", "-m", str(EXAMPLES))


# --------------------------------------------------------------------------
# [[targets]]


def test_targets_in_the_config_are_relative_to_its_directory(cli, tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    tenants(proj, n=3, drift={1})
    (proj / "legacy").mkdir()
    (proj / "tenants" / "t02.db").rename(proj / "legacy" / "main.sqlite")
    (proj / "driftcheck.toml").write_text(
        f'migrations = "{EXAMPLES}"\n'
        'database = "tenants/t00.db"  # the default of the one-database commands\n'
        '[[targets]]\ndb = "tenants/*.db"\n'
        '[[targets]]\ndb = "legacy/main.sqlite"\n'
    )
    config = ("--config", "proj/driftcheck.toml")
    r = cli("validate", *config, "-f", "jsonl")
    assert r.exit_code == 1
    assert statuses(r) == [
        ("proj/legacy/main.sqlite", "clean"),
        ("proj/tenants/t00.db", "clean"),
        ("proj/tenants/t01.db", "drift"),
    ]
    # The command line wins.
    r = cli("validate", *config, "--db", "proj/tenants/t01.db", "-f", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["target"]["database"] == "proj/tenants/t01.db"
    # Text over the targets is the fleet's.
    r = cli("validate", *config)
    assert "databases  3" in r.stdout.splitlines()


@pytest.mark.parametrize(
    "text,says",
    [
        ('[[targets]]\ndbs = "a.db"\n', ["[[targets]] 1: unknown key 'dbs'", "did you mean 'db'?"]),
        ('[[targets]]\ndb = "a.db"\n[[targets]]\n', ["[[targets]] 2: db is required"]),
        ("[[targets]]\ndb = 3\n", ["[[targets]] 1: db = 3: expected a path, a glob pattern"]),
        ('targets = "a.db"\n', ['targets = "a.db": expected [[targets]] tables']),
        ('targets = ["a.db"]\n', ['targets: item 1 is "a.db", not a table', 'db = "a.db"']),
        (
            '[[targets]]\ndb = "sqlite://host/a.db"\n',
            ['[[targets]] 1: db = "sqlite://host/a.db": names a host'],
        ),
    ],
    ids=["unknown-key", "missing-db", "wrong-type", "not-tables", "strings", "url-with-host"],
)
def test_a_bad_target_names_the_file_and_the_key(cli, tmp_path, text, says):
    (tmp_path / "driftcheck.toml").write_text(text)
    r = cli("validate", "-m", str(EXAMPLES))
    assert r.exit_code == 2
    assert "driftcheck.toml" in r.stderr and "hint:" in r.stderr
    for words in says:
        assert words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "Input should" not in r.stderr


def test_a_target_pattern_that_matches_nothing_names_the_config(cli, tmp_path):
    (tmp_path / "driftcheck.toml").write_text('[[targets]]\ndb = "nope/*.db"\n')
    r = cli("validate", "-m", str(EXAMPLES))
    assert r.exit_code == 2
    assert 'driftcheck.toml: [[targets]] 1, db = "nope/*.db": the pattern matches no file' in (
        r.stderr
    )
    assert "relative to its directory" in r.stderr


# --------------------------------------------------------------------------
# --shard


@pytest.mark.parametrize("n", [0, 1, 2, 7, 10, 23])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 8, 30])
def test_shards_partition_the_list(n, count):
    paths = [f"t{i:03}.db" for i in range(n)]
    parts = [fleet.shard(paths, fleet.Slice(i, count)) for i in range(1, count + 1)]
    assert sorted(p for part in parts for p in part) == paths  # each database once
    sizes = [len(part) for part in parts]
    assert max(sizes) - min(sizes) <= 1  # balanced
    assert all(part == sorted(part) for part in parts)


def test_sharded_runs_together_are_the_unsharded_run(cli, tmp_path):
    tenants(tmp_path, drift={3}, broken={7})
    whole = cli(*VALIDATE, "-f", "jsonl")
    shards = [cli(*VALIDATE, "-f", "jsonl", "--shard", f"{i}/3") for i in (1, 2, 3)]
    assert [len(jsonl(r)) for r in shards] == [4, 3, 3]
    assert sorted(x for r in shards for x in statuses(r)) == statuses(whole)
    assert [r.exit_code for r in shards] == [1, 2, 0]  # t03 drifted, t07 broken


@pytest.mark.parametrize(
    "env,args",
    [
        ({"DRIFTCHECK_SHARD": "2/3"}, []),
        (
            {
                "SLURM_ARRAY_TASK_ID": "1",
                "SLURM_ARRAY_TASK_COUNT": "3",
                "SLURM_ARRAY_TASK_MIN": "0",
            },
            [],
        ),
        (
            {
                "SLURM_ARRAY_TASK_ID": "2",
                "SLURM_ARRAY_TASK_COUNT": "3",
                "SLURM_ARRAY_TASK_MIN": "1",
            },
            [],
        ),
        ({"JOB_COMPLETION_INDEX": "1"}, ["--shard-count", "3"]),
    ],
    ids=["explicit", "slurm-from-0", "slurm-from-1", "kubernetes"],
)
def test_shard_auto_reads_the_job_runner(cli, tmp_path, monkeypatch, env, args):
    tenants(tmp_path, n=7)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    r = cli(*VALIDATE, "-f", "json", "--shard", "auto", *args)
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["shard"] == {"index": 2, "count": 3, "databases": 7}
    assert [x["target"]["database"] for x in out["reports"]] == ["tenants/t01.db", "tenants/t04.db"]


K8S, SHARD, SLURM = "JOB_COMPLETION_INDEX", "DRIFTCHECK_SHARD", "SLURM_ARRAY_TASK_ID"
BAD_SHARDS = {
    "zero": ("--shard 0/4", {}, ["--shard 0/4: shards are numbered from 1 to 4", "add 1"]),
    "past-the-end": ("--shard 5/4", {}, ["--shard 5/4: shards are numbered from 1 to 4"]),
    "no-shards": ("--shard 1/0", {}, ["--shard 1/0: the number of shards must be 1 or more"]),
    "not-a-shard": ("--shard x", {}, ["--shard x: expected I/N", "--shard 1/4"]),
    "auto-nothing": ("--shard auto", {}, ["no shard in the environment", f"{SHARD}=I/N"]),
    "count-alone": ("--shard-count 4", {}, ["--shard-count 4: applies to --shard auto only"]),
    "count-with-i/n": ("--shard 1/4 --shard-count 4", {}, ["drop --shard-count"]),
    "count-zero": ("--shard auto --shard-count 0", {K8S: "0"}, ["--shard-count 0: expected"]),
    "env-not-a-shard": ("--shard auto", {SHARD: "3"}, [f"{SHARD}=3: expected I/N"]),
    "k8s-no-count": ("--shard auto", {K8S: "2"}, [f"{K8S}=2 (a Kubernetes Indexed Job) needs"]),
    "k8s-too-big": ("--shard auto --shard-count 2", {K8S: "2"}, ["indexes run from 0 to 1"]),
    "slurm-no-count": ("--shard auto", {SLURM: "3"}, ["SLURM_ARRAY_TASK_COUNT is not"]),
    "slurm-outside": (
        "--shard auto",
        {SLURM: "9", "SLURM_ARRAY_TASK_COUNT": "4"},
        [f"{SLURM}=9 is not one of 4 tasks"],
    ),
    "count-disagrees": (
        "--shard auto --shard-count 8",
        {SHARD: "1/4"},
        [f"--shard-count 8 disagrees with {SHARD}=1/4"],
    ),
}


@pytest.mark.parametrize("args,env,says", BAD_SHARDS.values(), ids=BAD_SHARDS)
def test_a_bad_shard_is_one_clear_message(cli, tmp_path, monkeypatch, args, env, says):
    tenants(tmp_path, n=2)
    for key in (SHARD, K8S, SLURM):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    r = cli(*VALIDATE, *args.split())
    assert r.exit_code == 2
    assert r.stderr.count("error:") == 1 and "hint:" in r.stderr
    for words in says:
        assert words in r.stderr, r.stderr


def test_shard_of_reads_no_environment_without_auto():
    assert fleet.shard_of("2/4", None, {"DRIFTCHECK_SHARD": "1/2"}) == fleet.Slice(2, 4)
    assert fleet.shard_of(None, None, {"DRIFTCHECK_SHARD": "1/2"}) is None
    with pytest.raises(ConfigError):
        fleet.shard_of("auto", None, {})


def test_an_empty_shard_checks_nothing_and_says_so(cli, tmp_path):
    tenants(tmp_path, n=2)
    r = cli(*VALIDATE, "-f", "jsonl", "--shard", "3/4")
    assert r.exit_code == 0 and r.stdout == ""
    assert "shard 3/4 has no databases (2 databases in 4 shards): nothing to check" in r.stderr
    r = cli(*VALIDATE, "--shard", "3/4")
    assert "shard      3/4 (0 of 2 databases: more shards than databases)" in r.stdout
    r = cli(*VALIDATE, "-f", "json", "--shard", "3/4")
    out = json.loads(r.stdout)
    assert out["reports"] == [] and out["summary"]["databases"] == 0
    assert out["shard"] == {"index": 3, "count": 4, "databases": 2}


# --------------------------------------------------------------------------
# merge-reports


def shard_files(cli, tmp_path, count, fmt="jsonl", extra=()):
    names = []
    for i in range(1, count + 1):
        r = cli(*VALIDATE, "-f", fmt, "--shard", f"{i}/{count}", *extra)
        name = f"shard-{i}.{fmt}"
        (tmp_path / name).write_text(r.stdout)
        names.append(name)
    return names


def test_merged_shards_are_the_unsharded_run(cli, tmp_path):
    tenants(tmp_path, drift={3}, broken={7}, pending={8})
    names = shard_files(cli, tmp_path, 3)
    for fmt in ("jsonl", "text"):
        whole = cli(*VALIDATE, "-f", fmt)
        merged = cli("merge-reports", *reversed(names), "-f", fmt)
        assert merged.stdout == whole.stdout, fmt
        assert merged.exit_code == whole.exit_code == 2


def test_merge_applies_fail_on_pending_as_validate_does(cli, tmp_path):
    tenants(tmp_path, n=3, pending={1})
    names = shard_files(cli, tmp_path, 2)
    assert cli("merge-reports", *names).exit_code == 0
    assert cli("merge-reports", *names, "--fail-on-pending").exit_code == 1
    assert cli(*VALIDATE, "--fail-on-pending").exit_code == 1


def test_merged_json_shards_are_the_unsharded_json(cli, tmp_path):
    tenants(tmp_path, n=5, drift={1})
    names = shard_files(cli, tmp_path, 2, fmt="json")
    whole = cli(*VALIDATE, "-f", "json")
    merged = cli("merge-reports", *names, "-f", "json")
    assert merged.exit_code == whole.exit_code == 1
    assert merged.stdout == whole.stdout


def test_merge_reads_stdin_in_any_order(cli, tmp_path):
    tenants(tmp_path, n=5, drift={1})
    names = shard_files(cli, tmp_path, 2)
    both = "".join((tmp_path / n).read_text() for n in names)  # cat shard-*.jsonl
    r = cli_input(tmp_path, both, "merge-reports", "-", "-f", "jsonl")
    assert r.exit_code == 1
    assert r.stdout == cli(*VALIDATE, "-f", "jsonl").stdout


def cli_input(tmp_path, text, *args):
    from typer.testing import CliRunner

    from driftcheck.cli import app

    return CliRunner().invoke(app, list(args), input=text, catch_exceptions=False)


def test_a_database_in_two_files_is_counted_once_with_a_warning(cli, tmp_path):
    tenants(tmp_path, n=4, drift={2})
    names = shard_files(cli, tmp_path, 2)
    wrong = cli(*VALIDATE, "-f", "jsonl", "--shard", "1/3")  # a job with another count
    (tmp_path / "wrong.jsonl").write_text(wrong.stdout)
    r = cli("merge-reports", *names, "wrong.jsonl")
    assert r.exit_code == 1
    assert "databases  4" in r.stdout.splitlines()
    assert (
        "warning: tenants/t00.db is in shard-1.jsonl:1 and in wrong.jsonl:1: counted once"
        in r.stderr
    )
    assert "the shards overlap" in r.stderr
    # The same file twice is read once.
    r = cli("merge-reports", names[0], names[0], names[1])
    assert "shard-1.jsonl is given twice: read once" in r.stderr
    assert "counted once" not in r.stderr


def test_a_missing_json_shard_is_an_error(cli, tmp_path):
    tenants(tmp_path, n=4)
    names = shard_files(cli, tmp_path, 3, fmt="json")
    r = cli("merge-reports", names[0], names[2])
    assert r.exit_code == 2
    assert "shard 2/3 missing: the files are 2 of 3 shards" in r.stderr


MALFORMED = {
    "not-a-report": (
        '{"report_version": 2, "status": "clean"}',
        "not a validate report (no `target`)",
    ),
    "not-json": ("{oops", "not valid JSON: "),
    "not-an-object": ("[1, 2]", "expected a JSON object (a report), found list"),
    "other-version": ('{"report_version": 3}', "report_version 3: this driftcheck reads version 2"),
    "bad-status": (
        '{"report_version": 2, "target": {"database": "x"}, "status": "fine"}',
        'status "fine" is not one of',
    ),
}


@pytest.mark.parametrize("content,says", MALFORMED.values(), ids=MALFORMED)
def test_a_malformed_line_names_file_and_line(cli, tmp_path, content, says):
    tenants(tmp_path, n=1)
    first = cli(*VALIDATE, "-f", "jsonl").stdout
    (tmp_path / "bad.jsonl").write_text(first + content + "\n")
    r = cli("merge-reports", "bad.jsonl")
    assert r.exit_code == 2
    assert f"merge-reports: error: bad.jsonl:2: {says}" in r.stderr, r.stderr
    assert "hint:" in r.stderr and "Traceback" not in r.stderr


def test_a_missing_file_is_named(cli, tmp_path):
    r = cli("merge-reports", "shard-9.jsonl")
    assert r.exit_code == 2
    assert "merge-reports: error: shard-9.jsonl: no such file" in r.stderr


def test_a_shard_that_could_not_check_makes_the_merge_fail(cli, tmp_path):
    tenants(tmp_path, n=2)
    (tmp_path / "ok.jsonl").write_text(cli(*VALIDATE, "-f", "jsonl").stdout)
    failed = cli("validate", "--db", "tenants/*.db", "-f", "jsonl")  # no migrations
    (tmp_path / "failed.jsonl").write_text(failed.stdout)
    r = cli("merge-reports", "ok.jsonl", "failed.jsonl")
    assert r.exit_code == 2
    assert "failed     ?: no migrations given" in r.stdout.splitlines()
