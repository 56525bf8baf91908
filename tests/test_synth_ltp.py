"""rtl_gen.synth.longest_path: the clock-period proxy of LPU_BRIEF section 10 (`synth -top TOP
-flatten -noabc; ltp -noff`), checked on hand-written modules whose longest topological path
is known by construction, not on the LPU (minutes). Each Yosys call here takes seconds."""

from __future__ import annotations

import pytest

from rtl_gen.synth import LTP_COMMANDS, longest_path, parse_ltp, synth_path_stats
from rtl_gen.toolchain import ToolError


def xor_chain(n: int) -> str:
    """y = a0 ^ a1 ^ ... ^ an: n two-input XOR gates in a row (left-associative, and
    `synth -noabc` does not rebalance), so the longest path is n cells."""
    ins = ", ".join(f"input a{i}" for i in range(n + 1))
    return f"module chain({ins}, output y);\n  assign y = {' ^ '.join(f'a{i}' for i in range(n + 1))};\nendmodule\n"


# 6 XORs before a flop and 3 after it: `ltp -noff` cuts paths at flops, so the longest is 6
# (and not 9), and the netlist has 9 gates plus the 1-bit flop.
CUT_BY_FLOP = """module cut(input clk, input a0, input a1, input a2, input a3, input a4, input a5,
           input a6, input b0, input b1, input b2, output y);
  reg r;
  always @(posedge clk) r <= a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6;
  assign y = r ^ b0 ^ b1 ^ b2;
endmodule
"""


@pytest.mark.parametrize("n", [1, 7])
def test_a_chain_of_n_gates_has_longest_path_n(tmp_path, n):
    src = tmp_path / "chain.v"
    src.write_text(xor_chain(n))
    assert longest_path(src, "chain") == n


def test_a_flop_cuts_the_path_and_stat_counts_the_same_netlist(tmp_path):
    src = tmp_path / "cut.v"
    src.write_text(CUT_BY_FLOP)
    st = synth_path_stats(src, "cut", tmp_path / "work")
    assert (st.ltp, st.cells, st.flops, st.latches) == (6, 10, 1, 0)
    assert LTP_COMMANDS.format(top="cut") in st.command and "ltp -noff" in st.command
    assert st.yosys.startswith("Yosys")


def test_a_yosys_failure_is_a_tool_error_naming_the_command(tmp_path):
    src = tmp_path / "broken.v"
    src.write_text("module broken(input a, output y);\n  assign y = ;\nendmodule\n")
    with pytest.raises(ToolError, match=r"ltp -noff"):
        longest_path(src, "broken")


@pytest.mark.parametrize("text", ["", "6. Executing LTP pass (find longest path).\n",
                                  "Longest topological path in m (length=x):\n",
                                  "Longest topological path in a (length=3):\nLongest topological path in b (length=4):\n"])
def test_a_missing_or_garbled_ltp_output_is_a_tool_error_naming_the_command(text):
    with pytest.raises(ToolError, match=r"`synth -top m -flatten -noabc; ltp -noff`.*longest path"):
        parse_ltp(text, "synth -top m -flatten -noabc; ltp -noff")


def test_parse_ltp_reads_the_length():
    assert parse_ltp("\nLongest topological path in lpu_top (length=686):\n    0: \\x\n", "cmd") == 686


def test_gate_stat_reads_old_and_new_yosys_stat_formats():
    from rtl_gen.synth import _gate_stat

    new = "        5 cells\n        3   $_XOR_\n        1   $_DFF_P_\n        1   $_DLATCH_P_\n"
    old = "   Number of cells:                  5\n     $_DFF_P_                        1\n" \
          "     $_DLATCH_P_                     1\n     $_XOR_                          3\n"
    assert _gate_stat(new) == _gate_stat(old) == (5, 1, 1)
