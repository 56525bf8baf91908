"""Emission: an allocated, laid-out lpu function -> LPU assembly text.

Two things are decided here because they depend on the final instruction order:
- temperatures: before a box op, the CSRs it reads (beta_i, ibeta_i; and beta_v, ibeta_v
  for volumes) are written when their value may differ from what it needs (known from the
  reset values, then tracked along the layout; unknown at a join);
- data addresses: within the immediate offset of x0 directly, else through the scratch
  register holding a 4 KiB-aligned base (`lui`), reused while the next access is in reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import FitError
from ..ir import Function, Op, Type, Value
from ..passes.regalloc import scratch_register
from ..target import Target, would_fit
from .memory import Layout

_BOX_NEEDS = {"lpu.bint": ("beta_i", "ibeta_i")}
_ALL_TEMPS = ("beta_i", "ibeta_i", "beta_v", "ibeta_v")


@dataclass
class _Machine:
    csr: dict[str, int | None]
    scratch: tuple | None = None          # the value in the scratch register, if known

    def copy(self) -> _Machine:
        return _Machine(dict(self.csr), self.scratch)


@dataclass
class Emitted:
    text: str
    words: int
    lines: list[str] = field(default_factory=list)


class _Emitter:
    def __init__(self, fn: Function, target: Target, lay: Layout):
        self.fn, self.t, self.lay = fn, target, lay
        self.lines: list[str] = []
        self.words = 0
        self.xs = scratch_register(target)
        self.lo, self.hi = target.imm_range()
        # lui writes its immediate above the low bits an addi offset covers (isa alu.toml)
        self.ushift = target.spec.xlen - target.spec.operands["uimm"].field.width
        self.umask = (1 << target.spec.operands["uimm"].field.width) - 1
        spec = target.spec
        self.reset = {c: spec.csrs[c].reset for c in _ALL_TEMPS}

    def ins(self, text: str, words: int = 1, note: str = "") -> None:
        self.lines.append(f"        {text:<34}# {note}" if note else f"        {text}")
        self.words += words

    @staticmethod
    def r(v: Value) -> str:
        return f"{'b' if v.type == Type.BOX else 'x'}{v.reg}"

    def li(self, reg: int, imm: int, note: str = "") -> None:
        imm = imm - (1 << 32) if imm >= (1 << 31) else imm
        if self.lo <= imm <= self.hi:
            self.ins(f"addi  x{reg}, x0, {imm}", 1, note)
        elif imm & ((1 << self.ushift) - 1) == 0:
            self.ins(f"lui   x{reg}, {(imm >> self.ushift) & self.umask}", 1, note)
        else:
            self.ins(f"li    x{reg}, {imm}", 2, note)

    def mem(self, m: _Machine, addr: tuple) -> str:
        a = self.lay.address(addr)
        if self.lo <= a <= self.hi:
            return f"{a}(x0)"
        sh = self.ushift
        base = ((a - self.lo) >> sh) << sh            # a - base lies in [lo, hi]
        if a - base > self.hi:
            base += 1 << sh
        if m.scratch != ("base", base):
            self.ins(f"lui   x{self.xs}, {base >> self.ushift}", 1, "data base")
            m.scratch = ("base", base)
        return f"{a - base}(x{self.xs})"

    def temps(self, m: _Machine, op: Op) -> None:
        need = _BOX_NEEDS.get(op.opcode, _ALL_TEMPS)
        for csr in need:
            base = csr.removeprefix("i")
            fmt = self.t.csr_format(csr)
            stored = op.attrs[base]
            raw = fmt.to_raw(stored if csr == base else 1.0 / stored)
            if m.csr.get(csr) != raw:
                if m.scratch != ("const", raw):
                    self.li(self.xs, raw, f"{csr} = {fmt.to_float(raw):.8g}")
                    m.scratch = ("const", raw)
                self.ins(f"csrw  {csr}, x{self.xs}")
                m.csr[csr] = raw

    def op(self, m: _Machine, op: Op, nxt: str | None) -> None:
        o, a, r = op.opcode, op.operands, op.result
        note = str(op.loc) if op.loc.line else ""
        if o in ("lpu.bint", "lpu.bhint", "lpu.blvol", "lpu.blcp", "lpu.bgecp") and o != "lpu.bhint":
            self.temps(m, op)
        if o == "lpu.lbx":
            self.ins(f"lbx   {self.r(r)}, {self.mem(m, op.attrs['addr'])}", 1, _what(op.attrs["addr"]))
        elif o == "lpu.sbx":
            self.ins(f"sbx   {self.r(a[0])}, {self.mem(m, op.attrs['addr'])}", 1, _what(op.attrs["addr"]))
        elif o == "lpu.lw":
            self.ins(f"lw    {self.r(r)}, {self.mem(m, op.attrs['addr'])}", 1, _what(op.attrs["addr"]))
        elif o == "lpu.sw":
            self.ins(f"sw    {self.r(a[0])}, {self.mem(m, op.attrs['addr'])}", 1, self._slot_note(op))
        elif o in ("lpu.bint", "lpu.bhint"):
            self.ins(f"{o[4:]:<5} {self.r(r)}, {self.r(a[0])}, {self.r(a[1])}", 1, note)
        elif o == "lpu.blvol":
            self.ins(f"blvol {self.r(r)}, {self.r(a[0])}", 1, note)
        elif o == "lpu.blcp":
            self.ins(f"blcp  {self.r(r)}, {self.r(a[0])}, {self.r(a[1])}", 1, note)
        elif o == "lpu.li":
            self.li(r.reg, op.attrs["imm"], note)
        elif o == "lpu.alu":
            self.ins(f"{op.attrs['op']:<5} {self.r(r)}, {self.r(a[0])}, {self.r(a[1])}", 1, note)
        elif o == "lpu.alui":
            self.ins(f"{op.attrs['op']:<5} {self.r(r)}, {self.r(a[0])}, {op.attrs['imm']}", 1, note)
        elif o == "lpu.halt":
            self.ins("halt")
        elif o == "lpu.j":
            if op.attrs["target"] != nxt:
                self.ins(f"j     {_label(op.attrs['target'])}")
        elif o in ("lpu.bcc", "lpu.bgecp"):
            self.branch(op, nxt, note)
        else:
            raise AssertionError(f"emit: no rule for {o}")

    def branch(self, op: Op, nxt: str | None, note: str) -> None:
        a = op.operands
        then, other = op.attrs["then"], op.attrs["else"]
        if op.opcode == "lpu.bcc":
            self.ins(f"{op.attrs['cond']:<5} {self.r(a[0])}, {self.r(a[1])}, {_label(then)}", 1, note)
        else:
            self.ins(f"bgecp {self.r(a[0])}, {self.r(a[1])}, {self.r(a[2])}, {_label(then)}", 1, note)
        if other != nxt:
            self.ins(f"j     {_label(other)}")

    def _slot_note(self, op: Op) -> str:
        addr = op.attrs["addr"]
        if addr[0] == "result":
            return f"out {self.fn.outputs[addr[1]].name}"
        return _what(addr)

    def run(self) -> Emitted:
        preds = self.fn.predecessors()
        exits: dict[str, _Machine] = {}
        order = [b.name for b in self.fn.blocks]
        for i, b in enumerate(self.fn.blocks):
            ps = preds[b.name]
            if i == 0:
                m = _Machine(dict(self.reset))
            elif len(ps) == 1 and ps[0] in exits:
                m = exits[ps[0]].copy()
            else:
                m = _Machine({c: None for c in _ALL_TEMPS})
            self.lines.append(f"{_label(b.name)}:")
            nxt = order[i + 1] if i + 1 < len(order) else None
            for op in b.ops:
                self.op(m, op, nxt)
            exits[b.name] = m
        if self.words > self.t.IMEM_WORDS:
            raise FitError(None, f"instruction memory: {self.words} words needed; configuration "
                                 f"'{self.t.name}' has IMEM_WORDS = {self.t.IMEM_WORDS}; "
                                 f"{would_fit(self.t, 'IMEM_WORDS', self.words)}")
        return Emitted("\n".join(self.lines) + "\n", self.words, self.lines)


def _label(block: str) -> str:
    return f"L_{block}"


def _what(addr: tuple) -> str:
    return {"concept": f"concept {addr[1]}", "spill": f"spill slot {addr[1]}",
            "result": f"result {addr[1]}"}[addr[0]]


def emit(fn: Function, target: Target, lay: Layout) -> Emitted:
    return _Emitter(fn, target, lay).run()


def data_section(fn: Function, lay: Layout) -> str:
    n = len(fn.outputs)
    lines = [".data", f"results:                                  # {n} words, one per output slot"]
    lines += _words(lay.data[:n])
    if lay.words > n:
        lines.append("                                          # spill slots and concept boxes (lo[D], hi[D])")
        lines += _words(lay.data[n:])
    return "\n".join(lines) + "\n"


def _words(words: list[int], per_line: int = 8) -> list[str]:
    return [f"        .word {', '.join(str(w) for w in words[i:i + per_line])}"
            for i in range(0, len(words), per_line)]
