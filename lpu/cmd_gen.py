"""`lpu gen`: the LPU's Verilog for a configuration, its manifest, lint and synthesis stats."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import UserError
from .registry import Subparsers, add_command


def cmd_gen(args: argparse.Namespace) -> int:
    from isa_spec import load_spec, make_config
    from isa_spec.params import parse_param_overrides
    from rtl_gen.generate import generate
    from rtl_gen.progress import Progress
    from rtl_gen.top import TOP_NAME

    config = make_config(load_spec(), args.config, parse_param_overrides(args.param))
    if args.lint or args.stats:
        from rtl_gen.toolchain import require_lint_tools

        require_lint_tools()   # before generating, which can take minutes
    out = Path(args.output)
    # large configurations take minutes per step: say which step runs (stderr: stdout keeps
    # the results)
    progress = Progress(lambda line: print(line, file=sys.stderr, flush=True))
    try:
        manifest = generate(config, out, progress)
    except OSError as exc:
        raise UserError(f"{out}: cannot write: {exc.strerror or exc}") from None
    verilog = out / f"{TOP_NAME}.v"
    print(f"wrote {verilog} and {out / 'manifest.json'} (config {config.name})")
    status = 0
    if args.lint or args.stats:
        from rtl_gen.lint import lint

        with progress.step("lint"):
            problems = lint(verilog, TOP_NAME)
        print(f"lint (verilator -Wall): {'clean' if not problems else f'{len(problems)} problems'}")
        for line in problems:
            print("  " + line)
        status |= bool(problems)
    if args.stats:
        from rtl_gen.synth import synthesize

        with progress.step("synthesize"):
            st = synthesize(verilog, TOP_NAME, out / "synth")
        print(f"yosys: {st.cells} gate-level cells, {st.flops} flop bits, {st.latches} latches")
        print(f"  {'block':28} {'word-level cells':>16} {'flop bits':>10} {'memory bits':>12}")
        for blk, v in st.per_block.items():
            print(f"  {blk:28} {v.get('cells', 0):>16} {v.get('flops', 0):>10} {v.get('mem_bits', 0):>12}")
        for p in st.problems:
            print("  problem: " + p)
        manifest["synth"] = {"cells": st.cells, "flops": st.flops, "latches": st.latches,
                             "per_block": st.per_block}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        status |= bool(st.problems)
    return int(status)


def register(sub: Subparsers) -> None:
    p = add_command(sub, "gen", cmd_gen, help="generate the LPU's Verilog for a configuration",
                    description="Generate DIR/lpu_top.v and DIR/manifest.json for a named configuration "
                                "with optional parameter overrides; --lint runs Verilator -Wall, "
                                "--stats synthesizes with Yosys and reports cells and flops per block.")
    p.add_argument("--config", default="default", help="named configuration (isa.toml [configs])")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter (repeatable), e.g. --param D=16")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.add_argument("--lint", action="store_true", help="lint the result with verilator -Wall")
    p.add_argument("--stats", action="store_true", help="lint, then synthesize with Yosys and report")
