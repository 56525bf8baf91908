"""The LPU instruction-set simulator: bit-exact, one step() per instruction.

The ISS defines the architecture. Semantics live in golden_model/ops (one function per
instruction, registered by name); this module fetches, decodes, runs a semantic function
against an ExecContext that buffers its effects, and commits them or takes a trap. Cycles
come from the timing model (golden_model/timing.py): the ISS tells it each instruction before
executing it (`begin`: the fetch and EX cycles, which a branch's prediction and a read of the
cycle counter need) and after (`retire`); each record carries its retirement cycle.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from isa_spec import Config, Spec, load_spec, make_config
from isa_spec.errors import LpuError

from .boxops import BoxOps, Temps
from .decode import Decoded, Decoder
from .nonlinear import NonLinearUnits
from .ops import SEMANTICS
from .state import ArchState, to_s32
from .timing import TimingModel
from .trace import RetireRecord

CYCLE_CSR = "cycle"   # the counter whose value the timing model predicts


class TrapException(Exception):
    def __init__(self, cause: str, tval: int):
        super().__init__(cause)
        self.cause, self.tval = cause, tval


class ExecContext:
    """What a semantic function sees: operands, reads, and buffered writes."""

    def __init__(self, iss: Iss, dec: Decoded, pc: int):
        self.iss, self.dec, self.pc = iss, dec, pc
        self.op = dec.ops
        self.units, self.boxops = iss.units, iss.boxops
        self.D = iss.config["D"]
        self.q = iss.q
        self.isize = iss.isize  # bytes per instruction, for pc arithmetic in the semantics
        self.next_pc = pc + self.isize
        self.x_write: tuple[int, int] | None = None
        self.b_write = None
        self.mem_writes: list[tuple[int, int]] = []
        self.csr_writes: list[tuple[str, int]] = []
        self.branch_info: tuple[bool, bool, int] | None = None
        self.halted = False

    # reads
    def xr(self, opname: str) -> int:
        return self.iss.state.x[self.op[opname]]

    def br(self, opname: str):
        i = self.op[opname]
        return self.iss.state.box_lo[i], self.iss.state.box_hi[i]

    def temps(self) -> Temps:
        c = self.iss.state.csr
        return Temps(c["beta_i"], c["ibeta_i"], c["beta_v"], c["ibeta_v"])

    def dim(self, index: int) -> int:
        if not 0 <= index < self.D:
            raise TrapException("dim_fault", index & 0xFFFFFFFF)
        return index

    def _check(self, addr: int, words: int, kind: str) -> int:
        addr &= 0xFFFFFFFF
        wsize = self.iss.wsize
        if addr % wsize:
            raise TrapException(f"{kind}_misaligned", addr)
        if addr // wsize + words > len(self.iss.state.dmem):
            raise TrapException(f"{kind}_fault", addr)
        return addr // wsize

    def load(self, addr: int) -> int:
        return self.iss.state.dmem[self._check(addr, 1, "load")]

    def load_block(self, addr: int, n: int) -> list[int]:
        w = self._check(addr, n, "load")
        return self.iss.state.dmem[w:w + n]

    def csr_read(self, number: int) -> int:
        csr = self.iss.spec.csr_by_number(number)
        if csr is None:
            raise TrapException("illegal_instruction", self.dec_word)
        if csr.name == CYCLE_CSR:   # the counter runs during the instruction: read it in its cycle
            return to_s32(self.iss.timing.counter_read(self.dec))
        return to_s32(self.iss.state.csr[csr.name])

    # writes (buffered until the instruction completes without a trap)
    def wx(self, opname: str, value: int) -> None:
        idx = self.op[opname]
        if idx != 0:
            self.x_write = (idx, to_s32(value))

    def wb(self, opname: str, lo, hi) -> None:
        self.b_write = (self.op[opname], np.asarray(lo, dtype=np.int64).copy(),
                        np.asarray(hi, dtype=np.int64).copy())

    def store(self, addr: int, value: int) -> None:
        self.mem_writes.append((self._check(addr, 1, "store") * self.iss.wsize, to_s32(value)))

    def store_block(self, addr: int, values: list[int]) -> None:
        w = self._check(addr, len(values), "store")
        self.mem_writes.extend(((w + i) * self.iss.wsize, to_s32(v)) for i, v in enumerate(values))

    def csr_write(self, number: int, value: int) -> None:
        csr = self.iss.spec.csr_by_number(number)
        if csr is None or csr.access != "rw":
            raise TrapException("illegal_instruction", self.dec_word)
        self.csr_writes.append((csr.name, value & 0xFFFFFFFF))

    def jump(self, target: int) -> None:
        self.next_pc = target & 0xFFFFFFFF

    def branch(self, taken: bool, target: int) -> None:
        # the counter as read when the branch left IF (pending trainings of older branches
        # that resolve later are not visible: docs/pipeline.md rule 7)
        predicted, counter = self.iss.state.predictor.predict(self.pc, self.iss.timing.fetch_cycle)
        self.branch_info = (predicted, bool(taken), counter)
        if taken:
            self.next_pc = target & 0xFFFFFFFF

    def halt(self) -> None:
        self.halted = True
        self.next_pc = self.pc

    @property
    def dec_word(self) -> int:
        return self.iss.state.imem[self.pc // self.isize]


_DECODERS: dict[tuple[int, object], Decoder] = {}


def _decoder(spec, config) -> Decoder:
    """One decoder (and its cache of decoded words) per spec and configuration."""
    key = (id(spec), config)
    if key not in _DECODERS:
        _DECODERS[key] = Decoder(spec, config)
    return _DECODERS[key]


class Iss:
    """Instruction-set simulator for one configuration."""

    def __init__(self, config: Config | None = None, spec: Spec | None = None,
                 timing: TimingModel | None = None):
        self.spec = spec or load_spec()
        self.config = config or make_config(self.spec)
        self.q = self.spec.formats["coord"].frac
        # byte sizes of an instruction and of a data word, from the spec (4 and 4)
        self.isize, self.wsize = self.spec.ilen // 8, self.spec.xlen // 8
        self.units = NonLinearUnits(self.spec, self.config["NLT_BITS"])
        self.boxops = BoxOps(self.spec, self.units)
        self.decoder = _decoder(self.spec, self.config)
        self.state = ArchState.reset(self.spec, self.config)
        self.timing = timing or TimingModel(self.spec, self.config)
        self.order = 0
        missing = set(self.spec.instructions) - set(SEMANTICS)
        extra = set(SEMANTICS) - set(self.spec.instructions)
        if missing or extra:
            raise RuntimeError(f"semantics registry and spec differ: missing {sorted(missing)}, "
                               f"not in spec {sorted(extra)}")

    def load_program(self, text: list[int], data: list[int] | None = None) -> None:
        s = self.state
        if len(text) > len(s.imem):
            raise ValueError(f"program has {len(text)} instructions; IMEM_WORDS is {len(s.imem)}")
        if data and len(data) > len(s.dmem):
            raise ValueError(f"data has {len(data)} words; DMEM_WORDS is {len(s.dmem)}")
        for i, w in enumerate(text):
            s.imem[i] = w & 0xFFFFFFFF
        for i, w in enumerate(data or []):
            s.dmem[i] = to_s32(w)

    def _trap(self, pc: int, word: int, dec: Decoded | None, cause: str, tval: int) -> RetireRecord:
        s = self.state
        code = self.spec.traps[cause].code
        s.csr["mcause"], s.csr["mepc"], s.csr["mtval"] = code, pc & 0xFFFFFFFF, tval & 0xFFFFFFFF
        if s.csr["mtvec"]:
            s.pc = s.csr["mtvec"]
        else:
            s.halted = s.trapped = True
            s.predictor.settle()
        rec = RetireRecord(self.order, pc, word, dec.ins.name if dec else None, s.pc, trap=code,
                           tval=tval & 0xFFFFFFFF, halted=s.halted)
        self._time(rec, dec)
        self.order += 1
        return rec

    def _time(self, rec: RetireRecord, dec: Decoded | None) -> None:
        rec.cycle = self.timing.retire(rec, dec)
        self.state.csr[CYCLE_CSR] = self.timing.cycles & 0xFFFFFFFF

    def step(self) -> RetireRecord:
        s = self.state
        if s.halted:
            raise RuntimeError("step() on a halted core")
        pc = s.pc
        if pc % self.isize or not 0 <= pc // self.isize < len(s.imem):
            self.timing.begin(None)
            return self._trap(pc, 0, None, "fetch_fault", pc)
        word = s.imem[pc // self.isize]
        dec = self.decoder.decode(word)
        self.timing.begin(dec)
        if dec is None:
            return self._trap(pc, word, None, "illegal_instruction", word)
        ctx = ExecContext(self, dec, pc)
        try:
            SEMANTICS[dec.ins.name](ctx)
        except TrapException as t:
            return self._trap(pc, word, dec, t.cause, t.tval)
        return self._commit(ctx, word)

    def _commit(self, ctx: ExecContext, word: int) -> RetireRecord:
        s = self.state
        rec = RetireRecord(self.order, ctx.pc, word, ctx.dec.ins.name, ctx.next_pc)
        self.order += 1
        if ctx.x_write is not None:
            s.x[ctx.x_write[0]] = ctx.x_write[1]
            rec.x_write = ctx.x_write
        if ctx.b_write is not None:
            i, lo, hi = ctx.b_write
            s.box_lo[i], s.box_hi[i] = lo, hi
            rec.b_write = (i, tuple(int(v) for v in lo), tuple(int(v) for v in hi))
        for addr, v in ctx.mem_writes:
            s.dmem[addr // self.wsize] = v
        rec.mem_writes = tuple(ctx.mem_writes)
        csr_writes = []
        for name, v in ctx.csr_writes:
            s.csr[name] = v
            csr_writes.append((self.spec.csrs[name].number, v))
        rec.csr_writes = tuple(csr_writes)
        if ctx.branch_info is not None:
            predicted, taken, _ = ctx.branch_info
            s.csr["branches"] += 1
            s.csr["mispred"] += int(predicted != taken)
            rec.branch = ctx.branch_info
        s.csr["instret"] += 1
        for name in ("instret", "branches", "mispred"):
            s.csr[name] &= 0xFFFFFFFF
        self._time(rec, ctx.dec)
        if rec.branch is not None:   # trains when it resolves (the timing model's cycle T)
            s.predictor.train(ctx.pc, rec.branch[1], self.timing.train_cycle)
        s.pc = ctx.next_pc
        if ctx.halted:
            s.halted = True
            rec.halted = True
            s.predictor.settle()
        return rec

    def run(self, max_steps: int = 1_000_000, on_retire: Callable[[RetireRecord], None] | None = None
            ) -> list[RetireRecord] | None:
        """Run until halt (or max_steps). Returns nothing; use on_retire to see the trace."""
        for _ in range(max_steps):
            if self.state.halted:
                return None
            rec = self.step()
            if on_retire:
                on_retire(rec)
        if not self.state.halted:
            raise StepLimitExceeded(f"no halt within {max_steps} instructions (pc={self.state.pc:#x})")
        return None


class StepLimitExceeded(LpuError, RuntimeError):
    pass
