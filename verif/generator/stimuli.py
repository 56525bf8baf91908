"""Sizes of one configuration and its trap stimuli (illegal words, bad addresses, dimension
indices and jump targets); shared by the ISA facts and the program builder."""

from __future__ import annotations

import random

from isa_spec import Config, Spec

from .oracle import TrapRecipe, encode
from .roles import Roles


class _Stim:
    """Sizes and trap stimuli of one configuration (shared by the recipe oracle and _Gen)."""

    def __init__(self, spec: Spec, config: Config, rng: random.Random):
        self.spec, self.config, self.rng = spec, config, rng
        self.D, self.dmem, self.imem = config["D"], config["DMEM_WORDS"], config["IMEM_WORDS"]
        # data layout: scratch (legal loads/stores), pattern tables, box pairs
        self.scratch = min(self.dmem // 4, max(16, 2 * self.D))
        # the largest immediate of addi and of a load/store offset (2047 for the spec's
        # 12-bit signed imm_i): a value up to it needs no li and no base register
        imm = next(op for op in spec.instructions["addi"].operands if op.kind == "simm")
        self.imm_max = (1 << (imm.field.width - 1)) - 1

    def nomatch_word(self) -> int:
        while True:
            w = self.rng.getrandbits(32)
            if not any(w & i.mask_bits == i.match_bits for i in self.spec.instructions.values()):
                return w

    def recipe_word(self, rec: TrapRecipe) -> int:
        """An encoding for a 'word' recipe: legal operands except the one that must fail."""
        if rec.mode == "nomatch":
            return self.nomatch_word()
        ins, rng = self.spec.instructions[rec.ins], self.rng
        limits = {rf.kind: self.config[rf.count_param] for rf in self.spec.regfiles.values()}
        vals = {}
        for op in ins.operands:
            if op.kind in limits:
                vals[op.name] = rng.randrange(limits[op.kind])
            elif op.kind == "csr":
                vals[op.name] = rng.choice([c.number for c in self.spec.csrs.values() if c.access == "rw"])
            else:
                vals[op.name] = rng.getrandbits(op.field.width)
        op = next(o for o in ins.operands if o.name == rec.operand)
        if rec.mode == "regidx":
            vals[op.name] = rng.randrange(limits[op.kind], 1 << op.field.width)
        elif rec.mode == "unknown":
            used = {c.number for c in self.spec.csrs.values()}
            vals[op.name] = rng.choice([v for v in range(1 << op.field.width) if v not in used][:4096])
        else:
            vals[op.name] = rng.choice([c.number for c in self.spec.csrs.values() if c.access == "ro"])
        return encode(ins, vals)

    def bad_addr(self, mode: str, ro: Roles) -> int:
        rng, top = self.rng, 4 * self.dmem
        return {"misaligned": 4 * rng.randrange(max(1, self.scratch - ro.mem_words + 1)) + rng.randint(1, 3),
                "beyond": top + 4 * rng.randrange(16),
                "negative": -4 * rng.randint(1, 16),
                "straddle": top - 4 * rng.randint(1, max(1, ro.mem_words - 1))}[mode]

    def bad_index(self, mode: str) -> int:
        return self.D + self.rng.randrange(4) if mode == "beyond" else -self.rng.randint(1, 4)

    def bad_target(self, mode: str) -> int:
        rng, top = self.rng, 4 * self.imem
        return {"misaligned": 4 * rng.randrange(self.imem) + rng.choice((1, 2, 3)),
                "beyond": top + 4 * rng.randrange(16), "negative": -4 * rng.randint(1, 16)}[mode]

