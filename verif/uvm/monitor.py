"""The monitor: after each program, drains the verification top's trace and state logs in
bulk and publishes one ProgramRunItem (every retirement record and the final state)."""

from __future__ import annotations

from cocotb.triggers import Event
from pyuvm import ConfigDB, uvm_analysis_port, uvm_monitor

from .items import ProgramRunItem


class LpuMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.port = ConfigDB().get(self, "", "program_port")
        self.observed = Event()   # set once a run has been published (the driver waits on it)

    async def run_phase(self):
        n = 0
        while True:
            await self.port.done()
            self.ap.write(ProgramRunItem(f"run{n}", self.port.collect()))
            n += 1
            self.observed.set()
