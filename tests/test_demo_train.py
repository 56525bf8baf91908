"""Issue 17 item 2: box-embeddings training is reproducible and learns (a small subtree)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch", reason="the demo extra is not installed (pip install -e '.[demo]')")
pytest.importorskip("box_embeddings", reason="the demo extra is not installed (pip install -e '.[demo]')")
pytest.importorskip("wn", reason="the demo extra is not installed (pip install -e '.[demo]')")

from compiler.embedding import load_embedding  # noqa: E402
from demo.taxonomy import build_split, mammal_taxonomy  # noqa: E402
from demo.train import DEFAULT_OUT, evaluate, main, train  # noqa: E402


@pytest.fixture(scope="module")
def small():
    tax = mammal_taxonomy("carnivore.n.01")
    assert 250 < len(tax.nodes) < 400
    return build_split(tax, seed=3)


def test_training_learns_and_is_deterministic(small):
    a = train(small, epochs=30, seed=5, dim=8)
    b = train(small, epochs=30, seed=5, dim=8)
    c = train(small, epochs=30, seed=6, dim=8)
    assert np.array_equal(a.lo, b.lo) and np.array_equal(a.hi, b.hi)
    assert not np.array_equal(a.lo, c.lo)
    losses = a.meta["losses_every_10"] + [a.meta["loss"]]
    assert losses[-1] < losses[1] < 0.8 * losses[0]
    assert a.D == 8 and a.names == small.nodes
    assert (a.lo >= 0).all() and (a.hi <= 1).all() and (a.hi >= a.lo).all()
    # the boxes separate training edges from negatives better than chance (F1 of "all yes" ~ 0.18)
    assert evaluate(a, small).train_f1 > 0.4


def test_main_writes_a_loadable_embedding(tmp_path, small, monkeypatch):
    import demo.train as t
    monkeypatch.setattr(t, "load_split", lambda path=None: small)
    out = tmp_path / "boxes.json"
    assert main(["--epochs", "2", "--out", str(out)]) == 0
    emb = load_embedding(out)
    assert emb.meta["epochs"] == 2 and 0.0 <= emb.meta["test_f1"] <= 1.0
    assert (emb.beta_i, emb.beta_v) == (0.01, 0.1)


def test_committed_embedding_matches_the_split():
    from demo.taxonomy import load_split
    emb, split = load_embedding(DEFAULT_OUT), load_split()
    assert emb.names == split.nodes and emb.D == 8
    assert 1e-4 <= emb.beta_i and 0.01 <= emb.beta_v <= 50
    assert np.abs(np.concatenate([emb.lo, emb.hi])).max() <= 1.0


def test_committed_embedding_generalises_to_the_test_split():
    # the protocol's point: transitive pairs never trained on are recovered; "all yes" scores
    # F1 = 2/12 = 0.17 on a split with 10 negatives per positive
    from demo.taxonomy import load_split
    sc = evaluate(load_embedding(DEFAULT_OUT), load_split())
    assert sc.test_f1 > 0.85 and sc.test_precision > 0.9


def test_the_worked_example_uses_the_committed_threshold():
    import re
    text = (DEFAULT_OUT.parent.parent / "examples" / "beagle.slrm").read_text()
    literal = float(re.search(r">= (-?\d+\.\d+);", text).group(1))
    assert abs(literal - load_embedding(DEFAULT_OUT).meta["threshold"]) < 1e-6
