"""Counted loops with data-dependent branches on pattern tables, and blocks of items."""

from __future__ import annotations

from collections.abc import Callable

from .knobs import _pick
from .names import _Full


class _Loops:
    """The loop stream (a mixin of the program builder)."""

    def loop(self) -> None:
        a, rng, k = self.a, self.rng, self.k
        n = rng.randint(*k.loop_iterations)
        schemes = [(c, "close") for c in a.closers] + [(c, "exit") for c in a.exits]
        weights = {f"{c}/{s}": k.instr_weights.get(c, 0) for c, s in schemes}
        pick = _pick(rng, weights) or f"{schemes[0][0]}/{schemes[0][1]}"
        closer, style = pick.split("/")
        order = (a.closers if style == "close" else a.exits)[closer]
        ro = self.roles[closer]
        top, done = self._new_label(), self._new_label()
        cond_ops = {ro.x_reads[order]: self.xL, ro.x_reads[1 - order]: self.x0}
        label_op = next(op.name for op in self.spec.instructions[closer].operands if op.kind == "label")
        self.lines.append(f"    # loop: {n} iterations, {closer} {'closes' if style == 'close' else 'exits'} it")
        if 4 * n <= self.imm_max:
            self.addi(self.xL, self.x0, 4 * n)
        else:
            self.li(self.xL, 4 * n)
        self.label(top)
        if style == "exit":
            self.emit(closer, {**cond_ops, label_op: done})
        saved, self.limit = self.limit, self.limit - 2
        try:
            self.block(rng.randint(1, 4), in_loop=True, head=lambda: self._pattern(n))
        finally:
            self.limit = saved
        self.addi(self.xL, self.xL, -4)
        if style == "exit":
            self._line(f"j {top}", 1, frozenset())
            self.label(done)
        else:
            self.emit(closer, {**cond_ops, label_op: top})

    def _pattern(self, n: int) -> None:
        """A branch on bit i of a pattern table (indexed by the loop counter), skipping ahead."""
        a, rng = self.a, self.rng
        if not (a.bit_tests and a.word_load) or rng.random() < 0.3 or self.pat_next + n > self.pat_end \
                or 4 * self.pat_next - 4 > self.imm_max:
            return
        kind = _pick(rng, self.k.pattern_weights) or "random"
        first = rng.random() < 0.5
        seq = {"taken": [True] * n, "not_taken": [False] * n,
               "alternate": [(i % 2 == 0) == first for i in range(n)],
               "rare": [first] * (n - 1) + [not first],
               "random": [rng.random() < 0.5 for _ in range(n)]}[kind]
        names = list(a.bit_tests)
        br = _pick(rng, self.k.instr_weights, names) or rng.choice(names)
        order, taken_on_one = a.bit_tests[br]
        bits = [int(t == taken_on_one) for t in seq]
        base, self.pat_next = self.pat_next, self.pat_next + n
        self._data(base, bits[::-1])  # iteration i sees counter 4 (n - i): word n - i - 1
        lw, bro = self.roles[a.word_load], self.roles[br]
        b_reg = next(o for o in lw.addr_ops if o in lw.x_reads)
        off = next(o for o in lw.addr_ops if o != b_reg)
        q = rng.choice(self.free)
        self.lines.append(f"    # pattern {kind}: {''.join('T' if t else 'N' for t in seq)}")
        self.emit(a.word_load, {lw.x_writes[0]: q, b_reg: self.xL, off: str(4 * base - 4)})
        label_op = next(op.name for op in self.spec.instructions[br].operands if op.kind == "label")
        self.emit(br, {bro.x_reads[order]: q, bro.x_reads[1 - order]: self.x0,
                       label_op: self._forward(rng.randint(0, 1))})

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
