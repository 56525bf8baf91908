"""The assembler's immediate expressions: numbers, symbols, + and -, parentheses, fx(),
%hi() and %lo(), evaluated without recursion so that no input can exhaust Python's stack.

The word layout (scalar width, the lui/addi split of %hi/%lo, the fx() format) is read from
the spec once per assembly (`WordLayout.from_spec`), not copied into this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .bits import to_signed
from .types import FixedFormat, Spec

PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
HILO_INT = re.compile(r"(%hi|%lo)\((-?(?:0|[1-9][0-9]*))\)")
_ATOM = re.compile(r"%hi\b|%lo\b|fx(?=\s*\()|[A-Za-z_][\w.]*|\d[\w.]*|\(")


class AsmFail(Exception):
    """A problem found below the assembler's line loop; the loop adds file and line."""


@dataclass(frozen=True)
class WordLayout:
    """What the expressions need from the spec: the word width, how `li` splits a value
    between lui (hi_bits) and addi (lo_bits), and the fixed-point format of fx()/.fx."""

    word_bits: int
    hi_bits: int
    lo_bits: int
    fx: FixedFormat

    @property
    def word_min(self) -> int:   # a value may be spelled signed or unsigned
        return -(1 << (self.word_bits - 1))

    @property
    def word_max(self) -> int:
        return (1 << self.word_bits) - 1

    @classmethod
    def from_spec(cls, spec: Spec, hi_ins: str, lo_ins: str) -> WordLayout:
        """hi_ins/lo_ins: the instructions li expands to (lui, addi): their immediates'
        widths are the %hi/%lo split, and together they must make one scalar word."""
        def imm_width(name: str, kind: str) -> int:
            ins = spec.instructions.get(name)
            ops = [op for op in ins.operands if op.kind == kind] if ins else []
            if len(ops) != 1:
                raise AsmFail(f"li/la need instruction '{name}' with one '{kind}' operand in the spec")
            return ops[0].field.width

        hi, lo = imm_width(hi_ins, "uimm"), imm_width(lo_ins, "simm")
        if hi + lo != spec.xlen:
            raise AsmFail(f"li/la: {hi_ins}'s immediate ({hi} bits) + {lo_ins}'s ({lo} bits) "
                          f"must make xlen ({spec.xlen} bits)")
        return cls(spec.xlen, hi, lo, spec.formats["coord"])


def fmt_name(fmt: FixedFormat) -> str:
    return f"Q{fmt.width - fmt.frac}.{fmt.frac}" if fmt.signed else f"UQ{fmt.width - fmt.frac}.{fmt.frac}"


def fx_raw(value: float, fmt: FixedFormat) -> int:
    """The raw value of a real in `fmt`, round half up; out of range is an error (never a
    silent saturation: the programmer asked for that exact number)."""
    raw = math.floor(value * (1 << fmt.frac) + 0.5) if math.isfinite(value) else fmt.max_raw + 1
    if not fmt.min_raw <= raw <= fmt.max_raw:
        raise AsmFail(f"real value {value} out of {fmt_name(fmt)} range "
                      f"[{fmt.min_raw / (1 << fmt.frac):g}, {fmt.max_raw / (1 << fmt.frac)}]")
    return raw


def parse_real(text: str) -> float:
    try:
        if "_" not in text:  # float() would accept 1_0
            return float(text)
    except ValueError:
        pass
    raise AsmFail(f"bad real number '{text}'")


def _parse_int(tok: str, layout: WordLayout) -> int:
    t = tok.lower()
    try:
        return int(t, 0) if t.startswith(("0x", "0b", "0o")) else int(t, 10)
    except ValueError:
        pass
    hint = f" (use fx({tok}) for a {fmt_name(layout.fx)} value)" if re.fullmatch(r"\d+\.\d*(e-?\d+)?", t) else ""
    raise AsmFail(f"bad number '{tok}'{hint}")


def hilo(tok: str, v: int, layout: WordLayout) -> int:
    """%hi(v) or %lo(v): the parts that lui + addi put back together."""
    if not layout.word_min <= v <= layout.word_max:
        raise AsmFail(f"{tok}({v}): value does not fit {layout.word_bits} bits")
    lo = to_signed(v, layout.lo_bits)
    return ((v - lo) >> layout.lo_bits) & ((1 << layout.hi_bits) - 1) if tok == "%hi" else lo


def evaluate(text: str, resolve: Callable[[str], int], layout: WordLayout) -> int:
    """sum := term (('+'|'-') term)*; term := ('+'|'-')* atom; atom := number | symbol |
    fx(real) | '(' sum ')' | %hi(sum) | %lo(sum).

    Iterative: an open parenthesis pushes the enclosing sum (its total, the sign of the
    pending term, and which bracket opened it) on an explicit stack, so 400 nested
    parentheses or 1000 signs cost memory, not Python stack frames.
    """
    s, n, i = text, len(text), 0
    if not s.strip():
        raise AsmFail("missing value")
    shown = s.strip()
    stack: list[tuple[int, int, str]] = []  # (enclosing total, sign of this term, opener)
    total, sign = 0, 1

    def skip(j: int) -> int:
        while j < n and s[j].isspace():
            j += 1
        return j

    while True:
        # a term: any number of unary signs, then an atom
        i = skip(i)
        while i < n and s[i] in "+-":
            sign = -sign if s[i] == "-" else sign
            i = skip(i + 1)
        m = _ATOM.match(s, i)
        if not m:
            rest = s[i:] or "end of operand"
            raise AsmFail(f"expected a number or symbol at '{rest}' in '{shown}'")
        i, tok = m.end(), m.group(0)
        if tok in ("(", "%hi", "%lo"):
            if tok != "(":
                i = skip(i)
                if not s.startswith("(", i):
                    raise AsmFail(f"expected '(' in '{shown}'")
                i += 1
            stack.append((total, sign, tok))
            total, sign = 0, 1
            continue
        if tok == "fx":
            i = skip(i) + 1  # the lookahead in _ATOM guarantees the '('
            end = s.find(")", i)
            if end < 0:
                raise AsmFail(f"expected ')' in '{shown}'")
            value, i = fx_raw(parse_real(s[i:end].strip()), layout.fx), end + 1
        elif tok[0].isdigit():
            value = _parse_int(tok, layout)
        else:
            value = resolve(tok)
        total += sign * value
        # after a term: close brackets, then a binary operator or the end
        while True:
            i = skip(i)
            if stack and s.startswith(")", i):
                i += 1
                outer, outer_sign, opener = stack.pop()
                inner = total if opener == "(" else hilo(opener, total, layout)
                total = outer + outer_sign * inner
                continue
            break
        if i < n and s[i] in "+-":
            sign = -1 if s[i] == "-" else 1
            i += 1
            continue
        if stack:
            raise AsmFail(f"expected ')' in '{shown}'")
        if i != n:
            raise AsmFail(f"unexpected '{s[i:]}' in '{shown}'")
        return total
