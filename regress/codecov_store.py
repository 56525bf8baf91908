"""Compact storage of each test's Verilator code coverage in a regression.

A coverage.dat of the wide configuration is ~56 MB of text (350k points, each with its
file, line, hierarchy and signal), and every test of a configuration has the same points.
So a run keeps the point names once per build (points/<sha>.txt, written atomically by the
first test that needs it) and, per test, only the hit counts in that order
(code_coverage.npz, ~1 MB). Merging a run is then a sum of arrays."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import numpy as np

from verif.code_coverage import CodeCoverage

COMPACT_NAME = "code_coverage.npz"


def save(cc: CodeCoverage, test_dir: Path, points_dir: Path) -> Path:
    keys = sorted(cc.points)
    text = "\n".join(k.replace("\n", " ") for k in keys)
    sha = hashlib.sha256(text.encode()).hexdigest()[:16]
    points_dir.mkdir(parents=True, exist_ok=True)
    names = points_dir / f"{sha}.txt"
    if not names.exists():
        tmp = points_dir / f".{sha}.{os.getpid()}.tmp"
        tmp.write_text(text)
        os.replace(tmp, names)   # atomic: a reader never sees half a file
    out = Path(test_dir) / COMPACT_NAME
    np.savez_compressed(out, counts=np.array([cc.points[k] for k in keys], dtype=np.int64), points=sha)
    return out


class MergedCode:
    """Sums the compact files of many tests, one array per distinct set of points."""

    def __init__(self, points_dir: Path):
        self.points_dir = points_dir
        self.sums: dict[str, np.ndarray] = {}

    def add(self, path: Path) -> None:
        with np.load(path) as z:
            sha, counts = str(z["points"]), z["counts"]
        if sha in self.sums:
            self.sums[sha] = self.sums[sha] + counts
        else:
            self.sums[sha] = counts.copy()

    def coverage(self) -> CodeCoverage | None:
        if not self.sums:
            return None
        parts = []
        for sha, counts in self.sums.items():
            keys = (self.points_dir / f"{sha}.txt").read_text().split("\n")
            if len(keys) != len(counts):
                raise ValueError(f"{self.points_dir / sha}.txt: {len(keys)} points, but the counts have {len(counts)}")
            parts.append(CodeCoverage(Counter(dict(zip(keys, counts.tolist(), strict=True)))))
        return CodeCoverage.merge(parts)
