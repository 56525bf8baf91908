"""Bit-exact fixed-point models of the hardened non-linear units (numpy, vectorised).

All functions take and return int64 arrays of raw fixed-point values. Formats, table sizes
and constants come from the spec; the tables from isa_spec.tables. Each unit is a table
lookup with linear interpolation:  v = T[i] + ((T[i+1] - T[i]) * r + 2**(rb-1)) >> rb.
"""

from __future__ import annotations

import numpy as np

from isa_spec import Spec
from isa_spec.tables import build_table

I64 = np.int64
Q = 16  # fraction bits of the coord/log formats (checked against the spec in __init__)
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
U31_MAX = (1 << 31) - 1


def sat32(v):
    return np.clip(v, INT32_MIN, INT32_MAX)


def _round_shift(v, s: int):
    """Round half up, then drop s fraction bits (s >= 1)."""
    return (v + (1 << (s - 1))) >> s


class NonLinearUnits:
    """The phi, lnphi, ln and exp units of one configuration (NLT_BITS fixes the tables)."""

    def __init__(self, spec: Spec, nlt_bits: int):
        assert spec.formats["coord"].frac == Q and spec.formats["log"].frac == Q
        self.n = nlt_bits
        self.nl = spec.nonlinear
        self.tables = {k: np.array(build_table(k, nlt_bits), dtype=I64) for k in self.nl}
        c = spec.constants
        self.ln2 = c["ln2"].raw
        self.ln2_frac = c["ln2"].frac
        self.log2e = c["log2e"].raw
        self.log2e_frac = c["log2e"].frac
        self.dom_bits = {k: Q + self.nl[k].domain_int_bits for k in ("phi", "lnphi")}

    def _interp(self, name: str, idx, r, rb: int):
        t = self.tables[name]
        lo = t[idx]
        return lo + (((t[idx + 1] - lo) * r + (1 << (rb - 1))) >> rb)

    def _uniform(self, name: str, u):
        """Interpolate a [0, 2**domain_int_bits) table at Q16 input u < 2**dom_bits."""
        rb = self.dom_bits[name] - self.n
        v = self._interp(name, u >> rb, u & ((1 << rb) - 1), rb)
        return _round_shift(v, self.nl[name].table_frac - Q)

    def phi(self, u):
        """phi(u) = ln(1 + e^-u) for u >= 0 (Q16 in, Q16 out); 0 for u >= 2**dom_bits."""
        u = np.asarray(u, dtype=I64)
        lim = 1 << self.dom_bits["phi"]
        out = self._uniform("phi", np.minimum(u, lim - 1))
        return np.where(u >= lim, 0, out)

    def lnphi(self, u):
        """ln(phi(u)) for u >= 0 (Q16 in, Q16 out); -u for u >= 2**dom_bits."""
        u = np.asarray(u, dtype=I64)
        lim = 1 << self.dom_bits["lnphi"]
        out = self._uniform("lnphi", np.minimum(u, lim - 1))
        return np.where(u >= lim, -u, out)

    def ln(self, x, frac: int):
        """ln(x / 2**frac) in Q16 for integer x > 0 (x < 2**40); INT32_MIN for x <= 0."""
        x = np.asarray(x, dtype=I64)
        pos = x > 0
        xs = np.where(pos, x, 1)
        e = np.frexp(xs.astype(np.float64))[1].astype(I64) - 1  # exact: x < 2**53
        mf = self.nl["ln"].input_frac
        # Left-justify the bits below the leading one into mf fraction bits (truncating).
        m = np.where(e >= mf, xs >> np.maximum(e - mf, 0), xs << np.maximum(mf - e, 0))
        m &= (1 << mf) - 1
        rb = mf - self.n
        lnm = self._interp("ln", m >> rb, m & ((1 << rb) - 1), rb)
        tf = self.nl["ln"].table_frac
        acc = (lnm << (self.ln2_frac - tf)) + (e - frac) * self.ln2
        out = _round_shift(acc, self.ln2_frac - Q)
        return np.where(pos, out, INT32_MIN)

    def exp(self, x):
        """exp(x) for Q16 x, Q16 result saturated to INT32_MAX (never negative)."""
        x = np.asarray(x, dtype=I64)
        yf = Q + self.log2e_frac
        y = x * self.log2e  # Q(16+30): |x| < 2**31, log2e < 2**31, fits int64
        k = y >> yf
        ff = self.nl["exp2"].input_frac
        f = (y & ((1 << yf) - 1)) >> (yf - ff)  # truncate to ff fraction bits
        rb = ff - self.n
        p = self._interp("exp2", f >> rb, f & ((1 << rb) - 1), rb)  # Q(table_frac), in [1, 2]
        shift = k + Q - self.nl["exp2"].table_frac
        s = np.clip(-shift, 1, 62)
        down = (p + (np.int64(1) << (s - 1))) >> s
        out = np.where(shift >= 0, np.where(shift == 0, p, INT32_MAX), down)
        return np.minimum(out, INT32_MAX)

    # Scalar operators built from the units (used by the fexp/fln/fsoftp/flse instructions).
    def softplus(self, x):
        x = np.asarray(x, dtype=I64)
        return sat32(np.maximum(x, 0) + self.phi(np.minimum(np.abs(x), U31_MAX)))

    def lse(self, a, b):
        a = np.asarray(a, dtype=I64)
        b = np.asarray(b, dtype=I64)
        return sat32(np.maximum(a, b) + self.phi(np.minimum(np.abs(a - b), U31_MAX)))
