"""A question's SLRM program: built with the compiler's Python API, compiled for the
configuration, run on the ISS (or on the RTL under the testbench), every result read back
by name beside the float interpreter's value and bound."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from compiler.api import ProgramBuilder
from compiler.driver import Compilation, compile_module
from compiler.embedding import Embedding, save_embedding
from compiler.execute import results, run_programs
from compiler.frontend.unparse import unparse
from compiler.interp import interpret
from compiler.target import Target
from golden_model.halt import run_to_halt

from ..queries import pad
from ..run import RtlOutcome, run_on_rtl


@dataclass(frozen=True)
class Value:
    lpu: float | int | bool | None       # what the LPU wrote (None: not written)
    float64: float | int | bool | None   # the interpreter's value
    bound: float                         # its stated error bound (logprob), 0 otherwise
    label: str | None = None             # an index's candidate name


@dataclass
class ProgramRun:
    source: str                          # the SLRM program, as text
    values: dict[str, Value]
    cycles: int                          # the LPU's cycles (timing model; equal on the RTL when it passed)
    programs: int                        # LPU programs the compiler split it into
    asm: list[str] = field(default_factory=list)
    compile_s: float = 0.0
    run_s: float = 0.0                   # host time of the ISS run
    rtl: RtlOutcome | None = None


class Boxes:
    """The embedding as each configuration needs it (padded to its D, written once)."""

    def __init__(self, emb: Embedding, path: Path, work: Path):
        self.emb, self.path, self.work = emb, path, work

    def file_for(self, target: Target) -> Path:
        if target.D == self.emb.D:
            return self.path
        out = self.work / f"boxes_D{target.D}.json"
        if not out.exists():
            self.work.mkdir(parents=True, exist_ok=True)
            save_embedding(pad(self.emb, target.D), out)
        return out


def builder(boxes: Path, name: str) -> ProgramBuilder:
    p = ProgramBuilder(file=f"{name}.slrm")
    p.use(str(boxes))
    return p


def run(p: ProgramBuilder, target: Target, rtl: bool = False, work: Path | None = None) -> ProgramRun:
    """Compile p for target, run it, and read every output back by name."""
    module = p.module()
    t0 = time.perf_counter()
    comp = compile_module(module, target)
    t1 = time.perf_counter()
    ran = run_programs(comp, lambda text, data: run_to_halt(target.config, target.spec, text, data))
    t2 = time.perf_counter()
    out = ProgramRun(unparse(module), _values(comp, ran), ran.total_cycles, len(comp.programs),
                     [q.asm for q in comp.programs], t1 - t0, t2 - t1)
    if rtl:
        if work is None:
            raise ValueError("an RTL run needs a work directory")
        out.rtl = run_on_rtl(comp, work, Path(p.file).stem)
    return out


def _values(comp: Compilation, ran) -> dict[str, Value]:
    t = comp.target
    ref = interpret(comp.slrm, t)
    ulp = 2.0 ** -t.log.frac
    vals = {}
    for i, (slot, got) in enumerate(zip(comp.outputs, results(comp, ran), strict=True)):
        r = ref.slots[i]
        bound = r.err + ulp if slot.type.value == "logprob" else 0.0
        vals[slot.name] = Value(got.value, r.value, bound, got.label)
    return vals
