"""The box datapath of EX (box stage 1): LANES lane stores (the box registers), LANES soft
intersections, per-lane write data and write enables. Stage 2 (the log-volume terms and
lane sums) is rtl_gen/box_volume.py."""

from __future__ import annotations

from myhdl import ConcatSignal, always_comb, block, instances

from .box_lane import lane_intersect
from .config import RtlConfig, clog2
from .lane_store import lane_store
from .signals import s32, sint, uint

# What a box-register write stores, per lane (chosen by the core).
W_SOFT, W_HARD, W_MOV, W_SCALAR = range(4)


@block
def lane_wdata(mode, a_lo, a_hi, b_lo, b_hi, i_lo, i_hi, scalar, w_lo, w_hi):
    @always_comb
    def comb():
        if mode == W_SOFT:
            w_lo.next = i_lo
            w_hi.next = i_hi
        elif mode == W_HARD:
            w_lo.next = a_lo if a_lo > b_lo else b_lo
            w_hi.next = a_hi if a_hi < b_hi else b_hi
        elif mode == W_MOV:
            w_lo.next = a_lo
            w_hi.next = a_hi
        elif mode == W_SCALAR:
            w_lo.next = scalar
            w_hi.next = scalar
        else:  # no mode: nothing to store (a lane write enable is never set with it)
            w_lo.next = 0
            w_hi.next = 0
    return comb


@block
def lane_we(lane: int, we_lo, we_hi, all_lanes, lane_sel, y_lo, y_hi):
    @always_comb
    def comb():
        hit = all_lanes or lane_sel == lane
        y_lo.next = we_lo and hit
        y_hi.next = we_hi and hit
    return comb


@block
def lane_select(bus, idx, y):
    """y = 32-bit lane idx of bus (signed)."""
    w = uint(len(bus))
    low = w(32, 0)

    @always_comb
    def pick():
        w.next = bus >> (idx * 32)

    @always_comb
    def sign():
        y.next = low.signed()
    return pick, sign


@block
def add2(a, b, y):
    @always_comb
    def comb():
        y.next = a + b
    return comb


@block
def sum_lanes(terms, total):
    """total = sum of the lane terms (a chain of adders; exact, no saturation)."""
    partial = [sint(len(total)) for _ in terms]
    adds = [add2(partial[i - 1], terms[i], partial[i]) for i in range(1, len(terms))]
    p0, t0, plast = partial[0], terms[0], partial[-1]  # named: lists in generators become memories

    @always_comb
    def first():
        p0.next = t0

    @always_comb
    def out():
        total.next = plast
    return instances()


@block
def box_datapath(cfg: RtlConfig, clk, rst, addr_a, addr_b, addr_dbg, sel_a, sel_dbg, a_word_lo, a_word_hi,
                 dbg_word_lo, dbg_word_hi, beta_i, ibeta_i, mode, we_lo, we_hi, all_lanes, lane_w, waddr,
                 wscalar, buses):
    """`buses` (a namespace of LANES x 32-bit buses, lane 0 in the low bits): a_lo, a_hi (port
    A), b_lo, b_hi (port B), i_lo, i_hi (the soft intersection), w_lo, w_hi (what is written),
    we_lo, we_hi (per-lane write enables)."""
    n = cfg.LANES
    sig = {k: [s32() for _ in range(n)] for k in
           ("a_lo", "a_hi", "b_lo", "b_hi", "d_lo", "d_hi", "i_lo", "i_hi", "w_lo", "w_hi")}
    wel = [uint(1) for _ in range(n)]
    weh = [uint(1) for _ in range(n)]
    stores = [lane_store(cfg, clk, rst, addr_a, addr_b, addr_dbg, sig["a_lo"][i], sig["a_hi"][i],
                         sig["b_lo"][i], sig["b_hi"][i], sig["d_lo"][i], sig["d_hi"][i],
                         wel[i], weh[i], waddr, sig["w_lo"][i], sig["w_hi"][i]) for i in range(n)]
    lanes = [lane_intersect(cfg, sig["a_lo"][i], sig["a_hi"][i], sig["b_lo"][i], sig["b_hi"][i], beta_i, ibeta_i,
                            sig["i_lo"][i], sig["i_hi"][i]) for i in range(n)]
    wdata = [lane_wdata(mode, sig["a_lo"][i], sig["a_hi"][i], sig["b_lo"][i], sig["b_hi"][i], sig["i_lo"][i],
                        sig["i_hi"][i], wscalar, sig["w_lo"][i], sig["w_hi"][i]) for i in range(n)]
    wes = [lane_we(i, we_lo, we_hi, all_lanes, lane_w, wel[i], weh[i]) for i in range(n)]

    def bus(lst):
        return ConcatSignal(*reversed(lst)) if n > 1 else lst[0]

    alo, ahi, dlo, dhi = (bus(sig[k]) for k in ("a_lo", "a_hi", "d_lo", "d_hi"))
    sels = [lane_select(alo, sel_a, a_word_lo), lane_select(ahi, sel_a, a_word_hi),
            lane_select(dlo, sel_dbg, dbg_word_lo), lane_select(dhi, sel_dbg, dbg_word_hi)]
    srcs = {k: bus(sig[k]) for k in ("a_lo", "a_hi", "b_lo", "b_hi", "i_lo", "i_hi", "w_lo", "w_hi")}
    srcs["we_lo"], srcs["we_hi"] = bus(wel), bus(weh)
    outs = [copy_bus(srcs[k], getattr(buses, k)) for k in srcs]

    return instances()


@block
def copy_bus(src, y):
    @always_comb
    def comb():
        y.next = src
    return comb


def sum_bits(cfg: RtlConfig) -> int:
    """Width of a lane sum or an accumulator over D terms of 32 bits (exact)."""
    return 32 + clog2(cfg.D) + 1
