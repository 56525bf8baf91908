"""Mutants of the generated Verilog (verif/mutation.py) and their classification
(regress/mutate.py)."""

import subprocess

import pytest

from isa_spec import load_spec, make_config
from regress.mutate import MutantResult, kill_rate, report
from regress.mutate_schemata import run_schemata
from rtl_gen.toolchain import setup_verilator
from verif.build import ensure_rtl
from verif.mutation import KINDS, enumerate_mutants, sample

SMALL = """module m (
    clk, a, b, y
);
input clk;
input [7:0] a;
input [7:0] b;
output [7:0] y;
reg [7:0] y;
wire [7:0] s;
wire [3:0] sink_unused;
reg [7:0] rom [0:1];

initial begin
    rom[0] = 3;
    rom[1] = 4;
end

assign s = (a + b);
assign sink_unused = s[3:0];

always @(posedge clk) begin: m_seq
    if ((a == 5)) begin
        y <= (s & rom[1]);
    end
    else begin
        y <= a[7:1];
    end
end

endmodule
"""


def test_every_kind_is_found_and_each_mutant_changes_exactly_one_statement_line():
    ms = enumerate_mutants(SMALL)
    assert {m.kind for m in ms} == set(KINDS)
    src = SMALL.split("\n")
    for m in ms:
        out = m.apply(SMALL).split("\n")
        diff = [i for i, (x, y) in enumerate(zip(src, out, strict=True)) if x != y]
        assert diff == [m.line - 1], m
        assert "rom[0] = 3" not in m.old and "rom[1] = 4" not in m.old      # never the ROM initialiser
        assert not m.old.startswith(("input", "output", "wire", "reg", "module"))


def test_the_operators_and_constants_are_the_expected_ones():
    news = {(m.kind, m.new.strip()) for m in enumerate_mutants(SMALL)}
    assert ("op", "assign s = (a - b);") in news
    assert ("op", "y <= (s | rom[1]);") in news
    assert ("op", "if ((a != 5)) begin") in news
    assert ("const", "if ((a == 6)) begin") in news and ("const", "if ((a == 4)) begin") in news
    assert ("invert", "if (!((a == 5))) begin") in news
    assert any(k == "drop" and n.startswith("// mutant: dropped y <=") for k, n in news)
    # the assignment operator of `y <= ...` is never taken for a comparison
    assert not any(n.startswith("y < ") or n.startswith("y <=<") for _, n in news)
    # constants inside bit selects (a[7:1], rom[1]) are left alone: they would change widths
    assert not any("a[8:1]" in n or "a[7:2]" in n or "rom[2]" in n for _, n in news)


def test_a_signal_read_nowhere_makes_its_mutants_equivalent():
    ms = enumerate_mutants(SMALL)
    sink = [m for m in ms if m.signal == "sink_unused"]
    assert sink and all(m.equivalent for m in sink)
    assert all(not m.equivalent for m in ms if m.signal in ("s", "y"))


def test_an_if_whose_branches_are_the_same_makes_its_condition_mutants_equivalent():
    v = SMALL.replace("""        y <= a[7:1];""", """        y <= (s & rom[1]);""")
    conds = [m for m in enumerate_mutants(v) if m.signal == "(condition)"]
    assert conds and all(m.equivalent == "both branches of this if do the same" for m in conds)
    assert all(not m.equivalent for m in enumerate_mutants(SMALL) if m.signal == "(condition)")


def test_sampling_is_reproducible_and_spread_over_the_kinds():
    v = (ensure_rtl(make_config(load_spec(), "tiny")) / "lpu_top.v").read_text()
    ms = enumerate_mutants(v)
    a, b = sample(ms, 25, 7), sample(ms, 25, 7)
    assert a == b and len(a) == 25
    assert {m.kind for m in a} == set(KINDS)
    assert sample(ms, 25, 8) != a


def test_kill_rate_counts_timeouts_as_seen_and_leaves_out_equivalent_and_stillborn():
    m = enumerate_mutants(SMALL)[0]
    rs = [MutantResult(m, o) for o in ("killed", "killed", "timeout", "survived", "equivalent", "stillborn")]
    assert kill_rate(rs) == 75.0
    assert kill_rate([MutantResult(m, "equivalent")]) is None


