"""The driver: starts each program on the verification top (which loads it through the host
ports, runs the core to halt and dumps the final state), and completes the item when the
monitor has observed the end of the run. Python wakes once per program, not per clock."""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver


class LpuDriver(uvm_driver):
    def build_phase(self):
        self.program_ap = uvm_analysis_port("program_ap", self)   # a program is about to run
        self.port = ConfigDB().get(self, "", "program_port")
        self.max_cycles = ConfigDB().get(self, "", "max_cycles")
        self.scoreboard = None   # set by the env, so that a failed test stops early
        self.observed = None     # the monitor's event: the run it started has been observed

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if self.scoreboard is not None and self.scoreboard.failed:
                self.seq_item_port.item_done()   # stop at the first mismatch: drain the rest
                continue
            self.program_ap.write(item)
            self.observed.clear()
            self.port.start(item.text, item.data, self.max_cycles)
            await self.observed.wait()
            self.seq_item_port.item_done()
