"""MyHDL non-linear units (phi, lnphi, ln, exp): table lookup with linear interpolation,
written from docs/fixed_point.md, independently of golden_model (only the tables are shared).

Each unit is a combinational netlist built with `Net` (rtl_gen/netlist.py).
"""

from __future__ import annotations

from myhdl import Signal, SignalType, always_comb, block, concat, intbv

from .config import RtlConfig
from .netlist import Net


def _interp(net: Net, table: tuple[int, ...], idx: SignalType, r: SignalType, cache: dict | None = None
            ) -> SignalType:
    """T[idx] + rnd_rb((T[idx+1] - T[idx]) * r), rb = len(r): the shared table read.
    The result lies between T[idx] and T[idx+1], as the tracked ranges state."""
    t0, t1 = net.rom(table, idx, cache)
    steps = [b - a for a, b in zip(table, table[1:], strict=False)]
    d = net.sub(t1, t0, rng=(min(steps), max(steps)))  # adjacent entries: a small range
    return net.add(t0, net.rnd(net.mul(d, net.s(r)), len(r)), rng=(min(table), max(table)))


def _uniform(net: Net, cfg: RtlConfig, name: str, u: SignalType) -> tuple[SignalType, SignalType | None]:
    """Table on [0, 2^domain_int_bits) at Q16 input u: (rounded Q16 value, u < 2^dom)."""
    dom = cfg.q + cfg.nl_domain_int_bits[name]
    rb = dom - cfg.NLT_BITS
    v = _interp(net, cfg.tables[name], net.bits(u, dom, rb), net.bits(u, rb, 0), cfg.shared)
    z = net.rnd(v, cfg.table_frac[name] - cfg.q)
    small = net.eq(net.bits(u, len(u), dom), 0) if len(u) > dom else None
    return z, small


@block
def phi_unit(cfg: RtlConfig, u: SignalType, y: SignalType):
    """y = phi(u) = ln(1 + e^-u), Q16 unsigned in and out; u >= 2^20 gives 0."""
    net = Net()
    z, small = _uniform(net, cfg, "phi", u)
    net.out(z if small is None else net.mux(small, z, 0), y)
    return [blk(*args) for blk, args in net.specs]


@block
def lnphi_unit(cfg: RtlConfig, u: SignalType, y: SignalType):
    """y = ln(phi(u)), u unsigned Q16, y signed Q16 (wide enough for -u); u >= 2^20 gives -u."""
    net = Net()
    z, small = _uniform(net, cfg, "lnphi", u)
    net.out(z if small is None else net.mux(small, z, net.neg(net.s(u))), y)
    return [blk(*args) for blk, args in net.specs]


@block
def norm_stage(k: int, v: SignalType, c_in: SignalType | None, v_out: SignalType, c_out: SignalType):
    """One leading-one normaliser stage: shift v left by k if its top k bits are zero, and
    append that decision to the leading-zero count (MSB first)."""
    w = len(v)
    if c_in is None:
        @always_comb
        def count():
            c_out.next = v[w:w - k] == 0
    else:
        @always_comb
        def count():
            c_out.next = concat(c_in, v[w:w - k] == 0)

    @always_comb
    def shift():
        v_out.next = concat(v[w - k:], intbv(0)[k:]) if v[w:w - k] == 0 else v
    return count, shift


@block
def ln_unit(cfg: RtlConfig, x: SignalType, y: SignalType, frac: int):
    """y = ln(x / 2^frac) in Q16 (signed 32) for unsigned x > 0; x == 0 gives -2^31.
    e = position of the leading one, m = the mf bits below it (truncated),
    y = rnd((ln(1+m) << (LN2 frac - table frac)) + (e - frac) * LN2)."""
    w, mf, n = len(x), cfg.nl_input_frac["ln"], cfg.NLT_BITS
    assert w - 1 >= mf, f"ln_unit: x has {w} bits, needs at least {mf + 1}"
    net, v, cnt = Net(), x, None
    for j in reversed(range((w - 1).bit_length())):  # shifts 16, 8, 4, 2, 1 for 32 bits
        v_n = Signal(intbv(0)[w:])
        c_n = Signal(bool(0)) if cnt is None else Signal(intbv(0)[len(cnt) + 1:])
        net.inst(norm_stage, 1 << j, v, cnt, v_n, c_n)
        v, cnt = v_n, c_n
    zero = net.eq(net.bits(v, w, w - 1), 0)   # no leading one anywhere: x == 0
    net.sink(v, w - 1 - mf, 0)                # mantissa bits beyond mf are truncated
    lnm = _interp(net, cfg.tables["ln"], net.bits(v, w - 1, w - 1 - n),
                  net.bits(v, w - 1 - n, w - 1 - mf), cfg.shared)
    ln2, ln2_frac = cfg.consts["ln2"]
    e_f = net.sub(w - 1 - frac, net.s(cnt))   # e - frac, with e = w - 1 - leading zeros
    acc = net.add(net.mul(lnm, 1 << (ln2_frac - cfg.table_frac["ln"])), net.mul(e_f, ln2))
    res = net.mux(zero, -(1 << (cfg.xlen - 1)), net.rnd(acc, ln2_frac - cfg.q))
    net.out(res, y)
    return [blk(*args) for blk, args in net.specs]


@block
def exp_unit(cfg: RtlConfig, x: SignalType, y: SignalType):
    """y = e^x, Q16 signed in, Q16 out in [0, 2^31 - 1]: with x * log2(e) = k + f,
    p = 2^f from the table and y = p * 2^(k - (table frac - 16)), rounded and saturated."""
    net = Net()
    log2e, l2_frac = cfg.consts["log2e"]
    ff, tf, n = cfg.nl_input_frac["exp2"], cfg.table_frac["exp2"], cfg.NLT_BITS
    yf = cfg.q + l2_frac
    yv = net.mul(x, log2e)                    # Q(16 + 30)
    k = net.shr(yv, yf)                       # floor: integer part (f: ff bits below, truncated)
    p = _interp(net, cfg.tables["exp2"], net.bits(yv, yf, yf - n), net.bits(yv, yf - n, yf - ff), cfg.shared)
    shift = net.add(k, cfg.q - tf)
    # rnd_s(p) = 0 for every s > bit length of p: clamping s just above that changes nothing.
    s_max = net.rng(p)[1].bit_length() + 1
    s = net.minv(net.maxv(net.neg(shift), 1), s_max)
    t = net.shrv(p, net.unsigned(net.add(s, -1)))  # rnd_s(p) = ((p >> (s-1)) + 1) >> 1
    down = net.shr(net.add(t, 1), 1)
    top = net.sat(p, cfg.xlen)                # shift == 0: p itself, at most 2^31 - 1
    res = net.mux(net.gt(shift, 0), (1 << (cfg.xlen - 1)) - 1, net.mux(net.eq(shift, 0), top, down))
    net.out(res, y)
    return [blk(*args) for blk, args in net.specs]

