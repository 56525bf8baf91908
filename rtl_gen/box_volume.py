"""Box stage 2 (in MW): the log-volume terms of one beat (LANES dimensions) from the
intersections EX registered, their lane sums, and the accumulation over a box operation's
beats. On the operation's last beat, `lvol` (log volume of B) and `lcp` (log P(A|B)) are
the saturated totals of this cycle, which MW retires."""

from __future__ import annotations

from myhdl import always_comb, always_seq, block, instances

from .box_datapath import sum_bits, sum_lanes
from .box_lane import box_consts, lane_volume
from .config import RtlConfig
from .saturate import saturate32
from .signals import s32, sint


@block
def lane_words(bus, words):
    """words[i] = lane i's signed 32-bit word of the bus."""
    n = len(words)
    views = [bus(32 * (i + 1), 32 * i) for i in range(n)]
    return [_word(views[i], words[i]) for i in range(n)]


@block
def _word(v, y):
    @always_comb
    def comb():
        y.next = v.signed()
    return comb


@block
def box_volume(cfg: RtlConfig, clk, rst, stage, beta_i, beta_v, ibeta_v, lvol, lcp):
    """`stage`: the registered beat (valid, last, i_lo, i_hi, b_lo, b_hi buses)."""
    n = cfg.LANES
    SB = sum_bits(cfg)
    # Per operation, not per beat: 2 gamma beta_i and ln(beta_v), registered. A csrw commits
    # in EX, so a box operation after it reaches this stage at least two cycles later.
    sh_c, lnbv_c, sh, lnbv = s32(), s32(), s32(), s32()
    consts = box_consts(cfg, beta_i, beta_v, sh_c, lnbv_c)
    w = {k: [s32() for _ in range(n)] for k in ("i_lo", "i_hi", "b_lo", "b_hi", "t_int", "t_b")}
    splits = [lane_words(getattr(stage, k), w[k]) for k in ("i_lo", "i_hi", "b_lo", "b_hi")]
    lanes = [lane_volume(cfg, w["i_lo"][i], w["i_hi"][i], w["b_lo"][i], w["b_hi"][i], ibeta_v, sh, lnbv,
                         w["t_int"][i], w["t_b"][i]) for i in range(n)]
    sum_int, sum_b, acc_int, acc_b, tot_int, tot_b = (sint(SB) for _ in range(6))
    sums = [sum_lanes(w["t_int"], sum_int), sum_lanes(w["t_b"], sum_b)]
    sat_i, sat_b, lcp_sat = s32(), s32(), s32()
    lcp_wide = sint(34)
    sats = [saturate32(tot_int, sat_i), saturate32(tot_b, sat_b), saturate32(lcp_wide, lcp_sat)]

    @always_seq(clk.posedge, reset=rst)
    def regs():
        sh.next = sh_c
        lnbv.next = lnbv_c
        if stage.valid:
            if stage.last:
                acc_int.next = 0
                acc_b.next = 0
            else:
                acc_int.next = tot_int
                acc_b.next = tot_b

    @always_comb
    def totals():
        tot_int.next = acc_int + sum_int
        tot_b.next = acc_b + sum_b

    @always_comb
    def results():
        lcp_wide.next = sat_i - sat_b
        lvol.next = sat_b
        lcp.next = lcp_sat

    return instances()
