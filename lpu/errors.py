"""Which exceptions are the user's mistakes (reported as one line) rather than bugs.

A bad file, assembly line, parameter or hex file is the user's to fix: `lpu` prints
`lpu: error: ...` naming the place and exits non-zero. Anything else is a bug in the
tools and keeps its traceback, so that it is reported rather than hidden.
"""

from __future__ import annotations

import os
from pathlib import Path

from isa_spec.errors import LpuError


class UserError(LpuError):
    """A problem with the user's input, with a message that names its place."""


def user_error_types() -> tuple[type[BaseException], ...]:
    # Every user-error type derives from isa_spec's LpuError, so a new one cannot fall
    # through to a traceback.
    return (LpuError,)


def read_text(path: Path) -> str:
    """The file's text, or a UserError naming the file and why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not a text file ({exc.reason})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None


def require_file(path: Path) -> Path:
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if not path.is_file():
        raise UserError(f"{path}: not a regular file")
    return path


def output_dir(path: Path, option: str) -> Path:
    """Make sure `path` is, or can be made, a directory to write into, before any work
    starts (a run that ends in FileExistsError after minutes of work helps nobody). Nothing
    is left behind: directories made to prove it are removed again, so a run refused later
    (a missing tool, say) records nothing."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{option}: {path} exists and is not a directory")
    made = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{option}: cannot create directory {path}: {exc.strerror or exc}") from None
    writable = os.access(path, os.W_OK | os.X_OK)
    for p in made:   # deepest first
        p.rmdir()
    if not writable:
        raise UserError(f"{option}: {path}: no permission to write there")
    return path


def status_printer(json_mode: bool):
    """print() for progress and summaries: to stderr when stdout carries a JSON document."""
    import sys

    def echo(*args, **kwargs):
        print(*args, **kwargs, file=sys.stderr if json_mode else sys.stdout)
    return echo
