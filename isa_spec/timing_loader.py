"""Load and check [timing] and [timing.ex_cycles] of isa.toml (docs/pipeline.md): keys,
expressions, name lists, and, once instructions and classes are loaded, that every name in
them is one."""

from __future__ import annotations

from . import schema
from .errors import SpecError
from .loader import _section as section
from .loader import check_entry
from .types import Spec, Timing


def load_timing(file: str, doc: dict, params: dict, operands: dict) -> Timing:
    """[timing] and [timing.ex_cycles] (docs/pipeline.md): keys, expressions and name lists; the
    names of instructions and classes are checked once those are loaded (check_timing_names)."""
    from .timing import check_expression, expression_names

    sec = section(file, doc, "timing")
    check_entry(file, "[timing]", sec, schema.TIMING)
    known = expression_names(params)

    def expression(entry: str, key: str, expr) -> str:
        if not isinstance(expr, str):
            raise SpecError(file, entry, key, f"must be a string expression, got {expr!r}")
        try:
            check_expression(expr, known)
        except ValueError as exc:
            raise SpecError(file, entry, key, str(exc)) from None
        return expr

    def names(key: str) -> tuple[str, ...]:
        seen: list[str] = []
        for n in sec[key]:
            if not isinstance(n, str) or not n:
                raise SpecError(file, "[timing]", key, f"{n!r} is not a name")
            if n in seen:
                raise SpecError(file, "[timing]", key, f"'{n}' is listed twice")
            seen.append(n)
        return tuple(seen)

    numbers = {k: expression("[timing]", k, sec[k]) for k in schema.TIMING_NUMBERS}
    ex = sec["ex_cycles"]
    for k in schema.TIMING_EX_SPECIAL:
        if k not in ex:
            raise SpecError(file, "[timing.ex_cycles]", k, "missing (required)")
    ex_cycles = {k: expression("[timing.ex_cycles]", k, v) for k, v in ex.items()}
    stages = names("stages")
    if not stages:
        raise SpecError(file, "[timing]", "stages", "must name the pipeline's stages")
    written = names("written_operands")
    for n in written:
        if n not in operands:
            raise SpecError(file, "[timing]", "written_operands", f"'{n}' is no operand (known: {', '.join(operands)})")
    return Timing(stages=stages, numbers=numbers, ex_cycles=ex_cycles, written_operands=written,
                  lists={k: names(k) for k in schema.TIMING_NAME_LISTS})


def check_timing_names(file: str, spec: Spec) -> None:
    """Every name in a [timing] list and every [timing.ex_cycles] key is an instruction or a class."""
    def known(n: str) -> bool:
        return n in spec.instructions or n in spec.classes

    for key, names in spec.timing.lists.items():
        for n in names:
            if not known(n):
                raise SpecError(file, "[timing]", key, f"'{n}' names no instruction or class")
    for n in spec.timing.lists["resolve_in_mw"]:
        for ins in spec.instructions.values():
            if (ins.name == n or ins.iclass == n) and not ins.conditional:
                raise SpecError(file, "[timing]", "resolve_in_mw", f"'{ins.name}' is not a conditional branch")
    for n in spec.timing.ex_cycles:
        if n not in schema.TIMING_EX_SPECIAL and not known(n):
            raise SpecError(file, "[timing.ex_cycles]", n,
                            f"names no instruction, class or one of {', '.join(schema.TIMING_EX_SPECIAL)}")
