"""Where a regression's jobs run. The runner (regress/runner.py) plans a run, builds each
configuration once and hands the plan to a launcher; the launcher runs every job with
`regress.worker.run_job` somewhere and gets each result into the results database as soon
as it is known. Everything else (suites, seeds, history, triage, reports, reruns) is the
same whichever launcher ran the jobs.

- `local` (local.py): pytest-xdist workers on this machine.
- `slurm` (slurm.py): Slurm job arrays on a cluster; slurm_task.py is the array task."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from isa_spec.errors import LpuError

from ..jobs import Job
from ..results import ResultsDB

LAUNCHERS = ("local", "slurm")


class LaunchError(LpuError, RuntimeError):
    """The jobs cannot be launched (a scheduler command is missing, or the cluster refused
    the submission); the message says which and why."""


@dataclass
class Plan:
    run_id: int
    db: Path
    run_dir: Path
    suite: str
    timeout: float                      # seconds per job
    workers: int                        # local: xdist workers; slurm: the most tasks at once (0: no limit)
    jobs: list[Job]
    expected: dict[str, float] = field(default_factory=dict)   # job id -> expected seconds (history)

    @property
    def path(self) -> Path:
        return self.run_dir / "plan.json"

    def write(self) -> Path:
        self.path.write_text(json.dumps({
            "run_id": self.run_id, "db": str(self.db), "run_dir": str(self.run_dir), "suite": self.suite,
            "timeout": self.timeout, "workers": self.workers, "expected": self.expected,
            "jobs": [json.loads(j.to_json()) for j in self.jobs]}, indent=1))
        return self.path


@dataclass
class Launched:
    interrupted: bool = False     # stopped by the user (Ctrl-C) before every job was done
    clean: bool = True            # the launcher itself worked (False: pytest's internal error, ...)


class Launcher(Protocol):
    name: str

    def describe(self) -> str:
        """How the run's jobs ran, for the runs table ('local -j 2', 'slurm job 17 ...')."""
        ...

    def run(self, plan: Plan, db: ResultsDB, echo) -> Launched:
        ...
