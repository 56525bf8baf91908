"""Mutant schemata: every mutant of a run in one Verilog model, chosen at run time.

Building each mutant is one Verilator build per mutant; the schemata are built once, and a
simulation picks its mutant with the plusarg `+lpu_mutant=N` (the mutant's id; none, or an
id of no mutant, runs the design as generated). Each mutated statement becomes a selection
between its original and its mutants, written so that each alternative keeps exactly the
semantics it has alone (Verilog sizes an expression by its context):

    assign x = E;      ->  wire [W-1:0] lpu_mut7 = E7;  wire [W-1:0] lpu_orig12 = E;
                           assign x = (lpu_mutant_sel == 7) ? lpu_mut7 : lpu_orig12;
    x <= E;            ->  if (lpu_mutant_sel == 7) x <= E7; else x <= E;    (a drop: `;`)
    if (C) begin       ->  if (((lpu_mutant_sel == 7) && (C7)) || ((lpu_mutant_sel != 7) && (C))) begin

A W-bit wire assigned E holds the bits x (W bits) would get from E, so the selection of
equal-width unsigned wires hands them on unchanged; each `if` branch and each truth value
is evaluated on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from verif.mutation import Mutant
from verif.mutation_reads import const_index

SELECT = "lpu_mutant_sel"
PLUSARG = "lpu_mutant"
_ASSIGN = re.compile(r"^assign (\w+)(\[[^\]]*\])? = (.*);$")
_IF = re.compile(r"^(\s+)(if|else if) \((.*)\) begin$")
_ONE = re.compile(rf"^(?:wire (?:\[[^\]]*\] )?lpu_mut(\d+)(?:_\d+)? =|\s*(?:else )?if \({SELECT} == (\d+)\) )")
_DECL = re.compile(r"^(?:wire|reg)\s+(?:signed\s+)?(?:\[(\d+):(\d+)\]\s+)?(\w+)\s*(?:;|=)")


@dataclass
class Schemata:
    text: str
    line_mutants: dict[int, tuple[int, ...]] = field(default_factory=dict)   # 1-based line -> mutant ids

    def mutants_at(self, line: int) -> tuple[int, ...]:
        return self.line_mutants.get(line, ())


def plusarg(mutant_id: int) -> str:
    return f"+{PLUSARG}={mutant_id}"


def _width(sig: str, sel: str, widths: dict[str, int]) -> int:
    if not sel:
        return widths.get(sig, 1)
    inner = sel[1:-1]
    if ":" not in inner:
        return 1
    hi, lo = inner.split(":", 1)
    return abs(const_index(hi) - const_index(lo)) + 1


def _decl(width: int, name: str, expr: str) -> str:
    rng = f"[{width - 1}:0] " if width > 1 else ""
    return f"wire {rng}{name} = {expr};"


def _assign(line_no: int, old: str, ms: list[Mutant], widths: dict[str, int], used: set[str]) -> list[str]:
    m = _ASSIGN.match(old)
    if not m:
        raise ValueError(f"line {line_no}: not a continuous assign: {old.strip()}")
    sig, sel, expr = m.group(1), m.group(2) or "", m.group(3)
    w = _width(sig, sel, widths)
    out, sel_expr = [], f"lpu_orig{line_no}"
    for mu in reversed(ms):
        nm = _ASSIGN.match(mu.new)
        if not nm:
            raise ValueError(f"mutant {mu.id}: not a continuous assign: {mu.new.strip()}")
        name = f"lpu_mut{mu.id}"
        if name in used:   # a mutant that changes several statements (a planted bug)
            name = f"{name}_{line_no}"
        used.add(name)
        out.append(_decl(w, name, nm.group(3)))
        sel_expr = f"({SELECT} == {mu.id}) ? {name} : {sel_expr}"
    out.append(_decl(w, f"lpu_orig{line_no}", expr))
    out.append(f"assign {sig}{sel} = {sel_expr};")
    return out


def _procedural(old: str, ms: list[Mutant]) -> list[str]:
    ind = old[:len(old) - len(old.lstrip())]
    out = []
    for k, mu in enumerate(ms):
        stmt = ";" if mu.kind == "drop" else mu.new.strip()
        out.append(f"{ind}{'if' if k == 0 else 'else if'} ({SELECT} == {mu.id}) {stmt}")
    out.append(f"{ind}else {old.strip()}")
    return out


def _condition(old: str, ms: list[Mutant]) -> list[str]:
    m = _IF.match(old)
    if not m:
        raise ValueError(f"not an if condition: {old.strip()}")
    ind, kw, cond = m.groups()
    terms = []
    for mu in ms:
        nm = _IF.match(mu.new)
        if not nm:
            raise ValueError(f"mutant {mu.id}: not an if condition: {mu.new.strip()}")
        terms.append(f"(({SELECT} == {mu.id}) && ({nm.group(3)}))")
    none = " && ".join(f"({SELECT} != {mu.id})" for mu in ms)
    terms.append(f"({none} && ({cond}))")
    return [f"{ind}{kw} ({' || '.join(terms)}) begin"]


def _header_end(lines: list[str]) -> int:
    """Index of the line that closes the module's port list."""
    for i, ln in enumerate(lines):
        if ln.strip() == ");":
            return i
    raise ValueError("no module port list found (expected the output of `lpu gen`)")


