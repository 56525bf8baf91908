"""Mutants of the generated Verilog, for mutation testing of the testbench (`lpu mutate`).

Sites are found in the design's statements (continuous assigns, procedural assignments
and if conditions; never ROM initialisers, declarations or the port list), and each site
gives one or more mutants of five kinds:

    op        a binary operator swapped (+/-, &/|, ^/&, ==/!=, </<=, >/>=, &&/||)
    const     a decimal constant in an expression off by one (N+1, or N-1)
    invert    an if condition inverted
    stuck     one bit of an assigned signal stuck at 0 or 1
    drop      a procedural assignment removed

A mutant is "equivalent by construction" when the signal it changes is read nowhere in the
design (a sink that only keeps MyHDL from pruning bits), when it sticks a bit that every
read of its signal selects away (verif/mutation_reads.py), or when it changes the condition
of an if whose two branches are the same statements (MyHDL emits these for table entries
whose value is 0 either way): no test can see it, so it is not counted in the kill rate.
Sampling is stratified by kind and reproducible from the seed."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from verif.mutation_reads import BitReads

KINDS = ("op", "const", "invert", "stuck", "drop")
SWAPS = {"+": "-", "-": "+", "&": "|", "|": "&", "^": "&", "==": "!=", "!=": "==", "<": "<=", "<=": "<",
         ">": ">=", ">=": ">", "&&": "||", "||": "&&"}
_OP = re.compile(r"(?<= )(\+|-|&&|\|\||&|\||\^|==|!=|<=|>=|<|>)(?= )")
_CONST = re.compile(r"(?<![\w'.\[:$])(\d+)(?![\w'\]:])")
_ASSIGN = re.compile(r"^assign (\w+)(\[[^\]]*\])? = (.*);$")
_PROC = re.compile(r"^(\s+)(\w+)(\[[^\]]*\])? (<=|=) (.*);$")
_IF = re.compile(r"^(\s+)(if|else if) \((.*)\) begin$")
_DECL = re.compile(r"^(?:wire|reg|input|output)\s+(?:signed\s+)?(?:\[(\d+):(\d+)\]\s+)?(\w+)")


@dataclass(frozen=True)
class Mutant:
    id: int
    kind: str
    line: int          # 1-based line in the generated lpu_top.v
    signal: str        # the signal whose value the mutant changes
    old: str           # the line before ...
    new: str           # ... and after
    equivalent: str = ""   # why the mutant cannot be observed, when known by construction

    def describe(self) -> str:
        return f"line {self.line} ({self.kind}, {self.signal}): {self.old.strip()}  ->  {self.new.strip()}"

    def apply(self, verilog: str) -> str:
        lines = verilog.split("\n")
        if lines[self.line - 1] != self.old:
            raise ValueError(f"mutant {self.id}: line {self.line} is not what it was generated from")
        lines[self.line - 1] = self.new
        return "\n".join(lines)

    def write(self, src: Path, dst_dir: Path) -> Path:
        dst_dir.mkdir(parents=True, exist_ok=True)
        out = dst_dir / src.name
        out.write_text(self.apply(src.read_text()))
        return out


def _outside_brackets(text: str, start: int) -> bool:
    return text.count("[", 0, start) == text.count("]", 0, start)


def _widths(lines: list[str]) -> dict[str, int]:
    w = {}
    for ln in lines:
        m = _DECL.match(ln)
        if m:
            w[m.group(3)] = abs(int(m.group(1)) - int(m.group(2))) + 1 if m.group(1) else 1
    return w


def _statement_lines(lines: list[str]):
    """(index, line) of lines that are statements, outside initial blocks."""
    in_initial = False
    for i, ln in enumerate(lines):
        if ln.startswith("initial begin"):
            in_initial = True
        elif in_initial and ln.startswith("end"):
            in_initial = False
            continue
        if not in_initial:
            yield i, ln


def _block(lines: list[str], i: int) -> tuple[list[str], int]:
    """The body of the `... begin` block opened on line i (up to its `end` at the same
    indentation) and the index of that `end`."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and not (lines[j].startswith(" " * indent + "end") and
                                  len(lines[j]) - len(lines[j].lstrip()) == indent):
        j += 1
    return lines[i + 1:j], j


