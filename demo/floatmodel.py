"""The float models the LPU is measured against: the box-embeddings library itself in
float64 (GumbelIntersection + BesselApproxVolume, LPU_BRIEF section 2) and
golden_model.reference (numpy float64); the decision threshold, chosen on training edges."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from compiler.embedding import Embedding
from golden_model import reference

from .negatives import threshold_pairs


class MissingExtra(Exception):
    """torch or box-embeddings is not installed (the `demo` extra)."""


def _pairs(emb: Embedding, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([emb.index(c) for c, _ in pairs], dtype=np.int64),
            np.array([emb.index(p) for _, p in pairs], dtype=np.int64))


def numpy_scores(emb: Embedding, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """is_a(child, parent) = log P(parent | child) = logvol(parent & child) - logvol(child),
    with golden_model.reference."""
    c, p = _pairs(emb, pairs)
    return _np_is_a(emb, c, p)


def _np_is_a(emb: Embedding, c: np.ndarray, p: np.ndarray) -> np.ndarray:
    if len(c) == 0:
        return np.zeros(0)
    return np.atleast_1d(reference.log_cond_prob(emb.lo[p], emb.hi[p], emb.lo[c], emb.hi[c],
                                                 emb.beta_i, emb.beta_v))


def torch_scorer(emb: Embedding) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A batched scorer with the library's own modules, float64."""
    import logging

    logging.getLogger("box_embeddings").setLevel(logging.ERROR)   # "AllenNLP not available" (not needed)
    try:
        import torch
        from box_embeddings.modules.intersection import GumbelIntersection
        from box_embeddings.modules.volume import BesselApproxVolume
        from box_embeddings.parameterizations.box_tensor import BoxTensor
    except ImportError as e:
        raise MissingExtra(f"the demo needs torch and box-embeddings (pip install -e '.[demo]'): {e}") from None
    z = torch.tensor(emb.lo, dtype=torch.float64)
    Z = torch.tensor(emb.hi, dtype=torch.float64)
    inter = GumbelIntersection(intersection_temperature=emb.beta_i)
    vol = BesselApproxVolume(log_scale=True, volume_temperature=emb.beta_v, intersection_temperature=emb.beta_i)

    def score(c: np.ndarray, p: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            tc, tp = torch.from_numpy(c), torch.from_numpy(p)
            child = BoxTensor.from_zZ(z[tc], Z[tc])
            parent = BoxTensor.from_zZ(z[tp], Z[tp])
            return (vol(inter(child, parent)) - vol(child)).numpy().astype(np.float64)

    return score


def torch_scores(emb: Embedding, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    return torch_scorer(emb)(*_pairs(emb, pairs))


@dataclass(frozen=True)
class Threshold:
    value: float
    f1: float                 # on the training set it was chosen on
    positives: int
    negatives: int


def best_f1_threshold(scores: np.ndarray, labels: np.ndarray) -> Threshold:
    """The threshold t maximising F1 of (score >= t): the midpoint between two consecutive
    distinct scores (so no training score lies on it)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order].astype(bool)
    tp = np.cumsum(y)
    fp = np.cumsum(~y)
    npos = int(y.sum())
    last = np.r_[s[1:] != s[:-1], True]          # a cut is possible only after a run of equal scores
    f1 = np.where(last, 2 * tp / np.maximum(tp + fp + npos, 1), -1.0)
    k = int(np.argmax(f1))
    t = float((s[k] + s[k + 1]) / 2) if k + 1 < len(s) else float(s[k] - 1.0)
    return Threshold(t, float(f1[k]), npos, int(len(y) - npos))


def choose_threshold(emb: Embedding, train: Sequence[tuple[str, str]], seed: int = 0) -> Threshold:
    """Max-F1 threshold, by the library's float64 model, on the training edges and
    NEG_PER_POS fixed-seed corruptions of each (demo.negatives: the rule training uses)."""
    pairs, labels = threshold_pairs(emb.names, train, seed)
    return best_f1_threshold(torch_scores(emb, pairs), labels)


def seconds_per_query(fn: Callable[[], object], n: int, repeats: int = 5) -> float:
    """Best of `repeats` runs of a batched scorer over n queries, per query."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best / max(n, 1)
