"""`lpu sim`: one program (or random programs) on the RTL under the full UVM testbench."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .errors import UserError, output_dir, read_text, require_file
from .registry import Subparsers, add_command


def cmd_sim(args: argparse.Namespace) -> int:
    from isa_spec import load_spec, make_config
    from isa_spec.params import parse_param_overrides
    from rtl_gen.toolchain import ToolError
    from verif.simulate import SimRequest, simulate

    # the options first: a mistake found after the build is minutes lost
    slrm = bool(args.file) and args.file.endswith(".slrm")
    if args.compiled and args.file:
        raise UserError("give either --compiled or a FILE, not both")
    if args.count < 1:
        raise UserError(f"--count: need at least 1 program, got {args.count}")
    if args.only is not None:
        try:
            re.compile(args.only)
        except re.error as exc:
            raise UserError(f"--only: '{args.only}' is not a valid regular expression ({exc})") from None
    bad = [a for a in args.plusarg if not re.fullmatch(r"\+\w[\w+.]*(=\S*)?", a)]
    if bad:
        raise UserError(f"--plusarg: '{bad[0]}' is not a simulator plusarg (+NAME or +NAME=VALUE)")
    overrides = parse_param_overrides(args.param)
    if overrides and (args.compiled or slrm):
        raise UserError("--param: compiled programs are for named configurations (give --config)")
    config = make_config(load_spec(), args.config, overrides)
    if args.random:
        test = "random"
    elif args.coverage_driven:
        test = "cdg"
    elif args.compiled:
        test = "asm"
    elif args.file:                                # FILE.s, or FILE.slrm compiled to .s below
        test = "asm"
        read_text(require_file(Path(args.file)))   # a binary file is named here, not by the decoder later
    elif args.directed:
        test = "directed"
    else:
        raise UserError("give an assembly FILE, --random, --coverage-driven or --directed")
    if args.rtl and not (Path(args.rtl) / "lpu_top.v").exists():
        raise UserError(f"{args.rtl}: no lpu_top.v here (expected the output of `lpu gen`)")
    if args.rtl:
        from verif.build import rtl_mismatch

        why = rtl_mismatch(Path(args.rtl), config)
        if why:
            raise UserError(why + " (give the same --config/--param as to `lpu gen`)")
    kind = "compiled" if args.compiled or slrm else test
    out = Path(args.out or f"out/sim/{config.name}_{kind}_{args.seed}")
    output_dir(out, "--out" if args.out else "test directory")   # before the build and the run
    asm, comp = Path(args.file) if args.file else None, None
    if args.compiled or slrm:
        asm, comp = _compile(args, out / "compiled")
    req = SimRequest(config=config, config_name=args.config, overrides=overrides, test=test, test_dir=out,
                     seed=args.seed, count=args.count, asm=asm,
                     rtl_dir=Path(args.rtl) if args.rtl else None, waves=args.waves, only=args.only,
                     plusargs=tuple(args.plusarg))
    try:
        res = simulate(req)
    except ToolError as exc:
        raise UserError(str(exc)) from None
    print(f"{'PASS' if res.passed else 'FAIL'}  {test} on {config.name}  ({res.seconds:.1f} s)  log: {out / 'sim.log'}")
    if res.coverage:
        print(f"functional coverage: {res.coverage}")
    if comp is not None and res.passed:
        _print_results(comp)
    if not res.passed:
        print(res.failure.strip())
        print(f"reproduce: {_repro(args) if kind == 'compiled' else res.repro}")
    if res.waves:
        print(f"waveform: {res.waves}")
    return 0 if res.passed else 1


def _compile(args: argparse.Namespace, folder: Path):
    """--compiled: the compiled family into folder; FILE.slrm: that program (-O2) into folder."""
    from compiler.errors import CompileError
    from regress.compiled import Compiled, InterpreterMismatch, compile_family, write_compilation

    try:
        if args.compiled:
            files = compile_family(args.config, args.seed, args.count, folder)
            print(f"compiled {len(files)} programs into {folder}")
            return folder, None
        from compiler.driver import compile_source  # parses with compiler.frontend.parser
        from compiler.passes.manager import PassOptions
        from compiler.target import make_target

        path = Path(args.file)
        comp = compile_source(read_text(path), make_target(args.config), str(path), PassOptions(opt=2))
    except (CompileError, InterpreterMismatch) as exc:
        raise UserError(str(exc)) from None
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.s"):      # a previous run's programs would run too
        old.unlink()
    write_compilation(Compiled(path.stem, path.name, 2, comp), folder)
    print(f"compiled {path} into {len(comp.programs)} program(s) in {folder}")
    return folder, comp


def _print_results(comp) -> None:
    """The program's results by source name (the ISS's: the RTL matched it retirement by retirement)."""
    from regress.compiled import results

    values, cycles = results(comp)
    width = max((len(v.name) for v in values), default=0)
    for v in values:
        print(f"  {v.name:<{width}}  {v.show()}")
    print(f"  ({cycles} cycles on the golden model)")


def _repro(args: argparse.Namespace) -> str:
    import shlex

    cmd = ["lpu", "sim"] + ([args.file] if args.file else ["--compiled", "--seed", str(args.seed),
                                                             "--count", str(args.count)])
    return shlex.join(cmd + ["--config", args.config, "--waves"])


def register(sub: Subparsers) -> None:
    p = add_command(sub, "sim", cmd_sim, help="run programs on the RTL under the UVM testbench",
                    description="Run an assembly FILE, an SLRM FILE.slrm (compiled, its results printed), "
                                "random programs (--random --seed N [--count K]), compiled SLRM programs "
                                "(--compiled --seed N [--count K]) or the directed programs (--directed) on the "
                                "generated RTL, checked retirement by retirement against the golden model.")
    p.add_argument("file", nargs="?", help="an assembly program (.s), or an SLRM program (.slrm) to compile and run")
    p.add_argument("--random", action="store_true", help="constrained-random programs")
    p.add_argument("--coverage-driven", action="store_true",
                   help="generated programs aimed at this run's coverage holes (after one uniform program)")
    p.add_argument("--directed", action="store_true", help="the spec's examples and examples/*.s")
    p.add_argument("--compiled", action="store_true",
                   help="examples/*.slrm and random SLRM programs (seeds seed..seed+count-1), compiled")
    p.add_argument("--only", help="with --directed: a regex on program names")
    p.add_argument("--seed", type=int, default=1, help="first random seed (default 1)")
    p.add_argument("--count", type=int, default=1,
                   help="programs (--random, --compiled: seeds seed..seed+count-1)")
    p.add_argument("--config", default="default", help="named configuration")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--rtl", help="check this Verilog tree (lpu_top.v) instead of generating one")
    p.add_argument("--waves", action="store_true", help="write a VCD waveform (dump.vcd)")
    p.add_argument("--out", help="test directory (default out/sim/...)")
    p.add_argument("--plusarg", action="append", default=[], metavar="+NAME[=VALUE]",
                   help="pass a plusarg to the simulator (e.g. +lpu_mutant=7 on a mutant schemata build)")
