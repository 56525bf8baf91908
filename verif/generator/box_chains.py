"""Box-operation chains: two box instructions back to back, the second reading the box the
first wrote (the box read-after-write interlock), or neither reading the other's result
(independent operations overlap in the pipelined box unit), or with a CSR write of a
temperature between them (CSR-to-box-operation ordering). Source boxes are prepared pairs
of a value class, loaded before the pair."""

from __future__ import annotations

from .domains import temperatures
from .knobs import _pick
from .names import BOX_CHAINS


class _BoxChains:
    """The box-chain stream (a mixin of the program builder)."""

    def box_chain(self) -> None:
        pipe, rng, k = self.a.pipe, self.rng, self.k
        if not (pipe.box_writers and pipe.box_readers):
            return
        kind = _pick(rng, k.box_chain_weights, BOX_CHAINS) or rng.choice(BOX_CHAINS)
        first = _pick(rng, k.instr_weights, list(pipe.box_writers)) or rng.choice(pipe.box_writers)
        second = _pick(rng, k.instr_weights, list(pipe.box_readers)) or rng.choice(pipe.box_readers)
        r1, r2 = self.roles[first], self.roles[second]
        p1 = self._prepare(first)
        bd = p1.ops[r1.b_writes[0]]
        fixed = {}
        if kind != "independent" or rng.random() < 0.5:   # through a CSR: dependent or not
            fixed[rng.choice(r2.b_reads)] = bd
        if kind == "independent" or (kind == "through_csr" and not fixed):
            others = [b for b in self.bregs if b != bd]
            if not others:
                return
            for o in r2.b_reads:
                fixed[o] = rng.choice(others)
            if r2.b_writes and r2.b_writes[0] not in fixed:   # nor writes what the first reads
                fixed[r2.b_writes[0]] = rng.choice(others)
        busy = set(p1.ops.values()) - {self.x0}
        p2 = self._prepare(second, fixed=fixed, avoid=busy)
        csr = None
        if kind == "through_csr":
            name, raw = rng.choice(sorted(temperatures(self.spec, rng).items()))
            csr = (name, rng.choice([r for r in self.free if r not in busy | set(p2.ops.values())] or self.free))
        self._load_sources(p1, busy | set(p2.ops.values()))
        self._setup(p1)
        self._setup(p2)
        if csr:
            self._put(csr[1], raw)
        self.lines.append(f"    # stream box_chain {kind}: {first} then {second}")
        self._finish(p1)
        if csr:
            w = self.a.csr_writer
            csr_op = next(op.name for op in self.spec.instructions[w].operands if op.kind == "csr")
            self.emit(w, {csr_op: csr[0], self.roles[w].x_reads[0]: csr[1]})
        self._finish(p2)

    def _load_sources(self, p, avoid: set[str]) -> None:
        """The box sources of a prepared instruction: a prepared pair of a value class."""
        if not self.box_ok:
            return
        ro = self.roles[p.name]
        slot = self._box_slot(_pick(self.rng, self.k.box_class_weights) or "overlap")
        done = set()
        for j, o in enumerate(ro.b_reads):
            if p.ops[o] not in done:
                done.add(p.ops[o])
                self._load_box(p.ops[o], 4 * (slot + 2 * self.D * (j % 2)), avoid)
