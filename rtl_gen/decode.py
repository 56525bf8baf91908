"""The instruction decoder: mask/match comparators generated from isa_spec, then tables
indexed by instruction id (unit, op, immediate kind, register-field checks)."""

from __future__ import annotations

from dataclasses import dataclass

from myhdl import ConcatSignal, always_comb, block, instances

from isa_spec import Spec, load_spec

from .config import RtlConfig
from .execute import EXECUTE_CASES, require_consistent
from .signals import flag, sint, uint
from .units import UNITS, RtlError

REG_FIELDS = ("rd", "rs1", "rs2")


@dataclass(frozen=True)
class DecodeTables:
    names: tuple[str, ...]                   # instruction id -> name
    masks: tuple[int, ...]
    matches: tuple[int, ...]
    unit: tuple[int, ...]
    op: tuple[int, ...]
    imm_kinds: tuple[tuple[str, bool], ...]  # immediate kind k+1 -> (field, signed)
    imm_sel: tuple[int, ...]                 # 0 = no immediate
    xcheck: dict[str, tuple[int, ...]]       # field -> 1 if it holds a scalar register
    bcheck: dict[str, tuple[int, ...]]       # field -> 1 if it holds a box register
    xread: dict[str, tuple[int, ...]]        # field -> 1 if the instruction reads that x register

    def iid(self, name: str) -> int:
        return self.names.index(name)


def decode_tables(spec: Spec | None = None) -> DecodeTables:
    require_consistent()
    spec = spec or load_spec()
    names = tuple(spec.instructions)
    missing = [n for n in names if n not in EXECUTE_CASES]
    if missing:
        raise RtlError(f"rtl_gen/execute.py: instructions without an RTL execute case: {', '.join(missing)}")
    kinds: list[tuple[str, bool]] = []
    imm_sel = []
    xcheck = {f: [] for f in REG_FIELDS}
    bcheck = {f: [] for f in REG_FIELDS}
    xread = {f: [] for f in REG_FIELDS}
    written = spec.timing.written_operands   # operands an instruction writes; its other registers are read
    for n in names:
        ins = spec.instructions[n]
        sel = 0
        for op in ins.operands:
            if op.kind in ("simm", "uimm", "label", "csr"):
                k = (op.field.name, op.signed)
                if k not in kinds:
                    kinds.append(k)
                sel = kinds.index(k) + 1
        imm_sel.append(sel)
        for f in REG_FIELDS:
            xcheck[f].append(int(any(o.kind == "xreg" and o.field.name == f for o in ins.operands)))
            bcheck[f].append(int(any(o.kind == "breg" and o.field.name == f for o in ins.operands)))
            xread[f].append(int(any(o.kind == "xreg" and o.field.name == f and o.name not in written
                                    for o in ins.operands)))
    return DecodeTables(
        names=names,
        masks=tuple(spec.instructions[n].mask_bits for n in names),
        matches=tuple(spec.instructions[n].match_bits for n in names),
        unit=tuple(EXECUTE_CASES[n].unit_code for n in names),
        op=tuple(EXECUTE_CASES[n].op_code for n in names),
        imm_kinds=tuple(kinds), imm_sel=tuple(imm_sel),
        xcheck={f: tuple(v) for f, v in xcheck.items()},
        bcheck={f: tuple(v) for f, v in bcheck.items()},
        xread={f: tuple(v) for f, v in xread.items()},
    )


@block
def matcher(ir, hit, mask: int, match: int):
    @always_comb
    def comb():
        hit.next = (ir & mask) == match
    return comb


@block
def or_chain(out, terms):
    """out = OR of terms, as a chain of two-input ORs (one tiny block each)."""
    if len(terms) == 1:
        @always_comb
        def one():
            out.next = terms[0]
        return one
    partial = [uint(len(out)) for _ in terms[1:]]
    stages = []
    prev = terms[0]
    for t, p in zip(terms[1:], partial, strict=True):
        stages.append(_or2(prev, t, p))
        prev = p

    @always_comb
    def last():
        out.next = prev
    return instances()


@block
def _or2(a, b, y):
    @always_comb
    def comb():
        y.next = a | b
    return comb


