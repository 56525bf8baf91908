"""Non-linear lookup tables generated from the spec's [nonlinear] definitions.

These tables are the one thing the golden model and the RTL share: constant data derived
from the spec. The interpolation arithmetic that reads them is written twice (numpy in
golden_model/nonlinear.py, MyHDL in rtl_gen/), never here.
"""

from __future__ import annotations

import functools
import math

from .loader import load_spec
from .types import NonLinear


def _phi(u: float) -> float:
    return math.log1p(math.exp(-u))


# Table point k of 2**n covers [0, 2**domain_int_bits) for phi/lnphi and [0, 1) for ln/exp2.
FUNCTIONS = {
    "phi": _phi,
    "lnphi": lambda u: math.log(_phi(u)),
    "ln": lambda f: math.log1p(f),
    "exp2": lambda f: 2.0 ** f,
}


def table_points(nl: NonLinear, nlt_bits: int) -> list[float]:
    step = 2.0 ** (nl.domain_int_bits - nlt_bits)
    return [k * step for k in range(2 ** nlt_bits + 1)]


@functools.lru_cache(maxsize=64)
def build_table(name: str, nlt_bits: int) -> tuple[int, ...]:
    """Entries round(f(point) * 2**table_frac), 2**nlt_bits + 1 of them (the last closes
    the final interpolation interval)."""
    spec = load_spec()
    if name not in spec.nonlinear:
        raise KeyError(f"no non-linear unit '{name}' in the spec")
    p = spec.params["NLT_BITS"]
    if not p.min <= nlt_bits <= p.max:
        raise ValueError(f"NLT_BITS={nlt_bits} outside [{p.min}, {p.max}]")
    nl = spec.nonlinear[name]
    fn = FUNCTIONS[nl.function]
    scale = 2 ** nl.table_frac
    return tuple(math.floor(fn(x) * scale + 0.5) for x in table_points(nl, nlt_bits))