def _same_branches(lines: list[str], i: int) -> bool:
    """An if whose then and else branches are the same statements: its condition is dead."""
    then, end = _block(lines, i)
    if end + 1 >= len(lines) or lines[end + 1].strip() != "else begin":
        return False
    other, _ = _block(lines, end + 1)
    return then == other


def _expr_mutants(prefix: str, expr: str, suffix: str) -> list[tuple[str, str]]:
    out = []
    for m in _OP.finditer(expr):
        if _outside_brackets(expr, m.start()):
            out.append(("op", prefix + expr[:m.start()] + SWAPS[m.group(1)] + expr[m.end():] + suffix))
    for m in _CONST.finditer(expr):
        if _outside_brackets(expr, m.start()):
            n = int(m.group(1))
            for v in (n + 1, n - 1) if n > 0 else (n + 1,):
                out.append(("const", prefix + expr[:m.start()] + str(v) + expr[m.end():] + suffix))
    return out


def enumerate_mutants(verilog: str) -> list[Mutant]:
    """Every mutant of the design, in line order."""
    lines = verilog.split("\n")
    widths = _widths(lines)
    uses = Counter(re.findall(r"\w+", verilog))   # identifier -> occurrences

    def read_count(sig: str) -> int:
        return uses[sig]

    reads = BitReads(lines)

    out: list[Mutant] = []
    for i, ln in _statement_lines(lines):
        cands: list[tuple[str, str, str]] = []   # kind, signal, new line
        unread_bit: dict[str, str] = {}          # new line -> why its stuck bit is unseen
        if m := _ASSIGN.match(ln):
            sig, sel, expr = m.group(1), m.group(2) or "", m.group(3)
            pre = f"assign {sig}{sel} = "
            cands += [(k, sig, new) for k, new in _expr_mutants(pre, expr, ";")]
            w = widths.get(sig, 1) if not sel else 1
            bit = (i * 7919) % min(w, 31)   # a fixed, spread-out bit per site
            if w == 1:
                cands.append(("stuck", sig, f"{pre}1'b{i % 2};"))
            else:
                mask = f"(1 << {bit})"
                new = f"{pre}(({expr}) | {mask});" if i % 2 else f"{pre}(({expr}) & ~{mask});"
                cands.append(("stuck", sig, new))
                if reads.unread(sig, bit):
                    unread_bit[new] = f"bit {bit} of {sig} is read by no bit or part select"
        elif m := _PROC.match(ln):
            ind, sig, sel, op, expr = m.groups()
            pre = f"{ind}{sig}{sel or ''} {op} "
            cands += [(k, sig, new) for k, new in _expr_mutants(pre, expr, ";")]
            cands.append(("drop", sig, f"{ind}// mutant: dropped {sig}{sel or ''} {op} ..."))
        elif m := _IF.match(ln):
            ind, kw, cond = m.groups()
            cands += [(k, "(condition)", new) for k, new in _expr_mutants(f"{ind}{kw} (", cond, ") begin")]
            cands.append(("invert", "(condition)", f"{ind}{kw} (!({cond})) begin"))
        dead_if = bool(_IF.match(ln)) and _same_branches(lines, i)
        for kind, sig, new in cands:
            if new == ln:
                continue
            # the signal appears only where it is declared and assigned: nothing reads it
            why = "the changed signal is read nowhere in the design" \
                if sig != "(condition)" and read_count(sig) <= 2 else ""
            if dead_if:
                why = "both branches of this if do the same"
            why = why or unread_bit.get(new, "")
            out.append(Mutant(len(out), kind, i + 1, sig, ln, new, why))
    return out


def sample(mutants: list[Mutant], count: int, seed: int) -> list[Mutant]:
    """`count` mutants, spread evenly over the kinds (as far as each kind has sites)."""
    rng = random.Random(seed)
    by_kind = {k: [m for m in mutants if m.kind == k] for k in KINDS}
    for v in by_kind.values():
        rng.shuffle(v)
    picked: list[Mutant] = []
    while len(picked) < count and any(by_kind.values()):
        for k in KINDS:
            if by_kind[k] and len(picked) < count:
                picked.append(by_kind[k].pop())
    return sorted(picked, key=lambda m: m.line)
