"""`lpu run`: a program on the golden model (ISS), with its final state and optional trace."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .argtypes import positive_int
from .errors import UserError
from .registry import Subparsers, add_command


def cmd_run(args: argparse.Namespace) -> int:
    if str(args.file).endswith(".slrm"):
        from .slrm_show import run_slrm

        return run_slrm(args)
    from golden_model import Iss, RetireRecord, StepLimitExceeded
    from isa_spec import load_spec, make_config
    from isa_spec.disassembler import disassemble
    from isa_spec.params import parse_param_overrides

    from . import program, show

    spec = load_spec()
    config = make_config(spec, args.config, parse_param_overrides(args.param))
    prog = program.load(args.file)
    iss = Iss(config, spec)
    program.load_into(iss, prog)

    def disasm(word: int, pc: int) -> str:
        return disassemble(word, pc=pc)

    records: list[dict] = []

    def on_retire(rec: RetireRecord) -> None:
        # Printed as it retires, so a run that never halts still shows where it went.
        if args.json:
            records.append(show.trace_json(spec, rec, disasm))
        else:
            print(show.trace_line(spec, rec, disasm))

    try:
        iss.run(args.max_steps, on_retire=on_retire if args.trace else None)
    except StepLimitExceeded as exc:
        sys.stdout.flush()
        raise UserError(f"{args.file}: {exc} (raise --max-steps, or check the program halts)") from None

    snap = iss.state.snapshot()
    if args.json:
        out = show.state_json(spec, config, snap, iss.order)
        if args.trace:
            out["trace"] = records
        print(json.dumps(out, indent=2))
    else:
        for line in show.format_state(spec, config, snap):
            print(line)
    return 0


def register(sub: Subparsers) -> None:
    from .cmd_compile import add_compile_options

    p = add_command(sub, "run", cmd_run, "run a program (.s, .hex or .slrm) on the golden model and show the "
                    "final state (for .slrm: the results by name, checked against the float interpreter)")
    p.add_argument("file", type=Path, metavar="FILE", help="assembly source, a hex image (.hex) or SLRM (.slrm)")
    p.add_argument("--config", default="default", metavar="NAME",
                   help="named configuration from isa_spec/isa.toml (default: default)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override one generator parameter, e.g. --param D=4 (repeatable)")
    p.add_argument("--json", action="store_true", help="print the final state as JSON")
    p.add_argument("--trace", action="store_true", help="print one line per retired instruction")
    p.add_argument("--max-steps", type=positive_int, default=1_000_000, metavar="N",
                   help="stop with an error after N instructions without a halt (default: 1000000)")
    add_compile_options(p)
