"""Issue 13 section 3.7: when a regression's controller is killed (SIGKILL of its process
group), the jobs in flight, each in its own session, and the processes they started (the
simulator) die with it instead of running on as orphans (regress/lifeline.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from regress.lifeline import LIFELINE_ENV

REPO = Path(__file__).resolve().parent.parent
GONE_WITHIN = 3.0   # seconds after the kill


def _alive(pid: int) -> bool:
    """Running (a zombie nobody has reaped yet counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _pids_with(*words: str) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and int(d.name) != os.getpid():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if all(w in cmd for w in words):
                out.append(int(d.name))
    return out


def _wait_for(pred, timeout: float, step: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return pred()


def _controller(code: str, cwd: Path) -> subprocess.Popen:
    """A controller process leading its own process group, as `lpu regress` in a shell does."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_group(ctrl: subprocess.Popen) -> None:
    os.killpg(ctrl.pid, signal.SIGKILL)
    ctrl.wait()


def test_killed_regression_leaves_no_job_running(tmp_path):
    """A real run (runner -> pytest-xdist worker -> job process) whose one job spins the ISS
    for a minute; SIGKILL of the controller's group ends the job too."""
    loops = tmp_path / "spin"
    loops.mkdir()
    for i in range(10):   # each runs the ISS to its 1,000,000-step limit: seconds apiece
        (loops / f"spin{i}.s").write_text("loop:   jal x0, loop\n")
    out = tmp_path / "out"
    ctrl = _controller(f"""
        from pathlib import Path
        from regress.jobs import Job
        from regress.runner import RunOptions, execute
        execute(RunOptions(suite="smoke", configs=[], seeds=0, jobs=1, out=Path({str(out)!r}), report=False,
                           examples=Job("default", "examples", path={str(loops)!r}), echo=lambda *a, **k: None))
    """, tmp_path)
    try:
        jobs = _wait_for(lambda: _pids_with("regress.job_main", str(loops)), timeout=90)
        assert jobs, "the job never started"
        time.sleep(1.0)
        assert all(_alive(p) for p in jobs), "the job ended by itself before the kill (make it longer)"
    finally:
        _kill_group(ctrl)
    _wait_for(lambda: not any(_alive(p) for p in jobs), GONE_WITHIN)
    left = [p for p in jobs if _alive(p)]
    assert not left, f"job processes {left} outlived the killed regression"


def test_job_and_its_simulator_die_with_the_worker(tmp_path):
    """run_job's child (standing in for job_main) starts a grandchild in its group, as cocotb
    starts the simulator; both are gone soon after the process running run_job is killed."""
    pids = tmp_path / "pids"
    child = textwrap.dedent(f"""
        import os, subprocess, time
        from regress.lifeline import watch_parent
        assert watch_parent()
        sim = subprocess.Popen(["sleep", "120"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{sim.pid}}")
        time.sleep(120)
    """)
    ctrl = _controller(f"""
        import sys
        from pathlib import Path
        from regress.jobs import Job
        from regress.worker import run_job
        run_job(Job("tiny", "random", seed=1), Path({str(tmp_path / "job")!r}), 600,
                child=[sys.executable, "-c", {child!r}])
    """, tmp_path)
    try:
        assert _wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2, timeout=30), \
            "the staged job never started"
        job, sim = map(int, pids.read_text().split())
        assert _alive(job) and _alive(sim)
        assert os.getpgid(sim) == job, "the simulator stands outside the job's process group"
    finally:
        _kill_group(ctrl)
    _wait_for(lambda: not (_alive(job) or _alive(sim)), GONE_WITHIN)
    assert not _alive(job), "the job outlived the killed worker"
    assert not _alive(sim), "the job's simulator outlived the killed worker"


def test_finished_job_returns_normally(tmp_path):
    """The lifeline changes nothing while the parent lives: the child's verdict is read."""
    from regress.jobs import Job
    from regress.results import Status
    from regress.worker import run_job

    code = ("import json, sys; from regress.lifeline import watch_parent; assert watch_parent(); "
            "open(sys.argv[1] + '/result.json', 'w').write(json.dumps({'status': 'passed'}))")
    env_before = dict(os.environ)
    res = run_job(Job("tiny", "random", seed=1), tmp_path, 60, child=[sys.executable, "-c", code, str(tmp_path)])
    assert res.status is Status.PASSED, res.message
    assert dict(os.environ) == env_before and LIFELINE_ENV not in os.environ


def test_job_run_by_hand_does_not_watch(tmp_path):
    """Not a process-group leader (run from a shell, say): no watcher, so it can never kill
    its caller's group."""
    r, w = os.pipe()
    try:
        code = "from regress.lifeline import watch_parent; print(watch_parent())"
        env = {**os.environ, "PYTHONPATH": str(REPO), LIFELINE_ENV: str(r)}
        p = subprocess.run([sys.executable, "-c", code], env=env, pass_fds=(r,), capture_output=True, text=True)
        assert p.stdout.strip() == "False", p.stderr
    finally:
        os.close(r)
        os.close(w)