@block
def rom(idx, out, table: tuple[int, ...]):
    """out = table[idx] (a constant table, converted to a case statement). Padded with zeros to
    every value idx can take: MyHDL's simulation may evaluate it on a transient index."""
    table = tuple(table) + (0,) * ((1 << len(idx)) - len(table))

    @always_comb
    def comb():
        out.next = table[idx]
    return comb


@block
def gated(sel, code: int, value, y):
    """y = value if sel == code else 0 (a term of a one-hot OR mux)."""
    @always_comb
    def comb():
        if sel == code:
            y.next = value
        else:
            y.next = 0
    return comb


@block
def field_value(ir, y, slices, signed: bool):
    """The (sign-extended) value of a spec field in a 32-bit pattern y."""
    parts = [ir(msb + 1, lsb) for msb, lsb in slices]
    width = sum(msb - lsb + 1 for msb, lsb in slices)
    raw = ConcatSignal(*parts) if len(parts) > 1 else parts[0]
    if not signed:
        @always_comb
        def zext():
            y.next = raw
        return zext
    sx = sint(width)

    @always_comb
    def to_signed():
        sx.next = raw.signed()

    @always_comb
    def sext():
        y.next = sx  # a signed value widens by sign extension
    return to_signed, sext


@block
def decoder(cfg: RtlConfig, ir, legal, unit, op, imm, has_imm, tables: DecodeTables, spec: Spec, rw=None):
    """Combinational decode of ir: legal (a match, registers within the configured files),
    instruction id, unit and op codes (rtl_gen/execute.py), and the selected immediate.
    rw (optional: ID's hazard detection) gets flags rd, rs1, rs2: the instruction reads the x
    register in that field."""
    n = len(tables.names)
    hits = [flag() for _ in range(n)]
    match_insts = [matcher(ir, hits[i], tables.masks[i], tables.matches[i]) for i in range(n)]
    id_bits = max(1, (n - 1).bit_length())
    ids = [uint(id_bits) for _ in range(n)]
    id_terms = [gated(hits[i], 1, i, ids[i]) for i in range(n)]
    any_hit, id_any = flag(), uint(id_bits)
    or_hits = or_chain(any_hit, hits)
    or_ids = or_chain(id_any, ids)

    kinds = tables.imm_kinds
    imm_sel = uint(max(2, len(kinds) + 1).bit_length())
    imm_vals = [uint(32) for _ in kinds]
    imm_gated = [uint(32) for _ in kinds]
    f_insts = [field_value(ir, imm_vals[k], spec.fields[f].slices, s) for k, (f, s) in enumerate(kinds)]
    g_insts = [gated(imm_sel, k + 1, imm_vals[k], imm_gated[k]) for k in range(len(kinds))]
    or_imm = or_chain(imm_sel_out := uint(32), imm_gated)

    roms = [rom(id_any, unit, tables.unit), rom(id_any, op, tables.op), rom(id_any, imm_sel, tables.imm_sel)]
    checks = []   # per register field: (field value, is-xreg flag, is-breg flag)
    for f in REG_FIELDS:
        xs, bs = flag(), flag()
        roms += [rom(id_any, xs, tables.xcheck[f]), rom(id_any, bs, tables.bcheck[f])]
        msb, lsb = spec.fields[f].slices[0]
        checks.append((ir(msb + 1, lsb), xs, bs))
    if rw is not None:
        roms += [rom(id_any, getattr(rw, f), tables.xread[f]) for f in REG_FIELDS]
    (rd_v, xrd, brd), (rs1_v, xrs1, brs1), (rs2_v, xrs2, brs2) = checks
    sregs, bregs = cfg.SREGS, cfg.BREGS

    @always_comb
    def outputs():
        imm.next = imm_sel_out
        has_imm.next = imm_sel != 0
        ok = True
        if not any_hit:
            ok = False
        if (xrd and rd_v >= sregs) or (xrs1 and rs1_v >= sregs) or (xrs2 and rs2_v >= sregs):
            ok = False
        if (brd and rd_v >= bregs) or (brs1 and rs1_v >= bregs) or (brs2 and rs2_v >= bregs):
            ok = False
        legal.next = ok

    return instances()


def unit_code(name: str) -> int:
    return UNITS.index(name)
