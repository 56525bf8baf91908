"""The spec's stated error bounds of the LPU's box operators (isa.toml [bounds]) as
functions of the inputs, in real units, read from the spec (no number here is a copy).

These are the bounds of one fixed-point operator on exactly representable inputs against
golden_model.reference at the same inputs; compiler/interp.py adds the propagation of
input errors through each operator. Same meaning as the golden model's own checks, written
again here because the compiler may import only golden_model.reference:

- soft intersection, each corner: (const_ulp + beta_i_ulp * beta_i) ulps of coord;
- log-volume term of dimension d: const_ulp ulps of log + abs_x * |x_d| + inv_beta_v / beta_v,
  with x_d = hi_d - lo_d - 2 gamma beta_i;
- log P(A|B): the terms of logvol(A soft-intersect B) and of logvol(B), plus the soft
  intersection's corner error through each log-volume term (slope at most 1 / beta_v,
  two corners per dimension).
"""

from __future__ import annotations

import numpy as np

from golden_model.reference import EULER_GAMMA, intersect
from isa_spec import Spec

# 1/beta_v as a slope, capped (temperatures are > 0 but a cap keeps a degenerate one finite)
SLOPE_CAP = 1e9


def _bound(spec: Spec, name: str) -> dict:
    try:
        return spec.bounds[name]
    except KeyError:
        raise KeyError(f"isa.toml has no [bounds.{name}] (compiler/bounds.py needs it)") from None


def coord_ulp(spec: Spec) -> float:
    return spec.formats["coord"].ulp


def log_ulp(spec: Spec) -> float:
    return spec.formats["log"].ulp


def intersect_bound(spec: Spec, beta_i: float) -> float:
    """Max error of each corner of a soft intersection (bint), in coord units."""
    b = _bound(spec, "intersect")
    return (b["const_ulp"] + b["beta_i_ulp"] * beta_i) * coord_ulp(spec)


def log_volume_term_bound(spec: Spec, lo, hi, beta_i: float, beta_v: float) -> np.ndarray:
    """Per-dimension bound of the log-volume terms of box (lo, hi)."""
    b = _bound(spec, "log_volume_term")
    x = np.abs(np.asarray(hi, dtype=np.float64) - np.asarray(lo, dtype=np.float64) - 2 * EULER_GAMMA * beta_i)
    return b["const_ulp"] * log_ulp(spec) + b["abs_x"] * x + b["inv_beta_v"] / beta_v


def log_volume_bound(spec: Spec, lo, hi, beta_i: float, beta_v: float) -> float:
    """Bound of blvol on box (lo, hi): the sum of its terms' bounds."""
    return float(np.sum(log_volume_term_bound(spec, lo, hi, beta_i, beta_v), axis=-1))


def log_cond_prob_bound(spec: Spec, lo_a, hi_a, lo_b, hi_b, beta_i: float, beta_v: float) -> float:
    """Bound of blcp (log P(A|B)): both volumes' bounds (the intersection's at the float
    soft intersection) plus D * 2 * intersect_bound * min(1/beta_v, SLOPE_CAP)."""
    lo, hi = intersect(lo_a, hi_a, lo_b, hi_b, beta_i)
    d = np.shape(lo)[-1]
    corner = 2 * intersect_bound(spec, beta_i) * min(1.0 / beta_v, SLOPE_CAP)
    return (log_volume_bound(spec, lo, hi, beta_i, beta_v) + log_volume_bound(spec, lo_b, hi_b, beta_i, beta_v)
            + d * corner)


def abs_x(spec: Spec) -> float:
    """The log-volume bound's growth per unit of |x_d| (for the interpreter's margin at
    perturbed inputs)."""
    return float(_bound(spec, "log_volume_term")["abs_x"])
