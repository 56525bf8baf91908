"""A small netlist builder for the combinational units (nl_units, box_lane, scalar_nl).

`Net` tracks every signal's value range, so widths follow from ranges, and emits each
operation as one continuous assign whose operands already have matching widths: the Verilog
is lint-clean under `verilator -Wall` without waivers (but the ROM initialisation, see
rtl_gen/rom_init.py). The blocks below (`op`, `mux`, `sat`, `sink`, `rom`) are its cells.
"""

from __future__ import annotations

from myhdl import Signal, SignalType, always_comb, block, concat, intbv, modbv

LIT = 1 << 30  # ints below this are emitted as plain (signed 32-bit) Verilog literals


def swidth(lo: int, hi: int) -> int:
    """Bits of a two's complement signal that holds every value in [lo, hi]."""
    return max((v if v >= 0 else ~v).bit_length() + 1 for v in (lo, hi))


@block
def op(kind: str, a, b, y: SignalType):
    """y = a <kind> b as one continuous assign. a, b: Signals or small ints (literals); for
    "mulk" b is any int, emitted as a sized signed constant; for "cut" b = (hi, lo)."""
    if kind == "mulk":
        kv, kw = b & ((1 << swidth(b, b)) - 1), swidth(b, b)
    if kind == "cut":
        hi, lo = b
    if kind == "sext":  # the sign bits come from a separate assign: no inout in one block
        k = len(y) - len(a)
        sx = Signal(modbv(0)[k:])  # unsigned: MyHDL's concat wants a non-negative head

        @always_comb
        def sign():
            sx.next = -1 if a < 0 else 0

        @always_comb
        def comb():
            y.next = concat(sx, a)
        return sign, comb
    if kind == "add":
        @always_comb
        def comb():
            y.next = a + b
    elif kind == "sub":
        @always_comb
        def comb():
            y.next = a - b
    elif kind == "mul":
        @always_comb
        def comb():
            y.next = a * b
    elif kind == "mulk":
        @always_comb
        def comb():
            y.next = a * intbv(kv)[kw:].signed()
    elif kind == "shrv":
        @always_comb
        def comb():
            y.next = a >> b
    elif kind == "lt":
        @always_comb
        def comb():
            y.next = a < b
    elif kind == "eq":
        @always_comb
        def comb():
            y.next = a == b
    elif kind == "zext":
        @always_comb
        def comb():
            y.next = concat(intbv(0)[1:], a)
    elif kind == "copy":
        @always_comb
        def comb():
            y.next = a
    elif kind == "cut":  # to a modbv or unsigned y: the bits, read as y's type
        @always_comb
        def comb():
            y.next = a[hi:lo]
    else:
        raise ValueError(f"op: unknown kind '{kind}'")
    return comb


@block
def mux(c: SignalType, a, b, y: SignalType):
    """y = a if c else b; a or b may be an int of any size (a sized signed constant)."""
    w = len(y)
    if isinstance(a, int):
        kv = a & ((1 << w) - 1)

        @always_comb
        def comb():
            y.next = intbv(kv)[w:].signed() if c else b
    elif isinstance(b, int):
        kv = b & ((1 << w) - 1)

        @always_comb
        def comb():
            y.next = a if c else intbv(kv)[w:].signed()
    else:
        @always_comb
        def comb():
            y.next = a if c else b
    return comb


@block
def sat(a: SignalType, y: SignalType):
    """y = a clamped to the signed range of len(y) bits; all bits of a are read."""
    n, w = len(a), len(y)
    top = Signal(modbv(0, min=-(1 << (n - w)), max=1 << (n - w)))  # a[n:w-1]: 0 or -1 if in range
    fill = Signal(intbv(0, min=-(1 << (w - 2)), max=1 << (w - 2)))  # w-1 copies of ~sign

    @always_comb
    def split():
        top.next = a[n:w - 1]
        fill.next = 0 if a[n - 1] else -1

    @always_comb
    def pick():
        y.next = a[w:] if top == 0 or top == -1 else concat(a[n - 1], fill)
    return split, pick


@block
def sink(a: SignalType, hi: int, lo: int):
    """Bits a[hi:lo] dropped on purpose; Verilator ignores signals named *unused*."""
    unused = Signal(intbv(0)[hi - lo:])

    @always_comb
    def comb():
        unused.next = a[hi:lo]
    return comb


