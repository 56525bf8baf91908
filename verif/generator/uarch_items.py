"""Items aimed at one micro-architectural hole (verif/uarch_coverage.py), for the closure
loop on the RTL: the planner (verif/uarch_targets.py) passes the bin's name and the item
builds the situation it names from the pipeline's rules (docs/pipeline.md):

    stall/late_use/CLASS      a late producer, then at distance 0 a CLASS instruction reading it
    stall/ex_busy/CLASS       a multi-cycle instruction, then a CLASS instruction
    stall/gecp/CLASS          a mispredicted bgecp with a CLASS instruction behind it (in ID)
    flush/SOURCE/STAGE/CLASS  a branch resolved in SOURCE, taken while predicted not taken,
                              with a CLASS instruction in STAGE's slot of its wrong path
    shadow/KIND/STAGE         the same with a trap (illegal word), a branch or halt there
    stall_flush/mem_port/ex   a misaligned lw/sw (it traps in EX) right before an lbx/sbx

Wrong-path instructions never execute (the branch is always taken), so they need no set-ups."""

from __future__ import annotations

from .setups import Prepared

ILLEGAL = "illegal"
SLOTS = ("id", "if")               # the wrong path's instructions, in order: ID's, then IF's
# shadow kinds (verif/uarch_coverage.py): an illegal word, any conditional branch, halt (by role)
SHADOW_KIND = {"trap": ILLEGAL, "branch": "@conditional", "halt": "@halts"}


