"""Progress of a regression while it runs: tests done / total, failures so far, elapsed and
estimated time left. The estimate sums the expected durations of the tests not yet done
(each test's mean over recent runs in the results database) over the workers, scaled by
how this run compares so far; with no history it extrapolates from the tests done."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field


def hms(seconds: float) -> str:
    s = int(round(max(0.0, seconds)))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclass
class Progress:
    total: int
    out: object = None           # default: sys.stdout at the time of printing
    done: int = 0
    failed: int = 0
    start: float = field(default_factory=time.monotonic)
    expected: dict[str, float] = field(default_factory=dict)   # test id -> expected seconds
    workers: int = 1
    finished: set = field(default_factory=set)
    actual: float = 0.0          # summed durations of finished tests that have an expectation
    planned: float = 0.0         # what those were expected to take

    def eta(self) -> float | None:
        if not self.done:
            return None
        elapsed = time.monotonic() - self.start
        naive = elapsed / self.done * (self.total - self.done)
        left = [self.expected[t] for t in self.expected if t not in self.finished]
        if not left or len(self.expected) < self.total:
            return naive
        scale = self.actual / self.planned if self.planned > 0 else 1.0
        return scale * sum(left) / max(1, self.workers)

    def line(self, test_id: str, outcome: str, seconds: float) -> str:
        width = len(str(self.total))
        eta = self.eta()
        return (f"[{self.done:>{width}}/{self.total}] {outcome:<7} {test_id}  ({seconds:.1f} s)  "
                f"failures {self.failed}  elapsed {hms(time.monotonic() - self.start)}  "
                f"left {hms(eta) if eta is not None else '?'}")

    def update(self, test_id: str, outcome: str, seconds: float) -> None:
        self.done += 1
        self.finished.add(test_id)
        if test_id in self.expected:
            self.actual += seconds
            self.planned += self.expected[test_id]
        self.failed += outcome != "passed"
        print(self.line(test_id, outcome, seconds), file=self.out or sys.stdout, flush=True)
