"""The Slurm launcher's parts that need no cluster: packing tests into array tasks, site
options (file and command line), parsing squeue/sacct output, the array task's result file
and its SIGTERM handling, the collector that records results and losses, and the CLI's
errors when Slurm is missing or refuses. The real cluster is in test_regress_slurm.py."""

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lpu.cli import main
from regress.jobs import Job
from regress.junit import write_junit
from regress.launchers import LaunchError, Plan
from regress.launchers.packing import DEFAULT_SECONDS, TARGET_TASK_SECONDS, pack, task_count
from regress.launchers.slurm import SlurmLauncher
from regress.launchers.slurm_client import TaskState, parse_sacct, parse_squeue
from regress.launchers.slurm_collect import SETTLE_SECONDS, Collector
from regress.launchers.slurm_config import load_config, slurm_options
from regress.launchers.slurm_task import result_file, write_atomic
from regress.progress import Progress
from regress.results import ResultsDB, Status, TestResult

REPO = Path(__file__).resolve().parent.parent


def _jobs(n, config="tiny"):
    return [Job(config, "random", seed=i + 1) for i in range(n)]


# ------------------------------------------------------------------ packing

@given(n=st.integers(1, 120), per_task=st.one_of(st.none(), st.integers(1, 20)),
       slots=st.one_of(st.none(), st.integers(1, 16)),
       costs=st.lists(st.floats(0.1, 300), min_size=120, max_size=120))