class _UarchItems:
    """Items for micro-architectural holes (a mixin of the program builder)."""

    def uarch_item(self, hole: str) -> None:
        p = hole.split("/")
        group = p[1]
        if group == "stall" and p[2] == "late_use":
            self._late_then(p[3])
        elif group == "stall" and p[2] == "ex_busy":
            self._busy_then(p[3])
        elif group == "stall" and p[2] == "gecp":
            self._wrong_path_of(self._resolving("mw"), {"id": p[3]})
        elif group == "flush":
            self._wrong_path_of(self._resolving(p[2]), {p[3]: p[4]})
        elif group == "shadow":   # kind: trap (an illegal word), branch, halt
            self._wrong_path_of(self._resolving(self.rng.choice(("ex", "mw"))), {p[3]: SHADOW_KIND[p[2]]})
        elif group == "stall_flush" and p[2] == "mem_port":
            self._trap_then_port()

    # ---- helpers ----

    def _of_class(self, cls: str, executes: bool) -> list[str]:
        """Instructions of `cls` an item can emit (no halt when it must execute, accesses
        that fit the scratch area)."""
        out = [n for n, i in self.spec.instructions.items() if i.iclass == cls
               and not (self.roles[n].mem and self.roles[n].mem_words > self.scratch)
               and not (executes and self.roles[n].halts)]
        return [n for n in out if not self.roles[n].jumps] or out

    def _resolving(self, source: str) -> str | None:
        """An always-taken conditional branch resolved in `source` (ex, or mw: resolve_in_mw)."""
        mw = self.a.pipe.timing.resolve_in_mw
        names = [b for b, vals in self.a.always_taken.items() if vals and (b in mw) == (source == "mw")]
        return self.rng.choice(names) if names else None

    def _wrong_path_of(self, branch: str | None, want: dict[str, str]) -> None:
        """`branch` taken while predicted not taken; its wrong path holds want[slot]'s class
        (a random one in the other slots)."""
        if branch is None:
            return
        classes = sorted({i.iclass for i in self.spec.instructions.values()} | {ILLEGAL})
        kinds = [want.get(s) or self.rng.choice(classes) for s in SLOTS[:self.a.pipe.shadow_depth]]
        skip = self._new_label()
        self.lines.append(f"    # uarch item: {branch} mispredicted, wrong path {' '.join(kinds)}")
        self._taken_branch(branch, skip)
        self._shadow_then(kinds, self._wrong_path_instruction, skip)

    def _wrong_path_instruction(self, cls: str) -> None:
        """One instruction of class `cls` (or of a role, "@conditional" / "@halts", or an
        illegal word) that is fetched and flushed, never executed."""
        if cls.startswith("@"):
            names = [n for n, r in self.roles.items() if getattr(r, cls[1:])]
        else:
            names = [] if cls == ILLEGAL else self._of_class(cls, executes=False)
        if not names:
            self.word(self.nomatch_word(), "wrong path: illegal word")
            return
        name = self.rng.choice(names)
        if self.roles[name].halts:
            self.emit(name, {}, "wrong path: halt")
            return
        self._finish(self._prepare(name), comment=f"wrong path: {cls}")

    def _late_then(self, cls: str) -> None:
        pipe = self.a.pipe
        cands = tuple(n for n in pipe.consumers if self.spec.instructions[n].iclass == cls)
        pick = self._consumer(cands, free_value=True) if cands and pipe.late_producers else None
        if pick is None:
            return
        name, via = pick
        p = self._prepare(name, via)
        self._setup(p)
        busy = set(p.ops.values()) - {self.x0}
        reg = self.rng.choice([r for r in self.free if r not in busy] or self.free)
        prod = self.rng.choice(pipe.late_producers)
        self.lines.append(f"    # uarch item: {prod} -> {via} of {name} at distance 0")
        self._free_instr(prod, busy, dest=reg)
        self._finish(p, via, reg, "late result at distance 0")

    def _busy_then(self, cls: str) -> None:
        t = self.a.pipe.timing
        multi = [n for n in self.spec.instructions if t.ex_cycles[n] > 1 and not self.roles[n].halts
                 and not (self.roles[n].mem and self.roles[n].mem_words > self.scratch)]
        names = self._of_class(cls, executes=True)
        halts = [n for n in self._of_class(cls, executes=False) if self.roles[n].halts]
        if not (multi and (names or halts)):
            return
        if not names:   # a class of halt only: the program ends here (the planner puts this last)
            first = self._prepare(self.rng.choice(multi))
            self._setup(first)
            self._finish(first)
            self.emit(halts[0], {}, "waits while the one before is busy in EX")
            return
        second = self._prepare(self.rng.choice(names))
        busy = set(second.ops.values()) - {self.x0}
        first = self._prepare(self.rng.choice(multi), avoid=busy)
        self._setup(second)
        self._setup(first)
        self.lines.append(f"    # uarch item: {second.name} waits while {first.name} is busy in EX")
        self._finish(first)
        self._finish(second)

    def _absolute(self, name: str) -> Prepared:
        """`name` (a memory access) at an aligned address in the scratch area, off x0."""
        ro = self.roles[name]
        p = self._prepare(name)
        base = next(o for o in ro.addr_ops if o in ro.x_reads)
        off = next(o for o in ro.addr_ops if o != base)
        top = min(self.scratch - ro.mem_words + 1, self.imm_max // 4)
        p.ops[base], p.ops[off] = self.x0, str(4 * self.rng.randrange(max(1, top)))
        return p   # its set-ups (the base register's) are not needed

    def _trap_then_port(self) -> None:
        """A lw/sw that traps in EX while the lbx/sbx behind it waits for the data port."""
        pipe = self.a.pipe
        mw = set(pipe.mem_mw)
        recs = [(c, r) for c, rs in self.a.recipes.items() for r in rs if r.kind == "mem" and r.ins in mw]
        ex = [n for n in pipe.mem_ex if self.roles[n].mem_words <= self.scratch]
        if not (recs and ex):
            return
        second = self._absolute(self.rng.choice(ex))
        cause, rec = self.rng.choice(recs)
        values: dict = {}
        self._address(rec.ins, self.bad_addr(rec.mode, self.roles[rec.ins]), values)
        self.lines.append(f"    # uarch item: {rec.ins} traps ({cause}) while {second.name} waits for the port")
        pc = self.main(rec.ins, values, comment=f"{cause}: {rec.mode}")
        self.trap_sites[pc] = cause
        self._finish(second)
