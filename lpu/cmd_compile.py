"""`lpu compile`: an SLRM program (.slrm) to LPU assembly, for one configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UserError
from .registry import Subparsers, add_command


def add_compile_options(p: argparse.ArgumentParser) -> None:
    """The options `lpu compile`, `lpu run FILE.slrm` and `lpu sim FILE.slrm` share."""
    from compiler.passes.manager import OPTIONAL

    p.add_argument("-O", dest="opt", type=int, choices=(0, 1, 2), default=2,
                   help="optimisation level (default 2): 0 none, 1 cse+dce+register allocation, "
                        "2 also scheduling and branch layout")
    for name in OPTIONAL:
        p.add_argument(f"--no-{name}", dest="disabled", action="append_const", const=name, default=[],
                       help=f"turn off the {name} pass")


def pass_options(args: argparse.Namespace, dump=None):
    from compiler.passes.manager import PassOptions

    return PassOptions(args.opt, frozenset(args.disabled or ()), dump)


def compile_args(args: argparse.Namespace, dump=None):
    """The Compilation of args.file for args.config/args.param; user mistakes as UserError."""
    from compiler.driver import compile_file
    from compiler.target import make_target
    from isa_spec.params import parse_param_overrides

    target = make_target(args.config, parse_param_overrides(args.param))
    return compile_file(Path(args.file), target, pass_options(args, dump))


def _outputs(base: Path, n: int) -> list[Path]:
    if n == 1:
        return [base]
    return [base.with_name(f"{base.stem}.{k}{base.suffix}") for k in range(n)]


def cmd_compile(args: argparse.Namespace) -> int:
    dumps: list[tuple[str, str]] = []
    dump = (lambda stage, text: dumps.append((stage, text))) if args.emit == "ir" else None
    comp = compile_args(args, dump)
    if args.emit == "ir":
        for stage, text in dumps:
            print(f"// ---- after {stage}")
            print(text, end="")
        return 0
    if args.output is None:
        for k, p in enumerate(comp.programs):
            if len(comp.programs) > 1:
                print(f"# ---- program {k + 1} of {len(comp.programs)}")
            print(p.asm, end="")
        return 0
    paths = _outputs(args.output, len(comp.programs))
    for path, p in zip(paths, comp.programs, strict=True):
        try:
            path.write_text(p.asm, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None
        print(f"wrote {path}: {p.text_words} instructions, {p.layout.words} data words, "
              f"{len(p.outputs)} results")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "compile", cmd_compile, "compile an SLRM program (.slrm) to LPU assembly",
                    description="Compile FILE.slrm for a configuration: assembly on stdout or in -o FILE.s "
                                "(a program too big for the memories becomes several: FILE.0.s, FILE.1.s, ...), "
                                "or the IR after every pass (--emit ir).")
    p.add_argument("file", metavar="FILE.slrm")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.s", help="write the assembly here")
    p.add_argument("--config", default="default", metavar="NAME",
                   help="named configuration from isa_spec/isa.toml (default: default)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override one generator parameter, e.g. --param D=4 (repeatable)")
    p.add_argument("--emit", choices=("asm", "ir"), default="asm", help="what to print (default: asm)")
    add_compile_options(p)
