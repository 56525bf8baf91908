"""One retirement as seen on the RTL's trace port, and its comparison with the golden
model's RetireRecord (field by field, bit for bit; the retirement cycle against the timing
model's prediction, golden_model/timing.py)."""

from __future__ import annotations

from dataclasses import dataclass

from golden_model import RetireRecord
from isa_spec.bits import to_s32 as _s32

TRACE_PORTS = ("order", "pc", "insn", "next_pc", "trap", "cause", "tval", "rd_we", "rd_addr", "rd_wdata",
               "bd_we", "bd_addr", "bd_lo", "bd_hi", "mem_we", "mem_addr", "mem_count", "mem_wdata",
               "csr_we", "csr_addr", "csr_wdata", "br_valid", "br_pred", "br_taken", "br_counter", "halt", "cycle")
CYCLE_MASK = 0xFFFFFFFF   # rvfi_cycle is the cycle CSR's width (xlen)


def _words(bus: int, n: int) -> tuple[int, ...]:
    return tuple(_s32(bus >> (32 * i)) for i in range(n))


@dataclass(frozen=True)
class RtlRetire:
    """The trace port's fields for one record (raw integers, as read from the ports)."""

    fields: dict[str, int]

    def view(self, d: int) -> dict:
        """The record in the golden model's terms (signed values, lists of writes)."""
        f = self.fields
        out = {"order": f["order"], "pc": f["pc"], "word": f["insn"], "next_pc": f["next_pc"],
               "trap": f["cause"] if f["trap"] else None, "tval": f["tval"] if f["trap"] else None,
               "x_write": (f["rd_addr"], _s32(f["rd_wdata"])) if f["rd_we"] else None,
               "b_write": (f["bd_addr"], _words(f["bd_lo"], d), _words(f["bd_hi"], d)) if f["bd_we"] else None,
               "mem_writes": tuple((f["mem_addr"] + 4 * i, w) for i, w in
                                   enumerate(_words(f["mem_wdata"], f["mem_count"]))) if f["mem_we"] else (),
               "csr_writes": ((f["csr_addr"], f["csr_wdata"]),) if f["csr_we"] else (),
               "branch": (bool(f["br_pred"]), bool(f["br_taken"]), f["br_counter"]) if f["br_valid"] else None,
               "halted": bool(f["halt"]), "cycle": f["cycle"]}
        return out


def model_view(rec: RetireRecord) -> dict:
    return {"order": rec.order, "pc": rec.pc, "word": rec.word, "next_pc": rec.next_pc, "trap": rec.trap,
            "tval": rec.tval, "x_write": rec.x_write, "b_write": rec.b_write,
            "mem_writes": tuple((a, _s32(v)) for a, v in rec.mem_writes),
            "csr_writes": tuple((n, v & 0xFFFFFFFF) for n, v in rec.csr_writes),
            "branch": rec.branch, "halted": rec.halted,
            "cycle": None if rec.cycle is None else rec.cycle & CYCLE_MASK}


def compare(rtl: RtlRetire, model: RetireRecord, d: int) -> list[str]:
    """Field names and values that differ (empty when the retirement matches)."""
    a, e = rtl.view(d), model_view(model)
    out = []
    for k in e:
        if a[k] != e[k]:
            note = _lateness(e[k], a[k]) if k == "cycle" and e[k] is not None else ""
            out.append(f"{k}: model {e[k]!r}, rtl {a[k]!r}{note}")
    return out


def _lateness(model: int, rtl: int) -> str:
    late = (rtl - model + (1 << 31)) % (1 << 32) - (1 << 31)   # the counter wraps: the short way round
    return f" (the RTL retires {abs(late)} cycle{'s' if abs(late) != 1 else ''} {'late' if late > 0 else 'early'})"


def diff_states(expected: dict, actual: dict) -> list[str]:
    out = []
    for key in ("pc", "halted", "trapped"):
        if expected[key] != actual[key]:
            out.append(f"{key}: model {expected[key]}, rtl {actual[key]}")
    for i, (e, a) in enumerate(zip(expected["x"], actual["x"], strict=True)):
        if e != a:
            out.append(f"x{i}: model {e:#x}, rtl {a:#x}")
    for i, (e, a) in enumerate(zip(expected["boxes"], actual["boxes"], strict=True)):
        for side in ("lo", "hi"):
            if e[side] != a[side]:
                out.append(f"b{i}.{side}: model {e[side]}, rtl {a[side]}")
    for name, e in expected["csr"].items():
        if e != actual["csr"][name]:  # cycle too: the model follows the documented latencies
            out.append(f"csr {name}: model {e:#x}, rtl {actual['csr'][name]:#x}")
    bad = [i for i, (e, a) in enumerate(zip(expected["dmem"], actual["dmem"], strict=True)) if e != a]
    for i in bad[:8]:
        out.append(f"mem word {i}: model {expected['dmem'][i]:#x}, rtl {actual['dmem'][i]:#x}")
    return out


def _bus(values) -> int:
    out = 0
    for i, v in enumerate(values):
        out |= (v & 0xFFFFFFFF) << (32 * i)
    return out


def model_fields(rec: RetireRecord) -> dict[str, int] | None:
    """The model's retirement as trace-port field values in the canonical form that the
    verification top logs (verif/tb_top.py: fields without their valid bit are zero). None
    when the record cannot be shown on the port (writes that are not one run of words, or
    two CSR writes): a mismatch by definition."""
    if rec.cycle is None:   # not timed: the port always shows a cycle
        return None
    f = {"order": rec.order, "pc": rec.pc, "insn": rec.word, "next_pc": rec.next_pc, "halt": int(rec.halted),
         "cycle": rec.cycle}
    if rec.trap is not None:
        f.update(trap=1, cause=rec.trap, tval=rec.tval or 0)
    if rec.x_write is not None:
        f.update(rd_we=1, rd_addr=rec.x_write[0], rd_wdata=rec.x_write[1])
    if rec.b_write is not None:
        addr, lo, hi = rec.b_write
        f.update(bd_we=1, bd_addr=addr, bd_lo=_bus(lo), bd_hi=_bus(hi))
    if rec.mem_writes:
        base = rec.mem_writes[0][0]
        if any(a != base + 4 * i for i, (a, _) in enumerate(rec.mem_writes)):
            return None
        f.update(mem_we=1, mem_addr=base, mem_count=len(rec.mem_writes), mem_wdata=_bus(v for _, v in rec.mem_writes))
    if rec.csr_writes:
        if len(rec.csr_writes) > 1:
            return None
        (num, value), = rec.csr_writes
        f.update(csr_we=1, csr_addr=num, csr_wdata=value)
    if rec.branch is not None:
        pred, taken, counter = rec.branch
        f.update(br_valid=1, br_pred=int(pred), br_taken=int(taken), br_counter=counter)
    return f
