"""The program builder (the streams composed) and the public entry points."""

from __future__ import annotations

import random

from golden_model.state import to_s32
from isa_spec import Config, Spec
from isa_spec.assembler import assemble

from .box_chains import _BoxChains
from .branches import _Branches
from .chains import _Chains
from .emitter import _Emitter
from .items import _Items
from .knobs import GeneratedProgram, Knobs, Target
from .loops import _Loops
from .memory import _Memory
from .names import TRAP_VECTOR_CSR, GeneratorError, _Full
from .regs import _Regs
from .setups import _Setups
from .streams import _Streams
from .traps import _Traps
from .uarch_items import _UarchItems
from .wrong_path import _WrongPaths


class _Gen(_UarchItems, _Streams, _Chains, _BoxChains, _WrongPaths, _Setups, _Loops, _Traps, _Branches, _Items,
           _Memory, _Regs, _Emitter):
    """One program: the prologue, the items of the streams, halt, the handler, the data image."""

    def targeted(self, targets: list[Target]) -> None:
        """One item per target, each under its own knobs, until IMEM is full (dense knobs:
        every target that still fits)."""
        base, self.pending = self.k, []
        try:
            for t in targets:
                self.k = t.knobs
                m = self._mark()
                try:
                    {"instr": self.instruction, "trap": self.trap, "loop": lambda _: self.loop(),
                     "stream": self.stream, "uarch": self.uarch_item,
                     "fan_out": lambda _: self.fan_out(self.k.fan_out, self.k.fan_file)}[t.kind](t.name)
                except _Full:
                    self._rollback(m)
                    if t.knobs.dense:
                        continue
                    break
                self._tick()
        finally:
            for p in self.pending:
                self.label(p[0])
            self.pending, self.k = [], base

    def run(self, seed: int, targets: list[Target] | None = None) -> GeneratedProgram:
        handler = self.handler()
        self.branch_entries.clear()  # the handler's branch goes to the end; its pc is not known yet
        halt = next(n for n, ro in self.roles.items() if ro.halts)
        self.limit = self.imem - self.handler_words - 1
        kind = "random" if targets is None else "targeted"
        self.lines.append(f"# {kind} LPU program: config {self.config.name}, seed {seed}")
        self.li(self.xT, "__trap_handler", "la")
        csr_op = next(op.name for op in self.spec.instructions[self.a.csr_writer].operands if op.kind == "csr")
        self.emit(self.a.csr_writer, {csr_op: TRAP_VECTOR_CSR, self.roles[self.a.csr_writer].x_reads[0]: self.xT})
        if targets is None:
            for reg in self.rng.sample(self.free, min(len(self.free), max(2, self.imem // 128))):
                self.li(reg, self.rng.choice(self.corners))
        self._data(0, [self.rng.choice(self.corners) for _ in range(self.scratch)])
        if targets is not None:  # no warm-up values: every retired instruction serves a target
            self.targeted(targets)
        else:
            if self.rng.random() < 0.5:
                self.temps()
            self.block(self.k.length, in_loop=False)
        self.limit += 1
        self.emit(halt, {})
        self.lines += handler
        self.words += self.handler_words
        image = [0] * max((i + len(v) for i, v in self.data_writes), default=0)
        for i, vals in self.data_writes:
            image[i:i + len(vals)] = vals
        self.lines.append(".data")
        for i in range(0, len(image), 8):
            self.lines.append("    .word " + ", ".join(str(to_s32(v)) for v in image[i:i + 8]))
        asm = "\n".join(self.lines) + "\n"
        prog = assemble(asm, f"<random seed {seed}>", spec=self.spec)
        if len(prog.text) != self.words or len(prog.text) > self.imem or len(prog.data) > self.dmem:
            raise GeneratorError(f"seed {seed}: {len(prog.text)} words (counted {self.words}, "
                                 f"IMEM {self.imem}), {len(prog.data)} data words (DMEM {self.dmem})")
        return GeneratedProgram(asm, prog.text, prog.data, seed, self.config.name, dict(self.trap_sites),
                                dict(self.shadows))


def generate(spec: Spec, config: Config, seed: int, knobs: Knobs) -> GeneratedProgram:
    """A random program; the same (spec, config, seed, knobs) always gives the same program."""
    return _Gen(spec, config, random.Random(seed), knobs).run(seed)


def generate_targeted(spec: Spec, config: Config, seed: int, targets: list[Target],
                      knobs: Knobs) -> GeneratedProgram:
    """A program of one item per target, in order, as many as fit IMEM (no random items);
    `knobs` serve the handler and the prologue. Reproducible like `generate`."""
    return _Gen(spec, config, random.Random(seed), knobs).run(seed, targets)
