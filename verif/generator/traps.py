"""Deliberate traps, temperature CSR writes and the trap handler."""

from __future__ import annotations

from .domains import temperatures
from .names import TRAP_PC_CSR


class _Traps:
    """The trap and CSR streams (a mixin of the program builder)."""

    def trap(self, cause: str) -> None:
        rng = self.rng
        recipes = self.a.recipes[cause]
        if self.k.trap_mode is not None:
            recipes = [r for r in recipes if r.mode == self.k.trap_mode] or recipes
        kinds = sorted({r.kind for r in recipes})
        kind = rng.choice(kinds)
        rec = rng.choice([r for r in recipes if r.kind == kind])
        if rec.kind == "word":
            pc = self.word(self.recipe_word(rec), f"{cause}: {rec.mode} {rec.ins or ''}".rstrip())
        elif rec.kind == "mem":
            values: dict = {}
            self._address(rec.ins, self.bad_addr(rec.mode, self.roles[rec.ins]), values)
            pc = self.main(rec.ins, values, comment=f"{cause}: {rec.mode}")
        elif rec.kind == "dim":
            ro = self.roles[rec.ins]
            pc = self.main(rec.ins, {ro.dim_ops[0]: self.bad_index(rec.mode)}, comment=f"{cause}: {rec.mode}")
        else:
            target = self.bad_target(rec.mode)
            self.indirect(rec.ins, bad=target)
            pc = target & 0xFFFFFFFF
        self.trap_sites[pc] = cause

    def temps(self) -> None:
        consistent = self.rng.random() >= self.k.inconsistent_temp_prob
        w = self.a.csr_writer
        ro = self.roles[w]
        csr_op = next(op.name for op in self.spec.instructions[w].operands if op.kind == "csr")
        for name, raw in temperatures(self.spec, self.rng, consistent).items():
            reg = self.rng.choice(self.free)
            self.li(reg, raw)
            self.emit(w, {csr_op: name, ro.x_reads[0]: reg})

    def handler(self) -> list[str]:
        """xT = mepc + 4, or xR when a deliberate fetch fault set it; jump there."""
        a = self.a
        saved, self.lines = self.lines, []
        words, self.limit = self.words, 1 << 30
        self.label("__trap_handler")
        rd = self.roles[a.csr_reader]
        csr_op = next(op.name for op in self.spec.instructions[a.csr_reader].operands if op.kind == "csr")
        self.emit(a.csr_reader, {rd.x_writes[0]: self.xT, csr_op: TRAP_PC_CSR})
        self.addi(self.xT, self.xT, 4)
        z = next(iter(a.exits))
        zr = self.roles[z]
        order = a.exits[z]
        label_op = next(op.name for op in self.spec.instructions[z].operands if op.kind == "label")
        self.emit(z, {zr.x_reads[order]: self.xR, zr.x_reads[1 - order]: self.x0, label_op: "__trap_go"})
        self.mv(self.xT, self.xR)
        self.label("__trap_go")
        j = a.indirect[0]
        jr = self.roles[j]
        ops = {}
        for op in self.spec.instructions[j].operands:
            ops[op.name] = self.xT if op.name in jr.target_ops and op.kind == "xreg" else \
                self.x0 if op.kind == "xreg" else "0"
        self.emit(j, ops)
        out, self.lines = self.lines, saved
        n, self.words = self.words - words, words
        self.handler_words = n
        return out
