"""The timing model: the cycle at which every instruction retires, from the spec's timing
rules (isa.toml [latency], evaluated by isa_spec/latency.py), written from the spec and not
from the RTL.

Cycles are the values of the `cycle` counter, which counts every cycle from reset until the
core halts: the first cycle after reset is cycle 0. An instruction "retires in cycle c" when
c is its last cycle (the one at whose end its writes take effect); a trap retires the same
way, in the last cycle of the trapping instruction.

Today's core is multi-cycle: instruction k starts the cycle after instruction k-1 retired
and takes latency(k) cycles, whatever came before. A pipeline model will replace this class
with one that sees more of each retirement (the predictor outcome in rec.branch, register
dependencies in the decoded operands), behind the same three methods."""

from __future__ import annotations

from isa_spec import Config, Spec
from isa_spec.errors import SpecError
from isa_spec.latency import CSR_READ, latency_table

from .decode import Decoded
from .trace import RetireRecord


class TimingModel:
    """Cycle predictions for one configuration, one instruction at a time, in order."""

    def __init__(self, spec: Spec, config: Config):
        self.latency = latency_table(spec, config)
        self.read_at = self.latency["counter_read"]
        if not 0 <= self.read_at < self.latency[CSR_READ]:
            # a spec mistake that shows only once a configuration fixes the latencies
            raise SpecError("isa.toml", "latency 'counter_read'", None,
                            f"counter_read = {self.read_at} is not a cycle of `{CSR_READ}` "
                            f"(0 .. {self.latency[CSR_READ] - 1} in configuration '{config.name}')")
        self.fetch_fault = spec.traps["fetch_fault"].code
        self.start = 0   # the first cycle of the next instruction

    @property
    def cycles(self) -> int:
        """Cycles counted so far: the `cycle` counter after the last retirement (it stops when
        the core halts, so after a halt this is the counter's final value)."""
        return self.start

    def counter_read(self, dec: Decoded) -> int:
        """The `cycle` counter's value that `dec`, the next instruction, reads (csrr)."""
        return self.start + self.read_at

    def retire(self, rec: RetireRecord, dec: Decoded | None) -> int:
        """The cycle in which `rec` retires (or traps); `dec` is None when the word did not
        decode or was never fetched. Advances the model past it."""
        if rec.trap is None:
            key = rec.name
        else:
            key = "fetch_fault" if rec.trap == self.fetch_fault else "trap"
        cycle = self.start + self.latency[key] - 1
        self.start = cycle + 1
        return cycle
