"""The driver: loads each program through the host ports, releases reset, runs the core to
halt, reads the final state through the debug port and publishes it."""

from __future__ import annotations

import cocotb
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver

from verif.harness import load_program, read_state, run_to_halt, start_clock

from .items import FinalStateItem


class LpuDriver(uvm_driver):
    def build_phase(self):
        self.program_ap = uvm_analysis_port("program_ap", self)   # a program is about to run
        self.final_ap = uvm_analysis_port("final_ap", self)       # its final state
        self.spec = ConfigDB().get(self, "", "spec")
        self.config = ConfigDB().get(self, "", "config")
        self.max_cycles = ConfigDB().get(self, "", "max_cycles")
        self.scoreboard = None   # set by the env, so that a failed test stops early

    def start_of_simulation_phase(self):
        self.dut = cocotb.top
        start_clock(self.dut)

    async def run_phase(self):
        previous = None
        while True:
            item = await self.seq_item_port.get_next_item()
            if self.scoreboard is not None and self.scoreboard.failed:
                self.seq_item_port.item_done()   # stop at the first mismatch: drain the rest
                continue
            self.program_ap.write(item)
            await load_program(self.dut, item.text, item.data, previous)
            await run_to_halt(self.dut, self.max_cycles)
            await ClockCycles(self.dut.clk, 2)   # let the last trace record reach the monitor
            state = await read_state(self.dut, self.spec, self.config)
            previous = [v & 0xFFFFFFFF for v in state["dmem"]]
            self.final_ap.write(FinalStateItem(item.get_name(), item, state, state["csr"]["cycle"]))
            self.seq_item_port.item_done()
