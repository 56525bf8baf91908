"""One program run on a fresh ISS to its halt: what a host reads back afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from isa_spec import Config, Spec

from .iss import Iss


class ProgramTrapped(RuntimeError):
    """The program stopped on a trap (no handler) instead of halting."""


@dataclass(frozen=True)
class Halted:
    dmem: list[int]          # data memory at the halt, signed words
    cycle: int               # the cycle CSR (the timing model)
    instret: int


def run_to_halt(config: Config, spec: Spec, text: list[int], data: list[int] | None = None,
                max_steps: int = 10_000_000) -> Halted:
    iss = Iss(config, spec)
    iss.load_program(text, data)
    iss.run(max_steps)
    s = iss.state
    if s.trapped:
        raise ProgramTrapped(f"the program trapped (mcause {s.csr['mcause']}, mepc {s.csr['mepc']:#x})")
    return Halted(list(s.dmem), int(s.csr["cycle"]), int(s.csr["instret"]))
