"""Regressions on a real Slurm cluster (the single-node one of ci/slurm/up.sh, which .ci/run
starts): the smoke suite through the Slurm launcher gives the same tests, verdicts, history
entry, coverage and JUnit as through the local launcher; an array task cancelled midway is
recorded as killed with its Slurm state while the rest of the run is intact, and
--rerun-failed reruns exactly what it lost; a refused submission names Slurm's reason.

Skipped, with the reason, where no cluster answers; with LPU_REQUIRE_SLURM=1 (set by
.ci/run) a missing cluster fails instead, so CI can never pass by skipping them."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from regress.jobs import Job

pytestmark = [pytest.mark.rtl, pytest.mark.slurm]

SLURM_HOME = Path(os.environ.get("LPU_SLURM_HOME", "/tmp/lpu-slurm"))


def _unavailable(reason: str):
    if os.environ.get("LPU_REQUIRE_SLURM") == "1":
        pytest.fail(f"LPU_REQUIRE_SLURM=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def slurm_env():
    """The environment for lpu and Slurm's commands: SLURM_CONF of the cluster up.sh started."""
    env = dict(os.environ)
    if "SLURM_CONF" not in env and (SLURM_HOME / "slurm.conf").exists():
        env["SLURM_CONF"] = str(SLURM_HOME / "slurm.conf")
    if shutil.which("sbatch") is None:
        _unavailable("Slurm's client commands are not installed (bash ci/slurm/up.sh brings up a "
                     "single-node cluster)")
    p = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0 or not p.stdout.strip():
        _unavailable(f"no Slurm cluster answers (sinfo: {p.stderr.strip() or 'no nodes'}; "
                     "bash ci/slurm/up.sh starts one)")
    return env


def _lpu(env, *argv, timeout=900):
    return subprocess.run([sys.executable, "-m", "lpu.cli", *argv], env=env, capture_output=True, text=True,
                          timeout=timeout)


def _db_rows(db_path, sql, args=()):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _verdicts(out, run=1):
    rows = _db_rows(out / "results.sqlite", "SELECT * FROM results WHERE run_id = ? AND test != 'build'", (run,))
    return sorted((r["config"], r["test"], r["seed"], r["status"]) for r in rows)


def _junit(out, run=1):
    root = ET.parse(out / f"run{run:04d}" / "junit.xml").getroot()
    return sorted((c.get("name"), c.find("failure") is not None) for c in root.iter("testcase"))


def test_smoke_through_slurm_equals_smoke_run_locally(tmp_path, slurm_env):
    local, slurm = tmp_path / "local", tmp_path / "slurm"
    t0 = time.monotonic()
    a = _lpu(slurm_env, "regress", "smoke", "--launcher", "local", "-j", "2", "--out", str(local))
    t_local = time.monotonic() - t0
    assert a.returncode == 0, a.stdout + a.stderr
    t0 = time.monotonic()
    b = _lpu(slurm_env, "regress", "smoke", "--launcher", "slurm", "--out", str(slurm))
    t_slurm = time.monotonic() - t0
    assert b.returncode == 0, b.stdout + b.stderr
    print(f"smoke wall time: local -j 2 {t_local:.1f} s, slurm {t_slurm:.1f} s")
    # progress: the job array's id and its tasks queued / running / done
    job_id = (slurm / "run0001" / "slurm" / "job_id").read_text().strip()
    assert f"submitted slurm job array {job_id}: " in b.stdout
    assert f"slurm job {job_id}: 0 queued, 0 running, " in b.stdout and " done, 0 failed (of " in b.stdout
    # the same tests with the same verdicts
    verdicts = _verdicts(local)
    assert verdicts == _verdicts(slurm)
    assert len(verdicts) > 40 and {v[3] for v in verdicts} == {"passed"}
    # the same history entry
    hist = {}
    for name, out in (("local", local), ("slurm", slurm)):
        h = _lpu(slurm_env, "regress", "history", "--out", str(out), "--json")
        assert h.returncode == 0, h.stderr
        [run] = json.loads(h.stdout)["runs"]
        hist[name] = run
    keys = ("suite", "status", "tests", "planned", "passed", "not_passed", "pass_rate", "functional", "line",
            "toggle", "statuses")
    assert {k: hist["local"][k] for k in keys} == {k: hist["slurm"][k] for k in keys}
    assert hist["slurm"]["status"] == "passed"
    # the same coverage report and JUnit
    reports = [json.loads((o / "run0001" / "report" / "coverage.json").read_text()) for o in (local, slurm)]
    for k in ("functional", "line", "toggle", "holes"):
        assert reports[0][k] == reports[1][k], k
    assert _junit(local) == _junit(slurm)
    # the runs table says where the tests ran; the job script names this interpreter by its absolute path
    [ran] = _db_rows(slurm / "results.sqlite", "SELECT launcher FROM runs")
    assert ran["launcher"].startswith(f"slurm job {job_id}: ") and hist["slurm"]["launcher"] == ran["launcher"]
    script = (slurm / "run0001" / "slurm" / "task.sh").read_text()
    assert f"exec {sys.executable} -m regress.launchers.slurm_task " in script and os.path.isabs(sys.executable)


