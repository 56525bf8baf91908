"""Wrong paths: a branch that is taken while the predictor says not taken, or a jump that is
always redirected from EX ([timing] always_redirect), with the instructions fetched behind
it (its shadow: up to fetch_to_ex of them, the ones in IF and ID when it redirects) holding
what must leave no trace when flushed: a box operation, a store (scalar and box), a CSR
write, an instruction that traps (an illegal word, a misaligned access) and `halt`. None of
them runs on the ISS, so the checker, which compares every retirement and the final state,
sees any effect they have on the RTL."""

from __future__ import annotations

from .knobs import _pick
from .names import SHADOWS, TRAP_VECTOR_CSR

MAX_PAD = 8   # fillers that may move a branch to a predictor entry no other branch used


class _WrongPaths:
    """The wrong-path stream (a mixin of the program builder)."""

    def wrong_path(self) -> None:
        pipe, rng = self.a.pipe, self.rng
        n = rng.randint(1, pipe.shadow_depth)
        kinds = [_pick(rng, self.k.shadow_weights, SHADOWS) or rng.choice(SHADOWS) for _ in range(n)]
        taken = [b for b, vals in self.a.always_taken.items() if vals]
        use_jump = not taken or (pipe.redirects and rng.random() < 0.3)
        skip = self._new_label()
        self.lines.append(f"    # stream wrong_path: {' '.join(kinds)}")
        if use_jump and pipe.redirects:
            self._redirect_jump(rng.choice(pipe.redirects), skip)
        elif taken:
            self._taken_branch(_pick(rng, self.k.instr_weights, taken) or rng.choice(taken), skip)
        else:
            return
        self._shadow_then(kinds, self._shadow, skip)

    def _shadow_then(self, kinds: list[str], emit, skip: str) -> None:
        """The wrong path: `emit(kind)` for each kind, recorded in `shadows`, then label `skip`.
        The shadow never retires, so hazard distances count from before it."""
        saved = list(self.recent)
        for kind in kinds:
            self.shadows[4 * self.words] = kind
            emit(kind)
        self.recent.clear()
        self.recent.extend(saved)
        self.label(skip)

    def _predicts_not_taken(self, pc: int) -> bool:
        """No conditional branch emitted so far shares pc's predictor entry (so its counter is
        at reset, which predicts not taken), as far as the program runs in text order."""
        p = self.a.pipe.predictor
        return p.reset_value < p.threshold and p.index(pc) not in self.branch_entries

    def _wear_down(self) -> int | None:
        """With a single predictor entry (every branch shares it), never-taken branches that
        bring any counter below the taken threshold; returns the word after the last one."""
        p = self.a.pipe.predictor
        never = [b for b, vals in self.a.never_taken.items() if {} in [{o: v for o, v in val.items() if v}
                                                                      for val in vals]]
        if p.entries != 1 or not never:
            return None
        for _ in range(p.max - p.threshold + 1):
            b = self.rng.choice(never)
            ro = self.roles[b]
            label_op = next(op.name for op in self.spec.instructions[b].operands if op.kind == "label")
            nxt = self._new_label()
            ops = {**{o: self.x0 for o in ro.x_reads}, **{o: self.rng.choice(self.bregs) for o in ro.b_reads}}
            self.emit(b, {**ops, label_op: nxt}, "never taken: wears the shared counter down")
            self.label(nxt)
        return self.words

    def _pad(self, avoid: set[str], worn: int | None) -> None:
        """Fillers until the next word has a predictor entry no emitted branch used (a few at
        most), or, after `_wear_down`, until its last training is visible at the fetch
        (rule 7: it trains in EX, fetch_to_ex cycles after the fetch of the next ones)."""
        t = self.a.pipe.timing
        for _ in range(MAX_PAD):
            if worn is not None and self.words - worn > t.fetch_to_ex:
                return
            if worn is None and (self._predicts_not_taken(4 * self.words) or self.a.pipe.predictor.entries == 1):
                return
            self._filler(avoid)

    def _taken_branch(self, name: str, target: str) -> None:
        """`name` with source values the oracle proves always taken, predicted not taken."""
        ro = self.roles[name]
        worn = self._wear_down()
        vals = self._choose_values(self.a.always_taken[name])
        ops: dict[str, str] = {o: self.rng.choice(self.bregs) for o in ro.b_reads}
        busy: set[str] = set()
        for o in ro.x_reads:
            if vals.get(o, 0) == 0:
                ops[o] = self.x0
            else:
                ops[o] = self.rng.choice([r for r in self.free if r not in busy] or self.free)
                busy.add(ops[o])
                self._put(ops[o], vals[o])
        self._pad(busy, worn)
        label_op = next(op.name for op in self.spec.instructions[name].operands if op.kind == "label")
        self.emit(name, {**ops, label_op: target}, "taken, predicted not taken: the next ones are a wrong path")

    def _redirect_jump(self, name: str, target: str) -> None:
        """An always-redirected indirect jump to `target` (through x0 when it fits)."""
        p = self._prepare(name)
        ro = self.roles[name]
        tgt = next(o for o in ro.target_ops if o in ro.x_reads)
        reg = p.ops[tgt]
        self.li(reg, target, "la")
        self.emit(name, {**p.ops, tgt: reg}, "redirected from EX: the next ones are a wrong path")

    def _shadow(self, kind: str) -> None:
        """One wrong-path instruction of `kind` (never executed: no set-ups, no trap site)."""
        rng, a = self.rng, self.a
        if kind == "illegal":
            self.word(self.nomatch_word(), "wrong path: illegal word")
            return
        if kind == "halt":
            self.emit(next(n for n, r in self.roles.items() if r.halts), {}, "wrong path: halt")
            return
        if kind == "csr":
            w = a.csr_writer
            csr_op = next(op.name for op in self.spec.instructions[w].operands if op.kind == "csr")
            self.emit(w, {csr_op: TRAP_VECTOR_CSR, self.roles[w].x_reads[0]: rng.choice(self.free)},
                      "wrong path: CSR write")
            return
        name = self._shadow_instruction(kind)
        if name is None:
            self.word(self.nomatch_word(), "wrong path: illegal word")
            return
        ro = self.roles[name]
        p = self._prepare(name)
        if ro.mem:  # absolute addresses: no set-up; misaligned by a byte when it should trap
            base = next(o for o in ro.addr_ops if o in ro.x_reads)
            off = next(o for o in ro.addr_ops if o != base)
            p.ops[base] = self.x0
            top = min(self.scratch - ro.mem_words + 1, self.imm_max // 4)
            p.ops[off] = str(4 * rng.randrange(max(1, top)) + int(kind == "misaligned"))
        self.emit(name, p.ops, f"wrong path: {kind}")

    def _shadow_instruction(self, kind: str) -> str | None:
        r, pipe = self.roles, self.a.pipe
        cands = {"box": [n for n in pipe.box_writers if not r[n].x_reads],
                 "store": [n for n in pipe.mem_mw if r[n].mem == "store"],
                 "box_store": [n for n in pipe.mem_ex if r[n].mem == "store"],
                 "misaligned": [n for n in pipe.mem_mw if r[n].mem == "load"]}[kind]
        cands = [n for n in cands if r[n].mem_words <= self.scratch]
        return self.rng.choice(cands) if cands else None
