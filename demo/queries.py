"""The test queries as LPU programs: one `is_a` score and one decision per query, many
queries per SLRM program, split by the compiler into programs that fit the configuration.

For a configuration whose D is larger than the embedding's, every box gets the same extra
interval PAD in each added dimension. Two equal intervals intersect (softly) to the same
interval shrunk by beta_i*ln 2 at each end, so each padded dimension adds the same constant
log(sp(W - 2 beta_i ln2 - 2 gamma beta_i) / sp(W - 2 gamma beta_i)) ~ -2 beta_i ln2 / W to
every score: a wide PAD (W = 200) keeps it small; `padding_effect` measures it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.api import ProgramBuilder
from compiler.driver import Compilation, compile_module
from compiler.embedding import Embedding, save_embedding
from compiler.target import Target

from .dataset import Query
from .floatmodel import numpy_scores

PAD = (-100.0, 100.0)   # the coordinate range of published use (LPU_BRIEF section 2)


def pad(emb: Embedding, D: int, interval: tuple[float, float] = PAD) -> Embedding:
    """emb in D >= emb.D dimensions: every box gets `interval` in each added dimension."""
    if D < emb.D:
        raise ValueError(f"the configuration has D = {D}, fewer than the embedding's {emb.D}")
    if D == emb.D:
        return emb
    n, extra = len(emb.names), D - emb.D
    lo = np.hstack([emb.lo, np.full((n, extra), interval[0])])
    hi = np.hstack([emb.hi, np.full((n, extra), interval[1])])
    meta = dict(emb.meta, padded={"from_D": emb.D, "interval": list(interval)})
    return Embedding(D, emb.beta_i, emb.beta_v, list(emb.names), lo, hi, meta)


@dataclass(frozen=True)
class PaddingEffect:
    D_from: int
    D_to: int
    interval: tuple[float, float]
    max_abs: float            # max |padded - unpadded| float score over the queries
    mean: float               # mean signed shift


def padding_effect(emb: Embedding, padded: Embedding, pairs: Sequence[tuple[str, str]]) -> PaddingEffect:
    d = numpy_scores(padded, pairs) - numpy_scores(emb, pairs)
    interval = tuple(padded.meta.get("padded", {}).get("interval", PAD))
    return PaddingEffect(emb.D, padded.D, interval,  # type: ignore[arg-type]
                         float(np.max(np.abs(d))) if len(d) else 0.0, float(np.mean(d)) if len(d) else 0.0)


@dataclass
class QueryProgram:
    """The compilation of a batch of queries: slots score{i} and dec{i} for query i."""

    comp: Compilation
    queries: list[Query]
    threshold: float
    score_slot: list[int]
    dec_slot: list[int]


def build(queries: Sequence[Query], boxes_file: Path, threshold: float, name: str = "demo_queries") -> ProgramBuilder:
    p = ProgramBuilder(file=f"{name}.slrm")
    p.use(str(Path(boxes_file).resolve()))
    for i, q in enumerate(queries):
        s = p.let(f"s{i}", p.is_a(q.child, q.parent))
        p.out(f"score{i}", s)
        p.out(f"dec{i}", s >= threshold)
    return p


def compile_queries(queries: Sequence[Query], emb: Embedding, target: Target, threshold: float,
                    work_dir: Path) -> QueryProgram:
    """Compile the queries for `target` (boxes padded to its D, written to work_dir)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    boxes = work_dir / f"boxes_D{target.D}.json"
    save_embedding(pad(emb, target.D), boxes)
    comp = compile_module(build(queries, boxes, threshold).module(), target)
    index = {s.name: k for k, s in enumerate(comp.outputs)}
    n = len(queries)
    return QueryProgram(comp, list(queries), threshold,
                        [index[f"score{i}"] for i in range(n)], [index[f"dec{i}"] for i in range(n)])
