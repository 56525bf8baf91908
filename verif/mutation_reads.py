"""Which bits of a signal the design reads, for the equivalent-by-construction rule of stuck
bits (verif/mutation.py): a bit that every read of the signal selects away (each read is a
constant bit or part select that leaves it out) is read nowhere, so sticking it changes
nothing a test can see."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

_WORD = re.compile(r"[A-Za-z_]\w*")
_DECL = re.compile(r"^\s*(?:wire|reg|input|output|inout)\b")
_TARGET = re.compile(r"^\s*(?:assign\s+)?(\w+)")
_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}


def const_index(text: str) -> int:
    """A constant bit index as MyHDL writes it (`8-1`, `(2 + 6)-1`); ValueError otherwise."""
    def value(node: ast.expr) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](value(node.left), value(node.right))
        raise ValueError(f"not a constant bit index: {text!r}")

    try:
        return value(ast.parse(text.strip(), mode="eval").body)
    except SyntaxError:
        raise ValueError(f"not a constant bit index: {text!r}") from None


class BitReads:
    """The bits of each signal that some statement reads, or None when a read takes the
    whole signal (or a select that is not constant), the signal is a port, or it is unknown."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.at: dict[str, list[int]] = defaultdict(list)   # identifier -> line indices
        for i, ln in enumerate(lines):
            for w in set(_WORD.findall(ln)):
                self.at[w].append(i)
        self._cache: dict[str, set[int] | None] = {}

    def bits(self, sig: str) -> set[int] | None:
        if sig not in self._cache:
            self._cache[sig] = self._bits(sig)
        return self._cache[sig]

    def _bits(self, sig: str) -> set[int] | None:
        out: set[int] = set()
        word = re.compile(rf"\b{re.escape(sig)}\b")
        for i in self.at.get(sig, ()):
            ln = self.lines[i]
            if ln.lstrip().startswith(("input", "output", "inout")) or not ln.startswith((" ", "assign", "always")):
                if not _DECL.match(ln):
                    return None   # the port list, or something this rule does not know
                continue
            if _DECL.match(ln):
                continue
            text = ln.split(")", 1)[1] if ln.startswith("always") else ln   # not the sensitivity list
            t = _TARGET.match(text)
            for m in word.finditer(text):
                if t and m.start() == t.start(1) and re.match(r"\s*(\[[^\]]*\])?\s*<?=", text[m.end():]):
                    continue   # the statement's target: a write
                sel = re.match(r"\[([^\[\]]+)\]", text[m.end():])
                if not sel:
                    return None
                try:
                    parts = [const_index(p) for p in sel.group(1).split(":")]
                except ValueError:
                    return None
                out |= set(range(min(parts), max(parts) + 1))
        return out

    def unread(self, sig: str, bit: int) -> bool:
        b = self.bits(sig)
        return b is not None and bit not in b
