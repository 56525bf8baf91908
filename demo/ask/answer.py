"""A question answered: its terms matched to concepts, its program run on the LPU, the
answer read from the LPU's results (never from the float model, which is shown beside
it), and how long each part took."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compiler.embedding import Embedding
from compiler.target import Target

from ..queries import pad, padding_effect
from ..report import CLOCK_HZ  # the assumed clock of the LPU time estimate
from . import lm
from . import program as prog
from .matcher import ConceptIndex, Match, NoMatch
from .questions import IsA, NotUnderstood, Question, WhichOf, parse


class Unanswerable(Exception):
    """No answer: the question is not understood, or a term names no concept."""


@dataclass
class Answer:
    question: str
    kind: str                         # is_a | which | what
    text: str                         # the answer, one line
    answer: bool | str | None         # yes/no, a concept's name, or None (none of them / no parent)
    probability: float | None         # the LPU's P behind the answer
    float_probability: float | None   # the float64 interpreter's, on the same boxes
    bound: float | None               # the stated error bound of log P
    matches: list[Match]
    details: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)   # the SLRM source of each program run
    cycles: int = 0
    lpu_programs: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    backend: str = "iss"
    rtl_passed: bool | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["matches"] = [asdict(m) for m in self.matches]
        return d


@dataclass
class Asker:
    index: ConceptIndex
    emb: Embedding
    boxes: prog.Boxes
    threshold: float                  # on log P(parent | child), at the embedding's D
    target: Target
    rtl: bool = False
    work: Path = Path(".")
    said: dict[str, str] = field(default_factory=dict, init=False, repr=False)   # concept -> the words shown

    def ask(self, text: str) -> Answer:
        t0, loaded = time.perf_counter(), dict(lm.LOAD)
        q = self._parse(text)
        matches = self._matches(q)
        load_s = lm.LOAD["seconds"] - loaded["seconds"]
        model_s = time.perf_counter() - t0 - load_s
        c = {m.term: m.concept for m in matches}
        self.said = {m.concept: (_nm(m.concept) if m.exact else f"{m.term} (taken as {_nm(m.concept)})")
                      for m in reversed(matches)}
        if isinstance(q, IsA):
            a = self._is_a(text, c[q.child], c[q.parent], matches)
        elif isinstance(q, WhichOf):
            a = self._which(text, [c[x] for x in q.candidates], c[q.parent], matches)
        else:
            a = self._what(text, c[q.child], matches)
        a.timings = {"model_s": model_s, **({"model_load_s": load_s} if load_s else {}), **a.timings,
                     "lpu_est_s": a.cycles / CLOCK_HZ}
        a.backend = "rtl" if self.rtl else "iss"
        return a

    def _say(self, concept: str) -> str:
        return self.said.get(concept, _nm(concept))

    def _parse(self, text: str) -> Question:
        try:
            return parse(text, lambda t: bool(self.index.lexicon.lookup(t)))
        except NotUnderstood as e:
            raise Unanswerable(str(e)) from None

    def _matches(self, q: Question) -> list[Match]:
        terms = [q.child, q.parent] if isinstance(q, IsA) else (
            [*q.candidates, q.parent] if isinstance(q, WhichOf) else [q.child])
        try:
            return [self.index.match(t) for t in dict.fromkeys(terms)]
        except NoMatch as e:
            raise Unanswerable(str(e)) from None

    def _t(self, pairs: list[tuple[str, str]]) -> float:
        """The threshold the programs compare with: shifted, on a padded configuration, by
        the padding's constant (as the demo does), so decisions stay the embedding's."""
        if self.target.D == self.emb.D or not pairs:
            return self.threshold
        return self.threshold + padding_effect(self.emb, pad(self.emb, self.target.D), pairs[:1]).mean

    def _run(self, p, name: str, timings: dict[str, float]) -> prog.ProgramRun:
        r = prog.run(p, self.target, self.rtl, self.work / name)
        timings["compile_s"] = timings.get("compile_s", 0.0) + r.compile_s
        timings["iss_s"] = timings.get("iss_s", 0.0) + r.run_s
        if r.rtl is not None:
            timings["rtl_s"] = timings.get("rtl_s", 0.0) + r.rtl.seconds
            if not r.rtl.passed:
                raise RuntimeError(f"the RTL run failed under the testbench: {r.rtl.failure.splitlines()[:1]} "
                                   f"(repro: {r.rtl.repro})")
        return r

    def _builder(self, name: str):
        return prog.builder(self.boxes.file_for(self.target), name)

    def _is_a(self, text: str, x: str, y: str, matches: list[Match]) -> Answer:
        p = self._builder("ask_is_a")
        s = p.let("s", p.is_a(x, y))
        p.out("logp", s)
        p.out("yes", s >= self._t([(x, y)]))
        timings: dict[str, float] = {}
        r = self._run(p, "is_a", timings)
        v, yes = r.values["logp"], bool(r.values["yes"].lpu)
        pr = math.exp(v.lpu)
        verdict = "Yes" if yes else "No"
        line = (f"{verdict}: {self._say(x)} is {'' if yes else 'not '}a kind of {self._say(y)} "
                f"(P({_nm(y)} | {_nm(x)}) = {pr:.3f} on the LPU)")
        return Answer(text, "is_a", line, yes, pr, math.exp(v.float64), v.bound, matches, [], [r.source],
                      r.cycles, r.programs, timings, rtl_passed=r.rtl.passed if r.rtl else None)

    def _which(self, text: str, cands: list[str], y: str, matches: list[Match]) -> Answer:
        cands = list(dict.fromkeys(cands))
        if len(cands) < 2:
            raise Unanswerable(f"the candidates all name one concept ({cands[0]}); ask \"Is a X a kind of Y?\"")
        p = self._builder("ask_which")
        lst = p.list("candidates", cands)
        t = self._t([(c, y) for c in cands])
        with p.for_("c", lst) as c:
            s = p.let("s", p.is_a(c, y))
            p.out("logp", s, index=[c])
            p.out("yes", s >= t, index=[c])
        p.out("best", p.argmax("c", lst, lambda c: p.is_a(c, y)))
        timings: dict[str, float] = {}
        r = self._run(p, "which", timings)
        best = r.values["best"].label
        probs = {c: math.exp(r.values[f"logp[{c}]"].lpu) for c in cands}
        yes = [c for c in cands if r.values[f"yes[{c}]"].lpu]
        details = [f"P({_nm(y)} | {_nm(c)}) = {probs[c]:.3f}" + (" (a kind of it)" if c in yes else "")
                   for c in cands]
        v = r.values[f"logp[{best}]"]
        if best in yes:
            others = [c for c in yes if c != best]
            line = f"{self._say(best)} ({best}) is a kind of {self._say(y)}, P = {probs[best]:.3f} on the LPU" + (
                f"; so {'are' if len(others) > 1 else 'is'} {', '.join(map(_nm, others))}" if others else "")
            ans: str | None = best
        else:
            line = (f"None of them is a kind of {self._say(y)} on the LPU (the likeliest, {self._say(best)}, has "
                    f"P = {probs[best]:.3f})")
            ans = None
        return Answer(text, "which", line, ans, probs[best], math.exp(v.float64), v.bound, matches, details,
                      [r.source], r.cycles, r.programs, timings, rtl_passed=r.rtl.passed if r.rtl else None)

    def _what(self, text: str, x: str, matches: list[Match]) -> Answer:
        others = [n for n in self.emb.names if n != x]
        t = self._t([(x, others[0])])
        p = self._builder("ask_ancestors")
        lst = p.list("concepts", others)
        with p.for_("c", lst) as c:
            p.out("yes", p.is_a(x, c) >= t, index=[c])
        timings: dict[str, float] = {}
        r1 = self._run(p, "ancestors", timings)
        anc = [c for c in others if r1.values[f"yes[{c}]"].lpu]
        if not anc:
            line = f"No concept of the taxonomy contains {self._say(x)} on the LPU: it has no parent here"
            return Answer(text, "what", line, None, None, None, None, matches, [], [r1.source], r1.cycles,
                          r1.programs, timings, rtl_passed=r1.rtl.passed if r1.rtl else None)
        p = self._builder("ask_parent")
        lst = p.list("ancestors", anc)
        with p.for_("c", lst) as c:
            p.out("logp", p.is_a(x, c), index=[c])
            p.out("fit", p.logP(x, c), index=[c])
        p.out("parent", p.argmax("c", lst, lambda c: p.logP(x, c)))
        r2 = self._run(p, "parent", timings)
        parent = r2.values["parent"].label
        v = r2.values[f"logp[{parent}]"]
        chain = sorted(anc, key=lambda c: -r2.values[f"fit[{c}]"].lpu)
        line = (f"{self._say(x)} is a kind of {_nm(parent)} ({parent}), P({_nm(parent)} | {_nm(x)}) = "
                f"{math.exp(v.lpu):.3f} on the LPU")
        details = ["ancestors on the LPU, the tightest first: " + ", ".join(map(_nm, chain))]
        return Answer(text, "what", line, parent, math.exp(v.lpu), math.exp(v.float64), v.bound, matches,
                      details, [r1.source, r2.source], r1.cycles + r2.cycles, r1.programs + r2.programs,
                      timings, rtl_passed=(r1.rtl.passed and r2.rtl.passed) if r1.rtl and r2.rtl else None)


def _nm(concept: str) -> str:
    """A concept as words: 'sea_lion.n.01' -> 'sea lion'."""
    return concept.split(".")[0].replace("_", " ")
