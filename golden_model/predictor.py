"""The architectural branch predictor: a table of saturating counters (spec [predictor]).

On the pipeline a branch trains the table when it resolves (in EX, or in MW for a
[timing] resolve_in_mw branch), and a younger branch fetched before then does not see that
training (rule 7 of docs/pipeline.md). So a training is pending until its cycle: `train`
with the training cycle T queues it, and `predict(pc, cycle)` first applies every pending
training with T < cycle (the read in cycle Fe sees the writes of the cycles before it), in
the order of T, ties in program order. Without cycles (`train(pc, taken)`, `predict(pc)`)
every training applies at once, as on an unpipelined core."""

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
        self.pending: list[tuple[int, int, int, bool]] = []   # (T, program order, pc, taken)
        self._trained = 0

    def index(self, pc: int) -> int:
        return (pc >> 2) % self.entries

    def predict(self, pc: int, cycle: int | None = None) -> tuple[bool, int]:
        """(predicted taken, the counter value used) for a read in `cycle` (None: after every
        training so far)."""
        self.settle(cycle)
        c = self.counters[self.index(pc)]
        return c >= self.threshold, c

    def train(self, pc: int, taken: bool, cycle: int | None = None) -> None:
        """The +-1 saturating update of pc's counter, in `cycle` (None: now)."""
        if cycle is None:
            self._update(pc, taken)
        else:
            self.pending.append((cycle, self._trained, pc, taken))
            self._trained += 1

    def settle(self, cycle: int | None = None) -> None:
        """Apply the pending trainings with T < cycle (None: all of them; the ISS does so at a
        halt, when every one has happened)."""
        due = sorted(p for p in self.pending if cycle is None or p[0] < cycle)
        if due:
            self.pending = [p for p in self.pending if not (cycle is None or p[0] < cycle)]
            for _, _, pc, taken in due:
                self._update(pc, taken)

    def _update(self, pc: int, taken: bool) -> None:
        i = self.index(pc)
        c = self.counters[i]
        self.counters[i] = min(c + 1, self.max) if taken else max(c - 1, 0)