def test_packing_puts_every_test_in_exactly_one_task_within_the_cap(n, per_task, slots, costs):
    jobs = _jobs(n)
    expected = {j.id: c for j, c in zip(jobs, costs, strict=False)}
    tasks = pack(jobs, expected, per_task, slots)
    flat = [j.id for t in tasks for j in t]
    assert sorted(flat) == sorted(j.id for j in jobs) and len(flat) == len(set(flat))
    assert all(tasks)
    if per_task:
        assert all(len(t) <= per_task for t in tasks)
        assert len(tasks) == -(-n // per_task)
    else:
        # LPT: no task carries more than the mean load plus its largest test
        loads = [sum(expected[j.id] for j in t) for t in tasks]
        assert max(loads) <= sum(loads) / len(loads) + max(expected[j.id] for j in jobs) + 1e-9
        if slots and slots < len(tasks) < n:
            assert len(tasks) % slots == 0, "more tasks than slots: whole waves"
    loads = [sum(expected[j.id] for j in t) for t in tasks]
    assert loads == sorted(loads, reverse=True), "heaviest task first (Slurm starts low indices first)"


def test_task_count_aims_at_the_target_work_per_task_in_whole_waves():
    jobs = _jobs(40)
    assert task_count(jobs, {}) == -(-40 * DEFAULT_SECONDS // TARGET_TASK_SECONDS) == 10
    slow = {j.id: 60.0 for j in jobs}
    assert task_count(jobs, slow) == 40                          # never more tasks than tests
    assert task_count(jobs, {}, slots=4) == 12                   # 10 tasks on 4 slots: 3 full waves
    assert task_count(jobs, {}, slots=16) == 10                  # they all run at once anyway
    assert task_count(jobs, {j.id: 1.0 for j in jobs}, slots=8) == 2
    assert task_count(jobs, {}, per_task=7) == 6
    assert task_count([], {}) == 0 and pack([], {}) == []


# ------------------------------------------------------------------ site options

def test_a_site_config_file_becomes_sbatch_flags(tmp_path):
    f = tmp_path / "site.toml"
    f.write_text('[slurm]\npartition = "sim"\naccount = "dv"\ntime = "01:00:00"\nqos = "low"\n'
                 'args = ["--mem-per-cpu=2G"]\npython = "/opt/venv/bin/python"\nper_task = 8\nmax_parallel = 4\n')
    o = load_config(f)
    assert o.args == ["--partition=sim", "--account=dv", "--time=01:00:00", "--qos=low", "--mem-per-cpu=2G"]
    assert (o.python, o.per_task, o.max_parallel, o.interpreter()) == ("/opt/venv/bin/python", 8, 4,
                                                                      "/opt/venv/bin/python")
    # the command line comes after the file, so its flags win; its numbers replace the file's
    o = slurm_options(f, "--partition=debug --exclusive", 3, None)
    assert o.args[-2:] == ["--partition=debug", "--exclusive"] and o.per_task == 3 and o.max_parallel == 4


@pytest.mark.parametrize("python", ["", "/shared/venvs/lpu env/bin/python"])
def test_the_job_script_runs_the_task_with_an_absolute_interpreter(tmp_path, python):
    opts = slurm_options(None, None, None, None)
    opts.python = python
    launcher = SlurmLauncher(opts, client=None)          # no cluster needed to write the script
    script = launcher._script(tmp_path, tmp_path / "my manifest.json")
    argv = shlex.split(script.read_text().splitlines()[-1])
    assert argv[0] == "exec" and os.path.isabs(argv[1])
    assert argv[1] == (python or sys.executable)          # the site's interpreter, else this one
    assert argv[2:] == ["-m", "regress.launchers.slurm_task", str(tmp_path / "my manifest.json")]
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("body, message", [
    ('[slurm]\npartiton = "sim"\n', "slurm.partiton: unknown key"),
    ('[slurm]\nper_task = 0\n', "slurm.per_task: must be positive"),
    ('[slurm]\nper_task = "8"\n', "slurm.per_task: expected a whole number"),
    ('[slurm]\npython = "python3"\n', "slurm.python: expected an absolute path"),
    ('[slurm]\nargs = "--exclusive"\n', "slurm.args: expected a list of strings"),
    ('[slurm]\nargs = ["--array=0-3"]\n', "slurm.args: --array is set by the launcher"),
    ('[slurm]\naccount = ""\n', "slurm.account: expected a non-empty string"),
    ('partition = "sim"\n', "needs a [slurm] table"),
    ('[slurm\n', "not valid TOML"),
])
def test_a_bad_site_config_names_the_file_and_the_key(tmp_path, body, message):
    f = tmp_path / "site.toml"
    f.write_text(body)
    with pytest.raises(LaunchError) as e:
        load_config(f)
    assert str(e.value).startswith(f"{f}: ") and message in str(e.value)


@pytest.mark.parametrize("args, message", [
    ("--output=/tmp/x", "--slurm-args: --output is set by the launcher"),
    ("-a 0-3", "--slurm-args: -a is set by the launcher"),
    ("--partition='sim", "--slurm-args: cannot split"),
])
def test_bad_slurm_args_are_named(args, message):
    with pytest.raises(LaunchError, match=message):
        slurm_options(None, args, None, None)


def test_a_missing_config_file_is_named(tmp_path):
    with pytest.raises(LaunchError, match="no such Slurm config file"):
        slurm_options(tmp_path / "nope.toml", None, None, None)


# ------------------------------------------------------------------ squeue and sacct output

def test_squeue_lines_become_task_states():
    # squeue -h -r -j 7 --states=all -o '%K|%T|%r': one line per array task
    text = "3|PENDING|JobArrayTaskLimit\n0|COMPLETED|None\n1|RUNNING|None\n2|CANCELLED|None\n"
    s = parse_squeue(text)
    assert s == {0: TaskState("COMPLETED"), 1: TaskState("RUNNING"), 2: TaskState("CANCELLED"),
                 3: TaskState("PENDING", "JobArrayTaskLimit")}
    assert s[0].final and s[2].final and not s[1].final and not s[3].final


def test_sacct_lines_become_task_states_for_this_job_only():
    text = "7_0|COMPLETED\n7_1|CANCELLED by 0\n7_[2-5]|PENDING\n8_0|FAILED\n"
    assert parse_sacct(text, "7") == {0: TaskState("COMPLETED"), 1: TaskState("CANCELLED")}


# ------------------------------------------------------------------ the array task

def test_result_files_are_replaced_whole(tmp_path):
    f = tmp_path / "task_0.json"
    write_atomic(f, {"results": [1, 2]})
    write_atomic(f, {"results": [1, 2, 3]})
    assert json.loads(f.read_text()) == {"results": [1, 2, 3]}
    assert [p.name for p in tmp_path.iterdir()] == ["task_0.json"]     # no temporary left behind


def _manifest(tmp_path, tasks, timeout=120.0):
    run_dir = tmp_path / "run"
    (run_dir / "slurm" / "results").mkdir(parents=True)
    m = {"run_id": 1, "run_dir": str(run_dir), "results_dir": str(run_dir / "slurm" / "results"),
         "build_root": str(tmp_path / "build"), "timeout": timeout,
         "tasks": [[json.loads(j.to_json()) for j in t] for t in tasks]}
    path = run_dir / "slurm" / "manifest.json"
    path.write_text(json.dumps(m))
    return path, m


def _examples_job(folder):
    return Job("tiny", "examples", path=str(folder))


def test_an_array_task_runs_its_tests_and_writes_every_result(tmp_path):
    empty = tmp_path / "no_programs"
    empty.mkdir()
    path, m = _manifest(tmp_path, [[_examples_job(empty)], []])
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_JOB_ID": "41"}
    p = subprocess.run([sys.executable, "-m", "regress.launchers.slurm_task", str(path)], env=env,
                       capture_output=True, text=True, timeout=300, cwd=REPO)
    assert p.returncode == 0, p.stdout + p.stderr
    doc = json.loads(result_file(Path(m["results_dir"]), 0).read_text())
    assert doc["done"] and doc["current"] is None and doc["slurm_job"] == "41_0" and not doc["terminated"]
    [r] = doc["results"]
    assert r["status"] == "passed" and Job.from_json(r["job"]) == _examples_job(empty)
    assert "tiny/examples passed" in p.stdout        # the task's log says what it ran


def test_sigterm_from_the_scheduler_keeps_finished_results_and_kills_the_running_test(tmp_path):
    # the second test loops forever on the golden model (until its step limit, many seconds away)
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "spin.s").write_text("top:\n    jal x0, top\n")
    empty = tmp_path / "no_programs"
    empty.mkdir()
    first, slow, last = (Job("tiny", "examples", path=str(empty)), Job("default", "examples", path=str(loop)),
                         Job("wide", "examples", path=str(empty)))
    path, m = _manifest(tmp_path, [[first, slow, last]])
    out = result_file(Path(m["results_dir"]), 0)
    proc = subprocess.Popen([sys.executable, "-m", "regress.launchers.slurm_task", str(path), "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 120:
        if out.exists() and json.loads(out.read_text())["current"] == slow.id:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the task never reached its second test: " + proc.stdout.read())
    time.sleep(1.0)           # the slow test is running now
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 128 + signal.SIGTERM
    doc = json.loads(out.read_text())
    assert doc["terminated"] and not doc["done"] and doc["current"] == slow.id
    assert [Job.from_json(r["job"]) for r in doc["results"]] == [first]
    assert doc["results"][0]["status"] == "passed"


# ------------------------------------------------------------------ the collector

class _Run:
    def __init__(self, tmp_path, tasks):
        self.db = ResultsDB(tmp_path / "r.sqlite")
        self.run_id = self.db.start_run("smoke")
        run_dir = tmp_path / "run"
        self.results = run_dir / "slurm" / "results"
        self.results.mkdir(parents=True)
        jobs = [j for t in tasks for j in t]
        self.plan = Plan(self.run_id, self.db.path, run_dir, "smoke", 60.0, 2, jobs)
        self.logs = run_dir / "slurm" / "logs"
        self.logs.mkdir()
        self.col = Collector(self.plan, tasks, self.db, Progress(len(jobs), out=open(os.devnull, "w")),
                             self.results, str(self.logs / "task_9_{task}.log"))
        self.col.job_id = "9"

    def write(self, task, done_jobs, current=None, done=False):
        res = [dict(TestResult(j.config, j.test, j.seed, Status.PASSED, 1.5, repro=j.repro(), job=j.to_json()).__dict__,
                    status="passed") for j in done_jobs]
        write_atomic(result_file(self.results, task), {"task": task, "results": res, "current": current, "done": done})

    def rows(self):
        return {(r["test"], r["seed"]): r for r in self.db.results(self.run_id)}


def test_the_collector_records_each_result_once_and_the_unfinished_tests_of_a_killed_task(tmp_path):
    a, b = _jobs(3), _jobs(2, "default")
    r = _Run(tmp_path, [a, b])
    (r.logs / "task_9_0.log").write_text("task 9_0 on vm: 3 tests\nslurmstepd: *** JOB 9 CANCELLED ***\n")
    r.write(0, a[:1], current=a[1].id)
    r.write(1, b[:1], current=b[1].id)
    for _ in range(3):                               # repeated reads never record twice
        r.col.read_all()
    assert len(r.db.results(r.run_id)) == 2
    t = 100.0
    r.col.observe({0: TaskState("CANCELLED"), 1: TaskState("RUNNING")}, t, dict)
    assert not r.col.tasks[0].settled                # its file may still lag on a shared filesystem
    assert r.col.counts() == {"queued": 0, "running": 2, "done": 0, "failed": 0}
    r.col.observe({0: TaskState("CANCELLED"), 1: TaskState("RUNNING")}, t + SETTLE_SECONDS, dict)
    assert r.col.tasks[0].settled and not r.col.done
    rows = [x for x in r.db.results(r.run_id) if x["config"] == "tiny"]
    assert [x["status"] for x in rows] == ["passed", "killed", "killed"]
    running, queued = rows[1], rows[2]
    assert "slurm task 9_0 ended CANCELLED while this test was running" in running["message"]
    assert "before this test started" in queued["message"] and "JOB 9 CANCELLED" in queued["message"]
    assert running["signature"] == "killed: CANCELLED" and running["duration"] is None
    assert Job.from_json(running["job"]) == a[1] and running["log"].endswith("task_9_0.log")
    # the other task goes on and finishes normally
    r.write(1, b, done=True)
    r.col.read_all()
    r.col.observe({1: TaskState("COMPLETED")}, t + 10, dict)
    assert r.col.done
    assert r.col.counts() == {"queued": 0, "running": 0, "done": 1, "failed": 1}
    assert [x["status"] for x in r.db.results(r.run_id) if x["config"] == "default"] == ["passed", "passed"]
    # the killed tests are what --rerun-failed reruns, and JUnit shows them as failures
    from regress.runner import failed_jobs
    assert [j.id for j in failed_jobs(r.db, r.run_id)] == [a[1].id, a[2].id]
    root = write_junit(r.db, r.run_id, tmp_path / "junit.xml", "smoke").read_text()
    assert root.count("<testcase") == 5 and root.count('<failure type="killed"') == 2


def test_a_task_that_dies_on_its_own_is_a_crash_and_one_that_leaves_the_queue_asks_accounting(tmp_path):
    a, b = _jobs(2), _jobs(1, "default")
    r = _Run(tmp_path, [a, b])
    r.col.observe({0: TaskState("FAILED"), 1: TaskState("PENDING")}, 0.0, dict)
    r.col.observe({0: TaskState("FAILED")}, SETTLE_SECONDS, dict)
    rows = [x for x in r.db.results(r.run_id) if x["config"] == "tiny"]
    assert [x["status"] for x in rows] == ["crashed", "crashed"]
    assert all(x["signature"] == "slurm: task ended FAILED" for x in rows)
    asked = []

    def accounting():
        asked.append(1)
        return {1: TaskState("NODE_FAIL")}
    now = 10.0
    while not r.col.done and now < 100:
        r.col.observe({}, now, accounting)
        now += 1.0
    assert asked and r.col.done
    [row] = [x for x in r.db.results(r.run_id) if x["config"] == "default"]
    assert row["status"] == "killed" and row["signature"] == "killed: NODE_FAIL"


def test_a_task_that_finished_before_squeue_noticed_is_done_without_losses(tmp_path):
    a = _jobs(2)
    r = _Run(tmp_path, [a])
    r.write(0, a, done=True)
    r.col.read_all()
    r.col.observe({0: TaskState("RUNNING")}, 0.0, dict)
    assert r.col.done and r.col.counts()["done"] == 1
    assert {x["status"] for x in r.db.results(r.run_id)} == {"passed"}


# ------------------------------------------------------------------ the command line

def _fake_slurm(tmp_path, sbatch_body):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for cmd, body in (("sbatch", sbatch_body), ("squeue", "exit 0"), ("scancel", "exit 0")):
        f = bin_dir / cmd
        f.write_text(f"#!/bin/sh\n{body}\n")
        f.chmod(0o755)
    return bin_dir


def test_without_sbatch_the_slurm_launcher_is_a_one_line_error_and_no_run_starts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))      # no Slurm commands here
    out = tmp_path / "out"
    assert main(["regress", "smoke", "--launcher", "slurm", "--configs", "tiny", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lpu: error: --launcher slurm: sbatch, squeue, scancel not found on PATH")
    assert "ci/slurm/up.sh" in err and "--launcher local" in err and len(err.splitlines()) == 1
    assert not (out / "results.sqlite").exists()


def test_a_refusal_from_the_cluster_is_an_error_that_gives_slurms_reason(tmp_path, monkeypatch, capsys):
    bin_dir = _fake_slurm(tmp_path, "echo 'sbatch: error: invalid partition specified: nope' >&2\n"
                                    "echo 'allocation failure: Invalid partition name specified' >&2; exit 1")
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    out = tmp_path / "out"
    rc = main(["regress", "smoke", "--launcher", "slurm", "--slurm-args=--partition=nope", "--configs", "tiny",
               "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip() == ("lpu: error: the cluster refused the job array: sbatch: error: invalid partition "
                           "specified: nope; allocation failure: Invalid partition name specified")
    assert not (out / "results.sqlite").exists()


@pytest.mark.parametrize("argv, message", [
    (["--slurm-args=--partition=sim"], "--slurm-args applies to --launcher slurm"),
    (["--slurm-args", "--partition=sim"], "--slurm-args applies to --launcher slurm"),
    (["--per-task", "4"], "--per-task applies to --launcher slurm"),
    (["--max-parallel", "0"], "--max-parallel: need at least 1, got 0"),
    (["--launcher", "slurm", "--per-task", "0"], "--per-task: must be positive, got 0"),
])
def test_launcher_options_are_checked_at_the_door(tmp_path, capsys, argv, message):
    assert main(["regress", "smoke", "--configs", "tiny", "--out", str(tmp_path / "o"), *argv]) == 1
    assert message in capsys.readouterr().err
