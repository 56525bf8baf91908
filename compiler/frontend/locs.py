"""Compare ASTs up to their locations: `strip_locs(node)` puts NOWHERE in every Loc."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from ..errors import NOWHERE, Loc

T = TypeVar("T")


def strip_locs(node: T) -> T:
    """A copy of an AST node (or a tuple of them) with every Loc replaced by NOWHERE."""
    if isinstance(node, Loc):
        return NOWHERE  # type: ignore[return-value]
    if isinstance(node, tuple):
        return tuple(strip_locs(x) for x in node)  # type: ignore[return-value]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: strip_locs(getattr(node, f.name)) for f in dataclasses.fields(node)}
        return dataclasses.replace(node, **changes)
    return node
