"""Run one job in a child process with a time limit and classify what happened.

The child (regress/job_main.py) runs the simulation and writes result.json. A child that
outlives the limit is killed with its whole process group (the simulator included) and
recorded as a timeout; a child that dies, or leaves no verdict, is recorded as a crash with
the tail of its log. Either way the regression goes on with the next job. A child outlives
neither this process (regress/lifeline.py), even killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .jobs import Job
from .lifeline import lifeline
from .results import Status, TestResult
from .triage import signature

LOG_TAIL_LINES = 30


def log_tail(*paths: Path) -> str:
    """The last LOG_TAIL_LINES lines of the first of the logs that has any."""
    for p in paths:
        if p.exists():
            lines = p.read_text(errors="replace").splitlines()
            if lines:
                return "\n".join(lines[-LOG_TAIL_LINES:])
    return "(no log)"


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_job(job: Job, test_dir: Path, timeout: float, child: list[str] | None = None) -> TestResult:
    """`child` replaces the job's command (tests use it to stage hangs and crashes)."""
    test_dir = Path(test_dir).resolve()
    test_dir.mkdir(parents=True, exist_ok=True)
    verdict = test_dir / "result.json"
    if verdict.exists():
        verdict.unlink()
    log = test_dir / "job.log"
    t0 = time.monotonic()
    # the lifeline: the job (regress/job_main.py) kills its group when this process dies
    with open(log, "w") as fh, lifeline() as (fd, env):
        argv = child or [sys.executable, "-m", "regress.job_main", job.to_json(), str(test_dir)]
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
                                pass_fds=(fd,), env=env)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            code = None
        except BaseException:   # Ctrl-C: never leave a simulator running
            _kill_group(proc)
            raise
    seconds = time.monotonic() - t0
    sim_log = test_dir / "sim.log"
    shown_log = sim_log if sim_log.exists() else log
    res = TestResult(job.config, job.test, job.seed, Status.PASSED, seconds, repro=job.repro(), log=str(shown_log))
    if code is None:
        res.status = Status.TIMEOUT
        res.message = f"no verdict within the {timeout:.0f} s limit; killed. Log tail:\n{log_tail(sim_log, log)}"
    elif not verdict.exists():
        res.status = Status.CRASHED
        res.message = f"the job process exited with code {code} and no verdict. Log tail:\n{log_tail(log, sim_log)}"
    else:
        v = json.loads(verdict.read_text())
        res.status = Status(v["status"])
        res.message = v.get("message", "")
        res.functional = v.get("functional")
        if v.get("waves"):
            res.waves = v["waves"]
        res.reproducer = v.get("reproducer", "")
        if res.status is Status.CRASHED:
            res.message += f"\nLog tail:\n{log_tail(sim_log, log)}"
    if res.status is not Status.PASSED:
        res.signature = signature(res.message, res.status.value)
        if job.waves and not res.waves:
            res.waves = str(test_dir / "dump.vcd")
    return res
