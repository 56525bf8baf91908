"""A compilation's programs run one after another by a caller-given runner (the ISS, in
practice: golden_model.halt.run_to_halt; the compiler never imports it), and the
results region of each read back by the slot of the whole compilation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .driver import Compilation
from .results import ResultValue, decode


class HaltedState(Protocol):
    dmem: list[int]
    cycle: int
    instret: int


Runner = Callable[[list[int], list[int]], HaltedState]     # (text, data) -> the state at the halt


@dataclass
class ProgramsRun:
    words: dict[int, int] = field(default_factory=dict)    # slot of the whole compilation -> raw result word
    cycles: list[int] = field(default_factory=list)        # per program
    instret: list[int] = field(default_factory=list)

    @property
    def total_cycles(self) -> int:
        return sum(self.cycles)


def run_programs(comp: Compilation, runner: Runner) -> ProgramsRun:
    t = comp.target
    run = ProgramsRun()
    for p in comp.programs:
        h = runner(p.program.text, p.program.data)
        for local, slot in enumerate(p.slot_ids):
            run.words[slot] = h.dmem[p.layout.results[local] // t.word_bytes]
        run.cycles.append(h.cycle)
        run.instret.append(h.instret)
    return run


def results(comp: Compilation, run: ProgramsRun) -> list[ResultValue]:
    """Every output of the source program, decoded, in source order."""
    return [decode(slot, run.words[i], comp.target) for i, slot in enumerate(comp.outputs)]
