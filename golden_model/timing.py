"""The timing model: the cycle at which every instruction retires on the 4-stage pipeline
(IF, ID, EX, MW), from the spec's timing rules (isa.toml [timing], evaluated by
isa_spec/timing.py), written from the rules of docs/pipeline.md and never from the RTL.

Cycles are the values of the `cycle` counter: cycle 0 is the first cycle after reset. For
instruction i in retirement order: Fs(i) its first IF cycle, Fe(i) the cycle it leaves IF
(the predictor is read then), E(i) its first EX cycle, X(i) its last, W(i) its retirement
cycle (MW). Fe(i) and E(i) depend only on older instructions and on i's decoded operands, so
the ISS asks for them before it executes i (`begin`): a branch's prediction needs Fe(i), a
`csrr` of `cycle` reads E(i) + counter_read. `retire` then fixes X(i) and W(i) from what i
did (trapped, predicted wrongly, ...) and where the next instruction is fetched."""

from __future__ import annotations

from dataclasses import dataclass

from isa_spec import Config, Spec
from isa_spec.timing import timing_table

from .decode import Decoded
from .trace import RetireRecord


@dataclass(frozen=True)
class Slot:
    """One instruction's cycles (the notation of docs/pipeline.md)."""
    fs: int
    fe: int
    e: int
    x: int = -1
    w: int = -1


@dataclass(frozen=True)
class _Older:
    """What instruction i needs of instruction i-1 (rules 1 and 2)."""
    e: int
    x: int
    late_dests: frozenset[int]  # the x registers (not x0) a late result goes to (rule 2c)
    mem_mw: bool              # uses the data-memory port in MW (rule 2d), trapped or not
    resolves_in_mw: bool      # a branch resolved in MW (rule 2e)


class TimingModel:
    """Cycle predictions for one configuration, one instruction at a time, in order:
    `begin(dec)` before executing an instruction, `retire(rec, dec)` after."""

    def __init__(self, spec: Spec, config: Config, start: int = 0):
        self.t = t = timing_table(spec, config)
        self.spec = spec
        # per instruction: its destination and source operands that are x registers
        xops = {n: [op.name for op in ins.operands if op.kind == "xreg"] for n, ins in spec.instructions.items()}
        self._dests = {n: [o for o in ops if o in t.written_operands] for n, ops in xops.items()}
        self._srcs = {n: [o for o in ops if o not in t.written_operands] for n, ops in xops.items()}
        self._zero = {rf.zero_register for rf in spec.regfiles.values() if rf.kind == "xreg"} - {None}
        self._next_fs = start     # Fs of the next instruction (rule 1: Fs(0) = 0)
        self._older: _Older | None = None
        self._cur: Slot | None = None   # the begun, not yet retired instruction
        self.last: Slot | None = None   # the last retired instruction
        self.train_cycle: int | None = None  # T of the last retired instruction, when a branch (rule 7)

    @property
    def cycles(self) -> int:
        """The `cycle` counter after the last retirement, W(last) + 1: after a halt, the
        counter's final value (rule 6)."""
        return self.last.w + 1 if self.last else self._next_fs

    @property
    def fetch_cycle(self) -> int | None:
        """Fe of the begun instruction (its predictor read, rule 7); None before `begin`."""
        return self._cur.fe if self._cur else None

    def begin(self, dec: Decoded | None) -> int:
        """Fix Fs, Fe and E of the next instruction, `dec` (None: its fetch faulted or the word
        did not decode; it reads no operand). Returns Fe. Rules 1 and 2."""
        t, o = self.t, self._older
        fs = self._next_fs
        if o is None:
            fe = fs
            e = fe + t.fetch_to_ex                                   # rule 2, i = 0: (a) only
        else:
            fe = max(fs, o.e - 1)                                    # rule 1
            e = max(fe + t.fetch_to_ex, o.x + 1)                     # rule 2a, 2b
            name = dec.ins.name if dec else None
            if o.late_dests and name is not None and any(dec.ops[s] in o.late_dests for s in self._srcs[name]):
                e = max(e, o.x + 1 + t.late_use)                     # rule 2c
            if o.mem_mw and name in t.mem_port_ex:
                e = max(e, o.x + 1 + t.mem_port)                     # rule 2d
            if o.resolves_in_mw:
                e = max(e, o.x + 1 + t.gecp_resolve)                 # rule 2e
        self._cur = Slot(fs, fe, e)
        return fe

    def counter_read(self, dec: Decoded) -> int:
        """The `cycle` counter's value that `dec`, the begun instruction, reads (rule 6)."""
        if self._cur is None:
            self.begin(dec)
        return self._cur.e + self.t.counter_read

    def retire(self, rec: RetireRecord, dec: Decoded | None) -> int:
        """W(i) of `rec`, the begun instruction (it retired or trapped; `dec` None when the
        word did not decode or was never fetched). Rules 3-5; sets `train_cycle` (rule 7) and
        where the next instruction is fetched."""
        t = self.t
        if self._cur is None:
            self.begin(dec)
        cur, self._cur = self._cur, None
        trapped = rec.trap is not None
        name = rec.name
        x = cur.e + (t.ex_cycles["trap"] if trapped else t.ex_cycles[name]) - 1   # rule 3
        w = x + t.retire                                                           # rule 4
        in_mw = name in t.resolve_in_mw
        redirect = None                                                            # rule 5
        if trapped or name in t.always_redirect:
            redirect = x
        elif rec.branch is not None and rec.branch[0] != rec.branch[1]:
            redirect = w if in_mw else x
        if redirect is None:
            self._next_fs = cur.fe + 1
        else:
            self._next_fs = redirect + 1 + t.mispredict_penalty - t.fetch_to_ex
        self.train_cycle = None if rec.branch is None else (w if in_mw else x)     # rule 7
        late = not trapped and name in t.late and dec is not None
        dests = frozenset(dec.ops[d] for d in self._dests[name]) - self._zero if late else frozenset()
        self._older = _Older(e=cur.e, x=x, late_dests=dests, mem_mw=name in t.mem_port_mw,
                             resolves_in_mw=in_mw and not trapped)
        self.last = Slot(cur.fs, cur.fe, cur.e, x, w)
        return w
