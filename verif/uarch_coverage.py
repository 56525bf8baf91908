"""Micro-architectural functional coverage of the pipeline, sampled from the RTL's
observation port (docs/rtl_ports.md) and its retirement trace. The bins are derived from
the spec's instruction classes, operand roles and [timing] rules and the configuration;
none is listed by hand (ibex's `uarch_cg` is the model, docs/verification.md).

    uarch/stall/REASON/CLASS          ID holds an instruction of CLASS and does not issue it,
                                        for REASON (the obs_stall codes: late_use, mem_port,
                                        gecp, ex_busy)
    uarch/fwd/PATH/OPERAND/CLASS      an x operand (rs1, rs2, rd: every x register an
                                        instruction reads) of an instruction of CLASS takes
                                        the value MW writes: PATH ex (EX's forward) or id (the
                                        register read's bypass in ID)
    uarch/flush/SOURCE/STAGE/CLASS    a redirect from SOURCE (ex, mw) empties STAGE (if, id)
                                        while it holds an instruction of CLASS (or `illegal`:
                                        a word that does not decode)
    uarch/shadow/KIND/STAGE           the wrong path of a mispredicted branch holds in STAGE a
                                        KIND: trap (an illegal word), branch (a conditional
                                        branch), halt
    uarch/boxpair/KIND                two box operations (spec class "box") in EX back to back:
                                        dependent (the second reads the box register the first
                                        wrote), independent, or through_csr (box, CSR write,
                                        box, all three back to back)
    uarch/pred/counterC/OUTCOME/STAGE a conditional branch's counter before it, its outcome and
                                        the stage it resolves in (ex; mw for resolve_in_mw)
    uarch/stall_flush/REASON/SOURCE   a redirect from SOURCE arrives while ID is stalled for
                                        REASON

Impossible bins stay in the model with zero hits and a reason (`reasons()`), like the
architectural ones. Box pairs and predictor bins read the retirement records (their
cycles are the RTL's, checked against the timing model); every other bin reads the
observation log, so a pipeline that behaves differently from the timing model's rules is
covered as it behaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from golden_model.decode import Decoder
from isa_spec import Config, Spec
from isa_spec.timing import timing_table

from .generator import BOX_OPERATOR_CLASS, Roles
from .tb_top import TraceLayout

# obs_stall codes (rtl_gen/id_stage.py STALL_*, docs/rtl_ports.md) -> reason names
STALL_REASONS = {1: "late_use", 2: "mem_port", 3: "gecp", 4: "ex_busy"}
FLUSH_SOURCES = ("ex", "mw")          # obs_flush / obs_mispred bit 0, bit 1
STAGES = ("if", "id")
FWD_PATHS = {"ex": "fwd", "id": "bypass"}   # path -> observation field
FWD_OPERANDS = ("rs1", "rs2", "rd")   # obs_fwd / obs_bypass bits 0, 1, 2
ILLEGAL = "illegal"
SHADOW_KINDS = ("trap", "branch", "halt")
PAIR_KINDS = ("dependent", "independent", "through_csr")


@dataclass(frozen=True)
class _Facts:
    classes: tuple[str, ...]
    x_reads: dict[str, frozenset[str]]     # class -> fields of the x operands its instructions read
    mem_port_ex: frozenset[str]            # classes holding a mem_port_ex instruction
    multi_cycle: bool                      # some instruction stays in EX more than one cycle
    ex_redirect_multi: bool                # some instruction that redirects from EX is multi-cycle
    late_redirects: bool                   # some late producer branches, jumps or halts
    resolve_in_mw: frozenset[str]


def _facts(spec: Spec, config: Config, roles: dict[str, Roles]) -> _Facts:
    t = timing_table(spec, config)
    classes = tuple(dict.fromkeys(i.iclass for i in spec.instructions.values()))
    x_reads: dict[str, set[str]] = {c: set() for c in classes}
    for n, ins in spec.instructions.items():   # by field: the RTL's read ports are rs1, rs2, rd
        fields = {op.name: op.field.name for op in ins.operands}
        x_reads[ins.iclass] |= {fields[o] for o in roles[n].x_reads}
    # redirects from EX: branches resolved in EX, always-redirecting jumps, halt, and traps
    ex_redirects = [n for n, r in roles.items()
                    if (r.conditional and n not in t.resolve_in_mw) or n in t.always_redirect or r.halts]
    multi = [t.ex_cycles[n] for n in ex_redirects] + [t.ex_cycles["trap"]]
    return _Facts(classes, {c: frozenset(v) for c, v in x_reads.items()},
                  frozenset(spec.instructions[n].iclass for n in t.mem_port_ex),
                  max(t.ex_cycles.values()) > 1, max(multi) > 1,
                  any(roles[n].conditional or roles[n].jumps or roles[n].halts for n in t.late), t.resolve_in_mw)


def uarch_bins(spec: Spec, config: Config, roles: dict[str, Roles]) -> list[tuple[str, str | None]]:
    """(bin, reason it cannot be hit or None), in a stable order."""
    f = _facts(spec, config, roles)
    out: list[tuple[str, str | None]] = []
    for reason in STALL_REASONS.values():
        for c in f.classes:
            out.append((f"uarch/stall/{reason}/{c}", _stall_reason(f, reason, c)))
    for path in FWD_PATHS:
        for o in FWD_OPERANDS:
            for c in f.classes:
                if o in f.x_reads[c]:
                    out.append((f"uarch/fwd/{path}/{o}/{c}", None))
    for src in FLUSH_SOURCES:
        for st in STAGES:
            for c in f.classes + (ILLEGAL,):
                out.append((f"uarch/flush/{src}/{st}/{c}", None))
    for kind in SHADOW_KINDS:
        for st in STAGES:
            out.append((f"uarch/shadow/{kind}/{st}", None))
    for kind in PAIR_KINDS:
        out.append((f"uarch/boxpair/{kind}", None))
    p = spec.predictor
    stages = ("ex", "mw") if f.resolve_in_mw else ("ex",)
    for counter in range(1 << p.counter_bits):
        for outcome in ("taken", "not_taken"):
            for st in stages:
                out.append((f"uarch/pred/counter{counter}/{outcome}/{st}", None))
    for reason in STALL_REASONS.values():
        for src in FLUSH_SOURCES:
            out.append((f"uarch/stall_flush/{reason}/{src}", _stall_flush_reason(f, reason, src)))
    return out


def _stall_reason(f: _Facts, reason: str, cls: str) -> str | None:
    if reason == "late_use" and not f.x_reads[cls]:
        return f"no {cls} instruction reads an x register (late_use waits for one)"
    if reason == "mem_port" and cls not in f.mem_port_ex:
        return "only timing.mem_port_ex instructions wait for the data port"
    if reason == "ex_busy" and not f.multi_cycle:
        return "every instruction takes one EX cycle in this configuration"
    return None


def _stall_flush_reason(f: _Facts, reason: str, src: str) -> str | None:
    if src == "mw":
        return ("MW redirects only for timing.resolve_in_mw branches, whose successor waits in ID "
                "while they are in EX, so EX is empty when they resolve; every stall reason needs EX "
                "to hold an instruction")
    if reason == "gecp":
        return "the stall holds while EX has a resolve_in_mw branch, which redirects from MW, not EX"
    if reason == "late_use" and not f.late_redirects:
        return ("the stall holds while EX has a timing.late producer that writes a register: none of "
                "them branches, jumps or halts, and one that traps writes no register")
    if reason == "ex_busy" and not f.ex_redirect_multi:
        return ("every instruction that redirects from EX (branches resolved there, "
                "always_redirect, halt, a trap) takes one EX cycle, so EX is not busy then")
    return None


class UarchSampler:
    """Turns one program's observation log and retirement records into bin names."""

    def __init__(self, spec: Spec, config: Config, roles: dict[str, Roles]):
        self.spec, self.roles = spec, roles
        self.t = timing_table(spec, config)
        self.decoder = Decoder(spec, config)
        self.step = spec.ilen // 8
        self.box = {n for n, i in spec.instructions.items() if i.iclass == BOX_OPERATOR_CLASS}

    def _class(self, text: list[int], pc: int) -> str:
        i = pc // self.step
        word = text[i] if pc % self.step == 0 and 0 <= i < len(text) else 0
        dec = self.decoder.decode(word & 0xFFFFFFFF)
        return ILLEGAL if dec is None else dec.ins.iclass

    def _name(self, text: list[int], pc: int) -> str | None:
        i = pc // self.step
        word = text[i] if pc % self.step == 0 and 0 <= i < len(text) else 0
        dec = self.decoder.decode(word & 0xFFFFFFFF)
        return None if dec is None else dec.ins.name

    def observed(self, text: list[int], rows: Iterable[int], layout: TraceLayout) -> Iterator[str]:
        """Bins of the observation log (one record per event cycle)."""
        for raw in rows:
            o = layout.unpack(raw)
            stall = STALL_REASONS.get(o["stall"])
            if stall and o["id_valid"] and (c := self._class(text, o["id_pc"])) != ILLEGAL:
                yield f"uarch/stall/{stall}/{c}"
            for path, fld in FWD_PATHS.items():
                if o[fld]:
                    valid, pc = (o["ex_valid"], o["ex_pc"]) if path == "ex" else (o["id_valid"], o["id_pc"])
                    c = self._class(text, pc) if valid else ILLEGAL
                    for bit, op in enumerate(FWD_OPERANDS):
                        if o[fld] >> bit & 1:
                            yield f"uarch/fwd/{path}/{op}/{c}"
            for bit, src in enumerate(FLUSH_SOURCES):
                if not o["flush"] >> bit & 1:
                    continue
                if stall:
                    yield f"uarch/stall_flush/{stall}/{src}"
                held = [(st, o[f"{st}_pc"]) for st in STAGES if o[f"{st}_valid"]]
                for st, pc in held:
                    yield f"uarch/flush/{src}/{st}/{self._class(text, pc)}"
                if o["mispred"] >> bit & 1:
                    for st, pc in held:
                        yield from self._shadow(text, st, pc)

    def _shadow(self, text: list[int], stage: str, pc: int) -> Iterator[str]:
        name = self._name(text, pc)
        if name is None:
            yield f"uarch/shadow/trap/{stage}"
        elif self.roles[name].conditional:
            yield f"uarch/shadow/branch/{stage}"
        elif self.roles[name].halts:
            yield f"uarch/shadow/halt/{stage}"

    def retired(self, records: list) -> Iterator[str]:
        """Bins of the retirement records (in order, with the RTL's retirement cycles)."""
        for k, rec in enumerate(records):
            if rec.branch is not None and rec.name is not None:
                _, taken, counter = rec.branch
                st = "mw" if rec.name in self.t.resolve_in_mw else "ex"
                yield f"uarch/pred/counter{counter}/{'taken' if taken else 'not_taken'}/{st}"
            if k and self._box(rec) and self._adjacent(records[k - 1], rec):
                prev = records[k - 1]
                if self._box(prev):
                    yield f"uarch/boxpair/{'dependent' if self._depends(prev, rec) else 'independent'}"
                elif k > 1 and prev.csr_writes and self._box(records[k - 2]) \
                        and self._adjacent(records[k - 2], prev):
                    yield "uarch/boxpair/through_csr"

    def _box(self, rec) -> bool:
        return rec.trap is None and rec.name in self.box

    def _adjacent(self, a, b) -> bool:
        """b entered EX in the cycle after a's last EX cycle (no bubble between them)."""
        if a.cycle is None or b.cycle is None:
            return False
        return b.cycle - a.cycle == self.t.ex_cycles["trap" if b.trap is not None else b.name]

    def _depends(self, a, b) -> bool:
        if a.b_write is None:
            return False
        dec = self.decoder.decode(b.word)
        return dec is not None and any(dec.ops[o] == a.b_write[0] for o in self.roles[b.name].b_reads)
