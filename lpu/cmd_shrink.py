"""`lpu shrink`: a failing program shrunk to a minimal reproducer (regress/shrink.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UserError, read_text, require_file
from .registry import Subparsers, add_command


def _target(args: argparse.Namespace, config_name: str, overrides: dict[str, int]):
    from isa_spec import load_spec, make_config
    from regress.shrink import Target

    config = make_config(load_spec(), config_name, overrides)
    rtl = Path(args.rtl).resolve() if args.rtl else None
    if rtl:
        from verif.build import rtl_mismatch

        if not (rtl / "lpu_top.v").exists():
            raise UserError(f"--rtl: {args.rtl}: no lpu_top.v here (expected the output of `lpu gen`)")
        why = rtl_mismatch(rtl, config)
        if why:
            raise UserError(why)
    return Target(config, config_name, overrides, rtl)


def cmd_shrink(args: argparse.Namespace) -> int:
    from isa_spec import load_spec
    from isa_spec.params import parse_param_overrides
    from regress.shrink import shrink
    from regress.shrink_job import read_test_dir, shrink_job

    if args.runs < 1:
        raise UserError(f"--runs: need at least 1 candidate run, got {args.runs}")
    if args.seconds <= 0:
        raise UserError(f"--seconds: need a positive number of seconds, got {args.seconds}")
    where = Path(args.target)
    if where.is_dir():
        job, verdict = read_test_dir(where)
        if args.param or args.config:
            raise UserError("--config/--param: a test directory names its own configuration")
        rtl = Path(args.rtl).resolve() if args.rtl else None
        if rtl:
            _target(args, job.config, {})   # the same checks as for a file
        res = shrink_job(job, load_spec(), where.resolve(), verdict.get("message", ""), args.runs, rtl,
                         args.seconds)
    else:
        source = read_text(require_file(where))
        target = _target(args, args.config or "default", parse_param_overrides(args.param))
        out = Path(args.out) if args.out else where.with_name(where.stem + ".min.s")
        res = shrink(source, target, out, origin=str(where), max_runs=args.runs, max_seconds=args.seconds)
    print(f"{res.signature}: {res.before} -> {res.after} instructions in {res.runs} runs ({res.seconds:.0f} s"
          f"{'' if res.minimal else ', stopped by the budget: not 1-minimal'})")
    print(f"minimal reproducer: {res.path}")
    print(f"reproduce: {res.repro}")
    return 0


def register(sub: Subparsers) -> None:
    from regress.shrink import DEFAULT_RUNS, DEFAULT_SECONDS

    p = add_command(sub, "shrink", cmd_shrink, help="shrink a failing program to a minimal reproducer",
                    description="Delta debugging over the instructions of a failing program, keeping its "
                                "failure signature, each candidate run on the same built RTL. TARGET is a "
                                "regression test directory (out/regress/runNNNN/tests/...: its failing random "
                                "program, shrunk to minimal.s there) or an assembly file (shrunk to "
                                "FILE.min.s, or --out).")
    p.add_argument("target", metavar="TARGET", help="a regression test directory or a failing .s file")
    p.add_argument("--config", help="with a file: named configuration (default default)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="with a file: a parameter")
    p.add_argument("--rtl", help="run the candidates on this Verilog tree (lpu_top.v), e.g. a mutant's")
    p.add_argument("--runs", type=int, default=DEFAULT_RUNS, metavar="N",
                   help=f"candidate simulations at most (default {DEFAULT_RUNS})")
    p.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, metavar="S",
                   help=f"wall time at most (default {DEFAULT_SECONDS:.0f})")
    p.add_argument("--out", help="with a file: where the reproducer goes (default FILE.min.s)")
