"""lpu ask's question patterns (demo/ask/questions.py) and the words of the taxonomy
(demo/ask/lexicon.py: morphy's plurals, exact lookup in sense order)."""

from __future__ import annotations

import pytest

from demo.ask.questions import IsA, NotUnderstood, WhatIs, WhichOf, parse


@pytest.mark.parametrize("text, want", [
    ("Is a beagle a kind of carnivore?", IsA("beagle", "carnivore")),
    ("is an aardvark a type of placental", IsA("aardvark", "placental")),
    ("Is a beagle a dog?", IsA("beagle", "dog")),
    ("Is the domestic dog a canine?", IsA("domestic dog", "canine")),
    ("  Is   a puppy  a sort of   dog ?! ", IsA("puppy", "dog")),
    ("Are wolves canines?", IsA("wolves", "canines")),
    ("Which of beagle, tabby and wolf is a kind of feline?", WhichOf(("beagle", "tabby", "wolf"), "feline")),
    ("Which of these: a lion or a sea lion is a carnivore?", WhichOf(("lion", "sea lion"), "carnivore")),
    ("which one of the following, dog, cat, mouse, are rodents", WhichOf(("dog", "cat", "mouse"), "rodents")),
    ("What is a beagle?", WhatIs("beagle")),
    ("What kind of animal is a puppy?", WhatIs("puppy")),
    ("what are pumas", WhatIs("pumas")),
])
def test_the_patterns(text, want):
    assert parse(text) == want


def test_a_split_without_an_article_uses_the_concept_names():
    known = {"sea lions", "eared seals"}.__contains__
    assert parse("Are sea lions eared seals?", known) == IsA("sea lions", "eared seals")
    for k in (lambda t: False, {"sea lions", "eared seals", "sea", "lions eared seals"}.__contains__):
        with pytest.raises(NotUnderstood, match="cannot tell the two terms apart"):
            parse("Are sea lions eared seals?", k)        # no split, or two: neither is safe


@pytest.mark.parametrize("text, msg", [
    ("", "empty"), ("   ?  ", "empty"), ("Tell me a joke", "do not understand"),
    ("What is a kind of dog?", "kinds of a concept"), ("Which of beagle is a dog?", "two or more candidates"),
    ("Is a beagle a kind of", "incomplete"), ("Is a beagle a", "missing"),
])
def test_what_is_not_understood_says_so(text, msg):
    with pytest.raises(NotUnderstood, match=msg):
        parse(text)


wn = pytest.importorskip("wn", reason="the demo extra is not installed (pip install -e '.[demo]')")


@pytest.fixture(scope="module")
def lexicon():
    from compiler.embedding import load_embedding
    from demo.ask.lexicon import Lexicon
    from demo.dataset import BOXES, DATA_DIR
    return Lexicon.for_concepts(load_embedding(DATA_DIR / BOXES).names)


@pytest.mark.parametrize("term, synset", [
    ("beagles", "beagle.n.01"), ("wolves", "wolf.n.01"), ("mice", "mouse.n.01"), ("Dogs", "dog.n.01"),
    ("sea lions", "sea_lion.n.01"), ("sea-lion", "sea_lion.n.01"), ("domestic dog", "dog.n.01"),
    ("odd-toed ungulates", "odd-toed_ungulate.n.01"), ("foxes", "fox.n.01"), ("ponies", "pony.n.01"),
])
def test_names_and_plurals_find_their_synset(lexicon, term, synset):
    assert lexicon.lookup(term)[0] == synset


def test_nouns_outside_the_taxonomy_are_known_as_such(lexicon):
    assert lexicon.lookup("bird") == [] and lexicon.outside("birds")[0][0] == "bird.n.01"
    assert "warm-blooded" in lexicon.outside("bird")[0][1]
    assert lexicon.lookup("xyzzy") == [] and lexicon.outside("xyzzy") == []
    # every concept's every lemma is found again (the lexicon covers the taxonomy)
    for c in lexicon.concepts:
        for w in c.lemmas:
            assert lexicon.lookup(w), (c.name, w)


def test_generated_questions_parse_back_to_their_pairs(lexicon):
    from types import SimpleNamespace as Q

    from demo.ask.evaluate import name_items, plural, synonym_items
    from demo.dataset import load
    assert [plural(w) for w in ("beagle", "fox", "pony", "bay", "sea lion")] == \
        ["beagles", "foxes", "ponies", "bays", "sea lions"]
    test = load().test[:300]
    items = name_items(test, lexicon, lambda c, p: True)
    assert len(items) == 300 and {i.question.split()[0] for i in items} == {"Is", "Are"}
    for it in items:
        q = parse(it.question, lambda t: bool(lexicon.lookup(t)))
        for term, want in ((q.child, it.child), (q.parent, it.parent)):     # some reading names the pair
            assert any(want in lexicon.by_lemma.get(f, ()) for f in lexicon.base_forms(term)), it.question
    syn, held = synonym_items([Q(child="dog.n.01", parent="canine.n.02", label=1)], lexicon, lambda c, p: True)
    assert len(syn) == 1 and syn[0].question == "Is a domestic dog a kind of canine?" and held == {"domestic dog"}
