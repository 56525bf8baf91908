"""The monitor: one RetireItem per record of the retirement trace port."""

from __future__ import annotations

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge
from pyuvm import uvm_analysis_port, uvm_monitor

from verif.retire import TRACE_PORTS, RtlRetire

from .items import RetireItem


class LpuMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        dut = cocotb.top
        self.clk, self.valid = dut.clk, dut.rvfi_valid
        self.handles = [(n, getattr(dut, f"rvfi_{n}")) for n in TRACE_PORTS]

    async def run_phase(self):
        n = 0
        while True:
            await RisingEdge(self.clk)
            await ReadOnly()
            if int(self.valid.value):
                rec = RtlRetire({k: int(h.value) for k, h in self.handles})
                self.ap.write(RetireItem(f"retire{n}", rec))
                n += 1
