"""Typed view of the ISA spec: what the loader returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Field:
    name: str
    slices: tuple[tuple[int, int], ...]  # (msb, lsb), msb-first

    @cached_property   # read on every encode and decode
    def width(self) -> int:
        return sum(m - lo + 1 for m, lo in self.slices)

    @property
    def mask(self) -> int:
        out = 0
        for msb, lsb in self.slices:
            out |= ((1 << (msb - lsb + 1)) - 1) << lsb
        return out

    def extract(self, word: int) -> int:
        value = 0
        for msb, lsb in self.slices:
            w = msb - lsb + 1
            value = (value << w) | ((word >> lsb) & ((1 << w) - 1))
        return value

    def insert(self, word: int, value: int) -> int:
        value &= (1 << self.width) - 1
        shift = self.width
        for msb, lsb in self.slices:
            w = msb - lsb + 1
            shift -= w
            part = (value >> shift) & ((1 << w) - 1)
            word = (word & ~(((1 << w) - 1) << lsb)) | (part << lsb)
        return word


OPERAND_KINDS = ("xreg", "breg", "simm", "uimm", "label", "csr")


@dataclass(frozen=True)
class Operand:
    name: str
    kind: str
    field: Field

    @property
    def signed(self) -> bool:
        return self.kind in ("simm", "label")


@dataclass(frozen=True)
class Example:
    asm: str
    init: dict
    expect: dict
    tol: float
    where: str  # "file: instruction 'x' example N", for error messages


@dataclass(frozen=True)
class Instruction:
    name: str
    iclass: str
    syntax: str
    operands: tuple[Operand, ...]
    match: dict[str, int]
    mask_bits: int
    match_bits: int
    summary: str
    semantics: str
    examples: tuple[Example, ...]
    conditional: bool
    source: str
    # "bool": the result is a truth value; "compare": a truth value comparing two scalar
    # sources (result coverage bins follow from it, verif/value_classes.py)
    result: str | None = None


@dataclass(frozen=True)
class FixedFormat:
    name: str
    signed: bool
    width: int
    frac: int
    summary: str
    why: str

    @property
    def min_raw(self) -> int:
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    @property
    def ulp(self) -> float:
        return 2.0 ** -self.frac

    def to_raw(self, value: float) -> int:
        """Round half up and saturate a real value to this format."""
        raw = math.floor(value * (1 << self.frac) + 0.5)
        return max(self.min_raw, min(self.max_raw, raw))

    def to_float(self, raw: int) -> float:
        return raw / (1 << self.frac)

    def show(self, raw: int) -> str:
        """The shortest decimal that reads back (round half up) as `raw` and lies inside the
        format's range, so that the largest Q16.16 value prints as 32767.99998, never as
        32768. `raw` is taken modulo 2**width (a register's unsigned or signed spelling).
        With frac digits the decimal is exact, so a shortest one always exists."""
        from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
        from fractions import Fraction

        raw &= (1 << self.width) - 1
        if self.signed and raw >> (self.width - 1):
            raw -= 1 << self.width
        scale = 1 << self.frac
        exact = Decimal(raw) / Decimal(scale)  # exact: 2**-frac has frac decimal digits
        lo, hi = Fraction(self.min_raw, scale), Fraction(self.max_raw, scale)
        ctx = Context(prec=self.width + self.frac + 2)
        for digits in range(self.frac + 1):
            step = Decimal(1).scaleb(-digits)
            # the two decimals of this length around the value, nearest first (at the top
            # of the range the nearest one may lie above it: 15.9375 in UQ4.4 is 15.937)
            near = sorted({exact.quantize(step, r, ctx) for r in (ROUND_FLOOR, ROUND_CEILING)},
                          key=lambda t: (abs(t - exact), t))
            for text in near:
                value = Fraction(text)
                if lo <= value <= hi and math.floor(value * scale + Fraction(1, 2)) == raw:
                    out = f"{text:f}"
                    return "0" if out.lstrip("-") == "0" else out
        raise AssertionError("unreachable: the exact decimal reads back")


@dataclass(frozen=True)
class Csr:
    name: str
    number: int
    access: str
    reset: int | str  # a value, or the name of a parameter whose value it is
    summary: str
    format: str | None


@dataclass(frozen=True)
class Trap:
    name: str
    code: int
    tval: str
    summary: str


@dataclass(frozen=True)
class NonLinear:
    name: str
    function: str
    summary: str
    input_frac: int
    domain_int_bits: int
    output_format: str
    table_frac: int
    bound_ulp: float
    bound_rel: float


@dataclass(frozen=True)
class Constant:
    name: str
    value: float
    frac: int
    summary: str

    @property
    def raw(self) -> int:
        return math.floor(self.value * (1 << self.frac) + 0.5)


@dataclass(frozen=True)
class Param:
    name: str
    min: int
    max: int
    default: int
    summary: str
    pow2: bool = False
    divides: str | None = None


@dataclass(frozen=True)
class RegFile:
    name: str
    kind: str
    prefix: str
    count_param: str
    summary: str
    width: int | None = None
    zero_register: int | None = None


@dataclass(frozen=True)
class Predictor:
    kind: str
    counter_bits: int
    reset_counter: int
    taken_threshold: int
    index: str
    summary: str


@dataclass(frozen=True)
class Timing:
    """isa.toml [timing] as written (docs/pipeline.md); expressions are evaluated per
    configuration by isa_spec/timing.py `timing_table`."""
    stages: tuple[str, ...]
    numbers: dict[str, str]               # rule number (fetch_to_ex, late_use, ...) -> expression
    ex_cycles: dict[str, str]             # instruction, class, "default" or "trap" -> expression
    lists: dict[str, tuple[str, ...]]     # late, mem_port_mw, ... -> instruction or class names
    written_operands: tuple[str, ...]     # operand names an instruction writes (not a source)


@dataclass(frozen=True)
class Spec:
    name: str
    version: str
    xlen: int
    ilen: int
    reset_pc: int
    fields: dict[str, Field]
    operands: dict[str, Operand]
    regfiles: dict[str, RegFile]
    formats: dict[str, FixedFormat]
    nonlinear: dict[str, NonLinear]
    constants: dict[str, Constant]
    csrs: dict[str, Csr]
    traps: dict[str, Trap]
    predictor: Predictor
    params: dict[str, Param]
    configs: dict[str, dict[str, int]]
    config_summaries: dict[str, str]
    classes: dict[str, str]  # class name -> summary
    bounds: dict[str, dict[str, float | str]] = field(default_factory=dict)
    timing: Timing | None = None   # isa.toml [timing]; isa_spec/timing.py evaluates it per config
    instructions: dict[str, Instruction] = field(default_factory=dict)

    def csr_by_number(self, number: int) -> Csr | None:
        for c in self.csrs.values():
            if c.number == number:
                return c
        return None

    def trap_by_code(self, code: int) -> Trap | None:
        for t in self.traps.values():
            if t.code == code:
                return t
        return None
