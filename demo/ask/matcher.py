"""Terms to concepts: an exact lemma (after morphy) first, else the nearest concept by the
language model's cosine similarity to the concepts' lemma names and glosses.

The concepts' vectors are computed once and cached in a file (.npz), keyed by the model,
the concept names and the texts: a stale cache is rebuilt silently, a damaged one is
rebuilt with a warning, never read as empty."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import lm
from .lexicon import Lexicon

MIN_SIMILARITY = 0.60    # a term WordNet does not know: below it, it names no concept (docs/demo.md)
MIN_DEFINITION = 0.70    # a WordNet noun outside the taxonomy: its definition must be this near a concept's name
GLOSS_WEIGHT = 0.9       # a gloss is a longer text: its cosine counts a little less than a name's
FORMAT = "lpu-ask-concepts/1"


class NoMatch(Exception):
    """No concept is near enough to the term (the message names the nearest)."""


@dataclass(frozen=True)
class Match:
    term: str
    concept: str
    similarity: float
    exact: bool                                  # a lemma of the concept, after morphy
    via: str                                     # the lemma or "gloss" that matched best, or the WordNet
                                                 # definition of a noun outside the taxonomy
    nearest: list[tuple[str, float]] = field(default_factory=list)   # runners-up

    def note(self) -> str:
        if self.exact:
            return f"'{self.term}' = {self.concept}"
        return (f"'{self.term}' is not a name in the taxonomy; taken as: {self.concept}, "
                f"similarity {self.similarity:.2f}")


def default_cache() -> Path:
    base = os.environ.get("LPU_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "lpu")
    return Path(base) / "ask_concepts.npz"


class ConceptIndex:
    """The concepts' vectors, computed (or read from the cache) on first use: a question
    whose terms are all concept names never loads the model."""

    def __init__(self, lexicon: Lexicon, cache: Path | None = None, exclude: frozenset[str] = frozenset(),
                 warn=None):
        self.lexicon, self.cache, self.exclude, self.warn = lexicon, cache, exclude, warn
        texts, owner = _lemma_rows(lexicon, exclude)
        self.lemma_owner = np.array(owner, dtype=np.int64)   # the concept index of each lemma row
        self._texts = texts
        self._vecs: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(cls, lexicon: Lexicon, cache: Path | None = None, exclude: frozenset[str] = frozenset(),
              warn=None) -> ConceptIndex:
        """An index with its vectors ready (and the cache written)."""
        ix = cls(lexicon, cache, exclude, warn)
        ix.lemma_vecs  # noqa: B018 (computed now)
        return ix

    @property
    def lemma_vecs(self) -> np.ndarray:      # one row per (concept, lemma)
        return self._ready()[0]

    @property
    def gloss_vecs(self) -> np.ndarray:      # one row per concept
        return self._ready()[1]

    def _ready(self) -> tuple[np.ndarray, np.ndarray]:
        if self._vecs is None:
            glosses = [f"{c.lemmas[0]}: {c.gloss}" for c in self.lexicon.concepts]
            key = _key(self.lexicon, self._texts, glosses)
            got = _load(self.cache, key, self.warn) if self.cache else None
            if got is None:
                got = lm.encode(self._texts), lm.encode(glosses)
                if self.cache:
                    try:
                        _save(self.cache, key, *got)
                    except OSError as e:          # an unwritable cache costs time, not the answer
                        (self.warn or _stderr)(f"lpu ask: cannot write the concept cache {self.cache} "
                                               f"({e.strerror or e}); going on without it")
            self._vecs = got
        return self._vecs

    def match(self, term: str) -> Match:
        """The concept a term names: its lemma; else, for a WordNet noun outside the
        taxonomy, the concept whose name is nearest its definition ("kitten": "young
        domestic cat"); else the concept nearest the term itself, by name or gloss."""
        lex = self.lexicon
        if not term.strip():
            raise NoMatch("an empty term names no concept")
        exact = [] if self._excluded(term) else lex.lookup(term)
        if exact:
            return Match(term, exact[0], 1.0, True, term)
        senses = [] if self._excluded(term) else lex.outside(term)
        if senses:
            return self._by_definition(term, senses)
        q = lm.encode([term.strip()])[0]
        sims = self.lemma_vecs @ q
        per = self._per_concept(sims)
        gl = GLOSS_WEIGHT * (self.gloss_vecs @ q)
        best = np.maximum(per, gl)
        k, nearest = self._top(best)
        via = "gloss" if gl[k] > per[k] else self._best_lemma(k, sims)
        m = Match(term, lex.concepts[k].name, float(best[k]), False, via, nearest)
        if m.similarity < MIN_SIMILARITY:
            raise NoMatch(f"no concept of the taxonomy is near '{term}' (the nearest, {m.concept}, has similarity "
                          f"{m.similarity:.2f} < {MIN_SIMILARITY})")
        return m

    def _by_definition(self, term: str, senses: list[tuple[str, str]]) -> Match:
        q = lm.encode([d for _, d in senses])
        sims = self.lemma_vecs @ q.T                      # rows: lemma rows, columns: senses
        s_best = int(np.argmax(sims.max(axis=0)))
        per = self._per_concept(sims[:, s_best])
        k, nearest = self._top(per)
        name, definition = senses[s_best]
        m = Match(term, self.lexicon.concepts[k].name, float(per[k]), False, f"WordNet {name}: {definition}", nearest)
        if m.similarity < MIN_DEFINITION:
            raise NoMatch(f"'{term}' is a WordNet noun outside the mammal taxonomy ({name}: {definition}); the "
                          f"concept nearest its definition, {m.concept}, has similarity {m.similarity:.2f} "
                          f"< {MIN_DEFINITION}")
        return m

    def _per_concept(self, sims: np.ndarray) -> np.ndarray:
        per = np.full(len(self.lexicon.concepts), -1.0)
        np.maximum.at(per, self.lemma_owner, sims)
        return per

    def _top(self, scores: np.ndarray) -> tuple[int, list[tuple[str, float]]]:
        order = np.argsort(-scores, kind="stable")[:4]
        return int(order[0]), [(self.lexicon.concepts[int(j)].name, float(scores[j])) for j in order[1:]]

    def _best_lemma(self, k: int, sims: np.ndarray) -> str:
        rows = np.flatnonzero(self.lemma_owner == k)
        return self._texts[int(rows[np.argmax(sims[rows])])] if len(rows) else "gloss"

    def _excluded(self, term: str) -> bool:
        """A held-out name (evaluation): matched as if WordNet did not know it."""
        return bool(self.exclude) and any(f.replace("_", " ") in self.exclude for f in self.lexicon.base_forms(term))


def _lemma_rows(lexicon: Lexicon, exclude: frozenset[str]) -> tuple[list[str], list[int]]:
    texts, owner = [], []
    for k, c in enumerate(lexicon.concepts):
        for w in c.lemmas:
            if w not in exclude:
                texts.append(w)
                owner.append(k)
    return texts, owner


def _key(lexicon: Lexicon, texts: list[str], glosses: list[str]) -> str:
    h = hashlib.sha256(json.dumps([FORMAT, lm.model_id(), [c.name for c in lexicon.concepts], texts, glosses])
                       .encode())
    return h.hexdigest()


def _load(path: Path, key: str, warn) -> tuple[np.ndarray, np.ndarray] | None:
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None                                  # stale: another model or other concepts
            lv, gv = np.array(z["lemma_vecs"]), np.array(z["gloss_vecs"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        why = str(e).split(". ")[0]
        (warn or _stderr)(f"lpu ask: the concept cache {path} is damaged ({type(e).__name__}: {why}); rebuilding it")
        return None
    if lv.ndim != 2 or gv.ndim != 2 or not np.isfinite(lv).all() or not np.isfinite(gv).all():
        (warn or _stderr)(f"lpu ask: the concept cache {path} is damaged (bad arrays); rebuilding it")
        return None
    return lv, gv


def _save(path: Path, key: str, lv: np.ndarray, gv: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez(tmp, key=np.array(key), lemma_vecs=lv, gloss_vecs=gv)
    os.replace(tmp, path)


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)
