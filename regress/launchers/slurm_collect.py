"""What the Slurm launcher learns while it polls, turned into database records, once each.

The truth is the per-task result files (written atomically by slurm_task.py); Slurm's task
states (squeue, then sacct) only say when a task is over. A task that is over and whose
file, after SETTLE_SECONDS, still lacks some of its tests gets those recorded as `killed`
(a scheduler state such as CANCELLED, TIMEOUT, NODE_FAIL) or `crashed` (FAILED, or a task
that left the queue with no state), each with the state and the tail of the task's log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..jobs import Job
from ..progress import Progress
from ..results import ResultsDB, Status, TestResult
from ..triage import signature
from ..worker import log_tail
from . import Plan
from .slurm_client import KILLED_STATES, QUEUED_STATES, TaskState
from .slurm_task import result_file

SETTLE_SECONDS = 3.0      # after a task is over, how long its result file may lag (shared filesystems)
MISSING_POLLS = 5         # polls a task may be absent from squeue before accounting is asked


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
                   + f". Task log {log}, tail:\n{log_tail(log)}")
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
