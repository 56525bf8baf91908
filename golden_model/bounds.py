"""The stated error bounds of the fixed-point operators (isa.toml [bounds], [nonlinear]),
as functions of the inputs, in real units. Tests check the ISS against the reference with
these; docs quote the same numbers."""

from __future__ import annotations

import numpy as np

from isa_spec import Spec

from .reference import EULER_GAMMA


def intersect_bound(spec: Spec, beta_i: float) -> float:
    b = spec.bounds["intersect"]
    return (b["const_ulp"] + b["beta_i_ulp"] * beta_i) * spec.formats["coord"].ulp


def log_volume_term_bound(spec: Spec, lo, hi, beta_i: float, beta_v: float) -> np.ndarray:
    b = spec.bounds["log_volume_term"]
    x = np.abs(np.asarray(hi, dtype=np.float64) - lo - 2 * EULER_GAMMA * beta_i)
    return b["const_ulp"] * spec.formats["log"].ulp + b["abs_x"] * x + b["inv_beta_v"] / beta_v


def log_volume_bound(spec: Spec, lo, hi, beta_i: float, beta_v: float) -> float:
    return float(np.sum(log_volume_term_bound(spec, lo, hi, beta_i, beta_v), axis=-1))


def log_cond_prob_bound(spec: Spec, lo_a, hi_a, lo_b, hi_b, beta_i: float, beta_v: float) -> float:
    """Terms of both volumes, plus the intersection's corner error propagated through a
    log-volume term (slope at most 1 / beta_v per unit of x, two corners per dimension)."""
    from .reference import intersect

    lo, hi = intersect(lo_a, hi_a, lo_b, hi_b, beta_i)
    d = np.shape(lo)[-1]
    corner = 2 * intersect_bound(spec, beta_i) * min(1.0 / beta_v, 1e9)
    return (log_volume_bound(spec, lo, hi, beta_i, beta_v) + log_volume_bound(spec, lo_b, hi_b, beta_i, beta_v)
            + d * corner)