@block
def rom(table: tuple[int, ...], idx: SignalType, t0: SignalType, t1: SignalType, cache: dict | None = None):
    """t0 = T[idx], t1 = T[idx + 1]: a constant table (Signal initial values), read only.
    With a cache (RtlConfig.shared), every reader of the same table shares one memory, so the
    Verilog declares each table once (many read ports) instead of once per lane."""
    key = (id(table), t0.min, t0.max)
    if cache is not None and key in cache:
        mem = cache[key]
    else:
        mem = [Signal(intbv(v, min=t0.min, max=t0.max)) for v in table]
        if cache is not None:
            cache[key] = mem
    i0, i1 = (Signal(intbv(0)[len(idx) + 1:]) for _ in range(2))  # 2^n + 1 entries

    @always_comb
    def index():
        i0.next = concat(intbv(0)[1:], idx)
        i1.next = idx + 1

    @always_comb
    def read():
        t0.next = mem[i0]
        t1.next = mem[i1]
    # Simulation speed only: the words never change, and MyHDL would re-arm a waiter on every
    # word at each evaluation. The Verilog (two continuous assigns) does not depend on this.
    read.senslist = (i0, i1)
    return index, read


Val = SignalType | int


class Net:
    """A combinational netlist under construction: each method queues blocks in `specs` and
    returns the output Signal. Ranges are tracked per signal; widths follow from them."""

    def __init__(self) -> None:
        self.specs: list[tuple] = []  # (block, args): see inst()
        self._rng: dict[int, tuple[int, int]] = {}
        self._keep: list[Signal] = []  # keeps the ids in _rng unique

    def inst(self, blk, *args) -> None:
        """Queue a sub-block. MyHDL wants instances made in the block function's own frame, so
        each unit ends with `return [blk(*args) for blk, args in net.specs]`."""
        self.specs.append((blk, args))

    def rng(self, v: Val) -> tuple[int, int]:
        if isinstance(v, int):
            return v, v
        return self._rng.get(id(v), (int(v.min), int(v.max) - 1))

    def new(self, lo: int, hi: int, w: int | None = None) -> SignalType:
        """A signed signal for [lo, hi] (at least w bits). modbv, as in hardware: slices and
        concatenations assigned to it read as two's complement, and glitches while MyHDL
        settles the net (which may leave the range) wrap instead of raising."""
        w = max(w or 0, swidth(lo, hi))
        s = Signal(modbv(0, min=-(1 << (w - 1)), max=1 << (w - 1)))
        self._rng[id(s)] = (lo, hi)
        self._keep.append(s)
        return s

    def _op(self, kind: str, a: Val, b, lo: int, hi: int, w: int | None = None) -> SignalType:
        y = self.new(lo, hi, w)
        self.inst(op, kind, a, b, y)
        return y

    def ext(self, a: Val, w: int) -> Val:
        if isinstance(a, int):
            assert abs(a) < LIT, f"constant {a} too large for a literal"
            return a
        return a if len(a) >= w else self._op("sext", a, None, *self.rng(a), w=w)

    def s(self, u: SignalType) -> SignalType:
        """Unsigned -> signed (one more bit)."""
        return u if u.min < 0 else self._op("zext", u, None, 0, int(u.max) - 1)

    def _arith(self, kind: str, a: Val, b: Val, lo: int, hi: int) -> SignalType:
        # Verilator accepts add/sub operands one bit narrower than the result, no narrower.
        w = max(swidth(lo, hi), *(len(v) for v in (a, b) if not isinstance(v, int)))
        return self._op(kind, self.ext(a, w - 1), self.ext(b, w - 1), lo, hi, w)

    def add(self, a: Val, b: Val, rng: tuple[int, int] | None = None) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        return self._arith("add", a, b, *(rng or (al + bl, ah + bh)))

    def sub(self, a: Val, b: Val, rng: tuple[int, int] | None = None) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        return self._arith("sub", a, b, *(rng or (al - bh, ah - bl)))

    def mul(self, a: SignalType, b: Val) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        c = [al * bl, al * bh, ah * bl, ah * bh]
        lens = [len(a), swidth(bl, bh) if isinstance(b, int) else len(b)]
        y = self.new(min(c), max(c), max(swidth(min(c), max(c)), *lens))
        self.inst(op, "mulk" if isinstance(b, int) else "mul", a, b, y)
        return y

    def neg(self, a: SignalType) -> SignalType:
        return self.sub(0, a)

    def cmp(self, kind: str, a: Val, b: Val) -> SignalType:
        w = max(len(v) for v in (a, b) if not isinstance(v, int))
        y = Signal(bool(0))
        self.inst(op, kind, self.ext(a, w), self.ext(b, w), y)
        return y

    def lt(self, a: SignalType, b: Val) -> SignalType:
        return self.cmp("lt", a, b)

    def gt(self, a: SignalType, b: Val) -> SignalType:
        return self.cmp("lt", b, a)

    def eq(self, a: SignalType, b: Val) -> SignalType:
        return self.cmp("eq", a, b)

    def mux(self, c: SignalType, a: Val, b: Val, rng: tuple[int, int] | None = None) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        lo, hi = rng or (min(al, bl), max(ah, bh))
        w = max(swidth(lo, hi), *(len(v) for v in (a, b) if not isinstance(v, int)))
        a, b = (v if isinstance(v, int) else self.ext(v, w) for v in (a, b))
        y = self.new(lo, hi, w)
        self.inst(mux, c, a, b, y)
        return y

    def maxv(self, a: SignalType, b: Val) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        return self.mux(self.gt(a, b), a, b, (max(al, bl), max(ah, bh)))

    def minv(self, a: SignalType, b: Val) -> SignalType:
        (al, ah), (bl, bh) = self.rng(a), self.rng(b)
        return self.mux(self.lt(a, b), a, b, (min(al, bl), min(ah, bh)))

    def absv(self, a: SignalType) -> SignalType:
        lo, hi = self.rng(a)
        return self.mux(self.lt(a, 0), self.neg(a), a, (max(lo, -hi, 0), max(-lo, hi)))

    def bits(self, a: SignalType, hi: int, lo: int) -> SignalType:
        """Unsigned a[hi:lo]; the caller uses or sinks the other bits."""
        y = Signal(intbv(0)[hi - lo:])
        self.inst(op, "cut", a, (hi, lo), y)
        return y

    def low(self, a: SignalType, w: int) -> SignalType:
        """Unsigned a[w:0] where the logic that uses it knows the value is in [0, 2^w)."""
        self.sink(a, len(a), w)
        return self.bits(a, w, 0)

    def sink(self, a: SignalType, hi: int, lo: int) -> None:
        if hi > lo:
            self.inst(sink, a, hi, lo)

    def shr(self, a: SignalType, s: int) -> SignalType:
        """Floor shift right by a constant: drops (and sinks) the low s bits."""
        lo, hi = self.rng(a)
        self.sink(a, s, 0)
        return self._op("cut", a, (len(a), s), lo >> s, hi >> s, len(a) - s)

    def shrv(self, a: SignalType, s: SignalType) -> SignalType:
        lo, hi = self.rng(a)
        return self._op("shrv", a, s, min(lo, 0), max(hi, 0), len(a))

    def rnd(self, a: SignalType, s: int) -> SignalType:
        """rnd_s(a) = (a + 2^(s-1)) >> s, computed as ((a >> (s-1)) + 1) >> 1."""
        return self.shr(self.add(self.shr(a, s - 1) if s > 1 else a, 1), 1)

    def narrow(self, a: SignalType) -> SignalType:
        """Drop the top bits that the tracked range proves are sign copies."""
        w = swidth(*self.rng(a))
        self.sink(a, len(a), w)
        return a if len(a) == w else self._op("cut", a, (w, 0), *self.rng(a))

    def sat(self, a: SignalType, w: int) -> SignalType:
        lo, hi = self.rng(a)
        m = 1 << (w - 1)
        if -m <= lo and hi < m:
            return self.narrow(a)
        y = self.new(max(lo, -m), min(hi, m - 1), w)
        self.inst(sat, a, y)
        return y

    def unsigned(self, a: SignalType) -> SignalType:
        """A non-negative signal as unsigned (drops the sign bit)."""
        lo, hi = self.rng(a)
        assert lo >= 0, f"unsigned() of a signal with range [{lo}, {hi}]"
        a = self.narrow(a)
        return self.low(a, max(len(a) - 1, 1))

    def out(self, v: Val, port: SignalType) -> None:
        """Drive a port (signed or unsigned) from v; v's range must fit the port."""
        signed = port.min < 0
        a = self.ext(self.narrow(v), len(port) + (0 if signed else 1))
        if signed:
            assert len(a) == len(port), f"range {self.rng(v)} does not fit {len(port)} bits"
            self.inst(op, "copy", a, None, port)
        else:
            assert self.rng(v)[0] >= 0 and len(a) == len(port) + 1, f"range {self.rng(v)} vs unsigned port"
            self.inst(op, "cut", a, (len(port), 0), port)
            self.sink(a, len(a), len(port))

    def rom(self, table: tuple[int, ...], idx: SignalType, cache: dict | None = None
            ) -> tuple[SignalType, SignalType]:
        t0, t1 = self.new(min(table), max(table)), self.new(min(table), max(table))
        self.inst(rom, table, idx, t0, t1, cache)
        return t0, t1
