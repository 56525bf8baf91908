"""Everything `lpu ask` needs, opened once: the demo's boxes, their threshold, the
taxonomy's words, the concept index (cached), the target configuration."""

from __future__ import annotations

from pathlib import Path

from compiler.target import make_target

from .. import dataset
from ..floatmodel import choose_threshold
from .answer import Asker
from .lexicon import Lexicon
from .matcher import ConceptIndex, default_cache
from .program import Boxes


def open_asker(config: str = "default", rtl: bool = False, data: Path | None = None, cache: Path | None = None,
               work: Path | None = None, exclude: frozenset[str] = frozenset(), warn=None) -> Asker:
    """An Asker on the demo's data (raises dataset.DemoDataError, lm.MissingModel,
    wordnet.WordNetError, floatmodel.MissingExtra or ValueError with one-line messages)."""
    target = make_target(config)
    d = dataset.load(data)
    if target.D < d.emb.D:
        raise ValueError(f"configuration '{config}' has D = {target.D}, fewer than the boxes' D = {d.emb.D}")
    thr = d.emb.meta.get("threshold")
    threshold = float(thr) if isinstance(thr, (int, float)) else choose_threshold(d.emb, d.train).value
    lexicon = Lexicon.for_concepts(d.emb.names)
    index = ConceptIndex(lexicon, cache if cache is not None else default_cache(), exclude, warn)
    work = work or Path(".")
    return Asker(index, d.emb, Boxes(d.emb, d.source / dataset.BOXES, work / "boxes"), threshold, target, rtl, work)