def build_schemata(verilog: str, mutants: list[Mutant]) -> Schemata:
    """One design holding all `mutants` (each generated from `verilog`), selected by the
    plusarg; mutants of the same statement share its selection."""
    lines = verilog.split("\n")
    widths = {}
    for ln in lines:
        if d := _DECL.match(ln):
            widths[d.group(3)] = abs(int(d.group(1)) - int(d.group(2))) + 1 if d.group(1) else 1
    by_line: dict[int, list[Mutant]] = {}
    for mu in sorted(mutants, key=lambda x: x.id):
        if lines[mu.line - 1] != mu.old:
            raise ValueError(f"mutant {mu.id}: line {mu.line} is not what it was generated from")
        by_line.setdefault(mu.line, []).append(mu)
    head = _header_end(lines)
    out: list[str] = []
    line_mutants: dict[int, tuple[int, ...]] = {}
    used: set[str] = set()
    for i, ln in enumerate(lines):
        ms = by_line.get(i + 1)
        if not ms:
            new = [ln]
        elif ln.startswith("assign "):
            new = _assign(i + 1, ln, ms, widths, used)
        elif _IF.match(ln):
            new = _condition(ln, ms)
        else:
            new = _procedural(ln, ms)
        for text in new:
            out.append(text)
            if ms:   # a line of one alternative names its mutant; the rest belong to all of them
                one = _ONE.match(text)
                line_mutants[len(out)] = (int(one.group(1) or one.group(2)),) if one else tuple(mu.id for mu in ms)
        if i == head:
            out += [f"integer {SELECT};", "initial begin",
                    f"    if (!$value$plusargs(\"{PLUSARG}=%d\", {SELECT})) {SELECT} = -1;", "end"]
    return Schemata("\n".join(out), line_mutants)


_ERROR_LINE = re.compile(r"^%Error[^:]*: [^:]*lpu_top\.v:(\d+):")


def lint_error_lines(path) -> tuple[list[int], str]:
    """Lines of the Verilog file with a Verilator error (lint only), and the last line of
    Verilator's output when it failed without naming one."""
    import subprocess

    from rtl_gen.toolchain import setup_verilator

    p = subprocess.run([str(setup_verilator()), "--lint-only", "--default-language", "1364-2005", "-Wno-fatal",
                        "-Wno-lint", "-Wno-style", str(path)], capture_output=True, text=True)
    lines = [int(m.group(1)) for ln in p.stderr.splitlines() if (m := _ERROR_LINE.match(ln))]
    last = (p.stderr.strip().splitlines() or [""])[-1] if p.returncode and not lines else ""
    return lines, last
