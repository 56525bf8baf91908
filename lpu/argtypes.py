"""argparse types shared by the subcommands (a bad value is argparse's one-line error)."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """An integer >= 1 (decimal, or 0x.. / 0o.. / 0b..)."""
    try:
        n = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be > 0, got {n}")
    return n
