"""The environment: sequencer, driver, monitor, scoreboard and coverage, connected by
analysis ports."""

from pyuvm import uvm_env

from .coverage import LpuCoverage
from .driver import LpuDriver
from .monitor import LpuMonitor
from .scoreboard import LpuScoreboard
from .sequencer import LpuSequencer


class LpuEnv(uvm_env):
    def build_phase(self):
        self.seqr = LpuSequencer("seqr", self)
        self.driver = LpuDriver("driver", self)
        self.monitor = LpuMonitor("monitor", self)
        self.scoreboard = LpuScoreboard("scoreboard", self)
        self.coverage = LpuCoverage("coverage", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.program_ap.connect(self.scoreboard.program_in.analysis_export)
        self.monitor.ap.connect(self.scoreboard.run_in.analysis_export)
        self.scoreboard.cov_ap.connect(self.coverage.analysis_export)
        self.driver.scoreboard = self.scoreboard
        self.driver.observed = self.monitor.observed
