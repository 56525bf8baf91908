"""demo/negatives.py: the one rule for training and threshold negatives (issue 17)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from demo.negatives import closure, corrupt, known_ids, threshold_pairs


def _random_dag(rng: random.Random, n: int, p: float) -> list[tuple[str, str]]:
    # an edge only from a higher number to a lower one: acyclic by construction
    return [(f"n{i}", f"n{j}") for i in range(n) for j in range(i) if rng.random() < p]


def _reach(edges: list[tuple[str, str]], a: str, b: str) -> bool:
    seen, todo = set(), [a]
    while todo:
        x = todo.pop()
        for c, p in edges:
            if c == x and p not in seen:
                seen.add(p)
                todo.append(p)
    return b in seen


@pytest.mark.parametrize("seed", range(6))
def test_closure_is_reachability(seed):
    rng = random.Random(seed)
    edges = _random_dag(rng, 9, 0.25)
    names = [f"n{i}" for i in range(9)]
    expect = {(a, b) for a, b in itertools.permutations(names, 2) if _reach(edges, a, b)}
    assert closure(edges) == expect


def test_closure_of_a_cycle_terminates_without_self_pairs():
    got = closure([("a", "b"), ("b", "c"), ("c", "a")])
    assert ("a", "c") in got and ("c", "b") in got
    assert not any(x == y for x, y in got)


def test_corruptions_are_legal_and_keep_one_side():
    rng = random.Random(7)
    edges = _random_dag(rng, 30, 0.15) + [(f"n{i}", "n0") for i in range(1, 30)]   # n0: a root above all
    names = [f"n{i}" for i in range(30)]
    ix = {n: k for k, n in enumerate(names)}
    pos = np.array([[ix[c], ix[p]] for c, p in edges])
    known = known_ids(names, edges)
    neg = corrupt(np.random.default_rng(1), pos, len(names), known, 10)
    assert neg.shape == (10 * len(pos), 2)
    clo = {(ix[a], ix[b]) for a, b in closure(edges)}
    src = np.repeat(pos, 10, axis=0)
    for (c, p), (c0, p0) in zip(neg.tolist(), src.tolist(), strict=True):
        assert c != p and (c, p) not in clo
        assert c == c0 or p == p0                      # exactly one side was replaced
    # even draws replace the child unless the parent is the root (then every child is known)
    even = np.arange(len(neg)) % 2 == 0
    not_root = src[:, 1] != 0
    assert (neg[even & not_root, 1] == src[even & not_root, 1]).all()


def test_threshold_pairs_are_fixed_by_the_seed_and_have_the_test_ratio():
    edges = [("b", "a"), ("c", "a"), ("d", "b"), ("e", "b"), ("f", "c")]
    names = list("abcdef")
    p1, y1 = threshold_pairs(names, edges, seed=3)
    p2, y2 = threshold_pairs(names, edges, seed=3)
    assert p1 == p2 and np.array_equal(y1, y2)
    assert p1[:len(edges)] == edges and y1.sum() == len(edges) and len(y1) == 11 * len(edges)
    assert not set(p1[len(edges):]) & closure(edges)
