"""The Slurm launcher: the plan's tests as one Slurm job array, several tests per task.

1. The runner has built every configuration (BUILD_ROOT, on a filesystem the nodes share).
2. The tests are packed into tasks (packing.py) and written to RUN/slurm/manifest.json;
   RUN/slurm/task.sh runs `<absolute python> -m regress.launchers.slurm_task MANIFEST`.
3. `sbatch --parsable --array=0-(N-1)[%K] [site options] task.sh` submits them all at once.
4. Until every task is over, it polls `squeue` (task states) and the per-task result files
   (RUN/slurm/results/task_<i>.json, written atomically by the tasks), records each result
   in the database as soon as it appears, and prints the tests done and the tasks queued,
   running, done and failed.
5. A task that ends (CANCELLED, TIMEOUT, NODE_FAIL, ...) without results for all its tests:
   the tests it had not finished are recorded as `killed` (the scheduler ended them) or
   `crashed` (the task itself died), with the Slurm state and the tail of the task's log.
   Results already recorded are never touched. Ctrl-C cancels the array.
"""

from __future__ import annotations

import json
import shlex
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..jobs import Job
from ..progress import Progress
from ..results import ResultsDB, Status, TestResult
from ..triage import signature
from ..worker import LOG_TAIL_LINES
from . import Launched, Plan
from .packing import pack
from .slurm_client import KILLED_STATES, QUEUED_STATES, SlurmClient, TaskState
from .slurm_config import SlurmOptions
from .slurm_task import result_file

SETTLE_SECONDS = 3.0      # after a task is over, how long its result file may lag (shared filesystems)
MISSING_POLLS = 5         # polls a task may be absent from squeue before accounting is asked
SQUEUE_WARN_SECONDS = 60  # squeue failing this long is reported (and polling goes on)


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:]) or "(empty log)"


@dataclass
class _Task:
    index: int
    jobs: list[Job]
    state: TaskState | None = None
    over_since: float | None = None      # when a final state was first seen
    missing: int = 0                     # consecutive polls without squeue knowing the task
    recorded: set[str] = field(default_factory=set)
    mtime: float = -1.0
    doc: dict = field(default_factory=dict)
    settled: bool = False
    lost: int = 0                        # tests recorded as killed or crashed by the launcher


class Collector:
    """Turns result files and task states into database records, once each."""

    def __init__(self, plan: Plan, tasks: list[list[Job]], db: ResultsDB, progress: Progress,
                 results_dir: Path, log_pattern: str):
        self.plan, self.db, self.progress = plan, db, progress
        self.results_dir = results_dir
        self.log_pattern = log_pattern       # with {task}
        self.tasks = [_Task(i, jobs) for i, jobs in enumerate(tasks)]
        self.job_id = ""

    def log(self, task: int) -> Path:
        return Path(self.log_pattern.format(task=task))

    def _record(self, res: TestResult) -> None:
        self.db.record(self.plan.run_id, res)
        self.progress.update(f"{res.config}/{res.test}" + (f"/seed{res.seed}" if res.seed is not None else ""),
                             res.status.value, res.duration or 0.0)

    def read(self, t: _Task) -> None:
        path = result_file(self.results_dir, t.index)
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == t.mtime:
            return
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError):
            return   # replaced while we read it: next poll
        t.mtime, t.doc = mtime, doc
        for d in doc.get("results", []):
            job = Job.from_json(d["job"])
            if job.id in t.recorded:
                continue
            t.recorded.add(job.id)
            self._record(TestResult(**{**d, "status": Status(d["status"])}))

    def read_all(self) -> None:
        for t in self.tasks:
            if not t.settled:
                self.read(t)

    def _complete(self, t: _Task) -> bool:
        return bool(t.doc.get("done")) and len(t.recorded) == len(t.jobs)

    def observe(self, states: dict[int, TaskState] | None, now: float, accounting) -> None:
        """Task states from squeue (None: squeue failed this time) -> settle finished tasks."""
        for t in self.tasks:
            if t.settled:
                continue
            if states is not None:
                st = states.get(t.index)
                if st is None:
                    t.missing += 1
                    if t.missing >= MISSING_POLLS:   # left squeue: ask accounting, else unknown
                        st = accounting().get(t.index) or TaskState("UNKNOWN", "left the queue")
                else:
                    t.missing = 0
                if st is not None:
                    t.state = st
            if self._complete(t):
                t.settled = True
                continue
            if t.state is not None and t.state.final:
                if t.over_since is None:
                    t.over_since = now
                if now - t.over_since >= SETTLE_SECONDS:
                    self.read(t)
                    if not self._complete(t):
                        self._lose(t)
                    t.settled = True

    def _lose(self, t: _Task) -> None:
        """Record the task's unfinished tests with the task's Slurm state and log."""
        state = t.state.state if t.state else "UNKNOWN"
        killed = state in KILLED_STATES
        log = self.log(t.index)
        name = f"{self.job_id}_{t.index}"
        current = t.doc.get("current")
        for job in t.jobs:
            if job.id in t.recorded:
                continue
            when = "while this test was running" if job.id == current else "before this test started"
            msg = (f"slurm task {name} ended {state} {when}"
                   + (" (the scheduler ended it: scancel, time limit, preemption or node failure)" if killed else
                      " (the task died without a verdict for this test)")
                   + f". Task log {log}, tail:\n{_tail(log)}")
            status = Status.KILLED if killed else Status.CRASHED
            res = TestResult(job.config, job.test, job.seed, status, None, message=msg, repro=job.repro(),
                             log=str(log), job=job.to_json())
            res.signature = signature(msg, status.value) if killed else f"slurm: task ended {state}"
            t.recorded.add(job.id)
            t.lost += 1
            self._record(res)

    @property
    def done(self) -> bool:
        return all(t.settled for t in self.tasks)

    def counts(self) -> dict[str, int]:
        c = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        for t in self.tasks:
            if t.settled:
                ended_badly = t.state is not None and t.state.final and t.state.state != "COMPLETED"
                c["failed" if t.lost or ended_badly else "done"] += 1
            elif t.state is None or t.state.state in QUEUED_STATES:
                c["queued"] += 1
            else:
                c["running"] += 1
        return c


