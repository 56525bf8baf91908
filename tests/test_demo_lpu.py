"""The demo on a small synthetic taxonomy: the queries compile and run on the ISS, agree
with the float models, and `lpu demo` runs end to end (the real boxes are not needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from compiler.target import make_target
from demo import dataset
from demo import floatmodel as fm
from demo.queries import PAD, compile_queries, pad, padding_effect
from demo.run import run_iss
from lpu.cli import main

pytest.importorskip("torch")
pytest.importorskip("box_embeddings")


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    return dataset.synthetic(tmp_path_factory.mktemp("synth"), depth=3, fanout=3, seed=1)


@pytest.fixture(scope="module")
def data(synth) -> dataset.DemoData:
    return dataset.load(synth)


def test_the_library_model_and_the_numpy_reference_agree(data):
    pairs = [(q.child, q.parent) for q in data.test]
    t, n = fm.torch_scores(data.emb, pairs), fm.numpy_scores(data.emb, pairs)
    assert np.max(np.abs(t - n)) < 1e-9
    assert np.all(t <= 1e-9)                     # log probabilities
    # a child inside its parent scores near 0, a disjoint pair very low
    lab = np.array([q.label for q in data.test])
    assert np.median(t[lab]) > np.median(t[~lab]) + 1


@pytest.mark.parametrize("config", ["default", "wide"])
def test_queries_run_on_the_iss_and_agree_with_the_float_model_away_from_the_threshold(data, tmp_path, config):
    thr = fm.choose_threshold(data.emb, data.train)
    target = make_target(config)
    qp = compile_queries(data.test, data.emb, target, thr.value, tmp_path)
    assert len(qp.comp.programs) >= 1
    run = run_iss(qp)
    c = run.comparison
    assert c["disagree"] == 0 and c["agree"] + c["near"] == 2 * len(data.test), run.mismatches
    assert c["agree"] >= len(data.test)          # near slots are decisions close to the threshold
    assert np.all(np.abs(run.scores - run.float_scores) <= run.bounds)
    assert all(c > 0 for c in run.cycles)
    fl = fm.torch_scores(data.emb, [(q.child, q.parent) for q in data.test])
    far = np.abs(fl - thr.value) > run.bounds + 0.01
    assert far.sum() > len(fl) // 2
    assert np.array_equal(run.decisions[far], (fl >= thr.value)[far])
    # on the LPU, a decision is its own score against the threshold rounded to the log format
    ulp = 2.0 ** -target.log.frac
    assert np.array_equal(run.decisions, run.scores >= np.floor(thr.value / ulp + 0.5) * ulp)


def test_padding_adds_the_same_small_constant_to_every_score(data):
    pairs = [(q.child, q.parent) for q in data.test]
    padded = pad(data.emb, 64)
    assert padded.D == 64 and np.all(padded.lo[:, 8:] == PAD[0]) and np.all(padded.hi[:, 8:] == PAD[1])
    eff = padding_effect(data.emb, padded, pairs)
    d = fm.numpy_scores(padded, pairs) - fm.numpy_scores(data.emb, pairs)
    assert np.ptp(d) < 1e-9                      # the same shift for every query
    # about -(56 dims) * 2 beta_i ln2 / 200 (the width of PAD)
    assert eff.max_abs == pytest.approx(56 * 2 * data.emb.beta_i * np.log(2) / 200, rel=0.05)
    with pytest.raises(ValueError):
        pad(data.emb, 4)


def test_lpu_demo_end_to_end_on_synthetic_data(synth, tmp_path, capsys):
    html = tmp_path / "page"
    assert main(["demo", "--data", str(synth), "--config", "default", "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC data" in out and "LPU ISS, default (D=8)" in out and "ESTIMATE" in out
    assert "decisions differ from the float model" in out
    assert (html / "index.html").exists()


def test_lpu_demo_errors_are_one_line(synth, tmp_path, capsys):
    assert main(["demo", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "mammal_boxes.json: no such file" in err and "Traceback" not in err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / dataset.BOXES).write_text((synth / dataset.BOXES).read_text()[:200])
    (bad / dataset.SPLIT).write_text((synth / dataset.SPLIT).read_text())
    assert main(["demo", "--data", str(bad)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    (bad / dataset.BOXES).write_text((synth / dataset.BOXES).read_text())
    split = json.loads((synth / dataset.SPLIT).read_text())
    split["test"].append(["nosuch", "root", 1])
    (bad / dataset.SPLIT).write_text(json.dumps(split))
    assert main(["demo", "--data", str(bad)]) == 1
    assert "'nosuch'" in capsys.readouterr().err
    assert main(["demo", "--data", str(synth), "--config", "nope"]) == 1
    assert "unknown configuration 'nope'" in capsys.readouterr().err
    assert main(["demo", "frobnicate"]) == 1
    assert "unknown argument 'frobnicate'" in capsys.readouterr().err


def test_a_missing_demo_extra_is_one_line(synth, monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "box_embeddings.modules.intersection", None)
    assert main(["demo", "--data", str(synth), "--config", "default"]) == 1
    err = capsys.readouterr().err
    assert "pip install -e '.[demo]'" in err and "Traceback" not in err


def test_a_seeded_subset_is_reproducible_and_in_the_splits_order(data, tmp_path):
    from demo.report import failures, run_demo

    def picked(seed):
        rep = run_demo(data, tmp_path / f"s{seed}", ["default"], queries=15, sample_seed=seed)
        assert not failures(rep)
        return [data.test.index(q) for q in rep.data.test]

    a, b, c = picked(4), picked(4), picked(9)
    assert a == b and a != c
    assert len(a) == 15 and a == sorted(a) and len(set(a)) == 15
