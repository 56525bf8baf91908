"""Compiled programs on the ISS, checked against the compiler's float interpreter: the
oracle of `lpu run FILE.slrm` and of the compiled test family."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.driver import Compilation
from compiler.interp import Comparison, interpret
from compiler.results import ResultValue, decode


@dataclass
class IssRun:
    words: dict[int, int]          # slot of the whole compilation -> raw result word
    cycles: list[int]              # per program
    instret: list[int]

    @property
    def total_cycles(self) -> int:
        return sum(self.cycles)


def run_on_iss(comp: Compilation, max_steps: int = 10_000_000) -> IssRun:
    """Every program of the compilation on a fresh ISS; its results region read back."""
    from golden_model import Iss

    t = comp.target
    run = IssRun({}, [], [])
    for p in comp.programs:
        iss = Iss(t.config, t.spec)
        iss.load_program(p.program.text, p.program.data)
        iss.run(max_steps)
        if iss.state.trapped:
            raise AssertionError(f"a compiled program trapped (mcause {iss.state.csr['mcause']}, "
                                 f"mepc {iss.state.csr['mepc']:#x}):\n{p.asm}")
        for local, slot in enumerate(p.slot_ids):
            run.words[slot] = iss.state.dmem[p.layout.results[local] // t.word_bytes]
        run.cycles.append(iss.state.csr["cycle"])
        run.instret.append(iss.state.csr["instret"])
    return run


def results(comp: Compilation, run: IssRun) -> list[ResultValue]:
    return [decode(slot, run.words[i], comp.target) for i, slot in enumerate(comp.outputs)]


def check(comp: Compilation, run: IssRun | None = None) -> tuple[IssRun, Comparison]:
    """The ISS's results against the float64 interpreter of the whole (unsplit) program."""
    run = run or run_on_iss(comp)
    return run, interpret(comp.slrm, comp.target).compare(run.words, comp.target)
