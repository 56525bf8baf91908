"""`lpu ask --evaluate`: questions generated from the demo's test split, answered end to
end, scored against the float oracle on the pair each question was made from.

- names: template sentences with each synset's first lemma name (three phrasings,
  plurals included);
- synonyms: the child named by another of its lemma names, one that names no other
  concept, and that lemma left out of matching (the model must map it).

Half of each set are test positives, half test negatives (a fixed seed)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..floatmodel import numpy_scores
from ..report import CLOCK_HZ
from .answer import Asker, Unanswerable
from .lexicon import Lexicon

TEMPLATES = ("Is {a} {x} a kind of {y}?", "Is {a} {x} {b} {y}?", "Are {xs} {ys}?")


@dataclass(frozen=True)
class Item:
    question: str
    child: str                 # the synsets it was made from
    parent: str
    label: int                 # the split's label
    oracle: bool               # the float model's decision on (child, parent)


@dataclass
class SetResult:
    name: str
    items: int = 0
    answered: int = 0
    terms: int = 0
    terms_right: int = 0
    right: int = 0             # the answer equals the oracle's (an unanswered question is wrong)
    both_matched: int = 0      # questions whose two terms were matched to the intended concepts
    both_matched_right: int = 0
    model_s: list[float] = field(default_factory=list)
    compile_s: list[float] = field(default_factory=list)
    iss_s: list[float] = field(default_factory=list)
    cycles: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)     # the first few misses, explained

    def row(self) -> dict:
        def m(xs: list) -> float:
            return float(np.mean(xs)) if xs else 0.0

        return {"set": self.name, "questions": self.items, "answered": self.answered,
                "term_matching_accuracy": self.terms_right / max(self.terms, 1),
                "end_to_end_accuracy": self.right / max(self.items, 1),
                "accuracy_when_terms_matched": self.both_matched_right / max(self.both_matched, 1),
                "model_s": m(self.model_s), "compile_s": m(self.compile_s), "iss_s": m(self.iss_s),
                "lpu_cycles": m(self.cycles), "lpu_est_s": m(self.cycles) / CLOCK_HZ}


def plural(words: str) -> str:
    """The regular plural of the last word (morphy's rules undo it)."""
    head, _, w = words.rpartition(" ")
    if w.endswith(("s", "x", "z", "ch", "sh")):
        w += "es"
    elif w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        w = w[:-1] + "ies"
    else:
        w += "s"
    return f"{head} {w}" if head else w


def _article(words: str) -> str:
    return "an" if words[:1] in "aeiou" else "a"


def sample_pairs(test: Sequence, n: int, seed: int) -> list:
    rng = random.Random(seed)
    pos = [q for q in test if q.label == 1]
    neg = [q for q in test if q.label == 0]
    return rng.sample(pos, min(len(pos), n // 2)) + rng.sample(neg, min(len(neg), n - n // 2))


def name_items(pairs: Sequence, lex: Lexicon, oracle: Callable[[str, str], bool]) -> list[Item]:
    first = {c.name: c.lemmas[0] for c in lex.concepts}
    out = []
    for k, q in enumerate(pairs):
        x, y = first[q.child], first[q.parent]
        t = TEMPLATES[k % len(TEMPLATES)]
        out.append(Item(t.format(a=_article(x), x=x, b=_article(y), y=y, xs=plural(x), ys=plural(y)),
                        q.child, q.parent, q.label, oracle(q.child, q.parent)))
    return out


def synonym_items(pairs: Sequence, lex: Lexicon, oracle: Callable[[str, str], bool]) -> tuple[list[Item], set[str]]:
    """Questions naming the child by a lemma that names only it (never its first), and those lemmas."""
    owners: dict[str, set[str]] = {}
    for c in lex.concepts:
        for w in c.lemmas:
            owners.setdefault(w, set()).add(c.name)
    first = {c.name: c.lemmas[0] for c in lex.concepts}
    outside = lex.elsewhere_words()
    alt = {c.name: [w for w in c.lemmas[1:] if owners[w] == {c.name} and w not in outside] for c in lex.concepts}
    out, held = [], set()
    for q in pairs:
        if alt.get(q.child):
            w, y = alt[q.child][0], first[q.parent]
            out.append(Item(f"Is {_article(w)} {w} a kind of {y}?", q.child, q.parent, q.label,
                            oracle(q.child, q.parent)))
            held.add(w)
    return out, held


def run_set(name: str, items: Sequence[Item], asker: Asker, keep_wrong: int = 8) -> SetResult:
    r = SetResult(name, len(items))
    for it in items:
        r.terms += 2
        try:
            a = asker.ask(it.question)
        except Unanswerable as e:
            if len(r.wrong) < keep_wrong:
                r.wrong.append(f"{it.question} -> cannot answer: {e}")
            continue
        r.answered += 1
        got = {m.term: m.concept for m in a.matches}
        matched = [c for c in got.values()]
        ok_terms = int(it.child in matched) + int(it.parent in matched)
        r.terms_right += ok_terms
        r.both_matched += ok_terms == 2
        if a.answer == it.oracle:
            r.right += 1
            r.both_matched_right += ok_terms == 2
        elif len(r.wrong) < keep_wrong:
            r.wrong.append(f"{it.question} -> {a.text} (oracle on {it.child}, {it.parent}: {it.oracle}; "
                           f"matched {', '.join(matched)})")
        r.model_s.append(a.timings["model_s"])
        r.compile_s.append(a.timings.get("compile_s", 0.0))
        r.iss_s.append(a.timings.get("iss_s", 0.0))
        r.cycles.append(a.cycles)
    return r


def evaluate(open_asker: Callable[[frozenset[str]], Asker], test: Sequence, count: int = 200, seed: int = 0,
             log=None) -> list[SetResult]:
    """Both sets, each of `count` questions (the synonym set: those of its pairs with a synonym)."""
    base = open_asker(frozenset())
    emb, t = base.emb, base.threshold

    def oracle(c: str, p: str) -> bool:
        return bool(numpy_scores(emb, [(c, p)])[0] >= t)

    pairs = sample_pairs(test, count, seed)
    lex = base.index.lexicon
    out = []
    t0 = time.perf_counter()
    out.append(run_set("names", name_items(pairs, lex, oracle), base))
    if log:
        log(f"names: {len(pairs)} questions in {time.perf_counter() - t0:.0f} s")
    syn_pairs = sample_pairs(test, 4 * count, seed + 1)
    items, held = synonym_items(syn_pairs, lex, oracle)
    t1 = time.perf_counter()
    out.append(run_set("synonyms", items[:count], open_asker(frozenset(held))))
    if log:
        log(f"synonyms: {min(count, len(items))} questions in {time.perf_counter() - t1:.0f} s")
    return out
