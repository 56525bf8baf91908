"""`lpu regress smoke`: the smoke suite (golden model, then the RTL under the testbench)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .registry import Subparsers, add_command, add_group


def cmd_smoke(args: argparse.Namespace) -> int:
    from isa_spec import load_spec, make_config
    from isa_spec.params import parse_param_overrides
    from regress.smoke import example_programs, run_smoke, summary

    spec = load_spec()
    config = make_config(spec, args.config, parse_param_overrides(args.param))
    programs = example_programs(args.examples)
    results = run_smoke(spec, config, programs, args.max_steps)
    if args.rtl:
        from regress.smoke_rtl import rtl_smoke_results

        print("RTL part (generated once per configuration and built with Verilator; the first run "
              "takes a few minutes):")
        results += rtl_smoke_results(spec, Path(args.out), args.seeds)
    for line in summary(results):
        print(line)
    if not programs:
        print(f"note: no programs in {args.examples}/*.s")
    if not args.rtl:
        print("note: --no-rtl: this run checked the golden model only")
    return 0 if all(r.ok for r in results) else 1


def register(sub: Subparsers) -> None:
    from regress.smoke import EXAMPLES_DIR, MAX_STEPS

    regress = add_group(sub, "regress", "regression suites")
    p = add_command(regress, "smoke", cmd_smoke,
                    "the spec's worked examples and examples/*.s on the golden model, then directed and "
                    "random programs on the RTL (tiny, default) under the UVM testbench")
    p.add_argument("--examples", type=Path, default=EXAMPLES_DIR, metavar="DIR",
                   help=f"directory of example programs (default: {EXAMPLES_DIR})")
    p.add_argument("--config", default="default", metavar="NAME",
                   help="configuration for the example programs (default: default)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override one generator parameter for the example programs (repeatable)")
    p.add_argument("--no-rtl", dest="rtl", action="store_false", help="golden-model part only")
    p.add_argument("--seeds", type=int, default=20, metavar="N", help="random programs per configuration (default 20)")
    p.add_argument("--out", default="out/smoke", metavar="DIR", help="test directories and logs (default out/smoke)")
    p.add_argument("--max-steps", type=int, default=MAX_STEPS, metavar="N",
                   help=f"an example program that has not halted after N instructions fails (default: {MAX_STEPS})")
