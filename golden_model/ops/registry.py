"""The semantics registry: one small function per instruction, registered by name."""

from __future__ import annotations

from collections.abc import Callable

SEMANTICS: dict[str, Callable] = {}


def semantic(*names: str):
    """Register a function as the semantics of the named instruction(s)."""

    def deco(fn: Callable) -> Callable:
        for n in names:
            if n in SEMANTICS:
                raise ValueError(f"semantics for '{n}' registered twice")
            SEMANTICS[n] = fn
        return fn

    return deco
