"""`lpu mutate`: mutation testing of the testbench against the generated Verilog."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from .errors import UserError, status_printer
from .registry import Subparsers, add_command


def cmd_mutate(args: argparse.Namespace) -> int:
    from isa_spec import load_spec, make_config
    from regress.mutate import format_report, report, run_mutants, write_report
    from verif.build import ensure_rtl
    from verif.mutation import enumerate_mutants, sample

    if args.count < 1 or args.jobs < 1 or args.seeds < 0 or args.timeout <= 0:
        raise UserError("--count and -j need at least 1, --seeds 0 or more, --timeout a positive number")
    config = make_config(load_spec(), args.config)
    src = ensure_rtl(config) / "lpu_top.v"
    mutants = sample(enumerate_mutants(src.read_text()), args.count, args.seed)
    out = Path(args.out) / f"{config.name}-seed{args.seed}"
    echo = status_printer(args.json)   # with --json, stdout is the JSON alone

    echo(f"{len(mutants)} mutants of {src} (seed {args.seed}), each against the smoke budget: the directed "
         f"programs, then {args.seeds} random programs; -j {args.jobs}")
    t0 = time.monotonic()
    results = run_mutants(mutants, args.config, src, out / "work", args.seeds, args.timeout, args.jobs, echo)
    rep = report(results, config.name, args.seed, time.monotonic() - t0)
    path = write_report(rep, out)
    if args.json:
        print(json.dumps(rep, indent=1))
    else:
        for line in format_report(rep, src):
            print(line)
        print(f"report: {path}")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "mutate", cmd_mutate, "mutation testing of the testbench",
                    description="Inject mutants into the generated Verilog (operator swaps, off-by-one "
                                "constants, inverted conditions, stuck-at bits, dropped assignments), run "
                                "the smoke budget against each with `lpu sim --rtl`, and report the kill "
                                "rate and the surviving mutants.")
    p.add_argument("--config", default="tiny", help="named configuration to mutate (default tiny)")
    p.add_argument("--count", type=int, default=50, metavar="N", help="mutants to sample (default 50)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="sampling seed (default 1)")
    p.add_argument("--seeds", type=int, default=20, metavar="N",
                   help="random programs per mutant after the directed ones (default 20, as the smoke)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="parallel mutants")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S", help="per test of a mutant (default 300)")
    p.add_argument("--out", default="out/mutate", metavar="DIR", help="work and report directory")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
