"""The coverage collector: accumulates the functional coverage (verif/coverage.py) of every
program the scoreboard has checked (the checker samples each retirement and sends the hit
counts per program), and saves it for merging across runs."""

from __future__ import annotations

from pathlib import Path

from pyuvm import ConfigDB, uvm_subscriber


class LpuCoverage(uvm_subscriber):
    def build_phase(self):
        from verif.coverage import CoverageModel

        self.model = CoverageModel(ConfigDB().get(self, "", "spec"), ConfigDB().get(self, "", "config"),
                                   uarch=True)
        self.out = ConfigDB().get(self, "", "coverage_out")
        ConfigDB().set(None, "*", "coverage_model", self.model)  # coverage-driven sequences read it

    def write(self, hits):
        self.model.add_hits(hits)

    def report_phase(self):
        self.logger.info(f"functional coverage {self.model.percent():.1f} % "
                         f"({len(self.model.holes())} holes)")
        if self.out:
            Path(self.out).write_text(self.model.to_json())
