"""The IR as text (`lpu compile --emit ir`): one op per line, MLIR-like."""

from __future__ import annotations

from .core import Function, Op, Value


def _value(v: Value) -> str:
    reg = "" if v.reg is None else f"@{'b' if v.type.value == 'box' else 'x'}{v.reg}"
    return f"%{v.id}{reg}"


def _attr(key: str, val) -> str:
    if key in ("then", "else", "target"):
        return f"{key}=^{val}"
    if isinstance(val, float):
        return f"{key}={val:.10g}"
    return f"{key}={val}"


def format_op(op: Op) -> str:
    lhs = f"{_value(op.result)}:{op.result.type} = " if op.result is not None else ""
    args = ", ".join(_value(v) for v in op.operands)
    attrs = ", ".join(_attr(k, v) for k, v in op.attrs.items())
    text = f"{lhs}{op.opcode}{' ' + args if args else ''}{' {' + attrs + '}' if attrs else ''}"
    hint = op.result.hint if op.result is not None and op.result.hint else ""
    return f"{text}  # {hint}" if hint else text


def format_function(fn: Function) -> str:
    lines = [f"func @program(D={fn.D}) stage={fn.stage} {{"]
    for c in fn.concepts.values():
        if len(set(c.lo)) == 1 and len(set(c.hi)) == 1:
            lines.append(f"  concept {c.name} = box({c.lo[0]:.10g}, {c.hi[0]:.10g})")
        else:
            lo = ", ".join(f"{x:.10g}" for x in c.lo)
            hi = ", ".join(f"{x:.10g}" for x in c.hi)
            lines.append(f"  concept {c.name} = box([{lo}], [{hi}])")
    for i, s in enumerate(fn.outputs):
        lines.append(f"  output {i} {s.name}: {s.type}")
    for b in fn.blocks:
        lines.append(f"^{b.name}:")
        lines += [f"  {format_op(op)}" for op in b.ops]
    lines.append("}")
    return "\n".join(lines) + "\n"
