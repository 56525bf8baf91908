"""Stimulus values: immediate ranges and classes, scalar corners, box pairs of a value class,
temperature CSR values."""

from __future__ import annotations

import random

from isa_spec import Spec
from isa_spec.types import FixedFormat, Operand

from .names import BETAS, IMM_CLASSES


def imm_range(op: Operand) -> tuple[int, int]:
    w = op.field.width
    return (-(1 << (w - 1)), (1 << (w - 1)) - 1) if op.signed else (0, (1 << w) - 1)


def imm_classes(op: Operand) -> tuple[str, ...]:
    """The value classes an immediate field has (unsigned fields have no negative/min)."""
    return IMM_CLASSES if op.signed else ("zero", "positive", "max")


def scalar_corners(spec: Spec) -> list[int]:
    """Register and memory corner values: 0, +-1, int min/max, Q16.16 near saturation,
    shift amounts 0/31/32, typical coordinates and log probabilities."""
    c = spec.formats["coord"]
    one = 1 << c.frac
    return [0, 1, -1, 2, 31, 32, (1 << 31) - 1, -(1 << 31), 0xFFFF, -0x10000,
            c.max_raw - one // 4, c.min_raw + one // 4, c.max_raw, c.min_raw + 1,
            one, -one, one // 2, -one // 2, 5 * one, -30 * one, 100 * one]


def box_pair(rng: random.Random, cls: str, d: int, fmt: FixedFormat) -> tuple[list[int], ...]:
    """Two boxes (loA, hiA, loB, hiB) in raw coord values whose relation is `cls`."""
    s = rng.choice((1.0, 10.0, 100.0))
    a_lo = [rng.uniform(-s, s) for _ in range(d)]
    w = [rng.uniform(0.05, 1.0) * s for _ in range(d)]
    a_hi = [lo + wi for lo, wi in zip(a_lo, w, strict=True)]
    base = cls if cls in ("disjoint", "nested", "overlap", "identical") else \
        rng.choice(("disjoint", "nested", "overlap", "identical"))
    if base == "identical":
        b_lo, b_hi = list(a_lo), list(a_hi)
    elif base == "nested":
        b_lo = [lo + rng.uniform(0.05, 0.45) * wi for lo, wi in zip(a_lo, w, strict=True)]
        b_hi = [hi - rng.uniform(0.05, 0.45) * wi for hi, wi in zip(a_hi, w, strict=True)]
    else:
        b_lo = [lo + rng.uniform(0.2, 0.8) * wi for lo, wi in zip(a_lo, w, strict=True)]
        b_hi = [hi + rng.uniform(0.2, 1.0) * wi for hi, wi in zip(a_hi, w, strict=True)]
        if base == "disjoint":
            j = rng.randrange(d)
            b_lo[j] = a_hi[j] + rng.uniform(0.01, 1.0) * s
            b_hi[j] = b_lo[j] + w[j]
    boxes = [[fmt.to_raw(v) for v in side] for side in (a_lo, a_hi, b_lo, b_hi)]
    if rng.random() < 0.5:  # which one is nested in (or left of) the other
        boxes = boxes[2:] + boxes[:2]
    dims = rng.sample(range(d), rng.randint(1, d))
    if cls == "degenerate":
        for j in dims:
            k = rng.choice((0, 2))
            boxes[k + 1][j] = boxes[k][j]
    elif cls == "inverted":
        for j in dims:
            k = rng.choice((0, 2))
            boxes[k][j], boxes[k + 1][j] = boxes[k + 1][j], boxes[k][j] - 1
    elif cls == "extreme":
        big = fmt.max_raw
        for j in dims:
            for k in rng.sample((0, 2), rng.randint(1, 2)):
                boxes[k][j] = -big + rng.randrange(big >> 6)
                boxes[k + 1][j] = big - rng.randrange(big >> 6)
    return tuple(boxes)


def temperatures(spec: Spec, rng: random.Random, consistent: bool = True) -> dict[str, int]:
    """Raw values for the temperature CSRs (format temp) and their inverses (format itemp,
    the CSR named 'i' + name): consistent pairs, or a random inverse."""
    out = {}
    for c in spec.csrs.values():
        if c.format is None or c.access != "rw" or f"i{c.name}" not in spec.csrs:
            continue
        tf, itf = spec.formats[c.format], spec.formats[spec.csrs[f"i{c.name}"].format]
        beta = rng.choice(BETAS) if rng.random() < 0.9 else rng.choice((tf.ulp, tf.to_float(tf.max_raw)))
        raw = max(1, tf.to_raw(beta))
        inv = itf.to_raw(1.0 / tf.to_float(raw)) if consistent else rng.randrange(1, itf.max_raw)
        out[c.name], out[f"i{c.name}"] = raw, inv
    return out

