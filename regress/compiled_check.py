"""Compiled programs on the ISS, checked against the compiler's float interpreter: the
oracle of `lpu run FILE.slrm` and of the compiled test family."""

from __future__ import annotations

from compiler.driver import Compilation
from compiler.execute import ProgramsRun, results, run_programs
from compiler.interp import Comparison, interpret
from golden_model.halt import ProgramTrapped, run_to_halt

IssRun = ProgramsRun
__all__ = ["IssRun", "check", "results", "run_on_iss"]


def run_on_iss(comp: Compilation, max_steps: int = 10_000_000) -> ProgramsRun:
    """Every program of the compilation on a fresh ISS; its results region read back."""
    t = comp.target
    done: list[int] = []

    def runner(text: list[int], data: list[int]):
        done.append(len(done))
        return run_to_halt(t.config, t.spec, text, data, max_steps)

    try:
        return run_programs(comp, runner)
    except ProgramTrapped as e:
        raise AssertionError(f"compiled program {len(done) - 1}: {e}:\n{comp.programs[len(done) - 1].asm}") from None


def check(comp: Compilation, run: ProgramsRun | None = None) -> tuple[ProgramsRun, Comparison]:
    """The ISS's results against the float64 interpreter of the whole (unsplit) program."""
    run = run or run_on_iss(comp)
    return run, interpret(comp.slrm, comp.target).compare(run.words, comp.target)
