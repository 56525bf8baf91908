"""Data-memory layout of one program: the results region first (so that its addresses fit
a store's 12-bit offset from x0), then scalar spill slots, the concept boxes the program
reads, and box spill slots. A box takes 2*D words (lower corners, then upper; isa mem.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import FitError
from ..ir import Function
from ..target import Target, would_fit


@dataclass
class Layout:
    words: int = 0
    results: dict[int, int] = field(default_factory=dict)      # slot -> byte address
    concepts: dict[str, int] = field(default_factory=dict)     # name -> byte address
    spills: dict[int, int] = field(default_factory=dict)       # spill slot number -> byte address
    data: list[int] = field(default_factory=list)              # initial data-memory words

    def address(self, addr: tuple) -> int:
        kind, key = addr[0], addr[1]
        table = {"result": self.results, "concept": self.concepts, "spill": self.spills}[kind]
        return table[key]


def concepts_used(fn: Function) -> list[str]:
    seen: dict[str, None] = {}
    for op in fn.ops():
        if op.opcode == "lpu.lbx" and op.attrs["addr"][0] == "concept":
            seen.setdefault(op.attrs["addr"][1], None)
    return list(seen)


def layout(fn: Function, target: Target, not_written: int) -> Layout:
    lay = Layout()
    wb = target.word_bytes
    coord = target.coord

    def take(n: int) -> int:
        addr = lay.words * wb
        lay.words += n
        return addr

    for i in range(len(fn.outputs)):
        lay.results[i] = take(1)
    lay.data += [not_written] * len(fn.outputs)
    slots = fn.meta.get("spill_slots", [])
    for s in slots:
        if s[2] == "word":
            lay.spills[s[1]] = take(1)
            lay.data.append(0)
    for name in concepts_used(fn):
        c = fn.concepts[name]
        lay.concepts[name] = take(target.box_words)
        lay.data += [coord.to_raw(x) for x in c.lo] + [coord.to_raw(x) for x in c.hi]
    for s in slots:
        if s[2] == "box":
            lay.spills[s[1]] = take(target.box_words)
            lay.data += [0] * target.box_words
    if lay.words > target.DMEM_WORDS:
        n_c, n_s = len(lay.concepts), len(slots)
        raise FitError(None, f"data memory: {lay.words} words needed ({len(fn.outputs)} results, {n_c} concepts "
                             f"of {target.box_words} words, {n_s} spill slots); configuration '{target.name}' "
                             f"has DMEM_WORDS = {target.DMEM_WORDS}; {would_fit(target, 'DMEM_WORDS', lay.words)}")
    return lay
