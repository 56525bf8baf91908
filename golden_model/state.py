"""Architectural state of the LPU: what the ISS updates and what the RTL must equal."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from isa_spec import Config, Spec
from isa_spec.bits import to_s32

from .predictor import BranchPredictor

__all__ = ["ArchState", "to_s32"]  # to_s32 re-exported: callers import it from here


@dataclass
class ArchState:
    config: Config
    pc: int
    x: list[int]
    box_lo: np.ndarray  # (BREGS, D) int64
    box_hi: np.ndarray
    imem: list[int]
    dmem: list[int]
    csr: dict[str, int]
    predictor: BranchPredictor
    halted: bool = False
    trapped: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def reset(cls, spec: Spec, config: Config) -> ArchState:
        d, nb = config["D"], config["BREGS"]
        return cls(
            config=config,
            pc=spec.reset_pc,
            x=[0] * config["SREGS"],
            box_lo=np.zeros((nb, d), dtype=np.int64),
            box_hi=np.zeros((nb, d), dtype=np.int64),
            imem=[0] * config["IMEM_WORDS"],
            dmem=[0] * config["DMEM_WORDS"],
            csr={c.name: config[c.reset] if isinstance(c.reset, str) else c.reset
                 for c in spec.csrs.values()},
            predictor=BranchPredictor(spec, config["PRED_ENTRIES"]),
        )

    def snapshot(self) -> dict:
        """The final architectural state as plain data (for --json and comparisons)."""
        return {
            "pc": self.pc,
            "halted": self.halted,
            "trapped": self.trapped,
            "x": list(self.x),
            "boxes": [{"lo": [int(v) for v in lo], "hi": [int(v) for v in hi]}
                      for lo, hi in zip(self.box_lo, self.box_hi, strict=True)],
            "csr": dict(self.csr),
            "predictor": list(self.predictor.counters),
        }
