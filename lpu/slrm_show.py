"""`lpu run FILE.slrm`: compile, run every program on the golden model, and print each
result by its source name next to the float interpreter's value."""

from __future__ import annotations

import argparse
import json

from .errors import UserError


def _float(e) -> str:
    if e.expected is None:
        return "not written"
    if isinstance(e.expected, float):
        return f"{e.expected:.6f} +- {e.bound:.2g}" if e.bound is not None else f"{e.expected:.6f}"
    return str(e.expected).lower() if isinstance(e.expected, bool) else str(e.expected)


def run_slrm(args: argparse.Namespace) -> int:
    from regress.compiled_check import check, results

    from .cmd_compile import compile_args

    comp = compile_args(args)
    run, cmp = check(comp)
    vals = results(comp, run)
    if args.json:
        print(json.dumps({
            "file": str(args.file), "config": comp.target.name, "opt": args.opt,
            "programs": [{"instructions": p.text_words, "data_words": p.layout.words, "cycles": c}
                         for p, c in zip(comp.programs, run.cycles, strict=True)],
            "results": {v.name: {"type": str(v.type), "value": v.value, "raw": v.raw, "label": v.label,
                                 "float": e.expected, "status": e.status}
                        for v, e in zip(vals, cmp.entries, strict=True)},
            "check": cmp.counts}, indent=2))
    else:
        n = len(comp.programs)
        print(f"{args.file} on {comp.target.name} at -O{args.opt}: {n} program{'s' * (n != 1)}, "
              f"{sum(p.text_words for p in comp.programs)} instructions, {run.total_cycles} cycles")
        width = max((len(v.name) for v in vals), default=0)
        for v, e in zip(vals, cmp.entries, strict=True):
            print(f"  {v.name:<{width}}  {v.show():<22} float {_float(e)}  [{e.status}]")
        c = cmp.counts
        print(f"checked against the float64 interpreter: {c['agree']} agree, {c['near']} near the threshold "
              f"(not compared), {c['disagree']} disagree")
    if not cmp.ok:
        raise UserError(f"{args.file}: the LPU disagrees with the float interpreter:\n{cmp}")
    return 0
