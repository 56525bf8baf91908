"""`lpu bench` pieces: the bare harness agrees with the testbench on what retires, the
golden-model and hardware figures are sane, and the JSON carries the tracked keys."""

import json

import pytest

from isa_spec import load_spec, make_config
from isa_spec.timing import timing_table
from regress.bench import _programs, bench_golden, bench_hardware, bench_sim

SPEC = load_spec()


def test_hardware_latency_grid_follows_the_spec_and_legal_pairs_only():
    hw = bench_hardware(SPEC, quick=True, echo=lambda *a, **k: None)
    pairs = {(x["D"], x["LANES"]) for x in hw["latency"]}
    assert (8, 4) in pairs and (64, 16) in pairs and (1, 1) in pairs
    assert all(d % lanes == 0 for d, lanes in pairs)
    for x in hw["latency"]:
        # docs/pipeline.md: a box operation occupies EX one beat (LANES dimensions) per cycle,
        # a whole-box load or store one data word (of 2D) per cycle
        assert x["box_op"] == x["D"] // x["LANES"]
        assert x["lbx"] == x["sbx"] == 2 * x["D"]
    assert hw["latency"][0]["box_op"] == timing_table(SPEC, make_config(SPEC, "tiny")).ex_cycles["bint"]


def test_golden_figures_count_every_retired_instruction():
    config = make_config(SPEC, "tiny")
    progs = _programs(SPEC, config, 3)
    g = bench_golden(SPEC, config, progs)
    assert g["instructions"] > 3 * 10
    assert g["iss_instr_per_s"] > 0 and g["loop_instr_per_s"] > g["iss_instr_per_s"]
    assert 0 < g["ratio_vs_loop"] < 1


@pytest.mark.rtl
def test_the_bare_harness_retires_what_the_testbench_checks(tmp_path):
    config = make_config(SPEC, "tiny")
    progs = _programs(SPEC, config, 4)
    s = bench_sim(SPEC, config, "tiny", progs, tmp_path)
    assert s["retired_bare"] == s["retired_tb"] > 0
    assert s["bare_instr_per_s"] > s["tb_instr_per_s"] > 0
    assert s["ratio_vs_bare"] == pytest.approx(s["tb_instr_per_s"] / s["bare_instr_per_s"], rel=1e-3)
    json.dumps(s)


@pytest.mark.rtl
def test_bench_quick_json_is_pure_json_with_the_tracked_ratios(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "lpu.cli", "bench", "--quick", "--json", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, p.stderr[-2000:]
    doc = json.loads(p.stdout)   # progress and tables go to stderr
    assert doc["closure"]["ratio"] > 1 and 0 < doc["sim"]["ratio_vs_bare"] < 1
    assert json.loads((tmp_path / "bench.json").read_text()) == doc


def test_pipeline_figures_come_from_runs_and_match_the_rules():
    from regress.bench_pipeline import bench_box_throughput, bench_loop_accuracy, bench_penalties

    default = make_config(SPEC, "default")
    t = timing_table(SPEC, default)
    pen = bench_penalties(SPEC, default)
    # measured as the difference between two runs; docs/pipeline.md rules 2c, 2e, 5
    assert pen["mispredicted branch"] == pen["jalr"] == t.mispredict_penalty
    assert pen["load-use"] == t.late_use
    assert pen["bgecp, predicted right"] == t.gecp_resolve
    assert pen["bgecp, mispredicted"] == t.gecp_resolve + t.mispredict_penalty
    # a counted loop's branch: wrong while the counter (reset weakly not taken) first sees a
    # taken branch, right from then on, and wrong at the exit
    loop = bench_loop_accuracy(SPEC, default, n=50)
    assert loop["branches"] == 50 and loop["mispred"] == 2
    for row in bench_box_throughput(SPEC):
        assert row["dims_per_cycle"] == row["LANES"], row   # the pipelined box unit's goal


def test_cycle_ratios_against_the_multicycle_baseline_are_measured_on_the_same_programs():
    from regress.baseline import load_baseline
    from regress.bench_pipeline import bench_cpi

    cpi = bench_cpi(SPEC, ("tiny",))["tiny"]
    base = load_baseline()["configs"]["tiny"]
    assert cpi["programs"] == len(base["programs"])
    assert cpi["multicycle"]["instructions"] == cpi["pipelined"]["instructions"]   # same programs, same work
    assert cpi["ratio"] == pytest.approx(cpi["multicycle"]["cycles"] / cpi["pipelined"]["cycles"])
    assert cpi["cpi_pipelined"] < cpi["cpi_multicycle"]
