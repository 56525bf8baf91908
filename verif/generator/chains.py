"""Dependency streams: a value forwarded from a producer to a consumer at a chosen distance,
through every x-register read of every instruction (rs1, rs2, bgecp's threshold in the rd
field, a base address, a dimension index, a jump target, a CSR value), from producers whose
result is ready in EX (forwarded MW -> EX at distance 0, read through the ID bypass at 1)
and late ones (loads, the non-linear ops, blvol / blcp: rule 2c of docs/pipeline.md), and
the data-memory port pairs of rule 2d. The distances come from isa.toml [timing]."""

from __future__ import annotations

from .knobs import _pick
from .names import HAZARDS
from .setups import Prepared

CHAIN_LINKS = (2, 4)   # consumers per chain


class _Chains:
    """The dependency streams (a mixin of the program builder)."""

    def _distance(self) -> int:
        """A forwarding distance (HAZARDS without "none") by the hazard weights."""
        ds = [h for h in HAZARDS if h != "none"]
        return int(_pick(self.rng, self.k.hazard_weights, ds) or self.rng.choice(ds))

    def _consumer(self, names: tuple[str, ...], free_value: bool) -> tuple[str, str] | None:
        """(instruction, x operand) by the instruction weights; `free_value`: an operand that
        takes any value (no address, index or target)."""
        roles = self.roles
        cands = [(n, o) for n in names for o in roles[n].x_reads
                 if not (free_value and (o in roles[n].addr_ops or o in roles[n].dim_ops or o in roles[n].target_ops))
                 and not (roles[n].mem and roles[n].mem_words > self.scratch)]
        if not cands:
            return None
        n = _pick(self.rng, self.k.instr_weights, sorted({n for n, _ in cands})) or self.rng.choice(cands)[0]
        return n, self.rng.choice([o for m, o in cands if m == n])

    def _gap(self, reg: str, d: int, avoid: set[str]) -> None:
        """Fillers until `reg` was written d instructions ago (none if it is older)."""
        while (cur := self._dist(reg)) is not None and cur < d:
            self._filler(avoid | {reg})

    def _use(self, p: Prepared, via: str, reg: str, d: int, comment: str) -> None:
        self._gap(reg, d, set(p.ops.values()) - {self.x0})
        self._finish(p, via, reg, comment)

    def chain(self) -> None:
        """2-4 consumers, each reading the value written d instructions before (d by the
        hazard weights): the previous consumer's result when it takes any value, else a
        fresh producer (an EX-computed one, or the add-immediate / li / la of the value)."""
        pipe, rng = self.a.pipe, self.rng
        self.lines.append("    # stream chain")
        reg: str | None = None
        for _ in range(rng.randint(*CHAIN_LINKS)):
            name, via = self._consumer(pipe.consumers, free_value=False) or (None, None)
            if name is None:
                return
            d = self._distance()
            p = self._prepare(name, via, avoid={reg} if reg else set())
            self._setup(p)
            busy = set(p.ops.values()) - {self.x0}
            if via in p.values or reg is None or (cur := self._dist(reg)) is None or cur > d:
                reg = rng.choice([r for r in self.free if r not in busy] or self.free)
                if via in p.values:
                    self._put(reg, p.values[via])
                else:
                    self._free_instr(rng.choice(pipe.ex_producers), busy, dest=reg)
            self._use(p, via, reg, d, f"chain: {via} at distance {d}")
            ro = self.roles[name]
            out = [p.ops[o] for o in ro.x_writes if p.ops.get(o) not in (None, self.x0)]
            reg = out[0] if out and name not in pipe.timing.late else None

    def load_use(self) -> None:
        """A word load, then a consumer of its result at a distance up to late_use (0: the
        load-use interlock, then the bypass of a late result). A consumer that needs a value
        (an address, an index) loads it from a word of the pattern area set in the data
        image; any other loads any legal word. The address goes through x0 when it fits."""
        a, pipe, rng = self.a, self.a.pipe, self.rng
        if a.word_load is None:
            return self.late_use()
        name, via = self._consumer(pipe.consumers, free_value=self.pat_next >= self.pat_end)
        p = self._prepare(name, via)
        if isinstance(p.values.get(via), str):  # a label's address is not known here
            name, via = self._consumer(pipe.consumers, free_value=True)
            p = self._prepare(name, via)
        lw = self.roles[a.word_load]
        if via in p.values:
            addr, self.pat_next = 4 * self.pat_next, self.pat_next + 1
            self._data(addr // 4, [p.values[via]])
        else:
            addr = self._in_range(lw)
        self._setup(p)
        busy = set(p.ops.values()) - {self.x0}
        reg = rng.choice([r for r in self.free if r not in busy] or self.free)
        base = next(o for o in lw.addr_ops if o in lw.x_reads)
        off = next(o for o in lw.addr_ops if o != base)
        ops = {lw.x_writes[0]: reg, base: self.x0, off: str(addr)}
        if addr > self.imm_max:
            ops[base] = rng.choice([r for r in self.free if r not in busy | {reg}] or self.free)
            ops[off] = "0"
            self._put(ops[base], addr)
        d = rng.choice(pipe.late_distances)
        self.lines.append(f"    # stream load_use: {via} of {name} at distance {d}")
        self.emit(a.word_load, ops)
        self._use(p, via, reg, d, f"load-use at distance {d}")

    def late_use(self) -> None:
        """A late producer (a [timing] late instruction other than the load: the non-linear
        ops, blvol, blcp), then a consumer of its result at a distance up to late_use."""
        pipe, rng = self.a.pipe, self.rng
        if not pipe.late_producers:
            return None
        name, via = self._consumer(pipe.consumers, free_value=True)
        p = self._prepare(name, via)
        self._setup(p)
        busy = set(p.ops.values()) - {self.x0}
        reg = rng.choice([r for r in self.free if r not in busy] or self.free)
        prod = _pick(rng, self.k.instr_weights, list(pipe.late_producers)) or rng.choice(pipe.late_producers)
        d = rng.choice(pipe.late_distances)
        self.lines.append(f"    # stream late_use: {prod} -> {via} of {name} at distance {d}")
        self._free_instr(prod, busy, dest=reg)
        self._use(p, via, reg, d, f"late result at distance {d}")

    def mem_port(self) -> None:
        """A mem_port_mw access (lw / sw) and a mem_port_ex one (lbx / sbx) at a distance up
        to mem_port (0: the data-memory port interlock of rule 2d)."""
        pipe, rng = self.a.pipe, self.rng
        mw = [n for n in pipe.mem_mw if self.roles[n].mem_words <= self.scratch]
        ex = [n for n in pipe.mem_ex if self.roles[n].mem_words <= self.scratch]
        if not (mw and ex):
            return None
        # the second's registers first, so that the first's destination spares them
        second = self._prepare(_pick(rng, self.k.instr_weights, ex) or rng.choice(ex))
        busy = set(second.ops.values()) - {self.x0}
        first = self._prepare(_pick(rng, self.k.instr_weights, mw) or rng.choice(mw), avoid=busy)
        self._setup(second)
        self._setup(first)
        d = rng.choice(pipe.mem_port_distances)
        self.lines.append(f"    # stream mem_port: {first.name} then {second.name} at distance {d}")
        self._finish(first)
        for _ in range(d):
            self._filler(busy | (set(first.ops.values()) - {self.x0}))
        self._finish(second)

    def fan_out(self, members: tuple[str, ...] = (), file: str | None = None) -> None:
        """One producer, then consumers that read its register through every operand of that
        file (x: an add-immediate of 0, computed in EX; box: a box operation into it), the
        one in position d at distance d (0..4): the forwarding paths MW -> EX, the ID
        bypass, the register file. `members`: the consumer of each position ("" for a
        filler), as a targeted item; else random readers of a random file."""
        pipe, rng = self.a.pipe, self.rng
        file = file or (self.k.fan_file if members else rng.choice(("xreg", "breg")))
        box = file == "breg"
        if box and (len(self.bregs) < 2 or not pipe.box_fan_readers):
            return None
        if not members:
            pool = list(pipe.box_fan_readers if box else pipe.fan_readers)
            k = rng.randint(2, len([h for h in HAZARDS if h != "none"]))
            members = tuple(_pick(rng, self.k.instr_weights, pool) or rng.choice(pool) for _ in range(k))
        self.lines.append(f"    # stream fan_out {file}: {' '.join(m or '-' for m in members)}")
        reg = self._fan_producer(box)
        written_b: set[str] = set()
        for d, name in enumerate(members):
            ro = self.roles.get(name)
            if ro is None or (ro.mem and ro.mem_words > self.scratch):
                self._filler({reg})
                continue
            others = [b for b in self.bregs if b != reg]
            if box:
                fixed = {o: reg for o in ro.b_reads} | {o: self.x0 for o in ro.x_reads} | \
                    {o: rng.choice(others) for o in ro.b_writes}
            else:   # box operands: none an earlier consumer wrote
                free_b = [b for b in self.bregs if b not in written_b] or self.bregs
                fixed = {o: reg for o in ro.x_reads} | {o: rng.choice(free_b) for o in ro.b_reads + ro.b_writes}
                written_b |= {fixed[o] for o in ro.b_writes}
            p = self._prepare(name, fixed=fixed, avoid={reg})
            for o in ro.addr_ops:   # base 0: the offsets alone are the (legal) address
                if o not in ro.x_reads:
                    p.ops[o] = str(4 * rng.randrange(max(1, min(self.scratch - ro.mem_words + 1, self.imm_max // 4))))
            self._finish(p, comment=f"fan-out: distance {d}")

    def _fan_producer(self, box: bool) -> str:
        """The fan-out's register, written: x = 0 (an add-immediate), or a box from others."""
        rng = self.rng
        if not box:
            reg = rng.choice(self.free)
            self.addi(reg, self.x0, 0)
            return reg
        reg = rng.choice(self.bregs)
        others = [b for b in self.bregs if b != reg]
        writers = [n for n in self.a.pipe.box_writers if not self.roles[n].x_reads
                   and not set(self.roles[n].b_reads) & set(self.roles[n].b_writes)]
        name = rng.choice(writers)
        ro = self.roles[name]
        self._finish(self._prepare(name, fixed={ro.b_writes[0]: reg, **{o: rng.choice(others) for o in ro.b_reads}}))
        return reg
