"""The architectural branch predictor: a table of saturating counters (spec [predictor])."""

from __future__ import annotations

from isa_spec import Spec


class BranchPredictor:
    def __init__(self, spec: Spec, entries: int):
        p = spec.predictor
        self.entries = entries
        self.max = (1 << p.counter_bits) - 1
        self.threshold = p.taken_threshold
        self.reset_value = p.reset_counter
        self.counters = [self.reset_value] * entries

    def index(self, pc: int) -> int:
        return (pc >> 2) % self.entries

    def predict(self, pc: int) -> tuple[bool, int]:
        """(predicted taken, counter value before training)."""
        c = self.counters[self.index(pc)]
        return c >= self.threshold, c

    def train(self, pc: int, taken: bool) -> None:
        i = self.index(pc)
        c = self.counters[i]
        self.counters[i] = min(c + 1, self.max) if taken else max(c - 1, 0)
