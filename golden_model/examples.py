"""Run the spec's worked examples on the ISS (used by tests, `lpu isa check` and the smoke suite).

Example values: ints are raw register/memory values; floats are real numbers in the
register's fixed-point format (coord for x registers, boxes and memory; the CSR's own format
for CSRs) compared with the example's tolerance `tol` (0 means exact after rounding).
"""

from __future__ import annotations

import math

from isa_spec import Spec
from isa_spec.example_check import BOX_KEY, EXAMPLE_CONFIG, MEM_KEY, X_KEY, example_overrides, mem_address
from isa_spec.params import make_config
from isa_spec.types import Example

from .iss import Iss
from .state import to_s32


def _raw(value, frac: int) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return math.floor(value * (1 << frac) + 0.5)
    return value


def make_iss_for(example: Example, spec: Spec) -> Iss:
    # the configuration the loader checked the example's names against
    return Iss(make_config(spec, EXAMPLE_CONFIG, example_overrides(example)), spec)


def _apply_init(iss: Iss, example: Example, spec: Spec) -> None:
    s, q = iss.state, spec.formats["coord"].frac
    for key, value in example.init.items():
        if m := X_KEY.match(key):
            s.x[int(m.group(1))] = to_s32(_raw(value, q))
        elif m := BOX_KEY.match(key):
            arr = s.box_lo if m.group(2) == "lo" else s.box_hi
            arr[int(m.group(1))] = [_raw(v, q) for v in value]
        elif m := MEM_KEY.match(key):
            s.dmem[mem_address(m.group(1)) // (spec.xlen // 8)] = to_s32(_raw(value, q))
        elif key in spec.csrs:
            fmt = spec.csrs[key].format
            s.csr[key] = _raw(value, spec.formats[fmt].frac if fmt else 0) & 0xFFFFFFFF
        else:
            raise ValueError(f"{example.where}: unknown init key '{key}'")


def _compare(name: str, actual: int, expected, frac: int, tol: float) -> str | None:
    if isinstance(expected, float):
        real = actual / (1 << frac)
        if abs(real - expected) > max(tol, 0.5 / (1 << frac)):
            return f"{name}: expected {expected} (tol {tol}), got {real} (raw {actual})"
        return None
    if actual != expected:
        return f"{name}: expected {expected}, got {actual}"
    return None


def run_example(example: Example, spec: Spec) -> list[str]:
    """Run one example; return mismatch messages (empty when it passes)."""
    from isa_spec.assembler import assemble

    iss = make_iss_for(example, spec)
    prog = assemble(example.asm, example.where)
    iss.load_program(prog.text, prog.data)
    _apply_init(iss, example, spec)
    last = None
    for _ in prog.text:
        if iss.state.halted:
            break
        last = iss.step()
    s, q, tol = iss.state, spec.formats["coord"].frac, example.tol
    errors: list[str] = []
    for key, exp in example.expect.items():
        err = None
        if key == "pc":
            err = _compare("pc", to_s32(s.pc), exp, 0, 0)
        elif key == "halted":
            err = None if s.halted == exp else f"halted: expected {exp}, got {s.halted}"
        elif key == "trap":
            got = spec.trap_by_code(last.trap).name if last is not None and last.trap else None
            err = None if got == exp else f"trap: expected {exp}, got {got}"
        elif m := X_KEY.match(key):
            err = _compare(key, s.x[int(m.group(1))], exp, q, tol)
        elif m := BOX_KEY.match(key):
            arr = s.box_lo if m.group(2) == "lo" else s.box_hi
            row = [int(v) for v in arr[int(m.group(1))]]
            if len(row) != len(exp):
                err = f"{key}: expected {len(exp)} dimensions, got {len(row)}"
            else:
                errs = [_compare(f"{key}[{i}]", a, e, q, tol) for i, (a, e) in enumerate(zip(row, exp, strict=True))]
                err = "; ".join(e for e in errs if e) or None
        elif m := MEM_KEY.match(key):
            err = _compare(key, s.dmem[mem_address(m.group(1)) // (spec.xlen // 8)], exp, q, tol)
        elif key in spec.csrs:
            fmt = spec.csrs[key].format
            err = _compare(key, s.csr[key], exp, spec.formats[fmt].frac if fmt else 0, tol)
        else:
            err = f"unknown expect key '{key}'"
        if err:
            errors.append(f"{example.where}: {err}")
    return errors
