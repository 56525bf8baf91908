"""The UVM testbench on the generated RTL: directed and random programs pass on every
named configuration, `lpu sim` reports and reproduces, and line/toggle coverage is collected."""

import pytest

from isa_spec import load_spec, make_config
from lpu.cli import main
from verif.code_coverage import CodeCoverage
from verif.simulate import SimRequest, simulate

SPEC = load_spec()
SEEDS = {"tiny": 40, "default": 20, "wide": 4}


def request(name, test, tmp_path, **kw):
    return SimRequest(config=make_config(SPEC, name), config_name=name, overrides={}, test=test,
                      test_dir=tmp_path / test, **kw)


@pytest.mark.rtl
@pytest.mark.parametrize("name", ["tiny", "default", "wide"])
def test_random_programs_pass(name, tmp_path):
    res = simulate(request(name, "random", tmp_path, seed=1000, count=SEEDS[name]))
    assert res.passed, res.failure + "\nreproduce: " + res.repro
    log = (res.test_dir / "sim.log").read_text()
    assert f"{SEEDS[name]} programs" in log and " 0 failures" in log
    assert res.coverage is not None


@pytest.mark.rtl
def test_uvm_directed_programs_pass(tmp_path):
    res = simulate(request("default", "directed", tmp_path))
    assert res.passed, res.failure


@pytest.mark.rtl
def test_code_coverage_is_collected_and_merges(tmp_path):
    a = simulate(request("tiny", "random", tmp_path / "a", seed=1, count=3, coverage=True))
    b = simulate(request("tiny", "random", tmp_path / "b", seed=4, count=3, coverage=True))
    assert a.passed and b.passed
    ca = CodeCoverage.read(a.test_dir / "coverage.dat")
    cb = CodeCoverage.read(b.test_dir / "coverage.dat")
    merged = CodeCoverage.merge([ca, cb]).summary()
    for kind in ("line", "toggle"):
        assert merged[kind]["hit"] >= max(ca.summary()[kind]["hit"], cb.summary()[kind]["hit"])
        assert 0 < merged[kind]["percent"] <= 100


@pytest.mark.rtl
def test_lpu_sim_runs_a_file_and_prints_the_verdict(tmp_path, capsys):
    status = main(["sim", "examples/taxonomy.s", "--config", "tiny", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0 and out.startswith("PASS")


def test_lpu_sim_user_errors(tmp_path, capsys):
    assert main(["sim", str(tmp_path / "missing.s")]) != 0
    assert "no such file" in capsys.readouterr().err
    assert main(["sim"]) != 0
    assert "give an assembly FILE, --random, --coverage-driven or --directed" in capsys.readouterr().err
    assert main(["sim", "--random", "--rtl", str(tmp_path)]) != 0
    assert "no lpu_top.v" in capsys.readouterr().err


@pytest.mark.rtl
def test_an_unusual_legal_configuration_lints_and_passes(tmp_path):
    """Parameters off the named configurations: BEATS = 3 (not a power of two), LANES = 2,
    16 scalar and 4 box registers, 2 predictor entries, small memories, 12-bit tables."""
    from rtl_gen.lint import lint
    from verif.build import ensure_rtl

    ov = {"D": 6, "LANES": 2, "SREGS": 16, "BREGS": 4, "PRED_ENTRIES": 2, "IMEM_WORDS": 256,
          "DMEM_WORDS": 128, "NLT_BITS": 12}
    config = make_config(SPEC, "default", ov)
    assert lint(ensure_rtl(config) / "lpu_top.v", "lpu_top") == []
    for test, count in (("directed", 1), ("random", 10)):
        res = simulate(SimRequest(config=config, config_name="default", overrides=ov, test=test,
                                  test_dir=tmp_path / test, seed=1, count=count))
        assert res.passed, res.failure + "\nreproduce: " + res.repro
