"""Verilator code coverage (`--coverage`): read, merge and summarise coverage.dat files.

The file is text (`# SystemC::Coverage-3`), one point per line: `C '<pairs>' <count>`; pairs
are separated by \\x01, key and value by \\x02 (f file, l line, t type line|branch|toggle|expr,
o comment, h hierarchy ...). Expression comments can contain `'`, so the count follows the
LAST `' `. Merging sums the counts of identical keys (what verilator_coverage does)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CodeCoverage:
    points: Counter  # the point's key (the quoted text) -> hit count

    @classmethod
    def read(cls, path: Path) -> CodeCoverage:
        pts: Counter = Counter()
        for line in Path(path).read_text(errors="replace").splitlines():
            if not line.startswith("C '"):
                continue
            key, sep, count = line[3:].rpartition("' ")
            if sep:
                pts[key] += int(count)
        return cls(pts)

    @classmethod
    def merge(cls, items: list[CodeCoverage]) -> CodeCoverage:
        total: Counter = Counter()
        for c in items:
            total.update(c.points)
        # Counter.update drops nothing, but points never hit anywhere must stay as holes
        for c in items:
            for k in c.points:
                total.setdefault(k, 0)
        return cls(total)

    @staticmethod
    def _field(key: str, name: str) -> str:
        for pair in key.split("\x01"):
            k, _, v = pair.partition("\x02")
            if k == name:
                return v
        return ""

    def summary(self) -> dict[str, dict[str, float]]:
        """Per type (line, toggle, branch, expr): points, points hit, percent."""
        seen: dict[str, list[int]] = {}
        for key, n in self.points.items():
            t = self._field(key, "t") or "line"
            tot = seen.setdefault(t, [0, 0])
            tot[0] += 1
            tot[1] += n > 0
        return {t: {"points": a, "hit": b, "percent": 100.0 * b / a if a else 100.0} for t, (a, b) in seen.items()}

    def write(self, path: Path) -> None:
        lines = ["# SystemC::Coverage-3"] + [f"C '{k}' {n}" for k, n in sorted(self.points.items())]
        Path(path).write_text("\n".join(lines) + "\n")
