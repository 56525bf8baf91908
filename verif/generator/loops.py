"""Counted loops with data-dependent branches on pattern tables, and blocks of items."""

from __future__ import annotations

from collections.abc import Callable

from .knobs import _pick
from .names import PATTERNS, _Full

BRANCHY_BRANCHES = 3   # pattern branches at the head of a branch-heavy loop


class _Loops:
    """The loop stream (a mixin of the program builder)."""

    def loop(self, branchy: bool = False) -> None:
        """A counted loop; `branchy`: the branch-heavy stream (several data-dependent
        branches of different patterns at its head, long enough to saturate a counter)."""
        a, rng, k = self.a, self.rng, self.k
        n = rng.randint(*k.loop_iterations)
        if branchy:
            n = max(n, self._saturating_run())
        schemes = [(c, "close") for c in a.closers] + [(c, "exit") for c in a.exits]
        weights = {f"{c}/{s}": k.instr_weights.get(c, 0) for c, s in schemes}
        pick = _pick(rng, weights) or f"{schemes[0][0]}/{schemes[0][1]}"
        closer, style = pick.split("/")
        order = (a.closers if style == "close" else a.exits)[closer]
        ro = self.roles[closer]
        top, done = self._new_label(), self._new_label()
        cond_ops = {ro.x_reads[order]: self.xL, ro.x_reads[1 - order]: self.x0}
        label_op = next(op.name for op in self.spec.instructions[closer].operands if op.kind == "label")
        self.lines.append(f"    # {'stream branchy_loop' if branchy else 'loop'}: {n} iterations, {closer} "
                          f"{'closes' if style == 'close' else 'exits'} it")
        if 4 * n <= self.imm_max:
            self.addi(self.xL, self.x0, 4 * n)
        else:
            self.li(self.xL, 4 * n)
        self.label(top)
        if style == "exit":
            self.emit(closer, {**cond_ops, label_op: done})
        saved, self.limit = self.limit, self.limit - 2
        try:
            if branchy:
                self.block(rng.randint(0, 2), in_loop=True, head=lambda: self._branchy(n))
            else:
                self.block(rng.randint(1, 4), in_loop=True, head=lambda: self._pattern(n))
        finally:
            self.limit = saved
        self.addi(self.xL, self.xL, -4)
        if style == "exit":
            self._line(f"j {top}", 1, frozenset())
            self.label(done)
        else:
            self.emit(closer, {**cond_ops, label_op: top})

    def _pattern(self, n: int, kind: str | None = None, always: bool = False) -> None:
        """A branch on bit i of a pattern table (indexed by the loop counter), skipping ahead
        (`always`: no chance of none)."""
        a, rng = self.a, self.rng
        if not (a.bit_tests and a.word_load) or (not always and rng.random() < 0.3) or not self._table_fits(n):
            return
        kind = kind or _pick(rng, self.k.pattern_weights) or "random"
        seq = self._sequence(kind, n)
        names = list(a.bit_tests)
        br = _pick(rng, self.k.instr_weights, names) or rng.choice(names)
        order, taken_on_one = a.bit_tests[br]
        q = self._table_load(kind, seq, [int(t == taken_on_one) for t in seq])
        bro = self.roles[br]
        label_op = next(op.name for op in self.spec.instructions[br].operands if op.kind == "label")
        self.emit(br, {bro.x_reads[order]: q, bro.x_reads[1 - order]: self.x0,
                       label_op: self._forward(rng.randint(0, 1))})

    def _table_fits(self, n: int) -> bool:
        return self.pat_next + n <= self.pat_end and 4 * self.pat_next - 4 <= self.imm_max

    def _sequence(self, kind: str, n: int) -> list[bool]:
        """The outcomes of n iterations of a pattern."""
        rng = self.rng
        first = rng.random() < 0.5
        return {"taken": [True] * n, "not_taken": [False] * n,
                "alternate": [(i % 2 == 0) == first for i in range(n)],
                "rare": [first] * (n - 1) + [not first],
                "random": [rng.random() < 0.5 for _ in range(n)]}[kind]

    def _table_load(self, kind: str, seq: list[bool], words: list[int]) -> str:
        """Put a table of one word per iteration in data memory and load this iteration's
        word into a register (returned)."""
        a, rng = self.a, self.rng
        base, self.pat_next = self.pat_next, self.pat_next + len(seq)
        self._data(base, words[::-1])  # iteration i sees counter 4 (n - i): word n - i - 1
        lw = self.roles[a.word_load]
        b_reg = next(o for o in lw.addr_ops if o in lw.x_reads)
        off = next(o for o in lw.addr_ops if o != b_reg)
        q = rng.choice(self.free)
        self.lines.append(f"    # pattern {kind}: {''.join('T' if t else 'N' for t in seq)}")
        self.emit(a.word_load, {lw.x_writes[0]: q, b_reg: self.xL, off: str(4 * base - 4)})
        return q

    def _saturating_run(self) -> int:
        """Iterations for a counter to go from reset to either end and see the other outcome."""
        p = self.spec.predictor
        top = (1 << p.counter_bits) - 1
        return max(top - p.reset_counter, p.reset_counter) + 2

    def _branchy(self, n: int) -> None:
        """Up to BRANCHY_BRANCHES data-dependent branches of different patterns; one of them,
        when the spec has one, a branch on a single scalar source and box operands (bgecp),
        whose per-iteration source value the oracle proves taken or not taken."""
        rng, a = self.rng, self.a
        kinds = [p for p in PATTERNS if self.k.pattern_weights.get(p, 0) > 0] or list(PATTERNS)
        kinds = rng.sample(kinds, min(BRANCHY_BRANCHES, len(kinds)))
        valued = [b for b, r in self.roles.items() if r.conditional and len(r.x_reads) == 1
                  and a.always_taken.get(b) and a.never_taken.get(b)]
        for i, kind in enumerate(kinds):
            if valued and a.word_load and (i == 0 or rng.random() < 0.3) and self._table_fits(n):
                self._value_pattern(n, kind, _pick(rng, self.k.instr_weights, valued) or rng.choice(valued))
            else:
                self._pattern(n, kind, always=True)

    def _value_pattern(self, n: int, kind: str, br: str) -> None:
        """Branch `br` on a value loaded per iteration from a table of always-taken and
        never-taken source values (the oracle's), its box operands whatever they hold."""
        a, rng, ro = self.a, self.rng, self.roles[br]
        seq = self._sequence(kind, n)
        src = ro.x_reads[0]
        words = [(a.always_taken if t else a.never_taken)[br][0][src] for t in seq]
        q = self._table_load(kind, seq, words)
        label_op = next(op.name for op in self.spec.instructions[br].operands if op.kind == "label")
        self.emit(br, {src: q, **{o: rng.choice(self.bregs) for o in ro.b_reads},
                       label_op: self._forward(rng.randint(0, 1))}, "data-dependent")

    def block(self, n: int, in_loop: bool, head: Callable[[], None] | None = None) -> None:
        outer, self.pending = self.pending, []
        try:
            if head is not None:
                m = self._mark()
                try:
                    head()
                except _Full:
                    self._rollback(m)
                    self.full = True
            for _ in range(n):
                if self.full:
                    break
                m = self._mark()
                try:
                    self.item(in_loop)
                except _Full:
                    self._rollback(m)
                    self.full = True
                    break
                self._tick()
        finally:
            for p in self.pending:
                self.label(p[0])
            self.pending = outer
