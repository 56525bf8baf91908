"""The program being built: lines, words, labels, the recent writes (hazard distances), the
roll-back marks of an item that did not fit, and the emission of instructions and pseudos."""

from __future__ import annotations

import random
import re
from collections import defaultdict, deque

from isa_spec import Config, Spec

from .domains import scalar_corners
from .facts import analysis
from .knobs import Knobs
from .names import _Full
from .stimuli import _Stim


class _Emitter(_Stim):
    """One program. Emits assembly lines while tracking words, writes and labels."""

    def __init__(self, spec: Spec, config: Config, rng: random.Random, knobs: Knobs):
        super().__init__(spec, config, rng)
        self.a = analysis(spec, config)
        self.k = knobs
        self.roles = self.a.roles
        rf = {r.kind: r for r in spec.regfiles.values()}
        self.xp, self.bp = rf["xreg"].prefix, rf["breg"].prefix
        zero = rf["xreg"].zero_register or 0
        n = config[rf["xreg"].count_param]
        self.x0 = f"{self.xp}{zero}"
        self.xT, self.xR, self.xL = (f"{self.xp}{n - i}" for i in (1, 2, 3))
        self.free = [f"{self.xp}{i}" for i in range(n - 3) if i != zero]
        self.bregs = [f"{self.bp}{i}" for i in range(config[rf["breg"].count_param])]
        self.corners = scalar_corners(spec)
        self.coord = spec.formats["coord"]
        self.pat_base, self.pat_end = self.scratch, self.scratch + min(64, self.dmem // 8)
        self.box_base = self.pat_end
        # a prepared pair fits data memory (and can be loaded)
        self.box_ok = self.box_base + 4 * self.D <= self.dmem and self.a.box_load is not None
        self.lines: list[str] = []
        self.words = 0
        self.recent: deque[frozenset[str]] = deque(maxlen=8)
        self.data_writes: list[tuple[int, list[int]]] = []
        self.pat_next, self.box_next = self.pat_base, self.box_base
        self.slots: dict[str, list[int]] = defaultdict(list)
        self.trap_sites: dict[int, str] = {}
        self.pending: list[list] = []
        self.labels = 0
        self.limit = self.imem
        self.full = False
        self.branch_entries: set[int] = set()   # predictor entries of the conditional branches so far
        self.shadows: dict[int, str] = {}       # pc -> kind of the wrong-path instructions

    # ---- emission ----

    def _new_label(self) -> str:
        self.labels += 1
        return f"L{self.labels}"

    def label(self, name: str) -> None:
        self.lines.append(f"{name}:")

    def _line(self, text: str, words: int, writes: frozenset[str]) -> None:
        self.lines.append(f"    {text}")
        for _ in range(words):
            self.recent.append(writes)
        self.words += words
        if self.words > self.limit:
            raise _Full

    def emit(self, name: str, ops: dict[str, str], comment: str = "") -> int:
        """One real instruction; returns its pc."""
        ro, ins = self.roles[name], self.spec.instructions[name]
        text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: ops[m.group(0)], ins.syntax)
        writes = frozenset(ops[o] for o in ro.x_writes + ro.b_writes if ops[o] != self.x0)
        pc = 4 * self.words
        if ro.conditional:
            self.branch_entries.add(self.a.pipe.predictor.index(pc))
        self._line(f"{name} {text}".rstrip() + (f"  # {comment}" if comment else ""), 1, writes)
        return pc

    def li(self, reg: str, value, pseudo: str = "li") -> None:
        self._line(f"{pseudo} {reg}, {value}", 2, frozenset({reg}) - {self.x0})

    def mv(self, rd: str, rs: str) -> None:
        self._line(f"mv {rd}, {rs}", 1, frozenset({rd}) - {self.x0})

    def word(self, value: int, comment: str) -> int:
        pc = 4 * self.words
        self._line(f".word {value & 0xFFFFFFFF:#010x}  # {comment}", 1, frozenset())
        return pc

    def addi(self, rd: str, rs: str, value: int) -> None:
        ro = self.roles[self.a.adder]
        imm = next(op.name for op in self.spec.instructions[self.a.adder].operands if op.kind == "simm")
        self.emit(self.a.adder, {ro.x_writes[0]: rd, ro.x_reads[0]: rs, imm: str(value)})

    def _dist(self, reg: str) -> int | None:
        for i, w in enumerate(reversed(self.recent)):
            if reg in w:
                return i
        return None

    def _min_dist(self, regs) -> int | None:
        ds = [d for r in regs if (d := self._dist(r)) is not None]
        return min(ds) if ds else None

    def _mark(self):
        return (len(self.lines), self.words, list(self.recent), len(self.data_writes), self.pat_next,
                self.box_next, {k: list(v) for k, v in self.slots.items()}, dict(self.trap_sites),
                [list(p) for p in self.pending], set(self.branch_entries), dict(self.shadows))

    def _rollback(self, m) -> None:
        del self.lines[m[0]:]
        self.words, self.recent = m[1], deque(m[2], maxlen=8)
        del self.data_writes[m[3]:]
        self.pat_next, self.box_next = m[4], m[5]
        self.slots = defaultdict(list, m[6])
        self.trap_sites, self.pending, self.branch_entries, self.shadows = m[7], m[8], m[9], m[10]

    def _forward(self, skip: int | None = None) -> str:
        lbl = self._new_label()
        self.pending.append([lbl, self.rng.randint(0, 2) if skip is None else skip])
        return lbl

    def _resume(self) -> str:
        lbl = self._new_label()
        self.li(self.xR, lbl, "la")
        return lbl

    def _resumed(self, lbl: str) -> None:
        self.label(lbl)
        self.mv(self.xR, self.x0)

    def _tick(self) -> None:
        keep = []
        for p in self.pending:
            if p[1] <= 0:
                self.label(p[0])
            else:
                p[1] -= 1
                keep.append(p)
        self.pending = keep
