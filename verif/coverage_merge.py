"""Merging two functional coverage models of the same bins and parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .coverage import CoverageModel


def merge(a: CoverageModel, b: CoverageModel) -> CoverageModel:
    """A new model whose counts are the sums (same spec bins and parameters required)."""
    if a.names != b.names or a.config.as_dict() != b.config.as_dict():
        raise ValueError(f"cannot merge coverage of different bins or parameters "
                         f"({a.config.name} vs {b.config.name})")
    out = type(a)(a.spec, a.config, a.uarch)
    out.hits = a.hits + b.hits
    out._recount()
    return out

