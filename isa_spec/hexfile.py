"""Program images as hex text ($readmemh-compatible): one 8-digit word per line, the text
words first, then `// .data` and the data words if there are any. Other `//` lines are
comments; blank lines are ignored."""

from __future__ import annotations

import os
import re
from typing import Protocol

from .bits import to_s32
from .errors import LpuError

DATA_MARKER = "// .data"
_MARKER_RE = re.compile(r"//\s*\.data")
_WORD_RE = re.compile(r"[0-9a-fA-F]{8}")


class HexError(LpuError, ValueError):
    def __init__(self, file: str, line: int, message: str):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


class _Image(Protocol):
    text: list[int]
    data: list[int]


def _hex(word: int, what: str) -> str:
    if not -(1 << 31) <= word < 1 << 32:
        raise ValueError(f"{what} word {word} does not fit 32 bits")
    return f"{word & 0xFFFFFFFF:08x}"


def write_hex(program: _Image, path: str | os.PathLike[str]) -> None:
    lines = [_hex(w, "text") for w in program.text]
    if program.data:
        lines.append(DATA_MARKER)
        lines += [_hex(w, "data") for w in program.data]
    with open(path, "w") as fh:
        fh.write("".join(line + "\n" for line in lines))


def read_hex(path: str | os.PathLike[str]) -> tuple[list[int], list[int]]:
    """Return (text words unsigned, data words signed 32-bit, as in Program.data)."""
    text: list[int] = []
    data: list[int] | None = None
    with open(path) as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line:
                continue
            if _MARKER_RE.fullmatch(line):
                if data is not None:
                    raise HexError(str(path), n, "second '// .data' marker")
                data = []
            elif line.startswith("//"):
                continue
            elif _WORD_RE.fullmatch(line):
                word = int(line, 16)
                if data is None:
                    text.append(word)
                else:
                    data.append(to_s32(word))
            else:
                raise HexError(str(path), n, f"malformed line '{line}': expected 8 hex digits")
    return text, data or []
