"""Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing
Input", TSE 2002): the ddmin algorithm, on any list of items and any test, with a cache
and a stop condition (a run budget).

`ddmin(items, fails)` returns a subsequence of `items` (order kept) on which `fails` is
still true and from which, when the search was not stopped, removing any one item makes it
false (1-minimal). `fails(items)` itself is assumed true; it is never asked about the empty
list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class DdminStats:
    tests: int = 0          # calls of the test (cache misses)
    cached: int = 0         # candidates answered from the cache
    stopped: bool = False   # the stop condition ended the search early (the result may not be 1-minimal)
    sizes: list[int] = field(default_factory=list)   # the size after each reduction


def _chunks(items: Sequence[int], n: int) -> list[list[int]]:
    """`items` cut into n contiguous chunks of (nearly) equal size, none empty."""
    out, start = [], 0
    for i in range(n):
        end = start + (len(items) - start) // (n - i)
        out.append(list(items[start:end]))
        start = end
    return [c for c in out if c]


@dataclass
class _Search(Generic[T]):
    """The test on positions of the input (so equal items never share a cache entry)."""
    items: Sequence[T]
    fails: Callable[[list[T]], bool]
    stop: Callable[[], bool]
    stats: DdminStats
    cache: dict[tuple[int, ...], bool] = field(default_factory=dict)

    def test(self, cand: list[int]) -> bool:
        key = tuple(cand)
        if key in self.cache:
            self.stats.cached += 1
            return self.cache[key]
        if self.stop():
            self.stats.stopped = True
            return False
        self.stats.tests += 1
        self.cache[key] = ok = bool(self.fails([self.items[i] for i in cand]))
        return ok


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool], stop: Callable[[], bool] = lambda: False,
          stats: DdminStats | None = None) -> list[T]:
    """The ddmin search: try each of n chunks alone, then each complement; on a failing
    one, continue from it (n back to 2, or n - 1 for a complement); else double n, up to
    one item per chunk. `stop()` is asked before every test run: once it is true, no more
    tests run and the smallest failing list found so far is returned."""
    stats = stats if stats is not None else DdminStats()
    cur = list(range(len(items)))
    search = _Search(items, fails, stop, stats)
    n = 2
    while len(cur) >= 2 and not stats.stopped:
        chunks = _chunks(cur, n)
        nxt = next((c for c in chunks if search.test(c)), None)
        if nxt is not None:
            cur, n = nxt, 2
        elif len(chunks) > 2:
            comps = ([x for j, c in enumerate(chunks) if j != i for x in c] for i in range(len(chunks)))
            nxt = next((c for c in comps if search.test(c)), None)
            if nxt is not None:
                cur, n = nxt, max(n - 1, 2)
        if nxt is not None:
            stats.sizes.append(len(cur))
            continue
        if n >= len(cur):
            break
        n = min(len(cur), 2 * n)
    return [items[i] for i in cur]