@contextmanager
def _sigterm_interrupts():
    """SIGTERM to the submitter (a CI time limit, a kill) stops it like Ctrl-C, so that the
    job array is cancelled instead of left running with no one to record its results."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@dataclass
class SlurmLauncher:
    options: SlurmOptions
    client: SlurmClient = field(default_factory=SlurmClient)
    name: str = "slurm"
    job_id: str = ""
    tasks: int = 0
    per_task: int = 0

    def describe(self) -> str:
        if not self.job_id:
            return "slurm"
        return f"slurm job {self.job_id}: {self.tasks} array tasks, up to {self.per_task} tests each"

    def _script(self, sdir: Path, manifest: Path) -> Path:
        script = sdir / "task.sh"
        script.write_text("#!/bin/sh\n"
                          "# generated by `lpu regress --launcher slurm`: one array task of the run\n"
                          f"exec {shlex.quote(self.options.interpreter())} -m regress.launchers.slurm_task "
                          f"{shlex.quote(str(manifest))}\n")
        script.chmod(0o755)
        return script

    def submit(self, plan: Plan, tasks: list[list[Job]], sdir: Path) -> str:
        from verif.build import BUILD_ROOT

        results = sdir / "results"
        (sdir / "logs").mkdir(parents=True, exist_ok=True)
        results.mkdir(parents=True, exist_ok=True)
        manifest = sdir / "manifest.json"
        manifest.write_text(json.dumps({
            "run_id": plan.run_id, "run_dir": str(plan.run_dir), "results_dir": str(results),
            "build_root": str(Path(BUILD_ROOT).resolve()), "timeout": plan.timeout,
            "tasks": [[json.loads(j.to_json()) for j in t] for t in tasks]}, indent=1))
        script = self._script(sdir, manifest)
        array = f"0-{len(tasks) - 1}" + (f"%{self.options.max_parallel}" if self.options.max_parallel else "")
        args = [f"--array={array}", f"--job-name=lpu-{plan.suite}-run{plan.run_id}",
                f"--output={sdir / 'logs' / 'task_%A_%a.log'}", f"--chdir={plan.run_dir}",
                *self.options.args, str(script)]
        (sdir / "sbatch.txt").write_text(shlex.join(["sbatch", "--parsable", *args]) + "\n")
        return self.client.submit(args)

    def run(self, plan: Plan, db: ResultsDB, echo) -> Launched:
        cpus = self.client.cpus(self.options.args)
        limits = [n for n in (self.options.max_parallel, cpus) if n]
        tasks = pack(plan.jobs, plan.expected, self.options.per_task, min(limits) if limits else None)
        if not tasks:
            return Launched()
        sdir = plan.run_dir / "slurm"
        self.tasks, self.per_task = len(tasks), max(len(t) for t in tasks)
        self.job_id = self.submit(plan, tasks, sdir)
        (sdir / "job_id").write_text(self.job_id + "\n")
        db.update_run(plan.run_id, launcher=self.describe())
        echo(f"submitted slurm job array {self.job_id}: {len(tasks)} tasks, {len(plan.jobs)} tests "
             f"({min(len(t) for t in tasks)}-{self.per_task} per task); logs in {sdir / 'logs'}", flush=True)
        progress = Progress(len(plan.jobs), expected=plan.expected, workers=min([len(tasks), *limits]))
        col = Collector(plan, tasks, db, progress, sdir / "results",
                        str(sdir / "logs" / f"task_{self.job_id}_{{task}}.log"))
        col.job_id = self.job_id
        try:
            with _sigterm_interrupts():
                self._poll(col, len(tasks), echo)
        except KeyboardInterrupt:
            self.client.cancel(self.job_id)
            col.read_all()
            echo(f"slurm job {self.job_id} cancelled (interrupted); the results recorded so far are kept", flush=True)
            return Launched(interrupted=True)
        return Launched()

    def _poll(self, col: Collector, n_tasks: int, echo) -> None:
        last, squeue_bad_since = None, None
        while True:
            col.read_all()
            states = self.client.task_states(self.job_id)
            now = time.monotonic()
            if states is None:
                if squeue_bad_since is None:
                    squeue_bad_since = now
                elif now - squeue_bad_since >= SQUEUE_WARN_SECONDS:
                    echo(f"slurm job {self.job_id}: squeue has not answered for {now - squeue_bad_since:.0f} s; "
                         "still polling (Ctrl-C cancels the job)", flush=True)
                    squeue_bad_since = now
            else:
                squeue_bad_since = None
            col.observe(states, now, lambda: self.client.accounting_states(self.job_id))
            c = col.counts()
            if c != last:
                echo(f"slurm job {self.job_id}: {c['queued']} queued, {c['running']} running, "
                     f"{c['done']} done, {c['failed']} failed (of {n_tasks} tasks)", flush=True)
                last = c
            if col.done:
                return
            time.sleep(self.options.poll_seconds)


def make_slurm_launcher(options: SlurmOptions) -> SlurmLauncher:
    """Fails early (LaunchError) when Slurm's commands are not here, or when the cluster
    would refuse a job with the site options (wrong partition, account, QoS, time limit)."""
    client = SlurmClient()
    client.check(options.args)
    return SlurmLauncher(options, client)

