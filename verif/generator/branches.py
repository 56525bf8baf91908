"""Control flow items: conditional branches (forward, backward, far, forced outcome), direct
and indirect jumps."""

from __future__ import annotations

from isa_spec.types import Operand

from .knobs import _pick
from .names import IMM_CLASSES, GeneratorError


class _Branches:
    """The branch and jump streams (a mixin of the program builder)."""

    def _label_class(self, name: str) -> tuple[Operand, str]:
        op = next(op for op in self.spec.instructions[name].operands if op.kind == "label")
        return op, _pick(self.rng, self.k.imm_class_weights, IMM_CLASSES) or "positive"

    def branch(self, name: str) -> None:
        op, cls = self._label_class(name)
        if cls != "positive":
            off = -self.rng.randint(1, 16) if cls == "negative" else self._imm(op, cls)
            here, top, slack = 4 * self.words, 4 * self.imem, 4 * 64  # set-ups come first
            if here + slack + 4 * off < 0 or here + 4 * off >= top:
                # out of IMEM whatever the set-ups: taken or not, the program resumes after it
                resume = self._resume()
                pc = self.main(name, label=lambda pc: str(off), comment="far: fetch fault if taken")
                self.trap_sites[(pc + 4 * off) & 0xFFFFFFFF] = self.a.fetch_cause
                self._resumed(resume)
                return
            if self.a.never_taken.get(name):
                values = self._choose_values(self.a.never_taken[name])
                self.main(name, values, label=lambda pc: str(off), comment="never taken")
                return
        lbl = self._forward()
        self.main(name, self._outcome_values(name), label=lambda pc: lbl)

    def _outcome_values(self, name: str) -> dict:
        """Source values that give a targeted item's branch outcome (none for random items);
        among them, those that agree with zero-register pins."""
        want = self.k.branch_outcome
        if want is None:
            return {}
        return self._choose_values((self.a.always_taken if want == "taken" else self.a.never_taken).get(name) or [{}])

    def _choose_values(self, table: list[dict]) -> dict:
        """One entry of an oracle table; with pins, one that agrees with zero-register pins."""
        if self.k.reg_pins:
            table = [v for v in table if all(v[o] == 0 for o in v if self._zero_pinned(o))] or table
        return dict(self.rng.choice(table))

    def direct(self, name: str) -> None:
        op, cls = self._label_class(name)
        rng = self.rng
        if cls in ("min", "max"):
            off = self._imm(op, cls)
            resume = self._resume()
            pc = self.main(name, label=lambda pc: str(off), comment="far: fetch fault")
            target = (pc + 4 * off) & 0xFFFFFFFF
            if target < 4 * self.imem and target % 4 == 0:
                raise GeneratorError(f"'{name}' {cls} offset lands in IMEM")
            self.trap_sites[target] = self.a.fetch_cause
            self._resumed(resume)
        elif cls == "negative":  # j L2; L1: j L3; L2: name L1; L3:
            l1, l2, l3 = (self._new_label() for _ in range(3))
            self._line(f"j {l2}", 1, frozenset())
            self.label(l1)
            self._line(f"j {l3}", 1, frozenset())
            self.label(l2)
            self.main(name, label=lambda pc: l1)
            self.label(l3)
        else:
            lbl = self._forward(rng.randint(0, 2))
            self.main(name, label=lambda pc: lbl)

    def indirect(self, name: str, bad: int | None = None) -> int:
        ro, rng = self.roles[name], self.rng
        tgt = next(o for o in ro.target_ops if o in ro.x_reads)
        offs = [op for op in self.spec.instructions[name].operands if op.name in ro.target_ops and op.name != tgt]
        values: dict = {op.name: self._imm(op) for op in offs}
        total = sum(values.values())
        if bad is not None:
            resume = self._resume()
            values[tgt] = bad - total
            pc = self.main(name, values, comment="fetch fault")
            self._resumed(resume)
            return pc
        through_x0 = self._zero_pinned(tgt) if tgt in self.k.reg_pins else rng.random() <= self.k.zero_reg_prob
        if not offs or not through_x0 or 4 * self.words + 200 > self.imm_max:
            lbl = self._forward(rng.randint(0, 2))
            values[tgt] = f"{lbl} - {total}" if total >= 0 else f"{lbl} + {-total}"
            return self.main(name, values)
        # x0 base: the target (the next instruction) is the offset itself
        lbl = self._new_label()
        self.lines.append(f"    # {name} through {self.x0}")
        ops = {tgt: self.x0}
        for op in self.spec.instructions[name].operands:
            if op.name in ro.x_writes:
                ops[op.name] = self._dest_x(o=op.name)
        ops[offs[0].name] = lbl
        pc = self.emit(name, ops)
        self.label(lbl)
        return pc
