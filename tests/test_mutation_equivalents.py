"""Mutants reviewed as equivalent (verif/mutation_equivalents.toml): the file's checks and
how an entry matches a mutant (by its block, kind, text and reset branch, never its line)."""

import pytest

from verif.mutation import enumerate_mutants
from verif.mutation_equivalents import EquivalentsError, Reviewed, in_reset_branch, load_equivalents, mark_reviewed

DESIGN = """module m (
    clk, rst, d, v, q
);
input clk;
input rst;
input [7:0] d;
input v;
output [7:0] q;
reg [7:0] q;
reg ok;

always @(posedge clk) begin: m_register
    if (rst == 1) begin
        q <= 0;
        ok <= 0;
    end
    else begin
        ok <= v;
        if (v) begin
            q <= d;
        end
        else begin
            q <= 0;
        end
    end
end

endmodule
"""
RESET_Q = Reviewed("m_register", "const", "q <= 0;", "q <= 1;", True, "payload at reset")


def test_an_entry_matches_the_reset_statement_only_and_survives_a_line_shift():
    ms = mark_reviewed(enumerate_mutants(DESIGN), DESIGN, [RESET_Q])
    marked = [m for m in ms if m.equivalent]
    assert [(m.line, m.kind, m.new.strip()) for m in marked] == [(14, "const", "q <= 1;")]
    assert marked[0].equivalent == "reviewed: payload at reset"
    # the same text in the else branch (q <= 0 when not v) is not the reset value: it runs
    assert any(m.line == 23 and m.new.strip() == "q <= 1;" and not m.equivalent for m in ms)
    shifted = DESIGN.replace("reg ok;\n", "reg ok;\nwire unused;\n")
    assert [m.line for m in mark_reviewed(enumerate_mutants(shifted), shifted, [RESET_Q]) if m.equivalent] == [15]


def test_reset_branch_detection():
    lines = DESIGN.split("\n")
    assert in_reset_branch(lines, 14) and in_reset_branch(lines, 15)
    assert not in_reset_branch(lines, 18) and not in_reset_branch(lines, 20) and not in_reset_branch(lines, 23)


def test_the_reviewed_file_loads_and_each_entry_gives_its_reason():
    entries = load_equivalents()
    assert entries and all(e.why and e.block and e.old != e.new for e in entries)
    assert len({e.key() for e in entries}) == len(entries)


@pytest.mark.parametrize("body, message", [
    ('[[equivalent]]\nblock = "b"\n', "entry 1: missing kind, old, new, reset, why"),
    ('[[equivalent]]\nblock = "b"\nkind = "op"\nold = "a"\nnew = "b"\nreset = "yes"\nwhy = "w"\n',
     "entry 1: 'reset' must be a bool"),
    ('[[equivalent]]\nblock = "b"\nkind = "swap"\nold = "a"\nnew = "b"\nreset = true\nwhy = "w"\n',
     "entry 1: kind 'swap' is not one of op, const, invert, stuck, drop"),
    ('[[equivalent]]\nblock = "b"\nkind = "op"\nold = "a"\nnew = "b"\nreset = true\nwhy = "w"\nline = 3\n',
     "entry 1: unknown field line"),
    ("[[equivalent]\n", "cannot read the reviewed equivalent mutants"),
])
def test_a_malformed_file_names_the_file_and_the_entry(tmp_path, body, message):
    path = tmp_path / "eq.toml"
    path.write_text(body)
    with pytest.raises(EquivalentsError) as exc:
        load_equivalents(path)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value)
