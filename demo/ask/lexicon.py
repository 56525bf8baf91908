"""The words of the taxonomy's concepts: each synset's lemma names and gloss (WordNet 3.0,
demo.wordnet), an exact lookup from a word to the synsets it names (in WordNet's sense
order), and morphy's noun rules for plurals ("wolves" -> "wolf", "beagles" -> "beagle")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..wordnet import load_nouns, noun_exceptions

# morphy's noun detachment rules (WordNet's morph(3WN)): suffix -> replacement
_SUFFIXES = (("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y"), ("s", ""))


def words(name: str) -> str:
    """A lemma as text: 'domestic_dog' -> 'domestic dog'."""
    return name.replace("_", " ")


def normal(text: str) -> str:
    """A term as WordNet spells lemmas: lower case, single underscores, no article
    (hyphens kept: 'odd-toed_ungulate')."""
    t = " ".join(text.lower().split())
    for art in ("a ", "an ", "the "):
        if t.startswith(art):
            t = t[len(art):]
    return t.replace(" ", "_")


@dataclass
class Concept:
    name: str                 # the synset, lemma.n.NN
    lemmas: list[str]         # every lemma name, as text ('domestic dog')
    gloss: str


@dataclass
class Lexicon:
    concepts: list[Concept]
    by_lemma: dict[str, list[str]] = field(default_factory=dict)   # normal(lemma) -> synset names
    exceptions: dict[str, list[str]] = field(default_factory=dict)
    elsewhere: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # other nouns: (synset, definition)

    @classmethod
    def for_concepts(cls, names: Sequence[str]) -> Lexicon:
        """The lexicon of these synsets (the boxes' names), from the installed WordNet."""
        h = load_nouns()
        mine = set(names)
        concepts = [Concept(n, [words(w) for w in h.synset(n).lemmas], _definition(h.synset(n).gloss))
                    for n in names]
        by_lemma: dict[str, list[str]] = {}
        elsewhere: dict[str, list[tuple[str, str]]] = {}
        for lemma, offsets in h.senses.items():          # sense order: the most common sense first
            hits = [h.synsets[o].name for o in offsets if h.synsets[o].name in mine]
            if hits:
                by_lemma[lemma] = hits
            else:
                elsewhere[lemma] = [(h.synsets[o].name, _definition(h.synsets[o].gloss)) for o in offsets]
        return cls(concepts, by_lemma, noun_exceptions(), elsewhere)

    def base_forms(self, term: str) -> list[str]:
        """normal(term) and its singulars by morphy's rules (the last word inflects), then
        the same with hyphens as spaces ('sea-lion' finds 'sea_lion')."""
        out: list[str] = []
        for t in dict.fromkeys([normal(term), normal(term.replace("-", " "))]):
            head, _, last = t.rpartition("_")
            pre = head + "_" if head else ""
            out += [t] + [pre + b for b in self.exceptions.get(last, [])]
            out += [pre + last[: -len(suf)] + rep for suf, rep in _SUFFIXES
                    if last.endswith(suf) and len(last) > len(suf)]
        return list(dict.fromkeys(out))

    def outside(self, term: str) -> list[tuple[str, str]]:
        """WordNet's noun senses of a term none of whose senses is in the taxonomy, with
        their definitions ("bird": [("bird.n.01", "warm-blooded egg-laying ...")])."""
        for form in self.base_forms(term):
            if form in self.elsewhere:
                return self.elsewhere[form]
        return []

    def elsewhere_words(self) -> set[str]:
        """Lemma texts WordNet gives to nouns outside the taxonomy."""
        return {words(w) for w in self.elsewhere}

    def lookup(self, term: str) -> list[str]:
        """The taxonomy's synsets this term names exactly (after morphy), commonest sense first."""
        for form in self.base_forms(term):
            if form in self.by_lemma:
                return self.by_lemma[form]
        return []


def _definition(gloss: str) -> str:
    """The gloss without its quoted examples ('a young dog' from 'a young dog; "..."')."""
    return gloss.split('; "')[0].strip().strip('"').strip()
