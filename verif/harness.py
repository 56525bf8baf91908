"""cocotb-level access to the generated LPU through its documented ports (docs/rtl_ports.md):
clocking, program loading through the host ports, running to halt, and reading the final
architectural state through the debug port."""

from __future__ import annotations

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer

from isa_spec import Config, Spec
from rtl_gen.top import DBG_BHI, DBG_BLO, DBG_CSR, DBG_DMEM, DBG_PC, DBG_X  # the debug port's selectors


class TraceCollector:
    """Samples the retirement trace port after every clock edge (a per-cycle coroutine: fine
    for directed programs; the UVM monitor is the place for speed)."""

    def __init__(self, dut):
        from verif.retire import TRACE_PORTS

        self.dut = dut
        self.handles = {name: getattr(dut, f"rvfi_{name}") for name in TRACE_PORTS}
        self.valid = dut.rvfi_valid
        self.records: list = []
        self._task = None

    async def _run(self) -> None:
        from verif.retire import RtlRetire

        while True:
            await RisingEdge(self.dut.clk)
            await ReadOnly()
            if int(self.valid.value):
                self.records.append(RtlRetire({k: int(h.value) for k, h in self.handles.items()}))

    def start(self) -> None:
        self._task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None


def start_clock(dut) -> None:
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())


async def load_program(dut, text: list[int], data: list[int], previous: list[int] | None = None) -> None:
    """Hold reset, write the program and data memory (only words that differ from `previous`,
    the data image last loaded), release reset."""
    dut.rst.value = 1
    dut.host_imem_we.value = 0
    dut.host_dmem_we.value = 0
    await RisingEdge(dut.clk)
    dut.host_imem_we.value = 1
    for i, w in enumerate(text):
        dut.host_imem_addr.value = i
        dut.host_imem_wdata.value = w & 0xFFFFFFFF
        await RisingEdge(dut.clk)
    dut.host_imem_we.value = 0
    dut.host_dmem_we.value = 1
    for i, w in enumerate(data):
        if previous is not None and previous[i] == w:
            continue
        dut.host_dmem_addr.value = i
        dut.host_dmem_wdata.value = w & 0xFFFFFFFF
        await RisingEdge(dut.clk)
    dut.host_dmem_we.value = 0
    await RisingEdge(dut.clk)
    dut.rst.value = 0


async def run_to_halt(dut, max_cycles: int, step: int = 64) -> int:
    """Run until `halted`; return the cycles waited (a multiple of step). Raises on timeout."""
    waited = 0
    while not int(dut.halted.value):
        if waited >= max_cycles:
            raise TimeoutError(f"no halt within {max_cycles} cycles")
        await ClockCycles(dut.clk, step)
        waited += step
    return waited


async def dbg_read(dut, sel: int, idx: int) -> int:
    dut.dbg_sel.value = sel
    dut.dbg_idx.value = idx
    await Timer(1, unit="ns")
    return int(dut.dbg_rdata.value)


def _s32(v: int) -> int:
    return v - (1 << 32) if v & 0x80000000 else v


async def read_state(dut, spec: Spec, config: Config) -> dict:
    """The architectural state in the shape of golden_model ArchState.snapshot()."""
    d, nb = config["D"], config["BREGS"]
    x = [_s32(await dbg_read(dut, DBG_X, i)) for i in range(config["SREGS"])]
    boxes = []
    for b in range(nb):
        lo = [_s32(await dbg_read(dut, DBG_BLO, b * d + i)) for i in range(d)]
        hi = [_s32(await dbg_read(dut, DBG_BHI, b * d + i)) for i in range(d)]
        boxes.append({"lo": lo, "hi": hi})
    dmem = [_s32(await dbg_read(dut, DBG_DMEM, i)) for i in range(config["DMEM_WORDS"])]
    csr = {c.name: await dbg_read(dut, DBG_CSR, c.number) for c in spec.csrs.values()}
    pc = await dbg_read(dut, DBG_PC, 0)
    return {"pc": pc, "halted": bool(int(dut.halted.value)), "trapped": bool(int(dut.trapped.value)),
            "x": x, "boxes": boxes, "csr": csr, "dmem": dmem}
