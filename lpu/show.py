"""Human and JSON views of the ISS: the final architectural state and the retirement trace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from isa_spec import Config, Spec
from isa_spec.types import FixedFormat

if TYPE_CHECKING:
    from golden_model import RetireRecord

COUNTERS = ("instret", "branches", "mispred", "cycle")

Disasm = Callable[[int, int], str]


def _u32(v: int) -> int:
    return v & 0xFFFFFFFF


def _coord(spec: Spec) -> FixedFormat:
    return spec.formats["coord"]


def _csr_value(spec: Spec, name: str, raw: int) -> str:
    """Hex, decimal, and the real value for CSRs that have a fixed-point format."""
    text = f"{_u32(raw):#010x}  {raw}"
    fmt = spec.csrs[name].format
    if fmt:
        text += f"  ({fmt} {spec.formats[fmt].show(raw)})"
    return text


def _box(values: list[int] | tuple[int, ...], fmt: FixedFormat) -> str:
    return "[" + ", ".join(fmt.show(int(v)) for v in values) + "]"


def status(spec: Spec, snap: dict) -> str:
    csr = snap["csr"]
    if snap["trapped"]:
        trap = spec.trap_by_code(csr["mcause"])
        cause = trap.name if trap else f"unknown cause {csr['mcause']}"
        return (f"trapped: {cause} (mcause {csr['mcause']}), mepc {_u32(csr['mepc']):#010x}, "
                f"mtval {_u32(csr['mtval']):#010x}")
    return "halted" if snap["halted"] else "running (not halted)"


def format_state(spec: Spec, config: Config, snap: dict) -> list[str]:
    """The final state: pc and status, non-zero x and box registers, all CSRs."""
    q = _coord(spec)
    params = " ".join(f"{k}={v}" for k, v in config.values)
    out = [f"config   {config.name} ({params})",
           f"pc       {_u32(snap['pc']):#010x}",
           f"status   {status(spec, snap)}",
           "scalar registers (non-zero; hex, integer, Q16.16):"]
    regs = [(i, v) for i, v in enumerate(snap["x"]) if v]
    out += [f"  x{i:<3} {_u32(v):#010x}  {v:>11}  {q.show(v)}" for i, v in regs] or ["  (all zero)"]
    out.append("box registers (non-zero; coordinates as reals):")
    boxes = [(i, b) for i, b in enumerate(snap["boxes"]) if any(b["lo"]) or any(b["hi"])]
    out += [f"  b{i:<3} lo {_box(b['lo'], q)}  hi {_box(b['hi'], q)}" for i, b in boxes] or ["  (all zero)"]
    out.append("csrs:")
    width = max(len(n) for n in snap["csr"])
    out += [f"  {n:<{width}}  {_csr_value(spec, n, v)}" for n, v in snap["csr"].items()]
    return out


def state_json(spec: Spec, config: Config, snap: dict, retired: int) -> dict:
    """The snapshot plus the counters, the trap (by name) and the configuration."""
    csr = snap["csr"]
    out = {"config": {"name": config.name, "params": config.as_dict()}, **snap,
           "counters": {c: csr[c] for c in COUNTERS if c in csr}, "steps": retired, "trap": None}
    if snap["trapped"]:
        trap = spec.trap_by_code(csr["mcause"])
        out["trap"] = {"cause": trap.name if trap else None, "mcause": csr["mcause"],
                       "mepc": csr["mepc"], "mtval": csr["mtval"]}
    return out


def _effects(spec: Spec, rec: RetireRecord) -> list[str]:
    q = _coord(spec)
    fx = []
    if rec.x_write is not None:
        i, v = rec.x_write
        fx.append(f"x{i} <- {_u32(v):#010x} ({v}, {q.show(v)})")
    if rec.b_write is not None:
        i, lo, hi = rec.b_write
        fx.append(f"b{i} <- lo {_box(lo, q)} hi {_box(hi, q)}")
    fx += [f"mem[{a:#x}] <- {_u32(v):#010x}" for a, v in rec.mem_writes]
    for number, v in rec.csr_writes:
        csr = spec.csr_by_number(number)
        fx.append(f"{csr.name if csr else hex(number)} <- {_u32(v):#010x}")
    if rec.branch is not None:
        predicted, taken, _counter = rec.branch
        word = "ok" if predicted == taken else "MISPREDICTED"
        fx.append(f"branch predicted {'taken' if predicted else 'not-taken'}, "
                  f"{'taken' if taken else 'not-taken'} ({word})")
    if rec.trap is not None:
        trap = spec.trap_by_code(rec.trap)
        fx.append(f"TRAP {trap.name if trap else rec.trap} mtval={_u32(rec.tval or 0):#010x}")
    if rec.halted and rec.trap is None:
        fx.append("halted")
    return fx


def _fetch_fault(spec: Spec, rec: RetireRecord) -> bool:
    """A fetch fault has no instruction word: there is nothing to disassemble."""
    trap = spec.trap_by_code(rec.trap) if rec.trap is not None else None
    return trap is not None and trap.name == "fetch_fault"


def trace_line(spec: Spec, rec: RetireRecord, disasm: Disasm) -> str:
    """order, pc, word, disassembly, then what the instruction did."""
    text = "(not fetched)" if _fetch_fault(spec, rec) else disasm(rec.word, rec.pc)
    return f"{rec.order:>6}  {_u32(rec.pc):08x}  {_u32(rec.word):08x}  {text:<36}  {'; '.join(_effects(spec, rec))}"


def trace_json(spec: Spec, rec: RetireRecord, disasm: Disasm) -> dict:
    d = asdict(rec)
    d["disasm"] = None if _fetch_fault(spec, rec) else disasm(rec.word, rec.pc)
    d["effects"] = _effects(spec, rec)
    return d
