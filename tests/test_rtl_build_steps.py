"""Generation's steps outside the design: the spec constants the RTL reads (ilen, the csr
field), the one ROM-initialiser fix, and `lpu gen`'s progress lines (issue 13, 3.8 and 5)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from myhdl import Signal, always_comb, block, intbv

import rtl_gen.generate as generate_mod
from isa_spec import load_spec, make_config
from lpu.cli import main
from rtl_gen.config import RtlConfig
from rtl_gen.rom_init import ROM_INIT_REASON, fix_rom_init
from rtl_gen.top import top_ports
from rtl_gen.units import RtlError

SPEC = load_spec()

MYHDL_ROM = """reg signed [32:0]  rom0_mem [0:2-1];
initial begin
    rom0_mem[0] <= 32'h40000000;
    rom0_mem[1] <= 5;
end
initial begin: INITIALIZE_REGS
    integer i;
    for(i=0; i<8; i=i+1) begin
        regs[i] = 0;
    end
end
always @(posedge clk) begin
    y <= rom0_mem[a];
end
"""


def test_the_rtl_reads_instruction_size_and_csr_width_from_the_spec():
    cfg = RtlConfig.from_config(make_config(SPEC, "tiny"), SPEC)
    assert cfg.insn_bytes == SPEC.ilen // 8 and 1 << cfg.insn_shift == cfg.insn_bytes
    assert cfg.csr_bits == SPEC.fields["csr"].width
    assert len(top_ports(cfg)["rvfi_csr_addr"]) == SPEC.fields["csr"].width


@pytest.mark.parametrize(("ilen", "xlen"), [(64, 32), (32, 64), (16, 32)])
def test_an_instruction_size_the_rtl_cannot_fetch_is_refused_at_load(ilen, xlen):
    spec = dataclasses.replace(SPEC, ilen=ilen, xlen=xlen)
    with pytest.raises(RtlError, match=rf"isa.toml: .*ilen = xlen = 32, not ilen = {ilen}, xlen = {xlen}"):
        RtlConfig.from_config(make_config(SPEC, "tiny"), spec)


def test_fix_rom_init_makes_rom_words_blocking_and_waives_only_rom_blocks():
    out = fix_rom_init(MYHDL_ROM)
    assert "rom0_mem[0] = 32'h40000000;" in out and "rom0_mem[1] = 5;" in out
    assert "y <= rom0_mem[a];" in out  # outside initial blocks nothing changes
    assert out.count(ROM_INIT_REASON) == 1 and out.count("lint_off WIDTHEXPAND") == 1
    rom = out[out.index("lint_off"):out.index("lint_on")]
    assert "rom0_mem[1]" in rom and "INITIALIZE_REGS" not in rom


@block
def _small(a, y):
    @always_comb
    def comb():
        y.next = a + 1
    return comb


def test_gen_prints_each_step_with_its_seconds_on_stderr(tmp_path, capsys, monkeypatch):
    """A large configuration converts for minutes; each step says when it starts and ends.
    (The design is swapped for a small block so that the test measures the reporting.)"""
    monkeypatch.setattr(generate_mod, "lpu_top", lambda cfg, **ports: _small(
        Signal(intbv(0)[8:]), Signal(intbv(0)[9:])))
    assert main(["gen", "--config", "tiny", "-o", str(tmp_path / "rtl")]) == 0
    out, err = capsys.readouterr()
    assert "wrote" in out and "[gen]" not in out  # stdout keeps the result only
    steps = re.findall(r"^\[gen\] (.+): (\d+\.\d) s$", err, re.M)
    assert [s for s, _ in steps] == ["elaborate", "convert", "ROM init"]
    assert re.findall(r"^\[gen\] (.+) \.\.\.$", err, re.M) == ["elaborate", "convert", "ROM init"]