def _wait(pred, limit, what):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    pytest.fail(f"{what} within {limit} s")


def test_an_array_task_cancelled_midway_is_recorded_as_killed_and_the_rest_is_intact(tmp_path, slurm_env):
    out = tmp_path / "out"
    per_task = 7   # examples + directed + 11 random seeds + compiled on tiny = 14 tests = 2 tasks of 7
    proc = subprocess.Popen([sys.executable, "-m", "lpu.cli", "regress", "smoke", "--launcher", "slurm", "--configs",
                             "tiny", "--seeds", "11", "--per-task", str(per_task), "--no-report", "--out", str(out)],
                            env=slurm_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sdir = out / "run0001" / "slurm"
    try:
        job_id = _wait(lambda: (sdir / "job_id").exists() and (sdir / "job_id").read_text().strip(), 600,
                       "no job array submitted")
        manifest = json.loads((sdir / "manifest.json").read_text())
        assert [len(t) for t in manifest["tasks"]] == [per_task, per_task]
        task0 = sdir / "results" / "task_0.json"

        def first_result():
            try:
                doc = json.loads(task0.read_text())
            except (OSError, ValueError):
                return None
            return doc if doc["results"] and doc["current"] else None
        before = _wait(first_result, 300, "task 0 finished no test")
        subprocess.run(["scancel", f"{job_id}_0"], env=slurm_env, check=True, timeout=60)
        text, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, text
    rows = _db_rows(out / "results.sqlite", "SELECT * FROM results WHERE run_id = 1 AND test != 'build'")
    assert len(rows) == 2 * per_task                      # every planned test has a record
    by_job = {Job.from_json(r["job"]).id: r for r in rows}
    done_before = {Job.from_json(r["job"]).id for r in before["results"]}
    task0_jobs = [Job(**j).id for j in manifest["tasks"][0]]
    task1_jobs = [Job(**j).id for j in manifest["tasks"][1]]
    # what task 0 finished before the cancel is kept as it was; the rest of it is killed
    assert done_before and all(by_job[j]["status"] == "passed" for j in done_before)
    lost = [j for j in task0_jobs if by_job[j]["status"] != "passed"]
    assert lost and set(lost).isdisjoint(done_before)
    for j in lost:
        r = by_job[j]
        assert r["status"] == "killed" and r["signature"] == "killed: CANCELLED", dict(r)
        assert f"slurm task {job_id}_0 ended CANCELLED" in r["message"]
        assert r["log"].endswith(f"task_{job_id}_0.log") and Path(r["log"]).exists()
    running = [j for j in lost if "while this test was running" in by_job[j]["message"]]
    assert len(running) <= 1
    # the other task is untouched
    assert all(by_job[j]["status"] == "passed" for j in task1_jobs)
    assert f"FAIL x{len(lost)}  killed: CANCELLED" in text
    assert f"slurm job {job_id}: 0 queued, 0 running, 1 done, 1 failed (of 2 tasks)" in text
    # --rerun-failed through Slurm reruns exactly the killed tests, with waveforms
    again = _lpu(slurm_env, "regress", "--rerun-failed", "1", "--launcher", "slurm", "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr
    rerun = _db_rows(out / "results.sqlite", "SELECT * FROM results WHERE run_id = 2 AND test != 'build'")
    assert sorted(Job.from_json(r["job"]).id for r in rerun) == sorted(lost)
    assert all(r["status"] == "passed" for r in rerun)


def test_a_task_past_its_slurm_time_limit_is_recorded_as_killed_by_timeout(tmp_path, slurm_env):
    # one task of 82 tests (~2 minutes of work) under Slurm's shortest time limit, one minute
    out = tmp_path / "out"
    p = _lpu(slurm_env, "regress", "smoke", "--launcher", "slurm", "--configs", "tiny", "--seeds", "79",
             "--per-task", "82", "--slurm-args=--time=1", "--no-report", "--out", str(out), timeout=600)
    assert p.returncode == 1, p.stdout + p.stderr
    rows = _db_rows(out / "results.sqlite", "SELECT * FROM results WHERE test != 'build'")
    assert len(rows) == 82
    passed = [r for r in rows if r["status"] == "passed"]
    killed = [r for r in rows if r["status"] != "passed"]
    assert passed and killed and {r["status"] for r in killed} == {"killed"}
    assert {r["signature"] for r in killed} == {"killed: TIMEOUT"}
    assert "DUE TO TIME LIMIT" in killed[0]["message"]          # the tail of the task's log
    assert f"FAIL x{len(killed)}  killed: TIMEOUT" in p.stdout


def test_stopping_the_submitter_cancels_the_job_array_and_keeps_what_was_recorded(tmp_path, slurm_env):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "lpu.cli", "regress", "smoke", "--launcher", "slurm", "--configs",
                             "tiny", "--seeds", "10", "--per-task", "4", "--max-parallel", "1", "--no-report",
                             "--out", str(out)], env=slurm_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    sdir = out / "run0001" / "slurm"
    try:
        job_id = _wait(lambda: (sdir / "job_id").exists() and (sdir / "job_id").read_text().strip(), 600,
                       "no job array submitted")
        _wait(lambda: _db_rows(out / "results.sqlite", "SELECT id FROM results WHERE test != 'build'"), 300,
              "no test recorded")
        proc.terminate()                      # a CI time limit, or a kill
        text, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, text
    assert f"slurm job {job_id} cancelled (interrupted)" in text
    states = subprocess.run(["squeue", "-h", "-r", "-j", job_id, "--states=all", "-o", "%T"], env=slurm_env,
                            capture_output=True, text=True, timeout=60).stdout.split()
    assert "CANCELLED" in states and not {"PENDING", "RUNNING"} & set(states)
    [run] = _db_rows(out / "results.sqlite", "SELECT * FROM runs")
    assert run["status"] == "interrupted"
    rows = _db_rows(out / "results.sqlite", "SELECT * FROM results WHERE test != 'build'")
    assert rows and all(r["status"] == "passed" for r in rows)


def test_a_submission_the_cluster_refuses_names_slurms_reason_and_starts_no_run(tmp_path, slurm_env):
    out = tmp_path / "out"
    p = _lpu(slurm_env, "regress", "smoke", "--launcher", "slurm", "--configs", "tiny", "--seeds", "1",
             "--slurm-args=--partition=no_such_partition", "--out", str(out))
    assert p.returncode == 1
    assert p.stderr.startswith("lpu: error: the cluster refused the job array: ")
    assert "invalid partition" in p.stderr.lower() and len(p.stderr.splitlines()) == 1
    assert not (out / "results.sqlite").exists()
