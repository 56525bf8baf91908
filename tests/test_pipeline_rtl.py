"""The pipeline on the generated RTL: the micro-programs behind `lpu bench`'s penalties and
box throughput pass the testbench (which checks every retirement's cycle against the timing
model), and the observation port reports the stall, forward, bypass and flush events that
docs/rtl_ports.md defines, cycle by cycle, from a MyHDL simulation of the top."""

from __future__ import annotations

import pytest
from myhdl import StopSimulation, block, delay, instance

from isa_spec import load_spec, make_config
from isa_spec.assembler import assemble
from regress.bench_pipeline import PAIRS, _stream
from rtl_gen.generate import shallow
from rtl_gen.id_stage import STALL_EX_BUSY, STALL_GECP, STALL_LATE_USE, STALL_MEM_PORT, STALL_NONE

SPEC = load_spec()


@pytest.mark.rtl
@pytest.mark.parametrize("name", ["default", "wide"])
def test_the_bench_micro_programs_retire_when_the_timing_model_says(name, tmp_path):
    from verif.simulate import SimRequest, simulate

    config = make_config(SPEC, name)
    sources = [p for pair in PAIRS.values() for p in pair] + [_stream(8)]
    for i, src in enumerate(sources):
        asm = tmp_path / f"p{i}.s"
        asm.write_text(src + "\n")
        res = simulate(SimRequest(config=config, config_name=name, overrides={}, test="asm", asm=asm,
                                  test_dir=tmp_path / f"run{i}"))
        assert res.passed, f"{src!r}: {res.failure}"


def _observe(source: str, cycles: int = 40) -> list[dict]:
    """Run `source` on tiny's top in MyHDL; the observation port and EX's pc in every cycle."""
    from rtl_gen.config import RtlConfig
    from rtl_gen.top import lpu_top, top_ports

    cfg = RtlConfig.from_config(make_config(SPEC, "tiny"), SPEC)
    ports = top_ports(cfg)
    prog = assemble(source, "<obs>", spec=SPEC)
    seen: list[dict] = []

    @block
    def bench():
        dut = lpu_top(cfg, **ports)
        clk, rst = ports["clk"], ports["rst"]

        @instance
        def drive():
            rst.next = 1
            for i, w in enumerate(prog.text):
                ports["host_imem_we"].next = 1
                ports["host_imem_addr"].next = i
                ports["host_imem_wdata"].next = w
                clk.next = 1
                yield delay(5)
                clk.next = 0
                yield delay(5)
            ports["host_imem_we"].next = 0
            rst.next = 0
            for _ in range(cycles):
                clk.next = 0
                yield delay(5)
                seen.append({k: int(ports[f"obs_{k}"].val) for k in ("stall", "flush", "fwd", "bypass", "ex_valid",
                                                                     "ex_pc", "mispred", "id_valid", "id_pc",
                                                                     "if_valid", "if_pc")} | {"halted": int(ports["halted"].val)})
                clk.next = 1
                yield delay(5)
            raise StopSimulation
        return dut, drive

    shallow(lambda: bench().run_sim(quiet=1))   # elaborated on a short stack: MyHDL's cost grows with its depth
    return seen


def test_the_observation_port_reports_each_pipeline_event_where_it_happens():
    obs = _observe("""
        lw x1, 0(x0)       # pc 0
        add x2, x1, x1     # pc 4: waits in ID while lw is in EX (late_use), then reads MW's value
        addi x3, x0, 1     # pc 8
        add x4, x3, x3     # pc 12: x3 forwarded from MW to EX, both operands
        beq x0, x0, t      # pc 16: taken, predicted not taken: EX flushes IF and ID
        addi x5, x0, 5     # pc 20: wrong path
t:      lw x6, 0(x0)       # pc 24
        lbx b0, 0(x0)      # pc 28: waits while lw is in EX (mem_port)
        halt
    """)
    ex_pcs = [o["ex_pc"] if o["ex_valid"] else None for o in obs]
    stall = {(o["stall"], p) for o, p in zip(obs, ex_pcs, strict=True)}
    assert (STALL_LATE_USE, 0) in stall                    # the stall is seen while lw (pc 0) is in EX
    assert (STALL_MEM_PORT, 24) in stall
    assert [o["bypass"] for o in obs if o["bypass"]] == [0b011]   # add x2 reads lw's word as MW writes it
    assert any(o["fwd"] == 0b011 and p == 12 for o, p in zip(obs, ex_pcs, strict=True))
    flushes = [p for o, p in zip(obs, ex_pcs, strict=True) if o["flush"] & 1]
    assert flushes[0] == 16                                # the branch redirects from EX
    first = next(o for o in obs if o["flush"] & 1)
    # its wrong path: ID holds pc 20, IF fetches pc 24 (predicted not taken), and it is a misprediction
    assert (first["mispred"], first["id_valid"], first["id_pc"], first["if_valid"], first["if_pc"]) == (1, 1, 20, 1, 24)
    last = [o for o in obs if o["flush"] & 1][-1]
    assert last["mispred"] == 0                            # halt stops fetch: a redirect, not a misprediction
    assert obs[-1]["if_valid"] == 0                        # and IF fetches nothing after it
    assert 20 not in ex_pcs                                # the wrong-path instruction never reaches EX
    assert all(o["stall"] in (STALL_NONE, STALL_LATE_USE, STALL_MEM_PORT, STALL_GECP, STALL_EX_BUSY) for o in obs)
    assert obs[-1]["halted"] == 1
