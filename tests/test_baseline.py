"""regress/baseline_multicycle.json: the multi-cycle core's figures load and hold together,
and a missing or damaged file is a one-line error naming it."""

from __future__ import annotations

import json

import pytest

from regress.baseline import BASELINE_FILE, FIGURES, BaselineError, load_baseline, problems

CONFIGS = ("tiny", "default", "wide")


@pytest.fixture(scope="module")
def baseline():
    return load_baseline()


def test_the_file_loads_with_every_configuration_and_its_provenance(baseline):
    assert problems(baseline) == []
    assert set(CONFIGS) <= set(baseline["configs"])
    assert len(baseline["commit"]) == 40 and baseline["date"][:2] == "20"
    assert "ltp -noff" in baseline["yosys"]["command"] or baseline["yosys"]["command"].startswith("(not")


def test_every_configuration_has_taxonomy_and_the_smoke_seeds(baseline):
    for name in CONFIGS:
        progs = baseline["configs"][name]["programs"]
        assert "examples/taxonomy.s" in progs
        assert {f"random/seed{s}" for s in range(1, 21)} <= set(progs)


def test_figures_are_consistent(baseline):
    for name, c in baseline["configs"].items():
        for pname, f in c["programs"].items():
            assert set(f) == set(FIGURES), (name, pname)
            assert f["cycles"] >= f["instructions"] + f["traps"] > 0, (name, pname)
            assert f["mispred"] <= f["branches"] <= f["instructions"], (name, pname)
        assert c["totals"] == {k: sum(f[k] for f in c["programs"].values()) for k in FIGURES}
        s = c.get("synth")
        assert s is not None or c["synth_note"], name
        if s is not None:
            assert s["latches"] == 0 and 0 < s["flops"] < s["cells"]
            assert s["ltp"] is None and s["ltp_note"] or 0 < s["ltp"] < s["cells"]


def test_multicycle_taxonomy_is_at_least_two_cycles_per_instruction(baseline):
    # LPU_BRIEF section 10: the multi-cycle core takes 2 cycles per scalar instruction
    for c in baseline["configs"].values():
        f = c["programs"]["examples/taxonomy.s"]
        assert f["cycles"] >= 2 * f["instructions"]


def test_missing_file_is_one_line_naming_it(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(BaselineError) as e:
        load_baseline(path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("damage", ["truncate", "format", "cycles", "totals", "ltp"])
def test_damaged_file_is_one_line_naming_it(tmp_path, damage):
    data = json.loads(BASELINE_FILE.read_text())
    path = tmp_path / "baseline.json"
    text = json.dumps(data)
    tiny = data["configs"]["tiny"]
    if damage == "truncate":
        text = text[: len(text) // 2]
    else:
        if damage == "format":
            data["format"] = "something-else/9"
        elif damage == "cycles":
            tiny["programs"]["examples/taxonomy.s"]["cycles"] = 1
        elif damage == "totals":
            tiny["totals"]["cycles"] += 1
        else:
            tiny["synth"] = {"cells": 10, "flops": 2, "latches": 0, "ltp": None}
        text = json.dumps(data)
    path.write_text(text)
    with pytest.raises(BaselineError) as e:
        load_baseline(path)
    msg = str(e.value)
    assert msg.startswith(str(path)) and "\n" not in msg
