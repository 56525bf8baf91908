"""`lpu bench [--quick] [--json]`: the suite's speed figures, each next to its baseline."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .errors import status_printer
from .registry import Subparsers, add_command


def cmd_bench(args: argparse.Namespace) -> int:
    from isa_spec import load_spec
    from regress.bench import BenchOptions, run_bench, table

    echo = status_printer(args.json)   # with --json, stdout is the JSON alone

    opts = BenchOptions(quick=args.quick, config=args.config, out=Path(args.out), echo=echo,
                        only=tuple(args.only or ()))
    result = run_bench(load_spec(), opts)
    path = Path(args.out) / "bench.json"
    path.write_text(json.dumps(result, indent=1))
    for line in table(result):
        echo(line)
    echo(f"figures: {path}")
    if args.json:
        print(json.dumps(result, indent=1))
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "bench", cmd_bench, "speed figures of the suite, each next to its baseline",
                    description="Testbench vs bare Verilator harness throughput, golden model vs a plain "
                                "Python loop, coverage closure driven vs random, regression scaling -j 1 vs "
                                "-j 2, hardware figures (cycles per box operation over D and LANES, Yosys "
                                "cells) and the compiler's (cycles per -O level against hand-written assembly, "
                                "per pass, spills, compile time). Figures go to OUT/bench.json.")
    p.add_argument("--quick", action="store_true", help="fewer programs and seeds, no synthesis (minutes)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    p.add_argument("--config", default="default", help="configuration for the simulation figures (default default)")
    from regress.bench import SECTIONS

    p.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                   help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    p.add_argument("--out", default="out/bench", metavar="DIR",
                   help="work directory and bench.json (default out/bench)")
