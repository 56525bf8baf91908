"""cocotb-level access to the generated LPU through the verification top `lpu_tb`
(verif/tb_top.py): Python wakes once per program, not once per clock edge.

A program run: write the text and data images to files, set the word counts and the cycle
limit, flip `tb_req`, await `tb_done`. The wrapper loads the program through the host ports,
runs the core to halt, logs every retirement (canonical records) and walks the debug port
over the final state; ProgramPort then reads the new lines of both logs in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cocotb.triggers import RisingEdge

from isa_spec import Config, Spec
from verif import tb_top


@dataclass
class ProgramRun:
    """What one program did on the RTL: its trace records (canonical integers, see
    TraceLayout), the final state (ArchState.snapshot() shape), cycles run, and whether it
    hit the cycle limit instead of halting."""

    trace: list[int]
    state: dict
    cycles: int
    timed_out: bool
    obs: list[int] = field(default_factory=list)   # observation-port records (obs_layout), event cycles


class _Log:
    """The lines appended to one of the wrapper's logs since the last read."""

    def __init__(self, path: Path):
        self.path, self.fh = path, None

    def new_lines(self) -> list[str]:
        if self.fh is None:
            self.fh = open(self.path)  # noqa: SIM115 (kept open: read incrementally)
        return self.fh.read().split()


class ProgramPort:
    """Starts programs on the wrapper and collects what they did. `start` and `collect` are
    split so that the driver starts and the monitor observes (UVM roles)."""

    def __init__(self, dut, spec: Spec, config: Config, workdir: Path | None = None):
        self.dut, self.spec, self.config = dut, spec, config
        self.workdir = Path(workdir or Path.cwd())
        widths = tb_top.port_widths(config, spec)
        self.layout, self.obs_layout = tb_top.trace_layout(widths), tb_top.obs_layout(widths)
        self._trace, self._state = _Log(self.workdir / tb_top.TRACE_FILE), _Log(self.workdir / tb_top.STATE_FILE)
        self._obs = _Log(self.workdir / tb_top.OBS_FILE)
        self._req = 0

    def start(self, text: list[int], data: list[int], max_cycles: int) -> None:
        """Start a program: `data` is the whole data image; the wrapper writes its trailing
        zeros without reading them from the file."""
        n = len(data)
        while n and not data[n - 1] & 0xFFFFFFFF:
            n -= 1
        (self.workdir / tb_top.TEXT_FILE).write_text("".join(f"{w & 0xFFFFFFFF:08x}\n" for w in text))
        (self.workdir / tb_top.DATA_FILE).write_text("".join(f"{w & 0xFFFFFFFF:08x}\n" for w in data[:n]))
        d = self.dut
        d.tb_text_words.value = len(text)
        d.tb_data_words.value = n
        d.tb_dmem_words.value = len(data)
        d.tb_max_cycles.value = max_cycles
        self._req ^= 1
        d.tb_req.value = self._req

    async def done(self) -> None:
        await RisingEdge(self.dut.tb_done)

    def collect(self) -> ProgramRun:
        """Call right after `done`: the records and the state dump of the program that ended."""
        trace = [int(s, 16) for s in self._trace.new_lines()]
        state = tb_top.parse_state([int(s, 16) for s in self._state.new_lines()], self.spec, self.config)
        d = self.dut
        state["halted"], state["trapped"] = bool(int(d.tb_halted.value)), bool(int(d.tb_trapped.value))
        obs = [int(s, 16) for s in self._obs.new_lines()]
        return ProgramRun(trace, state, int(d.tb_cycles.value), bool(int(d.tb_timeout.value)), obs)

    async def run(self, text: list[int], data: list[int], max_cycles: int) -> ProgramRun:
        self.start(text, data, max_cycles)
        await self.done()
        return self.collect()
