"""The float64 reference against the formulas of LPU_BRIEF section 2 written naively
(math module, no numpy tricks), plus stability at the extremes and the batched API."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from golden_model import reference as R

GAMMA = 0.57721566490153286060


def naive_softplus(x, beta_v):
    t = x / beta_v
    return x if t > 20 else beta_v * math.log1p(math.exp(t))


def naive_logvol(lo, hi, beta_i, beta_v):
    return sum(math.log(naive_softplus(Z - z - 2 * GAMMA * beta_i, beta_v) + 1e-13) for z, Z in zip(lo, hi, strict=True))


small = st.floats(-5, 5, allow_nan=False)


@given(st.lists(st.tuples(small, small, small, small), min_size=1, max_size=6), st.floats(0.05, 2.0))
def test_intersection_matches_naive_formula(dims, beta_i):
    la, ha, lb, hb = (np.array(v) for v in zip(*dims, strict=True))
    lo, hi = R.intersect(la, ha, lb, hb, beta_i)
    for d in range(len(dims)):
        z = beta_i * math.log(math.exp(la[d] / beta_i) + math.exp(lb[d] / beta_i))
        Z = -beta_i * math.log(math.exp(-ha[d] / beta_i) + math.exp(-hb[d] / beta_i))
        assert lo[d] == pytest.approx(z, rel=1e-12, abs=1e-12)
        assert hi[d] == pytest.approx(Z, rel=1e-12, abs=1e-12)


@given(st.lists(st.tuples(small, small), min_size=1, max_size=6), st.floats(0.01, 2.0), st.floats(0.05, 10.0))
def test_log_volume_matches_naive_formula(dims, beta_i, beta_v):
    lo, hi = (np.array(v) for v in zip(*dims, strict=True))
    assert R.log_volume(lo, hi, beta_i, beta_v) == pytest.approx(naive_logvol(lo, hi, beta_i, beta_v),
                                                                 rel=1e-10, abs=1e-10)


def test_softplus_threshold_is_torchs():
    # above t = 20 the result is x itself (not the smooth value), exactly as torch does
    assert R.softplus(20.5, 1.0) == 20.5
    assert R.softplus(19.5, 1.0) == pytest.approx(math.log1p(math.exp(19.5)), rel=1e-15)
    assert R.softplus(10.5, 0.5) == 10.5


def test_extreme_inputs_are_finite():
    lo = np.array([-100.0, 100.0, 0.0])
    hi = np.array([100.0, -100.0, 0.0])
    lo2, hi2 = R.intersect(lo, hi, lo[::-1], hi[::-1], 1e-4)
    assert np.isfinite(lo2).all() and np.isfinite(hi2).all()
    np.testing.assert_allclose(lo2, np.maximum(lo, lo[::-1]), atol=1e-4)
    lv = R.log_volume(lo, hi, 1e-4, 0.01)
    assert math.isfinite(lv)
    assert lv >= 3 * math.log(1e-13)  # every term is floored at log(1e-13)
    assert R.log_volume(np.zeros(2), np.array([-1e6, -1e6]), 2.0, 50.0) == pytest.approx(2 * math.log(1e-13))


def test_clamp_never_moves_a_soft_intersection_inside_the_hard_one():
    rng = np.random.default_rng(0)
    a, b, c, d = rng.uniform(-10, 10, (4, 1000))
    lo, hi = R.intersect(a, b, c, d, 0.3)
    clo, chi = R.intersect(a, b, c, d, 0.3, clamp=True)
    hlo, hhi = R.hard_intersect(a, b, c, d)
    assert (clo >= hlo).all() and (chi <= hhi).all()
    np.testing.assert_allclose(clo, lo, atol=1e-12)


def test_batched_shapes():
    rng = np.random.default_rng(1)
    lo = rng.uniform(0, 1, (5, 3))
    hi = lo + rng.uniform(0, 1, (5, 3))
    lv = R.log_volume(lo, hi, 0.1, 1.0)
    assert lv.shape == (5,)
    for i in range(5):
        assert lv[i] == pytest.approx(R.log_volume(lo[i], hi[i], 0.1, 1.0))
    lcp = R.log_cond_prob(lo, hi, lo[::-1], hi[::-1], 0.1, 1.0)
    assert lcp.shape == (5,)


@given(st.lists(st.tuples(small, small, small, small), min_size=1, max_size=6),
       st.floats(1e-3, 2.0), st.floats(0.01, 50.0))
def test_log_cond_prob_is_at_most_zero(dims, beta_i, beta_v):
    la, ha, lb, hb = (np.array(v) for v in zip(*dims, strict=True))
    assert R.log_cond_prob(la, ha, lb, hb, beta_i, beta_v) <= 1e-9


def test_nested_box_is_certain_given_its_child():
    child_lo, child_hi = np.array([0.2, 0.2]), np.array([0.4, 0.4])
    parent_lo, parent_hi = np.zeros(2), np.ones(2)
    # P(parent | child) ~ 1, P(child | parent) ~ area ratio
    assert R.log_cond_prob(parent_lo, parent_hi, child_lo, child_hi, 1e-3, 1e-3) == pytest.approx(0, abs=1e-6)
    assert R.log_cond_prob(child_lo, child_hi, parent_lo, parent_hi, 1e-3, 1e-3) == pytest.approx(
        math.log(0.04), abs=0.05)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_temperatures_are_refused(bad):
    with pytest.raises(ValueError, match="beta_i"):
        R.intersect([0.0], [1.0], [0.0], [1.0], bad)
    with pytest.raises(ValueError, match="beta_v"):
        R.log_volume([0.0], [1.0], 0.1, bad)
