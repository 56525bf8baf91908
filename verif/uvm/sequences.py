"""Sequences: directed programs (spec examples, example files, an assembly file) and
constrained-random programs from verif/generator/."""

from __future__ import annotations

from pyuvm import uvm_sequence

from isa_spec import Config, Spec
from isa_spec.assembler import assemble
from verif.programs import data_image

from .items import ProgramItem


def _prefetcher(spec: Spec, config: Config):
    """Programs generated ahead in a worker process; LPU_PREFETCH=0 generates inline."""
    import os

    from verif.prefetch import ProgramPrefetcher

    return ProgramPrefetcher(spec, config, int(os.environ.get("LPU_PREFETCH", "0")))


class DirectedProgramSeq(uvm_sequence):
    """The directed programs of verif/programs.py (optionally filtered by a name regex)."""

    def __init__(self, name: str, spec: Spec, config: Config, only: str | None = None):
        super().__init__(name)
        self.spec, self.config, self.only = spec, config, only

    async def body(self):
        import re

        from verif.programs import directed_programs

        for prog in directed_programs(self.spec, self.config):
            if self.only and not re.search(self.only, prog.name):
                continue
            item = ProgramItem(prog.name, prog.text, prog.data, f"directed {prog.name}")
            await self.start_item(item)
            await self.finish_item(item)


def asm_files(path: str) -> list[str]:
    """The programs LPU_ASM names: one file, or every *.s of a directory in sorted order."""
    from pathlib import Path

    p = Path(path)
    if not p.is_dir():
        return [path]
    files = sorted(str(f) for f in p.glob("*.s"))
    if not files:
        raise FileNotFoundError(f"{path}: a directory without *.s programs")
    return files


class AsmFileSeq(uvm_sequence):
    """The program of an assembly file, or of every *.s in a directory (each its own item)."""

    def __init__(self, name: str, path: str, config: Config):
        super().__init__(name)
        self.path, self.config = path, config

    async def body(self):
        for path in asm_files(self.path):
            with open(path) as fh:
                source = fh.read()
            prog = assemble(source, path)
            item = ProgramItem(path, prog.text, data_image(prog.data, self.config["DMEM_WORDS"]),
                               f"file {path}", source)
            await self.start_item(item)
            await self.finish_item(item)


class RandomProgramSeq(uvm_sequence):
    """`count` random programs from seeds seed, seed+1, ... (each reproducible alone)."""

    def __init__(self, name: str, spec: Spec, config: Config, seed: int, count: int, knobs=None):
        super().__init__(name)
        self.spec, self.config, self.seed, self.count, self.knobs = spec, config, seed, count, knobs

    async def body(self):
        from verif.generator import Knobs

        knobs = self.knobs or Knobs.uniform(self.spec)
        gen = _prefetcher(self.spec, self.config)
        jobs = ((s, knobs) for s in range(self.seed, self.seed + self.count))
        for g in gen.programs(jobs):
            s = g.seed
            item = ProgramItem(f"random_seed{s}", g.text, data_image(g.data, self.config["DMEM_WORDS"]),
                               f"random seed {s}", g.asm)
            await self.start_item(item)
            await self.finish_item(item)
        gen.close()


class CoverageDrivenProgramSeq(uvm_sequence):
    """`count` generated programs: the first `warmup` uniform random, then each one made of
    targeted items for the holes of this test's own functional coverage as it stands after
    the programs before it (verif/closure.py driven_program), so the stimulus follows what
    the RTL run has not yet exercised."""

    def __init__(self, name: str, spec: Spec, config: Config, seed: int, count: int, warmup: int | None = None):
        super().__init__(name)
        self.spec, self.config, self.seed, self.count, self.warmup = spec, config, seed, count, warmup

    async def body(self):
        from pyuvm import ConfigDB

        from verif.closure import WARMUP, driven_program
        from verif.generator import Knobs

        model = ConfigDB().get(None, "", "coverage_model")
        base = Knobs.uniform(self.spec)
        warmup = WARMUP if self.warmup is None else self.warmup
        for i in range(self.count):
            if i >= warmup:
                # each program is planned from the holes left by every program so far: wait
                # for their checks (the checker runs one program behind the simulator)
                ConfigDB().get(None, "", "coverage_settle")()
            g = driven_program(self.spec, self.config, model, self.seed, i, base, warmup)
            item = ProgramItem(f"cdg_seed{self.seed}_{i}", g.text, data_image(g.data, self.config["DMEM_WORDS"]),
                               f"coverage-driven seed {self.seed} program {i}", g.asm)
            await self.start_item(item)
            await self.finish_item(item)
