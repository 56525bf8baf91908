"""Per-configuration ISA facts the generator needs, found once with the oracle (cached)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import numpy as np

from golden_model.state import to_s32
from isa_spec import Config, Spec
from isa_spec.assembler import PSEUDO_INSTRUCTIONS

from .domains import box_pair, temperatures
from .names import BOX_CLASSES, PSEUDOS, TRAP_PC_CSR, TRAP_VECTOR_CSR, UNPREDICTED_CSR, GeneratorError
from .oracle import TrapRecipe, _Oracle, _scheme, encode
from .pipeline_facts import pipeline_facts
from .roles import _reg_indices, box_operators
from .stimuli import _Stim

_CACHE: dict[tuple[int, Config], _Analysis] = {}


class _Analysis:
    """Per-configuration facts the generator needs, found once with the oracle."""

    def __init__(self, spec: Spec, config: Config):
        for name in (TRAP_VECTOR_CSR, TRAP_PC_CSR, UNPREDICTED_CSR):
            if name not in spec.csrs:
                raise GeneratorError(f"the spec has no CSR '{name}' (needed by the generator)")
        for name in PSEUDOS:
            if name not in PSEUDO_INSTRUCTIONS:
                raise GeneratorError(f"the assembler has no pseudo-instruction '{name}'")
        o = self.oracle = _Oracle(spec, config)
        self.roles = r = o.roles
        ins = spec.instructions
        self.box_ops = set(box_operators(spec))
        self.fillers = [n for n in ins if r[n].free and (r[n].x_writes or r[n].b_writes)]
        two_x = [n for n in ins if r[n].conditional and len(r[n].x_reads) == 2 and not r[n].b_reads]
        counts = (0, 4, 8, 64)
        # operand order (counter, x0) or (x0, counter) that closes / exits a counted loop
        self.closers = {n: s for n in two_x if (s := _scheme(o, n, counts, lambda v: v != 0)) is not None}
        self.exits = {n: s for n in two_x if (s := _scheme(o, n, counts, lambda v: v == 0)) is not None}
        self.bit_tests = {}  # name -> (operand order, outcome when the tested word is 1)
        for n in two_x:
            for want in (lambda v: v == 1, lambda v: v == 0):
                if (s := _scheme(o, n, (0, 1), want)) is not None:
                    self.bit_tests[n] = (s, want(1))
                    break
        self.adder = self._find_adder(spec)
        self.word_load = next((n for n in ins if r[n].mem == "load" and r[n].mem_words == 1
                               and r[n].x_writes and len(r[n].addr_ops) == 2), None)
        self.box_load = next((n for n in ins if r[n].mem == "load" and r[n].b_writes
                              and len(r[n].addr_ops) == 2), None)
        self.setters = self._find_setters(spec)
        self.csr_reader = next((n for n in ins if r[n].csr_read and r[n].x_writes), None)
        self.csr_writer = next((n for n in ins if r[n].csr_write and r[n].x_reads), None)
        self.indirect = [n for n in ins if r[n].jumps and any(t in r[n].x_reads for t in r[n].target_ops)]
        missing = [what for what, v in (("an add-immediate", self.adder), ("a CSR read", self.csr_reader),
                                        ("a CSR write", self.csr_writer), ("an indirect jump", self.indirect),
                                        ("a zero-test branch", self.exits)) if not v]
        if missing:
            raise GeneratorError("the trap handler needs " + ", ".join(missing))
        rng = random.Random(0)
        self.never_taken = {n: self._fixed_outcome(spec, config, n, rng, taken=False) for n in ins if r[n].conditional}
        self.recipes = self._recipes(spec, config, rng)
        rng = random.Random(1)
        self.always_taken = {n: self._fixed_outcome(spec, config, n, rng, taken=True) for n in ins if r[n].conditional}
        s = o._fresh()
        s.pc = 4 * config["IMEM_WORDS"]
        self.fetch_cause = spec.trap_by_code(o.iss.step().trap).name
        self.pipe = pipeline_facts(spec, config, r, self.fillers, self.indirect)

    def _find_adder(self, spec: Spec) -> str | None:
        for n, ro in self.roles.items():
            imms = [op for op in spec.instructions[n].operands if op.kind == "simm"]
            if not (ro.free and len(ro.x_reads) == 1 and len(ro.x_writes) == 1 and len(imms) == 1):
                continue
            # the most negative immediate of the field too (-2048 for a 12-bit one)
            cases = ((5, -1), (0x7FFFFFFF, 1), (-3, 7), (100, -(1 << (imms[0].field.width - 1))))
            if all(self.oracle.run(n, {ro.x_reads[0]: a}, imm={imms[0].name: b}).x_write[1] == to_s32(a + b)
                   for a, b in cases):
                return n
        return None

    def _find_setters(self, spec: Spec) -> dict[int, str]:
        """side (0 = lower corners, 1 = upper) -> an instruction writing one coordinate."""
        out = {}
        for n, ro in self.roles.items():
            if not (ro.dim_ops and ro.b_writes and len(ro.x_reads) == 2):
                continue
            val = next(o for o in ro.x_reads if o not in ro.dim_ops)
            ctx = self.oracle.run(n, {val: 12345})
            _, lo, hi = ctx.b_write
            side = 0 if lo[0] == 12345 else 1 if hi[0] == 12345 else None
            if side is not None:
                out.setdefault(side, n)
        return out if len(out) == 2 else {}

    def _fixed_outcome(self, spec: Spec, config: Config, name: str, rng: random.Random,
                       taken: bool) -> list[dict]:
        """Scalar source values under which the branch is always `taken` (or always not) for
        any box or temperature."""
        ro = self.roles[name]
        # With box operands the outcome also depends on boxes and temperatures: only the int
        # extremes are candidates there (sampled below, never trusted to be exact).
        corners = (0, 1, -1, (1 << 31) - 1, -(1 << 31)) if not ro.b_reads else ((1 << 31) - 1, -(1 << 31))
        cands = [dict(zip(ro.x_reads, vals, strict=True))
                 for vals in itertools.product(corners, repeat=len(ro.x_reads))]
        d, fmt = config["D"], spec.formats["coord"]
        samples = []
        for i in range(8 if not (ro.b_reads or ro.temps) else 48):
            a = box_pair(rng, BOX_CLASSES[i % len(BOX_CLASSES)], d, fmt)
            boxes = {op: (np.array(a[2 * (j % 2)]), np.array(a[2 * (j % 2) + 1]))
                     for j, op in enumerate(ro.b_reads)}
            samples.append((boxes, temperatures(spec, rng, consistent=i % 3 != 0)))
        return [c for c in cands if all(self.oracle.taken(name, c, boxes=b, csr=t) == taken for b, t in samples)]

    def _recipes(self, spec: Spec, config: Config, rng: random.Random) -> dict[str, list[TrapRecipe]]:
        """Every stimulus kind the generator knows, classified by the trap it raises."""
        o, r, ins = self.oracle, self.roles, spec.instructions
        out: dict[str, list[TrapRecipe]] = defaultdict(list)
        limits = {rf.kind: config[rf.count_param] for rf in spec.regfiles.values()}

        def add(recipe: TrapRecipe, cause: str | None) -> None:
            if cause is not None:
                out[cause].append(recipe)

        gen = _Stim(spec, config, rng)
        add(TrapRecipe("word", "nomatch"), o.cause(gen.nomatch_word()))
        for n, i in ins.items():
            for op in i.operands:
                if op.kind in limits and limits[op.kind] < (1 << op.field.width):
                    rec = TrapRecipe("word", "regidx", n, op.name)
                    add(rec, o.cause(gen.recipe_word(rec)))
                if op.kind == "csr":
                    for mode in ("unknown", "readonly") if r[n].csr_write else ("unknown",):
                        rec = TrapRecipe("word", mode, n, op.name)
                        add(rec, o.cause(gen.recipe_word(rec)))
            ro = r[n]
            base = next((a for a in ro.addr_ops if a in ro.x_reads), None)
            if ro.mem and base:
                for mode in ("misaligned", "beyond", "negative") + (("straddle",) if ro.mem_words > 1 else ()):
                    idx = _reg_indices(i, config["BREGS"])
                    add(TrapRecipe("mem", mode, n), o.cause(encode(i, idx), {idx[base]: gen.bad_addr(mode, ro)}))
            if ro.dim_ops and ro.dim_ops[0] in ro.x_reads:
                idx = _reg_indices(i, config["BREGS"])
                for mode in ("beyond", "negative"):
                    add(TrapRecipe("dim", mode, n), o.cause(encode(i, idx), {idx[ro.dim_ops[0]]: gen.bad_index(mode)}))
            if n in self.indirect:
                idx = _reg_indices(i, config["BREGS"])
                tgt = next(a for a in ro.target_ops if a in ro.x_reads)
                for mode in ("misaligned", "beyond", "negative"):
                    add(TrapRecipe("jump", mode, n), o.cause(encode(i, idx), {idx[tgt]: gen.bad_target(mode)}, 2))
        return dict(out)



def analysis(spec: Spec, config: Config) -> _Analysis:
    """The facts of (spec, config), found once."""
    key = (id(spec), config)
    if key not in _CACHE:
        _CACHE[key] = _Analysis(spec, config)
    return _CACHE[key]
