"""The scoreboard: checks every program the monitor observed against the golden model
(verif/checker.py: each retirement record, then the final architectural state and counters)
and reports the first failure with the instruction, expected vs actual and the last
retirements. The check runs in a worker process, one program behind the simulator; the
scoreboard collects the verdicts in program order and publishes each program's coverage."""

from __future__ import annotations

import os
from collections import deque

from pyuvm import ConfigDB, uvm_analysis_port, uvm_component, uvm_subscriber

from verif.checker import CheckerPool, ProgramChecker


class _Input(uvm_subscriber):
    """Routes one analysis stream to a scoreboard method."""

    def __init__(self, name, parent, callback):
        super().__init__(name, parent)
        self.callback = callback

    def write(self, item):
        self.callback(item)


class LpuScoreboard(uvm_component):
    def build_phase(self):
        db = ConfigDB()
        port = db.get(self, "", "program_port")
        checker = ProgramChecker(db.get(self, "", "spec"), db.get(self, "", "config"), port.layout,
                                 db.get(self, "", "max_cycles"), port.obs_layout)
        # LPU_CHECK_WORKERS=0 checks inline (one process: easier to debug)
        self.pool = CheckerPool(checker, int(os.environ.get("LPU_CHECK_WORKERS", "1")))
        self.program_in = _Input("program_in", self, self.start_program)
        self.run_in = _Input("run_in", self, self.check_run)
        self.cov_ap = uvm_analysis_port("cov_ap", self)   # coverage hit counts, one array per program
        self.failures: list[str] = []
        self.programs = self.retired = 0
        self.pending: deque = deque()
        db.set(None, "*", "coverage_settle", self.settle)   # sequences that steer on coverage call it

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def start_program(self, item) -> None:
        self.pending.append(item)

    def check_run(self, item) -> None:
        program = self.pending.popleft()
        self.programs += 1
        if not self.failed:
            self.pool.submit(program, program.text, program.data, item.run)
        self._collect(wait=False)

    def settle(self) -> None:
        """Wait for every submitted check (coverage and verdicts are then up to date)."""
        self._collect(wait=True)

    def _collect(self, wait: bool) -> None:
        for program, r in self.pool.results(wait):
            if self.failed:
                continue   # the first failure stops the comparison for this test
            self.retired += r.retired
            self.cov_ap.write(r.coverage)
            if r.failure:
                self.failures.append(f"{program.origin}: {r.failure}")
                self.logger.error(f"{program.origin}: {r.failure}")

    def extract_phase(self):
        self.settle()
        self.pool.close()

    def check_phase(self):
        if self.failures:   # raised, not asserted: the report reads better without assert rewriting
            raise AssertionError("\n".join(self.failures))
