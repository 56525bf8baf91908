"""Branch layout: blocks ordered so that the likely successor of every block follows it
(falls through), the unlikely side placed after the chain it leaves. A compare-and-branch
whose likely target would be taken is inverted (beq <-> bne, blt <-> bge), so the likely
path runs without a taken branch; the predictor starts weakly not-taken, so a fall-through
is also what it predicts before it has learned anything.

Likelihood: `if likely` / `if unlikely` in the source; otherwise the `then` side."""

from __future__ import annotations

from ..ir import Function
from ..target import Target

NAME = "layout"
_INVERT = {"beq": "bne", "bne": "beq", "blt": "bge", "bge": "blt"}


def _likely_next(fn: Function, name: str) -> str | None:
    t = fn.block(name).terminator
    if t.opcode == "lpu.j":
        return t.attrs["target"]
    if t.opcode in ("lpu.bcc", "lpu.bgecp"):
        return t.attrs.get("likely", t.attrs["else"])
    return None


def run(fn: Function, target: Target | None = None) -> Function:
    placed: list[str] = []
    seen: set[str] = set()
    for b in fn.blocks:
        name: str | None = b.name
        while name is not None and name not in seen:
            placed.append(name)
            seen.add(name)
            name = _likely_next(fn, name)
    fn.blocks = [fn.block(n) for n in placed]
    inverted = 0
    for i, b in enumerate(fn.blocks):
        t = b.terminator
        nxt = fn.blocks[i + 1].name if i + 1 < len(fn.blocks) else None
        if t.opcode == "lpu.bcc" and t.attrs["then"] == nxt and t.attrs["else"] != nxt:
            t.attrs["cond"] = _INVERT[t.attrs["cond"]]
            t.attrs["then"], t.attrs["else"] = t.attrs["else"], t.attrs["then"]
            inverted += 1
    fn.meta.setdefault("passes", {})[NAME] = {"inverted": inverted, "order": placed}
    return fn
