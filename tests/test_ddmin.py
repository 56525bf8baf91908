"""The ddmin core (regress/ddmin.py) on synthetic predicates whose minimal failing inputs
are known by construction."""

import itertools
import random

import pytest

from regress.ddmin import DdminStats, ddmin


def needs(*required):
    """Fails exactly when every required item is present: the unique minimum is `required`."""
    want = set(required)
    return lambda items: want <= set(items)


@pytest.mark.parametrize("n, required", [(1, (0,)), (2, (1,)), (8, (3,)), (100, (0, 99)), (200, (7, 50, 51, 190)),
                                         (37, tuple(range(0, 37, 5)))])
def test_the_unique_minimum_is_found(n, required):
    stats = DdminStats()
    assert ddmin(list(range(n)), needs(*required), stats=stats) == list(required)
    assert not stats.stopped
    # order kept and every reduction smaller than the one before
    assert stats.sizes == sorted(stats.sizes, reverse=True) and len(set(stats.sizes)) == len(stats.sizes)


def test_a_single_cause_costs_a_logarithmic_number_of_tests():
    stats = DdminStats()
    assert ddmin(list(range(1024)), needs(613), stats=stats) == [613]
    assert stats.tests <= 2 * 10 + 2   # two halves tried per level: the input halves 10 times


def test_the_result_is_1_minimal_when_the_failure_has_several_minima():
    # fails when two items sum to 10: many minimal pairs; ddmin returns one of them, and
    # removing either item of it makes the failure go away
    def fails(items):
        return any(a + b == 10 for a, b in itertools.combinations(items, 2))

    items = list(range(12))
    out = ddmin(items, fails)
    assert fails(out) and len(out) == 2
    assert all(not fails([x for x in out if x != y]) for y in out)


def test_equal_items_are_told_apart_by_position():
    # four equal items, and the failure needs three of them: values alone would merge them
    items = ["nop"] * 4 + ["x"]
    out = ddmin(items, lambda c: c.count("nop") >= 3)
    assert out == ["nop"] * 3


def test_a_stop_condition_ends_the_search_with_a_failing_input():
    rng = random.Random(5)
    required = sorted(rng.sample(range(40), 4))   # all in the first half: the first test reduces
    calls = []

    def fails(items):
        calls.append(len(items))
        return set(required) <= set(items)

    stats = DdminStats()
    out = ddmin(list(range(300)), fails, stop=lambda: len(calls) >= 10, stats=stats)
    assert stats.stopped and len(calls) == 10
    assert fails(out) and len(out) < 300   # the best found so far, still failing, already smaller


def test_candidates_are_never_tested_twice():
    seen = []

    def fails(items):
        seen.append(tuple(items))
        return {2, 5} <= set(items)

    ddmin(list(range(16)), fails)
    assert len(seen) == len(set(seen))
