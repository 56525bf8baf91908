"""Disassembler generated from the ISA spec: its output assembles back to the same word."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .assembler import register_prefix
from .bits import to_signed
from .loader import load_spec
from .types import Instruction, Operand, Spec

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def decode(word: int, spec: Spec | None = None) -> Instruction | None:
    """The instruction whose mask/match fits `word` (most specific mask first), or None."""
    spec = spec or load_spec()
    for ins in sorted(spec.instructions.values(), key=lambda i: -i.mask_bits.bit_count()):
        if word & ins.mask_bits == ins.match_bits:
            return ins
    return None


def _format(spec: Spec, op: Operand, raw: int) -> str:
    if op.kind in ("xreg", "breg"):
        return f"{register_prefix(spec, op.kind)}{raw}"
    if op.signed:
        return str(to_signed(raw, op.field.width))
    if op.kind == "csr":
        csr = spec.csr_by_number(raw)
        return csr.name if csr is not None else f"0x{raw:03x}"
    return str(raw) if raw < 10 else f"0x{raw:x}"


def disassemble(word: int, pc: int | None = None, *, spec: Spec | None = None) -> str:
    """One instruction as assembler text. Label operands are printed as instruction offsets;
    with `pc` given, a comment shows the target byte address."""
    spec = spec or load_spec()
    if not -(1 << (spec.ilen - 1)) <= word < 1 << spec.ilen:
        raise ValueError(f"word {word:#x} does not fit {spec.ilen} bits")
    word &= (1 << spec.ilen) - 1
    ins = decode(word, spec)
    if ins is None:
        return f".word 0x{word:08x}"
    values = {op.name: op.field.extract(word) for op in ins.operands}
    by_name = {op.name: op for op in ins.operands}
    text = _IDENT.sub(lambda m: _format(spec, by_name[m.group(0)], values[m.group(0)]), ins.syntax)
    line = f"{ins.name} {text}" if text else ins.name
    targets = [pc + spec.ilen // 8 * to_signed(values[op.name], op.field.width)
               for op in ins.operands if op.kind == "label" and pc is not None]
    if targets:
        line += "  # -> " + ", ".join(f"0x{t:08x}" for t in targets)
    return line


def disassemble_program(words: Iterable[int], base_pc: int = 0, *, spec: Spec | None = None) -> list[str]:
    spec = spec or load_spec()
    return [disassemble(w, base_pc + spec.ilen // 8 * i, spec=spec) for i, w in enumerate(words)]
