"""The scoreboard: steps the golden model once per retirement seen on the trace port and
compares them field by field; compares the final architectural state and counters. The first
mismatch is reported with the instruction, its disassembly, expected vs actual and the last
retirements, and stops the comparison for that test."""

from __future__ import annotations

from collections import deque

from pyuvm import ConfigDB, uvm_analysis_port, uvm_component, uvm_subscriber

from golden_model import Iss
from isa_spec.disassembler import disassemble
from verif.retire import compare, diff_states

HISTORY = 8


class _Input(uvm_subscriber):
    """Routes one analysis stream to a scoreboard method."""

    def __init__(self, name, parent, callback):
        super().__init__(name, parent)
        self.callback = callback

    def write(self, item):
        self.callback(item)


class LpuScoreboard(uvm_component):
    def build_phase(self):
        self.spec = ConfigDB().get(self, "", "spec")
        self.config = ConfigDB().get(self, "", "config")
        self.program_in = _Input("program_in", self, self.start_program)
        self.retire_in = _Input("retire_in", self, self.check_retire)
        self.final_in = _Input("final_in", self, self.check_final)
        self.cov_ap = uvm_analysis_port("cov_ap", self)   # (model record, pre-state) per retirement
        self.failures: list[str] = []
        self.programs = self.retired = 0
        self.iss = None

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def start_program(self, item) -> None:
        self.program = item
        self.iss = Iss(self.config, self.spec, cycle_source=lambda: self.rtl_value)
        self.iss.load_program(item.text, [v - (1 << 32) if v & 0x80000000 else v for v in item.data])
        self.history: deque = deque(maxlen=HISTORY)
        self.rtl_value = 0

    def _fail(self, text: str) -> None:
        self.failures.append(f"{self.program.origin}: {text}")
        self.logger.error(f"{self.program.origin}: {text}")

    def check_retire(self, item) -> None:
        if self.failed or self.iss is None:
            return
        rtl = item.rtl
        if self.iss.state.halted:
            self._fail(f"the RTL retired pc {rtl.fields['pc']:#x} after the model halted")
            return
        from verif.coverage import pre_state

        pre = pre_state(self.iss)
        # the cycle counter is the RTL's: a csrr of it reads this value in the model
        self.rtl_value = rtl.fields["rd_wdata"]
        rec = self.iss.step()
        problems = compare(rtl, rec, self.config["D"])
        line = f"{rec.order:6d} pc {rec.pc:#06x}  {rec.word:08x}  {disassemble(rec.word)}"
        if problems:
            last = "\n".join("    " + h for h in self.history) or "    (none)"
            self._fail("retirement mismatch\n"
                       f"  instruction: {line.strip()}\n"
                       + "".join(f"  {p}\n" for p in problems)
                       + f"  last {len(self.history)} retired:\n{last}")
            return
        self.history.append(line)
        self.retired += 1
        self.cov_ap.write((rec, pre))

    def check_final(self, item) -> None:
        self.programs += 1
        if self.failed:
            return
        if not self.iss.state.halted:
            self._fail(f"the RTL halted at pc {item.state['pc']:#x}, the model has not (it is at "
                       f"pc {self.iss.state.pc:#x})")
            return
        expected = self.iss.state.snapshot()
        expected["dmem"] = list(self.iss.state.dmem)
        problems = diff_states(expected, item.state)
        if problems:
            self._fail("final state differs: " + "; ".join(problems[:8]))

    def check_phase(self):
        if self.failures:   # raised, not asserted: the report reads better without assert rewriting
            raise AssertionError("\n".join(self.failures))
