"""Functional coverage of the LPU, derived from the ISA spec (no instruction or field lists).

Bins (names are '/'-separated, so that tools can group them):

    instr/NAME                          every instruction, retired
    trap/CAUSE                          every trap cause; the trap whose tval is the encoding
    trap/CAUSE/KIND                       also by kind: no_match, reg_beyond_file, in_execute
    field/NAME/OPERAND/CLASS            every operand of every instruction, retired:
                                          registers x0 / x1-7 / x8+ (b0 / b1-7 / b8+),
                                          immediates and offsets zero/positive/negative/min/max
                                          (unsigned: zero/positive/max), CSRs by name
    boxclass/CLASS, box/NAME/CLASS      box value classes of the box operators' operands:
                                          relation of a pair (identical, disjoint, nested,
                                          overlap) and properties (plain, degenerate, extreme,
                                          inverted); single-box operators get properties only
    hazard/NAME/D, hazard_kind/K/D      distance 0..4 (or none) since the most recent write of
                                          any source register (instruction x distance), and per
                                          register file
    pred/counterC/OUTCOME/RESULT        predictor counter before x taken/not_taken x
                                          predicted/mispredicted
    branch/NAME/OUTCOME                 every conditional branch taken and not taken
    result/NAME/...                     results of predicates (spec `result`): 0 / 1, order
                                          of the compared sources, mixed signs (value_classes.py)

Bins that cannot be hit are kept (with zero hits) but excluded from holes and percent;
`excluded()` gives the reason for each:

- register buckets beyond the configured file (with SREGS = 8 no legal operand is x8+;
  with BREGS <= 8 no box register is b8+): config-dependent;
- every retired bin of a memory instruction whose access is wider than data memory (a
  whole-box load or store of 2 * D words with D = 64 and DMEM_WORDS = 64 always traps):
  config-dependent;
- trap/illegal_instruction/reg_beyond_file when every register file has as many registers
  as its field can name (SREGS = BREGS = 32): config-dependent;
- the CSR the generator never reads (cycle; the directed csrr example reads it) as a read
  operand, and read-only CSRs as a write operand (the write traps, it never retires);
- offset zero of an unconditional jump (a jump to itself never ends);
- predictor bins whose result contradicts the counter (the prediction is
  counter >= taken_threshold, so the result follows from counter and outcome).

Hazard distances count retirements (trapping instructions included) between the writer
and the reader: 0 means back to back.

With `uarch=True` (the testbench's model) the pipeline's bins follow (verif/uarch_coverage.py),
sampled by `sample_uarch`; only the RTL can hit them."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import numpy as np

from isa_spec import Config, Spec, load_spec
from isa_spec.params import validate_params

from .generator import UNPREDICTED_CSR, box_operators, imm_range, instruction_roles
from .uarch_coverage import UarchSampler, uarch_bins
from .value_classes import box_classes, compare_sources, result_bins, result_hits

__all__ = ["CoverageModel", "PreState", "box_classes", "merge", "pre_state"]

RELATIONS = ("identical", "disjoint", "nested", "overlap")
PROPERTIES = ("plain", "degenerate", "extreme", "inverted")
MAX_HAZARD = 4
DISTANCES = tuple(str(d) for d in range(MAX_HAZARD + 1)) + ("none",)
ENCODING_KINDS = ("no_match", "reg_beyond_file", "in_execute")
LOW_REGS = 8  # register buckets: index 0, 1..7, 8 and up


@dataclass(frozen=True)
class PreState:
    """What sampling needs from the state before the instruction ran."""

    pc: int
    name: str | None                    # None: the fetch or the decode fails
    ops: dict[str, int]                 # decoded operands (indices, sign-extended immediates)
    boxes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # box operands
    compared: tuple[int, int] | None = None  # the sources of a `result = "compare"` instruction


_BOX_SOURCES: dict[tuple[int, Config], dict[str, tuple[str, ...]]] = {}
_COMPARED: dict[tuple[int, Config], dict] = {}
_DECODED: dict[tuple[int, Config], dict] = {}


def _box_sources(spec: Spec, config: Config) -> dict[str, tuple[str, ...]]:
    key = (id(spec), config)
    if key not in _BOX_SOURCES:
        roles = instruction_roles(spec, config)
        _BOX_SOURCES[key] = {n: roles[n].b_reads for n in box_operators(spec) if roles[n].b_reads}
    return _BOX_SOURCES[key]


def pre_state(iss) -> PreState:
    """The PreState of the instruction an Iss is about to execute (decodes once per word)."""
    s = iss.state
    pc = s.pc
    if pc % 4 or not 0 <= pc // 4 < len(s.imem):
        return PreState(pc, None, {})
    word = s.imem[pc // 4]
    cache = _DECODED.setdefault((id(iss.spec), iss.config), {})
    if word not in cache:
        if len(cache) > 1 << 16:
            cache.clear()
        cache[word] = iss.decoder.decode(word)
    dec = cache[word]
    if dec is None:
        return PreState(pc, None, {})
    srcs = _box_sources(iss.spec, iss.config).get(dec.ins.name, ())
    boxes = {o: (s.box_lo[dec.ops[o]].copy(), s.box_hi[dec.ops[o]].copy()) for o in srcs}
    key = (id(iss.spec), iss.config)
    if key not in _COMPARED:
        _COMPARED[key] = compare_sources(iss.spec, instruction_roles(iss.spec, iss.config))
    ab = _COMPARED[key].get(dec.ins.name)
    compared = None if ab is None else tuple(s.x[dec.ops[o]] if reg else dec.ops[o] for o, reg in ab)
    return PreState(pc, dec.ins.name, dec.ops, boxes, compared)


@functools.cache
def reg_buckets(prefix: str) -> tuple[str, str, str]:
    return f"{prefix}0", f"{prefix}1-{LOW_REGS - 1}", f"{prefix}{LOW_REGS}+"


class CoverageModel:
    """Hit counts (numpy int64) over the bins listed in the module docstring."""

    def __init__(self, spec: Spec, config: Config, uarch: bool = False):
        self.spec, self.config, self.uarch = spec, config, uarch
        self.names: list[str] = []
        self.reasons: dict[str, str] = {}
        self.index: dict[str, int] = {}
        roles = self.roles = instruction_roles(spec, config)
        self.box_ops = set(box_operators(spec))
        rf = {r.kind: r for r in spec.regfiles.values()}
        self.counts = {k: config[r.count_param] for k, r in rf.items()}
        self.prefix = {k: r.prefix for k, r in rf.items()}
        self.zero_reg = {k: r.zero_register for k, r in rf.items()}
        fmt = spec.formats["coord"]
        self.extreme = fmt.max_raw - (fmt.max_raw >> 4)  # within 1/16 of the range limit
        dmem = config["DMEM_WORDS"]
        # an access wider than data memory always traps: the instruction never retires
        never = {n: f"a {r.mem_words}-word access never fits DMEM_WORDS = {dmem}"
                 for n, r in roles.items() if r.mem and r.mem_words > dmem}

        def retires(name: str, why: str | None = None) -> str | None:
            return why or never.get(name)

        for n in spec.instructions:
            self._bin(f"instr/{n}", retires(n))
        for t in spec.traps.values():
            self._bin(f"trap/{t.name}")
            if t.tval == "encoding":
                self.encoding_trap = t.name
                for kind in ENCODING_KINDS:
                    self._bin(f"trap/{t.name}/{kind}", self._encoding_reason(kind))
        field_idx: dict[tuple[str, str], dict[str, int]] = {}
        for n, ins in spec.instructions.items():
            for op in ins.operands:
                field_idx[n, op.name] = {}
                for cls, why in self._field_classes(n, op):
                    field_idx[n, op.name][cls] = len(self.names)
                    self._bin(f"field/{n}/{op.name}/{cls}", retires(n, why))
        for c in PROPERTIES + RELATIONS:
            self._bin(f"boxclass/{c}")
        for n in spec.instructions:
            if n in self.box_ops and roles[n].b_reads:
                for c in PROPERTIES + (RELATIONS if len(roles[n].b_reads) == 2 else ()):
                    self._bin(f"box/{n}/{c}", retires(n))
        for n in spec.instructions:
            if roles[n].sources:
                for d in DISTANCES:
                    self._bin(f"hazard/{n}/{d}", retires(n))
        for kind in ("xreg", "breg"):
            if any(getattr(roles[n], "x_reads" if kind == "xreg" else "b_reads") for n in roles):
                for d in DISTANCES:
                    self._bin(f"hazard_kind/{self.prefix[kind]}/{d}")
        p = spec.predictor
        for c in range(1 << p.counter_bits):
            for taken in (True, False):
                for correct in (True, False):
                    ok = (c >= p.taken_threshold) == taken
                    why = None if ok == correct else "the prediction is counter >= taken_threshold"
                    self._bin(self._pred_name(c, taken, correct), why)
        for n in spec.instructions:
            if roles[n].conditional:
                for o in ("taken", "not_taken"):
                    self._bin(f"branch/{n}/{o}", retires(n))
        self.compares = compare_sources(spec, roles)
        for n, b in result_bins(spec, self.compares):
            self._bin(b, retires(n))
        self._uarch = UarchSampler(spec, config, roles) if uarch else None
        for b, why in uarch_bins(spec, config, roles) if uarch else ():
            self._bin(b, why)
        self.hits = np.zeros(len(self.names), dtype=np.int64)
        self.possible = np.array([n not in self.reasons for n in self.names], dtype=bool)
        self._covered = 0
        # per instruction: (operand, {class: bin index}) and the hazard bins by distance
        self._plan = {n: ([(op, field_idx[n, op.name]) for op in ins.operands],
                          [self.index.get(f"hazard/{n}/{d}") for d in DISTANCES])
                      for n, ins in spec.instructions.items()}
        self.reset_history()

    # ---- construction ----

    def _bin(self, name: str, why: str | None = None) -> None:
        self.index[name] = len(self.names)
        self.names.append(name)
        if why:
            self.reasons[name] = why

    @staticmethod
    def _pred_name(counter: int, taken: bool, correct: bool) -> str:
        return f"pred/counter{counter}/{'taken' if taken else 'not_taken'}/" \
               f"{'predicted' if correct else 'mispredicted'}"

    def _encoding_reason(self, kind: str) -> str | None:
        if kind == "reg_beyond_file":
            widths = [op.field.width for i in self.spec.instructions.values() for op in i.operands
                      if op.kind in self.counts and self.counts[op.kind] < (1 << op.field.width)]
            return None if widths else "every register file is as large as its fields can name"
        if kind == "in_execute":
            ok = any(op.kind == "csr" and len(self.spec.csrs) < (1 << op.field.width)
                     for i in self.spec.instructions.values() for op in i.operands)
            return None if ok else "no instruction decodes and then finds its encoding illegal"
        return None

    def _field_classes(self, name: str, op) -> list[tuple[str, str | None]]:
        ro = self.roles[name]
        if op.kind in ("xreg", "breg"):
            n = self.counts[op.kind]
            b0, b1, b2 = reg_buckets(self.prefix[op.kind])
            return [(b0, None), (b1, None if n > 1 else f"{op.kind} file has 1 register"),
                    (b2, None if n > LOW_REGS else f"{self.prefix[op.kind].upper()} file has only {n} registers")]
        if op.kind == "csr":
            out = []
            for c in self.spec.csrs.values():
                why = None
                if ro.csr_write and c.access != "rw":
                    why = "read-only: the write traps and never retires"
                elif not ro.csr_write and c.name == UNPREDICTED_CSR:
                    why = "never read by generated programs (the directed csrr example reads it)"
                out.append((c.name, why))
            return out
        classes = ("zero", "positive", "negative", "min", "max") if op.signed else ("zero", "positive", "max")
        jump_self = op.kind == "label" and ro.jumps and not ro.conditional
        return [(c, "a jump to itself never ends" if jump_self and c == "zero" else None) for c in classes]

    # ---- sampling ----

    def reset_history(self) -> None:
        """Forget register writes (a new program starts)."""
        self._last_write: dict[tuple[str, int], int] = {}
        self._last_order = -1

    def _hit(self, name_or_index) -> None:
        i = self.index[name_or_index] if isinstance(name_or_index, str) else name_or_index
        if self.hits[i] == 0 and self.possible[i]:
            self._covered += 1
        self.hits[i] += 1

    def _field_class(self, op, value: int) -> str:
        if op.kind in ("xreg", "breg"):
            b0, b1, b2 = reg_buckets(self.prefix[op.kind])
            return b0 if value == 0 else b1 if value < LOW_REGS else b2
        if op.kind == "csr":
            c = self.spec.csr_by_number(value)
            return c.name if c else str(value)
        lo, hi = imm_range(op)
        return "min" if value == lo and op.signed else "max" if value == hi else \
            "zero" if value == 0 else "positive" if value > 0 else "negative"

    def sample(self, record, pre: PreState) -> None:
        """Count one RetireRecord; `pre` is pre_state(iss) taken before the step."""
        if record.order <= self._last_order:
            self.reset_history()
        self._last_order = record.order
        if record.trap is not None:
            cause = self.spec.trap_by_code(record.trap).name
            self._hit(f"trap/{cause}")
            if cause == getattr(self, "encoding_trap", None):
                if pre.name is not None:
                    kind = "in_execute"
                elif any(record.word & i.mask_bits == i.match_bits for i in self.spec.instructions.values()):
                    kind = "reg_beyond_file"
                else:
                    kind = "no_match"
                self._hit(f"trap/{cause}/{kind}")
            return
        name = record.name
        ro = self.roles[name]
        self._hit(f"instr/{name}")
        fields, hz = self._plan[name]
        for op, idx in fields:
            cls = self._field_class(op, pre.ops[op.name])
            if cls in idx:
                self._hit(idx[cls])
        # hazards: the nearest write to any source register
        best = {}
        for kind, names in (("xreg", ro.x_reads), ("breg", ro.b_reads)):
            for o in names:
                r = pre.ops[o]
                if kind == "xreg" and r == self.zero_reg["xreg"]:
                    continue
                w = self._last_write.get((kind, r))
                if w is not None:
                    d = record.order - w - 1
                    best[kind] = min(d, best.get(kind, d))
        if ro.sources:
            d = min(best.values(), default=None)
            self._hit(hz[d if d is not None and d <= MAX_HAZARD else -1])
            for kind, names in (("xreg", ro.x_reads), ("breg", ro.b_reads)):
                if names:
                    dk = best.get(kind)
                    dist = str(dk) if dk is not None and dk <= MAX_HAZARD else "none"
                    self._hit(f"hazard_kind/{self.prefix[kind]}/{dist}")
        if pre.boxes:
            for c in box_classes([pre.boxes[o] for o in ro.b_reads], self.extreme):
                self._hit(f"boxclass/{c}")
                self._hit(f"box/{name}/{c}")
        if record.branch is not None:
            predicted, taken, counter = record.branch
            self._hit(self._pred_name(counter, taken, predicted == taken))
            self._hit(f"branch/{name}/{'taken' if taken else 'not_taken'}")
        if spec_result := self.spec.instructions[name].result:
            written = record.x_write[1] if record.x_write is not None else None
            for b in result_hits(name, written, pre.compared if spec_result == "compare" else None):
                self._hit(b)
        if record.x_write is not None:
            self._last_write[("xreg", record.x_write[0])] = record.order
        if record.b_write is not None:
            self._last_write[("breg", record.b_write[0])] = record.order

    def sample_uarch(self, text: list[int], obs: list[int], layout, records: list) -> None:
        """Count one program's pipeline events: its observation log (records in `layout`,
        verif/tb_top.obs_layout) and its retirement records. An event outside the bins (one
        the spec's roles say cannot happen) is not counted: the checker's compare reports
        its effects."""
        if self._uarch is None:
            raise ValueError("this coverage model has no micro-architectural bins (uarch=False)")
        for b in (*self._uarch.observed(text, obs, layout), *self._uarch.retired(records)):
            if (i := self.index.get(b)) is not None:
                self._hit(i)

    # ---- results ----

    @property
    def covered(self) -> int:
        return self._covered

    @property
    def total(self) -> int:
        return int(self.possible.sum())

    def percent(self) -> float:
        return 100.0 * self._covered / max(1, self.total)

    def holes(self) -> list[str]:
        return [n for n, h, p in zip(self.names, self.hits, self.possible, strict=True) if p and h == 0]

    def bins(self) -> list[tuple[str, int]]:
        """(name, hits) of every bin that can be hit in this configuration."""
        return [(n, int(h)) for n, h, p in zip(self.names, self.hits, self.possible, strict=True) if p]

    def excluded(self) -> list[tuple[str, str]]:
        return [(n, self.reasons[n]) for n in self.names if n in self.reasons]

    def to_json(self) -> str:
        return json.dumps({"format": "lpu-functional-coverage", "version": 1, "config": self.config.name,
                           "params": self.config.as_dict(), "uarch": self.uarch,
                           "hits": {n: int(h) for n, h in zip(self.names, self.hits, strict=True)}})

    @classmethod
    def from_json(cls, text: str, spec: Spec | None = None) -> CoverageModel:
        doc = json.loads(text)
        if doc.get("format") != "lpu-functional-coverage":
            raise ValueError("not an LPU functional coverage file (format field)")
        spec = spec or load_spec()
        validate_params(spec, doc["params"])
        model = cls(spec, Config(doc["config"], tuple(sorted(doc["params"].items()))), bool(doc.get("uarch")))
        unknown = sorted(set(doc["hits"]) - set(model.index))
        if unknown:
            raise ValueError(f"coverage file has bins the spec does not define: {', '.join(unknown[:5])}")
        for n, h in doc["hits"].items():
            model.hits[model.index[n]] = h
        model._recount()
        return model

    def add_hits(self, delta: np.ndarray) -> None:
        """Add hit counts sampled elsewhere (another process's model of the same bins)."""
        if delta.shape != self.hits.shape:
            raise ValueError(f"coverage counts of {delta.shape[0]} bins, this model has {self.hits.shape[0]}")
        self.hits += delta
        self._recount()

    def _recount(self) -> None:
        self._covered = int(((self.hits > 0) & self.possible).sum())


from .coverage_merge import merge  # noqa: E402  (it needs CoverageModel)

CoverageModel.merge = staticmethod(merge)
