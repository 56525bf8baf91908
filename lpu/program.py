"""Load a program for `lpu run`/`lpu disasm`: assembly source or a hex image."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, read_text, require_file

if TYPE_CHECKING:
    from golden_model import Iss
    from isa_spec.assembler import Program

HEX_SUFFIXES = (".hex",)


@dataclass
class LoadedProgram:
    path: Path
    text: list[int]
    data: list[int]
    symbols: dict[str, int] = field(default_factory=dict)
    text_lines: list[int] = field(default_factory=list)  # source line of each instruction, if known

    def source_of(self, index: int) -> str | None:
        """'file:line' of the instruction at word index, when assembled from source."""
        if 0 <= index < len(self.text_lines):
            return f"{self.path}:{self.text_lines[index]}"
        return None


def is_hex(path: Path) -> bool:
    return path.suffix.lower() in HEX_SUFFIXES


def assemble_file(path: Path) -> Program:
    from isa_spec.assembler import assemble

    return assemble(read_text(path), str(path))


def load(path: Path) -> LoadedProgram:
    """Assemble a source file, or read a hex image (by its .hex suffix)."""
    if is_hex(path):
        from isa_spec.hexfile import read_hex

        try:
            text, data = read_hex(require_file(path))
        except UnicodeDecodeError:
            raise UserError(f"{path}: not a text hex image") from None
        except OSError as exc:
            raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
        return LoadedProgram(path, list(text), list(data))
    prog = assemble_file(path)
    return LoadedProgram(path, list(prog.text), list(prog.data), dict(getattr(prog, "symbols", {}) or {}),
                         list(getattr(prog, "text_lines", []) or []))


def load_into(iss: Iss, prog: LoadedProgram) -> None:
    """Load text and data into an Iss; a program too big for the configuration is the user's."""
    try:
        iss.load_program(prog.text, prog.data)
    except ValueError as exc:
        raise UserError(f"{prog.path}: {exc}") from None
