"""The compiler's user errors: every one names its place (file:line:column, or the field)."""

from __future__ import annotations

from dataclasses import dataclass

from isa_spec.errors import LpuError


@dataclass(frozen=True)
class Loc:
    """A place in a source file (line and column from 1); API-built programs use the
    caller's file and line, column 0."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"


NOWHERE = Loc("<builtin>", 0, 0)


class CompileError(LpuError, ValueError):
    """A mistake in a source program, an embedding file or a compile option."""

    def __init__(self, loc: Loc | str | None, message: str):
        self.loc, self.message = loc, message
        super().__init__(f"{loc}: {message}" if loc else message)


class FitError(CompileError):
    """The program does not fit the target configuration; the message says what would."""
