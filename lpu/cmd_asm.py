"""`lpu asm` (source to hex image) and `lpu disasm` (hex image to a listing)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UserError
from .registry import Subparsers, add_command


def cmd_asm(args: argparse.Namespace) -> int:
    from isa_spec.hexfile import write_hex

    from .program import assemble_file

    prog = assemble_file(args.source)
    out = args.output or args.source.with_suffix(".hex")
    try:
        write_hex(prog, out)
    except OSError as exc:
        raise UserError(f"{out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {out}: {len(prog.text)} instructions, {len(prog.data)} data words")
    return 0


def listing(text: list[int], data: list[int]) -> list[str]:
    """One line per word: byte address, hex word, disassembly; then the data words."""
    from isa_spec.bits import to_s32
    from isa_spec.disassembler import disassemble

    out = [f"{4 * i:08x}:  {w & 0xFFFFFFFF:08x}  {disassemble(w, pc=4 * i)}" for i, w in enumerate(text)]
    if data:
        out.append("data:")
        for i, w in enumerate(data):
            out.append(f"{4 * i:08x}:  {w & 0xFFFFFFFF:08x}  .word {to_s32(w)}")
    return out


def cmd_disasm(args: argparse.Namespace) -> int:
    from .program import load

    prog = load(args.file)
    for line in listing(prog.text, prog.data):
        print(line)
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(sub, "asm", cmd_asm, "assemble a source file into a hex image")
    p.add_argument("source", type=Path, metavar="FILE.s")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.hex",
                   help="output hex image (default: the source with a .hex suffix)")
    p = add_command(sub, "disasm", cmd_disasm,
                    "list a hex image (or an assembled source): address, word, disassembly")
    p.add_argument("file", type=Path, metavar="FILE.hex")
