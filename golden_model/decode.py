"""Decode an instruction word with the spec's mask/match table."""

from __future__ import annotations

from dataclasses import dataclass

from isa_spec import Config, Instruction, Spec
from isa_spec.bits import to_signed

CACHE_WORDS = 1 << 16


@dataclass(frozen=True)
class Decoded:
    ins: Instruction
    ops: dict[str, int]  # operand name -> register index or (sign-extended) immediate


class Decoder:
    def __init__(self, spec: Spec, config: Config):
        # Most specific first, so that e.g. halt wins over a looser pattern.
        self.table = sorted(spec.instructions.values(), key=lambda i: -bin(i.mask_bits).count("1"))
        self.limits = {rf.kind: config[rf.count_param] for rf in spec.regfiles.values()}
        self._cache: dict[int, Decoded | None] = {}

    def decode(self, word: int) -> Decoded | None:
        """The decoded instruction, or None if the encoding is illegal for this config.
        Cached per word: a program's words repeat (loops), and decoding is pure."""
        try:
            return self._cache[word]
        except KeyError:
            pass
        if len(self._cache) >= CACHE_WORDS:
            self._cache.clear()
        dec = self._cache[word] = self._decode(word)
        return dec

    def _decode(self, word: int) -> Decoded | None:
        for ins in self.table:
            if word & ins.mask_bits == ins.match_bits:
                ops = {}
                for op in ins.operands:
                    v = op.field.extract(word)
                    if op.kind in self.limits and v >= self.limits[op.kind]:
                        return None
                    ops[op.name] = to_signed(v, op.field.width) if op.signed else v
                return Decoded(ins, ops)
        return None
