"""Bit-exact fixed-point Gumbel-box operators (numpy, vectorised over dimensions).

Boxes are int64 arrays of raw coord values (Q16.16). Temperatures are raw CSR values:
beta in the temp format (Q8.24), ibeta = 1/beta in the itemp format (Q14.18).
The exact steps are stated in docs/fixed_point.md; each line below is one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from isa_spec import Spec

from .nonlinear import I64, INT32_MAX, U31_MAX, NonLinearUnits, sat32

Q = 16


@dataclass(frozen=True)
class Temps:
    beta_i: int
    ibeta_i: int
    beta_v: int
    ibeta_v: int


class BoxOps:
    def __init__(self, spec: Spec, units: NonLinearUnits):
        self.u = units
        f = spec.formats
        self.temp_frac = f["temp"].frac
        self.itemp_frac = f["itemp"].frac
        c = spec.constants
        self.two_gamma, self.two_gamma_frac = c["two_gamma"].raw, c["two_gamma"].frac
        self.ln_floor = c["ln_floor"].raw
        self.linear_t = c["softplus_linear"].raw

    def _soft_offset(self, a, b, t: Temps):
        """beta_i * phi(|a - b| / beta_i): the soft part of a logaddexp of two corners."""
        d = np.minimum(np.abs(a - b), U31_MAX)
        u = (d * t.ibeta_i + (1 << (self.itemp_frac - 1))) >> self.itemp_frac
        g = self.u.phi(u)
        return (g * t.beta_i + (1 << (self.temp_frac - 1))) >> self.temp_frac

    def intersect(self, lo_a, hi_a, lo_b, hi_b, t: Temps):
        lo = sat32(np.maximum(lo_a, lo_b) + self._soft_offset(lo_a, lo_b, t))
        hi = sat32(np.minimum(hi_a, hi_b) - self._soft_offset(hi_a, hi_b, t))
        return lo, hi

    @staticmethod
    def hard_intersect(lo_a, hi_a, lo_b, hi_b):
        return np.maximum(lo_a, lo_b), np.minimum(hi_a, hi_b)

    def log_volume_terms(self, lo, hi, t: Temps):
        u = self.u
        shift_bits = self.two_gamma_frac + self.temp_frac - Q
        sh = (self.two_gamma * t.beta_i + (1 << (shift_bits - 1))) >> shift_bits
        x = sat32((np.asarray(hi, dtype=I64) - lo) - sh)
        tt = sat32((x * t.ibeta_v + (1 << (self.itemp_frac - 1))) >> self.itemp_frac)
        ln_bv = int(u.ln(np.int64(t.beta_v), self.temp_frac))
        ls_linear = u.ln(np.maximum(x, 1), Q)                       # t > 20: softplus = x
        tp = np.clip(tt, 0, self.linear_t)
        ls_mid = u.ln(tp + u.phi(tp), Q) + ln_bv                    # 0 <= t <= 20
        ls_neg = u.lnphi(np.maximum(-tt, 0)) + ln_bv                # t < 0
        ls = sat32(np.where(tt > self.linear_t, ls_linear, np.where(tt >= 0, ls_mid, ls_neg)))
        # log(sp + 1e-13) = logaddexp(ls, ln 1e-13)
        lf = self.ln_floor
        return sat32(np.maximum(ls, lf) + u.phi(np.minimum(np.abs(ls - lf), U31_MAX)))

    def log_volume(self, lo, hi, t: Temps) -> int:
        return int(np.clip(int(np.sum(self.log_volume_terms(lo, hi, t))), -INT32_MAX - 1, INT32_MAX))

    def log_cond_prob(self, lo_a, hi_a, lo_b, hi_b, t: Temps) -> int:
        lo, hi = self.intersect(lo_a, hi_a, lo_b, hi_b, t)
        v = self.log_volume(lo, hi, t) - self.log_volume(lo_b, hi_b, t)
        return max(-INT32_MAX - 1, min(INT32_MAX, v))
