"""Fixed-point box operators (ISS) against the float64 reference, within the bounds stated
in isa.toml [bounds], on random (hypothesis) and adversarial boxes."""

import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from golden_model import reference as R
from golden_model.bounds import intersect_bound, log_cond_prob_bound, log_volume_bound
from golden_model.boxops import BoxOps, Temps
from golden_model.nonlinear import NonLinearUnits
from isa_spec import load_spec

SPEC = load_spec()
OPS = {n: BoxOps(SPEC, NonLinearUnits(SPEC, n)) for n in (11, 12)}
Q = 65536.0


def quant_temps(beta_i, beta_v):
    bi = math.floor(beta_i * 2 ** 24 + 0.5)
    bv = math.floor(beta_v * 2 ** 24 + 0.5)
    t = Temps(bi, math.floor(2 ** 18 * 2 ** 24 / bi + 0.5), bv, math.floor(2 ** 18 * 2 ** 24 / bv + 0.5))
    return t, bi / 2 ** 24, bv / 2 ** 24


coord = st.floats(-100, 100, allow_nan=False)
unit = st.floats(0, 1, allow_nan=False)
beta_i_s = st.floats(1e-4, 2.0)
beta_v_s = st.floats(0.01, 50.0)


@st.composite
def box_pairs(draw):
    d = draw(st.integers(1, 8))
    kind = draw(st.sampled_from(["random", "unit", "nested", "disjoint", "identical", "degenerate"]))
    c = unit if kind == "unit" else coord
    lo_a = np.array(draw(st.lists(c, min_size=d, max_size=d)))
    ext_a = np.array(draw(st.lists(st.floats(0, 50), min_size=d, max_size=d)))
    hi_a = lo_a + ext_a
    if kind == "nested":
        lo_b, hi_b = lo_a - 0.3 * ext_a - 0.01, hi_a + 0.2 * ext_a + 0.01
    elif kind == "disjoint":
        lo_b, hi_b = hi_a + 1.0, hi_a + 2.0 + ext_a
    elif kind == "identical":
        lo_b, hi_b = lo_a.copy(), hi_a.copy()
    elif kind == "degenerate":
        lo_b = np.array(draw(st.lists(c, min_size=d, max_size=d)))
        hi_b = lo_b.copy()
    else:
        lo_b = np.array(draw(st.lists(c, min_size=d, max_size=d)))
        hi_b = lo_b + np.array(draw(st.lists(st.floats(-5, 50), min_size=d, max_size=d)))
    q = [np.floor(np.asarray(v) * Q + 0.5).astype(np.int64) for v in (lo_a, hi_a, lo_b, hi_b)]
    return q


@given(box_pairs(), beta_i_s, st.sampled_from([11, 12]))
def test_soft_intersection_within_bound(boxes, beta_i, n):
    t, bi, _ = quant_temps(beta_i, 1.0)
    lo, hi = OPS[n].intersect(*boxes, t)
    rlo, rhi = R.intersect(*(b / Q for b in boxes), bi)
    err = max(np.abs(lo / Q - rlo).max(), np.abs(hi / Q - rhi).max())
    assert err <= intersect_bound(SPEC, bi)
    # the clamp to the hard intersection is implied: never outside it
    hlo, hhi = R.hard_intersect(*boxes)
    assert (lo >= hlo).all() and (hi <= hhi).all()


@given(box_pairs(), beta_i_s, beta_v_s, st.sampled_from([11, 12]))
def test_log_volume_within_bound(boxes, beta_i, beta_v, n):
    t, bi, bv = quant_temps(beta_i, beta_v)
    lo, hi = boxes[0], boxes[1]
    got = OPS[n].log_volume(lo, hi, t) / Q
    ref = R.log_volume(lo / Q, hi / Q, bi, bv)
    assert abs(got - ref) <= log_volume_bound(SPEC, lo / Q, hi / Q, bi, bv)


@given(box_pairs(), beta_i_s, beta_v_s, st.sampled_from([11, 12]))
def test_log_cond_prob_within_bound(boxes, beta_i, beta_v, n):
    t, bi, bv = quant_temps(beta_i, beta_v)
    got = OPS[n].log_cond_prob(*boxes, t) / Q
    fl = [b / Q for b in boxes]
    ref = R.log_cond_prob(*fl, bi, bv)
    assume(abs(ref) < 30000)  # inside the log format's range
    assert abs(got - ref) <= log_cond_prob_bound(SPEC, *fl, bi, bv)


def test_disjoint_and_degenerate_volumes_hit_the_floor_not_minus_inf():
    t, bi, bv = quant_temps(0.1, 1.0)
    lo = np.array([0, 0], dtype=np.int64)
    hi = np.array([-(50 << 16), 0], dtype=np.int64)  # far disjoint and zero-width
    got = OPS[11].log_volume(lo, hi, t) / Q
    ref = R.log_volume(lo / Q, hi / Q, bi, bv)
    floor = math.log(1e-13)
    assert math.isfinite(ref) and ref >= 2 * floor - 1e-9
    assert abs(got - ref) <= log_volume_bound(SPEC, lo / Q, hi / Q, bi, bv)


def test_hard_intersection_is_exact():
    rng = np.random.default_rng(3)
    a, b, c, d = rng.integers(-(1 << 31), 1 << 31, (4, 64), dtype=np.int64)
    lo, hi = BoxOps.hard_intersect(a, b, c, d)
    assert (lo == np.maximum(a, c)).all() and (hi == np.minimum(b, d)).all()


def test_extreme_coordinates_saturate_instead_of_wrapping():
    t, _, _ = quant_temps(2.0, 1.0)
    big = np.array([(1 << 31) - 1], dtype=np.int64)
    lo, hi = OPS[11].intersect(big, big, big, big, t)  # max + beta*ln2 overflows coord
    assert lo[0] == (1 << 31) - 1
    lv = OPS[11].log_volume(np.array([-(1 << 31)] * 64), np.array([(1 << 31) - 1] * 64), t)
    assert -(1 << 31) <= lv <= (1 << 31) - 1 and lv > 0
