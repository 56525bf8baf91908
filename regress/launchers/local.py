"""The local launcher: the plan's jobs as pytest items (regress/pytest_plugin.py), spread
over pytest-xdist workers on this machine. Each worker records its results in the
database itself."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import ResultsDB
from . import Launched, Plan

PYTEST_INTERRUPTED = 2
PYTEST_NO_TESTS = 5


@dataclass
class LocalLauncher:
    workers: int
    name: str = "local"

    def describe(self) -> str:
        return f"local -j {self.workers}"

    def run(self, plan: Plan, db: ResultsDB, echo) -> Launched:
        import pytest

        path = plan.write()
        ini = plan.run_dir / "pytest.ini"
        ini.write_text("[pytest]\n")   # keep the project's own pytest settings out of the run
        # worksteal: an idle worker takes queued jobs from a busy one (plain "load" scheduling
        # left one worker idle for the last minutes of a nightly)
        args = [str(path), "-c", str(ini), "--rootdir", str(plan.run_dir), "-p", "regress.pytest_plugin",
                "-p", "no:terminal", "-p", "no:cacheprovider", "--capture=no",
                "-n", str(max(1, self.workers)), "--dist", "worksteal"]
        code = int(pytest.main(args))
        return Launched(interrupted=code == PYTEST_INTERRUPTED, clean=code in (0, 1, PYTEST_NO_TESTS))
