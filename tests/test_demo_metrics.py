"""demo.metrics and the threshold on hand-made examples (known answers, worked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from demo.dataset import Query
from demo.floatmodel import best_f1_threshold
from demo.metrics import agreement, disagreements, pr_curve, prf


def test_precision_recall_f1_of_a_known_confusion_matrix():
    # 3 TP, 1 FP, 2 FN, 4 TN
    dec = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    lab = np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 0], dtype=bool)
    p = prf(dec, lab)
    assert (p.tp, p.fp, p.fn, p.tn) == (3, 1, 2, 4)
    assert p.precision == pytest.approx(0.75)
    assert p.recall == pytest.approx(0.6)
    assert p.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_no_positive_decision_gives_zero_not_a_division_error():
    p = prf(np.zeros(3, dtype=bool), np.array([1, 0, 1], dtype=bool))
    assert (p.precision, p.recall, p.f1) == (0.0, 0.0, 0.0)


def test_pr_curve_steps():
    recall, precision = pr_curve(np.array([0.9, 0.8, 0.7, 0.1]), np.array([1, 0, 1, 0], dtype=bool))
    assert list(recall) == [0.5, 0.5, 1.0, 1.0]
    assert list(precision) == pytest.approx([1.0, 0.5, 2 / 3, 0.5])


def test_the_threshold_maximises_f1_between_two_scores():
    scores = np.array([-0.1, -0.2, -0.3, -1.0, -2.0, -2.5])
    labels = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    t = best_f1_threshold(scores, labels)
    # cut after -1.0: TP 3, FP 1 -> F1 6/7; after -0.2: TP 2 -> F1 0.8
    assert t.value == pytest.approx(-1.5)
    assert t.f1 == pytest.approx(6 / 7)
    assert prf(scores >= t.value, labels).f1 == pytest.approx(t.f1)


def test_disagreements_list_the_queries_with_their_distance_and_bound():
    qs = [Query("a", "b", True), Query("c", "d", False), Query("e", "f", True)]
    fl = np.array([-0.40, -0.52, -3.0])
    lp = np.array([-0.40, -0.49, -3.0])
    dis = disagreements(fl, lp, fl >= -0.5, lp >= -0.5, -0.5, np.array([0.01, 0.05, 0.01]), qs)
    assert [(d.index, d.child, d.parent) for d in dis] == [(1, "c", "d")]
    assert dis[0].distance == pytest.approx(0.02) and dis[0].bound == 0.05
    assert agreement(fl >= -0.5, lp >= -0.5) == pytest.approx(2 / 3)


def test_only_a_decision_difference_beyond_its_bound_fails_the_demo():
    from types import SimpleNamespace as NS

    from demo.metrics import Disagreement
    from demo.report import failures

    near = Disagreement(0, "a", "b", -1.0001, -0.9999, 1e-4, 1e-3, False, True)
    far = Disagreement(1, "c", "d", -1.5, -0.5, 0.5, 1e-3, False, True)
    ok_run = NS(mismatches=[])
    rep = NS(configs=[NS(config="default", rtl=None, run=ok_run, disagreements=[near])])
    assert failures(rep) == []
    rep.configs.append(NS(config="wide", rtl=NS(passed=False, repro="lpu sim x"), run=NS(mismatches=["slot 3"]),
                          disagreements=[near, far]))
    got = failures(rep)
    assert len(got) == 3 and all(g.startswith("wide: ") for g in got)
    assert "is_a(c, d)" in got[2] and "5.00e-01 > bound 1.00e-03" in got[2]
