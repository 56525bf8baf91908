"""Precision, recall, F1, the precision-recall curve and the LPU-vs-float agreement."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Prf:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def prf(decisions: np.ndarray, labels: np.ndarray) -> Prf:
    d, y = np.asarray(decisions, dtype=bool), np.asarray(labels, dtype=bool)
    return Prf(int(np.sum(d & y)), int(np.sum(d & ~y)), int(np.sum(~d & y)), int(np.sum(~d & ~y)))


def pr_curve(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(recall, precision) at every distinct threshold, from the highest score down."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    s, y = np.asarray(scores)[order], np.asarray(labels, dtype=bool)[order]
    tp, fp = np.cumsum(y), np.cumsum(~y)
    cut = np.r_[s[1:] != s[:-1], True]
    npos = max(int(y.sum()), 1)
    return tp[cut] / npos, tp[cut] / (tp[cut] + fp[cut])


@dataclass(frozen=True)
class Disagreement:
    index: int
    child: str
    parent: str
    float_score: float
    lpu_score: float
    distance: float           # |float score - threshold|
    bound: float              # the interpreter's stated error bound for that score
    float_decision: bool
    lpu_decision: bool


def disagreements(float_scores: np.ndarray, lpu_scores: np.ndarray, float_dec: np.ndarray, lpu_dec: np.ndarray,
                  threshold: float, bounds: np.ndarray, queries: list) -> list[Disagreement]:
    out = []
    for i in np.nonzero(np.asarray(float_dec, dtype=bool) != np.asarray(lpu_dec, dtype=bool))[0]:
        q = queries[i]
        out.append(Disagreement(int(i), q.child, q.parent, float(float_scores[i]), float(lpu_scores[i]),
                                abs(float(float_scores[i]) - threshold), float(bounds[i]),
                                bool(float_dec[i]), bool(lpu_dec[i])))
    return out


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    return float(np.mean(a == b)) if len(a) else 1.0
