"""Stimulus generated ahead: a forked worker process generates the next programs while the
simulator runs the current one (generation costs about as much CPU as the check). Results
come back in order and each program depends only on its seed and knobs, so a sequence is
the same program for program whether prefetched or not."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from isa_spec import Config, Spec

_CONTEXT: tuple[Spec, Config] | None = None


def _init(spec: Spec, config: Config) -> None:
    global _CONTEXT
    _CONTEXT = (spec, config)


def _generate(seed: int, knobs):
    from .generator import generate

    spec, config = _CONTEXT
    return generate(spec, config, seed, knobs)


class ProgramPrefetcher:
    """generate(spec, config, seed, knobs) for many seeds, `ahead` programs in advance, in
    one worker (inline when ahead is 0)."""

    def __init__(self, spec: Spec, config: Config, ahead: int = 4):
        self.spec, self.config, self.ahead = spec, config, ahead
        self.pool = None
        if ahead:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_init, initargs=(spec, config))

    def programs(self, jobs: Iterable[tuple[int, object]]) -> Iterator:
        """The programs of (seed, knobs) pairs, in order."""
        if self.pool is None:
            from .generator import generate

            for seed, knobs in jobs:
                yield generate(self.spec, self.config, seed, knobs)
            return
        todo, window = iter(jobs), deque()
        for job in todo:
            window.append(self.pool.submit(_generate, *job))
            if len(window) > self.ahead:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
