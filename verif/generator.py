"""Constrained-random LPU programs, in the spirit of riscv-dv, driven by the ISA spec.

Everything the generator knows about instructions comes from `load_spec()` and from asking
the golden model (never from a list of names written here):

- operand kinds, fields, widths, CSR names and access, trap names, register files: the spec;
- which operands an instruction reads and writes, which feed a memory address, a dimension
  index or a jump target, whether it branches, reads CSRs or halts: a *role probe* that runs
  each instruction's semantic function once on a recording ExecContext (`instruction_roles`);
- which operand values make a conditional branch never taken, which branches can close a
  counted loop or test a bit, which instruction adds an immediate, and which stimulus raises
  which trap cause: the same semantic functions on a scratch ISS (`_Oracle`).

Only strategy-specific names appear: the trap-vector and trap-PC CSRs the handler uses,
the never-read cycle counter, the spec class of the Gumbel-box operators, and the
assembler's documented pseudo-instructions (li, la, j, mv, nop).

Program shape (always terminates, always fits IMEM):

    prologue   la xT, handler; csrw mtvec, xT; corner values into a few registers
    body       items: random instructions with hazard set-ups, box-class pairs, forward
               branches, counted loops (one counter register, no nesting), traps
    halt
    handler    xT = mepc + 4; if xR != 0: xT = xR;  jalr x0, 0(xT)

Reserved registers: xT (handler scratch), xR (resume address for deliberate fetch faults,
zero otherwise: mepc + 4 of a bad PC is still bad) and xL (loop counter); they are the
three highest scalar registers and never a random destination.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from golden_model.decode import Decoded
from golden_model.iss import ExecContext, Iss
from golden_model.ops import SEMANTICS
from golden_model.state import ArchState, to_s32
from isa_spec import Config, Spec
from isa_spec.assembler import PSEUDO_INSTRUCTIONS, assemble
from isa_spec.errors import LpuError
from isa_spec.types import FixedFormat, Instruction, Operand

from .value_classes import result_sources

# Strategy-specific names (checked against the spec when a generator is built).
TRAP_VECTOR_CSR = "mtvec"   # the handler is installed here
TRAP_PC_CSR = "mepc"        # the handler resumes after the faulting instruction
UNPREDICTED_CSR = "cycle"   # never read by generated code (the spec's csrr example reads it)
BOX_OPERATOR_CLASS = "box"  # spec class whose operands get box value classes
PSEUDOS = ("li", "la", "j", "mv", "nop")

HAZARDS = ("0", "1", "2", "3", "4", "none")
IMM_CLASSES = ("zero", "positive", "negative", "min", "max")
BOX_CLASSES = ("disjoint", "nested", "overlap", "identical", "degenerate", "extreme", "inverted")
PATTERNS = ("taken", "not_taken", "alternate", "rare", "random")
IMM_KINDS = ("simm", "uimm")
BETAS = (1e-4, 1e-3, 0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 50.0, 200.0)


class GeneratorError(LpuError, RuntimeError):
    """The spec lacks something a generation strategy needs."""


class _Full(Exception):
    """The current item does not fit instruction memory."""


# ---------------------------------------------------------------------------------------
# Roles: what each instruction reads and writes, found by running its semantic function.


class _Tag(int):
    """An int that remembers which operands it was computed from (for the role probe)."""

    tags: frozenset[str]

    def __new__(cls, value: int, tags) -> _Tag:
        obj = super().__new__(cls, value)
        obj.tags = frozenset(tags)
        return obj


def _tags(v) -> frozenset[str]:
    return getattr(v, "tags", frozenset())


def _lift(fn):
    return lambda a, b: _Tag(fn(int(a), int(b)), _tags(a) | _tags(b))


for _n, _f in {"__add__": lambda a, b: a + b, "__radd__": lambda a, b: b + a,
               "__sub__": lambda a, b: a - b, "__rsub__": lambda a, b: b - a,
               "__mul__": lambda a, b: a * b, "__rmul__": lambda a, b: b * a}.items():
    setattr(_Tag, _n, _lift(_f))


@dataclass(frozen=True)
class Roles:
    """How one instruction uses its operands (operand names), from the role probe."""

    name: str
    x_reads: tuple[str, ...]
    b_reads: tuple[str, ...]
    x_writes: tuple[str, ...]
    b_writes: tuple[str, ...]
    addr_ops: tuple[str, ...] = ()     # operands summed into a memory address
    mem: str | None = None             # "load" or "store"
    mem_words: int = 0                 # words per access
    dim_ops: tuple[str, ...] = ()      # operands that index a box dimension
    target_ops: tuple[str, ...] = ()   # operands that form a jump/branch target
    conditional: bool = False
    jumps: bool = False
    halts: bool = False
    csr_read: bool = False
    csr_write: bool = False
    temps: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return self.x_reads + self.b_reads

    @property
    def free(self) -> bool:
        """Any operand values are legal and control flow is sequential (usable as filler)."""
        return not (self.mem or self.dim_ops or self.jumps or self.conditional or self.halts
                    or self.csr_read or self.csr_write)


class _Probe(ExecContext):
    """An ExecContext that records what a semantic function touches instead of doing it."""

    def __init__(self, iss: Iss, dec: Decoded):
        super().__init__(iss, dec, 0)
        self.seen: dict[str, list[str]] = defaultdict(list)
        self.flags: set[str] = set()
        self.words = 0

    def _see(self, key: str, names) -> None:
        self.seen[key].extend(n for n in sorted(names) if n not in self.seen[key])

    def xr(self, opname):
        self._see("x_reads", [opname])
        return _Tag(0, {opname})

    def br(self, opname):
        self._see("b_reads", [opname])
        return np.zeros(self.D, np.int64), np.zeros(self.D, np.int64)

    def wx(self, opname, value):
        self._see("x_writes", [opname])

    def wb(self, opname, lo, hi):
        self._see("b_writes", [opname])

    def temps(self):
        self.flags.add("temps")
        return super().temps()

    def dim(self, index):
        self._see("dim", _tags(index))
        return 0

    def _access(self, kind: str, addr, n: int) -> None:
        self.flags.add(kind)
        self._see("addr", _tags(addr))
        self.words = n

    def load(self, addr):
        self._access("load", addr, 1)
        return 0

    def load_block(self, addr, n):
        self._access("load", addr, n)
        return [0] * n

    def store(self, addr, value):
        self._access("store", addr, 1)

    def store_block(self, addr, values):
        self._access("store", addr, len(values))

    def csr_read(self, number):
        self.flags.add("csr_read")
        return 0

    def csr_write(self, number, value):
        self.flags.add("csr_write")

    def jump(self, target):
        self.flags.add("jump")
        self._see("target", _tags(target))

    def branch(self, taken, target):
        self.flags.add("branch")
        self._see("target", _tags(target))

    def halt(self):
        self.flags.add("halt")


def _reg_indices(ins: Instruction, nb: int) -> dict[str, int]:
    """Distinct register indices per register operand (x1.., b0..) for oracle runs."""
    out, xi, bi = {}, 1, 0
    for op in ins.operands:
        if op.kind == "xreg":
            out[op.name], xi = xi, xi + 1
        elif op.kind == "breg":
            out[op.name], bi = bi % nb, bi + 1
    return out


def _probe(iss: Iss, ins: Instruction) -> Roles:
    ops: dict[str, int] = dict(_reg_indices(ins, iss.config["BREGS"]))
    any_csr = next(iter(iss.spec.csrs.values())).number
    for op in ins.operands:
        if op.kind == "csr":
            ops[op.name] = any_csr
        elif op.kind not in ("xreg", "breg"):
            ops[op.name] = _Tag(0, {op.name})
    p = _Probe(iss, Decoded(ins, ops))
    try:
        SEMANTICS[ins.name](p)
    except Exception as exc:  # a semantic function the probe cannot follow
        raise GeneratorError(f"role probe of '{ins.name}' failed: {exc!r}") from exc
    s, f = p.seen, p.flags
    return Roles(name=ins.name, x_reads=tuple(s["x_reads"]), b_reads=tuple(s["b_reads"]),
                 x_writes=tuple(s["x_writes"]), b_writes=tuple(s["b_writes"]),
                 addr_ops=tuple(s["addr"]), mem="load" if "load" in f else "store" if "store" in f else None,
                 mem_words=p.words, dim_ops=tuple(s["dim"]), target_ops=tuple(s["target"]),
                 conditional="branch" in f, jumps="jump" in f, halts="halt" in f,
                 csr_read="csr_read" in f, csr_write="csr_write" in f, temps="temps" in f)


# Caches keyed by id(spec): the entries here keep their spec alive, so an id is never reused.
_ROLES: dict[tuple[int, Config], tuple[Spec, dict[str, Roles]]] = {}


def instruction_roles(spec: Spec, config: Config) -> dict[str, Roles]:
    """Roles of every spec instruction for this configuration (cached)."""
    key = (id(spec), config)
    if key not in _ROLES:
        iss = Iss(config, spec)
        _ROLES[key] = (spec, {name: _probe(iss, ins) for name, ins in spec.instructions.items()})
    return _ROLES[key][1]


def box_operators(spec: Spec) -> list[str]:
    """Instructions whose box operands get value classes (the spec's box-operator class)."""
    return [n for n, i in spec.instructions.items() if i.iclass == BOX_OPERATOR_CLASS]


# ---------------------------------------------------------------------------------------
# Stimulus values.


def imm_range(op: Operand) -> tuple[int, int]:
    w = op.field.width
    return (-(1 << (w - 1)), (1 << (w - 1)) - 1) if op.signed else (0, (1 << w) - 1)


def imm_classes(op: Operand) -> tuple[str, ...]:
    """The value classes an immediate field has (unsigned fields have no negative/min)."""
    return IMM_CLASSES if op.signed else ("zero", "positive", "max")


def scalar_corners(spec: Spec) -> list[int]:
    """Register and memory corner values: 0, +-1, int min/max, Q16.16 near saturation,
    shift amounts 0/31/32, typical coordinates and log probabilities."""
    c = spec.formats["coord"]
    one = 1 << c.frac
    return [0, 1, -1, 2, 31, 32, (1 << 31) - 1, -(1 << 31), 0xFFFF, -0x10000,
            c.max_raw - one // 4, c.min_raw + one // 4, c.max_raw, c.min_raw + 1,
            one, -one, one // 2, -one // 2, 5 * one, -30 * one, 100 * one]


def box_pair(rng: random.Random, cls: str, d: int, fmt: FixedFormat) -> tuple[list[int], ...]:
    """Two boxes (loA, hiA, loB, hiB) in raw coord values whose relation is `cls`."""
    s = rng.choice((1.0, 10.0, 100.0))
    a_lo = [rng.uniform(-s, s) for _ in range(d)]
    w = [rng.uniform(0.05, 1.0) * s for _ in range(d)]
    a_hi = [lo + wi for lo, wi in zip(a_lo, w, strict=True)]
    base = cls if cls in ("disjoint", "nested", "overlap", "identical") else \
        rng.choice(("disjoint", "nested", "overlap", "identical"))
    if base == "identical":
        b_lo, b_hi = list(a_lo), list(a_hi)
    elif base == "nested":
        b_lo = [lo + rng.uniform(0.05, 0.45) * wi for lo, wi in zip(a_lo, w, strict=True)]
        b_hi = [hi - rng.uniform(0.05, 0.45) * wi for hi, wi in zip(a_hi, w, strict=True)]
    else:
        b_lo = [lo + rng.uniform(0.2, 0.8) * wi for lo, wi in zip(a_lo, w, strict=True)]
        b_hi = [hi + rng.uniform(0.2, 1.0) * wi for hi, wi in zip(a_hi, w, strict=True)]
        if base == "disjoint":
            j = rng.randrange(d)
            b_lo[j] = a_hi[j] + rng.uniform(0.01, 1.0) * s
            b_hi[j] = b_lo[j] + w[j]
    boxes = [[fmt.to_raw(v) for v in side] for side in (a_lo, a_hi, b_lo, b_hi)]
    if rng.random() < 0.5:  # which one is nested in (or left of) the other
        boxes = boxes[2:] + boxes[:2]
    dims = rng.sample(range(d), rng.randint(1, d))
    if cls == "degenerate":
        for j in dims:
            k = rng.choice((0, 2))
            boxes[k + 1][j] = boxes[k][j]
    elif cls == "inverted":
        for j in dims:
            k = rng.choice((0, 2))
            boxes[k][j], boxes[k + 1][j] = boxes[k + 1][j], boxes[k][j] - 1
    elif cls == "extreme":
        big = fmt.max_raw
        for j in dims:
            for k in rng.sample((0, 2), rng.randint(1, 2)):
                boxes[k][j] = -big + rng.randrange(big >> 6)
                boxes[k + 1][j] = big - rng.randrange(big >> 6)
    return tuple(boxes)


def temperatures(spec: Spec, rng: random.Random, consistent: bool = True) -> dict[str, int]:
    """Raw values for the temperature CSRs (format temp) and their inverses (format itemp,
    the CSR named 'i' + name): consistent pairs, or a random inverse."""
    out = {}
    for c in spec.csrs.values():
        if c.format is None or c.access != "rw" or f"i{c.name}" not in spec.csrs:
            continue
        tf, itf = spec.formats[c.format], spec.formats[spec.csrs[f"i{c.name}"].format]
        beta = rng.choice(BETAS) if rng.random() < 0.9 else rng.choice((tf.ulp, tf.to_float(tf.max_raw)))
        raw = max(1, tf.to_raw(beta))
        inv = itf.to_raw(1.0 / tf.to_float(raw)) if consistent else rng.randrange(1, itf.max_raw)
        out[c.name], out[f"i{c.name}"] = raw, inv
    return out


# ---------------------------------------------------------------------------------------
# The oracle: the golden model's semantic functions on a scratch ISS.


@dataclass(frozen=True)
class TrapRecipe:
    """A stimulus that raises one trap cause: kind 'word' (an illegal .word), 'mem' (an
    address), 'dim' (a dimension index), 'jump' (an indirect jump target)."""

    kind: str
    mode: str
    ins: str | None = None
    operand: str | None = None


def encode(ins: Instruction, values: dict[str, int]) -> int:
    word = ins.match_bits
    for op in ins.operands:
        word = op.field.insert(word, values.get(op.name, 0))
    return word


class _Oracle:
    def __init__(self, spec: Spec, config: Config):
        self.spec, self.config = spec, config
        self.iss = Iss(config, spec)
        self.roles = instruction_roles(spec, config)

    def _fresh(self) -> ArchState:
        self.iss.state = ArchState.reset(self.spec, self.config)
        self.iss.order = 0
        return self.iss.state

    def run(self, name: str, x: dict[str, int], imm: dict[str, int] | None = None,
            boxes: dict[str, tuple] | None = None, csr: dict[str, int] | None = None) -> ExecContext:
        """Execute one instruction's semantics with the given operand values."""
        s, ins = self._fresh(), self.spec.instructions[name]
        idx = _reg_indices(ins, self.config["BREGS"])
        ops: dict[str, int] = {}
        for op in ins.operands:
            if op.kind == "xreg":
                ops[op.name] = idx[op.name]
                s.x[idx[op.name]] = to_s32(x.get(op.name, 0))
            elif op.kind == "breg":
                ops[op.name] = idx[op.name]
                if boxes and op.name in boxes:
                    s.box_lo[idx[op.name]], s.box_hi[idx[op.name]] = boxes[op.name]
            elif op.kind == "csr":
                ops[op.name] = next(iter(self.spec.csrs.values())).number
            else:
                ops[op.name] = (imm or {}).get(op.name, 0)
        s.csr.update(csr or {})
        ctx = ExecContext(self.iss, Decoded(ins, ops), 0)
        SEMANTICS[name](ctx)
        return ctx

    def taken(self, name: str, x: dict[str, int], **kw) -> bool:
        return self.run(name, x, **kw).branch_info[1]

    def cause(self, word: int, xvals: dict[int, int] | None = None, steps: int = 1) -> str | None:
        """The trap cause raised within `steps` steps of running `word` at pc 0."""
        s = self._fresh()
        s.imem[0] = word & 0xFFFFFFFF
        for i, v in (xvals or {}).items():
            s.x[i] = to_s32(v)
        for _ in range(steps):
            rec = self.iss.step()
            if rec.trap is not None:
                return self.spec.trap_by_code(rec.trap).name
            if s.halted:
                break
        return None


def _scheme(oracle: _Oracle, name: str, values: tuple[int, ...], want) -> int | None:
    """Operand order (0: (v, x0), 1: (x0, v)) under which taken(v) == want(v) for all values."""
    srcs = oracle.roles[name].x_reads
    for order in (0, 1):
        ok = True
        for v in values:
            x = {srcs[order]: v, srcs[1 - order]: 0}
            if oracle.taken(name, x) != want(v):
                ok = False
                break
        if ok:
            return order
    return None


# ---------------------------------------------------------------------------------------
# Knobs and the result.


@dataclass
class Knobs:
    """What the closure loop steers. Weights need not sum to 1; zero disables."""

    instr_weights: dict[str, float]
    box_class_weights: dict[str, float]
    hazard_weights: dict[str, float]      # HAZARDS: distance 0..4 or "none"
    imm_class_weights: dict[str, float]   # IMM_CLASSES
    trap_weights: dict[str, float]        # spec trap names
    csr_weights: dict[str, float]         # spec CSR names
    pattern_weights: dict[str, float]     # PATTERNS: data-dependent branch outcome patterns
    length: int = 40                      # items per program (IMEM may end it earlier)
    loop_prob: float = 0.08
    loop_iterations: tuple[int, int] = (2, 6)
    illegal_prob: float = 0.03            # illegal encodings
    trap_prob: float = 0.04               # other deliberate traps
    temp_prob: float = 0.04               # temperature CSR writes
    inconsistent_temp_prob: float = 0.15
    value_prob: float = 0.08              # corner values loaded into registers
    zero_reg_prob: float = 0.1            # x0 as an operand
    # Targeted items only (verif/targets.py); empty or None leaves random generation unchanged.
    reg_pins: dict[str, tuple[int, ...]] = field(default_factory=dict)  # operand -> allowed indices
    branch_outcome: str | None = None     # "taken" / "not_taken": operand values proven by the oracle
    trap_mode: str | None = None          # the TrapRecipe mode a trap item uses
    result_class: str | None = None       # a result bin (verif/value_classes.py) to hit

    @classmethod
    def uniform(cls, spec: Spec) -> Knobs:
        return cls(instr_weights={n: 1.0 for n in spec.instructions},
                   box_class_weights=dict.fromkeys(BOX_CLASSES, 1.0),
                   hazard_weights=dict.fromkeys(HAZARDS, 1.0),
                   imm_class_weights=dict.fromkeys(IMM_CLASSES, 1.0),
                   trap_weights={n: 1.0 for n in spec.traps},
                   csr_weights={n: 1.0 for n in spec.csrs},
                   pattern_weights=dict.fromkeys(PATTERNS, 1.0))


@dataclass
class Target:
    """One item of a targeted program: an instruction, a trap cause or a counted loop
    ('instr', 'trap', 'loop'), generated under its own knobs (often one-hot weights)."""

    kind: str
    name: str
    knobs: Knobs


@dataclass
class GeneratedProgram:
    asm: str
    text: list[int]
    data: list[int]                  # data memory image (signed words), len <= DMEM_WORDS
    seed: int
    config: str = ""
    trap_sites: dict[int, str] = field(default_factory=dict)  # pc (or bad fetch pc) -> cause


def _index(reg: str) -> int:
    """The index of a register name (x12 -> 12)."""
    return int(re.sub(r"\D", "", reg))


def _pick(rng: random.Random, weights: dict[str, float], keys=None):
    keys = [k for k in (keys if keys is not None else weights) if weights.get(k, 0) > 0]
    if not keys:
        return None
    return rng.choices(keys, [weights[k] for k in keys])[0]


# ---------------------------------------------------------------------------------------
# The generator.

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


class _Gen(_Stim):
    """One program. Emits assembly lines while tracking words, writes and labels."""

    def __init__(self, spec: Spec, config: Config, rng: random.Random, knobs: Knobs):
        super().__init__(spec, config, rng)
        key = (id(spec), config)
        if key not in _CACHE:
            _CACHE[key] = _Analysis(spec, config)
        self.a = _CACHE[key]
        self.k = knobs
        self.roles = self.a.roles
        rf = {r.kind: r for r in spec.regfiles.values()}
        self.xp, self.bp = rf["xreg"].prefix, rf["breg"].prefix
        zero = rf["xreg"].zero_register or 0
        n = config[rf["xreg"].count_param]
        self.x0 = f"{self.xp}{zero}"
        self.xT, self.xR, self.xL = (f"{self.xp}{n - i}" for i in (1, 2, 3))
        self.free = [f"{self.xp}{i}" for i in range(n - 3) if i != zero]
        self.bregs = [f"{self.bp}{i}" for i in range(config[rf["breg"].count_param])]
        self.corners = scalar_corners(spec)
        self.coord = spec.formats["coord"]
        self.pat_base, self.pat_end = self.scratch, self.scratch + min(64, self.dmem // 8)
        self.box_base = self.pat_end
        # a prepared pair fits data memory (and can be loaded)
        self.box_ok = self.box_base + 4 * self.D <= self.dmem and self.a.box_load is not None
        self.lines: list[str] = []
        self.words = 0
        self.recent: deque[frozenset[str]] = deque(maxlen=8)
        self.data_writes: list[tuple[int, list[int]]] = []
        self.pat_next, self.box_next = self.pat_base, self.box_base
        self.slots: dict[str, list[int]] = defaultdict(list)
        self.trap_sites: dict[int, str] = {}
        self.pending: list[list] = []
        self.labels = 0
        self.limit = self.imem
        self.full = False

    # ---- emission ----

    def _new_label(self) -> str:
        self.labels += 1
        return f"L{self.labels}"

    def label(self, name: str) -> None:
        self.lines.append(f"{name}:")

    def _line(self, text: str, words: int, writes: frozenset[str]) -> None:
        self.lines.append(f"    {text}")
        for _ in range(words):
            self.recent.append(writes)
        self.words += words
        if self.words > self.limit:
            raise _Full

    def emit(self, name: str, ops: dict[str, str], comment: str = "") -> int:
        """One real instruction; returns its pc."""
        ro, ins = self.roles[name], self.spec.instructions[name]
        text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: ops[m.group(0)], ins.syntax)
        writes = frozenset(ops[o] for o in ro.x_writes + ro.b_writes if ops[o] != self.x0)
        pc = 4 * self.words
        self._line(f"{name} {text}".rstrip() + (f"  # {comment}" if comment else ""), 1, writes)
        return pc

    def li(self, reg: str, value, pseudo: str = "li") -> None:
        self._line(f"{pseudo} {reg}, {value}", 2, frozenset({reg}) - {self.x0})

    def mv(self, rd: str, rs: str) -> None:
        self._line(f"mv {rd}, {rs}", 1, frozenset({rd}) - {self.x0})

    def word(self, value: int, comment: str) -> int:
        pc = 4 * self.words
        self._line(f".word {value & 0xFFFFFFFF:#010x}  # {comment}", 1, frozenset())
        return pc

    def addi(self, rd: str, rs: str, value: int) -> None:
        ro = self.roles[self.a.adder]
        imm = next(op.name for op in self.spec.instructions[self.a.adder].operands if op.kind == "simm")
        self.emit(self.a.adder, {ro.x_writes[0]: rd, ro.x_reads[0]: rs, imm: str(value)})

    def _dist(self, reg: str) -> int | None:
        for i, w in enumerate(reversed(self.recent)):
            if reg in w:
                return i
        return None

    def _min_dist(self, regs) -> int | None:
        ds = [d for r in regs if (d := self._dist(r)) is not None]
        return min(ds) if ds else None

    def _mark(self):
        return (len(self.lines), self.words, list(self.recent), len(self.data_writes), self.pat_next,
                self.box_next, {k: list(v) for k, v in self.slots.items()}, dict(self.trap_sites),
                [list(p) for p in self.pending])

    def _rollback(self, m) -> None:
        del self.lines[m[0]:]
        self.words, self.recent = m[1], deque(m[2], maxlen=8)
        del self.data_writes[m[3]:]
        self.pat_next, self.box_next = m[4], m[5]
        self.slots = defaultdict(list, m[6])
        self.trap_sites, self.pending = m[7], m[8]

    # ---- choices ----

    def _hazard(self) -> int | None:
        h = _pick(self.rng, self.k.hazard_weights, HAZARDS) or "none"
        return None if h == "none" else int(h)

    def _imm(self, op: Operand, cls: str | None = None) -> int:
        lo, hi = imm_range(op)
        cls = cls or _pick(self.rng, self.k.imm_class_weights, imm_classes(op)) or "positive"
        rng = self.rng
        if cls == "positive":
            return rng.choice((1, 2, rng.randint(1, max(1, hi - 1))))
        if cls == "negative" and lo < 0:
            return rng.choice((-1, -2, rng.randint(lo + 1, -1)))
        return {"min": lo, "max": hi}.get(cls, 0)

    def _pinned(self, o: str | None, pool: list[str], zero: str | None = None) -> list[str] | None:
        """The registers of `pool` (plus the zero register) a targeted item allows for operand
        `o`; None when `o` is not pinned or no allowed register is available."""
        if o is None or o not in self.k.reg_pins:
            return None
        allowed = set(self.k.reg_pins[o])
        out = [r for r in ([zero] if zero else []) + pool if _index(r) in allowed]
        return out or None

    def _src(self, o: str | None = None) -> str:
        if (pins := self._pinned(o, self.free, self.x0)) is not None:
            return self.rng.choice(pins)
        return self.x0 if self.rng.random() < self.k.zero_reg_prob else self.rng.choice(self.free)

    def _dest_x(self, avoid=frozenset(), o: str | None = None) -> str:
        pool = [r for r in self.free if r not in avoid]
        if (pins := self._pinned(o, pool, self.x0)) is not None:
            return self.rng.choice(pins)
        return self.x0 if not pool or self.rng.random() < self.k.zero_reg_prob else self.rng.choice(pool)

    def _breg(self, o: str | None = None, avoid=()) -> str:
        pool = [b for b in self.bregs if b not in avoid] or self.bregs
        pins = self._pinned(o, pool) or self._pinned(o, self.bregs)
        return self.rng.choice(pins if pins is not None else pool)

    def _pin_boxes(self, operands: tuple[str, ...], regs: list[str]) -> list[str]:
        """Box source registers: pinned operands first, the others kept unless they collide."""
        out = list(regs)
        pinned = [j for j, o in enumerate(operands[:len(regs)]) if o in self.k.reg_pins]
        for j in pinned:
            out[j] = self._breg(operands[j], avoid=[out[i] for i in pinned if i < j])
        for j in range(len(out)):
            if j not in pinned and out[j] in [out[i] for i in pinned]:
                out[j] = self._breg(avoid=out)
        return out

    def _zero_pinned(self, o: str) -> bool:
        return self.k.reg_pins.get(o) == (_index(self.x0),)

    def _csr(self, ro: Roles) -> str:
        if ro.csr_write:
            names = [c.name for c in self.spec.csrs.values() if c.access == "rw" and c.name != TRAP_VECTOR_CSR]
        else:
            names = [n for n in self.spec.csrs if n != UNPREDICTED_CSR]
        return _pick(self.rng, self.k.csr_weights, names) or self.rng.choice(names)

    # ---- data memory ----

    def _data(self, index: int, values: list[int]) -> None:
        self.data_writes.append((index, values))

    def _box_slot(self, cls: str) -> int:
        """Word index of a box pair of class `cls` (A at +0, B at +2D)."""
        size = 4 * self.D
        if self.box_next + size <= self.dmem:
            idx, self.box_next = self.box_next, self.box_next + size
        elif self.slots[cls]:
            return self.rng.choice(self.slots[cls])
        else:
            idx = self.box_base + size * self.rng.randrange(max(1, (self.dmem - self.box_base) // size))
        lo_a, hi_a, lo_b, hi_b = box_pair(self.rng, cls, self.D, self.coord)
        self._data(idx, lo_a + hi_a + lo_b + hi_b)
        self.slots[cls].append(idx)
        return idx

    def _in_range(self, ro: Roles) -> int:
        """A legal byte address: stores stay in the scratch area, loads go anywhere."""
        top = self.scratch if ro.mem == "store" or (self.rng.random() < 0.7 and ro.mem_words <= self.scratch) \
            else self.dmem
        return 4 * self.rng.randrange(max(1, top - ro.mem_words + 1))

    # ---- set-ups ----

    def _load_box(self, reg: str, byte_addr: int, avoid: set[str]) -> None:
        """reg = the box at byte_addr: a box load, or (small D) coordinate setters."""
        a, rng = self.a, self.rng
        tmp = [r for r in self.free if r not in avoid]
        if a.setters and self.D <= 2 and len(tmp) >= 2 and rng.random() < 0.2:
            vals = self._image_at(byte_addr // 4, 2 * self.D)
            val, ix = rng.sample(tmp, 2)
            for side in (0, 1):
                name = a.setters[side]
                ro = self.roles[name]
                vop = next(o for o in ro.x_reads if o not in ro.dim_ops)
                for j in range(self.D):
                    self.li(val, vals[side * self.D + j])
                    if j:
                        self.addi(ix, self.x0, j)
                    self.emit(name, {ro.b_writes[0]: reg, vop: val, ro.dim_ops[0]: ix if j else self.x0})
            return
        ro = self.roles[a.box_load]
        base = next(o for o in ro.addr_ops if o in ro.x_reads)
        off = next(o for o in ro.addr_ops if o != base)
        ops = {ro.b_writes[0]: reg}
        if byte_addr <= self.imm_max and (rng.random() < 0.7 or not tmp):
            ops.update({base: self.x0, off: str(byte_addr)})
        else:
            t = rng.choice(tmp)
            k = rng.randint(-64, 64) * 4
            self.li(t, byte_addr - k)
            ops.update({base: t, off: str(k)})
        self.emit(a.box_load, ops)

    def _image_at(self, index: int, n: int) -> list[int]:
        out = [0] * n
        for i, vals in self.data_writes:
            for j, v in enumerate(vals):
                if index <= i + j < index + n:
                    out[i + j - index] = v
        return out

    def _producer(self, reg: str, avoid: set[str]) -> None:
        """Write reg (so that it is a fresh source)."""
        rng = self.rng
        if reg in self.bregs and self.box_ok:
            slot = self._box_slot(_pick(rng, self.k.box_class_weights) or "overlap")
            self._load_box(reg, 4 * (slot + rng.choice((0, 2 * self.D))), avoid)
        elif reg in self.bregs:
            bw = [n for n in self.a.fillers if self.roles[n].b_writes]
            if bw:
                self._free_instr(rng.choice(bw), avoid, dest=reg)
        elif rng.random() < 0.5:
            self.li(reg, rng.choice(self.corners))
        else:
            xw = [n for n in self.a.fillers if self.roles[n].x_writes]
            self._free_instr(_pick(rng, self.k.instr_weights, xw) or rng.choice(xw), avoid, dest=reg)

    def _filler(self, avoid: set[str]) -> None:
        free_b = [b for b in self.bregs if b not in avoid]
        pool = [n for n in self.a.fillers if free_b or not self.roles[n].b_writes]
        name = _pick(self.rng, self.k.instr_weights, pool) or self.rng.choice(pool)
        self._free_instr(name, avoid)

    def _free_instr(self, name: str, avoid: set[str], dest: str | None = None) -> None:
        ro, rng = self.roles[name], self.rng
        ops = {}
        for op in self.spec.instructions[name].operands:
            if op.name in ro.x_writes:
                ops[op.name] = dest or self._dest_x(avoid)
            elif op.name in ro.b_writes:
                ops[op.name] = dest or rng.choice([b for b in self.bregs if b not in avoid])
            elif op.kind == "xreg":
                ops[op.name] = self._src()
            elif op.kind == "breg":
                ops[op.name] = rng.choice(self.bregs)
            else:
                ops[op.name] = str(self._imm(op))
        self.emit(name, ops)

    # ---- items ----

    def main(self, name: str, values: dict | None = None, label: Callable[[int], str] | None = None,
             comment: str = "") -> int:
        """Emit `name` with set-ups for constrained sources (values: operand -> int or label
        expression), box value classes, and a hazard distance; returns its pc."""
        ins, ro, rng = self.spec.instructions[name], self.roles[name], self.rng
        values = dict(values or {})
        k = self._hazard()
        ops: dict[str, str] = {}
        producible, constrained = [], {}
        for o in ro.x_reads:
            if o in values:
                pinned = o in self.k.reg_pins
                if values[o] == 0 and (self._zero_pinned(o) if pinned else rng.random() < 0.5):
                    ops[o] = self.x0
                else:
                    constrained[o] = values[o]
            else:
                ops[o] = self._src(o)
                if ops[o] != self.x0:
                    producible.append(ops[o])
        taken = set(ops.values())
        for o in constrained:
            pool = [r for r in self.free if r not in taken]
            ops[o] = rng.choice(self._pinned(o, pool) or pool)
            taken.add(ops[o])
        loads: list[tuple[str, int]] = []  # (box register, byte address of its value)
        if ro.b_reads and name in self.a.box_ops and self.box_ok:
            # a prepared pair of the chosen value class, loaded right before
            slot = self._box_slot(_pick(rng, self.k.box_class_weights) or "overlap")
            regs = rng.sample(self.bregs, min(len(ro.b_reads), len(self.bregs)))
            if len(regs) > 1 and rng.random() < 0.1:
                regs[1] = regs[0]  # the same register twice: identical boxes
            if any(o in self.k.reg_pins for o in ro.b_reads):
                regs = self._pin_boxes(ro.b_reads, regs)
            first = rng.randrange(2)
            for j, o in enumerate(ro.b_reads):
                ops[o] = regs[j % len(regs)]
                if ops[o] not in [r for r, _ in loads]:
                    loads.append((ops[o], 4 * (slot + 2 * self.D * ((first + j) % 2))))
        else:
            for o in ro.b_reads:
                ops[o] = self._breg(o) if o in self.k.reg_pins else rng.choice(self.bregs)
                producible.append(ops[o])
        for op in ins.operands:
            if op.name in ops:
                continue
            if op.name in values:
                ops[op.name] = str(values[op.name])
            elif op.kind in IMM_KINDS:
                ops[op.name] = str(self._imm(op))
            elif op.kind == "csr":
                ops[op.name] = self._csr(ro)
            elif op.name in ro.x_writes:
                ops[op.name] = self._dest_x(o=op.name)
            elif op.name in ro.b_writes:
                ops[op.name] = self._breg(op.name) if op.name in self.k.reg_pins else rng.choice(self.bregs)
        srcs = {ops[o] for o in ro.sources if ops[o] != self.x0}
        avoid = srcs | taken
        for reg, addr in loads:  # constrained registers are set after these: usable as temporaries
            self._load_box(reg, addr, avoid - {ops[o] for o in constrained})
        for o in rng.sample(list(constrained), len(constrained)):
            self.li(ops[o], constrained[o])
        d = self._min_dist(srcs)
        if srcs and k is None:
            while (d := self._min_dist(srcs)) is not None and d < 5:
                self._filler(avoid)
        elif srcs:
            if (d is None or d > k) and producible:
                self._producer(rng.choice(producible), avoid)
                d = 0
            for _ in range(k - d if d is not None and d < k else 0):
                self._filler(avoid)
        if label is not None:
            op = next(op for op in ins.operands if op.kind == "label")
            ops[op.name] = label(4 * self.words)
        return self.emit(name, ops, comment)

    def item(self, in_loop: bool) -> None:
        k, rng = self.k, self.rng
        if not in_loop and rng.random() < k.loop_prob and self.a.closers | self.a.exits:
            return self.loop()
        r = rng.random()
        if r < k.illegal_prob:
            enc = [t.name for t in self.spec.traps.values() if t.tval == "encoding" and t.name in self.a.recipes]
            return self.trap(rng.choice(enc)) if enc else None
        r -= k.illegal_prob
        if r < k.trap_prob:
            cause = _pick(rng, k.trap_weights, [t for t in self.spec.traps if t in self.a.recipes])
            return self.trap(cause) if cause else None
        r -= k.trap_prob
        if r < k.temp_prob:
            return self.temps()
        r -= k.temp_prob
        if r < k.value_prob:
            return self.li(rng.choice(self.free), rng.choice(self.corners))
        body = [n for n in self.spec.instructions if not self.roles[n].halts]
        name = _pick(rng, k.instr_weights, body)
        if name is None:
            return self.li(rng.choice(self.free), rng.choice(self.corners))
        return self.instruction(name)

    def instruction(self, name: str) -> None:
        ro = self.roles[name]
        if ro.conditional:
            return self.branch(name)
        if ro.jumps:
            return self.indirect(name) if name in self.a.indirect else self.direct(name)
        values = {}
        if ro.mem and ro.mem_words > (self.scratch if ro.mem == "store" else self.dmem):
            return self.li(self.rng.choice(self.free), self.rng.choice(self.corners))  # only traps fit
        if ro.mem:
            self._address(name, self._in_range(ro), values)
        if self.k.result_class:  # source values the oracle proves hit the wanted result bin
            values.update(self.rng.choice(result_sources(self.a.oracle, name, self.k.result_class) or [{}]))
        if ro.dim_ops:  # corners: the first and last dimension
            d = ro.dim_ops[0]
            values[d] = 0 if self._zero_pinned(d) else self.rng.choice((0, self.D - 1, self.rng.randrange(self.D)))
        self.main(name, values)

    def _address(self, name: str, addr: int, values: dict) -> None:
        """Offsets by class and a base register value so that base + offsets == addr; or,
        sometimes, absolute addressing through x0 when addr fits the offset field."""
        ro = self.roles[name]
        base = next(o for o in ro.addr_ops if o in ro.x_reads)
        offs = [op for op in self.spec.instructions[name].operands if op.name in ro.addr_ops and op.name != base]
        absolute = self._zero_pinned(base) if base in self.k.reg_pins else self.rng.random() < self.k.zero_reg_prob
        if len(offs) == 1 and absolute:
            lo, hi = imm_range(offs[0])
            if lo <= to_s32(addr) <= hi:
                values.update({offs[0].name: to_s32(addr), base: 0})
                return
        total = 0
        for op in offs:
            values[op.name] = self._imm(op)
            total += values[op.name]
        values[base] = addr - total

    def _label_class(self, name: str) -> tuple[Operand, str]:
        op = next(op for op in self.spec.instructions[name].operands if op.kind == "label")
        return op, _pick(self.rng, self.k.imm_class_weights, IMM_CLASSES) or "positive"

    def _forward(self, skip: int | None = None) -> str:
        lbl = self._new_label()
        self.pending.append([lbl, self.rng.randint(0, 2) if skip is None else skip])
        return lbl

    def _resume(self) -> str:
        lbl = self._new_label()
        self.li(self.xR, lbl, "la")
        return lbl

    def _resumed(self, lbl: str) -> None:
        self.label(lbl)
        self.mv(self.xR, self.x0)

    def branch(self, name: str) -> None:
        op, cls = self._label_class(name)
        if cls != "positive":
            off = -self.rng.randint(1, 16) if cls == "negative" else self._imm(op, cls)
            here, top, slack = 4 * self.words, 4 * self.imem, 4 * 64  # set-ups come first
            if here + slack + 4 * off < 0 or here + 4 * off >= top:
                # out of IMEM whatever the set-ups: taken or not, the program resumes after it
                resume = self._resume()
                pc = self.main(name, label=lambda pc: str(off), comment="far: fetch fault if taken")
                self.trap_sites[(pc + 4 * off) & 0xFFFFFFFF] = self.a.fetch_cause
                self._resumed(resume)
                return
            if self.a.never_taken.get(name):
                values = self._choose_values(self.a.never_taken[name])
                self.main(name, values, label=lambda pc: str(off), comment="never taken")
                return
        lbl = self._forward()
        self.main(name, self._outcome_values(name), label=lambda pc: lbl)

    def _outcome_values(self, name: str) -> dict:
        """Source values that give a targeted item's branch outcome (none for random items);
        among them, those that agree with zero-register pins."""
        want = self.k.branch_outcome
        if want is None:
            return {}
        return self._choose_values((self.a.always_taken if want == "taken" else self.a.never_taken).get(name) or [{}])

    def _choose_values(self, table: list[dict]) -> dict:
        """One entry of an oracle table; with pins, one that agrees with zero-register pins."""
        if self.k.reg_pins:
            table = [v for v in table if all(v[o] == 0 for o in v if self._zero_pinned(o))] or table
        return dict(self.rng.choice(table))

    def direct(self, name: str) -> None:
        op, cls = self._label_class(name)
        rng = self.rng
        if cls in ("min", "max"):
            off = self._imm(op, cls)
            resume = self._resume()
            pc = self.main(name, label=lambda pc: str(off), comment="far: fetch fault")
            target = (pc + 4 * off) & 0xFFFFFFFF
            if target < 4 * self.imem and target % 4 == 0:
                raise GeneratorError(f"'{name}' {cls} offset lands in IMEM")
            self.trap_sites[target] = self.a.fetch_cause
            self._resumed(resume)
        elif cls == "negative":  # j L2; L1: j L3; L2: name L1; L3:
            l1, l2, l3 = (self._new_label() for _ in range(3))
            self._line(f"j {l2}", 1, frozenset())
            self.label(l1)
            self._line(f"j {l3}", 1, frozenset())
            self.label(l2)
            self.main(name, label=lambda pc: l1)
            self.label(l3)
        else:
            lbl = self._forward(rng.randint(0, 2))
            self.main(name, label=lambda pc: lbl)

    def indirect(self, name: str, bad: int | None = None) -> int:
        ro, rng = self.roles[name], self.rng
        tgt = next(o for o in ro.target_ops if o in ro.x_reads)
        offs = [op for op in self.spec.instructions[name].operands if op.name in ro.target_ops and op.name != tgt]
        values: dict = {op.name: self._imm(op) for op in offs}
        total = sum(values.values())
        if bad is not None:
            resume = self._resume()
            values[tgt] = bad - total
            pc = self.main(name, values, comment="fetch fault")
            self._resumed(resume)
            return pc
        through_x0 = self._zero_pinned(tgt) if tgt in self.k.reg_pins else rng.random() <= self.k.zero_reg_prob
        if not offs or not through_x0 or 4 * self.words + 200 > self.imm_max:
            lbl = self._forward(rng.randint(0, 2))
            values[tgt] = f"{lbl} - {total}" if total >= 0 else f"{lbl} + {-total}"
            return self.main(name, values)
        # x0 base: the target (the next instruction) is the offset itself
        lbl = self._new_label()
        self.lines.append(f"    # {name} through {self.x0}")
        ops = {tgt: self.x0}
        for op in self.spec.instructions[name].operands:
            if op.name in ro.x_writes:
                ops[op.name] = self._dest_x(o=op.name)
        ops[offs[0].name] = lbl
        pc = self.emit(name, ops)
        self.label(lbl)
        return pc

    def trap(self, cause: str) -> None:
        rng = self.rng
        recipes = self.a.recipes[cause]
        if self.k.trap_mode is not None:
            recipes = [r for r in recipes if r.mode == self.k.trap_mode] or recipes
        kinds = sorted({r.kind for r in recipes})
        kind = rng.choice(kinds)
        rec = rng.choice([r for r in recipes if r.kind == kind])
        if rec.kind == "word":
            pc = self.word(self.recipe_word(rec), f"{cause}: {rec.mode} {rec.ins or ''}".rstrip())
        elif rec.kind == "mem":
            values: dict = {}
            self._address(rec.ins, self.bad_addr(rec.mode, self.roles[rec.ins]), values)
            pc = self.main(rec.ins, values, comment=f"{cause}: {rec.mode}")
        elif rec.kind == "dim":
            ro = self.roles[rec.ins]
            pc = self.main(rec.ins, {ro.dim_ops[0]: self.bad_index(rec.mode)}, comment=f"{cause}: {rec.mode}")
        else:
            target = self.bad_target(rec.mode)
            self.indirect(rec.ins, bad=target)
            pc = target & 0xFFFFFFFF
        self.trap_sites[pc] = cause

    def temps(self) -> None:
        consistent = self.rng.random() >= self.k.inconsistent_temp_prob
        w = self.a.csr_writer
        ro = self.roles[w]
        csr_op = next(op.name for op in self.spec.instructions[w].operands if op.kind == "csr")
        for name, raw in temperatures(self.spec, self.rng, consistent).items():
            reg = self.rng.choice(self.free)
            self.li(reg, raw)
            self.emit(w, {csr_op: name, ro.x_reads[0]: reg})

    def loop(self) -> None:
        a, rng, k = self.a, self.rng, self.k
        n = rng.randint(*k.loop_iterations)
        schemes = [(c, "close") for c in a.closers] + [(c, "exit") for c in a.exits]
        weights = {f"{c}/{s}": k.instr_weights.get(c, 0) for c, s in schemes}
        pick = _pick(rng, weights) or f"{schemes[0][0]}/{schemes[0][1]}"
        closer, style = pick.split("/")
        order = (a.closers if style == "close" else a.exits)[closer]
        ro = self.roles[closer]
        top, done = self._new_label(), self._new_label()
        cond_ops = {ro.x_reads[order]: self.xL, ro.x_reads[1 - order]: self.x0}
        label_op = next(op.name for op in self.spec.instructions[closer].operands if op.kind == "label")
        self.lines.append(f"    # loop: {n} iterations, {closer} {'closes' if style == 'close' else 'exits'} it")
        if 4 * n <= self.imm_max:
            self.addi(self.xL, self.x0, 4 * n)
        else:
            self.li(self.xL, 4 * n)
        self.label(top)
        if style == "exit":
            self.emit(closer, {**cond_ops, label_op: done})
        saved, self.limit = self.limit, self.limit - 2
        try:
            self.block(rng.randint(1, 4), in_loop=True, head=lambda: self._pattern(n))
        finally:
            self.limit = saved
        self.addi(self.xL, self.xL, -4)
        if style == "exit":
            self._line(f"j {top}", 1, frozenset())
            self.label(done)
        else:
            self.emit(closer, {**cond_ops, label_op: top})

    def _pattern(self, n: int) -> None:
        """A branch on bit i of a pattern table (indexed by the loop counter), skipping ahead."""
        a, rng = self.a, self.rng
        if not (a.bit_tests and a.word_load) or rng.random() < 0.3 or self.pat_next + n > self.pat_end \
                or 4 * self.pat_next - 4 > self.imm_max:
            return
        kind = _pick(rng, self.k.pattern_weights) or "random"
        first = rng.random() < 0.5
        seq = {"taken": [True] * n, "not_taken": [False] * n,
               "alternate": [(i % 2 == 0) == first for i in range(n)],
               "rare": [first] * (n - 1) + [not first],
               "random": [rng.random() < 0.5 for _ in range(n)]}[kind]
        names = list(a.bit_tests)
        br = _pick(rng, self.k.instr_weights, names) or rng.choice(names)
        order, taken_on_one = a.bit_tests[br]
        bits = [int(t == taken_on_one) for t in seq]
        base, self.pat_next = self.pat_next, self.pat_next + n
        self._data(base, bits[::-1])  # iteration i sees counter 4 (n - i): word n - i - 1
        lw, bro = self.roles[a.word_load], self.roles[br]
        b_reg = next(o for o in lw.addr_ops if o in lw.x_reads)
        off = next(o for o in lw.addr_ops if o != b_reg)
        q = rng.choice(self.free)
        self.lines.append(f"    # pattern {kind}: {''.join('T' if t else 'N' for t in seq)}")
        self.emit(a.word_load, {lw.x_writes[0]: q, b_reg: self.xL, off: str(4 * base - 4)})
        label_op = next(op.name for op in self.spec.instructions[br].operands if op.kind == "label")
        self.emit(br, {bro.x_reads[order]: q, bro.x_reads[1 - order]: self.x0,
                       label_op: self._forward(rng.randint(0, 1))})

    def _tick(self) -> None:
        keep = []
        for p in self.pending:
            if p[1] <= 0:
                self.label(p[0])
            else:
                p[1] -= 1
                keep.append(p)
        self.pending = keep

    def block(self, n: int, in_loop: bool, head: Callable[[], None] | None = None) -> None:
        outer, self.pending = self.pending, []
        try:
            if head is not None:
                m = self._mark()
                try:
                    head()
                except _Full:
                    self._rollback(m)
                    self.full = True
            for _ in range(n):
                if self.full:
                    break
                m = self._mark()
                try:
                    self.item(in_loop)
                except _Full:
                    self._rollback(m)
                    self.full = True
                    break
                self._tick()
        finally:
            for p in self.pending:
                self.label(p[0])
            self.pending = outer

    # ---- the whole program ----

    def handler(self) -> list[str]:
        """xT = mepc + 4, or xR when a deliberate fetch fault set it; jump there."""
        a = self.a
        saved, self.lines = self.lines, []
        words, self.limit = self.words, 1 << 30
        self.label("__trap_handler")
        rd = self.roles[a.csr_reader]
        csr_op = next(op.name for op in self.spec.instructions[a.csr_reader].operands if op.kind == "csr")
        self.emit(a.csr_reader, {rd.x_writes[0]: self.xT, csr_op: TRAP_PC_CSR})
        self.addi(self.xT, self.xT, 4)
        z = next(iter(a.exits))
        zr = self.roles[z]
        order = a.exits[z]
        label_op = next(op.name for op in self.spec.instructions[z].operands if op.kind == "label")
        self.emit(z, {zr.x_reads[order]: self.xR, zr.x_reads[1 - order]: self.x0, label_op: "__trap_go"})
        self.mv(self.xT, self.xR)
        self.label("__trap_go")
        j = a.indirect[0]
        jr = self.roles[j]
        ops = {}
        for op in self.spec.instructions[j].operands:
            ops[op.name] = self.xT if op.name in jr.target_ops and op.kind == "xreg" else \
                self.x0 if op.kind == "xreg" else "0"
        self.emit(j, ops)
        out, self.lines = self.lines, saved
        n, self.words = self.words - words, words
        self.handler_words = n
        return out

    def targeted(self, targets: list[Target]) -> None:
        """One item per target, each under its own knobs, until IMEM is full."""
        base, self.pending = self.k, []
        try:
            for t in targets:
                self.k = t.knobs
                m = self._mark()
                try:
                    {"instr": self.instruction, "trap": self.trap, "loop": lambda _: self.loop()}[t.kind](t.name)
                except _Full:
                    self._rollback(m)
                    break
                self._tick()
        finally:
            for p in self.pending:
                self.label(p[0])
            self.pending, self.k = [], base

    def run(self, seed: int, targets: list[Target] | None = None) -> GeneratedProgram:
        handler = self.handler()
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
        return GeneratedProgram(asm, prog.text, prog.data, seed, self.config.name, dict(self.trap_sites))


def generate(spec: Spec, config: Config, seed: int, knobs: Knobs) -> GeneratedProgram:
    """A random program; the same (spec, config, seed, knobs) always gives the same program."""
    return _Gen(spec, config, random.Random(seed), knobs).run(seed)


def generate_targeted(spec: Spec, config: Config, seed: int, targets: list[Target],
                      knobs: Knobs) -> GeneratedProgram:
    """A program of one item per target, in order, as many as fit IMEM (no random items);
    `knobs` serve the handler and the prologue. Reproducible like `generate`."""
    return _Gen(spec, config, random.Random(seed), knobs).run(seed, targets)
