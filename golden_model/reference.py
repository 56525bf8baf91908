"""Float64 reference of the SLRM Gumbel-box math (LPU_BRIEF section 2).

Follows the public box-embeddings library (GumbelIntersection + BesselApproxVolume) exactly.
Inputs are arrays of shape (D,) or batched (..., D); temperatures are scalars > 0.
"""

from __future__ import annotations

import numpy as np

EULER_GAMMA = 0.57721566490153286060
SOFTPLUS_THRESHOLD = 20.0
VOLUME_EPS = 1e-13


def _check_temperature(name: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _as_array(name: str, x) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have shape (D,) or (N, D), got a scalar")
    return arr


def intersect(lo_a, hi_a, lo_b, hi_b, beta_i: float, clamp: bool = False):
    """Gumbel soft intersection; returns (lo, hi) of the intersection box."""
    beta_i = _check_temperature("beta_i", beta_i)
    lo_a, hi_a = _as_array("lo_a", lo_a), _as_array("hi_a", hi_a)
    lo_b, hi_b = _as_array("lo_b", lo_b), _as_array("hi_b", hi_b)
    lo = beta_i * np.logaddexp(lo_a / beta_i, lo_b / beta_i)
    hi = -beta_i * np.logaddexp(-hi_a / beta_i, -hi_b / beta_i)
    if clamp:
        lo = np.maximum(lo, np.maximum(lo_a, lo_b))
        hi = np.minimum(hi, np.minimum(hi_a, hi_b))
    return lo, hi


def hard_intersect(lo_a, hi_a, lo_b, hi_b):
    """The beta_i -> 0 limit: max of lower corners, min of upper corners."""
    return np.maximum(lo_a, lo_b), np.minimum(hi_a, hi_b)


def softplus(x, beta_v: float = 1.0):
    """beta_v * log1p(exp(x / beta_v)), linear above x / beta_v > 20 (torch's threshold)."""
    x = np.asarray(x, dtype=np.float64)
    t = x / beta_v
    with np.errstate(over="ignore"):
        soft = beta_v * np.log1p(np.exp(np.minimum(t, SOFTPLUS_THRESHOLD)))
    return np.where(t > SOFTPLUS_THRESHOLD, x, soft)


def log_volume_terms(lo, hi, beta_i: float, beta_v: float) -> np.ndarray:
    """Per-dimension terms log(softplus(Z - z - 2 gamma beta_i) + 1e-13)."""
    beta_i = _check_temperature("beta_i", beta_i)
    beta_v = _check_temperature("beta_v", beta_v)
    lo, hi = _as_array("lo", lo), _as_array("hi", hi)
    x = (hi - lo) - 2.0 * EULER_GAMMA * beta_i
    return np.log(softplus(x, beta_v) + VOLUME_EPS)


def log_volume(lo, hi, beta_i: float, beta_v: float):
    """Log expected (Bessel-approximated) volume; a float, or an array of shape (N,)."""
    out = np.sum(log_volume_terms(lo, hi, beta_i, beta_v), axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def log_cond_prob(lo_a, hi_a, lo_b, hi_b, beta_i: float, beta_v: float):
    """log P(A | B) = logvol(A intersect B) - logvol(B)."""
    lo, hi = intersect(lo_a, hi_a, lo_b, hi_b, beta_i)
    out = np.asarray(log_volume(lo, hi, beta_i, beta_v)) - np.asarray(
        log_volume(lo_b, hi_b, beta_i, beta_v)
    )
    return float(out) if np.ndim(out) == 0 else out


def phi(u):
    """phi(u) = ln(1 + exp(-u)): the Jacobian logarithm used by the hardened units."""
    return np.log1p(np.exp(-np.asarray(u, dtype=np.float64)))
