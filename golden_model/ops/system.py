"""Halt (isa_spec/instructions/system.toml)."""

from .registry import semantic


@semantic("halt")
def halt(c):
    c.halt()
