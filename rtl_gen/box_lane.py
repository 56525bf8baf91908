"""One dimension of the Gumbel-box unit (MyHDL), in two pipeline stages: the soft
intersection of two boxes (stage 1, EX) and the per-dimension log-volume terms (stage 2, MW),
exactly the steps of docs/fixed_point.md ("Box operators").
Q16 values are signed 32-bit; CSR values (beta in Q8.24, 1/beta in Q14.18) unsigned 32-bit.
"""

from __future__ import annotations

from myhdl import Signal, SignalType, block, intbv

from .config import RtlConfig
from .netlist import Net
from .nl_units import ln_unit, lnphi_unit, phi_unit


def _signed(w: int) -> SignalType:
    return Signal(intbv(0, min=-(1 << (w - 1)), max=1 << (w - 1)))


def _phi(net: Net, cfg: RtlConfig, u: SignalType) -> SignalType:
    """phi of a non-negative signal (a net signal, or an unsigned one used as is)."""
    g = Signal(intbv(0, min=0, max=1 << cfg.q))
    net.inst(phi_unit, cfg, u if u.min >= 0 else net.unsigned(u), g)
    return net.s(g)


def _logaddexp(net: Net, cfg: RtlConfig, a: SignalType, b: SignalType | int) -> SignalType:
    """sat32(max(a, b) + phi(min(|a - b|, 2^31 - 1))) = ln(e^a + e^b)."""
    g = _phi(net, cfg, net.sat(net.absv(net.sub(a, b)), cfg.xlen))
    return net.sat(net.add(net.maxv(a, b), g), cfg.xlen)


@block
def soft_offset(cfg: RtlConfig, a: SignalType, b: SignalType, beta: SignalType, ibeta: SignalType, s: SignalType):
    """s = rnd_24(phi(rnd_18(min(|a - b|, 2^31 - 1) * ibeta)) * beta): beta * phi(|a-b| / beta)."""
    net = Net()
    d = net.sat(net.absv(net.sub(a, b)), cfg.xlen)
    g = _phi(net, cfg, net.rnd(net.mul(d, net.s(ibeta)), cfg.itemp_frac))
    net.out(net.rnd(net.mul(g, net.s(beta)), cfg.temp_frac), s)
    return [blk(*args) for blk, args in net.specs]


@block
def logvol_term(cfg: RtlConfig, lo: SignalType, hi: SignalType, ibeta_v: SignalType, sh: SignalType,
                lnbv: SignalType, term: SignalType):
    """term = ln(softplus(x / beta_v) * beta_v + 1e-13), x = hi - lo - 2 gamma beta_i, in the
    log domain: steps 2, 3, 5, 6 of the log-volume section (sh, lnbv: once per operation)."""
    net = Net()
    linear_t = cfg.consts["softplus_linear"][0]
    x = net.sat(net.sub(net.sub(hi, lo), sh), cfg.xlen)
    t = net.sat(net.rnd(net.mul(x, net.s(ibeta_v)), cfg.itemp_frac), cfg.xlen)
    linear, negative = net.gt(t, linear_t), net.lt(t, 0)
    # Middle branch (0 <= t <= linear_t): tp = clip(t) is t itself, i.e. its low bits.
    tp = net.s(net.bits(t, max(linear_t.bit_length(), cfg.q + cfg.nl_domain_int_bits["phi"] + 1), 0))
    # One ln unit serves both positive branches: x (>= 1 whenever t > linear_t) or tp + phi(tp).
    ln_in = net.mux(linear, x, net.add(tp, _phi(net, cfg, tp)))
    ln_x = _signed(cfg.xlen)
    net.inst(ln_unit, cfg, net.low(ln_in, cfg.xlen - 1), ln_x, cfg.q)
    neg_t = net.low(net.neg(t), cfg.xlen)     # used when t < 0: -t in [1, 2^31]
    lp = _signed(len(neg_t) + 2)              # lnphi(u) >= -u: u's bits, one more, and a sign
    net.inst(lnphi_unit, cfg, neg_t, lp)
    ls = net.mux(linear, ln_x, net.add(net.mux(negative, lp, ln_x), lnbv))
    net.out(_logaddexp(net, cfg, net.sat(ls, cfg.xlen), cfg.consts["ln_floor"][0]), term)
    return [blk(*args) for blk, args in net.specs]


@block
def lane_intersect(cfg: RtlConfig, lo_a: SignalType, hi_a: SignalType, lo_b: SignalType, hi_b: SignalType,
                   beta_i: SignalType, ibeta_i: SignalType, int_lo: SignalType, int_hi: SignalType):
    """Box stage 1 of one dimension: the soft intersection (int_lo, int_hi) of A and B."""
    net = Net()
    s_lo, s_hi = _signed(cfg.xlen), _signed(cfg.xlen)
    net.inst(soft_offset, cfg, lo_a, lo_b, beta_i, ibeta_i, s_lo)
    net.inst(soft_offset, cfg, hi_a, hi_b, beta_i, ibeta_i, s_hi)
    net.out(net.sat(net.add(net.maxv(lo_a, lo_b), s_lo), cfg.xlen), int_lo)
    net.out(net.sat(net.sub(net.minv(hi_a, hi_b), s_hi), cfg.xlen), int_hi)
    return [blk(*args) for blk, args in net.specs]


@block
def lane_volume(cfg: RtlConfig, int_lo: SignalType, int_hi: SignalType, lo_b: SignalType, hi_b: SignalType,
                ibeta_v: SignalType, sh: SignalType, lnbv: SignalType, term_int: SignalType, term_b: SignalType):
    """Box stage 2 of one dimension: the log-volume terms of the intersection (term_int) and
    of B (term_b), from stage 1's registered values."""
    net = Net()
    net.inst(logvol_term, cfg, int_lo, int_hi, ibeta_v, sh, lnbv, term_int)
    net.inst(logvol_term, cfg, lo_b, hi_b, ibeta_v, sh, lnbv, term_b)
    return [blk(*args) for blk, args in net.specs]


@block
def box_consts(cfg: RtlConfig, beta_i: SignalType, beta_v: SignalType, sh: SignalType, lnbv: SignalType):
    """Once per operation: sh = rnd_38(TWO_GAMMA_Q30 * beta_i) (2 gamma beta_i in Q16),
    lnbv = ln(beta_v) from the Q8.24 CSR."""
    net = Net()
    two_gamma, tg_frac = cfg.consts["two_gamma"]
    net.out(net.rnd(net.mul(net.s(beta_i), two_gamma), tg_frac + cfg.temp_frac - cfg.q), sh)
    net.inst(ln_unit, cfg, beta_v, lnbv, cfg.temp_frac)
    return [blk(*args) for blk, args in net.specs]
