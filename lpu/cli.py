"""The `lpu` command line: one entry point over the spec, the golden model and the suites.

Subcommands live in their own modules (see lpu/registry.py); this module only builds the
parser and turns user mistakes into one-line errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .registry import register_all

PROG = "lpu"
# options whose value is itself a list of flags (`--slurm-args "--partition=sim"`): argparse
# would take a lone "--partition=sim" for an unknown option of ours
FLAG_VALUED = ("--slurm-args",)


def _join_flag_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in FLAG_VALUED:
            value = next(it, None)
            out.append(a if value is None else f"{a}={value}")
        else:
            out.append(a)
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The LPU: ISA spec, golden model, RTL generator and verification suite.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = _join_flag_values(list(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already reported
        return exc.code if isinstance(exc.code, int) else 1
    try:
        return args.handler(args)
    except BrokenPipeError:
        # `lpu ... | head`: the reader is gone; stop quietly like other Unix tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from .errors import user_error_types

        if not isinstance(exc, user_error_types()):
            raise  # a bug in the tools: keep the traceback
        message = " ".join(str(exc).split()) or type(exc).__name__  # always one line
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
