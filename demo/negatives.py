"""Negatives for training and for choosing the threshold: one rule for both.

A negative is a corruption of a training edge (child, parent): its child (even draws) or
its parent (odd draws) replaced by a uniformly drawn node. A draw is rejected when it is a
self-pair or an edge of the transitive closure *of the training edges*. That closure is
what the training data implies by transitivity alone (the training edges hold the whole
transitive reduction, so here it is the taxonomy's closure): a pair it contains is known
not to be a negative, so sampling it as one would teach the model a contradiction
(for example "beagle is not a mammal" while "beagle -> dog -> ... -> mammal" are
training edges). The test split itself is never read.

The reference code of the cone paper (dalab/hyperbolic_cones, dag_emb_model.py) rejects
training negatives against the training edges only, so held-out closure pairs can be
drawn as negatives there; docs/demo.md measures both rules on our split.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .taxonomy import NEG_PER_POS  # the test split's ratio (Ganea et al. 2018)


def closure(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The transitive closure of (child, parent) edges (no self-pairs)."""
    up: dict[str, set[str]] = {}
    for c, p in edges:
        up.setdefault(c, set()).add(p)
    out: set[tuple[str, str]] = set()
    for c in up:
        seen: set[str] = set()
        todo = list(up[c])
        while todo:                     # a walk with a visited set: a cycle in the input ends it
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(up.get(p, ()))
        out |= {(c, a) for a in seen if a != c}
    return out


def known_ids(nodes: Sequence[str], train: Iterable[tuple[str, str]]) -> np.ndarray:
    """Sorted ids child * n + parent of the training edges' closure (for np.isin)."""
    ix = {name: k for k, name in enumerate(nodes)}
    n = len(nodes)
    return np.array(sorted(ix[c] * n + ix[p] for c, p in closure(train)), dtype=np.int64)


def corrupt(rng: np.random.Generator, pos: np.ndarray, n_nodes: int, known: np.ndarray, k: int) -> np.ndarray:
    """k corruptions of each (child, parent) index row: child side for even j, parent side
    for odd j; a side with no legal replacement (every node is below the root, so
    (x, root) is always known) switches to the other side after 64 tries."""
    base = np.repeat(pos, k, axis=0)
    neg = base.copy()
    side = np.tile(np.arange(k) % 2, len(pos))
    todo = np.ones(len(neg), dtype=bool)
    tries = 0
    while todo.any():
        idx = np.flatnonzero(todo)
        neg[idx] = base[idx]
        neg[idx, side[idx]] = rng.integers(0, n_nodes, len(idx))
        ids = neg[idx, 0] * n_nodes + neg[idx, 1]
        todo[idx] = (neg[idx, 0] == neg[idx, 1]) | np.isin(ids, known, assume_unique=True)
        tries += 1
        if tries % 64 == 0:
            side[todo] ^= 1
        if tries > 4096:
            raise ValueError(f"no negative found for {int(todo.sum())} training edges in {tries} draws")
    return neg


def threshold_pairs(nodes: Sequence[str], train: Sequence[tuple[str, str]], seed: int = 0,
                    k: int = NEG_PER_POS) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The set the threshold is chosen on: the training edges and k fixed-seed corruptions
    of each (the test split's ratio of negatives to positives), with their labels."""
    ix = {name: j for j, name in enumerate(nodes)}
    pos = np.array([[ix[c], ix[p]] for c, p in train], dtype=np.int64).reshape(-1, 2)
    neg = corrupt(np.random.default_rng(seed), pos, len(nodes), known_ids(nodes, train), k)
    pairs = list(train) + [(nodes[a], nodes[b]) for a, b in neg]
    return pairs, np.r_[np.ones(len(pos)), np.zeros(len(neg))]