@pytest.mark.rtl
def test_sampled_mutants_of_the_real_design_are_legal_verilog(tmp_path):
    """Every kind of text surgery keeps the design compilable (lint, 2 of each kind)."""
    src = ensure_rtl(make_config(load_spec(), "tiny")) / "lpu_top.v"
    verilator = setup_verilator()
    for m in sample(enumerate_mutants(src.read_text()), 2 * len(KINDS), 3):
        path = m.write(src, tmp_path / f"m{m.id}")
        p = subprocess.run([str(verilator), "--lint-only", "--default-language", "1364-2005", "-Wno-fatal",
                            "-Wno-lint", "-Wno-style", str(path)], capture_output=True, text=True)
        assert p.returncode == 0, f"{m.describe()}\n{p.stderr[-2000:]}"


@pytest.mark.rtl
def test_a_mutant_the_smoke_must_see_is_killed_in_the_schemata_and_an_equivalent_one_is_not_run(tmp_path):
    """The one end-to-end mutant run: both mutants in one schemata build; the design with no
    mutant selected passes first, then the mutant dies."""
    src = ensure_rtl(make_config(load_spec(), "tiny")) / "lpu_top.v"
    ms = enumerate_mutants(src.read_text())
    # the retirement trace reports no memory write for stores: the scoreboard compares it
    wrong_we = next(m for m in ms if m.kind == "op" and m.signal == "rvfi_mem_we")
    eq = next(m for m in ms if m.equivalent)
    results, figures = run_schemata([wrong_we, eq], "tiny", src, tmp_path, seeds=2, timeout=300, jobs=1,
                                    echo=lambda *a, **k: None)
    by = {r.mutant.id: r for r in results}
    assert by[wrong_we.id].outcome == "killed" and by[wrong_we.id].by == "directed", by[wrong_we.id]
    assert by[eq.id].outcome == "equivalent"
    assert figures.mode == "schemata" and figures.mutants == 1 and figures.seconds > 0
    assert (tmp_path / "none" / "random").is_dir()          # the unmutated run went through the whole budget
    assert not (tmp_path / f"m{eq.id:05d}").exists()


SELECTED = """module m (
    clk, a, y
);
input clk;
input [7:0] a;
output [3:0] y;
wire [3:0] y;
wire [7:0] s;
wire [7:0] w;

assign s = (a + 1);
assign w = (a - 1);
assign y = (s[(2 + 1):2] + w[3:0] + w);

endmodule
"""


def test_a_stuck_bit_that_every_read_selects_away_is_equivalent():
    """s is read only as s[3:2]: its other bits are read nowhere; w is also read whole."""
    from verif.mutation_reads import BitReads

    lines = SELECTED.split("\n")
    reads = BitReads(lines)
    assert reads.bits("s") == {2, 3} and reads.bits("w") is None and reads.bits("a") is None
    assert reads.unread("s", 5) and not reads.unread("s", 3) and not reads.unread("w", 5)
    stuck = {m.signal: m for m in enumerate_mutants(SELECTED) if m.kind == "stuck"}
    bit = int(stuck["s"].new.split("<< ")[1].split(")")[0])
    assert bool(stuck["s"].equivalent) == (bit not in (2, 3))
    assert stuck["s"].equivalent in ("", f"bit {bit} of s is read by no bit or part select")
    assert not stuck["w"].equivalent and not stuck["y"].equivalent


def test_the_report_gives_the_build_time_per_mutant_of_separate_builds():
    m = enumerate_mutants(SMALL)[0]
    rs = [MutantResult(m, "killed", build_seconds=30.0), MutantResult(m, "survived", build_seconds=40.0),
          MutantResult(m, "equivalent")]
    rep = report(rs, "tiny", 1, 100.0, "all")
    assert rep["build"] == {"mode": "separate", "seconds": 70.0, "mutants": 2, "per_mutant": 35.0}
    assert rep["scope"] == "all" and rep["kill_rate"] == 50.0
    schem = report(rs, "tiny", 1, 100.0, "pipeline", {"mode": "schemata", "seconds": 40.0, "mutants": 2,
                                                      "per_mutant": 20.0})
    assert schem["build"]["mode"] == "schemata"
